//! Whether a workload-identity policy applies to one token request, condition by condition
//! (docs/domain.md §4): the service principal is included and not excluded, is a kind Entra
//! lets a policy cover, the address lies outside what the location condition leaves out, and
//! the identity's risk level at that moment is one the policy names.
//!
//! Every condition is answered met, not met, or undetermined from the cache; an undetermined
//! answer says what the cache lacks in words that do not depend on the one request, so that a
//! replay can count requests by reason.

use std::net::IpAddr;

use serde::Serialize;

use super::policy::{Included, WorkloadPolicy, ALL_LOCATIONS, ALL_TRUSTED};
use crate::model::{IdentityKind, NamedLocation, Ownership};
use crate::risk::cidr_contains;

/// One of the conditions a policy is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Condition {
    /// On, off or report-only (what-if only: a replay runs a policy whatever its state).
    State,
    /// `includeServicePrincipals`.
    Assignment,
    /// `excludeServicePrincipals`.
    Exclusion,
    /// Whether Entra lets a policy cover this kind of identity at all.
    Eligibility,
    /// `servicePrincipalFilter`.
    Filter,
    /// `locations`.
    Location,
    /// `servicePrincipalRiskLevels`.
    Risk,
}

impl Condition {
    pub fn label(self) -> &'static str {
        match self {
            Condition::State => "State",
            Condition::Assignment => "Included identities",
            Condition::Exclusion => "Excluded identities",
            Condition::Eligibility => "Identity kind",
            Condition::Filter => "Attribute filter",
            Condition::Location => "Location",
            Condition::Risk => "Service principal risk",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Met,
    NotMet,
    Undetermined,
}

/// One condition's answer and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub condition: Condition,
    pub verdict: Verdict,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Every condition holds: the policy blocks the request (or, report-only, would).
    Applies,
    /// A condition rules it out.
    DoesNotApply,
    /// Nothing rules it out, but a condition cannot be decided from the cache.
    Undetermined,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub outcome: Outcome,
    /// Every condition in the order Entra's editor shows them.
    pub checks: Vec<Check>,
}

impl Evaluation {
    /// The first condition that rules the policy out.
    pub fn ruled_out_by(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.verdict == Verdict::NotMet)
    }

    /// Why the outcome is undetermined: the first condition the cache cannot decide.
    pub fn undetermined_by(&self) -> Option<&Check> {
        (self.outcome == Outcome::Undetermined)
            .then(|| {
                self.checks
                    .iter()
                    .find(|c| c.verdict == Verdict::Undetermined)
            })
            .flatten()
    }
}

/// The identity asking for a token, as far as the cache knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: String,
    pub display_name: Option<String>,
    /// `None` when the cache does not hold the service principal.
    pub class: Option<(IdentityKind, Ownership)>,
}

/// The identity's risk level at the moment of the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RiskAt {
    /// `none`, `low`, `medium` or `high`.
    Level(String),
    /// Why the cache cannot tell.
    Unknown(String),
}

/// One token request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub principal: &'a Principal,
    pub ip: Option<&'a str>,
    pub country: Option<&'a str>,
    pub risk: &'a RiskAt,
}

/// The tenant's named locations, and whether the cache has read them at all.
#[derive(Debug, Clone, Copy)]
pub struct Places<'a> {
    pub locations: &'a [NamedLocation],
    pub read: bool,
}

