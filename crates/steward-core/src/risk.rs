//! Risk of workload identities (domain.md §3): Identity Protection's risky service principals
//! and detections when they were synced, and Steward's own signals computed from the cached
//! sign-ins, which need no Premium licence. A pure function of the cache, the settings and an
//! `as_of` instant, apart from the admin's decisions, which are current state.
//!
//! A local signal compares an identity's sign-ins in the detection window with its baseline: the
//! sign-ins of the 2–60 days before. "New" means never seen in the cached history before; the
//! roll-up `sign_in_features` (kept at ingest) records when each country, IP address, resource,
//! credential type and key id was first and last seen per identity, so the signals never scan the
//! log. Each signal carries the filter that lists the sign-ins behind it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::{rfc3339_ms, to_ms, DAY_MS};
use crate::identities::SignInRow;
use crate::model::{IdentityKind, NamedLocation};
use crate::recommendations::Evidence;
use crate::store::risk::{self as store, RiskActionRow};
use crate::store::sign_ins::{feature, INVALID_CREDENTIAL_CODES};
use crate::store::TenantKey;
use crate::{Error, Result};

const HOUR_MS: i64 = 3_600_000;

/// Datasets whose presence means Identity Protection's data is in the cache.
pub const RISKY_SP_DATASET: &str = "riskyServicePrincipals";
pub const DETECTIONS_DATASET: &str = "servicePrincipalRiskDetections";
pub const NAMED_LOCATIONS_DATASET: &str = "namedLocations";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RiskLevel {
    High,
    Medium,
    Low,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::High => "high",
            RiskLevel::Medium => "medium",
            RiskLevel::Low => "low",
        }
    }

    /// Graph's riskLevel; `hidden`, `none` and unknown values carry no level.
    pub fn from_graph(s: &str) -> Option<RiskLevel> {
        match s {
            "high" => Some(RiskLevel::High),
            "medium" => Some(RiskLevel::Medium),
            "low" => Some(RiskLevel::Low),
            _ => None,
        }
    }
}

/// What a local signal noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SignalKind {
    NewCountry,
    NewIpRange,
    NewResource,
    NewCredentialType,
    NewKeyId,
    InvalidCredentialBurst,
    OutsideNamedLocations,
}

impl SignalKind {
    pub const ALL: [SignalKind; 7] = [
        SignalKind::NewCountry,
        SignalKind::NewIpRange,
        SignalKind::NewResource,
        SignalKind::NewCredentialType,
        SignalKind::NewKeyId,
        SignalKind::InvalidCredentialBurst,
        SignalKind::OutsideNamedLocations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::NewCountry => "newCountry",
            SignalKind::NewIpRange => "newIpRange",
            SignalKind::NewResource => "newResource",
            SignalKind::NewCredentialType => "newCredentialType",
            SignalKind::NewKeyId => "newKeyId",
            SignalKind::InvalidCredentialBurst => "invalidCredentialBurst",
            SignalKind::OutsideNamedLocations => "outsideNamedLocations",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            SignalKind::NewCountry => "Sign-ins from a new country",
            SignalKind::NewIpRange => "Sign-ins from a new IP range",
            SignalKind::NewResource => "Tokens for a new resource",
            SignalKind::NewCredentialType => "A new kind of credential",
            SignalKind::NewKeyId => "A credential not used before",
            SignalKind::InvalidCredentialBurst => "Burst of invalid-credential failures",
            SignalKind::OutsideNamedLocations => "Sign-ins outside all named locations",
        }
    }

    pub fn rationale(self) -> &'static str {
        match self {
            SignalKind::NewCountry => "Workload identities run from fixed places. A country the identity never signed in from before is how a stolen credential shows when it is used elsewhere; Identity Protection's suspicious sign-ins detection looks for the same.",
            SignalKind::NewIpRange => "A new network range (IPv4 /24, IPv6 /48) can be a new deployment, or the credential used from somewhere it should not be. Compare with recent deployments.",
            SignalKind::NewResource => "An identity that suddenly asks for tokens to an API it never called may be probing with a stolen credential. Check whether a release added the call.",
            SignalKind::NewCredentialType => "Switching, say, from a certificate to a client secret is unusual and is one of the properties Identity Protection baselines.",
            SignalKind::NewKeyId => "A credential the identity had not used before came into use. After a planned rotation this is expected; a key Steward does not hold in the cache is not.",
            SignalKind::InvalidCredentialBurst => "Many sign-ins with a wrong or expired secret in a short time (AADSTS7000215, AADSTS7000222) come from password spraying, or from a service still using a removed secret.",
            SignalKind::OutsideNamedLocations => "The sign-in address lies in none of the tenant's named locations (IP ranges or countries), so a location-based conditional access policy would treat it as untrusted.",
        }
    }

    pub fn parse(s: &str) -> Option<SignalKind> {
        SignalKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an identity's risk stands, as the admin decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SignalState {
    Active,
    Dismissed,
    ConfirmedCompromised,
    Remediated,
}

/// An admin action on an identity's risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RiskAction {
    /// Graph's confirmCompromised: risk high, state confirmedCompromised.
    ConfirmCompromised,
    /// Graph's dismiss: risk none, state dismissed.
    Dismiss,
    /// Steward's own: the admin fixed what the signal pointed at.
    Remediated,
}

