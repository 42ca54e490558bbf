import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, DEMO_TENANT, licensingFixture, type MockBackend } from "../testing/mockBackend";
import type { Licensing, PlanSettings } from "../ipc/backend";

const T = DEMO_TENANT.id;

/** The Licensing page's figures for the demo as generated (no license scope set). */
const demo: Licensing = (() => {
  const c = licensingFixture.licensing.find((l) => l.cache === "demo" && l.scope.length === 0)!;
  if (!("ok" in c)) throw new Error("no demo licensing in the fixtures");
  return c.ok;
})();
const candidate = demo.reviewCandidates[0]!;

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

    // 10 own-tenant + 7 third-party + 1 legacy; no managed identity is in access reviews yet.
    expect(screen.getByTestId("lic-billable").textContent).toBe("18");
    expect(screen.getByTestId("lic-billable-disabled").textContent).toBe("0");
    expect(screen.getByTestId("lic-feature-scoped").textContent).toBe("0");
    expect(screen.getByTestId("lic-unused").textContent).toBe("4");
    expect(screen.getByTestId("lic-monthly").textContent).toBe("54.00 USD");

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
    for (const b of demo.estimate.bucketDetails) expect(bucketTotal(b.key)).toBe(String(b.total));
    expect(bucketTotal("managedIdentitiesReviewed")).toBe("0");
    expect(within(bucket("legacy")).getByTestId("lic-bucket-counted").textContent).toBe("Counted (uncertain)");
    expect(within(bucket("ownTenant")).getByTestId("lic-bucket-counted").textContent).toBe("Counted");
    expect(within(bucket("microsoft")).getByTestId("lic-bucket-counted").textContent).toBe("Not counted");
    expect(within(bucket("microsoft")).getByTestId("lic-bucket-billable").textContent).toBe("0");
    expect(within(bucket("microsoft")).getByText(/not eligible for premium features/)).toBeTruthy();
    expect(screen.getByTestId("lic-bucket-sum").textContent).toBe("18");

    // The trial subscription, compared with the estimate.
    expect(screen.getByTestId("lic-coverage").textContent).toBe("100 prepaid units cover 18 of 18 identities; 82 to spare");
    expect(screen.getByTestId("lic-trial").textContent).toMatch(/^Trial ends .+ \(45 days left\)$/);
  });

  it("switches the headline between full coverage and feature-scoped", async () => {
    const user = userEvent.setup();
    // One identity picked, so that feature-scoped is not empty.
    const backend = createMockBackend();
    await backend.setLicenseScope(T, (await backend.dashboard(T, 30)).summary.expiringSoon[0]!.servicePrincipalId, "picked", true);
    await openLicensing(user, backend);
    expect(screen.getByTestId("lic-headline").textContent).toBe("18");
    await user.click(screen.getByRole("tab", { name: "Feature-scoped" }));
    expect(screen.getByTestId("lic-headline").textContent).toBe("1");
    expect(screen.getByTestId("lic-headline-cost").textContent).toBe("3.00 USD");
    expect(screen.getByTestId("lic-mode-explanation").textContent).toContain("Conditional access policies are not in the cache");
    expect(screen.getByTestId("lic-mode-explanation").textContent).toContain("1 identity picked");
    expect(screen.getByTestId("lic-coverage").textContent).toBe("100 prepaid units cover 1 of 1 identity; 99 to spare");
  });

  it("says when the cache cannot tell unused identities or holds no subscription", async () => {
    const user = userEvent.setup();
    // Synced without Graph's usage reports or subscriptions.
    const backend = createMockBackend({ cache: "sparse" });
    await openLicensing(user, backend);
    const sparse = await backend.licensing(T);
    expect(screen.getByTestId("lic-unused").textContent).toBe("Unknown");
    expect(screen.getByTestId("lic-unused-explanation").textContent).toBe(sparse.estimate.unusedExplanation);
    expect(sparse.plan.results[1]!.note).toContain("a verdict needs 90 days");
    expect(screen.getByTestId("lic-no-subscription").textContent).toBe(
      "No Workload ID Premium subscription in the cache: subscriptions not synced.",
    );
    const rows = screen.getAllByTestId("plan-row");
    expect(within(rows[1]!).getByTestId("plan-note").textContent).toContain(sparse.plan.results[1]!.note!);
    expect(within(rows[1]!).queryByTestId("plan-monthly")).toBeNull();
  });

  it("counts managed identities by completed access reviews and leads to the Access reviews page", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);

    const rows = screen.getAllByTestId("lic-review-row");
    expect(rows).toHaveLength(demo.reviewCandidates.length);
    expect(rows[0]!.getAttribute("data-id")).toBe(candidate.id);
    expect(within(rows[0]!).getByText(candidate.roles[0]!)).toBeTruthy();
    // No review covers it yet, and nothing is ticked by hand: it is reviewed by running a review.
    expect(within(rows[0]!).getByTestId("lic-review-status").textContent).toContain("Not in a completed review");
    expect(screen.queryByTestId("lic-review-toggle")).toBeNull();
    await user.click(within(rows[0]!).getByTestId("lic-review-start"));
    await screen.findByTestId("page-accessReviews");
  });

  it("recomputes the plan when the price changes", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");
    const monthly = () => within(within(planner).getAllByTestId("plan-row")[0]!).getByTestId("plan-monthly").textContent;
    expect(monthly()).toBe("54.00 USD");
    expect(planCalls(backend)).toHaveLength(0);

    const price = within(planner).getByTestId("plan-price");
    await user.clear(price);
    await user.type(price, "5");
    await waitFor(() => expect(monthly()).toBe("90.00 USD"));
    const calls = planCalls(backend);
    expect(calls.at(-1)![0]).toBe(T);
    expect(calls.at(-1)![1].price).toBe(5);
    expect(calls.at(-1)![2]).toBe(false);
    // Debounced, and never sent while the field was empty.
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.every(([, s]) => Number.isFinite(s.price))).toBe(true);
    // 18 identities at 5 a month for 36 months, as the backend planned it.
    expect(within(within(planner).getAllByTestId("plan-row")[0]!).getByTestId("plan-36m").textContent).toBe("3,240.00 USD");
  });

  it("saves the plan", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openLicensing(user, backend);
    const planner = screen.getByTestId("lic-planner");
    const currency = within(planner).getByTestId("plan-currency");
    await user.clear(currency);
    await user.type(currency, "EUR");
    await waitFor(() => expect(within(planner).getAllByTestId("plan-monthly")[0]!.textContent).toBe("54.00 EUR"));

    await user.click(within(planner).getByTestId("plan-save"));
    await waitFor(() => expect(within(planner).getByTestId("plan-saved").textContent).toContain("Saved"));
    const saves = planCalls(backend).filter(([, , save]) => save);
    expect(saves).toHaveLength(1);
    // The saved plan's inputs as the backend gave them, with the currency changed.
    expect(saves[0]![1]).toEqual({ ...demo.plan.settings, currency: "EUR" });
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
      expect(within(within(planner).getAllByTestId("plan-row")[3]!).getByTestId("plan-identities").textContent).toBe("11"),
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
    // The 90 trial days cost nothing: the backend's first year is 9 months at 54.00, with the growth rounding.
    const first = within(planner).getAllByTestId("plan-row")[0]!;
    expect(within(first).getByTestId("plan-12m").textContent).toBe("489.22 USD");
  });
});

