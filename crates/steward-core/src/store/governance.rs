//! `oauth2_permission_grants`, `conditional_access_policies` and `directory_audits`: delegated
//! consents, conditional access, and who changed an application's credentials and when.

use rusqlite::{params, Connection};

use super::{ms, time, TenantKey};
use crate::model::{ConditionalAccessPolicy, DirectoryAudit, OAuth2PermissionGrant};
use crate::Result;

pub fn upsert_grant(conn: &Connection, tenant: TenantKey, g: &OAuth2PermissionGrant) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO oauth2_permission_grants
             (tenant, id, client_id, consent_type, principal_id, resource_id, scope)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        tenant.0,
        g.id,
        g.client_id,
        g.consent_type,
        g.principal_id,
        g.resource_id,
        g.scope
    ])?;
    Ok(())
}

/// The grants of one client service principal, by resource and consent type.
pub fn list_grants_for_client(
    conn: &Connection,
    tenant: TenantKey,
    client_id: &str,
) -> Result<Vec<OAuth2PermissionGrant>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, client_id, consent_type, principal_id, resource_id, scope
         FROM oauth2_permission_grants INDEXED BY oauth2_permission_grants_client
         WHERE tenant = ?1 AND client_id = ?2 ORDER BY resource_id, consent_type, id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, client_id], grant_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn grant_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OAuth2PermissionGrant> {
    Ok(OAuth2PermissionGrant {
        id: r.get(0)?,
        client_id: r.get(1)?,
        consent_type: r.get(2)?,
        principal_id: r.get(3)?,
        resource_id: r.get(4)?,
        scope: r.get(5)?,
    })
}

/// Every grant, in id order.
pub fn list_grants(conn: &Connection, tenant: TenantKey) -> Result<Vec<OAuth2PermissionGrant>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, client_id, consent_type, principal_id, resource_id, scope
         FROM oauth2_permission_grants WHERE tenant = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0], grant_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_ca_policy(
    conn: &Connection,
    tenant: TenantKey,
    p: &ConditionalAccessPolicy,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO conditional_access_policies (tenant, id, display_name, state,
             created, modified, targets_workload_identities, policy)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        p.id,
        p.display_name,
        p.state,
        ms(p.created_date_time),
        ms(p.modified_date_time),
        p.targets_workload_identities,
        p.policy
    ])?;
    Ok(())
}

/// Every conditional access policy, by name.
pub fn list_ca_policies(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<ConditionalAccessPolicy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, display_name, state, created, modified, targets_workload_identities, policy
         FROM conditional_access_policies WHERE tenant = ?1 ORDER BY display_name, id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0], |r| {
            Ok(ConditionalAccessPolicy {
                id: r.get(0)?,
                display_name: r.get(1)?,
                state: r.get(2)?,
                created_date_time: time(r.get(3)?),
                modified_date_time: time(r.get(4)?),
                targets_workload_identities: r.get(5)?,
                policy: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Stores an audit event; one already held (a window read twice) is left as it is. Whether it
/// was new.
pub fn insert_audit(conn: &Connection, tenant: TenantKey, a: &DirectoryAudit) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO directory_audits (tenant, id, activity_time, activity,
                 operation_type, result, result_reason, initiated_by_type, initiated_by_id,
                 initiated_by, target_id, target_type, target_name, modified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            tenant.0,
            a.id,
            a.activity_date_time.timestamp_millis(),
            a.activity,
            a.operation_type,
            a.result,
            a.result_reason,
            a.initiated_by_type,
            a.initiated_by_id,
            a.initiated_by,
            a.target_id,
            a.target_type,
            a.target_name,
            a.modified
        ])?;
    Ok(n == 1)
}

/// Audit events from `from` to `to` (ms, inclusive), newest first; of one target object when
/// `target` is given.
pub fn list_audits(
    conn: &Connection,
    tenant: TenantKey,
    from: i64,
    to: i64,
    target: Option<&str>,
) -> Result<Vec<DirectoryAudit>> {
    const COLUMNS: &str = "SELECT id, activity_time, activity, operation_type, result,
        result_reason, initiated_by_type, initiated_by_id, initiated_by, target_id, target_type,
        target_name, modified";
    let rows = match target {
        Some(t) => conn
            .prepare_cached(&format!(
                "{COLUMNS} FROM directory_audits INDEXED BY directory_audits_target
                 WHERE tenant = ?1 AND target_id = ?4 AND activity_time BETWEEN ?2 AND ?3
                 ORDER BY activity_time DESC, id"
            ))?
            .query_map(params![tenant.0, from, to, t], audit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => conn
            .prepare_cached(&format!(
                "{COLUMNS} FROM directory_audits
                 WHERE tenant = ?1 AND activity_time BETWEEN ?2 AND ?3
                 ORDER BY activity_time DESC, id"
            ))?
            .query_map(params![tenant.0, from, to], audit_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

fn audit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DirectoryAudit> {
    Ok(DirectoryAudit {
        id: r.get(0)?,
        activity_date_time: time(r.get(1)?).unwrap_or_default(),
        activity: r.get(2)?,
        operation_type: r.get(3)?,
        result: r.get(4)?,
        result_reason: r.get(5)?,
        initiated_by_type: r.get(6)?,
        initiated_by_id: r.get(7)?,
        initiated_by: r.get(8)?,
        target_id: r.get(9)?,
        target_type: r.get(10)?,
        target_name: r.get(11)?,
        modified: r.get(12)?,
    })
}

/// Removes a conditional access policy from the cache.
pub fn delete_ca_policy(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM conditional_access_policies WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}

/// One conditional access policy, by id.
pub fn get_ca_policy(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
) -> Result<Option<ConditionalAccessPolicy>> {
    Ok(list_ca_policies(conn, tenant)?
        .into_iter()
        .find(|p| p.id.eq_ignore_ascii_case(id)))
}

/// The names of the conditional access policies that name `id` (a named location's id) anywhere:
/// Entra refuses to delete a location they use.
pub fn policies_naming(conn: &Connection, tenant: TenantKey, id: &str) -> Result<Vec<String>> {
    let id = id.to_ascii_lowercase();
    Ok(list_ca_policies(conn, tenant)?
        .into_iter()
        .filter(|p| p.policy.to_ascii_lowercase().contains(&id))
        .map(|p| p.display_name)
        .collect())
}
