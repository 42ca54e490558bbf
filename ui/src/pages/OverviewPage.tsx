import { useState } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Link,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
} from "@fluentui/react-components";
import type { CountItem, Overview } from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { credentialTypeLabel, daysLeftText, formatDate, formatDateTime, formatNumber } from "../format";

export function OverviewPage({ tenantId, onOpenIdentity }: { tenantId: string; onOpenIdentity: (id: string) => void }) {
  const backend = useBackend();
  const [state, retry] = useAsync(() => backend.overview(tenantId), [backend, tenantId]);
  return (
    <section data-testid="page-overview" className="page page-pad" aria-labelledby="overview-heading">
      <Title3 as="h2" id="overview-heading">
        Overview
      </Title3>
      {state.status === "loading" && <Loading />}
      {state.status === "error" && <ErrorBar error={state.error} onRetry={retry} />}
      {state.status === "ok" && <OverviewContent data={state.data} onOpenIdentity={onOpenIdentity} />}
    </section>
  );
}

function Kpi({ label, value, testId, sub }: { label: string; value: number; testId: string; sub?: string }) {
  return (
    <Card className="kpi" size="small">
      <Caption1 className="kpi-label">{label}</Caption1>
      <Text className="kpi-value" size={700} weight="semibold" data-testid={testId}>
        {formatNumber(value)}
      </Text>
      {sub && <Caption1 className="kpi-sub">{sub}</Caption1>}
    </Card>
  );
}

function CountTable({ title, items, prefix }: { title: string; items: CountItem[]; prefix: string }) {
  return (
    <Card className="overview-card">
      <CardHeader header={<Subtitle2 as="h3">{title}</Subtitle2>} />
      <Table size="small" aria-label={title}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Category</TableHeaderCell>
            <TableHeaderCell className="num">Count</TableHeaderCell>
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
    </Card>
  );
}

function OverviewContent({ data, onOpenIdentity }: { data: Overview; onOpenIdentity: (id: string) => void }) {
  const [showTable, setShowTable] = useState(false);
  return (
    <div className="overview">
      <Caption1>Figures as of {formatDateTime(data.asOf)}</Caption1>
      <div className="kpis">
        <Kpi label="Service principals" value={data.totalServicePrincipals} testId="overview-total" />
        <Kpi label="Enabled" value={data.enabledServicePrincipals} testId="overview-enabled" />
        <Kpi label="Disabled" value={data.disabledServicePrincipals} testId="overview-disabled" />
        <Kpi label="Credentials expiring in 30 days" value={data.credentialsExpiring30d} testId="overview-expiring-30d" />
        <Kpi label="Expired credentials" value={data.credentialsExpired} testId="overview-expired" />
        <Kpi label="Sign-ins (last 30 days)" value={data.signIns30d} testId="overview-signins-30d" />
        <Kpi label="Sign-in failures (last 30 days)" value={data.signInFailures30d} testId="overview-failures-30d" />
      </div>

      <div className="overview-grid">
        <CountTable title="By kind" items={data.byKind} prefix="kind-count" />
        <CountTable title="By ownership" items={data.byOwnership} prefix="ownership-count" />
      </div>

      <Card className="overview-card">
        <CardHeader
          header={<Subtitle2 as="h3">Sign-ins</Subtitle2>}
          action={
            <Button size="small" data-testid="signins-toggle" onClick={() => setShowTable((s) => !s)}>
              {showTable ? "Show as chart" : "Show as table"}
            </Button>
          }
        />
        <figure className="chart-figure">
          {showTable ? (
            <Table size="small" aria-label="Sign-ins per day" data-testid="signins-table">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Day</TableHeaderCell>
                  <TableHeaderCell className="num">Success</TableHeaderCell>
                  <TableHeaderCell className="num">Failure</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.signInsPerDay.map((d) => (
                  <TableRow key={d.day}>
                    <TableCell>{d.day}</TableCell>
                    <TableCell className="num">{formatNumber(d.success)}</TableCell>
                    <TableCell className="num">{formatNumber(d.failure)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <img
              data-testid="signins-chart"
              className="chart"
              alt="Sign-ins per day, last 30 days"
              src={"data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.signInsChartSvg)}
            />
          )}
          <figcaption>
            <Caption1>Sign-ins per day (last 30 days): success vs failure</Caption1>
          </figcaption>
        </figure>
      </Card>

      <Card className="overview-card">
        <CardHeader header={<Subtitle2 as="h3">Expiring soon</Subtitle2>} />
        {data.expiringSoon.length === 0 ? (
          <Body1>No credentials expire in the next 30 days.</Body1>
        ) : (
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
              {data.expiringSoon.map((c, i) => (
                <TableRow key={`${c.servicePrincipalId}-${i}`} data-testid="expiring-row">
                  <TableCell>
                    <Link as="button" data-testid="expiring-name" onClick={() => onOpenIdentity(c.servicePrincipalId)}>
                      {c.displayName}
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
        )}
      </Card>
    </div>
  );
}
