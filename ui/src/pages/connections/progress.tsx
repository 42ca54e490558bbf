// A running sync's progress and an admin sign-in that waits, as the Connections page shows them.
import { useState, type ReactNode } from "react";
import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  ProgressBar,
} from "@fluentui/react-components";
import {
  Copy20Regular,
  Globe20Regular,
  KeyReset20Regular,
  Phone20Regular,
} from "@fluentui/react-icons";
import {
  type AdminSignInProgress,
  type BackendError,
  type SyncProgress,
} from "../../ipc/backend";
import { ErrorBar } from "../../components/ErrorBar";
import { formatNumber, plural } from "../../format";

const SIGN_OUT_TITLES: Partial<Record<BackendError["kind"], string>> = {
  io: "The admin sign-in could not be removed",
};

const ADMIN_SIGN_IN_TITLES: Partial<Record<BackendError["kind"], string>> = {
  invalidInput: "Admin sign-in failed",
  io: "Entra did not answer",
};

/** How the last admin sign-in for one tenant and client id (`key`) ended. */
export type AdminResult = { key: string; note: string } | { key: string; error: BackendError };

/** What the running sync is reading, how fast, and how long it has left where that is known. */
export function syncProgressText(p: SyncProgress): string {
  const items = p.total != null ? `${formatNumber(p.items)} of ${plural(p.total, "item")}` : plural(p.items, "item");
  const parts = [`Reading ${p.dataset}: ${items}`];
  if (p.perSec >= 1) parts.push(`${formatNumber(Math.round(p.perSec))}/s`);
  // The backend words the time left ("about 3 min left"), as the CLI's progress bar does.
  if (p.etaText) parts.push(p.etaText);
  return parts.join(" · ");
}

export function SyncProgressArea({
  progress,
  cancelling,
  onCancel,
  earlier = false,
}: {
  progress: SyncProgress | null;
  cancelling: boolean;
  onCancel: () => void;
  /** The sync was started before this page was opened. */
  earlier?: boolean;
}) {
  const reading = progress ? syncProgressText(progress) : "Signing in…";
  const text = earlier ? `A sync started earlier is still running. ${reading}` : reading;
  const share = progress?.total ? Math.min(1, progress.items / progress.total) : undefined;
  return (
    <div className="export-progress" data-testid="conn-progress">
      <ProgressBar thickness="large" value={share} aria-label="Sync progress" aria-valuetext={text} />
      <Caption1 className="secondary">{text}</Caption1>
      <div className="actions">
        <Button data-testid="conn-cancel" disabled={cancelling} onClick={onCancel}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </Button>
      </div>
    </div>
  );
}

export function AdminSignInArea({
  canStart,
  waiting,
  progress,
  signedIn,
  result,
  onSignIn,
  canSignOut,
  keptSecret,
  onSignOut,
  signOutError,
}: {
  /** The tenant and client id are given and nothing else runs. */
  canStart: boolean;
  waiting: "browser" | "deviceCode" | null;
  progress: AdminSignInProgress | null;
  signedIn: boolean;
  result: AdminResult | null;
  onSignIn: (deviceCode: boolean) => void;
  canSignOut: boolean;
  /** A client secret is kept for the app registration too (signing out forgets it as well). */
  keptSecret: boolean;
  onSignOut: () => void;
  signOutError: BackendError | null;
}) {
  return (
    <div className="connections-admin" data-testid="conn-admin">
      <Caption1 className="secondary" data-testid="conn-admin-hint">
        The client id must be that of a public client app registration (Authentication: allow public client flows, and
        the redirect URI http://localhost under Mobile and desktop applications) with delegated Microsoft Graph
        permissions for the datasets to read. Steward reads what both those permissions and the admin's roles allow.
      </Caption1>
      <div className="actions">
        <Button
          data-testid="conn-admin-browser"
          icon={<Globe20Regular />}
          disabled={!canStart}
          onClick={() => onSignIn(false)}
        >
          Sign in with browser
        </Button>
        <Button data-testid="conn-admin-device" icon={<Phone20Regular />} disabled={!canStart} onClick={() => onSignIn(true)}>
          Use a device code
        </Button>
      </div>
      {waiting !== null && <AdminSignInProgressArea waiting={waiting} progress={progress} />}
      {result && "note" in result && (
        <MessageBar intent="success" layout="multiline" data-testid="conn-admin-note">
          <MessageBarBody>{result.note}</MessageBarBody>
        </MessageBar>
      )}
      {result && "error" in result && <ErrorBar error={result.error} titles={ADMIN_SIGN_IN_TITLES} />}
      {signedIn ? (
        <div className="connections-secret-status">
          <Caption1 className="secondary" data-testid="conn-admin-status">
            An admin is signed in for this app registration: Test connection and Sync now use that sign-in.
          </Caption1>
          {canSignOut && (
            <Button
              appearance="subtle"
              size="small"
              data-testid="conn-admin-sign-out"
              icon={<KeyReset20Regular />}
              onClick={onSignOut}
            >
              {keptSecret ? "Sign out and forget the kept secret" : "Sign out"}
            </Button>
          )}
        </div>
      ) : (
        waiting === null && (
          <Caption1 className="secondary">No admin is signed in for this app registration: sign in first.</Caption1>
        )
      )}
      {signOutError && <ErrorBar error={signOutError} titles={SIGN_OUT_TITLES} />}
    </div>
  );
}

function AdminSignInProgressArea({
  waiting,
  progress,
}: {
  waiting: "browser" | "deviceCode";
  /** `null` until the backend says where to sign in. */
  progress: AdminSignInProgress | null;
}) {
  const [copy, setCopy] = useState<"copied" | "failed" | null>(null);
  const code = progress?.method === "deviceCode" ? progress.userCode : null;
  // A new code has not been copied yet.
  const [codeShown, setCodeShown] = useState(code);
  if (code !== codeShown) {
    setCodeShown(code);
    setCopy(null);
  }

  const copyCode = async () => {
    if (code === null) return;
    try {
      await navigator.clipboard.writeText(code);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  };

  let text: ReactNode;
  if (progress === null) {
    text = waiting === "browser" ? "Opening Entra's sign-in page in your browser…" : "Asking Entra for a device code…";
  } else if (progress.method === "deviceCode") {
    text = (
      <>
        Open <span className="mono connections-url">{progress.url}</span> on any device and enter the code{" "}
        <strong className="mono" data-testid="conn-admin-code">
          {progress.userCode}
        </strong>
      </>
    );
  } else {
    text = (
      <>
        Your browser opened Entra's sign-in page. If it did not, open:{" "}
        <span className="mono connections-url" data-testid="conn-admin-url">
          {progress.url}
        </span>
      </>
    );
  }
  return (
    <div className="export-progress" data-testid="conn-admin-progress">
      <ProgressBar thickness="medium" aria-label="Waiting for the admin sign-in" />
      <Body1>{text}</Body1>
      {code !== null && (
        <div className="actions">
          <Button size="small" data-testid="conn-admin-copy" icon={<Copy20Regular />} onClick={() => void copyCode()}>
            {copy === "copied" ? "Copied" : "Copy code"}
          </Button>
          {copy === "failed" && (
            <Caption1 className="secondary">Could not copy: select the code and copy it.</Caption1>
          )}
        </div>
      )}
      <Caption1 className="secondary">Steward waits up to 5 minutes for the sign-in.</Caption1>
    </div>
  );
}

