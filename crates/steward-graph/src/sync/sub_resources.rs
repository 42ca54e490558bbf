//! Per-object sub-resources (app-role assignments, owners, sponsors): read for every
//! application or service principal through `$batch`, resumable by the last object done.

use rusqlite::{params, Connection};
use steward_core::dataset::ReadMode;
use steward_core::store::{app_role_assignments, TenantKey};

use super::batch::BATCH_MAX;
use super::client::{license_code, Client, Fetch};
use super::page::{bad_item, items, next_link};
use super::plan::{PerObject, Plan};
use super::report::mark_unavailable;
use super::state::{complete, in_tx, load_state, save_state};
use super::{DatasetReport, Progress, ProgressInfo, SyncError, SyncResult};
use crate::json::Obj;
use crate::wire::{self, Dataset};

/// A sub-resource's rows for one object.
enum SubRows {
    Assignments(Vec<steward_core::model::AppRoleAssignment>),
    Owners(Vec<steward_core::model::Owner>),
}

impl SubRows {
    fn len(&self) -> usize {
        match self {
            SubRows::Assignments(v) => v.len(),
            SubRows::Owners(v) => v.len(),
        }
    }
}

/// Application permissions (`appRoleAssignments`) of every service principal, or owners of every
/// application and service principal, read through `$batch` twenty objects at a time in id
/// order. The position is the last object done (`after:<id>` in `sync_state.next_link`); each
/// batch replaces those objects' rows, and a completed pass drops the rows of objects that are
/// gone.
pub(super) async fn sync_sub_resources(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    p: &Plan,
    spec: &PerObject,
    now: i64,
    progress: Progress<'_>,
) -> SyncResult<DatasetReport> {
    let d = p.dataset;
    let mut state = load_state(conn, key, d, &client.opts.graph_url)?;
    let mut after = state
        .next_link
        .as_deref()
        .and_then(|s| s.strip_prefix("after:"))
        .unwrap_or("")
        .to_string();
    if state.next_link.is_none() {
        state.round_started = Some(now);
    }
    let mut report = DatasetReport::new(d, ReadMode::Full);
    let total: i64 = conn.query_row(spec.count, params![key.0], |r| r.get(0))?;
    let mut done: i64 = conn.query_row(spec.count_done, params![key.0, after], |r| r.get(0))?;
    let list = format!(
        "SELECT c, id, derived FROM ({}) WHERE id > ?2 ORDER BY id LIMIT ?3",
        spec.objects
    );
    // Up to `concurrency` batches of twenty objects in flight, committed together.
    let lanes = client.opts.concurrency.clamp(1, 16);
    loop {
        client.check_cancel()?;
        // (collection, id, the derived type the relation is read on, or "").
        let rows: Vec<(String, String, String)> = conn
            .prepare_cached(&list)?
            .query_map(
                params![key.0, after, lanes as i64 * BATCH_MAX as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let Some((_, last, _)) = rows.last().cloned() else {
            break;
        };
        // Each object's relation path, without the query.
        let objects: Vec<(String, String)> = rows
            .iter()
            .map(|(c, id, cast)| {
                let path = match cast.as_str() {
                    "" => format!("/{c}/{id}/{}", p.path),
                    cast => format!("/{c}/{id}/{cast}/{}", p.path),
                };
                (path, id.clone())
            })
            .collect();
        let paths: Vec<String> = objects
            .iter()
            .map(|(path, _)| format!("{path}?{}", p.query))
            .collect();
        let answers = client.batch_get_concurrent(p.version, &paths).await?;
        let mut read: Vec<(String, SubRows)> = Vec::new();
        for ((path, id), (status, body)) in objects.iter().zip(answers) {
            let url = format!("$batch GET {path}");
            match status {
                200 => {
                    let mut items_read = Vec::new();
                    let mut body = body;
                    loop {
                        items_read.extend(items(&body, &url)?);
                        // More than a page: the rest by plain GETs.
                        let Some(next) = next_link(&body) else {
                            break;
                        };
                        body = match client.get(&next).await? {
                            Fetch::Ok(v) => v,
                            _ => {
                                return Err(SyncError::Unexpected {
                                    url: next,
                                    message: format!(
                                        "the next page of {} could not be read; run sync again",
                                        d.name()
                                    ),
                                })
                            }
                        };
                    }
                    let relation = if d == Dataset::Sponsors {
                        steward_core::model::OwnerRelation::Sponsor
                    } else {
                        steward_core::model::OwnerRelation::Owner
                    };
                    let rows = match d {
                        Dataset::Owners | Dataset::Sponsors => SubRows::Owners(
                            items_read
                                .iter()
                                .enumerate()
                                .map(|(i, m)| {
                                    wire::owner(Obj(m), id, relation)
                                        .map_err(|e| bad_item(&url, d, i, e))
                                })
                                .collect::<SyncResult<_>>()?,
                        ),
                        _ => SubRows::Assignments(
                            items_read
                                .iter()
                                .enumerate()
                                .map(|(i, m)| {
                                    wire::app_role_assignment(Obj(m))
                                        .map_err(|e| bad_item(&url, d, i, e))
                                })
                                .collect::<SyncResult<_>>()?,
                        ),
                    };
                    read.push((id.clone(), rows));
                }
                // Deleted since the objects were read: nothing to hold.
                404 => read.push((id.clone(), SubRows::Owners(Vec::new()))),
                403 | 400
                    if status == 403
                        || license_code(body["error"]["code"].as_str().unwrap_or("")) =>
                {
                    let why = body["error"]["message"].as_str().unwrap_or("").to_string();
                    let detail = format!("needs {}: {why}", p.needs);
                    mark_unavailable(conn, key, now, &mut report, detail)?;
                    return Ok(report);
                }
                _ => {
                    return Err(SyncError::Http {
                        url,
                        status,
                        code: body["error"]["code"].as_str().unwrap_or("").into(),
                        message: body["error"]["message"].as_str().unwrap_or("").into(),
                    })
                }
            }
        }
        let n: usize = read.iter().map(|(_, rows)| rows.len()).sum();
        state.next_link = Some(format!("after:{last}"));
        in_tx(conn, || {
            for (id, rows) in &read {
                conn.prepare_cached(spec.clear)?
                    .execute(params![key.0, id])?;
                match rows {
                    SubRows::Assignments(v) => {
                        for a in v {
                            app_role_assignments::upsert_app_role_assignment(conn, key, a)?;
                        }
                    }
                    SubRows::Owners(v) => {
                        for o in v {
                            steward_core::store::owners::upsert_owner(conn, key, o)?;
                        }
                    }
                }
            }
            save_state(conn, key, d, &state, n as u64)
        })?;
        after = last;
        done += objects.len() as i64;
        report.items += n as u64;
        report.pages += 1;
        progress(&ProgressInfo {
            dataset: d,
            items: report.items,
            total: None,
            fraction: (total > 0).then(|| (done as f64 / total as f64).min(1.0)),
        });
    }
    state.next_link = None;
    state.round_started = None;
    report.removed = in_tx(conn, || {
        let gone = conn.execute(spec.cleanup, params![key.0])?;
        save_state(conn, key, d, &state, 0)?;
        complete(conn, key, d, now)?;
        Ok(gone as u64)
    })?;
    Ok(report)
}
