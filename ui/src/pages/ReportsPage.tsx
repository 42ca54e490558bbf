import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import {
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
  Select,
  Spinner,
  Subtitle2,
  Text,
  Title3,
} from "@fluentui/react-components";
import { Save20Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type BackendError,
  type ExportResult,
  type Format,
  type ProgressState,
  type ReportArgs,
  type ReportInfo,
  type ReportKind,
  type TenantSummary,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useAsync, useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { formatBytes, formatDateTime, formatNumber, plural } from "../format";

/** The periods offered for reports that cover one (overview, sign-ins), in days before the as-of. */
export const REPORT_PERIODS = [7, 30, 60, 90] as const;
export const DEFAULT_REPORT_PERIOD = 30;

/** How often the page asks a running export how far it got. */
export const EXPORT_POLL_MS = 300;

/** How long the identity field waits for typing to stop before the preview follows it. */
const SP_DEBOUNCE_MS = 400;

export const FORMAT_LABELS: Record<Format, string> = {
  html: "HTML (web page)",
  pdf: "PDF",
  xlsx: "Excel workbook (XLSX)",
  csv: "CSV",
  json: "JSON",
};

/** `value`, once it has stayed the same for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export type ReportsPageProps = {
  tenantId: string;
  /** Every tenant in the cache: a report may be of another tenant than the one on screen. */
  tenants?: TenantSummary[];
};

export function ReportsPage({ tenantId, tenants = [] }: ReportsPageProps) {
  const backend = useBackend();
  const [catalog, retry] = useAsync(() => backend.reportCatalog(), [backend]);
  // Whether the loading state's heading holds the focus (the app focuses it on arriving here). The loaded page
  // draws its own heading in its place, and takes the focus over instead of letting it fall to the document.
  const loadingHeadingFocused = useRef(false);
  return (
    <section data-testid="page-reports" className="page reports-page" aria-labelledby="reports-heading">
      {catalog.status === "ok" && catalog.data.length > 0 ? (
        <Reports tenantId={tenantId} tenants={tenants} catalog={catalog.data} headingFocusedRef={loadingHeadingFocused} />
      ) : (
        <div className="page-pad page">
          <Title3
            as="h2"
            id="reports-heading"
            tabIndex={-1}
            onFocus={() => (loadingHeadingFocused.current = true)}
            onBlur={() => (loadingHeadingFocused.current = false)}
          >
            Reports
          </Title3>
          {catalog.status === "loading" ? (
            <Loading />
          ) : catalog.status === "error" ? (
            <ErrorBar error={catalog.error} onRetry={retry} />
          ) : (
            <Body1 className="empty">No reports are available.</Body1>
          )}
        </div>
      )}
    </section>
  );
}

type Outcome = { type: "saved"; result: ExportResult } | { type: "cancelled" } | { type: "error"; error: BackendError } | null;

