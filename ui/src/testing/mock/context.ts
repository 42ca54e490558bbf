// What every part of the mock backend shares: the options a test gave, the call log, injected
// failures, and the tenants the cache holds (imports and syncs add to them).
import { BackendError, type Backend, type OutboxItem, type TenantSummary } from "../../ipc/backend";
import { DEMO_TENANT, type MockCache } from "./fixtures";

export type MockCall = { method: keyof Backend; args: unknown[] };

export type MockSyncOptions = {
  /** Keep each sync running (at the fixtures' progress) until `cancelSync` stops it with kind `cancelled`. */
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
  /**
   * What the certificate dialog returns, one answer per call in this order; `null`: the user cancelled it. Without
   * answers, or once they are used up, it returns `MOCK_CERTIFICATE_PATH`.
   */
  certificates?: (string | null)[];
};

export type MockImportOptions = {
  /** What the file dialog returns; `null`: the user cancelled it. Defaults to `MOCK_IMPORT_FILES`. */
  files?: string[] | null;
  /** What the folder dialog returns; `null`: the user cancelled it. Defaults to `[MOCK_IMPORT_FOLDER]`. */
  folder?: string | null;
  /** The tenant named by the organization responses (files named `organization…`). Defaults to `MOCK_IMPORT_TENANT`. */
  organization?: TenantSummary;
  /** Keep each import streaming archives (at `MOCK_IMPORT_PROGRESS`) until `cancelImport` stops it. */
  holdImport?: boolean;
};

export type MockReportOptions = {
  /** What the save dialog returns; `null`: the user cancelled it. Defaults to a path with the suggested name. */
  savePath?: string | null;
  /** Keep each export running (at `MOCK_EXPORT_PROGRESS`) until `cancelExport` stops it. */
  holdExport?: boolean;
};

export type MockIdentityOptions = {
  /**
   * Pads the unfiltered identity list to this many rows by repeating the fixtures' rows under new ids: for
   * tests of the grid's paging and virtualisation, which need volume rather than meaning.
   */
  count?: number;
};

export type MockBackendOptions = {
  /** The tenants the cache holds; every one answers with the fixtures' data. Defaults to the demo tenant. */
  tenants?: TenantSummary[];
  activeTenantId?: string | null;
  /** Which fixture cache the tenants read (default `demo`). */
  cache?: MockCache;
  /** Make a method fail with this error. */
  fail?: Partial<Record<keyof Backend, BackendError>>;
  identities?: MockIdentityOptions;
  /** Tweaks of the report exports. */
  reports?: MockReportOptions;
  /** Tweaks of the Graph JSON import. */
  imports?: MockImportOptions;
  /** Tweaks of the Graph sync (Connections page). */
  sync?: MockSyncOptions;
};

/** The state the parts share. */
export type MockContext = {
  options: MockBackendOptions;
  cache: MockCache;
  calls: MockCall[];
  /** Logs a call, then throws the failure the test injected for it, if any. */
  record: (method: keyof Backend, args: unknown[]) => void;
  /** The tenants the cache holds, in the order `appInfo` lists them. */
  tenants: TenantSummary[];
  activeTenantId: string | null;
  /** The tenant with this id; fails as the backend does when the cache does not hold it. */
  tenant: (tenantId: string) => TenantSummary;
  /** The changes queued in this session, as the outbox holds them. */
  queued: OutboxItem[];
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

export function createContext(options: MockBackendOptions): MockContext {
  const calls: MockCall[] = [];
  // A copy: imports and syncs add and refresh tenants.
  const tenants = [...(options.tenants ?? [DEMO_TENANT])];
  const ctx: MockContext = {
    options,
    cache: options.cache ?? "demo",
    calls,
    record: (method, args) => {
      calls.push({ method, args: structuredClone(args) });
      const failure = options.fail?.[method];
      if (failure) throw failure;
    },
    tenants,
    queued: [],
    activeTenantId: options.activeTenantId === undefined ? (tenants[0]?.id ?? null) : options.activeTenantId,
    tenant: (tenantId) => {
      const t = ctx.tenants.find((x) => x.id === tenantId);
      if (!t) throw new BackendError("notFound", `Tenant ${tenantId} is not in the local database. Pick another tenant.`);
      return t;
    },
  };
  return ctx;
}
