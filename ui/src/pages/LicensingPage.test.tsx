import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, makeRow, makeRows, MOCK_BUCKETS, type MockBackend } from "../testing/mockBackend";
import type { PlanSettings } from "../ipc/backend";

type User = ReturnType<typeof userEvent.setup>;

async function openLicensing(user: User, backend: MockBackend) {
  renderWithBackend(<App />, backend);
  await user.click(await screen.findByTestId("nav-licensing"));
  await screen.findByTestId("page-licensing");
  await screen.findByTestId("lic-billable");
}

const bucket = (key: string) => screen.getAllByTestId("lic-bucket").find((b) => b.getAttribute("data-key") === key)!;
const bucketTotal = (key: string) => within(bucket(key)).getByTestId("lic-bucket-total").textContent;
const planCalls = (backend: MockBackend) => backend.callsOf("licensePlan") as [string, PlanSettings, boolean][];

describe("Licensing", () => {
  it("shows the estimate: KPIs and every bucket with its total and rule", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);

    // 64 own-tenant + 38 third-party + 4 legacy + 1 reviewed managed identity.
    expect(screen.getByTestId("lic-billable").textContent).toBe("107");
    expect(screen.getByTestId("lic-billable-disabled").textContent).toBe("8");
    expect(screen.getByTestId("lic-feature-scoped").textContent).toBe("1");
    expect(screen.getByTestId("lic-unused").textContent).toBe("12");
    expect(screen.getByTestId("lic-monthly").textContent).toBe("321.00 USD");

    const keys = screen.getAllByTestId("lic-bucket").map((b) => b.getAttribute("data-key"));
    expect(keys).toEqual([
      "ownTenant",
      "thirdParty",
      "legacy",
      "managedIdentitiesReviewed",
      "managedIdentities",
      "microsoft",
      "agentIdentities",
      "socialIdp",
    ]);
    expect(bucketTotal("ownTenant")).toBe(String(MOCK_BUCKETS.ownTenant!.total));
    expect(bucketTotal("microsoft")).toBe(String(MOCK_BUCKETS.microsoft!.total));
    expect(bucketTotal("managedIdentitiesReviewed")).toBe("1");
    expect(bucketTotal("managedIdentities")).toBe("29");
    expect(within(bucket("legacy")).getByTestId("lic-bucket-counted").textContent).toBe("Counted (uncertain)");
    expect(within(bucket("ownTenant")).getByTestId("lic-bucket-counted").textContent).toBe("Counted");
    expect(within(bucket("microsoft")).getByTestId("lic-bucket-counted").textContent).toBe("Not counted");
    expect(within(bucket("microsoft")).getByTestId("lic-bucket-billable").textContent).toBe("0");
    expect(within(bucket("microsoft")).getByText(/not eligible for premium features/)).toBeTruthy();
    expect(screen.getByTestId("lic-bucket-sum").textContent).toBe("107");

    // The trial subscription, compared with the estimate.
    expect(screen.getByTestId("lic-coverage").textContent).toBe("100 prepaid units cover 100 of 107 identities; 7 short");
    expect(screen.getByTestId("lic-trial").textContent).toMatch(/^Trial ends .+ \(42 days left\)$/);
  });

  it("switches the headline between full coverage and feature-scoped", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    expect(screen.getByTestId("lic-headline").textContent).toBe("107");
    await user.click(screen.getByRole("tab", { name: "Feature-scoped" }));
    expect(screen.getByTestId("lic-headline").textContent).toBe("1");
    expect(screen.getByTestId("lic-headline-cost").textContent).toBe("3.00 USD");
    expect(screen.getByTestId("lic-mode-explanation").textContent).toContain("Conditional access policies are not in the cache");
    expect(screen.getByTestId("lic-coverage").textContent).toBe("100 prepaid units cover 1 of 1 identity; 99 to spare");
  });

  it("says when the cache cannot tell unused identities or holds no subscription", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ licensing: { unusedBillable: null, subscriptions: [], skusSynced: false } });
    await openLicensing(user, backend);
    expect(screen.getByTestId("lic-unused").textContent).toBe("Unknown");
    expect(screen.getByTestId("lic-unused-explanation").textContent).toContain("90 days of history are needed");
    expect(screen.getByTestId("lic-no-subscription").textContent).toBe(
      "No Workload ID Premium subscription in the cache: subscriptions not synced.",
    );
    const rows = screen.getAllByTestId("plan-row");
    expect(within(rows[1]!).getByTestId("plan-note").textContent).toContain("90 days of history are needed");
    expect(within(rows[1]!).queryByTestId("plan-monthly")).toBeNull();
  });

  it("puts a managed identity in access reviews and reloads the estimate", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);

    const rows = screen.getAllByTestId("lic-review-row");
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText("Global Administrator")).toBeTruthy();
    const toggles = screen.getAllByTestId("lic-review-toggle") as HTMLInputElement[];
    expect(toggles.map((t) => t.checked)).toEqual([true, false, false]);

    await user.click(toggles[1]!);
    const id = rows[1]!.getAttribute("data-id");
    await waitFor(() => expect(backend.callsOf("setLicenseScope")).toEqual([["contoso", id, "accessReview", true]]));
    await waitFor(() => expect(bucketTotal("managedIdentitiesReviewed")).toBe("2"));
    expect(backend.callsOf("licensing")).toHaveLength(2);
    expect(screen.getByTestId("lic-billable").textContent).toBe("108");
    expect((screen.getAllByTestId("lic-review-toggle") as HTMLInputElement[]).map((t) => t.checked)).toEqual([true, true, false]);
    // The planner recomputes on the new estimate.
    await waitFor(() => expect(within(screen.getAllByTestId("plan-row")[0]!).getByTestId("plan-monthly").textContent).toBe("324.00 USD"));

    // And out again.
    await user.click(screen.getAllByTestId("lic-review-toggle")[0]!);
    const first = rows[0]!.getAttribute("data-id");
    await waitFor(() => expect(backend.callsOf("setLicenseScope").at(-1)).toEqual(["contoso", first, "accessReview", false]));
    await waitFor(() => expect(bucketTotal("managedIdentitiesReviewed")).toBe("1"));
    expect((screen.getAllByTestId("lic-review-toggle") as HTMLInputElement[]).map((t) => t.checked)).toEqual([false, true, false]);
  });

  it("recomputes the plan when the price changes", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");
    const monthly = () => within(within(planner).getAllByTestId("plan-row")[0]!).getByTestId("plan-monthly").textContent;
    expect(monthly()).toBe("321.00 USD");
    expect(planCalls(backend)).toHaveLength(0);

    const price = within(planner).getByTestId("plan-price");
    await user.clear(price);
    await user.type(price, "5");
    await waitFor(() => expect(monthly()).toBe("535.00 USD"));
    const calls = planCalls(backend);
    expect(calls.at(-1)![0]).toBe("contoso");
    expect(calls.at(-1)![1].price).toBe(5);
    expect(calls.at(-1)![2]).toBe(false);
    // Debounced, and never sent while the field was empty.
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.every(([, s]) => Number.isFinite(s.price))).toBe(true);
    expect(within(within(planner).getAllByTestId("plan-row")[0]!).getByTestId("plan-36m").textContent).toBe("19,260.00 USD");
  });

  it("saves the plan", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");
    const currency = within(planner).getByTestId("plan-currency");
    await user.clear(currency);
    await user.type(currency, "EUR");
    await waitFor(() => expect(within(planner).getAllByTestId("plan-monthly")[0]!.textContent).toBe("321.00 EUR"));

    await user.click(within(planner).getByTestId("plan-save"));
    await waitFor(() => expect(within(planner).getByTestId("plan-saved").textContent).toContain("Saved"));
    const saves = planCalls(backend).filter(([, , save]) => save);
    expect(saves).toHaveLength(1);
    expect(saves[0]![1]).toMatchObject({ price: 3, currency: "EUR", trialStart: null, growthPct: 0 });
    expect(saves[0]![1].scenarios).toHaveLength(3);
  });

  it("edits scenarios and shows validation errors from the backend inline", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");

    await user.click(within(planner).getByTestId("scenario-add"));
    const adjustments = within(planner).getAllByTestId("scenario-adjustment");
    await user.clear(adjustments[3]!);
    await user.type(adjustments[3]!, "-7");
    await waitFor(() => expect(within(planner).getAllByTestId("plan-row")).toHaveLength(4));
    await waitFor(() =>
      expect(within(within(planner).getAllByTestId("plan-row")[3]!).getByTestId("plan-identities").textContent).toBe("100"),
    );

    // An empty scenario name is the backend's to reject: shown inline, the page stays.
    const names = within(planner).getAllByTestId("scenario-name");
    await user.clear(names[0]!);
    const error = await within(planner).findByTestId("plan-error");
    expect(error.textContent).toContain("every scenario needs a name of 1 to 80 characters");
    expect(screen.getByTestId("page-licensing")).toBeTruthy();
    expect(screen.queryByTestId("error-bar")).toBeNull();

    await user.type(names[0]!, "Today");
    await waitFor(() => expect(within(planner).queryByTestId("plan-error")).toBeNull());

    await user.click(within(planner).getAllByTestId("scenario-remove")[1]!);
    await waitFor(() => expect(within(planner).getAllByTestId("plan-row")).toHaveLength(3));
    expect(within(planner).getAllByTestId("plan-name").map((n) => n.textContent)).toEqual([
      "Today",
      "Feature-scoped",
      "Scenario 4",
    ]);
  });

  it("shows when the trial ends", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");
    const start = within(planner).getByTestId("plan-trial-start");
    await user.type(start, "2025-06-01");
    await waitFor(() => expect(planCalls(backend).at(-1)![1].trialStart).toBe("2025-06-01"));
    const end = new Date(Date.UTC(2025, 7, 30)).toLocaleDateString(undefined, { timeZone: "UTC" });
    await waitFor(() => expect(within(planner).getByTestId("plan-trial-end").textContent).toContain(`Trial ends ${end}`));
  });
});

