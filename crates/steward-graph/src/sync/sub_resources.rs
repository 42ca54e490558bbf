//! Per-object sub-resources (app-role assignments, owners, sponsors): read for every
//! application or service principal through `$batch`, resumable by the last object done.

use rusqlite::{params, Connection};
use steward_core::store::{app_role_assignments, TenantKey};

use super::batch::BATCH_MAX;
use super::client::{licence_code, Client, Fetch};
use super::page::{bad_item, items, next_link};
use super::report::mark_unavailable;
use super::state::{complete, in_tx, load_state, save_state};
use super::{DatasetReport, Progress, ProgressInfo, SyncError, SyncResult};
use crate::json::Obj;
use crate::wire::{self, Dataset};

/// A per-object sub-resource read for every application or service principal through `$batch`.
pub(super) struct SubResource {
    /// `v1.0` or `beta`.
    version: &'static str,
    /// (collection, id) of the objects after ?2, in id order, at most ?3 of them.
    objects: &'static str,
    /// How many objects there are (?1 tenant), and how many up to ?2.
    count: &'static str,
    count_done: &'static str,
    /// The path segment after `/{collection}/{id}/`, and its query.
    segment: &'static str,
    query: &'static str,
    /// Clears one object's rows (?1 tenant, ?2 object id) before its fresh ones are written.
    clear: &'static str,
    /// Drops the rows of objects no longer in the cache (?1 tenant).
    cleanup: &'static str,
    needs: &'static str,
}

pub(super) fn sub_resource(d: Dataset) -> Option<SubResource> {
    const SPS: &str = "SELECT 'servicePrincipals' AS c, id FROM service_principals
                       WHERE tenant = ?1 AND deleted IS NULL";
    const BOTH: &str = "SELECT 'applications' AS c, id FROM applications
                        WHERE tenant = ?1 AND deleted IS NULL
                        UNION ALL SELECT 'servicePrincipals', id FROM service_principals
                        WHERE tenant = ?1 AND deleted IS NULL";
    Some(match d {
        Dataset::AppRoleAssignments => SubResource {
            version: "v1.0",
            objects: SPS,
            count: "SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NULL",
            count_done: "SELECT count(*) FROM service_principals
                         WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2",
            segment: "appRoleAssignments",
            query: "$select=id,principalId,resourceId,resourceDisplayName,appRoleId,createdDateTime",
            // Without the hint SQLite 3.5x scans every assignment of the tenant (no statistics).
            clear: "DELETE FROM app_role_assignments INDEXED BY app_role_assignments_by_principal
                    WHERE tenant = ?1 AND principal_id = ?2",
            cleanup: "DELETE FROM app_role_assignments WHERE tenant = ?1 AND principal_id NOT IN
                      (SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
            needs: "Application.Read.All",
        },
        Dataset::Owners => SubResource {
            version: "v1.0",
            objects: BOTH,
            count: "SELECT (SELECT count(*) FROM applications WHERE tenant = ?1 AND deleted IS NULL)
                         + (SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
            count_done: "SELECT (SELECT count(*) FROM applications
                                 WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2)
                              + (SELECT count(*) FROM service_principals
                                 WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2)",
            segment: "owners",
            query: "$select=id,displayName,userPrincipalName,appId,servicePrincipalType",
            clear: "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND relation = 'owner'",
            cleanup: "DELETE FROM owners WHERE tenant = ?1 AND relation = 'owner' AND object_id NOT IN
                      (SELECT id FROM applications WHERE tenant = ?1 AND deleted IS NULL
                       UNION SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
            needs: "Application.Read.All",
        },
        Dataset::Sponsors => SubResource {
            version: "beta",
            objects: "SELECT 'servicePrincipals' AS c, id FROM service_principals
                      WHERE tenant = ?1 AND deleted IS NULL AND kind = 'agentIdentity'",
            count: "SELECT count(*) FROM service_principals
                    WHERE tenant = ?1 AND deleted IS NULL AND kind = 'agentIdentity'",
            count_done: "SELECT count(*) FROM service_principals
                         WHERE tenant = ?1 AND deleted IS NULL AND kind = 'agentIdentity' AND id <= ?2",
            segment: "microsoft.graph.agentIdentity/sponsors",
            query: "$select=id,displayName,userPrincipalName",
            clear: "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND relation = 'sponsor'",
            cleanup: "DELETE FROM owners WHERE tenant = ?1 AND relation = 'sponsor' AND object_id NOT IN
                      (SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL
                       AND kind = 'agentIdentity')",
            needs: "AgentIdentity.ReadWrite.All (Graph names no read-only permission for sponsors)",
        },
        _ => return None,
    })
}

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
    d: Dataset,
    spec: &SubResource,
    now: i64,
    progress: Progress<'_>,
) -> SyncResult<DatasetReport> {
    let mut state = load_state(conn, key, d)?;
    let mut after = state
        .next_link
        .as_deref()
        .and_then(|s| s.strip_prefix("after:"))
        .unwrap_or("")
        .to_string();
    if state.next_link.is_none() {
        state.round_started = Some(now);
    }
    let mut report = DatasetReport {
        dataset: d,
        mode: "full".into(),
        status: "ok".into(),
        detail: None,
        items: 0,
        pages: 0,
        removed: 0,
    };
    let total: i64 = conn.query_row(spec.count, params![key.0], |r| r.get(0))?;
    let mut done: i64 = conn.query_row(spec.count_done, params![key.0, after], |r| r.get(0))?;
    let list = format!(
        "SELECT c, id FROM ({}) WHERE id > ?2 ORDER BY id LIMIT ?3",
        spec.objects
    );
    // Up to `concurrency` batches of twenty objects in flight, committed together.
    let lanes = client.opts.concurrency.clamp(1, 16);
    loop {
        client.check_cancel()?;
        let objects: Vec<(String, String)> = conn
            .prepare_cached(&list)?
            .query_map(
                params![key.0, after, lanes as i64 * BATCH_MAX as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let Some((_, last)) = objects.last().cloned() else {
            break;
        };
        let paths: Vec<String> = objects
            .iter()
            .map(|(c, id)| format!("/{c}/{id}/{}?{}", spec.segment, spec.query))
            .collect();
        let answers = client.batch_get_concurrent(spec.version, &paths).await?;
        let mut read: Vec<(String, SubRows)> = Vec::new();
        for ((c, id), (status, body)) in objects.iter().zip(answers) {
            let url = format!("$batch GET /{c}/{id}/{}", spec.segment);
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
                        || licence_code(body["error"]["code"].as_str().unwrap_or("")) =>
                {
                    let why = body["error"]["message"].as_str().unwrap_or("").to_string();
                    let detail = format!("needs {}: {why}", spec.needs);
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

#[cfg(test)]
mod plan_tests {
    use super::*;
    use crate::sync::SYNCED;

    /// SQLite without statistics may answer `tenant = ? AND principal_id = ?` by scanning every
    /// row of the tenant: each per-object clear must search by its object.
    #[test]
    fn each_per_object_clear_searches_by_the_object() {
        let conn = steward_core::store::open_in_memory().unwrap();
        for d in SYNCED {
            let Some(spec) = sub_resource(d) else {
                continue;
            };
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", spec.clear))
                .unwrap()
                .query_map(params![1, "x"], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.iter().all(|p| !p.ends_with("(tenant=?)")),
                "{}: {plan:?}",
                d.name()
            );
        }
    }
}