function Reports({
  tenantId: currentTenant,
  tenants,
  catalog,
  headingFocusedRef,
}: {
  tenantId: string;
  tenants: TenantSummary[];
  catalog: ReportInfo[];
  /** Set when the heading this page replaces had the focus: this page's heading takes it on mounting. */
  headingFocusedRef: RefObject<boolean>;
}) {
  const backend = useBackend();
  useEffect(() => {
    if (headingFocusedRef.current) document.getElementById("reports-heading")?.focus();
    headingFocusedRef.current = false;
  }, [headingFocusedRef]);
  const [tenantId, setTenantId] = useState(currentTenant);
  const [kind, setKind] = useState<ReportKind>(catalog[0]!.kind);
  const [days, setDays] = useState<number>(DEFAULT_REPORT_PERIOD);
  const [spInput, setSpInput] = useState("");
  const [chosenFormat, setChosenFormat] = useState<Format>("html");
  const [bom, setBom] = useState(false);

  const info = catalog.find((r) => r.kind === kind) ?? catalog[0]!;
  const format: Format = info.formats.includes(chosenFormat) ? chosenFormat : (info.formats[0] ?? "html");
  const offersSp = info.kind === "sign-ins";
  const sp = useDebounced(spInput.trim(), SP_DEBOUNCE_MS);
  const spPending = offersSp && spInput.trim() !== sp;

  // What the preview shows; the export asks for the same, at the preview's as-of.
  const args: ReportArgs = useMemo(
    () => ({
      tenantId,
      kind: info.kind,
      asOf: null,
      days: info.hasPeriod ? days : null,
      sp: offersSp && sp !== "" ? sp : null,
    }),
    [tenantId, info.kind, info.hasPeriod, days, offersSp, sp],
  );
  const state = useKeptAsync(() => backend.reportPreview(args), [backend, args]);
  const preview = state.data;
  const previewCurrent = !!preview && !state.loading && !state.error && !spPending;

  const [busy, setBusy] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [progress, setProgress] = useState<ProgressState | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  // While an export runs, ask how far it got.
  useEffect(() => {
    if (!exporting) return;
    let stopped = false;
    const poll = () => {
      backend.exportProgress().then(
        (p) => {
          if (!stopped && p) setProgress(p);
        },
        () => {
          // A missed reading is not worth an error: the next poll tries again.
        },
      );
    };
    poll();
    const timer = setInterval(poll, EXPORT_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [backend, exporting]);

  const save = async () => {
    if (!preview || !previewCurrent) return;
    const exportArgs: ReportArgs = { ...args, asOf: preview.asOf };
    const csvBom = format === "csv" && bom;
    setBusy(true);
    setOutcome(null);
    try {
      const path = await backend.chooseReportPath(exportArgs, format);
      if (path === null) return;
      setProgress(null);
      setCancelling(false);
      setExporting(true);
      const result = await backend.exportReport(exportArgs, format, path, csvBom);
      setOutcome({ type: "saved", result });
    } catch (e) {
      const error = toBackendError(e);
      setOutcome(error.kind === "cancelled" ? { type: "cancelled" } : { type: "error", error });
    } finally {
      setExporting(false);
      setBusy(false);
    }
  };

  const cancel = async () => {
    setCancelling(true);
    try {
      await backend.cancelExport();
    } catch (e) {
      setCancelling(false);
      setOutcome({ type: "error", error: toBackendError(e) });
    }
  };

  return (
    <div className="reports">
      <div className="reports-controls">
        <div className="page-header-text">
          <Title3 as="h2" id="reports-heading" tabIndex={-1}>
            Reports
          </Title3>
          <Caption1 className="secondary">
            Reports of the cached data, to take to a meeting or hand to an auditor. Preview one, then save it.
          </Caption1>
        </div>

        {tenants.length > 1 && (
          <Field label="Tenant">
            <Select data-testid="report-tenant" value={tenantId} onChange={(_, d) => setTenantId(d.value)}>
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.displayName} ({t.id})
                </option>
              ))}
            </Select>
          </Field>
        )}

        <div role="group" aria-label="Report" className="report-list" data-testid="report-list">
          {catalog.map((r) => {
            const selected = r.kind === info.kind;
            return (
              <button
                key={r.kind}
                type="button"
                className={selected ? "report-option report-option-selected" : "report-option"}
                data-testid="report-option"
                data-kind={r.kind}
                aria-pressed={selected}
                onClick={() => setKind(r.kind)}
              >
                <Text weight="semibold" className="block">
                  {r.title}
                </Text>
                <Caption1 className="secondary block">{r.description}</Caption1>
              </button>
            );
          })}
        </div>

        {info.hasPeriod && (
          <Field label="Period">
            <Select data-testid="report-period" value={String(days)} onChange={(_, d) => setDays(Number(d.value))}>
              {REPORT_PERIODS.map((p) => (
                <option key={p} value={String(p)}>
                  Last {p} days
                </option>
              ))}
            </Select>
          </Field>
        )}

        {offersSp && (
          <Field label="Only this identity (object id)" hint="Leave empty for the sign-ins of every identity.">
            <Input
              data-testid="report-sp"
              className="mono"
              value={spInput}
              placeholder="00000000-0000-0000-0000-000000000000"
              onChange={(_, d) => setSpInput(d.value)}
            />
          </Field>
        )}

        <Field label="Format">
          <Select data-testid="report-format" value={format} onChange={(_, d) => setChosenFormat(d.value as Format)}>
            {info.formats.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f] ?? f.toUpperCase()}
              </option>
            ))}
          </Select>
        </Field>

        {format === "csv" && (
          <Checkbox
            data-testid="report-bom"
            checked={bom}
            onChange={(_, d) => setBom(d.checked === true)}
            label="Byte-order mark for Excel"
          />
        )}

        <div className="actions">
          <Button
            appearance="primary"
            icon={<Save20Regular />}
            data-testid="report-save"
            disabled={busy || !previewCurrent}
            onClick={() => void save()}
          >
            Save…
          </Button>
        </div>

        {exporting && <ExportProgress progress={progress} cancelling={cancelling} onCancel={() => void cancel()} />}
        {outcome?.type === "saved" && <SavedBar result={outcome.result} />}
        {outcome?.type === "cancelled" && (
          <MessageBar intent="info" layout="multiline" data-testid="report-cancelled">
            <MessageBarBody>Export cancelled; nothing was written.</MessageBarBody>
          </MessageBar>
        )}
        {outcome?.type === "error" && <ErrorBar error={outcome.error} />}
      </div>

      <div className="reports-preview">
        <div className="reports-preview-bar">
          <Subtitle2 as="h3">Preview</Subtitle2>
          {preview && (
            <Caption1 className="secondary" data-testid="report-as-of">
              as of {formatDateTime(preview.asOf)}
            </Caption1>
          )}
          {(state.loading || spPending) && preview && (
            <Spinner size="tiny" label="Updating…" data-testid="report-preview-loading" />
          )}
        </div>
        {state.error && <ErrorBar error={state.error} onRetry={state.reload} />}
        {preview ? (
          <iframe
            sandbox=""
            srcDoc={preview.html}
            title="Report preview"
            data-testid="report-preview"
            className="report-frame"
          />
        ) : (
          !state.error && <Loading label="Building the preview…" />
        )}
      </div>
    </div>
  );
}

