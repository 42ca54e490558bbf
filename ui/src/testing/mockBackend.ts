// In-memory Backend for unit tests (and for running the UI without Tauri if ever needed).
import {
  BackendError,
  type AppInfo,
  type Backend,
  type CredentialView,
  type IdentityDetail,
  type IdentityKind,
  type IdentityPage,
  type IdentityQuery,
  type IdentityRow,
  type Overview,
  type Ownership,
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
};

export type MockBackend = Backend & { calls: MockCall[]; callsOf: (m: keyof Backend) => unknown[][] };

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

export const DEFAULT_TENANT = makeTenant("contoso", "Contoso (demo)", { isDemo: true });

export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const tenants = options.tenants ?? [DEFAULT_TENANT];
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
    calls.push({ method, args });
    const failure = options.fail?.[method];
    if (failure) throw failure;
  };
  const tenantSummary = (t: TenantSummary): TenantSummary => ({
    ...t,
    servicePrincipalCount: rowsByTenant.get(t.id)?.length ?? 0,
  });

  const backend: MockBackend = {
    calls,
    callsOf: (m) => calls.filter((c) => c.method === m).map((c) => c.args),

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
  };
  return backend;
}
