/**
 * Adds the app's own stylesheet (styles.css) to the test document, so `getComputedStyle` applies its rules:
 * under Vitest, Vite hands CSS imports to jsdom empty. Returns what removes it again.
 */
export async function addAppStyles(): Promise<() => void> {
  // Node's fs, imported under a name TypeScript does not resolve: the UI is typed for the browser, not Node.
  const fsModule = "node:fs";
  const { readFileSync } = (await import(/* @vite-ignore */ fsModule)) as {
    readFileSync: (path: string, encoding: "utf8") => string;
  };
  // Through a variable: Vite rewrites `new URL("…", import.meta.url)` itself into a URL of its dev server.
  const here = import.meta.url;
  const style = document.createElement("style");
  style.textContent = readFileSync(decodeURIComponent(new URL("../styles.css", here).pathname), "utf8");
  document.head.append(style);
  return () => style.remove();
}

/** Whether `el` and everything in it are drawn fully opaque (an opacity below 1 would dim their contrast). */
export function fullyOpaque(el: Element): boolean {
  return [el, ...el.querySelectorAll("*")].every((e) => Number(getComputedStyle(e).opacity || "1") === 1);
}
