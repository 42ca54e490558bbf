//! `directory_role_assignments`: Entra directory roles held (active) or claimable (eligible).

use rusqlite::{params, Connection};

use super::TenantKey;
use crate::model::DirectoryRoleAssignment;
use crate::Result;

/// One principal's roles (?1 tenant, ?2 principal id).
pub(crate) const FOR_PRINCIPAL: &str =
    "SELECT id, principal_id, role_definition_id, role_display_name, directory_scope_id,
                is_privileged, assignment_type
         FROM directory_role_assignments INDEXED BY directory_role_assignments_by_principal
         WHERE tenant = ?1 AND principal_id = ?2
         ORDER BY is_privileged DESC, role_display_name, id";

pub fn upsert_role_assignment(
    conn: &Connection,
    tenant: TenantKey,
    a: &DirectoryRoleAssignment,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO directory_role_assignments (tenant, id, principal_id,
             role_definition_id, role_display_name, directory_scope_id, is_privileged, assignment_type)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        a.id,
        a.principal_id,
        a.role_definition_id,
        a.role_display_name,
        a.directory_scope_id,
        a.is_privileged,
        a.assignment_type
    ])?;
    Ok(())
}

pub fn list_for_principal(
    conn: &Connection,
    tenant: TenantKey,
    principal_id: &str,
) -> Result<Vec<DirectoryRoleAssignment>> {
    let mut stmt = conn.prepare_cached(FOR_PRINCIPAL)?;
    let rows = stmt
        .query_map(params![tenant.0, principal_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A role assignment from a row of `id, principal_id, role_definition_id, role_display_name,
/// directory_scope_id, is_privileged, assignment_type`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DirectoryRoleAssignment> {
    Ok(DirectoryRoleAssignment {
        id: r.get(0)?,
        principal_id: r.get(1)?,
        role_definition_id: r.get(2)?,
        role_display_name: r.get(3)?,
        directory_scope_id: r.get(4)?,
        is_privileged: r.get(5)?,
        assignment_type: r.get(6)?,
    })
}

/// Every role assignment of one kind (`active` or `eligible`), in id order.
pub fn list_all(
    conn: &Connection,
    tenant: TenantKey,
    assignment_type: &str,
) -> Result<Vec<DirectoryRoleAssignment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, principal_id, role_definition_id, role_display_name, directory_scope_id,
                is_privileged, assignment_type
         FROM directory_role_assignments WHERE tenant = ?1 AND assignment_type = ?2
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, assignment_type], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes one role assignment or eligibility from the cache.
pub fn remove_one(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM directory_role_assignments WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}
