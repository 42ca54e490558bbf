// In-memory Backend for unit tests (and for running the UI without Tauri if ever needed).
import {
  BackendError,
  type AdminSignInArgs,
  type AdminSignInProgress,
  type AppInfo,
  type Backend,
  type ConnectArgs,
  type ConnectionStatus,
  type CredentialView,
  type Dashboard,
  type DashboardChart,
  type DatasetStatus,
  type DetectionRow,
  type Evidence,
  type ExportResult,
  type Format,
  type HistoryRow,
  type IdentityDetail,
  type IdentityKind,
  type IdentityPage,
  type IdentityQuery,
  type IdentityRow,
  type ImpactedResource,
  type ImportedDataset,
  type ImportResult,
  type Kpi,
  type LevelCount,
  type LicenseBucket,
  type LicenseEstimate,
  type LicensePlan,
  type Licensing,
  type Overview,
  type Ownership,
  type PlanSettings,
  type ProgressState,
  type Recommendation,
  type RecommendationReport,
  type RecommendationSettings,
  type RecommendationStatus,
  type ReportArgs,
  type ReportInfo,
  type ReportKind,
  type ReportPreview,
  type ReviewCandidate,
  type RiskAction,
  type RiskLevel,
  type RiskReport,
  type RiskSettings,
  type RiskSignal,
  type RiskyIdentity,
  type ScenarioResult,
  type ScopeFlags,
  type ScopeReason,
  type SecretStatus,
  type SignalKind,
  type SignalState,
  type SignInField,
  type SignInFilter,
  type SignInRow,
  type StatusChange,
  type Subscription,
  type SyncedDataset,
  type SyncOutcome,
  type SyncProgress,
  type TenantSummary,
} from "../ipc/backend";
import { KIND_KEYS, KIND_LABELS, OWNERSHIP_KEYS, OWNERSHIP_LABELS } from "../format";

export const HOSTILE_NAME = "<img src=x onerror=alert(1)>";

export type MockCall = { method: keyof Backend; args: unknown[] };

export type MockBackendOptions = {
  tenants?: TenantSummary[];
  activeTenantId?: string | null;
  /** Rows per tenant id; defaults to `makeRows(rowCount)` for every tenant. */
  rows?: Record<string, IdentityRow[]>;
  rowCount?: number;
  details?: Record<string, Partial<IdentityDetail>>;
  /** Make a method fail with this error. */
  fail?: Partial<Record<keyof Backend, BackendError>>;
  /** Replaces the generated recommendations (statuses are still applied on top). */
  recommendations?: (rows: IdentityRow[], settings: RecommendationSettings) => Recommendation[];
  /** Tweaks of the licensing estimate. */
  licensing?: MockLicensingOptions;
  /** Tweaks of the risk report. */
  risk?: MockRiskOptions;
  /** Tweaks of the report exports. */
  reports?: MockReportOptions;
  /** Tweaks of the Graph JSON import. */
  imports?: MockImportOptions;
  /** Tweaks of the Graph sync (Connections page). */
  sync?: MockSyncOptions;
};

export type MockSyncOptions = {
  /** Keep each sync running (at `MOCK_SYNC_PROGRESS`) until `cancelSync` stops it with kind `cancelled`. */
  hold?: boolean;
  /** The organization's name for a tenant not in the cache. Defaults to `MOCK_SYNC_TENANT_NAME`. */
  tenantName?: string;
  /**
   * Simulate a machine without an OS secret store (a server without a Secret Service): nothing can be kept,
   * `secretStatus` answers `available: false` with `MOCK_NO_SECRET_STORE_DETAIL`, and a sync asked to remember
   * its secret says it was not stored.
   */
  noSecretStore?: boolean;
  /**
   * Keep each admin sign-in waiting (its progress showing) until the test calls `finishAdminSignIn`;
   * otherwise it completes after `MOCK_ADMIN_SIGN_IN_DELAY_MS`, as if the admin signed in at once.
   */
  holdAdminSignIn?: boolean;
};

export type MockImportOptions = {
  /** What the file dialog returns; `null`: the user cancelled it. Defaults to `MOCK_IMPORT_FILES`. */
  files?: string[] | null;
  /** What the folder dialog returns; `null`: the user cancelled it. Defaults to `[MOCK_IMPORT_FOLDER]`. */
  folder?: string | null;
  /** The tenant named by the organization responses (files named `organization…`). Defaults to `MOCK_IMPORT_TENANT`. */
  organization?: TenantSummary;
};

export type MockReportOptions = {
  /** What the save dialog returns; `null`: the user cancelled it. Defaults to a path named after the report. */
  savePath?: string | null;
  /** Keep each export running (at `MOCK_EXPORT_PROGRESS`) until `cancelExport` stops it. */
  holdExport?: boolean;
};

export type MockRiskOptions = {
  /** Whether Identity Protection's data was synced (default true). */
  identityProtection?: boolean;
  /** Whether named locations are cached (default false: that signal is listed as unavailable). */
  namedLocations?: boolean;
};

export type MockLicensingOptions = {
  /** `null`: not enough history to tell unused identities apart. */
  unusedBillable?: number | null;
  subscriptions?: Subscription[];
  skusSynced?: boolean;
  /** Managed identities with privileged roles; defaults to three, the first one reviewed. */
  reviewCandidates?: ReviewCandidate[];
  conditionalAccess?: number | null;
};

export type MockBackend = Backend & {
  calls: MockCall[];
  callsOf: (m: keyof Backend) => unknown[][];
  /**
   * Ends the admin sign-in that waits (with `sync.holdAdminSignIn`): signed in, or failed with `error`.
   * Returns whether one was waiting.
   */
  finishAdminSignIn: (error?: BackendError) => boolean;
};

