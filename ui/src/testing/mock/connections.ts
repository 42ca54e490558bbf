// The Connections page's commands, simulated: what the cache holds per dataset (the demo tenant's as
// the fixtures hold it), the certificate dialog answering what the test set, sign-ins that accept one
// secret, a sync with progress and cancel, secrets and admin sign-ins kept "in the OS keyring", and the
// device-code and browser sign-ins.
import {
  BackendError,
  type AdminSignInArgs,
  type AdminSignInProgress,
  type Backend,
  type ConnectArgs,
  type ConnectionStatus,
  type DatasetStatus,
  type SecretStatus,
  type SyncedDataset,
  type SyncOutcome,
  type SyncProgress,
  type TenantSummary,
} from "../../ipc/backend";
import { makeTenant, type MockContext } from "./context";
import { connectionsFixture } from "./fixtures";
import { MOCK_IMPORTED_AT } from "./import";

/** The only client secret the mock's sign-in accepts. */
export const MOCK_GOOD_SECRET = "good";
/** Entra's answer to a wrong secret, as the sync passes it on. */
export const MOCK_BAD_SECRET_MESSAGE =
  "Sign-in failed: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID. Check the secret under Certificates & secrets of the app registration.";
/** The organization a sync reads for a tenant the cache does not hold yet. */
export const MOCK_SYNC_TENANT_NAME = "Northwind Traders";
/** When the mock's syncs read their data. */
export const MOCK_SYNCED_AT = "2025-06-03T08:15:00Z";
/** Where a held sync stands while it runs (with the backend's words for the time left). */
export const MOCK_SYNC_PROGRESS: SyncProgress = connectionsFixture.syncProgress;
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
    detail: "Graph answered 403: the tenant has no Workload ID Premium license.",
    items: 0,
    pages: 0,
    removed: 0,
  },
];

/** Where the mock keeps secrets, as the OS keyring describes itself. */
export const MOCK_SECRET_STORE = connectionsFixture.defaults.secretStore;
/** Why the mock cannot keep secrets when `sync.noSecretStore` is set (the keyring crate's wording). */
export const MOCK_NO_SECRET_STORE_DETAIL =
  "no OS secret store is reachable here (no D-Bus session bus); on Linux that is a Secret Service such as GNOME Keyring or KWallet, reached over D-Bus";
/** The sync's note when it kept the secret. */
export const MOCK_SECRET_KEPT_NOTE = `The client secret is kept in ${MOCK_SECRET_STORE} for the next sync of this tenant.`;
/** The sync's note when it was asked to keep the secret on a machine without a secret store. */
export const MOCK_SECRET_NOT_KEPT_NOTE = `${MOCK_NO_SECRET_STORE_DETAIL}. The secret was not stored: give it again next time`;
/** The error of a sync or test with an empty secret when none is kept (the backend's). */
export const MOCK_NO_KEPT_SECRET_MESSAGE = connectionsFixture.errors.noKeptSecret.message;

/** How long an admin sign-in the test does not hold takes. */
export const MOCK_ADMIN_SIGN_IN_DELAY_MS = 30;
/** The device login page and the code the mock's device-code sign-in shows. */
export const MOCK_DEVICE_LOGIN_URL = "https://microsoft.com/devicelogin";
export const MOCK_DEVICE_CODE = "FQK7TZ3MB";
/** What a successful admin sign-in says. */
export const MOCK_ADMIN_SIGNED_IN_NOTE = `Signed in. The sign-in is kept in ${MOCK_SECRET_STORE} for the next syncs of this tenant.`;
/** What an admin sign-in says on a machine without a secret store: it is kept for the session. */
export const MOCK_ADMIN_SESSION_NOTE = `Signed in for this session only: ${MOCK_NO_SECRET_STORE_DETAIL}`;
/** The error of a delegated sync or test when no admin is signed in (the backend's). */
export const MOCK_NO_ADMIN_MESSAGE = connectionsFixture.errors.noAdmin.message;
/** What the certificate dialog picks when the test gave it no answer. */
export const MOCK_CERTIFICATE_PATH = "/home/admin/certificates/steward.pem";
/** The error of a sync or test whose certificate is not a PEM file (the backend's; the mock takes a path not ending in `.pem` for one). */
export function mockBadCertificateMessage(path: string): string {
  return connectionsFixture.errors.badCertificate.message.replace("{path}", path);
}

/** What the cache holds for a tenant the mock has not synced: the demo tenant's datasets, or a mix of sources. */
export function mockConnectionDatasets(demo: boolean): DatasetStatus[] {
  if (demo) return structuredClone(connectionsFixture.demo.datasets);
  return [
    { dataset: "organization", state: "ok", detail: null, syncedAt: "2025-05-30T07:00:00Z", source: "sync" },
    { dataset: "servicePrincipals", state: "ok", detail: null, syncedAt: MOCK_IMPORTED_AT, source: "import" },
    {
      dataset: "signIns",
      state: "inProgress",
      detail: null,
      syncedAt: "2025-05-29T07:00:00Z",
      source: "sync",
    },
    {
      dataset: "riskyServicePrincipals",
      state: "notAvailable",
      detail: "Graph answered 403: the tenant has no Workload ID Premium license.",
      syncedAt: null,
      source: null,
    },
  ];
}

