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
    // The request is the external system this effect follows: its start marks the answer stale.
    // eslint-disable-next-line react-hooks/set-state-in-effect
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

export type KeptState<T> = {
  /** The latest result, kept on screen while a newer one loads. */
  data: T | null;
  error: BackendError | null;
  loading: boolean;
  /** Counts the results received, so children can tell a new one from a re-render. */
  version: number;
  reload: () => void;
};

/**
 * Like `useAsync`, but keeps the last result while `fn` runs again (after an admin action or a new
 * setting), so a page does not blank out on every reload; results of superseded runs are discarded.
 */
export function useKeptAsync<T>(fn: () => Promise<T>, deps: DependencyList): KeptState<T> {
  const [state, setState] = useState<Omit<KeptState<T>, "reload">>({
    data: null,
    error: null,
    loading: true,
    version: 0,
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    // The request is the external system this effect follows: its start marks the answer stale.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => {
        if (!cancelled) setState((s) => ({ data, error: null, loading: false, version: s.version + 1 }));
      },
      (e: unknown) => {
        if (!cancelled) setState((s) => ({ ...s, error: toBackendError(e), loading: false }));
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  return { ...state, reload };
}
