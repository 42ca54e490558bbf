//! Conditional access coverage, judged offline from the cached policies with the CA evaluator's
//! own reading of them (`conditional_access::WorkloadPolicy`): whether an enabled policy blocks
//! risky service principals and risky agents (tenant-wide), and which of the tenant's own
//! service principals with credentials no enabled location policy covers.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::context::Ctx;
use super::credentials::{Cred, Creds};
use super::resources::ev;
use super::{Evidence, ImpactedResource};
use crate::conditional_access::policy::{PolicyState, WorkloadPolicy, ALL_LOCATIONS};
use crate::conditional_access::Included;
use crate::dataset::Dataset;
use crate::store;
use crate::Result;

const POLICIES_URL: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies";

/// The id of the tenant-wide resource the risky-identities check impacts.
pub const RISK_POLICY_RESOURCE: &str = "conditionalAccessPolicies";

/// The agent fields of a policy (Graph beta): `includeAgentIdServicePrincipals` under
/// `clientApplications` and `agentIdRiskLevels` under `conditions`.
const AGENTS_ALL: &str = "All";

/// A cached policy with the reading the checks need.
pub(super) struct Cached {
    name: String,
    state: String,
    json: Value,
    /// `None` when the policy does not assign service principals in the shape Entra accepts.
    workload: Option<WorkloadPolicy>,
}

/// The tenant's cached policies, read and parsed once for both checks; `None` when the policies
/// were never cached (both checks are then not determined).
pub(super) fn load(ctx: &Ctx<'_>) -> Result<Option<Vec<Cached>>> {
    if store::datasets::read_at(ctx.conn, ctx.key, Dataset::ConditionalAccessPolicies)?.is_none() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for p in store::governance::list_ca_policies(ctx.conn, ctx.key)? {
        let json = p.graph_json()?;
        let workload = if p.targets_workload_identities {
            WorkloadPolicy::from_graph(&json).ok()
        } else {
            None
        };
        out.push(Cached {
            name: p.display_name,
            state: p.state,
            json,
            workload,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(out))
}

fn state_words(state: &str) -> &'static str {
    match PolicyState::parse(state) {
        Some(PolicyState::Enabled) => "on",
        Some(PolicyState::ReportOnly) => "report-only: it blocks nothing",
        Some(PolicyState::Disabled) | None => "off",
    }
}

fn strings<'v>(v: &'v Value, pointer: &str) -> Vec<&'v str> {
    match v.pointer(pointer) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        // Graph's flag enums arrive as one comma-separated string.
        Some(Value::String(s)) => s.split(',').map(str::trim).collect(),
        _ => Vec::new(),
    }
}

fn blocks(v: &Value) -> bool {
    strings(v, "/grantControls/builtInControls").contains(&"block")
}

/// Why a workload policy does not block every risky service principal of the tenant, or `None`
/// when it does (exclusions aside, which the evidence names).
fn sp_risk_gap(p: &Cached) -> Option<String> {
    let w = p.workload.as_ref()?;
    if w.risk_levels.is_empty() {
        return None; // not a risk policy at all: not a near miss either
    }
    let mut gaps = Vec::new();
    if w.state != PolicyState::Enabled {
        gaps.push(state_words(&p.state).to_string());
    }
    if !w.risk_levels.iter().any(|r| r == "high") {
        gaps.push(format!(
            "it blocks at {} risk, not high",
            w.risk_levels.join(", ")
        ));
    }
    if let Included::Selected(ids) = &w.include {
        gaps.push(format!(
            "it selects {} service principal{}, not all of the tenant's",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        ));
    }
    if w.filter.is_some() {
        gaps.push("it applies only to service principals a custom-attribute filter picks".into());
    }
    if let Some(l) = &w.locations {
        if l.include.iter().all(|i| i != ALL_LOCATIONS) || !l.exclude.is_empty() {
            gaps.push("a location condition narrows it".into());
        }
    }
    Some(gaps.join("; "))
}

/// Why a policy does not block every risky agent identity, or `None` when it does; policies
/// without an agent risk condition are not near misses.
fn agent_risk_gap(p: &Cached) -> Option<String> {
    let levels = strings(&p.json, "/conditions/agentIdRiskLevels");
    if levels.is_empty() {
        return None;
    }
    let mut gaps = Vec::new();
    if PolicyState::parse(&p.state) != Some(PolicyState::Enabled) {
        gaps.push(state_words(&p.state).to_string());
    }
    if !blocks(&p.json) {
        gaps.push("its grant is not block".to_string());
    }
    if !levels.contains(&"high") {
        gaps.push(format!(
            "it applies at {} agent risk, not high",
            levels.join(", ")
        ));
    }
    let agents = strings(
        &p.json,
        "/conditions/clientApplications/includeAgentIdServicePrincipals",
    );
    if !agents.contains(&AGENTS_ALL) {
        gaps.push(if agents.is_empty() {
            "it assigns no agent identities".to_string()
        } else {
            format!(
                "it selects {} agent identit{}, not all",
                agents.len(),
                if agents.len() == 1 { "y" } else { "ies" }
            )
        });
    }
    Some(gaps.join("; "))
}

