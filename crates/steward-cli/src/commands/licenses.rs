//! `steward licenses`: the Workload ID Premium estimate bucket by bucket, and the planner's
//! scenarios priced.

use std::collections::BTreeMap;
use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::licensing::{self, FeatureScope, LicenseBucket, LicensePlan, Subscription};
use steward_core::store::tenants;

use super::parse_as_of;
use crate::output;
use crate::InsightArgs;

/// `licenses --json`: the estimate's figures and the plan, with camelCase keys as Graph and every
/// other `--json` output have them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LicensesJson<'a> {
    tenant_id: &'a str,
    as_of: &'a str,
    billable_identities: i64,
    billable_disabled: i64,
    monthly_cost_usd: f64,
    buckets: &'a BTreeMap<String, i64>,
    bucket_details: &'a [LicenseBucket],
    feature_scope: &'a FeatureScope,
    unused_billable: Option<i64>,
    subscriptions: &'a [Subscription],
    plan: &'a LicensePlan,
}

/// Prints the license estimate and the plan.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: InsightArgs,
) -> anyhow::Result<()> {
    let as_of = parse_as_of(args.as_of)?;
    let (key, t) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let e = licensing::estimate(conn, key, &t.id, as_of)?;
    let settings = licensing::load_settings(conn, key)?;
    let plan = licensing::plan(&e, &settings, as_of)?;
    if args.json {
        let v = LicensesJson {
            tenant_id: &e.tenant_id,
            as_of: &e.as_of,
            billable_identities: e.billable_identities,
            billable_disabled: e.billable_disabled,
            monthly_cost_usd: e.monthly_cost_usd,
            buckets: &e.buckets,
            bucket_details: &e.bucket_details,
            feature_scope: &e.feature_scope,
            unused_billable: e.unused_billable,
            subscriptions: &e.subscriptions,
            plan: &plan,
        };
        output::write_json(out, &v)?;
    } else {
        writeln!(out, "{} ({}) as of {}", t.display_name, t.id, e.as_of)?;
        for b in &e.bucket_details {
            let mark = match (b.counted, b.uncertain) {
                (true, true) => "counted (uncertain)",
                (true, false) => "counted",
                _ => "not counted",
            };
            writeln!(
                out,
                "  {:<64} {:>8}  {:<20} {} disabled",
                b.label, b.total, mark, b.disabled
            )?;
        }
        writeln!(
            out,
            "Full coverage: {} identities ({} disabled) = ${:.2} per month at $3",
            e.billable_identities, e.billable_disabled, e.monthly_cost_usd
        )?;
        writeln!(
            out,
            "Feature-scoped: {} identities ({} reviewed managed identities, {} picked)",
            e.feature_scope.total,
            e.feature_scope.access_reviewed_managed_identities,
            e.feature_scope.picked
        )?;
        for s in &e.subscriptions {
            writeln!(
                out,
                "Subscription {}: {} units prepaid, {} consumed{}",
                s.sku_part_number,
                s.prepaid_units,
                s.consumed_units,
                match (&s.next_lifecycle, s.is_trial) {
                    (Some(n), true) => format!(", trial ends {n}"),
                    (Some(n), false) => format!(", renews {n}"),
                    _ => String::new(),
                }
            )?;
        }
        writeln!(
            out,
            "Plan at {:.2} {} per identity per month, growth {}% a year:",
            plan.settings.price, plan.settings.currency, plan.settings.growth_pct
        )?;
        for r in &plan.results {
            match (r.identities, r.monthly_cost, r.annual_cost) {
                (Some(n), Some(m), Some(a)) => {
                    let h: Vec<String> = r
                        .horizons
                        .iter()
                        .map(|h| format!("{} mo {:.2}", h.months, h.total))
                        .collect();
                    writeln!(
                        out,
                        "  {:<40} {:>8} identities  {:>12.2}/month  {:>12.2}/year  {}",
                        r.name,
                        n,
                        m,
                        a,
                        h.join(", ")
                    )?;
                }
                _ => writeln!(
                    out,
                    "  {:<40} not available: {}",
                    r.name,
                    r.note.as_deref().unwrap_or_default()
                )?,
            }
        }
    }
    Ok(())
}
