// The Import dialog's commands, simulated: the file dialogs answer what the test set, and an import
// reads the files' datasets from their names, adds or refreshes the tenant, and counts new sign-ins.
import {
  BackendError,
  type Backend,
  type Dataset,
  type ImportedDataset,
  type ImportProgress,
  type ImportResult,
  type SkippedFiles,
  type TenantSummary,
} from "../../ipc/backend";
import { makeTenant, type MockContext } from "./context";

/** The tenant of the mock's organization responses. */
export const MOCK_IMPORT_TENANT = makeTenant("fabrikam", "Fabrikam", { defaultDomain: "fabrikam.onmicrosoft.com" });
/** What the file dialog picks by default. */
export const MOCK_IMPORT_FILES = ["/home/admin/exports/organization.json", "/home/admin/exports/servicePrincipals.json"];
/** What the folder dialog picks by default; the mock reads it as the three files of `MOCK_FOLDER_FILES`. */
export const MOCK_IMPORT_FOLDER = "/home/admin/exports/fabrikam";
export const MOCK_FOLDER_FILES = ["organization.json", "applications.json", "servicePrincipals.json"];
/** When the mock's imports read their data. */
export const MOCK_IMPORTED_AT = "2025-06-02T09:30:00Z";
/** Where a held import's archives stand (`holdImport`). */
export const MOCK_IMPORT_PROGRESS: ImportProgress = {
  filesDone: 1,
  files: 3,
  records: 120_000,
  recordsPerSecond: 8_000,
  secondsLeft: 95,
  fraction: 0.4,
};
/** Items per imported file (an organization response holds one). */
export const MOCK_IMPORT_ITEMS = 3;

const IMPORT_DATASETS: Dataset[] = [
  "organization",
  "applications",
  "servicePrincipals",
  "federatedIdentityCredentials",
  "appRoleAssignments",
  "signIns",
  "subscribedSkus",
];

/** Why the mock skips a file, as the real import skips Graph data Steward does not use: users. */
const MOCK_SKIP_REASON = "not workload identities (users, groups, devices or their settings)";

/** Whether the mock skips `file` (a users export). */
function mockSkipped(file: string): boolean {
  return /^users?[-.]/i.test(file.split(/[\\/]/).pop() ?? file);
}

/** The dataset of a file, from its name as the mock reads it (a plain array, as `az ad sp list` writes, is service principals). */
function mockDatasetOf(file: string): Dataset {
  const base = (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, "").toLowerCase();
  return IMPORT_DATASETS.find((d) => base.startsWith(d.toLowerCase())) ?? "servicePrincipals";
}

/** Files and folders as the mock expands them: a path not ending in `.json` is a folder. */
function mockExpand(paths: string[]): string[] {
  return paths.flatMap((p) => (/\.json$/i.test(p) ? [p] : MOCK_FOLDER_FILES.map((f) => `${p.replace(/[\\/]+$/, "")}/${f}`)));
}