impl RiskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskAction::ConfirmCompromised => "confirmCompromised",
            RiskAction::Dismiss => "dismiss",
            RiskAction::Remediated => "remediated",
        }
    }

    fn parse(s: &str) -> Option<RiskAction> {
        [
            RiskAction::ConfirmCompromised,
            RiskAction::Dismiss,
            RiskAction::Remediated,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    fn state(self) -> SignalState {
        match self {
            RiskAction::ConfirmCompromised => SignalState::ConfirmedCompromised,
            RiskAction::Dismiss => SignalState::Dismissed,
            RiskAction::Remediated => SignalState::Remediated,
        }
    }

    /// Whether Graph has an action for it (pushed to riskyServicePrincipals when connected).
    pub fn is_graph_action(self) -> bool {
        !matches!(self, RiskAction::Remediated)
    }
}

/// Thresholds an admin may change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RiskSettings {
    /// Signals first seen in this many days before `as_of` are reported.
    pub window_days: i64,
    /// The baseline must reach back at least this many days before the new behaviour.
    pub baseline_min_days: i64,
    /// The baseline covers at most this many days before the new behaviour.
    pub baseline_max_days: i64,
    /// The baseline must hold at least this many sign-ins.
    pub baseline_min_sign_ins: i64,
    /// Invalid-credential failures in one hour that make a burst.
    pub burst_threshold: i64,
}

impl Default for RiskSettings {
    fn default() -> Self {
        RiskSettings {
            window_days: 7,
            baseline_min_days: 2,
            baseline_max_days: 60,
            baseline_min_sign_ins: 10,
            burst_threshold: 10,
        }
    }
}

/// The sign-in field a signal's filter matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SignInField {
    Country,
    IpAddress,
    /// The resource's appId.
    Resource,
    CredentialType,
    KeyId,
    ErrorCode,
}

/// Which sign-ins are behind a signal: one identity's sign-ins in a period whose field holds one
/// of the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignInFilter {
    pub sp_id: String,
    /// RFC 3339, inclusive.
    pub from: String,
    /// RFC 3339, inclusive.
    pub to: String,
    pub field: SignInField,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RiskSignal {
    /// Stable across recomputations: kind, identity and what was new.
    pub id: String,
    pub kind: SignalKind,
    pub title: String,
    pub rationale: String,
    pub level: RiskLevel,
    pub sp_id: String,
    pub display_name: String,
    pub identity_kind: Option<IdentityKind>,
    /// What was new or unusual (a country code, a range, a resource, a key id …).
    pub value: String,
    /// When it was first seen (RFC 3339).
    pub detected_at: String,
    pub last_seen: String,
    /// Sign-ins behind it (all of them since it was first seen).
    pub sign_in_count: i64,
    pub evidence: Vec<Evidence>,
    pub state: SignalState,
    pub state_at: Option<String>,
    pub sign_ins: SignInFilter,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DetectionRow {
    pub id: String,
    pub risk_event_type: String,
    /// What the detection means, in the admin's words.
    pub description: String,
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
    pub detection_timing_type: Option<String>,
    pub activity: Option<String>,
    pub activity_at: Option<String>,
    pub detected_at: Option<String>,
    pub ip_address: Option<String>,
    pub location: Option<String>,
    pub key_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryRow {
    pub at: String,
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
    pub initiated_by: Option<String>,
}

/// A risky service principal as Identity Protection reported it, with its detections and history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RiskyIdentity {
    pub id: String,
    pub app_id: Option<String>,
    pub display_name: String,
    pub service_principal_type: Option<String>,
    pub is_enabled: Option<bool>,
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
    pub risk_last_updated: Option<String>,
    pub detections: Vec<DetectionRow>,
    pub history: Vec<HistoryRow>,
    /// An admin action recorded here that a sync has not yet pushed to Graph.
    pub pending_action: Option<RiskAction>,
    pub admin_center_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LevelCount {
    pub level: RiskLevel,
    /// Identities whose highest open risk has this level.
    pub identities: i64,
    /// Of which Identity Protection reported.
    pub from_identity_protection: i64,
    /// Of which Steward's local signals found.
    pub from_signals: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RiskReport {
    pub as_of: String,
    pub window_from: String,
    pub settings: RiskSettings,
    /// When Identity Protection's data was read; `None` when the cache has none (not synced, or
    /// the tenant lacks Workload ID Premium).
    pub identity_protection_synced_at: Option<String>,
    pub risky_identities: Vec<RiskyIdentity>,
    /// Local signals, highest level and newest first.
    pub signals: Vec<RiskSignal>,
    /// Signal kinds that could not be computed, with why (e.g. no named locations cached).
    pub unavailable: Vec<Evidence>,
    pub by_level: Vec<LevelCount>,
    pub history_from: Option<String>,
}

/// What each of Identity Protection's riskEventType values means (domain.md §3.1).
pub fn detection_description(risk_event_type: &str) -> &'static str {
    match risk_event_type {
        "investigationsThreatIntelligence" => "Activity matching known attack patterns (Microsoft threat intelligence).",
        "suspiciousSignins" => "Sign-in properties unusual for this identity (IP, resource, country or credential type).",
        "adminConfirmedServicePrincipalCompromised" => "An admin confirmed this service principal compromised.",
        "leakedCredentials" => "Valid credentials of this identity were found in a public place (GitHub, paste sites, the dark web).",
        "maliciousApplication" => "Microsoft disabled the app for violating the terms of service.",
        "suspiciousApplication" => "The app may violate the terms of service; it has not been disabled.",
        "anomalousServicePrincipalActivity" => "Unusual directory changes made by or to this service principal.",
        "suspiciousAPITraffic" => "Abnormal Graph traffic or directory enumeration.",
        _ => "A detection type Steward does not describe yet; see Identity Protection.",
    }
}

/// The network range an address belongs to: /24 for IPv4, /48 for IPv6.
pub fn ip_range(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            Some(format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

/// Whether `ip` lies in the CIDR range `cidr` (a bare address counts as /32 or /128).
pub fn cidr_contains(cidr: &str, ip: &IpAddr) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.trim().parse::<u32>().ok()),
        None => (cidr, None),
    };
    let Ok(net) = net.trim().parse::<IpAddr>() else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(*a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(*a) & mask
        }
        _ => false,
    }
}

