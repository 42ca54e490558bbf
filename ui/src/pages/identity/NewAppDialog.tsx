import { useState } from "react";
import { Caption1, Dropdown, Field, Input, Option, Textarea } from "@fluentui/react-components";
import type { OutboxItem } from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ConfirmDialog } from "./ManageDialogs";

const AUDIENCES = [
  { value: "AzureADMyOrg", label: "This tenant only (single tenant)" },
  { value: "AzureADMultipleOrgs", label: "Any Microsoft Entra tenant (multitenant)" },
  { value: "AzureADandPersonalMicrosoftAccount", label: "Any Entra tenant and personal Microsoft accounts" },
  { value: "PersonalMicrosoftAccount", label: "Personal Microsoft accounts only" },
];

/** Registers a new app with its service principal; queued like every change, shown in the cache at once. */
export function NewAppDialog({
  tenantId,
  open,
  onClose,
  onCreated,
}: {
  tenantId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (item: OutboxItem) => void;
}) {
  const backend = useBackend();
  const [name, setName] = useState("");
  const [audience, setAudience] = useState("AzureADMyOrg");
  const [notes, setNotes] = useState("");
  return (
    <ConfirmDialog
      open={open}
      title="New app registration"
      testId="new-app-dialog"
      action="Register"
      onClose={onClose}
      onDone={onCreated}
      run={() => backend.createApplication(tenantId, name, audience, notes.trim() === "" ? null : notes)}
    >
      <Caption1 className="secondary block">
        Steward registers the app and its service principal in the cache now, and in Entra with the next push. Add its
        credentials (a federated credential, a certificate or a secret) from its detail.
      </Caption1>
      <Field label="Name" required>
        <Input data-testid="new-app-name" value={name} onChange={(_, d) => setName(d.value)} />
      </Field>
      <Field label="Who may sign in">
        <Dropdown
          data-testid="new-app-audience"
          value={AUDIENCES.find((a) => a.value === audience)?.label}
          selectedOptions={[audience]}
          onOptionSelect={(_, d) => d.optionValue && setAudience(d.optionValue)}
        >
          {AUDIENCES.map((a) => (
            <Option key={a.value} value={a.value}>
              {a.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Notes" hint="What the app is for and who owns it.">
        <Textarea value={notes} resize="vertical" onChange={(_, d) => setNotes(d.value)} />
      </Field>
    </ConfirmDialog>
  );
}
