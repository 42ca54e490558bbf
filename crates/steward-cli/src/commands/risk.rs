//! `steward risk` (alias `risks`): Identity Protection's risky identities and Steward's own
//! sign-in signals.

use std::io::Write;

use rusqlite::Connection;
use steward_core::risk::{self, RiskSettings};
use steward_core::store::tenants;

use super::parse_as_of;
use crate::output;
use crate::RiskArgs;

/// Prints the risk report.
pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: RiskArgs) -> anyhow::Result<()> {
    let RiskArgs {
        args,
        window_days,
        burst_threshold,
    } = args;
    let as_of = parse_as_of(args.as_of)?;
    let (key, t) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let settings = RiskSettings {
        window_days,
        burst_threshold,
        ..RiskSettings::default()
    };
    let report = risk::risk_report(conn, key, as_of, &settings)?;
    if args.json {
        output::write_json(out, &report)?;
    } else {
        writeln!(
            out,
            "{} ({}) as of {}; signals first seen since {}",
            t.display_name, t.id, report.as_of, report.window_from
        )?;
        match &report.identity_protection_synced_at {
            Some(at) => writeln!(out, "\nIdentity Protection (read {at}):")?,
            None => writeln!(
                out,
                "\nIdentity Protection: not in the cache (sync it; it needs Workload ID Premium)"
            )?,
        }
        for r in &report.risky_identities {
            writeln!(
                out,
                "  [{}] {}  {}  {}  {} detection(s){}",
                r.risk_level,
                r.id,
                r.display_name,
                r.risk_state,
                r.detections.len(),
                match r.pending_action {
                    Some(a) => format!(", {} not yet pushed to Entra", a.as_str()),
                    None => String::new(),
                }
            )?;
        }
        writeln!(out, "\nSteward's signals ({}):", report.signals.len())?;
        for s in &report.signals {
            writeln!(
                out,
                "  [{}] {}  {}  {}: {}  (first {}, {} sign-ins, {:?})",
                s.level.as_str(),
                s.sp_id,
                s.display_name,
                s.kind.as_str(),
                s.value,
                s.detected_at,
                s.sign_in_count,
                s.state
            )?;
        }
        for u in &report.unavailable {
            writeln!(out, "\nNot computed: {}. {}", u.label, u.value)?;
        }
    }
    Ok(())
}
