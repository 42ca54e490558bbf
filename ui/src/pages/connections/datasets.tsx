// The datasets a tenant's cache holds and those a sync read, as the Connections page shows them.
import {
  Body1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from "@fluentui/react-components";
import type { DatasetSource, DatasetState, DatasetStatus, ReadMode, SyncOutcome } from "../../ipc/backend";
import { DatasetName } from "../../components/DatasetName";
import { formatDateTime, formatNumber, plural } from "../../format";
import { ScrollRegion } from "../../components/ScrollRegion";

/** A dataset's state as the admin reads it, with Graph's reason where it refused one. */
export function datasetStatusText(state: DatasetState, detail: string | null): string {
  switch (state) {
    case "ok":
      return "OK";
    case "notAvailable":
      return detail ? `Not available: ${detail}` : "Not available";
    case "inProgress":
      return "In progress — a round was interrupted and will resume on the next sync";
  }
}

/** Where a dataset's rows came from; "—" where nothing was read yet (Graph refused it). */
export function datasetSourceText(source: DatasetSource | null): string {
  switch (source) {
    case "sync":
      return "Synced";
    case "import":
      return "Imported";
    case "demo":
      return "Demo data";
    case null:
      return "—";
  }
}

/** How a sync read a dataset, in the admin's words (short: the summary keeps it on one line). */
export function readModeText(mode: ReadMode): string {
  switch (mode) {
    case "delta":
      return "Changes only";
    case "window":
      return "Time window";
    case "full":
      return "In full";
  }
}

/**
 * A status cell stays on one line; a status with Graph's explanation (or the long in-progress note)
 * wraps instead, so that it does not push the table wider than the page.
 */
function statusClass(state: DatasetState, detail: string | null): string {
  return detail || state === "inProgress" ? "connections-status-long" : "nowrap";
}

export function SyncedBar({ result }: { result: SyncOutcome }) {
  return (
    <MessageBar intent="success" layout="multiline" data-testid="conn-synced">
      <MessageBarBody className="import-summary">
        <MessageBarTitle>Synced {result.tenantName}</MessageBarTitle>
        <Table size="extra-small" aria-label="Datasets synced" className="connections-summary">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Dataset</TableHeaderCell>
              <TableHeaderCell>Read</TableHeaderCell>
              <TableHeaderCell className="num">Items</TableHeaderCell>
              <TableHeaderCell className="num">Pages</TableHeaderCell>
              <TableHeaderCell className="num">Removed</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {result.datasets.map((d) => (
              <TableRow key={d.dataset} data-testid="conn-synced-dataset" data-dataset={d.dataset}>
                <TableCell>
                  <DatasetName dataset={d.dataset} />
                </TableCell>
                <TableCell data-testid="conn-synced-mode" className="nowrap">
                  {readModeText(d.mode)}
                </TableCell>
                <TableCell className="num nowrap">{formatNumber(d.items)}</TableCell>
                <TableCell className="num nowrap">{formatNumber(d.pages)}</TableCell>
                <TableCell className="num nowrap">{formatNumber(d.removed)}</TableCell>
                <TableCell className={statusClass(d.status, d.detail)}>{datasetStatusText(d.status, d.detail)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <span className="block" data-testid="conn-synced-retries">
          {result.retries === 0
            ? "No request had to be retried."
            : `${plural(result.retries, "request")} retried after throttling or a transient error.`}
        </span>
        {result.redirectDomains !== null && (
          <span className="block" data-testid="conn-redirect-domains">
            {result.redirectDomains}
          </span>
        )}
        {result.secretNote !== null && (
          <span className="block" data-testid="conn-secret-note">
            {result.secretNote}
          </span>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}

export function DatasetTable({ datasets }: { datasets: DatasetStatus[] }) {
  if (datasets.length === 0)
    return <Body1 className="empty">Nothing is cached for this tenant yet: sync it or import Graph JSON.</Body1>;
  return (
    <ScrollRegion label="Cached datasets">
      <Table size="small" aria-label="Cached datasets" data-testid="conn-datasets" className="connections-datasets">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Dataset</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Source</TableHeaderCell>
            <TableHeaderCell>Last read</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {datasets.map((d) => (
            <TableRow key={d.dataset} data-testid="conn-dataset" data-dataset={d.dataset}>
              <TableCell>
                <DatasetName dataset={d.dataset} />
              </TableCell>
              <TableCell className={statusClass(d.state, d.detail)}>{datasetStatusText(d.state, d.detail)}</TableCell>
              <TableCell className="nowrap">{datasetSourceText(d.source)}</TableCell>
              <TableCell className="nowrap">{formatDateTime(d.syncedAt, "never")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}
