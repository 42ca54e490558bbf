import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import {
  createMockBackend,
  DEFAULT_RISK_SETTINGS,
  HOSTILE_NAME,
  HOSTILE_SP_ID,
  makeRows,
  type MockBackend,
} from "../testing/mockBackend";

type User = ReturnType<typeof userEvent.setup>;

// The mock's identities: rows sorted by name, so index i is "App 00000i".
const rows = makeRows(50);
const compromised = rows[3]!; // a high signal, a medium one, and Identity Protection's high risk
const burst = rows[5]!;

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

    expect(backend.callsOf("riskReport")).toEqual([["contoso", null]]);
    expect(screen.getByTestId("risk-window-from").textContent).toMatch(/^Signals first seen since /);
    expect((screen.getByTestId("risk-window") as HTMLSelectElement).value).toBe("7");

    expect(screen.getAllByTestId("risk-level").map((l) => l.getAttribute("data-level"))).toEqual(["high", "medium", "low"]);
    expect([levelCount("high"), levelCount("medium"), levelCount("low")]).toEqual(["2", "2", "1"]);

    // Highest level first, then newest.
    const sigs = signalRows();
    expect(sigs.map((r) => r.getAttribute("data-kind"))).toEqual([
      "newKeyId",
      "invalidCredentialBurst",
      "newCountry",
      "newCredentialType",
      "newResource",
    ]);
    expect(sigs.map((r) => within(r).getByTestId("signal-level").textContent)).toEqual(["High", "High", "Medium", "Medium", "Low"]);
    expect(sigs.every((r) => within(r).getByTestId("signal-state").textContent === "Active")).toBe(true);
    const country = signalRow("newCountry", compromised.id);
    expect(within(country).getByText("Sign-ins from a new country")).toBeTruthy();
    expect(within(country).getByTestId("signal-identity").textContent).toBe(compromised.displayName);
    expect(within(country).getByTestId("signal-value").textContent).toBe("BR");
    expect(within(country).getByTestId("signal-count").textContent).toBe("6");
    expect(within(signalRow("invalidCredentialBurst", burst.id)).getByTestId("signal-count").textContent).toBe("240");

    // Identity Protection's view, with its detections counted.
    expect(screen.getByTestId("risk-ip-synced")).toBeTruthy();
    const risky = screen.getAllByTestId("risky-row");
    expect(risky.map((r) => r.getAttribute("data-id"))).toEqual([compromised.id, rows[20]!.id, rows[22]!.id]);
    expect(within(risky[0]!).getByTestId("risky-level").textContent).toBe("High");
    expect(within(risky[0]!).getByTestId("risky-state").textContent).toBe("At risk");
    expect(within(risky[0]!).getByTestId("risky-detections").textContent).toBe("2");
    expect(within(risky[2]!).getByTestId("risky-state").textContent).toBe("Dismissed");
    expect(within(risky[2]!).getByText("Admin dismissed all risk for service principal")).toBeTruthy();
    expect(screen.queryByTestId("risky-pending")).toBeNull();

    // No named locations cached: that signal is listed as not computed.
    const unavailable = screen.getByTestId("risk-unavailable");
    expect(within(unavailable).getByText(/No named locations are cached/)).toBeTruthy();
  });

  it("reloads for a wider detection window", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ risk: { namedLocations: true } });
    await openRisk(user, backend);
    expect(screen.queryByTestId("risk-unavailable")).toBeNull();
    expect(signalRows()).toHaveLength(6);
    expect(signalRows().some((r) => r.getAttribute("data-kind") === "outsideNamedLocations")).toBe(true);

    await user.selectOptions(screen.getByTestId("risk-window"), "30");
    await waitFor(() =>
      expect(backend.callsOf("riskReport")).toEqual([
        ["contoso", null],
        ["contoso", { ...DEFAULT_RISK_SETTINGS, windowDays: 30 }],
      ]),
    );
    await waitFor(() => expect(signalRows()).toHaveLength(9));
    expect(signalRows().some((r) => r.getAttribute("data-kind") === "newIpRange")).toBe(true);
  });

  it("opens a signal with its rationale, evidence and the sign-ins behind it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised.id);

    expect(within(detail).getByTestId("signal-detail-title").textContent).toBe("Sign-ins from a new country");
    expect(within(detail).getByTestId("signal-detail-level").textContent).toBe("Medium");
    expect(within(detail).getByTestId("signal-detail-state").textContent).toBe("Active");
    expect(within(detail).getByTestId("signal-detail-value").textContent).toBe("BR");
    expect(within(detail).getByTestId("signal-rationale").textContent).toMatch(/never signed in from before/);
    const evidence = within(detail).getByTestId("signal-evidence");
    expect(within(evidence).getByText("Sign-ins since")).toBeTruthy();
    expect(within(evidence).getByText(/412 sign-ins over 60 days before/)).toBeTruthy();

    const report = await backend.riskReport("contoso", DEFAULT_RISK_SETTINGS);
    const sig = report.signals.find((s) => s.kind === "newCountry" && s.spId === compromised.id)!;
    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row")).toHaveLength(6));
    expect(backend.callsOf("riskSignalSignIns")).toEqual([["contoso", sig.signIns]]);
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
    expect(within(first).getByText("BR")).toBeTruthy();
    expect(within(first).getByText("Microsoft Graph")).toBeTruthy();
    expect(within(first).getByTestId("signal-signin-error").textContent).toBe("0 (success)");
    expect(within(detail).getByTestId("signal-signins-count").textContent).toBe("6 sign-ins, oldest first.");

    // The burst: more sign-ins than are listed; its failures show their codes.
    await user.click(within(signalRow("invalidCredentialBurst", burst.id)).getByTestId("signal-title"));
    await waitFor(() => expect(screen.getByTestId("signal-detail-title").textContent).toBe("Burst of invalid-credential failures"));
    const burstDetail = screen.getByTestId("signal-detail");
    // 200 rows of a Fluent table take a while to render in jsdom.
    await waitFor(() => expect(within(burstDetail).getAllByTestId("signal-signin-row")).toHaveLength(200), { timeout: 5000 });
    expect(within(burstDetail).getByTestId("signal-signins-count").textContent).toBe(
      "The first 200 of 240 sign-ins, oldest first.",
    );
    expect(within(burstDetail).getAllByTestId("signal-signin-error")[0]!.textContent).toBe("7000215");
    expect(within(within(burstDetail).getByTestId("signal-evidence")).getByText("Busiest hour")).toBeTruthy();

    await user.click(within(burstDetail).getByTestId("risk-detail-close"));
    expect(screen.queryByTestId("signal-detail")).toBeNull();
  });

  it("dismisses an identity's risk: recorded, reloaded, and shown on all its signals", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised.id);
    expect(within(detail).getByTestId("risk-action-note").textContent).toMatch(
      /pushed to Microsoft Entra ID Protection on the next sync when Steward is connected/,
    );

    await user.click(within(detail).getByTestId("risk-dismiss"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([["contoso", [compromised.id], "dismiss"]]));
    await waitFor(() => expect(backend.callsOf("riskReport")).toHaveLength(2));
    await waitFor(() => expect(within(signalRow("newCountry", compromised.id)).getByTestId("signal-state").textContent).toBe("Dismissed"));
    expect(within(signalRow("newKeyId", compromised.id)).getByTestId("signal-state").textContent).toBe("Dismissed");
    expect(within(signalRow("invalidCredentialBurst", burst.id)).getByTestId("signal-state").textContent).toBe("Active");
    // Closed signals go last.
    expect(signalRows().slice(-2).map((r) => r.getAttribute("data-sp"))).toEqual([compromised.id, compromised.id]);

    // The pane stays on the signal and shows the new state.
    const after = screen.getByTestId("signal-detail");
    expect(within(after).getByTestId("signal-detail-state").textContent).toBe("Dismissed");
    expect((within(after).getByTestId("risk-dismiss") as HTMLButtonElement).disabled).toBe(true);

    // Identity Protection's risk too, pending until a sync pushes it.
    const risky = riskyRow(compromised.id);
    expect(within(risky).getByTestId("risky-state").textContent).toBe("Dismissed");
    expect(within(risky).getByTestId("risky-pending").textContent).toBe("Pending push");
    expect([levelCount("high"), levelCount("medium"), levelCount("low")]).toEqual(["1", "2", "1"]);
  });

  it("asks before confirming an identity compromised", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const detail = await openSignal(user, "invalidCredentialBurst", burst.id);

    await user.click(within(detail).getByTestId("risk-confirm"));
    const dialog = await screen.findByTestId("risk-confirm-dialog");
    expect(within(dialog).getByText(burst.displayName)).toBeTruthy();
    expect(backend.callsOf("riskAction")).toEqual([]);
    await user.click(within(dialog).getByTestId("risk-confirm-cancel"));
    await waitFor(() => expect(screen.queryByTestId("risk-confirm-yes")).toBeNull());
    expect(backend.callsOf("riskAction")).toEqual([]);

    await user.click(within(detail).getByTestId("risk-confirm"));
    await user.click(await screen.findByTestId("risk-confirm-yes"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([["contoso", [burst.id], "confirmCompromised"]]));
    await waitFor(() =>
      expect(within(signalRow("invalidCredentialBurst", burst.id)).getByTestId("signal-state").textContent).toBe(
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
    await user.click(within(riskyRow(compromised.id)).getByTestId("risky-name"));
    const detail = await screen.findByTestId("risky-detail");

    expect(within(detail).getByTestId("risky-detail-name").textContent).toBe(compromised.displayName);
    const detections = within(detail).getAllByTestId("detection-row");
    expect(detections.map((d) => within(d).getByTestId("detection-description").textContent)).toEqual([
      "Valid credentials of this identity were found in a public place (GitHub, paste sites, the dark web).",
      "Sign-in properties unusual for this identity (IP, resource, country or credential type).",
    ]);
    expect(within(detections[0]!).getByTestId("detection-key").textContent).toBe("Key ID 9f1c2d3e-0000-4000-8000-0000000000aa");
    expect(within(detections[1]!).getByText("198.51.100.23")).toBeTruthy();
    expect(within(detections[1]!).getByText("São Paulo, BR")).toBeTruthy();
    expect(within(detail).getAllByTestId("history-row")).toHaveLength(2);
    expect(within(detail).getByTestId("portal-link").getAttribute("href")).toMatch(/^https:\/\/entra\.microsoft\.com\//);

    await user.click(within(detail).getByTestId("risk-remediated"));
    await waitFor(() => expect(backend.callsOf("riskAction")).toEqual([["contoso", [compromised.id], "remediated"]]));
    await waitFor(() =>
      expect(within(signalRow("newKeyId", compromised.id)).getByTestId("signal-state").textContent).toBe("Remediated"),
    );
    // Remediated has no Graph action: nothing to push, Identity Protection's state stands.
    expect(within(riskyRow(compromised.id)).queryByTestId("risky-pending")).toBeNull();
    expect(within(riskyRow(compromised.id)).getByTestId("risky-state").textContent).toBe("At risk");

    // Confirm compromised from the risky identity: pending push, one more history entry.
    await user.click(within(screen.getByTestId("risky-detail")).getByTestId("risk-confirm"));
    await user.click(await screen.findByTestId("risk-confirm-yes"));
    await waitFor(() => expect(within(riskyRow(compromised.id)).getByTestId("risky-pending")).toBeTruthy());
    const after = screen.getByTestId("risky-detail");
    expect(within(after).getByTestId("risky-detail-state").textContent).toBe("Confirmed compromised");
    expect(within(after).getAllByTestId("history-row")).toHaveLength(3);
    expect(within(after).getByText("Steward (not yet pushed to Entra)")).toBeTruthy();
  });

  it("explains when Identity Protection's data is not synced", async () => {
    const user = userEvent.setup();
    await openRisk(user, createMockBackend({ risk: { identityProtection: false } }));
    const bar = screen.getByTestId("risk-ip-not-synced");
    expect(bar.textContent).toMatch(/not synced/);
    expect(bar.textContent).toMatch(/Workload ID Premium/);
    expect(bar.textContent).toMatch(/IdentityRiskyServicePrincipal\.Read\.All/);
    expect(screen.queryByTestId("risky-row")).toBeNull();
    // Steward's own signals still work.
    expect(signalRows()).toHaveLength(5);
  });

  it("shows hostile tenant strings as text", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRisk(user, backend);
    const row = signalRow("newResource", HOSTILE_SP_ID);
    expect(within(row).getByTestId("signal-identity").textContent).toBe(HOSTILE_NAME);
    expect(within(row).getByTestId("signal-value").textContent).toBe(`${HOSTILE_NAME} API`);

    const detail = await openSignal(user, "newResource", HOSTILE_SP_ID);
    expect(within(detail).getByTestId("signal-detail-identity").textContent).toBe(HOSTILE_NAME);
    expect(within(detail).getAllByTestId("signal-evidence-value").some((e) => e.textContent?.includes(HOSTILE_NAME))).toBe(true);
    await waitFor(() => expect(within(detail).getAllByTestId("signal-signin-row")).toHaveLength(3));
    expect(within(detail).getAllByText(`${HOSTILE_NAME} API`).length).toBeGreaterThan(0);

    await user.click(within(detail).getByTestId("risk-confirm"));
    expect(within(await screen.findByTestId("risk-confirm-dialog")).getByText(HOSTILE_NAME)).toBeTruthy();
    expect(document.querySelector("img[src='x']")).toBeNull();
  });

  it("shows backend errors of an action without losing the report", async () => {
    const user = userEvent.setup();
    const { BackendError } = await import("../ipc/backend");
    const backend = createMockBackend({ fail: { riskAction: new BackendError("database", "The database is locked.") } });
    await openRisk(user, backend);
    const detail = await openSignal(user, "newCountry", compromised.id);
    await user.click(within(detail).getByTestId("risk-dismiss"));
    expect(within(await within(detail).findByTestId("error-bar")).getByText("The database is locked.")).toBeTruthy();
    expect(within(signalRow("newCountry", compromised.id)).getByTestId("signal-state").textContent).toBe("Active");
  });
});
