//! `tenant_policies`: the tenant's authorization, admin-consent and app-management policies and
//! its consent requests, each kept whole as Graph returned it, for the tenant-wide checks.

use rusqlite::{params, Connection};

use super::TenantKey;
use crate::dataset::Dataset;
use crate::model::TenantPolicy;
use crate::Result;

pub fn upsert_policy(conn: &Connection, tenant: TenantKey, p: &TenantPolicy) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO tenant_policies (tenant, kind, id, json) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![tenant.0, p.kind.name(), p.id, p.json])?;
    Ok(())
}

/// Every cached object of one kind, by id.
pub fn list_policies(
    conn: &Connection,
    tenant: TenantKey,
    kind: Dataset,
) -> Result<Vec<TenantPolicy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, json FROM tenant_policies WHERE tenant = ?1 AND kind = ?2 ORDER BY id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, kind.name()], |r| {
            Ok(TenantPolicy {
                kind,
                id: r.get(0)?,
                json: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
