import { describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, DEMO_TENANT, HOSTILE_ID, HOSTILE_NAME, identitiesFixture } from "../testing/mockBackend";
import type { IdentityDetail, IdentityPage, IdentityQuery, IdentityRow } from "../ipc/backend";
import { formatDateTimeShort } from "../format";

// The demo tenant's identities, sorted by name as the backend lists them.
const all: IdentityRow[] = (() => {
  const list = identitiesFixture.lists.find((l) => l.search === "" && l.kind === null)!;
  return "ok" in list ? list.ok.rows : [];
})();
const byName = (name: string) => all.find((r) => r.displayName === name)!;
const detailOf = (id: string): IdentityDetail => {
  const d = identitiesFixture.details.find((x) => x.id === id)!;
  if (!("ok" in d)) throw new Error(`no detail of ${id} in the fixtures`);
  return d.ok;
};

async function openIdentities(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId("nav-identities"));
  await screen.findByTestId("page-identities");
  await waitFor(() => expect(screen.getAllByTestId("identity-row").length).toBeGreaterThan(0));
}

describe("Identities", () => {
  it("lists identities with the total and formatted columns", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    expect(screen.getByTestId("identity-total").textContent).toBe(`${all.length} service principals`);
    const rows = screen.getAllByTestId("identity-row");
    const cells = (i: number) => within(rows[i]!).getAllByRole("gridcell").map((c) => c.textContent);
    // The demo's first rows by name: the hostile name (an enabled third-party app, no credentials), a managed
    // identity that never signed in, an app with a certificate, and a disabled one.
    expect(rows[0]!.getAttribute("data-id")).toBe(HOSTILE_ID);
    expect(within(rows[0]!).getByTestId("identity-row-name").textContent).toBe(HOSTILE_NAME);
    expect(cells(0)).toEqual([
      HOSTILE_NAME,
      "Application",
      "Another organisation",
      "Yes",
      "None",
      formatDateTimeShort(all[0]!.lastSignIn),
    ]);
    expect(cells(1)).toEqual([all[1]!.displayName, "Managed identity (system)", "Not applicable", "Yes", "None", "Never"]);
    expect(cells(2)[4]).toBe("1 cert");
    expect(cells(3)[3]).toBe("No");
    // Only the first page was requested, within the backend limit.
    for (const [, q] of backend.callsOf("listIdentities") as [string, IdentityQuery][]) {
      expect(q.limit).toBeLessThanOrEqual(1000);
    }
  });

  it("searches as you type and shows the filtered rows", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    await user.type(screen.getByTestId("identity-search"), "contoso-data");
    await waitFor(() => expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal"));
    const queries = (backend.callsOf("listIdentities") as [string, IdentityQuery][]).map(([, q]) => q);
    expect(queries.some((q) => q.search === "contoso-data" && q.offset === 0)).toBe(true);
    // Debounced: not one request per keystroke.
    expect(queries.length).toBeLessThan(10);
    const rows = screen.getAllByTestId("identity-row");
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getByTestId("identity-row-name").textContent).toBe("contoso-data-api-prod");
    expect(within(rows[0]!).getAllByRole("gridcell")[4]!.textContent).toBe("2 secrets · 1 cert · 1 federated");
  });

  it("filters by kind", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);
    await user.click(screen.getByTestId("filter-kind"));
    await user.click(await screen.findByRole("option", { name: "Managed identity (system-assigned)" }));
    const systemAssigned = all.filter((r) => r.kind === "managedIdentitySystem");
    await waitFor(() =>
      expect(screen.getByTestId("identity-total").textContent).toBe(`${systemAssigned.length} service principals`),
    );
    const last = backend.callsOf("listIdentities").at(-1) as [string, IdentityQuery];
    expect(last[1]).toMatchObject({ kind: "managedIdentitySystem", ownership: null, search: "" });
    expect(screen.getAllByTestId("identity-row").map((r) => r.getAttribute("data-id"))).toEqual(systemAssigned.map((r) => r.id));
  });

  it("opens the detail with its credentials on row click, and closes it", async () => {
    const user = userEvent.setup();
    // Expired secrets, a delegated grant, audit changes and failed sign-ins.
    const row = byName("contoso-orders-api-prod");
    const want = detailOf(row.id);
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    await user.type(screen.getByTestId("identity-search"), "contoso-");
    await waitFor(() => expect(screen.getAllByTestId("identity-row").some((r) => r.getAttribute("data-id") === row.id)).toBe(true));
    const target = screen.getAllByTestId("identity-row").find((r) => r.getAttribute("data-id") === row.id)!;
    await user.click(target);
    const detail = await screen.findByTestId("identity-detail");
    await waitFor(() => expect(within(detail).getByTestId("detail-name").textContent).toBe("contoso-orders-api-prod"));
    const creds = within(detail).getAllByTestId("credential-row");
    expect(creds.map((c) => c.getAttribute("data-key-id"))).toEqual(want.credentials.map((c) => c.keyId));
    expect(want.credentials.every((c) => c.status === "expired")).toBe(true);
    for (const c of creds) expect(within(c).getByText("Expired")).toBeTruthy();
    expect(within(detail).getByText("No federated credentials")).toBeTruthy();
    const signins = within(detail).getAllByTestId("signin-row");
    expect(signins).toHaveLength(want.recentSignIns.length);
    const failed = want.recentSignIns.findIndex((s) => s.errorCode !== 0);
    expect(within(signins[failed]!).getByText(`Failure ${want.recentSignIns[failed]!.errorCode}`)).toBeTruthy();
    expect(within(signins[failed]!).getByText(want.recentSignIns[failed]!.failureReason!)).toBeTruthy();
    const grants = within(detail).getAllByTestId("delegated-grant-row");
    expect(grants).toHaveLength(1);
    // Consented by one user (Graph's consentType Principal).
    expect(within(grants[0]!).getByText("One user")).toBeTruthy();
    expect(within(grants[0]!).getByText(want.delegatedGrants[0]!.scopes.join(" "))).toBeTruthy();
    const changes = within(detail).getAllByTestId("change-row");
    expect(changes).toHaveLength(want.changes.length);
    const change = want.changes[0]!;
    expect(within(changes[0]!).getByText(change.initiatedBy!)).toBeTruthy();
    expect(within(changes[0]!).getByText(/Certificates and secrets management · App registration/)).toBeTruthy();
    // A tenant string in an audit detail stays text.
    expect(within(changes[0]!).getByText(change.details[0]!)).toBeTruthy();

    await user.click(within(detail).getByTestId("detail-close"));
    expect(screen.queryByTestId("identity-detail")).toBeNull();
  });

  it("shows the app's redirect URIs with the unsafe ones marked, and its sign-in settings", async () => {
    const user = userEvent.setup();
    const row = byName("contoso-portal-api-prod");
    const want = detailOf(row.id);
    const unsafe = want.application!.redirectUris!.filter((u) => u.problem !== null);
    expect(unsafe.length).toBeGreaterThan(0);
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);
    await user.type(screen.getByTestId("identity-search"), "contoso-portal-api-prod");
    await waitFor(() => expect(screen.getAllByTestId("identity-row").some((r) => r.getAttribute("data-id") === row.id)).toBe(true));
    await user.click(screen.getAllByTestId("identity-row").find((r) => r.getAttribute("data-id") === row.id)!);
    const detail = await screen.findByTestId("identity-detail");
    const list = await within(detail).findByTestId("detail-redirect-uris");
    expect(within(list).getAllByTestId("uri-unsafe")).toHaveLength(unsafe.length);
    expect(list.textContent).toContain(unsafe[0]!.uri);
    expect(list.textContent).toContain(unsafe[0]!.problem!);
    expect(within(detail).getByTestId("detail-assignment-required").textContent).toBe(
      want.appRoleAssignmentRequired ? "Yes" : "No",
    );
  });

  it("opens the focused row with Enter", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);
    const rows = screen.getAllByTestId("identity-row");
    rows[0]!.focus();
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(document.activeElement).toBe(screen.getAllByTestId("identity-row")[1]));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(all[1]!.displayName));
    expect(backend.callsOf("identityDetail").map(([, id]) => id)).toEqual([all[1]!.id]);
  });

  it("by keyboard: Enter opens the row's detail, Escape closes it, and the focus comes back to the row", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await openIdentities(user);
    const row = () => screen.getAllByTestId("identity-row")[1]!;
    screen.getAllByTestId("identity-row")[0]!.focus();
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(document.activeElement).toBe(row()));

    // Opening leaves the focus on the row; Escape there closes the detail.
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(all[1]!.displayName));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("identity-detail")).toBeNull();
    expect(document.activeElement).toBe(row());

    // Escape in the pane closes it too, and the focus goes back to the row rather than to the document.
    await user.keyboard("{Enter}");
    const detail = await screen.findByTestId("identity-detail");
    await waitFor(() => expect(within(detail).getByTestId("detail-name").textContent).toBe(all[1]!.displayName));
    within(detail).getByRole("button", { name: /^Credentials/ }).focus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("identity-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(row()));

    // So does its close button, pressed with the keyboard.
    await user.keyboard("{Enter}");
    within(await screen.findByTestId("identity-detail")).getByTestId("detail-close").focus();
    await user.keyboard("{Enter}");
    expect(screen.queryByTestId("identity-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(row()));
  });

  it("returns the focus to the clicked row when the detail's close button is clicked", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await openIdentities(user);
    const row = () => screen.getAllByTestId("identity-row")[2]!;
    await user.click(row());
    await user.click(within(await screen.findByTestId("identity-detail")).getByTestId("detail-close"));
    expect(screen.queryByTestId("identity-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(row()));
  });

  it("scrolls the credentials in a focusable, labelled region", async () => {
    const user = userEvent.setup();
    const row = byName("contoso-orders-api-prod");
    renderWithBackend(<App />, createMockBackend());
    await openIdentities(user);
    await user.type(screen.getByTestId("identity-search"), "contoso-orders-api-prod");
    await waitFor(() => expect(screen.getAllByTestId("identity-row").some((r) => r.getAttribute("data-id") === row.id)).toBe(true));
    await user.click(screen.getAllByTestId("identity-row").find((r) => r.getAttribute("data-id") === row.id)!);
    const detail = await screen.findByTestId("identity-detail");
    await waitFor(() => expect(within(detail).getAllByTestId("credential-row").length).toBeGreaterThan(0));
    const region = within(detail).getByRole("region", { name: "Credentials" });
    expect(region.tabIndex).toBe(0);
    const table = within(region).getByRole("table", { name: "Credentials" });
    expect(within(table).getAllByTestId("credential-row")).toHaveLength(detailOf(row.id).credentials.length);
    // The other wide tables of the pane scroll the same way.
    for (const name of ["Change history", "Recent sign-ins"]) expect(within(detail).getByRole("region", { name }).tabIndex).toBe(0);
  });

  it("renders hostile display names as literal text, never as HTML", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    const grid = screen.getByRole("grid");
    const name = within(grid).getAllByTestId("identity-row-name").find((n) => n.textContent === HOSTILE_NAME);
    expect(name).toBeTruthy();
    expect(grid.querySelectorAll("img")).toHaveLength(0);

    await user.click(name!);
    const detail = await screen.findByTestId("identity-detail");
    await waitFor(() => expect(within(detail).getByTestId("detail-name").textContent).toBe(HOSTILE_NAME));
    expect(within(detail).getAllByText(HOSTILE_NAME).length).toBeGreaterThan(1);
    expect(detail.querySelectorAll("img")).toHaveLength(0);
    expect(document.querySelectorAll("img[src=x]")).toHaveLength(0);
  });

  it("virtualises 110,000 rows and fetches pages lazily", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ identities: { count: 110_000 } });
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    expect(screen.getByTestId("identity-total").textContent).toBe("110,000 service principals");
    const grid = screen.getByRole("grid");
    expect(grid.getAttribute("aria-rowcount")).toBe("110001");
    expect(screen.getAllByTestId("identity-row").length).toBeLessThan(100);
    const offsets = () => (backend.callsOf("listIdentities") as [string, IdentityQuery][]).map(([, q]) => q.offset);
    expect(offsets()).toEqual([0]);

    // Scroll deep into the list: the page covering the visible range gets fetched.
    const probe = createMockBackend({ identities: { count: 110_000 } });
    const query = { search: "", kind: null, ownership: null, offset: 50_000, limit: 1 };
    const deep = (await probe.listIdentities(DEMO_TENANT.id, query)).rows[0]!;
    Object.defineProperty(grid, "scrollTop", { configurable: true, value: 36 + 50_000 * 36 });
    fireEvent.scroll(grid);
    await waitFor(() => expect(offsets()).toContain(50_000));
    await waitFor(() =>
      expect(screen.getAllByTestId("identity-row").some((r) => r.getAttribute("data-id") === deep.id)).toBe(true),
    );
    expect(screen.getAllByTestId("identity-row").length).toBeLessThan(100);
    expect(offsets().length).toBeLessThanOrEqual(3);
  });

  it("discards responses of stale queries", async () => {
    const user = userEvent.setup();
    const inner = createMockBackend();
    const pending: Array<() => void> = [];
    const backend = {
      ...inner,
      listIdentities: (tenantId: string, query: IdentityQuery): Promise<IdentityPage> => {
        const result = inner.listIdentities(tenantId, query);
        if (query.search !== "contoso-") return result;
        // Hold back the response for the intermediate query (ten identities).
        return new Promise((resolve) => pending.push(() => void result.then(resolve)));
      },
    };
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    const search = screen.getByTestId("identity-search");
    await user.type(search, "contoso-");
    await waitFor(() => expect(pending.length).toBe(1));
    await user.type(search, "data");
    await waitFor(() => expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal"));
    pending.forEach((release) => release());
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal");
    expect(screen.getAllByTestId("identity-row")).toHaveLength(1);
  });
});
