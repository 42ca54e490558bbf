//! Applications and service principals: full rounds (the set difference of what a round saw)
//! and the choice between a full and a delta round.

use rusqlite::{params, Connection};
use serde_json::Value;
use steward_core::dataset::ReadMode;
use steward_core::store::{applications, service_principals, TenantKey};

use super::client::{Client, Fetch};
use super::delta::delta_page;
use super::page::{bad_item, items, next_link};
use super::plan::Plan;
use super::report::mark_unavailable;
use super::state::{complete, in_tx, load_state, save_state, State};
use super::{DatasetReport, Progress, ProgressInfo, SyncError, SyncResult};
use crate::json::Obj;
use crate::wire::{self, Dataset};

/// A round over applications or service principals: a delta round when the last round left a
/// delta link, else a full round (which takes one for the next sync).
pub(super) async fn sync_directory(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    home: &str,
    p: &Plan,
    now: i64,
    progress: Progress<'_>,
) -> SyncResult<DatasetReport> {
    let d = p.dataset;
    let graph = client.opts.graph_url.trim_end_matches('/').to_string();
    let (version, path) = (p.version, p.path);
    let first = format!("{graph}/{version}/{path}?$top=999&$count=true&{}", p.query);
    let mut state = load_state(conn, key, d, &client.opts.graph_url)?;
    let mut report = DatasetReport::new(d, ReadMode::Full);
    let mut delta_expired = false;
    let mut total: Option<u64> = None;
    'round: loop {
        if state.next_link.is_none() {
            match state.delta_link.clone() {
                Some(link) => {
                    state.next_link = Some(link);
                    state.round_started = Some(now);
                    in_tx(conn, || save_state(conn, key, d, &state, 0))?;
                }
                None => {
                    // A delta link from before the first page: what changes while this round
                    // runs is read by the next one.
                    let latest = format!("{graph}/{version}/{path}/delta?$deltatoken=latest");
                    let pending = match client.get(&latest).await? {
                        Fetch::Ok(v) => v
                            .get("@odata.deltaLink")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        // Without delta (a cloud or proxy lacking it), every sync is a full round.
                        _ => None,
                    };
                    state = State {
                        next_link: Some(first.clone()),
                        round_started: Some(now),
                        pending_delta: pending,
                        ..State::default()
                    };
                    in_tx(conn, || {
                        conn.prepare_cached(
                            "DELETE FROM sync_seen WHERE tenant = ?1 AND dataset = ?2",
                        )?
                        .execute(params![key.0, d.name()])?;
                        save_state(conn, key, d, &state, 0)
                    })?;
                }
            }
        }
        let delta_round = state
            .next_link
            .as_deref()
            .is_some_and(|u| u.contains(&format!("/{path}/delta")));
        report.mode = if delta_round {
            ReadMode::Delta
        } else {
            ReadMode::Full
        };
        if delta_expired && !delta_round {
            report.detail = Some(
                "the last delta link had expired (Graph keeps them seven days): read in full"
                    .into(),
            );
        }
        while let Some(url) = state.next_link.clone() {
            client.check_cancel()?;
            let v = match client.get(&url).await? {
                Fetch::Ok(v) => v,
                Fetch::PageTokenExpired => {
                    // Only this collection restarts: a full round from its first page (what it
                    // has seen stays seen), a delta round from its delta link.
                    state.next_link = if delta_round {
                        state.delta_link.clone()
                    } else {
                        Some(first.clone())
                    };
                    in_tx(conn, || save_state(conn, key, d, &state, 0))?;
                    continue;
                }
                Fetch::DeltaExpired => {
                    // Graph forgot the link (after seven days): a full round, whose set
                    // difference removes what was deleted meanwhile.
                    state.delta_link = None;
                    state.next_link = None;
                    in_tx(conn, || save_state(conn, key, d, &state, 0))?;
                    delta_expired = true;
                    continue 'round;
                }
                Fetch::Forbidden(why) => {
                    let detail = format!("needs {}: {why}", p.needs);
                    mark_unavailable(conn, key, now, &mut report, detail)?;
                    return Ok(report);
                }
            };
            let page = items(&v, &url)?;
            if let Some(c) = v.get("@odata.count").and_then(Value::as_u64) {
                total = Some(c);
            }
            let (n, removed) = if delta_round {
                delta_page(client, conn, key, home, p, &url, &v, page, &mut state, now).await?
            } else {
                full_page(conn, key, home, p, &url, &v, &page, &mut state, now)?
            };
            report.items += n;
            report.pages += 1;
            report.removed += removed;
            progress(&ProgressInfo {
                dataset: d,
                items: report.items,
                total: total.map(|t| t.max(report.items)),
                fraction: None,
            });
        }
        return Ok(report);
    }
}

