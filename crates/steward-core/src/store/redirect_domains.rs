//! `redirect_domains`: whether the hosts of the tenant's own redirect URIs resolved when a sync
//! looked them up, for the dangling-domain half of `unsafeRedirectUri`.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection};

use super::{parse_json_list, TenantKey};
use crate::recommendations::redirect_host;
use crate::Result;

/// The distinct host names in the redirect URIs of the tenant's active applications that a
/// resolver can look up (http and https, no wildcard, not loopback nor an IP address), sorted.
pub fn own_redirect_hosts(conn: &Connection, tenant: TenantKey) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT redirect_uris FROM applications
         WHERE tenant = ?1 AND deleted IS NULL AND redirect_uris IS NOT NULL",
    )?;
    let mut hosts = BTreeSet::new();
    let mut rows = stmt.query([tenant.0])?;
    while let Some(r) = rows.next()? {
        for uri in parse_json_list(&r.get::<_, String>(0)?) {
            if let Some(h) = redirect_host(&uri) {
                hosts.insert(h);
            }
        }
    }
    Ok(hosts.into_iter().collect())
}

/// Records what a lookup found at `at`: `found` holds (host, resolves) for the hosts the resolver
/// answered for; hosts it could not answer for keep their earlier verdict. Hosts no longer in
/// any redirect URI (`current` is the list looked up) are forgotten.
pub fn record(
    conn: &Connection,
    tenant: TenantKey,
    current: &[String],
    found: &[(String, bool)],
    at: i64,
) -> Result<()> {
    let keep: BTreeSet<&str> = current.iter().map(String::as_str).collect();
    let known: Vec<String> = conn
        .prepare_cached("SELECT host FROM redirect_domains WHERE tenant = ?1")?
        .query_map([tenant.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut forget =
        conn.prepare_cached("DELETE FROM redirect_domains WHERE tenant = ?1 AND host = ?2")?;
    for h in known.iter().filter(|h| !keep.contains(h.as_str())) {
        forget.execute(params![tenant.0, h])?;
    }
    let mut put = conn.prepare_cached(
        "INSERT OR REPLACE INTO redirect_domains (tenant, host, resolves, checked)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (host, resolves) in found {
        put.execute(params![tenant.0, host, resolves, at])?;
    }
    Ok(())
}

/// The hosts that did not resolve when last looked up, with when that was.
pub fn dangling(conn: &Connection, tenant: TenantKey) -> Result<HashMap<String, i64>> {
    let rows = conn
        .prepare_cached(
            "SELECT host, checked FROM redirect_domains WHERE tenant = ?1 AND resolves = 0",
        )?
        .query_map([tenant.0], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (hosts looked up, the latest lookup), or `None` when no sync has looked any up.
pub fn last_check(conn: &Connection, tenant: TenantKey) -> Result<Option<(i64, i64)>> {
    let (n, at): (i64, Option<i64>) = conn.query_row(
        "SELECT count(*), max(checked) FROM redirect_domains WHERE tenant = ?1",
        [tenant.0],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(at.map(|at| (n, at)))
}