/// `conditionalAccessBlocksRiskyIdentitiesMissing`: no enabled policy blocks the tenant's
/// service principals at high risk, or (when the tenant has agent identities) its agents at high
/// agent risk. One resource, the tenant's policies; nothing when the policies are not cached
/// (the check is then not determined).
pub(super) fn risky_identities_unblocked(
    ctx: &Ctx<'_>,
    policies: Option<&[Cached]>,
) -> Result<Vec<ImpactedResource>> {
    let Some(policies) = policies else {
        return Ok(Vec::new());
    };
    let agents: i64 = ctx.conn.query_row(
        "SELECT count(*) FROM service_principals
         WHERE tenant = ?1 AND deleted IS NULL AND kind = 'agentIdentity'
         AND agent_blueprint_principal = 0",
        [ctx.key.0],
        |r| r.get(0),
    )?;
    let mut evidence = Vec::new();
    let mut missing = false;
    let sp_gaps: Vec<(&Cached, String)> = policies
        .iter()
        .filter_map(|p| sp_risk_gap(p).map(|g| (p, g)))
        .collect();
    match sp_gaps.iter().find(|(_, g)| g.is_empty()) {
        Some((p, _)) => {
            let excluded = p.workload.as_ref().map_or(0, |w| w.exclude.len());
            evidence.push(ev(
                "Service principals",
                format!(
                    "blocked at high risk by “{}”{}",
                    p.name,
                    match excluded {
                        0 => String::new(),
                        n => format!(" ({n} excluded)"),
                    }
                ),
            ));
        }
        None => {
            missing = true;
            evidence.push(ev(
                "Service principals",
                "no enabled policy blocks the tenant's service principals at high risk",
            ));
        }
    }
    let agent_gaps: Vec<(&Cached, String)> = policies
        .iter()
        .filter_map(|p| agent_risk_gap(p).map(|g| (p, g)))
        .collect();
    match agent_gaps.iter().find(|(_, g)| g.is_empty()) {
        Some((p, _)) => evidence.push(ev(
            "Agent identities",
            format!("blocked at high agent risk by “{}”", p.name),
        )),
        None if agents == 0 => evidence.push(ev(
            "Agent identities",
            "none in the cache; a policy blocking high agent risk would cover those created later",
        )),
        None => {
            missing = true;
            evidence.push(ev(
                "Agent identities",
                format!("{agents} in the cache; no enabled policy blocks them at high agent risk"),
            ));
        }
    }
    if !missing {
        return Ok(Vec::new());
    }
    let near: Vec<String> = sp_gaps
        .iter()
        .chain(&agent_gaps)
        .filter(|(_, g)| !g.is_empty())
        .map(|(p, g)| format!("“{}”: {g}", p.name))
        .collect();
    if !near.is_empty() {
        evidence.push(ev("Risk policies that fall short", near.join(" · ")));
    }
    evidence.push(ev("Policies in the cache", policies.len().to_string()));
    Ok(vec![ImpactedResource {
        id: RISK_POLICY_RESOURCE.into(),
        resource_type: "policy".into(),
        display_name: "Conditional access: risky workload identities".into(),
        app_id: None,
        service_principal_id: None,
        credential_key_id: None,
        evidence,
        owners: Vec::new(),
        portal_url: POLICIES_URL.into(),
    }])
}

/// How one enabled location policy stands toward a service principal.
enum Cover {
    Covers,
    /// Its filter on custom security attributes decides, which Steward does not read.
    Filtered,
    Not(String),
}

fn cover(w: &WorkloadPolicy, sp: &str) -> Cover {
    // A filter picks among the selected service principals, or among all when none is selected.
    let selected = match &w.include {
        Included::AllInTenant => true,
        Included::Selected(ids) if ids.is_empty() => w.filter.is_some(),
        Included::Selected(ids) => ids.iter().any(|i| i.eq_ignore_ascii_case(sp)),
    };
    if w.exclude.iter().any(|e| e.eq_ignore_ascii_case(sp)) {
        Cover::Not("excludes it".into())
    } else if !selected {
        Cover::Not("selects other service principals".into())
    } else if w.filter.is_some() {
        Cover::Filtered
    } else {
        Cover::Covers
    }
}

