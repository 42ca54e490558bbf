//! Steward's offline reports: the executive overview, credential expiry, recommendations, risk,
//! licenses, the inventory and sign-in extracts, as HTML, PDF, XLSX, CSV and JSON.
//!
//! The crate exists so that the core stays free of document writers (krilla, rust_xlsxwriter)
//! and both shells, the CLI and the desktop app, export through one path. A report is built from
//! the cache and an `as_of` instant only: the same cache and `as_of` give byte-identical files
//! (every embedded date and id derives from `as_of`, nothing from the clock or a random source).
//! Tenant strings are hostile: HTML escapes them, CSV and XLSX neutralise formula prefixes, PDF
//! draws them as text.

mod build;
mod csv_out;
mod error;
mod fonts;
mod html;
mod ir;
mod json_out;
mod pdf;
mod text;
mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use build::{build, ReportRequest};
pub use error::{Error, Result};
pub use ir::{Cell, Column, ColumnKind, Format, Report, ReportKind, Section, Table};

/// Where a long export stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProgressState {
    pub rows_done: u64,
    pub rows_total: Option<u64>,
}

/// Progress reporting and cancellation for one export.
pub struct Progress<'a> {
    report: &'a mut dyn FnMut(ProgressState),
    cancel: Option<&'a AtomicBool>,
    done: u64,
    total: Option<u64>,
}

impl<'a> Progress<'a> {
    pub fn new(report: &'a mut dyn FnMut(ProgressState), cancel: Option<&'a AtomicBool>) -> Self {
        Progress {
            report,
            cancel,
            done: 0,
            total: None,
        }
    }

    /// Counts one row written; every 4,096 rows reports progress and checks for cancellation.
    pub(crate) fn row(&mut self) -> Result<()> {
        self.done += 1;
        if self.done.is_multiple_of(4096) {
            self.check()?;
            let state = self.state();
            (self.report)(state);
        }
        Ok(())
    }

    pub(crate) fn add_total(&mut self, n: Option<u64>) {
        self.total = match (self.total, n) {
            (Some(a), Some(b)) => Some(a + b),
            (None, n) => n,
            (a, None) => a,
        };
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }

    fn state(&self) -> ProgressState {
        ProgressState {
            rows_done: self.done,
            rows_total: self.total,
        }
    }

    fn finish(&mut self) {
        let state = self.state();
        (self.report)(state);
    }
}

/// Renders `report` in `format` into `out`.
pub fn render(
    conn: &Connection,
    report: &Report,
    format: Format,
    options: ExportOptions,
    out: &mut (dyn Write + Send),
    progress: &mut Progress<'_>,
) -> Result<()> {
    if !report.kind.formats().contains(&format) {
        return Err(Error::Unsupported {
            kind: report.kind,
            format,
        });
    }
    for t in report.tables() {
        progress.add_total(t.row_estimate(conn)?);
    }
    match format {
        Format::Html => html::write(conn, report, out, progress, None)?,
        Format::Pdf => pdf::write(conn, report, out, progress)?,
        Format::Xlsx => xlsx::write(conn, report, out, progress)?,
        Format::Csv => csv_out::write(conn, report, out, progress, options.csv_bom)?,
        Format::Json => json_out::write(conn, report, out, progress)?,
    }
    progress.finish();
    Ok(())
}

/// What an export wrote.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    pub kind: ReportKind,
    pub format: Format,
    pub path: PathBuf,
    pub bytes: u64,
    pub rows: u64,
    pub tenant_id: String,
    pub as_of: String,
}

/// Options of an export beyond the report itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Start a CSV with a UTF-8 byte-order mark, which Excel needs to read UTF-8.
    pub csv_bom: bool,
}

