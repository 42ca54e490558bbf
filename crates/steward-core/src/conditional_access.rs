//! Conditional access for workload identities, offline (docs/domain.md §4): the tenant's
//! policies and named locations as the cache holds them, what-if (which policies would apply to
//! one token request, and why, condition by condition), and the replay of cached sign-ins
//! through a policy (`replay.rs`).
//!
//! `policy.rs` reads a policy from Graph's JSON into the only shape Entra accepts for workload
//! identities and says how a policy departs from it; `evaluate.rs` answers each condition.

pub mod evaluate;
pub mod policy;
pub mod replay;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::dataset::Dataset;
use crate::model::{IdentityKind, NamedLocation, Ownership};
use crate::store::{self, TenantKey};
use crate::{Error, Result};
pub use evaluate::{Check, Condition, Evaluation, Outcome, Principal, RiskAt, Verdict};
pub use policy::{Included, Locations, PolicyState, WorkloadPolicy};
pub use replay::{replay, Replay, ReplayWindow};

/// A service principal a policy names, as the cache knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IdentityRef {
    pub id: String,
    /// `None` when the cache does not hold it.
    pub display_name: Option<String>,
    /// Why Entra would not let a policy cover it (a managed identity, Microsoft's or another
    /// organisation's app), when it would not.
    pub not_covered: Option<String>,
}

/// A location a policy names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LocationRef {
    /// A named location's id, or `All` / `AllTrusted`.
    pub id: String,
    pub display_name: String,
    /// Whether the cache holds it (always true for `All` and `AllTrusted`).
    pub known: bool,
}

/// One policy that assigns workload identities.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    pub id: String,
    pub display_name: String,
    /// Graph's `state` as cached.
    pub state: String,
    pub state_label: String,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub modified: Option<DateTime<Utc>>,
    /// The policy read into Entra's shape; `None` when it departs from it (`problems`).
    pub policy: Option<WorkloadPolicy>,
    pub problems: Vec<String>,
    pub includes_all: bool,
    pub included: Vec<IdentityRef>,
    pub excluded: Vec<IdentityRef>,
    pub locations_included: Vec<LocationRef>,
    pub locations_excluded: Vec<LocationRef>,
    pub risk_levels: Vec<String>,
    /// The whole policy as Graph returned it, keys sorted.
    pub json: String,
}

/// A policy for users, listed read-only.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OtherPolicy {
    pub id: String,
    pub display_name: String,
    pub state: String,
    pub state_label: String,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub modified: Option<DateTime<Utc>>,
    /// The grant controls (`mfa`, `block`, …).
    pub grant: Vec<String>,
}

/// A named location and the workload-identity policies that refer to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LocationView {
    #[serde(flatten)]
    pub location: NamedLocation,
    pub used_by: Vec<String>,
}

/// The Conditional access page: the tenant's policies and named locations.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CaOverview {
    pub workload_policies: Vec<PolicyView>,
    pub other_policies: Vec<OtherPolicy>,
    pub named_locations: Vec<LocationView>,
    /// Whether the cache has read the policies, and the named locations, at all.
    pub policies_read: bool,
    pub locations_read: bool,
}

fn state_label(state: &str) -> String {
    PolicyState::parse(state).map_or_else(|| state.to_string(), |s| s.label().to_string())
}

/// What the cache knows of service principals, looked up once each.
pub(crate) struct Principals<'c> {
    conn: &'c Connection,
    tenant: TenantKey,
    known: HashMap<String, Principal>,
}

impl<'c> Principals<'c> {
    pub(crate) fn new(conn: &'c Connection, tenant: TenantKey) -> Self {
        Principals {
            conn,
            tenant,
            known: HashMap::new(),
        }
    }

