// The Licensing page's commands: the estimate and plan for the license scope the admin set in this
// session, the planner for the inputs asked, and the scope flags of an identity.
import type { Backend, LicensePlan, Licensing, PlanSettings, ScopeFlags, ScopeReason } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, licensingFixture, type ScopeChange } from "./fixtures";

type TenantState = {
  /** Scope flags the admin set that differ from the demo's, by identity. */
  scope: Map<string, Partial<Record<ScopeReason, boolean>>>;
  /** The planner inputs the admin saved, if any. */
  saved: PlanSettings | null;
};

export function licensingMock(
  ctx: MockContext,
): Pick<Backend, "licensing" | "licensePlan" | "licenseScope" | "setLicenseScope"> {
  const states = new Map<string, TenantState>();
  const stateOf = (tenantId: string): TenantState => {
    ctx.tenant(tenantId);
    let st = states.get(tenantId);
    if (!st) states.set(tenantId, (st = { scope: new Map(), saved: null }));
    return st;
  };
  /** The scope changes as the fixtures key the estimate by them: by identity, then reason. */
  const scopeKey = (st: TenantState): ScopeChange[] =>
    [...st.scope]
      .flatMap(([id, reasons]) =>
        Object.entries(reasons).map(([reason, included]) => ({ id, reason: reason as ScopeReason, included: included! })),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  const planOf = (st: TenantState, settings: PlanSettings): LicensePlan =>
    answer(licensingFixture.plans, { cache: ctx.cache, scope: scopeKey(st), settings }, "licensePlan");
  const flagsOf = (st: TenantState, id: string): ScopeFlags => ({
    ...answer(licensingFixture.scopeFlags, { id }, "licenseScope"),
    ...st.scope.get(id),
  });
  return {
    async licensing(tenantId: string): Promise<Licensing> {
      ctx.record("licensing", [tenantId]);
      const st = stateOf(tenantId);
      const licensing = answer(licensingFixture.licensing, { cache: ctx.cache, scope: scopeKey(st) }, "licensing");
      return st.saved ? { ...licensing, plan: planOf(st, st.saved) } : licensing;
    },

    async licensePlan(tenantId: string, settings: PlanSettings, save: boolean): Promise<LicensePlan> {
      ctx.record("licensePlan", [tenantId, settings, save]);
      const st = stateOf(tenantId);
      const plan = planOf(st, settings);
      if (save) st.saved = structuredClone(settings);
      return plan;
    },

    async licenseScope(tenantId: string, id: string): Promise<ScopeFlags> {
      ctx.record("licenseScope", [tenantId, id]);
      return flagsOf(stateOf(tenantId), id);
    },

    async setLicenseScope(tenantId: string, id: string, reason: ScopeReason, included: boolean): Promise<ScopeFlags> {
      ctx.record("setLicenseScope", [tenantId, id, reason, included]);
      const st = stateOf(tenantId);
      const demo = answer(licensingFixture.scopeFlags, { id }, "licenseScope");
      const changed = { ...st.scope.get(id) };
      // A flag set back to the demo's value is no change any more.
      if (demo[reason] === included) delete changed[reason];
      else changed[reason] = included;
      if (Object.keys(changed).length > 0) st.scope.set(id, changed);
      else st.scope.delete(id);
      return flagsOf(st, id);
    },
  };
}
