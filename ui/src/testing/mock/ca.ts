// The Conditional access page's commands: the overview, what-if and replay are what Rust answered for the demo
// (`conditionalAccessFixture`), looked up by their inputs; saving a policy or a location queues the item Rust queued
// for the same draft, in the context's outbox.
import { BackendError, type Backend, type OutboxItem } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, conditionalAccessFixture as fx, canonical } from "./fixtures";

type CaMethods =
  | "caOverview"
  | "caWhatIf"
  | "caReplay"
  | "caPolicyProblems"
  | "caSavePolicy"
  | "caDeletePolicy"
  | "caLocationProblems"
  | "caSaveLocation"
  | "caDeleteLocation";

function missing(what: string): never {
  throw new BackendError(
    "internal",
    `The mock backend has no fixture for ${what}: add it to src-tauri/src/mock_fixtures/ca.rs and regenerate the fixtures.`,
  );
}

export function caMock(ctx: MockContext): Pick<Backend, CaMethods> {
  const queue = (item: OutboxItem) => {
    ctx.queued.splice(0, ctx.queued.length, ...ctx.queued.filter((i) => i.id !== item.id), structuredClone(item));
    return structuredClone(item);
  };
  return {
    async caOverview(tenantId) {
      ctx.record("caOverview", [tenantId]);
      ctx.tenant(tenantId);
      return structuredClone(fx.overview);
    },
    async caWhatIf(tenantId, sp, ip, risk) {
      ctx.record("caWhatIf", [tenantId, sp, ip, risk]);
      ctx.tenant(tenantId);
      return answer(fx.whatIf, { sp, ip, risk }, "caWhatIf");
    },
    async caReplay(tenantId, policy, from, to, dark) {
      ctx.record("caReplay", [tenantId, policy, from, to, dark]);
      ctx.tenant(tenantId);
      return answer(fx.replay, { policy, from, to }, "caReplay");
    },
    async caPolicyProblems(tenantId, draft) {
      ctx.record("caPolicyProblems", [tenantId, draft]);
      ctx.tenant(tenantId);
      return answer(fx.problems, { draft }, "caPolicyProblems");
    },
    async caSavePolicy(tenantId, draft) {
      ctx.record("caSavePolicy", [tenantId, draft]);
      ctx.tenant(tenantId);
      const saved = fx.saved.change;
      if (saved.action !== "saveConditionalAccessPolicy" || canonical({ ...saved.policy, id: null }) !== canonical(draft))
        missing(`caSavePolicy ${canonical(draft)}`);
      return queue(fx.saved);
    },
    async caDeletePolicy(tenantId, id) {
      ctx.record("caDeletePolicy", [tenantId, id]);
      return missing(`caDeletePolicy ${id}`);
    },
    async caLocationProblems(tenantId, location) {
      ctx.record("caLocationProblems", [tenantId, location]);
      ctx.tenant(tenantId);
      return answer(fx.locationProblems, { location }, "caLocationProblems");
    },
    async caSaveLocation(tenantId, location) {
      ctx.record("caSaveLocation", [tenantId, location]);
      ctx.tenant(tenantId);
      const saved = fx.savedLocation.change;
      if (saved.action !== "saveNamedLocation" || canonical({ ...saved.location, id: "" }) !== canonical(location))
        missing(`caSaveLocation ${canonical(location)}`);
      return queue(fx.savedLocation);
    },
    async caDeleteLocation(tenantId, id) {
      ctx.record("caDeleteLocation", [tenantId, id]);
      return missing(`caDeleteLocation ${id}`);
    },
  };
}
