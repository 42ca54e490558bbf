import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { BackendProvider } from "../ipc/context";
import type { Backend } from "../ipc/backend";

export function renderWithBackend(ui: ReactElement, backend: Backend) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <BackendProvider backend={backend}>{ui}</BackendProvider>
    </FluentProvider>,
  );
}
