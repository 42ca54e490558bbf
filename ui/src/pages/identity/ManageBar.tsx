import { useState } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import {
  Add20Regular,
  ArrowUndo20Regular,
  Certificate20Regular,
  Delete20Regular,
  Edit20Regular,
  Key20Regular,
  Power20Regular,
} from "@fluentui/react-icons";
import type {
  AppRoleView,
  CredentialView,
  FederatedCredentialView,
  IdentityDetail,
  ObjectKind,
  OwnerRelation,
  OwnerView,
} from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { formatDateTime } from "../../format";
import { FederatedCredentialDialog } from "./FederatedCredentialDialog";
import { CertificateDialog, ConfirmDialog, PropertiesDialog, SecretDialog, type Owner } from "./ManageDialogs";

type Open = "edit" | "enable" | "delete" | "restore" | "secret" | "certificate" | "federated" | null;

/** Whether Steward may change this identity: Azure manages managed identities. */
export function manageable(d: IdentityDetail): boolean {
  return d.row.servicePrincipalType !== "ManagedIdentity";
}

/** Where new credentials go: the app registration when this tenant has it, else the service principal. */
export function credentialOwner(d: IdentityDetail): Owner {
  return d.application
    ? { kind: "application", id: d.application.id, displayName: d.application.displayName }
    : { kind: "servicePrincipal", id: d.row.id, displayName: d.row.displayName };
}

/**
 * The identity's changes not yet in Entra, and the actions on it: edit, enable or disable, delete or restore, add a
 * secret, a certificate or a federated credential. Every action queues a change; `onChanged` reloads the detail.
 */