/// Whether the policy's conditions hold for the request. `honour_state` makes an Off policy
/// not apply (what-if); a replay passes false, since it asks what the policy would do if on.
pub fn evaluate(
    policy: &WorkloadPolicy,
    req: &Request<'_>,
    places: Places<'_>,
    honour_state: bool,
) -> Evaluation {
    let mut checks = Vec::with_capacity(7);
    if honour_state {
        checks.push(state_check(policy));
    }
    let id = req.principal.id.as_str();
    checks.push(match &policy.include {
        Included::AllInTenant => Check {
            condition: Condition::Assignment,
            verdict: Verdict::Met,
            detail: "The policy includes every service principal of the tenant".into(),
        },
        Included::Selected(ids) if ids.iter().any(|i| i.eq_ignore_ascii_case(id)) => Check {
            condition: Condition::Assignment,
            verdict: Verdict::Met,
            detail: "The policy selects this service principal".into(),
        },
        Included::Selected(ids) => Check {
            condition: Condition::Assignment,
            verdict: Verdict::NotMet,
            detail: format!(
                "Not among the {} service principal{} the policy selects",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" }
            ),
        },
    });
    checks.push(
        if policy.exclude.iter().any(|e| e.eq_ignore_ascii_case(id)) {
            Check {
                condition: Condition::Exclusion,
                verdict: Verdict::NotMet,
                detail: "The policy excludes this service principal".into(),
            }
        } else {
            Check {
                condition: Condition::Exclusion,
                verdict: Verdict::Met,
                detail: if policy.exclude.is_empty() {
                    "The policy excludes no service principal".into()
                } else {
                    "Not among the service principals the policy excludes".into()
                },
            }
        },
    );
    checks.push(eligibility(req.principal.class));
    if policy.filter.is_some() {
        checks.push(Check {
            condition: Condition::Filter,
            verdict: Verdict::Undetermined,
            detail: "The policy filters service principals by custom security attributes, which Steward does not read".into(),
        });
    }
    checks.push(location_check(policy, req, places));
    checks.push(risk_check(policy, req.risk));
    let outcome = if checks.iter().any(|c| c.verdict == Verdict::NotMet) {
        Outcome::DoesNotApply
    } else if checks.iter().any(|c| c.verdict == Verdict::Undetermined) {
        Outcome::Undetermined
    } else {
        Outcome::Applies
    };
    Evaluation { outcome, checks }
}

fn state_check(policy: &WorkloadPolicy) -> Check {
    use super::policy::PolicyState;
    let (verdict, detail) = match policy.state {
        PolicyState::Enabled => (Verdict::Met, "On: it blocks what it applies to"),
        PolicyState::ReportOnly => (
            Verdict::Met,
            "Report-only: the sign-in log records what it would block, nothing is blocked",
        ),
        PolicyState::Disabled => (Verdict::NotMet, "Off: Entra does not evaluate it"),
    };
    Check {
        condition: Condition::State,
        verdict,
        detail: detail.into(),
    }
}

/// Whether Entra lets a workload-identity policy cover this kind of identity: registered in
/// this tenant, not a managed identity, not Microsoft's nor another organisation's app.
pub fn eligibility(class: Option<(IdentityKind, Ownership)>) -> Check {
    let (verdict, detail) = match class {
        None => (
            Verdict::Undetermined,
            "The service principal is not in the cache (deleted, or not synced)",
        ),
        Some((IdentityKind::ManagedIdentitySystem | IdentityKind::ManagedIdentityUser, _)) => (
            Verdict::NotMet,
            "Managed identities are not covered by conditional access",
        ),
        Some((IdentityKind::AgentIdentity, _)) => (
            Verdict::NotMet,
            "Agent identities are assigned through a policy's agent fields, not its service principals",
        ),
        Some((IdentityKind::SocialIdp, _)) => (
            Verdict::NotMet,
            "A social identity provider's service principal never requests tokens",
        ),
        Some((_, Ownership::Microsoft)) => (
            Verdict::NotMet,
            "Microsoft first-party apps are out of conditional access for workload identities",
        ),
        Some((_, Ownership::External)) => (
            Verdict::NotMet,
            "Another organisation's multitenant app is out of conditional access for workload identities",
        ),
        Some((_, Ownership::NotApplicable)) => (
            Verdict::NotMet,
            "Only service principals of apps registered in this tenant are covered",
        ),
        Some((_, Ownership::OwnSingleTenant | Ownership::OwnMultiTenant)) => (
            Verdict::Met,
            "An app registered in this tenant: covered",
        ),
    };
    Check {
        condition: Condition::Eligibility,
        verdict,
        detail: detail.into(),
    }
}

