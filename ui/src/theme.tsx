import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { FluentProvider, webDarkTheme, webLightTheme } from "@fluentui/react-components";

export type ColorScheme = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The OS's colour scheme now. A runtime without `matchMedia` (tests) is light. */
function currentScheme(): ColorScheme {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

/**
 * The OS's colour scheme, kept current: switching the OS between light and dark switches the open
 * window at once.
 */
function useOsColorScheme(): ColorScheme {
  const [scheme, setScheme] = useState<ColorScheme>(currentScheme);
  useEffect(() => {
    if (typeof window.matchMedia !== "function") return;
    const query = window.matchMedia(DARK_QUERY);
    const changed = () => setScheme(query.matches ? "dark" : "light");
    query.addEventListener("change", changed);
    // The scheme may have changed between the first render and this effect.
    changed();
    return () => query.removeEventListener("change", changed);
  }, []);
  return scheme;
}

const SchemeContext = createContext<ColorScheme>("light");

/** The window's colour scheme: what its charts are drawn for (the backend draws them dark on request). */
export function useColorScheme(): ColorScheme {
  return useContext(SchemeContext);
}

/** Fluent's light or dark theme, as the OS is; the page's own colour scheme (scrollbars, form controls) too. */
export function AppTheme({ children }: { children: ReactNode }) {
  const scheme = useOsColorScheme();
  useEffect(() => {
    document.documentElement.style.colorScheme = scheme;
  }, [scheme]);
  return (
    <FluentProvider theme={scheme === "dark" ? webDarkTheme : webLightTheme} className="fluent-root" data-scheme={scheme}>
      <SchemeContext.Provider value={scheme}>{children}</SchemeContext.Provider>
    </FluentProvider>
  );
}
