//! `credentials`: secrets (`passwordCredentials`) and certificates (`keyCredentials`) of
//! applications and service principals. The secret value never reaches this table.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::{ms, time, TenantKey};
use crate::model::{KeyCredential, PasswordCredential};
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerType {
    Application,
    ServicePrincipal,
}

impl OwnerType {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerType::Application => "application",
            OwnerType::ServicePrincipal => "servicePrincipal",
        }
    }
}

/// One stored credential, whichever object holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCredential {
    pub owner_id: String,
    pub owner_type: String,
    pub key_id: String,
    /// `secret` or `certificate`.
    pub credential_type: String,
    pub display_name: Option<String>,
    pub hint: Option<String>,
    pub thumbprint: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// Replaces every credential of one object with the given ones.
pub fn replace_for_owner(
    conn: &Connection,
    tenant: TenantKey,
    owner_type: OwnerType,
    owner_id: &str,
    owner_deleted: bool,
    secrets: &[PasswordCredential],
    certificates: &[KeyCredential],
) -> Result<()> {
    conn.prepare_cached("DELETE FROM credentials WHERE tenant = ?1 AND owner_id = ?2")?
        .execute(params![tenant.0, owner_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO credentials (tenant, owner_id, key_id, owner_type, credential_type,
             display_name, hint, thumbprint, key_type, usage, start_time, end_time, owner_deleted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for s in secrets {
        insert.execute(params![
            tenant.0,
            owner_id,
            s.key_id,
            owner_type.as_str(),
            "secret",
            s.display_name,
            s.hint,
            None::<String>,
            None::<String>,
            None::<String>,
            ms(s.start_date_time),
            ms(s.end_date_time),
            owner_deleted,
        ])?;
    }
    for c in certificates {
        insert.execute(params![
            tenant.0,
            owner_id,
            c.key_id,
            owner_type.as_str(),
            "certificate",
            c.display_name,
            None::<String>,
            c.custom_key_identifier,
            c.key_type,
            c.usage,
            ms(c.start_date_time),
            ms(c.end_date_time),
            owner_deleted,
        ])?;
    }
    Ok(())
}

/// Credentials of objects that are not soft-deleted whose end lies in (lo, hi].
pub fn count_ending_between(conn: &Connection, tenant: TenantKey, lo: i64, hi: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM credentials INDEXED BY credentials_by_end
             WHERE tenant = ?1 AND owner_deleted = 0 AND end_time > ?2 AND end_time <= ?3",
        )?
        .query_row(params![tenant.0, lo, hi], |r| r.get(0))?)
}

/// The credentials held by any of `owner_ids`, soonest expiry first.
pub fn list_for_owners(
    conn: &Connection,
    tenant: TenantKey,
    owner_ids: &[&str],
) -> Result<Vec<StoredCredential>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT owner_id, owner_type, key_id, credential_type, display_name, hint, thumbprint,
                start_time, end_time
         FROM credentials WHERE tenant = ?1 AND owner_id = ?2",
    )?;
    for owner in owner_ids {
        let rows = stmt.query_map(params![tenant.0, owner], |r| {
            Ok(StoredCredential {
                owner_id: r.get(0)?,
                owner_type: r.get(1)?,
                key_id: r.get(2)?,
                credential_type: r.get(3)?,
                display_name: r.get(4)?,
                hint: r.get(5)?,
                thumbprint: r.get(6)?,
                start: time(r.get(7)?),
                end: time(r.get(8)?),
            })
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    out.sort_by(|a, b| a.end.cmp(&b.end).then_with(|| a.key_id.cmp(&b.key_id)));
    Ok(out)
}

/// One object's credentials in Graph's shapes (secrets and certificates), as they were stored.
pub fn list_model_for_owner(
    conn: &Connection,
    tenant: TenantKey,
    owner_id: &str,
) -> Result<(Vec<PasswordCredential>, Vec<KeyCredential>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, credential_type, display_name, hint, thumbprint, key_type, usage,
                start_time, end_time
         FROM credentials WHERE tenant = ?1 AND owner_id = ?2 ORDER BY key_id",
    )?;
    let mut rows = stmt.query(params![tenant.0, owner_id])?;
    let (mut secrets, mut certs) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        if kind == "secret" {
            secrets.push(PasswordCredential {
                key_id: r.get(0)?,
                display_name: r.get(2)?,
                hint: r.get(3)?,
                start_date_time: time(r.get(7)?),
                end_date_time: time(r.get(8)?),
            });
        } else {
            certs.push(KeyCredential {
                key_id: r.get(0)?,
                display_name: r.get(2)?,
                key_type: r.get(5)?,
                usage: r.get(6)?,
                custom_key_identifier: r.get(4)?,
                start_date_time: time(r.get(7)?),
                end_date_time: time(r.get(8)?),
            });
        }
    }
    Ok((secrets, certs))
}

