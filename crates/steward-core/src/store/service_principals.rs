//! `service_principals`: every service principal of a tenant, with Steward's derived kind and
//! ownership stored beside Graph's fields.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{credentials, json_list, ms, parse_json_list, time, TenantKey};
use crate::model::{IdentityKind, Ownership, ServicePrincipal};
use crate::Result;

/// Inserts or replaces a service principal and its own credentials. `home_tenant` is the GUID of
/// the tenant the cache row belongs to; ownership is judged against it.
pub fn upsert_service_principal(
    conn: &Connection,
    tenant: TenantKey,
    home_tenant: &str,
    sp: &ServicePrincipal,
) -> Result<()> {
    // A blueprint principal is Agent ID's too: it goes with the agent identities, not with the
    // applications it resembles (servicePrincipalType Application).
    let kind = if sp.agent_blueprint_principal {
        IdentityKind::AgentIdentity
    } else {
        IdentityKind::classify(&sp.service_principal_type, &sp.alternative_names)
    };
    let ownership = Ownership::classify(
        home_tenant,
        kind,
        sp.app_owner_organization_id.as_deref(),
        sp.sign_in_audience.as_deref(),
    );
    conn.prepare_cached(
        "INSERT INTO service_principals (tenant, id, app_id, display_name, app_display_name,
             service_principal_type, app_owner_organization_id, account_enabled, sign_in_audience,
             created, deleted, tags, alternative_names, agent_identity_blueprint_id,
             disabled_by_microsoft_status, kind, ownership, assignment_required, reply_urls, agent_blueprint_principal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
             ?18, ?19, ?20)
         ON CONFLICT (tenant, id) DO UPDATE SET app_id = excluded.app_id,
             display_name = excluded.display_name, app_display_name = excluded.app_display_name,
             service_principal_type = excluded.service_principal_type,
             app_owner_organization_id = excluded.app_owner_organization_id,
             account_enabled = excluded.account_enabled, sign_in_audience = excluded.sign_in_audience,
             created = excluded.created, deleted = excluded.deleted, tags = excluded.tags,
             alternative_names = excluded.alternative_names,
             agent_identity_blueprint_id = excluded.agent_identity_blueprint_id,
             disabled_by_microsoft_status = excluded.disabled_by_microsoft_status,
             kind = excluded.kind, ownership = excluded.ownership,
             assignment_required = excluded.assignment_required,
             reply_urls = excluded.reply_urls,
             agent_blueprint_principal = excluded.agent_blueprint_principal",
    )?
    .execute(params![
        tenant.0,
        sp.id,
        sp.app_id,
        sp.display_name,
        sp.app_display_name,
        sp.service_principal_type,
        sp.app_owner_organization_id,
        sp.account_enabled,
        sp.sign_in_audience,
        ms(sp.created_date_time),
        ms(sp.deleted_date_time),
        json_list(&sp.tags),
        json_list(&sp.alternative_names),
        sp.agent_identity_blueprint_id,
        sp.disabled_by_microsoft_status,
        kind.as_str(),
        ownership.as_str(),
        sp.app_role_assignment_required,
        sp.reply_urls.as_deref().map(json_list),
        sp.agent_blueprint_principal,
    ])?;
    credentials::replace_for_owner(
        conn,
        tenant,
        credentials::OwnerType::ServicePrincipal,
        &sp.id,
        sp.deleted_date_time.is_some(),
        &sp.password_credentials,
        &sp.key_credentials,
    )?;
    Ok(())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<ServicePrincipal> {
    Ok(ServicePrincipal {
        id: r.get(0)?,
        app_id: r.get(1)?,
        display_name: r.get(2)?,
        app_display_name: r.get(3)?,
        service_principal_type: r.get(4)?,
        app_owner_organization_id: r.get(5)?,
        account_enabled: r.get(6)?,
        sign_in_audience: r.get(7)?,
        created_date_time: time(r.get(8)?),
        deleted_date_time: time(r.get(9)?),
        tags: parse_json_list(&r.get::<_, String>(10)?),
        alternative_names: parse_json_list(&r.get::<_, String>(11)?),
        agent_identity_blueprint_id: r.get(12)?,
        disabled_by_microsoft_status: r.get(13)?,
        password_credentials: Vec::new(),
        key_credentials: Vec::new(),
        app_role_assignment_required: r.get(14)?,
        reply_urls: r.get::<_, Option<String>>(15)?.map(|j| parse_json_list(&j)),
        agent_blueprint_principal: r.get(16)?,
    })
}

/// A service principal's own fields (credentials are read through `credentials`).
pub fn get_service_principal(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
) -> Result<Option<ServicePrincipal>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, app_id, display_name, app_display_name, service_principal_type,
                    app_owner_organization_id, account_enabled, sign_in_audience, created, deleted,
                    tags, alternative_names, agent_identity_blueprint_id, disabled_by_microsoft_status,
                    assignment_required, reply_urls, agent_blueprint_principal
             FROM service_principals WHERE tenant = ?1 AND id = ?2",
        )?
        .query_row(params![tenant.0, id], from_row)
        .optional()?)
}

/// How many active service principals share one kind, ownership and enabled state.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassCount {
    pub kind: String,
    pub ownership: String,
    pub enabled: bool,
    pub count: i64,
}

