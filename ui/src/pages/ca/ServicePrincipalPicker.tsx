import { useEffect, useState } from "react";
import { Button, Caption1, Field, Input } from "@fluentui/react-components";
import { Add16Regular, Dismiss16Regular } from "@fluentui/react-icons";
import type { IdentityRow } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ownershipLabel } from "../../format";

/** A service principal the admin picked: its id, and its name when the picker saw it. */
export type Picked = { id: string; displayName: string | null };

/**
 * Finds service principals of apps by name, object id or appId (the Identities page's search) and keeps a list of
 * the ones picked. The backend says which of them Entra refuses as a target; the picker only finds them.
 */
export function ServicePrincipalPicker({
  tenantId,
  label,
  testId,
  picked,
  onChange,
  single = false,
}: {
  tenantId: string;
  label: string;
  testId: string;
  picked: Picked[];
  onChange: (next: Picked[]) => void;
  /** One at a time: picking replaces the one before. */
  single?: boolean;
}) {
  const backend = useBackend();
  const [search, setSearch] = useState("");
  const [found, setFound] = useState<IdentityRow[]>([]);
  useEffect(() => {
    const text = search.trim();
    if (text.length < 2) return;
    let live = true;
    const t = setTimeout(() => {
      backend
        .listIdentities(tenantId, { search: text, kind: null, ownership: null, offset: 0, limit: 8 })
        .then((page) => live && setFound(page.rows))
        .catch(() => live && setFound([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [backend, tenantId, search]);
  const shown = search.trim().length < 2 ? [] : found;
  const has = (id: string) => picked.some((p) => p.id === id);
  const add = (r: IdentityRow) => {
    const next = { id: r.id, displayName: r.displayName };
    onChange(single ? [next] : [...picked.filter((p) => p.id !== r.id), next]);
    setSearch("");
  };
  return (
    <Field label={label} hint="Type two or more letters of a name, or the start of an object id or appId.">
      <div className="picker" data-testid={testId}>
        {picked.length > 0 && (
          <ul className="plain-list picked" aria-label={`${label}: picked`}>
            {picked.map((p) => (
              <li key={p.id} data-testid={`${testId}-picked`}>
                <span className="break">{p.displayName ?? p.id}</span>{" "}
                <Caption1 className="secondary mono">{p.id}</Caption1>
                <Button
                  size="small"
                  appearance="subtle"
                  icon={<Dismiss16Regular />}
                  aria-label={`Remove ${p.displayName ?? p.id}`}
                  onClick={() => onChange(picked.filter((x) => x.id !== p.id))}
                />
              </li>
            ))}
          </ul>
        )}
        <Input
          value={search}
          onChange={(_, d) => setSearch(d.value)}
          placeholder="Search service principals"
          aria-label={`${label}: search`}
          data-testid={`${testId}-search`}
        />
        {shown.length > 0 && (
          <ul className="plain-list picker-results" aria-label={`${label}: found`}>
            {shown.map((r) => (
              <li key={r.id}>
                <Button
                  size="small"
                  appearance="subtle"
                  icon={<Add16Regular />}
                  disabled={has(r.id)}
                  data-testid={`${testId}-result`}
                  onClick={() => add(r)}
                >
                  <span className="break">{r.displayName}</span>
                </Button>{" "}
                <Caption1 className="secondary">{ownershipLabel(r.ownership)}</Caption1>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Field>
  );
}
