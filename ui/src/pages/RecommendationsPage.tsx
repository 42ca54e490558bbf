import { useMemo, useRef, useState, type FormEvent } from "react";
import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Spinner,
  Subtitle2,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
} from "@fluentui/react-components";
import { Dismiss24Regular, Open16Regular, Settings20Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type BackendError,
  type ImpactedResource,
  type Priority,
  type Recommendation,
  type RecommendationReport,
  type RecommendationSettings,
  type StatusChange,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { closeOnEscape, elementWith, useReturnFocus } from "../focus";
import {
  addDays,
  formatDate,
  formatDateTime,
  formatDateTimeShort,
  formatNumber,
  isEntraPortalUrl,
  plural,
  PRIORITY_LABELS,
  PRIORITY_ORDER,
  recommendationStatusText,
  resourceTypeLabel,
  sourceLabel,
} from "../format";

const PRIORITY_COLORS: Record<Priority, "danger" | "warning" | "informative"> = {
  high: "danger",
  medium: "warning",
  low: "informative",
};

const PRIORITIES: Priority[] = ["high", "medium", "low"];

export type RecommendationsPageProps = { tenantId: string; onOpenIdentity: (id: string) => void };

function byPriorityThenName(a: Recommendation, b: Recommendation): number {
  return PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.displayName.localeCompare(b.displayName);
}

function isClosed(r: Recommendation): boolean {
  return r.status === "dismissed" || r.status === "completed";
}

export function RecommendationsPage({ tenantId, onOpenIdentity }: RecommendationsPageProps) {
  const backend = useBackend();
  // `null` until the admin applies thresholds: the backend uses its defaults and names them in the report.
  const [settings, setSettings] = useState<RecommendationSettings | null>(null);
  const [selectedType, setSelectedType] = useState<string | null>(null);
  const [showClosed, setShowClosed] = useState(true);

  // Keeps the last report on screen while a new one loads (after a status change or new thresholds).
  const state = useKeptAsync(() => backend.recommendations(tenantId, settings), [backend, tenantId, settings]);
  const reload = state.reload;
  const report = state.data;
  const selected = report?.recommendations.find((r) => r.type === selectedType) ?? null;
  const pageRef = useRef<HTMLElement>(null);
  useReturnFocus(
    report && selected ? selected.type : null,
    (type) => elementWith(pageRef.current, "tr[data-type]", "data-type", type)?.querySelector<HTMLElement>(".rec-name"),
    "recommendations-heading",
  );

  return (
    <section
      ref={pageRef}
      data-testid="page-recommendations"
      className="page split-page"
      aria-labelledby="recommendations-heading"
    >
      <div className={selected ? "split split-open" : "split"}>
        <div className="split-main">
          <div className="page-header">
            <div className="page-header-text">
              <Title3 as="h2" id="recommendations-heading" tabIndex={-1}>
                Recommendations
              </Title3>
              {report && <ReportContext report={report} />}
            </div>
            {state.loading && report && <Spinner size="tiny" label="Updating…" data-testid="rec-reloading" />}
            <ThresholdsButton settings={report?.settings ?? null} onApply={setSettings} />
          </div>
          {state.error && <ErrorBar error={state.error} onRetry={reload} />}
          {!report ? (
            !state.error && <Loading />
          ) : (
            <RecommendationList
              report={report}
              selectedType={selectedType}
              onSelect={setSelectedType}
              showClosed={showClosed}
              onShowClosed={setShowClosed}
            />
          )}
        </div>
        {report && selected && (
          <RecommendationDetail
            key={selected.type}
            tenantId={tenantId}
            rec={selected}
            asOf={report.asOf}
            settings={report.settings}
            onChanged={reload}
            onClose={() => setSelectedType(null)}
            onOpenIdentity={onOpenIdentity}
          />
        )}
      </div>
    </section>
  );
}

function ReportContext({ report }: { report: RecommendationReport }) {
  return (
    <>
      <Caption1 className="secondary" data-testid="rec-asof">
        Computed from the cache as of {formatDateTime(report.asOf)}
      </Caption1>
      <Caption1 className="secondary" data-testid="rec-history">
        {report.historyFrom
          ? `Sign-in history in the cache from ${formatDate(report.historyFrom)}. `
          : "No sign-ins in the cache yet. "}
        {report.activityReport
          ? "Graph's usage reports are cached, so last use is known beyond the sign-in log."
          : "Graph's usage reports are not cached: last use is judged from the cached sign-in log only."}
      </Caption1>
    </>
  );
}

function parseDays(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 36_500 ? n : null;
}

function ThresholdsButton({
  settings,
  onApply,
}: {
  /** The thresholds the report on screen applied; `null` while none is loaded. */
  settings: RecommendationSettings | null;
  onApply: (s: RecommendationSettings) => void;
}) {
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState(String(settings?.secretMaxDays ?? ""));
  const [cert, setCert] = useState(String(settings?.certificateMaxDays ?? ""));
  const secretDays = parseDays(secret);
  const certDays = parseDays(cert);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (secretDays === null || certDays === null) return;
    onApply({ secretMaxDays: secretDays, certificateMaxDays: certDays });
    setOpen(false);
  };

  return (
    <Popover
      open={open}
      onOpenChange={(_, d) => {
        setOpen(d.open);
        if (d.open && settings) {
          setSecret(String(settings.secretMaxDays));
          setCert(String(settings.certificateMaxDays));
        }
      }}
      trapFocus
      positioning="below-end"
    >
      <PopoverTrigger disableButtonEnhancement>
        <Button icon={<Settings20Regular />} disabled={!settings} data-testid="rec-thresholds">
          Thresholds
        </Button>
      </PopoverTrigger>
      <PopoverSurface aria-label="Lifetime thresholds">
        <form className="form-stack" onSubmit={submit}>
          <Subtitle2 as="h3">Lifetime thresholds</Subtitle2>
          <Field
            label="Longest acceptable client secret lifetime (days)"
            validationMessage={secretDays === null ? "Enter a whole number of days from 1 to 36,500." : undefined}
          >
            <Input type="number" min={1} value={secret} onChange={(_, d) => setSecret(d.value)} data-testid="rec-secret-max" />
          </Field>
          <Field
            label="Longest acceptable certificate lifetime (days)"
            validationMessage={certDays === null ? "Enter a whole number of days from 1 to 36,500." : undefined}
          >
            <Input type="number" min={1} value={cert} onChange={(_, d) => setCert(d.value)} data-testid="rec-cert-max" />
          </Field>
          <div className="actions">
            <Button type="submit" appearance="primary" disabled={secretDays === null || certDays === null} data-testid="rec-thresholds-apply">
              Apply
            </Button>
            <Button type="button" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      </PopoverSurface>
    </Popover>
  );
}

