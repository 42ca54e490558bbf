//! The sign-in sync's writes, on a thread of their own: the pages read are handed to the writer
//! a few at a time, and it inserts them while the next are fetched and parsed, committing when
//! told with the position after the last page it holds. Measured against graph-sim, whose pages
//! cost about what the writes cost: the fetch and the writes took turns before, each waiting for
//! the other (the benchmark's full sync of 10,000,000 sign-ins: 835 s, now 524 s); against
//! Graph, a page's latency hides the writes.
//!
//! At most `QUEUED` hand-overs wait for the writer, so memory holds a few pages, not a commit's
//! worth. Each commit is one transaction with the position after its last page: a run stopped
//! anywhere resumes after the last commit. A failed write stops the read at its next hand-over.

use std::thread::JoinHandle;

use rusqlite::Connection;
use steward_core::model::SignIn;
use steward_core::store::{self, sign_ins::SignInWriter, TenantKey};
use tokio::sync::{mpsc, oneshot};

use super::state::{complete, save_state, State};
use super::{SyncError, SyncResult};
use crate::wire::Dataset;

/// Hand-overs waiting for the writer, at most, beside the one it writes and the one being
/// gathered (a sign-in is about 1.2 KB parsed). Reading goes on while the writer commits: with
/// room for only two pages ahead, 1,000,000 sign-ins took 25–31 s against graph-sim; with eight
/// or more, 20–23 s. One hand-over of `window.rs`'s 8,000 sign-ins queued and one being gathered
/// are sixteen pages of 1,000 ahead of the writer.
const QUEUED: usize = 1;

/// Sign-ins of consecutive pages, the position after the last, and whether to commit with them.
struct Handed {
    rows: Vec<SignIn>,
    state: State,
    commit: bool,
}

/// The writer's side: the open transaction and what it holds.
struct Tx {
    key: TenantKey,
    now: i64,
    writer: SignInWriter,
    /// Sign-ins inserted since the last commit, and the position after them; `None` when no
    /// transaction is open.
    open: Option<(u64, State)>,
}

impl Tx {
    fn new(key: TenantKey, now: i64) -> Tx {
        Tx {
            key,
            now,
            writer: SignInWriter::new(key),
            open: None,
        }
    }

    /// Inserts what was handed over, committing when it says so. On an error the transaction is
    /// rolled back.
    fn add(&mut self, conn: &Connection, part: Handed) -> SyncResult<()> {
        let r = self.insert(conn, part);
        if r.is_err() {
            self.roll_back(conn);
        }
        r
    }

    fn insert(&mut self, conn: &Connection, mut part: Handed) -> SyncResult<()> {
        if self.open.is_none() {
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        // Graph lists newest first; written oldest first, the rows go into the log's key in an
        // ascending run, which leaves its pages fuller.
        part.rows.sort_unstable_by(|a, b| {
            (a.created_date_time, &a.id).cmp(&(b.created_date_time, &b.id))
        });
        for s in &part.rows {
            self.writer.insert(conn, s)?;
        }
        let held = self.open.take().map_or(0, |(n, _)| n);
        self.open = Some((held + part.rows.len() as u64, part.state));
        if part.commit {
            self.commit(conn)?;
        }
        Ok(())
    }

    /// Commits the open transaction: the roll-ups, the position after its last page and, when
    /// the read is done, the dataset's completion.
    fn commit(&mut self, conn: &Connection) -> SyncResult<()> {
        let Some((rows, state)) = self.open.take() else {
            return Ok(());
        };
        let r = (|| {
            self.writer.flush(conn)?;
            save_state(conn, self.key, Dataset::SignIns, &state, rows)?;
            if state.next_link.is_none() {
                complete(conn, self.key, Dataset::SignIns, self.now)?;
            }
            conn.execute_batch("COMMIT")?;
            Ok(())
        })();
        if r.is_err() {
            self.roll_back(conn);
        }
        r
    }

    fn roll_back(&mut self, conn: &Connection) {
        if self.open.take().is_some() || !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        // What the writer remembered of the rolled-back transaction is void.
        self.writer = SignInWriter::new(self.key);
    }
}

enum Writes<'c> {
    /// A writer thread with its own connection to the cache file.
    Thread {
        handed: mpsc::Sender<Handed>,
        /// The writer's outcome; taken once it has told an error.
        outcome: Option<oneshot::Receiver<SyncResult<()>>>,
        thread: JoinHandle<()>,
    },
    /// A cache with no file (in memory) cannot be opened twice: what is handed over is written
    /// here, in turn with the fetch.
    Here { conn: &'c Connection, tx: Box<Tx> },
}

pub(super) struct Committer<'c> {
    writes: Writes<'c>,
}

