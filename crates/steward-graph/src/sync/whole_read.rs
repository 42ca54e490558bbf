//! Datasets Graph offers no delta for, read whole each sync: each page commits with the keys it
//! saw, and a completed round removes what it did not see (the set difference).

use rusqlite::{params, Connection};
use steward_core::dataset::ReadMode;
use steward_core::store::{applications, insights, service_principals, TenantKey};

use super::client::{Client, Fetch};
use super::page::{bad_item, items, next_link};
use super::plan::Plan;
use super::progress::tell;
use super::report::mark_unavailable;
use super::state::{complete, in_tx, load_state, save_state, State};
use super::{DatasetReport, Progress, SyncError, SyncResult};
use crate::json::Obj;
use crate::wire::{self, Dataset};

/// A dataset Graph offers no delta for, read whole: each page commits with the keys it saw, and
/// a completed round removes what it did not see.
pub(super) async fn sync_whole_read(
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
    let first = p.url(&graph);
    let mut state = load_state(conn, key, d, &client.opts.graph_url)?;
    if state.next_link.is_none() {
        state = State {
            next_link: Some(first.clone()),
            round_started: Some(now),
            ..State::default()
        };
        in_tx(conn, || {
            conn.prepare_cached("DELETE FROM sync_seen WHERE tenant = ?1 AND dataset = ?2")?
                .execute(params![key.0, d.name()])?;
            save_state(conn, key, d, &state, 0)
        })?;
    }
    let mut report = DatasetReport::new(d, ReadMode::Full);
    while let Some(url) = state.next_link.clone() {
        client.check_cancel()?;
        let v = match client.get(&url).await? {
            Fetch::Ok(v) => v,
            Fetch::PageTokenExpired | Fetch::DeltaExpired => {
                state.next_link = Some(first.clone());
                in_tx(conn, || save_state(conn, key, d, &state, 0))?;
                continue;
            }
            Fetch::Forbidden(why) => {
                // The round is abandoned: the next sync starts it afresh.
                state.next_link = None;
                state.round_started = None;
                let detail = format!("needs {}: {why}", p.needs);
                in_tx(conn, || {
                    save_state(conn, key, d, &state, 0)?;
                    mark_unavailable(conn, key, now, &mut report, detail)
                })?;
                return Ok(report);
            }
        };
        let page = items(&v, &url)?;
        let next = next_link(&v);
        let removed = in_tx(conn, || {
            let mut seen = conn.prepare_cached(
                "INSERT OR IGNORE INTO sync_seen (tenant, dataset, id) VALUES (?1, ?2, ?3)",
            )?;
            for (i, m) in page.iter().enumerate() {
                let id = write_whole_read_item(conn, key, home, d, Obj(m))
                    .map_err(|e| bad_item(&url, d, i, e))??;
                seen.execute(params![key.0, d.name(), id])?;
            }
            state.next_link = next.clone();
            let mut removed = 0;
            if next.is_none() {
                let table = p.table;
                let column = p.key;
                let scope = p.scope;
                let sql = format!(
                    "DELETE FROM {table} WHERE tenant = ?1 AND ({scope}) AND NOT EXISTS
                     (SELECT 1 FROM sync_seen s WHERE s.tenant = ?1 AND s.dataset = ?2
                      AND s.id = {table}.{column})"
                );
                removed = if scope.contains("?3") {
                    let started = state.round_started.unwrap_or(now);
                    conn.execute(&sql, params![key.0, d.name(), started])?
                } else {
                    conn.execute(&sql, params![key.0, d.name()])?
                } as u64;
                if matches!(
                    d,
                    Dataset::DeletedApplications | Dataset::DeletedServicePrincipals
                ) {
                    steward_core::store::credentials::delete_orphans(conn, key)?;
                }
                if d == Dataset::DirectoryRecommendations {
                    conn.execute(
                        "DELETE FROM directory_recommendation_resources WHERE tenant = ?1
                         AND recommendation_id NOT IN
                         (SELECT id FROM directory_recommendations WHERE tenant = ?1)",
                        params![key.0],
                    )?;
                }
                conn.prepare_cached("DELETE FROM sync_seen WHERE tenant = ?1 AND dataset = ?2")?
                    .execute(params![key.0, d.name()])?;
                state.round_started = None;
            }
            save_state(conn, key, d, &state, page.len() as u64)?;
            if next.is_none() {
                complete(conn, key, d, now)?;
            }
            Ok(removed)
        })?;
        report.items += page.len() as u64;
        report.pages += 1;
        report.removed += removed;
        tell(progress, d, report.items);
    }
    Ok(report)
}

