// The Overview page's commands: the dashboard for a range of days, as the fixtures hold it.
import type { Backend, Dashboard, Overview } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, dashboardFixture } from "./fixtures";

export function overviewMock(ctx: MockContext): Pick<Backend, "overview" | "dashboard"> {
  const dashboardOf = (tenantId: string, days: number): Dashboard => {
    ctx.tenant(tenantId);
    return answer(dashboardFixture.dashboards, { days }, "dashboard");
  };
  return {
    async overview(tenantId: string): Promise<Overview> {
      ctx.record("overview", [tenantId]);
      // The dashboard's summary is the overview of the same instant.
      return dashboardOf(tenantId, 30).summary;
    },

    async dashboard(tenantId: string, days: number, dark?: boolean): Promise<Dashboard> {
      ctx.record("dashboard", dark === undefined ? [tenantId, days] : [tenantId, days, dark]);
      return dashboardOf(tenantId, days);
    },
  };
}
