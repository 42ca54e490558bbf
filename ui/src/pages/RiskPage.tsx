import { useMemo, useRef, useState, type ReactNode } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
  useRestoreFocusTarget,
} from "@fluentui/react-components";
import { Dismiss24Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type BackendError,
  type LevelCount,
  type RiskAction,
  type RiskLevel,
  type RiskReport,
  type RiskSettings,
  type RiskSignal,
  type RiskyIdentity,
  type SignalState,
  type SignInRow,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useAsync, useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { closeOnEscape, elementWith, useFocusBackAfterClose, useReturnFocus } from "../focus";
import { PortalLink } from "./RecommendationsPage";
import {
  formatDate,
  formatDateTime,
  formatDateTimeShort,
  formatNumber,
  humanize,
  kindShortLabel,
  plural,
  RISK_ACTION_LABELS,
  RISK_LEVEL_LABELS,
  RISK_LEVELS,
  riskLevelLabel,
  riskStateLabel,
  SIGNAL_STATE_LABELS,
  signalKindLabel,
} from "../format";

/** The detection windows offered, in days before the as-of. */
export const RISK_WINDOWS = [7, 14, 30] as const;

type BadgeColor = "danger" | "warning" | "informative" | "subtle" | "success" | "brand";

const LEVEL_COLORS: Record<string, BadgeColor> = { high: "danger", medium: "warning", low: "informative" };

const STATE_COLORS: Record<SignalState, BadgeColor> = {
  active: "brand",
  dismissed: "subtle",
  confirmedCompromised: "danger",
  remediated: "success",
};

/** The admin's decision standing on a risky identity, as a signal state (for the action buttons). */
function identityState(r: RiskyIdentity): SignalState {
  switch (r.riskState) {
    case "confirmedCompromised":
      return "confirmedCompromised";
    case "dismissed":
      return "dismissed";
    case "remediated":
      return "remediated";
    default:
      return "active";
  }
}

type Selection = { type: "signal"; id: string } | { type: "risky"; id: string } | null;

export type RiskPageProps = { tenantId: string; onOpenIdentity: (id: string) => void };

export function RiskPage({ tenantId, onOpenIdentity }: RiskPageProps) {
  const backend = useBackend();
  // `null` until the admin picks a window: the backend uses its defaults and names them in the report.
  const [settings, setSettings] = useState<RiskSettings | null>(null);
  const [selection, setSelection] = useState<Selection>(null);

  // Keeps the last report on screen while a new one loads (after an action or a new window).
  const state = useKeptAsync(() => backend.riskReport(tenantId, settings), [backend, tenantId, settings]);
  const reload = state.reload;
  const report = state.data;
  const current = settings ?? report?.settings ?? null;
  const selectedSignal =
    selection?.type === "signal" ? (report?.signals.find((s) => s.id === selection.id) ?? null) : null;
  const selectedRisky =
    selection?.type === "risky" ? (report?.riskyIdentities.find((r) => r.id === selection.id) ?? null) : null;
  const pageRef = useRef<HTMLElement>(null);
  useReturnFocus(
    report && selectedSignal ? `signal:${selectedSignal.id}` : report && selectedRisky ? `risky:${selectedRisky.id}` : null,
    (key) => {
      // Signal rows carry their signal's id in data-signal-id; Identity Protection's rows their identity's in data-id.
      const row = key.startsWith("signal:")
        ? elementWith(pageRef.current, "tr[data-signal-id]", "data-signal-id", key.slice("signal:".length))
        : elementWith(pageRef.current, "tr[data-id]", "data-id", key.slice("risky:".length));
      return row?.querySelector<HTMLElement>(".risk-name");
    },
    "risk-heading",
  );

  return (
    <section ref={pageRef} data-testid="page-risk" className="page split-page" aria-labelledby="risk-heading">
      <div className={report && (selectedSignal || selectedRisky) ? "split split-open" : "split"}>
        <div className="split-main">
          <div className="page-header">
            <div className="page-header-text">
              <Title3 as="h2" id="risk-heading" tabIndex={-1}>
                Risk
              </Title3>
              {report && <ReportContext report={report} />}
            </div>
            {state.loading && report && <Spinner size="tiny" label="Updating…" data-testid="risk-reloading" />}
            {current && (
              <Field label="Detection window" orientation="horizontal" className="range-field">
                <Select
                  data-testid="risk-window"
                  value={String(current.windowDays)}
                  onChange={(_, d) => setSettings({ ...current, windowDays: Number(d.value) })}
                >
                  {RISK_WINDOWS.map((w) => (
                    <option key={w} value={String(w)}>
                      Last {w} days
                    </option>
                  ))}
                </Select>
              </Field>
            )}
          </div>
          {state.error && <ErrorBar error={state.error} onRetry={reload} />}
          {!report ? (
            !state.error && <Loading />
          ) : (
            <>
              {report.unavailable.map((u, i) => (
                <MessageBar key={i} intent="info" layout="multiline" data-testid="risk-unavailable">
                  <MessageBarBody>
                    <MessageBarTitle>{u.label}: not computed</MessageBarTitle>
                    {u.value}
                  </MessageBarBody>
                </MessageBar>
              ))}
              <LevelSummary byLevel={report.byLevel} />
              <IdentityProtection
                report={report}
                selectedId={selectedRisky?.id ?? null}
                onSelect={(id) => setSelection({ type: "risky", id })}
              />
              <Signals
                signals={report.signals}
                windowDays={report.settings.windowDays}
                selectedId={selectedSignal?.id ?? null}
                onSelect={(id) => setSelection({ type: "signal", id })}
              />
            </>
          )}
        </div>
        {report && selectedSignal && (
          <SignalDetail
            key={selectedSignal.id}
            tenantId={tenantId}
            signal={selectedSignal}
            onChanged={reload}
            onClose={() => setSelection(null)}
            onOpenIdentity={onOpenIdentity}
          />
        )}
        {report && selectedRisky && (
          <RiskyDetail
            key={selectedRisky.id}
            tenantId={tenantId}
            identity={selectedRisky}
            onChanged={reload}
            onClose={() => setSelection(null)}
            onOpenIdentity={onOpenIdentity}
          />
        )}
      </div>
    </section>
  );
}

function ReportContext({ report }: { report: RiskReport }) {
  return (
    <>
      <Caption1 className="secondary" data-testid="risk-asof">
        Computed from the cache as of {formatDateTime(report.asOf)}
      </Caption1>
      <Caption1 className="secondary" data-testid="risk-window-from">
        Signals first seen since {formatDateTime(report.windowFrom)} (the last {plural(report.settings.windowDays, "day")});
        each compared with the identity&apos;s {report.settings.baselineMinDays} to {report.settings.baselineMaxDays} days
        before, at least {formatNumber(report.settings.baselineMinSignIns)} sign-ins.
        {report.historyFrom ? ` Sign-in history in the cache from ${formatDate(report.historyFrom)}.` : " No sign-ins in the cache yet."}
      </Caption1>
    </>
  );
}

function LevelBadge({ level, testId }: { level: string; testId?: string }) {
  return (
    <Badge appearance="filled" color={LEVEL_COLORS[level] ?? "subtle"} data-testid={testId}>
      {riskLevelLabel(level)}
    </Badge>
  );
}

function StateBadge({ state, testId }: { state: SignalState; testId?: string }) {
  const closed = state === "dismissed" || state === "remediated";
  return (
    <Badge
      appearance={state === "confirmedCompromised" ? "filled" : "tint"}
      color={STATE_COLORS[state]}
      data-testid={testId}
      className={closed ? "nowrap closed-status" : "nowrap"}
    >
      {SIGNAL_STATE_LABELS[state]}
    </Badge>
  );
}

function LevelSummary({ byLevel }: { byLevel: LevelCount[] }) {
  return (
    <div className="rec-summary" data-testid="risk-levels">
      {RISK_LEVELS.map((level: RiskLevel) => {
        const c = byLevel.find((x) => x.level === level) ?? {
          level,
          identities: 0,
          fromIdentityProtection: 0,
          fromSignals: 0,
        };
        return (
          <Card key={level} size="small" className="kpi" data-testid="risk-level" data-level={level}>
            <Caption1 className="kpi-label">{RISK_LEVEL_LABELS[level]} risk · identities</Caption1>
            <Text size={700} weight="semibold" data-testid="risk-level-count" className={`priority-text-${level}`}>
              {formatNumber(c.identities)}
            </Text>
            <Caption1 className="secondary">
              {formatNumber(c.fromIdentityProtection)} from Identity Protection · {formatNumber(c.fromSignals)} from
              Steward&apos;s signals
            </Caption1>
          </Card>
        );
      })}
    </div>
  );
}

function IdentityProtection({
  report,
  selectedId,
  onSelect,
}: {
  report: RiskReport;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const synced = report.identityProtectionSyncedAt;
  return (
    <Card data-testid="risk-identity-protection">
      <CardHeader
        header={<Subtitle2 as="h3">Identity Protection</Subtitle2>}
        description={
          synced ? (
            <Caption1 className="secondary" data-testid="risk-ip-synced">
              Risky service principals as Microsoft Entra ID Protection reported them, synced {formatDateTime(synced)}
            </Caption1>
          ) : undefined
        }
      />
      {!synced ? (
        <MessageBar intent="info" layout="multiline" data-testid="risk-ip-not-synced">
          <MessageBarBody>
            <MessageBarTitle>Identity Protection data is not synced</MessageBarTitle>
            The cache holds no risky service principals or risk detections for this tenant. Reading them needs Microsoft
            Entra Workload ID Premium and the IdentityRiskyServicePrincipal.Read.All permission; sync again once both
            are in place. Steward&apos;s own signals below need neither.
          </MessageBarBody>
        </MessageBar>
      ) : report.riskyIdentities.length === 0 ? (
        <Body1 className="empty" data-testid="risk-ip-empty">
          Identity Protection reports no risky service principals.
        </Body1>
      ) : (
        <ScrollRegion label="Risky service principals">
          <Table size="small" aria-label="Risky service principals" className="risk-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell className="col-level">Level</TableHeaderCell>
                <TableHeaderCell className="col-state">State</TableHeaderCell>
                <TableHeaderCell className="col-detail">Detail</TableHeaderCell>
                <TableHeaderCell className="col-date">Last updated</TableHeaderCell>
                <TableHeaderCell className="num col-count">Detections</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {report.riskyIdentities.map((r) => {
                const closed = r.riskState !== "atRisk" && r.riskState !== "confirmedCompromised";
                const classes = ["risk-row", closed ? "risk-row-closed" : "", r.id === selectedId ? "risk-row-selected" : ""];
                return (
                  <TableRow
                    key={r.id}
                    data-testid="risky-row"
                    data-id={r.id}
                    className={classes.filter(Boolean).join(" ")}
                    onClick={() => onSelect(r.id)}
                  >
                    <TableCell className="top">
                      <Link as="button" data-testid="risky-name" className="risk-name" onClick={() => onSelect(r.id)}>
                        {r.displayName}
                      </Link>
                      {r.pendingAction && (
                        <Badge
                          appearance="outline"
                          color="important"
                          size="small"
                          className="pending-badge"
                          data-testid="risky-pending"
                          title={`${RISK_ACTION_LABELS[r.pendingAction]} is recorded here and will be pushed to Entra on the next sync.`}
                        >
                          Pending push
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell className="top">
                      <LevelBadge level={r.riskLevel} testId="risky-level" />
                    </TableCell>
                    <TableCell className="top col-state" data-testid="risky-state">
                      {closed ? (
                        // Stated in words at full contrast, where the row used to be dimmed.
                        <Badge appearance="tint" color="subtle" className="closed-status" data-testid="risky-closed-badge">
                          {riskStateLabel(r.riskState)}
                        </Badge>
                      ) : (
                        riskStateLabel(r.riskState)
                      )}
                    </TableCell>
                    <TableCell className="top col-detail break">{humanize(r.riskDetail)}</TableCell>
                    <TableCell className="top col-date">{formatDateTimeShort(r.riskLastUpdated)}</TableCell>
                    <TableCell className="num top col-count" data-testid="risky-detections">
                      {formatNumber(r.detections.length)}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
    </Card>
  );
}

function Signals({
  signals,
  windowDays,
  selectedId,
  onSelect,
}: {
  signals: RiskSignal[];
  windowDays: number;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const active = useMemo(() => signals.filter((s) => s.state === "active").length, [signals]);
  return (
    <Card data-testid="risk-signals">
      <CardHeader
        header={<Subtitle2 as="h3">Steward&apos;s signals ({formatNumber(signals.length)})</Subtitle2>}
        description={
          <Caption1 className="secondary">
            New behaviour in the cached sign-ins: computed locally, no Premium license needed.{" "}
            {plural(active, "signal")} active.
          </Caption1>
        }
      />
      {signals.length === 0 ? (
        <Body1 className="empty" data-testid="signals-empty">
          No new behaviour in the last {plural(windowDays, "day")}.
        </Body1>
      ) : (
        <ScrollRegion label="Steward's signals">
          <Table size="small" aria-label="Steward's signals" className="risk-table signal-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className="col-level">Level</TableHeaderCell>
                <TableHeaderCell>Signal</TableHeaderCell>
                <TableHeaderCell>Identity</TableHeaderCell>
                <TableHeaderCell className="col-value">Value</TableHeaderCell>
                <TableHeaderCell className="col-date">First seen</TableHeaderCell>
                <TableHeaderCell className="num col-count">Sign-ins</TableHeaderCell>
                <TableHeaderCell className="col-state">State</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {signals.map((s) => {
                const classes = [
                  "risk-row",
                  s.state === "dismissed" || s.state === "remediated" ? "risk-row-closed" : "",
                  s.id === selectedId ? "risk-row-selected" : "",
                ];
                return (
                  <TableRow
                    key={s.id}
                    data-testid="signal-row"
                    data-signal-id={s.id}
                    data-kind={s.kind}
                    data-sp={s.spId}
                    className={classes.filter(Boolean).join(" ")}
                    onClick={() => onSelect(s.id)}
                  >
                    <TableCell className="top">
                      <LevelBadge level={s.level} testId="signal-level" />
                    </TableCell>
                    <TableCell className="top">
                      <Link as="button" data-testid="signal-title" className="risk-name" onClick={() => onSelect(s.id)}>
                        {s.title}
                      </Link>
                    </TableCell>
                    <TableCell className="top">
                      <span className="break block" data-testid="signal-identity">
                        {s.displayName}
                      </span>
                      {s.identityKind && <Caption1 className="secondary block">{kindShortLabel(s.identityKind)}</Caption1>}
                    </TableCell>
                    <TableCell className="top col-value mono break" data-testid="signal-value">
                      {s.value}
                    </TableCell>
                    <TableCell className="top col-date">{formatDateTimeShort(s.detectedAt)}</TableCell>
                    <TableCell className="num top col-count" data-testid="signal-count">
                      {formatNumber(s.signInCount)}
                    </TableCell>
                    <TableCell className="top col-state">
                      <StateBadge state={s.state} testId="signal-state" />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// Detail panes

function DetailHeader({ title, testId, onClose }: { title: string; testId: string; onClose: () => void }) {
  return (
    <div className="detail-top">
      <div className="detail-title">
        <Title3 as="h2" className="detail-name" data-testid={testId}>
          {title}
        </Title3>
      </div>
      <Button data-testid="risk-detail-close" appearance="subtle" aria-label="Close details" icon={<Dismiss24Regular />} onClick={onClose} />
    </div>
  );
}

function Prop({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

function SignalDetail({
  tenantId,
  signal,
  onChanged,
  onClose,
  onOpenIdentity,
}: {
  tenantId: string;
  signal: RiskSignal;
  onChanged: () => void;
  onClose: () => void;
  onOpenIdentity: (id: string) => void;
}) {
  return (
    <aside className="detail" data-testid="signal-detail" aria-label="Signal details" onKeyDown={closeOnEscape(onClose)}>
      <DetailHeader title={signal.title} testId="signal-detail-title" onClose={onClose} />
      <div className="detail-body">
        <div className="detail-badges">
          <LevelBadge level={signal.level} testId="signal-detail-level" />
          <StateBadge state={signal.state} testId="signal-detail-state" />
          <Badge appearance="outline" color="informative">
            {signalKindLabel(signal.kind)}
          </Badge>
        </div>
        <dl className="props">
          <Prop label="Identity">
            <Link as="button" data-testid="signal-detail-identity" className="break risk-name" onClick={() => onOpenIdentity(signal.spId)}>
              {signal.displayName}
            </Link>
            {signal.identityKind && <Caption1 className="secondary block">{kindShortLabel(signal.identityKind)}</Caption1>}
          </Prop>
          <Prop label="What was new" testId="signal-detail-value">
            <span className="mono break">{signal.value}</span>
          </Prop>
          <Prop label="First seen">{formatDateTime(signal.detectedAt)}</Prop>
          <Prop label="Last seen">{formatDateTime(signal.lastSeen)}</Prop>
          <Prop label="Sign-ins">{formatNumber(signal.signInCount)}</Prop>
          {signal.stateAt && <Prop label="Decision recorded">{formatDateTime(signal.stateAt)}</Prop>}
        </dl>

        <RiskActions
          tenantId={tenantId}
          spId={signal.spId}
          displayName={signal.displayName}
          state={signal.state}
          onChanged={onChanged}
        />

        <Subtitle2 as="h3" className="subheading">
          Why it matters
        </Subtitle2>
        <Body1 data-testid="signal-rationale" className="break">
          {signal.rationale}
        </Body1>

        <Subtitle2 as="h3" className="subheading">
          Evidence
        </Subtitle2>
        {signal.evidence.length === 0 ? (
          <Body1 className="empty">No further evidence.</Body1>
        ) : (
          <dl className="props" data-testid="signal-evidence">
            {signal.evidence.map((e, i) => (
              <Prop key={i} label={e.label}>
                <span className="break" data-testid="signal-evidence-value">
                  {e.value}
                </span>
              </Prop>
            ))}
          </dl>
        )}

        <Subtitle2 as="h3" className="subheading">
          Sign-ins behind it
        </Subtitle2>
        <SignalSignIns tenantId={tenantId} signal={signal} />
      </div>
    </aside>
  );
}

function SignalSignIns({ tenantId, signal }: { tenantId: string; signal: RiskSignal }) {
  const backend = useBackend();
  const filterKey = JSON.stringify(signal.signIns);
  const [state, retry] = useAsync(() => backend.riskSignalSignIns(tenantId, signal.signIns), [backend, tenantId, filterKey]);
  if (state.status === "loading") return <Loading label="Loading sign-ins…" />;
  if (state.status === "error") return <ErrorBar error={state.error} onRetry={retry} />;
  const rows = state.data;
  if (rows.length === 0)
    return (
      <Body1 className="empty" data-testid="signal-signins-empty">
        The cache holds none of these sign-ins any more.
      </Body1>
    );
  return (
    <>
      <Caption1 className="secondary" data-testid="signal-signins-count">
        {rows.length < signal.signInCount
          ? `The first ${formatNumber(rows.length)} of ${formatNumber(signal.signInCount)} sign-ins, oldest first.`
          : `${plural(rows.length, "sign-in")}, oldest first.`}
      </Caption1>
      <SignInTable rows={rows} />
    </>
  );
}

function SignInTable({ rows }: { rows: SignInRow[] }) {
  return (
    <ScrollRegion label="Sign-ins behind the signal">
      <Table size="small" aria-label="Sign-ins behind the signal" className="signin-table" data-testid="signal-signins">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Time</TableHeaderCell>
            <TableHeaderCell>Resource</TableHeaderCell>
            <TableHeaderCell>IP address</TableHeaderCell>
            <TableHeaderCell>Country</TableHeaderCell>
            <TableHeaderCell>Credential type</TableHeaderCell>
            <TableHeaderCell>Key ID</TableHeaderCell>
            <TableHeaderCell className="num">Error code</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((s) => (
            <TableRow key={s.id} data-testid="signal-signin-row">
              <TableCell className="nowrap">{formatDateTimeShort(s.createdDateTime)}</TableCell>
              <TableCell className="break">{s.resourceDisplayName ?? "—"}</TableCell>
              <TableCell className="mono">{s.ipAddress ?? "—"}</TableCell>
              <TableCell>{s.country ?? "—"}</TableCell>
              <TableCell>{s.clientCredentialType ?? "—"}</TableCell>
              <TableCell className="mono break">{s.credentialKeyId ?? "—"}</TableCell>
              <TableCell className="num" title={s.failureReason ?? undefined} data-testid="signal-signin-error">
                <span className={s.errorCode === 0 ? "result-ok" : "result-fail"}>
                  {s.errorCode === 0 ? "0 (success)" : s.errorCode}
                </span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}

function RiskyDetail({
  tenantId,
  identity: r,
  onChanged,
  onClose,
  onOpenIdentity,
}: {
  tenantId: string;
  identity: RiskyIdentity;
  onChanged: () => void;
  onClose: () => void;
  onOpenIdentity: (id: string) => void;
}) {
  return (
    <aside
      className="detail"
      data-testid="risky-detail"
      aria-label="Risky identity details"
      onKeyDown={closeOnEscape(onClose)}
    >
      <DetailHeader title={r.displayName} testId="risky-detail-name" onClose={onClose} />
      <div className="detail-body">
        <div className="detail-badges">
          <LevelBadge level={r.riskLevel} testId="risky-detail-level" />
          <Badge appearance="tint" color="subtle" data-testid="risky-detail-state">
            {riskStateLabel(r.riskState)}
          </Badge>
          {r.pendingAction && (
            <Badge appearance="outline" color="important" data-testid="risky-detail-pending">
              Pending push: {RISK_ACTION_LABELS[r.pendingAction]}
            </Badge>
          )}
        </div>
        <dl className="props">
          <Prop label="Risk detail">{humanize(r.riskDetail)}</Prop>
          <Prop label="Last updated">{formatDateTime(r.riskLastUpdated)}</Prop>
          <Prop label="Object ID">
            <span className="mono">{r.id}</span>
          </Prop>
          <Prop label="App ID">
            <span className="mono">{r.appId ?? "—"}</span>
          </Prop>
          <Prop label="Type">{r.servicePrincipalType ?? "—"}</Prop>
          <Prop label="Enabled">{r.isEnabled === null ? "—" : r.isEnabled ? "Yes" : "No"}</Prop>
          <Prop label="Open">
            <span className="chips">
              <Link as="button" data-testid="risky-open-identity" onClick={() => onOpenIdentity(r.id)}>
                Identity in Steward
              </Link>
              <PortalLink url={r.adminCenterUrl} />
            </span>
          </Prop>
        </dl>

        <RiskActions tenantId={tenantId} spId={r.id} displayName={r.displayName} state={identityState(r)} onChanged={onChanged} />

        <Subtitle2 as="h3" className="subheading">
          Detections ({formatNumber(r.detections.length)})
        </Subtitle2>
        {r.detections.length === 0 ? (
          <Body1 className="empty">No detections are cached for this identity.</Body1>
        ) : (
          <ScrollRegion label="Detections">
            <Table size="small" aria-label="Detections" className="detection-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Detection</TableHeaderCell>
                  <TableHeaderCell className="col-level">Level</TableHeaderCell>
                  <TableHeaderCell>State</TableHeaderCell>
                  <TableHeaderCell>Detected</TableHeaderCell>
                  <TableHeaderCell>IP / location</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {r.detections.map((d) => (
                  <TableRow key={d.id} data-testid="detection-row">
                    <TableCell className="top">
                      <span className="break block" data-testid="detection-description">
                        {d.description}
                      </span>
                      <Caption1 className="secondary block mono">{d.riskEventType}</Caption1>
                      {d.keyIds.map((k, i) => (
                        <Caption1 key={i} className="secondary block mono" data-testid="detection-key">
                          Key ID {k}
                        </Caption1>
                      ))}
                    </TableCell>
                    <TableCell className="top">
                      <LevelBadge level={d.riskLevel} />
                    </TableCell>
                    <TableCell className="top">
                      {riskStateLabel(d.riskState)}
                      {d.riskDetail && d.riskDetail !== "none" && (
                        <Caption1 className="secondary block">{humanize(d.riskDetail)}</Caption1>
                      )}
                    </TableCell>
                    <TableCell className="top">
                      {formatDateTimeShort(d.detectedAt)}
                      {d.detectionTimingType && <Caption1 className="secondary block">{humanize(d.detectionTimingType)}</Caption1>}
                    </TableCell>
                    <TableCell className="top">
                      <span className="mono block">{d.ipAddress ?? "—"}</span>
                      {d.location && <Caption1 className="secondary block break">{d.location}</Caption1>}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </ScrollRegion>
        )}

        <Subtitle2 as="h3" className="subheading">
          History ({formatNumber(r.history.length)})
        </Subtitle2>
        {r.history.length === 0 ? (
          <Body1 className="empty">No history is cached for this identity.</Body1>
        ) : (
          <ScrollRegion label="Risk history">
            <Table size="small" aria-label="Risk history" className="history-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>When</TableHeaderCell>
                  <TableHeaderCell className="col-level">Level</TableHeaderCell>
                  <TableHeaderCell>State</TableHeaderCell>
                  <TableHeaderCell>Detail</TableHeaderCell>
                  <TableHeaderCell>Initiated by</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {r.history.map((h, i) => (
                  <TableRow key={`${h.at}-${i}`} data-testid="history-row">
                    <TableCell className="nowrap">{formatDateTimeShort(h.at)}</TableCell>
                    <TableCell>
                      <LevelBadge level={h.riskLevel} />
                    </TableCell>
                    <TableCell>{riskStateLabel(h.riskState)}</TableCell>
                    <TableCell className="break">{humanize(h.riskDetail)}</TableCell>
                    <TableCell className="break">{h.initiatedBy ?? "—"}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </ScrollRegion>
        )}
      </div>
    </aside>
  );
}

// ---------------------------------------------------------------------------------------------
// Admin actions

function RiskActions({
  tenantId,
  spId,
  displayName,
  state,
  onChanged,
}: {
  tenantId: string;
  spId: string;
  displayName: string;
  state: SignalState;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const [confirming, setConfirming] = useState(false);
  // The confirmation is opened without a DialogTrigger: Fluent's restorer returns the focus to this button.
  const restoreFocusTarget = useRestoreFocusTarget();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const confirmMotion = useFocusBackAfterClose(confirmButton);

  const apply = async (action: RiskAction) => {
    setBusy(true);
    setError(null);
    try {
      await backend.riskAction(tenantId, [spId], action);
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="status-actions" data-testid="risk-actions">
      <div className="actions">
        <Button
          data-testid="risk-confirm"
          {...restoreFocusTarget}
          disabled={busy || state === "confirmedCompromised"}
          ref={confirmButton}
          onClick={() => setConfirming(true)}
        >
          Confirm compromised
        </Button>
        <Button data-testid="risk-dismiss" disabled={busy || state === "dismissed"} onClick={() => void apply("dismiss")}>
          Dismiss
        </Button>
        <Button
          data-testid="risk-remediated"
          disabled={busy || state === "remediated"}
          onClick={() => void apply("remediated")}
        >
          Mark remediated
        </Button>
        {busy && <Spinner size="tiny" aria-label="Saving" />}
      </div>
      <Caption1 className="secondary" data-testid="risk-action-note">
        Applies to the identity: all its signals and its Identity Protection risk. Confirm compromised and Dismiss are
        recorded here and pushed to Microsoft Entra ID Protection on the next sync when Steward is connected; Mark
        remediated stays in Steward.
      </Caption1>
      {error && <ErrorBar error={error} />}
      <Dialog
        open={confirming}
        onOpenChange={(_, d) => setConfirming(d.open)}
        surfaceMotion={confirmMotion}
      >
        <DialogSurface aria-describedby="risk-confirm-text" data-testid="risk-confirm-dialog">
          <DialogBody>
            <DialogTitle>Confirm this identity compromised?</DialogTitle>
            <DialogContent id="risk-confirm-text" className="dialog-text">
              <Body1 className="break block">
                <Text weight="semibold">{displayName}</Text> will be marked confirmed compromised: its risk becomes high.
                Steward records the decision now and pushes it to Microsoft Entra ID Protection on the next sync when
                connected; from then on, conditional access policies based on service principal risk apply to it.
              </Body1>
              <Body1 className="block">
                Before you confirm, plan the response: disable the service principal or remove its credentials, and
                review what it accessed.
              </Body1>
            </DialogContent>
            <DialogActions>
              <Button
                appearance="primary"
                data-testid="risk-confirm-yes"
                disabled={busy}
                onClick={() => void apply("confirmCompromised")}
              >
                Confirm compromised
              </Button>
              <Button data-testid="risk-confirm-cancel" disabled={busy} onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
