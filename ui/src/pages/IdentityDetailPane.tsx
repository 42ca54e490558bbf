import { useState, type ReactNode } from "react";
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  Body1,
  Button,
  Caption1,
  Spinner,
  Subtitle2,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
} from "@fluentui/react-components";
import { Dismiss24Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type BackendError,
  type CredentialView,
  type IdentityDetail,
  type RedirectUriView,
  type ScopeFlags,
  type ScopeReason,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { closeOnEscape } from "../focus";
import {
  AddOwnerButton,
  FederatedRowActions,
  ManageBar,
  RemoveCredentialButton,
  RemoveOwnerButton,
  RemovePermissionButton,
  manageable,
} from "./identity/ManageBar";
import {
  credentialSourceLabel,
  credentialStatusText,
  credentialTypeLabel,
  formatDate,
  formatDateTime,
  kindLabel,
  ownershipLabel,
  signInLocation,
  signInResult,
} from "../format";

export type IdentityDetailPaneProps = { tenantId: string; id: string; onClose: () => void };

export function IdentityDetailPane({ tenantId, id, onClose }: IdentityDetailPaneProps) {
  const backend = useBackend();
  const [state, retry] = useAsync(() => backend.identityDetail(tenantId, id), [backend, tenantId, id]);
  return (
    <aside className="detail" data-testid="identity-detail" aria-label="Identity details" onKeyDown={closeOnEscape(onClose)}>
      <div className="detail-top">
        <div className="detail-title">
          <Title3
            as="h2"
            data-testid="detail-name"
            className="detail-name"
            title={state.status === "ok" ? state.data.row.displayName : undefined}
          >
            {state.status === "ok" ? state.data.row.displayName : state.status === "loading" ? "Loading…" : "Identity"}
          </Title3>
        </div>
        <Button
          data-testid="detail-close"
          appearance="subtle"
          aria-label="Close details"
          icon={<Dismiss24Regular />}
          onClick={onClose}
        />
      </div>
      {state.status === "loading" && <Loading />}
      {state.status === "error" && <ErrorBar error={state.error} onRetry={retry} />}
      {state.status === "ok" && <DetailBody d={state.data} tenantId={tenantId} onChanged={retry} />}
    </aside>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <Body1 className="empty">{children}</Body1>;
}

function Prop({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A long identifier cut to its first characters; the whole value is in the tooltip. */
function Short({ value }: { value: string | null | undefined }) {
  if (!value) return <>—</>;
  return value.length <= 12 ? <>{value}</> : <span title={value}>{value.slice(0, 8)}…</span>;
}

function orDash(s: string | null | undefined): string {
  return s === null || s === undefined || s === "" ? "—" : s;
}

function StatusBadge({ c }: { c: CredentialView }) {
  const color = c.status === "expired" ? "danger" : c.status === "expiringSoon" ? "warning" : "success";
  return (
    <Badge appearance="filled" color={color} data-testid="credential-status">
      {credentialStatusText(c)}
    </Badge>
  );
}

const SECTIONS = ["properties", "owners", "credentials", "federated", "roles", "changes", "licensing", "signins"];

/** Whether this identity is in the feature-scoped license estimate, and (managed identities) in access reviews. */
function LicenseScopeSection({ tenantId, id }: { tenantId: string; id: string }) {
  const backend = useBackend();
  const [state, retry] = useAsync(() => backend.licenseScope(tenantId, id), [backend, tenantId, id]);
  const [updated, setUpdated] = useState<ScopeFlags | null>(null);
  const [busy, setBusy] = useState<ScopeReason | null>(null);
  const [error, setError] = useState<BackendError | null>(null);

  if (state.status === "loading") return <Spinner size="tiny" label="Loading license scope…" />;
  if (state.status === "error") return <ErrorBar error={state.error} onRetry={retry} />;
  const flags = updated ?? state.data;

  const set = async (reason: ScopeReason, included: boolean) => {
    setBusy(reason);
    setError(null);
    try {
      setUpdated(await backend.setLicenseScope(tenantId, id, reason, included));
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="scope-section" data-testid="license-scope">
      <Switch
        data-testid="scope-picked"
        label="Include in feature-scoped estimate"
        checked={flags.picked}
        disabled={busy !== null}
        onChange={(_, d) => void set("picked", d.checked)}
      />
      <Caption1 className="secondary block">
        Pick the identities premium features will reach (for example, targets of a planned conditional access policy).
      </Caption1>
      {flags.managedIdentity && (
        <>
          <Switch
            data-testid="scope-review"
            label="In access reviews"
            checked={flags.accessReview}
            disabled={busy !== null}
            onChange={(_, d) => void set("accessReview", d.checked)}
          />
          <Caption1 className="secondary block">
            A managed identity needs a license only when access reviews cover it.
          </Caption1>
        </>
      )}
      {error && <ErrorBar error={error} />}
    </div>
  );
}

function PendingBadge() {
  return (
    <Badge appearance="tint" color="informative" size="small" data-testid="pending-badge">
      Pending
    </Badge>
  );
}

function DetailBody({ d, tenantId, onChanged }: { d: IdentityDetail; tenantId: string; onChanged: () => void }) {
  const r = d.row;
  const editable = manageable(d) && d.deletedDateTime === null;
  return (
    <div className="detail-body">
      <div className="detail-badges">
        <Badge appearance="tint" color="brand">
          {kindLabel(r.kind)}
        </Badge>
        <Badge appearance="tint" color="informative">
          {ownershipLabel(r.ownership)}
        </Badge>
        <Badge appearance="tint" color={r.accountEnabled ? "success" : "danger"} data-testid="detail-enabled">
          {r.accountEnabled ? "Enabled" : "Disabled"}
        </Badge>
      </div>
      <Caption1>As of {formatDateTime(d.asOf)}</Caption1>
      <ManageBar tenantId={tenantId} d={d} onChanged={onChanged} />
      <Accordion multiple collapsible defaultOpenItems={SECTIONS}>
        <AccordionItem value="properties">
          <AccordionHeader as="h3">Properties</AccordionHeader>
          <AccordionPanel>
            <dl className="props">
              <Prop label="Object ID">
                <span className="mono">{r.id}</span>
              </Prop>
              <Prop label="Application (client) ID">
                <span className="mono">{r.appId}</span>
              </Prop>
              <Prop label="Service principal type">{orDash(r.servicePrincipalType)}</Prop>
              <Prop label="App display name">{orDash(d.appDisplayName)}</Prop>
              <Prop label="App owner organization ID">
                <span className="mono">{orDash(d.appOwnerOrganizationId)}</span>
              </Prop>
              <Prop label="Sign-in audience">{orDash(d.signInAudience)}</Prop>
              <Prop label="Created">{formatDateTime(d.createdDateTime)}</Prop>
              <Prop label="Last sign-in">{formatDateTime(r.lastSignIn, "Never")}</Prop>
              <Prop label="Tags">
                {d.tags.length === 0 ? (
                  "—"
                ) : (
                  <span className="chips">
                    {d.tags.map((t, i) => (
                      <Badge key={i} appearance="outline" color="informative">
                        {t}
                      </Badge>
                    ))}
                  </span>
                )}
              </Prop>
              <Prop label="Alternative names">
                {d.alternativeNames.length === 0 ? (
                  "—"
                ) : (
                  <ul className="plain-list">
                    {d.alternativeNames.map((n, i) => (
                      <li key={i} className="mono">
                        {n}
                      </li>
                    ))}
                  </ul>
                )}
              </Prop>
              <Prop label="Assignment required">
                <span data-testid="detail-assignment-required">{yesNoUnread(d.appRoleAssignmentRequired)}</span>
              </Prop>
              {d.replyUrls && d.replyUrls.length > 0 && (
                <Prop label="Reply URLs">
                  <UriList uris={d.replyUrls} testId="detail-reply-urls" />
                </Prop>
              )}
              {d.application && (
                <>
                  <Prop label="Redirect URIs">
                    {d.application.redirectUris === null ? (
                      "Not read (sync again)"
                    ) : d.application.redirectUris.length === 0 ? (
                      "—"
                    ) : (
                      <UriList uris={d.application.redirectUris} testId="detail-redirect-uris" />
                    )}
                  </Prop>
                  <Prop label="App instance property lock">{yesNoUnread(d.application.instanceLock, "On", "Off")}</Prop>
                </>
              )}
              <Prop label="Backing application">
                {d.application ? (
                  <span>
                    {d.application.displayName} <span className="mono secondary">({d.application.id})</span>
                    {d.application.signInAudience && <> · {d.application.signInAudience}</>}
                    {d.application.createdDateTime && <> · created {formatDateTime(d.application.createdDateTime)}</>}
                  </span>
                ) : (
                  "None in this tenant"
                )}
              </Prop>
            </dl>
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="owners">
          <AccordionHeader as="h3">Owners ({d.owners.length})</AccordionHeader>
          <AccordionPanel>
            {editable && (
              <div className="actions">
                <AddOwnerButton
                  tenantId={tenantId}
                  kind={d.application ? "application" : "servicePrincipal"}
                  objectId={d.application?.id ?? r.id}
                  relation="owner"
                  onChanged={onChanged}
                />
                {r.kind === "agentIdentity" && (
                  <AddOwnerButton
                    tenantId={tenantId}
                    kind="servicePrincipal"
                    objectId={r.id}
                    relation="sponsor"
                    onChanged={onChanged}
                  />
                )}
              </div>
            )}
            {d.owners.length === 0 ? (
              <Empty>No owners</Empty>
            ) : (
              <Table size="small" aria-label="Owners">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Name</TableHeaderCell>
                    <TableHeaderCell>Type</TableHeaderCell>
                    <TableHeaderCell>Object ID</TableHeaderCell>
                    {editable && <TableHeaderCell>Actions</TableHeaderCell>}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {d.owners.map((o) => (
                    <TableRow key={o.id} data-testid="owner-row">
                      <TableCell>{o.displayName}</TableCell>
                      <TableCell>
                        {o.type}
                        {o.userType?.toLowerCase() === "guest" && (
                          <>
                            {" "}
                            <Badge appearance="tint" color="warning" data-testid="owner-guest">
                              Guest
                            </Badge>
                          </>
                        )}
                      </TableCell>
                      <TableCell className="mono">{o.id}</TableCell>
                      {editable && (
                        <TableCell>
                          <RemoveOwnerButton
                            tenantId={tenantId}
                            kind={o.objectId === r.id ? "servicePrincipal" : "application"}
                            objectId={o.objectId}
                            owner={o}
                            onChanged={onChanged}
                          />
                        </TableCell>
                      )}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="credentials">
          <AccordionHeader as="h3">Credentials ({d.credentials.length})</AccordionHeader>
          <AccordionPanel>
            {d.credentials.length === 0 ? (
              <Empty>No secrets or certificates</Empty>
            ) : (
              <ScrollRegion label="Credentials">
                <Table size="small" aria-label="Credentials" className="credential-table">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Source</TableHeaderCell>
                      <TableHeaderCell>Type</TableHeaderCell>
                      <TableHeaderCell>Name</TableHeaderCell>
                      <TableHeaderCell>Hint / thumbprint</TableHeaderCell>
                      <TableHeaderCell>Key ID</TableHeaderCell>
                      <TableHeaderCell>Start</TableHeaderCell>
                      <TableHeaderCell>End</TableHeaderCell>
                      <TableHeaderCell>Status</TableHeaderCell>
                      <TableHeaderCell>Last used</TableHeaderCell>
                      {editable && <TableHeaderCell>Actions</TableHeaderCell>}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {d.credentials.map((c) => (
                      <TableRow key={`${c.source}-${c.keyId}`} data-testid="credential-row" data-key-id={c.keyId}>
                        <TableCell>{credentialSourceLabel(c.source)}</TableCell>
                        <TableCell>{credentialTypeLabel(c.credentialType)}</TableCell>
                        <TableCell>{orDash(c.displayName)}</TableCell>
                        <TableCell className="mono">
                          <Short value={c.credentialType === "secret" ? c.hint : c.thumbprint ?? c.hint} />
                        </TableCell>
                        <TableCell className="mono">
                          <Short value={c.keyId} />
                        </TableCell>
                        <TableCell>
                          <span title={formatDateTime(c.startDateTime)}>{formatDate(c.startDateTime)}</span>
                        </TableCell>
                        <TableCell>
                          <span title={formatDateTime(c.endDateTime)}>{formatDate(c.endDateTime)}</span>
                        </TableCell>
                        <TableCell>
                          <StatusBadge c={c} /> {c.pending && <PendingBadge />}
                        </TableCell>
                        <TableCell>
                          <span title={formatDateTime(c.lastUsed)}>{formatDate(c.lastUsed, "Not seen")}</span>
                        </TableCell>
                        {editable && (
                          <TableCell>
                            <RemoveCredentialButton
                              tenantId={tenantId}
                              c={c}
                              ownerId={c.source === "application" ? (d.application?.id ?? r.id) : r.id}
                              onChanged={onChanged}
                            />
                          </TableCell>
                        )}
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </ScrollRegion>
            )}
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="federated">
          <AccordionHeader as="h3">Federated credentials ({d.federatedCredentials.length})</AccordionHeader>
          <AccordionPanel>
            {d.federatedCredentials.length === 0 ? (
              <Empty>No federated credentials</Empty>
            ) : (
              <ScrollRegion label="Federated credentials">
                <Table size="small" aria-label="Federated credentials">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Name</TableHeaderCell>
                      <TableHeaderCell>Issuer</TableHeaderCell>
                      <TableHeaderCell>Subject</TableHeaderCell>
                      <TableHeaderCell>Audiences</TableHeaderCell>
                      <TableHeaderCell>Last used</TableHeaderCell>
                      {editable && d.application && <TableHeaderCell>Actions</TableHeaderCell>}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {d.federatedCredentials.map((f) => (
                      <TableRow key={f.id} data-testid="federated-row" data-name={f.name}>
                        <TableCell>
                          {f.name} {f.pending && <PendingBadge />}
                          {f.description && <Caption1 className="secondary block">{f.description}</Caption1>}
                        </TableCell>
                        <TableCell className="mono break">{f.issuer}</TableCell>
                        <TableCell className="mono break">{orDash(f.subject)}</TableCell>
                        <TableCell className="mono break">{f.audiences.length ? f.audiences.join(", ") : "—"}</TableCell>
                        <TableCell>
                          <span title={formatDateTime(f.lastUsed)}>{formatDate(f.lastUsed, "Not seen")}</span>
                        </TableCell>
                        {editable && d.application && (
                          <TableCell>
                            <FederatedRowActions
                              tenantId={tenantId}
                              applicationId={d.application.id}
                              f={f}
                              onChanged={onChanged}
                            />
                          </TableCell>
                        )}
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </ScrollRegion>
            )}
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="roles">
          <AccordionHeader as="h3">Roles and permissions</AccordionHeader>
          <AccordionPanel>
            <Subtitle2 as="h4" className="subheading">
              Directory roles
            </Subtitle2>
            {d.directoryRoles.length === 0 ? (
              <Empty>No directory roles</Empty>
            ) : (
              <Table size="small" aria-label="Directory roles">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Role</TableHeaderCell>
                    <TableHeaderCell>Assignment</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {d.directoryRoles.map((role, i) => (
                    <TableRow key={`${role.roleTemplateId}-${i}`} data-testid="directory-role-row">
                      <TableCell>
                        {role.roleName}{" "}
                        {role.privileged && (
                          <Badge appearance="filled" color="danger" size="small">
                            Privileged
                          </Badge>
                        )}
                      </TableCell>
                      <TableCell>{role.assignmentType === "eligible" ? "Eligible" : role.assignmentType === "active" ? "Active" : role.assignmentType}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            <Subtitle2 as="h4" className="subheading">
              App-role assignments (application permissions)
            </Subtitle2>
            {d.appRoleAssignments.length === 0 ? (
              <Empty>No app-role assignments</Empty>
            ) : (
              <Table size="small" aria-label="App-role assignments">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Resource</TableHeaderCell>
                    <TableHeaderCell>Permission</TableHeaderCell>
                    <TableHeaderCell>Granted</TableHeaderCell>
                    {editable && <TableHeaderCell>Actions</TableHeaderCell>}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {d.appRoleAssignments.map((a, i) => (
                    <TableRow key={i} data-testid="app-role-row">
                      <TableCell>{a.resourceDisplayName}</TableCell>
                      <TableCell>
                        <span className="mono">{a.permission}</span>{" "}
                        {a.highRisk && (
                          <Badge appearance="filled" color="danger" size="small">
                            High risk
                          </Badge>
                        )}
                      </TableCell>
                      <TableCell>{formatDateTime(a.createdDateTime)}</TableCell>
                      {editable && (
                        <TableCell>
                          <RemovePermissionButton
                            tenantId={tenantId}
                            servicePrincipalId={r.id}
                            assignment={a}
                            onChanged={onChanged}
                          />
                        </TableCell>
                      )}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            <Subtitle2 as="h4" className="subheading">
              Delegated permissions (granted to this client)
            </Subtitle2>
            {d.delegatedGrants.length === 0 ? (
              <Empty>No delegated permission grants</Empty>
            ) : (
              <Table size="small" aria-label="Delegated permission grants">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Resource</TableHeaderCell>
                    <TableHeaderCell>Consent</TableHeaderCell>
                    <TableHeaderCell>Permissions</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {d.delegatedGrants.map((g, i) => (
                    <TableRow key={i} data-testid="delegated-grant-row">
                      <TableCell>{g.resourceDisplayName}</TableCell>
                      <TableCell>
                        {g.consentType === "AllPrincipals"
                          ? "All users (admin consent)"
                          : g.consentType === "Principal"
                            ? "One user"
                            : g.consentType}
                        {g.principalId && <Caption1 className="secondary block mono">{g.principalId}</Caption1>}
                      </TableCell>
                      <TableCell className="mono break">{g.scopes.join(" ")}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="changes">
          <AccordionHeader as="h3">Change history ({d.changes.length})</AccordionHeader>
          <AccordionPanel>
            <Caption1 className="secondary block">
              App-management events from Entra's audit log on this service principal and its app registration: who
              added or removed a credential, consented or changed the app, and when.
            </Caption1>
            {d.changes.length === 0 ? (
              <Empty>No changes recorded in the cached audit log</Empty>
            ) : (
              <ScrollRegion label="Change history">
                <Table size="small" aria-label="Change history">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Time</TableHeaderCell>
                      <TableHeaderCell>What changed</TableHeaderCell>
                      <TableHeaderCell>By</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {d.changes.map((c, i) => (
                      <TableRow key={`${c.at}-${i}`} data-testid="change-row">
                        <TableCell>{formatDateTime(c.at)}</TableCell>
                        <TableCell>
                          {c.details.length === 0
                            ? c.activity
                            : c.details.map((x, j) => (
                                <div key={j} className="break">
                                  {x}
                                </div>
                              ))}
                          <Caption1 className="secondary block">
                            {c.details.length === 0 ? "" : `${c.activity} · `}
                            {c.target === "application" ? "App registration" : "Service principal"}
                            {c.result && c.result !== "success" ? ` · ${c.result}` : ""}
                          </Caption1>
                        </TableCell>
                        <TableCell className="break">{orDash(c.initiatedBy)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </ScrollRegion>
            )}
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="licensing">
          <AccordionHeader as="h3">Licensing</AccordionHeader>
          <AccordionPanel>
            <LicenseScopeSection tenantId={tenantId} id={r.id} />
          </AccordionPanel>
        </AccordionItem>

        <AccordionItem value="signins">
          <AccordionHeader as="h3">Recent sign-ins ({d.recentSignIns.length})</AccordionHeader>
          <AccordionPanel>
            {d.recentSignIns.length === 0 ? (
              <Empty>No sign-ins recorded</Empty>
            ) : (
              <ScrollRegion label="Recent sign-ins">
                <Table size="small" aria-label="Recent sign-ins">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Time</TableHeaderCell>
                      <TableHeaderCell>Resource</TableHeaderCell>
                      <TableHeaderCell>IP address</TableHeaderCell>
                      <TableHeaderCell>Location</TableHeaderCell>
                      <TableHeaderCell>Result</TableHeaderCell>
                      <TableHeaderCell>Credential</TableHeaderCell>
                      <TableHeaderCell>Conditional Access</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {d.recentSignIns.map((s) => (
                      <TableRow key={s.id} data-testid="signin-row">
                        <TableCell>{formatDateTime(s.createdDateTime)}</TableCell>
                        <TableCell>{orDash(s.resourceDisplayName)}</TableCell>
                        <TableCell className="mono">{orDash(s.ipAddress)}</TableCell>
                        <TableCell>{signInLocation(s)}</TableCell>
                        <TableCell title={s.failureReason ?? undefined}>
                          <span className={s.errorCode === 0 ? "result-ok" : "result-fail"}>{signInResult(s)}</span>
                          {s.errorCode !== 0 && s.failureReason && (
                            <Caption1 className="secondary block">{s.failureReason}</Caption1>
                          )}
                        </TableCell>
                        <TableCell>{orDash(s.clientCredentialType)}</TableCell>
                        <TableCell>{orDash(s.conditionalAccessStatus)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </ScrollRegion>
            )}
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
    </div>
  );
}

/** A setting read from Graph, or that the cache has not read it. */
function yesNoUnread(v: boolean | null, yes = "Yes", no = "No"): string {
  return v === null ? "Not read (sync again)" : v ? yes : no;
}

/** Redirect or reply URIs, the unsafe ones marked with why. */
function UriList({ uris, testId }: { uris: RedirectUriView[]; testId: string }) {
  return (
    <ul className="plain-list" data-testid={testId}>
      {uris.map((u, i) => (
        <li key={i}>
          <span className="mono break">{u.uri}</span>
          {u.problem && (
            <>
              {" "}
              <Badge appearance="tint" color="danger" data-testid="uri-unsafe">
                Unsafe
              </Badge>
              <Caption1 className="secondary block">{u.problem}</Caption1>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