/// Whether the request comes from a location: `Ok(in it)`, or why the cache cannot tell.
fn in_location(
    which: &str,
    places: Places<'_>,
    ip: Option<&IpAddr>,
    country: Option<&str>,
) -> Result<bool, String> {
    if which == ALL_LOCATIONS {
        return Ok(true);
    }
    if !places.read {
        return Err("Named locations are not in the cache: sync or import them".into());
    }
    let contains = |l: &NamedLocation| -> Result<bool, String> {
        match l.kind.as_str() {
            "ip" => match ip {
                Some(a) => Ok(l.ip_ranges.iter().any(|r| cidr_contains(r, a))),
                None => Err("The sign-in has no IP address".into()),
            },
            "country" => Ok(match country {
                Some(c) => l
                    .countries_and_regions
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(c)),
                None => l.include_unknown_countries_and_regions,
            }),
            other => Err(format!("Named locations of kind {other} are not evaluated")),
        }
    };
    if which == ALL_TRUSTED {
        return any_of(
            places
                .locations
                .iter()
                .filter(|l| l.is_trusted)
                .map(contains),
        );
    }
    match places
        .locations
        .iter()
        .find(|l| l.id.eq_ignore_ascii_case(which))
    {
        Some(l) => contains(l),
        None => Err(format!(
            "Named location {which} is not in the cache: sync named locations again"
        )),
    }
}

/// True if any is true; otherwise the first reason, if any could not be told; otherwise false.
fn any_of(answers: impl Iterator<Item = Result<bool, String>>) -> Result<bool, String> {
    let mut unknown = None;
    for a in answers {
        match a {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(e) => {
                unknown.get_or_insert(e);
            }
        }
    }
    unknown.map_or(Ok(false), Err)
}

fn location_name(which: &str, places: Places<'_>) -> String {
    match which {
        ALL_LOCATIONS => "any location".into(),
        ALL_TRUSTED => "all trusted locations".into(),
        id => places
            .locations
            .iter()
            .find(|l| l.id.eq_ignore_ascii_case(id))
            .map_or_else(|| id.to_string(), |l| l.display_name.clone()),
    }
}

