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

export function ErrorBar({
  error,
  onRetry,
  titles,
}: {
  error: BackendError;
  onRetry?: () => void;
  /** Titles that fit the caller better than the defaults (an import reads files rather than writing them). */
  titles?: Partial<Record<BackendError["kind"], string>>;
}) {
  return (
    <MessageBar intent="error" data-testid="error-bar" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{titles?.[error.kind] ?? TITLES[error.kind] ?? "Error"}</MessageBarTitle>
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
