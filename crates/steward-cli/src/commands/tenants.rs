//! `steward tenants`: the tenants the cache holds, with their service principal counts.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use steward_core::store::tenants;

use crate::output;
use crate::TenantsArgs;

/// Lists the tenants of the cache.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    db: &Path,
    args: TenantsArgs,
) -> anyhow::Result<()> {
    let TenantsArgs { json } = args;
    let list = tenants::list_tenants(conn)?;
    let summaries = list
        .iter()
        .map(|(k, t)| steward_core::overview::TenantSummary::load(conn, *k, t))
        .collect::<Result<Vec<_>, _>>()?;
    if json {
        output::write_json(out, &summaries)?;
    } else if summaries.is_empty() {
        eprintln!(
            "The cache at {} holds no tenant; run `steward demo` to create the demo tenant.",
            db.display()
        );
    } else {
        for t in summaries {
            let demo = if t.is_demo { " (demo)" } else { "" };
            writeln!(
                out,
                "{}  {}{}  {} service principals",
                t.id, t.display_name, demo, t.service_principal_count
            )?;
        }
    }
    Ok(())
}