fn location_check(policy: &WorkloadPolicy, req: &Request<'_>, places: Places<'_>) -> Check {
    let check = |verdict, detail: String| Check {
        condition: Condition::Location,
        verdict,
        detail,
    };
    let Some(l) = &policy.locations else {
        return check(Verdict::Met, "The policy has no location condition".into());
    };
    let ip = req.ip.and_then(|s| s.trim().parse::<IpAddr>().ok());
    let place = req.ip.unwrap_or("The sign-in");
    let names = |list: &[String]| {
        list.iter()
            .map(|w| location_name(w, places))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // An exclusion that holds rules the policy out whatever the inclusion says.
    let mut excluded_unknown = None;
    for which in &l.exclude {
        match in_location(which, places, ip.as_ref(), req.country) {
            Ok(true) => {
                return check(
                    Verdict::NotMet,
                    format!(
                        "{place} is in {}, which the policy excludes",
                        location_name(which, places)
                    ),
                )
            }
            Ok(false) => {}
            Err(e) => {
                excluded_unknown.get_or_insert(e);
            }
        }
    }
    let included = any_of(
        l.include
            .iter()
            .map(|w| in_location(w, places, ip.as_ref(), req.country)),
    );
    match (included, excluded_unknown) {
        (Ok(false), _) => check(
            Verdict::NotMet,
            format!(
                "{place} is not in {}, which the policy includes",
                names(&l.include)
            ),
        ),
        (Err(e), _) | (Ok(true), Some(e)) => check(Verdict::Undetermined, e),
        (Ok(true), None) => check(
            Verdict::Met,
            if l.exclude.is_empty() {
                format!("{place} is in {}", names(&l.include))
            } else {
                format!(
                    "{place} is in {} and outside {}, which the policy excludes",
                    names(&l.include),
                    names(&l.exclude)
                )
            },
        ),
    }
}

fn risk_check(policy: &WorkloadPolicy, risk: &RiskAt) -> Check {
    let check = |verdict, detail: String| Check {
        condition: Condition::Risk,
        verdict,
        detail,
    };
    if policy.risk_levels.is_empty() {
        return check(Verdict::Met, "The policy has no risk condition".into());
    }
    let wanted = policy.risk_levels.join(", ");
    match risk {
        RiskAt::Level(l) if policy.risk_levels.iter().any(|w| w.eq_ignore_ascii_case(l)) => check(
            Verdict::Met,
            format!("Risk level {l}, which the policy names ({wanted})"),
        ),
        RiskAt::Level(l) => check(
            Verdict::NotMet,
            format!("Risk level {l}; the policy names {wanted}"),
        ),
        RiskAt::Unknown(why) => check(Verdict::Undetermined, why.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::policy::{Locations, PolicyState};
    use super::*;

    fn policy() -> WorkloadPolicy {
        WorkloadPolicy {
            id: Some("p".into()),
            display_name: "p".into(),
            state: PolicyState::Enabled,
            include: Included::AllInTenant,
            exclude: vec![],
            filter: None,
            locations: None,
            risk_levels: vec![],
        }
    }

    fn own(id: &str) -> Principal {
        Principal {
            id: id.into(),
            display_name: Some(id.into()),
            class: Some((IdentityKind::Application, Ownership::OwnSingleTenant)),
        }
    }

    fn location(id: &str, trusted: bool, ranges: &[&str]) -> NamedLocation {
        NamedLocation {
            id: id.into(),
            display_name: format!("{id} name"),
            kind: "ip".into(),
            is_trusted: trusted,
            ip_ranges: ranges.iter().map(|r| r.to_string()).collect(),
            countries_and_regions: vec![],
            include_unknown_countries_and_regions: false,
        }
    }

    fn countries(id: &str, list: &[&str], unknown: bool) -> NamedLocation {
        NamedLocation {
            id: id.into(),
            display_name: id.into(),
            kind: "country".into(),
            is_trusted: false,
            ip_ranges: vec![],
            countries_and_regions: list.iter().map(|c| c.to_string()).collect(),
            include_unknown_countries_and_regions: unknown,
        }
    }

    fn none() -> RiskAt {
        RiskAt::Level("none".into())
    }

    struct Case<'a> {
        policy: &'a WorkloadPolicy,
        principal: Principal,
        ip: Option<&'a str>,
        country: Option<&'a str>,
        risk: RiskAt,
        locations: &'a [NamedLocation],
    }

    impl Case<'_> {
        fn run(&self, honour_state: bool) -> Evaluation {
            evaluate(
                self.policy,
                &Request {
                    principal: &self.principal,
                    ip: self.ip,
                    country: self.country,
                    risk: &self.risk,
                },
                Places {
                    locations: self.locations,
                    read: true,
                },
                honour_state,
            )
        }
    }

    fn case<'a>(
        policy: &'a WorkloadPolicy,
        ip: Option<&'a str>,
        locations: &'a [NamedLocation],
    ) -> Case<'a> {
        Case {
            policy,
            principal: own("sp1"),
            ip,
            country: None,
            risk: none(),
            locations,
        }
    }

    fn verdict(e: &Evaluation, c: Condition) -> Verdict {
        e.checks.iter().find(|x| x.condition == c).unwrap().verdict
    }

    #[test]
    fn include_and_exclude_forms() {
        let mut p = policy();
        assert_eq!(case(&p, None, &[]).run(false).outcome, Outcome::Applies);
        p.include = Included::Selected(vec!["SP1".into()]);
        assert_eq!(
            case(&p, None, &[]).run(false).outcome,
            Outcome::Applies,
            "ids compare without case"
        );
        p.include = Included::Selected(vec!["sp2".into()]);
        let e = case(&p, None, &[]).run(false);
        assert_eq!(e.outcome, Outcome::DoesNotApply);
        assert_eq!(e.ruled_out_by().unwrap().condition, Condition::Assignment);
        p.include = Included::AllInTenant;
        p.exclude = vec!["sp1".into()];
        let e = case(&p, None, &[]).run(false);
        assert_eq!(e.ruled_out_by().unwrap().condition, Condition::Exclusion);
        p.exclude = vec!["sp2".into()];
        assert_eq!(case(&p, None, &[]).run(false).outcome, Outcome::Applies);
        p.filter = Some("CustomSecurityAttribute.x -eq \"y\"".into());
        let e = case(&p, None, &[]).run(false);
        assert_eq!(e.outcome, Outcome::Undetermined);
        assert_eq!(e.undetermined_by().unwrap().condition, Condition::Filter);
    }

    #[test]
    fn state_counts_only_when_honoured() {
        let mut p = policy();
        p.state = PolicyState::Disabled;
        assert_eq!(case(&p, None, &[]).run(false).outcome, Outcome::Applies);
        let e = case(&p, None, &[]).run(true);
        assert_eq!(e.ruled_out_by().unwrap().condition, Condition::State);
        p.state = PolicyState::ReportOnly;
        assert_eq!(case(&p, None, &[]).run(true).outcome, Outcome::Applies);
    }

    #[test]
    fn each_ineligible_target_is_ruled_out_with_its_reason() {
        let p = policy();
        for (kind, ownership, says) in [
            (
                IdentityKind::ManagedIdentitySystem,
                Ownership::NotApplicable,
                "Managed identities",
            ),
            (
                IdentityKind::ManagedIdentityUser,
                Ownership::NotApplicable,
                "Managed identities",
            ),
            (
                IdentityKind::Application,
                Ownership::Microsoft,
                "Microsoft first-party",
            ),
            (
                IdentityKind::Application,
                Ownership::External,
                "Another organisation",
            ),
            (
                IdentityKind::AgentIdentity,
                Ownership::NotApplicable,
                "agent fields",
            ),
        ] {
            let mut c = case(&p, None, &[]);
            c.principal.class = Some((kind, ownership));
            let e = c.run(false);
            let out = e.ruled_out_by().unwrap();
            assert_eq!(out.condition, Condition::Eligibility);
            assert!(out.detail.contains(says), "{kind:?}: {}", out.detail);
        }
        let mut c = case(&p, None, &[]);
        c.principal.class = Some((IdentityKind::Application, Ownership::OwnMultiTenant));
        assert_eq!(
            c.run(false).outcome,
            Outcome::Applies,
            "own multitenant apps are covered"
        );
        c.principal.class = Some((IdentityKind::Legacy, Ownership::OwnSingleTenant));
        assert_eq!(c.run(false).outcome, Outcome::Applies);
        c.principal.class = None;
        assert_eq!(
            c.run(false).undetermined_by().unwrap().condition,
            Condition::Eligibility
        );
    }

    #[test]
    fn location_forms_v4_v6_trusted_and_countries() {
        let locs = [
            location("office", false, &["203.0.113.0/24", "2001:db8:10::/48"]),
            location("azure", true, &["198.51.100.0/24"]),
            countries("home", &["NL", "DE"], false),
        ];
        let mut p = policy();
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["office".into()],
        });
        let at = |p: &WorkloadPolicy, ip: &str| case(p, Some(ip), &locs).run(false).outcome;
        assert_eq!(at(&p, "203.0.113.7"), Outcome::DoesNotApply);
        assert_eq!(at(&p, "203.0.114.7"), Outcome::Applies);
        assert_eq!(
            at(&p, "2001:db8:10:ffff::1"),
            Outcome::DoesNotApply,
            "IPv6 inside the /48"
        );
        assert_eq!(
            at(&p, "2001:db8:11::1"),
            Outcome::Applies,
            "IPv6 outside the /48"
        );
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["AllTrusted".into()],
        });
        assert_eq!(
            at(&p, "198.51.100.9"),
            Outcome::DoesNotApply,
            "in a trusted location"
        );
        assert_eq!(
            at(&p, "203.0.113.7"),
            Outcome::Applies,
            "the office is not trusted"
        );
        // Include only the office: everything outside it is ruled out.
        p.locations = Some(Locations {
            include: vec!["office".into()],
            exclude: vec![],
        });
        assert_eq!(at(&p, "203.0.113.7"), Outcome::Applies);
        let e = case(&p, Some("192.0.2.1"), &locs).run(false);
        assert_eq!(e.ruled_out_by().unwrap().condition, Condition::Location);
        assert!(e.ruled_out_by().unwrap().detail.contains("office name"));
        p.locations = Some(Locations {
            include: vec!["AllTrusted".into()],
            exclude: vec![],
        });
        assert_eq!(at(&p, "198.51.100.9"), Outcome::Applies);
        assert_eq!(at(&p, "203.0.113.7"), Outcome::DoesNotApply);
        // Countries, by the sign-in's recorded country.
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["home".into()],
        });
        let mut c = case(&p, Some("192.0.2.1"), &locs);
        c.country = Some("nl");
        assert_eq!(c.run(false).outcome, Outcome::DoesNotApply);
        c.country = Some("US");
        assert_eq!(c.run(false).outcome, Outcome::Applies);
        c.country = None;
        assert_eq!(
            c.run(false).outcome,
            Outcome::Applies,
            "unknown countries are not in it"
        );
    }

    #[test]
    fn locations_the_cache_cannot_decide() {
        let locs = [location("office", false, &["203.0.113.0/24"])];
        let mut p = policy();
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["office".into()],
        });
        let e = case(&p, None, &locs).run(false);
        assert_eq!(e.outcome, Outcome::Undetermined);
        assert!(e
            .undetermined_by()
            .unwrap()
            .detail
            .contains("no IP address"));
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["gone".into()],
        });
        let e = case(&p, Some("192.0.2.1"), &locs).run(false);
        assert!(e
            .undetermined_by()
            .unwrap()
            .detail
            .contains("gone is not in the cache"));
        // A known exclusion that holds decides, whatever else is unknown.
        p.locations = Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["gone".into(), "office".into()],
        });
        assert_eq!(
            case(&p, Some("203.0.113.1"), &locs).run(false).outcome,
            Outcome::DoesNotApply
        );
        // Named locations never read.
        let e = evaluate(
            &p,
            &Request {
                principal: &own("sp1"),
                ip: Some("192.0.2.1"),
                country: None,
                risk: &none(),
            },
            Places {
                locations: &[],
                read: false,
            },
            false,
        );
        assert!(e
            .undetermined_by()
            .unwrap()
            .detail
            .contains("not in the cache"));
    }

    #[test]
    fn risk_levels() {
        let mut p = policy();
        p.risk_levels = vec!["high".into(), "medium".into()];
        let mut c = case(&p, None, &[]);
        c.risk = RiskAt::Level("high".into());
        assert_eq!(c.run(false).outcome, Outcome::Applies);
        c.risk = RiskAt::Level("low".into());
        assert_eq!(
            c.run(false).ruled_out_by().unwrap().condition,
            Condition::Risk
        );
        c.risk = none();
        assert_eq!(c.run(false).outcome, Outcome::DoesNotApply);
        c.risk = RiskAt::Unknown("no history".into());
        let e = c.run(false);
        assert_eq!(e.outcome, Outcome::Undetermined);
        assert_eq!(verdict(&e, Condition::Risk), Verdict::Undetermined);
        // A condition that rules out wins over one that cannot be decided.
        c.principal.class = Some((IdentityKind::ManagedIdentityUser, Ownership::NotApplicable));
        assert_eq!(c.run(false).outcome, Outcome::DoesNotApply);
        // No risk condition: the level does not matter.
        p.risk_levels.clear();
        let mut c = case(&p, None, &[]);
        c.risk = RiskAt::Unknown("no history".into());
        assert_eq!(c.run(false).outcome, Outcome::Applies);
    }
}