/// Whether a sign-in from `ip` in `country` falls in any of the named locations.
pub fn in_named_locations(locations: &[NamedLocation], ip: &str, country: Option<&str>) -> bool {
    let addr = ip.parse::<IpAddr>().ok();
    locations.iter().any(|l| match l.kind.as_str() {
        "ip" => addr
            .as_ref()
            .is_some_and(|a| l.ip_ranges.iter().any(|r| cidr_contains(r, a))),
        "country" => match country {
            Some(c) => l
                .countries_and_regions
                .iter()
                .any(|x| x.eq_ignore_ascii_case(c)),
            None => l.include_unknown_countries_and_regions,
        },
        _ => false,
    })
}

struct Feature {
    sp_id: String,
    kind: u8,
    value: String,
    label: Option<String>,
    first: i64,
    last: i64,
    count: i64,
}

fn level_rank(l: RiskLevel) -> u8 {
    match l {
        RiskLevel::High => 0,
        RiskLevel::Medium => 1,
        RiskLevel::Low => 2,
    }
}

/// Computes the Risk page for one tenant at `as_of`.
pub fn risk_report(
    conn: &Connection,
    key: TenantKey,
    as_of: DateTime<Utc>,
    settings: &RiskSettings,
) -> Result<RiskReport> {
    if settings.window_days < 1 || settings.baseline_min_days < 0 || settings.burst_threshold < 1 {
        return Err(Error::InvalidInput(
            "risk settings need a window of at least 1 day, a non-negative baseline and a burst threshold of at least 1".into(),
        ));
    }
    let now = to_ms(as_of);
    let from = now - settings.window_days * DAY_MS;
    let actions = latest_actions(conn, key)?;
    let mut signals = Vec::new();
    let mut baseline = Baseline::new(conn, key, settings);

    // Everything first seen in the window, by kind.
    let fresh = features_first_seen(conn, key, from, now)?;
    let mut ip_known: HashMap<String, Vec<(String, i64, Option<String>)>> = HashMap::new();
    let mut new_ranges: BTreeMap<(String, String), Vec<Feature>> = BTreeMap::new();
    let mut new_countries: BTreeMap<(String, String), Vec<Feature>> = BTreeMap::new();
    let mut keys_known: HashMap<String, HashSet<String>> = HashMap::new();
    for f in fresh {
        if f.kind == feature::IP {
            // Countries are known through the addresses: each address row carries its country.
            if !ip_known.contains_key(&f.sp_id) {
                ip_known.insert(f.sp_id.clone(), ips_of(conn, key, &f.sp_id)?);
            }
            let known = &ip_known[&f.sp_id];
            if let Some(country) = f.label.clone() {
                let earlier = known.iter().any(|(_, first, c)| {
                    *first < f.first && c.as_deref() == Some(country.as_str())
                });
                if !earlier {
                    new_countries
                        .entry((f.sp_id.clone(), country))
                        .or_default()
                        .push(Feature {
                            sp_id: f.sp_id.clone(),
                            kind: f.kind,
                            value: f.value.clone(),
                            label: f.label.clone(),
                            first: f.first,
                            last: f.last,
                            count: f.count,
                        });
                }
            }
            let Some(range) = ip_range(&f.value) else {
                continue;
            };
            let earlier = known.iter().any(|(ip, first, _)| {
                *first < f.first && ip_range(ip).as_deref() == Some(range.as_str())
            });
            if !earlier {
                new_ranges
                    .entry((f.sp_id.clone(), range))
                    .or_default()
                    .push(f);
            }
            continue;
        }
        if !baseline.holds(&f.sp_id, f.first)? {
            continue;
        }
        let (kind, level, field, value, mut evidence) = match f.kind {
            feature::RESOURCE => (
                SignalKind::NewResource,
                RiskLevel::Low,
                SignInField::Resource,
                f.label.clone().unwrap_or_else(|| f.value.clone()),
                vec![Evidence {
                    label: "Resource appId".into(),
                    value: f.value.clone(),
                }],
            ),
            feature::CREDENTIAL_TYPE => (
                SignalKind::NewCredentialType,
                RiskLevel::Medium,
                SignInField::CredentialType,
                f.value.clone(),
                vec![],
            ),
            feature::KEY_ID => {
                if !keys_known.contains_key(&f.sp_id) {
                    keys_known.insert(f.sp_id.clone(), key_ids_of(conn, key, &f.sp_id)?);
                }
                let held = keys_known[&f.sp_id].contains(&f.value.to_ascii_lowercase());
                (
                    SignalKind::NewKeyId,
                    if held {
                        RiskLevel::Low
                    } else {
                        RiskLevel::High
                    },
                    SignInField::KeyId,
                    f.value.clone(),
                    vec![Evidence {
                        label: "In the cached credentials".into(),
                        value: if held {
                            "yes — a credential of this identity or its application".into()
                        } else {
                            "no — not among the credentials Steward holds for it".into()
                        },
                    }],
                )
            }
            _ => continue,
        };
        evidence.extend(baseline.evidence(&f.sp_id, f.first)?);
        signals.push(novelty_signal(kind, level, field, value, &f, evidence, now));
    }
    for ((sp_id, country), ips) in new_countries {
        if let Some(s) = address_group(
            &mut baseline,
            SignalKind::NewCountry,
            RiskLevel::Medium,
            &sp_id,
            country,
            &ips,
            now,
        )? {
            signals.push(s);
        }
    }
    for ((sp_id, range), ips) in new_ranges {
        if let Some(mut s) = address_group(
            &mut baseline,
            SignalKind::NewIpRange,
            RiskLevel::Low,
            &sp_id,
            range,
            &ips,
            now,
        )? {
            // The range's sign-ins are those from its addresses.
            s.sign_ins.values = ips.iter().map(|f| f.value.clone()).collect();
            signals.push(s);
        }
    }
    signals.extend(bursts(conn, key, from, now, settings)?);
    let mut unavailable = Vec::new();
    let locations = store::list_named_locations(conn, key)?;
    if locations.is_empty() {
        unavailable.push(Evidence {
            label: SignalKind::OutsideNamedLocations.title().into(),
            value: "No named locations are cached for this tenant: sync conditional access (Policy.Read.All) or define named locations in Entra.".into(),
        });
    } else {
        signals.extend(outside_locations(conn, key, from, now, &locations)?);
    }

    // Names, kinds and the admin's decisions.
    let mut names: HashMap<String, (String, Option<IdentityKind>)> = HashMap::new();
    for s in &mut signals {
        if !names.contains_key(&s.sp_id) {
            names.insert(s.sp_id.clone(), identity_name(conn, key, &s.sp_id)?);
        }
        let (name, kind) = names[&s.sp_id].clone();
        s.display_name = name;
        s.identity_kind = kind;
        if let Some(a) = actions.get(&s.sp_id) {
            let detected = parse_ms(&s.detected_at);
            if a.at >= detected {
                if let Some(action) = RiskAction::parse(&a.action) {
                    s.state = action.state();
                    s.state_at = Some(rfc3339_ms(a.at));
                }
            }
        }
    }
    signals.sort_by(|a, b| {
        (a.state != SignalState::Active)
            .cmp(&(b.state != SignalState::Active))
            .then(level_rank(a.level).cmp(&level_rank(b.level)))
            .then(b.detected_at.cmp(&a.detected_at))
            .then(a.id.cmp(&b.id))
    });

    let synced_at = [RISKY_SP_DATASET, DETECTIONS_DATASET]
        .iter()
        .map(|d| crate::store::insights::dataset_synced_at(conn, key, d))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .max();
    let risky = risky_identities(conn, key, &actions)?;
    let by_level = by_level(&risky, &signals);
    Ok(RiskReport {
        as_of: rfc3339_ms(now),
        window_from: rfc3339_ms(from),
        settings: *settings,
        identity_protection_synced_at: synced_at.map(rfc3339_ms),
        risky_identities: risky,
        signals,
        unavailable,
        by_level,
        history_from: crate::store::sign_ins::history_from(conn, key)?.map(rfc3339_ms),
    })
}

