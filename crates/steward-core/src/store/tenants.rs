//! `tenants`: the tenants the cache holds, and the default-tenant rule every command follows.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{ms, time, TenantKey};
use crate::model::Tenant;
use crate::{Error, Result};

/// Inserts or updates a tenant (by its GUID) in the given state and returns its key.
pub fn upsert_tenant(conn: &Connection, t: &Tenant, loading: bool) -> Result<TenantKey> {
    let state = if loading { "loading" } else { "ready" };
    let key = conn.query_row(
        "INSERT INTO tenants (id, display_name, default_domain, is_demo, state, data_as_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
             default_domain = excluded.default_domain, is_demo = excluded.is_demo,
             state = excluded.state, data_as_of = excluded.data_as_of
         RETURNING key",
        params![
            t.id,
            t.display_name,
            t.default_domain,
            t.is_demo,
            state,
            ms(t.data_as_of)
        ],
        |r| r.get(0),
    )?;
    Ok(TenantKey(key))
}

pub fn mark_ready(conn: &Connection, key: TenantKey) -> Result<()> {
    conn.execute("UPDATE tenants SET state = 'ready' WHERE key = ?1", [key.0])?;
    Ok(())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<(TenantKey, Tenant)> {
    Ok((
        TenantKey(r.get(0)?),
        Tenant {
            id: r.get(1)?,
            display_name: r.get(2)?,
            default_domain: r.get(3)?,
            is_demo: r.get(4)?,
            data_as_of: time(r.get(5)?),
        },
    ))
}

const COLUMNS: &str = "key, id, display_name, default_domain, is_demo, data_as_of";

/// The complete tenants, sorted by id (a tenant still being written is not listed).
pub fn list_tenants(conn: &Connection) -> Result<Vec<(TenantKey, Tenant)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM tenants WHERE state = 'ready' ORDER BY id"
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get_tenant(conn: &Connection, id: &str) -> Result<Option<(TenantKey, Tenant)>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM tenants WHERE state = 'ready' AND id = ?1 COLLATE NOCASE
                 ORDER BY key"
            ),
            [id],
            from_row,
        )
        .optional()?)
}

/// Demo tenants, complete or not (a demo write that was interrupted leaves a `loading` one).
pub fn list_demo_keys(conn: &Connection) -> Result<Vec<TenantKey>> {
    let mut stmt =
        conn.prepare("SELECT key FROM tenants WHERE is_demo = 1 OR state = 'loading'")?;
    let keys = stmt
        .query_map([], |r| r.get(0).map(TenantKey))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys)
}

/// Removes a tenant and, through the foreign keys, every row that belongs to it.
pub fn delete_tenant(conn: &Connection, key: TenantKey) -> Result<()> {
    conn.execute("DELETE FROM tenants WHERE key = ?1", [key.0])?;
    Ok(())
}

/// The default-tenant rule: an explicit id must exist; without one, the cache must hold exactly
/// one tenant.
pub fn resolve_tenant(conn: &Connection, requested: Option<&str>) -> Result<(TenantKey, Tenant)> {
    if let Some(id) = requested {
        return get_tenant(conn, id)?.ok_or_else(|| Error::UnknownTenant(id.to_string()));
    }
    let mut all = list_tenants(conn)?;
    match all.len() {
        0 => Err(Error::NoTenant),
        1 => Ok(all.remove(0)),
        count => Err(Error::AmbiguousTenant {
            count,
            list: all
                .iter()
                .map(|(_, t)| format!("{} \"{}\"", t.id, t.display_name))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The tenant's directory id (GUID).
pub fn tenant_id_of(conn: &Connection, key: TenantKey) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT id FROM tenants WHERE key = ?1")?
        .query_row(rusqlite::params![key.0], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    fn tenant(id: &str, name: &str) -> Tenant {
        Tenant {
            id: id.into(),
            display_name: name.into(),
            default_domain: None,
            is_demo: false,
            data_as_of: None,
        }
    }

    #[test]
    fn one_tenant_is_the_default_and_several_need_a_choice() {
        let conn = open_in_memory().unwrap();
        assert!(matches!(resolve_tenant(&conn, None), Err(Error::NoTenant)));
        upsert_tenant(&conn, &tenant("aaaa", "Alpha"), false).unwrap();
        assert_eq!(resolve_tenant(&conn, None).unwrap().1.id, "aaaa");
        upsert_tenant(&conn, &tenant("bbbb", "Beta"), false).unwrap();
        let err = resolve_tenant(&conn, None).unwrap_err().to_string();
        assert!(
            err.contains("aaaa") && err.contains("bbbb") && err.contains("--tenant"),
            "{err}"
        );
        assert_eq!(
            resolve_tenant(&conn, Some("BBBB")).unwrap().1.display_name,
            "Beta"
        );
        assert!(matches!(
            resolve_tenant(&conn, Some("cccc")),
            Err(Error::UnknownTenant(_))
        ));
    }

    #[test]
    fn a_tenant_still_loading_is_invisible_until_marked_ready() {
        let conn = open_in_memory().unwrap();
        let key = upsert_tenant(&conn, &tenant("aaaa", "Alpha"), true).unwrap();
        assert!(list_tenants(&conn).unwrap().is_empty());
        mark_ready(&conn, key).unwrap();
        assert_eq!(list_tenants(&conn).unwrap().len(), 1);
    }
}
