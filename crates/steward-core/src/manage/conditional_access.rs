//! Conditional access authored in Steward: policies for workload identities, in the only shape
//! Entra accepts (docs/domain.md §4), and named IP locations. Each is checked here against what
//! Entra refuses, with the reason and the fix, then shown in the cache and queued for the push.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

use super::change::Change;
use super::local_id;
use crate::clock::rfc3339;
use crate::conditional_access::evaluate::{eligibility, Verdict};
use crate::conditional_access::policy::{Included, ALL_LOCATIONS, ALL_TRUSTED};
use crate::conditional_access::{Principals, WorkloadPolicy};
use crate::model::{ConditionalAccessPolicy, NamedLocation};
use crate::store::outbox::{self, OutboxItem};
use crate::store::{governance, risk, TenantKey};
use crate::{Error, Result};

/// The risk levels a policy may name when authored (Entra's editor offers these three).
pub const AUTHORED_RISK_LEVELS: [&str; 3] = ["high", "medium", "low"];
/// The most IP ranges one named location takes.
pub const MAX_RANGES: usize = 2000;

/// The policy as the cache keeps it: Graph's JSON, on `base` (the cached version) when there is
/// one, so fields Steward does not author (template, creation time) stay as they were.
pub(crate) fn cached_policy(
    p: &WorkloadPolicy,
    base: Option<&ConditionalAccessPolicy>,
    now: DateTime<Utc>,
) -> Result<ConditionalAccessPolicy> {
    let mut v = base
        .and_then(|b| serde_json::from_str::<Value>(&b.policy).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| serde_json::json!({"createdDateTime": rfc3339(now)}));
    let authored = p.to_graph();
    for k in ["id", "displayName", "state", "conditions", "grantControls"] {
        if let Some(x) = authored.get(k) {
            v[k] = x.clone();
        }
    }
    v["modifiedDateTime"] = Value::String(rfc3339(now));
    ConditionalAccessPolicy::from_graph(&v).map_err(Error::InvalidInput)
}

/// What is wrong with a policy's or location's name (Entra takes 1 to 256 characters).
fn name_problem(what: &str, name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        Some(format!("Give the {what} a name"))
    } else if name.chars().count() > 256 {
        Some("The name is over 256 characters: shorten it".into())
    } else {
        None
    }
}

/// Every way `draft` would be refused, each with what to do: Entra's shape, and targets,
/// locations and risk levels checked against the cache.
pub fn policy_problems(
    conn: &Connection,
    key: TenantKey,
    draft: &WorkloadPolicy,
) -> Result<Vec<String>> {
    let mut problems: Vec<String> = name_problem("policy", &draft.display_name)
        .into_iter()
        .collect();
    let mut principals = Principals::new(conn, key);
    match &draft.include {
        Included::AllInTenant => {}
        Included::Selected(ids) if ids.is_empty() => {
            problems.push("Include service principals: select some, or all of the tenant's".into())
        }
        Included::Selected(ids) => {
            for id in ids {
                let p = principals.get(id)?;
                let name = p.display_name.clone().unwrap_or_else(|| id.clone());
                if p.class.is_none() {
                    problems.push(format!(
                        "No service principal {id} in the cache: select one the Identities page lists"
                    ));
                    continue;
                }
                let check = eligibility(p.class);
                if check.verdict == Verdict::NotMet {
                    problems.push(format!(
                        "{name} cannot be targeted: {}; Entra refuses it. Remove it from the policy",
                        check.detail.to_lowercase()
                    ));
                }
            }
        }
    }
    for id in &draft.exclude {
        if principals.get(id)?.class.is_none() {
            problems.push(format!(
                "No service principal {id} in the cache to exclude: remove it from the exclusions"
            ));
        }
    }
    if let Some(l) = &draft.locations {
        let known = risk::list_named_locations(conn, key)?;
        if l.include.is_empty() {
            problems.push("The location condition includes no location: include any location, all trusted ones, or named ones".into());
        }
        for id in l.include.iter().chain(&l.exclude) {
            if id != ALL_LOCATIONS
                && id != ALL_TRUSTED
                && !known.iter().any(|k| k.id.eq_ignore_ascii_case(id))
            {
                problems.push(format!(
                    "No named location {id} in the cache: choose one the page lists, or sync"
                ));
            }
        }
        if l.exclude.iter().any(|e| e == ALL_LOCATIONS) {
            problems
                .push("Any location cannot be excluded: exclude trusted or named locations".into());
        }
    }
    for r in &draft.risk_levels {
        if !AUTHORED_RISK_LEVELS.contains(&r.as_str()) {
            problems.push(format!("Risk level {r}: choose high, medium or low"));
        }
    }
    // The shape Entra accepts, as the policy will be written.
    if let Err(shape) = WorkloadPolicy::from_graph(&draft.to_graph()) {
        problems.extend(shape);
    }
    Ok(problems)
}

