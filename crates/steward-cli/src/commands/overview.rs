//! `steward overview`: the Overview page's figures for one tenant at one instant.

use std::io::Write;

use rusqlite::Connection;
use steward_core::store::tenants;

use super::parse_as_of;
use crate::output;
use crate::OverviewArgs;

/// Prints the Overview page's figures.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: OverviewArgs,
) -> anyhow::Result<()> {
    let OverviewArgs {
        tenant,
        as_of,
        json,
    } = args;
    let as_of = parse_as_of(as_of)?;
    let (key, t) = tenants::resolve_tenant(conn, tenant.as_deref())?;
    let o = steward_core::overview::overview(conn, key, &t, as_of)?;
    if json {
        output::write_json(out, &o)?;
    } else {
        writeln!(
            out,
            "{} ({}) as of {}",
            o.tenant.display_name, o.tenant.id, o.as_of
        )?;
        writeln!(
            out,
            "Service principals: {} ({} enabled, {} disabled)",
            o.total_service_principals, o.enabled_service_principals, o.disabled_service_principals
        )?;
        for c in o.by_kind.iter().chain(&o.by_ownership) {
            writeln!(out, "  {:<38} {:>8}", c.label, c.count)?;
        }
        writeln!(
            out,
            "Credentials expiring within 30 days: {}; expired: {}",
            o.credentials_expiring30d, o.credentials_expired
        )?;
        writeln!(
            out,
            "Sign-ins, last 30 days: {} ({} failed)",
            o.sign_ins30d, o.sign_in_failures30d
        )?;
    }
    Ok(())
}
