//! `steward dashboard`: the Overview page's KPIs and the tables behind its charts, for scripts
//! and checks (the charts' SVG is left out: the window and the reports draw them).

use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::dashboard::{ChartTable, Kpi};
use steward_core::overview::Overview;
use steward_core::store::tenants;

use super::parse_as_of;
use crate::output;
use crate::DashboardArgs;

/// One chart as data: its key, title and table.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChartData<'d> {
    key: &'d str,
    title: &'d str,
    description: &'d str,
    table: &'d ChartTable,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardData<'d> {
    summary: &'d Overview,
    as_of: &'d str,
    from: &'d str,
    days: i64,
    kpis: &'d [Kpi],
    charts: Vec<ChartData<'d>>,
}

/// Prints the dashboard of the `days` ending at `--as-of`.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: DashboardArgs,
) -> anyhow::Result<()> {
    let DashboardArgs { args, days } = args;
    let as_of = parse_as_of(args.as_of)?;
    let (key, t) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let d = steward_core::dashboard::dashboard(conn, key, &t, as_of, days)?;
    if args.json {
        let data = DashboardData {
            summary: &d.summary,
            as_of: &d.as_of,
            from: &d.from,
            days: d.days,
            kpis: &d.kpis,
            charts: d
                .charts
                .iter()
                .map(|c| ChartData {
                    key: &c.key,
                    title: &c.title,
                    description: &c.description,
                    table: &c.table,
                })
                .collect(),
        };
        output::write_json(out, &data)?;
    } else {
        writeln!(
            out,
            "{} ({}): {} days to {}",
            t.display_name, t.id, d.days, d.as_of
        )?;
        for k in &d.kpis {
            writeln!(out, "  {:<40} {:>12}  {}", k.label, k.value, k.detail)?;
        }
        for c in &d.charts {
            writeln!(out, "\n{} ({} rows)", c.title, c.table.rows.len())?;
        }
    }
    Ok(())
}
