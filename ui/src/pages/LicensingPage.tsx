import { useEffect, useRef, useState, type ReactNode } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Checkbox,
  Dropdown,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Spinner,
  Subtitle2,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title3,
} from "@fluentui/react-components";
import { Add20Regular, Checkmark16Regular, Delete20Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type BackendError,
  type LicenseBucket,
  type LicenseEstimate,
  type LicensePlan,
  type PlanSettings,
  type ReviewCandidate,
  type ScenarioBasis,
  type ScenarioResult,
  type Subscription,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import {
  BASIS_KEYS,
  BASIS_LABELS,
  formatDateTime,
  formatDay,
  formatMoney,
  formatNumber,
  kindLabel,
  plural,
} from "../format";
import { ScrollRegion } from "../components/ScrollRegion";

export const PLAN_DEBOUNCE_MS = 250;
const MAX_SCENARIOS = 20;

type Mode = "fullCoverage" | "featureScoped";

export type LicensingPageProps = {
  tenantId: string;
  onOpenIdentity: (id: string) => void;
  /** Opens the Access reviews page, where a review that covers managed identities is run. */
  onOpenReviews?: () => void;
};

export function LicensingPage({ tenantId, onOpenIdentity, onOpenReviews }: LicensingPageProps) {
  const backend = useBackend();
  const [mode, setMode] = useState<Mode>("fullCoverage");
  // The plan last computed by the planner (the saved one until an input changes).
  const [plan, setPlan] = useState<LicensePlan | null>(null);

  // Keeps the last figures on screen while they reload (after a review toggle).
  const state = useKeptAsync(() => backend.licensing(tenantId), [backend, tenantId]);
  const reload = state.reload;
  const data = state.data;
  // The planner starts from the saved plan the first figures bring.
  if (plan === null && data?.plan) setPlan(data.plan);

  return (
    <section data-testid="page-licensing" className="page page-pad" aria-labelledby="licensing-heading">
      <div className="page-header">
        <div className="page-header-text">
          <Title3 as="h2" id="licensing-heading" tabIndex={-1}>
            Licensing
          </Title3>
          {data && (
            <Caption1 className="secondary" data-testid="lic-asof">
              Microsoft Entra Workload ID Premium estimate from the cache as of {formatDateTime(data.estimate.asOf)}
            </Caption1>
          )}
        </div>
        {state.loading && data && <Spinner size="tiny" label="Updating…" data-testid="lic-reloading" />}
      </div>
      {state.error && <ErrorBar error={state.error} onRetry={reload} />}
      {!data ? (
        !state.error && <Loading />
      ) : (
        <div className="licensing">
          <Headline estimate={data.estimate} mode={mode} onMode={setMode} plan={plan ?? data.plan} />
          <Kpis estimate={data.estimate} mode={mode} plan={plan ?? data.plan} />
          <BucketsCard estimate={data.estimate} />
          <div className="overview-grid">
            <SubscriptionsCard estimate={data.estimate} mode={mode} />
            <AccessReviewsCard
              tenantId={tenantId}
              candidates={data.reviewCandidates}
              onChanged={reload}
              onOpenIdentity={onOpenIdentity}
              onOpenReviews={onOpenReviews}
            />
          </div>
          <Planner
            tenantId={tenantId}
            initial={data.plan}
            estimateVersion={state.version}
            plan={plan ?? data.plan}
            onPlan={setPlan}
          />
        </div>
      )}
    </section>
  );
}

function headlineCount(estimate: LicenseEstimate, mode: Mode): number {
  return mode === "fullCoverage" ? estimate.billableIdentities : estimate.featureScope.total;
}

/** What the headline count costs a month at the plan's price, as the backend priced it. */
function headlineMonthly(plan: LicensePlan, mode: Mode): number {
  return mode === "fullCoverage" ? plan.fullCoverageMonthly : plan.featureScopedMonthly;
}

function Headline({
  estimate,
  mode,
  onMode,
  plan,
}: {
  estimate: LicenseEstimate;
  mode: Mode;
  onMode: (m: Mode) => void;
  plan: LicensePlan;
}) {
  const count = headlineCount(estimate, mode);
  const fs = estimate.featureScope;
  return (
    <Card className="headline-card">
      <TabList
        selectedValue={mode}
        onTabSelect={(_, d) => onMode(d.value as Mode)}
        aria-label="Estimate mode"
        data-testid="lic-mode"
      >
        <Tab value="fullCoverage" data-testid="lic-mode-full">
          Full coverage
        </Tab>
        <Tab value="featureScoped" data-testid="lic-mode-scoped">
          Feature-scoped
        </Tab>
      </TabList>
      <div className="headline">
        <div className="headline-figure">
          <Text size={900} weight="semibold" data-testid="lic-headline">
            {formatNumber(count)}
          </Text>
          <Caption1 className="secondary">identities to license</Caption1>
        </div>
        <div className="headline-figure">
          <Text size={600} weight="semibold" data-testid="lic-headline-cost">
            {formatMoney(headlineMonthly(plan, mode), plan.settings.currency)}
          </Text>
          <Caption1 className="secondary">
            per month at {formatMoney(plan.settings.price, plan.settings.currency)} per identity
          </Caption1>
        </div>
      </div>
      <Body1 data-testid="lic-mode-explanation" className="break">
        {mode === "fullCoverage" ? (
          <>
            Full coverage counts every service principal Workload ID Premium applies to: own-tenant, third-party and
            multitenant applications, legacy service principals, and managed identities in access reviews. The buckets
            below show what is counted and why.
          </>
        ) : (
          <>
            {fs.explanation}{" "}
            {fs.conditionalAccess === null
              ? "Conditional access policies are not in the cache, so the identities they target are not counted yet."
              : `Conditional access policies target ${plural(fs.conditionalAccess, "identity", "identities")}.`}{" "}
            {plural(fs.accessReviewedManagedIdentities, "managed identity", "managed identities")} in access reviews,{" "}
            {plural(fs.picked, "identity", "identities")} picked.
          </>
        )}
      </Body1>
    </Card>
  );
}

function Kpi({ label, value, testId, sub }: { label: string; value: ReactNode; testId: string; sub?: ReactNode }) {
  return (
    <Card className="kpi" size="small">
      <Caption1 className="kpi-label">{label}</Caption1>
      <Text className="kpi-value" size={700} weight="semibold" data-testid={testId}>
        {value}
      </Text>
      {sub && <Caption1 className="kpi-sub">{sub}</Caption1>}
    </Card>
  );
}

function Kpis({ estimate, mode, plan }: { estimate: LicenseEstimate; mode: Mode; plan: LicensePlan }) {
  return (
    <div className="kpis">
      <Kpi label="Billable identities (full coverage)" value={formatNumber(estimate.billableIdentities)} testId="lic-billable" />
      <Kpi
        label="Of which disabled"
        value={formatNumber(estimate.billableDisabled)}
        testId="lic-billable-disabled"
        sub="Counted all the same: delete the ones nobody needs"
      />
      <Kpi
        label={`Monthly cost (${mode === "fullCoverage" ? "full coverage" : "feature-scoped"})`}
        value={formatMoney(headlineMonthly(plan, mode), plan.settings.currency)}
        testId="lic-monthly"
        sub={`${formatMoney(plan.settings.price, plan.settings.currency)} per identity per month`}
      />
      <Kpi label="Feature-scoped identities" value={formatNumber(estimate.featureScope.total)} testId="lic-feature-scoped" />
      <Kpi
        label="Unused billable (90+ days)"
        value={estimate.unusedBillable === null ? "Unknown" : formatNumber(estimate.unusedBillable)}
        testId="lic-unused"
        sub={<span data-testid="lic-unused-explanation">{estimate.unusedExplanation}</span>}
      />
    </div>
  );
}

function CountedBadge({ b }: { b: LicenseBucket }) {
  if (!b.counted)
    return (
      <Badge appearance="tint" color="subtle" data-testid="lic-bucket-counted">
        Not counted
      </Badge>
    );
  if (b.uncertain)
    return (
      <Badge appearance="tint" color="warning" data-testid="lic-bucket-counted">
        Counted (uncertain)
      </Badge>
    );
  return (
    <Badge appearance="tint" color="success" data-testid="lic-bucket-counted">
      Counted
    </Badge>
  );
}

function BucketsCard({ estimate }: { estimate: LicenseEstimate }) {
  const buckets = estimate.bucketDetails;
  const sum = (f: (b: LicenseBucket) => number) => buckets.reduce((n, b) => n + f(b), 0);
  return (
    <Card>
      <CardHeader
        header={<Subtitle2 as="h3">What counts</Subtitle2>}
        description={<Caption1 className="secondary">Every service principal in the cache, by license rule.</Caption1>}
      />
      <ScrollRegion label="License buckets">
        <Table size="small" aria-label="License buckets" className="bucket-table">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Bucket and rule</TableHeaderCell>
              <TableHeaderCell className="col-counted">License</TableHeaderCell>
              <TableHeaderCell className="num col-count">Total</TableHeaderCell>
              <TableHeaderCell className="num col-count">Disabled</TableHeaderCell>
              <TableHeaderCell className="num col-count">Billable</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {buckets.map((b) => (
              <TableRow key={b.key} data-testid="lic-bucket" data-key={b.key}>
                <TableCell className="top">
                  <Text weight="semibold" className="block">
                    {b.label}
                  </Text>
                  <Caption1 className="secondary block">{b.rule}</Caption1>
                </TableCell>
                <TableCell className="top">
                  <CountedBadge b={b} />
                </TableCell>
                <TableCell className="num top" data-testid="lic-bucket-total">
                  {formatNumber(b.total)}
                </TableCell>
                <TableCell className="num top" data-testid="lic-bucket-disabled">
                  {formatNumber(b.disabled)}
                </TableCell>
                <TableCell className="num top" data-testid="lic-bucket-billable">
                  {formatNumber(b.billable)}
                </TableCell>
              </TableRow>
            ))}
            <TableRow className="total-row">
              <TableCell>
                <Text weight="semibold">All service principals</Text>
              </TableCell>
              <TableCell />
              <TableCell className="num">{formatNumber(sum((b) => b.total))}</TableCell>
              <TableCell className="num">{formatNumber(sum((b) => b.disabled))}</TableCell>
              <TableCell className="num" data-testid="lic-bucket-sum">
                {formatNumber(estimate.billableIdentities)}
              </TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </ScrollRegion>
    </Card>
  );
}

function coverageText(prepaid: number, needed: number): string {
  const covered = Math.min(prepaid, needed);
  const head = `${plural(prepaid, "prepaid unit")} ${prepaid === 1 ? "covers" : "cover"} ${formatNumber(covered)} of ${plural(
    needed,
    "identity",
    "identities",
  )}`;
  if (prepaid < needed) return `${head}; ${formatNumber(needed - prepaid)} short`;
  if (prepaid > needed) return `${head}; ${formatNumber(prepaid - needed)} to spare`;
  return `${head}; exactly enough`;
}

function SubscriptionRow({ s, needed, mode }: { s: Subscription; needed: number; mode: Mode }) {
  return (
    <li className="subscription" data-testid="lic-subscription">
      <div className="chips">
        <Text weight="semibold" className="mono">
          {s.skuPartNumber}
        </Text>
        {s.isTrial && (
          <Badge appearance="tint" color="warning">
            Trial
          </Badge>
        )}
        <Badge appearance="outline" color={s.capabilityStatus === "Enabled" ? "success" : "informative"}>
          {s.capabilityStatus}
        </Badge>
      </div>
      <Body1 className="block">
        {formatNumber(s.prepaidUnits)} prepaid · {formatNumber(s.consumedUnits)} consumed
      </Body1>
      <Body1 className={s.prepaidUnits < needed ? "warn-text block" : "block"} data-testid="lic-coverage">
        {coverageText(s.prepaidUnits, needed)}
      </Body1>
      <Caption1 className="secondary block">
        Compared with the {mode === "fullCoverage" ? "full-coverage" : "feature-scoped"} estimate.
      </Caption1>
      {s.isTrial ? (
        <Body1 className="block" data-testid="lic-trial">
          Trial ends {formatDay(s.nextLifecycle, "on an unknown date")}
          {s.daysLeft !== null && ` (${s.daysLeft < 0 ? "ended" : plural(s.daysLeft, "day") + " left"})`}
        </Body1>
      ) : (
        s.nextLifecycle && (
          <Caption1 className="secondary block">Next lifecycle date: {formatDay(s.nextLifecycle)}</Caption1>
        )
      )}
    </li>
  );
}

function SubscriptionsCard({ estimate, mode }: { estimate: LicenseEstimate; mode: Mode }) {
  const needed = headlineCount(estimate, mode);
  return (
    <Card>
      <CardHeader header={<Subtitle2 as="h3">Subscriptions</Subtitle2>} />
      {estimate.subscriptions.length === 0 ? (
        <Body1 className="empty" data-testid="lic-no-subscription">
          No Workload ID Premium subscription in the cache
          {estimate.skusSynced ? "." : ": subscriptions not synced."}
        </Body1>
      ) : (
        <>
          <ul className="plain-list subscriptions">
            {estimate.subscriptions.map((s, i) => (
              <SubscriptionRow key={`${s.skuPartNumber}-${i}`} s={s} needed={needed} mode={mode} />
            ))}
          </ul>
          {estimate.subscriptions.length > 1 && (
            <Text weight="semibold" className="block" data-testid="lic-coverage-total">
              Together: {coverageText(estimate.subscriptions.reduce((n, s) => n + s.prepaidUnits, 0), needed)}
            </Text>
          )}
        </>
      )}
    </Card>
  );
}

function AccessReviewsCard({
  tenantId,
  candidates,
  onChanged,
  onOpenIdentity,
  onOpenReviews,
}: {
  tenantId: string;
  candidates: ReviewCandidate[];
  onChanged: () => void;
  onOpenIdentity: (id: string) => void;
  onOpenReviews?: () => void;
}) {
  const backend = useBackend();
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<BackendError | null>(null);

  // Once fresh data arrives, show it rather than the pending values.
  const [candidatesShown, setCandidatesShown] = useState(candidates);
  if (candidates !== candidatesShown) {
    setCandidatesShown(candidates);
    setPending({});
  }

  const toggle = async (id: string, included: boolean) => {
    setPending((p) => ({ ...p, [id]: included }));
    setError(null);
    try {
      await backend.setLicenseScope(tenantId, id, "accessReview", included);
      onChanged();
    } catch (e) {
      setError(toBackendError(e));
      setPending((p) => {
        const next = { ...p };
        delete next[id];
        return next;
      });
    }
  };

  return (
    <Card>
      <CardHeader
        header={<Subtitle2 as="h3">Access reviews</Subtitle2>}
        description={
          <Caption1 className="secondary">
            Managed identities count only when a completed access review covers them: run one on the Access reviews
            page. These hold privileged directory roles.
          </Caption1>
        }
      />
      {error && <ErrorBar error={error} />}
      {candidates.length === 0 ? (
        <Body1 className="empty" data-testid="lic-review-empty">
          No managed identity holds a privileged directory role.
        </Body1>
      ) : (
        <Table size="small" aria-label="Access review candidates">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Managed identity</TableHeaderCell>
              <TableHeaderCell>Privileged roles</TableHeaderCell>
              <TableHeaderCell className="col-review">Reviewed</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {candidates.map((c) => {
              const isPending = c.id in pending;
              const checked = isPending ? pending[c.id]! : c.reviewed;
              return (
                <TableRow key={c.id} data-testid="lic-review-row" data-id={c.id}>
                  <TableCell className="top">
                    <Link as="button" className="break" onClick={() => onOpenIdentity(c.id)}>
                      {c.displayName}
                    </Link>
                    <Caption1 className="secondary block">{kindLabel(c.kind)}</Caption1>
                  </TableCell>
                  <TableCell className="top">
                    <span className="chips">
                      {c.roles.map((r, i) => (
                        <Badge key={i} appearance="tint" color="danger" size="small" className="wrap-badge">
                          {r}
                        </Badge>
                      ))}
                    </span>
                  </TableCell>
                  <TableCell className="top" data-testid="lic-review-status">
                    {c.review !== null ? (
                      <>
                        <Badge appearance="tint" color="success">
                          Reviewed
                        </Badge>
                        <Caption1 className="secondary block break">in {c.review}</Caption1>
                      </>
                    ) : c.marked || isPending ? (
                      // Marked by hand before Steward ran reviews: it can be unmarked, not marked anew.
                      <Checkbox
                        data-testid="lic-review-toggle"
                        label="Marked reviewed by hand"
                        checked={checked}
                        disabled={isPending}
                        onChange={(_, d) => void toggle(c.id, d.checked === true)}
                      />
                    ) : (
                      <>
                        <Caption1 className="block">Not in a completed review</Caption1>
                        {onOpenReviews && (
                          <Link as="button" data-testid="lic-review-start" onClick={onOpenReviews}>
                            Start a review
                          </Link>
                        )}
                      </>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// Planner

type ScenarioDraft = { key: number; name: string; basis: ScenarioBasis; adjustment: string };
type Draft = { price: string; currency: string; trialStart: string; growth: string; scenarios: ScenarioDraft[] };

let nextScenarioKey = 1;

function draftOf(s: PlanSettings): Draft {
  return {
    price: String(s.price),
    currency: s.currency,
    trialStart: s.trialStart ?? "",
    growth: String(s.growthPct),
    scenarios: s.scenarios.map((sc) => ({
      key: nextScenarioKey++,
      name: sc.name,
      basis: sc.basis,
      adjustment: String(sc.adjustment),
    })),
  };
}

function parseNumber(text: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

type Parsed = { settings: PlanSettings | null; priceError?: string; growthError?: string; adjustmentErrors: Set<number> };

/** The settings the draft stands for, or which field keeps it from being sent. */
function parseDraft(d: Draft): Parsed {
  const price = parseNumber(d.price);
  const growth = parseNumber(d.growth);
  const adjustmentErrors = new Set<number>();
  const scenarios = d.scenarios.map((s) => {
    const adj = parseNumber(s.adjustment);
    if (adj === null || !Number.isInteger(adj)) adjustmentErrors.add(s.key);
    return { name: s.name, basis: s.basis, adjustment: adj ?? 0 };
  });
  const parsed: Parsed = { settings: null, adjustmentErrors };
  if (price === null) parsed.priceError = "Enter a price, e.g. 3.00.";
  if (growth === null) parsed.growthError = "Enter a percentage, e.g. 10 (or 0).";
  if (price !== null && growth !== null && adjustmentErrors.size === 0) {
    parsed.settings = {
      price,
      currency: d.currency,
      trialStart: d.trialStart === "" ? null : d.trialStart,
      growthPct: growth,
      scenarios,
    };
  }
  return parsed;
}

function Planner({
  tenantId,
  initial,
  estimateVersion,
  plan,
  onPlan,
}: {
  tenantId: string;
  initial: LicensePlan;
  estimateVersion: number;
  plan: LicensePlan;
  onPlan: (p: LicensePlan) => void;
}) {
  const backend = useBackend();
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial.settings));
  const [error, setError] = useState<BackendError | null>(null);
  const [computing, setComputing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [savedKey, setSavedKey] = useState<string | null>(null);
  const parsed = parseDraft(draft);
  const key = parsed.settings ? JSON.stringify(parsed.settings) : null;
  // What was last asked for (settings and the estimate they ran on): the saved plan to begin with.
  const requested = useRef(`${JSON.stringify(initial.settings)}|${estimateVersion}`);
  const seq = useRef(0);

  useEffect(() => {
    if (!parsed.settings || key === null) return;
    const request = `${key}|${estimateVersion}`;
    if (request === requested.current) return;
    const settings = parsed.settings;
    const timer = setTimeout(() => {
      requested.current = request;
      const mine = ++seq.current;
      setComputing(true);
      backend.licensePlan(tenantId, settings, false).then(
        (p) => {
          if (mine !== seq.current) return;
          onPlan(p);
          setError(null);
          setComputing(false);
        },
        (e: unknown) => {
          if (mine !== seq.current) return;
          setError(toBackendError(e));
          setComputing(false);
        },
      );
    }, PLAN_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // parsed.settings is derived from `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, tenantId, key, estimateVersion]);

  const save = async () => {
    if (!parsed.settings || key === null) return;
    const mine = ++seq.current;
    requested.current = `${key}|${estimateVersion}`;
    setSaving(true);
    setError(null);
    try {
      const p = await backend.licensePlan(tenantId, parsed.settings, true);
      if (mine === seq.current) onPlan(p);
      setSavedKey(key);
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setSaving(false);
      if (mine === seq.current) setComputing(false);
    }
  };

  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const updateScenario = (k: number, patch: Partial<ScenarioDraft>) =>
    setDraft((d) => ({ ...d, scenarios: d.scenarios.map((s) => (s.key === k ? { ...s, ...patch } : s)) }));
  const currencyLabel = draft.currency.trim() || "—";

  return (
    <Card data-testid="lic-planner">
      <CardHeader
        header={<Subtitle2 as="h3">Cost planner</Subtitle2>}
        description={
          <Caption1 className="secondary">
            Prices are yours to enter: the currency is a label only, nothing is converted.
          </Caption1>
        }
        action={computing ? <Spinner size="tiny" label="Recomputing…" data-testid="plan-computing" /> : undefined}
      />
      <div className="planner-inputs">
        <Field label="Price per identity per month" validationMessage={parsed.priceError}>
          <Input
            type="number"
            min={0}
            step={0.01}
            inputMode="decimal"
            value={draft.price}
            onChange={(_, d) => update({ price: d.value })}
            contentAfter={<Caption1 className="secondary">{currencyLabel}</Caption1>}
            data-testid="plan-price"
          />
        </Field>
        <Field label="Currency label">
          <Input
            value={draft.currency}
            maxLength={12}
            onChange={(_, d) => update({ currency: d.value })}
            data-testid="plan-currency"
          />
        </Field>
        <Field label="Trial start (optional)" hint="The 90-day trial: months within it are free.">
          <Input
            type="date"
            value={draft.trialStart}
            onChange={(_, d) => update({ trialStart: d.value })}
            data-testid="plan-trial-start"
          />
        </Field>
        <Field label="Growth per year" validationMessage={parsed.growthError}>
          <Input
            type="number"
            step={1}
            value={draft.growth}
            onChange={(_, d) => update({ growth: d.value })}
            contentAfter={<Caption1 className="secondary">%</Caption1>}
            data-testid="plan-growth"
          />
        </Field>
      </div>

      <Subtitle2 as="h4" className="subheading">
        Scenarios
      </Subtitle2>
      <div className="scenarios" role="list" aria-label="Scenarios">
        {draft.scenarios.map((s, i) => (
          <div className="scenario-row" role="listitem" key={s.key} data-testid="scenario">
            <Field label={i === 0 ? "Name" : undefined}>
              <Input
                aria-label="Scenario name"
                value={s.name}
                maxLength={80}
                onChange={(_, d) => updateScenario(s.key, { name: d.value })}
                data-testid="scenario-name"
              />
            </Field>
            <Field label={i === 0 ? "Starts from" : undefined}>
              <Dropdown
                aria-label="Scenario basis"
                value={BASIS_LABELS[s.basis]}
                selectedOptions={[s.basis]}
                onOptionSelect={(_, d) => {
                  if (d.optionValue) updateScenario(s.key, { basis: d.optionValue as ScenarioBasis });
                }}
                data-testid="scenario-basis"
              >
                {BASIS_KEYS.map((b) => (
                  <Option key={b} value={b}>
                    {BASIS_LABELS[b]}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Field
              label={i === 0 ? "± identities" : undefined}
              validationMessage={parsed.adjustmentErrors.has(s.key) ? "Whole number" : undefined}
            >
              <Input
                aria-label="Identities added or removed"
                type="number"
                step={1}
                value={s.adjustment}
                onChange={(_, d) => updateScenario(s.key, { adjustment: d.value })}
                data-testid="scenario-adjustment"
              />
            </Field>
            <Button
              appearance="subtle"
              icon={<Delete20Regular />}
              aria-label={`Remove scenario ${s.name}`}
              title="Remove scenario"
              className={i === 0 ? "scenario-remove first" : "scenario-remove"}
              onClick={() => setDraft((d) => ({ ...d, scenarios: d.scenarios.filter((x) => x.key !== s.key) }))}
              data-testid="scenario-remove"
            />
          </div>
        ))}
      </div>
      <div className="actions">
        <Button
          icon={<Add20Regular />}
          disabled={draft.scenarios.length >= MAX_SCENARIOS}
          onClick={() =>
            setDraft((d) => ({
              ...d,
              scenarios: [
                ...d.scenarios,
                { key: nextScenarioKey++, name: `Scenario ${d.scenarios.length + 1}`, basis: "fullCoverage", adjustment: "0" },
              ],
            }))
          }
          data-testid="scenario-add"
        >
          Add scenario
        </Button>
      </div>

      {error && (
        <MessageBar intent="error" layout="multiline" data-testid="plan-error">
          <MessageBarBody>
            <MessageBarTitle>{error.kind === "invalidInput" ? "Check the inputs" : "Could not compute the plan"}</MessageBarTitle>
            {error.message}
          </MessageBarBody>
        </MessageBar>
      )}

      {plan.trialEnd && (
        <Body1 data-testid="plan-trial-end">Trial ends {formatDay(plan.trialEnd)}; months within it cost nothing.</Body1>
      )}
      <PlanResults plan={plan} />

      <div className="actions">
        <Button
          appearance="primary"
          onClick={() => void save()}
          disabled={saving || !parsed.settings}
          data-testid="plan-save"
        >
          Save plan
        </Button>
        {saving && <Spinner size="tiny" aria-label="Saving" />}
        {!saving && savedKey !== null && savedKey === key && (
          <Text className="result-ok saved" data-testid="plan-saved" aria-live="polite">
            <Checkmark16Regular className="inline-icon" /> Saved
          </Text>
        )}
      </div>
    </Card>
  );
}

function horizonTotal(r: ScenarioResult, months: number): number | null {
  return r.horizons.find((h) => h.months === months)?.total ?? null;
}

function PlanResults({ plan }: { plan: LicensePlan }) {
  const currency = plan.settings.currency;
  const money = (v: number | null) => (v === null ? "—" : formatMoney(v, currency));
  const growing = plan.settings.growthPct !== 0;
  return (
    <ScrollRegion label="Plan results">
      <Table size="small" aria-label="Plan results" className="plan-table" data-testid="plan-results">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Scenario</TableHeaderCell>
            <TableHeaderCell className="num">Identities</TableHeaderCell>
            <TableHeaderCell className="num">Monthly</TableHeaderCell>
            <TableHeaderCell className="num">First year</TableHeaderCell>
            <TableHeaderCell className="num">12 months</TableHeaderCell>
            <TableHeaderCell className="num">24 months</TableHeaderCell>
            <TableHeaderCell className="num">36 months</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {plan.results.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                <span className="empty">Add a scenario to see its cost.</span>
              </TableCell>
            </TableRow>
          )}
          {plan.results.map((r, i) => (
            <TableRow key={i} data-testid="plan-row">
              <TableCell className="top">
                <Text weight="semibold" className="block break" data-testid="plan-name">
                  {r.name}
                </Text>
                <Caption1 className="secondary block">
                  {BASIS_LABELS[r.basis]}
                  {r.adjustment !== 0 && ` ${r.adjustment > 0 ? "+" : "−"} ${formatNumber(Math.abs(r.adjustment))}`}
                </Caption1>
                {r.identities !== null && r.note && <Caption1 className="warn-text block">{r.note}</Caption1>}
              </TableCell>
              {r.identities === null ? (
                <TableCell colSpan={6} className="top" data-testid="plan-note">
                  <span className="warn-text">{r.note ?? "This scenario cannot be computed from the cache."}</span>
                </TableCell>
              ) : (
                <>
                  <TableCell className="num top" data-testid="plan-identities">
                    {formatNumber(r.identities)}
                  </TableCell>
                  <TableCell className="num top" data-testid="plan-monthly">
                    {money(r.monthlyCost)}
                  </TableCell>
                  <TableCell className="num top" data-testid="plan-annual">
                    {money(r.annualCost)}
                  </TableCell>
                  {[12, 24, 36].map((m) => {
                    const h = r.horizons.find((x) => x.months === m);
                    return (
                      <TableCell key={m} className="num top" data-testid={`plan-${m}m`}>
                        {money(horizonTotal(r, m))}
                        {growing && h && (
                          <Caption1 className="secondary block">
                            {plural(h.identitiesAtEnd, "identity", "identities")} by then
                          </Caption1>
                        )}
                      </TableCell>
                    );
                  })}
                </>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}
