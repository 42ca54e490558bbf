// In-memory Backend for unit tests. Its data are the fixtures Rust generated from a seeded demo tenant
// (`fixtures.ts`); it keeps only state: the call log, injected failures, the decisions the admin took
// (recommendation statuses, risk actions, license scope, saved plan inputs), and the simulated progress
// of syncs, imports, exports and admin sign-ins. One part per page.
import type { Backend } from "../../ipc/backend";
import { caMock } from "./ca";
import { reviewsMock } from "./reviews";
import { connectionsMock, type ConnectionsMock } from "./connections";
import { createContext, type MockBackendOptions, type MockCall } from "./context";
import { identitiesMock } from "./identities";
import { importMock } from "./import";
import { licensingMock } from "./licensing";
import { manageMock, type ManageMock } from "./manage";
import { overviewMock } from "./overview";
import { recommendationsMock } from "./recommendations";
import { reportsMock } from "./reports";
import { riskMock } from "./risk";
import { tenantsMock } from "./tenants";

export * from "./connections";
export * from "./context";
export * from "./fixtures";
export * from "./import";
export * from "./reports";

export type MockBackend = Backend & {
  calls: MockCall[];
  callsOf: (m: keyof Backend) => unknown[][];
  /**
   * Ends the admin sign-in that waits (with `sync.holdAdminSignIn`): signed in, or failed with `error`.
   * Returns whether one was waiting.
   */
  finishAdminSignIn: ConnectionsMock["finishAdminSignIn"];
  /** The changes queued in this session. */
  outbox: ManageMock["outbox"];
};

export function createMockBackend(options: MockBackendOptions = {}): MockBackend {
  const ctx = createContext(options);
  return {
    calls: ctx.calls,
    callsOf: (m) => ctx.calls.filter((c) => c.method === m).map((c) => c.args),
    ...tenantsMock(ctx),
    ...overviewMock(ctx),
    ...identitiesMock(ctx),
    ...recommendationsMock(ctx),
    ...licensingMock(ctx),
    ...riskMock(ctx),
    ...reportsMock(ctx),
    ...importMock(ctx),
    ...connectionsMock(ctx),
    ...manageMock(ctx),
    ...caMock(ctx),
    ...reviewsMock(ctx),
  };
}
