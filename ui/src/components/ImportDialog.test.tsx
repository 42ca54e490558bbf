import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import {
  createMockBackend,
  DEMO_TENANT,
  HOSTILE_NAME,
  makeTenant,
  MOCK_FOLDER_FILES,
  MOCK_IMPORT_FILES,
  MOCK_IMPORT_FOLDER,
  MOCK_IMPORT_ITEMS,
  MOCK_IMPORT_TENANT,
  type MockBackend,
  type MockBackendOptions,
} from "../testing/mockBackend";
import type { ImportResult } from "../ipc/backend";
import { appendImportPaths, parseImportPaths } from "./ImportDialog";

type User = ReturnType<typeof userEvent.setup>;

const pathsField = () => screen.getByTestId("import-paths") as HTMLTextAreaElement;
const runButton = () => screen.getByTestId("import-run") as HTMLButtonElement;

async function openImport(options: MockBackendOptions = {}): Promise<{ user: User; backend: MockBackend }> {
  const user = userEvent.setup();
  const backend = createMockBackend(options);
  renderWithBackend(<App />, backend);
  await user.click(await screen.findByTestId("nav-import"));
  await screen.findByTestId("import-dialog");
  return { user, backend };
}

async function typePaths(user: User, ...paths: string[]) {
  await user.click(pathsField());
  await user.paste(paths.join("\n"));
}

