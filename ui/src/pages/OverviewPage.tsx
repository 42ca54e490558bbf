import { useState } from "react";
import {
  Badge,
  Body1,
  Caption1,
  Card,
  CardHeader,
  Field,
  Link,
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
  ToggleButton,
} from "@fluentui/react-components";
import { Table16Regular } from "@fluentui/react-icons";
import {
  type CountItem,
  type Dashboard,
  type DashboardChart,
  type Kpi,
  type Overview,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { useColorScheme } from "../theme";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import {
  credentialTypeLabel,
  daysLeftText,
  formatDate,
  formatDateTime,
  formatDay,
  formatDecimal2,
  formatKpiValue,
  formatNumber,
  plural,
} from "../format";
import { ScrollRegion } from "../components/ScrollRegion";

/** The ranges the time-range control offers, in days ending now. */
export const DASHBOARD_RANGES = [7, 30, 60, 90] as const;
export const DEFAULT_DASHBOARD_DAYS = 30;

/** The chart whose image keeps the `signins-chart` test id (the e2e tests look for it). */
const SIGN_INS_CHART = "signInsPerDay";

/**
 * An SVG drawn by the core, as an image URL: the markup never enters the DOM, so nothing in it
 * (tenant names included) can run or style the page.
 */
export function svgDataUrl(svg: string): string {
  return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
}

export function OverviewPage({ tenantId, onOpenIdentity }: { tenantId: string; onOpenIdentity: (id: string) => void }) {
  const backend = useBackend();
  const [days, setDays] = useState<number>(DEFAULT_DASHBOARD_DAYS);

  // Keeps the last dashboard on screen while another range loads.
  // The charts are drawn for the window's theme: a theme change fetches them again.
  const dark = useColorScheme() === "dark";
  const state = useKeptAsync(() => backend.dashboard(tenantId, days, dark), [backend, tenantId, days, dark]);
  // The inventory figures come on their own and first: they take milliseconds on any cache,
  // where the dashboard's charts and KPIs (which weigh every recommendation) take longer on a
  // large one. Once the dashboard is there, its own summary is shown.
  const figures = useKeptAsync(() => backend.overview(tenantId), [backend, tenantId]);

  const data = state.data;
  const summary = data?.summary ?? figures.data;
  return (
    <section data-testid="page-overview" className="page page-pad" aria-labelledby="overview-heading">
      <div className="page-header">
        <div className="page-header-text">
          <Title3 as="h2" id="overview-heading" tabIndex={-1}>
            Overview
          </Title3>
          {data && (
            <Caption1 className="secondary" data-testid="dashboard-asof">
              Figures as of {formatDateTime(data.asOf)}; sign-ins over the {plural(data.days, "day")} from{" "}
              {formatDay(data.from)}
            </Caption1>
          )}
        </div>
        {state.loading && data && <Spinner size="tiny" label="Updating…" data-testid="dashboard-reloading" />}
        <Field label="Time range" orientation="horizontal" className="range-field">
          <Select
            data-testid="range-select"
            value={String(days)}
            onChange={(_, d) => setDays(Number(d.value))}
          >
            {DASHBOARD_RANGES.map((r) => (
              <option key={r} value={String(r)}>
                Last {r} days
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {state.error && <ErrorBar error={state.error} onRetry={state.reload} />}
      {!summary ? (
        !state.error && <Loading />
      ) : (
        <DashboardContent data={data} summary={summary} failed={!!state.error} onOpenIdentity={onOpenIdentity} />
      )}
    </section>
  );
}

/**
 * The figures, and the KPIs and charts once the dashboard has come (`data` is null until then: a
 * spinner holds their place, or nothing when the dashboard failed and the error bar says so).
 */
function DashboardContent({
  data,
  summary,
  failed,
  onOpenIdentity,
}: {
  data: Dashboard | null;
  summary: Overview;
  failed: boolean;
  onOpenIdentity: (id: string) => void;
}) {
  return (
    <div className="overview">
      {data ? (
        <div className="kpis" data-testid="kpis">
          {data.kpis.map((k) => (
            <KpiTile key={k.key} kpi={k} />
          ))}
        </div>
      ) : (
        !failed && <Spinner size="small" label="Working out the KPIs and charts…" data-testid="dashboard-pending" />
      )}
      <Inventory summary={summary} />
      {data && (
        <div className="chart-grid">
          {data.charts.map((c) => (
            <ChartCard key={c.key} chart={c} />
          ))}
        </div>
      )}
      <ExpiringSoon summary={summary} onOpenIdentity={onOpenIdentity} />
    </div>
  );
}

const TONE_CLASS: Record<Kpi["tone"], string> = {
  neutral: "",
  warning: "tone-warning",
  danger: "tone-danger",
};

function KpiTile({ kpi }: { kpi: Kpi }) {
  // "$321.00 / month": the unit in smaller type, so the figure fits the tile.
  const money = kpi.unit === "usdPerMonth";
  return (
    <Card className="kpi" size="small" data-testid="kpi" data-key={kpi.key} data-tone={kpi.tone}>
      <Caption1 className="kpi-label">{kpi.label}</Caption1>
      <Text
        size={700}
        weight="semibold"
        data-testid="kpi-value"
        className={["kpi-value", TONE_CLASS[kpi.tone]].filter(Boolean).join(" ")}
        title={formatKpiValue(kpi)}
      >
        {money ? (
          <>
            ${formatDecimal2(kpi.value)}
            <span className="kpi-unit"> / month</span>
          </>
        ) : (
          formatKpiValue(kpi)
        )}
      </Text>
      {kpi.detail && (
        <Caption1 className="secondary" data-testid="kpi-detail">
          {kpi.detail}
        </Caption1>
      )}
    </Card>
  );
}

function CountTable({ title, items, prefix }: { title: string; items: CountItem[]; prefix: string }) {
  return (
    <Table size="extra-small" aria-label={title} className="count-table">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{title}</TableHeaderCell>
          <TableHeaderCell className="num col-count">Count</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.key}>
            <TableCell>{item.label}</TableCell>
            <TableCell className="num" data-testid={`${prefix}-${item.key}`}>
              {formatNumber(item.count)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Inventory({ summary }: { summary: Overview }) {
  return (
    <Card className="overview-card" data-testid="inventory">
      <CardHeader
        header={<Subtitle2 as="h3">Inventory</Subtitle2>}
        description={<Caption1 className="secondary">Active service principals in the cache (soft-deleted ones excluded)</Caption1>}
      />
      <div className="inventory">
        <div className="inventory-figures">
          <div className="headline-figure">
            <Text size={800} weight="semibold" data-testid="overview-total">
              {formatNumber(summary.totalServicePrincipals)}
            </Text>
            <Caption1 className="secondary">active identities</Caption1>
          </div>
          <div className="headline-figure">
            <Text size={500} weight="semibold" data-testid="overview-enabled">
              {formatNumber(summary.enabledServicePrincipals)}
            </Text>
            <Caption1 className="secondary">enabled</Caption1>
          </div>
          <div className="headline-figure">
            <Text size={500} weight="semibold" data-testid="overview-disabled">
              {formatNumber(summary.disabledServicePrincipals)}
            </Text>
            <Caption1 className="secondary">disabled</Caption1>
          </div>
        </div>
        <CountTable title="By kind" items={summary.byKind} prefix="kind-count" />
        <CountTable title="By ownership" items={summary.byOwnership} prefix="ownership-count" />
      </div>
    </Card>
  );
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function ChartTableView({ chart }: { chart: DashboardChart }) {
  const { columns, rows } = chart.table;
  // A column of plain numbers reads right-aligned and grouped.
  const numeric = columns.map((_, c) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[c] ?? "")));
  return (
    <ScrollRegion label={chart.title} className="chart-table-scroll">
      <Table size="small" aria-label={chart.title} data-testid="chart-table">
        <TableHeader>
          <TableRow>
            {columns.map((col, c) => (
              <TableHeaderCell key={c} className={numeric[c] ? "num" : undefined}>
                {col}
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={Math.max(1, columns.length)}>
                <span className="empty">Nothing in this range.</span>
              </TableCell>
            </TableRow>
          )}
          {rows.map((row, r) => (
            <TableRow key={r} data-testid="chart-table-row">
              {columns.map((_, c) => {
                const v = row[c] ?? "";
                return (
                  <TableCell key={c} className={numeric[c] ? "num" : "break"}>
                    {numeric[c] ? formatNumber(Number(v)) : v}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}

function ChartCard({ chart }: { chart: DashboardChart }) {
  const [asTable, setAsTable] = useState(false);
  return (
    <Card className="chart-card" data-testid="chart-card" data-key={chart.key}>
      <CardHeader
        header={<Subtitle2 as="h3">{chart.title}</Subtitle2>}
        description={<Caption1 className="secondary">{chart.description}</Caption1>}
        action={
          <ToggleButton
            size="small"
            appearance="subtle"
            icon={<Table16Regular />}
            checked={asTable}
            onClick={() => setAsTable((t) => !t)}
            data-testid="chart-table-toggle"
            aria-label={`Show ${chart.title} as a table`}
          >
            Table
          </ToggleButton>
        }
      />
      {asTable ? (
        <ChartTableView chart={chart} />
      ) : (
        <img
          data-testid={chart.key === SIGN_INS_CHART ? "signins-chart" : "chart-image"}
          className="chart"
          alt={`${chart.title}: ${chart.description} Switch to the table for the figures.`}
          src={svgDataUrl(chart.svg)}
        />
      )}
    </Card>
  );
}

function ExpiringSoon({ summary, onOpenIdentity }: { summary: Overview; onOpenIdentity: (id: string) => void }) {
  return (
    <Card className="overview-card">
      <CardHeader header={<Subtitle2 as="h3">Expiring soon</Subtitle2>} />
      {summary.expiringSoon.length === 0 ? (
        <Body1>No credentials expire in the next 30 days.</Body1>
      ) : (
        <ScrollRegion label="Expiring soon">
          <Table size="small" aria-label="Expiring soon" data-testid="expiring-soon">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Credential</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell>End date</TableHeaderCell>
                <TableHeaderCell className="num">Days left</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {summary.expiringSoon.map((c, i) => (
                <TableRow key={`${c.servicePrincipalId}-${i}`} data-testid="expiring-row">
                  <TableCell>
                    <Link
                      as="button"
                      data-testid="expiring-name"
                      title={c.displayName}
                      onClick={() => onOpenIdentity(c.servicePrincipalId)}
                    >
                      <span className="name-clamp">{c.displayName}</span>
                    </Link>
                  </TableCell>
                  <TableCell>{c.credentialName ?? "—"}</TableCell>
                  <TableCell>{credentialTypeLabel(c.credentialType)}</TableCell>
                  <TableCell>{formatDate(c.endDateTime)}</TableCell>
                  <TableCell className="num">
                    <Badge appearance="tint" color={c.daysLeft <= 7 ? "danger" : "warning"}>
                      {daysLeftText(c.daysLeft)}
                    </Badge>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
    </Card>
  );
}
