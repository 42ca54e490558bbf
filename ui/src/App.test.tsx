import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { renderWithBackend } from "./testing/render";
import { createMockBackend, DEMO_TENANT, makeTenant } from "./testing/mockBackend";

describe("App shell", () => {
  it("shows the active tenant and the demo badge, without a switcher for a single tenant", async () => {
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    expect(await screen.findByTestId("page-overview")).toBeTruthy();
    expect(screen.getByTestId("tenant-name").textContent).toBe(DEMO_TENANT.displayName);
    expect(screen.getByTestId("demo-badge").textContent).toBe("Demo tenant");
    expect(screen.queryByTestId("tenant-switcher")).toBeNull();
  });

  it("shows the tenant switcher with 2+ tenants and reloads pages for the chosen tenant", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({
      tenants: [makeTenant("t1", "Fabrikam"), makeTenant("t2", "Northwind")],
      activeTenantId: "t1",
    });
    renderWithBackend(<App />, backend);
    const switcher = await screen.findByTestId("tenant-switcher");
    expect(screen.getByTestId("tenant-name").textContent).toBe("Fabrikam");
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual(["t1", 30, false]));

    await user.click(switcher);
    await user.click(await screen.findByRole("option", { name: "Northwind" }));

    await waitFor(() => expect(backend.callsOf("selectTenant")).toEqual([["t2"]]));
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe("Northwind"));
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual(["t2", 30, false]));
  });

  it("moves the focus to the new page's heading and names the page in the document title", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await screen.findByTestId("page-overview");
    const tenant = `Steward — ${DEMO_TENANT.displayName}${DEMO_TENANT.isDemo ? " (demo tenant)" : ""}`;
    await waitFor(() => expect(document.title).toBe(`Overview — ${tenant}`));

    for (const [nav, heading, title] of [
      ["nav-risk", "risk-heading", "Risk"],
      ["nav-identities", "identities-heading", "Identities"],
      // Its heading is drawn anew once the report catalog loads: the focus follows it.
      ["nav-reports", "reports-heading", "Reports"],
      ["nav-connections", "connections-heading", "Connections"],
    ] as const) {
      await user.click(screen.getByTestId(nav));
      if (nav === "nav-reports") await screen.findByText(/^Reports of the cached data/);
      await waitFor(() => expect(document.activeElement?.id).toBe(heading));
      expect(document.activeElement?.tagName).toBe("H2");
      expect(document.activeElement?.textContent).toBe(title);
      expect(document.title).toBe(`${title} — ${tenant}`);
    }
  });

  it("shows backend errors in a message bar", async () => {
    const { BackendError } = await import("./ipc/backend");
    const backend = createMockBackend({
      fail: { dashboard: new BackendError("database", "The database is locked. Close other Steward windows and retry.") },
    });
    renderWithBackend(<App />, backend);
    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText(/The database is locked/)).toBeTruthy();
  });
});
