//! `steward identities`: every service principal of a tenant, streamed as JSON or one line each.

use std::io::Write;

use rusqlite::Connection;
use steward_core::identities;
use steward_core::store::tenants;

use crate::IdentitiesArgs;

/// Lists the service principals of a tenant.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: IdentitiesArgs,
) -> anyhow::Result<()> {
    let IdentitiesArgs { tenant, kind, json } = args;
    let (key, _) = tenants::resolve_tenant(conn, tenant.as_deref())?;
    if json {
        // Streamed element by element: a 110,000-identity tenant never sits in memory.
        write!(out, "[")?;
        let mut first = true;
        identities::for_each_identity_record(conn, key, kind, |r| {
            let sep = if first { "\n  " } else { ",\n  " };
            first = false;
            let line = serde_json::to_string(&r)
                .map_err(|e| steward_core::Error::InvalidInput(e.to_string()))?;
            write!(out, "{sep}{line}").map_err(|e| steward_core::Error::InvalidInput(e.to_string()))
        })?;
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    } else {
        identities::for_each_identity_record(conn, key, kind, |r| {
            let enabled = if r.account_enabled {
                "enabled "
            } else {
                "disabled"
            };
            writeln!(
                out,
                "{}  {:<22}  {}  {}",
                r.id,
                r.kind.as_str(),
                enabled,
                r.display_name
            )
            .map_err(|e| steward_core::Error::InvalidInput(e.to_string()))
        })?;
    }
    Ok(())
}
