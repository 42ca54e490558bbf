import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { observeElementRect, useVirtualizer, type Rect } from "@tanstack/react-virtual";
import { Skeleton, SkeletonItem } from "@fluentui/react-components";
import type { IdentityRow } from "../ipc/backend";
import { credentialSummary, formatDateTime, formatDateTimeShort, kindLabel, kindShortLabel, ownershipLabel } from "../format";

export const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 36;
/** Used when the scroll container reports no size (jsdom, or before first layout). */
const FALLBACK_RECT: Rect = { width: 1024, height: 720 };

const COLUMNS = ["Name", "Kind", "Ownership", "Enabled", "Credentials", "Last sign-in"] as const;

export type IdentityGridProps = {
  total: number;
  getRow: (index: number) => IdentityRow | undefined;
  ensureRange: (first: number, last: number) => void;
  selectedId: string | null;
  onOpen: (id: string) => void;
  /** Closes the open detail: Escape on a row does, as it does in the pane. */
  onClose?: () => void;
};

export function IdentityGrid({ total, getRow, ensureRange, selectedId, onOpen, onClose }: IdentityGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const pendingFocus = useRef<number | null>(null);

  // TanStack Virtual returns a mutable virtualizer the React Compiler cannot memoise; this
  // component is not compiled, which is what the grid needs.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    initialRect: FALLBACK_RECT,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT)),
  });

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    ensureRange(first, last);
  }, [first, last, ensureRange]);

  // Move DOM focus after keyboard navigation once the target row is rendered.
  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const clampedFocus = Math.min(focusIndex, Math.max(0, total - 1));

  const moveFocus = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    pendingFocus.current = next;
    setFocusIndex(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
  };

  const pageRows = Math.max(1, Math.floor(((scrollRef.current?.clientHeight || FALLBACK_RECT.height) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    const current = Number((e.target as HTMLElement).closest<HTMLElement>("[data-index]")?.dataset.index ?? clampedFocus);
    switch (e.key) {
      case "ArrowDown":
        moveFocus(current + 1);
        break;
      case "ArrowUp":
        moveFocus(current - 1);
        break;
      case "PageDown":
        moveFocus(current + pageRows);
        break;
      case "PageUp":
        moveFocus(current - pageRows);
        break;
      case "Home":
        moveFocus(0);
        break;
      case "End":
        moveFocus(total - 1);
        break;
      case "Enter":
      case " ": {
        const row = getRow(current);
        if (row) onOpen(row.id);
        break;
      }
      case "Escape":
        // Opening a row leaves the focus on it, so the detail it opened closes from here too.
        if (selectedId === null || !onClose) return;
        onClose();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      aria-label="Service principals"
      aria-rowcount={total + 1}
      aria-colcount={COLUMNS.length}
      data-testid="identity-grid"
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="grid-header">
        <div role="row" aria-rowindex={1} className="grid-row grid-header-row">
          {COLUMNS.map((c, i) => (
            <div role="columnheader" aria-colindex={i + 1} key={c} className="grid-cell">
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = getRow(item.index);
          const style = { transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT };
          const common = {
            role: "row",
            "aria-rowindex": item.index + 2,
            "data-index": item.index,
            tabIndex: item.index === clampedFocus ? 0 : -1,
            onFocus: () => setFocusIndex(item.index),
            style,
          } as const;
          if (!row) {
            return (
              <div key={item.key} {...common} className="grid-row grid-row-loading" data-testid="identity-row-placeholder" aria-busy>
                <div role="gridcell" className="grid-cell grid-cell-loading">
                  <Skeleton aria-label="Loading…" className="grid-skeleton">
                    <SkeletonItem size={16} />
                  </Skeleton>
                  <span className="visually-hidden">Loading…</span>
                </div>
              </div>
            );
          }
          const selected = row.id === selectedId;
          return (
            <div
              key={item.key}
              {...common}
              className={selected ? "grid-row grid-row-data grid-row-selected" : "grid-row grid-row-data"}
              data-testid="identity-row"
              data-id={row.id}
              aria-selected={selected}
              onClick={() => {
                setFocusIndex(item.index);
                onOpen(row.id);
              }}
            >
              <div role="gridcell" className="grid-cell grid-cell-name" data-testid="identity-row-name" title={row.displayName}>
                {row.displayName}
              </div>
              <div role="gridcell" className="grid-cell" title={kindLabel(row.kind)}>
                {kindShortLabel(row.kind)}
              </div>
              <div role="gridcell" className="grid-cell">
                {ownershipLabel(row.ownership)}
              </div>
              <div role="gridcell" className="grid-cell">
                {row.accountEnabled ? "Yes" : "No"}
              </div>
              <div role="gridcell" className="grid-cell">
                {credentialSummary(row)}
              </div>
              <div role="gridcell" className="grid-cell" title={formatDateTime(row.lastSignIn, "No sign-in in the cache")}>
                {formatDateTimeShort(row.lastSignIn, "Never")}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
