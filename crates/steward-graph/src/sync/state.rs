//! The `sync_state` store: where each dataset's read stands (load, save, complete), committed
//! in the same transaction as the rows it covers.

use rusqlite::{params, Connection, OptionalExtension};
use steward_core::dataset::DatasetSource;
use steward_core::store::{datasets, TenantKey};

use super::client::on_another_origin;
use super::SyncResult;
use crate::wire::Dataset;

#[derive(Default, Clone)]
pub(super) struct State {
    pub(super) next_link: Option<String>,
    pub(super) round_started: Option<i64>,
    pub(super) window_from: Option<i64>,
    pub(super) window_to: Option<i64>,
    pub(super) done_to: Option<i64>,
    pub(super) delta_link: Option<String>,
    pub(super) pending_delta: Option<String>,
}

/// Where `d` stands. A saved link on another origin than `graph_url` (the tenant was synced
/// through another Graph URL, or the cache was tampered with) is never followed: the dataset
/// starts over, keeping only how far its log was read completely.
pub(super) fn load_state(
    conn: &Connection,
    key: TenantKey,
    d: Dataset,
    graph_url: &str,
) -> SyncResult<State> {
    let state = conn
        .prepare_cached(
            "SELECT next_link, round_started, window_from, window_to, done_to, delta_link,
                    pending_delta
             FROM sync_state WHERE tenant = ?1 AND dataset = ?2",
        )?
        .query_row(params![key.0, d.name()], |r| {
            Ok(State {
                next_link: r.get(0)?,
                round_started: r.get(1)?,
                window_from: r.get(2)?,
                window_to: r.get(3)?,
                done_to: r.get(4)?,
                delta_link: r.get(5)?,
                pending_delta: r.get(6)?,
            })
        })
        .optional()?
        .unwrap_or_default();
    let links = [&state.next_link, &state.delta_link, &state.pending_delta];
    if links
        .into_iter()
        .flatten()
        .any(|l| on_another_origin(l, graph_url))
    {
        return Ok(State {
            done_to: state.done_to,
            ..State::default()
        });
    }
    Ok(state)
}

pub(super) fn save_state(
    conn: &Connection,
    key: TenantKey,
    d: Dataset,
    s: &State,
    items: u64,
) -> SyncResult<()> {
    conn.prepare_cached(
        "INSERT INTO sync_state (tenant, dataset, next_link, round_started, window_from, window_to,
                                 done_to, items, delta_link, pending_delta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (tenant, dataset) DO UPDATE SET next_link = excluded.next_link,
             round_started = excluded.round_started, window_from = excluded.window_from,
             window_to = excluded.window_to, done_to = excluded.done_to,
             items = sync_state.items + excluded.items, delta_link = excluded.delta_link,
             pending_delta = excluded.pending_delta",
    )?
    .execute(params![
        key.0,
        d.name(),
        s.next_link,
        s.round_started,
        s.window_from,
        s.window_to,
        s.done_to,
        items as i64,
        s.delta_link,
        s.pending_delta
    ])?;
    Ok(())
}

pub(super) fn complete(conn: &Connection, key: TenantKey, d: Dataset, now: i64) -> SyncResult<()> {
    conn.prepare_cached(
        "UPDATE sync_state SET completed_at = ?3 WHERE tenant = ?1 AND dataset = ?2",
    )?
    .execute(params![key.0, d.name(), now])?;
    datasets::mark_read(conn, key, d, now, DatasetSource::Sync)?;
    Ok(())
}

/// Runs `f` in one transaction.
pub(super) fn in_tx<T>(conn: &Connection, f: impl FnOnce() -> SyncResult<T>) -> SyncResult<T> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match f() {
        Ok(v) => {
            conn.execute_batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
