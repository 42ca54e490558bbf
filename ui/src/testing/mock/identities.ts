// The Identities page's commands: the list, a page at a time, and an identity's detail.
import type { Backend, IdentityDetail, IdentityPage, IdentityQuery, IdentityRow } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, identitiesFixture, manageFixture } from "./fixtures";

/** `count` rows made of the fixture's `rows` over and over, each under an id of its own. */
function padded(rows: IdentityRow[], count: number): IdentityRow[] {
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length]!;
    return i < rows.length ? row : { ...row, id: `${row.id.slice(0, 24)}${i.toString(16).padStart(12, "0")}` };
  });
}

export function identitiesMock(ctx: MockContext): Pick<Backend, "listIdentities" | "identityDetail"> {
  const count = ctx.options.identities?.count;
  return {
    async listIdentities(tenantId: string, query: IdentityQuery): Promise<IdentityPage> {
      ctx.record("listIdentities", [tenantId, { ...query }]);
      ctx.tenant(tenantId);
      // The fixtures hold each list whole; a page is a slice of it, as the backend's LIMIT and OFFSET.
      const list = answer(
        identitiesFixture.lists,
        { search: query.search, kind: query.kind, ownership: query.ownership },
        "listIdentities",
      );
      const unfiltered = query.search === "" && query.kind === null && query.ownership === null;
      const rows = count !== undefined && unfiltered ? padded(list.rows, count) : list.rows;
      return { total: rows.length, offset: query.offset, rows: rows.slice(query.offset, query.offset + query.limit) };
    },

    async identityDetail(tenantId: string, id: string): Promise<IdentityDetail> {
      ctx.record("identityDetail", [tenantId, id]);
      ctx.tenant(tenantId);
      // With changes queued on it, the identity's detail shows them pending (Rust's answer after the four
      // changes the fixtures make).
      if (id === manageFixture.spId && ctx.queued.some((i) => i.status !== "pushed"))
        return structuredClone(manageFixture.pendingDetail);
      return answer(identitiesFixture.details, { id }, "identityDetail");
    },
  };
}
