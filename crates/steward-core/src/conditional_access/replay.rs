//! Replay: the cached sign-ins of a period run through a policy — a draft, a report-only or an
//! enabled one — to show what it would have blocked.
//!
//! Only sign-ins that reached conditional access count: Entra evaluates policies after the
//! client has authenticated, so a failed client authentication (an invalid secret, AADSTS7000215;
//! an unknown certificate; a federated token that matched nothing) never got that far. A
//! success reached it, and so did a sign-in conditional access blocked (AADSTS53003).
//! Sign-ins the cache cannot decide are counted apart, by reason.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::evaluate::{self, Condition, Outcome, Places, RiskAt};
use super::{Principals, RiskTimeline, WorkloadPolicy};
use crate::clock::{day_of_ms, day_to_date, to_ms, DAY_MS};
use crate::dataset::Dataset;
use crate::store::{self, TenantKey};
use crate::{Error, Result};

/// The longest period a replay takes: a year past Entra's longest sign-in retention is plenty.
pub const MAX_DAYS: i64 = 3 * 366;

/// The error code of a sign-in conditional access blocked.
pub const BLOCKED_BY_CONDITIONAL_ACCESS: i64 = 53003;

/// Whether a sign-in got as far as conditional access: it succeeded, or conditional access
/// blocked it.
pub fn reached_conditional_access(error_code: i64) -> bool {
    error_code == 0 || error_code == BLOCKED_BY_CONDITIONAL_ACCESS
}

/// The period to replay, both ends included, and how many blocked sign-ins to list.
#[derive(Debug, Clone, Copy)]
pub struct ReplayWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub list_limit: usize,
}

/// An identity the policy would have blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BlockedIdentity {
    pub id: String,
    pub display_name: Option<String>,
    pub blocked_sign_ins: i64,
}

/// Blocks on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DayBlocks {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub blocked_sign_ins: i64,
}

/// Sign-ins the cache cannot decide, for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UndeterminedGroup {
    pub reason: String,
    pub sign_ins: i64,
}

/// Sign-ins a condition kept out of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RuledOut {
    pub condition: Condition,
    pub label: String,
    pub sign_ins: i64,
}

/// A sign-in the policy would have blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BlockedSignIn {
    pub id: String,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub created_date_time: DateTime<Utc>,
    pub service_principal_id: String,
    pub display_name: Option<String>,
    pub ip_address: Option<String>,
    pub country_or_region: Option<String>,
    pub resource_display_name: Option<String>,
    /// 53003 when conditional access blocked it already.
    pub error_code: i64,
}

/// What a policy would have blocked over a period of the cached sign-in log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    pub policy: WorkloadPolicy,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub from: DateTime<Utc>,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub to: DateTime<Utc>,
    /// Every sign-in of the period in the cache.
    pub sign_ins_read: i64,
    /// Failures before conditional access (client authentication): never evaluated.
    pub stopped_before_conditional_access: i64,
    pub reached_conditional_access: i64,
    pub blocked_sign_ins: i64,
    /// Blocked sign-ins per identity, most first.
    pub identities: Vec<BlockedIdentity>,
    /// Every day of the period, blocks included or not.
    pub per_day: Vec<DayBlocks>,
    /// Sign-ins the cache cannot decide, most first.
    pub undetermined: Vec<UndeterminedGroup>,
    /// Sign-ins the policy would not block, by the first condition that ruled each out.
    pub not_blocked: Vec<RuledOut>,
    /// The first `listLimit` blocked sign-ins, oldest first.
    pub sign_ins: Vec<BlockedSignIn>,
    pub list_limit: i64,
    /// Whether the log covers the whole period: the cache's oldest sign-in is no later than
    /// `from` (otherwise the counts are a floor).
    pub log_covers_period: bool,
}

/// What one evaluation comes to, kept for requests that look the same.
#[derive(Clone)]
enum Answer {
    Blocked,
    RuledOut(Condition),
    Undetermined(String),
}

/// Requests that evaluate alike: the identity, address, country and risk level.
type Key = (String, Option<String>, Option<String>, RiskAt);

/// Beyond this many distinct requests the memo starts over, so memory stays bounded.
const MEMO_LIMIT: usize = 200_000;