function ExportProgress({
  progress,
  cancelling,
  onCancel,
}: {
  progress: ProgressState | null;
  cancelling: boolean;
  onCancel: () => void;
}) {
  const done = progress?.rowsDone ?? 0;
  const total = progress?.rowsTotal ?? null;
  const determinate = total !== null && total > 0;
  const text = determinate
    ? `${formatNumber(done)} of ${plural(total, "row")}`
    : `${plural(done, "row")} written`;
  return (
    <div className="export-progress" data-testid="report-progress">
      <ProgressBar
        thickness="large"
        value={determinate ? Math.min(1, done / total) : undefined}
        aria-label="Export progress"
        aria-valuetext={text}
      />
      <Caption1 className="secondary">{text}</Caption1>
      <div className="actions">
        <Button data-testid="report-cancel" disabled={cancelling} onClick={onCancel}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}

function SavedBar({ result }: { result: ExportResult }) {
  return (
    <MessageBar intent="success" layout="multiline" data-testid="report-saved">
      <MessageBarBody>
        <MessageBarTitle>Report saved</MessageBarTitle>
        <span className="mono break block" data-testid="report-saved-path">
          {result.path}
        </span>
        <span className="block">
          {formatBytes(result.bytes)} · {plural(result.rows, "row")}
        </span>
      </MessageBarBody>
    </MessageBar>
  );
}