/// `credentialsOutsideLocationPolicy`: the tenant's own service principals (apps registered
/// here, not managed identities) holding a valid secret or certificate, on the app or on the
/// service principal, that no enabled policy with a location condition covers. Returns
/// (impacted, undetermined: covered only through a custom-attribute filter).
pub(super) fn credentials_outside_location_policy(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
    policies: Option<&[Cached]>,
) -> Result<(Vec<ImpactedResource>, Vec<ImpactedResource>)> {
    let Some(policies) = policies else {
        return Ok((Vec::new(), Vec::new()));
    };
    // Policies with a location condition: the enabled ones decide, the others are named.
    let located: Vec<(&Cached, &WorkloadPolicy)> = policies
        .iter()
        .filter_map(|p| p.workload.as_ref().map(|w| (p, w)))
        .filter(|(_, w)| w.locations.is_some())
        .collect();
    let valid =
        |c: &Cred| c.start.is_none_or(|s| s <= ctx.as_of) && c.end.is_none_or(|e| e > ctx.as_of);
    // appId → (secrets, certificates) on the application.
    let mut on_app: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut on_sp: HashMap<&str, (usize, usize)> = HashMap::new();
    for c in creds.all.iter().filter(|c| valid(c)) {
        let slot = if c.owner_type == "application" {
            match &c.app_id {
                Some(a) => on_app.entry(a.as_str()).or_default(),
                None => continue,
            }
        } else {
            on_sp.entry(c.owner_id.as_str()).or_default()
        };
        if c.credential_type == "certificate" {
            slot.1 += 1;
        } else {
            slot.0 += 1;
        }
    }
    if on_app.is_empty() && on_sp.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT id, app_id, display_name FROM service_principals
         WHERE tenant = ?1 AND deleted IS NULL
         AND ownership IN ('ownSingleTenant', 'ownMultiTenant')
         AND kind IN ('application', 'legacy')",
    )?;
    let own: Vec<(String, String, String)> = stmt
        .query_map([ctx.key.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut impacted = Vec::new();
    let mut undetermined = Vec::new();
    for (id, app_id, name) in own {
        let a = on_app.get(app_id.as_str()).copied().unwrap_or_default();
        let s = on_sp.get(id.as_str()).copied().unwrap_or_default();
        let (secrets, certificates) = (a.0 + s.0, a.1 + s.1);
        if secrets + certificates == 0 {
            continue;
        }
        let mut covered = false;
        let mut filtered = false;
        let mut why: BTreeMap<&str, String> = BTreeMap::new();
        for (p, w) in &located {
            let enabled = w.state == PolicyState::Enabled;
            match cover(w, &id) {
                Cover::Covers if enabled => covered = true,
                Cover::Filtered if enabled => filtered = true,
                Cover::Covers | Cover::Filtered => {
                    why.insert(&p.name, state_words(&p.state).into());
                }
                Cover::Not(reason) => {
                    why.insert(&p.name, reason);
                }
            }
        }
        if covered {
            continue;
        }
        let mut evidence: Vec<Evidence> = vec![ev(
            "Valid credentials",
            plural_credentials(secrets, certificates),
        )];
        evidence.push(ev(
            "Location policies",
            if located.is_empty() {
                "none in the tenant".to_string()
            } else {
                why.iter()
                    .map(|(n, r)| format!("“{n}”: {r}"))
                    .chain(filtered.then(|| {
                        "an enabled policy picks service principals by custom security attributes, which Steward does not read".to_string()
                    }))
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
        ));
        let r = ctx.sp_resource(&id, &app_id, &name, evidence)?;
        if filtered {
            undetermined.push(r);
        } else {
            impacted.push(r);
        }
    }
    Ok((impacted, undetermined))
}

fn plural_credentials(secrets: usize, certificates: usize) -> String {
    let part = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    [
        part(secrets, "secret", "secrets"),
        part(certificates, "certificate", "certificates"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_counted_in_words() {
        assert_eq!(plural_credentials(1, 0), "1 secret");
        assert_eq!(plural_credentials(2, 1), "2 secrets, 1 certificate");
        assert_eq!(plural_credentials(0, 3), "3 certificates");
    }

    #[test]
    fn graph_flag_enums_read_as_arrays_or_comma_strings() {
        let v =
            serde_json::json!({"conditions": {"agentIdRiskLevels": "medium, high", "x": ["a"]}});
        assert_eq!(
            strings(&v, "/conditions/agentIdRiskLevels"),
            ["medium", "high"]
        );
        assert_eq!(strings(&v, "/conditions/x"), ["a"]);
        assert!(strings(&v, "/conditions/none").is_empty());
    }
}
