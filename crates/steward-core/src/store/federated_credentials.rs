//! `federated_credentials`: federated identity credentials of applications.

use rusqlite::{params, Connection};

use super::{json_list, parse_json_list, TenantKey};
use crate::model::FederatedIdentityCredential;
use crate::Result;

/// One application's federated credentials go (?1 tenant, ?2 application id).
pub(crate) const CLEAR_FOR_APPLICATION: &str =
    "DELETE FROM federated_credentials INDEXED BY federated_credentials_by_app
         WHERE tenant = ?1 AND application_id = ?2";

pub fn replace_for_application(
    conn: &Connection,
    tenant: TenantKey,
    application_id: &str,
    fics: &[FederatedIdentityCredential],
) -> Result<()> {
    conn.prepare_cached(CLEAR_FOR_APPLICATION)?
        .execute(params![tenant.0, application_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO federated_credentials
             (tenant, id, application_id, name, issuer, subject, audiences, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for f in fics {
        insert.execute(params![
            tenant.0,
            f.id,
            application_id,
            f.name,
            f.issuer,
            f.subject,
            json_list(&f.audiences),
            f.description,
        ])?;
    }
    Ok(())
}

pub fn list_for_application(
    conn: &Connection,
    tenant: TenantKey,
    application_id: &str,
) -> Result<Vec<FederatedIdentityCredential>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, issuer, subject, audiences, description FROM federated_credentials
         WHERE tenant = ?1 AND application_id = ?2 ORDER BY name, id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, application_id], |r| {
            Ok(FederatedIdentityCredential {
                id: r.get(0)?,
                name: r.get(1)?,
                issuer: r.get(2)?,
                subject: r.get(3)?,
                audiences: parse_json_list(&r.get::<_, String>(4)?),
                description: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Writes one credential of an application, replacing the one of the same name (names are
/// unique on an object and never change).
pub fn put(
    conn: &Connection,
    tenant: TenantKey,
    application_id: &str,
    f: &FederatedIdentityCredential,
) -> Result<()> {
    remove_named(conn, tenant, application_id, &f.name)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO federated_credentials
             (tenant, id, application_id, name, issuer, subject, audiences, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        f.id,
        application_id,
        f.name,
        f.issuer,
        f.subject,
        json_list(&f.audiences),
        f.description,
    ])?;
    Ok(())
}

/// Removes an application's credential named `name`, if it has one.
pub fn remove_named(
    conn: &Connection,
    tenant: TenantKey,
    application_id: &str,
    name: &str,
) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM federated_credentials INDEXED BY federated_credentials_by_app
         WHERE tenant = ?1 AND application_id = ?2 AND name = ?3",
    )?
    .execute(params![tenant.0, application_id, name])?;
    Ok(())
}

/// Gives the credential named `name` the id Graph gave it.
pub fn set_id(
    conn: &Connection,
    tenant: TenantKey,
    application_id: &str,
    name: &str,
    id: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE federated_credentials SET id = ?4
         WHERE tenant = ?1 AND application_id = ?2 AND name = ?3",
    )?
    .execute(params![tenant.0, application_id, name, id])?;
    Ok(())
}