/// A signal about addresses first seen together (a new country, a new range): their counts
/// summed, their list as evidence, and the baseline before the first of them. `None` when the
/// identity had no baseline then.
fn address_group(
    baseline: &mut Baseline<'_>,
    kind: SignalKind,
    level: RiskLevel,
    sp_id: &str,
    value: String,
    ips: &[Feature],
    now: i64,
) -> Result<Option<RiskSignal>> {
    let first = ips.iter().map(|f| f.first).min().unwrap_or(now);
    if !baseline.holds(sp_id, first)? {
        return Ok(None);
    }
    let f = Feature {
        sp_id: sp_id.to_string(),
        kind: feature::IP,
        value: value.clone(),
        label: None,
        first,
        last: ips.iter().map(|f| f.last).max().unwrap_or(first),
        count: ips.iter().map(|f| f.count).sum(),
    };
    let mut evidence = vec![Evidence {
        label: "Addresses".into(),
        value: ips
            .iter()
            .map(|f| f.value.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }];
    if kind == SignalKind::NewIpRange {
        if let Some(c) = ips.iter().find_map(|f| f.label.clone()) {
            evidence.push(Evidence {
                label: "Country".into(),
                value: c,
            });
        }
    }
    evidence.extend(baseline.evidence(sp_id, first)?);
    let field = if kind == SignalKind::NewCountry {
        SignInField::Country
    } else {
        SignInField::IpAddress
    };
    Ok(Some(novelty_signal(
        kind, level, field, value, &f, evidence, now,
    )))
}

fn parse_ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc).timestamp_millis())
        .unwrap_or(i64::MIN)
}

