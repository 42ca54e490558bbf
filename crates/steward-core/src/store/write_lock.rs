//! The cache's writer lock: one sync, import or demo writes a cache at a time, and a second one
//! is refused at once with who holds the cache.
//!
//! SQLite alone would let two writers take turns page by page: two syncs of one tenant then
//! interleave their resumable positions (`sync_state`, `sync_seen`) and remove each other's rows
//! (measured: a whole-read dataset kept 4 of 129 rows), and a writer that waits longer than the
//! busy timeout fails with "database is locked". The lock is an advisory `flock` on
//! `<cache>.lock` beside the cache: the kernel releases it when its process ends, however it
//! ends, so a killed sync never leaves a stale lock. Readers (the window's pages, the CLI's
//! reports) never take it, so they read while a writer works, as WAL allows.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::{clock, Error, Result};

/// Held while a process writes the cache; dropping it releases the cache to the next writer.
#[derive(Debug)]
pub struct WriteLock {
    /// The open lock file (its lock lives as long as it); `None` for a cache in memory.
    _file: Option<File>,
}

/// The lock file of the cache file at `db`: `cache.db` → `cache.db.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the writer lock of the cache `conn` is open on, for `what` (say "a sync of tenant
/// …"), or refuses at once, naming the cache and who holds it. A cache in memory needs no lock.
pub fn lock_for_writing(conn: &Connection, what: &str) -> Result<WriteLock> {
    let db = match conn.path() {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => return Ok(WriteLock { _file: None }),
    };
    let path = lock_path(&db);
    let open_error = |e: std::io::Error| Error::Open {
        path: db.clone(),
        source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
    };
    let mut file = lock_file(&path).map_err(open_error)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "another process".into());
            return Err(Error::InvalidInput(format!(
                "another Steward is writing the cache at {} ({holder}); wait for it to finish or close it, then run again",
                db.display()
            )));
        }
        // A file system without locks (some network shares): writing unlocked is what every
        // Steward did before the lock existed, better than refusing to work at all.
        Err(TryLockError::Error(_)) => return Ok(WriteLock { _file: None }),
    }
    // Who holds the cache, for the message of a writer refused meanwhile. Best effort: the lock
    // is what keeps the second writer out, not this text.
    let holder = format!(
        "{what}, process {}, since {}",
        std::process::id(),
        clock::rfc3339(clock::now())
    );
    let _ = file
        .set_len(0)
        .and_then(|()| file.write_all(holder.as_bytes()));
    Ok(WriteLock { _file: Some(file) })
}

/// Opens (creating if needed) the lock file, private to its owner like the cache itself. It is
/// never truncated on open: a writer that holds the lock has written its name there.
fn lock_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holder_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.db");
        let first = crate::store::open(&db).unwrap();
        let second = crate::store::open(&db).unwrap();
        let held = lock_for_writing(&first, "a sync of tenant t1").unwrap();
        let refused = lock_for_writing(&second, "an import")
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("another Steward is writing the cache at")
                && refused.contains(&db.display().to_string())
                && refused.contains("a sync of tenant t1, process ")
                && refused.contains("wait for it to finish"),
            "{refused}"
        );
        // A reader is never refused: the window reads while the CLI writes.
        let n: i64 = second
            .query_row("SELECT count(*) FROM tenants", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        drop(held);
        lock_for_writing(&second, "an import").expect("free once the first writer is done");
        let memory = crate::store::open_in_memory().unwrap();
        lock_for_writing(&memory, "a test").expect("a cache in memory has no lock");
    }
}
