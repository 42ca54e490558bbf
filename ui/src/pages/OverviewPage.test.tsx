import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, DEMO_TENANT, HOSTILE_NAME } from "../testing/mockBackend";
import { formatKpiValue, formatNumber } from "../format";

const T = DEMO_TENANT.id;

const kpi = (key: string) => screen.getAllByTestId("kpi").find((k) => k.getAttribute("data-key") === key)!;
const kpiValue = (key: string) => within(kpi(key)).getByTestId("kpi-value").textContent;
const card = (key: string) => screen.getAllByTestId("chart-card").find((c) => c.getAttribute("data-key") === key)!;

describe("Overview dashboard", () => {
  it("renders the inventory counts, formatted KPIs and the charts as images", async () => {
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);

    await screen.findByTestId("overview-total");
    await screen.findByTestId("kpis");
    expect(backend.callsOf("dashboard")).toEqual([[T, 30, false]]);
    const dashboard = await backend.dashboard(T, 30);
    expect(screen.getByTestId("overview-total").textContent).toBe(formatNumber(dashboard.summary.totalServicePrincipals));
    for (const item of [...dashboard.summary.byKind, ...dashboard.summary.byOwnership]) {
      const prefix = dashboard.summary.byKind.includes(item) ? "kind-count" : "ownership-count";
      expect(screen.getByTestId(`${prefix}-${item.key}`).textContent).toBe(item.count.toLocaleString("en-US"));
    }
    expect(screen.getByText("Managed identity (user-assigned)")).toBeTruthy();

    // KPIs in the backend's order, each formatted by its unit, with the backend's label and tone.
    expect(screen.getAllByTestId("kpi").map((k) => k.getAttribute("data-key"))).toEqual(dashboard.kpis.map((k) => k.key));
    for (const k of dashboard.kpis) {
      expect(kpiValue(k.key)).toBe(formatKpiValue(k));
      expect(within(kpi(k.key)).getByText(k.label)).toBeTruthy();
      expect(kpi(k.key).getAttribute("data-tone")).toBe(k.tone);
    }
    expect(within(kpi("signIns")).getByText("Sign-ins, last 30 days")).toBeTruthy();
    expect(kpi("expiring30d").getAttribute("data-tone")).toBe("warning");
    expect(within(kpi("expiring30d")).getByTestId("kpi-value").className).toContain("tone-warning");
    expect(kpi("highRecommendations").getAttribute("data-tone")).toBe("danger");
    expect(within(kpi("highRecommendations")).getByTestId("kpi-value").className).toContain("tone-danger");
    expect(within(kpi("identities")).getByTestId("kpi-value").className).not.toContain("tone-");

    // One card per chart, each an <img> of the core's SVG: the markup never enters the DOM.
    expect(screen.getAllByTestId("chart-card").map((c) => c.getAttribute("data-key"))).toEqual(dashboard.charts.map((c) => c.key));
    const chart = screen.getByTestId("signins-chart") as HTMLImageElement;
    expect(chart.tagName).toBe("IMG");
    expect(card("signInsPerDay").contains(chart)).toBe(true);
    const src = chart.getAttribute("src")!;
    expect(src).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(decodeURIComponent(src.slice("data:image/svg+xml;charset=utf-8,".length))).toBe(dashboard.charts[0]!.svg);
    expect(within(card("topFailureCodes")).getByText("Top failure codes")).toBeTruthy();
    expect(within(card("topFailureCodes")).getByText(dashboard.charts[1]!.description)).toBeTruthy();
    expect(document.querySelector("svg title")).toBeNull();
  });

  it("formats KPI values by unit", () => {
    expect(formatKpiValue({ value: 1234567, unit: "count" })).toBe("1,234,567");
    expect(formatKpiValue({ value: 1234, unit: "usdPerMonth" })).toBe("$1,234.00 / month");
    expect(formatKpiValue({ value: 12.345, unit: "percent" })).toBe("12.3%");
    expect(formatKpiValue({ value: 0, unit: "percent" })).toBe("0.0%");
  });

  it("reloads the dashboard for the chosen time range", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    const select = (await screen.findByTestId("range-select")) as HTMLSelectElement;
    await screen.findAllByTestId("kpi");
    expect(select.value).toBe("30");
    expect([...select.options].map((o) => o.value)).toEqual(["7", "30", "60", "90"]);

    await user.selectOptions(select, "90");
    await waitFor(() => expect(backend.callsOf("dashboard")).toEqual([[T, 30, false], [T, 90, false]]));
    await waitFor(() => expect(within(kpi("signIns")).getByText("Sign-ins, last 90 days")).toBeTruthy());
    const d90 = await backend.dashboard(T, 90);
    expect(kpiValue("signIns")).toBe(d90.kpis.find((k) => k.key === "signIns")!.value.toLocaleString("en-US"));

    await user.click(within(card("signInsPerDay")).getByTestId("chart-table-toggle"));
    expect(within(card("signInsPerDay")).getByTestId("chart-table").querySelectorAll("tbody tr")).toHaveLength(90);

    await user.selectOptions(select, "7");
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual([T, 7, false]));
    await waitFor(() =>
      expect(within(card("signInsPerDay")).getByTestId("chart-table").querySelectorAll("tbody tr")).toHaveLength(7),
    );
  });

  it("toggles a chart into a table of its figures and back", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await screen.findByTestId("signins-chart");

    const signIns = card("signInsPerDay");
    const toggle = within(signIns).getByTestId("chart-table-toggle");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    await user.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    const table = within(signIns).getByTestId("chart-table");
    expect([...table.querySelectorAll("thead th")].map((th) => th.textContent)).toEqual(["Day", "Success", "Failure"]);
    expect(table.querySelectorAll("tbody tr")).toHaveLength(30);
    expect(screen.queryByTestId("signins-chart")).toBeNull();
    // The other charts keep their images.
    expect(within(card("topFailureCodes")).getByRole("img")).toBeTruthy();

    // Tenant strings in a table are text.
    await user.click(within(card("topIdentities")).getByTestId("chart-table-toggle"));
    const top = within(card("topIdentities")).getByTestId("chart-table");
    expect(within(top).getByText(HOSTILE_NAME)).toBeTruthy();
    expect(document.querySelector("img[src='x']")).toBeNull();

    await user.click(toggle);
    expect(within(signIns).queryByTestId("chart-table")).toBeNull();
    expect(screen.getByTestId("signins-chart")).toBeTruthy();
  });

  it("opens an identity from the expiring-soon list", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    const first = (await backend.dashboard(T, 30)).summary.expiringSoon[0]!;
    await user.click((await screen.findAllByRole("button", { name: first.displayName }))[0]!);
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(first.displayName));
    expect(screen.getByTestId("page-identities")).toBeTruthy();
    expect(backend.callsOf("identityDetail")).toEqual([[T, first.servicePrincipalId]]);
    // The credential that put it on the list, as the detail shows it.
    const creds = screen.getAllByTestId("credential-row");
    expect(creds.some((c) => within(c).queryByText(`Expires in ${first.daysLeft} days`))).toBe(true);
  });

  it("shows the inventory figures before the dashboard has come, then its KPIs and charts", async () => {
    const inner = createMockBackend();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const backend = {
      ...inner,
      dashboard: async (tenantId: string, days: number, dark?: boolean) => {
        await held;
        return inner.dashboard(tenantId, days, dark);
      },
    };
    renderWithBackend(<App />, backend);
    const overview = await inner.overview(T);
    await waitFor(() =>
      expect(screen.getByTestId("overview-total").textContent).toBe(formatNumber(overview.totalServicePrincipals)),
    );
    expect(screen.getByTestId("dashboard-pending")).toBeTruthy();
    expect(screen.queryByTestId("kpi")).toBeNull();
    expect(screen.queryByTestId("chart-card")).toBeNull();

    release();
    await screen.findByTestId("kpis");
    expect(screen.getAllByTestId("chart-card").length).toBeGreaterThan(0);
    expect(screen.queryByTestId("dashboard-pending")).toBeNull();
  });

  it("shows a backend error with a retry", async () => {
    const { BackendError } = await import("../ipc/backend");
    const backend = createMockBackend({ fail: { dashboard: new BackendError("database", "The database is locked.") } });
    renderWithBackend(<App />, backend);
    expect(within(await screen.findByTestId("error-bar")).getByText(/The database is locked/)).toBeTruthy();
    expect(screen.queryByTestId("kpi")).toBeNull();
    // The figures that did come stay, without a spinner for what failed.
    await screen.findByTestId("overview-total");
    expect(screen.queryByTestId("dashboard-pending")).toBeNull();
  });
});
