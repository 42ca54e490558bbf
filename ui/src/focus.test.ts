import { afterEach, describe, expect, it } from "vitest";
import { renderHook, waitFor } from "@testing-library/react";
import { useFocusBackAfterClose } from "./focus";

function motion(ref: { current: HTMLElement | null }) {
  return renderHook(() => useFocusBackAfterClose(ref)).result.current;
}

describe("useFocusBackAfterClose", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  function setUp() {
    document.body.innerHTML = `<button id="opener">Import…</button><div role="dialog"><button id="close">Close</button></div><button id="other">Other</button>`;
    const opener = document.getElementById("opener") as HTMLButtonElement;
    return { ref: { current: opener }, opener };
  }

  it("puts the focus back on the opener once the closed dialog is gone and left it on the body", async () => {
    const { ref, opener } = setUp();
    document.getElementById("close")!.focus();
    motion(ref).onMotionFinish(null, { direction: "exit" });
    // The surface unmounts a render later, taking the focus with it.
    document.querySelector("[role='dialog']")!.remove();
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it("leaves a focus the restorer or the user put elsewhere, and does nothing when a dialog opens", async () => {
    const { ref } = setUp();
    const other = document.getElementById("other") as HTMLButtonElement;
    other.focus();
    motion(ref).onMotionFinish(null, { direction: "exit" });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(document.activeElement).toBe(other);

    (document.activeElement as HTMLElement).blur();
    motion(ref).onMotionFinish(null, { direction: "enter" });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(document.activeElement).toBe(document.body);
  });
});
