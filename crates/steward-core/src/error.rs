//! The core's one error type: what went wrong with the cache or the input, each message saying
//! what to do next.

use std::path::PathBuf;

/// The one error type of the core. Every message says what happened and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not open the Steward cache at {path}: {source}. Check that the folder exists and is writable, or pass another file with --db")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the Steward cache at {path} was written by a newer Steward (schema version {found}, this build knows up to {known}); upgrade Steward or point --db at another file")]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the cache holds no tenant yet; run `steward demo` to create the demo tenant, or import or sync one")]
    NoTenant,
    #[error("the cache holds {count} tenants ({list}); choose one with --tenant ID")]
    AmbiguousTenant { count: usize, list: String },
    #[error("no tenant {0} in the cache; `steward tenants` lists the ones it holds")]
    UnknownTenant(String),
    #[error("no service principal {id} in tenant {tenant}; it may have been removed by the last sync or import")]
    UnknownServicePrincipal { tenant: String, id: String },
    #[error("{0}")]
    InvalidInput(String),
    #[error("database error: {0}. If this persists, the cache file may be damaged: move it aside and run `steward demo` or sync again")]
    Database(#[from] rusqlite::Error),
    #[error("could not draw the chart: {0}")]
    Chart(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
