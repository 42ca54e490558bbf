//! Identity Protection data (risky service principals, their history, risk detections), named
//! locations, and the admin's risk decisions.

use rusqlite::{params, Connection};

use super::{json_list, ms, parse_json_list, time, TenantKey};
use crate::model::{
    NamedLocation, RiskyServicePrincipal, RiskyServicePrincipalHistoryItem,
    ServicePrincipalRiskDetection, SignInLocation,
};
use crate::Result;

pub fn upsert_risky_service_principal(
    conn: &Connection,
    tenant: TenantKey,
    r: &RiskyServicePrincipal,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO risky_service_principals (tenant, id, app_id, display_name,
             service_principal_type, is_enabled, is_processing, risk_level, risk_state, risk_detail,
             risk_last_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (tenant, id) DO UPDATE SET app_id = excluded.app_id,
             display_name = excluded.display_name,
             service_principal_type = excluded.service_principal_type,
             is_enabled = excluded.is_enabled, is_processing = excluded.is_processing,
             risk_level = excluded.risk_level, risk_state = excluded.risk_state,
             risk_detail = excluded.risk_detail, risk_last_updated = excluded.risk_last_updated",
    )?
    .execute(params![
        tenant.0,
        r.id,
        r.app_id,
        r.display_name,
        r.service_principal_type,
        r.is_enabled,
        r.is_processing,
        r.risk_level,
        r.risk_state,
        r.risk_detail,
        ms(r.risk_last_updated_date_time)
    ])?;
    Ok(())
}