    pub(crate) fn get(&mut self, id: &str) -> Result<&Principal> {
        if !self.known.contains_key(id) {
            let row: Option<(String, String, String)> = self
                .conn
                .prepare_cached(
                    "SELECT display_name, kind, ownership FROM service_principals
                     WHERE tenant = ?1 AND id = ?2",
                )?
                .query_row(params![self.tenant.0, id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let principal = match row {
                Some((name, kind, ownership)) => Principal {
                    id: id.to_string(),
                    display_name: Some(name),
                    class: IdentityKind::parse(&kind).zip(Ownership::parse(&ownership)),
                },
                None => Principal {
                    id: id.to_string(),
                    display_name: None,
                    class: None,
                },
            };
            self.known.insert(id.to_string(), principal);
        }
        Ok(&self.known[id])
    }

    fn reference(&mut self, id: &str) -> Result<IdentityRef> {
        let p = self.get(id)?;
        let check = evaluate::eligibility(p.class);
        Ok(IdentityRef {
            id: id.to_string(),
            display_name: p.display_name.clone(),
            not_covered: (check.verdict == Verdict::NotMet).then_some(check.detail),
        })
    }
}

fn location_ref(id: &str, locations: &[NamedLocation]) -> LocationRef {
    match id {
        policy::ALL_LOCATIONS => LocationRef {
            id: id.into(),
            display_name: "Any location".into(),
            known: true,
        },
        policy::ALL_TRUSTED => LocationRef {
            id: id.into(),
            display_name: "All trusted locations".into(),
            known: true,
        },
        _ => match locations.iter().find(|l| l.id.eq_ignore_ascii_case(id)) {
            Some(l) => LocationRef {
                id: id.into(),
                display_name: l.display_name.clone(),
                known: true,
            },
            None => LocationRef {
                id: id.into(),
                display_name: id.into(),
                known: false,
            },
        },
    }
}

/// The tenant's policies (those that assign workload identities, then the others) and named
/// locations, by name.
pub fn overview(conn: &Connection, tenant: TenantKey) -> Result<CaOverview> {
    let locations = store::risk::list_named_locations(conn, tenant)?;
    let mut principals = Principals::new(conn, tenant);
    let mut workload_policies = Vec::new();
    let mut other_policies = Vec::new();
    for p in store::governance::list_ca_policies(conn, tenant)? {
        let json = p.graph_json()?;
        if !p.targets_workload_identities {
            let grant = json
                .pointer("/grantControls/builtInControls")
                .and_then(|g| g.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            other_policies.push(OtherPolicy {
                state_label: state_label(&p.state),
                id: p.id,
                display_name: p.display_name,
                state: p.state,
                modified: p.modified_date_time,
                grant,
            });
            continue;
        }
        let (policy, problems) = match WorkloadPolicy::from_graph(&json) {
            Ok(w) => (Some(w), Vec::new()),
            Err(problems) => (None, problems),
        };
        let ids = |k: &str| -> Vec<String> {
            json.pointer(k)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let include_ids = ids("/conditions/clientApplications/includeServicePrincipals");
        let includes_all = include_ids.iter().any(|i| i == policy::ALL_IN_TENANT);
        let mut included = Vec::new();
        for id in include_ids.iter().filter(|i| *i != policy::ALL_IN_TENANT) {
            included.push(principals.reference(id)?);
        }
        let mut excluded = Vec::new();
        for id in ids("/conditions/clientApplications/excludeServicePrincipals") {
            excluded.push(principals.reference(&id)?);
        }
        let refs = |k: &str| -> Vec<LocationRef> {
            ids(k).iter().map(|i| location_ref(i, &locations)).collect()
        };
        workload_policies.push(PolicyView {
            state_label: state_label(&p.state),
            id: p.id,
            display_name: p.display_name,
            state: p.state,
            modified: p.modified_date_time,
            problems,
            includes_all,
            included,
            excluded,
            locations_included: refs("/conditions/locations/includeLocations"),
            locations_excluded: refs("/conditions/locations/excludeLocations"),
            risk_levels: ids("/conditions/servicePrincipalRiskLevels"),
            policy,
            json: p.policy,
        });
    }
    let named_locations = locations
        .iter()
        .map(|l| LocationView {
            used_by: workload_policies
                .iter()
                .filter(|p| {
                    p.locations_included
                        .iter()
                        .chain(&p.locations_excluded)
                        .any(|r| r.id.eq_ignore_ascii_case(&l.id))
                })
                .map(|p| p.display_name.clone())
                .collect(),
            location: l.clone(),
        })
        .collect();
    Ok(CaOverview {
        workload_policies,
        other_policies,
        named_locations,
        policies_read: store::datasets::read_at(conn, tenant, Dataset::ConditionalAccessPolicies)?
            .is_some(),
        locations_read: store::datasets::read_at(conn, tenant, Dataset::NamedLocations)?.is_some(),
    })
}

/// Identity Protection's risk levels of each service principal over time, from the cache.
pub(crate) struct RiskTimeline {
    read: bool,
    /// Per service principal: (when, level in effect from then), oldest first.
    changes: HashMap<String, Vec<(i64, String)>>,
}

/// A risk state under which the level counts; others (remediated, dismissed, confirmed safe)
/// leave the identity at no risk.
fn at_risk(state: &str) -> bool {
    matches!(state, "atRisk" | "confirmedCompromised")
}

impl RiskTimeline {
    pub(crate) fn load(conn: &Connection, tenant: TenantKey) -> Result<RiskTimeline> {
        let read =
            store::datasets::read_at(conn, tenant, Dataset::RiskyServicePrincipals)?.is_some();
        let mut changes: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for h in store::risk::list_history(conn, tenant)? {
            let level = if at_risk(&h.risk_state) {
                h.risk_level
            } else {
                "none".into()
            };
            changes
                .entry(h.service_principal_id.to_ascii_lowercase())
                .or_default()
                .push((h.risk_last_updated_date_time.timestamp_millis(), level));
        }
        // Identities Identity Protection lists without history: their level since their last
        // update.
        for r in store::risk::list_risky_service_principals(conn, tenant)? {
            let entry = changes.entry(r.id.to_ascii_lowercase()).or_default();
            if entry.is_empty() {
                if let Some(at) = r.risk_last_updated_date_time {
                    let level = if at_risk(&r.risk_state) {
                        r.risk_level
                    } else {
                        "none".into()
                    };
                    entry.push((at.timestamp_millis(), level));
                }
            }
        }
        for v in changes.values_mut() {
            v.sort_by_key(|c| c.0);
        }
        Ok(RiskTimeline { read, changes })
    }

    /// The level in effect at `at` (ms).
    pub(crate) fn at(&self, sp_id: &str, at: i64) -> RiskAt {
        if !self.read {
            return RiskAt::Unknown(
                "Identity Protection's risk data is not in the cache: sync risky service principals".into(),
            );
        }
        match self.changes.get(&sp_id.to_ascii_lowercase()) {
            None => RiskAt::Level("none".into()),
            Some(list) => match list.partition_point(|c| c.0 <= at) {
                0 => RiskAt::Unknown(
                    "No risk history for the identity at the sign-in's time (its history starts later)".into(),
                ),
                i => RiskAt::Level(list[i - 1].1.clone()),
            },
        }
    }

    /// The level now: the last one recorded.
    fn current(&self, sp_id: &str) -> RiskAt {
        self.at(sp_id, i64::MAX)
    }
}

/// What-if: where the risk level came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RiskSource {
    /// The admin chose it.
    Given,
    /// Identity Protection's current level, from the cache.
    Cache,
    /// The cache cannot tell.
    Unknown,
}

/// One policy's answer in a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WhatIfPolicy {
    pub id: String,
    pub display_name: String,
    pub state: String,
    pub state_label: String,
    /// Whether the policy assigns workload identities at all.
    pub targets_workload_identities: bool,
    pub outcome: Outcome,
    /// Why it does not apply or cannot be decided, in a sentence.
    pub reason: Option<String>,
    /// The condition that ruled it out.
    pub ruled_out_by: Option<Condition>,
    pub checks: Vec<Check>,
}

/// Which policies would apply to one token request, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub service_principal_id: String,
    pub display_name: Option<String>,
    pub ip_address: String,
    /// The level evaluated, or `None` when unknown.
    pub risk_level: Option<String>,
    pub risk_source: RiskSource,
    /// An enabled policy applies: the request is blocked.
    pub blocked: bool,
    /// A report-only policy applies: the sign-in log would record a block.
    pub report_only_blocks: bool,
    /// Policies that apply first, then undetermined ones, then the others; by name within.
    pub policies: Vec<WhatIfPolicy>,
}

/// The service principal with object id or appId `sp`.
pub fn find_service_principal(conn: &Connection, tenant: TenantKey, sp: &str) -> Result<String> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM service_principals WHERE tenant = ?1 AND (id = ?2 COLLATE NOCASE
             OR app_id = ?2 COLLATE NOCASE) ORDER BY deleted IS NOT NULL, id LIMIT 1",
        )?
        .query_row(params![tenant.0, sp.trim()], |r| r.get(0))
        .optional()?;
    id.ok_or_else(|| {
        Error::InvalidInput(format!(
            "no service principal with object id or appId {sp} in the cache; `steward identities` lists them"
        ))
    })
}