export function ManageBar({ tenantId, d, onChanged }: { tenantId: string; d: IdentityDetail; onChanged: () => void }) {
  const backend = useBackend();
  const [open, setOpen] = useState<Open>(null);
  // Each dialog mounts afresh, so its fields start from the detail on screen.
  const [generation, setGeneration] = useState(0);
  const show = (o: Open) => {
    setGeneration((g) => g + 1);
    setOpen(o);
  };
  const close = () => setOpen(null);
  const done = () => {
    setOpen(null);
    onChanged();
  };
  const r = d.row;
  const deleted = d.deletedDateTime !== null;
  const app = d.application;
  const target: { kind: ObjectKind; id: string; name: string } = app
    ? { kind: "application", id: app.id, name: app.displayName }
    : { kind: "servicePrincipal", id: r.id, name: r.displayName };
  const owner = credentialOwner(d);

  const unsponsored = r.kind === "agentIdentity" && !d.owners.some((o) => relationOf(o.type) === "sponsor");
  return (
    <div className="manage-bar" data-testid="manage-bar">
      {unsponsored && (
        <MessageBar intent="warning" layout="multiline" data-testid="no-sponsor">
          <MessageBarBody>
            <MessageBarTitle>No sponsor</MessageBarTitle>
            Nobody answers for what this agent identity does or decides when it should go. Add a sponsor under Owners.
          </MessageBarBody>
        </MessageBar>
      )}
      {d.pendingChanges.length > 0 && (
        <MessageBar intent="info" layout="multiline" data-testid="pending-changes">
          <MessageBarBody>
            <MessageBarTitle>
              {d.pendingChanges.length === 1 ? "1 change not yet in Entra" : `${d.pendingChanges.length} changes not yet in Entra`}
            </MessageBarTitle>
            <ul className="plain-list">
              {d.pendingChanges.map((c) => (
                <li key={c.id}>
                  <Badge appearance="tint" color={c.status === "pending" ? "informative" : "danger"} size="small">
                    {c.status}
                  </Badge>{" "}
                  {c.summary}
                  {c.message && <Caption1 className="secondary block">{c.message}</Caption1>}
                </li>
              ))}
            </ul>
            <Caption1 className="secondary block">Push them from Connections, or sync: a sync pushes first.</Caption1>
          </MessageBarBody>
        </MessageBar>
      )}
      {!manageable(d) ? (
        <Caption1 className="secondary block" data-testid="manage-unavailable">
          Azure manages this managed identity: change it on its Azure resource (or the user-assigned identity).
        </Caption1>
      ) : deleted ? (
        <div className="actions">
          <Body1>Deleted {formatDateTime(d.deletedDateTime)}: Entra keeps it restorable for 30 days.</Body1>
          <Button icon={<ArrowUndo20Regular />} data-testid="manage-restore" onClick={() => show("restore")}>
            Restore
          </Button>
        </div>
      ) : (
        <div className="actions manage-actions">
          <Button size="small" icon={<Edit20Regular />} data-testid="manage-edit" onClick={() => show("edit")}>
            Edit…
          </Button>
          <Button size="small" icon={<Power20Regular />} data-testid="manage-enable" onClick={() => show("enable")}>
            {r.accountEnabled ? "Disable…" : "Enable"}
          </Button>
          <Button size="small" icon={<Key20Regular />} data-testid="manage-add-secret" onClick={() => show("secret")}>
            Add secret…
          </Button>
          <Button
            size="small"
            icon={<Certificate20Regular />}
            data-testid="manage-add-certificate"
            onClick={() => show("certificate")}
          >
            Add certificate…
          </Button>
          {app && (
            <Button size="small" icon={<Add20Regular />} data-testid="manage-add-fic" onClick={() => show("federated")}>
              Add federated credential…
            </Button>
          )}
          <Button size="small" appearance="subtle" icon={<Delete20Regular />} data-testid="manage-delete" onClick={() => show("delete")}>
            Delete…
          </Button>
        </div>
      )}
      {open === "edit" && (
        <PropertiesDialog
          key={generation}
          tenantId={tenantId}
          kind={target.kind}
          id={target.id}
          current={{
            displayName: target.name,
            notes: app?.notes ?? null,
            tags: app ? app.tags : d.tags,
          }}
          open
          onClose={close}
          onDone={done}
        />
      )}
      {open === "enable" && (
        <ConfirmDialog
          key={generation}
          open
          title={r.accountEnabled ? `Disable ${r.displayName}?` : `Enable ${r.displayName}?`}
          testId="enable-dialog"
          action={r.accountEnabled ? "Disable" : "Enable"}
          onClose={close}
          onDone={done}
          run={() => backend.setEnabled(tenantId, r.id, !r.accountEnabled)}
        >
          <Body1>
            {r.accountEnabled
              ? "Entra stops issuing it tokens once the change is pushed: every workload signing in as it stops. Nothing is deleted, and enabling it again restores it."
              : "It can sign in again once the change is pushed."}
          </Body1>
        </ConfirmDialog>
      )}
      {open === "delete" && (
        <ConfirmDialog
          key={generation}
          open
          title={`Delete ${target.name}?`}
          testId="delete-dialog"
          action="Delete"
          onClose={close}
          onDone={done}
          run={() => backend.deleteObject(tenantId, target.kind, target.id)}
        >
          <Body1>
            {app
              ? "The app registration goes, and with it its service principal in this tenant, their secrets, certificates and federated credentials, and the role assignments the service principal holds."
              : "The service principal goes, with its credentials and the role assignments it holds."}{" "}
            Entra keeps it restorable for 30 days.
          </Body1>
        </ConfirmDialog>
      )}
      {open === "restore" && (
        <ConfirmDialog
          key={generation}
          open
          title={`Restore ${target.name}?`}
          testId="restore-dialog"
          action="Restore"
          onClose={close}
          onDone={done}
          run={() => backend.restoreObject(tenantId, target.kind, target.id)}
        >
          <Body1>It comes back from Entra&apos;s deleted items with its credentials once the change is pushed.</Body1>
        </ConfirmDialog>
      )}
      {open === "secret" && (
        <SecretDialog key={generation} tenantId={tenantId} owner={owner} open onClose={close} onDone={done} />
      )}
      {open === "certificate" && (
        <CertificateDialog key={generation} tenantId={tenantId} owner={owner} open onClose={close} onDone={done} />
      )}
      {open === "federated" && app && (
        <FederatedCredentialDialog
          key={generation}
          tenantId={tenantId}
          applicationId={app.id}
          editing={null}
          open
          onClose={close}
          onSaved={done}
        />
      )}
    </div>
  );
}

