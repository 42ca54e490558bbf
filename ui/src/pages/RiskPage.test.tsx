import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { addAppStyles, fullyOpaque } from "../testing/styles";
import {
  createMockBackend,
  DEMO_TENANT,
  HOSTILE_ID,
  HOSTILE_NAME,
  riskFixture,
  type MockBackend,
} from "../testing/mockBackend";
import type { RiskReport } from "../ipc/backend";

type User = ReturnType<typeof userEvent.setup>;

const T = DEMO_TENANT.id;

/** The demo's risk report for the backend's default settings, before any decision. */
const demo: RiskReport = (() => {
  const c = riskFixture.reports.find((r) => r.cache === "demo" && r.settings === null && r.actions.length === 0)!;
  if (!("ok" in c)) throw new Error("no demo risk report in the fixtures");
  return c.ok;
})();
// The demo's anomalies: an identity with three new-behaviour signals and Identity Protection's medium risk,
// and the hostile-named one behind the invalid-credential burst (Identity Protection's high risk).
const compromised = demo.signals.find((s) => s.kind === "newCountry")!.spId;
const compromisedName = demo.signals.find((s) => s.kind === "newCountry")!.displayName;
const burst = demo.signals.find((s) => s.kind === "invalidCredentialBurst")!;

async function openRisk(user: User, backend: MockBackend) {
  renderWithBackend(<App />, backend);
  await user.click(await screen.findByTestId("nav-risk"));
  await screen.findByTestId("page-risk");
  await waitFor(() => expect(screen.getAllByTestId("signal-row").length).toBeGreaterThan(0));
}

const signalRows = () => screen.getAllByTestId("signal-row");
const signalRow = (kind: string, sp: string) =>
  signalRows().find((r) => r.getAttribute("data-kind") === kind && r.getAttribute("data-sp") === sp)!;
const levelCount = (level: string) =>
  within(screen.getAllByTestId("risk-level").find((l) => l.getAttribute("data-level") === level)!).getByTestId(
    "risk-level-count",
  ).textContent;
const riskyRow = (id: string) => screen.getAllByTestId("risky-row").find((r) => r.getAttribute("data-id") === id)!;

async function openSignal(user: User, kind: string, sp: string) {
  await user.click(within(signalRow(kind, sp)).getByTestId("signal-title"));
  return screen.findByTestId("signal-detail");
}

