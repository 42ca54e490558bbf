import { useCallback, useEffect, useState, type DependencyList } from "react";
import { toBackendError, type BackendError } from "./ipc/backend";

export type AsyncState<T> =
  | { status: "loading" }
  | { status: "ok"; data: T }
  | { status: "error"; error: BackendError };

/** Runs `fn` whenever `deps` change; results of superseded runs are discarded. */
export function useAsync<T>(fn: () => Promise<T>, deps: DependencyList): [AsyncState<T>, () => void] {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setState({ status: "loading" });
    fn().then(
      (data) => {
        if (!cancelled) setState({ status: "ok", data });
      },
      (e: unknown) => {
        if (!cancelled) setState({ status: "error", error: toBackendError(e) });
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return [state, retry];
}
