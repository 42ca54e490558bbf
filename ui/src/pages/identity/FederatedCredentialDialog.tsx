import { useEffect, useState } from "react";
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
  Radio,
  RadioGroup,
  Textarea,
} from "@fluentui/react-components";
import {
  toBackendError,
  type BackendError,
  type FederatedCredentialForm,
  type FederatedCredentialPreview,
  type FederatedCredentialView,
  type Template,
} from "../../ipc/backend";
import { useBackend } from "../../ipc/context";
import { ErrorBar } from "../../components/ErrorBar";

type TemplateName = Template["template"];

const TEMPLATES: { name: TemplateName; label: string }[] = [
  { name: "gitHubActions", label: "GitHub Actions" },
  { name: "kubernetes", label: "Kubernetes (AKS or any OIDC cluster)" },
  { name: "gitLab", label: "GitLab" },
  { name: "terraformCloud", label: "HCP Terraform" },
  { name: "other", label: "Other issuer" },
];

type GitHubKind = "branch" | "tag" | "environment" | "pullRequest";

/** Every field any template asks for; the template in use reads its own. */
type Words = {
  repository: string;
  githubKind: GitHubKind;
  githubValue: string;
  issuer: string;
  namespace: string;
  serviceAccount: string;
  projectPath: string;
  gitlabRefType: "branch" | "tag";
  gitRef: string;
  organization: string;
  project: string;
  workspace: string;
  runPhase: "plan" | "apply";
  subject: string;
};

const EMPTY: Words = {
  repository: "",
  githubKind: "branch",
  githubValue: "",
  issuer: "",
  namespace: "",
  serviceAccount: "",
  projectPath: "",
  gitlabRefType: "branch",
  gitRef: "",
  organization: "",
  project: "",
  workspace: "",
  runPhase: "plan",
  subject: "",
};

function template(name: TemplateName, w: Words): Template {
  switch (name) {
    case "gitHubActions":
      return {
        template: "gitHubActions",
        repository: w.repository,
        entity: w.githubKind === "pullRequest" ? { kind: "pullRequest" } : { kind: w.githubKind, value: w.githubValue },
      };
    case "kubernetes":
      return { template: "kubernetes", issuer: w.issuer, namespace: w.namespace, serviceAccount: w.serviceAccount };
    case "gitLab":
      return { template: "gitLab", issuer: w.issuer, projectPath: w.projectPath, refType: w.gitlabRefType, gitRef: w.gitRef };
    case "terraformCloud":
      return {
        template: "terraformCloud",
        issuer: w.issuer,
        organization: w.organization,
        project: w.project,
        workspace: w.workspace,
        runPhase: w.runPhase,
      };
    case "other":
      return { template: "other", issuer: w.issuer, subject: w.subject };
  }
}

export type FederatedCredentialDialogProps = {
  tenantId: string;
  applicationId: string;
  /** The credential an edit changes; `null` adds one. */
  editing: FederatedCredentialView | null;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
};

/**
 * Adds (or edits) a federated credential from a template: the admin's words become the issuer and subject, shown
 * live with every rule Entra would refuse, each with its fix, before anything is saved.
 */
