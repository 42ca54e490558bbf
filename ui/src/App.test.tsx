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
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual(["t1", 30]));

    await user.click(switcher);
    await user.click(await screen.findByRole("option", { name: "Northwind" }));

    await waitFor(() => expect(backend.callsOf("selectTenant")).toEqual([["t2"]]));
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe("Northwind"));
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual(["t2", 30]));
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
