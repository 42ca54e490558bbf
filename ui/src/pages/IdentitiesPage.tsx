import { useEffect, useRef, useState } from "react";
import { Button, Dropdown, Option, SearchBox, Text, Title3 } from "@fluentui/react-components";
import { Add20Regular } from "@fluentui/react-icons";
import type { IdentityKind, Ownership } from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { KIND_KEYS, KIND_LABELS, OWNERSHIP_KEYS, OWNERSHIP_LABELS, plural } from "../format";
import { IdentityGrid } from "./IdentityGrid";
import { IdentityDetailPane } from "./IdentityDetailPane";
import { useIdentityPages } from "./useIdentityPages";
import { NewAppDialog } from "./identity/NewAppDialog";
import { elementWith, useReturnFocus } from "../focus";

export const SEARCH_DEBOUNCE_MS = 150;
const ALL = "all";

export type IdentitiesPageProps = {
  tenantId: string;
  detailId: string | null;
  onOpenDetail: (id: string | null) => void;
};

export function IdentitiesPage({ tenantId, detailId, onOpenDetail }: IdentitiesPageProps) {
  const backend = useBackend();
  const [searchText, setSearchText] = useState("");
  const [search, setSearch] = useState("");
  const [kind, setKind] = useState<IdentityKind | null>(null);
  const [ownership, setOwnership] = useState<Ownership | null>(null);
  const [newApp, setNewApp] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [searchText]);

  const pages = useIdentityPages(backend, tenantId, { search, kind, ownership });
  const queryKey = JSON.stringify([search, kind, ownership]);
  const pageRef = useRef<HTMLElement>(null);
  // The grid row of the identity, when it is on screen (the grid draws only the rows in view).
  useReturnFocus(detailId, (id) => elementWith(pageRef.current, '[role="row"][data-id]', "data-id", id), "identities-heading");

  return (
    <section ref={pageRef} data-testid="page-identities" className="page identities" aria-labelledby="identities-heading">
      <div className={detailId ? "identities-split identities-split-open" : "identities-split"}>
        <div className="identities-list">
          <div className="identities-toolbar">
            <Title3 as="h2" id="identities-heading" tabIndex={-1}>
              Identities
            </Title3>
            <div className="identities-filters">
              <SearchBox
                data-testid="identity-search"
                className="identity-search"
                aria-label="Search identities"
                placeholder="Search by name, object ID or app ID"
                value={searchText}
                onChange={(_, d) => setSearchText(d.value)}
              />
              <Dropdown
                data-testid="filter-kind"
                aria-label="Filter by kind"
                className="filter-dropdown"
                value={kind ? KIND_LABELS[kind] : "All kinds"}
                selectedOptions={[kind ?? ALL]}
                onOptionSelect={(_, d) => setKind(d.optionValue && d.optionValue !== ALL ? (d.optionValue as IdentityKind) : null)}
              >
                <Option value={ALL}>All kinds</Option>
                {KIND_KEYS.map((k) => (
                  <Option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </Option>
                ))}
              </Dropdown>
              <Dropdown
                data-testid="filter-ownership"
                aria-label="Filter by ownership"
                className="filter-dropdown"
                value={ownership ? OWNERSHIP_LABELS[ownership] : "All ownership"}
                selectedOptions={[ownership ?? ALL]}
                onOptionSelect={(_, d) =>
                  setOwnership(d.optionValue && d.optionValue !== ALL ? (d.optionValue as Ownership) : null)
                }
              >
                <Option value={ALL}>All ownership</Option>
                {OWNERSHIP_KEYS.map((o) => (
                  <Option key={o} value={o}>
                    {OWNERSHIP_LABELS[o]}
                  </Option>
                ))}
              </Dropdown>
            </div>
            <Button icon={<Add20Regular />} data-testid="new-app" onClick={() => setNewApp((n) => n + 1)}>
              New app registration…
            </Button>
            <Text data-testid="identity-total" className="identity-total" aria-live="polite">
              {pages.total === null ? "Loading…" : plural(pages.total, "service principal")}
            </Text>
          </div>
          {pages.error && <ErrorBar error={pages.error} onRetry={pages.retry} />}
          {pages.total === null ? (
            !pages.error && <Loading />
          ) : pages.total === 0 ? (
            <Text className="page-pad" data-testid="identity-empty">
              No service principals match the current search and filters.
            </Text>
          ) : (
            <IdentityGrid
              key={queryKey}
              total={pages.total}
              getRow={pages.getRow}
              ensureRange={pages.ensureRange}
              selectedId={detailId}
              onOpen={(id) => onOpenDetail(id)}
              onClose={() => onOpenDetail(null)}
            />
          )}
        </div>
        {detailId && (
          <IdentityDetailPane key={detailId} tenantId={tenantId} id={detailId} onClose={() => onOpenDetail(null)} />
        )}
      </div>
      {newApp > 0 && (
        <NewAppDialog
          key={newApp}
          tenantId={tenantId}
          open
          onClose={() => setNewApp(0)}
          onCreated={(item) => {
            setNewApp(0);
            // The list shows the new registration, and its detail opens.
            if (item.change.action === "createApplication") {
              setSearchText(item.change.application.displayName);
              onOpenDetail(item.change.application.servicePrincipalId);
            }
          }}
        />
      )}
    </section>
  );
}
