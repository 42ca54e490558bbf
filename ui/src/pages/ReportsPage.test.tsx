import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import {
  answer,
  createMockBackend,
  DEMO_TENANT,
  HOSTILE_ID,
  HOSTILE_NAME,
  makeTenant,
  MOCK_AS_OF,
  MOCK_SAVE_FOLDER,
  mockReportFileName,
  reportsFixture,
  type MockBackend,
} from "../testing/mockBackend";
import type { ReportArgs } from "../ipc/backend";
import { formatBytes } from "../format";
import { ReportsPage } from "./ReportsPage";

type User = ReturnType<typeof userEvent.setup>;

const T = DEMO_TENANT.id;

/** A tenant string as an HTML writer escapes it. */
const escaped = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const args = (overrides: Partial<ReportArgs> = {}): ReportArgs => ({
  tenantId: T,
  kind: "overview",
  asOf: null,
  days: 30,
  sp: null,
  ...overrides,
});

async function openReports(backend: MockBackend) {
  renderWithBackend(<ReportsPage tenantId={T} />, backend);
  await screen.findByTestId("page-reports");
  await screen.findByTestId("report-preview");
}

const option = (kind: string) => screen.getAllByTestId("report-option").find((o) => o.getAttribute("data-kind") === kind)!;
const formats = () => [...(screen.getByTestId("report-format") as HTMLSelectElement).options].map((o) => o.value);
const srcdoc = () => screen.getByTestId("report-preview").getAttribute("srcdoc") ?? "";
const saveButton = () => screen.getByTestId("report-save") as HTMLButtonElement;

async function pick(user: User, kind: string) {
  await user.click(option(kind));
  await waitFor(() => expect(srcdoc()).toContain(`<h1>${escaped(reportsFixture.catalog.find((r) => r.kind === kind)!.title)}</h1>`));
  await waitFor(() => expect(saveButton().disabled).toBe(false));
}

