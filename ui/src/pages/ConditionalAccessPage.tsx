import { useMemo, useState } from "react";
import {
  Badge,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle2,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title3,
} from "@fluentui/react-components";
import { Add20Regular } from "@fluentui/react-icons";
import type { CaOverview, OutboxItem, PolicyView, WorkloadPolicy } from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { addDays, formatDate, isoDay } from "../format";
import { ActionDialog } from "./identity/ManageDialogs";
import { LocationsPanel } from "./ca/LocationsPanel";
import { newDraft, PolicyDialog } from "./ca/PolicyDialog";
import { ReplayPanel, type ReplayChoice } from "./ca/ReplayPanel";
import { stateBadge, WhatIfPanel } from "./ca/WhatIfPanel";
import { locationName } from "./ca/labels";

type TabKey = "policies" | "whatif" | "replay" | "locations";

/** The key of the draft handed from the policy dialog to the replay. */
const DRAFT = "draft";

/**
 * Conditional access for workload identities: the tenant's policies and named locations, authoring in the only
 * shape Entra accepts, what-if for one token request, and replay of the cached sign-ins through a policy.
 */
export function ConditionalAccessPage({
  tenantId,
  dataAsOf,
  onOpenIdentity,
  onOpenChanges,
}: {
  tenantId: string;
  /** When the tenant's data ends: the replay's period ends there by default. */
  dataAsOf: string | null;
  onOpenIdentity: (id: string) => void;
  onOpenChanges: () => void;
}) {
  const backend = useBackend();
  const state = useKeptAsync(() => backend.caOverview(tenantId), [backend, tenantId]);
  const [tab, setTab] = useState<TabKey>("policies");
  const [dialog, setDialog] = useState<WorkloadPolicy | null>(null);
  const [deleting, setDeleting] = useState<PolicyView | null>(null);
  const [draft, setDraft] = useState<WorkloadPolicy | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [queued, setQueued] = useState<OutboxItem | null>(null);
  const data = state.data;

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of data?.workloadPolicies ?? [])
      for (const r of [...p.included, ...p.excluded]) if (r.displayName) m.set(r.id, r.displayName);
    return m;
  }, [data]);
  const choices: ReplayChoice[] = useMemo(() => {
    const list: ReplayChoice[] = (data?.workloadPolicies ?? [])
      .filter((p) => p.policy !== null)
      .map((p) => ({ key: p.id, label: p.displayName, policy: p.policy as WorkloadPolicy }));
    if (draft) list.unshift({ key: DRAFT, label: `Draft: ${draft.displayName || "unnamed policy"}`, policy: draft });
    return list;
  }, [data, draft]);
  const to = isoDay(dataAsOf ? new Date(dataAsOf) : new Date());
  const from = addDays(to, -29);

  const onQueued = (item: OutboxItem) => {
    setQueued(item);
    state.reload();
  };
  const replay = (key: string) => {
    setChosen(key);
    setTab("replay");
  };

  return (
    <section data-testid="page-conditionalAccess" className="page page-pad" aria-labelledby="ca-heading">
      <div className="page-header-text">
        <Title3 as="h2" id="ca-heading" tabIndex={-1}>
          Conditional access
        </Title3>
        <Caption1 className="secondary">
          Policies that block workload identities by location and risk. Everything here works from the cache: write a
          policy, ask what it would do to one token request, or replay the cached sign-ins through it before anyone
          turns it on. Policies you save wait in Changes until a push; Entra needs Workload ID Premium to create or
          change them.
        </Caption1>
      </div>
      {queued && (
        <MessageBar layout="multiline" intent="success" data-testid="ca-queued">
          <MessageBarBody>
            <MessageBarTitle>Saved in Steward</MessageBarTitle>
            {queued.summary}: it waits in{" "}
            <Link as="button" onClick={onOpenChanges}>
              Changes
            </Link>{" "}
            until a push sends it to Entra.
          </MessageBarBody>
        </MessageBar>
      )}
      {state.error && <ErrorBar error={state.error} onRetry={state.reload} />}
      {data === null && !state.error && <Loading label="Reading the policies…" />}
      {data && (
        <>
          <TabList selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as TabKey)} data-testid="ca-tabs">
            <Tab value="policies" data-testid="ca-tab-policies">
              Policies
            </Tab>
            <Tab value="whatif" data-testid="ca-tab-whatif">
              What-if
            </Tab>
            <Tab value="replay" data-testid="ca-tab-replay">
              Replay
            </Tab>
            <Tab value="locations" data-testid="ca-tab-locations">
              Named locations
            </Tab>
          </TabList>
          {tab === "policies" && (
            <Policies
              data={data}
              onNew={() => setDialog(newDraft())}
              onEdit={(p) => setDialog(p)}
              onDelete={setDeleting}
              onReplay={replay}
            />
          )}
          {tab === "whatif" && <WhatIfPanel tenantId={tenantId} />}
          {tab === "replay" && (
            <ReplayPanel
              tenantId={tenantId}
              choices={choices}
              chosen={chosen}
              onChoose={setChosen}
              defaultFrom={from}
              defaultTo={to}
              onOpenIdentity={onOpenIdentity}
            />
          )}
          {tab === "locations" && (
            <LocationsPanel tenantId={tenantId} locations={data.namedLocations} read={data.locationsRead} onQueued={onQueued} />
          )}
          {dialog && (
            <PolicyDialog
            tenantId={tenantId}
            open
            initial={dialog}
            names={names}
            locations={data.namedLocations}
            onClose={() => setDialog(null)}
            onSaved={(item) => {
              setDialog(null);
              onQueued(item);
            }}
            onReplay={(d) => {
              setDialog(null);
              setDraft(d);
              replay(DRAFT);
            }}
          />
          )}
          <ActionDialog<OutboxItem>
            open={deleting !== null}
            title={`Delete ${deleting?.displayName ?? ""}?`}
            testId="ca-policy-delete"
            action="Delete"
            onClose={() => setDeleting(null)}
            onDone={(item) => {
              setDeleting(null);
              onQueued(item);
            }}
            run={() => backend.caDeletePolicy(tenantId, deleting?.id ?? "")}
          >
            <Caption1>
              The deletion waits in Changes until a push. A deleted policy protects nothing: set it to Off instead if
              you may want it back.
            </Caption1>
          </ActionDialog>
        </>
      )}
    </section>
  );
}

