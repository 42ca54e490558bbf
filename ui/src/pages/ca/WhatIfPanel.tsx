import { useState } from "react";
import {
  Badge,
  Button,
  Caption1,
  Card,
  CardHeader,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { toBackendError, type BackendError, type WhatIf } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ErrorBar } from "../../components/ErrorBar";
import { ScrollRegion } from "../../components/ScrollRegion";
import { riskLevelLabel } from "../../format";
import { CONDITION_LABEL, OUTCOME_COLOR, OUTCOME_LABEL, RISK_LEVELS, STATE_COLOR, STATE_LABEL, VERDICT_LABEL } from "./labels";
import { ServicePrincipalPicker, type Picked } from "./ServicePrincipalPicker";

/** What-if: one token request (a service principal, an address, a risk level) against every policy, explained. */
export function WhatIfPanel({ tenantId }: { tenantId: string }) {
  const backend = useBackend();
  const [sp, setSp] = useState<Picked[]>([]);
  const [ip, setIp] = useState("");
  const [risk, setRisk] = useState<string>("");
  const [result, setResult] = useState<WhatIf | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const run = async () => {
    const chosen = sp[0];
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await backend.caWhatIf(tenantId, chosen.id, ip.trim(), risk === "" ? null : risk));
    } catch (e) {
      setResult(null);
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="form-grid" data-testid="ca-whatif">
      <Caption1 className="secondary">
        Which policies would apply if this service principal asked Entra for a token from this address, decided from the
        cache condition by condition, including why the others do not apply.
      </Caption1>
      <div className="whatif-form">
        <ServicePrincipalPicker tenantId={tenantId} label="Service principal" testId="ca-whatif-sp" picked={sp} onChange={setSp} single />
        <Field label="IP address" hint="IPv4 or IPv6, e.g. 203.0.113.7">
          <Input value={ip} onChange={(_, d) => setIp(d.value)} data-testid="ca-whatif-ip" />
        </Field>
        <Field label="Service principal risk">
          <Select value={risk} onChange={(_, d) => setRisk(d.value)} data-testid="ca-whatif-risk">
            <option value="">As Identity Protection has it now</option>
            <option value="none">None</option>
            {[...RISK_LEVELS].reverse().map((r) => (
              <option key={r} value={r}>
                {riskLevelLabel(r)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <div className="actions">
        <Button
          appearance="primary"
          disabled={busy || sp.length === 0 || ip.trim() === ""}
          data-testid="ca-whatif-run"
          onClick={() => void run()}
        >
          {busy ? "Evaluating…" : "Evaluate"}
        </Button>
      </div>
      {error && <ErrorBar error={error} />}
      {result && <WhatIfResult result={result} />}
    </div>
  );
}

function WhatIfResult({ result }: { result: WhatIf }) {
  const risk =
    result.riskLevel === null
      ? "unknown (Identity Protection's data is not in the cache)"
      : `${riskLevelLabel(result.riskLevel)}${result.riskSource === "cache" ? " (Identity Protection, from the cache)" : ""}`;
  return (
    <div className="form-grid" data-testid="ca-whatif-result">
      <MessageBar layout="multiline"
        intent={result.blocked ? "error" : result.reportOnlyBlocks ? "warning" : "success"}
        data-testid="ca-whatif-verdict"
        data-blocked={result.blocked}
      >
        <MessageBarBody>
          <MessageBarTitle>
            {result.blocked
              ? "Blocked"
              : result.reportOnlyBlocks
                ? "Not blocked; a report-only policy would block it"
                : "Not blocked by any policy"}
          </MessageBarTitle>
          {result.displayName ?? result.servicePrincipalId} from {result.ipAddress}, risk {risk}.
        </MessageBarBody>
      </MessageBar>
      {result.policies.map((p) => (
        <Card key={p.id} size="small" data-testid="ca-whatif-policy" data-outcome={p.outcome}>
          <CardHeader
            header={
              <Text weight="semibold" className="break">
                {p.displayName}
              </Text>
            }
            description={
              <span className="chips">
                {stateBadge(p.state)}
                <Badge appearance="tint" color={OUTCOME_COLOR[p.outcome]} data-testid="ca-whatif-outcome">
                  {OUTCOME_LABEL[p.outcome]}
                </Badge>
              </span>
            }
          />
          {p.reason && <Caption1 className="secondary">{p.reason}</Caption1>}
          {p.checks.length > 0 && (
            <ScrollRegion label={`Conditions of ${p.displayName}`}>
              <Table size="extra-small" aria-label={`Conditions of ${p.displayName}`}>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell style={{ width: 180 }}>Condition</TableHeaderCell>
                    <TableHeaderCell style={{ width: 100 }}>Answer</TableHeaderCell>
                    <TableHeaderCell>Why</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {p.checks.map((c) => (
                    <TableRow key={c.condition} data-testid="ca-check" data-verdict={c.verdict}>
                      <TableCell>{CONDITION_LABEL[c.condition]}</TableCell>
                      <TableCell>
                        <Badge
                          appearance="outline"
                          color={c.verdict === "met" ? "success" : c.verdict === "notMet" ? "informative" : "warning"}
                        >
                          {VERDICT_LABEL[c.verdict]}
                        </Badge>
                      </TableCell>
                      <TableCell>
                        <span className="break">{c.detail}</span>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </ScrollRegion>
          )}
        </Card>
      ))}
    </div>
  );
}

/** A policy's state as a badge; Graph may name a state Steward does not know, shown as it is. */
export function stateBadge(state: string) {
  const known = state === "enabled" || state === "disabled" || state === "enabledForReportingButNotEnforced";
  const key = state === "enabledForReportingButNotEnforced" ? "reportOnly" : (state as "enabled" | "disabled");
  return known ? (
    <Badge appearance="filled" color={STATE_COLOR[key]} data-testid="ca-state">
      {STATE_LABEL[key]}
    </Badge>
  ) : (
    <Badge appearance="outline">{state}</Badge>
  );
}