fn refuse(what: &str, problems: Vec<String>) -> Error {
    Error::InvalidInput(format!("the {what} was not saved: {}", problems.join("; ")))
}

/// The cached policy `id`, read into Entra's shape.
fn cached_workload_policy(
    conn: &Connection,
    key: TenantKey,
    id: &str,
) -> Result<(ConditionalAccessPolicy, WorkloadPolicy)> {
    let cached = governance::get_ca_policy(conn, key, id)?.ok_or_else(|| {
        Error::InvalidInput(format!(
            "no conditional access policy {id} in the cache; the Conditional access page (or `steward ca list`) lists them"
        ))
    })?;
    let v = cached.graph_json()?;
    let policy = WorkloadPolicy::from_graph(&v).map_err(|problems| {
        Error::InvalidInput(format!(
            "{} is not a workload-identity policy in the shape Steward edits ({}); change it in the Entra admin center",
            cached.display_name,
            problems.join("; ")
        ))
    })?;
    Ok((cached, policy))
}

/// Saves a policy: a new one when `draft.id` is `None` (report-only is the safe default the
/// window offers), otherwise an edit of the cached one.
pub fn save_policy(
    conn: &Connection,
    key: TenantKey,
    mut draft: WorkloadPolicy,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    draft.display_name = draft.display_name.trim().to_string();
    let problems = policy_problems(conn, key, &draft)?;
    if !problems.is_empty() {
        return Err(refuse("policy", problems));
    }
    let before = match &draft.id {
        None => {
            draft.id = Some(local_id());
            None
        }
        Some(id) => {
            let (_, before) = cached_workload_policy(conn, key, id)?;
            draft.id = before.id.clone();
            if before == draft {
                return Err(Error::InvalidInput(format!(
                    "nothing changed in {}: edit a condition, the name or the state first",
                    before.display_name
                )));
            }
            Some(before)
        }
    };
    let name = draft.display_name.clone();
    outbox::enqueue(
        conn,
        key,
        &Change::SaveConditionalAccessPolicy {
            policy: draft,
            before,
        },
        &name,
        actor,
        now,
    )
}

/// Deletes a cached policy.
pub fn delete_policy(
    conn: &Connection,
    key: TenantKey,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let (cached, policy) = cached_workload_policy(conn, key, id)?;
    outbox::enqueue(
        conn,
        key,
        &Change::DeleteConditionalAccessPolicy { policy },
        &cached.display_name,
        actor,
        now,
    )
}

/// Every way a named IP location would be refused, with the fix.
pub fn location_problems(
    conn: &Connection,
    key: TenantKey,
    draft: &NamedLocation,
) -> Result<Vec<String>> {
    let name = draft.display_name.trim();
    let mut problems: Vec<String> = name_problem("location", name).into_iter().collect();
    if problems.is_empty()
        && risk::list_named_locations(conn, key)?.iter().any(|l| {
            l.display_name.eq_ignore_ascii_case(name) && !l.id.eq_ignore_ascii_case(&draft.id)
        })
    {
        problems.push(format!(
            "A named location is already called {name}: choose another name"
        ));
    }
    if draft.kind != "ip" {
        problems.push(
            "Steward authors IP locations; edit country locations in the Entra admin center".into(),
        );
    }
    if draft.ip_ranges.is_empty() {
        problems.push("Add at least one IP range in CIDR form, such as 203.0.113.0/24".into());
    }
    if draft.ip_ranges.len() > MAX_RANGES {
        problems.push(format!(
            "{} ranges: a named location takes at most {MAX_RANGES}",
            draft.ip_ranges.len()
        ));
    }
    for r in &draft.ip_ranges {
        if let Err(why) = check_range(r) {
            problems.push(why);
        }
    }
    Ok(problems)
}