export function makeTenant(id: string, displayName: string, overrides: Partial<TenantSummary> = {}): TenantSummary {
  return {
    id,
    displayName,
    defaultDomain: `${id}.onmicrosoft.com`,
    isDemo: false,
    dataAsOf: "2025-06-01T12:00:00Z",
    servicePrincipalCount: 0,
    ...overrides,
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
export const guid = (n: number, prefix = 0) => `${hex(prefix, 8)}-0000-4000-8000-${hex(n, 12)}`;

export function makeRow(i: number, overrides: Partial<IdentityRow> = {}): IdentityRow {
  const kind: IdentityKind = KIND_KEYS[i % KIND_KEYS.length] ?? "application";
  const ownership: Ownership = OWNERSHIP_KEYS[i % OWNERSHIP_KEYS.length] ?? "ownSingleTenant";
  return {
    id: guid(i, 1),
    appId: guid(i, 2),
    displayName: `App ${String(i).padStart(6, "0")}`,
    kind,
    servicePrincipalType: kind.startsWith("managedIdentity") ? "ManagedIdentity" : "Application",
    ownership,
    accountEnabled: i % 7 !== 0,
    secretCount: i % 3,
    certificateCount: i % 2,
    federatedCount: i % 5 === 0 ? 1 : 0,
    lastSignIn: i % 4 === 0 ? null : "2025-05-30T08:15:00Z",
    ...overrides,
  };
}

export function makeRows(count: number): IdentityRow[] {
  return Array.from({ length: count }, (_, i) => makeRow(i));
}

function sortRows(rows: IdentityRow[]): IdentityRow[] {
  return [...rows].sort((a, b) =>
    a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

function credentialsFor(row: IdentityRow): CredentialView[] {
  const creds: CredentialView[] = [];
  for (let s = 0; s < row.secretCount; s++) {
    creds.push({
      source: "application",
      credentialType: "secret",
      keyId: `${row.id.slice(0, 8)}-secret-${s}`,
      displayName: `Secret ${s}`,
      hint: "abc",
      thumbprint: null,
      startDateTime: "2025-01-01T00:00:00Z",
      endDateTime: s === 0 ? "2025-06-10T00:00:00Z" : "2024-12-01T00:00:00Z",
      status: s === 0 ? "expiringSoon" : "expired",
      daysLeft: s === 0 ? 9 : -182,
    });
  }
  for (let c = 0; c < row.certificateCount; c++) {
    creds.push({
      source: "servicePrincipal",
      credentialType: "certificate",
      keyId: `${row.id.slice(0, 8)}-cert-${c}`,
      displayName: `CN=${row.displayName}`,
      hint: null,
      thumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344",
      startDateTime: "2025-01-01T00:00:00Z",
      endDateTime: "2026-01-01T00:00:00Z",
      status: "valid",
      daysLeft: 214,
    });
  }
  return creds;
}

export function makeDetail(row: IdentityRow, overrides: Partial<IdentityDetail> = {}): IdentityDetail {
  return {
    row,
    appDisplayName: row.displayName,
    appOwnerOrganizationId: "11111111-2222-3333-4444-555555555555",
    signInAudience: "AzureADMyOrg",
    createdDateTime: "2024-03-01T10:00:00Z",
    deletedDateTime: null,
    tags: ["WindowsAzureActiveDirectoryIntegratedApp", row.displayName],
    alternativeNames: [],
    application: null,
    owners: [{ id: guid(9, 3), displayName: row.displayName, type: "user" }],
    credentials: credentialsFor(row),
    federatedCredentials: Array.from({ length: row.federatedCount }, (_, i) => ({
      id: `fic-${i}`,
      name: `github-${i}`,
      issuer: "https://token.actions.githubusercontent.com",
      subject: "repo:contoso/app:ref:refs/heads/main",
      audiences: ["api://AzureADTokenExchange"],
      description: row.displayName,
    })),
    appRoleAssignments: [
      { resourceDisplayName: "Microsoft Graph", permission: "Directory.ReadWrite.All", createdDateTime: null, highRisk: true },
    ],
    directoryRoles: [
      { roleName: "Global Reader", roleTemplateId: "f2ef992c", privileged: false, assignmentType: "active" },
    ],
    delegatedGrants: [
      { resourceDisplayName: "Microsoft Graph", consentType: "AllPrincipals", principalId: null, scopes: ["User.Read", "Mail.Read"] },
    ],
    changes: [
      {
        at: "2025-05-20T09:12:00Z",
        activity: "Update application – Certificates and secrets management",
        target: "application",
        initiatedBy: "adele.vance@contoso-demo.onmicrosoft.com",
        result: "success",
        details: [`Added secret “${row.displayName}” (key 0b6f1c2d…)`],
      },
    ],
    recentSignIns: [
      {
        id: "s1",
        createdDateTime: "2025-05-30T08:15:00Z",
        resourceDisplayName: "Microsoft Graph",
        ipAddress: "203.0.113.7",
        country: "NL",
        city: "Amsterdam",
        errorCode: 0,
        failureReason: null,
        clientCredentialType: "clientSecret",
        credentialKeyId: null,
        conditionalAccessStatus: "notApplied",
      },
      {
        id: "s2",
        createdDateTime: "2025-05-29T08:15:00Z",
        resourceDisplayName: row.displayName,
        ipAddress: null,
        country: null,
        city: null,
        errorCode: 7000215,
        failureReason: "Invalid client secret provided.",
        clientCredentialType: "clientSecret",
        credentialKeyId: null,
        conditionalAccessStatus: "notApplied",
      },
    ],
    asOf: "2025-06-01T12:00:00Z",
    ...overrides,
  };
}

export const MOCK_AS_OF = "2025-06-01T12:00:00Z";

// ---------------------------------------------------------------------------------------------
// Recommendations

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = { secretMaxDays: 180, certificateMaxDays: 365 };

const appPortalUrl = (appId: string) =>
  `https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${appId}`;
const spPortalUrl = (id: string, appId: string) =>
  `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/${id}/appId/${appId}`;

/** One impacted resource standing for `row` (its service principal, or its application). */
export function makeImpacted(
  row: IdentityRow,
  overrides: Partial<ImpactedResource> = {},
  resourceType: "application" | "servicePrincipal" = "application",
): ImpactedResource {
  return {
    id: resourceType === "application" ? guid(Number.parseInt(row.id.slice(-12), 16), 4) : row.id,
    resourceType,
    displayName: row.displayName,
    appId: row.appId,
    servicePrincipalId: row.id,
    credentialKeyId: null,
    evidence: [],
    owners: ["Alex Wilber", "Megan Bowen"],
    portalUrl: resourceType === "application" ? appPortalUrl(row.appId) : spPortalUrl(row.id, row.appId),
    ...overrides,
  };
}

type RecSeed = Omit<Recommendation, "status" | "postponeUntil" | "impactedTotal" | "undeterminedTotal"> & {
  impactedTotal?: number;
};

function rec(seed: RecSeed): Recommendation {
  return {
    status: "active",
    postponeUntil: null,
    ...seed,
    impactedTotal: seed.impactedTotal ?? seed.impacted.length,
    undeterminedTotal: seed.undetermined.length,
  };
}

/**
 * Recommendations over `rows`, deliberately not in display order: high, medium and low of both
 * sources; one with undetermined resources (not enough history); one capped at 500 of 612; one
 * whose findings depend on the secret threshold; and passed checks (no impacted resources).
 * One impacted resource carries the hostile name in its name, an owner and its evidence.
 */
export function makeRecommendations(rows: IdentityRow[], settings: RecommendationSettings): Recommendation[] {
  const at = (i: number): IdentityRow => rows.length > 0 ? rows[i % rows.length]! : makeRow(900_000 + i);
  const secretLifetimes = [730, 365, 200];
  const certificateLifetimes = [365];
  return [
    rec({
      type: "ownerlessApps",
      source: "steward",
      displayName: "Assign owners to applications",
      priority: "low",
      rationale: "An app registration has no owner, so nobody is accountable for its credentials, permissions and lifecycle.",
      actionSteps: ["Add at least two owners (Owners blade of the app registration)."],
      impacted: [10, 11, 12, 13].map((i) =>
        makeImpacted(at(i), { owners: [], evidence: [{ label: "Owners", value: "none" }, { label: "Created", value: "2024-03-01 (457 days ago)" }] }),
      ),
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "staleApps",
      source: "entraRule",
      displayName: "Remove unused applications",
      priority: "medium",
      rationale:
        "No successful sign-in as a client and no token issued for it as a resource for more than 90 days, and created more than 90 days ago.",
      actionSteps: [
        "Confirm with the owners that nothing depends on the app.",
        "Disable its service principal and wait a few weeks.",
        "Delete the app registration; it stays restorable for 30 days.",
      ],
      impacted: [20, 21].map((i) =>
        makeImpacted(at(i), {
          evidence: [
            { label: "Created", value: "2023-11-02 (577 days ago)" },
            { label: "Last successful sign-in (cached log)", value: "none since 2025-01-15" },
          ],
        }),
      ),
      undetermined: [22, 23, 24].map((i) =>
        makeImpacted(at(i), {
          owners: ["Lee Gu"],
          evidence: [{ label: "Last successful sign-in (cached log)", value: "none since 2025-04-02" }],
        }),
      ),
      undeterminedReason:
        "The cache holds sign-ins from 2025-04-02 only (60 days); 90 days are needed to call an app unused. Sync again later or import Graph's usage reports.",
      entra: null,
    }),
    rec({
      type: "adalToMsalMigration",
      source: "entraSynced",
      displayName: "Migrate from ADAL to MSAL",
      priority: "medium",
      rationale: "Applications in your tenant requested tokens through ADAL in the past 30 days.",
      actionSteps: ["Move the applications to the Microsoft Authentication Library (MSAL)."],
      impacted: [
        makeImpacted(at(30), {
          evidence: [{ label: "Library", value: "ADAL.Net" }],
        }),
      ],
      undetermined: [],
      undeterminedReason: null,
      entra: { status: "active", impactedTotal: 1, lastChecked: "2025-06-01T08:00:00Z" },
    }),
    rec({
      type: "privilegedWithSecret",
      source: "steward",
      displayName: "Use certificates or federation for privileged identities",
      priority: "high",
      rationale:
        "An identity holding a privileged directory role or a high-risk Microsoft Graph permission signs in with a client secret.",
      actionSteps: ["Add a certificate or a federated credential to the app.", "Move the workload to it, then remove the secrets."],
      impacted: [
        makeImpacted(
          at(30),
          {
            displayName: HOSTILE_NAME,
            owners: [HOSTILE_NAME],
            credentialKeyId: "5d1c7a9e-0000-4000-8000-00000000a001",
            evidence: [
              { label: "Holds", value: "Directory.ReadWrite.All (Microsoft Graph)" },
              { label: "Valid secrets", value: `${HOSTILE_NAME} until 2026-01-01` },
            ],
            // Not the Entra admin center: must never become a link.
            portalUrl: "javascript:alert(1)",
          },
          "servicePrincipal",
        ),
        makeImpacted(at(31), {
          owners: [],
          credentialKeyId: "5d1c7a9e-0000-4000-8000-00000000a002",
          evidence: [
            { label: "Holds", value: "Application Administrator (directory role)" },
            { label: "Valid secrets", value: "Deploy key until 2025-12-31" },
          ],
        }),
      ],
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "applicationCredentialExpiry",
      source: "entraRule",
      displayName: "Renew expiring application credentials",
      priority: "high",
      rationale:
        "A secret or certificate on an app registration expires within 30 days; when it lapses, the app can no longer get tokens.",
      actionSteps: [
        "Open the app registration and add a new certificate (preferred) or secret.",
        "Roll the new credential out to every workload that uses the app.",
        "Remove the expiring credential.",
      ],
      impacted: [40, 41, 42].map((i, k) =>
        makeImpacted(at(i), {
          credentialKeyId: `0e4f2b7c-0000-4000-8000-0000000000${40 + k}`,
          evidence: [
            { label: "Expires", value: `2025-06-${String(10 + k).padStart(2, "0")} (in ${9 + k} days)` },
            { label: "Threshold", value: "within 30 days" },
          ],
        }),
      ),
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "longLivedSecrets",
      source: "steward",
      displayName: "Shorten long-lived client secrets",
      priority: "medium",
      rationale: `A valid client secret's lifetime is more than ${settings.secretMaxDays} days.`,
      actionSteps: ["Replace the secret with a certificate or a federated credential.", "Enforce a maximum lifetime with an app management policy."],
      impacted: secretLifetimes
        .filter((days) => days > settings.secretMaxDays)
        .map((days, k) =>
          makeImpacted(at(50 + k), {
            credentialKeyId: `7a3b0c1d-0000-4000-8000-0000000000${50 + k}`,
            evidence: [
              { label: "Lifetime", value: `${days} days` },
              { label: "Limit", value: `${settings.secretMaxDays} days` },
            ],
          }),
        ),
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "staleAppCreds",
      source: "entraRule",
      displayName: "Remove unused credentials from applications",
      priority: "medium",
      rationale: "A valid credential has not been used to sign in for more than 90 days.",
      actionSteps: ["Check with the owners that no workload still holds the credential.", "Remove it from Certificates & secrets."],
      impactedTotal: 612,
      impacted: Array.from({ length: 500 }, (_, k) =>
        makeImpacted(makeRow(100_000 + k, { displayName: `Batch job ${String(k).padStart(3, "0")}` }), {
          credentialKeyId: guid(k, 5),
          evidence: [{ label: "Last sign-in with it", value: "2024-12-01 (182 days ago)" }],
        }),
      ),
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "longLivedCertificates",
      source: "steward",
      displayName: "Shorten long-lived certificates",
      priority: "low",
      rationale: `A valid certificate's lifetime is more than ${settings.certificateMaxDays} days.`,
      actionSteps: ["Issue a certificate of shorter life and automate its rotation."],
      impacted: certificateLifetimes
        .filter((days) => days > settings.certificateMaxDays)
        .map((days, k) =>
          makeImpacted(at(60 + k), { evidence: [{ label: "Lifetime", value: `${days} days` }] }),
        ),
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "credentialOnMicrosoftApp",
      source: "steward",
      displayName: "Investigate credentials on Microsoft first-party service principals",
      priority: "high",
      rationale: "Microsoft's own applications never need a credential added in your tenant.",
      actionSteps: ["Find who added the credential.", "If nobody can account for it, remove it and follow your incident process."],
      impacted: [],
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
    rec({
      type: "agentWithoutSponsor",
      source: "steward",
      displayName: "Assign sponsors to agent identities",
      priority: "medium",
      rationale: "An agent identity has no sponsor.",
      actionSteps: ["Add a sponsor to the agent identity."],
      impacted: [],
      undetermined: [],
      undeterminedReason: null,
      entra: null,
    }),
  ];
}

type RecState = { status: RecommendationStatus; postponeUntil: string | null };

function applyState(r: Recommendation, state: RecState | undefined): Recommendation {
  if (!state) return r;
  if (state.status === "postponed") {
    // A postponement lapses on its date.
    if (!state.postponeUntil || state.postponeUntil <= MOCK_AS_OF) return r;
    return { ...r, status: "postponed", postponeUntil: state.postponeUntil };
  }
  return { ...r, status: state.status, postponeUntil: null };
}

// ---------------------------------------------------------------------------------------------
// Licensing

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  price: 3,
  currency: "USD",
  trialStart: null,
  growthPct: 0,
  scenarios: [
    { name: "Full coverage today", basis: "fullCoverage", adjustment: 0 },
    { name: "After removing unused identities", basis: "withoutUnused", adjustment: 0 },
    { name: "Feature-scoped", basis: "featureScoped", adjustment: 0 },
  ],
};

const BUCKET_RULES: Array<Omit<LicenseBucket, "total" | "disabled" | "billable">> = [
  { key: "ownTenant", label: "Own-tenant applications", rule: "Service principals of apps registered in this tenant. Counted.", counted: true, uncertain: false },
  { key: "thirdParty", label: "Third-party and multitenant applications", rule: "Service principals of other organisations' apps. Counted.", counted: true, uncertain: false },
  { key: "legacy", label: "Legacy service principals", rule: "servicePrincipalType Legacy; the FAQ does not address them: counted, flagged uncertain.", counted: true, uncertain: true },
  { key: "managedIdentitiesReviewed", label: "Managed identities in access reviews", rule: "Managed identities are licensed only when in scope of access reviews. Counted.", counted: true, uncertain: false },
  { key: "managedIdentities", label: "Managed identities (not reviewed)", rule: "Not eligible for conditional access or ID Protection: not counted.", counted: false, uncertain: false },
  { key: "microsoft", label: "Microsoft first-party applications", rule: "Microsoft apps are not eligible for premium features: not counted.", counted: false, uncertain: false },
  { key: "agentIdentities", label: "Agent identities", rule: "A separate preview product: shown apart, not counted.", counted: false, uncertain: false },
  { key: "socialIdp", label: "Social identity providers and other internal service principals", rule: "For internal use: not counted.", counted: false, uncertain: false },
];

/** Bucket totals and disabled counts of the mock tenant; managed identities split by review. */
export const MOCK_BUCKETS: Record<string, { total: number; disabled: number }> = {
  ownTenant: { total: 64, disabled: 5 },
  thirdParty: { total: 38, disabled: 2 },
  legacy: { total: 4, disabled: 1 },
  managedIdentities: { total: 30, disabled: 3 },
  microsoft: { total: 210, disabled: 12 },
  agentIdentities: { total: 3, disabled: 0 },
  socialIdp: { total: 2, disabled: 0 },
};

export const MOCK_UNUSED_BILLABLE = 12;

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function validatePlan(s: PlanSettings) {
  if (!Number.isFinite(s.price) || s.price < 0 || s.price > 1_000_000)
    throw new BackendError("invalidInput", "the price per identity must be a number from 0 to 1,000,000");
  if (!Number.isFinite(s.growthPct) || s.growthPct < -100 || s.growthPct > 1000)
    throw new BackendError("invalidInput", "the growth rate must be a percentage per year from -100 to 1000");
  if (s.currency.trim() === "" || [...s.currency].length > 12)
    throw new BackendError("invalidInput", "the currency label must be 1 to 12 characters, e.g. USD");
  if (s.trialStart !== null && !/^\d{4}-\d{2}-\d{2}$/.test(s.trialStart))
    throw new BackendError("invalidInput", `trial start: \`${s.trialStart}\` is not a date (YYYY-MM-DD)`);
  if (s.scenarios.length > 20) throw new BackendError("invalidInput", "keep at most 20 scenarios");
  for (const sc of s.scenarios) {
    if (sc.name.trim() === "" || [...sc.name].length > 80)
      throw new BackendError("invalidInput", "every scenario needs a name of 1 to 80 characters");
  }
}

/** The planner, simplified: monthly = identities × price; growth compounds monthly; no trial discount. */
export function mockPlan(estimate: LicenseEstimate, settings: PlanSettings): LicensePlan {
  validatePlan(settings);
  const monthlyGrowth = Math.pow(Math.max(0, 1 + settings.growthPct / 100), 1 / 12);
  const results = settings.scenarios.map((s): ScenarioResult => {
    let base: number | null;
    let note: string | null = null;
    if (s.basis === "fullCoverage") base = estimate.billableIdentities;
    else if (s.basis === "featureScoped") {
      base = estimate.featureScope.total;
      if (estimate.featureScope.conditionalAccess === null)
        note = "Conditional access targets are not cached yet; only reviewed managed identities and picked identities are counted.";
    } else if (estimate.unusedBillable === null) {
      base = null;
      note = estimate.unusedExplanation;
    } else base = estimate.billableIdentities - estimate.unusedBillable;
    if (base === null)
      return { ...s, identities: null, monthlyCost: null, annualCost: null, horizons: [], note };
    const identities = Math.max(0, base + s.adjustment);
    const horizons = [];
    let total = 0;
    let firstYear = 0;
    for (let m = 0; m < 36; m++) {
      const count = Math.ceil(identities * Math.pow(monthlyGrowth, m) - 1e-9);
      total += count * settings.price;
      if (m < 12) firstYear += count * settings.price;
      if (m + 1 === 12 || m + 1 === 24 || m + 1 === 36)
        horizons.push({ months: m + 1, total: round2(total), identitiesAtEnd: count });
    }
    return {
      ...s,
      identities,
      monthlyCost: round2(identities * settings.price),
      annualCost: round2(firstYear),
      horizons,
      note,
    };
  });
  const trialEnd = settings.trialStart
    ? new Date(Date.parse(`${settings.trialStart}T00:00:00Z`) + 90 * 86_400_000).toISOString()
    : null;
  return { settings: structuredClone(settings), trialEnd, results };
}

function defaultReviewCandidates(rows: IdentityRow[]): ReviewCandidate[] {
  const mis = rows.filter((r) => r.kind === "managedIdentitySystem" || r.kind === "managedIdentityUser").slice(0, 3);
  const roles = [["Global Administrator"], ["Privileged Role Administrator", "User Administrator"], ["Application Administrator"]];
  const picked = mis.length > 0 ? mis : [makeRow(800_001, { kind: "managedIdentityUser" }), makeRow(800_002, { kind: "managedIdentitySystem" })];
  return picked.map((r, i) => ({ id: r.id, displayName: r.displayName, kind: r.kind, roles: roles[i % roles.length]!, reviewed: i === 0 }));
}

// ---------------------------------------------------------------------------------------------
// Risk

export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  windowDays: 7,
  baselineMinDays: 2,
  baselineMaxDays: 60,
  baselineMinSignIns: 10,
  burstThreshold: 10,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The instant `days` before the mock's as-of (fractions allowed), RFC 3339. */
export function mockAgo(days: number): string {
  return new Date(Date.parse(MOCK_AS_OF) - Math.round(days * DAY_MS)).toISOString();
}

/** The service principal of the hostile-named identity behind one local signal. */
export const HOSTILE_SP_ID = guid(777_777, 1);

/** A key id no cached credential holds (the high-level "new key ID" signal). */
export const UNKNOWN_KEY_ID = "9f1c2d3e-0000-4000-8000-0000000000aa";

const RATIONALES: Record<SignalKind, string> = {
  newCountry:
    "Workload identities run from fixed places. A country the identity never signed in from before is how a stolen credential shows when it is used elsewhere.",
  newIpRange:
    "A new network range (IPv4 /24, IPv6 /48) can be a new deployment, or the credential used from somewhere it should not be. Compare with recent deployments.",
  newResource:
    "An identity that suddenly asks for tokens to an API it never called may be probing with a stolen credential. Check whether a release added the call.",
  newCredentialType: "Switching, say, from a certificate to a client secret is unusual and is one of the properties Identity Protection baselines.",
  newKeyId:
    "A credential the identity had not used before came into use. After a planned rotation this is expected; a key Steward does not hold in the cache is not.",
  invalidCredentialBurst:
    "Many sign-ins with a wrong or expired secret in a short time (AADSTS7000215, AADSTS7000222) come from password spraying, or from a service still using a removed secret.",
  outsideNamedLocations:
    "The sign-in address lies in none of the tenant's named locations (IP ranges or countries), so a location-based conditional access policy would treat it as untrusted.",
};

const TITLES: Record<SignalKind, string> = {
  newCountry: "Sign-ins from a new country",
  newIpRange: "Sign-ins from a new IP range",
  newResource: "Tokens for a new resource",
  newCredentialType: "A new kind of credential",
  newKeyId: "A credential not used before",
  invalidCredentialBurst: "Burst of invalid-credential failures",
  outsideNamedLocations: "Sign-ins outside all named locations",
};

type SignalSeed = {
  kind: SignalKind;
  level: RiskLevel;
  row: { id: string; displayName: string; kind: IdentityKind | null };
  value: string;
  daysAgo: number;
  /** How long it went on, in days. */
  lastedDays?: number;
  count: number;
  field: SignInField;
  values?: string[];
  evidence?: Evidence[];
};

function baselineEvidence(daysAgo: number): Evidence {
  return { label: "Baseline", value: `412 sign-ins over 60 days before (${mockAgo(daysAgo + 60).slice(0, 10)} to ${mockAgo(daysAgo).slice(0, 10)}); needs at least 10 over 2 days` };
}

function signal(seed: SignalSeed): RiskSignal {
  const detectedAt = mockAgo(seed.daysAgo);
  const lastSeen = mockAgo(Math.max(0, seed.daysAgo - (seed.lastedDays ?? seed.daysAgo / 2)));
  const novelty = seed.kind !== "invalidCredentialBurst" && seed.kind !== "outsideNamedLocations";
  const evidence = novelty
    ? [
        { label: "First seen", value: detectedAt },
        { label: "Sign-ins since", value: String(seed.count) },
        ...(seed.evidence ?? []),
        baselineEvidence(seed.daysAgo),
      ]
    : (seed.evidence ?? []);
  return {
    id: `${seed.kind}:${seed.row.id}:${seed.value}`,
    kind: seed.kind,
    title: TITLES[seed.kind],
    rationale: RATIONALES[seed.kind],
    level: seed.level,
    spId: seed.row.id,
    displayName: seed.row.displayName,
    identityKind: seed.row.kind,
    value: seed.value,
    detectedAt,
    lastSeen,
    signInCount: seed.count,
    evidence,
    state: "active",
    stateAt: null,
    signIns: {
      spId: seed.row.id,
      from: detectedAt,
      to: seed.kind === "invalidCredentialBurst" ? lastSeen : MOCK_AS_OF,
      field: seed.field,
      values: seed.values ?? [seed.value],
    },
  };
}

/**
 * Steward's local signals over `rows`, unfiltered by window (first seen 1.5 to 25 days before
 * the as-of): high, medium and low; two on one identity (which Identity Protection also
 * reports); one burst of 240 failures (more than the 200 sign-ins listed); and one on an
 * identity whose name, resource and evidence are hostile markup.
 */
export function makeRiskSignals(rows: IdentityRow[], namedLocations: boolean): RiskSignal[] {
  const at = (i: number): IdentityRow => (rows.length > 0 ? rows[i % rows.length]! : makeRow(900_000 + i));
  const hostile = { id: HOSTILE_SP_ID, displayName: HOSTILE_NAME, kind: null };
  const signals = [
    signal({
      kind: "newKeyId",
      level: "high",
      row: at(3),
      value: UNKNOWN_KEY_ID,
      daysAgo: 1.5,
      count: 14,
      field: "keyId",
      evidence: [{ label: "In the cached credentials", value: "no — not among the credentials Steward holds for it" }],
    }),
    signal({
      kind: "invalidCredentialBurst",
      level: "high",
      row: at(5),
      value: "240 failures in 3 h",
      daysAgo: 2,
      lastedDays: 3 / 24,
      count: 240,
      field: "errorCode",
      values: ["7000215", "7000222"],
      evidence: [
        { label: "Period", value: `${mockAgo(2)} to ${mockAgo(2 - 3 / 24)}` },
        { label: "Failures (AADSTS7000215, 7000222)", value: "240" },
        { label: "Busiest hour", value: "121" },
        { label: "Threshold", value: "10 in one hour" },
      ],
    }),
    signal({ kind: "newCountry", level: "medium", row: at(3), value: "BR", daysAgo: 3, count: 6, field: "country" }),
    signal({ kind: "newCredentialType", level: "medium", row: at(12), value: "clientSecret", daysAgo: 6, count: 22, field: "credentialType" }),
    signal({
      kind: "newResource",
      level: "low",
      row: hostile,
      value: `${HOSTILE_NAME} API`,
      daysAgo: 2.5,
      count: 3,
      field: "resource",
      values: [guid(4242, 6)],
      evidence: [{ label: "Resource appId", value: `${guid(4242, 6)} ${HOSTILE_NAME}` }],
    }),
    signal({
      kind: "newIpRange",
      level: "low",
      row: at(14),
      value: "203.0.113.0/24",
      daysAgo: 10,
      count: 9,
      field: "ipAddress",
      values: ["203.0.113.7", "203.0.113.9"],
      evidence: [
        { label: "Addresses", value: "203.0.113.7, 203.0.113.9" },
        { label: "Country", value: "NL" },
      ],
    }),
    signal({ kind: "newResource", level: "low", row: at(16), value: "Azure Key Vault", daysAgo: 20, count: 31, field: "resource", values: ["cfa8b339-82a2-471a-a3c9-0fc0be7a4093"], evidence: [{ label: "Resource appId", value: "cfa8b339-82a2-471a-a3c9-0fc0be7a4093" }] }),
    signal({ kind: "newCountry", level: "medium", row: at(18), value: "US", daysAgo: 25, count: 48, field: "country" }),
  ];
  if (namedLocations) {
    signals.push(
      signal({
        kind: "outsideNamedLocations",
        level: "medium",
        row: at(8),
        value: "198.51.100.23, 198.51.100.24",
        daysAgo: 5,
        count: 17,
        field: "ipAddress",
        values: ["198.51.100.23", "198.51.100.24"],
        evidence: [
          { label: "Addresses outside", value: "198.51.100.23, 198.51.100.24" },
          { label: "Countries", value: "BR" },
          { label: "Sign-ins from them (all cached)", value: "17" },
          { label: "Named locations checked", value: "3" },
        ],
      }),
    );
  }
  return signals;
}

function detection(id: string, type: string, description: string, overrides: Partial<DetectionRow> = {}): DetectionRow {
  return {
    id,
    riskEventType: type,
    description,
    riskLevel: "medium",
    riskState: "atRisk",
    riskDetail: "none",
    detectionTimingType: "offline",
    activity: "servicePrincipal",
    activityAt: null,
    detectedAt: null,
    ipAddress: null,
    location: null,
    keyIds: [],
    ...overrides,
  };
}

/** Identity Protection's risky service principals: one high (also behind two local signals), one medium, one dismissed. */
export function makeRiskyIdentities(rows: IdentityRow[]): RiskyIdentity[] {
  const at = (i: number): IdentityRow => (rows.length > 0 ? rows[i % rows.length]! : makeRow(900_000 + i));
  const risky = (
    row: IdentityRow,
    level: string,
    state: string,
    detail: string,
    updatedDaysAgo: number,
    detections: DetectionRow[],
    history: HistoryRow[],
  ): RiskyIdentity => ({
    id: row.id,
    appId: row.appId,
    displayName: row.displayName,
    servicePrincipalType: row.servicePrincipalType,
    isEnabled: row.accountEnabled,
    riskLevel: level,
    riskState: state,
    riskDetail: detail,
    riskLastUpdated: mockAgo(updatedDaysAgo),
    detections,
    history,
    pendingAction: null,
    adminCenterUrl: spPortalUrl(row.id, row.appId),
  });
  return [
    risky(
      at(3),
      "high",
      "atRisk",
      "none",
      1,
      [
        detection("det-1", "leakedCredentials", "Valid credentials of this identity were found in a public place (GitHub, paste sites, the dark web).", {
          riskLevel: "high",
          detectedAt: mockAgo(1.2),
          activityAt: mockAgo(1.3),
          keyIds: [UNKNOWN_KEY_ID],
        }),
        detection("det-2", "suspiciousSignins", "Sign-in properties unusual for this identity (IP, resource, country or credential type).", {
          detectionTimingType: "realtime",
          activity: "signin",
          detectedAt: mockAgo(3),
          activityAt: mockAgo(3),
          ipAddress: "198.51.100.23",
          location: "São Paulo, BR",
        }),
      ],
      [
        { at: mockAgo(3), riskLevel: "medium", riskState: "atRisk", riskDetail: "none", initiatedBy: null },
        { at: mockAgo(1), riskLevel: "high", riskState: "atRisk", riskDetail: "none", initiatedBy: null },
      ],
    ),
    risky(
      at(20),
      "medium",
      "atRisk",
      "none",
      4,
      [
        detection("det-3", "anomalousServicePrincipalActivity", "Unusual directory changes made by or to this service principal.", {
          detectedAt: mockAgo(4),
          activityAt: mockAgo(4.1),
        }),
      ],
      [{ at: mockAgo(4), riskLevel: "medium", riskState: "atRisk", riskDetail: "none", initiatedBy: null }],
    ),
    risky(
      at(22),
      "none",
      "dismissed",
      "adminDismissedAllRiskForServicePrincipal",
      9,
      [
        detection("det-4", "suspiciousAPITraffic", "Abnormal Graph traffic or directory enumeration.", {
          riskLevel: "low",
          riskState: "dismissed",
          riskDetail: "adminDismissedAllRiskForServicePrincipal",
          detectedAt: mockAgo(12),
        }),
      ],
      [
        { at: mockAgo(12), riskLevel: "low", riskState: "atRisk", riskDetail: "none", initiatedBy: null },
        { at: mockAgo(9), riskLevel: "none", riskState: "dismissed", riskDetail: "adminDismissedAllRiskForServicePrincipal", initiatedBy: "Alex Wilber" },
      ],
    ),
  ];
}

const PRIORITY_NAMES = ["High", "Medium", "Low"];
const LEVEL_RANK: Record<RiskLevel, number> = { high: 0, medium: 1, low: 2 };
const ACTION_STATE: Record<RiskAction, SignalState> = {
  confirmCompromised: "confirmedCompromised",
  dismiss: "dismissed",
  remediated: "remediated",
};

type RiskActionRecord = { action: RiskAction; at: string; pushed: boolean };

function graphLevel(level: string): RiskLevel | null {
  return level === "high" || level === "medium" || level === "low" ? level : null;
}

/** Identities by their highest open risk, as the core counts them. */
export function riskByLevel(risky: RiskyIdentity[], signals: RiskSignal[]): LevelCount[] {
  const best = new Map<string, { level: RiskLevel; ip: boolean; sig: boolean }>();
  for (const r of risky) {
    if (r.riskState !== "atRisk" && r.riskState !== "confirmedCompromised") continue;
    const level = graphLevel(r.riskLevel);
    if (!level) continue;
    const e = best.get(r.id) ?? { level, ip: true, sig: false };
    e.ip = true;
    if (LEVEL_RANK[level] < LEVEL_RANK[e.level]) e.level = level;
    best.set(r.id, e);
  }
  for (const s of signals) {
    if (s.state !== "active") continue;
    const e = best.get(s.spId) ?? { level: s.level, ip: false, sig: true };
    e.sig = true;
    if (LEVEL_RANK[s.level] < LEVEL_RANK[e.level]) e.level = s.level;
    best.set(s.spId, e);
  }
  return (["high", "medium", "low"] as RiskLevel[]).map((level) => {
    const of = [...best.values()].filter((v) => v.level === level);
    return {
      level,
      identities: of.length,
      fromIdentityProtection: of.filter((v) => v.ip).length,
      fromSignals: of.filter((v) => v.sig).length,
    };
  });
}

function sameFilter(a: SignInFilter, b: SignInFilter): boolean {
  return a.spId === b.spId && a.field === b.field && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
}

/** The sign-ins behind a signal: at most 200, oldest first, each carrying the value the filter matches. */
export function mockSignalSignIns(s: RiskSignal, filter: SignInFilter): SignInRow[] {
  const n = Math.min(200, s.signInCount);
  const start = Date.parse(s.detectedAt);
  const end = Math.max(start + 1, Date.parse(s.lastSeen));
  const step = n > 1 ? (end - start) / (n - 1) : 0;
  return Array.from({ length: n }, (_, i): SignInRow => {
    const v = filter.values[i % filter.values.length] ?? "";
    const failed = filter.field === "errorCode";
    return {
      id: `${s.id}#${i}`,
      createdDateTime: new Date(start + Math.round(step * i)).toISOString(),
      resourceDisplayName: filter.field === "resource" ? s.value : "Microsoft Graph",
      ipAddress: filter.field === "ipAddress" ? v : `198.51.100.${20 + (i % 5)}`,
      country: filter.field === "country" ? v : filter.field === "ipAddress" && s.kind === "newIpRange" ? "NL" : "BR",
      city: null,
      errorCode: failed ? Number(v) : 0,
      failureReason: failed ? (v === "7000222" ? "The provided client secret keys are expired." : "Invalid client secret provided.") : null,
      clientCredentialType: filter.field === "credentialType" ? v : failed ? "clientSecret" : "certificate",
      credentialKeyId: filter.field === "keyId" ? v : null,
      conditionalAccessStatus: "notApplied",
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Dashboard

/** A small bar chart, shaped like the core's (an SVG document with a title). */
export function mockBarSvg(title: string, values: number[]): string {
  const max = Math.max(1, ...values);
  const w = 24;
  const bars = values
    .map((v, i) => `<rect x="${i * w + 4}" y="${200 - (v / max) * 180}" width="${w - 6}" height="${(v / max) * 180}" fill="#0f6cbd"/>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${values.length * w + 8}" height="220"><title>${title}</title>${bars}</svg>`;
}

function chart(key: string, title: string, description: string, columns: string[], rows: string[][], values: number[]): DashboardChart {
  return { key, title, description, svg: mockBarSvg(title, values), table: { columns, rows } };
}

/** Sign-ins of day `i` (0 = the first of the mock calendar). */
export function mockDaySignIns(i: number): { success: number; failure: number } {
  return { success: 40 + (i % 30), failure: i % 3 };
}

// ---------------------------------------------------------------------------------------------
// Reports

const ALL_FORMATS: Format[] = ["html", "pdf", "xlsx", "csv", "json"];
const TABLE_FORMATS: Format[] = ["html", "xlsx", "csv", "json"];

/** The catalogue as the Rust side lists it: inventory and sign-ins offer no PDF. */
export const MOCK_REPORT_CATALOG: ReportInfo[] = [
  { kind: "overview", title: "Executive overview", description: "KPIs and the dashboard's charts with the tables behind them.", formats: ALL_FORMATS, hasPeriod: true },
  {
    kind: "credential-expiry",
    title: "Credential expiry",
    description: "Every secret and certificate with expiry, last use, owners and an admin-center link, most urgent first.",
    formats: ALL_FORMATS,
    hasPeriod: false,
  },
  {
    kind: "recommendations",
    title: "App-health recommendations",
    description: "App-health recommendations with every impacted resource and the evidence behind it.",
    formats: ALL_FORMATS,
    hasPeriod: false,
  },
  { kind: "risk", title: "Risky workload identities", description: "Identities at risk, Steward's signals and Identity Protection's detections.", formats: ALL_FORMATS, hasPeriod: false },
  {
    kind: "licenses",
    title: "Workload ID Premium license estimate",
    description: "The Workload ID Premium estimate bucket by bucket and the planner's scenarios (live formulas in XLSX).",
    formats: ALL_FORMATS,
    hasPeriod: false,
  },
  { kind: "inventory", title: "Workload identity inventory", description: "Every service principal with kind, ownership, credentials and last sign-in.", formats: TABLE_FORMATS, hasPeriod: false },
  { kind: "sign-ins", title: "Sign-in extract", description: "The cached sign-ins of a period, optionally of one identity.", formats: TABLE_FORMATS, hasPeriod: true },
];

/** Where a held export stands while it runs. */
export const MOCK_EXPORT_PROGRESS: ProgressState = { rowsDone: 120, rowsTotal: 480 };

export const MOCK_EXPORT_BYTES = 48_213;

/** The file name the save dialog suggests, as the Rust side builds it. */
export function mockReportFileName(args: ReportArgs, format: Format): string {
  const day = (args.asOf ?? MOCK_AS_OF).slice(0, 10);
  return `steward-${args.kind}-${args.tenantId}-${day}.${format}`;
}

/** Escapes text for HTML content and attribute values, as the Rust report writer does. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A self-contained report document like the Rust side's: no script, its own CSP, every tenant string escaped. */
export function mockReportHtml(info: ReportInfo, tenantName: string, asOf: string, args: ReportArgs, names: string[]): string {
  const e = escapeHtml;
  const scope = [
    info.hasPeriod ? `<p class="period">The last ${e(String(args.days ?? 30))} days</p>` : "",
    args.sp ? `<p class="identity">Identity ${e(args.sp)}</p>` : "",
  ].join("");
  const rows = names.map((n) => `<tr><td>${e(n)}</td></tr>`).join("");
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>${e(info.title)}</title><style>body{font-family:sans-serif}</style></head>` +
    `<body><h1>${e(info.title)}</h1><p class="tenant">${e(tenantName)} · as of ${e(asOf)}</p>${scope}` +
    `<table><thead><tr><th>Name</th></tr></thead><tbody>${rows}</tbody></table></body></html>`
  );
}

// ---------------------------------------------------------------------------------------------
// Import

/** The tenant of the mock's organization responses. */
export const MOCK_IMPORT_TENANT = makeTenant("fabrikam", "Fabrikam", { defaultDomain: "fabrikam.onmicrosoft.com" });
/** What the file dialog picks by default. */
export const MOCK_IMPORT_FILES = ["/home/admin/exports/organization.json", "/home/admin/exports/servicePrincipals.json"];
/** What the folder dialog picks by default; the mock reads it as the three files of `MOCK_FOLDER_FILES`. */
export const MOCK_IMPORT_FOLDER = "/home/admin/exports/fabrikam";
export const MOCK_FOLDER_FILES = ["organization.json", "applications.json", "servicePrincipals.json"];
/** When the mock's imports read their data. */
export const MOCK_IMPORTED_AT = "2025-06-02T09:30:00Z";
/** Items per imported file (an organization response holds one). */
export const MOCK_IMPORT_ITEMS = 3;

const IMPORT_DATASETS = [
  "organization",
  "applications",
  "servicePrincipals",
  "federatedIdentityCredentials",
  "appRoleAssignments",
  "signIns",
  "subscribedSkus",
];

/** The dataset of a file, from its name as the mock reads it (a plain array, as `az ad sp list` writes, is service principals). */
function mockDatasetOf(file: string): string {
  const base = (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, "").toLowerCase();
  return IMPORT_DATASETS.find((d) => base.startsWith(d.toLowerCase())) ?? "servicePrincipals";
}

/** Files and folders as the Rust side expands them: a path not ending in `.json` is a folder. */
function mockExpand(paths: string[]): string[] {
  return paths.flatMap((p) => (/\.json$/i.test(p) ? [p] : MOCK_FOLDER_FILES.map((f) => `${p.replace(/[\\/]+$/, "")}/${f}`)));
}

/** The only client secret the mock's sign-in accepts. */
export const MOCK_GOOD_SECRET = "good";
export const MOCK_BAD_SECRET_MESSAGE =
  "Sign-in failed: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. Check the secret under Certificates & secrets of the app registration.";
/** The organization a sync reads for a tenant the cache does not hold yet. */
export const MOCK_SYNC_TENANT_NAME = "Northwind Traders";
/** When the mock's syncs read their data. */
export const MOCK_SYNCED_AT = "2025-06-03T08:15:00Z";
/** Where a held sync stands while it runs. */
export const MOCK_SYNC_PROGRESS: SyncProgress = {
  dataset: "servicePrincipals",
  items: 250,
  total: 1_000,
  perSec: 125,
  etaSeconds: 6,
  etaText: "a few seconds left",
};
export const MOCK_SYNC_CANCELLED_MESSAGE =
  "The sync was cancelled; the 3 pages read are kept and the next sync resumes from there.";
/** What one mock sync reads. */
export const MOCK_SYNCED_DATASETS: SyncedDataset[] = [
  { dataset: "organization", status: "ok", mode: "full", detail: null, items: 1, pages: 1, removed: 0 },
  { dataset: "applications", status: "ok", mode: "full", detail: null, items: 42, pages: 1, removed: 0 },
  { dataset: "servicePrincipals", status: "ok", mode: "delta", detail: null, items: 5, pages: 1, removed: 3 },
  { dataset: "signIns", status: "ok", mode: "window", detail: null, items: 1_250, pages: 3, removed: 0 },
  {
    dataset: "riskyServicePrincipals",
    status: "notAvailable",
    mode: "full",
    detail: "Graph answered 403: the tenant has no Workload ID Premium licence.",
    items: 0,
    pages: 0,
    removed: 0,
  },
];

/** Where the mock keeps secrets, as the Rust side's OS keyring describes itself. */
export const MOCK_SECRET_STORE = "the OS keyring";
/** Why the mock cannot keep secrets when `sync.noSecretStore` is set (the Rust side's wording). */
export const MOCK_NO_SECRET_STORE_DETAIL =
  "no OS secret store is reachable here (no D-Bus session bus); on Linux that is a Secret Service such as GNOME Keyring or KWallet, reached over D-Bus";
/** The sync's note when it kept the secret. */
export const MOCK_SECRET_KEPT_NOTE = `The client secret is kept in ${MOCK_SECRET_STORE} for the next sync of this tenant.`;
/** The sync's note when it was asked to keep the secret on a machine without a secret store. */
export const MOCK_SECRET_NOT_KEPT_NOTE = `${MOCK_NO_SECRET_STORE_DETAIL}. The secret was not stored: give it again next time`;
/** The error of a sync or test with an empty secret when none is kept. */
export const MOCK_NO_KEPT_SECRET_MESSAGE =
  "give the client secret: none is kept in the OS keyring for this tenant and client id";

/** How long an admin sign-in the test does not hold takes. */
export const MOCK_ADMIN_SIGN_IN_DELAY_MS = 30;
/** The device login page and the code the mock's device-code sign-in shows. */
export const MOCK_DEVICE_LOGIN_URL = "https://microsoft.com/devicelogin";
export const MOCK_DEVICE_CODE = "FQK7TZ3MB";
/** What a successful admin sign-in says (the Rust side's wording). */
export const MOCK_ADMIN_SIGNED_IN_NOTE = `Signed in. The sign-in is kept in ${MOCK_SECRET_STORE} for the next syncs of this tenant.`;
/** What an admin sign-in says on a machine without a secret store: it is kept for the session. */
export const MOCK_ADMIN_SESSION_NOTE = `Signed in for this session only: ${MOCK_NO_SECRET_STORE_DETAIL}`;
/** The error of a delegated sync or test when no admin is signed in (the Rust side's wording). */
export const MOCK_NO_ADMIN_MESSAGE = "no admin is signed in for this tenant and client id: choose Sign in first";
/** The error of a sync or test whose certificate path is not a PEM file. */
export function mockBadCertificateMessage(path: string): string {
  return `${path}: not a PEM file holding a certificate and its RSA private key`;
}

/** What the cache holds for a tenant the mock has not synced: a mix of sources, or demo data for the demo tenant. */
export function mockConnectionDatasets(demo: boolean): DatasetStatus[] {
  if (demo)
    return ["organization", "applications", "servicePrincipals", "signIns"].map((dataset) => ({
      dataset,
      status: "ok",
      detail: null,
      syncedAt: MOCK_AS_OF,
      source: null,
    }));
  return [
    { dataset: "organization", status: "ok", detail: null, syncedAt: "2025-05-30T07:00:00Z", source: "synced" },
    { dataset: "servicePrincipals", status: "ok", detail: null, syncedAt: MOCK_IMPORTED_AT, source: "imported" },
    {
      dataset: "signIns",
      status: "inProgress",
      detail: "2 pages read of a round that was cancelled",
      syncedAt: "2025-05-29T07:00:00Z",
      source: "synced",
    },
    {
      dataset: "riskyServicePrincipals",
      status: "notAvailable",
      detail: "Graph answered 403: the tenant has no Workload ID Premium licence.",
      syncedAt: null,
      source: null,
    },
  ];
}

type ScopeState = { accessReview: boolean; picked: boolean };
type LicensingState = { scope: Map<string, ScopeState>; candidates: ReviewCandidate[]; saved: PlanSettings };

export const DEFAULT_TENANT = makeTenant("contoso", "Contoso (demo)", { isDemo: true });

export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  // A copy: imports add and refresh tenants.
  const tenants = [...(options.tenants ?? [DEFAULT_TENANT])];
  const rowsByTenant = new Map<string, IdentityRow[]>();
  for (const t of tenants) {
    rowsByTenant.set(t.id, sortRows(options.rows?.[t.id] ?? makeRows(options.rowCount ?? 50)));
  }
  let activeTenantId = options.activeTenantId === undefined ? (tenants[0]?.id ?? null) : options.activeTenantId;
  const calls: MockCall[] = [];

  const tenantRows = (tenantId: string): IdentityRow[] => {
    const rows = rowsByTenant.get(tenantId);
    if (!rows) throw new BackendError("notFound", `Tenant ${tenantId} is not in the local database. Pick another tenant.`);
    return rows;
  };
  const record = (method: keyof Backend, args: unknown[]) => {
    calls.push({ method, args: structuredClone(args) });
    const failure = options.fail?.[method];
    if (failure) throw failure;
  };
  const recStates = new Map<string, Map<string, RecState>>();
  const recStatesOf = (tenantId: string) => {
    let m = recStates.get(tenantId);
    if (!m) recStates.set(tenantId, (m = new Map()));
    return m;
  };
  const recommendationsOf = (tenantId: string, settings: RecommendationSettings): Recommendation[] => {
    const rows = tenantRows(tenantId);
    const make = options.recommendations ?? makeRecommendations;
    const states = recStatesOf(tenantId);
    return make(rows, settings).map((r) => applyState(r, states.get(r.type)));
  };

  const licensingStates = new Map<string, LicensingState>();
  const licensingStateOf = (tenantId: string): LicensingState => {
    let st = licensingStates.get(tenantId);
    if (!st) {
      const candidates = structuredClone(options.licensing?.reviewCandidates ?? defaultReviewCandidates(tenantRows(tenantId)));
      const scope = new Map<string, ScopeState>();
      for (const c of candidates) if (c.reviewed) scope.set(c.id, { accessReview: true, picked: false });
      st = { scope, candidates, saved: structuredClone(DEFAULT_PLAN_SETTINGS) };
      licensingStates.set(tenantId, st);
    }
    return st;
  };
  const isManagedIdentity = (tenantId: string, id: string): boolean => {
    const st = licensingStateOf(tenantId);
    const row = tenantRows(tenantId).find((r) => r.id === id);
    if (row) return row.kind === "managedIdentitySystem" || row.kind === "managedIdentityUser";
    return st.candidates.some((c) => c.id === id);
  };
  const estimateOf = (tenantId: string): LicenseEstimate => {
    const st = licensingStateOf(tenantId);
    const lo = options.licensing ?? {};
    const scoped = [...st.scope.values()];
    const reviewed = scoped.filter((s) => s.accessReview).length;
    const picked = scoped.filter((s) => s.picked).length;
    const totals: Record<string, { total: number; disabled: number }> = {
      ...MOCK_BUCKETS,
      managedIdentitiesReviewed: { total: reviewed, disabled: 0 },
      managedIdentities: { total: MOCK_BUCKETS.managedIdentities!.total - reviewed, disabled: MOCK_BUCKETS.managedIdentities!.disabled },
    };
    const bucketDetails: LicenseBucket[] = BUCKET_RULES.map((b) => {
      const t = totals[b.key] ?? { total: 0, disabled: 0 };
      return { ...b, total: t.total, disabled: t.disabled, billable: b.counted ? t.total : 0 };
    });
    const billable = bucketDetails.reduce((n, b) => n + b.billable, 0);
    const billableDisabled = bucketDetails.reduce((n, b) => n + (b.counted ? b.disabled : 0), 0);
    const unused = lo.unusedBillable === undefined ? MOCK_UNUSED_BILLABLE : lo.unusedBillable;
    return {
      tenantId,
      asOf: MOCK_AS_OF,
      billableIdentities: billable,
      billableDisabled,
      monthlyCostUsd: billable * 3,
      buckets: Object.fromEntries(bucketDetails.map((b) => [b.key, b.total])),
      bucketDetails,
      featureScope: {
        conditionalAccess: lo.conditionalAccess ?? null,
        accessReviewedManagedIdentities: reviewed,
        picked,
        total: scoped.filter((s) => s.accessReview || s.picked).length,
        explanation:
          "Feature-scoped: only the identities premium features actually reach — those targeted by conditional access policies for workload identities, managed identities in access reviews, and identities you picked.",
      },
      unusedBillable: unused,
      unusedExplanation:
        unused === null
          ? "The cache holds sign-ins from 2025-04-02 only; 90 days of history are needed to tell unused identities apart."
          : "Billable identities created more than 90 days ago with no successful sign-in and no token issued for them as a resource in the last 90 days.",
      subscriptions: lo.subscriptions ?? [
        {
          skuPartNumber: "Workload_Identities_Premium_Trial",
          capabilityStatus: "Enabled",
          prepaidUnits: 100,
          consumedUnits: 0,
          isTrial: true,
          nextLifecycle: "2025-07-13T00:00:00.000Z",
          daysLeft: 42,
        },
      ],
      skusSynced: lo.skusSynced ?? true,
    };
  };
  const scopeFlagsOf = (tenantId: string, id: string): ScopeFlags => {
    const s = licensingStateOf(tenantId).scope.get(id);
    return { accessReview: s?.accessReview ?? false, picked: s?.picked ?? false, managedIdentity: isManagedIdentity(tenantId, id) };
  };
  const knownIdentity = (tenantId: string, id: string) => {
    if (!tenantRows(tenantId).some((r) => r.id === id) && !licensingStateOf(tenantId).candidates.some((c) => c.id === id))
      throw new BackendError("notFound", "This identity no longer exists in the local data. Refresh the list.");
  };

  const tenantSummary = (t: TenantSummary): TenantSummary => ({
    ...t,
    servicePrincipalCount: rowsByTenant.get(t.id)?.length ?? 0,
  });

  const overviewOf = (tenantId: string): Overview => {
    const rows = tenantRows(tenantId);
    const t = tenants.find((x) => x.id === tenantId)!;
    const countBy = <K extends string>(keys: K[], labels: Record<K, string>, get: (r: IdentityRow) => K) =>
      keys.map((key) => ({ key, label: labels[key], count: rows.filter((r) => get(r) === key).length }));
    const enabled = rows.filter((r) => r.accountEnabled).length;
    const expiring = rows.filter((r) => r.secretCount > 0);
    return {
      tenant: tenantSummary(t),
      asOf: "2025-06-01T12:00:00Z",
      totalServicePrincipals: rows.length,
      enabledServicePrincipals: enabled,
      disabledServicePrincipals: rows.length - enabled,
      byKind: countBy(KIND_KEYS, KIND_LABELS, (r) => r.kind),
      byOwnership: countBy(OWNERSHIP_KEYS, OWNERSHIP_LABELS, (r) => r.ownership),
      credentialsExpiring30d: expiring.length,
      credentialsExpired: rows.reduce((n, r) => n + Math.max(0, r.secretCount - 1), 0),
      expiringSoon: expiring.slice(0, 10).map((r) => ({
        servicePrincipalId: r.id,
        displayName: r.displayName,
        credentialType: "secret",
        credentialName: "Secret 0",
        endDateTime: "2025-06-10T00:00:00Z",
        daysLeft: 9,
      })),
      signIns30d: 1234,
      signInFailures30d: 56,
      signInsPerDay: Array.from({ length: 30 }, (_, i) => ({
        day: `2025-05-${String(i + 1).padStart(2, "0")}`,
        success: 40 + i,
        failure: i % 3,
      })),
      signInsChartSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    };
  };

  // Risk: the admin's latest decision per identity, as the core keeps them.
  const riskActions = new Map<string, Map<string, RiskActionRecord>>();
  let riskActionSeq = 0;
  const riskActionsOf = (tenantId: string) => {
    let m = riskActions.get(tenantId);
    if (!m) riskActions.set(tenantId, (m = new Map()));
    return m;
  };
  const allSignalsOf = (tenantId: string): RiskSignal[] => {
    const actions = riskActionsOf(tenantId);
    return makeRiskSignals(tenantRows(tenantId), options.risk?.namedLocations ?? false).map((s) => {
      const a = actions.get(s.spId);
      return a && a.at >= s.detectedAt ? { ...s, state: ACTION_STATE[a.action], stateAt: a.at } : s;
    });
  };
  const riskyOf = (tenantId: string): RiskyIdentity[] => {
    if (options.risk?.identityProtection === false) return [];
    const actions = riskActionsOf(tenantId);
    return makeRiskyIdentities(tenantRows(tenantId)).map((r) => {
      const a = actions.get(r.id);
      if (!a || a.action === "remediated") return r;
      const [riskLevel, riskState, riskDetail] =
        a.action === "confirmCompromised"
          ? ["high", "confirmedCompromised", "adminConfirmedServicePrincipalCompromised"]
          : ["none", "dismissed", "adminDismissedAllRiskForServicePrincipal"];
      return {
        ...r,
        riskLevel,
        riskState,
        riskDetail,
        riskLastUpdated: a.at,
        history: [...r.history, { at: a.at, riskLevel, riskState, riskDetail, initiatedBy: "Steward (not yet pushed to Entra)" }],
        pendingAction: a.pushed ? null : a.action,
      };
    });
  };
  const riskReportOf = (tenantId: string, settings: RiskSettings): RiskReport => {
    if (settings.windowDays < 1 || settings.baselineMinDays < 0 || settings.burstThreshold < 1)
      throw new BackendError(
        "invalidInput",
        "risk settings need a window of at least 1 day, a non-negative baseline and a burst threshold of at least 1",
      );
    const windowFrom = mockAgo(settings.windowDays);
    const signals = allSignalsOf(tenantId)
      .filter((s) => s.detectedAt > windowFrom)
      .sort(
        (a, b) =>
          Number(a.state !== "active") - Number(b.state !== "active") ||
          LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
          (a.detectedAt < b.detectedAt ? 1 : a.detectedAt > b.detectedAt ? -1 : 0) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    const risky = riskyOf(tenantId);
    const unavailable: Evidence[] = options.risk?.namedLocations
      ? []
      : [
          {
            label: TITLES.outsideNamedLocations,
            value:
              "No named locations are cached for this tenant: sync conditional access (Policy.Read.All) or define named locations in Entra.",
          },
        ];
    return {
      asOf: MOCK_AS_OF,
      windowFrom,
      settings: { ...settings },
      identityProtectionSyncedAt: options.risk?.identityProtection === false ? null : "2025-06-01T11:40:00.000Z",
      riskyIdentities: risky,
      signals,
      unavailable,
      byLevel: riskByLevel(risky, signals),
      historyFrom: "2025-04-02T06:00:00.000Z",
    };
  };

  const dashboardOf = (tenantId: string, days: number): Dashboard => {
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw new BackendError(
        "invalidInput",
        `a dashboard range of ${days} days is not offered: pick 1 to 366 days (the window offers 7, 30, 60 and 90)`,
      );
    const summary = overviewOf(tenantId);
    const lastDay = Date.parse(MOCK_AS_OF.slice(0, 10));
    const perDay = Array.from({ length: days }, (_, i) => ({
      day: new Date(lastDay - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
      ...mockDaySignIns(i),
    }));
    const total = perDay.reduce((n, d) => n + d.success + d.failure, 0);
    const failed = perDay.reduce((n, d) => n + d.failure, 0);
    const codes: Array<[string, string, number]> = [
      ["AADSTS7000215", "Invalid client secret provided.", Math.ceil(failed * 0.6)],
      ["AADSTS700027", "Client assertion failed signature validation.", Math.ceil(failed * 0.25)],
      ["AADSTS7000222", "The client secret keys are expired.", Math.floor(failed * 0.15)],
    ];
    const rows = tenantRows(tenantId);
    const top = rows.slice(0, 5).map((r, i) => [r.displayName, r.id, (900 - i * 150) * Math.ceil(days / 30), i * 4] as const);
    const recs = recommendationsOf(tenantId, DEFAULT_RECOMMENDATION_SETTINGS).filter((r) => r.status === "active" && r.impactedTotal > 0);
    const prios = ["high", "medium", "low"] as const;
    const byPrio = prios.map((p) => recs.filter((r) => r.priority === p));
    const risk = riskReportOf(tenantId, DEFAULT_RISK_SETTINGS);
    const levels = risk.byLevel.map((l) => l.identities);
    const estimate = estimateOf(tenantId);
    const buckets = estimate.bucketDetails.filter((b) => b.total > 0);
    const weeks = [3, 1, 0, 2, 5, 0, 1, 0, 0, 4, 0, 1, 2];
    const week = (w: number) => new Date(Date.parse(MOCK_AS_OF) + w * 7 * DAY_MS).toISOString().slice(0, 10);
    const charts: DashboardChart[] = [
      chart(
        "signInsPerDay",
        "Sign-ins per day",
        "Service-principal and managed-identity sign-ins in the cache, by result.",
        ["Day", "Success", "Failure"],
        perDay.map((d) => [d.day, String(d.success), String(d.failure)]),
        perDay.map((d) => d.success + d.failure),
      ),
      chart(
        "topFailureCodes",
        "Top failure codes",
        "AADSTS error codes of failed sign-ins in the range, with what they mean.",
        ["Code", "Meaning", "Failures"],
        codes.map(([c, m, n]) => [c, m, String(n)]),
        codes.map(([, , n]) => n),
      ),
      chart(
        "topIdentities",
        "Top identities by sign-ins",
        "The 5 identities with the most sign-ins in the range.",
        ["Identity", "Object id", "Success", "Failure"],
        top.map(([name, id, ok, ko]) => [name, id, String(ok), String(ko)]),
        top.map(([, , ok, ko]) => ok + ko),
      ),
      chart(
        "identitiesByKind",
        "Identities by kind and ownership",
        "Active service principals (soft-deleted ones excluded).",
        ["Grouping", "Group", "Identities"],
        [
          ...summary.byKind.filter((k) => k.count > 0).map((k) => ["Kind", k.label, String(k.count)]),
          ...summary.byOwnership.filter((k) => k.count > 0).map((k) => ["Ownership", k.label, String(k.count)]),
        ],
        [...summary.byKind, ...summary.byOwnership].filter((k) => k.count > 0).map((k) => k.count),
      ),
      chart(
        "expiringCredentials",
        "Credentials expiring in the next 90 days",
        "Secrets and certificates on active objects, by the week they expire (weeks start at the as-of day).",
        ["Week from", "Expiring"],
        weeks.map((n, w) => [week(w), String(n)]),
        weeks,
      ),
      chart(
        "recommendationsByPriority",
        "Recommendations by priority",
        "Active recommendations with at least one impacted resource.",
        ["Priority", "Recommendations", "Impacted resources"],
        byPrio.map((rs, i) => [PRIORITY_NAMES[i]!, String(rs.length), String(rs.reduce((n, r) => n + r.impactedTotal, 0))]),
        byPrio.map((rs) => rs.length),
      ),
      chart(
        "riskByLevel",
        "Risky identities by level",
        "Identities at risk by their highest open level: Identity Protection's and Steward's signals of the last 7 days.",
        ["Level", "Identities", "From Identity Protection", "From Steward's signals"],
        risk.byLevel.map((c) => [c.level, String(c.identities), String(c.fromIdentityProtection), String(c.fromSignals)]),
        levels,
      ),
      chart(
        "licenseBuckets",
        "Workload ID Premium license buckets",
        "Identities per counting bucket; only counted buckets are billable.",
        ["Bucket", "Counted", "Identities", "Of which disabled"],
        buckets.map((b) => [b.label, b.counted ? "yes" : "no", String(b.total), String(b.disabled)]),
        buckets.map((b) => b.total),
      ),
    ];
    const highRecs = byPrio[0]!.length;
    const atRisk = levels.reduce((n, l) => n + l, 0);
    const kpis: Kpi[] = [
      { key: "identities", label: "Workload identities", value: summary.totalServicePrincipals, unit: "count", detail: `${summary.disabledServicePrincipals} disabled`, tone: "neutral" },
      { key: "signIns", label: `Sign-ins, last ${days} days`, value: total, unit: "count", detail: `${failed} failed`, tone: "neutral" },
      {
        key: "failureRate",
        label: "Failure rate",
        value: total === 0 ? 0 : (failed * 100) / total,
        unit: "percent",
        detail: `of ${total} sign-ins`,
        tone: total > 0 && failed * 10 > total ? "warning" : "neutral",
      },
      {
        key: "expiring30d",
        label: "Credentials expiring in 30 days",
        value: summary.credentialsExpiring30d,
        unit: "count",
        detail: `${summary.credentialsExpired} already expired`,
        tone: summary.credentialsExpiring30d > 0 ? "warning" : "neutral",
      },
      {
        key: "highRecommendations",
        label: "High-priority recommendations",
        value: highRecs,
        unit: "count",
        detail: `${byPrio[0]!.reduce((n, r) => n + r.impactedTotal, 0)} impacted resources`,
        tone: highRecs > 0 ? "danger" : "neutral",
      },
      {
        key: "riskyIdentities",
        label: "Identities at risk",
        value: atRisk,
        unit: "count",
        detail: `${levels[0]} high`,
        tone: levels[0]! > 0 ? "danger" : atRisk > 0 ? "warning" : "neutral",
      },
      {
        key: "billable",
        label: "Billable identities (full coverage)",
        value: estimate.billableIdentities,
        unit: "count",
        detail: estimate.unusedBillable === null ? "usage history too short to tell unused ones" : `${estimate.unusedBillable} unused in 90 days`,
        tone: "neutral",
      },
      {
        key: "monthlyCost",
        label: "Workload ID Premium at list price",
        value: estimate.monthlyCostUsd,
        unit: "usdPerMonth",
        detail: "$3 per identity per month",
        tone: "neutral",
      },
    ];
    return {
      summary,
      asOf: MOCK_AS_OF,
      from: new Date(lastDay - (days - 1) * DAY_MS).toISOString(),
      days,
      kpis,
      charts,
    };
  };

  const reportInfoOf = (kind: ReportKind): ReportInfo => {
    const info = MOCK_REPORT_CATALOG.find((r) => r.kind === kind);
    if (!info) throw new BackendError("invalidInput", `\`${kind}\` is not a report Steward knows`);
    return info;
  };
  const checkReportArgs = (args: ReportArgs): ReportInfo => {
    tenantRows(args.tenantId);
    const info = reportInfoOf(args.kind);
    if (args.days !== null && !(args.days >= 1 && args.days <= 366))
      throw new BackendError("invalidInput", `a period of ${args.days} days is not offered: pick 1 to 366 days`);
    return info;
  };
  // Sign-in files already imported per tenant: importing one again adds no new sign-ins.
  const importedSignIns = new Set<string>();
  const importGraph = (rawPaths: string[], rawTenant: string | null): ImportResult => {
    const paths = rawPaths.map((p) => p.trim()).filter((p) => p !== "");
    if (paths.length === 0) throw new BackendError("invalidInput", "choose at least one Graph JSON file or folder to import");
    const given = rawTenant?.trim() || null;
    const files = mockExpand(paths);
    for (const f of files) {
      if (f.includes("bad"))
        throw new BackendError(
          "invalidInput",
          `${f}:1:2: not valid JSON (expected value at line 1 column 2). The file may be truncated: export it again; nothing was imported`,
        );
    }
    const emptyFiles = files.filter((f) => f.includes("empty"));
    const counts = new Map<string, number>();
    for (const f of files) {
      if (emptyFiles.includes(f)) continue;
      const d = mockDatasetOf(f);
      counts.set(d, (counts.get(d) ?? 0) + (d === "organization" ? 1 : MOCK_IMPORT_ITEMS));
    }
    const org = counts.has("organization") ? (options.imports?.organization ?? MOCK_IMPORT_TENANT) : null;
    if (org && given && org.id.toLowerCase() !== given.toLowerCase()) {
      const orgFile = files.find((f) => mockDatasetOf(f) === "organization")!;
      throw new BackendError(
        "invalidInput",
        `${orgFile} is the organization of tenant ${org.id}, but --tenant ${given} was given: import one tenant at a time; nothing was imported`,
      );
    }
    const id = org?.id ?? given;
    if (!id)
      throw new BackendError(
        "invalidInput",
        "none of the files is an organization response and no tenant was given: add the output of GET /v1.0/organization to the import, or pass --tenant ID; nothing was imported",
      );
    const at = tenants.findIndex((t) => t.id.toLowerCase() === id.toLowerCase());
    const known = at >= 0 ? tenants[at]! : null;
    const tenant: TenantSummary = {
      ...(known ?? makeTenant(id, id, { defaultDomain: null })),
      ...(org ? { id: org.id, displayName: org.displayName || known?.displayName || id, defaultDomain: org.defaultDomain } : {}),
      isDemo: false,
      dataAsOf: MOCK_IMPORTED_AT,
    };
    if (at >= 0) tenants[at] = tenant;
    else tenants.push(tenant);
    const sps = counts.get("servicePrincipals") ?? 0;
    const rows = rowsByTenant.get(tenant.id) ?? [];
    if (rows.length < sps) rowsByTenant.set(tenant.id, sortRows(makeRows(sps)));
    else rowsByTenant.set(tenant.id, rows);
    let newSignIns = 0;
    for (const f of files) {
      const key = `${tenant.id}|${f}`;
      if (mockDatasetOf(f) !== "signIns" || emptyFiles.includes(f) || importedSignIns.has(key)) continue;
      importedSignIns.add(key);
      newSignIns += MOCK_IMPORT_ITEMS;
    }
    const datasets: ImportedDataset[] = [...counts].map(([dataset, items]) => ({ dataset, items }));
    return { tenantId: tenant.id, tenantName: tenant.displayName, files: files.length, datasets, newSignIns, emptyFiles };
  };

  let exportProgressState: ProgressState | null = null;
  let stopExport: (() => void) | null = null;

  // What the cache holds per tenant after a sync (tenants not synced show `mockConnectionDatasets`).
  const syncedStatus = new Map<string, DatasetStatus[]>();
  let syncProgressState: SyncProgress | null = null;
  let stopSync: (() => void) | null = null;
  // Secrets kept "in the OS keyring", by tenant and client id (case-insensitive, as the Rust side's accounts).
  const keptSecrets = new Map<string, string>();
  const secretStore = !options.sync?.noSecretStore;
  const account = (tenantId: string, clientId: string) =>
    `${tenantId.trim().toLowerCase()}/${clientId.trim().toLowerCase()}`;
  // Admin sign-ins (delegated) kept "in the OS keyring" (or for the session without one), by tenant and client id.
  const adminSignIns = new Set<string>();
  let adminProgressState: AdminSignInProgress | null = null;
  let endAdminSignIn: ((error?: BackendError) => void) | null = null;
  /**
   * How the sync signs in, in the Rust side's order: as the signed-in admin (`delegated`), with the certificate,
   * or with the secret given (else the kept one); and whether a secret was given.
   */
  type Credential = { kind: "admin" } | { kind: "certificate" } | { kind: "secret"; secret: string; given: boolean };
  const resolveSecret = (args: ConnectArgs): Credential => {
    if (args.tenantId.trim() === "" || args.clientId.trim() === "")
      throw new BackendError("invalidInput", "give the tenant id, the client (application) id and its client secret");
    if (args.delegated) {
      if (!adminSignIns.has(account(args.tenantId, args.clientId)))
        throw new BackendError("invalidInput", MOCK_NO_ADMIN_MESSAGE);
      return { kind: "admin" };
    }
    const path = args.certificatePath?.trim() ?? "";
    if (path !== "") {
      if (!/\.pem$/i.test(path)) throw new BackendError("invalidInput", mockBadCertificateMessage(path));
      return { kind: "certificate" };
    }
    if (args.clientSecret !== "") return { kind: "secret", secret: args.clientSecret, given: true };
    const kept = secretStore ? keptSecrets.get(account(args.tenantId, args.clientId)) : undefined;
    if (kept === undefined) throw new BackendError("invalidInput", MOCK_NO_KEPT_SECRET_MESSAGE);
    return { kind: "secret", secret: kept, given: false };
  };
  const signIn = (args: ConnectArgs, credential: Credential): string => {
    if (credential.kind === "secret" && credential.secret !== MOCK_GOOD_SECRET)
      throw new BackendError("invalidInput", MOCK_BAD_SECRET_MESSAGE);
    const tenantId = args.tenantId.trim();
    const known = tenants.find((t) => t.id.toLowerCase() === tenantId.toLowerCase());
    return known && !known.isDemo ? known.displayName : (options.sync?.tenantName ?? MOCK_SYNC_TENANT_NAME);
  };
  /** Keeps a secret that signed in, as the Rust side does when asked to; what the sync says about it. */
  const rememberSecret = (args: ConnectArgs, secret: string): string => {
    if (!secretStore) return MOCK_SECRET_NOT_KEPT_NOTE;
    keptSecrets.set(account(args.tenantId, args.clientId), secret);
    return MOCK_SECRET_KEPT_NOTE;
  };

  const backend: MockBackend = {
    calls,
    callsOf: (m) => calls.filter((c) => c.method === m).map((c) => c.args),
    finishAdminSignIn: (error) => {
      const end = endAdminSignIn;
      end?.(error);
      return end !== null;
    },

    async appInfo(): Promise<AppInfo> {
      record("appInfo", []);
      return { version: "0.1.0-test", dbPath: "/tmp/steward-test.db", tenants: tenants.map(tenantSummary), activeTenantId };
    },

    async selectTenant(tenantId: string): Promise<TenantSummary> {
      record("selectTenant", [tenantId]);
      const t = tenants.find((x) => x.id === tenantId);
      if (!t) throw new BackendError("notFound", `Tenant ${tenantId} is not in the local database.`);
      activeTenantId = tenantId;
      return tenantSummary(t);
    },

    async overview(tenantId: string): Promise<Overview> {
      record("overview", [tenantId]);
      return overviewOf(tenantId);
    },

    async listIdentities(tenantId: string, query: IdentityQuery): Promise<IdentityPage> {
      record("listIdentities", [tenantId, { ...query }]);
      if (query.limit > 1000 || query.limit < 0 || query.offset < 0)
        throw new BackendError("invalidInput", "limit must be between 0 and 1000 and offset must not be negative.");
      const needle = query.search.trim().toLowerCase();
      const filtered = tenantRows(tenantId).filter(
        (r) =>
          (query.kind === null || r.kind === query.kind) &&
          (query.ownership === null || r.ownership === query.ownership) &&
          (needle === "" ||
            r.displayName.toLowerCase().includes(needle) ||
            r.id.toLowerCase().startsWith(needle) ||
            r.appId.toLowerCase().startsWith(needle)),
      );
      return { total: filtered.length, offset: query.offset, rows: filtered.slice(query.offset, query.offset + query.limit) };
    },

    async identityDetail(tenantId: string, id: string): Promise<IdentityDetail> {
      record("identityDetail", [tenantId, id]);
      const row = tenantRows(tenantId).find((r) => r.id === id);
      if (!row) throw new BackendError("notFound", "This identity no longer exists in the local data. Refresh the list.");
      return makeDetail(row, options.details?.[id]);
    },

    async recommendations(tenantId: string, given: RecommendationSettings | null): Promise<RecommendationReport> {
      record("recommendations", [tenantId, given]);
      const settings = given ?? DEFAULT_RECOMMENDATION_SETTINGS;
      if (!(settings.secretMaxDays > 0) || !(settings.certificateMaxDays > 0))
        throw new BackendError("invalidInput", "the lifetime thresholds must be at least 1 day");
      return {
        tenantId,
        asOf: MOCK_AS_OF,
        historyFrom: "2025-04-02T06:00:00.000Z",
        activityReport: false,
        settings: { ...settings },
        recommendations: recommendationsOf(tenantId, settings),
      };
    },

    async setRecommendationStatus(
      tenantId: string,
      recommendationType: string,
      change: StatusChange,
      settings: RecommendationSettings,
    ): Promise<null> {
      record("setRecommendationStatus", [tenantId, recommendationType, change, settings]);
      const known = recommendationsOf(tenantId, settings).some((r) => r.type === recommendationType);
      if (!known)
        throw new BackendError("invalidInput", `\`${recommendationType}\` is not a recommendation type Steward knows`);
      const states = recStatesOf(tenantId);
      switch (change.action) {
        case "dismiss":
          states.set(recommendationType, { status: "dismissed", postponeUntil: null });
          break;
        case "complete":
          states.set(recommendationType, { status: "completed", postponeUntil: null });
          break;
        case "reactivate":
          states.delete(recommendationType);
          break;
        case "postpone": {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(change.until))
            throw new BackendError("invalidInput", `\`${change.until}\` is not a date (YYYY-MM-DD)`);
          const until = `${change.until}T00:00:00.000Z`;
          if (until <= MOCK_AS_OF)
            throw new BackendError("invalidInput", "a recommendation can only be postponed to a future date; pick a later date");
          states.set(recommendationType, { status: "postponed", postponeUntil: until });
          break;
        }
      }
      return null;
    },

    async licensing(tenantId: string): Promise<Licensing> {
      record("licensing", [tenantId]);
      const st = licensingStateOf(tenantId);
      const estimate = estimateOf(tenantId);
      return {
        estimate,
        plan: mockPlan(estimate, st.saved),
        reviewCandidates: st.candidates.map((c) => ({ ...c, reviewed: st.scope.get(c.id)?.accessReview ?? false })),
      };
    },

    async licensePlan(tenantId: string, settings: PlanSettings, save: boolean): Promise<LicensePlan> {
      record("licensePlan", [tenantId, settings, save]);
      const plan = mockPlan(estimateOf(tenantId), settings);
      if (save) licensingStateOf(tenantId).saved = structuredClone(settings);
      return plan;
    },

    async licenseScope(tenantId: string, id: string): Promise<ScopeFlags> {
      record("licenseScope", [tenantId, id]);
      knownIdentity(tenantId, id);
      return scopeFlagsOf(tenantId, id);
    },

    async setLicenseScope(tenantId: string, id: string, reason: ScopeReason, included: boolean): Promise<ScopeFlags> {
      record("setLicenseScope", [tenantId, id, reason, included]);
      knownIdentity(tenantId, id);
      if (reason === "accessReview" && !isManagedIdentity(tenantId, id))
        throw new BackendError("invalidInput", "access reviews apply to managed identities only");
      const st = licensingStateOf(tenantId);
      const cur = st.scope.get(id) ?? { accessReview: false, picked: false };
      const next = { ...cur, [reason]: included };
      if (next.accessReview || next.picked) st.scope.set(id, next);
      else st.scope.delete(id);
      return scopeFlagsOf(tenantId, id);
    },

    async dashboard(tenantId: string, days: number): Promise<Dashboard> {
      record("dashboard", [tenantId, days]);
      return dashboardOf(tenantId, days);
    },

    async riskReport(tenantId: string, settings: RiskSettings | null): Promise<RiskReport> {
      record("riskReport", [tenantId, settings]);
      return riskReportOf(tenantId, settings ?? DEFAULT_RISK_SETTINGS);
    },

    async riskAction(tenantId: string, spIds: string[], action: RiskAction): Promise<null> {
      record("riskAction", [tenantId, spIds, action]);
      tenantRows(tenantId);
      if (spIds.length === 0) throw new BackendError("invalidInput", "no identity given: pick at least one identity to act on");
      const actions = riskActionsOf(tenantId);
      riskActionSeq += 1;
      const at = new Date(Date.parse(MOCK_AS_OF) + riskActionSeq * 1000).toISOString();
      for (const sp of spIds) actions.set(sp, { action, at, pushed: false });
      return null;
    },

    async riskSignalSignIns(tenantId: string, filter: SignInFilter): Promise<SignInRow[]> {
      record("riskSignalSignIns", [tenantId, filter]);
      const s = allSignalsOf(tenantId).find((x) => sameFilter(x.signIns, filter));
      return s ? mockSignalSignIns(s, filter) : [];
    },

    async reportCatalog(): Promise<ReportInfo[]> {
      record("reportCatalog", []);
      return structuredClone(MOCK_REPORT_CATALOG);
    },

    async reportPreview(args: ReportArgs): Promise<ReportPreview> {
      record("reportPreview", [args]);
      const info = checkReportArgs(args);
      const tenant = tenants.find((t) => t.id === args.tenantId)!;
      const asOf = args.asOf ?? MOCK_AS_OF;
      const names = [HOSTILE_NAME, ...tenantRows(args.tenantId).slice(0, 5).map((r) => r.displayName)];
      return { title: info.title, tenantId: args.tenantId, asOf, html: mockReportHtml(info, tenant.displayName, asOf, args, names) };
    },

    async chooseReportPath(args: ReportArgs, format: Format): Promise<string | null> {
      record("chooseReportPath", [args, format]);
      const info = checkReportArgs(args);
      if (!info.formats.includes(format))
        throw new BackendError("invalidInput", `the ${info.title} report is not offered as ${format.toUpperCase()}`);
      const saved = options.reports?.savePath;
      return saved === undefined ? `/home/admin/Documents/${mockReportFileName(args, format)}` : saved;
    },

    async exportReport(args: ReportArgs, format: Format, path: string, csvBom: boolean): Promise<ExportResult> {
      record("exportReport", [args, format, path, csvBom]);
      const info = checkReportArgs(args);
      if (!info.formats.includes(format))
        throw new BackendError("invalidInput", `the ${info.title} report is not offered as ${format.toUpperCase()}`);
      if (path === "") throw new BackendError("invalidInput", "choose a file to save the report to");
      if (exportProgressState) throw new BackendError("invalidInput", "an export is already running; wait for it or cancel it first");
      exportProgressState = { ...MOCK_EXPORT_PROGRESS };
      try {
        if (options.reports?.holdExport) {
          await new Promise<void>((resolve) => (stopExport = resolve));
          throw new BackendError("cancelled", "The export was cancelled; nothing was written.");
        }
        const rows = args.kind === "inventory" ? tenantRows(args.tenantId).length : MOCK_EXPORT_PROGRESS.rowsTotal!;
        return { path, bytes: MOCK_EXPORT_BYTES, rows, format, asOf: args.asOf ?? MOCK_AS_OF };
      } finally {
        exportProgressState = null;
        stopExport = null;
      }
    },

    async exportProgress(): Promise<ProgressState | null> {
      record("exportProgress", []);
      return exportProgressState ? { ...exportProgressState } : null;
    },

    async cancelExport(): Promise<void> {
      record("cancelExport", []);
      stopExport?.();
    },

    async chooseImportPaths(folder: boolean): Promise<string[] | null> {
      record("chooseImportPaths", [folder]);
      if (folder) {
        const picked = options.imports?.folder;
        return picked === undefined ? [MOCK_IMPORT_FOLDER] : picked === null ? null : [picked];
      }
      const picked = options.imports?.files;
      return picked === undefined ? [...MOCK_IMPORT_FILES] : picked === null ? null : [...picked];
    },

    async importGraphFiles(paths: string[], tenant: string | null): Promise<ImportResult> {
      record("importGraphFiles", [paths, tenant]);
      return importGraph(paths, tenant);
    },

    async connectionStatus(tenantId: string): Promise<ConnectionStatus> {
      record("connectionStatus", [tenantId]);
      const t = tenants.find((x) => x.id === tenantId);
      if (!t) throw new BackendError("notFound", `Tenant ${tenantId} is not in the local database. Pick another tenant.`);
      const datasets = syncedStatus.get(t.id) ?? mockConnectionDatasets(t.isDemo);
      return { tenantId: t.id, datasets: structuredClone(datasets) };
    },

    async testConnection(args: ConnectArgs): Promise<string> {
      record("testConnection", [args]);
      return signIn(args, resolveSecret(args));
    },

    async syncTenant(args: ConnectArgs): Promise<SyncOutcome> {
      record("syncTenant", [args]);
      const credential = resolveSecret(args);
      if (syncProgressState) throw new BackendError("invalidInput", "a sync is already running; wait for it or cancel it first");
      const tenantName = signIn(args, credential);
      // A secret that signed in is kept even when the sync stops later on (it is cancelled, say).
      const secretNote =
        args.rememberSecret && credential.kind === "secret" && credential.given
          ? rememberSecret(args, credential.secret)
          : null;
      syncProgressState = { ...MOCK_SYNC_PROGRESS };
      try {
        if (options.sync?.hold) {
          await new Promise<void>((resolve) => (stopSync = resolve));
          throw new BackendError("cancelled", MOCK_SYNC_CANCELLED_MESSAGE);
        }
        const given = args.tenantId.trim();
        const at = tenants.findIndex((t) => t.id.toLowerCase() === given.toLowerCase());
        const id = at >= 0 ? tenants[at]!.id : given;
        const tenant: TenantSummary = {
          ...(at >= 0 ? tenants[at]! : makeTenant(id, tenantName, { defaultDomain: null })),
          displayName: tenantName,
          isDemo: false,
          dataAsOf: MOCK_SYNCED_AT,
        };
        if (at >= 0) tenants[at] = tenant;
        else tenants.push(tenant);
        if (!rowsByTenant.has(id)) rowsByTenant.set(id, sortRows(makeRows(options.rowCount ?? 50)));
        syncedStatus.set(
          id,
          MOCK_SYNCED_DATASETS.map((d) => ({
            dataset: d.dataset,
            status: d.status,
            detail: d.detail,
            syncedAt: d.status === "ok" ? MOCK_SYNCED_AT : null,
            source: d.status === "ok" ? "synced" : null,
          })),
        );
        return { tenantId: id, tenantName, datasets: structuredClone(MOCK_SYNCED_DATASETS), retries: 1, secretNote };
      } finally {
        syncProgressState = null;
        stopSync = null;
      }
    },

    async syncProgress(): Promise<SyncProgress | null> {
      record("syncProgress", []);
      return syncProgressState ? { ...syncProgressState } : null;
    },

    async cancelSync(): Promise<void> {
      record("cancelSync", []);
      stopSync?.();
    },

    async secretStatus(tenantId: string, clientId: string): Promise<SecretStatus> {
      record("secretStatus", [tenantId, clientId]);
      if (!secretStore)
        return {
          kept: false,
          available: false,
          detail: MOCK_NO_SECRET_STORE_DETAIL,
          adminSignedIn: adminSignIns.has(account(tenantId, clientId)),
        };
      return {
        kept: keptSecrets.has(account(tenantId, clientId)),
        available: true,
        detail: MOCK_SECRET_STORE,
        adminSignedIn: adminSignIns.has(account(tenantId, clientId)),
      };
    },

    async forgetSecret(tenantId: string, clientId: string): Promise<boolean> {
      record("forgetSecret", [tenantId, clientId]);
      // The admin sign-in goes too (kept for the session only on a machine without a secret store).
      const admin = adminSignIns.delete(account(tenantId, clientId));
      if (!secretStore) throw new BackendError("io", `${MOCK_NO_SECRET_STORE_DETAIL}; nothing was removed`);
      return keptSecrets.delete(account(tenantId, clientId)) || admin;
    },

    async signInAdmin(args: AdminSignInArgs): Promise<string> {
      record("signInAdmin", [args]);
      const [tenantId, clientId] = [args.tenantId.trim(), args.clientId.trim()];
      if (tenantId === "" || clientId === "")
        throw new BackendError("invalidInput", "give the tenant id and the client id of a public client app registration");
      const authority = args.authorityUrl?.trim() || "https://login.microsoftonline.com";
      adminProgressState = args.deviceCode
        ? { method: "deviceCode", url: MOCK_DEVICE_LOGIN_URL, userCode: MOCK_DEVICE_CODE }
        : {
            method: "browser",
            url: `${authority}/${tenantId}/oauth2/v2.0/authorize?client_id=${clientId}&response_type=code`,
            userCode: null,
          };
      try {
        const error = await new Promise<BackendError | undefined>((resolve) => {
          endAdminSignIn = resolve;
          if (!options.sync?.holdAdminSignIn) setTimeout(() => resolve(undefined), MOCK_ADMIN_SIGN_IN_DELAY_MS);
        });
        if (error) throw error;
      } finally {
        adminProgressState = null;
        endAdminSignIn = null;
      }
      adminSignIns.add(account(tenantId, clientId));
      return secretStore ? MOCK_ADMIN_SIGNED_IN_NOTE : MOCK_ADMIN_SESSION_NOTE;
    },

    async adminSignInProgress(): Promise<AdminSignInProgress | null> {
      record("adminSignInProgress", []);
      return adminProgressState ? { ...adminProgressState } : null;
    },
  };
  return backend;
}