/// Converts and upserts one item of a dataset read whole; its key, or why the item is not one.
fn write_whole_read_item(
    conn: &Connection,
    key: TenantKey,
    home: &str,
    d: Dataset,
    o: Obj<'_>,
) -> Result<SyncResult<String>, String> {
    use steward_core::store::{governance, risk};
    let done = |r: steward_core::Result<()>, id: String| r.map(|()| id).map_err(SyncError::from);
    Ok(match d {
        Dataset::ServicePrincipalSignInActivities => {
            let a = wire::sp_activity(o)?;
            done(insights::upsert_sp_activity(conn, key, &a), a.app_id)
        }
        Dataset::AppCredentialSignInActivities => {
            let a = wire::credential_activity(o)?;
            done(
                insights::upsert_credential_activity(conn, key, &a),
                a.key_id,
            )
        }
        Dataset::SubscribedSkus => {
            let s = wire::subscribed_sku(o)?;
            done(insights::upsert_sku(conn, key, &s), s.sku_id)
        }
        Dataset::NamedLocations => {
            let l = wire::named_location(o)?;
            done(risk::upsert_named_location(conn, key, &l), l.id)
        }
        Dataset::RiskyServicePrincipals => {
            let r = wire::risky_service_principal(o)?;
            done(risk::upsert_risky_service_principal(conn, key, &r), r.id)
        }
        Dataset::ServicePrincipalRiskDetections => {
            let r = wire::risk_detection(o)?;
            done(risk::upsert_detection(conn, key, &r), r.id)
        }
        Dataset::DirectoryRecommendations => {
            let r = wire::directory_recommendation(o)?;
            done(
                insights::upsert_directory_recommendation(conn, key, &r),
                r.id,
            )
        }
        Dataset::RoleAssignments | Dataset::RoleEligibilities => {
            let a = wire::role_assignment(o, d == Dataset::RoleEligibilities)?;
            done(
                steward_core::store::directory_roles::upsert_role_assignment(conn, key, &a),
                a.id,
            )
        }
        Dataset::OAuth2PermissionGrants => {
            let g = wire::oauth2_grant(o)?;
            done(governance::upsert_grant(conn, key, &g), g.id)
        }
        Dataset::ConditionalAccessPolicies => {
            let p = wire::ca_policy(o)?;
            done(governance::upsert_ca_policy(conn, key, &p), p.id)
        }
        Dataset::AuthorizationPolicy
        | Dataset::AdminConsentRequestPolicy
        | Dataset::DefaultAppManagementPolicy
        | Dataset::AppManagementPolicies
        | Dataset::AppConsentRequests => {
            let p = wire::tenant_policy(o, d)?;
            done(
                steward_core::store::policies::upsert_policy(conn, key, &p),
                p.id,
            )
        }
        Dataset::DeletedApplications => {
            let a = wire::application(o)?;
            if a.deleted_date_time.is_none() {
                return Err("a deleted item without `deletedDateTime`".into());
            }
            done(applications::upsert_application(conn, key, &a), a.id)
        }
        Dataset::DeletedServicePrincipals => {
            let sp = wire::service_principal(o)?;
            if sp.deleted_date_time.is_none() {
                return Err("a deleted item without `deletedDateTime`".into());
            }
            done(
                service_principals::upsert_service_principal(conn, key, home, &sp),
                sp.id,
            )
        }
        other => return Err(format!("{} is not read whole", other.name())),
    })
}
