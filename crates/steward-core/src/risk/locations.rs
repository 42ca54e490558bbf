//! Named locations: whether an address lies in one (CIDR ranges, countries), and the signal of
//! sign-ins from addresses outside all of them.

use std::collections::BTreeMap;
use std::net::IpAddr;

use rusqlite::{params, Connection};

use super::{RiskLevel, RiskSignal, SignInField, SignInFilter, SignalKind, SignalState};
use crate::clock::rfc3339_ms;
use crate::model::NamedLocation;
use crate::recommendations::Evidence;
use crate::store::sign_ins::feature;
use crate::store::TenantKey;
use crate::Result;

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

pub(super) fn outside_locations(
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
         WHERE tenant = ?1 AND kind = ?2 AND last_seen > ?3 AND +first_seen <= ?4
         ORDER BY sp_id, value",
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
