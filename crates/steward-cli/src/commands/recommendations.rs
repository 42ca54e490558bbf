//! `steward recommendations`: the app-health recommendations, with the impacted resources and
//! the evidence behind them.

use std::io::Write;

use rusqlite::Connection;
use steward_core::recommendations::{self, RecommendationSettings};
use steward_core::store::tenants;

use super::parse_as_of;
use crate::output;
use crate::RecommendationsArgs;

/// Prints the recommendations that have impacted resources.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: RecommendationsArgs,
) -> anyhow::Result<()> {
    let RecommendationsArgs {
        args,
        secret_max_days,
        certificate_max_days,
        limit,
    } = args;
    let as_of = parse_as_of(args.as_of)?;
    let (key, t) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let settings = RecommendationSettings {
        secret_max_days,
        certificate_max_days,
    };
    let report = recommendations::recommendations(conn, key, &t.id, as_of, &settings, limit)?;
    let listed: Vec<_> = report
        .recommendations
        .iter()
        // A check that lacks its data is listed too: it did not pass, it could not look.
        .filter(|r| r.impacted_total > 0 || r.missing_data.is_some())
        .collect();
    if args.json {
        output::write_json(out, &listed)?;
    } else {
        writeln!(out, "{} ({}) as of {}", t.display_name, t.id, report.as_of)?;
        for r in listed.iter().filter(|r| r.impacted_total > 0) {
            writeln!(
                out,
                "\n[{}] {} ({}, {}): {} impacted",
                r.priority.as_str(),
                r.display_name,
                r.recommendation_type,
                r.status.as_str(),
                r.impacted_total
            )?;
            for i in &r.impacted {
                let facts: Vec<String> = i
                    .evidence
                    .iter()
                    .map(|e| format!("{}: {}", e.label, e.value))
                    .collect();
                writeln!(out, "  {}  {}  {}", i.id, i.display_name, facts.join(" | "))?;
            }
            let more = r.impacted_total - r.impacted.len() as i64;
            if more > 0 {
                writeln!(out, "  … and {more} more (raise --limit to list them)")?;
            }
        }
        for r in report
            .recommendations
            .iter()
            .filter(|r| r.undetermined_total > 0)
        {
            writeln!(
                out,
                "\n{}: {} not judged. {}",
                r.recommendation_type,
                r.undetermined_total,
                r.undetermined_reason.as_deref().unwrap_or_default()
            )?;
        }
        for r in report
            .recommendations
            .iter()
            .filter(|r| r.impacted_total == 0)
        {
            if let Some(why) = &r.missing_data {
                writeln!(out, "\n{}: {why}", r.recommendation_type)?;
            }
        }
    }
    Ok(())
}