/** Remove for one secret or certificate row. */
export function RemoveCredentialButton({
  tenantId,
  c,
  ownerId,
  onChanged,
}: {
  tenantId: string;
  c: CredentialView;
  ownerId: string;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  const kind: ObjectKind = c.source === "application" ? "application" : "servicePrincipal";
  const what = c.credentialType === "secret" ? "secret" : "certificate";
  return (
    <>
      <Button size="small" appearance="subtle" data-testid="credential-remove" onClick={() => setOpen(true)}>
        Remove…
      </Button>
      {open && (
        <ConfirmDialog
          open
          title={`Remove the ${what} ${c.displayName ?? c.keyId}?`}
          testId="remove-credential-dialog"
          action="Remove"
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            onChanged();
          }}
          run={() => backend.removeCredential(tenantId, kind, ownerId, c.keyId)}
        >
          <Body1>
            Whatever signs in with it stops once the change is pushed.{" "}
            {c.lastUsed ? `It last signed in ${formatDateTime(c.lastUsed)}.` : "The cached sign-ins show no use of it."}
          </Body1>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Edit and Remove for one federated credential row. */
export function FederatedRowActions({
  tenantId,
  applicationId,
  f,
  onChanged,
}: {
  tenantId: string;
  applicationId: string;
  f: FederatedCredentialView;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [open, setOpen] = useState<"edit" | "remove" | null>(null);
  const done = () => {
    setOpen(null);
    onChanged();
  };
  return (
    <>
      <Button size="small" appearance="subtle" data-testid="fic-edit" onClick={() => setOpen("edit")}>
        Edit…
      </Button>
      <Button size="small" appearance="subtle" data-testid="fic-remove" onClick={() => setOpen("remove")}>
        Remove…
      </Button>
      {open === "edit" && (
        <FederatedCredentialDialog
          tenantId={tenantId}
          applicationId={applicationId}
          editing={f}
          open
          onClose={() => setOpen(null)}
          onSaved={done}
        />
      )}
      {open === "remove" && (
        <ConfirmDialog
          open
          title={`Remove the federated credential ${f.name}?`}
          testId="remove-fic-dialog"
          action="Remove"
          onClose={() => setOpen(null)}
          onDone={done}
          run={() => backend.removeFederatedCredential(tenantId, applicationId, f.name)}
        >
          <Body1>
            Workloads presenting tokens from {f.issuer} for {f.subject ?? "this subject"} can no longer sign in once the
            change is pushed.
          </Body1>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The relation an owners-table row stands for: the view names sponsors `sponsor (user)`. */
function relationOf(ownerType: string): OwnerRelation {
  return ownerType.startsWith("sponsor") ? "sponsor" : "owner";
}

/** Remove for one owner or sponsor row. */
export function RemoveOwnerButton({
  tenantId,
  kind,
  objectId,
  owner,
  onChanged,
}: {
  tenantId: string;
  kind: ObjectKind;
  objectId: string;
  owner: OwnerView;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  const relation = relationOf(owner.type);
  return (
    <>
      <Button size="small" appearance="subtle" data-testid="owner-remove" onClick={() => setOpen(true)}>
        Remove…
      </Button>
      {open && (
        <ConfirmDialog
          open
          title={`Remove ${owner.displayName} as ${relation}?`}
          testId="remove-owner-dialog"
          action="Remove"
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            onChanged();
          }}
          run={() => backend.removeOwner(tenantId, kind, objectId, owner.id, relation)}
        >
          <Body1>
            {relation === "sponsor"
              ? "They no longer answer for this agent identity once the change is pushed."
              : "They can no longer change the app or add credentials to it once the change is pushed."}
          </Body1>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Add owner (or, for an agent identity, sponsor) by object id. */
export function AddOwnerButton({
  tenantId,
  kind,
  objectId,
  relation,
  onChanged,
}: {
  tenantId: string;
  kind: ObjectKind;
  objectId: string;
  relation: OwnerRelation;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [open, setOpen] = useState(0);
  const [principal, setPrincipal] = useState("");
  return (
    <>
      <Button
        size="small"
        icon={<Add20Regular />}
        data-testid="owner-add"
        onClick={() => {
          setPrincipal("");
          setOpen((n) => n + 1);
        }}
      >
        {relation === "sponsor" ? "Add sponsor…" : "Add owner…"}
      </Button>
      {open > 0 && (
        <ConfirmDialog
          key={open}
          open
          title={relation === "sponsor" ? "Add a sponsor" : "Add an owner"}
          testId="add-owner-dialog"
          action="Add"
          onClose={() => setOpen(0)}
          onDone={() => {
            setOpen(0);
            onChanged();
          }}
          run={() => backend.addOwner(tenantId, kind, objectId, principal.trim(), relation)}
        >
          <Field label="Object id of the user, group or service principal" required>
            <Input data-testid="owner-principal" value={principal} onChange={(_, d) => setPrincipal(d.value)} />
          </Field>
          <Caption1 className="secondary block">
            {relation === "sponsor"
              ? "A sponsor answers for what the agent does and decides when it should go."
              : "An owner can change the app and add credentials to it, and so act as it: keep privileged apps without user owners."}
          </Caption1>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Remove for one application permission row, for least privilege. */
export function RemovePermissionButton({
  tenantId,
  servicePrincipalId,
  assignment,
  onChanged,
}: {
  tenantId: string;
  servicePrincipalId: string;
  assignment: AppRoleView;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" appearance="subtle" data-testid="permission-remove" onClick={() => setOpen(true)}>
        Remove…
      </Button>
      {open && (
        <ConfirmDialog
          open
          title={`Remove ${assignment.permission} on ${assignment.resourceDisplayName}?`}
          testId="remove-permission-dialog"
          action="Remove"
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            onChanged();
          }}
          run={() => backend.removePermission(tenantId, servicePrincipalId, assignment.id)}
        >
          <Body1>
            The app can no longer call {assignment.resourceDisplayName} with this permission once the change is pushed.
            Check the recent sign-ins first: a workload that still needs it will fail.
          </Body1>
        </ConfirmDialog>
      )}
    </>
  );
}