pub fn list_risky_service_principals(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<RiskyServicePrincipal>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, app_id, display_name, service_principal_type, is_enabled, is_processing,
                risk_level, risk_state, risk_detail, risk_last_updated
         FROM risky_service_principals WHERE tenant = ?1
         ORDER BY risk_last_updated DESC, id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(RiskyServicePrincipal {
                id: r.get(0)?,
                app_id: r.get(1)?,
                display_name: r.get(2)?,
                service_principal_type: r.get(3)?,
                is_enabled: r.get(4)?,
                is_processing: r.get(5)?,
                risk_level: r.get(6)?,
                risk_state: r.get(7)?,
                risk_detail: r.get(8)?,
                risk_last_updated_date_time: time(r.get(9)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_history_item(
    conn: &Connection,
    tenant: TenantKey,
    h: &RiskyServicePrincipalHistoryItem,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO risky_service_principal_history (tenant, sp_id, id, at, risk_level,
             risk_state, risk_detail, initiated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        h.service_principal_id,
        h.id,
        crate::clock::to_ms(h.risk_last_updated_date_time),
        h.risk_level,
        h.risk_state,
        h.risk_detail,
        h.initiated_by
    ])?;
    Ok(())
}

/// Every history item of a tenant, oldest first.
pub fn list_history(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<RiskyServicePrincipalHistoryItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sp_id, risk_level, risk_state, risk_detail, at, initiated_by
         FROM risky_service_principal_history WHERE tenant = ?1 ORDER BY at, id, sp_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(RiskyServicePrincipalHistoryItem {
                id: r.get(0)?,
                service_principal_id: r.get(1)?,
                risk_level: r.get(2)?,
                risk_state: r.get(3)?,
                risk_detail: r.get(4)?,
                risk_last_updated_date_time: crate::clock::from_ms(r.get(5)?),
                initiated_by: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_detection(
    conn: &Connection,
    tenant: TenantKey,
    d: &ServicePrincipalRiskDetection,
) -> Result<()> {
    let loc = d.location.clone().unwrap_or_default();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sp_risk_detections (tenant, id, sp_id, display_name, app_id,
             risk_event_type, risk_state, risk_level, risk_detail, source, detection_timing_type,
             activity, ip_address, city, country, activity_at, detected_at, last_updated_at,
             key_ids, request_id, correlation_id, additional_info)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        tenant.0,
        d.id,
        d.service_principal_id,
        d.service_principal_display_name,
        d.app_id,
        d.risk_event_type,
        d.risk_state,
        d.risk_level,
        d.risk_detail,
        d.source,
        d.detection_timing_type,
        d.activity,
        d.ip_address,
        loc.city,
        loc.country_or_region,
        ms(d.activity_date_time),
        ms(d.detected_date_time),
        ms(d.last_updated_date_time),
        json_list(&d.key_ids),
        d.request_id,
        d.correlation_id,
        d.additional_info
    ])?;
    Ok(())
}

/// Every risk detection of a tenant, newest first.
pub fn list_detections(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<ServicePrincipalRiskDetection>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sp_id, display_name, app_id, risk_event_type, risk_state, risk_level,
                risk_detail, source, detection_timing_type, activity, ip_address, city, country,
                activity_at, detected_at, last_updated_at, key_ids, request_id, correlation_id,
                additional_info
         FROM sp_risk_detections WHERE tenant = ?1 ORDER BY detected_at DESC, id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            let city: Option<String> = r.get(12)?;
            let country: Option<String> = r.get(13)?;
            Ok(ServicePrincipalRiskDetection {
                id: r.get(0)?,
                service_principal_id: r.get(1)?,
                service_principal_display_name: r.get(2)?,
                app_id: r.get(3)?,
                risk_event_type: r.get(4)?,
                risk_state: r.get(5)?,
                risk_level: r.get(6)?,
                risk_detail: r.get(7)?,
                source: r.get(8)?,
                detection_timing_type: r.get(9)?,
                activity: r.get(10)?,
                ip_address: r.get(11)?,
                location: (city.is_some() || country.is_some()).then_some(SignInLocation {
                    city,
                    state: None,
                    country_or_region: country,
                }),
                activity_date_time: time(r.get(14)?),
                detected_date_time: time(r.get(15)?),
                last_updated_date_time: time(r.get(16)?),
                key_ids: parse_json_list(&r.get::<_, String>(17)?),
                request_id: r.get(18)?,
                correlation_id: r.get(19)?,
                additional_info: r.get(20)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_named_location(
    conn: &Connection,
    tenant: TenantKey,
    l: &NamedLocation,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO named_locations (tenant, id, display_name, kind, is_trusted, ranges,
             countries, include_unknown)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        tenant.0,
        l.id,
        l.display_name,
        l.kind,
        l.is_trusted,
        json_list(&l.ip_ranges),
        json_list(&l.countries_and_regions),
        l.include_unknown_countries_and_regions
    ])?;
    Ok(())
}

pub fn list_named_locations(conn: &Connection, tenant: TenantKey) -> Result<Vec<NamedLocation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, display_name, kind, is_trusted, ranges, countries, include_unknown
         FROM named_locations WHERE tenant = ?1 ORDER BY display_name, id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(NamedLocation {
                id: r.get(0)?,
                display_name: r.get(1)?,
                kind: r.get(2)?,
                is_trusted: r.get(3)?,
                ip_ranges: parse_json_list(&r.get::<_, String>(4)?),
                countries_and_regions: parse_json_list(&r.get::<_, String>(5)?),
                include_unknown_countries_and_regions: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One admin decision on an identity's risk.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskActionRow {
    pub sp_id: String,
    pub at: i64,
    pub action: String,
    pub pushed_at: Option<i64>,
}

pub fn add_risk_action(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    at: i64,
    action: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO risk_actions (tenant, sp_id, at, action, pushed_at)
         VALUES (?1, ?2, ?3, ?4, NULL)",
    )?
    .execute(params![tenant.0, sp_id, at, action])?;
    Ok(())
}

/// Every decision of a tenant, oldest first.
pub fn list_risk_actions(conn: &Connection, tenant: TenantKey) -> Result<Vec<RiskActionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, at, action, pushed_at FROM risk_actions WHERE tenant = ?1
         ORDER BY at, sp_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(RiskActionRow {
                sp_id: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                pushed_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes a named location from the cache.
pub fn delete_named_location(conn: &Connection, tenant: TenantKey, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM named_locations WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    Ok(())
}
