import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, makeRow } from "../testing/mockBackend";

describe("Overview", () => {
  it("renders the counts from the backend", async () => {
    const backend = createMockBackend({ rowCount: 1200 });
    const overview = await backend.overview("contoso");
    renderWithBackend(<App />, backend);

    expect((await screen.findByTestId("overview-total")).textContent).toBe("1,200");
    expect(screen.getByTestId("overview-expiring-30d").textContent).toBe(overview.credentialsExpiring30d.toLocaleString());
    expect(screen.getByTestId("overview-expired").textContent).toBe(overview.credentialsExpired.toLocaleString());
    expect(screen.getByTestId("overview-signins-30d").textContent).toBe("1,234");
    expect(screen.getByTestId("overview-failures-30d").textContent).toBe("56");
    expect(screen.getByTestId("kind-count-application").textContent).toBe("200");
    expect(screen.getByTestId("ownership-count-microsoft").textContent).toBe("240");
    expect(screen.getByText("Managed identity (user-assigned)")).toBeTruthy();

    const chart = screen.getByTestId("signins-chart") as HTMLImageElement;
    expect(chart.getAttribute("alt")).toBe("Sign-ins per day, last 30 days");
    expect(chart.getAttribute("src")).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(screen.getByText("Sign-ins per day (last 30 days): success vs failure")).toBeTruthy();
  });

  it("toggles the chart into a table", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await user.click(await screen.findByRole("button", { name: "Show as table" }));
    const table = screen.getByTestId("signins-table");
    expect(table.querySelectorAll("tbody tr")).toHaveLength(30);
    expect(screen.queryByTestId("signins-chart")).toBeNull();
  });

  it("opens an identity from the expiring-soon list", async () => {
    const user = userEvent.setup();
    const row = makeRow(1, { displayName: "Payroll connector", secretCount: 1 });
    const backend = createMockBackend({ rows: { contoso: [row] } });
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByRole("button", { name: "Payroll connector" }));
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe("Payroll connector"));
    expect(screen.getByTestId("page-identities")).toBeTruthy();
    expect(backend.callsOf("identityDetail")).toEqual([["contoso", row.id]]);
  });
});
