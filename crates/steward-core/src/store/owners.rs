//! `owners`: owners of applications and service principals, and sponsors of agent identities.

use rusqlite::{params, Connection};

use super::TenantKey;
use crate::model::{Owner, OwnerRelation};
use crate::Result;

fn relation_str(r: OwnerRelation) -> &'static str {
    match r {
        OwnerRelation::Owner => "owner",
        OwnerRelation::Sponsor => "sponsor",
    }
}

pub fn upsert_owner(conn: &Connection, tenant: TenantKey, o: &Owner) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO owners (tenant, object_id, owner_id, relation, owner_type,
             display_name, user_type)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        tenant.0,
        o.object_id,
        o.owner_id,
        relation_str(o.relation),
        o.owner_type,
        o.display_name,
        o.user_type
    ])?;
    Ok(())
}

/// Replaces the owners of `object_id` with `owners` (its sponsors stay): an export that lists an
/// object's owners lists all of them.
pub fn replace_owners(
    conn: &Connection,
    tenant: TenantKey,
    object_id: &str,
    owners: &[Owner],
) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND relation = 'owner'",
    )?
    .execute(params![tenant.0, object_id])?;
    for o in owners {
        upsert_owner(conn, tenant, o)?;
    }
    Ok(())
}

/// Owners and sponsors of any of `object_ids`, owners first, then by name.
pub fn list_for_objects(
    conn: &Connection,
    tenant: TenantKey,
    object_ids: &[&str],
) -> Result<Vec<Owner>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_id, owner_id, owner_type, display_name, relation, user_type FROM owners
         WHERE tenant = ?1 AND object_id = ?2",
    )?;
    let mut out = Vec::new();
    for id in object_ids {
        for row in stmt.query_map(params![tenant.0, id], |r| {
            let relation: String = r.get(4)?;
            Ok(Owner {
                object_id: r.get(0)?,
                owner_id: r.get(1)?,
                owner_type: r.get(2)?,
                display_name: r.get(3)?,
                user_type: r.get(5)?,
                relation: if relation == "sponsor" {
                    OwnerRelation::Sponsor
                } else {
                    OwnerRelation::Owner
                },
            })
        })? {
            out.push(row?);
        }
    }
    out.sort_by(|a, b| {
        (
            a.relation != OwnerRelation::Owner,
            &a.display_name,
            &a.owner_id,
        )
            .cmp(&(
                b.relation != OwnerRelation::Owner,
                &b.display_name,
                &b.owner_id,
            ))
    });
    out.dedup_by(|a, b| a.owner_id == b.owner_id && a.relation == b.relation);
    Ok(out)
}

/// Removes one owner (or sponsor) of an object.
pub fn remove_one(
    conn: &Connection,
    tenant: TenantKey,
    object_id: &str,
    owner_id: &str,
    relation: OwnerRelation,
) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND owner_id = ?3 AND relation = ?4",
    )?
    .execute(params![tenant.0, object_id, owner_id, relation_str(relation)])?;
    Ok(())
}

/// Who `principal_id` is, as the cache knows it: a service principal, or a user or group seen
/// owning or sponsoring something; `None` when the cache has never seen it.
pub fn principal(
    conn: &Connection,
    tenant: TenantKey,
    principal_id: &str,
) -> Result<Option<(String, String, Option<String>)>> {
    use rusqlite::OptionalExtension;
    if let Some(sp) = conn
        .prepare_cached(
            "SELECT display_name FROM service_principals WHERE tenant = ?1 AND id = ?2",
        )?
        .query_row(params![tenant.0, principal_id], |r| r.get::<_, String>(0))
        .optional()?
    {
        return Ok(Some(("servicePrincipal".into(), sp, None)));
    }
    Ok(conn
        .prepare_cached(
            "SELECT owner_type, display_name, user_type FROM owners
             WHERE tenant = ?1 AND owner_id = ?2 ORDER BY object_id, relation LIMIT 1",
        )?
        .query_row(params![tenant.0, principal_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}