export function importMock(
  ctx: MockContext,
): Pick<Backend, "chooseImportPaths" | "importGraphFiles" | "importProgress" | "cancelImport"> {
  const options = ctx.options.imports ?? {};
  let progress: ImportProgress | null = null;
  let stopImport: (() => void) | null = null;
  // Sign-in files already imported per tenant: importing one again adds no new sign-ins.
  const importedSignIns = new Set<string>();
  const importGraph = (rawPaths: string[], rawTenant: string | null): ImportResult => {
    const paths = rawPaths.map((p) => p.trim()).filter((p) => p !== "");
    if (paths.length === 0) throw new BackendError("invalidInput", "choose at least one Graph JSON file or folder to import");
    const given = rawTenant?.trim() || null;
    const files = mockExpand(paths);
    for (const f of files) {
      if (f.includes("bad"))
        throw new BackendError(
          "invalidInput",
          `${f}:1:2: not valid JSON (expected value at line 1 column 2). The file may be truncated: export it again; nothing was imported`,
        );
    }
    // Skipped files are grouped by folder and reason, as the real import lists them.
    const skipped: SkippedFiles[] = [];
    for (const f of files.filter(mockSkipped)) {
      const cut = Math.max(f.lastIndexOf("/"), f.lastIndexOf("\\"));
      const folder = cut >= 0 ? f.slice(0, cut) : "";
      const group = skipped.find((s) => s.folder === folder);
      if (group) group.files += 1;
      else skipped.push({ folder, reason: MOCK_SKIP_REASON, files: 1, example: f.slice(cut + 1) });
    }
    const read = files.filter((f) => !mockSkipped(f));
    const emptyFiles = read.filter((f) => f.includes("empty"));
    const counts = new Map<Dataset, number>();
    for (const f of read) {
      if (emptyFiles.includes(f)) continue;
      const d = mockDatasetOf(f);
      counts.set(d, (counts.get(d) ?? 0) + (d === "organization" ? 1 : MOCK_IMPORT_ITEMS));
    }
    const org = counts.has("organization") ? (options.organization ?? MOCK_IMPORT_TENANT) : null;
    if (org && given && org.id.toLowerCase() !== given.toLowerCase()) {
      const orgFile = read.find((f) => mockDatasetOf(f) === "organization")!;
      throw new BackendError(
        "invalidInput",
        `${orgFile} is the organization of tenant ${org.id}, but --tenant ${given} was given: import one tenant at a time; nothing was imported`,
      );
    }
    const id = org?.id ?? given;
    if (!id)
      throw new BackendError(
        "invalidInput",
        "none of the files is an organization response and no tenant was given: add the output of GET /v1.0/organization to the import, or pass --tenant ID; nothing was imported",
      );
    const at = ctx.tenants.findIndex((t) => t.id.toLowerCase() === id.toLowerCase());
    const known = at >= 0 ? ctx.tenants[at]! : null;
    const tenant: TenantSummary = {
      ...(known ?? makeTenant(id, id, { defaultDomain: null })),
      ...(org ? { id: org.id, displayName: org.displayName || known?.displayName || id, defaultDomain: org.defaultDomain } : {}),
      isDemo: false,
      dataAsOf: MOCK_IMPORTED_AT,
    };
    if (at >= 0) ctx.tenants[at] = tenant;
    else ctx.tenants.push(tenant);
    let newSignIns = 0;
    for (const f of read) {
      const key = `${tenant.id}|${f}`;
      if (mockDatasetOf(f) !== "signIns" || emptyFiles.includes(f) || importedSignIns.has(key)) continue;
      importedSignIns.add(key);
      newSignIns += MOCK_IMPORT_ITEMS;
    }
    const datasets: ImportedDataset[] = [...counts].map(([dataset, items]) => ({ dataset, items }));
    return {
      tenantId: tenant.id,
      tenantName: tenant.displayName,
      files: read.length,
      datasets,
      newSignIns,
      emptyFiles,
      skipped,
    };
  };
  return {
    async chooseImportPaths(folder: boolean): Promise<string[] | null> {
      ctx.record("chooseImportPaths", [folder]);
      if (folder) {
        const picked = options.folder;
        return picked === undefined ? [MOCK_IMPORT_FOLDER] : picked === null ? null : [picked];
      }
      const picked = options.files;
      return picked === undefined ? [...MOCK_IMPORT_FILES] : picked === null ? null : [...picked];
    },

    async importGraphFiles(paths: string[], tenant: string | null): Promise<ImportResult> {
      ctx.record("importGraphFiles", [paths, tenant]);
      if (options.holdImport) {
        progress = { ...MOCK_IMPORT_PROGRESS };
        try {
          await new Promise<void>((resolve) => (stopImport = resolve));
        } finally {
          progress = null;
          stopImport = null;
        }
        throw new BackendError(
          "cancelled",
          "the import was cancelled after 120000 sign-ins (they and the directory data are in the cache): import the same files again to finish; nothing is doubled",
        );
      }
      return importGraph(paths, tenant);
    },

    async importProgress(): Promise<ImportProgress | null> {
      ctx.record("importProgress", []);
      return progress ? { ...progress } : null;
    },

    async cancelImport(): Promise<void> {
      ctx.record("cancelImport", []);
      stopImport?.();
    },
  };
}
