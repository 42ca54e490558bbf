import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { BackendProvider } from "./ipc/context";
import { tauriBackend, type Backend } from "./ipc/backend";
import { AppTheme } from "./theme";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("#root element missing from index.html");

/**
 * `npm run dev` in a plain browser (no Tauri runtime): use the in-memory mock on the demo fixtures, its identity
 * list padded to 110,000 rows. Dropped from production builds.
 */
async function pickBackend(): Promise<Backend> {
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { createMockBackend } = await import("./testing/mockBackend");
    return createMockBackend({ identities: { count: 110_000 } });
  }
  return tauriBackend;
}

void pickBackend().then((backend) =>
  createRoot(root).render(
    <StrictMode>
      <AppTheme>
        <BackendProvider backend={backend}>
          <App />
        </BackendProvider>
      </AppTheme>
    </StrictMode>,
  ),
);
