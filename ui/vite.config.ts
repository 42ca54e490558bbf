/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Tauri loads the built files from ui/dist; relative base keeps asset URLs working under the custom protocol.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    // Vite's CSS minifier folds selector lists that use :has() into :is(...), which WebKitGTK
    // then drops whole (the narrowed-list rules beside a detail pane never applied). The CSS is
    // small, so it ships unminified.
    cssMinify: false,
  },
  test: {
    environment: "jsdom",
    globals: false,
    setupFiles: ["./src/testing/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // Vitest's 5 s per test is a fixed time: the longest forms type a few hundred keystrokes,
    // which took over 5 s on 2 busy cores. Tests wait for conditions; this only bounds a hang.
    testTimeout: 30_000,
  },
});
