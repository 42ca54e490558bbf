import { describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, HOSTILE_NAME, makeRow, makeRows } from "../testing/mockBackend";
import type { IdentityPage, IdentityQuery } from "../ipc/backend";

async function openIdentities(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId("nav-identities"));
  await screen.findByTestId("page-identities");
  await waitFor(() => expect(screen.getAllByTestId("identity-row").length).toBeGreaterThan(0));
}

describe("Identities", () => {
  it("lists identities with the total and formatted columns", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ rowCount: 1234 });
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    expect(screen.getByTestId("identity-total").textContent).toBe("1,234 service principals");
    const rows = screen.getAllByTestId("identity-row");
    const first = rows[0]!;
    expect(first.getAttribute("data-id")).toBe(makeRow(0).id);
    expect(within(first).getByTestId("identity-row-name").textContent).toBe("App 000000");
    // makeRow(0): 0 secrets, 0 certs, 1 federated, never signed in, disabled (0 % 7 === 0)
    const cells = within(first).getAllByRole("gridcell").map((c) => c.textContent);
    expect(cells).toEqual(["App 000000", "Application", "Own (single-tenant)", "No", "1 federated", "Never"]);
    const second = within(rows[1]!).getAllByRole("gridcell").map((c) => c.textContent);
    expect(second[4]).toBe("1 secret · 1 cert");
    // Only the first page was requested, within the backend limit.
    for (const [, q] of backend.callsOf("listIdentities") as [string, IdentityQuery][]) {
      expect(q.limit).toBeLessThanOrEqual(1000);
    }
  });

  it("searches as you type and shows the filtered rows", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ rowCount: 500 });
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    await user.type(screen.getByTestId("identity-search"), "App 000123");
    await waitFor(() => expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal"));
    const queries = (backend.callsOf("listIdentities") as [string, IdentityQuery][]).map(([, q]) => q);
    expect(queries.some((q) => q.search === "App 000123" && q.offset === 0)).toBe(true);
    // Debounced: not one request per keystroke.
    expect(queries.length).toBeLessThan(10);
    const rows = screen.getAllByTestId("identity-row");
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getByTestId("identity-row-name").textContent).toBe("App 000123");
  });

  it("filters by kind", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ rowCount: 60 });
    renderWithBackend(<App />, backend);
    await openIdentities(user);
    await user.click(screen.getByTestId("filter-kind"));
    await user.click(await screen.findByRole("option", { name: "Legacy" }));
    await waitFor(() => expect(screen.getByTestId("identity-total").textContent).toBe("10 service principals"));
    const last = backend.callsOf("listIdentities").at(-1) as [string, IdentityQuery];
    expect(last[1]).toMatchObject({ kind: "legacy", ownership: null, search: "" });
  });

  it("opens the detail with its credentials on row click, and closes it", async () => {
    const user = userEvent.setup();
    const row = makeRow(5, { displayName: "Build agent", secretCount: 2, certificateCount: 1, federatedCount: 0 });
    const backend = createMockBackend({ rows: { contoso: [row, ...makeRows(3)] } });
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    const target = screen.getAllByTestId("identity-row").find((r) => r.getAttribute("data-id") === row.id)!;
    await user.click(target);
    const detail = await screen.findByTestId("identity-detail");
    await waitFor(() => expect(within(detail).getByTestId("detail-name").textContent).toBe("Build agent"));
    const creds = within(detail).getAllByTestId("credential-row");
    expect(creds.map((c) => c.getAttribute("data-key-id"))).toEqual([
      `${row.id.slice(0, 8)}-secret-0`,
      `${row.id.slice(0, 8)}-secret-1`,
      `${row.id.slice(0, 8)}-cert-0`,
    ]);
    expect(within(creds[0]!).getByText("Expires in 9 days")).toBeTruthy();
    expect(within(creds[1]!).getByText("Expired")).toBeTruthy();
    expect(within(creds[2]!).getByText("Valid")).toBeTruthy();
    expect(within(detail).getByText("No federated credentials")).toBeTruthy();
    const signins = within(detail).getAllByTestId("signin-row");
    expect(signins).toHaveLength(2);
    expect(within(signins[1]!).getByText("Failure 7000215")).toBeTruthy();
    expect(within(signins[1]!).getByText("Invalid client secret provided.")).toBeTruthy();
    const grants = within(detail).getAllByTestId("delegated-grant-row");
    expect(grants).toHaveLength(1);
    expect(within(grants[0]!).getByText("All users (admin consent)")).toBeTruthy();
    expect(within(grants[0]!).getByText("User.Read Mail.Read")).toBeTruthy();
    const changes = within(detail).getAllByTestId("change-row");
    expect(changes).toHaveLength(1);
    expect(within(changes[0]!).getByText("adele.vance@contoso-demo.onmicrosoft.com")).toBeTruthy();
    expect(within(changes[0]!).getByText(/Certificates and secrets management · App registration/)).toBeTruthy();
    // A tenant string in an audit detail stays text.
    expect(within(changes[0]!).getByText("Added secret “Build agent” (key 0b6f1c2d…)")).toBeTruthy();

    await user.click(within(detail).getByTestId("detail-close"));
    expect(screen.queryByTestId("identity-detail")).toBeNull();
  });

  it("opens the focused row with Enter", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ rowCount: 20 });
    renderWithBackend(<App />, backend);
    await openIdentities(user);
    const rows = screen.getAllByTestId("identity-row");
    rows[0]!.focus();
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(document.activeElement).toBe(screen.getAllByTestId("identity-row")[1]));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe("App 000001"));
  });

  it("renders hostile display names as literal text, never as HTML", async () => {
    const user = userEvent.setup();
    const evil = makeRow(1, { displayName: HOSTILE_NAME, secretCount: 1, federatedCount: 1 });
    const backend = createMockBackend({ rows: { contoso: [evil, ...makeRows(3)] } });
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
    const backend = createMockBackend({ rowCount: 110_000 });
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    expect(screen.getByTestId("identity-total").textContent).toBe("110,000 service principals");
    const grid = screen.getByRole("grid");
    expect(grid.getAttribute("aria-rowcount")).toBe("110001");
    expect(screen.getAllByTestId("identity-row").length).toBeLessThan(100);
    const offsets = () => (backend.callsOf("listIdentities") as [string, IdentityQuery][]).map(([, q]) => q.offset);
    expect(offsets()).toEqual([0]);

    // Scroll deep into the list: the page covering the visible range gets fetched.
    Object.defineProperty(grid, "scrollTop", { configurable: true, value: 36 + 50_000 * 36 });
    fireEvent.scroll(grid);
    await waitFor(() => expect(offsets()).toContain(50_000));
    await waitFor(() =>
      expect(screen.getAllByTestId("identity-row").some((r) => r.getAttribute("data-id") === makeRow(50_000).id)).toBe(true),
    );
    expect(screen.getAllByTestId("identity-row").length).toBeLessThan(100);
    expect(offsets().length).toBeLessThanOrEqual(3);
  });

  it("discards responses of stale queries", async () => {
    const user = userEvent.setup();
    const inner = createMockBackend({ rowCount: 300 });
    const pending: Array<() => void> = [];
    const backend = {
      ...inner,
      listIdentities: (tenantId: string, query: IdentityQuery): Promise<IdentityPage> => {
        const result = inner.listIdentities(tenantId, query);
        if (query.search !== "App 0001") return result;
        // Hold back the response for the intermediate query.
        return new Promise((resolve) => pending.push(() => void result.then(resolve)));
      },
    };
    renderWithBackend(<App />, backend);
    await openIdentities(user);

    const search = screen.getByTestId("identity-search");
    await user.type(search, "App 0001");
    await waitFor(() => expect(pending.length).toBe(1));
    await user.type(search, "23");
    await waitFor(() => expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal"));
    pending.forEach((release) => release());
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId("identity-total").textContent).toBe("1 service principal");
    expect(screen.getAllByTestId("identity-row")).toHaveLength(1);
  });
});
