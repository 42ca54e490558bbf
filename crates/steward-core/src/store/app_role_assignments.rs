//! `app_role_assignments`: application permissions held by service principals.

use rusqlite::{params, Connection};

use super::{ms, time, TenantKey};
use crate::model::AppRoleAssignment;
use crate::Result;

/// One principal's assignments (?1 tenant, ?2 principal id).
pub(crate) const FOR_PRINCIPAL: &str =
    "SELECT id, principal_id, resource_id, resource_display_name, app_role_id, permission, created
         FROM app_role_assignments INDEXED BY app_role_assignments_by_principal
         WHERE tenant = ?1 AND principal_id = ?2
         ORDER BY resource_display_name, permission, id";

pub fn upsert_app_role_assignment(
    conn: &Connection,
    tenant: TenantKey,
    a: &AppRoleAssignment,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO app_role_assignments (tenant, id, principal_id, resource_id,
             resource_display_name, app_role_id, permission, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        a.id,
        a.principal_id,
        a.resource_id,
        a.resource_display_name,
        a.app_role_id,
        a.permission,
        ms(a.created_date_time)
    ])?;
    Ok(())
}

pub fn list_for_principal(
    conn: &Connection,
    tenant: TenantKey,
    principal_id: &str,
) -> Result<Vec<AppRoleAssignment>> {
    let mut stmt = conn.prepare_cached(FOR_PRINCIPAL)?;
    let rows = stmt
        .query_map(params![tenant.0, principal_id], |r| {
            Ok(AppRoleAssignment {
                id: r.get(0)?,
                principal_id: r.get(1)?,
                resource_id: r.get(2)?,
                resource_display_name: r.get(3)?,
                app_role_id: r.get(4)?,
                permission: r.get(5)?,
                created_date_time: time(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes one assignment.
pub fn remove_one(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM app_role_assignments WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}