function Policies({
  data,
  onNew,
  onEdit,
  onDelete,
  onReplay,
}: {
  data: CaOverview;
  onNew: () => void;
  onEdit: (p: WorkloadPolicy) => void;
  onDelete: (p: PolicyView) => void;
  onReplay: (id: string) => void;
}) {
  const locationNames = useMemo(
    () => new Map(data.namedLocations.map((l) => [l.id.toLowerCase(), l.displayName])),
    [data.namedLocations],
  );
  return (
    <div className="form-grid" data-testid="ca-policies">
      <div className="actions">
        <Button appearance="primary" icon={<Add20Regular />} data-testid="ca-policy-new" onClick={onNew}>
          New policy…
        </Button>
      </div>
      {!data.policiesRead && (
        <MessageBar layout="multiline" intent="info">
          <MessageBarBody>
            Conditional access policies are not in the cache: sync them (Policy.Read.All) or import them.
          </MessageBarBody>
        </MessageBar>
      )}
      <Subtitle2 as="h3">For workload identities</Subtitle2>
      {data.workloadPolicies.length === 0 ? (
        <Caption1 className="secondary" data-testid="ca-no-policies">
          No policy blocks workload identities yet.
        </Caption1>
      ) : (
        <ScrollRegion label="Policies for workload identities">
          <Table size="small" className="wide-table" aria-label="Policies for workload identities" data-testid="ca-policy-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Policy</TableHeaderCell>
                <TableHeaderCell style={{ width: 110 }}>State</TableHeaderCell>
                <TableHeaderCell>Identities</TableHeaderCell>
                <TableHeaderCell>Conditions</TableHeaderCell>
                <TableHeaderCell style={{ width: 230 }}>Actions</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.workloadPolicies.map((p) => (
                <TableRow key={p.id} data-testid="ca-policy-row" data-id={p.id}>
                  <TableCell>
                    <span className="break">{p.displayName}</span>
                    <Caption1 className="secondary block">
                      {p.modified ? `Changed ${formatDate(p.modified)}` : ""}
                    </Caption1>
                    {p.problems.map((x) => (
                      <Caption1 key={x} className="warn-text block">
                        Not in Entra&apos;s shape: {x}
                      </Caption1>
                    ))}
                  </TableCell>
                  <TableCell>{stateBadge(p.state)}</TableCell>
                  <TableCell>
                    {p.includesAll ? "Every service principal of the tenant" : p.included.map((i) => i.displayName ?? i.id).join(", ")}
                    {p.excluded.length > 0 && (
                      <Caption1 className="secondary block">
                        Except {p.excluded.map((i) => i.displayName ?? i.id).join(", ")}
                      </Caption1>
                    )}
                    {[...p.included, ...p.excluded]
                      .filter((i) => i.notCovered)
                      .map((i) => (
                        <Caption1 key={i.id} className="warn-text block">
                          {i.displayName ?? i.id}: {i.notCovered}
                        </Caption1>
                      ))}
                  </TableCell>
                  <TableCell>
                    {p.locationsIncluded.length > 0 && (
                      <span className="block">
                        {p.locationsIncluded.some((l) => l.id === "All")
                          ? "Any location"
                          : `From ${p.locationsIncluded.map((l) => locationName(l.id, locationNames)).join(", ")}`}
                        {p.locationsExcluded.length > 0 &&
                          ` except ${p.locationsExcluded.map((l) => locationName(l.id, locationNames)).join(", ")}`}
                      </span>
                    )}
                    {p.riskLevels.length > 0 && <span className="block">Risk {p.riskLevels.join(", ")}</span>}
                    {p.locationsIncluded.length === 0 && p.riskLevels.length === 0 && "Always"}
                  </TableCell>
                  <TableCell>
                    {p.policy && (
                      <>
                        <Button size="small" onClick={() => onReplay(p.id)} data-testid="ca-policy-row-replay">
                          Replay
                        </Button>{" "}
                        <Button size="small" onClick={() => p.policy && onEdit(p.policy)} data-testid="ca-policy-edit">
                          Edit…
                        </Button>{" "}
                        <Button size="small" appearance="subtle" onClick={() => onDelete(p)}>
                          Delete…
                        </Button>
                      </>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
      <Subtitle2 as="h3">Other policies (for users, read-only)</Subtitle2>
      {data.otherPolicies.length === 0 ? (
        <Caption1 className="secondary">None.</Caption1>
      ) : (
        <ScrollRegion label="Other policies">
          <Table size="small" aria-label="Other policies" data-testid="ca-other-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Policy</TableHeaderCell>
                <TableHeaderCell style={{ width: 110 }}>State</TableHeaderCell>
                <TableHeaderCell>Grant</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.otherPolicies.map((p) => (
                <TableRow key={p.id}>
                  <TableCell>
                    <span className="break">{p.displayName}</span>
                  </TableCell>
                  <TableCell>{stateBadge(p.state)}</TableCell>
                  <TableCell>
                    {p.grant.map((g) => (
                      <Badge key={g} appearance="outline">
                        {g}
                      </Badge>
                    ))}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </ScrollRegion>
      )}
    </div>
  );
}