/// Which of the tenant's policies apply to `sp` asking for a token from `ip`, with the risk
/// level `risk` (Identity Protection's current level from the cache when `None`).
pub fn what_if(
    conn: &Connection,
    tenant: TenantKey,
    sp: &str,
    ip: &str,
    risk: Option<&str>,
) -> Result<WhatIf> {
    let ip_addr: std::net::IpAddr = ip.trim().parse().map_err(|_| {
        Error::InvalidInput(format!(
            "{ip} is not an IP address: give an IPv4 or IPv6 address, such as 203.0.113.7"
        ))
    })?;
    let id = find_service_principal(conn, tenant, sp)?;
    let risk = match risk {
        Some(r) => {
            let r = r.trim().to_ascii_lowercase();
            if !policy::RISK_LEVELS.contains(&r.as_str()) {
                return Err(Error::InvalidInput(format!(
                    "risk level {r}: use none, low, medium or high"
                )));
            }
            (RiskAt::Level(r), RiskSource::Given)
        }
        None => {
            let timeline = RiskTimeline::load(conn, tenant)?;
            match timeline.current(&id) {
                RiskAt::Level(l) => (RiskAt::Level(l), RiskSource::Cache),
                unknown => (unknown, RiskSource::Unknown),
            }
        }
    };
    let mut principals = Principals::new(conn, tenant);
    let principal = principals.get(&id)?.clone();
    let locations = store::risk::list_named_locations(conn, tenant)?;
    let places = evaluate::Places {
        locations: &locations,
        read: store::datasets::read_at(conn, tenant, Dataset::NamedLocations)?.is_some(),
    };
    let ip_text = ip_addr.to_string();
    let request = evaluate::Request {
        principal: &principal,
        ip: Some(&ip_text),
        // A what-if knows the address only; country locations are looked up by it in Entra.
        country: None,
        risk: &risk.0,
    };
    let mut policies = Vec::new();
    for p in store::governance::list_ca_policies(conn, tenant)? {
        let json = p.graph_json()?;
        let (outcome, checks, reason) = if !p.targets_workload_identities {
            (
                Outcome::DoesNotApply,
                Vec::new(),
                Some("It assigns users, not workload identities".to_string()),
            )
        } else {
            match WorkloadPolicy::from_graph(&json) {
                Ok(w) => {
                    let e = evaluate::evaluate(&w, &request, places, true);
                    let reason = e
                        .ruled_out_by()
                        .or(e.undetermined_by())
                        .map(|c| c.detail.clone());
                    (e.outcome, e.checks, reason)
                }
                Err(problems) => (
                    Outcome::Undetermined,
                    Vec::new(),
                    Some(format!(
                        "Not in the shape Entra accepts: {}",
                        problems.join("; ")
                    )),
                ),
            }
        };
        policies.push(WhatIfPolicy {
            ruled_out_by: checks
                .iter()
                .find(|c| c.verdict == Verdict::NotMet)
                .map(|c| c.condition),
            state_label: state_label(&p.state),
            id: p.id,
            display_name: p.display_name,
            state: p.state,
            targets_workload_identities: p.targets_workload_identities,
            outcome,
            reason,
            checks,
        });
    }
    let rank = |o: Outcome| match o {
        Outcome::Applies => 0,
        Outcome::Undetermined => 1,
        Outcome::DoesNotApply => 2,
    };
    policies.sort_by(|a, b| {
        rank(a.outcome)
            .cmp(&rank(b.outcome))
            .then_with(|| {
                a.display_name
                    .to_lowercase()
                    .cmp(&b.display_name.to_lowercase())
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    let applies = |state: PolicyState| {
        policies
            .iter()
            .any(|p| p.outcome == Outcome::Applies && PolicyState::parse(&p.state) == Some(state))
    };
    Ok(WhatIf {
        blocked: applies(PolicyState::Enabled),
        report_only_blocks: applies(PolicyState::ReportOnly),
        service_principal_id: principal.id.clone(),
        display_name: principal.display_name.clone(),
        ip_address: ip_text,
        risk_level: match &risk.0 {
            RiskAt::Level(l) => Some(l.clone()),
            RiskAt::Unknown(_) => None,
        },
        risk_source: risk.1,
        policies,
    })
}