describe("License scope in the identity detail", () => {
  it("picks an identity for the feature-scoped estimate; access reviews only for managed identities", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    const app = (await backend.dashboard(T, 30)).summary.expiringSoon[0]!;
    renderWithBackend(<App />, backend);

    await user.click((await screen.findAllByRole("button", { name: app.displayName }))[0]!);
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(app.displayName));
    const picked = (await screen.findByTestId("scope-picked")) as HTMLInputElement;
    expect(picked.checked).toBe(false);
    expect(screen.queryByTestId("scope-review")).toBeNull();
    await user.click(picked);
    await waitFor(() => expect(backend.callsOf("setLicenseScope")).toEqual([[T, app.servicePrincipalId, "picked", true]]));
    await waitFor(() => expect((screen.getByTestId("scope-picked") as HTMLInputElement).checked).toBe(true));
    expect(screen.getAllByTestId("credential-row").length).toBeGreaterThan(0);

    await user.click(screen.getByTestId("nav-licensing"));
    await waitFor(() => expect(screen.getByTestId("lic-feature-scoped").textContent).toBe("1"));

    await user.click(screen.getByRole("button", { name: candidate.displayName }));
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(candidate.displayName));
    const review = (await screen.findByTestId("scope-review")) as HTMLInputElement;
    expect(review.checked).toBe(false);
    await user.click(review);
    await waitFor(() => expect(backend.callsOf("setLicenseScope").at(-1)).toEqual([T, candidate.id, "accessReview", true]));
    await waitFor(() => expect((screen.getByTestId("scope-review") as HTMLInputElement).checked).toBe(true));
  });
});
