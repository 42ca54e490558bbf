//! The SQLite cache: one file holding any number of tenants.
//!
//! [`open`] is the only way in: it sets every pragma and applies the numbered migrations compiled
//! into the binary. Each table has its own module with hand-written SQL; functions take a
//! `&Connection` so they work the same inside a transaction (a `Transaction` derefs to one).
//! The store is synchronous: async callers reach it through `spawn_blocking`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{Error, Result};

pub mod access_reviews;
pub mod app_role_assignments;
pub mod applications;
pub mod credentials;
pub mod datasets;
pub mod directory_roles;
pub mod federated_credentials;
pub mod governance;
pub mod insights;
pub mod outbox;
pub mod owners;
pub mod policies;
pub mod redirect_domains;
pub mod risk;
pub mod service_principals;
pub mod sign_ins;
pub mod strings;
pub mod tenants;
mod write_lock;

pub use write_lock::{lock_for_writing, lock_path, WriteLock};

/// Numbered migrations, applied in order; `PRAGMA user_version` records how many ran.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_insights.sql"),
    include_str!("../migrations/0003_risk.sql"),
    include_str!("../migrations/0004_sync.sql"),
    include_str!("../migrations/0005_delta.sql"),
    include_str!("../migrations/0006_governance.sql"),
    include_str!("../migrations/0007_dataset_source.sql"),
    include_str!("../migrations/0008_tenant_policies.sql"),
    include_str!("../migrations/0009_object_settings.sql"),
    include_str!("../migrations/0010_outbox.sql"),
    include_str!("../migrations/0011_access_reviews.sql"),
    include_str!("../migrations/0012_agent_blueprints.sql"),
    include_str!("../migrations/0013_redirect_domains.sql"),
    include_str!("../migrations/0014_sign_ins_by_day.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The compact integer by which rows refer to their tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TenantKey(pub i64);

/// The cache file in the OS data folder (`~/.local/share/steward/steward.db` on Linux). Debug
/// builds use their own folder, `steward-dev`, so that development never touches a real cache.
pub fn default_path() -> Result<PathBuf> {
    let app = if cfg!(debug_assertions) {
        "steward-dev"
    } else {
        "steward"
    };
    directories::ProjectDirs::from("", "", app)
        .map(|d| d.data_dir().join("steward.db"))
        .ok_or_else(|| {
            Error::InvalidInput(
                "could not find the OS data folder (is HOME set?); pass --db PATH or set STEWARD_DB".into(),
            )
        })
}

/// Opens (creating if needed) the cache file at `path`, with every pragma set and the schema
/// migrated to [`SCHEMA_VERSION`].
pub fn open(path: &Path) -> Result<Connection> {
    open_writable(path).map_err(|e| match e {
        Error::Open { .. } => read_only_folder(path).unwrap_or(e),
        e => e,
    })
}

fn open_writable(path: &Path) -> Result<Connection> {
    private_file(path).map_err(|e| Error::Open {
        path: path.to_path_buf(),
        source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
    })?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    configure(&conn, path)?;
    migrate(&conn, path)?;
    Ok(conn)
}

/// The cache holds a map of every credential of a tenant: folders it creates are the owner's only
/// (0700), and the file is (0600), whatever the umask. SQLite gives the `-wal` and `-shm` files
/// the database file's permissions. A file found more open than that is narrowed again.
#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if path.as_os_str() == ":memory:" || path.to_string_lossy().starts_with("file:") {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // An empty file is an empty SQLite database: the migrations fill it.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                // Best effort: a cache file of another owner's is SQLite's to open or refuse.
                let _ =
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700));
            }
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Why a cache could not be opened, when its folder is read-only (a read-only mount, or no
/// write permission): SQLite says only "unable to open database file", while WAL needs to
/// write the `-wal` and `-shm` files beside the cache even to read it. A probe file tells; it
/// is made only once the open has failed.
fn read_only_folder(path: &Path) -> Option<Error> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let probe = folder.join(format!(".steward-probe-{}", std::process::id()));
    let made = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    let e = match made {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            return None;
        }
        Err(e) => e,
    };
    let read_only = matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    );
    read_only.then(|| Error::Open {
        path: path.to_path_buf(),
        source: rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::new(
            e.kind(),
            format!("its folder {} is read-only ({e})", folder.display()),
        ))),
    })
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => std::fs::create_dir_all(parent),
        None => Ok(()),
    }
}

/// An in-memory cache with the full schema, for unit tests.
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    let path = PathBuf::from(":memory:");
    configure(&conn, &path)?;
    migrate(&conn, &path)?;
    Ok(conn)
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    // WAL lets the window read a consistent snapshot while a writer works; NORMAL is durable
    // across application crashes, which is all a cache of remote data needs. The views look up
    // many rows by key on a fresh connection per command: memory-mapping the first GiB of the
    // file lets those reads share the OS page cache instead of copying pages in one by one
    // (measured: 2x on the recommendations' joins of a 110,000-identity cache), and a 64 MB page
    // cache holds the rest of a view's working set. A writer copies the log back into the file
    // (a checkpoint) once it holds 16,384 pages (64 MB) rather than SQLite's 1,000: a bulk write
    // dirties the same roll-up and index pages in commit after commit, and each checkpoint
    // copied them again (measured: ingest of 1,000,000 sign-ins 10% faster); the log file is
    // cut back to 64 MB after each checkpoint.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA mmap_size = 1073741824;
         PRAGMA wal_autocheckpoint = 16384;
         PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

