import { useCallback, useEffect, useRef, useState } from "react";
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Subtitle2,
  Title3,
} from "@fluentui/react-components";
import {
  ArrowSync20Regular,
  ArrowUpload20Regular,
  Certificate20Regular,
  KeyReset20Regular,
  PlugConnected20Regular,
} from "@fluentui/react-icons";
import {
  toBackendError,
  type AdminSignInProgress,
  type BackendError,
  type ConnectArgs,
  type NewSecretView,
  type PushOutcome,
  type SecretStatus,
  type SyncOutcome,
  type SyncProgress,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { NewSecretDialog } from "../components/NewSecretDialog";
import { plural } from "../format";
import { DatasetTable, SyncedBar } from "./connections/datasets";
import { AdminSignInArea, SyncProgressArea, type AdminResult } from "./connections/progress";

export { datasetSourceText, datasetStatusText, readModeText } from "./connections/datasets";
export { syncProgressText } from "./connections/progress";

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

/** The key of an app registration's kept secret: kept credentials are bound to their sign-in address. */
function secretKey(tenantId: string, clientId: string, authorityUrl: string): string {
  return `${tenantId.trim().toLowerCase()}/${clientId.trim().toLowerCase()}@${authorityUrl.trim().toLowerCase()}`;
}

/**
 * The host (`host` or `host:port`) of an https sign-in address that is not a Microsoft cloud's, which
 * the admin must confirm by name before credentials go there; `null` for a Microsoft cloud, loopback
 * http, or what is not an address at all (the backend says what is wrong with it then).
 */
export function hostToConfirm(authorityUrl: string, microsoftHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(authorityUrl.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.host === "") return null;
  const host = url.host.toLowerCase();
  return microsoftHosts.includes(host) ? null : host;
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
  | { type: "pushed"; result: PushOutcome }
  | { type: "cancelled"; message: string }
  | { type: "error"; error: BackendError }
  | null;

type TestResult = { type: "ok"; name: string } | { type: "error"; error: BackendError } | null;

/** What the backend said about the kept secret of one tenant and client id (`key`). */
type SecretState = { key: string; status: SecretStatus } | { key: string; error: BackendError };

export function ConnectionsPage({ tenantId, isDemo = false, onSynced }: ConnectionsPageProps) {
  const backend = useBackend();
  const defaults = useKeptAsync(() => backend.connectionDefaults(), [backend]).data;
  const [tenantField, setTenantField] = useState(tenantId && !isDemo ? tenantId : "");
  const [clientId, setClientId] = useState("");
  const [method, setMethod] = useState<SignInMethod>("secret");
  const [secret, setSecret] = useState("");
  // Only a path the native dialog returned: the backend reads no other certificate file.
  const [certificatePath, setCertificatePath] = useState("");
  const [choosingCertificate, setChoosingCertificate] = useState(false);
  const [certificateError, setCertificateError] = useState<BackendError | null>(null);
  const [graphUrl, setGraphUrl] = useState("");
  const [authorityUrl, setAuthorityUrl] = useState("");
  // The sign-in host the admin ticked "I trust …" for; it counts only while the field names it.
  const [trustedHost, setTrustedHost] = useState<string | null>(null);

  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<TestResult>(null);
  const [syncing, setSyncing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Client secrets a push just made: shown once, then forgotten.
  const [newSecrets, setNewSecrets] = useState<NewSecretView[]>([]);
  const [pushing, setPushing] = useState(false);

  // The OS keyring: whether a secret is kept for the tenant and client id in the form, and whether
  // this machine can keep one at all.
  const [remember, setRemember] = useState(true);
  // Off unless asked: it tells this machine's DNS resolver every redirect host of the tenant's apps.
  const [lookUpDomains, setLookUpDomains] = useState(false);
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
  const authorityKey = authorityUrl.trim();
  const pairKey = tenantKey !== "" && clientKey !== "" ? secretKey(tenantKey, clientKey, authorityKey) : null;
  const confirmHost = hostToConfirm(authorityKey, defaults?.microsoftAuthorityHosts ?? []);
  const hostTrusted = confirmHost !== null && trustedHost === confirmHost;
  // An answer about another tenant or client id (the fields changed since) does not count.
  const secretNow = secretState !== null && secretState.key === pairKey ? secretState : null;
  const secretStatus = secretNow && "status" in secretNow ? secretNow.status : null;
  const kept = secretStatus?.kept === true;
  const adminSignedIn = secretStatus?.adminSignedIn === true;
  const adminNow = adminResult !== null && adminResult.key === pairKey ? adminResult : null;
  const busy = syncing || adminWaiting !== null;
  const storeName = store?.available ? store.detail : (defaults?.secretStore ?? "");

  const checkSecret = useCallback(
    async (tenant: string, client: string, authority: string) => {
      const request = ++secretRequest.current;
      const key = secretKey(tenant, client, authority);
      try {
        const status = await backend.secretStatus(tenant, client, authority === "" ? null : authority);
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
    const timer = setTimeout(() => void checkSecret(tenantKey, clientKey, authorityKey), SECRET_STATUS_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [checkSecret, tenantKey, clientKey, authorityKey]);

  const credentialGiven =
    method === "secret"
      ? secret !== "" || kept
      : method === "certificate"
        ? certificatePath.trim() !== ""
        : adminSignedIn && adminWaiting === null;
  const complete = tenantKey !== "" && clientKey !== "" && credentialGiven && (confirmHost === null || hostTrusted);

  const endpoints = () => ({
    graphUrl: graphUrl.trim() === "" ? null : graphUrl.trim(),
    authorityUrl: authorityKey === "" ? null : authorityKey,
    trustedAuthorityHost: hostTrusted ? confirmHost : null,
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
    const [tenant, client, authority, key] = [tenantKey, clientKey, authorityKey, pairKey];
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
    await checkSecret(tenant, client, authority);
  };

  const chooseCertificate = async () => {
    setChoosingCertificate(true);
    setCertificateError(null);
    try {
      const chosen = await backend.chooseCertificatePath();
      // A cancelled dialog keeps the certificate chosen before.
      if (chosen !== null) setCertificatePath(chosen);
    } catch (e) {
      setCertificateError(toBackendError(e));
    } finally {
      setChoosingCertificate(false);
    }
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
    const args: ConnectArgs = {
      ...(method === "secret" ? { ...connectArgs(), rememberSecret: remember } : connectArgs()),
      resolveRedirectDomains: lookUpDomains,
    };
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
      void checkSecret(args.tenantId, args.clientId, args.authorityUrl ?? "");
      return;
    }
    void checkSecret(args.tenantId, args.clientId, args.authorityUrl ?? "");
    if (method === "secret") setSecret("");
    setOutcome({ type: "synced", result });
    setNewSecrets(result.pushed.newSecrets);
    try {
      await onSynced?.(result);
    } catch (e) {
      setOutcome({ type: "error", error: toBackendError(e) });
    } finally {
      setSyncing(false);
      status.reload();
    }
  };

  /** Sends the changes made in Steward to Entra, signed in as the form says; a new secret's value shows once. */
  const push = async () => {
    if (!complete || syncing || pushing) return;
    setOutcome(null);
    setTestResult(null);
    setPushing(true);
    const args: ConnectArgs = method === "secret" ? { ...connectArgs(), rememberSecret: remember } : connectArgs();
    try {
      const result = await backend.pushChanges(args);
      setOutcome({ type: "pushed", result });
      setNewSecrets(result.newSecrets);
      if (method === "secret") setSecret("");
    } catch (e) {
      setOutcome({ type: "error", error: toBackendError(e) });
    } finally {
      setPushing(false);
      void checkSecret(args.tenantId, args.clientId, args.authorityUrl ?? "");
    }
  };

  const forget = async () => {
    if (pairKey === null) return;
    const [tenant, client, authority] = [tenantKey, clientKey, authorityKey];
    setForgetting(true);
    setForgetError(null);
    // The admin sign-in goes with the secret: its note no longer holds.
    setAdminResult(null);
    try {
      await backend.forgetSecret(tenant, client, authority === "" ? null : authority);
    } catch (e) {
      setForgetError(toBackendError(e));
    } finally {
      setForgetting(false);
    }
    await checkSecret(tenant, client, authority);
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
        <Title3 as="h2" id="connections-heading" tabIndex={-1}>
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
            <>
              <Field
                label="Certificate file"
                required
                hint="A PEM file holding the certificate uploaded to the app registration and its private key"
              >
                {(fieldProps) => (
                  <div className="file-choice">
                    {/* Read-only: the backend reads only a file picked in its own dialog, so a typed path would be refused. */}
                    <Input
                      {...fieldProps}
                      data-testid="conn-certificate"
                      className="mono file-choice-path"
                      value={certificatePath}
                      placeholder="No file chosen"
                      readOnly
                      disabled={busy}
                    />
                    <Button
                      data-testid="conn-certificate-choose"
                      icon={<Certificate20Regular />}
                      disabled={busy || choosingCertificate}
                      onClick={() => void chooseCertificate()}
                    >
                      Choose certificate…
                    </Button>
                  </div>
                )}
              </Field>
              {certificateError && <ErrorBar error={certificateError} />}
            </>
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
                {confirmHost !== null && (
                  <MessageBar intent="warning" layout="multiline" data-testid="conn-authority-unknown">
                    <MessageBarBody>
                      <MessageBarTitle>Not a Microsoft sign-in address</MessageBarTitle>
                      {confirmHost} is not the sign-in address of a Microsoft cloud (global, US Government, China). Steward
                      would send it the client secret or the admin&apos;s sign-in, and keeps what it keeps for that host only.
                      <Checkbox
                        data-testid="conn-trust-authority"
                        label={`I trust ${confirmHost}: it is my organisation's own sign-in endpoint`}
                        checked={hostTrusted}
                        disabled={busy}
                        onChange={(_, d) => setTrustedHost(d.checked === true ? confirmHost : null)}
                      />
                    </MessageBarBody>
                  </MessageBar>
                )}
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
          <Field hint="Asks this machine's DNS resolver about the host of every redirect URI of the tenant's own apps, so that domains which no longer resolve (open to takeover) are named under “Remove unsafe redirect URIs”.">
            <Checkbox
              data-testid="conn-resolve-domains"
              label="Look up redirect domains during the sync"
              checked={lookUpDomains}
              disabled={busy}
              onChange={(_, d) => setLookUpDomains(d.checked === true)}
            />
          </Field>
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
            <Button
              data-testid="conn-push"
              icon={<ArrowUpload20Regular />}
              disabled={!complete || busy || pushing || earlier}
              onClick={() => void push()}
            >
              {pushing ? "Pushing…" : "Push changes"}
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
        {outcome?.type === "synced" && (outcome.result.pushed.items.length > 0 || outcome.result.pushed.secretsWaiting > 0) && (
          <PushedBar result={outcome.result.pushed} />
        )}
        {outcome?.type === "pushed" && <PushedBar result={outcome.result} />}
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
      <NewSecretDialog secrets={newSecrets} onClose={() => setNewSecrets([])} />
    </section>
  );
}

/** What a push did: how many changes reached Entra, and which stopped, with why. */
function PushedBar({ result }: { result: PushOutcome }) {
  const stopped = result.items.filter((i) => i.status === "failed" || i.status === "conflict");
  const notes = (
    <>
      {result.stopped && <div data-testid="conn-push-stopped">The push stopped before the end: {result.stopped}. Push again to go on.</div>}
      {result.secretsWaiting > 0 && (
        <div data-testid="conn-secrets-waiting">
          {plural(result.secretsWaiting, "new client secret")} wait for Push changes, which shows the value once.
        </div>
      )}
    </>
  );
  if (result.items.length === 0 && result.secretsWaiting === 0 && !result.stopped)
    return (
      <MessageBar intent="info" data-testid="conn-pushed">
        <MessageBarBody>Nothing to push: every change made in Steward is in Entra.</MessageBarBody>
      </MessageBar>
    );
  return (
    <MessageBar
      intent={stopped.length > 0 || result.stopped ? "warning" : "success"}
      layout="multiline"
      data-testid="conn-pushed"
    >
      <MessageBarBody>
        <MessageBarTitle>
          {plural(result.pushed, "change")} pushed to Entra
          {result.failed > 0 ? `, ${result.failed} failed` : ""}
          {result.conflicts > 0 ? `, ${plural(result.conflicts, "conflict")}` : ""}
          {result.waiting > 0 ? `, ${result.waiting} still pending` : ""}
        </MessageBarTitle>
        {stopped.length > 0 && (
          <ul className="plain-list">
            {stopped.map((i) => (
              <li key={i.id}>
                {i.summary} on {i.targetDisplayName}: {i.message}
              </li>
            ))}
          </ul>
        )}
        {stopped.length > 0 && "Retry or drop them on the Changes page."}
        {notes}
      </MessageBarBody>
    </MessageBar>
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

