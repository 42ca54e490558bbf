// The app shell's commands: the tenants the cache holds and which one is shown.
import type { AppInfo, Backend, TenantSummary } from "../../ipc/backend";
import type { MockContext } from "./context";

export function tenantsMock(ctx: MockContext): Pick<Backend, "appInfo" | "selectTenant"> {
  return {
    async appInfo(): Promise<AppInfo> {
      ctx.record("appInfo", []);
      return {
        version: "0.1.0-test",
        dbPath: "/tmp/steward-test.db",
        tenants: structuredClone(ctx.tenants),
        activeTenantId: ctx.activeTenantId,
      };
    },

    async selectTenant(tenantId: string): Promise<TenantSummary> {
      ctx.record("selectTenant", [tenantId]);
      const t = ctx.tenant(tenantId);
      ctx.activeTenantId = tenantId;
      return structuredClone(t);
    },
  };
}
