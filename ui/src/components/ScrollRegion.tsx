import type { ReactNode } from "react";

/**
 * A table that may be wider than its pane, in a box that scrolls sideways. The box is a named region in the
 * tab order: without a focusable cell to move to, a keyboard user could otherwise never scroll to the columns
 * it cuts off (WebKitGTK, unlike recent Chromium, does not make scrolling boxes focusable by itself).
 */
export function ScrollRegion({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `table-scroll ${className}` : "table-scroll"} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
