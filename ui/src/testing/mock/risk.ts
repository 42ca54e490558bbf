// The Risk page's commands: the report for the settings asked after the decisions the admin took in
// this session, and the sign-ins behind a signal.
import type { Backend, RiskAction, RiskReport, RiskSettings, SignInFilter, SignInRow } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, riskFixture, type RiskDecision } from "./fixtures";

export function riskMock(ctx: MockContext): Pick<Backend, "riskReport" | "riskAction" | "riskSignalSignIns"> {
  // The admin's decisions by tenant, in the order taken: the report after them is the fixtures'.
  const decisions = new Map<string, RiskDecision[]>();
  const decisionsOf = (tenantId: string) => {
    let list = decisions.get(tenantId);
    if (!list) decisions.set(tenantId, (list = []));
    return list;
  };
  return {
    async riskReport(tenantId: string, settings: RiskSettings | null): Promise<RiskReport> {
      ctx.record("riskReport", [tenantId, settings]);
      ctx.tenant(tenantId);
      return answer(riskFixture.reports, { cache: ctx.cache, settings, actions: decisionsOf(tenantId) }, "riskReport");
    },

    async riskAction(tenantId: string, spIds: string[], action: RiskAction): Promise<null> {
      ctx.record("riskAction", [tenantId, spIds, action]);
      ctx.tenant(tenantId);
      decisionsOf(tenantId).push({ spIds: [...spIds], action });
      return null;
    },

    async riskSignalSignIns(tenantId: string, filter: SignInFilter): Promise<SignInRow[]> {
      ctx.record("riskSignalSignIns", [tenantId, filter]);
      ctx.tenant(tenantId);
      return answer(riskFixture.signIns, { filter }, "riskSignalSignIns");
    },
  };
}
