//! The reports' error type: a report that cannot be built or written, and what to do about it.

use std::path::{Path, PathBuf};

use crate::ir::{Format, ReportKind};

/// The report crate's error. Every message says what happened and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] steward_core::Error),
    #[error("database error while reading the report's rows: {0}. If this persists, the cache file may be damaged: move it aside and run `steward demo` or sync again")]
    Database(#[from] rusqlite::Error),
    #[error("the {} report has no {} form: it is table-sized, so export it as {}", kind.as_str(), format.as_str(), kind.formats().iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", "))]
    Unsupported { kind: ReportKind, format: Format },
    #[error(
        "could not write the report to {path}: {source}. {}",
        write_advice(path, source)
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write the report: {0}. Check that the destination is writable and has free space")]
    Io(#[from] std::io::Error),
    #[error(
        "could not write the JSON: {0}. Check that the destination is writable and has free space"
    )]
    Json(#[from] serde_json::Error),
    #[error("could not write the spreadsheet: {0}")]
    Xlsx(String),
    #[error("could not write the PDF: {0}")]
    Pdf(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("the export was cancelled; nothing was written")]
    Cancelled,
    /// A preview reached its row limit; the writer stops there. Never returned by `export`.
    #[error("the preview shows only the first rows; export the report for all of them")]
    RowLimit,
}

/// What to do when a report cannot be written: the folder's name and the fix for a full disk
/// or a read-only folder, the general advice otherwise.
fn write_advice(path: &Path, e: &std::io::Error) -> String {
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
        _ => ".".into(),
    };
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => format!(
            "The disk that holds {folder} is full: free space on it, or choose a file on another disk; nothing was written"
        ),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => format!(
            "The folder {folder} is read-only: choose a file in a writable folder, or make {folder} writable; nothing was written"
        ),
        _ => "Check that the folder exists and is writable, or choose another file".into(),
    }
}

impl Error {
    /// Names the destination in an I/O error that did not know it.
    pub(crate) fn at(self, path: &Path) -> Error {
        match self {
            Error::Io(source) => Error::Write {
                path: path.to_path_buf(),
                source,
            },
            e => e,
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Error {
        Error::Xlsx(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