/**
 * How the sync signs in, in the backend's order: as the signed-in admin (`delegated`), with the certificate,
 * or with the secret given (else the kept one); and whether a secret was given.
 */
type Credential = { kind: "admin" } | { kind: "certificate" } | { kind: "secret"; secret: string; given: boolean };

export type ConnectionsMock = Pick<
  Backend,
  | "connectionStatus"
  | "chooseCertificatePath"
  | "testConnection"
  | "syncTenant"
  | "syncProgress"
  | "cancelSync"
  | "secretStatus"
  | "connectionDefaults"
  | "forgetSecret"
  | "signInAdmin"
  | "adminSignInProgress"
> & {
  /** Ends the admin sign-in that waits (with `sync.holdAdminSignIn`); whether one was waiting. */
  finishAdminSignIn: (error?: BackendError) => boolean;
};

export function connectionsMock(ctx: MockContext): ConnectionsMock {
  const options = ctx.options.sync ?? {};
  // What the cache holds per tenant after a sync (tenants not synced show `mockConnectionDatasets`).
  const syncedStatus = new Map<string, DatasetStatus[]>();
  let syncProgressState: SyncProgress | null = null;
  let stopSync: (() => void) | null = null;
  // Secrets kept "in the OS keyring", by tenant and client id (case-insensitive, as the backend's accounts).
  const keptSecrets = new Map<string, string>();
  const secretStore = !options.noSecretStore;
  // Kept credentials are bound to their sign-in address, as the backend binds them to its host.
  const account = (tenantId: string, clientId: string, authorityUrl?: string | null) =>
    `${tenantId.trim().toLowerCase()}/${clientId.trim().toLowerCase()}@${authorityUrl?.trim().toLowerCase() || "global"}`;
  // Admin sign-ins (delegated) kept "in the OS keyring" (or for the session without one), by tenant and client id.
  const adminSignIns = new Set<string>();
  let adminProgressState: AdminSignInProgress | null = null;
  let endAdminSignIn: ((error?: BackendError) => void) | null = null;
  // The certificate dialog's answers still to give (a copy, so that the test's list stays as it gave it).
  const certificateAnswers = [...(options.certificates ?? [])];
  const resolveSecret = (args: ConnectArgs): Credential => {
    if (args.tenantId.trim() === "" || args.clientId.trim() === "")
      throw new BackendError("invalidInput", "give the tenant id, the client (application) id and its client secret");
    if (args.delegated) {
      if (!adminSignIns.has(account(args.tenantId, args.clientId, args.authorityUrl)))
        throw new BackendError("invalidInput", MOCK_NO_ADMIN_MESSAGE);
      return { kind: "admin" };
    }
    const path = args.certificatePath?.trim() ?? "";
    if (path !== "") {
      if (!/\.pem$/i.test(path)) throw new BackendError("invalidInput", mockBadCertificateMessage(path));
      return { kind: "certificate" };
    }
    if (args.clientSecret !== "") return { kind: "secret", secret: args.clientSecret, given: true };
    const kept = secretStore ? keptSecrets.get(account(args.tenantId, args.clientId, args.authorityUrl)) : undefined;
    if (kept === undefined) throw new BackendError("invalidInput", MOCK_NO_KEPT_SECRET_MESSAGE);
    return { kind: "secret", secret: kept, given: false };
  };
  const signIn = (args: ConnectArgs, credential: Credential): string => {
    if (credential.kind === "secret" && credential.secret !== MOCK_GOOD_SECRET)
      throw new BackendError("invalidInput", MOCK_BAD_SECRET_MESSAGE);
    const tenantId = args.tenantId.trim();
    const known = ctx.tenants.find((t) => t.id.toLowerCase() === tenantId.toLowerCase());
    return known && !known.isDemo ? known.displayName : (options.tenantName ?? MOCK_SYNC_TENANT_NAME);
  };
  /** Keeps a secret that signed in, as the backend does when asked to; what the sync says about it. */
  const rememberSecret = (args: ConnectArgs, secret: string): string => {
    if (!secretStore) return MOCK_SECRET_NOT_KEPT_NOTE;
    keptSecrets.set(account(args.tenantId, args.clientId, args.authorityUrl), secret);
    return MOCK_SECRET_KEPT_NOTE;
  };

  return {
    finishAdminSignIn: (error) => {
      const end = endAdminSignIn;
      end?.(error);
      return end !== null;
    },

    async connectionStatus(tenantId: string): Promise<ConnectionStatus> {
      ctx.record("connectionStatus", [tenantId]);
      const t = ctx.tenant(tenantId);
      const datasets = syncedStatus.get(t.id) ?? mockConnectionDatasets(t.isDemo);
      return { tenantId: t.id, datasets: structuredClone(datasets) };
    },

    async chooseCertificatePath(): Promise<string | null> {
      ctx.record("chooseCertificatePath", []);
      const answer = certificateAnswers.shift();
      return answer === undefined ? MOCK_CERTIFICATE_PATH : answer;
    },

    async testConnection(args: ConnectArgs): Promise<string> {
      ctx.record("testConnection", [args]);
      return signIn(args, resolveSecret(args));
    },

    async syncTenant(args: ConnectArgs): Promise<SyncOutcome> {
      ctx.record("syncTenant", [args]);
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
        if (options.hold) {
          await new Promise<void>((resolve) => (stopSync = resolve));
          throw new BackendError("cancelled", MOCK_SYNC_CANCELLED_MESSAGE);
        }
        const given = args.tenantId.trim();
        const at = ctx.tenants.findIndex((t) => t.id.toLowerCase() === given.toLowerCase());
        const id = at >= 0 ? ctx.tenants[at]!.id : given;
        const tenant: TenantSummary = {
          ...(at >= 0 ? ctx.tenants[at]! : makeTenant(id, tenantName, { defaultDomain: null })),
          displayName: tenantName,
          isDemo: false,
          dataAsOf: MOCK_SYNCED_AT,
        };
        if (at >= 0) ctx.tenants[at] = tenant;
        else ctx.tenants.push(tenant);
        syncedStatus.set(
          id,
          MOCK_SYNCED_DATASETS.map((d) => ({
            dataset: d.dataset,
            state: d.status,
            detail: d.detail,
            syncedAt: d.status === "ok" ? MOCK_SYNCED_AT : null,
            source: d.status === "ok" ? "sync" : null,
          })),
        );
        return {
          tenantId: id,
          tenantName,
          datasets: structuredClone(MOCK_SYNCED_DATASETS),
          retries: 1,
          secretNote,
          // In the backend's words, when the form asked for the lookups.
          redirectDomains: args.resolveRedirectDomains === true ? connectionsFixture.redirectDomains : null,
          // Nothing queued in the Connections tests; the push's own tests use `pushChanges`.
          pushed: {
            pushed: 0,
            failed: 0,
            conflicts: 0,
            waiting: 0,
            items: [],
            newSecrets: [],
            secretsWaiting: 0,
            stopped: null,
          },
        };
      } finally {
        syncProgressState = null;
        stopSync = null;
      }
    },

    async syncProgress(): Promise<SyncProgress | null> {
      ctx.record("syncProgress", []);
      return syncProgressState ? { ...syncProgressState } : null;
    },

    async cancelSync(): Promise<void> {
      ctx.record("cancelSync", []);
      stopSync?.();
    },

    async secretStatus(tenantId: string, clientId: string, authorityUrl: string | null): Promise<SecretStatus> {
      ctx.record("secretStatus", [tenantId, clientId, authorityUrl]);
      const adminSignedIn = adminSignIns.has(account(tenantId, clientId, authorityUrl));
      if (!secretStore) return { kept: false, available: false, detail: MOCK_NO_SECRET_STORE_DETAIL, adminSignedIn };
      return { kept: keptSecrets.has(account(tenantId, clientId, authorityUrl)), available: true, detail: MOCK_SECRET_STORE, adminSignedIn };
    },

    async connectionDefaults() {
      ctx.record("connectionDefaults", []);
      return { ...connectionsFixture.defaults };
    },

    async forgetSecret(tenantId: string, clientId: string, authorityUrl: string | null): Promise<boolean> {
      ctx.record("forgetSecret", [tenantId, clientId, authorityUrl]);
      // The admin sign-in goes too (kept for the session only on a machine without a secret store).
      const admin = adminSignIns.delete(account(tenantId, clientId, authorityUrl));
      if (!secretStore) throw new BackendError("io", `${MOCK_NO_SECRET_STORE_DETAIL}; nothing was removed`);
      return keptSecrets.delete(account(tenantId, clientId, authorityUrl)) || admin;
    },

    async signInAdmin(args: AdminSignInArgs): Promise<string> {
      ctx.record("signInAdmin", [args]);
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
          if (!options.holdAdminSignIn) setTimeout(() => resolve(undefined), MOCK_ADMIN_SIGN_IN_DELAY_MS);
        });
        if (error) throw error;
      } finally {
        adminProgressState = null;
        endAdminSignIn = null;
      }
      adminSignIns.add(account(tenantId, clientId, args.authorityUrl));
      return secretStore ? MOCK_ADMIN_SIGNED_IN_NOTE : MOCK_ADMIN_SESSION_NOTE;
    },

    async adminSignInProgress(): Promise<AdminSignInProgress | null> {
      ctx.record("adminSignInProgress", []);
      return adminProgressState ? { ...adminProgressState } : null;
    },
  };
}