/// Commits one page of a full round; at its end, removes what the round did not see.
#[allow(clippy::too_many_arguments)]
fn full_page(
    conn: &Connection,
    key: TenantKey,
    home: &str,
    p: &Plan,
    url: &str,
    v: &Value,
    page: &[serde_json::Map<String, Value>],
    state: &mut State,
    now: i64,
) -> SyncResult<(u64, u64)> {
    let d = p.dataset;
    let next = next_link(v);
    let removed = in_tx(conn, || {
        let mut seen = conn.prepare_cached(
            "INSERT OR IGNORE INTO sync_seen (tenant, dataset, id) VALUES (?1, ?2, ?3)",
        )?;
        for (i, m) in page.iter().enumerate() {
            let id =
                upsert_object(conn, key, home, d, Obj(m)).map_err(|e| bad_item(url, d, i, e))??;
            seen.execute(params![key.0, d.name(), id])?;
        }
        state.next_link = next.clone();
        let mut removed = 0;
        if next.is_none() {
            // The round is complete: what it did not see is gone from the tenant.
            let (table, column, scope) = (p.table, p.key, p.scope);
            let gone: Vec<String> = conn
                .prepare(&format!(
                    "SELECT t.{column} FROM {table} t WHERE t.tenant = ?1 AND ({scope}) AND NOT EXISTS
                     (SELECT 1 FROM sync_seen s WHERE s.tenant = ?1 AND s.dataset = ?2 AND s.id = t.{column})"
                ))?
                .query_map(params![key.0, d.name()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in &gone {
                delete_object(conn, key, d, id)?;
            }
            removed = gone.len() as u64;
            conn.prepare_cached("DELETE FROM sync_seen WHERE tenant = ?1 AND dataset = ?2")?
                .execute(params![key.0, d.name()])?;
            state.round_started = None;
            state.delta_link = state.pending_delta.take();
        }
        save_state(conn, key, d, state, page.len() as u64)?;
        if next.is_none() {
            complete(conn, key, d, now)?;
        }
        Ok(removed)
    })?;
    Ok((page.len() as u64, removed))
}

/// Converts and upserts one application or service principal; its id, or why the item is not one.
pub(super) fn upsert_object(
    conn: &Connection,
    key: TenantKey,
    home: &str,
    d: Dataset,
    o: Obj<'_>,
) -> Result<SyncResult<String>, String> {
    Ok(match d {
        Dataset::Applications => {
            let a = wire::application(o)?;
            applications::upsert_application(conn, key, &a)
                .map(|()| a.id)
                .map_err(SyncError::from)
        }
        _ => {
            let sp = wire::service_principal(o)?;
            service_principals::upsert_service_principal(conn, key, home, &sp)
                .map(|()| sp.id)
                .map_err(SyncError::from)
        }
    })
}

pub(super) fn delete_object(
    conn: &Connection,
    key: TenantKey,
    d: Dataset,
    id: &str,
) -> SyncResult<()> {
    if d == Dataset::Applications {
        applications::delete_application(conn, key, id)?;
    } else {
        service_principals::delete_service_principal(conn, key, id)?;
    }
    Ok(())
}
