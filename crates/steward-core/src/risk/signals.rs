//! Steward's new-behaviour signals from the sign-in roll-ups: a new country, IP range, resource,
//! credential type or key id, each raised only where the identity had a baseline before it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    RiskLevel, RiskSettings, RiskSignal, SignInField, SignInFilter, SignalKind, SignalState,
};
use crate::clock::{rfc3339_ms, DAY_MS};
use crate::recommendations::Evidence;
use crate::store::sign_ins::feature;
use crate::store::TenantKey;
use crate::Result;

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

struct Feature {
    sp_id: String,
    kind: u8,
    value: String,
    label: Option<String>,
    first: i64,
    last: i64,
    count: i64,
}

/// The signals of values first seen in the window `(from, now]`, in the order they are found:
/// resources, credential types and key ids, then new countries, then new IP ranges.
pub(super) fn new_behaviour(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    now: i64,
    settings: &RiskSettings,
) -> Result<Vec<RiskSignal>> {
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
    Ok(signals)
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
        crate::store::sign_ins::count_for_sp(self.conn, self.key, sp_id, lo, t, cap)
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
         WHERE tenant = ?1 AND first_seen > ?2 AND first_seen <= ?3
         ORDER BY first_seen, kind, sp_id, value",
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
