import { useEffect, useMemo, useState } from "react";
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Subtitle2,
} from "@fluentui/react-components";
import {
  toBackendError,
  type BackendError,
  type LocationView,
  type OutboxItem,
  type PolicyState,
  type WorkloadPolicy,
} from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ErrorBar } from "../../components/ErrorBar";
import { riskLevelLabel } from "../../format";
import { RISK_LEVELS, STATE_LABEL } from "./labels";
import { ServicePrincipalPicker, type Picked } from "./ServicePrincipalPicker";

/** The draft a new policy starts from: report-only, every service principal, any location but the trusted ones. */
export function newDraft(): WorkloadPolicy {
  return {
    id: null,
    displayName: "",
    state: "reportOnly",
    include: { kind: "allInTenant" },
    exclude: [],
    filter: null,
    locations: { include: ["All"], exclude: ["AllTrusted"] },
    riskLevels: [],
  };
}

type IncludeMode = "All" | "AllTrusted" | "selected";

/**
 * Authoring a policy for workload identities in the only shape Entra accepts: who it covers, where from, at what
 * risk, and block. Every problem the backend finds (Entra's refusals among them) shows as the admin edits, and
 * saving waits until there is none. `names` are the display names the cache knows, for the picked identities.
 */
export function PolicyDialog({
  tenantId,
  open,
  initial,
  names,
  locations,
  onClose,
  onSaved,
  onReplay,
}: {
  tenantId: string;
  open: boolean;
  initial: WorkloadPolicy;
  names: Map<string, string>;
  locations: LocationView[];
  onClose: () => void;
  onSaved: (item: OutboxItem) => void;
  /** Replays the draft as it stands. */
  onReplay: (draft: WorkloadPolicy) => void;
}) {
  const backend = useBackend();
  const [draft, setDraft] = useState<WorkloadPolicy>(initial);
  const [problems, setProblems] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    const t = setTimeout(() => {
      backend
        .caPolicyProblems(tenantId, draft)
        .then((p) => {
          if (!live) return;
          setProblems(p);
          setError(null);
        })
        .catch((e) => live && setError(toBackendError(e)));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [backend, tenantId, draft, open]);

  const picked = (ids: string[]): Picked[] => ids.map((id) => ({ id, displayName: names.get(id) ?? null }));
  const [pickedNames, setPickedNames] = useState<Map<string, string>>(new Map());
  const nameOf = (id: string) => pickedNames.get(id) ?? names.get(id) ?? null;
  const remember = (list: Picked[]) =>
    setPickedNames((m) => {
      const next = new Map(m);
      for (const p of list) if (p.displayName) next.set(p.id, p.displayName);
      return next;
    });
  const includeIds = draft.include.kind === "selected" ? draft.include.ids : [];
  const loc = draft.locations;
  const includeMode: IncludeMode =
    loc === null || loc.include.includes("All") ? "All" : loc.include.includes("AllTrusted") ? "AllTrusted" : "selected";
  const named = useMemo(() => locations.filter((l) => l.kind === "ip" || l.kind === "country"), [locations]);
  const set = (patch: Partial<WorkloadPolicy>) => setDraft((d) => ({ ...d, ...patch }));
  const setLocations = (include: string[], exclude: string[]) => set({ locations: { include, exclude } });
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id));

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await backend.caSavePolicy(tenantId, draft));
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };
  const editing = initial.id !== null;
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid="ca-policy-dialog" className="wide-dialog">
        <DialogBody>
          <DialogTitle>{editing ? `Edit ${initial.displayName}` : "New policy for workload identities"}</DialogTitle>
          <DialogContent className="form-grid">
            <Field label="Name" required>
              <Input
                value={draft.displayName}
                onChange={(_, d) => set({ displayName: d.value })}
                data-testid="ca-policy-name"
              />
            </Field>
            <Field label="State">
              <RadioGroup
                layout="horizontal"
                value={draft.state}
                onChange={(_, d) => set({ state: d.value as PolicyState })}
                data-testid="ca-policy-state"
              >
                {(["reportOnly", "enabled", "disabled"] as PolicyState[]).map((s) => (
                  <Radio key={s} value={s} label={STATE_LABEL[s]} />
                ))}
              </RadioGroup>
            </Field>
            <Caption1 className="secondary">
              Report-only records in the sign-in log what the policy would block and blocks nothing: turn it on once a
              replay shows it blocks only what it should.
            </Caption1>

            <Subtitle2 as="h3">Workload identities</Subtitle2>
            <RadioGroup
              value={draft.include.kind}
              onChange={(_, d) =>
                set({ include: d.value === "allInTenant" ? { kind: "allInTenant" } : { kind: "selected", ids: includeIds } })
              }
              aria-label="Which service principals the policy covers"
            >
              <Radio value="allInTenant" label="Every service principal of the apps registered in this tenant" />
              <Radio value="selected" label="Selected service principals" />
            </RadioGroup>
            {draft.include.kind === "selected" && (
              <ServicePrincipalPicker
                tenantId={tenantId}
                label="Included"
                testId="ca-include"
                picked={includeIds.map((id) => ({ id, displayName: nameOf(id) }))}
                onChange={(list) => {
                  remember(list);
                  set({ include: { kind: "selected", ids: list.map((p) => p.id) } });
                }}
              />
            )}
            <ServicePrincipalPicker
              tenantId={tenantId}
              label="Excluded"
              testId="ca-exclude"
              picked={picked(draft.exclude).map((p) => ({ ...p, displayName: nameOf(p.id) }))}
              onChange={(list) => {
                remember(list);
                set({ exclude: list.map((p) => p.id) });
              }}
            />
            <Caption1 className="secondary">
              Managed identities, Microsoft&apos;s apps and other organisations&apos; apps cannot be targeted: Entra
              refuses them.
            </Caption1>

            <Subtitle2 as="h3">Network location</Subtitle2>
            <Checkbox
              label="Only from some locations"
              checked={loc !== null}
              onChange={(_, d) => set({ locations: d.checked ? { include: ["All"], exclude: ["AllTrusted"] } : null })}
              data-testid="ca-policy-use-locations"
            />
            {loc !== null && (
              <>
                <Field label="Include">
                  <RadioGroup
                    value={includeMode}
                    onChange={(_, d) => {
                      const mode = d.value as IncludeMode;
                      setLocations(mode === "selected" ? [] : [mode], loc.exclude);
                    }}
                  >
                    <Radio value="All" label="Any location" />
                    <Radio value="AllTrusted" label="All trusted locations" />
                    <Radio value="selected" label="Selected named locations" />
                  </RadioGroup>
                </Field>
                {includeMode === "selected" &&
                  named.map((l) => (
                    <Checkbox
                      key={`in-${l.id}`}
                      label={l.displayName}
                      checked={loc.include.includes(l.id)}
                      onChange={(_, d) => setLocations(toggle(loc.include, l.id, !!d.checked), loc.exclude)}
                    />
                  ))}
                <Field label="Exclude">
                  <div className="checkbox-column">
                    <Checkbox
                      label="All trusted locations"
                      checked={loc.exclude.includes("AllTrusted")}
                      onChange={(_, d) => setLocations(loc.include, toggle(loc.exclude, "AllTrusted", !!d.checked))}
                      data-testid="ca-policy-exclude-trusted"
                    />
                    {named.map((l) => (
                      <Checkbox
                        key={`out-${l.id}`}
                        label={`${l.displayName}${l.isTrusted ? " (trusted)" : ""}`}
                        checked={loc.exclude.includes(l.id)}
                        onChange={(_, d) => setLocations(loc.include, toggle(loc.exclude, l.id, !!d.checked))}
                      />
                    ))}
                  </div>
                </Field>
              </>
            )}

            <Subtitle2 as="h3">Service principal risk</Subtitle2>
            <div className="checkbox-row" role="group" aria-label="Risk levels the policy blocks">
              {RISK_LEVELS.map((r) => (
                <Checkbox
                  key={r}
                  label={riskLevelLabel(r)}
                  checked={draft.riskLevels.includes(r)}
                  onChange={(_, d) => set({ riskLevels: toggle(draft.riskLevels, r, !!d.checked) })}
                />
              ))}
            </div>
            <Caption1 className="secondary">None checked: the policy applies at any risk level.</Caption1>

            <Subtitle2 as="h3">Grant</Subtitle2>
            <Body1>Block access. It is the only grant Entra offers for workload identities.</Body1>

            {problems !== null && problems.length > 0 && (
              <MessageBar layout="multiline" intent="warning" data-testid="ca-policy-problems">
                <MessageBarBody>
                  <MessageBarTitle>Not ready to save</MessageBarTitle>
                  <ul className="plain-list">
                    {problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                </MessageBarBody>
              </MessageBar>
            )}
            {error && <ErrorBar error={error} />}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              data-testid="ca-policy-replay"
              disabled={problems === null || problems.length > 0}
              onClick={() => onReplay(draft)}
            >
              Replay sign-ins…
            </Button>
            <Button
              appearance="primary"
              data-testid="ca-policy-save"
              disabled={busy || problems === null || problems.length > 0}
              onClick={() => void save()}
            >
              {busy ? "Saving…" : editing ? "Save changes" : "Save policy"}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
