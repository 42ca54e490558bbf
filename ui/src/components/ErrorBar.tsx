import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { BackendError } from "../ipc/backend";

const TITLES: Record<BackendError["kind"], string> = {
  notFound: "Not found",
  invalidInput: "Invalid input",
  database: "Database problem",
  internal: "Something went wrong",
  io: "Could not write the file",
  cancelled: "Cancelled",
};

export function ErrorBar({ error, onRetry }: { error: BackendError; onRetry?: () => void }) {
  return (
    <MessageBar intent="error" data-testid="error-bar" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{TITLES[error.kind] ?? "Error"}</MessageBarTitle>
        {error.message}
      </MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button size="small" onClick={onRetry}>
            Retry
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
