import { describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { addAppStyles, fullyOpaque } from "../testing/styles";
import {
  createMockBackend,
  DEMO_TENANT,
  HOSTILE_NAME,
  recommendationsFixture,
  type MockBackend,
} from "../testing/mockBackend";
import type { Recommendation, RecommendationReport, RecommendationSettings, StatusChange } from "../ipc/backend";

const T = DEMO_TENANT.id;

/** The demo's report for the backend's default thresholds, as the fixtures hold it. */
const demoReport: RecommendationReport = (() => {
  const c = recommendationsFixture.reports.find((r) => r.cache === "demo" && r.settings === null)!;
  if (!("ok" in c)) throw new Error("no demo recommendations in the fixtures");
  return c.ok;
})();
/** The thresholds the backend applied by default (it names them in the report). */
const defaults: RecommendationSettings = demoReport.settings;

/** `backend` with each recommendations report passed through `edit` first. */
function editing(backend: MockBackend, edit: (r: Recommendation) => void): MockBackend {
  const inner = backend.recommendations;
  backend.recommendations = async (tenantId, settings) => {
    const report = await inner(tenantId, settings);
    report.recommendations.forEach(edit);
    return report;
  };
  return backend;
}

async function openRecommendations(user: ReturnType<typeof userEvent.setup>, backend: MockBackend) {
  renderWithBackend(<App />, backend);
  await user.click(await screen.findByTestId("nav-recommendations"));
  await screen.findByTestId("page-recommendations");
  await waitFor(() => expect(screen.getAllByTestId("rec-row").length).toBeGreaterThan(0));
}

const rowOf = (type: string) => screen.getAllByTestId("rec-row").find((r) => r.getAttribute("data-type") === type)!;

async function select(user: ReturnType<typeof userEvent.setup>, type: string) {
  await user.click(within(rowOf(type)).getByTestId("rec-name"));
  const detail = await screen.findByTestId("rec-detail");
  const rec = demoReport.recommendations.find((r) => r.type === type)!;
  await waitFor(() => expect(within(detail).getByTestId("rec-detail-name").textContent).toBe(rec.displayName));
  return detail;
}

describe("Recommendations", () => {
  it("lists findings sorted by priority then name, with counts, sources and statuses from the backend", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);

    // No thresholds of its own: the backend applies its defaults.
    expect(backend.callsOf("recommendations")).toEqual([[T, null]]);
    const rows = screen.getAllByTestId("rec-row");
    expect(rows.map((r) => r.getAttribute("data-type"))).toEqual([
      "credentialOnMicrosoftApp",
      "userConsentAllowed",
      "aadGraphDeprecationApplication",
      "knownMaliciousApp",
      "privilegedUnused",
      "unsafeRedirectUri",
      "privilegedAppUserOwners",
      "applicationCredentialExpiry",
      "privilegedWithSecret",
      "credentialsOutsideLocationPolicy",
      "adalToMsalMigration",
      "multipleActiveSecrets",
      "staleApps",
      "staleAppCreds",
      "appManagementPolicyWeak",
      "tier0Holder",
      "longLivedSecrets",
      "usersCanRegisterApps",
      "adminConsentWorkflowDisabled",
      "ownerlessApps",
      "pendingConsentRequests",
      "singleOwnerApps",
      "clientSecrets",
      "assignmentNotRequired",
      "certificateRotationDue",
      "longLivedCertificates",
    ]);
    expect(rows.map((r) => within(r).getByTestId("rec-priority").textContent)).toEqual([
      ...Array<string>(9).fill("High"),
      ...Array<string>(10).fill("Medium"),
      ...Array<string>(7).fill("Low"),
    ]);
    const impacted = (type: string) => String(demoReport.recommendations.find((r) => r.type === type)!.impactedTotal);
    expect(rows.map((r) => within(r).getByTestId("rec-impacted-count").textContent)).toEqual(
      rows.map((r) => impacted(r.getAttribute("data-type")!)),
    );
    expect(within(rowOf("staleAppCreds")).getByTestId("rec-impacted-count").textContent).toBe("8");
    expect(within(rowOf("applicationCredentialExpiry")).getByTestId("rec-source").textContent).toBe("Entra recommendation");
    expect(within(rowOf("privilegedWithSecret")).getByTestId("rec-source").textContent).toBe("Steward check");
    expect(rows.every((r) => within(r).getByTestId("rec-status").textContent === "Active")).toBe(true);

    // Summary strip: active findings per priority.
    expect(screen.getByTestId("rec-summary-high").textContent).toBe("9");
    expect(screen.getByTestId("rec-summary-medium").textContent).toBe("10");
    expect(screen.getByTestId("rec-summary-low").textContent).toBe("7");

    // The checks with nothing to report are listed by name; the demo holds every dataset, so none is
    // "not determined".
    expect(screen.queryByTestId("rec-not-determined")).toBeNull();
    await user.click(screen.getByRole("button", { name: /Checks with no findings \(10\)/ }));
    const passed = await screen.findAllByTestId("rec-passed-item");
    expect(passed.map((p) => p.getAttribute("data-type"))).toEqual([
      "conditionalAccessBlocksRiskyIdentitiesMissing",
      "federatedSubjectMismatch",
      "servicePrincipalKeyExpiry",
      "highRiskDelegatedGrant",
      "agentWithoutSponsor",
      "agentBlueprintUngoverned",
      "instanceLockMissing",
      "credentialsOnServicePrincipal",
      "disabledWithCredentials",
      "guestOwner",
    ]);
    expect(within(passed[1]!).getByText("Fix federated credentials that no longer match")).toBeTruthy();
  });

  it("shows rationale, steps, evidence, owners and safe portal links of the selected recommendation", async () => {
    const user = userEvent.setup();
    const rec = demoReport.recommendations.find((r) => r.type === "privilegedWithSecret")!;
    const real = rec.impacted[0]!;
    // A second impacted resource whose tenant strings are markup and whose portal URL is not the admin center.
    const backend = editing(createMockBackend(), (r) => {
      if (r.type !== rec.type) return;
      r.impacted.unshift({
        ...real,
        id: "hostile",
        displayName: HOSTILE_NAME,
        owners: [HOSTILE_NAME],
        credentialKeyId: "5d1c7a9e-0000-4000-8000-00000000a001",
        evidence: [{ label: "Valid secrets", value: `${HOSTILE_NAME} until 2026-01-01` }],
        portalUrl: "javascript:alert(1)",
      });
      r.impactedTotal += 1;
    });
    await openRecommendations(user, backend);
    const detail = await select(user, "privilegedWithSecret");

    expect(within(detail).getByTestId("rec-rationale").textContent).toBe(rec.rationale);
    expect(within(detail).getByTestId("rec-rationale").textContent).toMatch(/signs in with a client secret/);
    expect(within(detail).getByTestId("rec-steps").querySelectorAll("li")).toHaveLength(rec.actionSteps.length);
    const rows = within(detail).getAllByTestId("impacted-row");
    expect(rows).toHaveLength(2);
    // Hostile strings stay text: the name, an owner and an evidence value.
    expect(within(rows[0]!).getByTestId("impacted-name").textContent).toBe(HOSTILE_NAME);
    expect(within(rows[0]!).getByTestId("impacted-owners").textContent).toBe(HOSTILE_NAME);
    expect(within(rows[0]!).getByTestId("impacted-evidence").textContent).toContain(`Valid secrets: ${HOSTILE_NAME} until 2026-01-01`);
    expect(within(rows[0]!).getByTestId("impacted-key").textContent).toBe("Key ID 5d1c7a9e-0000-4000-8000-00000000a001");
    expect(document.querySelectorAll("img")).toHaveLength(0);
    // Its portal URL is not the Entra admin center: no link at all.
    expect(within(rows[0]!).queryByTestId("portal-link")).toBeNull();
    expect(rows[0]!.querySelector("a")).toBeNull();

    // The demo's own finding, as the backend described it.
    expect(within(rows[1]!).getByTestId("impacted-name").textContent).toBe(real.displayName);
    expect(within(rows[1]!).getByTestId("impacted-evidence").textContent).toContain(
      `${real.evidence[0]!.label}: ${real.evidence[0]!.value}`,
    );
    expect(within(rows[1]!).getByTestId("impacted-owners").textContent).toContain(real.owners[0]!);
    const link = within(rows[1]!).getByTestId("portal-link") as HTMLAnchorElement;
    expect(link.getAttribute("href")).toBe(real.portalUrl);
    expect(link.getAttribute("href")).toMatch(/^https:\/\/entra\.microsoft\.com\//);
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noreferrer noopener");
    expect(link.textContent).toContain("Open in Entra");
  });

  it("says when an impacted resource has no owner", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    const detail = await select(user, "ownerlessApps");
    expect(within(within(detail).getAllByTestId("impacted-row")[0]!).getByTestId("impacted-owners").textContent).toBe("No owner");
  });

  it("marks Entra's synced recommendations with their source and Entra's own status", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    expect(within(rowOf("adalToMsalMigration")).getByTestId("rec-source").textContent).toBe("Entra (synced)");
    const detail = await select(user, "adalToMsalMigration");
    expect(within(detail).getByTestId("rec-entra").textContent).toMatch(/As reported by Microsoft Entra recommendations \(status in Entra: active/);
    expect(within(detail).getAllByTestId("impacted-row")).toHaveLength(2);
  });

  it("opens the impacted identity in the identities view", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    const detail = await select(user, "ownerlessApps");
    const first = within(detail).getAllByTestId("impacted-row")[0]!;
    const name = within(first).getByTestId("impacted-name").textContent;
    await user.click(within(first).getByTestId("impacted-name"));
    await screen.findByTestId("page-identities");
    await waitFor(() => expect(screen.getByTestId("detail-name").textContent).toBe(name));
  });

  it("dismisses a recommendation and shows the new status; reactivates it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    const detail = await select(user, "ownerlessApps");
    expect(within(detail).queryByTestId("rec-reactivate")).toBeNull();

    await user.click(within(detail).getByTestId("rec-dismiss"));
    await waitFor(() => expect(within(rowOf("ownerlessApps")).getByTestId("rec-status").textContent).toBe("Dismissed"));
    const [tenantId, type, change, settings] = backend.callsOf("setRecommendationStatus")[0] as [
      string,
      string,
      StatusChange,
      RecommendationSettings,
    ];
    // The thresholds go with it as the report named them.
    expect([tenantId, type, change, settings]).toEqual([T, "ownerlessApps", { action: "dismiss" }, defaults]);
    // Reloaded after the change; the dismissed one stays listed and no longer counts as active.
    expect(backend.callsOf("recommendations").length).toBe(2);
    expect(screen.getByTestId("rec-summary-low").textContent).toBe("6");
    expect(screen.getByTestId("rec-detail-status").textContent).toBe("Dismissed");
    expect(screen.queryByTestId("rec-dismiss")).toBeNull();

    // Hidden with the toggle, back when shown again.
    await user.click(screen.getByTestId("rec-show-closed"));
    expect(screen.getAllByTestId("rec-row").some((r) => r.getAttribute("data-type") === "ownerlessApps")).toBe(false);
    await user.click(screen.getByTestId("rec-show-closed"));
    expect(rowOf("ownerlessApps")).toBeTruthy();

    await user.click(screen.getByTestId("rec-reactivate"));
    await waitFor(() => expect(within(rowOf("ownerlessApps")).getByTestId("rec-status").textContent).toBe("Active"));
    expect(backend.callsOf("setRecommendationStatus")[1]![2]).toEqual({ action: "reactivate" });
  });

  it("postpones to the chosen date", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    const detail = await select(user, "staleAppCreds");

    await user.click(within(detail).getByTestId("rec-postpone-open"));
    const date = within(detail).getByTestId("rec-postpone-date") as HTMLInputElement;
    // Defaults to a month after the report's as-of date.
    expect(date.value).toBe("2025-07-01");
    fireEvent.change(date, { target: { value: "2025-08-15" } });
    await user.click(within(detail).getByTestId("rec-postpone"));

    await waitFor(() =>
      expect(backend.callsOf("setRecommendationStatus")).toEqual([
        [T, "staleAppCreds", { action: "postpone", until: "2025-08-15" }, defaults],
      ]),
    );
    const expected = `Postponed until ${new Date(Date.UTC(2025, 7, 15)).toLocaleDateString(undefined, { timeZone: "UTC" })}`;
    await waitFor(() => expect(within(rowOf("staleAppCreds")).getByTestId("rec-status").textContent).toBe(expected));
  });

  it("shows backend errors of a status change in the detail", async () => {
    const user = userEvent.setup();
    const { BackendError } = await import("../ipc/backend");
    const backend = createMockBackend({
      fail: { setRecommendationStatus: new BackendError("database", "The database is locked. Close other Steward windows and retry.") },
    });
    await openRecommendations(user, backend);
    const detail = await select(user, "ownerlessApps");
    await user.click(within(detail).getByTestId("rec-complete"));
    const bar = await within(detail).findByTestId("error-bar");
    expect(bar.textContent).toContain("The database is locked");
    expect(within(rowOf("ownerlessApps")).getByTestId("rec-status").textContent).toBe("Active");
  });

  it("keeps undetermined resources apart, with the reason", async () => {
    const user = userEvent.setup();
    // Without Graph's usage reports, 59 days of cached sign-ins cannot tell an unused app.
    const backend = createMockBackend({ cache: "sparse" });
    await openRecommendations(user, backend);
    // Nothing judged impacted: listed with the passed checks, which link to what could not be judged.
    expect(screen.getAllByTestId("rec-row").some((r) => r.getAttribute("data-type") === "staleApps")).toBe(false);
    await user.click(screen.getByRole("button", { name: /Checks with no findings/ }));
    const item = (await screen.findAllByTestId("rec-passed-item")).find((p) => p.getAttribute("data-type") === "staleApps")!;
    await user.click(within(item).getByRole("button", { name: "3 resources not judged: not enough history" }));
    const detail = await screen.findByTestId("rec-detail");
    await waitFor(() => expect(within(detail).getByTestId("rec-detail-name").textContent).toBe("Remove unused applications"));

    const bar = within(detail).getByTestId("rec-undetermined");
    expect(bar.textContent).toContain("3 resources could not be judged");
    expect(bar.textContent).toContain("A verdict needs 90 days");
    expect(within(detail).queryAllByTestId("impacted-row")).toHaveLength(0);
    expect(within(detail).queryAllByTestId("undetermined-row")).toHaveLength(0);
    await user.click(within(detail).getByTestId("rec-undetermined-toggle"));
    expect(within(detail).getAllByTestId("undetermined-row")).toHaveLength(3);

    // A recommendation with all its resources judged shows no such message.
    const other = await select(user, "ownerlessApps");
    expect(within(other).queryByTestId("rec-undetermined")).toBeNull();
  });

  it("keeps a check that lacks its data apart from the passed ones, saying what to sync", async () => {
    const user = userEvent.setup();
    const why = "Not determined: oauth2PermissionGrants was never synced or imported. Sync the tenant …";
    const backend = editing(createMockBackend(), (r) => {
      if (r.type === "highRiskDelegatedGrant") {
        r.impacted = [];
        r.impactedTotal = 0;
        r.missingData = why;
      }
    });
    await openRecommendations(user, backend);
    expect(screen.getAllByTestId("rec-row").some((r) => r.getAttribute("data-type") === "highRiskDelegatedGrant")).toBe(false);
    await user.click(screen.getByRole("button", { name: /Checks with no findings/ }));
    const passed = await screen.findAllByTestId("rec-passed-item");
    expect(passed.some((p) => p.getAttribute("data-type") === "highRiskDelegatedGrant")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Checks not determined (1)" }));
    const item = await screen.findByTestId("rec-not-determined-item");
    expect(item.textContent).toContain(why);
    await user.click(within(item).getByRole("button", { name: "Review high-risk delegated permissions granted for all users" }));
    const detail = await screen.findByTestId("rec-detail");
    const bar = await within(detail).findByTestId("rec-missing-data");
    expect(bar.textContent).toContain("Not determined");
    expect(bar.textContent).toContain("oauth2PermissionGrants was never synced");
  });

  it("names the checks of other assessment tools a recommendation answers", async () => {
    const user = userEvent.setup();
    await openRecommendations(user, createMockBackend());
    const detail = await select(user, "tier0Holder");
    expect(within(detail).getByTestId("rec-peer-checks").textContent).toContain("ZTA 21836, MT.1050");
    const other = await select(user, "multipleActiveSecrets");
    expect(within(other).queryByTestId("rec-peer-checks")).toBeNull();
  });

  it("shows a tenant-wide check's one resource as the policy, with its page in Entra", async () => {
    const user = userEvent.setup();
    await openRecommendations(user, createMockBackend());
    const detail = await select(user, "userConsentAllowed");
    const rows = within(detail).getAllByTestId("impacted-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain("Tenant policy");
    expect(rows[0]!.textContent).toContain("microsoft-user-default-legacy");
    expect(within(rows[0]!).getByTestId("portal-link").getAttribute("href")).toContain("ConsentPoliciesMenuBlade");
    // The default app management policy has no page of its own in the admin center.
    const weak = await select(user, "appManagementPolicyWeak");
    expect(within(weak).queryByTestId("portal-link")).toBeNull();
  });

  it("says when only part of the impacted resources came back, and lists all those that did", async () => {
    const user = userEvent.setup();
    // The window gets at most 500 impacted resources of a recommendation; the total stays exact.
    const backend = editing(createMockBackend(), (r) => {
      if (r.type === "staleAppCreds") r.impacted = r.impacted.slice(0, 3);
    });
    await openRecommendations(user, backend);
    const detail = await select(user, "staleAppCreds");
    expect(within(detail).getByTestId("impacted-truncated").textContent).toBe("Showing 3 of 8; export the report for all.");
    expect(within(detail).getAllByTestId("impacted-row")).toHaveLength(3);
  });

  it("states a closed finding's status in a badge and draws its row at full contrast, not dimmed", async () => {
    const user = userEvent.setup();
    const removeStyles = await addAppStyles();
    try {
      const backend = editing(createMockBackend(), (r) => {
        if (r.type === "ownerlessApps") r.status = "dismissed";
        if (r.type === "staleAppCreds") r.status = "completed";
      });
      await openRecommendations(user, backend);
      for (const [type, status] of [
        ["ownerlessApps", "Dismissed"],
        ["staleAppCreds", "Completed"],
      ] as const) {
        const row = rowOf(type);
        expect(row.className).toContain("rec-row-closed");
        const badge = within(row).getByTestId("rec-closed-badge");
        expect(badge.textContent).toBe(status);
        expect(getComputedStyle(badge).fontStyle).toBe("italic");
        expect(within(row).getByTestId("rec-status").textContent).toBe(status);
        // The row and its link, name and badges keep their full contrast.
        expect(fullyOpaque(row)).toBe(true);
      }
      // Open findings state their status as text, without the closed badge.
      expect(within(rowOf("longLivedSecrets")).queryByTestId("rec-closed-badge")).toBeNull();
    } finally {
      removeStyles();
    }
  });

  it("returns the focus to the finding's link when its detail closes, by the close button or Escape", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    const link = () => within(rowOf("ownerlessApps")).getByTestId("rec-name");

    await select(user, "ownerlessApps");
    await user.click(screen.getByTestId("rec-detail-close"));
    expect(screen.queryByTestId("rec-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(link()));

    // Escape closes the pane when the focus is in it.
    link().focus();
    await user.keyboard("{Enter}");
    const detail = await screen.findByTestId("rec-detail");
    within(detail).getByTestId("rec-dismiss").focus();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("rec-detail")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(link()));
  });

  it("scrolls the impacted resources in a focusable, labelled region", async () => {
    const user = userEvent.setup();
    await openRecommendations(user, createMockBackend());
    const detail = await select(user, "staleAppCreds");
    const region = within(detail).getByRole("region", { name: "Impacted resources" });
    expect(region.tabIndex).toBe(0);
    expect(within(region).getByRole("table", { name: "Impacted resources" })).toBeTruthy();
  });

  it("recomputes with new lifetime thresholds", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    await openRecommendations(user, backend);
    expect(within(rowOf("longLivedSecrets")).getByTestId("rec-impacted-count").textContent).toBe("9");

    await user.click(screen.getByTestId("rec-thresholds"));
    const secret = await screen.findByTestId("rec-secret-max");
    // The form starts from the thresholds the report applied.
    expect((secret as HTMLInputElement).value).toBe(String(defaults.secretMaxDays));
    await user.clear(secret);
    await user.type(secret, "400");
    await user.click(screen.getByTestId("rec-thresholds-apply"));

    await waitFor(() =>
      expect(backend.callsOf("recommendations").at(-1)).toEqual([T, { ...defaults, secretMaxDays: 400 }]),
    );
    // Three of the secrets live a year: no longer more than the limit.
    await waitFor(() => expect(within(rowOf("longLivedSecrets")).getByTestId("rec-impacted-count").textContent).toBe("6"));
  });
});