describe("License scope in the identity detail", () => {
  it("picks an identity for the feature-scoped estimate; access reviews only for managed identities", async () => {
    const user = userEvent.setup();
    const app = makeRow(0, { displayName: "Payroll connector", kind: "application", secretCount: 1 });
    const mi = makeRow(1, { displayName: "Backup vault identity", kind: "managedIdentityUser", secretCount: 1 });
    const backend = createMockBackend({ rows: { contoso: [app, mi, ...makeRows(2).map((r, i) => ({ ...r, id: `x-${i}`, kind: "application" as const }))] } });
    renderWithBackend(<App />, backend);

    await user.click(await screen.findByRole("button", { name: "Payroll connector" }));
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe("Payroll connector"));
    const picked = (await screen.findByTestId("scope-picked")) as HTMLInputElement;
    expect(picked.checked).toBe(false);
    expect(screen.queryByTestId("scope-review")).toBeNull();
    await user.click(picked);
    await waitFor(() => expect(backend.callsOf("setLicenseScope")).toEqual([["contoso", app.id, "picked", true]]));
    await waitFor(() => expect((screen.getByTestId("scope-picked") as HTMLInputElement).checked).toBe(true));
    expect(screen.getAllByTestId("credential-row").length).toBeGreaterThan(0);

    await user.click(screen.getByTestId("nav-licensing"));
    await waitFor(() => expect(screen.getByTestId("lic-feature-scoped").textContent).toBe("2"));

    await user.click(screen.getByRole("button", { name: "Backup vault identity" }));
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe("Backup vault identity"));
    const review = (await screen.findByTestId("scope-review")) as HTMLInputElement;
    expect(review.checked).toBe(true);
    await user.click(review);
    await waitFor(() => expect(backend.callsOf("setLicenseScope").at(-1)).toEqual(["contoso", mi.id, "accessReview", false]));
    await waitFor(() => expect((screen.getByTestId("scope-review") as HTMLInputElement).checked).toBe(false));
  });
});