describe("Reports", () => {
  it("offers every cached tenant and previews the one picked", async () => {
    const user = userEvent.setup();
    const tenants = [DEMO_TENANT, makeTenant("fabrikam", "Fabrikam")];
    const backend = createMockBackend({ tenants });
    renderWithBackend(<ReportsPage tenantId={T} tenants={tenants} />, backend);
    const select = (await screen.findByTestId("report-tenant")) as HTMLSelectElement;
    expect(select.value).toBe(T);
    await user.selectOptions(select, "fabrikam");
    await waitFor(() => expect(backend.callsOf("reportPreview").at(-1)).toEqual([args({ tenantId: "fabrikam" })]));
  });

  it("shows no tenant picker when the cache holds one tenant", async () => {
    const backend = createMockBackend();
    renderWithBackend(<ReportsPage tenantId={T} tenants={[DEMO_TENANT]} />, backend);
    await screen.findByTestId("report-preview");
    expect(screen.queryByTestId("report-tenant")).toBeNull();
  });

  it("is reached from the navigation", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-reports"));
    expect(await screen.findByTestId("page-reports")).toBeTruthy();
    expect(screen.getByTestId("nav-reports").getAttribute("aria-current")).toBe("page");
    await waitFor(() => expect(backend.callsOf("reportPreview")).toEqual([[args()]]));
  });

  it("lists the nine reports of the catalogue, the first one selected, with its period and formats", async () => {
    const backend = createMockBackend();
    await openReports(backend);

    const options = screen.getAllByTestId("report-option");
    expect(options.map((o) => o.getAttribute("data-kind"))).toEqual([
      "overview",
      "credential-expiry",
      "recommendations",
      "risk",
      "licenses",
      "inventory",
      "sign-ins",
      "audit",
      "access-review",
    ]);
    expect(within(option("inventory")).getByText("Workload identity inventory")).toBeTruthy();
    expect(within(option("inventory")).getByText(/Every service principal with kind/)).toBeTruthy();
    expect(options.map((o) => o.getAttribute("aria-pressed"))).toEqual(["true", ...Array<string>(8).fill("false")]);

    expect((screen.getByTestId("report-period") as HTMLSelectElement).value).toBe("30");
    expect([...(screen.getByTestId("report-period") as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      "7",
      "30",
      "60",
      "90",
    ]);
    expect(formats()).toEqual(["html", "pdf", "xlsx", "csv", "json"]);
    expect((screen.getByTestId("report-format") as HTMLSelectElement).value).toBe("html");
    expect(screen.queryByTestId("report-sp")).toBeNull();
    expect(screen.queryByTestId("report-bom")).toBeNull();
    expect(screen.getByTestId("report-as-of").textContent).toMatch(/^as of /);
  });

  it("shows the preview in a sandboxed frame, tenant strings escaped and inert", async () => {
    const backend = createMockBackend();
    await openReports(backend);

    const frame = screen.getByTestId("report-preview");
    expect(frame.tagName).toBe("IFRAME");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("title")).toBe("Report preview");
    expect(srcdoc()).toContain(escaped(HOSTILE_NAME));
    expect(srcdoc()).not.toContain(HOSTILE_NAME);
    // Nothing of the report reaches the page's own document: it is only the frame's attribute.
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("[onerror]")).toBeNull();
  });

  it("drops PDF and the period for the inventory, and falls back from PDF to the first format offered", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openReports(backend);
    await user.selectOptions(screen.getByTestId("report-format"), "pdf");
    expect((screen.getByTestId("report-format") as HTMLSelectElement).value).toBe("pdf");

    await pick(user, "inventory");
    expect(option("inventory").getAttribute("aria-pressed")).toBe("true");
    expect(option("overview").getAttribute("aria-pressed")).toBe("false");
    expect(formats()).toEqual(["html", "xlsx", "csv", "json"]);
    expect((screen.getByTestId("report-format") as HTMLSelectElement).value).toBe("html");
    expect(screen.queryByTestId("report-period")).toBeNull();
    expect(screen.queryByTestId("report-sp")).toBeNull();
    expect(backend.callsOf("reportPreview").at(-1)).toEqual([args({ kind: "inventory", days: null })]);
  });

  it("offers the period and one identity for the sign-in extract", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openReports(backend);
    await pick(user, "sign-ins");

    expect(screen.getByTestId("report-period")).toBeTruthy();
    expect(screen.getByTestId("report-sp")).toBeTruthy();
    expect(formats()).not.toContain("pdf");

    await user.selectOptions(screen.getByTestId("report-period"), "7");
    await waitFor(() => expect(backend.callsOf("reportPreview").at(-1)).toEqual([args({ kind: "sign-ins", days: 7 })]));

    await user.type(screen.getByTestId("report-sp"), `  ${HOSTILE_ID} `);
    await waitFor(() =>
      expect(backend.callsOf("reportPreview").at(-1)).toEqual([args({ kind: "sign-ins", days: 7, sp: HOSTILE_ID })]),
    );
    // The extract names its identity, a tenant string escaped by the report writer.
    await waitFor(() =>
      expect(srcdoc()).toContain(`<dt>Service principal</dt><dd>${escaped(HOSTILE_NAME)} (${HOSTILE_ID})</dd>`),
    );
    // Typing is debounced: no preview for every key stroke.
    expect(backend.callsOf("reportPreview").length).toBeLessThan(10);
  });

  it("shows the byte-order-mark option for CSV only and passes it to the export", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openReports(backend);
    expect(screen.queryByTestId("report-bom")).toBeNull();
    await user.selectOptions(screen.getByTestId("report-format"), "csv");
    const bom = screen.getByTestId("report-bom") as HTMLInputElement;
    expect(bom.checked).toBe(false);
    await user.click(bom);
    expect(bom.checked).toBe(true);

    await user.click(saveButton());
    await screen.findByTestId("report-saved");
    const exported = { ...args(), asOf: MOCK_AS_OF };
    expect(backend.callsOf("exportReport")).toEqual([
      [exported, "csv", `${MOCK_SAVE_FOLDER}/${mockReportFileName(exported, "csv")}`, true],
    ]);

    await user.selectOptions(screen.getByTestId("report-format"), "xlsx");
    expect(screen.queryByTestId("report-bom")).toBeNull();
  });

  it("saves the previewed report: the save dialog, then the export at the preview's as-of", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openReports(backend);
    await pick(user, "inventory");
    await user.selectOptions(screen.getByTestId("report-format"), "xlsx");

    await user.click(saveButton());
    const saved = await screen.findByTestId("report-saved");

    const exported = args({ kind: "inventory", days: null, asOf: MOCK_AS_OF });
    // The name the backend suggests: the kind, the tenant and the as-of day.
    const name = mockReportFileName(exported, "xlsx");
    expect(name).toBe(`steward-inventory-${T}-2025-06-01.xlsx`);
    const path = `${MOCK_SAVE_FOLDER}/${name}`;
    expect(backend.callsOf("chooseReportPath")).toEqual([[exported, "xlsx"]]);
    expect(backend.callsOf("exportReport")).toEqual([[exported, "xlsx", path, false]]);
    const order = backend.calls.map((c) => c.method).filter((m) => m === "chooseReportPath" || m === "exportReport");
    expect(order).toEqual(["chooseReportPath", "exportReport"]);

    expect(within(saved).getByTestId("report-saved-path").textContent).toBe(path);
    const result = answer(reportsFixture.exports, { kind: "inventory", days: null, sp: null, format: "xlsx", csvBom: false }, "export");
    expect(saved.textContent).toContain(formatBytes(result.bytes));
    expect(saved.textContent).toContain(`${result.rows} rows`);
    expect(result.rows).toBe(DEMO_TENANT.servicePrincipalCount);
    expect(screen.queryByTestId("report-progress")).toBeNull();
    expect(saveButton().disabled).toBe(false);
  });

  it("does nothing when the save dialog is cancelled", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ reports: { savePath: null } });
    await openReports(backend);

    await user.click(saveButton());
    await waitFor(() => expect(backend.callsOf("chooseReportPath")).toHaveLength(1));
    await waitFor(() => expect(saveButton().disabled).toBe(false));
    expect(backend.callsOf("exportReport")).toEqual([]);
    expect(screen.queryByTestId("report-saved")).toBeNull();
    expect(screen.queryByTestId("report-cancelled")).toBeNull();
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("shows the progress of a running export and cancels it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ reports: { holdExport: true } });
    await openReports(backend);

    await user.click(saveButton());
    const progress = await screen.findByTestId("report-progress");
    await waitFor(() => expect(progress.textContent).toContain("120 of 480 rows"));
    expect(saveButton().disabled).toBe(true);
    expect(backend.callsOf("exportProgress").length).toBeGreaterThan(0);

    await user.click(screen.getByTestId("report-cancel"));
    const cancelled = await screen.findByTestId("report-cancelled");
    expect(cancelled.textContent).toBe("Export cancelled; nothing was written.");
    expect(backend.callsOf("cancelExport")).toHaveLength(1);
    expect(screen.queryByTestId("report-progress")).toBeNull();
    expect(screen.queryByTestId("report-saved")).toBeNull();
    expect(screen.queryByTestId("error-bar")).toBeNull();
    expect(saveButton().disabled).toBe(false);
  });

  it("shows other export failures in the error bar", async () => {
    const user = userEvent.setup();
    const { BackendError } = await import("../ipc/backend");
    const backend = createMockBackend({
      fail: { exportReport: new BackendError("io", "Could not write /home/admin/Documents/report.html: disk full.") },
    });
    await openReports(backend);

    await user.click(saveButton());
    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText("Could not write the file")).toBeTruthy();
    expect(within(bar).getByText(/disk full/)).toBeTruthy();
    expect(screen.queryByTestId("report-saved")).toBeNull();
    expect(screen.queryByTestId("report-cancelled")).toBeNull();
  });
});
