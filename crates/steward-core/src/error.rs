//! The core's one error type: what went wrong with the cache or the input, each message saying
//! what to do next.

use std::path::PathBuf;

/// The one error type of the core. Every message says what happened and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "could not open the Steward cache at {path}: {source}. {}",
        what_to_do(
            source,
            "run again",
            "Check that the folder exists and is writable, or pass another file with --db"
        )
    )]
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
    #[error("database error: {0}. {advice}", advice = what_to_do(.0, "run the command again", "If this persists, the cache file may be damaged: move it aside and run `steward demo` or sync again"))]
    Database(#[from] rusqlite::Error),
    #[error("could not draw the chart: {0}")]
    Chart(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error and its causes on one line, as `{:#}` prints them, but each cause only where the text
/// so far does not already say it: most messages quote their cause, and SQLite's adds it once more
/// as "Error code 13: database or disk is full", which buried the advice in repeats. The one way
/// the CLI, the sync and the sign-ins turn a chain of errors into words.
pub fn chain_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        let gist = match said.split_once(": ") {
            Some((code, rest)) if code.starts_with("Error code ") => rest,
            _ => said.as_str(),
        };
        if !text.contains(gist) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// What to do about a cache error the admin can fix where it is, a full disk, a read-only folder
/// or another program writing, ending with `then` (what to run again); any other error gets
/// `otherwise`. SQLite's own words ("database or disk is full") say what happened, not what to
/// do, and the usual advice for a database error (the file may be damaged: move it aside) would
/// throw away a sound cache.
pub fn what_to_do(e: &rusqlite::Error, then: &str, otherwise: &str) -> String {
    match remedy(e) {
        Some(fix) => format!("{fix}, then {then}"),
        None => otherwise.to_string(),
    }
}

fn remedy(e: &rusqlite::Error) -> Option<&'static str> {
    use rusqlite::ErrorCode;
    use std::io::ErrorKind;
    const FULL: &str = "The disk that holds the cache is full: free space on it, or move the cache to a disk with room and pass it with --db";
    const READ_ONLY: &str = "The cache cannot be written there: make its folder writable (remount it read-write, or fix its permissions), or pass a cache in a writable folder with --db";
    const BUSY: &str = "Another program is writing the cache: wait for it to finish, or close it";
    // The cache's own file and folder operations carry an I/O error.
    if let rusqlite::Error::ToSqlConversionFailure(inner) = e {
        return match inner.downcast_ref::<std::io::Error>()?.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(FULL),
            ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => Some(READ_ONLY),
            _ => None,
        };
    }
    match e.sqlite_error_code()? {
        ErrorCode::DiskFull => Some(FULL),
        ErrorCode::ReadOnly => Some(READ_ONLY),
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Some(BUSY),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: std::os::raw::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn a_full_disk_a_read_only_folder_and_a_busy_cache_say_what_to_do_and_keep_the_cache() {
        let full = Error::Database(sqlite(rusqlite::ffi::SQLITE_FULL)).to_string();
        assert!(
            full.contains("database or disk is full")
                && full.contains("free space on it")
                && full.contains("then run the command again")
                && !full.contains("damaged"),
            "{full}"
        );
        let read_only = Error::Database(sqlite(rusqlite::ffi::SQLITE_READONLY)).to_string();
        assert!(
            read_only.contains("make its folder writable"),
            "{read_only}"
        );
        let busy = Error::Database(sqlite(rusqlite::ffi::SQLITE_BUSY)).to_string();
        assert!(busy.contains("wait for it to finish"), "{busy}");
        let io = |kind| Error::Open {
            path: "/x/cache.db".into(),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::from(kind))),
        };
        let no_space = io(std::io::ErrorKind::StorageFull).to_string();
        assert!(
            no_space.contains("free space on it, or move the cache"),
            "{no_space}"
        );
        let other = Error::Database(sqlite(rusqlite::ffi::SQLITE_CORRUPT)).to_string();
        assert!(other.contains("may be damaged: move it aside"), "{other}");
    }

    #[test]
    fn a_chain_names_each_cause_once() {
        #[derive(Debug)]
        struct Said(&'static str, Option<Box<Said>>);
        impl std::fmt::Display for Said {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Said {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|s| s as _)
            }
        }
        let e = Said(
            "the disk is full (database or disk is full): free space",
            Some(Box::new(Said(
                "Error code 13: database or disk is full",
                Some(Box::new(Said("os error 28", None))),
            ))),
        );
        assert_eq!(
            chain_text(&e),
            "the disk is full (database or disk is full): free space: os error 28"
        );
    }
}
