//! `applications`: app registrations, with their credentials written alongside.

use rusqlite::{params, Connection, OptionalExtension};

use super::{credentials, federated_credentials, json_list, ms, parse_json_list, time, TenantKey};
use crate::model::Application;
use crate::Result;

/// The active application registered under an app id (?1 tenant, ?2 app id).
pub(crate) const BY_APP_ID: &str =
    "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                    disabled_by_microsoft_status, redirect_uris, instance_lock, notes, tags, agent_blueprint
             FROM applications INDEXED BY applications_by_app_id
             WHERE tenant = ?1 AND app_id = ?2 AND deleted IS NULL ORDER BY id";

/// Inserts or replaces an application and replaces its secrets, certificates and federated
/// credentials with the ones it carries.
pub fn upsert_application(conn: &Connection, tenant: TenantKey, app: &Application) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO applications (tenant, id, app_id, display_name, sign_in_audience,
             publisher_domain, created, deleted, disabled_by_microsoft_status, redirect_uris,
             instance_lock, notes, tags, agent_blueprint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (tenant, id) DO UPDATE SET app_id = excluded.app_id,
             display_name = excluded.display_name, sign_in_audience = excluded.sign_in_audience,
             publisher_domain = excluded.publisher_domain, created = excluded.created,
             deleted = excluded.deleted,
             disabled_by_microsoft_status = excluded.disabled_by_microsoft_status,
             redirect_uris = excluded.redirect_uris, instance_lock = excluded.instance_lock,
             notes = excluded.notes, tags = excluded.tags,
             agent_blueprint = excluded.agent_blueprint",
    )?
    .execute(params![
        tenant.0,
        app.id,
        app.app_id,
        app.display_name,
        app.sign_in_audience,
        app.publisher_domain,
        ms(app.created_date_time),
        ms(app.deleted_date_time),
        app.disabled_by_microsoft_status,
        app.redirect_uris.as_deref().map(json_list),
        app.instance_lock,
        app.notes,
        json_list(&app.tags),
        app.agent_blueprint,
    ])?;
    credentials::replace_for_owner(
        conn,
        tenant,
        credentials::OwnerType::Application,
        &app.id,
        app.deleted_date_time.is_some(),
        &app.password_credentials,
        &app.key_credentials,
    )?;
    federated_credentials::replace_for_application(
        conn,
        tenant,
        &app.id,
        &app.federated_identity_credentials,
    )?;
    Ok(())
}

/// An application's own fields from a row of `id, app_id, display_name, sign_in_audience,
/// publisher_domain, created, deleted, disabled_by_microsoft_status, redirect_uris,
/// instance_lock, notes, tags, agent_blueprint` (credentials come apart).
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Application> {
    Ok(Application {
        id: r.get(0)?,
        app_id: r.get(1)?,
        display_name: r.get(2)?,
        sign_in_audience: r.get(3)?,
        publisher_domain: r.get(4)?,
        created_date_time: time(r.get(5)?),
        deleted_date_time: time(r.get(6)?),
        disabled_by_microsoft_status: r.get(7)?,
        password_credentials: Vec::new(),
        key_credentials: Vec::new(),
        federated_identity_credentials: Vec::new(),
        redirect_uris: r.get::<_, Option<String>>(8)?.map(|j| parse_json_list(&j)),
        instance_lock: r.get(9)?,
        notes: r.get(10)?,
        tags: r
            .get::<_, Option<String>>(11)?
            .map(|j| parse_json_list(&j))
            .unwrap_or_default(),
        agent_blueprint: r.get(12)?,
    })
}

/// The application (without its credentials) registered under `app_id`, if this tenant has it.
pub fn get_application_by_app_id(
    conn: &Connection,
    tenant: TenantKey,
    app_id: &str,
) -> Result<Option<Application>> {
    Ok(conn
        .prepare_cached(BY_APP_ID)?
        .query_row(params![tenant.0, app_id], from_row)
        .optional()?)
}

