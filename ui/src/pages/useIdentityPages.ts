import { useCallback, useEffect, useMemo, useState } from "react";
import { toBackendError, type Backend, type BackendError, type IdentityKind, type IdentityRow, type Ownership } from "../ipc/backend";

export const PAGE_SIZE = 200;

export type IdentityFilters = { search: string; kind: IdentityKind | null; ownership: Ownership | null };

/** Page cache for one query (tenant + filters). A new query gets a new cache; the old one is disposed. */
class PageCache {
  readonly pages = new Map<number, IdentityRow[]>();
  readonly inflight = new Set<number>();
  total: number | null = null;
  error: BackendError | null = null;
  disposed = false;
}

export type IdentityPages = {
  total: number | null;
  error: BackendError | null;
  /** Row at absolute index, or undefined while its page is not loaded yet. */
  getRow: (index: number) => IdentityRow | undefined;
  /** Makes sure the pages covering [first, last] are loaded (or loading). */
  ensureRange: (first: number, last: number) => void;
  retry: () => void;
};

// The page cache is a mutable store per query that this hook owns: callbacks fill it as pages
// arrive and `bump` re-renders the readers. The React Compiler's immutability rule does not model
// such a store, hence the two exemptions below.
export function useIdentityPages(backend: Backend, tenantId: string, filters: IdentityFilters): IdentityPages {
  const { search, kind, ownership } = filters;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const cache = useMemo(() => new PageCache(), [backend, tenantId, search, kind, ownership]);
  const [, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/immutability
    cache.disposed = false;
    return () => {
      // Responses for this query arriving later are discarded.
      cache.disposed = true;
    };
  }, [cache]);

  const fetchPage = useCallback(
    (page: number) => {
      if (cache.pages.has(page) || cache.inflight.has(page) || cache.error) return;
      if (cache.total !== null && page * PAGE_SIZE >= cache.total && page > 0) return;
      cache.inflight.add(page);
      backend
        .listIdentities(tenantId, { search, kind, ownership, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then(
          (result) => {
            cache.inflight.delete(page);
            if (cache.disposed) return;
            cache.pages.set(page, result.rows);
            cache.total = result.total;
            bump();
          },
          (e: unknown) => {
            cache.inflight.delete(page);
            if (cache.disposed) return;
            cache.error = toBackendError(e);
            bump();
          },
        );
    },
    [backend, tenantId, search, kind, ownership, cache, bump],
  );

  // First page tells us the total.
  useEffect(() => {
    if (cache.total === null) fetchPage(0);
  }, [cache, fetchPage]);

  const ensureRange = useCallback(
    (first: number, last: number) => {
      if (cache.total === null || last < first) return;
      const firstPage = Math.floor(Math.max(0, first) / PAGE_SIZE);
      const lastPage = Math.floor(Math.min(last, cache.total - 1) / PAGE_SIZE);
      for (let p = firstPage; p <= lastPage; p++) fetchPage(p);
    },
    [cache, fetchPage],
  );

  const getRow = useCallback(
    (index: number) => cache.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [cache],
  );

  const retry = useCallback(() => {
    // eslint-disable-next-line react-hooks/immutability
    cache.error = null;
    if (cache.total === null) fetchPage(0);
    bump();
  }, [cache, fetchPage, bump]);

  return { total: cache.total, error: cache.error, getRow, ensureRange, retry };
}
