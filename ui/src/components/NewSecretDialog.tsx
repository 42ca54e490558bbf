import { useState } from "react";
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
} from "@fluentui/react-components";
import { Copy20Regular } from "@fluentui/react-icons";
import type { NewSecretView } from "../ipc/backend";
import { formatDateTime } from "../format";

/**
 * The client secrets a push just made, each value shown this once with a copy button. Closing the dialog forgets
 * them: Graph never shows a secret again, and Steward keeps it nowhere.
 */
export function NewSecretDialog({ secrets, onClose }: { secrets: NewSecretView[]; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (s: NewSecretView) => {
    try {
      await navigator.clipboard.writeText(s.secretText);
      setCopied(s.keyId);
    } catch {
      setCopied(null);
    }
  };
  return (
    <Dialog open={secrets.length > 0} modalType="alert" onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface data-testid="new-secret-dialog" aria-describedby="new-secret-intro">
        <DialogBody>
          <DialogTitle>{secrets.length === 1 ? "New client secret" : `${secrets.length} new client secrets`}</DialogTitle>
          <DialogContent>
            <MessageBar intent="warning" layout="multiline" id="new-secret-intro">
              <MessageBarBody>
                Copy the value now and put it where the workload reads it (a key vault, a pipeline secret). Graph never
                shows it again, and Steward keeps it nowhere: once this dialog closes it is gone.
              </MessageBarBody>
            </MessageBar>
            {secrets.map((s) => (
              <div key={s.keyId} className="new-secret" data-testid="new-secret">
                <Field
                  label={`${s.displayName ?? "Secret"} — ${s.ownerDisplayName}`}
                  hint={`Key ID ${s.keyId}${s.endDateTime ? ` · expires ${formatDateTime(s.endDateTime)}` : ""}`}
                >
                  <div className="new-secret-value">
                    <Input
                      readOnly
                      value={s.secretText}
                      className="mono"
                      data-testid="new-secret-value"
                      aria-label={`Value of ${s.displayName ?? "the secret"}`}
                      onFocus={(e) => e.currentTarget.select()}
                    />
                    <Button icon={<Copy20Regular />} data-testid="new-secret-copy" onClick={() => void copy(s)}>
                      {copied === s.keyId ? "Copied" : "Copy"}
                    </Button>
                  </div>
                </Field>
              </div>
            ))}
            <Caption1 className="secondary block">
              Rotating? Once the workload uses the new secret — its key ID appears in the cached sign-ins after the next
              sync — remove the old one from the identity&apos;s Credentials.
            </Caption1>
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" data-testid="new-secret-done" onClick={onClose}>
              I have copied it
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
