// The changes an admin makes (Changes page, identity detail, new app registration) and the push: the outbox lives
// in memory, and every item, preview and outcome is one Rust generated (`manageFixture`), looked up by what the
// test did. A change the fixtures do not hold fails saying where to add it.
import { BackendError, type Backend, type OutboxItem, type PushOutcome } from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, manageFixture } from "./fixtures";

type ManageMethods =
  | "outboxItems"
  | "auditTrail"
  | "retryChange"
  | "dropChange"
  | "previewFederatedCredential"
  | "saveFederatedCredential"
  | "removeFederatedCredential"
  | "createApplication"
  | "updateProperties"
  | "setEnabled"
  | "deleteObject"
  | "restoreObject"
  | "addSecret"
  | "choosePublicCertificate"
  | "addCertificate"
  | "removeCredential"
  | "addOwner"
  | "removeOwner"
  | "removePermission"
  | "pushChanges";

export type ManageMock = Pick<Backend, ManageMethods> & {
  /** The items queued in this session (the push's pushed ones included). */
  outbox: () => OutboxItem[];
};

function missing(what: string): never {
  throw new BackendError(
    "internal",
    `The mock backend has no fixture for ${what}: add it to manage() in src-tauri/src/mock_fixtures.rs and regenerate the fixtures.`,
  );
}

export function manageMock(ctx: MockContext): ManageMock {
  // The context holds the outbox, so that the identity's detail shows what is pending.
  const set = (next: OutboxItem[]) => ctx.queued.splice(0, ctx.queued.length, ...next);
  const queue = (item: OutboxItem) => {
    set([...ctx.queued.filter((i) => i.id !== item.id), structuredClone(item)]);
    return structuredClone(item);
  };
  return {
    outbox: () => ctx.queued,

    async outboxItems(tenantId) {
      ctx.record("outboxItems", [tenantId]);
      ctx.tenant(tenantId);
      return structuredClone(ctx.queued);
    },

    async auditTrail(tenantId) {
      ctx.record("auditTrail", [tenantId]);
      ctx.tenant(tenantId);
      return ctx.queued.length === 0 ? [] : structuredClone(manageFixture.audit);
    },

    async retryChange(tenantId, id) {
      ctx.record("retryChange", [tenantId, id]);
      const item = ctx.queued.find((i) => i.id === id) ?? missing(`retryChange ${id}`);
      return queue({ ...item, status: "pending", message: null, remote: null });
    },

    async dropChange(tenantId, id) {
      ctx.record("dropChange", [tenantId, id]);
      const item = ctx.queued.find((i) => i.id === id) ?? missing(`dropChange ${id}`);
      set(ctx.queued.filter((i) => i.id !== id));
      return structuredClone(item);
    },

    async previewFederatedCredential(tenantId, applicationId, form, replacing) {
      ctx.record("previewFederatedCredential", [tenantId, applicationId, form, replacing]);
      ctx.tenant(tenantId);
      return answer(manageFixture.previews, { applicationId, form }, "previewFederatedCredential");
    },

    async saveFederatedCredential(tenantId, applicationId, form, update) {
      ctx.record("saveFederatedCredential", [tenantId, applicationId, form, update]);
      if (form.name === "x") throw new BackendError(manageFixture.errors.badName.kind, manageFixture.errors.badName.message);
      const item = manageFixture.queued.federatedCredential;
      if (form.name !== "deploy-main" || update) missing(`saveFederatedCredential ${form.name}`);
      return queue(item);
    },

    async removeFederatedCredential(tenantId, applicationId, name) {
      ctx.record("removeFederatedCredential", [tenantId, applicationId, name]);
      return missing(`removeFederatedCredential ${name}`);
    },

    async createApplication(tenantId, displayName, signInAudience, notes) {
      ctx.record("createApplication", [tenantId, displayName, signInAudience, notes]);
      if (displayName !== "payments-deployer") missing(`createApplication ${displayName}`);
      return queue(manageFixture.queued.created);
    },

    async updateProperties(tenantId, kind, id, properties) {
      ctx.record("updateProperties", [tenantId, kind, id, properties]);
      return missing("updateProperties");
    },

    async setEnabled(tenantId, id, enabled) {
      ctx.record("setEnabled", [tenantId, id, enabled]);
      if (enabled || id !== manageFixture.spId) missing(`setEnabled ${id} ${enabled}`);
      return queue(manageFixture.queued.disabled);
    },

    async deleteObject(tenantId, kind, id) {
      ctx.record("deleteObject", [tenantId, kind, id]);
      return missing("deleteObject");
    },

    async restoreObject(tenantId, kind, id) {
      ctx.record("restoreObject", [tenantId, kind, id]);
      return missing("restoreObject");
    },

    async addSecret(tenantId, kind, ownerId, name, days) {
      ctx.record("addSecret", [tenantId, kind, ownerId, name, days]);
      if (days > 730)
        throw new BackendError(manageFixture.errors.secretTooLong.kind, manageFixture.errors.secretTooLong.message);
      if (name !== "ci" || days !== 180) missing(`addSecret ${name} ${days}`);
      return queue(manageFixture.queued.secret);
    },

    async choosePublicCertificate() {
      ctx.record("choosePublicCertificate", []);
      return null;
    },

    async addCertificate(tenantId, kind, ownerId, path) {
      ctx.record("addCertificate", [tenantId, kind, ownerId, path]);
      return missing("addCertificate");
    },

    async removeCredential(tenantId, kind, ownerId, keyId) {
      ctx.record("removeCredential", [tenantId, kind, ownerId, keyId]);
      return missing("removeCredential");
    },

    async addOwner(tenantId, kind, objectId, principalId, relation) {
      ctx.record("addOwner", [tenantId, kind, objectId, principalId, relation]);
      return missing("addOwner");
    },

    async removeOwner(tenantId, kind, objectId, principalId, relation) {
      ctx.record("removeOwner", [tenantId, kind, objectId, principalId, relation]);
      return missing("removeOwner");
    },

    async removePermission(tenantId, servicePrincipalId, assignmentId) {
      ctx.record("removePermission", [tenantId, servicePrincipalId, assignmentId]);
      return missing("removePermission");
    },

    async pushChanges(args) {
      ctx.record("pushChanges", [{ ...args, clientSecret: args.clientSecret ? "<given>" : "" }]);
      if (ctx.queued.length === 0)
        return {
          pushed: 0,
          failed: 0,
          conflicts: 0,
          waiting: 0,
          items: [],
          newSecrets: [],
          secretsWaiting: 0,
          stopped: null,
        } satisfies PushOutcome;
      const outcome = structuredClone(manageFixture.push);
      // Only what this session queued: the fixture's outcome pushed all four.
      const ids = new Set(ctx.queued.map((i) => i.id));
      outcome.items = outcome.items.filter((i) => ids.has(i.id));
      outcome.pushed = outcome.items.length;
      if (!ids.has(manageFixture.queued.secret.id)) outcome.newSecrets = [];
      set(ctx.queued.map((i) => outcome.items.find((o) => o.id === i.id) ?? i));
      return outcome;
    },
  };
}
