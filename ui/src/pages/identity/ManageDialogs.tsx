import { useState, type ReactNode } from "react";
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Textarea,
} from "@fluentui/react-components";
import { toBackendError, type BackendError, type CertificateFile, type ObjectKind, type Properties } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ErrorBar } from "../../components/ErrorBar";
import { formatDateTime } from "../../format";

/** A dialog that runs one backend call on its primary button and closes when it succeeds. */
export function ActionDialog<T>({
  open,
  title,
  testId,
  action,
  disabled = false,
  onClose,
  onDone,
  run,
  children,
}: {
  open: boolean;
  title: string;
  testId: string;
  action: string;
  disabled?: boolean;
  onClose: () => void;
  onDone: (result: T) => void;
  run: () => Promise<T>;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await run());
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid={testId}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent className="form-grid">
            {children}
            {error && <ErrorBar error={error} />}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Cancel</Button>
            <Button appearance="primary" data-testid={`${testId}-ok`} disabled={busy || disabled} onClick={() => void go()}>
              {busy ? "Working…" : action}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Where a credential is added: the application, or the service principal itself. */
export type Owner = { kind: ObjectKind; id: string; displayName: string };

const LIFETIMES = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 180, label: "180 days (recommended)" },
  { days: 365, label: "12 months" },
  { days: 730, label: "24 months" },
];

export function SecretDialog({
  tenantId,
  owner,
  open,
  onClose,
  onDone,
}: {
  tenantId: string;
  owner: Owner;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const backend = useBackend();
  const [name, setName] = useState("");
  const [days, setDays] = useState(180);
  return (
    <ActionDialog
      open={open}
      title={`Add a client secret to ${owner.displayName}`}
      testId="secret-dialog"
      action="Add secret"
      disabled={name.trim() === ""}
      onClose={onClose}
      onDone={onDone}
      run={() => backend.addSecret(tenantId, owner.kind, owner.id, name.trim(), days)}
    >
      <Field label="What it is for" required hint="The name is all that tells secrets apart later.">
        <Input data-testid="secret-name" value={name} onChange={(_, d) => setName(d.value)} />
      </Field>
      <Field label="Expires after">
        <Dropdown
          data-testid="secret-lifetime"
          value={LIFETIMES.find((l) => l.days === days)?.label}
          selectedOptions={[String(days)]}
          onOptionSelect={(_, d) => d.optionValue && setDays(Number(d.optionValue))}
        >
          {LIFETIMES.map((l) => (
            <Option key={l.days} value={String(l.days)}>
              {l.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          Entra makes the value when the change is pushed with Connections → Push changes (a sync leaves new secrets
          for it). It is shown there once, to copy; Steward never stores it. Prefer a certificate or a federated credential where the
          workload allows it.
        </MessageBarBody>
      </MessageBar>
    </ActionDialog>
  );
}

export function CertificateDialog({
  tenantId,
  owner,
  open,
  onClose,
  onDone,
}: {
  tenantId: string;
  owner: Owner;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const backend = useBackend();
  const [file, setFile] = useState<CertificateFile | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  const choose = async () => {
    setChoosing(true);
    setError(null);
    try {
      const chosen = await backend.choosePublicCertificate();
      if (chosen) setFile(chosen);
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setChoosing(false);
    }
  };
  return (
    <ActionDialog
      open={open}
      title={`Add a certificate to ${owner.displayName}`}
      testId="certificate-dialog"
      action="Add certificate"
      disabled={file === null}
      onClose={onClose}
      onDone={onDone}
      run={() => backend.addCertificate(tenantId, owner.kind, owner.id, file?.path ?? "")}
    >
      <Caption1 className="secondary block">
        The certificate&apos;s public part only (.cer, .crt or .pem): the private key stays with the workload.
      </Caption1>
      <Button data-testid="certificate-choose" disabled={choosing} onClick={() => void choose()}>
        {file ? "Choose another file…" : "Choose certificate…"}
      </Button>
      {error && <ErrorBar error={error} />}
      {file && (
        <dl className="props" data-testid="certificate-preview">
          <dt>Subject</dt>
          <dd className="break">{file.certificate.subject}</dd>
          <dt>Issuer</dt>
          <dd className="break">{file.certificate.issuer}</dd>
          <dt>Thumbprint</dt>
          <dd className="mono break">{file.certificate.thumbprint}</dd>
          <dt>Valid</dt>
          <dd>
            {formatDateTime(file.certificate.notBefore)} – {formatDateTime(file.certificate.notAfter)}
          </dd>
        </dl>
      )}
    </ActionDialog>
  );
}

export function PropertiesDialog({
  tenantId,
  kind,
  id,
  current,
  open,
  onClose,
  onDone,
}: {
  tenantId: string;
  kind: ObjectKind;
  id: string;
  current: Properties;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const backend = useBackend();
  const [name, setName] = useState(current.displayName);
  const [notes, setNotes] = useState(current.notes ?? "");
  const [tags, setTags] = useState(current.tags.join(", "));
  const properties: Properties = {
    displayName: name,
    notes: kind === "application" && notes.trim() !== "" ? notes : null,
    tags: tags
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== ""),
  };
  return (
    <ActionDialog
      open={open}
      title={kind === "application" ? "Edit the app registration" : "Edit the service principal"}
      testId="properties-dialog"
      action="Save"
      onClose={onClose}
      onDone={onDone}
      run={() => backend.updateProperties(tenantId, kind, id, properties)}
    >
      <Field label="Name" required>
        <Input data-testid="properties-name" value={name} onChange={(_, d) => setName(d.value)} />
      </Field>
      {kind === "application" && (
        <Field label="Notes" hint="What the app is for and who owns it.">
          <Textarea value={notes} resize="vertical" onChange={(_, d) => setNotes(d.value)} />
        </Field>
      )}
      <Field label="Tags" hint="Separated by commas.">
        <Input data-testid="properties-tags" value={tags} onChange={(_, d) => setTags(d.value)} />
      </Field>
    </ActionDialog>
  );
}

/** Asks before a change that removes or stops something, saying what goes with it. */
export function ConfirmDialog<T>({
  open,
  title,
  testId,
  action,
  onClose,
  onDone,
  run,
  children,
}: {
  open: boolean;
  title: string;
  testId: string;
  action: string;
  onClose: () => void;
  onDone: (result: T) => void;
  run: () => Promise<T>;
  children: ReactNode;
}) {
  return (
    <ActionDialog open={open} title={title} testId={testId} action={action} onClose={onClose} onDone={onDone} run={run}>
      {children}
    </ActionDialog>
  );
}