/// Runs the sign-ins of `tenant` in `window` through `policy`, whatever its state.
pub fn replay(
    conn: &Connection,
    tenant: TenantKey,
    policy: &WorkloadPolicy,
    window: ReplayWindow,
) -> Result<Replay> {
    if window.to < window.from {
        return Err(Error::InvalidInput(format!(
            "the period ends ({}) before it starts ({}): swap --from and --to",
            window.to.date_naive(),
            window.from.date_naive()
        )));
    }
    let (from, to) = (to_ms(window.from), to_ms(window.to));
    let (first_day, last_day) = (day_of_ms(from), day_of_ms(to));
    if last_day - first_day + 1 > MAX_DAYS {
        return Err(Error::InvalidInput(format!(
            "the period spans {} days; replay at most {MAX_DAYS} days at a time",
            last_day - first_day + 1
        )));
    }
    let locations = store::risk::list_named_locations(conn, tenant)?;
    let places = Places {
        locations: &locations,
        read: store::datasets::read_at(conn, tenant, Dataset::NamedLocations)?.is_some(),
    };
    let risk = RiskTimeline::load(conn, tenant)?;
    let mut principals = Principals::new(conn, tenant);
    let mut memo: HashMap<Key, Answer> = HashMap::new();

    let mut sign_ins_read = 0i64;
    let mut stopped = 0i64;
    let mut blocked = 0i64;
    let mut per_identity: HashMap<String, i64> = HashMap::new();
    let mut per_day: BTreeMap<i64, i64> = BTreeMap::new();
    let mut undetermined: HashMap<String, i64> = HashMap::new();
    let mut ruled_out: BTreeMap<u8, (Condition, i64)> = BTreeMap::new();
    let mut listed = Vec::new();

    store::sign_ins::for_each_in_range(conn, tenant, from, to, None, |s| {
        sign_ins_read += 1;
        let at = to_ms(s.created_date_time);
        if !reached_conditional_access(s.error_code) {
            stopped += 1;
            return Ok(());
        }
        let risk_at = if policy.risk_levels.is_empty() {
            // Unused: one key for every moment keeps the memo small.
            RiskAt::Level(String::new())
        } else {
            risk.at(&s.service_principal_id, at)
        };
        let key: Key = (
            s.service_principal_id.clone(),
            s.ip_address.clone(),
            s.country_or_region.clone(),
            risk_at,
        );
        let answer = match memo.get(&key) {
            Some(a) => a.clone(),
            None => {
                let mut principal = principals.get(&s.service_principal_id)?.clone();
                if principal.class.is_none() && s.sign_in_event_type == "managedIdentity" {
                    // The log says what the cache no longer holds.
                    principal.class = Some((
                        crate::model::IdentityKind::ManagedIdentitySystem,
                        crate::model::Ownership::NotApplicable,
                    ));
                }
                let e = evaluate::evaluate(
                    policy,
                    &evaluate::Request {
                        principal: &principal,
                        ip: key.1.as_deref(),
                        country: key.2.as_deref(),
                        risk: &key.3,
                    },
                    places,
                    false,
                );
                let a = match e.outcome {
                    Outcome::Applies => Answer::Blocked,
                    Outcome::DoesNotApply => Answer::RuledOut(
                        e.ruled_out_by()
                            .map_or(Condition::Assignment, |c| c.condition),
                    ),
                    Outcome::Undetermined => Answer::Undetermined(
                        e.undetermined_by()
                            .map_or_else(String::new, |c| c.detail.clone()),
                    ),
                };
                if memo.len() >= MEMO_LIMIT {
                    memo.clear();
                }
                memo.insert(key, a.clone());
                a
            }
        };
        match answer {
            Answer::Blocked => {
                blocked += 1;
                *per_day.entry(day_of_ms(at)).or_default() += 1;
                match per_identity.get_mut(&s.service_principal_id) {
                    Some(n) => *n += 1,
                    None => {
                        per_identity.insert(s.service_principal_id.clone(), 1);
                    }
                }
                if listed.len() < window.list_limit {
                    let display_name = s.service_principal_name.clone().or_else(|| {
                        principals
                            .get(&s.service_principal_id)
                            .ok()
                            .and_then(|p| p.display_name.clone())
                    });
                    listed.push(BlockedSignIn {
                        id: s.id,
                        created_date_time: s.created_date_time,
                        service_principal_id: s.service_principal_id,
                        display_name,
                        ip_address: s.ip_address,
                        country_or_region: s.country_or_region,
                        resource_display_name: s.resource_display_name,
                        error_code: s.error_code,
                    });
                }
            }
            Answer::RuledOut(c) => ruled_out.entry(c as u8).or_insert((c, 0)).1 += 1,
            Answer::Undetermined(reason) => *undetermined.entry(reason).or_default() += 1,
        }
        Ok(())
    })?;

    let mut identities = Vec::with_capacity(per_identity.len());
    for (id, n) in per_identity {
        identities.push(BlockedIdentity {
            display_name: principals.get(&id)?.display_name.clone(),
            id,
            blocked_sign_ins: n,
        });
    }
    identities.sort_by(|a, b| {
        b.blocked_sign_ins
            .cmp(&a.blocked_sign_ins)
            .then_with(|| a.display_name.cmp(&b.display_name))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut undetermined: Vec<UndeterminedGroup> = undetermined
        .into_iter()
        .map(|(reason, sign_ins)| UndeterminedGroup { reason, sign_ins })
        .collect();
    undetermined.sort_by(|a, b| {
        b.sign_ins
            .cmp(&a.sign_ins)
            .then_with(|| a.reason.cmp(&b.reason))
    });
    // Does the log reach back to the start? The oldest sign-in of the whole log tells.
    let log_start: Option<i64> = conn.query_row(
        "SELECT min(created) FROM sign_ins WHERE tenant = ?1",
        [tenant.0],
        |r| r.get(0),
    )?;
    let log_covers_period = log_start.is_some_and(|s| s <= from);
    Ok(Replay {
        policy: policy.clone(),
        from: window.from,
        to: window.to,
        sign_ins_read,
        stopped_before_conditional_access: stopped,
        reached_conditional_access: sign_ins_read - stopped,
        blocked_sign_ins: blocked,
        identities,
        per_day: (first_day..=last_day)
            .map(|d| DayBlocks {
                date: date_text(day_to_date(d)),
                blocked_sign_ins: per_day.get(&d).copied().unwrap_or(0),
            })
            .collect(),
        undetermined,
        not_blocked: ruled_out
            .into_values()
            .map(|(condition, sign_ins)| RuledOut {
                condition,
                label: condition.label().to_string(),
                sign_ins,
            })
            .collect(),
        sign_ins: listed,
        list_limit: window.list_limit as i64,
        log_covers_period,
    })
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The period from the start of `from`'s day to the end of `to`'s, in UTC.
pub fn whole_days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (
        start(from),
        start(to) + chrono::Duration::milliseconds(DAY_MS - 1),
    )
}

/// One end of a period as the admin types it: a date (the whole day, UTC: its start for `from`,
/// its last millisecond for `to`) or an RFC 3339 instant.
pub fn period_bound(s: &str, end: bool) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        let (a, b) = whole_days(d, d);
        return Ok(if end { b } else { a });
    }
    crate::clock::parse_as_of(s.trim())
}
