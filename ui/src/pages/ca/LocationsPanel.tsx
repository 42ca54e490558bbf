import { useEffect, useState } from "react";
import {
  Badge,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
} from "@fluentui/react-components";
import { Add20Regular } from "@fluentui/react-icons";
import type { LocationView, NamedLocation, OutboxItem } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ScrollRegion } from "../../components/ScrollRegion";
import { ActionDialog } from "../identity/ManageDialogs";

const EMPTY: NamedLocation = {
  id: "",
  displayName: "",
  kind: "ip",
  isTrusted: true,
  ipRanges: [],
  countriesAndRegions: [],
  includeUnknownCountriesAndRegions: false,
};

/** The tenant's named locations, with the policies that use each; IP locations are created, edited and deleted here. */
export function LocationsPanel({
  tenantId,
  locations,
  read,
  onQueued,
}: {
  tenantId: string;
  locations: LocationView[];
  read: boolean;
  onQueued: (item: OutboxItem) => void;
}) {
  const backend = useBackend();
  const [editing, setEditing] = useState<NamedLocation | null>(null);
  const [deleting, setDeleting] = useState<LocationView | null>(null);
  return (
    <div className="form-grid" data-testid="ca-locations">
      <div className="actions">
        <Button icon={<Add20Regular />} data-testid="ca-location-new" onClick={() => setEditing(EMPTY)}>
          New IP location…
        </Button>
      </div>
      {!read && (
        <MessageBar layout="multiline" intent="info">
          <MessageBarBody>Named locations are not in the cache: sync them (Policy.Read.All) or import them.</MessageBarBody>
        </MessageBar>
      )}
      {locations.length > 0 && (
        <ScrollRegion label="Named locations">
          <Table size="small" aria-label="Named locations" data-testid="ca-location-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell style={{ width: 110 }}>Kind</TableHeaderCell>
                <TableHeaderCell>Ranges or countries</TableHeaderCell>
                <TableHeaderCell>Used by</TableHeaderCell>
                <TableHeaderCell style={{ width: 170 }}>Actions</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {locations.map((l) => (
                <TableRow key={l.id} data-testid="ca-location-row">
                  <TableCell>
                    <span className="break">{l.displayName}</span>{" "}
                    {l.isTrusted && (
                      <Badge appearance="tint" color="success">
                        Trusted
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell>{l.kind === "ip" ? "IP ranges" : "Countries"}</TableCell>
                  <TableCell>
                    <span className="mono break">
                      {(l.kind === "ip" ? l.ipRanges : l.countriesAndRegions).join(", ")}
                    </span>
                  </TableCell>
                  <TableCell>{l.usedBy.length === 0 ? "—" : <span className="break">{l.usedBy.join(", ")}</span>}</TableCell>
                  <TableCell>
                    {l.kind === "ip" && (
                      <>
                        <Button size="small" onClick={() => setEditing({ ...l })}>
                          Edit…
                        </Button>{" "}
                        <Button size="small" appearance="subtle" onClick={() => setDeleting(l)}>
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
      {editing && (
        <LocationDialog
          tenantId={tenantId}
          initial={editing}
          onClose={() => setEditing(null)}
          onSaved={(item) => {
            setEditing(null);
            onQueued(item);
          }}
        />
      )}
      <ActionDialog<OutboxItem>
        open={deleting !== null}
        title={`Delete ${deleting?.displayName ?? ""}?`}
        testId="ca-location-delete"
        action="Delete"
        onClose={() => setDeleting(null)}
        onDone={(item) => {
          setDeleting(null);
          onQueued(item);
        }}
        run={() => backend.caDeleteLocation(tenantId, deleting?.id ?? "")}
      >
        <Caption1>
          The deletion waits in Changes until a push. Entra refuses to delete a location a policy still uses: remove it
          from those policies first.
        </Caption1>
      </ActionDialog>
    </div>
  );
}

function LocationDialog({
  tenantId,
  initial,
  onClose,
  onSaved,
}: {
  tenantId: string;
  initial: NamedLocation;
  onClose: () => void;
  onSaved: (item: OutboxItem) => void;
}) {
  const backend = useBackend();
  const [name, setName] = useState(initial.displayName);
  const [trusted, setTrusted] = useState(initial.isTrusted);
  const [ranges, setRanges] = useState(initial.ipRanges.join("\n"));
  const [problems, setProblems] = useState<string[] | null>(null);
  const location: NamedLocation = {
    ...initial,
    displayName: name,
    isTrusted: trusted,
    ipRanges: ranges
      .split(/[\n,]/)
      .map((r) => r.trim())
      .filter((r) => r !== ""),
  };
  const key = JSON.stringify(location);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      backend
        .caLocationProblems(tenantId, JSON.parse(key) as NamedLocation)
        .then((p) => live && setProblems(p))
        .catch(() => live && setProblems(null));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [backend, tenantId, key]);
  return (
    <ActionDialog<OutboxItem>
      open
      title={initial.id === "" ? "New IP location" : `Edit ${initial.displayName}`}
      testId="ca-location-dialog"
      action={initial.id === "" ? "Save location" : "Save changes"}
      disabled={problems === null || problems.length > 0}
      onClose={onClose}
      onDone={onSaved}
      run={() => backend.caSaveLocation(tenantId, location)}
    >
      <Field label="Name" required>
        <Input value={name} onChange={(_, d) => setName(d.value)} data-testid="ca-location-name" />
      </Field>
      <Field label="IP ranges" hint="CIDR form, one per line: 203.0.113.0/24, 2001:db8::/48, or 203.0.113.7/32 for one address.">
        <Textarea value={ranges} onChange={(_, d) => setRanges(d.value)} rows={5} data-testid="ca-location-ranges" />
      </Field>
      <Checkbox
        label="Mark as a trusted location (policies that exclude all trusted locations leave it out)"
        checked={trusted}
        onChange={(_, d) => setTrusted(!!d.checked)}
      />
      {problems !== null && problems.length > 0 && (
        <MessageBar layout="multiline" intent="warning" data-testid="ca-location-problems">
          <MessageBarBody>
            <ul className="plain-list">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
    </ActionDialog>
  );
}