describe("Risk", () => {
  it("shows levels, Identity Protection's risky identities and Steward's signals of the window", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);

    // No settings of its own: the backend applies its defaults and names them in the report.
    expect(backend.callsOf("riskReport")).toEqual([[T, null]]);
    expect(screen.getByTestId("risk-window-from").textContent).toMatch(/^Signals first seen since /);
    expect(screen.getByTestId("risk-window-from").textContent).toContain(`the last ${demo.settings.windowDays} days`);
    expect((screen.getByTestId("risk-window") as HTMLSelectElement).value).toBe(String(demo.settings.windowDays));

    expect(screen.getAllByTestId("risk-level").map((l) => l.getAttribute("data-level"))).toEqual(["high", "medium", "low"]);
    expect([levelCount("high"), levelCount("medium"), levelCount("low")]).toEqual(["2", "1", "1"]);

    // Highest level first, then newest (the backend's order).
    const sigs = signalRows();
    expect(sigs.map((r) => r.getAttribute("data-kind"))).toEqual([
      "newKeyId",
      "newCredentialType",
      "newCountry",
      "outsideNamedLocations",
      "invalidCredentialBurst",
      "newResource",
      "newIpRange",
    ]);
    expect(sigs.map((r) => within(r).getByTestId("signal-level").textContent)).toEqual([
      "High",
      "Medium",
      "Medium",
      "Medium",
      "Medium",
      "Low",
      "Low",
    ]);
    expect(sigs.every((r) => within(r).getByTestId("signal-state").textContent === "Active")).toBe(true);
    const country = signalRow("newCountry", compromised);
    expect(within(country).getByText("Sign-ins from a new country")).toBeTruthy();
    expect(within(country).getByTestId("signal-identity").textContent).toBe(compromisedName);
    expect(within(country).getByTestId("signal-value").textContent).toBe("NG");
    expect(within(country).getByTestId("signal-count").textContent).toBe("12");
    expect(within(signalRow("invalidCredentialBurst", burst.spId)).getByTestId("signal-count").textContent).toBe("30");

    // Identity Protection's view, with its detections counted.
    expect(screen.getByTestId("risk-ip-synced")).toBeTruthy();
    const risky = screen.getAllByTestId("risky-row");
    expect(risky.map((r) => r.getAttribute("data-id"))).toEqual(demo.riskyIdentities.map((r) => r.id));
    expect(risky[0]!.getAttribute("data-id")).toBe(HOSTILE_ID);
    expect(within(risky[0]!).getByTestId("risky-level").textContent).toBe("High");
    expect(within(risky[0]!).getByTestId("risky-state").textContent).toBe("At risk");
    expect(within(risky[0]!).getByTestId("risky-detections").textContent).toBe("1");
    expect(within(risky[2]!).getByTestId("risky-state").textContent).toBe("Dismissed");
    expect(within(risky[2]!).getByText("Admin dismissed all risk for service principal")).toBeTruthy();
    expect(screen.queryByTestId("risky-pending")).toBeNull();

    // Named locations are cached: every signal was computed.
    expect(screen.queryByTestId("risk-unavailable")).toBeNull();
  });

  it("reloads for a wider detection window", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    expect(signalRows()).toHaveLength(demo.signals.length);
    expect(signalRows().some((r) => r.getAttribute("data-kind") === "outsideNamedLocations")).toBe(true);

    await user.selectOptions(screen.getByTestId("risk-window"), "30");
    await waitFor(() =>
      expect(backend.callsOf("riskReport")).toEqual([
        [T, null],
        [T, { ...demo.settings, windowDays: 30 }],
      ]),
    );
    // The page shows the window the backend reported on.
    await waitFor(() => expect(screen.getByTestId("risk-window-from").textContent).toContain("the last 30 days"));
    expect((screen.getByTestId("risk-window") as HTMLSelectElement).value).toBe("30");
    const wider = await backend.riskReport(T, { ...demo.settings, windowDays: 30 });
    expect(signalRows().map((r) => r.getAttribute("data-kind"))).toEqual(wider.signals.map((s) => s.kind));
  });

  it("opens a signal with its rationale, evidence and the sign-ins behind it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised);
    const sig = demo.signals.find((s) => s.kind === "newCountry" && s.spId === compromised)!;

    expect(within(detail).getByTestId("signal-detail-title").textContent).toBe("Sign-ins from a new country");
    expect(within(detail).getByTestId("signal-detail-level").textContent).toBe("Medium");
    expect(within(detail).getByTestId("signal-detail-state").textContent).toBe("Active");
    expect(within(detail).getByTestId("signal-detail-value").textContent).toBe("NG");
    // The backend's rationale, whole.
    expect(within(detail).getByTestId("signal-rationale").textContent).toBe(sig.rationale);
    expect(within(detail).getByTestId("signal-rationale").textContent).toMatch(/never signed in from before/);
    const evidence = within(detail).getByTestId("signal-evidence");
    expect(within(evidence).getByText("Sign-ins since")).toBeTruthy();
    expect(within(evidence).getByText(/sign-ins over \d+ days before/)).toBeTruthy();

    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row")).toHaveLength(12));
    expect(backend.callsOf("riskSignalSignIns")).toEqual([[T, sig.signIns]]);
    const signIns = await backend.riskSignalSignIns(T, sig.signIns);
    const table = within(detail).getByTestId("signal-signins");
    expect([...table.querySelectorAll("thead th")].map((th) => th.textContent)).toEqual([
      "Time",
      "Resource",
      "IP address",
      "Country",
      "Credential type",
      "Key ID",
      "Error code",
    ]);
    const first = within(detail).getAllByTestId("signal-signin-row")[0]!;
    expect(within(first).getByText("NG")).toBeTruthy();
    expect(within(first).getByText(signIns[0]!.resourceDisplayName!)).toBeTruthy();
    expect(within(first).getByTestId("signal-signin-error").textContent).toBe("0 (success)");
    expect(within(detail).getByTestId("signal-signins-count").textContent).toBe("12 sign-ins, oldest first.");

    // The burst: its failures show their codes.
    await user.click(within(signalRow("invalidCredentialBurst", burst.spId)).getByTestId("signal-title"));
    await waitFor(() => expect(screen.getByTestId("signal-detail-title").textContent).toBe("Burst of invalid-credential failures"));
    const burstDetail = screen.getByTestId("signal-detail");
    await waitFor(() => expect(within(burstDetail).getAllByTestId("signal-signin-row")).toHaveLength(30));
    expect(within(burstDetail).getByTestId("signal-signins-count").textContent).toBe("30 sign-ins, oldest first.");
    expect(within(burstDetail).getAllByTestId("signal-signin-error")[0]!.textContent).toBe("7000215");
    expect(within(within(burstDetail).getByTestId("signal-evidence")).getByText("Busiest hour")).toBeTruthy();

    await user.click(within(burstDetail).getByTestId("risk-detail-close"));
    expect(screen.queryByTestId("signal-detail")).toBeNull();
  });

  it("says when only the first of a signal's sign-ins came back", async () => {
    const user = userEvent.setup();
    // The backend lists at most 200 sign-ins of a signal; this one answers with the first 20 of the burst's 30.
    const backend = createMockBackend();
    const inner = backend.riskSignalSignIns;
    backend.riskSignalSignIns = async (tenantId, filter) => (await inner(tenantId, filter)).slice(0, 20);
    await openRisk(user, backend);
    const detail = await openSignal(user, "invalidCredentialBurst", burst.spId);
    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row")).toHaveLength(20));
    expect(within(detail).getByTestId("signal-signins-count").textContent).toBe("The first 20 of 30 sign-ins, oldest first.");
  });

  it("dismisses an identity's risk: recorded, reloaded, and shown on all its signals", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised);
    expect(within(detail).getByTestId("risk-action-note").textContent).toMatch(
      /pushed to Microsoft Entra ID Protection on the next sync when Steward is connected/,
    );

    await user.click(within(detail).getByTestId("risk-dismiss"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([[T, [compromised], "dismiss"]]));
    await waitFor(() => expect(backend.callsOf("riskReport")).toHaveLength(2));
    await waitFor(() => expect(within(signalRow("newCountry", compromised)).getByTestId("signal-state").textContent).toBe("Dismissed"));
    expect(within(signalRow("outsideNamedLocations", compromised)).getByTestId("signal-state").textContent).toBe("Dismissed");
    expect(within(signalRow("invalidCredentialBurst", burst.spId)).getByTestId("signal-state").textContent).toBe("Active");
    // Closed signals go last.
    expect(signalRows().slice(-3).map((r) => r.getAttribute("data-sp"))).toEqual([compromised, compromised, compromised]);

    // The pane stays on the signal and shows the new state.
    const after = screen.getByTestId("signal-detail");
    expect(within(after).getByTestId("signal-detail-state").textContent).toBe("Dismissed");
    expect((within(after).getByTestId("risk-dismiss") as HTMLButtonElement).disabled).toBe(true);

    // Identity Protection's risk too, pending until a sync pushes it.
    const risky = riskyRow(compromised);
    expect(within(risky).getByTestId("risky-state").textContent).toBe("Dismissed");
    expect(within(risky).getByTestId("risky-pending").textContent).toBe("Pending push");
    expect([levelCount("high"), levelCount("medium"), levelCount("low")]).toEqual(["2", "0", "1"]);
  });

  it("asks before confirming an identity compromised", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "invalidCredentialBurst", burst.spId);

    await user.click(within(detail).getByTestId("risk-confirm"));
    const dialog = await screen.findByTestId("risk-confirm-dialog");
    expect(within(dialog).getByText(burst.displayName)).toBeTruthy();
    expect(backend.callsOf("riskAction")).toEqual([]);
    await user.click(within(dialog).getByTestId("risk-confirm-cancel"));
    await waitFor(() => expect(screen.queryByTestId("risk-confirm-yes")).toBeNull());
    expect(backend.callsOf("riskAction")).toEqual([]);

    await user.click(within(detail).getByTestId("risk-confirm"));
    await user.click(await screen.findByTestId("risk-confirm-yes"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([[T, [burst.spId], "confirmCompromised"]]));
    await waitFor(() =>
      expect(within(signalRow("invalidCredentialBurst", burst.spId)).getByTestId("signal-state").textContent).toBe(
        "Confirmed compromised",
      ),
    );
    await waitFor(() => expect(screen.queryByTestId("risk-confirm-dialog")).toBeNull());
    expect((within(screen.getByTestId("signal-detail")).getByTestId("risk-confirm") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows a risky identity's detections and history, and marks it remediated", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    await user.click(within(riskyRow(compromised)).getByTestId("risky-name"));
    const detail = await screen.findByTestId("risky-detail");
    const identity = demo.riskyIdentities.find((r) => r.id === compromised)!;

    expect(within(detail).getByTestId("risky-detail-name").textContent).toBe(compromisedName);
    const detections = within(detail).getAllByTestId("detection-row");
    expect(detections.map((d) => within(d).getByTestId("detection-description").textContent)).toEqual(
      identity.detections.map((d) => d.description),
    );
    expect(within(detections[0]!).getByText("102.89.10.23")).toBeTruthy();
    expect(within(detections[0]!).getByText("Lagos, NG")).toBeTruthy();
    expect(within(detail).getAllByTestId("history-row")).toHaveLength(1);
    expect(within(detail).getByTestId("portal-link").getAttribute("href")).toMatch(/^https:\/\/entra\.microsoft\.com\//);

    await user.click(within(detail).getByTestId("risk-remediated"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([[T, [compromised], "remediated"]]));
    await waitFor(() =>
      expect(within(signalRow("newCountry", compromised)).getByTestId("signal-state").textContent).toBe("Remediated"),
    );
    // Remediated has no Graph action: nothing to push, Identity Protection's state stands.
    expect(within(riskyRow(compromised)).queryByTestId("risky-pending")).toBeNull();
    expect(within(riskyRow(compromised)).getByTestId("risky-state").textContent).toBe("At risk");

    // Confirm compromised from the risky identity: pending push, one more history entry.
    await user.click(within(screen.getByTestId("risky-detail")).getByTestId("risk-confirm"));
    await user.click(await screen.findByTestId("risk-confirm-yes"));
    await waitFor(() => expect(within(riskyRow(compromised)).getByTestId("risky-pending")).toBeTruthy());
    const after = screen.getByTestId("risky-detail");
    expect(within(after).getByTestId("risky-detail-state").textContent).toBe("Confirmed compromised");
    expect(within(after).getAllByTestId("history-row")).toHaveLength(2);
    expect(within(after).getByText("Steward (not yet pushed to Entra)")).toBeTruthy();
  });

  it("explains when Identity Protection's data and named locations are not synced", async () => {
    const user = userEvent.setup();
    await openRisk(user, createMockBackend({ cache: "sparse" }));
    const bar = screen.getByTestId("risk-ip-not-synced");
    expect(bar.textContent).toMatch(/not synced/);
    expect(bar.textContent).toMatch(/Workload ID Premium/);
    expect(bar.textContent).toMatch(/IdentityRiskyServicePrincipal\.Read\.All/);
    expect(screen.queryByTestId("risky-row")).toBeNull();
    // No named locations cached: that signal is listed as not computed.
    const unavailable = screen.getByTestId("risk-unavailable");
    expect(within(unavailable).getByText(/No named locations are cached/)).toBeTruthy();
    // Steward's other signals still work.
    expect(signalRows()).toHaveLength(demo.signals.length - 1);
    expect(signalRows().some((r) => r.getAttribute("data-kind") === "outsideNamedLocations")).toBe(false);
  });

  it("shows hostile tenant strings as text", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const row = signalRow("invalidCredentialBurst", HOSTILE_ID);
    expect(within(row).getByTestId("signal-identity").textContent).toBe(HOSTILE_NAME);
    expect(within(riskyRow(HOSTILE_ID)).getByTestId("risky-name").textContent).toBe(HOSTILE_NAME);

    const detail = await openSignal(user, "invalidCredentialBurst", HOSTILE_ID);
    expect(within(detail).getByTestId("signal-detail-identity").textContent).toBe(HOSTILE_NAME);
    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row")).toHaveLength(30));

    await user.click(within(detail).getByTestId("risk-confirm"));
    expect(within(await screen.findByTestId("risk-confirm-dialog")).getByText(HOSTILE_NAME)).toBeTruthy();
    expect(document.querySelector("img[src='x']")).toBeNull();
  });

  it("states closed risks in badges and draws their rows at full contrast, not dimmed", async () => {
    const user = userEvent.setup();
    const removeStyles = await addAppStyles();
    try {
      const backend = createMockBackend();
      await openRisk(user, backend);
      // Identity Protection's dismissed identity.
      const dismissed = demo.riskyIdentities[2]!;
      expect(dismissed.riskState).toBe("dismissed");
      const row = riskyRow(dismissed.id);
      expect(row.className).toContain("risk-row-closed");
      const badge = within(row).getByTestId("risky-closed-badge");
      expect(badge.textContent).toBe("Dismissed");
      expect(getComputedStyle(badge).fontStyle).toBe("italic");
      expect(fullyOpaque(row)).toBe(true);
      expect(within(riskyRow(HOSTILE_ID)).queryByTestId("risky-closed-badge")).toBeNull();

      // Steward's signals, once dismissed.
      const detail = await openSignal(user, "newCountry", compromised);
      await user.click(within(detail).getByTestId("risk-dismiss"));
      await waitFor(() => expect(within(signalRow("newCountry", compromised)).getByTestId("signal-state").textContent).toBe("Dismissed"));
      await user.click(screen.getByTestId("risk-detail-close"));
      const signal = signalRow("newCountry", compromised);
      expect(signal.className).toContain("risk-row-closed");
      expect(getComputedStyle(within(signal).getByTestId("signal-state")).fontStyle).toBe("italic");
      expect(fullyOpaque(signal)).toBe(true);
    } finally {
      removeStyles();
    }
  });

  it("returns the focus to the row's link when a detail closes, by the close button or Escape", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const title = () => within(signalRow("newCountry", compromised)).getByTestId("signal-title");

    // Opened and closed by keyboard: Escape closes the pane when the focus is in it.
    title().focus();
    await user.keyboard("{Enter}");
    const detail = await screen.findByTestId("signal-detail");
    within(detail).getByTestId("risk-dismiss").focus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("signal-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(title()));

    // Identity Protection's rows, by the close button.
    const name = () => within(riskyRow(HOSTILE_ID)).getByTestId("risky-name");
    await user.click(name());
    await screen.findByTestId("risky-detail");
    await user.click(screen.getByTestId("risk-detail-close"));
    expect(screen.queryByTestId("risky-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(name()));
  });

  it("closes only the confirmation on Escape in it, and returns the focus to its button", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised);
    const confirm = within(detail).getByTestId("risk-confirm");
    confirm.focus();
    await user.keyboard("{Enter}");
    await screen.findByTestId("risk-confirm-dialog");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("risk-confirm-dialog")).toBeNull());
    // The pane under it stays open.
    expect(screen.getByTestId("signal-detail")).toBe(detail);
    await waitFor(() => expect(document.activeElement).toBe(confirm));
    expect(backend.callsOf("riskAction")).toEqual([]);
  });

  it("scrolls the detail panes' tables in focusable, labelled regions", async () => {
    const user = userEvent.setup();
    await openRisk(user, createMockBackend());
    const detail = await openSignal(user, "newCountry", compromised);
    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row").length).toBeGreaterThan(0));
    const signIns = within(detail).getByRole("region", { name: "Sign-ins behind the signal" });
    expect(signIns.tabIndex).toBe(0);
    expect(within(signIns).getByRole("table", { name: "Sign-ins behind the signal" })).toBeTruthy();

    await user.click(within(riskyRow(compromised)).getByTestId("risky-name"));
    const risky = await screen.findByTestId("risky-detail");
    const detections = within(risky).getByRole("region", { name: "Detections" });
    expect(detections.tabIndex).toBe(0);
    expect(within(detections).getByRole("table", { name: "Detections" })).toBeTruthy();
  });

  it("shows backend errors of an action without losing the report", async () => {
    const user = userEvent.setup();
    const { BackendError } = await import("../ipc/backend");
    const backend = createMockBackend({ fail: { riskAction: new BackendError("database", "The database is locked.") } });
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised);
    await user.click(within(detail).getByTestId("risk-dismiss"));
    expect(within(await within(detail).findByTestId("error-bar")).getByText("The database is locked.")).toBeTruthy();
    expect(within(signalRow("newCountry", compromised)).getByTestId("signal-state").textContent).toBe("Active");
  });
});