fn novelty_signal(
    kind: SignalKind,
    level: RiskLevel,
    field: SignInField,
    value: String,
    f: &Feature,
    mut evidence: Vec<Evidence>,
    now: i64,
) -> RiskSignal {
    evidence.insert(
        0,
        Evidence {
            label: "First seen".into(),
            value: rfc3339_ms(f.first),
        },
    );
    evidence.insert(
        1,
        Evidence {
            label: "Sign-ins since".into(),
            value: f.count.to_string(),
        },
    );
    let filter_value = if kind == SignalKind::NewResource {
        f.value.clone()
    } else {
        value.clone()
    };
    RiskSignal {
        id: format!("{}:{}:{}", kind.as_str(), f.sp_id, value),
        kind,
        title: kind.title().into(),
        rationale: kind.rationale().into(),
        level,
        sp_id: f.sp_id.clone(),
        display_name: String::new(),
        identity_kind: None,
        value,
        detected_at: rfc3339_ms(f.first),
        last_seen: rfc3339_ms(f.last),
        sign_in_count: f.count,
        evidence,
        state: SignalState::Active,
        state_at: None,
        sign_ins: SignInFilter {
            sp_id: f.sp_id.clone(),
            from: rfc3339_ms(f.first),
            to: rfc3339_ms(now.max(f.last)),
            field,
            values: vec![filter_value],
        },
    }
}

/// Whether an identity had a baseline before `t`, and what it was.
struct Baseline<'a> {
    conn: &'a Connection,
    key: TenantKey,
    settings: &'a RiskSettings,
    first_any: HashMap<String, Option<i64>>,
    /// Verdicts already reached, per (identity, instant): values first seen together share one.
    holds: HashMap<(String, i64), bool>,
}

impl<'a> Baseline<'a> {
    fn new(conn: &'a Connection, key: TenantKey, settings: &'a RiskSettings) -> Baseline<'a> {
        Baseline {
            conn,
            key,
            settings,
            first_any: HashMap::new(),
            holds: HashMap::new(),
        }
    }

    fn first_any(&mut self, sp_id: &str) -> Result<Option<i64>> {
        if let Some(v) = self.first_any.get(sp_id) {
            return Ok(*v);
        }
        let v: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT first_any FROM sign_in_activity WHERE tenant = ?1 AND sp_id = ?2",
            )?
            .query_row(params![self.key.0, sp_id], |r| r.get(0))
            .optional()?
            .flatten();
        self.first_any.insert(sp_id.to_string(), v);
        Ok(v)
    }

    /// Sign-ins of the identity in the baseline period before `t`, counted up to `cap`.
    fn count_before(&self, sp_id: &str, t: i64, cap: i64) -> Result<i64> {
        let lo = t - self.settings.baseline_max_days * DAY_MS;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM sign_ins INDEXED BY sign_ins_by_sp
                 WHERE tenant = ?1 AND sp = (SELECT id FROM strings WHERE value = ?2)
                   AND created >= ?3 AND created < ?4 LIMIT ?5)",
            )?
            .query_row(params![self.key.0, sp_id, lo, t, cap], |r| r.get(0))?)
    }

    fn holds(&mut self, sp_id: &str, t: i64) -> Result<bool> {
        let Some(first) = self.first_any(sp_id)? else {
            return Ok(false);
        };
        if first > t - self.settings.baseline_min_days * DAY_MS {
            return Ok(false);
        }
        if let Some(v) = self.holds.get(&(sp_id.to_string(), t)) {
            return Ok(*v);
        }
        let need = self.settings.baseline_min_sign_ins;
        let v = self.count_before(sp_id, t, need)? >= need;
        self.holds.insert((sp_id.to_string(), t), v);
        Ok(v)
    }

    fn evidence(&mut self, sp_id: &str, t: i64) -> Result<Vec<Evidence>> {
        let first = self.first_any(sp_id)?.unwrap_or(t);
        let start = first.max(t - self.settings.baseline_max_days * DAY_MS);
        let n = self.count_before(sp_id, t, 1_000_000)?;
        Ok(vec![Evidence {
            label: "Baseline".into(),
            value: format!(
                "{} sign-ins over {} days before ({} to {}); needs at least {} over {} days",
                n,
                (t - start) / DAY_MS,
                &rfc3339_ms(start)[..10],
                &rfc3339_ms(t)[..10],
                self.settings.baseline_min_sign_ins,
                self.settings.baseline_min_days
            ),
        }])
    }
}

