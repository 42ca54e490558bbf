import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Radio,
  RadioGroup,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
} from "@fluentui/react-components";
import {
  ArrowSync20Regular,
  Copy20Regular,
  Globe20Regular,
  KeyReset20Regular,
  Phone20Regular,
  PlugConnected20Regular,
} from "@fluentui/react-icons";
import {
  toBackendError,
  type AdminSignInProgress,
  type BackendError,
  type ConnectArgs,
  type DatasetSource,
  type DatasetState,
  type DatasetStatus,
  type ReadMode,
  type SecretStatus,
  type SyncOutcome,
  type SyncProgress,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { DatasetName } from "../components/DatasetName";
import { formatDateTime, formatNumber, plural } from "../format";

/** How often the page asks a running sync how far it got. */
export const SYNC_POLL_MS = 300;

/** How often the page asks a waiting admin sign-in for the page to open and the device code. */
export const ADMIN_SIGN_IN_POLL_MS = 500;

/** How long the page waits after the tenant or client id last changed before asking whether a secret is kept. */
export const SECRET_STATUS_DEBOUNCE_MS = 300;


const ERROR_TITLES: Partial<Record<BackendError["kind"], string>> = {
  invalidInput: "Sign-in failed",
  io: "Microsoft Graph did not answer",
};

const FORGET_TITLES: Partial<Record<BackendError["kind"], string>> = {
  io: "The kept secret could not be removed",
};

const SIGN_OUT_TITLES: Partial<Record<BackendError["kind"], string>> = {
  io: "The admin sign-in could not be removed",
};

const ADMIN_SIGN_IN_TITLES: Partial<Record<BackendError["kind"], string>> = {
  invalidInput: "Admin sign-in failed",
  io: "Entra did not answer",
};

/**
 * How Steward signs in to the tenant: as the app with its client secret or its certificate (application
 * permissions), or as an admin who signs in (delegated permissions of a public client app registration).
 */
export type SignInMethod = "secret" | "certificate" | "admin";

const METHOD_HINTS: Record<SignInMethod, string> = {
  secret: "As the app, with its client secret and application permissions.",
  certificate: "As the app, with a certificate uploaded to it and application permissions.",
  admin: "As an admin who signs in, with the app's delegated permissions.",
};


/** The key of an app registration's kept secret, as the backend files it (case-insensitive). */
function secretKey(tenantId: string, clientId: string): string {
  return `${tenantId.trim().toLowerCase()}/${clientId.trim().toLowerCase()}`;
}

/** A dataset's state as the admin reads it, with Graph's reason where it refused one. */
export function datasetStatusText(state: DatasetState, detail: string | null): string {
  switch (state) {
    case "ok":
      return "OK";
    case "notAvailable":
      return detail ? `Not available: ${detail}` : "Not available";
    case "inProgress":
      return "In progress — a round was interrupted and will resume on the next sync";
  }
}

/** Where a dataset's rows came from; "—" where nothing was read yet (Graph refused it). */
export function datasetSourceText(source: DatasetSource | null): string {
  switch (source) {
    case "sync":
      return "Synced";
    case "import":
      return "Imported";
    case "demo":
      return "Demo data";
    case null:
      return "—";
  }
}

export type ConnectionsPageProps = {
  /** The tenant on screen; `null` when the cache holds none yet. */
  tenantId: string | null;
  /** Whether the tenant on screen is the demo tenant (its id is then not offered for a sync). */
  isDemo?: boolean;
  /** Called after a successful sync, so the app can refresh its tenants and show the synced one. */
  onSynced?: (outcome: SyncOutcome) => void | Promise<void>;
};

type Outcome =
  | { type: "synced"; result: SyncOutcome }
  | { type: "cancelled"; message: string }
  | { type: "error"; error: BackendError }
  | null;

type TestResult = { type: "ok"; name: string } | { type: "error"; error: BackendError } | null;

/** What the backend said about the kept secret of one tenant and client id (`key`). */
type SecretState = { key: string; status: SecretStatus } | { key: string; error: BackendError };

/** How the last admin sign-in for one tenant and client id (`key`) ended. */
type AdminResult = { key: string; note: string } | { key: string; error: BackendError };

export function ConnectionsPage({ tenantId, isDemo = false, onSynced }: ConnectionsPageProps) {
  const backend = useBackend();
  const defaults = useKeptAsync(() => backend.connectionDefaults(), [backend]).data;
  const [tenantField, setTenantField] = useState(tenantId && !isDemo ? tenantId : "");
  const [clientId, setClientId] = useState("");
  const [method, setMethod] = useState<SignInMethod>("secret");
  const [secret, setSecret] = useState("");
  const [certificatePath, setCertificatePath] = useState("");
  const [graphUrl, setGraphUrl] = useState("");
  const [authorityUrl, setAuthorityUrl] = useState("");

  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<TestResult>(null);
  const [syncing, setSyncing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  // The OS keyring: whether a secret is kept for the tenant and client id in the form, and whether
  // this machine can keep one at all.
  const [remember, setRemember] = useState(true);
  const [secretState, setSecretState] = useState<SecretState | null>(null);
  // Whether secrets can be kept here is the machine's, not the app registration's: the latest answer holds.
  const [store, setStore] = useState<Pick<SecretStatus, "available" | "detail"> | null>(null);
  const [forgetting, setForgetting] = useState(false);
  const [forgetError, setForgetError] = useState<BackendError | null>(null);
  const secretRequest = useRef(0);

  // The admin sign-in (delegated): which one waits, what it shows meanwhile, and how the last one ended.
  const [adminWaiting, setAdminWaiting] = useState<"browser" | "deviceCode" | null>(null);
  const [adminProgress, setAdminProgress] = useState<AdminSignInProgress | null>(null);
  const [adminResult, setAdminResult] = useState<AdminResult | null>(null);

  const tenantKey = tenantField.trim();
  const clientKey = clientId.trim();
  const pairKey = tenantKey !== "" && clientKey !== "" ? secretKey(tenantKey, clientKey) : null;
  // An answer about another tenant or client id (the fields changed since) does not count.
  const secretNow = secretState !== null && secretState.key === pairKey ? secretState : null;
  const secretStatus = secretNow && "status" in secretNow ? secretNow.status : null;
  const kept = secretStatus?.kept === true;
  const adminSignedIn = secretStatus?.adminSignedIn === true;
  const adminNow = adminResult !== null && adminResult.key === pairKey ? adminResult : null;
  const busy = syncing || adminWaiting !== null;
  const storeName = store?.available ? store.detail : (defaults?.secretStore ?? "");

  const checkSecret = useCallback(
    async (tenant: string, client: string) => {
      const request = ++secretRequest.current;
      const key = secretKey(tenant, client);
      try {
        const status = await backend.secretStatus(tenant, client);
        if (request !== secretRequest.current) return;
        setSecretState({ key, status });
        setStore({ available: status.available, detail: status.detail });
      } catch (e) {
        if (request === secretRequest.current) setSecretState({ key, error: toBackendError(e) });
      }
    },
    [backend],
  );

  // Another tenant or client id: the last answer and a failed forget were about the old pair.
  const [pairShown, setPairShown] = useState(pairKey);
  if (pairKey !== pairShown) {
    setPairShown(pairKey);
    setForgetError(null);
    if (pairKey === null) setSecretState(null);
  }

  // Ask again whenever the tenant or client id settles.
  useEffect(() => {
    if (tenantKey === "" || clientKey === "") {
      // An answer still on its way is about a pair no longer in the form.
      secretRequest.current++;
      return;
    }
    const timer = setTimeout(() => void checkSecret(tenantKey, clientKey), SECRET_STATUS_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [checkSecret, tenantKey, clientKey]);

  const credentialGiven =
    method === "secret"
      ? secret !== "" || kept
      : method === "certificate"
        ? certificatePath.trim() !== ""
        : adminSignedIn && adminWaiting === null;
  const complete = tenantKey !== "" && clientKey !== "" && credentialGiven;

  const endpoints = () => ({
    graphUrl: graphUrl.trim() === "" ? null : graphUrl.trim(),
    authorityUrl: authorityUrl.trim() === "" ? null : authorityUrl.trim(),
  });

  /** What Test connection and Sync send: only the chosen method's credential. */
  const connectArgs = (): ConnectArgs => {
    const base = { tenantId: tenantField.trim(), clientId: clientId.trim() };
    switch (method) {
      case "certificate":
        return { ...base, clientSecret: "", certificatePath: certificatePath.trim(), ...endpoints() };
      case "admin":
        return { ...base, clientSecret: "", delegated: true, ...endpoints() };
      default:
        return { ...base, clientSecret: secret, ...endpoints() };
    }
  };

  const status = useKeptAsync(
    () => (tenantId === null ? Promise.resolve(null) : backend.connectionStatus(tenantId)),
    [backend, tenantId],
  );
  const reloadStatus = status.reload;

  // A sync started before this page opened (the user left while it ran) is still the one the
  // backend runs: show it, with its progress and Cancel, until it ends.
  const [earlier, setEarlier] = useState(false);
  useEffect(() => {
    let stopped = false;
    backend.syncProgress().then(
      (p) => {
        if (!stopped && p) {
          setProgress(p);
          setEarlier(true);
        }
      },
      () => {},
    );
    return () => {
      stopped = true;
    };
  }, [backend]);

  // While a sync runs, ask how far it got.
  useEffect(() => {
    if (!syncing && !earlier) return;
    let stopped = false;
    const poll = () => {
      backend.syncProgress().then(
        (p) => {
          if (stopped) return;
          if (p) {
            setProgress(p);
          } else if (earlier) {
            // The earlier sync ended: what it read is in the cache now.
            setEarlier(false);
            setProgress(null);
            reloadStatus();
          }
        },
        () => {
          // A missed reading is not worth an error: the next poll tries again.
        },
      );
    };
    poll();
    const timer = setInterval(poll, SYNC_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [backend, syncing, earlier, reloadStatus]);

  // While an admin sign-in waits, ask it for the page to open and the device code.
  useEffect(() => {
    if (adminWaiting === null) return;
    let stopped = false;
    const poll = () => {
      backend.adminSignInProgress().then(
        (p) => {
          if (!stopped && p) setAdminProgress(p);
        },
        () => {
          // A missed reading is not worth an error: the next poll tries again.
        },
      );
    };
    poll();
    const timer = setInterval(poll, ADMIN_SIGN_IN_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [backend, adminWaiting]);

  const signInAdmin = async (deviceCode: boolean) => {
    if (pairKey === null || adminWaiting !== null || syncing) return;
    const [tenant, client, key] = [tenantKey, clientKey, pairKey];
    setAdminWaiting(deviceCode ? "deviceCode" : "browser");
    setAdminProgress(null);
    setAdminResult(null);
    setTestResult(null);
    try {
      const note = await backend.signInAdmin({ tenantId: tenant, clientId: client, deviceCode, ...endpoints() });
      setAdminResult({ key, note });
    } catch (e) {
      setAdminResult({ key, error: toBackendError(e) });
    } finally {
      setAdminWaiting(null);
      setAdminProgress(null);
    }
    await checkSecret(tenant, client);
  };

  const chooseMethod = (next: SignInMethod) => {
    setMethod(next);
    // A test of another method says nothing about this one.
    setTestResult(null);
  };

  const test = async () => {
    if (!complete) return;
    setTesting(true);
    setTestResult(null);
    try {
      const name = await backend.testConnection(connectArgs());
      setTestResult({ type: "ok", name });
    } catch (e) {
      setTestResult({ type: "error", error: toBackendError(e) });
    } finally {
      setTesting(false);
    }
  };

  const sync = async () => {
    if (!complete || syncing) return;
    setOutcome(null);
    setTestResult(null);
    setProgress(null);
    setCancelling(false);
    setSyncing(true);
    // Only a client secret typed in the form can be kept.
    const args: ConnectArgs = method === "secret" ? { ...connectArgs(), rememberSecret: remember } : connectArgs();
    let result: SyncOutcome;
    try {
      result = await backend.syncTenant(args);
    } catch (e) {
      const error = toBackendError(e);
      setOutcome(error.kind === "cancelled" ? { type: "cancelled", message: error.message } : { type: "error", error });
      setSyncing(false);
      // A cancelled round keeps the pages it read: the table shows it as in progress.
      if (error.kind === "cancelled") status.reload();
      // A secret that signed in is kept even when the sync stopped later on.
      void checkSecret(args.tenantId, args.clientId);
      return;
    }
    void checkSecret(args.tenantId, args.clientId);
    if (method === "secret") setSecret("");
    setOutcome({ type: "synced", result });
    try {
      await onSynced?.(result);
    } catch (e) {
      setOutcome({ type: "error", error: toBackendError(e) });
    } finally {
      setSyncing(false);
      status.reload();
    }
  };

  const forget = async () => {
    if (pairKey === null) return;
    const [tenant, client] = [tenantKey, clientKey];
    setForgetting(true);
    setForgetError(null);
    // The admin sign-in goes with the secret: its note no longer holds.
    setAdminResult(null);
    try {
      await backend.forgetSecret(tenant, client);
    } catch (e) {
      setForgetError(toBackendError(e));
    } finally {
      setForgetting(false);
    }
    await checkSecret(tenant, client);
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await backend.cancelSync();
    } catch (e) {
      setCancelling(false);
      setOutcome({ type: "error", error: toBackendError(e) });
    }
  };

  return (
    <section data-testid="page-connections" className="page page-pad connections" aria-labelledby="connections-heading">
      <div className="page-header-text">
        <Title3 as="h2" id="connections-heading">
          Connections
        </Title3>
        <Caption1 className="secondary">
          Sign-in needs an app registration in the tenant: with a client secret or a certificate and application
          permissions (with admin consent) for the datasets to read, or a public client an admin signs in to with
          delegated permissions. See the section “Connect a tenant” of the README.
        </Caption1>
      </div>

      <div className="connections-form" role="group" aria-labelledby="connections-sync-heading">
        <Subtitle2 as="h3" id="connections-sync-heading">
          Sync a tenant
        </Subtitle2>
        {/* The fields keep a narrow column; what the test or sync reports below spans the wider form. */}
        <div className="connections-fields">
          <Field label="Tenant id" required>
            <Input
              data-testid="conn-tenant"
              className="mono"
              value={tenantField}
              placeholder="00000000-0000-0000-0000-000000000000"
              spellCheck={false}
              disabled={busy}
              onChange={(_, d) => setTenantField(d.value)}
            />
          </Field>
          <Field label="Client (application) id" required>
            <Input
              data-testid="conn-client"
              className="mono"
              value={clientId}
              placeholder="00000000-0000-0000-0000-000000000000"
              spellCheck={false}
              disabled={busy}
              onChange={(_, d) => setClientId(d.value)}
            />
          </Field>
          <Field label="Sign-in method" hint={METHOD_HINTS[method]}>
            <RadioGroup
              data-testid="conn-method"
              layout="horizontal"
              value={method}
              disabled={busy}
              onChange={(_, d) => chooseMethod(d.value as SignInMethod)}
            >
              <Radio value="secret" label="Client secret" />
              <Radio value="certificate" label="Certificate" />
              <Radio value="admin" label="Admin sign-in" />
            </RadioGroup>
          </Field>
          {method === "secret" && (
            <>
              <Field
                label="Client secret"
                required={!kept}
                hint={secretHint(kept, remember && store?.available !== false, storeName)}
              >
                <Input
                  data-testid="conn-secret"
                  type="password"
                  autoComplete="off"
                  value={secret}
                  placeholder={kept ? `Kept in ${storeName} — leave empty to use it` : undefined}
                  disabled={syncing}
                  onChange={(_, d) => setSecret(d.value)}
                />
              </Field>
              {secretStatus?.available && (
                <div className="connections-secret-status">
                  <Caption1 className="secondary" data-testid="conn-secret-status">
                    {secretStatus.kept
                      ? `A secret is kept in ${secretStatus.detail} for this app registration.`
                      : `No secret is kept in ${secretStatus.detail} for this app registration.`}
                  </Caption1>
                  {secretStatus.kept && (
                    <Button
                      appearance="subtle"
                      size="small"
                      data-testid="conn-forget"
                      icon={<KeyReset20Regular />}
                      disabled={forgetting || busy}
                      onClick={() => void forget()}
                    >
                      {/* The backend forgets both together. */}
                      {secretStatus.adminSignedIn ? "Forget kept secret and admin sign-in" : "Forget kept secret"}
                    </Button>
                  )}
                </div>
              )}
              {secretNow && "error" in secretNow && (
                <Caption1 className="secondary" data-testid="conn-secret-status">
                  Could not tell whether a secret is kept: {secretNow.error.message}
                </Caption1>
              )}
              {forgetError && <ErrorBar error={forgetError} titles={FORGET_TITLES} />}
              <Field
                hint={
                  store?.available === false ? (
                    <span data-testid="conn-remember-hint">Nothing can be kept on this machine: {store.detail}</span>
                  ) : undefined
                }
              >
                <Checkbox
                  data-testid="conn-remember"
                  label={`Keep the secret in ${storeName}`}
                  checked={remember}
                  disabled={syncing || store?.available === false}
                  onChange={(_, d) => setRemember(d.checked === true)}
                />
              </Field>
            </>
          )}
          {method === "certificate" && (
            <Field
              label="Certificate file (full path)"
              required
              hint="A PEM file holding the certificate uploaded to the app registration and its private key"
            >
              <Input
                data-testid="conn-certificate"
                className="mono"
                value={certificatePath}
                spellCheck={false}
                disabled={busy}
                onChange={(_, d) => setCertificatePath(d.value)}
              />
            </Field>
          )}
          {method === "admin" && (
            <AdminSignInArea
              canStart={pairKey !== null && !busy}
              waiting={adminWaiting}
              progress={adminProgress}
              signedIn={adminSignedIn}
              result={adminNow}
              onSignIn={(deviceCode) => void signInAdmin(deviceCode)}
              canSignOut={secretStatus?.available === true && !forgetting && !busy}
              keptSecret={kept}
              onSignOut={() => void forget()}
              signOutError={forgetError}
            />
          )}
          <Accordion collapsible>
            <AccordionItem value="advanced">
              <AccordionHeader as="h4" data-testid="conn-advanced" size="small">
                Advanced
              </AccordionHeader>
              <AccordionPanel className="form-stack connections-advanced">
                <Caption1 className="secondary">
                  For national clouds or the local Graph simulator; leave empty for the global Microsoft cloud.
                </Caption1>
                <Field label="Graph URL">
                  <Input
                    data-testid="conn-graph-url"
                    value={graphUrl}
                    placeholder={defaults?.graphUrl}
                    spellCheck={false}
                    disabled={busy}
                    onChange={(_, d) => setGraphUrl(d.value)}
                  />
                </Field>
                <Field label="Authority URL">
                  <Input
                    data-testid="conn-authority-url"
                    value={authorityUrl}
                    placeholder={defaults?.authorityUrl}
                    spellCheck={false}
                    disabled={busy}
                    onChange={(_, d) => setAuthorityUrl(d.value)}
                  />
                </Field>
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
          <div className="actions">
            <Button
              data-testid="conn-test"
              icon={<PlugConnected20Regular />}
              disabled={!complete || testing || busy}
              onClick={() => void test()}
            >
              {testing ? "Testing…" : "Test connection"}
            </Button>
            <Button
              appearance="primary"
              data-testid="conn-sync"
              icon={<ArrowSync20Regular />}
              disabled={!complete || busy || earlier}
              onClick={() => void sync()}
            >
              Sync now
            </Button>
          </div>
        </div>

        {testResult?.type === "ok" && (
          <MessageBar intent="success" layout="multiline" data-testid="conn-test-ok">
            <MessageBarBody>Connected to {testResult.name}</MessageBarBody>
          </MessageBar>
        )}
        {testResult?.type === "error" && <ErrorBar error={testResult.error} titles={ERROR_TITLES} />}

        {(syncing || earlier) && (
          <SyncProgressArea
            progress={progress}
            cancelling={cancelling}
            onCancel={() => void cancel()}
            earlier={earlier && !syncing}
          />
        )}
        {outcome?.type === "synced" && <SyncedBar result={outcome.result} />}
        {outcome?.type === "cancelled" && (
          <MessageBar intent="info" layout="multiline" data-testid="conn-cancelled">
            <MessageBarBody>
              <MessageBarTitle>Sync cancelled</MessageBarTitle>
              {outcome.message}
            </MessageBarBody>
          </MessageBar>
        )}
        {outcome?.type === "error" && <ErrorBar error={outcome.error} titles={ERROR_TITLES} />}
      </div>

      {tenantId !== null && (
        <div className="connections-cache">
          <Subtitle2 as="h3">What the cache holds</Subtitle2>
          {status.error && <ErrorBar error={status.error} onRetry={status.reload} />}
          {status.data ? (
            <DatasetTable datasets={status.data.datasets} />
          ) : (
            !status.error && <Loading label="Reading the cache…" />
          )}
        </div>
      )}
    </section>
  );
}

/** What the running sync is reading, how fast, and how long it has left where that is known. */
export function syncProgressText(p: SyncProgress): string {
  const items = p.total != null ? `${formatNumber(p.items)} of ${plural(p.total, "item")}` : plural(p.items, "item");
  const parts = [`Reading ${p.dataset}: ${items}`];
  if (p.perSec >= 1) parts.push(`${formatNumber(Math.round(p.perSec))}/s`);
  // The backend words the time left ("about 3 min left"), as the CLI's progress bar does.
  if (p.etaText) parts.push(p.etaText);
  return parts.join(" · ");
}

function SyncProgressArea({
  progress,
  cancelling,
  onCancel,
  earlier = false,
}: {
  progress: SyncProgress | null;
  cancelling: boolean;
  onCancel: () => void;
  /** The sync was started before this page was opened. */
  earlier?: boolean;
}) {
  const reading = progress ? syncProgressText(progress) : "Signing in…";
  const text = earlier ? `A sync started earlier is still running. ${reading}` : reading;
  const share = progress?.total ? Math.min(1, progress.items / progress.total) : undefined;
  return (
    <div className="export-progress" data-testid="conn-progress">
      <ProgressBar thickness="large" value={share} aria-label="Sync progress" aria-valuetext={text} />
      <Caption1 className="secondary">{text}</Caption1>
      <div className="actions">
        <Button data-testid="conn-cancel" disabled={cancelling} onClick={onCancel}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}

function AdminSignInArea({
  canStart,
  waiting,
  progress,
  signedIn,
  result,
  onSignIn,
  canSignOut,
  keptSecret,
  onSignOut,
  signOutError,
}: {
  /** The tenant and client id are given and nothing else runs. */
  canStart: boolean;
  waiting: "browser" | "deviceCode" | null;
  progress: AdminSignInProgress | null;
  signedIn: boolean;
  result: AdminResult | null;
  onSignIn: (deviceCode: boolean) => void;
  canSignOut: boolean;
  /** A client secret is kept for the app registration too (signing out forgets it as well). */
  keptSecret: boolean;
  onSignOut: () => void;
  signOutError: BackendError | null;
}) {
  return (
    <div className="connections-admin" data-testid="conn-admin">
      <Caption1 className="secondary" data-testid="conn-admin-hint">
        The client id must be that of a public client app registration (Authentication: allow public client flows, and
        the redirect URI http://localhost under Mobile and desktop applications) with delegated Microsoft Graph
        permissions for the datasets to read. Steward reads what both those permissions and the admin's roles allow.
      </Caption1>
      <div className="actions">
        <Button
          data-testid="conn-admin-browser"
          icon={<Globe20Regular />}
          disabled={!canStart}
          onClick={() => onSignIn(false)}
        >
          Sign in with browser
        </Button>
        <Button data-testid="conn-admin-device" icon={<Phone20Regular />} disabled={!canStart} onClick={() => onSignIn(true)}>
          Use a device code
        </Button>
      </div>
      {waiting !== null && <AdminSignInProgressArea waiting={waiting} progress={progress} />}
      {result && "note" in result && (
        <MessageBar intent="success" layout="multiline" data-testid="conn-admin-note">
          <MessageBarBody>{result.note}</MessageBarBody>
        </MessageBar>
      )}
      {result && "error" in result && <ErrorBar error={result.error} titles={ADMIN_SIGN_IN_TITLES} />}
      {signedIn ? (
        <div className="connections-secret-status">
          <Caption1 className="secondary" data-testid="conn-admin-status">
            An admin is signed in for this app registration: Test connection and Sync now use that sign-in.
          </Caption1>
          {canSignOut && (
            <Button
              appearance="subtle"
              size="small"
              data-testid="conn-admin-sign-out"
              icon={<KeyReset20Regular />}
              onClick={onSignOut}
            >
              {keptSecret ? "Sign out and forget the kept secret" : "Sign out"}
            </Button>
          )}
        </div>
      ) : (
        waiting === null && (
          <Caption1 className="secondary">No admin is signed in for this app registration: sign in first.</Caption1>
        )
      )}
      {signOutError && <ErrorBar error={signOutError} titles={SIGN_OUT_TITLES} />}
    </div>
  );
}

function AdminSignInProgressArea({
  waiting,
  progress,
}: {
  waiting: "browser" | "deviceCode";
  /** `null` until the backend says where to sign in. */
  progress: AdminSignInProgress | null;
}) {
  const [copy, setCopy] = useState<"copied" | "failed" | null>(null);
  const code = progress?.method === "deviceCode" ? progress.userCode : null;
  // A new code has not been copied yet.
  const [codeShown, setCodeShown] = useState(code);
  if (code !== codeShown) {
    setCodeShown(code);
    setCopy(null);
  }

  const copyCode = async () => {
    if (code === null) return;
    try {
      await navigator.clipboard.writeText(code);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };

  let text: ReactNode;
  if (progress === null) {
    text = waiting === "browser" ? "Opening Entra's sign-in page in your browser…" : "Asking Entra for a device code…";
  } else if (progress.method === "deviceCode") {
    text = (
      <>
        Open <span className="mono connections-url">{progress.url}</span> on any device and enter the code{" "}
        <strong className="mono" data-testid="conn-admin-code">
          {progress.userCode}
        </strong>
      </>
    );
  } else {
    text = (
      <>
        Your browser opened Entra's sign-in page. If it did not, open:{" "}
        <span className="mono connections-url" data-testid="conn-admin-url">
          {progress.url}
        </span>
      </>
    );
  }
  return (
    <div className="export-progress" data-testid="conn-admin-progress">
      <ProgressBar thickness="medium" aria-label="Waiting for the admin sign-in" />
      <Body1>{text}</Body1>
      {code !== null && (
        <div className="actions">
          <Button size="small" data-testid="conn-admin-copy" icon={<Copy20Regular />} onClick={() => void copyCode()}>
            {copy === "copied" ? "Copied" : "Copy code"}
          </Button>
          {copy === "failed" && (
            <Caption1 className="secondary">Could not copy: select the code and copy it.</Caption1>
          )}
        </div>
      )}
      <Caption1 className="secondary">Steward waits up to 5 minutes for the sign-in.</Caption1>
    </div>
  );
}

/** What becomes of the secret typed in the form. */
function secretHint(kept: boolean, remember: boolean, storeName: string): string {
  if (kept)
    return remember
      ? "Leave empty to use the kept secret, or give a new one: it replaces the kept one once it signs in."
      : "Leave empty to use the kept secret, or give another one for this sync only.";
  return remember ? `Kept in ${storeName} once a sync signs in with it.` : "Used for this sync only; never stored.";
}

/** How a sync read a dataset, in the admin's words (short: the summary keeps it on one line). */
export function readModeText(mode: ReadMode): string {
  switch (mode) {
    case "delta":
      return "Changes only";
    case "window":
      return "Time window";
    case "full":
      return "In full";
  }
}

/**
 * A status cell stays on one line; a status with Graph's explanation (or the long in-progress note)
 * wraps instead, so that it does not push the table wider than the page.
 */
function statusClass(state: DatasetState, detail: string | null): string {
  return detail || state === "inProgress" ? "connections-status-long" : "nowrap";
}

function SyncedBar({ result }: { result: SyncOutcome }) {
  return (
    <MessageBar intent="success" layout="multiline" data-testid="conn-synced">
      <MessageBarBody className="import-summary">
        <MessageBarTitle>Synced {result.tenantName}</MessageBarTitle>
        <Table size="extra-small" aria-label="Datasets synced" className="connections-summary">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Dataset</TableHeaderCell>
              <TableHeaderCell>Read</TableHeaderCell>
              <TableHeaderCell className="num">Items</TableHeaderCell>
              <TableHeaderCell className="num">Pages</TableHeaderCell>
              <TableHeaderCell className="num">Removed</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {result.datasets.map((d) => (
              <TableRow key={d.dataset} data-testid="conn-synced-dataset" data-dataset={d.dataset}>
                <TableCell>
                  <DatasetName dataset={d.dataset} />
                </TableCell>
                <TableCell data-testid="conn-synced-mode" className="nowrap">
                  {readModeText(d.mode)}
                </TableCell>
                <TableCell className="num nowrap">{formatNumber(d.items)}</TableCell>
                <TableCell className="num nowrap">{formatNumber(d.pages)}</TableCell>
                <TableCell className="num nowrap">{formatNumber(d.removed)}</TableCell>
                <TableCell className={statusClass(d.status, d.detail)}>{datasetStatusText(d.status, d.detail)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <span className="block" data-testid="conn-synced-retries">
          {result.retries === 0
            ? "No request had to be retried."
            : `${plural(result.retries, "request")} retried after throttling or a transient error.`}
        </span>
        {result.secretNote !== null && (
          <span className="block" data-testid="conn-secret-note">
            {result.secretNote}
          </span>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}

function DatasetTable({ datasets }: { datasets: DatasetStatus[] }) {
  if (datasets.length === 0)
    return <Body1 className="empty">Nothing is cached for this tenant yet: sync it or import Graph JSON.</Body1>;
  return (
    <div className="table-scroll">
      <Table size="small" aria-label="Cached datasets" data-testid="conn-datasets" className="connections-datasets">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Dataset</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Source</TableHeaderCell>
            <TableHeaderCell>Last read</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {datasets.map((d) => (
            <TableRow key={d.dataset} data-testid="conn-dataset" data-dataset={d.dataset}>
              <TableCell>
                <DatasetName dataset={d.dataset} />
              </TableCell>
              <TableCell className={statusClass(d.state, d.detail)}>{datasetStatusText(d.state, d.detail)}</TableCell>
              <TableCell className="nowrap">{datasetSourceText(d.source)}</TableCell>
              <TableCell className="nowrap">{formatDateTime(d.syncedAt, "never")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
