// Keyboard focus around the detail panes: Escape closes a pane, and closing one puts the focus back on what
// opened it instead of leaving it on the document's body (where a keyboard user would start over from the top).
import { useEffect, useEffectEvent, useMemo, useRef, type KeyboardEvent, type RefObject } from "react";

/**
 * The first element under `root` that matches `selector` and whose `attr` is `value`. Compared as strings, not
 * put in the selector: ids come from the tenant's data and may hold anything.
 */
export function elementWith(root: ParentNode | null, selector: string, attr: string, value: string): HTMLElement | null {
  if (!root) return null;
  for (const el of root.querySelectorAll<HTMLElement>(selector)) if (el.getAttribute(attr) === value) return el;
  return null;
}

/**
 * Returns the focus to what opened a detail pane when the pane closes. `openKey` names what the pane shows
 * (`null` while it is closed); `findOpener` finds the row or link that opens that item, when it is still on
 * screen; otherwise the focus goes to the page's heading (`headingId`). Only a focus that went down with the
 * pane moves: one the user put elsewhere (a click on another control) stays. A pane that opens over its list (a
 * narrow window) takes the focus from the row it hid.
 */
export function useReturnFocus(
  openKey: string | null,
  findOpener: (key: string) => HTMLElement | null | undefined,
  headingId: string,
) {
  const shown = useRef(openKey);
  const restore = useEffectEvent((closed: string) => {
    const active = document.activeElement;
    if (active && active !== document.body) return;
    (findOpener(closed) ?? document.getElementById(headingId))?.focus();
  });
  // In a narrow window the pane covers the list and hides it (styles.css): the focus, left on the hidden row,
  // goes to the pane's first button (its Close) so the keyboard stays where the eyes are.
  const enter = useEffectEvent(() => {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || getComputedStyle(active).visibility !== "hidden") return;
    const pane = document.getElementById(headingId)?.closest("section")?.querySelector<HTMLElement>("aside.detail");
    pane?.querySelector<HTMLElement>("button")?.focus();
  });
  useEffect(() => {
    const closed = shown.current;
    shown.current = openKey;
    if (closed !== null && openKey === null) restore(closed);
    else if (openKey !== null) enter();
  }, [openKey]);
}

/**
 * A detail pane's key handler: Escape closes it. Keys a dialog or popover of the pane already acted on
 * (default prevented) are left alone, and so are those from portals: React passes their events up through
 * the pane although they are not in it on screen.
 */
export function closeOnEscape(onClose: () => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    if (!(e.target instanceof Node) || !e.currentTarget.contains(e.target)) return;
    e.preventDefault();
    onClose();
  };
}

/**
 * The `surfaceMotion` of a Dialog opened without a DialogTrigger (whose opener carries Fluent's
 * `useRestoreFocusTarget`): once the dialog has closed, the focus goes back to `opener` if it was left on the body.
 * Fluent's restorer does that only for keyboard users, so a dialog closed with the mouse left the focus nowhere.
 * The surface unmounts a render after its closing motion ends: this looks for a few frames, and stops at once
 * when the focus is somewhere else than the body or a dialog (the restorer or the user put it there).
 */
export function useFocusBackAfterClose(opener: RefObject<HTMLElement | null>) {
  return useMemo(
    () => ({
      onMotionFinish: (_: null, data: { direction: "enter" | "exit" }) => {
        if (data.direction !== "exit") return;
        let frames = 0;
        const look = () => {
          const active = document.activeElement;
          if (!active || active === document.body) {
            opener.current?.focus();
          } else if (active.closest("[role='dialog'], [role='alertdialog']") && ++frames < 60) {
            requestAnimationFrame(look);
          }
        };
        requestAnimationFrame(look);
      },
    }),
    [opener],
  );
}