function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <Badge appearance="filled" color={PRIORITY_COLORS[priority]} data-testid="rec-priority">
      {PRIORITY_LABELS[priority]}
    </Badge>
  );
}

/** A closed finding's status: stated in words at full contrast, where the row used to be dimmed. */
function ClosedBadge({ children }: { children: string }) {
  return (
    <Badge appearance="tint" color="subtle" className="closed-status" data-testid="rec-closed-badge">
      {children}
    </Badge>
  );
}

function SourceBadge({ rec }: { rec: Recommendation }) {
  return (
    <Badge appearance="outline" color={rec.source === "steward" ? "informative" : "brand"} data-testid="rec-source">
      {sourceLabel(rec.source)}
    </Badge>
  );
}

function RecommendationList({
  report,
  selectedType,
  onSelect,
  showClosed,
  onShowClosed,
}: {
  report: RecommendationReport;
  selectedType: string | null;
  onSelect: (type: string) => void;
  showClosed: boolean;
  onShowClosed: (show: boolean) => void;
}) {
  const { findings, passed, notDetermined, activeByPriority, closedCount } = useMemo(() => {
    const findings = report.recommendations.filter((r) => r.impactedTotal > 0).sort(byPriorityThenName);
    // A check without the data it reads found nothing only because it could not look: it is not "passed".
    const quiet = report.recommendations.filter((r) => r.impactedTotal === 0).sort(byPriorityThenName);
    const passed = quiet.filter((r) => r.missingData === null);
    const notDetermined = quiet.filter((r) => r.missingData !== null);
    const activeByPriority: Record<Priority, number> = { high: 0, medium: 0, low: 0 };
    for (const r of findings) if (r.status === "active") activeByPriority[r.priority] += 1;
    return { findings, passed, notDetermined, activeByPriority, closedCount: findings.filter(isClosed).length };
  }, [report]);
  const visible = showClosed ? findings : findings.filter((r) => !isClosed(r));

  return (
    <>
      <div className="rec-summary" data-testid="rec-summary">
        {PRIORITIES.map((p) => (
          <Card key={p} size="small" className="kpi">
            <Caption1 className="kpi-label">Active · {PRIORITY_LABELS[p].toLowerCase()} priority</Caption1>
            <Text size={700} weight="semibold" data-testid={`rec-summary-${p}`} className={`priority-text-${p}`}>
              {formatNumber(activeByPriority[p])}
            </Text>
          </Card>
        ))}
        <Card size="small" className="kpi">
          <Caption1 className="kpi-label">Checks with no findings</Caption1>
          <Text size={700} weight="semibold" data-testid="rec-summary-passed">
            {formatNumber(passed.length)}
          </Text>
        </Card>
      </div>

      <Card>
        <div className="card-toolbar">
          <Subtitle2 as="h3">Findings ({formatNumber(findings.length)})</Subtitle2>
          <div className="app-header-spacer" />
          <Switch
            data-testid="rec-show-closed"
            label={`Show dismissed and completed (${formatNumber(closedCount)})`}
            checked={showClosed}
            onChange={(_, d) => onShowClosed(d.checked)}
          />
        </div>
        {visible.length === 0 ? (
          <Body1 className="empty" data-testid="rec-empty">
            {findings.length === 0
              ? "Nothing to act on: every check passed."
              : "All findings are dismissed or completed. Show them to reactivate one."}
          </Body1>
        ) : (
          <ScrollRegion label="Recommendations">
            <Table size="small" aria-label="Recommendations" className="rec-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell className="col-priority">Priority</TableHeaderCell>
                  <TableHeaderCell>Recommendation</TableHeaderCell>
                  {!selectedType && <TableHeaderCell className="col-source">Source</TableHeaderCell>}
                  <TableHeaderCell className="num col-count">Impacted</TableHeaderCell>
                  <TableHeaderCell className="col-status">Status</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {visible.map((r) => {
                  const isSelected = r.type === selectedType;
                  const classes = ["rec-row", isClosed(r) ? "rec-row-closed" : "", isSelected ? "rec-row-selected" : ""];
                  return (
                    <TableRow
                      key={r.type}
                      data-testid="rec-row"
                      data-type={r.type}
                      className={classes.filter(Boolean).join(" ")}
                      onClick={() => onSelect(r.type)}
                    >
                      <TableCell>
                        <PriorityBadge priority={r.priority} />
                      </TableCell>
                      <TableCell>
                        <Link as="button" data-testid="rec-name" className="rec-name" onClick={() => onSelect(r.type)}>
                          {r.displayName}
                        </Link>
                        {r.undeterminedTotal > 0 && (
                          <Caption1 className="secondary block">
                            {plural(r.undeterminedTotal, "resource")} could not be judged yet
                          </Caption1>
                        )}
                      </TableCell>
                      {!selectedType && (
                        <TableCell className="col-source">
                          <SourceBadge rec={r} />
                        </TableCell>
                      )}
                      <TableCell className="num" data-testid="rec-impacted-count">
                        {formatNumber(r.impactedTotal)}
                      </TableCell>
                      <TableCell data-testid="rec-status">
                        {isClosed(r) ? <ClosedBadge>{recommendationStatusText(r)}</ClosedBadge> : recommendationStatusText(r)}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </ScrollRegion>
        )}
      </Card>

      <Accordion collapsible className="passed-checks">
        <AccordionItem value="passed" data-testid="rec-passed">
          <AccordionHeader as="h3">Checks with no findings ({formatNumber(passed.length)})</AccordionHeader>
          <AccordionPanel>
            {passed.length === 0 ? (
              <Body1 className="empty">Every check found something to act on.</Body1>
            ) : (
              <ul className="plain-list passed-list">
                {passed.map((r) => (
                  <li key={r.type} data-testid="rec-passed-item" data-type={r.type}>
                    <Text>{r.displayName}</Text> <SourceBadge rec={r} />
                    {r.undeterminedTotal > 0 && (
                      <>
                        {" "}
                        <Link as="button" className="warn-text" onClick={() => onSelect(r.type)}>
                          {plural(r.undeterminedTotal, "resource")} not judged:{" "}
                          {r.undeterminedReason?.startsWith("Not read") ? "setting not read" : "not enough history"}
                        </Link>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </AccordionPanel>
        </AccordionItem>
        {notDetermined.length > 0 && (
          <AccordionItem value="undetermined" data-testid="rec-not-determined">
            <AccordionHeader as="h3">Checks not determined ({formatNumber(notDetermined.length)})</AccordionHeader>
            <AccordionPanel>
              <ul className="plain-list passed-list">
                {notDetermined.map((r) => (
                  <li key={r.type} data-testid="rec-not-determined-item" data-type={r.type}>
                    <Link as="button" onClick={() => onSelect(r.type)}>
                      {r.displayName}
                    </Link>{" "}
                    <SourceBadge rec={r} />
                    <Caption1 className="secondary block break">{r.missingData}</Caption1>
                  </li>
                ))}
              </ul>
            </AccordionPanel>
          </AccordionItem>
        )}
      </Accordion>
    </>
  );
}

type DetailProps = {
  tenantId: string;
  rec: Recommendation;
  asOf: string;
  settings: RecommendationSettings;
  onChanged: () => void;
  onClose: () => void;
  onOpenIdentity: (id: string) => void;
};

function RecommendationDetail({ tenantId, rec, asOf, settings, onChanged, onClose, onOpenIdentity }: DetailProps) {
  return (
    <aside className="detail" data-testid="rec-detail" aria-label="Recommendation details" onKeyDown={closeOnEscape(onClose)}>
      <div className="detail-top">
        <div className="detail-title">
          <Title3 as="h2" className="detail-name" data-testid="rec-detail-name">
            {rec.displayName}
          </Title3>
        </div>
        <Button
          data-testid="rec-detail-close"
          appearance="subtle"
          aria-label="Close details"
          icon={<Dismiss24Regular />}
          onClick={onClose}
        />
      </div>
      <div className="detail-body">
        <div className="detail-badges">
          <PriorityBadge priority={rec.priority} />
          <SourceBadge rec={rec} />
          <Badge appearance="tint" color={rec.status === "active" ? "brand" : "subtle"} data-testid="rec-detail-status">
            {recommendationStatusText(rec)}
          </Badge>
        </div>
        <StatusActions tenantId={tenantId} rec={rec} asOf={asOf} settings={settings} onChanged={onChanged} />
        {rec.peerChecks.length > 0 && (
          <Caption1 className="secondary" data-testid="rec-peer-checks">
            Answers {rec.peerChecks.join(", ")} of other assessment tools (Zero Trust Assessment, Maester, CIS, ScubaGear,
            CIPP).
          </Caption1>
        )}
        {rec.missingData && (
          <MessageBar intent="warning" layout="multiline" data-testid="rec-missing-data">
            <MessageBarBody>
              <MessageBarTitle>{rec.impactedTotal === 0 ? "Not determined" : "The list may be incomplete"}</MessageBarTitle>
              {rec.missingData}
            </MessageBarBody>
          </MessageBar>
        )}
        {rec.entra && (
          <Caption1 className="secondary" data-testid="rec-entra">
            {rec.source === "entraSynced"
              ? "As reported by Microsoft Entra recommendations"
              : `Entra itself reports ${formatNumber(rec.entra.impactedTotal)} impacted`}
            {` (status in Entra: ${rec.entra.status}${
              rec.entra.lastChecked ? `; checked ${formatDateTimeShort(rec.entra.lastChecked)}` : ""
            }). Statuses set here stay in Steward until a sync pushes them.`}
          </Caption1>
        )}

        <Subtitle2 as="h3" className="subheading">
          Why it matters
        </Subtitle2>
        <Body1 data-testid="rec-rationale" className="break">
          {rec.rationale}
        </Body1>
        <Subtitle2 as="h3" className="subheading">
          What to do
        </Subtitle2>
        <ol className="steps" data-testid="rec-steps">
          {rec.actionSteps.map((step, i) => (
            <li key={i}>
              <Body1>{step}</Body1>
            </li>
          ))}
        </ol>

        {rec.undeterminedTotal > 0 && <Undetermined rec={rec} onOpenIdentity={onOpenIdentity} />}

        <Subtitle2 as="h3" className="subheading">
          Impacted resources ({formatNumber(rec.impactedTotal)})
        </Subtitle2>
        {rec.impactedTotal === 0 ? (
          <Body1 className="empty">No resource is impacted.</Body1>
        ) : (
          <>
            <ImpactedTable resources={rec.impacted} rowTestId="impacted-row" label="Impacted resources" onOpenIdentity={onOpenIdentity} />
            {rec.impactedTotal > rec.impacted.length && (
              <Caption1 className="secondary" data-testid="impacted-truncated">
                Showing {formatNumber(rec.impacted.length)} of {formatNumber(rec.impactedTotal)}; export the report for all.
              </Caption1>
            )}
          </>
        )}
      </div>
    </aside>
  );
}

function Undetermined({ rec, onOpenIdentity }: { rec: Recommendation; onOpenIdentity: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <MessageBar intent="warning" layout="multiline" data-testid="rec-undetermined">
        <MessageBarBody>
          <MessageBarTitle>
            {plural(rec.undeterminedTotal, "resource")} could not be judged
          </MessageBarTitle>
          {rec.undeterminedReason ?? "The cache does not hold enough history to judge these resources."} They are
          not counted as impacted, and not as unused either.
        </MessageBarBody>
      </MessageBar>
      <div>
        <Button size="small" appearance="subtle" data-testid="rec-undetermined-toggle" onClick={() => setOpen((o) => !o)}>
          {open ? "Hide the resources not judged" : `Show the ${plural(rec.undeterminedTotal, "resource")} not judged`}
        </Button>
      </div>
      {open && (
        <>
          <ImpactedTable
            resources={rec.undetermined}
            rowTestId="undetermined-row"
            label="Resources not judged"
            onOpenIdentity={onOpenIdentity}
          />
          {rec.undeterminedTotal > rec.undetermined.length && (
            <Caption1 className="secondary">
              Showing {formatNumber(rec.undetermined.length)} of {formatNumber(rec.undeterminedTotal)}; export the report for
              all.
            </Caption1>
          )}
        </>
      )}
    </>
  );
}

function StatusActions({
  tenantId,
  rec,
  asOf,
  settings,
  onChanged,
}: {
  tenantId: string;
  rec: Recommendation;
  asOf: string;
  settings: RecommendationSettings;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const [postponing, setPostponing] = useState(false);
  const minDate = addDays(asOf, 1);
  const [until, setUntil] = useState(() => addDays(asOf, 30));

  const apply = async (change: StatusChange) => {
    setBusy(true);
    setError(null);
    try {
      await backend.setRecommendationStatus(tenantId, rec.type, change, settings);
      setPostponing(false);
      onChanged();
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };

  const open = rec.status === "active" || rec.status === "postponed";
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(until);

  return (
    <div className="status-actions">
      <div className="actions">
        {open && (
          <Button data-testid="rec-dismiss" disabled={busy} onClick={() => void apply({ action: "dismiss" })}>
            Dismiss
          </Button>
        )}
        {open && (
          <Button
            data-testid="rec-postpone-open"
            disabled={busy}
            aria-expanded={postponing}
            onClick={() => setPostponing((p) => !p)}
          >
            Postpone…
          </Button>
        )}
        {open && (
          <Button data-testid="rec-complete" disabled={busy} onClick={() => void apply({ action: "complete" })}>
            Mark completed
          </Button>
        )}
        {rec.status !== "active" && (
          <Button
            data-testid="rec-reactivate"
            appearance="primary"
            disabled={busy}
            onClick={() => void apply({ action: "reactivate" })}
          >
            Reactivate
          </Button>
        )}
        {busy && <Spinner size="tiny" aria-label="Saving" />}
      </div>
      {postponing && open && (
        <form
          className="actions postpone-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (validDate) void apply({ action: "postpone", until });
          }}
        >
          <Field label="Postpone until" hint="Active again from this day.">
            <Input
              type="date"
              min={minDate}
              value={until}
              onChange={(_, d) => setUntil(d.value)}
              data-testid="rec-postpone-date"
            />
          </Field>
          <Button type="submit" appearance="primary" data-testid="rec-postpone" disabled={busy || !validDate}>
            Postpone
          </Button>
          <Button type="button" onClick={() => setPostponing(false)}>
            Cancel
          </Button>
        </form>
      )}
      {error && <ErrorBar error={error} />}
    </div>
  );
}

export function PortalLink({ url }: { url: string }) {
  if (!isEntraPortalUrl(url)) return <span className="secondary">—</span>;
  return (
    <Link href={url} target="_blank" rel="noreferrer noopener" data-testid="portal-link" className="nowrap">
      Open in Entra <Open16Regular className="inline-icon" />
    </Link>
  );
}

function ImpactedTable({
  resources,
  rowTestId,
  label,
  onOpenIdentity,
}: {
  resources: ImpactedResource[];
  rowTestId: string;
  label: string;
  onOpenIdentity: (id: string) => void;
}) {
  // The backend returns at most 500 per recommendation: a plain table holds that many well enough.
  return (
    <ScrollRegion label={label}>
      <Table size="small" aria-label={label} className="impacted-table">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell className="col-type">Type</TableHeaderCell>
            <TableHeaderCell>Owners</TableHeaderCell>
            <TableHeaderCell>Evidence</TableHeaderCell>
            <TableHeaderCell className="col-link">Portal</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {resources.map((r, i) => {
            const spId = r.servicePrincipalId;
            return (
              <TableRow key={`${r.id}-${r.credentialKeyId ?? ""}-${i}`} data-testid={rowTestId} data-id={r.id}>
                <TableCell className="top">
                  {spId !== null ? (
                    <Link as="button" data-testid="impacted-name" title={r.displayName} onClick={() => onOpenIdentity(spId)}>
                      <span className="name-clamp">{r.displayName}</span>
                    </Link>
                  ) : (
                    <span data-testid="impacted-name" className="name-clamp" title={r.displayName}>
                      {r.displayName}
                    </span>
                  )}
                  {r.appId && <Caption1 className="secondary block mono">App ID {r.appId}</Caption1>}
                  {r.credentialKeyId && (
                    <Caption1 className="secondary block mono" data-testid="impacted-key">
                      Key ID {r.credentialKeyId}
                    </Caption1>
                  )}
                </TableCell>
                <TableCell className="top">{resourceTypeLabel(r.resourceType)}</TableCell>
                <TableCell className="top" data-testid="impacted-owners">
                  {r.resourceType === "policy" || r.resourceType === "consentRequest" ? (
                    // A tenant policy or a consent request has no owners to miss.
                    "—"
                  ) : r.owners.length === 0 ? (
                    <span className="warn-text">No owner</span>
                  ) : (
                    <ul className="plain-list">
                      {r.owners.map((o, k) => (
                        <li key={k} className="break">
                          {o}
                        </li>
                      ))}
                    </ul>
                  )}
                </TableCell>
                <TableCell className="top" data-testid="impacted-evidence">
                  <ul className="plain-list evidence">
                    {r.evidence.map((e, k) => (
                      <li key={k} className="break">
                        <span className="secondary">{e.label}:</span> {e.value}
                      </li>
                    ))}
                  </ul>
                </TableCell>
                <TableCell className="top">
                  <PortalLink url={r.portalUrl} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}
