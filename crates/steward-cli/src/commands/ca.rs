//! `steward ca`: conditional access for workload identities — the policies and named locations,
//! what-if, and replay of the cached sign-ins through a policy.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, Context};
use rusqlite::Connection;
use steward_core::conditional_access::{self as ca, replay::period_bound, ReplayWindow, Verdict};
use steward_core::store::tenants;

use crate::output;
use crate::{CaCommand, CaListArgs, CaReplayArgs, CaWhatIfArgs};

/// A policy file larger than this is not one policy.
const POLICY_FILE_LIMIT: u64 = 4 << 20;

pub(crate) fn run(conn: &Connection, out: &mut impl Write, c: CaCommand) -> anyhow::Result<()> {
    match c {
        CaCommand::List(args) => list(conn, out, args),
        CaCommand::Whatif(args) => what_if(conn, out, args),
        CaCommand::Replay(args) => replay(conn, out, args),
    }
}

fn list(conn: &Connection, out: &mut impl Write, args: CaListArgs) -> anyhow::Result<()> {
    let (key, t) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let view = ca::overview(conn, key)?;
    if args.json {
        return output::write_json(out, &view);
    }
    writeln!(out, "{} ({})", t.display_name, t.id)?;
    if !view.policies_read {
        writeln!(
            out,
            "Conditional access policies are not in the cache: sync or import them (Policy.Read.All)."
        )?;
    }
    writeln!(
        out,
        "\nPolicies for workload identities ({}):",
        view.workload_policies.len()
    )?;
    for p in &view.workload_policies {
        writeln!(out, "  [{}] {}  {}", p.state_label, p.display_name, p.id)?;
        let names = |list: &[ca::IdentityRef]| {
            list.iter()
                .map(|i| i.display_name.clone().unwrap_or_else(|| i.id.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if p.includes_all {
            writeln!(out, "      includes: every service principal of the tenant")?;
        } else {
            writeln!(out, "      includes: {}", names(&p.included))?;
        }
        if !p.excluded.is_empty() {
            writeln!(out, "      excludes: {}", names(&p.excluded))?;
        }
        let places = |list: &[ca::LocationRef]| {
            list.iter()
                .map(|l| l.display_name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !p.locations_included.is_empty() {
            write!(out, "      locations: {}", places(&p.locations_included))?;
            if !p.locations_excluded.is_empty() {
                write!(out, " except {}", places(&p.locations_excluded))?;
            }
            writeln!(out)?;
        }
        if !p.risk_levels.is_empty() {
            writeln!(out, "      risk levels: {}", p.risk_levels.join(", "))?;
        }
        for problem in &p.problems {
            writeln!(out, "      not in Entra's shape: {problem}")?;
        }
    }
    writeln!(
        out,
        "\nOther policies ({}), read-only:",
        view.other_policies.len()
    )?;
    for p in &view.other_policies {
        writeln!(
            out,
            "  [{}] {}  grant: {}",
            p.state_label,
            p.display_name,
            p.grant.join(", ")
        )?;
    }
    writeln!(out, "\nNamed locations ({}):", view.named_locations.len())?;
    for l in &view.named_locations {
        let what = if l.location.kind == "ip" {
            l.location.ip_ranges.join(", ")
        } else {
            l.location.countries_and_regions.join(", ")
        };
        writeln!(
            out,
            "  {}{}  {}  {}",
            l.location.display_name,
            if l.location.is_trusted {
                " (trusted)"
            } else {
                ""
            },
            l.location.id,
            what
        )?;
    }
    Ok(())
}

fn what_if(conn: &Connection, out: &mut impl Write, args: CaWhatIfArgs) -> anyhow::Result<()> {
    let (key, _) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let w = ca::what_if(conn, key, &args.sp, &args.ip, args.risk.as_deref())?;
    if args.json {
        return output::write_json(out, &w);
    }
    writeln!(
        out,
        "{} ({}) from {}, risk {}{}",
        w.display_name.as_deref().unwrap_or("(not in the cache)"),
        w.service_principal_id,
        w.ip_address,
        w.risk_level.as_deref().unwrap_or("unknown"),
        match w.risk_source {
            ca::RiskSource::Given => " (given)",
            ca::RiskSource::Cache => " (Identity Protection, from the cache)",
            ca::RiskSource::Unknown => " (not in the cache)",
        }
    )?;
    writeln!(
        out,
        "{}",
        if w.blocked {
            "Blocked: an enabled policy applies."
        } else if w.report_only_blocks {
            "Not blocked; a report-only policy would block it."
        } else {
            "Not blocked by any policy."
        }
    )?;
    for p in &w.policies {
        let outcome = match p.outcome {
            ca::Outcome::Applies => "applies",
            ca::Outcome::DoesNotApply => "does not apply",
            ca::Outcome::Undetermined => "cannot be decided",
        };
        writeln!(out, "\n  [{}] {}: {outcome}", p.state_label, p.display_name)?;
        if let Some(r) = &p.reason {
            writeln!(out, "      {r}")?;
        }
        for c in &p.checks {
            let mark = match c.verdict {
                Verdict::Met => "met",
                Verdict::NotMet => "NOT MET",
                Verdict::Undetermined => "unknown",
            };
            writeln!(out, "      - {}: {mark}. {}", c.condition.label(), c.detail)?;
        }
    }
    Ok(())
}

/// `--from` or `--to`.
fn bound(s: &str, end: bool, flag: &str) -> anyhow::Result<steward_core::clock::DateTime> {
    period_bound(s, end).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Reads one policy from a file as Graph or EntraExporter wrote it.
fn read_policy_file(path: &Path) -> anyhow::Result<serde_json::Value> {
    let file = std::fs::File::open(path).with_context(|| {
        format!(
            "could not open the policy file {}: check the path",
            path.display()
        )
    })?;
    let mut bytes = Vec::new();
    file.take(POLICY_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("could not read the policy file {}", path.display()))?;
    if bytes.len() as u64 > POLICY_FILE_LIMIT {
        bail!(
            "{} is over 4 MiB: a policy file holds one conditionalAccessPolicy; save one policy to it",
            path.display()
        );
    }
    // PowerShell (EntraExporter) may start the file with a byte-order mark.
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is not UTF-8 text: save the policy as UTF-8 JSON",
            path.display()
        )
    })?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        anyhow::anyhow!(
            "{} is not JSON ({e}): save one conditionalAccessPolicy as Graph returns it",
            path.display()
        )
    })
}

fn replay(conn: &Connection, out: &mut impl Write, args: CaReplayArgs) -> anyhow::Result<()> {
    let (key, _) = tenants::resolve_tenant(conn, args.tenant.as_deref())?;
    let window = ReplayWindow {
        from: bound(&args.from, false, "--from")?,
        to: bound(&args.to, true, "--to")?,
        list_limit: args.limit,
    };
    let (json, source) = match (&args.policy, &args.policy_id) {
        (Some(path), _) => (read_policy_file(path)?, path.display().to_string()),
        (None, Some(id)) => {
            let cached = steward_core::store::governance::list_ca_policies(conn, key)?
                .into_iter()
                .find(|p| p.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "no conditional access policy {id} in the cache; `steward ca list` shows them"
                    )
                })?;
            (cached.graph_json()?, format!("policy {id}"))
        }
        (None, None) => bail!("give --policy FILE.json or --policy-id ID"),
    };
    let policy = ca::WorkloadPolicy::from_graph(&json).map_err(|problems| {
        anyhow::anyhow!(
            "{source} is not a valid conditional access policy for workload identities: {}",
            problems.join("; ")
        )
    })?;
    let r = ca::replay(conn, key, &policy, window)?;
    if args.json {
        return output::write_json(out, &r);
    }
    writeln!(
        out,
        "{} ({}), replayed over {} to {}",
        if policy.display_name.is_empty() {
            "(unnamed policy)"
        } else {
            &policy.display_name
        },
        policy.state.label(),
        r.from.date_naive(),
        r.to.date_naive()
    )?;
    writeln!(
        out,
        "{} sign-ins read; {} failed before conditional access (not counted); {} reached it.",
        r.sign_ins_read, r.stopped_before_conditional_access, r.reached_conditional_access
    )?;
    writeln!(
        out,
        "Would have blocked {} sign-ins of {} identities.",
        r.blocked_sign_ins,
        r.identities.len()
    )?;
    if !r.log_covers_period {
        writeln!(
            out,
            "The cached log starts after --from: the counts cover only the days it holds."
        )?;
    }
    for i in &r.identities {
        writeln!(
            out,
            "  {:>8}  {}  {}",
            i.blocked_sign_ins,
            i.display_name.as_deref().unwrap_or("(not in the cache)"),
            i.id
        )?;
    }
    if !r.undetermined.is_empty() {
        writeln!(out, "\nCannot be decided from the cache:")?;
        for u in &r.undetermined {
            writeln!(out, "  {:>8}  {}", u.sign_ins, u.reason)?;
        }
    }
    if !r.not_blocked.is_empty() {
        writeln!(out, "\nNot blocked, by the condition that ruled them out:")?;
        for n in &r.not_blocked {
            writeln!(out, "  {:>8}  {}", n.sign_ins, n.label)?;
        }
    }
    Ok(())
}