/// A connection set for a bulk write (a sync, the demo) until dropped, then set back for views.
/// A bulk write writes far more than it reads: SQLite's bounded page cache serves it, and a
/// memory map only counts the file's pages as the process's resident memory (measured: the demo
/// of 10,000,000 sign-ins peaked at 1.16 GB, most of it the mapped gigabyte). Sign-ins arrive in
/// time order and their roll-ups are merged in memory before each commit: a 16 MB page cache
/// writes them as fast as 64 MB did (measured on 1,000,000 sign-ins).
pub struct BulkWrite<'c> {
    conn: &'c Connection,
    /// What the connection had (an in-memory database has no memory map to tell).
    mmap_size: Option<i64>,
    cache_size: Option<i64>,
}

/// Sets `conn` for a bulk write while the returned guard lives.
pub fn bulk_write(conn: &Connection) -> Result<BulkWrite<'_>> {
    let get = |pragma: &str| {
        conn.pragma_query_value(None, pragma, |r| r.get::<_, i64>(0))
            .optional()
    };
    let guard = BulkWrite {
        conn,
        mmap_size: get("mmap_size")?,
        cache_size: get("cache_size")?,
    };
    set_for_bulk_write(conn)?;
    Ok(guard)
}

impl Drop for BulkWrite<'_> {
    fn drop(&mut self) {
        // Best effort: a connection left unmapped reads correctly, only slower.
        for (pragma, value) in [
            ("mmap_size", self.mmap_size),
            ("cache_size", self.cache_size),
        ] {
            if let Some(v) = value {
                let _ = self.conn.pragma_update(None, pragma, v);
            }
        }
    }
}

/// Sets `conn` for a bulk write for good (a connection that does nothing else); see [`BulkWrite`].
pub fn set_for_bulk_write(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "mmap_size", 0)?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // All pending migrations run in one transaction: a failure leaves the file as it was.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> Result<()> {
        for sql in &MIGRATIONS[found as usize..] {
            conn.execute_batch(sql)?;
        }
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(())
}

/// Refreshes the query planner's statistics after a large write, sampling a bounded number of
/// rows per index so that it stays quick on a 10,000,000-sign-in cache.
pub fn refresh_statistics(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    Ok(())
}

/// Milliseconds for an optional instant.
pub(crate) fn ms(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<i64> {
    t.map(crate::clock::to_ms)
}

pub(crate) fn time(ms: Option<i64>) -> Option<chrono::DateTime<chrono::Utc>> {
    ms.map(crate::clock::from_ms)
}

pub(crate) fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn parse_json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_write_runs_unmapped_with_a_small_page_cache_and_gives_the_views_theirs_back() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("cache.db")).unwrap();
        let get =
            |pragma: &str| -> i64 { conn.pragma_query_value(None, pragma, |r| r.get(0)).unwrap() };
        assert_eq!((get("mmap_size"), get("cache_size")), (1 << 30, -65_536));
        {
            let _bulk = bulk_write(&conn).unwrap();
            assert_eq!((get("mmap_size"), get("cache_size")), (0, -16_384));
        }
        assert_eq!((get("mmap_size"), get("cache_size")), (1 << 30, -65_536));
        // An in-memory cache has no memory map to give back.
        let memory = open_in_memory().unwrap();
        drop(bulk_write(&memory).unwrap());
    }

    #[test]
    fn an_empty_database_migrates_to_the_current_version() {
        let conn = open_in_memory().unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            tables >= 12,
            "every table of the schema exists, found {tables}"
        );
    }

    #[test]
    fn a_file_cache_uses_wal_and_reopens_without_migrating_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/steward.db");
        {
            let conn = open(&path).unwrap();
            let mode: String = conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            let fk: i64 = conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap();
            assert_eq!(fk, 1);
        }
        let conn = open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_the_owner_s_alone_whatever_the_umask_and_a_wider_file_is_narrowed() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/steward/steward.db");
        let conn = open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert_eq!(mode(&dir.path().join("data")), 0o700, "created folders");
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&path), 0o600, "the cache file");
        for side in ["steward.db-wal", "steward.db-shm"] {
            let p = path.with_file_name(side);
            assert_eq!(mode(&p), 0o600, "{side} takes the database's permissions");
        }
        drop(conn);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        open(&path).unwrap();
        assert_eq!(
            mode(&path),
            0o600,
            "a file found readable by others is narrowed"
        );
    }

    /// SQLite (3.5x) without statistics answers `tenant = ? AND <column> = ?` by scanning every
    /// row of the tenant when the index does not cover the query: these per-object statements
    /// name their index.
    #[test]
    fn per_object_statements_search_by_their_object() {
        let conn = open_in_memory().unwrap();
        for sql in [
            federated_credentials::CLEAR_FOR_APPLICATION,
            app_role_assignments::FOR_PRINCIPAL,
            directory_roles::FOR_PRINCIPAL,
            applications::BY_APP_ID,
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params![1, "x"], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.iter().all(|p| !p.ends_with("(tenant=?)")),
                "{sql}: {plan:?}"
            );
        }
    }

    #[test]
    fn a_cache_from_a_newer_steward_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("PRAGMA user_version = 999").unwrap();
        }
        let err = open(&path).unwrap_err().to_string();
        assert!(err.contains("newer Steward"), "{err}");
        assert!(
            err.contains("--db"),
            "the message says what to do next: {err}"
        );
    }
}
