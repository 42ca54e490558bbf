import { useEffect, useRef, useState } from "react";
import {
  Body1,
  Body1Strong,
  Button,
  Caption1,
  Dialog,
  type DialogProps,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  ProgressBar,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  useId,
} from "@fluentui/react-components";
import { Dismiss16Regular, DocumentMultiple20Regular, Folder20Regular } from "@fluentui/react-icons";
import { toBackendError, type BackendError, type ImportProgress, type ImportResult } from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { ErrorBar } from "./ErrorBar";
import { formatNumber, formatTimeLeft } from "../format";

/**
 * `listed` with the `chosen` paths it does not hold yet appended, in the order chosen. The paths stay exactly
 * as the dialog returned them (not even trimmed): the backend reads only those.
 */
export function addImportPaths(listed: readonly string[], chosen: readonly string[]): string[] {
  const paths = [...listed];
  for (const p of chosen) if (p !== "" && !paths.includes(p)) paths.push(p);
  return paths;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

const ERROR_TITLES: Partial<Record<BackendError["kind"], string>> = { io: "Could not read the file" };

/** How often the dialog asks how far a running import's sign-in archives have come. */
export const IMPORT_POLL_MS = 300;

export function ImportDialog({
  open,
  onClose,
  onImported,
  onStopped,
  surfaceMotion,
}: {
  open: boolean;
  onClose: () => void;
  /** The dialog's closing motion, through which the opener gets the focus back (`focusBackAfterClose`). */
  surfaceMotion?: DialogProps["surfaceMotion"];
  /** Called after a successful import, so the app can refresh its tenants and show the imported one. */
  onImported: (result: ImportResult) => void | Promise<void>;
  /**
   * Called when an import that streamed sign-in archives stops without finishing (cancelled or refused).
   * Directory data is all or nothing, but an archive commits in chunks, so what was kept before the stop is in
   * the cache: the app reloads.
   */
  onStopped: () => void;
}) {
  const backend = useBackend();
  // Only paths the native dialogs returned: the backend reads no other file, so there is no field to type one.
  const [paths, setPaths] = useState<string[]>([]);
  const [tenant, setTenant] = useState("");
  const [running, setRunning] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const pathsLabel = useId("import-paths-label");
  // Whether the running import streamed sign-in archives: only they commit before the end.
  const streamed = useRef(false);

  // While an import runs, its streamed archives report how far they are (none for Graph JSON alone).
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const poll = () => {
      backend.importProgress().then(
        (p) => {
          if (stopped) return;
          setProgress(p);
          if (p) streamed.current = true;
        },
        () => {
          // A missed reading is not worth an error: the next poll tries again.
        },
      );
    };
    poll();
    const timer = setInterval(poll, IMPORT_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      setProgress(null);
      setCancelling(false);
    };
  }, [running, backend]);

  const cancel = async () => {
    setCancelling(true);
    try {
      await backend.cancelImport();
    } catch (e) {
      setError(toBackendError(e));
    }
  };

  const choose = async (folder: boolean) => {
    setChoosing(true);
    try {
      const chosen = await backend.chooseImportPaths(folder);
      if (chosen && chosen.length > 0) setPaths((listed) => addImportPaths(listed, chosen));
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setChoosing(false);
    }
  };

  const run = async () => {
    if (paths.length === 0 || running) return;
    setRunning(true);
    setError(null);
    setResult(null);
    streamed.current = false;
    let imported: ImportResult;
    try {
      imported = await backend.importGraphFiles(paths, tenant.trim() === "" ? null : tenant.trim());
    } catch (e) {
      setError(toBackendError(e));
      setRunning(false);
      if (streamed.current) onStopped();
      return;
    }
    setResult(imported);
    try {
      // The spinner stays until the app shows the imported tenant.
      await onImported(imported);
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setRunning(false);
    }
  };

  const close = () => {
    if (running) return;
    // After an import the next one starts afresh; after a failure the paths stay for another try.
    if (result) {
      setPaths([]);
      setTenant("");
    }
    setResult(null);
    setError(null);
    onClose();
  };

  return (
    <Dialog
      open={open}
      surfaceMotion={surfaceMotion}
      onOpenChange={(_, d) => {
        if (!d.open) close();
      }}
    >
      <DialogSurface aria-describedby="import-intro" data-testid="import-dialog">
        <DialogBody>
          <DialogTitle>Import Graph JSON</DialogTitle>
          <DialogContent className="dialog-text import-dialog">
            <Body1 id="import-intro" className="block">
              Import Microsoft Graph JSON you exported — Graph API responses, <code>az ad sp list --all</code> output,
              Graph PowerShell <code>ConvertTo-Json</code> files or a Zero Trust Assessment <code>zt-export</code> folder —
              into Steward's local cache. Files Steward does not use are skipped and listed. The import is all or nothing:
              if any file it uses cannot be read, nothing is imported.
            </Body1>
            <div className="import-paths" data-testid="import-paths">
              <Body1Strong id={pathsLabel}>Files and folders</Body1Strong>
              {paths.length === 0 ? (
                <Caption1 className="secondary block" data-testid="import-paths-empty">
                  Choose the files or a folder: Steward reads only what you choose here.
                </Caption1>
              ) : (
                <div className="import-paths-scroll">
                  <Table size="extra-small" aria-labelledby={pathsLabel} className="import-paths-table">
                    <TableBody>
                      {paths.map((p) => (
                        <TableRow key={p} data-testid="import-path">
                          <TableCell className="mono break">{p}</TableCell>
                          <TableCell className="import-path-remove">
                            <Button
                              appearance="subtle"
                              size="small"
                              data-testid="import-path-remove"
                              icon={<Dismiss16Regular />}
                              aria-label={`Remove ${p}`}
                              title="Remove from the import"
                              disabled={running}
                              onClick={() => setPaths((listed) => listed.filter((x) => x !== p))}
                            />
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
            </div>
            <div className="import-choose">
              <Button
                data-testid="import-choose-files"
                icon={<DocumentMultiple20Regular />}
                disabled={running || choosing}
                onClick={() => void choose(false)}
              >
                Choose files…
              </Button>
              <Button
                data-testid="import-choose-folder"
                icon={<Folder20Regular />}
                disabled={running || choosing}
                onClick={() => void choose(true)}
              >
                Choose folder…
              </Button>
            </div>
            <Field label="Tenant id" hint="Needed only when no organization export (GET /v1.0/organization) is included.">
              <Input
                data-testid="import-tenant"
                value={tenant}
                onChange={(_, d) => setTenant(d.value)}
                disabled={running}
                spellCheck={false}
              />
            </Field>
            {error && <ErrorBar error={error} titles={ERROR_TITLES} />}
            {running && progress && (
              <Field
                data-testid="import-progress"
                validationState="none"
                validationMessage={progressText(progress)}
                label="Streaming the sign-in archives"
              >
                <ProgressBar value={progress.fraction} max={1} />
              </Field>
            )}
            {result && <ImportSummary result={result} />}
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              data-testid="import-run"
              disabled={paths.length === 0 || running}
              icon={running ? <Spinner size="tiny" aria-label="Importing" /> : undefined}
              onClick={() => void run()}
            >
              Import
            </Button>
            {running && progress && (
              <Button data-testid="import-cancel" disabled={cancelling} onClick={() => void cancel()}>
                {cancelling ? "Stopping…" : "Stop import"}
              </Button>
            )}
            <Button data-testid="import-close" disabled={running} onClick={close}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** "Archive 2 of 3: 120,000 sign-ins at 8,000 a second, about 2 min left". */
export function progressText(p: ImportProgress): string {
  const file = Math.min(p.filesDone + 1, p.files);
  const left = p.secondsLeft === null ? "" : `, ${formatTimeLeft(p.secondsLeft)} left`;
  return `Archive ${file} of ${p.files}: ${formatNumber(p.records)} sign-ins at ${formatNumber(p.recordsPerSecond)} a second${left}`;
}

function ImportSummary({ result }: { result: ImportResult }) {
  return (
    <MessageBar intent="success" data-testid="import-done" layout="multiline">
      <MessageBarBody className="import-summary">
        <MessageBarTitle>
          Imported {plural(result.files, "file", "files")} into {result.tenantName} ({result.tenantId})
        </MessageBarTitle>
        {result.datasets.length > 0 && (
          <Table size="extra-small" aria-label="Imported datasets" className="import-datasets">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Dataset</TableHeaderCell>
                <TableHeaderCell>Items</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {result.datasets.map((d) => (
                <TableRow key={d.dataset} data-testid="import-dataset">
                  <TableCell>{d.dataset}</TableCell>
                  <TableCell>{d.items.toLocaleString("en-US")}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <div data-testid="import-sign-ins">{plural(result.newSignIns, "new sign-in", "new sign-ins")}</div>
        {result.emptyFiles.length > 0 && (
          <div data-testid="import-empty">
            Empty files, nothing to import:
            <ul className="plain-list">
              {result.emptyFiles.map((f) => (
                <li key={f} className="break">
                  {f}
                </li>
              ))}
            </ul>
          </div>
        )}
        {result.skipped.length > 0 && (
          <div data-testid="import-skipped">
            Skipped, by folder:
            <ul className="plain-list">
              {result.skipped.map((s) => (
                <li key={`${s.folder}\n${s.reason}`} className="break" data-testid="import-skipped-item">
                  <strong>{s.folder}</strong>: {s.files === 1 ? s.example : `${s.files} files, such as ${s.example}`} —{" "}
                  {s.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