/// Builds the report and writes it to `path` through a temporary file next to it, renamed into
/// place only when complete: a failed or cancelled export leaves no partial file and keeps what
/// was at `path` before.
pub fn export(
    conn: &Connection,
    request: &ReportRequest,
    format: Format,
    path: &Path,
    options: ExportOptions,
    progress: &mut Progress<'_>,
) -> Result<ExportSummary> {
    if !request.kind.formats().contains(&format) {
        return Err(Error::Unsupported {
            kind: request.kind,
            format,
        });
    }
    let report = build(conn, request)?;
    progress.check()?;
    // A streamed extract reads the whole log once: through SQLite's bounded page cache rather
    // than a memory map, whose pages would count toward the process's resident memory.
    let streamed = report
        .tables()
        .any(|t| matches!(t.rows, ir::Rows::Query(_)));
    if streamed {
        conn.pragma_update(None, "mmap_size", 0)?;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    sweep_killed_exports(&dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(|e| Error::Write {
            path: path.to_path_buf(),
            source: e,
        })?;
    // Held until the file is renamed into place: a sweep by another export leaves it alone.
    // Best effort: a file system without locks only loses the sweep.
    let _ = tmp.as_file().try_lock();
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        render(conn, &report, format, options, &mut w, progress).map_err(|e| e.at(path))?;
        w.flush().map_err(|e| Error::Write {
            path: path.to_path_buf(),
            source: e,
        })?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e,
    })?;
    give_usual_permissions(tmp.path(), path);
    tmp.persist(path).map_err(|e| Error::Write {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(ExportSummary {
        kind: report.kind,
        format,
        path: path.to_path_buf(),
        bytes,
        rows: progress.done,
        tenant_id: report.tenant_id.clone(),
        as_of: steward_core::clock::rfc3339(report.as_of),
    })
}

/// How the temporary files of exports begin; a `.part` holds the report being written, a
/// `.mode` is the permission probe beside it.
const TEMP_PREFIX: &str = ".steward-report-";

/// Removes what exports killed before their rename left in `dir`: a failed or cancelled export
/// removes its temporary file itself, but a crash, SIGKILL or power cut skips that. A `.part`
/// file is stale when no process holds its lock (the kernel releases it when its process ends);
/// a `.mode` probe when its `.part` is stale or gone. A file that cannot be opened is left, as it
/// may be another user's export. One small race remains: a file another export has just created
/// and not locked yet; that export then fails with a clear error and can be run again.
fn sweep_killed_exports(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| n.starts_with(TEMP_PREFIX)) else {
            continue;
        };
        let part = match name.strip_suffix(".mode") {
            Some(stem) => dir.join(format!("{stem}.part")),
            None if name.ends_with(".part") => entry.path(),
            None => continue,
        };
        let stale = match std::fs::File::open(&part) {
            Ok(f) => f.try_lock().is_ok(),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound && part != entry.path(),
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A temporary file is private to its owner (0600 on Unix); the report gets the permissions of
/// the file it replaces, or those of any new file the user creates: 0666 less the umask, which
/// the kernel applies to a file created with that mode. (The umask itself cannot be read without
/// changing it.)
#[cfg(unix)]
fn give_usual_permissions(tmp: &Path, target: &Path) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let permissions = match std::fs::metadata(target) {
        Ok(m) => Some(m.permissions()),
        Err(_) => {
            let probe = tmp.with_extension("mode");
            let made = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o666)
                .open(&probe)
                .and_then(|f| f.metadata());
            let _ = std::fs::remove_file(&probe);
            made.ok()
                .map(|m| std::fs::Permissions::from_mode(m.permissions().mode() & 0o777))
        }
    };
    // Best effort: a report with stricter permissions than usual is still a complete report.
    if let Some(p) = permissions {
        let _ = std::fs::set_permissions(tmp, p);
    }
}

#[cfg(not(unix))]
fn give_usual_permissions(_tmp: &Path, _target: &Path) {}

/// Renders a report into memory (the window's preview, tests).
pub fn render_to_vec(conn: &Connection, report: &Report, format: Format) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut sink = |_: ProgressState| {};
    let mut progress = Progress::new(&mut sink, None);
    render(
        conn,
        report,
        format,
        ExportOptions::default(),
        &mut out,
        &mut progress,
    )?;
    Ok(out)
}

/// A report as HTML for the window's preview: every table is cut after `row_limit` rows (with a
/// note saying so), so a preview of ten million sign-ins stays small.
pub fn preview_html(conn: &Connection, report: &Report, row_limit: u64) -> Result<String> {
    let mut out = Vec::new();
    let mut sink = |_: ProgressState| {};
    let mut progress = Progress::new(&mut sink, None);
    html::write(conn, report, &mut out, &mut progress, Some(row_limit))?;
    String::from_utf8(out).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// "Steward 0.1.0": what every report names as its producer.
pub fn generator() -> String {
    format!("Steward {}", env!("CARGO_PKG_VERSION"))
}

/// A file name for a report: `steward-<kind>-<tenant>-<as-of date>.<ext>`.
pub fn suggested_file_name(
    kind: ReportKind,
    tenant_id: &str,
    as_of: DateTime<Utc>,
    f: Format,
) -> String {
    let tenant: String = tenant_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(36)
        .collect();
    format!(
        "steward-{}-{}-{}.{}",
        kind.as_str(),
        tenant,
        as_of.format("%Y-%m-%d"),
        f.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_removes_what_killed_exports_left_and_never_a_live_export_s_file() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        // Left by exports killed before their rename: nothing holds their lock.
        std::fs::write(at(".steward-report-dead.part"), "half a report").unwrap();
        std::fs::write(at(".steward-report-dead.mode"), "").unwrap();
        std::fs::write(at(".steward-report-orphan.mode"), "").unwrap();
        // An export in progress holds its file's lock.
        std::fs::write(at(".steward-report-live.part"), "being written").unwrap();
        let live = std::fs::File::open(at(".steward-report-live.part")).unwrap();
        live.try_lock().unwrap();
        std::fs::write(at(".steward-report-live.mode"), "").unwrap();
        std::fs::write(at("report.csv"), "a complete report").unwrap();
        sweep_killed_exports(dir.path());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".steward-report-live.mode",
                ".steward-report-live.part",
                "report.csv"
            ]
        );
    }
}