impl<'c> Committer<'c> {
    /// Writes into the cache `conn` has open: on a thread with a connection of its own when the
    /// cache is a file. `now` is the sync's instant (a dataset read to its end is complete then).
    pub(super) fn new(conn: &'c Connection, key: TenantKey, now: i64) -> SyncResult<Committer<'c>> {
        let writes = match conn.path().filter(|p| !p.is_empty()) {
            Some(path) => {
                let own = store::open(std::path::Path::new(path))?;
                // A page cache of its own (16 MB): 8 MB took the full sync of 10,000,000
                // sign-ins from 666 s to 826 s for 12 MB less memory.
                store::set_for_bulk_write(&own)?;
                // The sync's own connection rests meanwhile: what it cached of the directory
                // datasets is given back rather than held beside the writer's.
                conn.execute_batch("PRAGMA shrink_memory")?;
                let (handed, mut received) = mpsc::channel::<Handed>(QUEUED);
                let (told, outcome) = oneshot::channel();
                let thread = std::thread::Builder::new()
                    .name("sign-in writer".into())
                    .spawn(move || {
                        let mut tx = Tx::new(key, now);
                        let mut r = Ok(());
                        while let Some(part) = received.blocking_recv() {
                            r = tx.add(&own, part);
                            if r.is_err() {
                                break;
                            }
                        }
                        // The read stopped (done, cancelled, refused, failed): what it handed
                        // over is whole pages with the position after them, kept.
                        if r.is_ok() {
                            r = tx.commit(&own);
                        }
                        // The sync stopped waiting (dropped): nobody to tell.
                        let _ = told.send(r);
                    })
                    .map_err(|e| SyncError::WriterStopped(e.to_string()))?;
                Writes::Thread {
                    handed,
                    outcome: Some(outcome),
                    thread,
                }
            }
            None => Writes::Here {
                conn,
                tx: Box::new(Tx::new(key, now)),
            },
        };
        Ok(Committer { writes })
    }

    /// Hands over the sign-ins of consecutive pages and the position after the last, to be
    /// committed with them when `commit` (or with a later hand-over). An error of an earlier
    /// hand-over is returned here.
    pub(super) async fn hand_over(
        &mut self,
        rows: Vec<SignIn>,
        state: &State,
        commit: bool,
    ) -> SyncResult<()> {
        let part = Handed {
            rows,
            state: state.clone(),
            commit,
        };
        match &mut self.writes {
            Writes::Thread {
                handed, outcome, ..
            } => {
                if handed.send(part).await.is_err() {
                    // The writer ended, and only an error ends it early.
                    return Err(match outcome.take() {
                        Some(told) => match told.await {
                            Ok(Err(e)) => e,
                            _ => SyncError::WriterStopped("it ended early".into()),
                        },
                        None => SyncError::WriterStopped("it had ended".into()),
                    });
                }
                Ok(())
            }
            Writes::Here { conn, tx } => tx.add(conn, part),
        }
    }

    /// Commits what was handed over and not yet committed, and ends the writer thread: the
    /// sync's connection is the only writer again.
    pub(super) async fn finish(self) -> SyncResult<()> {
        match self.writes {
            Writes::Thread {
                handed,
                outcome,
                thread,
            } => {
                // The thread commits and ends once its channel is closed.
                drop(handed);
                let r = match outcome {
                    Some(told) => told
                        .await
                        .unwrap_or_else(|_| Err(SyncError::WriterStopped("it panicked".into()))),
                    // Its error was returned by `hand_over` already.
                    None => Ok(()),
                };
                let _ = thread.join();
                r
            }
            Writes::Here { conn, mut tx } => tx.commit(conn),
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::params;
    use serde_json::json;
    use steward_core::model::Tenant;
    use steward_core::store::tenants;

    use super::*;
    use crate::json::Obj;

    fn tenant(conn: &Connection) -> TenantKey {
        let t = Tenant {
            id: "t".into(),
            display_name: "T".into(),
            default_domain: None,
            is_demo: false,
            data_as_of: None,
        };
        tenants::upsert_tenant(conn, &t, false).unwrap()
    }

    /// A cache file with an empty tenant, and the folder that holds it.
    fn file_cache() -> (tempfile::TempDir, Connection, TenantKey) {
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("cache.db")).unwrap();
        let key = tenant(&conn);
        (dir, conn, key)
    }

    /// Sign-ins `first..first + n`, a minute apart, as Graph lists them.
    fn sign_ins(first: u32, n: u32) -> Vec<SignIn> {
        (first..first + n)
            .map(|i| {
                let v = json!({
                    "id": format!("00000000-0000-4000-8000-{i:012}"),
                    "createdDateTime": format!("2026-11-30T{:02}:{:02}:00Z", i / 60, i % 60),
                    "signInEventTypes": ["servicePrincipal"],
                    "servicePrincipalId": "11111111-0000-4000-8000-000000000001",
                    "servicePrincipalName": "daemon",
                    "status": {"errorCode": 0}
                });
                crate::wire::sign_in(Obj(v.as_object().unwrap())).unwrap()
            })
            .collect()
    }

    fn at(next_link: Option<&str>) -> State {
        State {
            next_link: next_link.map(str::to_string),
            ..State::default()
        }
    }

    /// How many sign-ins the cache holds, and where the sign-in read stands.
    fn stored(conn: &Connection, key: TenantKey) -> (i64, Option<String>, i64, Option<i64>) {
        let n = conn
            .query_row(
                "SELECT count(*) FROM sign_ins WHERE tenant = ?1",
                [key.0],
                |r| r.get(0),
            )
            .unwrap();
        let (next, items, completed) = conn
            .query_row(
                "SELECT next_link, items, completed_at FROM sync_state
                 WHERE tenant = ?1 AND dataset = ?2",
                params![key.0, Dataset::SignIns.name()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        (n, next, items, completed)
    }

    #[tokio::test]
    async fn sign_ins_written_on_the_thread_land_with_the_position_after_the_last_committed() {
        let (_dir, conn, key) = file_cache();
        let mut c = Committer::new(&conn, key, 7).unwrap();
        assert!(matches!(c.writes, Writes::Thread { .. }));
        c.hand_over(sign_ins(0, 3), &at(Some("https://graph/p2")), false)
            .await
            .unwrap();
        c.hand_over(sign_ins(3, 2), &at(Some("https://graph/p3")), true)
            .await
            .unwrap();
        // The same sign-in again (pages overlap): stored once.
        c.hand_over(sign_ins(4, 2), &at(None), true).await.unwrap();
        c.finish().await.unwrap();
        assert_eq!(stored(&conn, key), (6, None, 7, Some(7)));
    }

    #[tokio::test]
    async fn what_was_handed_over_is_committed_when_the_read_stops_between_commits() {
        let (_dir, conn, key) = file_cache();
        let mut c = Committer::new(&conn, key, 7).unwrap();
        c.hand_over(sign_ins(0, 3), &at(Some("https://graph/p2")), false)
            .await
            .unwrap();
        c.hand_over(sign_ins(3, 3), &at(Some("https://graph/p3")), false)
            .await
            .unwrap();
        // A cancel, a refusal or a failed fetch: the committer finishes.
        c.finish().await.unwrap();
        assert_eq!(
            stored(&conn, key),
            (6, Some("https://graph/p3".into()), 6, None)
        );
    }

    #[tokio::test]
    async fn a_failed_write_stops_the_read_and_keeps_none_of_its_transaction() {
        let (_dir, conn, key) = file_cache();
        conn.execute_batch(
            "CREATE TRIGGER refuse AFTER INSERT ON sign_ins
             WHEN (SELECT count(*) FROM sign_ins) > 3
             BEGIN SELECT RAISE(ABORT, 'the disk is full'); END",
        )
        .unwrap();
        let mut c = Committer::new(&conn, key, 7).unwrap();
        c.hand_over(sign_ins(0, 3), &at(Some("https://graph/p2")), true)
            .await
            .unwrap();
        c.hand_over(sign_ins(3, 2), &at(Some("https://graph/p3")), false)
            .await
            .unwrap();
        // The writer fails on the second page; the read learns it at a later hand-over (the
        // queue may take a page or two first) or, at the latest, when the committer finishes.
        let mut said = None;
        for i in 0..10 {
            if let Err(e) = c.hand_over(sign_ins(5 + i, 1), &at(None), false).await {
                said = Some(e);
                break;
            }
        }
        let e = match said {
            Some(e) => {
                c.finish().await.unwrap();
                e
            }
            None => c.finish().await.unwrap_err(),
        }
        .to_string();
        assert!(e.contains("the disk is full"), "{e}");
        assert!(e.contains("sync again"), "{e}");
        // The first commit and its position; nothing of the transaction that failed.
        assert_eq!(
            stored(&conn, key),
            (3, Some("https://graph/p2".into()), 3, None)
        );
    }

    #[tokio::test]
    async fn a_cache_in_memory_is_written_on_the_sync_s_own_connection() {
        let conn = store::open_in_memory().unwrap();
        let key = tenant(&conn);
        let mut c = Committer::new(&conn, key, 7).unwrap();
        assert!(matches!(c.writes, Writes::Here { .. }));
        c.hand_over(sign_ins(0, 2), &at(Some("https://graph/p2")), false)
            .await
            .unwrap();
        c.hand_over(sign_ins(2, 2), &at(None), false).await.unwrap();
        c.finish().await.unwrap();
        assert_eq!(stored(&conn, key), (4, None, 4, Some(7)));
    }
}