fn features_first_seen(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    to: i64,
) -> Result<Vec<Feature>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, kind, value, label, first_seen, last_seen, count
         FROM sign_in_features INDEXED BY sign_in_features_by_first
         WHERE tenant = ?1 AND first_seen > ?2 AND first_seen <= ?3",
    )?;
    let rows = stmt
        .query_map(params![key.0, from, to], |r| {
            Ok(Feature {
                sp_id: r.get(0)?,
                kind: r.get(1)?,
                value: r.get(2)?,
                label: r.get(3)?,
                first: r.get(4)?,
                last: r.get(5)?,
                count: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn ips_of(
    conn: &Connection,
    key: TenantKey,
    sp_id: &str,
) -> Result<Vec<(String, i64, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT value, first_seen, label FROM sign_in_features
         WHERE tenant = ?1 AND kind = ?3 AND sp_id = ?2",
    )?;
    let rows = stmt
        .query_map(params![key.0, sp_id, feature::IP], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Key ids of the credentials on the service principal and on its application.
fn key_ids_of(conn: &Connection, key: TenantKey, sp_id: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.key_id FROM credentials c WHERE c.tenant = ?1 AND c.owner_id = ?2
         UNION
         SELECT c.key_id FROM service_principals sp
           JOIN applications a ON a.tenant = sp.tenant AND a.app_id = sp.app_id
           JOIN credentials c ON c.tenant = a.tenant AND c.owner_id = a.id
         WHERE sp.tenant = ?1 AND sp.id = ?2",
    )?;
    let rows = stmt
        .query_map(params![key.0, sp_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().map(|k| k.to_ascii_lowercase()).collect())
}

fn identity_name(
    conn: &Connection,
    key: TenantKey,
    sp_id: &str,
) -> Result<(String, Option<IdentityKind>)> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT display_name, kind FROM service_principals WHERE tenant = ?1 AND id = ?2",
        )?
        .query_row(params![key.0, sp_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((name, kind)) = row {
        return Ok((name, IdentityKind::parse(&kind)));
    }
    // Not in the cached inventory: fall back to the name the sign-ins carried.
    let name: Option<String> = conn
        .prepare_cached(
            "SELECT n.value FROM sign_ins s INDEXED BY sign_ins_by_sp JOIN strings n ON n.id = s.sp_name
             WHERE s.tenant = ?1 AND s.sp = (SELECT id FROM strings WHERE value = ?2)
             ORDER BY s.created DESC LIMIT 1",
        )?
        .query_row(params![key.0, sp_id], |r| r.get(0))
        .optional()?;
    Ok((name.unwrap_or_else(|| sp_id.to_string()), None))
}

fn bursts(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    now: i64,
    settings: &RiskSettings,
) -> Result<Vec<RiskSignal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, hour, count FROM credential_failure_hours INDEXED BY credential_failure_hours_by_hour
         WHERE tenant = ?1 AND hour >= ?2 AND hour <= ?3 AND count >= ?4
         ORDER BY sp_id, hour",
    )?;
    let rows = stmt
        .query_map(
            params![
                key.0,
                from.div_euclid(HOUR_MS),
                now.div_euclid(HOUR_MS),
                settings.burst_threshold
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Consecutive hours of one identity are one burst.
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let (sp, start, mut total) = rows[i].clone();
        let mut end = start;
        let mut peak = total;
        let mut j = i + 1;
        while j < rows.len() && rows[j].0 == sp && rows[j].1 == end + 1 {
            end = rows[j].1;
            total += rows[j].2;
            peak = peak.max(rows[j].2);
            j += 1;
        }
        i = j;
        let level = if total >= settings.burst_threshold * 10 {
            RiskLevel::High
        } else {
            RiskLevel::Medium
        };
        let start_ms = start * HOUR_MS;
        let end_ms = (end + 1) * HOUR_MS - 1;
        out.push(RiskSignal {
            id: format!(
                "{}:{}:{}",
                SignalKind::InvalidCredentialBurst.as_str(),
                sp,
                start
            ),
            kind: SignalKind::InvalidCredentialBurst,
            title: SignalKind::InvalidCredentialBurst.title().into(),
            rationale: SignalKind::InvalidCredentialBurst.rationale().into(),
            level,
            sp_id: sp.clone(),
            display_name: String::new(),
            identity_kind: None,
            value: format!("{total} failures in {} h", end - start + 1),
            detected_at: rfc3339_ms(start_ms),
            last_seen: rfc3339_ms(end_ms),
            sign_in_count: total,
            evidence: vec![
                Evidence {
                    label: "Period".into(),
                    value: format!("{} to {}", rfc3339_ms(start_ms), rfc3339_ms(end_ms + 1)),
                },
                Evidence {
                    label: "Failures (AADSTS7000215, 7000222)".into(),
                    value: total.to_string(),
                },
                Evidence {
                    label: "Busiest hour".into(),
                    value: peak.to_string(),
                },
                Evidence {
                    label: "Threshold".into(),
                    value: format!("{} in one hour", settings.burst_threshold),
                },
            ],
            state: SignalState::Active,
            state_at: None,
            sign_ins: SignInFilter {
                sp_id: sp,
                from: rfc3339_ms(start_ms),
                to: rfc3339_ms(end_ms),
                field: SignInField::ErrorCode,
                values: INVALID_CREDENTIAL_CODES
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
            },
        });
    }
    Ok(out)
}

fn outside_locations(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    now: i64,
    locations: &[NamedLocation],
) -> Result<Vec<RiskSignal>> {
    // The unary + keeps the planner on the primary key's (tenant, kind) prefix: the index on
    // first_seen would visit every row of every kind and look each up.
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, value, label, first_seen, last_seen, count
         FROM sign_in_features
         WHERE tenant = ?1 AND kind = ?2 AND last_seen > ?3 AND +first_seen <= ?4",
    )?;
    // Per identity: (address, country, first seen, last seen, sign-ins).
    type Outside = (String, Option<String>, i64, i64, i64);
    let mut per_sp: BTreeMap<String, Vec<Outside>> = BTreeMap::new();
    let mut rows = stmt.query(params![key.0, feature::IP, from, now])?;
    while let Some(r) = rows.next()? {
        let ip: String = r.get(1)?;
        let country: Option<String> = r.get(2)?;
        if in_named_locations(locations, &ip, country.as_deref()) {
            continue;
        }
        per_sp
            .entry(r.get(0)?)
            .or_default()
            .push((ip, country, r.get(3)?, r.get(4)?, r.get(5)?));
    }
    let mut out = Vec::new();
    for (sp, ips) in per_sp {
        let first = ips.iter().map(|i| i.2).min().unwrap_or(now).max(from);
        let last = ips.iter().map(|i| i.3).max().unwrap_or(now);
        let count: i64 = ips.iter().map(|i| i.4).sum();
        let mut countries: Vec<String> = ips.iter().filter_map(|i| i.1.clone()).collect();
        countries.sort();
        countries.dedup();
        let addresses: Vec<String> = ips.iter().map(|i| i.0.clone()).collect();
        out.push(RiskSignal {
            id: format!("{}:{}", SignalKind::OutsideNamedLocations.as_str(), sp),
            kind: SignalKind::OutsideNamedLocations,
            title: SignalKind::OutsideNamedLocations.title().into(),
            rationale: SignalKind::OutsideNamedLocations.rationale().into(),
            level: RiskLevel::Medium,
            sp_id: sp.clone(),
            display_name: String::new(),
            identity_kind: None,
            value: addresses.join(", "),
            detected_at: rfc3339_ms(first),
            last_seen: rfc3339_ms(last),
            sign_in_count: count,
            evidence: vec![
                Evidence {
                    label: "Addresses outside".into(),
                    value: addresses.join(", "),
                },
                Evidence {
                    label: "Countries".into(),
                    value: if countries.is_empty() {
                        "unknown".into()
                    } else {
                        countries.join(", ")
                    },
                },
                Evidence {
                    label: "Sign-ins from them (all cached)".into(),
                    value: count.to_string(),
                },
                Evidence {
                    label: "Named locations checked".into(),
                    value: locations.len().to_string(),
                },
            ],
            state: SignalState::Active,
            state_at: None,
            sign_ins: SignInFilter {
                sp_id: sp,
                from: rfc3339_ms(from),
                to: rfc3339_ms(now.max(last)),
                field: SignInField::IpAddress,
                values: addresses,
            },
        });
    }
    Ok(out)
}

fn latest_actions(conn: &Connection, key: TenantKey) -> Result<HashMap<String, RiskActionRow>> {
    let mut out = HashMap::new();
    for a in store::list_risk_actions(conn, key)? {
        out.insert(a.sp_id.clone(), a); // oldest first, so the latest wins
    }
    Ok(out)
}

fn risky_identities(
    conn: &Connection,
    key: TenantKey,
    actions: &HashMap<String, RiskActionRow>,
) -> Result<Vec<RiskyIdentity>> {
    let mut detections: HashMap<String, Vec<DetectionRow>> = HashMap::new();
    for d in store::list_detections(conn, key)? {
        let location = d.location.as_ref().map(|l| {
            [l.city.as_deref(), l.country_or_region.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        });
        detections
            .entry(d.service_principal_id.clone())
            .or_default()
            .push(DetectionRow {
                description: detection_description(&d.risk_event_type).into(),
                id: d.id,
                risk_event_type: d.risk_event_type,
                risk_level: d.risk_level,
                risk_state: d.risk_state,
                risk_detail: d.risk_detail,
                detection_timing_type: d.detection_timing_type,
                activity: d.activity,
                activity_at: d.activity_date_time.map(crate::clock::rfc3339),
                detected_at: d.detected_date_time.map(crate::clock::rfc3339),
                ip_address: d.ip_address,
                location,
                key_ids: d.key_ids,
            });
    }
    let mut history: HashMap<String, Vec<HistoryRow>> = HashMap::new();
    for h in store::list_history(conn, key)? {
        history
            .entry(h.service_principal_id.clone())
            .or_default()
            .push(HistoryRow {
                at: crate::clock::rfc3339(h.risk_last_updated_date_time),
                risk_level: h.risk_level,
                risk_state: h.risk_state,
                risk_detail: h.risk_detail,
                initiated_by: h.initiated_by,
            });
    }
    let mut out = Vec::new();
    for r in store::list_risky_service_principals(conn, key)? {
        let pending = actions
            .get(&r.id)
            .filter(|a| a.pushed_at.is_none())
            .and_then(|a| RiskAction::parse(&a.action))
            .filter(|a| a.is_graph_action());
        out.push(RiskyIdentity {
            admin_center_url: format!(
                "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/{}/appId/{}",
                r.id,
                r.app_id.clone().unwrap_or_default()
            ),
            display_name: r.display_name.clone().unwrap_or_else(|| r.id.clone()),
            detections: detections.remove(&r.id).unwrap_or_default(),
            history: history.remove(&r.id).unwrap_or_default(),
            pending_action: pending,
            id: r.id,
            app_id: r.app_id,
            service_principal_type: r.service_principal_type,
            is_enabled: r.is_enabled,
            risk_level: r.risk_level,
            risk_state: r.risk_state,
            risk_detail: r.risk_detail,
            risk_last_updated: r.risk_last_updated_date_time.map(crate::clock::rfc3339),
        });
    }
    out.sort_by(|a, b| {
        let la = RiskLevel::from_graph(&a.risk_level).map_or(9, level_rank);
        let lb = RiskLevel::from_graph(&b.risk_level).map_or(9, level_rank);
        la.cmp(&lb)
            .then(b.risk_last_updated.cmp(&a.risk_last_updated))
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Identities by their highest open risk: Identity Protection's at risk or confirmed
/// compromised, and Steward's active signals.
fn by_level(risky: &[RiskyIdentity], signals: &[RiskSignal]) -> Vec<LevelCount> {
    let mut best: HashMap<&str, (RiskLevel, bool, bool)> = HashMap::new();
    for r in risky {
        if !matches!(r.risk_state.as_str(), "atRisk" | "confirmedCompromised") {
            continue;
        }
        let Some(level) = RiskLevel::from_graph(&r.risk_level) else {
            continue;
        };
        let e = best.entry(r.id.as_str()).or_insert((level, true, false));
        e.1 = true;
        if level_rank(level) < level_rank(e.0) {
            e.0 = level;
        }
    }
    for s in signals.iter().filter(|s| s.state == SignalState::Active) {
        let e = best
            .entry(s.sp_id.as_str())
            .or_insert((s.level, false, true));
        e.2 = true;
        if level_rank(s.level) < level_rank(e.0) {
            e.0 = s.level;
        }
    }
    [RiskLevel::High, RiskLevel::Medium, RiskLevel::Low]
        .into_iter()
        .map(|level| {
            let of: Vec<_> = best.values().filter(|v| v.0 == level).collect();
            LevelCount {
                level,
                identities: of.len() as i64,
                from_identity_protection: of.iter().filter(|v| v.1).count() as i64,
                from_signals: of.iter().filter(|v| v.2).count() as i64,
            }
        })
        .collect()
}

/// Records an admin decision on identities' risk at `at`. Confirm compromised and dismiss also
/// update a synced risky service principal as Graph would, with a history entry, and stay
/// pending until a sync pushes them to Graph.
pub fn act(
    conn: &Connection,
    key: TenantKey,
    sp_ids: &[String],
    action: RiskAction,
    at: DateTime<Utc>,
) -> Result<()> {
    if sp_ids.is_empty() {
        return Err(Error::InvalidInput(
            "no identity given: pick at least one identity to act on".into(),
        ));
    }
    let at_ms = to_ms(at);
    let tx = conn.unchecked_transaction()?;
    for sp in sp_ids {
        store::add_risk_action(&tx, key, sp, at_ms, action.as_str())?;
        let graph_state = match action {
            RiskAction::ConfirmCompromised => Some((
                "high",
                "confirmedCompromised",
                "adminConfirmedServicePrincipalCompromised",
            )),
            RiskAction::Dismiss => Some((
                "none",
                "dismissed",
                "adminDismissedAllRiskForServicePrincipal",
            )),
            RiskAction::Remediated => None,
        };
        if let Some((level, state, detail)) = graph_state {
            let changed = tx
                .prepare_cached(
                    "UPDATE risky_service_principals SET risk_level = ?3, risk_state = ?4,
                         risk_detail = ?5, risk_last_updated = ?6
                     WHERE tenant = ?1 AND id = ?2",
                )?
                .execute(params![key.0, sp, level, state, detail, at_ms])?;
            if changed > 0 {
                store::upsert_history_item(
                    &tx,
                    key,
                    &crate::model::RiskyServicePrincipalHistoryItem {
                        id: format!("steward-{at_ms}"),
                        service_principal_id: sp.clone(),
                        risk_level: level.into(),
                        risk_state: state.into(),
                        risk_detail: detail.into(),
                        risk_last_updated_date_time: at,
                        initiated_by: Some("Steward (not yet pushed to Entra)".into()),
                    },
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// The sign-ins behind a signal, oldest first, at most `limit`.
pub fn sign_ins_for(
    conn: &Connection,
    key: TenantKey,
    filter: &SignInFilter,
    limit: i64,
) -> Result<Vec<SignInRow>> {
    let from = parse_ms(&filter.from);
    let to = parse_ms(&filter.to);
    if from == i64::MIN || to == i64::MIN {
        return Err(Error::InvalidInput(format!(
            "the period {} to {} is not two RFC 3339 instants: pass times such as 2026-03-01T00:00:00Z",
            filter.from, filter.to
        )));
    }
    let column = match filter.field {
        SignInField::Country => "co.value",
        SignInField::IpAddress => "ip.value",
        SignInField::Resource => "ra.value",
        SignInField::CredentialType => "ct.value",
        SignInField::KeyId => "k.value",
        SignInField::ErrorCode => "CAST(s.error_code AS TEXT)",
    };
    let values = serde_json::to_string(&filter.values).unwrap_or_else(|_| "[]".into());
    Ok(crate::store::sign_ins::list_for_sp_where(
        conn,
        key,
        &filter.sp_id,
        from,
        to,
        &format!("{column} IN (SELECT value FROM json_each(?6))"),
        &values,
        limit,
    )?
    .into_iter()
    .map(SignInRow::from)
    .collect())
}
