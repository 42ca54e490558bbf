// The Reports page's commands: the catalogue, previews and suggested file names as the fixtures hold
// them, and an export whose progress and cancelling the mock simulates.
import {
  BackendError,
  type Backend,
  type ExportResult,
  type Format,
  type ProgressState,
  type ReportArgs,
  type ReportInfo,
  type ReportPreview,
} from "../../ipc/backend";
import type { MockContext } from "./context";
import { answer, reportsFixture } from "./fixtures";

/** Where a held export stands while it runs. */
export const MOCK_EXPORT_PROGRESS: ProgressState = { rowsDone: 120, rowsTotal: 480 };

/** The folder the mock's save dialog offers. */
export const MOCK_SAVE_FOLDER = "/home/admin/Documents";

/** The file name the save dialog suggests for a report, as the backend builds it. */
export function mockReportFileName(args: ReportArgs, format: Format): string {
  return answer(reportsFixture.fileNames, { kind: args.kind, format }, "chooseReportPath");
}

export function reportsMock(
  ctx: MockContext,
): Pick<Backend, "reportCatalog" | "reportPreview" | "chooseReportPath" | "exportReport" | "exportProgress" | "cancelExport"> {
  const options = ctx.options.reports ?? {};
  let progress: ProgressState | null = null;
  let stopExport: (() => void) | null = null;
  return {
    async reportCatalog(): Promise<ReportInfo[]> {
      ctx.record("reportCatalog", []);
      return structuredClone(reportsFixture.catalog);
    },

    async reportPreview(args: ReportArgs): Promise<ReportPreview> {
      ctx.record("reportPreview", [args]);
      ctx.tenant(args.tenantId);
      return answer(reportsFixture.previews, { kind: args.kind, days: args.days, sp: args.sp }, "reportPreview");
    },

    async chooseReportPath(args: ReportArgs, format: Format): Promise<string | null> {
      ctx.record("chooseReportPath", [args, format]);
      ctx.tenant(args.tenantId);
      const name = mockReportFileName(args, format);
      return options.savePath === undefined ? `${MOCK_SAVE_FOLDER}/${name}` : options.savePath;
    },

    async exportReport(args: ReportArgs, format: Format, path: string, csvBom: boolean): Promise<ExportResult> {
      ctx.record("exportReport", [args, format, path, csvBom]);
      ctx.tenant(args.tenantId);
      if (progress) throw new BackendError("invalidInput", "an export is already running; wait for it or cancel it first");
      progress = { ...MOCK_EXPORT_PROGRESS };
      try {
        if (options.holdExport) {
          await new Promise<void>((resolve) => (stopExport = resolve));
          throw new BackendError("cancelled", "The export was cancelled; nothing was written.");
        }
        const key = { kind: args.kind, days: args.days, sp: args.sp, format, csvBom };
        return { ...answer(reportsFixture.exports, key, "exportReport"), path };
      } finally {
        progress = null;
        stopExport = null;
      }
    },

    async exportProgress(): Promise<ProgressState | null> {
      ctx.record("exportProgress", []);
      return progress ? { ...progress } : null;
    },

    async cancelExport(): Promise<void> {
      ctx.record("cancelExport", []);
      stopExport?.();
    },
  };
}
