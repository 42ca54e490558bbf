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
import { addImportPaths } from "./ImportDialog";

type User = ReturnType<typeof userEvent.setup>;

const runButton = () => screen.getByTestId("import-run") as HTMLButtonElement;
/**
 * The remove button of the row of `path`, by its accessible name. `hidden`: in jsdom, Fluent's focus trap
 * (tabster) may leave a dialog of an earlier test or opening marking this one aria-hidden.
 */
const removeButton = (path: string) => screen.getByRole("button", { name: `Remove ${path}`, hidden: true });
/** The dialog's textboxes, hidden or not (see `removeButton`). */
const textboxes = () => within(screen.getByTestId("import-dialog")).getAllByRole("textbox", { hidden: true });
/** The paths the dialog lists, in its order. */
const listed = () => screen.queryAllByTestId("import-path").map((r) => r.querySelector("td")!.textContent);

async function openImport(options: MockBackendOptions = {}): Promise<{ user: User; backend: MockBackend }> {
  const user = userEvent.setup();
  const backend = createMockBackend(options);
  renderWithBackend(<App />, backend);
  await user.click(await screen.findByTestId("nav-import"));
  await screen.findByTestId("import-dialog");
  return { user, backend };
}

/** Opens the file dialog (or the folder dialog) and waits for its answer. */
async function choose(user: User, backend: MockBackend, what: "files" | "folder") {
  const before = backend.callsOf("chooseImportPaths").length;
  await user.click(screen.getByTestId(what === "files" ? "import-choose-files" : "import-choose-folder"));
  await waitFor(() => expect(backend.callsOf("chooseImportPaths")).toHaveLength(before + 1));
  await waitFor(() => expect((screen.getByTestId("import-choose-files") as HTMLButtonElement).disabled).toBe(false));
}