/// Active (not soft-deleted) service principals counted per (kind, ownership, enabled), read
/// from an index alone.
pub fn count_classes(conn: &Connection, tenant: TenantKey) -> Result<Vec<ClassCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, ownership, account_enabled, count(*)
         FROM service_principals INDEXED BY service_principals_by_class
         WHERE tenant = ?1 AND deleted IS NULL GROUP BY kind, ownership, account_enabled",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(ClassCount {
                kind: r.get(0)?,
                ownership: r.get(1)?,
                enabled: r.get(2)?,
                count: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn count_service_principals(
    conn: &Connection,
    tenant: TenantKey,
    deleted: bool,
) -> Result<i64> {
    let sql = if deleted {
        "SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NOT NULL"
    } else {
        "SELECT count(*) FROM service_principals INDEXED BY service_principals_by_name
         WHERE tenant = ?1 AND deleted IS NULL"
    };
    Ok(conn.query_row(sql, [tenant.0], |r| r.get(0))?)
}

/// Up to `limit` active service principals with ids after `after`, in id order, each with its
/// own credentials: the whole object as Graph would list it.
pub fn list_page(
    conn: &Connection,
    tenant: TenantKey,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ServicePrincipal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, app_id, display_name, app_display_name, service_principal_type,
                app_owner_organization_id, account_enabled, sign_in_audience, created, deleted,
                tags, alternative_names, agent_identity_blueprint_id, disabled_by_microsoft_status,
                    assignment_required, reply_urls, agent_blueprint_principal
         FROM service_principals WHERE tenant = ?1 AND id > ?2 AND deleted IS NULL
         ORDER BY id LIMIT ?3",
    )?;
    let mut sps = stmt
        .query_map(params![tenant.0, after.unwrap_or(""), limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for sp in &mut sps {
        attach_credentials(conn, tenant, sp)?;
    }
    Ok(sps)
}

fn attach_credentials(
    conn: &Connection,
    tenant: TenantKey,
    sp: &mut ServicePrincipal,
) -> Result<()> {
    let (secrets, certs) = credentials::list_model_for_owner(conn, tenant, &sp.id)?;
    sp.password_credentials = secrets;
    sp.key_credentials = certs;
    Ok(())
}

/// The active service principal `id` with its credentials: the whole object as Graph serves it.
pub fn get_full(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
) -> Result<Option<ServicePrincipal>> {
    match get_service_principal(conn, tenant, id)? {
        Some(mut sp) if sp.deleted_date_time.is_none() => {
            attach_credentials(conn, tenant, &mut sp)?;
            Ok(Some(sp))
        }
        _ => Ok(None),
    }
}

/// Soft-deleted service principals (restorable for 30 days), with their credentials, in id
/// order.
pub fn list_deleted(conn: &Connection, tenant: TenantKey) -> Result<Vec<ServicePrincipal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, app_id, display_name, app_display_name, service_principal_type,
                app_owner_organization_id, account_enabled, sign_in_audience, created, deleted,
                tags, alternative_names, agent_identity_blueprint_id, disabled_by_microsoft_status,
                    assignment_required, reply_urls, agent_blueprint_principal
         FROM service_principals WHERE tenant = ?1 AND deleted IS NOT NULL ORDER BY id",
    )?;
    let mut sps = stmt
        .query_map(params![tenant.0], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for sp in &mut sps {
        attach_credentials(conn, tenant, sp)?;
    }
    Ok(sps)
}

/// Marks a service principal soft-deleted at `when` (ms), unless it already is; its
/// credentials go with it.
pub fn mark_deleted(conn: &Connection, tenant: TenantKey, id: &str, when: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE service_principals SET deleted = coalesce(deleted, ?3)
         WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, when])?;
    credentials::mark_owner_deleted(conn, tenant, id)?;
    Ok(())
}

/// Removes a service principal that is gone from the tenant, with its credentials.
pub fn delete_service_principal(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    credentials::delete_for_owner(conn, tenant, id)?;
    conn.prepare_cached("DELETE FROM service_principals WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}

/// Sets what an admin edits on a service principal: its name and tags.
pub fn set_properties(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
    display_name: &str,
    tags: &[String],
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE service_principals SET display_name = ?3, tags = ?4 WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, display_name, json_list(tags)])?;
    Ok(())
}

/// Enables or disables a service principal's sign-ins (`accountEnabled`).
pub fn set_enabled(conn: &Connection, tenant: TenantKey, id: &str, enabled: bool) -> Result<()> {
    conn.prepare_cached(
        "UPDATE service_principals SET account_enabled = ?3 WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, enabled])?;
    Ok(())
}

/// A soft-deleted service principal made live again, with its credentials.
pub fn restore(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE service_principals SET deleted = NULL WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id])?;
    credentials::mark_owner_restored(conn, tenant, id)?;
    Ok(())
}

/// The live service principal of `app_id` in this tenant's cache, if any.
pub fn find_by_app_id(
    conn: &Connection,
    tenant: TenantKey,
    app_id: &str,
) -> Result<Option<ServicePrincipal>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, app_id, display_name, app_display_name, service_principal_type,
                    app_owner_organization_id, account_enabled, sign_in_audience, created, deleted,
                    tags, alternative_names, agent_identity_blueprint_id, disabled_by_microsoft_status,
                    assignment_required, reply_urls, agent_blueprint_principal
             FROM service_principals INDEXED BY service_principals_by_app_id
             WHERE tenant = ?1 AND app_id = ?2 AND deleted IS NULL ORDER BY id LIMIT 1",
        )?
        .query_row(params![tenant.0, app_id], from_row)
        .optional()?)
}
