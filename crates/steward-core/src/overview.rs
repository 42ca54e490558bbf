//! The Overview page's figures: counts by kind and ownership, credential expiry, and sign-ins per
//! day. A pure function of the cache and `as_of`; sign-in figures come from the daily roll-up,
//! never from a scan of the sign-in log.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::clock::{day_of_ms, day_to_date, rfc3339, rfc3339_ms, to_ms};
use crate::model::{CredentialType, IdentityKind, Ownership, Tenant};
use crate::store::service_principals::{count_classes, count_service_principals, ClassCount};
use crate::store::{credentials, sign_ins, TenantKey};
use crate::{chart, Result};

/// How far ahead a credential counts as expiring soon (Entra's own recommendation threshold).
pub const EXPIRY_WINDOW_DAYS: i64 = 30;
/// How many days the sign-in chart covers, ending on the `as_of` day.
pub const CHART_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TenantSummary {
    pub id: String,
    pub display_name: String,
    pub default_domain: Option<String>,
    pub is_demo: bool,
    pub data_as_of: Option<String>,
    pub service_principal_count: i64,
}

impl TenantSummary {
    pub fn load(conn: &Connection, key: TenantKey, t: &Tenant) -> Result<TenantSummary> {
        Ok(TenantSummary {
            id: t.id.clone(),
            display_name: t.display_name.clone(),
            default_domain: t.default_domain.clone(),
            is_demo: t.is_demo,
            data_as_of: t.data_as_of.map(rfc3339),
            service_principal_count: count_service_principals(conn, key, false)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CountItem {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DailySignIns {
    pub day: String,
    pub success: i64,
    pub failure: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExpiringCredential {
    pub service_principal_id: String,
    pub display_name: String,
    pub credential_type: CredentialType,
    pub credential_name: Option<String>,
    pub end_date_time: String,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub tenant: TenantSummary,
    pub as_of: String,
    pub total_service_principals: i64,
    pub enabled_service_principals: i64,
    pub disabled_service_principals: i64,
    pub by_kind: Vec<CountItem>,
    pub by_ownership: Vec<CountItem>,
    #[serde(rename = "credentialsExpiring30d")]
    pub credentials_expiring30d: i64,
    pub credentials_expired: i64,
    pub expiring_soon: Vec<ExpiringCredential>,
    #[serde(rename = "signIns30d")]
    pub sign_ins30d: i64,
    #[serde(rename = "signInFailures30d")]
    pub sign_in_failures30d: i64,
    pub sign_ins_per_day: Vec<DailySignIns>,
    pub sign_ins_chart_svg: String,
}

/// Computes the overview of one tenant as it stands at `as_of`.
pub fn overview(
    conn: &Connection,
    key: TenantKey,
    tenant: &Tenant,
    as_of: DateTime<Utc>,
) -> Result<Overview> {
    let classes = count_classes(conn, key)?;
    // Sums of the per-class counts by one attribute of the class.
    let sum = |key: fn(&ClassCount) -> String| -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for c in &classes {
            let k = key(c);
            match out.iter_mut().find(|(n, _)| *n == k) {
                Some(e) => e.1 += c.count,
                None => out.push((k, c.count)),
            }
        }
        out
    };
    let kinds = sum(|c| c.kind.clone());
    let owners = sum(|c| c.ownership.clone());
    let enabled = sum(|c| if c.enabled { "enabled" } else { "disabled" }.to_string());
    let get =
        |rows: &[(String, i64)], k: &str| rows.iter().find(|(n, _)| n == k).map_or(0, |r| r.1);
    let by_kind = IdentityKind::ALL
        .iter()
        .map(|k| CountItem {
            key: k.as_str().into(),
            label: k.label().into(),
            count: get(&kinds, k.as_str()),
        })
        .collect();
    let by_ownership = Ownership::ALL
        .iter()
        .map(|o| CountItem {
            key: o.as_str().into(),
            label: o.label().into(),
            count: get(&owners, o.as_str()),
        })
        .collect();

    let total = get(&enabled, "enabled") + get(&enabled, "disabled");
    let now = to_ms(as_of);
    let horizon = to_ms(as_of + Duration::days(EXPIRY_WINDOW_DAYS));
    let (expiring, expired) = credential_expiry_counts(conn, key, now, horizon)?;
    let expiring_soon = expiring_credentials(conn, key, now, horizon, 10)?;

    let last_day = day_of_ms(now);
    let first_day = last_day - (CHART_DAYS - 1);
    let sign_ins_per_day = daily_sign_ins(conn, key, first_day, last_day)?;
    let sign_ins30d = sign_ins_per_day.iter().map(|d| d.success + d.failure).sum();
    let sign_in_failures30d = sign_ins_per_day.iter().map(|d| d.failure).sum();
    let sign_ins_chart_svg = chart::sign_ins_per_day(&sign_ins_per_day)?;

    Ok(Overview {
        // The class counts already hold the total: no second count for the tenant summary.
        tenant: TenantSummary {
            id: tenant.id.clone(),
            display_name: tenant.display_name.clone(),
            default_domain: tenant.default_domain.clone(),
            is_demo: tenant.is_demo,
            data_as_of: tenant.data_as_of.map(rfc3339),
            service_principal_count: total,
        },
        as_of: rfc3339(as_of),
        total_service_principals: total,
        enabled_service_principals: get(&enabled, "enabled"),
        disabled_service_principals: get(&enabled, "disabled"),
        by_kind,
        by_ownership,
        credentials_expiring30d: expiring,
        credentials_expired: expired,
        expiring_soon,
        sign_ins30d,
        sign_in_failures30d,
        sign_ins_per_day,
        sign_ins_chart_svg,
    })
}

/// Sign-ins per day by result for days `first..=last` (days since the epoch), days without any
/// included as zeros.
pub fn daily_sign_ins(
    conn: &Connection,
    key: TenantKey,
    first: i64,
    last: i64,
) -> Result<Vec<DailySignIns>> {
    let stored = sign_ins::list_days(conn, key, first, last)?;
    Ok((first..=last)
        .map(|d| {
            let (s, f) = stored
                .iter()
                .find(|r| r.0 == d)
                .map_or((0, 0), |r| (r.1, r.2));
            DailySignIns {
                day: day_to_date(d).to_string(),
                success: s,
                failure: f,
            }
        })
        .collect())
}

/// The earliest instant a credential can end at, for "already expired" ranges.
const BEGINNING: i64 = -(1 << 62);

/// (valid now and ending within the window, already expired), over objects not soft-deleted.
fn credential_expiry_counts(
    conn: &Connection,
    key: TenantKey,
    now: i64,
    horizon: i64,
) -> Result<(i64, i64)> {
    Ok((
        credentials::count_ending_between(conn, key, now, horizon)?,
        credentials::count_ending_between(conn, key, BEGINNING, now)?,
    ))
}

/// The `limit` credentials ending soonest within (now, horizon], each with the active service
/// principal it belongs to. Walks the range in end order and stops once it has enough.
fn expiring_credentials(
    conn: &Connection,
    key: TenantKey,
    now: i64,
    horizon: i64,
    limit: usize,
) -> Result<Vec<ExpiringCredential>> {
    let mut range = conn.prepare_cached(
        "SELECT owner_id, owner_type, end_time, credential_type, display_name
         FROM credentials INDEXED BY credentials_by_end
         WHERE tenant = ?1 AND owner_deleted = 0 AND end_time > ?2 AND end_time <= ?3
         ORDER BY end_time, owner_id, key_id",
    )?;
    let mut sp_by_id = conn.prepare_cached(
        "SELECT id, display_name FROM service_principals WHERE tenant = ?1 AND id = ?2 AND deleted IS NULL",
    )?;
    let mut sp_by_app = conn.prepare_cached(
        "SELECT sp.id, sp.display_name FROM applications a
         JOIN service_principals sp INDEXED BY service_principals_by_app_id
             ON sp.tenant = a.tenant AND sp.app_id = a.app_id AND sp.deleted IS NULL
         WHERE a.tenant = ?1 AND a.id = ?2 ORDER BY sp.id",
    )?;
    let mut out = Vec::new();
    let mut rows = range.query(params![key.0, now, horizon])?;
    while let Some(r) = rows.next()? {
        if out.len() >= limit {
            break;
        }
        let owner: String = r.get(0)?;
        let owner_type: String = r.get(1)?;
        let holder = if owner_type == "servicePrincipal" {
            &mut sp_by_id
        } else {
            &mut sp_by_app
        };
        let mut holders = holder.query(params![key.0, owner])?;
        if let Some(h) = holders.next()? {
            let end: i64 = r.get(2)?;
            out.push(ExpiringCredential {
                service_principal_id: h.get(0)?,
                display_name: h.get(1)?,
                credential_type: CredentialType::parse(&r.get::<_, String>(3)?),
                credential_name: r.get(4)?,
                end_date_time: rfc3339_ms(end),
                days_left: (end - now).div_euclid(86_400_000),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::demo::{write_demo, DemoOptions};
    use crate::store::{open_in_memory, tenants};

    #[test]
    fn expiry_figures_match_a_plain_count_of_live_credentials() {
        let conn = open_in_memory().unwrap();
        let as_of = parse_as_of("2026-03-01T12:00:00Z").unwrap();
        let opts = DemoOptions {
            seed: 3,
            service_principals: 400,
            sign_ins: 2_000,
            as_of,
        };
        write_demo(&conn, &opts, &mut |_, _, _| {}).unwrap();
        let (key, tenant) = tenants::resolve_tenant(&conn, None).unwrap();
        let o = overview(&conn, key, &tenant, as_of).unwrap();
        let now = to_ms(as_of);
        let horizon = now + 30 * 86_400_000;
        // Independently: credentials whose holder (app or SP) is not soft-deleted.
        let plain = |lo: i64, hi: i64| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM credentials c
                 WHERE c.end_time > ?1 AND c.end_time <= ?2 AND NOT EXISTS (
                     SELECT 1 FROM applications a WHERE a.id = c.owner_id AND a.deleted IS NOT NULL
                     UNION ALL
                     SELECT 1 FROM service_principals s WHERE s.id = c.owner_id AND s.deleted IS NOT NULL)",
                params![lo, hi],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(o.credentials_expiring30d, plain(now, horizon));
        assert_eq!(o.credentials_expired, plain(i64::MIN, now));
        assert!(
            o.credentials_expiring30d > 0 && o.credentials_expired > 0,
            "the demo has both"
        );
        assert!(!o.expiring_soon.is_empty() && o.expiring_soon.len() <= 10);
        assert!(
            o.expiring_soon
                .windows(2)
                .all(|w| w[0].end_date_time <= w[1].end_date_time),
            "soonest first"
        );
        assert!(o
            .expiring_soon
            .iter()
            .all(|c| (0..30).contains(&c.days_left)));
        assert_eq!(o.sign_ins_per_day.len(), 30);
        assert_eq!(o.total_service_principals, 400);
        assert_eq!(o.by_kind.iter().map(|c| c.count).sum::<i64>(), 400);
        assert_eq!(o.by_ownership.iter().map(|c| c.count).sum::<i64>(), 400);
    }
}
