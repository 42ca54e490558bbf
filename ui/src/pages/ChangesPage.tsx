import { useState } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
} from "@fluentui/react-components";
import { ArrowSync20Regular, ArrowUpload20Regular, Delete20Regular } from "@fluentui/react-icons";
import { toBackendError, type BackendError, type OutboxItem, type OutboxStatus, type RemoteVersion } from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { formatDateTime, plural } from "../format";
import { stateLabel } from "./ca/labels";

const STATUS: Record<OutboxStatus, { label: string; color: "informative" | "success" | "danger" | "warning" }> = {
  pending: { label: "Pending", color: "informative" },
  pushed: { label: "In Entra", color: "success" },
  failed: { label: "Failed", color: "danger" },
  conflict: { label: "Conflict", color: "warning" },
};

/** Entra's version of what a change touches, as the push that stopped it read it. */
function RemoteText({ remote }: { remote: RemoteVersion }) {
  if (remote.kind === "federatedCredential") {
    const c = remote.credential;
    return (
      <span data-testid="change-remote">
        {c ? (
          <>
            In Entra now: issuer <span className="mono break">{c.issuer}</span>, subject{" "}
            <span className="mono break">{c.subject ?? "—"}</span>
          </>
        ) : (
          "In Entra now: no credential of that name"
        )}
      </span>
    );
  }
  if (remote.kind === "conditionalAccessPolicy") {
    const p = remote.policy;
    return (
      <span data-testid="change-remote">
        {p
          ? `In Entra now: “${p.displayName}”, ${stateLabel(p.state).toLowerCase()}`
          : "In Entra now: no such policy, or one in a shape Steward does not edit"}
      </span>
    );
  }
  if (remote.kind === "namedLocation") {
    const l = remote.location;
    return (
      <span data-testid="change-remote">
        {l ? (
          <>
            In Entra now: “{l.displayName}”, <span className="mono break">{l.ipRanges.join(", ")}</span>
          </>
        ) : (
          "In Entra now: no such location"
        )}
      </span>
    );
  }
  const p = remote.properties;
  return (
    <span data-testid="change-remote">
      In Entra now: named “{p.displayName}”{p.tags.length > 0 ? `, tags ${p.tags.join(", ")}` : ""}
    </span>
  );
}

export type ChangesPageProps = {
  tenantId: string;
  /** Opens the Connections page, where a push signs in. */
  onPush: () => void;
};

