// ESLint for the UI: JavaScript's and typescript-eslint's recommended rules, the rules of React
// hooks, and the one architecture rule a linter can hold: only `src/ipc/` talks to Tauri.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/ipc/bindings.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    rules: {
      // Architecture invariant: only ui/src/ipc/ imports @tauri-apps/* or the generated bindings;
      // components and tests reach Rust through the Backend interface.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@tauri-apps/*"], message: "Only ui/src/ipc/ talks to Tauri: use the Backend (useBackend())." },
            {
              group: ["**/ipc/bindings", "**/ipc/bindings.ts"],
              message: "Only ui/src/ipc/ imports the generated bindings: import types from ipc/backend.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/ipc/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": "off" },
  },
);
