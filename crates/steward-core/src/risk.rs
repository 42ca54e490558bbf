//! Risk of workload identities (docs/domain.md §3): Identity Protection's risky service principals
//! and detections when they were synced, and Steward's own signals computed from the cached
//! sign-ins, which need no Premium license. A pure function of the cache, the settings and an
//! `as_of` instant, apart from the admin's decisions, which are current state.
//!
//! A local signal compares an identity's sign-ins in the detection window with its baseline: the
//! sign-ins of the 2–60 days before. "New" means never seen in the cached history before; the
//! roll-up `sign_in_features` (kept at ingest) records when each country, IP address, resource,
//! credential type and key id was first and last seen per identity, so the signals never scan the
//! log. Each signal carries the filter that lists the sign-ins behind it.

mod actions;
mod bursts;
mod identity_protection;
mod locations;
mod signals;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

pub use actions::{act, RiskAction};
pub use identity_protection::{detection_description, DetectionRow, HistoryRow, RiskyIdentity};
pub use locations::{cidr_contains, in_named_locations};
pub use signals::ip_range;

use actions::latest_actions;
use bursts::bursts;
use identity_protection::risky_identities;
use locations::outside_locations;

use crate::clock::{rfc3339_ms, to_ms, DAY_MS};
use crate::dataset::Dataset;
use crate::identities::SignInRow;
use crate::model::IdentityKind;
use crate::recommendations::Evidence;
use crate::store::risk as store;
use crate::store::TenantKey;
use crate::{Error, Result};

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
    // Bounded so that no day count overflows the clock: a window and a baseline within the
    // ten years a cache could hold, and a baseline that can be met.
    let days = 0..=3_650;
    if !(1..=3_650).contains(&settings.window_days)
        || !days.contains(&settings.baseline_min_days)
        || !days.contains(&settings.baseline_max_days)
        || settings.baseline_min_days > settings.baseline_max_days
        || !(1..=1_000_000).contains(&settings.burst_threshold)
        || !(0..=1_000_000_000).contains(&settings.baseline_min_sign_ins)
    {
        return Err(Error::InvalidInput(
            "risk settings need a window of 1 to 3,650 days, a baseline of 0 to 3,650 days whose least is not above its most, a burst threshold of 1 to 1,000,000 and a baseline of at most 1,000,000,000 sign-ins; choose values in those ranges".into(),
        ));
    }
    let now = to_ms(as_of);
    let from = now - settings.window_days * DAY_MS;
    let actions = latest_actions(conn, key)?;
    let mut signals = signals::new_behaviour(conn, key, from, now, settings)?;
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

    // Either dataset's presence means Identity Protection's data is in the cache.
    let synced_at = [
        Dataset::RiskyServicePrincipals,
        Dataset::ServicePrincipalRiskDetections,
    ]
    .into_iter()
    .map(|d| crate::store::datasets::read_at(conn, key, d))
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

fn parse_ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc).timestamp_millis())
        .unwrap_or(i64::MIN)
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
    let name = crate::store::sign_ins::newest_sp_name(conn, key, sp_id)?;
    Ok((name.unwrap_or_else(|| sp_id.to_string()), None))
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
        false,
    )?
    .into_iter()
    .map(SignInRow::from)
    .collect())
}