/// A range in CIDR form, as Graph takes it (`iPv4CidrRange` or `iPv6CidrRange`), at most /8 wide.
pub fn check_range(r: &str) -> std::result::Result<(), String> {
    let r = r.trim();
    let Some((addr, bits)) = r.split_once('/') else {
        return Err(format!(
            "{r} has no prefix length: write it in CIDR form, such as {r}/32 for one address"
        ));
    };
    let addr: std::net::IpAddr = addr
        .parse()
        .map_err(|_| format!("{r}: {addr} is not an IPv4 or IPv6 address"))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let bits: u32 = bits
        .parse()
        .ok()
        .filter(|b| *b <= max)
        .ok_or_else(|| format!("{r}: the prefix length must be a number from 8 to {max}"))?;
    if bits < 8 {
        return Err(format!(
            "{r} spans more than a /8: Entra refuses ranges that wide; split it into narrower ones"
        ));
    }
    Ok(())
}

/// Saves a named IP location: a new one when `draft.id` is empty, otherwise an edit.
pub fn save_named_location(
    conn: &Connection,
    key: TenantKey,
    mut draft: NamedLocation,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    draft.display_name = draft.display_name.trim().to_string();
    draft.kind = "ip".into();
    draft.ip_ranges = draft
        .ip_ranges
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    draft.countries_and_regions.clear();
    draft.include_unknown_countries_and_regions = false;
    let problems = location_problems(conn, key, &draft)?;
    if !problems.is_empty() {
        return Err(refuse("named location", problems));
    }
    let before = if draft.id.trim().is_empty() {
        draft.id = local_id();
        None
    } else {
        let before = find_location(conn, key, &draft.id)?;
        if before.kind != "ip" {
            return Err(Error::InvalidInput(format!(
                "{} is a country location: edit it in the Entra admin center",
                before.display_name
            )));
        }
        draft.id = before.id.clone();
        if before == draft {
            return Err(Error::InvalidInput(format!(
                "nothing changed in {}: edit its name, ranges or trust first",
                before.display_name
            )));
        }
        Some(before)
    };
    let name = draft.display_name.clone();
    outbox::enqueue(
        conn,
        key,
        &Change::SaveNamedLocation {
            location: draft,
            before,
        },
        &name,
        actor,
        now,
    )
}

fn find_location(conn: &Connection, key: TenantKey, id: &str) -> Result<NamedLocation> {
    risk::list_named_locations(conn, key)?
        .into_iter()
        .find(|l| l.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "no named location {id} in the cache; the Conditional access page lists them"
            ))
        })
}

/// Deletes a named location no policy refers to (Entra refuses to delete one in use).
pub fn delete_named_location(
    conn: &Connection,
    key: TenantKey,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let location = find_location(conn, key, id)?;
    let users = governance::policies_naming(conn, key, &location.id)?;
    if !users.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{} is used by {}: remove it from {} first; Entra refuses to delete a location in use",
            location.display_name,
            users.join(", "),
            if users.len() == 1 {
                "that policy"
            } else {
                "those policies"
            }
        )));
    }
    let name = location.display_name.clone();
    outbox::enqueue(
        conn,
        key,
        &Change::DeleteNamedLocation { location },
        &name,
        actor,
        now,
    )
}

/// What the conditional access changes say in lists and the audit trail.
pub(super) fn summary(c: &Change) -> String {
    match c {
        Change::SaveConditionalAccessPolicy { policy, before } => format!(
            "{} {} conditional access policy `{}`",
            if before.is_some() { "update" } else { "create" },
            policy.state.label().to_lowercase(),
            policy.display_name
        ),
        Change::DeleteConditionalAccessPolicy { policy } => {
            format!("delete conditional access policy `{}`", policy.display_name)
        }
        Change::SaveNamedLocation { location, before } => format!(
            "{} named location `{}`{} ({})",
            if before.is_some() { "update" } else { "create" },
            location.display_name,
            if location.is_trusted { ", trusted" } else { "" },
            location.ip_ranges.join(", ")
        ),
        Change::DeleteNamedLocation { location } => {
            format!("delete named location `{}`", location.display_name)
        }
        other => other.action().to_string(),
    }
}

