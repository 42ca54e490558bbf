// The Recommendations page's commands: the report for the thresholds asked, with the statuses the
// admin set in this session on top.
import type {
  Backend,
  RecommendationReport,
  RecommendationSettings,
  RecommendationStatus,
  StatusChange,
} from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, recommendationsFixture } from "./fixtures";

type Status = { status: RecommendationStatus; postponeUntil: string | null };

/** The status a change leaves; `null` for reactivate (the recommendation's own status again). */
function statusAfter(change: StatusChange): Status | null {
  switch (change.action) {
    case "dismiss":
      return { status: "dismissed", postponeUntil: null };
    case "complete":
      return { status: "completed", postponeUntil: null };
    case "postpone":
      return { status: "postponed", postponeUntil: `${change.until}T00:00:00.000Z` };
    case "reactivate":
      return null;
  }
}

export function recommendationsMock(ctx: MockContext): Pick<Backend, "recommendations" | "setRecommendationStatus"> {
  // Statuses the admin set, by tenant and recommendation type.
  const statuses = new Map<string, Map<string, Status>>();
  const statusesOf = (tenantId: string) => {
    let m = statuses.get(tenantId);
    if (!m) statuses.set(tenantId, (m = new Map()));
    return m;
  };
  return {
    async recommendations(tenantId: string, settings: RecommendationSettings | null): Promise<RecommendationReport> {
      ctx.record("recommendations", [tenantId, settings]);
      ctx.tenant(tenantId);
      const report = answer(recommendationsFixture.reports, { cache: ctx.cache, settings }, "recommendations");
      const set = statusesOf(tenantId);
      for (const r of report.recommendations) Object.assign(r, set.get(r.type));
      return report;
    },

    async setRecommendationStatus(
      tenantId: string,
      recommendationType: string,
      change: StatusChange,
      settings: RecommendationSettings,
    ): Promise<null> {
      ctx.record("setRecommendationStatus", [tenantId, recommendationType, change, settings]);
      ctx.tenant(tenantId);
      const status = statusAfter(change);
      if (status) statusesOf(tenantId).set(recommendationType, status);
      else statusesOf(tenantId).delete(recommendationType);
      return null;
    },
  };
}