export function FederatedCredentialDialog({ tenantId, applicationId, editing, open, onClose, onSaved }: FederatedCredentialDialogProps) {
  const backend = useBackend();
  const [name, setName] = useState(editing?.name ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [templateName, setTemplateName] = useState<TemplateName>(editing ? "other" : "gitHubActions");
  const [words, setWords] = useState<Words>(
    editing ? { ...EMPTY, issuer: editing.issuer, subject: editing.subject ?? "" } : EMPTY,
  );
  const [preview, setPreview] = useState<FederatedCredentialPreview | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);

  const form: FederatedCredentialForm = {
    name: name.trim(),
    description: description.trim() === "" ? null : description.trim(),
    template: template(templateName, words),
  };
  const formKey = JSON.stringify(form);

  // The preview follows the form: the backend builds issuer and subject and checks Entra's rules.
  useEffect(() => {
    if (!open) return;
    let stale = false;
    backend.previewFederatedCredential(tenantId, applicationId, JSON.parse(formKey), editing?.name ?? null).then(
      (p) => !stale && setPreview(p),
      (e: unknown) => !stale && setError(toBackendError(e)),
    );
    return () => {
      stale = true;
    };
  }, [backend, tenantId, applicationId, formKey, editing?.name, open]);

  const set = (k: keyof Words) => (_: unknown, d: { value: string }) => setWords((w) => ({ ...w, [k]: d.value }));
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await backend.saveFederatedCredential(tenantId, applicationId, form, editing !== null);
      onSaved();
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setSaving(false);
    }
  };
  const problems = preview?.problems ?? [];
  const ready = preview !== null && problems.length === 0 && !saving;

  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid="fic-dialog" aria-describedby="fic-intro">
        <DialogBody>
          <DialogTitle>{editing ? `Edit federated credential ${editing.name}` : "Add a federated credential"}</DialogTitle>
          <DialogContent className="form-grid">
            <Caption1 id="fic-intro" className="secondary block">
              A federated credential lets a workload outside Azure sign in as this app with its own platform&apos;s token:
              no secret to leak or rotate. It is queued, and reaches Entra with the next push.
            </Caption1>
            <Field label="Name" required hint="3–120 letters, digits, '-', '_', '.' or '~'; it cannot change later.">
              <Input data-testid="fic-name" value={name} disabled={editing !== null} onChange={(_, d) => setName(d.value)} />
            </Field>
            {!editing && (
              <Field label="Where the workload runs">
                <Dropdown
                  data-testid="fic-template"
                  value={TEMPLATES.find((t) => t.name === templateName)?.label}
                  selectedOptions={[templateName]}
                  onOptionSelect={(_, d) => d.optionValue && setTemplateName(d.optionValue as TemplateName)}
                >
                  {TEMPLATES.map((t) => (
                    <Option key={t.name} value={t.name}>
                      {t.label}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            )}
            {templateName === "gitHubActions" && (
              <>
                <Field label="Repository" hint="OWNER/REPO, as GitHub shows it">
                  <Input
                    data-testid="fic-repository"
                    value={words.repository}
                    placeholder="contoso/payments-api"
                    onChange={set("repository")}
                  />
                </Field>
                <Field label="Runs for">
                  <RadioGroup
                    layout="horizontal"
                    value={words.githubKind}
                    onChange={(_, d) => setWords((w) => ({ ...w, githubKind: d.value as GitHubKind }))}
                  >
                    <Radio value="branch" label="Branch" />
                    <Radio value="tag" label="Tag" />
                    <Radio value="environment" label="Environment" />
                    <Radio value="pullRequest" label="Pull requests" />
                  </RadioGroup>
                </Field>
                {words.githubKind !== "pullRequest" && (
                  <Field label={words.githubKind === "branch" ? "Branch" : words.githubKind === "tag" ? "Tag" : "Environment"}>
                    <Input data-testid="fic-github-value" value={words.githubValue} onChange={set("githubValue")} />
                  </Field>
                )}
              </>
            )}
            {templateName === "kubernetes" && (
              <>
                <Field label="Cluster OIDC issuer URL" hint="az aks show --query oidcIssuerProfile.issuerUrl">
                  <Input data-testid="fic-issuer" value={words.issuer} onChange={set("issuer")} />
                </Field>
                <Field label="Namespace">
                  <Input data-testid="fic-namespace" value={words.namespace} onChange={set("namespace")} />
                </Field>
                <Field label="Service account">
                  <Input data-testid="fic-service-account" value={words.serviceAccount} onChange={set("serviceAccount")} />
                </Field>
              </>
            )}
            {templateName === "gitLab" && (
              <>
                <Field label="Project path" hint="GROUP/PROJECT">
                  <Input data-testid="fic-project-path" value={words.projectPath} onChange={set("projectPath")} />
                </Field>
                <Field label="Runs for">
                  <RadioGroup
                    layout="horizontal"
                    value={words.gitlabRefType}
                    onChange={(_, d) => setWords((w) => ({ ...w, gitlabRefType: d.value as "branch" | "tag" }))}
                  >
                    <Radio value="branch" label="Branch" />
                    <Radio value="tag" label="Tag" />
                  </RadioGroup>
                </Field>
                <Field label={words.gitlabRefType === "branch" ? "Branch" : "Tag"}>
                  <Input data-testid="fic-git-ref" value={words.gitRef} onChange={set("gitRef")} />
                </Field>
                <Field label="Issuer" hint="Leave empty for GitLab.com; a self-managed GitLab's address otherwise">
                  <Input data-testid="fic-issuer" value={words.issuer} onChange={set("issuer")} />
                </Field>
              </>
            )}
            {templateName === "terraformCloud" && (
              <>
                <Field label="Organization">
                  <Input data-testid="fic-organization" value={words.organization} onChange={set("organization")} />
                </Field>
                <Field label="Project">
                  <Input data-testid="fic-project" value={words.project} onChange={set("project")} />
                </Field>
                <Field label="Workspace">
                  <Input data-testid="fic-workspace" value={words.workspace} onChange={set("workspace")} />
                </Field>
                <Field label="Run phase">
                  <RadioGroup
                    layout="horizontal"
                    value={words.runPhase}
                    onChange={(_, d) => setWords((w) => ({ ...w, runPhase: d.value as "plan" | "apply" }))}
                  >
                    <Radio value="plan" label="Plan" />
                    <Radio value="apply" label="Apply" />
                  </RadioGroup>
                </Field>
                <Field label="Issuer" hint="Leave empty for HCP Terraform (app.terraform.io)">
                  <Input data-testid="fic-issuer" value={words.issuer} onChange={set("issuer")} />
                </Field>
              </>
            )}
            {templateName === "other" && (
              <>
                <Field label="Issuer" hint="Exactly as the identity provider's tokens carry it in `iss`">
                  <Input data-testid="fic-issuer" value={words.issuer} onChange={set("issuer")} />
                </Field>
                <Field label="Subject" hint="Exactly as the tokens carry it in `sub`">
                  <Input data-testid="fic-subject" value={words.subject} onChange={set("subject")} />
                </Field>
              </>
            )}
            <Field label="Description">
              <Textarea value={description} resize="vertical" onChange={(_, d) => setDescription(d.value)} />
            </Field>
            <dl className="props" data-testid="fic-preview">
              <dt>Issuer</dt>
              <dd className="mono break" data-testid="fic-preview-issuer">
                {preview?.issuer ?? "—"}
              </dd>
              <dt>Subject</dt>
              <dd className="mono break" data-testid="fic-preview-subject">
                {preview?.subject ?? "—"}
              </dd>
              <dt>Audience</dt>
              <dd className="mono">{preview?.audience ?? "—"}</dd>
            </dl>
            {problems.length > 0 && (
              <MessageBar intent="warning" layout="multiline" data-testid="fic-problems">
                <MessageBarBody>
                  <ul className="plain-list">
                    {problems.map((p, i) => (
                      <li key={i}>{p}</li>
                    ))}
                  </ul>
                </MessageBarBody>
              </MessageBar>
            )}
            {error && <ErrorBar error={error} />}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Cancel</Button>
            <Button appearance="primary" data-testid="fic-save" disabled={!ready} onClick={() => void save()}>
              {saving ? "Saving…" : editing ? "Save changes" : "Add"}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