/// Shows a conditional access change in the cache (idempotent).
pub(super) fn apply(c: &Change, conn: &Connection, key: TenantKey) -> Result<()> {
    match c {
        Change::SaveConditionalAccessPolicy { policy, .. } => put_policy(conn, key, policy),
        Change::DeleteConditionalAccessPolicy { policy } => {
            governance::delete_ca_policy(conn, key, policy.id.as_deref().unwrap_or_default())
        }
        Change::SaveNamedLocation { location, .. } => {
            risk::upsert_named_location(conn, key, location)
        }
        Change::DeleteNamedLocation { location } => {
            risk::delete_named_location(conn, key, &location.id)
        }
        _ => Ok(()),
    }
}

/// Undoes [`apply`] when the admin drops a change never pushed.
pub(super) fn revert(c: &Change, conn: &Connection, key: TenantKey) -> Result<()> {
    match c {
        Change::SaveConditionalAccessPolicy {
            policy,
            before: None,
        } => governance::delete_ca_policy(conn, key, policy.id.as_deref().unwrap_or_default()),
        Change::SaveConditionalAccessPolicy {
            before: Some(b), ..
        } => put_policy(conn, key, b),
        Change::DeleteConditionalAccessPolicy { policy } => put_policy(conn, key, policy),
        Change::SaveNamedLocation {
            location,
            before: None,
        } => risk::delete_named_location(conn, key, &location.id),
        Change::SaveNamedLocation {
            before: Some(b), ..
        }
        | Change::DeleteNamedLocation { location: b } => risk::upsert_named_location(conn, key, b),
        _ => Ok(()),
    }
}

fn put_policy(conn: &Connection, key: TenantKey, p: &WorkloadPolicy) -> Result<()> {
    let base = governance::get_ca_policy(conn, key, p.id.as_deref().unwrap_or_default())?;
    let row = cached_policy(p, base.as_ref(), crate::clock::now())?;
    governance::upsert_ca_policy(conn, key, &row)
}

/// A conflicting change based on Entra's version (`None`: Entra no longer has it), for a retry:
/// "I have seen Entra's version; make mine so anyway".
pub fn rebased_on_policy(c: &Change, remote: Option<&WorkloadPolicy>) -> Change {
    match (c, remote) {
        (Change::SaveConditionalAccessPolicy { policy, .. }, r) => {
            Change::SaveConditionalAccessPolicy {
                policy: policy.clone(),
                before: r.cloned(),
            }
        }
        (Change::DeleteConditionalAccessPolicy { .. }, Some(r)) => {
            Change::DeleteConditionalAccessPolicy { policy: r.clone() }
        }
        (c, _) => c.clone(),
    }
}

/// The same for a named location.
pub fn rebased_on_location(c: &Change, remote: Option<&NamedLocation>) -> Change {
    match (c, remote) {
        (Change::SaveNamedLocation { location, .. }, r) => Change::SaveNamedLocation {
            location: location.clone(),
            before: r.cloned(),
        },
        (Change::DeleteNamedLocation { .. }, Some(r)) => Change::DeleteNamedLocation {
            location: r.clone(),
        },
        (c, _) => c.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_in_cidr_form_no_wider_than_a_slash_8() {
        assert!(check_range("203.0.113.0/24").is_ok());
        assert!(check_range(" 2001:db8::/32 ").is_ok());
        assert!(check_range("10.0.0.0/8").is_ok());
        for (bad, says) in [
            ("203.0.113.7", "/32 for one address"),
            ("10.0.0.0/7", "more than a /8"),
            ("10.0.0.0/33", "from 8 to 32"),
            ("2001:db8::/129", "from 8 to 128"),
            ("example.com/24", "not an IPv4 or IPv6 address"),
        ] {
            let e = check_range(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