/// Removes every credential of one object (the object is gone from the tenant).
pub fn delete_for_owner(conn: &Connection, tenant: TenantKey, owner_id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM credentials WHERE tenant = ?1 AND owner_id = ?2")?
        .execute(params![tenant.0, owner_id])?;
    Ok(())
}

/// Marks an owner's credentials as belonging to a soft-deleted object.
pub fn mark_owner_deleted(conn: &Connection, tenant: TenantKey, owner_id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE credentials SET owner_deleted = 1 WHERE tenant = ?1 AND owner_id = ?2",
    )?
    .execute(params![tenant.0, owner_id])?;
    Ok(())
}

/// Drops the credentials whose owner is no longer in the cache.
pub fn delete_orphans(conn: &Connection, tenant: TenantKey) -> Result<u64> {
    let n = conn
        .prepare_cached(
            "DELETE FROM credentials WHERE tenant = ?1 AND owner_id NOT IN
             (SELECT id FROM applications WHERE tenant = ?1
              UNION ALL SELECT id FROM service_principals WHERE tenant = ?1)",
        )?
        .execute(params![tenant.0])?;
    conn.prepare_cached(
        "DELETE FROM federated_credentials WHERE tenant = ?1 AND application_id NOT IN
         (SELECT id FROM applications WHERE tenant = ?1)",
    )?
    .execute(params![tenant.0])?;
    Ok(n as u64)
}

/// One credential of an object, as a change made in Steward adds or restores it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OneCredential {
    Secret(PasswordCredential),
    Certificate(KeyCredential),
}

impl OneCredential {
    pub fn key_id(&self) -> &str {
        match self {
            OneCredential::Secret(s) => &s.key_id,
            OneCredential::Certificate(c) => &c.key_id,
        }
    }

    pub fn display_name(&self) -> Option<&str> {
        match self {
            OneCredential::Secret(s) => s.display_name.as_deref(),
            OneCredential::Certificate(c) => c.display_name.as_deref(),
        }
    }
}

/// Writes one credential of an object (replacing one with its key id).
pub fn put_one(
    conn: &Connection,
    tenant: TenantKey,
    owner_type: OwnerType,
    owner_id: &str,
    credential: &OneCredential,
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO credentials (tenant, owner_id, key_id, owner_type, credential_type,
             display_name, hint, thumbprint, key_type, usage, start_time, end_time, owner_deleted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)",
    )?;
    match credential {
        OneCredential::Secret(s) => insert.execute(params![
            tenant.0,
            owner_id,
            s.key_id,
            owner_type.as_str(),
            "secret",
            s.display_name,
            s.hint,
            None::<String>,
            None::<String>,
            None::<String>,
            ms(s.start_date_time),
            ms(s.end_date_time),
        ])?,
        OneCredential::Certificate(c) => insert.execute(params![
            tenant.0,
            owner_id,
            c.key_id,
            owner_type.as_str(),
            "certificate",
            c.display_name,
            None::<String>,
            c.custom_key_identifier,
            c.key_type,
            c.usage,
            ms(c.start_date_time),
            ms(c.end_date_time),
        ])?,
    };
    Ok(())
}

/// Removes one credential of an object.
pub fn remove_one(
    conn: &Connection,
    tenant: TenantKey,
    owner_id: &str,
    key_id: &str,
) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM credentials WHERE tenant = ?1 AND owner_id = ?2 AND key_id = ?3",
    )?
    .execute(params![tenant.0, owner_id, key_id])?;
    Ok(())
}

/// Gives a credential the key id Graph gave it.
pub fn set_key_id(
    conn: &Connection,
    tenant: TenantKey,
    owner_id: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE OR REPLACE credentials SET key_id = ?4
         WHERE tenant = ?1 AND owner_id = ?2 AND key_id = ?3",
    )?
    .execute(params![tenant.0, owner_id, old, new])?;
    Ok(())
}

/// Marks an owner's credentials as belonging to a live object again (a restore).
pub fn mark_owner_restored(conn: &Connection, tenant: TenantKey, owner_id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE credentials SET owner_deleted = 0 WHERE tenant = ?1 AND owner_id = ?2",
    )?
    .execute(params![tenant.0, owner_id])?;
    Ok(())
}

/// When each of `key_ids` (credential key ids or federated credential ids) last signed in,
/// from the cached sign-ins' roll-up: key id → last use (ms).
pub fn last_uses(
    conn: &Connection,
    tenant: TenantKey,
    key_ids: &[&str],
) -> Result<std::collections::HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, last_used FROM credential_activity WHERE tenant = ?1 AND key_id = ?2",
    )?;
    let mut out = std::collections::HashMap::new();
    for k in key_ids {
        let mut rows = stmt.query(params![tenant.0, k])?;
        if let Some(r) = rows.next()? {
            out.insert(r.get(0)?, r.get(1)?);
        }
    }
    Ok(out)
}
