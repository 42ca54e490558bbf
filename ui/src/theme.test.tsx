import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen, waitFor } from "@testing-library/react";
import { App } from "./App";
import { BackendProvider } from "./ipc/context";
import { createMockBackend, DEMO_TENANT } from "./testing/mockBackend";
import { AppTheme, useColorScheme } from "./theme";

/** A stand-in for the OS's `prefers-color-scheme` that a test can flip. */
function fakeOsScheme(dark: boolean) {
  type Listener = (e: { matches: boolean }) => void;
  const listeners = new Set<Listener>();
  const query = {
    get matches() {
      return dark;
    },
    media: "(prefers-color-scheme: dark)",
    addEventListener: (_: string, l: Listener) => listeners.add(l),
    removeEventListener: (_: string, l: Listener) => listeners.delete(l),
  };
  // Other queries (Fluent asks for reduced motion) match nothing and never change.
  const other = (media: string) => ({
    matches: false,
    media,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
  });
  vi.stubGlobal("matchMedia", (media: string) => (media === query.media ? query : other(media)));
  return {
    set(next: boolean) {
      dark = next;
      act(() => listeners.forEach((l) => l({ matches: dark })));
    },
    listeners,
  };
}

function Shown() {
  return <span data-testid="scheme">{useColorScheme()}</span>;
}

describe("the app's theme", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("follows the OS's colour scheme, live", () => {
    const os = fakeOsScheme(false);
    const { unmount } = render(
      <AppTheme>
        <Shown />
      </AppTheme>,
    );
    expect(screen.getByTestId("scheme").textContent).toBe("light");
    expect(document.querySelector(".fluent-root")?.getAttribute("data-scheme")).toBe("light");
    os.set(true);
    expect(screen.getByTestId("scheme").textContent).toBe("dark");
    expect(document.querySelector(".fluent-root")?.getAttribute("data-scheme")).toBe("dark");
    expect(document.documentElement.style.colorScheme).toBe("dark");
    os.set(false);
    expect(screen.getByTestId("scheme").textContent).toBe("light");
    unmount();
    expect(os.listeners.size).toBe(0);
  });

  it("starts dark when the OS is dark", () => {
    fakeOsScheme(true);
    render(
      <AppTheme>
        <Shown />
      </AppTheme>,
    );
    expect(screen.getByTestId("scheme").textContent).toBe("dark");
  });

  it("draws the Overview's charts for the theme the window is in, and again when it changes", async () => {
    const os = fakeOsScheme(true);
    const backend = createMockBackend();
    render(
      <AppTheme>
        <BackendProvider backend={backend}>
          <App />
        </BackendProvider>
      </AppTheme>,
    );
    await screen.findByTestId("overview-total");
    expect(backend.callsOf("dashboard")).toEqual([[DEMO_TENANT.id, 30, true]]);
    os.set(false);
    await waitFor(() => expect(backend.callsOf("dashboard").at(-1)).toEqual([DEMO_TENANT.id, 30, false]));
  });
});
