import { useState } from "react";
import {
  Button,
  Caption1,
  Card,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { toBackendError, type BackendError, type ReplayView, type WorkloadPolicy } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ErrorBar } from "../../components/ErrorBar";
import { ScrollRegion } from "../../components/ScrollRegion";
import { useColorScheme } from "../../theme";
import { formatDateTime, formatNumber, plural } from "../../format";
import { svgDataUrl } from "../OverviewPage";
import { CONDITION_LABEL, STATE_LABEL } from "./labels";

/** A policy the replay can run: one of the tenant's, or the draft the policy dialog handed over. */
export type ReplayChoice = { key: string; label: string; policy: WorkloadPolicy };

/**
 * Replay: the cached sign-ins of a period run through a policy, whatever its state, to show what it would have
 * blocked before anyone turns it on. Failures before conditional access do not count; what the cache cannot decide
 * is counted apart, with the reason.
 */
export function ReplayPanel({
  tenantId,
  choices,
  chosen,
  onChoose,
  defaultFrom,
  defaultTo,
  onOpenIdentity,
}: {
  tenantId: string;
  choices: ReplayChoice[];
  chosen: string | null;
  onChoose: (key: string) => void;
  defaultFrom: string;
  defaultTo: string;
  onOpenIdentity: (id: string) => void;
}) {
  const backend = useBackend();
  const dark = useColorScheme() === "dark";
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const [result, setResult] = useState<ReplayView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const choice = choices.find((c) => c.key === chosen) ?? null;
  const run = async () => {
    if (!choice) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await backend.caReplay(tenantId, choice.policy, from, to, dark));
    } catch (e) {
      setResult(null);
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };
  const r = result?.replay ?? null;
  return (
    <div className="form-grid" data-testid="ca-replay">
      <Caption1 className="secondary">
        Runs the cached sign-ins of a period through a policy as if it had been on, and shows what it would have
        blocked. Sign-ins that failed before conditional access (a wrong secret, an unknown certificate) never reached
        it and are not counted.
      </Caption1>
      {choices.length === 0 ? (
        <MessageBar layout="multiline" intent="info">
          <MessageBarBody>No policy for workload identities to replay yet: write one with New policy….</MessageBarBody>
        </MessageBar>
      ) : (
        <div className="whatif-form">
          <Field label="Policy">
            <Select
              value={chosen ?? ""}
              onChange={(_, d) => {
                onChoose(d.value);
                setResult(null);
              }}
              data-testid="ca-replay-policy"
            >
              {chosen === null && <option value="">Choose a policy</option>}
              {choices.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="From (UTC)">
            <Input type="date" value={from} onChange={(_, d) => setFrom(d.value)} data-testid="ca-replay-from" />
          </Field>
          <Field label="To (UTC, included)">
            <Input type="date" value={to} onChange={(_, d) => setTo(d.value)} data-testid="ca-replay-to" />
          </Field>
        </div>
      )}
      <div className="actions">
        <Button
          appearance="primary"
          disabled={busy || !choice || from === "" || to === ""}
          data-testid="ca-replay-run"
          onClick={() => void run()}
        >
          {busy ? "Replaying…" : "Replay"}
        </Button>
        {choice && <Caption1 className="secondary">{STATE_LABEL[choice.policy.state]} as written; replayed as if on.</Caption1>}
      </div>
      {error && <ErrorBar error={error} />}
      {r && result && (
        <div className="form-grid" data-testid="ca-replay-result">
          <div className="kpis">
            <Kpi label="Would have been blocked" value={r.blockedSignIns} testId="ca-replay-blocked" />
            <Kpi label="Identities blocked" value={r.identities.length} testId="ca-replay-identities" />
            <Kpi label="Reached conditional access" value={r.reachedConditionalAccess} testId="ca-replay-reached" />
            <Kpi label="Failed before it (not counted)" value={r.stoppedBeforeConditionalAccess} testId="ca-replay-stopped" />
            <Kpi
              label="Cannot be decided"
              value={r.undetermined.reduce((n, u) => n + u.signIns, 0)}
              testId="ca-replay-undetermined"
            />
          </div>
          {!r.logCoversPeriod && (
            <MessageBar layout="multiline" intent="info" data-testid="ca-replay-partial">
              <MessageBarBody>
                The cached sign-in log starts after {from}: the counts cover only the days it holds. Import older
                sign-ins (an Azure Monitor archive) to replay further back.
              </MessageBarBody>
            </MessageBar>
          )}
          <Card size="small">
            <Subtitle2 as="h3">Blocks per day</Subtitle2>
            <img
              className="chart"
              data-testid="ca-replay-chart"
              alt={`Sign-ins the policy would have blocked per day, ${r.perDay.length} days: ${formatNumber(r.blockedSignIns)} in all. The table below lists them by identity.`}
              src={svgDataUrl(result.chart)}
            />
          </Card>
          {r.identities.length > 0 && (
            <ScrollRegion label="Identities the policy would have blocked">
              <Table size="small" aria-label="Identities the policy would have blocked" data-testid="ca-replay-identity-table">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Identity</TableHeaderCell>
                    <TableHeaderCell className="num" style={{ width: 160 }}>
                      Blocked sign-ins
                    </TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {r.identities.map((i) => (
                    <TableRow key={i.id} data-testid="ca-replay-identity">
                      <TableCell>
                        <Link as="button" onClick={() => onOpenIdentity(i.id)} data-testid="ca-replay-identity-link">
                          <span className="break">{i.displayName ?? i.id}</span>
                        </Link>
                      </TableCell>
                      <TableCell className="num">{formatNumber(i.blockedSignIns)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </ScrollRegion>
          )}
          {r.undetermined.length > 0 && (
            <Card size="small" data-testid="ca-replay-undetermined-list">
              <Subtitle2 as="h3">Cannot be decided from the cache</Subtitle2>
              <ul className="plain-list">
                {r.undetermined.map((u) => (
                  <li key={u.reason}>
                    <Text weight="semibold">{formatNumber(u.signIns)}</Text> {u.reason}
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {r.notBlocked.length > 0 && (
            <Card size="small">
              <Subtitle2 as="h3">Not blocked, by the condition that ruled them out</Subtitle2>
              <ul className="plain-list">
                {r.notBlocked.map((n) => (
                  <li key={n.condition}>
                    <Text weight="semibold">{formatNumber(n.signIns)}</Text> {CONDITION_LABEL[n.condition]}
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {r.signIns.length > 0 && (
            <>
              <Subtitle2 as="h3">
                The blocked sign-ins
                {r.blockedSignIns > r.signIns.length ? ` (the first ${plural(r.signIns.length, "sign-in")})` : ""}
              </Subtitle2>
              <ScrollRegion label="Sign-ins the policy would have blocked">
                <Table size="extra-small" aria-label="Sign-ins the policy would have blocked" data-testid="ca-replay-signins">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell style={{ width: 170 }}>When</TableHeaderCell>
                      <TableHeaderCell>Identity</TableHeaderCell>
                      <TableHeaderCell style={{ width: 150 }}>IP address</TableHeaderCell>
                      <TableHeaderCell style={{ width: 80 }}>Country</TableHeaderCell>
                      <TableHeaderCell>Resource</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {r.signIns.map((s) => (
                      <TableRow key={s.id}>
                        <TableCell>{formatDateTime(s.createdDateTime)}</TableCell>
                        <TableCell>
                          <span className="break">{s.displayName ?? s.servicePrincipalId}</span>
                        </TableCell>
                        <TableCell className="mono">{s.ipAddress ?? "—"}</TableCell>
                        <TableCell>{s.countryOrRegion ?? "—"}</TableCell>
                        <TableCell>{s.resourceDisplayName ?? "—"}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </ScrollRegion>
            </>
          )}
        </div>
      )}
    </div>
  );
}

function Kpi({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Card className="kpi" size="small">
      <Caption1 className="kpi-label">{label}</Caption1>
      <Text size={700} weight="semibold" data-testid={testId}>
        {formatNumber(value)}
      </Text>
    </Card>
  );
}
