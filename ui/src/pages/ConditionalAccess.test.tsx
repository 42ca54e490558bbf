import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { conditionalAccessFixture as fx, createMockBackend } from "../testing/mockBackend";

type User = ReturnType<typeof userEvent.setup>;

async function openPage(user: User) {
  await user.click(await screen.findByTestId("nav-conditionalAccess"));
  return screen.findByTestId("page-conditionalAccess");
}

describe("Conditional access", () => {
  it("lists the policies for workload identities apart from the others, with what each targets", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await openPage(user);
    const rows = await screen.findAllByTestId("ca-policy-row");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("WID - block high-risk service principals"),
      expect.stringContaining("WID - block sign-ins outside Azure regions"),
    ]);
    // The location policy names its excluded location by name, and its exclusion by the identity's name.
    expect(rows[1]!.textContent).toContain("Any location except Azure regions in use");
    expect(rows[1]!.textContent).toContain("Report-only");
    expect(rows[0]!.textContent).toContain("Risk high");
    expect(within(screen.getByTestId("ca-other-table")).getByText("Require MFA for administrators")).toBeTruthy();
    await user.click(screen.getByTestId("ca-tab-locations"));
    const locations = await screen.findAllByTestId("ca-location-row");
    expect(locations.map((l) => l.textContent)).toEqual([
      expect.stringContaining("Azure regions in use"),
      expect.stringContaining("Operating countries"),
    ]);
    expect(locations[0]!.textContent).toContain("WID - block sign-ins outside Azure regions");
  });

  it("writes a report-only policy, checked by the backend as the admin types, and queues it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openPage(user);
    await user.click(await screen.findByTestId("ca-policy-new"));
    const dialog = await screen.findByTestId("ca-policy-dialog");
    await waitFor(() => expect(within(dialog).getByTestId("ca-policy-problems").textContent).toContain("Give the policy a name"));
    expect(within(dialog).getByTestId<HTMLButtonElement>("ca-policy-save").disabled).toBe(true);
    await user.type(within(dialog).getByTestId("ca-policy-name"), "Block apps outside trusted networks");
    await waitFor(() => expect(within(dialog).queryByTestId("ca-policy-problems")).toBeNull());
    await user.click(within(dialog).getByTestId("ca-policy-save"));
    await waitFor(() => expect(screen.queryByTestId("ca-policy-dialog")).toBeNull());
    expect(backend.callsOf("caSavePolicy")[0]![1]).toEqual({
      id: null,
      displayName: "Block apps outside trusted networks",
      state: "reportOnly",
      include: { kind: "allInTenant" },
      exclude: [],
      filter: null,
      locations: { include: ["All"], exclude: ["AllTrusted"] },
      riskLevels: [],
    });
    expect((await screen.findByTestId("ca-queued")).textContent).toContain(
      "create report-only conditional access policy `Block apps outside trusted networks`",
    );
    expect(backend.outbox().map((i) => i.action)).toEqual(["createConditionalAccessPolicy"]);
  });

  it("replays a draft from the dialog and a cached policy from its row", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openPage(user);
    await user.click(await screen.findByTestId("ca-policy-new"));
    const dialog = await screen.findByTestId("ca-policy-dialog");
    await user.type(within(dialog).getByTestId("ca-policy-name"), "Block apps outside trusted networks");
    await waitFor(() => expect(within(dialog).getByTestId<HTMLButtonElement>("ca-policy-replay").disabled).toBe(false));
    await user.click(within(dialog).getByTestId("ca-policy-replay"));
    const panel = await screen.findByTestId("ca-replay");
    expect(within(panel).getByTestId<HTMLSelectElement>("ca-replay-policy").value).toBe("draft");
    expect(within(panel).getByTestId<HTMLInputElement>("ca-replay-from").value).toBe("2025-05-03");
    expect(within(panel).getByTestId<HTMLInputElement>("ca-replay-to").value).toBe("2025-06-01");
    await user.click(within(panel).getByTestId("ca-replay-run"));
    const result = await within(panel).findByTestId("ca-replay-result");
    const expected = fx.replay.find((c) => c.policy.displayName === "Block apps outside trusted networks")!;
    if (!("ok" in expected)) throw new Error("the fixture's replay failed");
    expect(within(result).getByTestId("ca-replay-blocked").textContent).toBe(String(expected.ok.replay.blockedSignIns));
    expect(within(result).getByTestId("ca-replay-reached").textContent).toBe(
      expected.ok.replay.reachedConditionalAccess.toLocaleString(),
    );
    expect(within(result).getByTestId("ca-replay-chart").getAttribute("src")).toMatch(/^data:image\/svg\+xml/);

    // A cached policy, from its row.
    await user.click(screen.getByTestId("ca-tab-policies"));
    await user.click((await screen.findAllByTestId("ca-policy-row-replay"))[1]!);
    await user.click(await screen.findByTestId("ca-replay-run"));
    await screen.findByTestId("ca-replay-result");
    expect(backend.callsOf("caReplay").map((c) => (c[1] as { displayName: string }).displayName)).toEqual([
      "Block apps outside trusted networks",
      "WID - block sign-ins outside Azure regions",
    ]);
  });

  it("explains a what-if condition by condition", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    await openPage(user);
    await user.click(await screen.findByTestId("ca-tab-whatif"));
    const panel = await screen.findByTestId("ca-whatif");
    await user.type(within(panel).getByTestId("ca-whatif-sp-search"), "contoso-");
    await user.click((await within(panel).findAllByTestId("ca-whatif-sp-result"))[0]!);
    await user.type(within(panel).getByTestId("ca-whatif-ip"), "192.0.2.10");
    await user.selectOptions(within(panel).getByTestId("ca-whatif-risk"), "high");
    await user.click(within(panel).getByTestId("ca-whatif-run"));
    const verdict = await within(panel).findByTestId("ca-whatif-verdict");
    expect(verdict.textContent).toContain("Blocked");
    const cards = within(panel).getAllByTestId("ca-whatif-policy");
    expect(cards.map((c) => c.getAttribute("data-outcome"))).toEqual(["applies", "applies", "doesNotApply"]);
    // Every condition of a workload-identity policy is answered, with its reason.
    expect(within(cards[0]!).getAllByTestId("ca-check").length).toBeGreaterThanOrEqual(6);
    expect(cards[2]!.textContent).toContain("It assigns users, not workload identities");

    // A bad address: the backend's words.
    await user.clear(within(panel).getByTestId("ca-whatif-ip"));
    await user.type(within(panel).getByTestId("ca-whatif-ip"), "not-an-address");
    await user.selectOptions(within(panel).getByTestId("ca-whatif-risk"), "");
    await user.click(within(panel).getByTestId("ca-whatif-run"));
    expect((await within(panel).findByTestId("error-bar")).textContent).toContain("is not an IP address");
  });

  it("adds a named IP location once its ranges are in CIDR form", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await openPage(user);
    await user.click(await screen.findByTestId("ca-tab-locations"));
    await user.click(await screen.findByTestId("ca-location-new"));
    const dialog = await screen.findByTestId("ca-location-dialog");
    await user.type(within(dialog).getByTestId("ca-location-name"), "Build agents");
    await user.type(within(dialog).getByTestId("ca-location-ranges"), "203.0.113.7");
    await waitFor(() => expect(within(dialog).getByTestId("ca-location-problems").textContent).toContain("/32 for one address"));
    await user.clear(within(dialog).getByTestId("ca-location-ranges"));
    await user.type(within(dialog).getByTestId("ca-location-ranges"), "203.0.113.0/24");
    await waitFor(() => expect(within(dialog).queryByTestId("ca-location-problems")).toBeNull());
    await waitFor(() => expect(within(dialog).getByTestId<HTMLButtonElement>("ca-location-dialog-ok").disabled).toBe(false));
    await user.click(within(dialog).getByTestId("ca-location-dialog-ok"));
    await waitFor(() => expect(screen.queryByTestId("ca-location-dialog")).toBeNull());
    expect(backend.outbox().map((i) => i.action)).toEqual(["createNamedLocation"]);
  });
});
