//! The Graph crate's error type for imports: which file, line, item or field is wrong, and what
//! was expected, so the admin can fix the export.

use std::path::PathBuf;

/// The Graph crate's error. Every message says what was wrong, where, and what to do; an import
/// that fails writes nothing, and says so.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] steward_core::Error),
    #[error("database error while importing: {0}; nothing was imported. {advice}", advice = steward_core::what_to_do(.0, "import again", "If this persists, the cache file may be damaged: move it aside and import again"))]
    Database(#[from] rusqlite::Error),
    #[error("could not read {path}: {source}. Check the path and that the file is readable; nothing was imported")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}; nothing was imported")]
    NoFiles { path: PathBuf, message: String },
    #[error("{path}:{line}:{column}: not valid JSON ({message}). The file may be truncated: export it again; nothing was imported")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}; nothing was imported")]
    Shape { path: PathBuf, message: String },
    #[error("{path}, item {index} ({dataset}): {message}; nothing was imported. Export the dataset again from Graph, or leave this file out")]
    Item {
        path: PathBuf,
        /// 1-based position of the item in its file.
        index: usize,
        dataset: &'static str,
        message: String,
    },
    #[error("none of the files is an organization response and no tenant id was given: add the output of GET /v1.0/organization to the import, or give the tenant id (--tenant ID on the command line); nothing was imported")]
    NoTenant,
    #[error("{path} belongs to tenant {found}, but the import is for tenant {given}: import one tenant at a time; nothing was imported")]
    TenantMismatch {
        path: PathBuf,
        found: String,
        given: String,
    },
    /// A sign-in archive stopped midway: its sign-ins before the bad line are in the cache.
    #[error("{path}: {message}. Imported before it: the directory data and {kept} sign-ins; sign-ins are kept by id, so importing the mended file again doubles nothing")]
    Archive {
        path: PathBuf,
        message: String,
        kept: u64,
    },
    #[error("the import was cancelled after {kept} sign-ins (they and the directory data are in the cache): import the same files again to finish; nothing is doubled")]
    Cancelled { kept: u64 },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
