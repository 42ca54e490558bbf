// The Access reviews page's commands: Rust's answers for the demo (`accessReviewsFixture`): the candidates, the
// review the tests create, after its first identity is denied, and completed with the denials applied. The
// reviews the session made live in memory; a step the fixtures do not hold fails saying where to add it.
import { BackendError, type AccessReview, type Backend } from "../../ipc/backend";
import type { MockContext } from "./context";
import { accessReviewsFixture as fx, canonical } from "./fixtures";

type ReviewMethods =
  | "reviewCandidates"
  | "accessReviews"
  | "createAccessReview"
  | "decideAccessReview"
  | "completeAccessReview";

function missing(what: string): never {
  throw new BackendError(
    "internal",
    `The mock backend has no fixture for ${what}: add it to src-tauri/src/mock_fixtures/reviews.rs and regenerate the fixtures.`,
  );
}

export function reviewsMock(ctx: MockContext): Pick<Backend, ReviewMethods> {
  let reviews: AccessReview[] = [];
  const keep = (r: AccessReview) => {
    reviews = [structuredClone(r), ...reviews.filter((x) => x.id !== r.id)];
    return structuredClone(r);
  };
  return {
    async reviewCandidates(tenantId) {
      ctx.record("reviewCandidates", [tenantId]);
      ctx.tenant(tenantId);
      return structuredClone(fx.candidates);
    },
    async accessReviews(tenantId) {
      ctx.record("accessReviews", [tenantId]);
      ctx.tenant(tenantId);
      return structuredClone(reviews);
    },
    async createAccessReview(tenantId, review) {
      ctx.record("createAccessReview", [tenantId, review]);
      ctx.tenant(tenantId);
      if (canonical(review) !== canonical(fx.new)) missing(`createAccessReview ${canonical(review)}`);
      return keep(fx.created);
    },
    async decideAccessReview(tenantId, reviewId, identity, decision, justification) {
      ctx.record("decideAccessReview", [tenantId, reviewId, identity, decision, justification]);
      const first = fx.decided.items.find((i) => i.decision !== "notReviewed");
      if (
        reviewId !== fx.created.id ||
        identity !== first?.id ||
        decision !== first.decision ||
        justification !== first.justification
      )
        missing(`decideAccessReview ${identity} ${decision} ${justification}`);
      return keep(fx.decided);
    },
    async completeAccessReview(tenantId, reviewId, apply) {
      ctx.record("completeAccessReview", [tenantId, reviewId, apply]);
      if (reviewId !== fx.created.id || !apply) missing(`completeAccessReview ${reviewId} apply=${apply}`);
      for (const item of fx.completed.items)
        for (const line of item.applied) ctx.record("completeAccessReview", [`queued: ${line}`]);
      return keep(fx.completed);
    },
  };
}