/** The changes made in Steward: where each stands in the outbox, what to do about the stopped ones, and the audit trail. */
export function ChangesPage({ tenantId, onPush }: ChangesPageProps) {
  const backend = useBackend();
  const items = useKeptAsync(() => backend.outboxItems(tenantId), [backend, tenantId]);
  const audit = useKeptAsync(() => backend.auditTrail(tenantId), [backend, tenantId]);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<BackendError | null>(null);

  const act = async (id: number, what: "retry" | "drop") => {
    setBusy(id);
    setError(null);
    try {
      if (what === "retry") await backend.retryChange(tenantId, id);
      else await backend.dropChange(tenantId, id);
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(null);
      items.reload();
      audit.reload();
    }
  };

  const list = items.data ?? [];
  const waiting = list.filter((i) => i.status !== "pushed");
  return (
    <section data-testid="page-changes" className="page page-pad" aria-labelledby="changes-heading">
      <div className="page-header-text">
        <Title3 as="h2" id="changes-heading" tabIndex={-1}>
          Changes
        </Title3>
        <Caption1 className="secondary">
          What you changed in Steward. Each change shows in the cache at once and waits here until a push (or the next
          sync, which pushes first) sends it to Entra, in the order made. Before each write Steward reads the object
          again: what Entra already has is not sent twice, and an object changed in Entra meanwhile stops as a conflict.
        </Caption1>
      </div>
      <div className="actions">
        <Button appearance="primary" icon={<ArrowUpload20Regular />} data-testid="changes-push" onClick={onPush}>
          Push to Entra…
        </Button>
        <Body1 data-testid="changes-waiting">
          {waiting.length === 0 ? "Nothing waits for Entra." : `${plural(waiting.length, "change")} not yet in Entra.`}
        </Body1>
      </div>
      {error && <ErrorBar error={error} />}
      {items.error && <ErrorBar error={items.error} onRetry={items.reload} />}
      {items.data === null && !items.error && <Loading label="Reading the changes…" />}
      {items.data !== null && list.length === 0 && (
        <MessageBar intent="info" data-testid="changes-empty">
          <MessageBarBody>
            <MessageBarTitle>No changes yet</MessageBarTitle>
            Make one from an identity&apos;s detail (its credentials, federated credentials or properties), or register
            a new app on the Identities page.
          </MessageBarBody>
        </MessageBar>
      )}
      {list.length > 0 && (
        <ScrollRegion label="Changes">
          <Table size="small" aria-label="Changes" data-testid="changes-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className="num" style={{ width: 48 }}>
                  #
                </TableHeaderCell>
                <TableHeaderCell>Change</TableHeaderCell>
                <TableHeaderCell style={{ width: "22%" }}>Object</TableHeaderCell>
                <TableHeaderCell style={{ width: 170 }}>Made</TableHeaderCell>
                <TableHeaderCell style={{ width: 100 }}>Status</TableHeaderCell>
                <TableHeaderCell style={{ width: 190 }}>Actions</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((i: OutboxItem) => (
                <TableRow key={i.id} data-testid="change-row" data-status={i.status}>
                  <TableCell className="num">{i.id}</TableCell>
                  <TableCell>
                    <span className="break">{i.summary}</span>
                    {i.message && <Caption1 className="secondary block" data-testid="change-message">{i.message}</Caption1>}
                    {i.remote && (
                      <Caption1 className="secondary block">
                        <RemoteText remote={i.remote} />
                      </Caption1>
                    )}
                  </TableCell>
                  <TableCell>
                    {i.targetDisplayName}
                    <Caption1 className="secondary block mono">{i.targetId}</Caption1>
                  </TableCell>
                  <TableCell>{formatDateTime(i.createdDateTime)}</TableCell>
                  <TableCell>
                    <Badge appearance="filled" color={STATUS[i.status].color} data-testid="change-status">
                      {STATUS[i.status].label}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {(i.status === "failed" || i.status === "conflict") && (
                      <Button
                        size="small"
                        icon={<ArrowSync20Regular />}
                        disabled={busy !== null}
                        data-testid="change-retry"
                        onClick={() => void act(i.id, "retry")}
                      >
                        {i.status === "conflict" ? "Keep mine" : "Retry"}
                      </Button>
                    )}
                    {i.status !== "pushed" && (
                      <Button
                        size="small"
                        appearance="subtle"
                        icon={<Delete20Regular />}
                        disabled={busy !== null}
                        data-testid="change-drop"
                        onClick={() => void act(i.id, "drop")}
                      >
                        Drop
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}

      <Subtitle2 as="h3" className="subheading">
        Audit trail
      </Subtitle2>
      <Caption1 className="secondary block">
        Steward&apos;s own actions on this tenant: who made, pushed, retried or dropped each change, and how it ended.
      </Caption1>
      {audit.error && <ErrorBar error={audit.error} onRetry={audit.reload} />}
      {audit.data !== null && audit.data.length === 0 && <Body1 className="empty">Nothing recorded yet</Body1>}
      {audit.data !== null && audit.data.length > 0 && (
        <ScrollRegion label="Audit trail">
          <Table size="small" aria-label="Audit trail" data-testid="audit-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell style={{ width: 170 }}>When</TableHeaderCell>
                <TableHeaderCell style={{ width: "20%" }}>Who</TableHeaderCell>
                <TableHeaderCell style={{ width: 90 }}>Result</TableHeaderCell>
                <TableHeaderCell>What</TableHeaderCell>
                <TableHeaderCell style={{ width: "20%" }}>Object</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {[...audit.data].reverse().map((e) => (
                <TableRow key={e.id} data-testid="audit-row">
                  <TableCell>{formatDateTime(e.at)}</TableCell>
                  <TableCell className="break">{e.actor}</TableCell>
                  <TableCell>{e.result}</TableCell>
                  <TableCell className="break">{e.detail ?? e.action}</TableCell>
                  <TableCell>{e.targetDisplayName}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
    </section>
  );
}