describe("Import dialog", () => {
  it("opens from the navigation with its explanation, and Import is disabled without a path", async () => {
    const { user } = await openImport();
    const dialog = screen.getByTestId("import-dialog");
    expect(within(dialog).getByText("Import Graph JSON")).toBeTruthy();
    expect(within(dialog).getByText(/all or nothing/)).toBeTruthy();
    expect(within(dialog).getByText("Files or folders, one per line")).toBeTruthy();
    expect(within(dialog).getByText(/Needed only when no organization export/)).toBeTruthy();
    expect(runButton().disabled).toBe(true);

    // Blank lines are no paths.
    await typePaths(user, "  ", "");
    expect(runButton().disabled).toBe(true);
    await typePaths(user, "/tmp/sp.json");
    expect(runButton().disabled).toBe(false);
  });

  it("closes with Close and keeps the page under it", async () => {
    const { user } = await openImport();
    await user.click(screen.getByTestId("import-close"));
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    expect(screen.getByTestId("page-overview")).toBeTruthy();
  });

  it("appends the chosen files and folder to the field, and nothing on cancel", async () => {
    const { user, backend } = await openImport();
    await typePaths(user, "/data/first.json");
    await user.click(screen.getByTestId("import-choose-files"));
    await waitFor(() => expect(pathsField().value).toBe(["/data/first.json", ...MOCK_IMPORT_FILES].join("\n")));
    await user.click(screen.getByTestId("import-choose-folder"));
    await waitFor(() => expect(pathsField().value).toBe(["/data/first.json", ...MOCK_IMPORT_FILES, MOCK_IMPORT_FOLDER].join("\n")));
    // Paths already listed are not added twice.
    await user.click(screen.getByTestId("import-choose-files"));
    await waitFor(() => expect(backend.callsOf("chooseImportPaths")).toEqual([[false], [true], [false]]));
    expect(parseImportPaths(pathsField().value)).toHaveLength(4);
  });

  it("leaves the field alone when the dialog is cancelled", async () => {
    const { user, backend } = await openImport({ imports: { files: null, folder: null } });
    await typePaths(user, "/data/first.json");
    await user.click(screen.getByTestId("import-choose-files"));
    await user.click(screen.getByTestId("import-choose-folder"));
    await waitFor(() => expect(backend.callsOf("chooseImportPaths")).toEqual([[false], [true]]));
    expect(pathsField().value).toBe("/data/first.json");
  });

  it("imports, shows the summary, and switches the app to the imported tenant", async () => {
    const { user, backend } = await openImport();
    expect(screen.getByTestId("tenant-name").textContent).toBe(DEMO_TENANT.displayName);
    expect(screen.queryByTestId("tenant-switcher")).toBeNull();

    await user.click(screen.getByTestId("import-choose-folder"));
    await typePaths(user, "", "/data/signIns.json", "/data/empty.json");
    await user.click(runButton());

    const done = await screen.findByTestId("import-done");
    expect(backend.callsOf("importGraphFiles")).toEqual([[[MOCK_IMPORT_FOLDER, "/data/signIns.json", "/data/empty.json"], null]]);
    const files = MOCK_FOLDER_FILES.length + 2;
    expect(within(done).getByText(`Imported ${files} files into ${MOCK_IMPORT_TENANT.displayName} (${MOCK_IMPORT_TENANT.id})`)).toBeTruthy();
    const rows = within(done)
      .getAllByTestId("import-dataset")
      .map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent));
    expect(rows).toEqual([
      ["organization", "1"],
      ["applications", String(MOCK_IMPORT_ITEMS)],
      ["servicePrincipals", String(MOCK_IMPORT_ITEMS)],
      ["signIns", String(MOCK_IMPORT_ITEMS)],
    ]);
    expect(within(done).getByTestId("import-sign-ins").textContent).toBe(`${MOCK_IMPORT_ITEMS} new sign-ins`);
    expect(within(done).getByTestId("import-empty").textContent).toContain("/data/empty.json");

    // The app selects the imported tenant and lists it in the switcher.
    await waitFor(() => expect(backend.callsOf("selectTenant")).toEqual([[MOCK_IMPORT_TENANT.id]]));
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe(MOCK_IMPORT_TENANT.displayName));
    await waitFor(() => expect(backend.callsOf("appInfo")).toHaveLength(2));
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual([MOCK_IMPORT_TENANT.id, 30]));
    expect(screen.queryByTestId("demo-badge")).toBeNull();
    await waitFor(() => expect(runButton().disabled).toBe(false));

    await user.click(screen.getByTestId("import-close"));
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    await user.click(screen.getByTestId("tenant-switcher"));
    const listbox = await screen.findByRole("listbox");
    const options = within(listbox).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([DEMO_TENANT.displayName, MOCK_IMPORT_TENANT.displayName]);

    // The next import starts afresh.
    await user.click(screen.getByTestId("nav-import"));
    await screen.findByTestId("import-dialog");
    expect(pathsField().value).toBe("");
    expect(screen.queryByTestId("import-done")).toBeNull();
  });

  it("fills an empty cache: the imported tenant replaces the no-tenant message", async () => {
    const { user, backend } = await openImport({ tenants: [] });
    expect(screen.getByTestId("no-tenants").textContent).toContain("Import…");
    await typePaths(user, "/data/organization.json");
    await user.click(runButton());
    await screen.findByTestId("import-done");
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe(MOCK_IMPORT_TENANT.displayName));
    expect(screen.queryByTestId("no-tenants")).toBeNull();
    expect(backend.callsOf("selectTenant")).toEqual([[MOCK_IMPORT_TENANT.id]]);
  });

  it("imports into the typed tenant and reloads the page when it is the one on screen", async () => {
    const { user, backend } = await openImport({
      tenants: [makeTenant("t1", "Northwind"), makeTenant("t2", "Woodgrove")],
      activeTenantId: "t1",
    });
    await waitFor(() => expect(backend.callsOf("dashboard")).toEqual([["t1", 30]]));
    await typePaths(user, "/data/servicePrincipals.json");
    await user.type(screen.getByTestId("import-tenant"), "  t1 ");
    await user.click(runButton());

    const done = await screen.findByTestId("import-done");
    expect(backend.callsOf("importGraphFiles")).toEqual([[["/data/servicePrincipals.json"], "t1"]]);
    expect(within(done).getByText("Imported 1 file into Northwind (t1)")).toBeTruthy();
    expect(within(done).getByTestId("import-sign-ins").textContent).toBe("0 new sign-ins");
    expect(within(done).queryByTestId("import-empty")).toBeNull();
    // Same tenant: no switch, but the page reloads its data and the list is refreshed.
    await waitFor(() => expect(backend.callsOf("dashboard")).toEqual([["t1", 30], ["t1", 30]]));
    await waitFor(() => expect(backend.callsOf("appInfo")).toHaveLength(2));
    expect(backend.callsOf("selectTenant")).toEqual([]);
    expect(screen.getByTestId("tenant-name").textContent).toBe("Northwind");
  });

  it("shows a bad file's error, keeps the paths, and imports after the fix", async () => {
    const { user, backend } = await openImport();
    await typePaths(user, "/data/organization.json", "/data/bad-export.json");
    await user.click(runButton());

    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText("Invalid input")).toBeTruthy();
    expect(within(bar).getByText(/\/data\/bad-export\.json:1:2: not valid JSON.*nothing was imported/)).toBeTruthy();
    expect(screen.queryByTestId("import-done")).toBeNull();
    expect(pathsField().value).toBe("/data/organization.json\n/data/bad-export.json");
    expect(runButton().disabled).toBe(false);
    expect(backend.callsOf("selectTenant")).toEqual([]);
    expect(backend.callsOf("appInfo")).toHaveLength(1);

    // The paths also survive closing and reopening the dialog.
    await user.click(screen.getByTestId("import-close"));
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    await user.click(screen.getByTestId("nav-import"));
    await screen.findByTestId("import-dialog");
    expect(pathsField().value).toBe("/data/organization.json\n/data/bad-export.json");

    await user.clear(pathsField());
    await typePaths(user, "/data/organization.json");
    await user.click(runButton());
    await screen.findByTestId("import-done");
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("titles a read failure as such", async () => {
    const { BackendError } = await import("../ipc/backend");
    const { user } = await openImport({
      fail: { importGraphFiles: new BackendError("io", "could not read /data/x.json: permission denied; nothing was imported") },
    });
    await typePaths(user, "/data/x.json");
    await user.click(runButton());
    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText("Could not read the file")).toBeTruthy();
    expect(within(bar).getByText(/permission denied/)).toBeTruthy();
  });

  it("disables Import and shows a spinner while it runs", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    let release: () => void = () => {};
    const imported = backend.importGraphFiles;
    backend.importGraphFiles = async (paths, tenant) => {
      await new Promise<void>((resolve) => (release = resolve));
      return imported(paths, tenant);
    };
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-import"));
    await typePaths(user, "/data/organization.json");
    await user.click(runButton());

    await waitFor(() => expect(runButton().disabled).toBe(true));
    expect(within(runButton()).getByRole("progressbar")).toBeTruthy();
    expect((screen.getByTestId("import-close") as HTMLButtonElement).disabled).toBe(true);
    expect(pathsField().disabled).toBe(true);

    release();
    await screen.findByTestId("import-done");
    await waitFor(() => expect(runButton().disabled).toBe(false));
    expect(within(runButton()).queryByRole("progressbar")).toBeNull();
  });

  it("renders tenant strings as text", async () => {
    const { user } = await openImport({ imports: { organization: makeTenant("evil", HOSTILE_NAME) } });
    await typePaths(user, "/data/organization.json");
    await user.click(runButton());
    const done = await screen.findByTestId("import-done");
    expect(within(done).getByText(`Imported 1 file into ${HOSTILE_NAME} (evil)`)).toBeTruthy();
    expect(screen.getByTestId("import-dialog").querySelector("img")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe(HOSTILE_NAME));
  });
});

describe("import paths", () => {
  it("reads one path per line and appends new ones", () => {
    expect(parseImportPaths(" a.json \r\n\n b \n")).toEqual(["a.json", "b"]);
    expect(appendImportPaths("", ["a", "b"])).toBe("a\nb");
    expect(appendImportPaths("a\n\n", ["a", "c"])).toBe("a\nc");
    expect(appendImportPaths("a", ["a"])).toBe("a");
  });

  it("the mock's results are typed like the Rust side's", async () => {
    const backend = createMockBackend();
    const r: ImportResult = await backend.importGraphFiles(["/x/organization.json"], null);
    expect(r).toEqual({
      tenantId: MOCK_IMPORT_TENANT.id,
      tenantName: MOCK_IMPORT_TENANT.displayName,
      files: 1,
      datasets: [{ dataset: "organization", items: 1 }],
      newSignIns: 0,
      emptyFiles: [],
    });
    await expect(backend.importGraphFiles(["/x/servicePrincipals.json"], null)).rejects.toMatchObject({ kind: "invalidInput" });
    await expect(backend.importGraphFiles([" "], null)).rejects.toMatchObject({ kind: "invalidInput" });
  });
});