describe("Import dialog", () => {
  it("opens from the navigation with its explanation, and Import is disabled until a path is chosen", async () => {
    const { user, backend } = await openImport({ imports: { files: null } });
    const dialog = screen.getByTestId("import-dialog");
    expect(within(dialog).getByText("Import Graph JSON")).toBeTruthy();
    expect(within(dialog).getByText(/all or nothing/)).toBeTruthy();
    expect(within(dialog).getByText("Files and folders")).toBeTruthy();
    expect(screen.getByTestId("import-paths-empty").textContent).toBe(
      "Choose the files or a folder: Steward reads only what you choose here.",
    );
    expect(within(dialog).getByText(/Needed only when no organization export/)).toBeTruthy();
    expect(runButton().disabled).toBe(true);

    // A cancelled dialog chooses nothing.
    await choose(user, backend, "files");
    expect(listed()).toEqual([]);
    expect(runButton().disabled).toBe(true);
    await choose(user, backend, "folder");
    expect(listed()).toEqual([MOCK_IMPORT_FOLDER]);
    expect(screen.queryByTestId("import-paths-empty")).toBeNull();
    expect(runButton().disabled).toBe(false);
  });

  it("has no field to type a path in: the only textbox is the tenant id", async () => {
    const { user, backend } = await openImport();
    const dialog = screen.getByTestId("import-dialog");
    const only = [screen.getByTestId("import-tenant")];
    expect(textboxes()).toEqual(only);
    expect(dialog.querySelector("textarea")).toBeNull();
    await choose(user, backend, "files");
    expect(listed()).toEqual(MOCK_IMPORT_FILES);
    expect(textboxes()).toEqual(only);
    expect(dialog.querySelectorAll("input")).toHaveLength(1);
    expect(dialog.querySelector("textarea, [contenteditable]")).toBeNull();
  });

  it("closes with Close and keeps the page under it", async () => {
    const { user } = await openImport();
    await user.click(screen.getByTestId("import-close"));
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    expect(screen.getByTestId("page-overview")).toBeTruthy();
  });

  it("returns the focus to the Import button when it closes, by keyboard or by its Close button", async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />, createMockBackend());
    const button = await screen.findByTestId("nav-import");

    // By keyboard: Enter opens it, Escape closes it.
    button.focus();
    await user.keyboard("{Enter}");
    await screen.findByTestId("import-dialog");
    await waitFor(() => expect(document.activeElement).not.toBe(button));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));

    // Its Close button, pressed with the keyboard.
    await user.keyboard("{Enter}");
    const close = await screen.findByTestId("import-close");
    close.focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(button));
  });

  it("adds the chosen files and folder to the list, each once", async () => {
    const { user, backend } = await openImport();
    await choose(user, backend, "files");
    expect(listed()).toEqual(MOCK_IMPORT_FILES);
    await choose(user, backend, "folder");
    expect(listed()).toEqual([...MOCK_IMPORT_FILES, MOCK_IMPORT_FOLDER]);
    // Paths already listed are not added twice.
    await choose(user, backend, "files");
    expect(backend.callsOf("chooseImportPaths")).toEqual([[false], [true], [false]]);
    expect(listed()).toEqual([...MOCK_IMPORT_FILES, MOCK_IMPORT_FOLDER]);
  });

  it("leaves the list alone when the dialog is cancelled", async () => {
    const { user, backend } = await openImport({ imports: { files: ["/data/first.json"], folder: null } });
    await choose(user, backend, "files");
    await choose(user, backend, "folder");
    expect(backend.callsOf("chooseImportPaths")).toEqual([[false], [true]]);
    expect(listed()).toEqual(["/data/first.json"]);
  });

  it("removes a path with its button, named after the path", async () => {
    const { user, backend } = await openImport();
    await choose(user, backend, "files");
    const [first, second] = MOCK_IMPORT_FILES;
    await user.click(removeButton(first!));
    expect(listed()).toEqual([second]);
    await user.click(screen.getByTestId("import-path-remove"));
    expect(listed()).toEqual([]);
    expect(screen.getByTestId("import-paths-empty")).toBeTruthy();
    expect(runButton().disabled).toBe(true);
    // What was removed can be chosen again.
    await choose(user, backend, "files");
    expect(listed()).toEqual(MOCK_IMPORT_FILES);
    expect(backend.callsOf("importGraphFiles")).toEqual([]);
  });

  it("imports, shows the summary, and switches the app to the imported tenant", async () => {
    const { user, backend } = await openImport({ imports: { files: ["/data/signIns.json", "/data/empty.json"] } });
    expect(screen.getByTestId("tenant-name").textContent).toBe(DEMO_TENANT.displayName);
    expect(screen.queryByTestId("tenant-switcher")).toBeNull();

    await choose(user, backend, "folder");
    await choose(user, backend, "files");
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
    await waitFor(() => expect(backend.callsOf("dashboard")).toContainEqual([MOCK_IMPORT_TENANT.id, 30, false]));
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
    expect(listed()).toEqual([]);
    expect(screen.getByTestId("import-paths-empty")).toBeTruthy();
    expect(runButton().disabled).toBe(true);
    expect(screen.queryByTestId("import-done")).toBeNull();
  });

  it("lists the files it skipped, by folder, with the reason and an example, as text", async () => {
    const { user, backend } = await openImport({
      imports: { files: ["/zt/User/User-0.json", "/zt/User/User-1.json", "/zt/organization.json"] },
    });
    await choose(user, backend, "files");
    await user.click(runButton());
    const done = await screen.findByTestId("import-done");
    expect(within(done).getByText(`Imported 1 file into ${MOCK_IMPORT_TENANT.displayName} (${MOCK_IMPORT_TENANT.id})`)).toBeTruthy();
    const items = within(done).getAllByTestId("import-skipped-item");
    expect(items.map((i) => i.textContent)).toEqual([
      "/zt/User: 2 files, such as User-0.json — not workload identities (users, groups, devices or their settings)",
    ]);
  });

  it("shows a streamed archive's progress and stops it on request, saying what was kept", async () => {
    const { user, backend } = await openImport({ imports: { files: ["/logs/PT1H.json"], holdImport: true } });
    await choose(user, backend, "files");
    await user.click(runButton());
    const progress = await screen.findByTestId("import-progress");
    await waitFor(() =>
      expect(progress.textContent).toContain("Archive 2 of 3: 120,000 sign-ins at 8,000 a second, about 2 min left"),
    );
    expect((screen.getByTestId("import-close") as HTMLButtonElement).disabled).toBe(true);
    const infoLoads = backend.callsOf("appInfo").length;
    await user.click(screen.getByTestId("import-cancel"));
    await waitFor(() => expect(backend.callsOf("cancelImport")).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId("import-progress")).toBeNull());
    expect(screen.getByTestId("import-dialog").textContent).toContain("import the same files again to finish");
    expect(runButton().disabled).toBe(false);
    // What the stopped import kept is in the cache: the app reloads its tenants (and the page behind).
    await waitFor(() => expect(backend.callsOf("appInfo").length).toBeGreaterThan(infoLoads));
  });

  it("fills an empty cache: the imported tenant replaces the no-tenant message", async () => {
    const { user, backend } = await openImport({ tenants: [], imports: { files: ["/data/organization.json"] } });
    expect(screen.getByTestId("no-tenants").textContent).toContain("Import…");
    await choose(user, backend, "files");
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
      imports: { files: ["/data/servicePrincipals.json"] },
    });
    await waitFor(() => expect(backend.callsOf("dashboard")).toEqual([["t1", 30, false]]));
    await choose(user, backend, "files");
    await user.type(screen.getByTestId("import-tenant"), "  t1 ");
    await user.click(runButton());

    const done = await screen.findByTestId("import-done");
    expect(backend.callsOf("importGraphFiles")).toEqual([[["/data/servicePrincipals.json"], "t1"]]);
    expect(within(done).getByText("Imported 1 file into Northwind (t1)")).toBeTruthy();
    expect(within(done).getByTestId("import-sign-ins").textContent).toBe("0 new sign-ins");
    expect(within(done).queryByTestId("import-empty")).toBeNull();
    // Same tenant: no switch, but the page reloads its data and the list is refreshed.
    await waitFor(() => expect(backend.callsOf("dashboard")).toEqual([["t1", 30, false], ["t1", 30, false]]));
    await waitFor(() => expect(backend.callsOf("appInfo")).toHaveLength(2));
    expect(backend.callsOf("selectTenant")).toEqual([]);
    expect(screen.getByTestId("tenant-name").textContent).toBe("Northwind");
  });

  it("shows a bad file's error, keeps the paths, and imports once the bad file is removed", async () => {
    const { user, backend } = await openImport({ imports: { files: ["/data/organization.json", "/data/bad-export.json"] } });
    await choose(user, backend, "files");
    await user.click(runButton());

    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText("Invalid input")).toBeTruthy();
    expect(within(bar).getByText(/\/data\/bad-export\.json:1:2: not valid JSON.*nothing was imported/)).toBeTruthy();
    expect(screen.queryByTestId("import-done")).toBeNull();
    expect(listed()).toEqual(["/data/organization.json", "/data/bad-export.json"]);
    expect(runButton().disabled).toBe(false);
    expect(backend.callsOf("selectTenant")).toEqual([]);
    expect(backend.callsOf("appInfo")).toHaveLength(1);

    // The paths also survive closing and reopening the dialog.
    await user.click(screen.getByTestId("import-close"));
    await waitFor(() => expect(screen.queryByTestId("import-dialog")).toBeNull());
    await user.click(screen.getByTestId("nav-import"));
    await screen.findByTestId("import-dialog");
    expect(listed()).toEqual(["/data/organization.json", "/data/bad-export.json"]);

    await user.click(removeButton("/data/bad-export.json"));
    expect(listed()).toEqual(["/data/organization.json"]);
    await user.click(runButton());
    await screen.findByTestId("import-done");
    expect(backend.callsOf("importGraphFiles").at(-1)).toEqual([["/data/organization.json"], null]);
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("titles a read failure as such", async () => {
    const { BackendError } = await import("../ipc/backend");
    const { user, backend } = await openImport({
      imports: { files: ["/data/x.json"] },
      fail: { importGraphFiles: new BackendError("io", "could not read /data/x.json: permission denied; nothing was imported") },
    });
    await choose(user, backend, "files");
    await user.click(runButton());
    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText("Could not read the file")).toBeTruthy();
    expect(within(bar).getByText(/permission denied/)).toBeTruthy();
  });

  it("shows a failed file dialog's error and keeps the list", async () => {
    const { BackendError } = await import("../ipc/backend");
    const { user, backend } = await openImport({
      fail: { chooseImportPaths: new BackendError("internal", "the file dialog failed (no display); try again") },
    });
    await choose(user, backend, "files");
    const bar = await screen.findByTestId("error-bar");
    expect(within(bar).getByText(/the file dialog failed/)).toBeTruthy();
    expect(listed()).toEqual([]);
    expect(runButton().disabled).toBe(true);
  });

  it("disables Import, the choices and the removals, and shows a spinner while it runs", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ imports: { files: ["/data/organization.json"] } });
    let release: () => void = () => {};
    const imported = backend.importGraphFiles;
    backend.importGraphFiles = async (paths, tenant) => {
      await new Promise<void>((resolve) => (release = resolve));
      return imported(paths, tenant);
    };
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-import"));
    await choose(user, backend, "files");
    await user.click(runButton());

    await waitFor(() => expect(runButton().disabled).toBe(true));
    expect(within(runButton()).getByRole("progressbar")).toBeTruthy();
    for (const id of ["import-close", "import-choose-files", "import-choose-folder", "import-path-remove"])
      expect((screen.getByTestId(id) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("import-tenant") as HTMLInputElement).disabled).toBe(true);

    release();
    await screen.findByTestId("import-done");
    await waitFor(() => expect(runButton().disabled).toBe(false));
    expect(within(runButton()).queryByRole("progressbar")).toBeNull();
  });

  it("renders tenant strings and paths as text", async () => {
    const hostilePath = `/data/${HOSTILE_NAME}/organization.json`;
    const { user, backend } = await openImport({
      imports: { files: [hostilePath], organization: makeTenant("evil", HOSTILE_NAME) },
    });
    await choose(user, backend, "files");
    expect(listed()).toEqual([hostilePath]);
    expect(removeButton(hostilePath)).toBeTruthy();
    await user.click(runButton());
    const done = await screen.findByTestId("import-done");
    expect(within(done).getByText(`Imported 1 file into ${HOSTILE_NAME} (evil)`)).toBeTruthy();
    expect(screen.getByTestId("import-dialog").querySelector("img")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe(HOSTILE_NAME));
  });
});

describe("import paths", () => {
  it("adds the chosen paths the list does not hold yet, exactly as chosen", () => {
    expect(addImportPaths([], ["a", "b"])).toEqual(["a", "b"]);
    expect(addImportPaths(["a"], ["a", "c", "c"])).toEqual(["a", "c"]);
    expect(addImportPaths(["a"], ["a"])).toEqual(["a"]);
    expect(addImportPaths(["a"], ["", "b"])).toEqual(["a", "b"]);
    // Not trimmed: the backend reads only the paths its dialog returned, spaces and all.
    expect(addImportPaths([" a "], ["a", " a "])).toEqual([" a ", "a"]);
    const listed = ["a"];
    addImportPaths(listed, ["b"]);
    expect(listed).toEqual(["a"]);
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
      skipped: [],
    });
    await expect(backend.importGraphFiles(["/x/servicePrincipals.json"], null)).rejects.toMatchObject({ kind: "invalidInput" });
    await expect(backend.importGraphFiles([" "], null)).rejects.toMatchObject({ kind: "invalidInput" });
  });
});