/// Up to `limit` applications with ids after `after`, in id order, each with its credentials and
/// federated credentials: the whole object as Graph would list it.
pub fn list_page(
    conn: &Connection,
    tenant: TenantKey,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Application>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                disabled_by_microsoft_status, redirect_uris, instance_lock, notes, tags, agent_blueprint
         FROM applications WHERE tenant = ?1 AND id > ?2 AND deleted IS NULL
         ORDER BY id LIMIT ?3",
    )?;
    let mut apps = stmt
        .query_map(params![tenant.0, after.unwrap_or(""), limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for a in &mut apps {
        attach_credentials(conn, tenant, a)?;
    }
    Ok(apps)
}

fn attach_credentials(conn: &Connection, tenant: TenantKey, a: &mut Application) -> Result<()> {
    let (secrets, certs) = credentials::list_model_for_owner(conn, tenant, &a.id)?;
    a.password_credentials = secrets;
    a.key_credentials = certs;
    a.federated_identity_credentials =
        federated_credentials::list_for_application(conn, tenant, &a.id)?;
    Ok(())
}

/// The active application with object id `id`, with its credentials and federated credentials.
pub fn get_application(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
) -> Result<Option<Application>> {
    let found = conn
        .prepare_cached(
            "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                    disabled_by_microsoft_status, redirect_uris, instance_lock, notes, tags, agent_blueprint
             FROM applications WHERE tenant = ?1 AND id = ?2 AND deleted IS NULL",
        )?
        .query_row(params![tenant.0, id], from_row)
        .optional()?;
    match found {
        Some(mut a) => {
            attach_credentials(conn, tenant, &mut a)?;
            Ok(Some(a))
        }
        None => Ok(None),
    }
}

/// Soft-deleted applications (restorable for 30 days), with their credentials, in id order.
pub fn list_deleted(conn: &Connection, tenant: TenantKey) -> Result<Vec<Application>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                disabled_by_microsoft_status, redirect_uris, instance_lock, notes, tags, agent_blueprint
         FROM applications WHERE tenant = ?1 AND deleted IS NOT NULL ORDER BY id",
    )?;
    let mut apps = stmt
        .query_map(params![tenant.0], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for a in &mut apps {
        attach_credentials(conn, tenant, a)?;
    }
    Ok(apps)
}

/// Marks an application soft-deleted at `when` (ms), unless it already is; its credentials
/// go with it.
pub fn mark_deleted(conn: &Connection, tenant: TenantKey, id: &str, when: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE applications SET deleted = coalesce(deleted, ?3) WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, when])?;
    credentials::mark_owner_deleted(conn, tenant, id)?;
    Ok(())
}

/// Removes an application that is gone from the tenant, with its credentials.
pub fn delete_application(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    credentials::delete_for_owner(conn, tenant, id)?;
    federated_credentials::replace_for_application(conn, tenant, id, &[])?;
    conn.prepare_cached("DELETE FROM applications WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}

/// Sets what an admin edits on an application: its name, notes and tags.
pub fn set_properties(
    conn: &Connection,
    tenant: TenantKey,
    id: &str,
    display_name: &str,
    notes: Option<&str>,
    tags: &[String],
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE applications SET display_name = ?3, notes = ?4, tags = ?5
         WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, display_name, notes, json_list(tags)])?;
    Ok(())
}

/// A soft-deleted application made live again, with its credentials.
pub fn restore(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached("UPDATE applications SET deleted = NULL WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    credentials::mark_owner_restored(conn, tenant, id)?;
    Ok(())
}

/// The application with object id `id`, live or soft-deleted, without its credentials.
pub fn get_any(conn: &Connection, tenant: TenantKey, id: &str) -> Result<Option<Application>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                    disabled_by_microsoft_status, redirect_uris, instance_lock, notes, tags, agent_blueprint
             FROM applications WHERE tenant = ?1 AND id = ?2",
        )?
        .query_row(params![tenant.0, id], from_row)
        .optional()?)
}
