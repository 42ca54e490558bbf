//! `applications`: app registrations, with their credentials written alongside.

use rusqlite::{params, Connection, OptionalExtension};

use super::{credentials, federated_credentials, ms, time, TenantKey};
use crate::model::Application;
use crate::Result;

/// Inserts or replaces an application and replaces its secrets, certificates and federated
/// credentials with the ones it carries.
pub fn upsert_application(conn: &Connection, tenant: TenantKey, app: &Application) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO applications (tenant, id, app_id, display_name, sign_in_audience,
             publisher_domain, created, deleted, disabled_by_microsoft_status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (tenant, id) DO UPDATE SET app_id = excluded.app_id,
             display_name = excluded.display_name, sign_in_audience = excluded.sign_in_audience,
             publisher_domain = excluded.publisher_domain, created = excluded.created,
             deleted = excluded.deleted,
             disabled_by_microsoft_status = excluded.disabled_by_microsoft_status",
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

/// The application (without its credentials) registered under `app_id`, if this tenant has it.
pub fn get_application_by_app_id(
    conn: &Connection,
    tenant: TenantKey,
    app_id: &str,
) -> Result<Option<Application>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, app_id, display_name, sign_in_audience, publisher_domain, created, deleted,
                    disabled_by_microsoft_status
             FROM applications WHERE tenant = ?1 AND app_id = ?2 AND deleted IS NULL",
        )?
        .query_row(params![tenant.0, app_id], |r| {
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
            })
        })
        .optional()?)
}
