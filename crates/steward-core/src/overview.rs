//! The Overview page's figures: counts by kind and ownership, credential expiry, and sign-ins per
//! day. A pure function of the cache and `as_of`; sign-in figures come from the daily roll-up,
//! never from a scan of the sign-in log.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::clock::{day_of_ms, day_to_date, rfc3339, rfc3339_ms, to_ms};
use crate::model::{CredentialType, IdentityKind, Ownership, Tenant};
use crate::store::service_principals::{count_by, count_service_principals, GroupColumn};
use crate::store::{sign_ins, TenantKey};
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
    let summary = TenantSummary::load(conn, key, tenant)?;
    let kinds = count_by(conn, key, GroupColumn::Kind)?;
    let owners = count_by(conn, key, GroupColumn::Ownership)?;
    let enabled = count_by(conn, key, GroupColumn::Enabled)?;
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

    let now = to_ms(as_of);
    let horizon = to_ms(as_of + Duration::days(EXPIRY_WINDOW_DAYS));
    let (expiring, expired) = credential_expiry_counts(conn, key, now, horizon)?;
    let expiring_soon = expiring_credentials(conn, key, now, horizon, 10)?;

    let last_day = day_of_ms(now);
    let first_day = last_day - (CHART_DAYS - 1);
    let stored = sign_ins::list_days(conn, key, first_day, last_day)?;
    let sign_ins_per_day: Vec<DailySignIns> = (first_day..=last_day)
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
        .collect();
    let sign_ins30d = sign_ins_per_day.iter().map(|d| d.success + d.failure).sum();
    let sign_in_failures30d = sign_ins_per_day.iter().map(|d| d.failure).sum();
    let sign_ins_chart_svg = chart::sign_ins_per_day(&sign_ins_per_day)?;

    Ok(Overview {
        tenant: summary,
        as_of: rfc3339(as_of),
        total_service_principals: get(&enabled, "enabled") + get(&enabled, "disabled"),
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

/// Credentials of live objects: those on active service principals and on active applications.
const LIVE_CREDENTIALS: &str = "
    SELECT c.end_time, c.credential_type, c.display_name, sp.id AS sp_id, sp.display_name AS sp_name
    FROM credentials c
    JOIN service_principals sp ON sp.tenant = ?1 AND sp.id = c.owner_id AND sp.deleted IS NULL
    WHERE c.tenant = ?1 AND c.owner_type = 'servicePrincipal'
    UNION ALL
    SELECT c.end_time, c.credential_type, c.display_name, sp.id, sp.display_name
    FROM credentials c
    JOIN applications a ON a.tenant = ?1 AND a.id = c.owner_id AND a.deleted IS NULL
    JOIN service_principals sp INDEXED BY service_principals_by_app_id
        ON sp.tenant = ?1 AND sp.app_id = a.app_id AND sp.deleted IS NULL
    WHERE c.tenant = ?1 AND c.owner_type = 'application'";

/// (valid now and ending within the window, already expired)
fn credential_expiry_counts(
    conn: &Connection,
    key: TenantKey,
    now: i64,
    horizon: i64,
) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        &format!(
            "SELECT coalesce(sum(end_time > ?2 AND end_time <= ?3), 0),
                    coalesce(sum(end_time <= ?2), 0)
             FROM ({LIVE_CREDENTIALS})"
        ),
        params![key.0, now, horizon],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

fn expiring_credentials(
    conn: &Connection,
    key: TenantKey,
    now: i64,
    horizon: i64,
    limit: i64,
) -> Result<Vec<ExpiringCredential>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT sp_id, sp_name, credential_type, display_name, end_time FROM ({LIVE_CREDENTIALS})
         WHERE end_time > ?2 AND end_time <= ?3 ORDER BY end_time, sp_id LIMIT ?4"
    ))?;
    let rows = stmt
        .query_map(params![key.0, now, horizon, limit], |r| {
            let end: i64 = r.get(4)?;
            Ok(ExpiringCredential {
                service_principal_id: r.get(0)?,
                display_name: r.get(1)?,
                credential_type: CredentialType::parse(&r.get::<_, String>(2)?),
                credential_name: r.get(3)?,
                end_date_time: rfc3339_ms(end),
                days_left: (end - now).div_euclid(86_400_000),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
