//! `steward review`: access reviews of privileged workload identities.

use std::io::Write;

use anyhow::anyhow;
use rusqlite::Connection;
use steward_core::access_reviews::{
    self as reviews, AccessReview, Decision, DefaultDecision, NewReview, Recurrence, ReviewScope,
};
use steward_core::clock;
use steward_core::conditional_access::replay::period_bound;
use steward_core::store::tenants;

use super::{local_actor, parse_as_of};
use crate::output;
use crate::{ReviewCommand, ReviewOutput};

pub(crate) fn run(conn: &Connection, out: &mut impl Write, c: ReviewCommand) -> anyhow::Result<()> {
    match c {
        ReviewCommand::Create(a) => {
            let (key, _) = tenants::resolve_tenant(conn, a.output.tenant.as_deref())?;
            let as_of = parse_as_of(a.as_of)?;
            let (scope, ids) = match a.scope.trim() {
                "privileged" => (ReviewScope::Privileged, a.ids),
                "ids" => (ReviewScope::Selected, a.ids),
                "" => return Err(anyhow!("--scope: give privileged, or ids with --id")),
                // A list of ids given as the scope itself.
                list => (
                    ReviewScope::Selected,
                    list.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .chain(a.ids)
                        .collect(),
                ),
            };
            let new = NewReview {
                name: a.name,
                scope,
                ids,
                reviewers: a.reviewers,
                due: period_bound(&a.due, true).map_err(|e| anyhow!("--due: {e}"))?,
                recurrence: Recurrence::parse(&a.recurrence).ok_or_else(|| {
                    anyhow!("--recurrence {}: use once, weekly, monthly, quarterly, semiAnnually or annually", a.recurrence)
                })?,
                default_decision: DefaultDecision::parse(&a.if_no_response).ok_or_else(|| {
                    anyhow!("--if-no-response {}: use noChange, removeAccess, approveAccess or takeRecommendations", a.if_no_response)
                })?,
            };
            let review = reviews::create(conn, key, &new, &local_actor(), as_of)?;
            print(out, &a.output, &review)
        }
        ReviewCommand::Decide(a) => {
            let (key, _) = tenants::resolve_tenant(conn, a.output.tenant.as_deref())?;
            let decision = Decision::parse(&a.decision)
                .filter(|d| *d != Decision::NotReviewed)
                .ok_or_else(|| {
                    anyhow!("--decision {}: use approve, deny or dontKnow", a.decision)
                })?;
            let review = reviews::decide(
                conn,
                key,
                &a.review,
                &a.identity,
                decision,
                &a.justification,
                &local_actor(),
                clock::now(),
            )?;
            print(out, &a.output, &review)
        }
        ReviewCommand::Complete(a) => {
            let (key, _) = tenants::resolve_tenant(conn, a.output.tenant.as_deref())?;
            let review =
                reviews::complete(conn, key, &a.review, a.apply, &local_actor(), clock::now())?;
            print(out, &a.output, &review)
        }
        ReviewCommand::List(a) => {
            let (key, _) = tenants::resolve_tenant(conn, a.output.tenant.as_deref())?;
            let all = reviews::list(conn, key)?;
            if a.output.json {
                return output::write_json(out, &all);
            }
            if all.is_empty() {
                writeln!(
                    out,
                    "No access review yet: `steward review create` starts one."
                )?;
            }
            for r in &all {
                writeln!(
                    out,
                    "{}  {}  {}  due {}  {} identities, {} decided",
                    r.id,
                    r.status.as_str(),
                    r.name,
                    r.due.date_naive(),
                    r.items.len(),
                    r.items
                        .iter()
                        .filter(|i| i.decision != Decision::NotReviewed)
                        .count()
                )?;
            }
            Ok(())
        }
        ReviewCommand::Show(a) => {
            let (key, _) = tenants::resolve_tenant(conn, a.output.tenant.as_deref())?;
            let review = reviews::get(conn, key, &a.review)?;
            print(out, &a.output, &review)
        }
    }
}

fn print(out: &mut impl Write, o: &ReviewOutput, r: &AccessReview) -> anyhow::Result<()> {
    if o.json {
        return output::write_json(out, r);
    }
    writeln!(
        out,
        "{} ({}), {}; reviewers {}; due {}; {}, if nobody decides: {}",
        r.name,
        r.id,
        r.status.as_str(),
        r.reviewers.join(", "),
        r.due.date_naive(),
        r.recurrence.as_str(),
        r.default_decision.as_str()
    )?;
    for i in &r.items {
        writeln!(
            out,
            "\n  {}  {}  [{}] recommended {}: {}",
            i.id,
            i.display_name,
            i.decision.as_str(),
            i.recommendation.as_str(),
            i.recommendation_reason
        )?;
        for reason in &i.reasons {
            writeln!(out, "      {reason}")?;
        }
        if let Some(j) = &i.justification {
            writeln!(
                out,
                "      decided by {} : {j}",
                i.decided_by.as_deref().unwrap_or("?")
            )?;
        }
        for a in &i.applied {
            writeln!(out, "      queued: {a}")?;
        }
    }
    Ok(())
}
