//! Tables the insights read besides the identities: Graph's usage reports, subscribed SKUs,
//! which datasets the cache holds, and what the admin decided (recommendation statuses, the
//! license planner's inputs and scope).

use rusqlite::{params, Connection};

use super::{json_list, ms, parse_json_list, time, TenantKey};
use crate::model::{
    AppCredentialSignInActivity, DirectoryImpactedResource, DirectoryRecommendation,
    ServicePrincipalSignInActivity, SubscribedSku,
};
use crate::Result;

pub fn upsert_sp_activity(
    conn: &Connection,
    tenant: TenantKey,
    a: &ServicePrincipalSignInActivity,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sp_sign_in_activities (tenant, app_id, id, last_sign_in, app_client,
             app_resource, delegated_client, delegated_resource)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (tenant, app_id) DO UPDATE SET id = excluded.id,
             last_sign_in = excluded.last_sign_in, app_client = excluded.app_client,
             app_resource = excluded.app_resource, delegated_client = excluded.delegated_client,
             delegated_resource = excluded.delegated_resource",
    )?
    .execute(params![
        tenant.0,
        a.app_id,
        a.id,
        ms(a.last_sign_in),
        ms(a.application_client),
        ms(a.application_resource),
        ms(a.delegated_client),
        ms(a.delegated_resource)
    ])?;
    Ok(())
}

pub fn upsert_credential_activity(
    conn: &Connection,
    tenant: TenantKey,
    a: &AppCredentialSignInActivity,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO credential_sign_in_activities (tenant, key_id, id, app_id, app_object_id,
             service_principal_object_id, credential_origin, key_type, last_sign_in)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (tenant, key_id) DO UPDATE SET id = excluded.id, app_id = excluded.app_id,
             app_object_id = excluded.app_object_id,
             service_principal_object_id = excluded.service_principal_object_id,
             credential_origin = excluded.credential_origin, key_type = excluded.key_type,
             last_sign_in = excluded.last_sign_in",
    )?
    .execute(params![
        tenant.0,
        a.key_id,
        a.id,
        a.app_id,
        a.app_object_id,
        a.service_principal_object_id,
        a.credential_origin,
        a.key_type,
        ms(a.last_sign_in)
    ])?;
    Ok(())
}

/// Every row of Graph's servicePrincipalSignInActivities report the cache holds, by app id.
pub fn list_sp_activities(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<ServicePrincipalSignInActivity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT app_id, id, last_sign_in, app_client, app_resource, delegated_client,
                delegated_resource
         FROM sp_sign_in_activities WHERE tenant = ?1 ORDER BY app_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(ServicePrincipalSignInActivity {
                app_id: r.get(0)?,
                id: r.get(1)?,
                last_sign_in: time(r.get(2)?),
                application_client: time(r.get(3)?),
                application_resource: time(r.get(4)?),
                delegated_client: time(r.get(5)?),
                delegated_resource: time(r.get(6)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every row of Graph's appCredentialSignInActivities report the cache holds, by key id.
pub fn list_credential_activities(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<AppCredentialSignInActivity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, id, app_id, app_object_id, service_principal_object_id,
                credential_origin, key_type, last_sign_in
         FROM credential_sign_in_activities WHERE tenant = ?1 ORDER BY key_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(AppCredentialSignInActivity {
                key_id: r.get(0)?,
                id: r.get(1)?,
                app_id: r.get(2)?,
                app_object_id: r.get(3)?,
                service_principal_object_id: r.get(4)?,
                credential_origin: r.get(5)?,
                key_type: r.get(6)?,
                last_sign_in: time(r.get(7)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_sku(conn: &Connection, tenant: TenantKey, s: &SubscribedSku) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO subscribed_skus (tenant, sku_id, sku_part_number, capability_status,
             prepaid_enabled, consumed_units, service_plan_ids, is_trial, next_lifecycle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (tenant, sku_id) DO UPDATE SET sku_part_number = excluded.sku_part_number,
             capability_status = excluded.capability_status,
             prepaid_enabled = excluded.prepaid_enabled, consumed_units = excluded.consumed_units,
             service_plan_ids = excluded.service_plan_ids, is_trial = excluded.is_trial,
             next_lifecycle = excluded.next_lifecycle",
    )?
    .execute(params![
        tenant.0,
        s.sku_id,
        s.sku_part_number,
        s.capability_status,
        s.prepaid_enabled,
        s.consumed_units,
        json_list(&s.service_plan_ids),
        s.is_trial,
        ms(s.next_lifecycle)
    ])?;
    Ok(())
}

pub fn list_skus(conn: &Connection, tenant: TenantKey) -> Result<Vec<SubscribedSku>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sku_id, sku_part_number, capability_status, prepaid_enabled, consumed_units,
                service_plan_ids, is_trial, next_lifecycle
         FROM subscribed_skus WHERE tenant = ?1 ORDER BY sku_part_number, sku_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(SubscribedSku {
                sku_id: r.get(0)?,
                sku_part_number: r.get(1)?,
                capability_status: r.get(2)?,
                prepaid_enabled: r.get(3)?,
                consumed_units: r.get(4)?,
                service_plan_ids: parse_json_list(&r.get::<_, String>(5)?),
                is_trial: r.get(6)?,
                next_lifecycle: time(r.get(7)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The admin's status of one recommendation type.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendationState {
    pub recommendation_type: String,
    pub status: String,
    pub postpone_until: Option<i64>,
    pub completed_ids: Vec<String>,
    pub updated: i64,
}

pub fn list_recommendation_states(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<RecommendationState>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recommendation_type, status, postpone_until, completed_ids, updated
         FROM recommendation_states WHERE tenant = ?1",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(RecommendationState {
                recommendation_type: r.get(0)?,
                status: r.get(1)?,
                postpone_until: r.get(2)?,
                completed_ids: parse_json_list(&r.get::<_, String>(3)?),
                updated: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn set_recommendation_state(
    conn: &Connection,
    tenant: TenantKey,
    s: &RecommendationState,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO recommendation_states (tenant, recommendation_type, status, postpone_until,
             completed_ids, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (tenant, recommendation_type) DO UPDATE SET status = excluded.status,
             postpone_until = excluded.postpone_until, completed_ids = excluded.completed_ids,
             updated = excluded.updated",
    )?
    .execute(params![
        tenant.0,
        s.recommendation_type,
        s.status,
        s.postpone_until,
        json_list(&s.completed_ids),
        s.updated
    ])?;
    Ok(())
}

/// The service principals an admin put in license scope for `reason`.
pub fn list_license_scope(
    conn: &Connection,
    tenant: TenantKey,
    reason: &str,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id FROM license_scope WHERE tenant = ?1 AND reason = ?2 ORDER BY sp_id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, reason], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

pub fn set_license_scope(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    reason: &str,
    included: bool,
) -> Result<()> {
    if included {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO license_scope (tenant, sp_id, reason) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![tenant.0, sp_id, reason])?;
    } else {
        conn.prepare_cached(
            "DELETE FROM license_scope WHERE tenant = ?1 AND sp_id = ?2 AND reason = ?3",
        )?
        .execute(params![tenant.0, sp_id, reason])?;
    }
    Ok(())
}

pub fn upsert_directory_recommendation(
    conn: &Connection,
    tenant: TenantKey,
    r: &DirectoryRecommendation,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO directory_recommendations (tenant, id, recommendation_type,
             display_name, status, priority, insights, benefits, action_steps, last_checked,
             postpone_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        tenant.0,
        r.id,
        r.recommendation_type,
        r.display_name,
        r.status,
        r.priority,
        r.insights,
        r.benefits,
        json_list(&r.action_steps),
        ms(r.last_checked_date_time),
        ms(r.postpone_until_date_time)
    ])?;
    Ok(())
}

pub fn list_directory_recommendations(
    conn: &Connection,
    tenant: TenantKey,
) -> Result<Vec<DirectoryRecommendation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, recommendation_type, display_name, status, priority, insights, benefits,
                action_steps, last_checked, postpone_until
         FROM directory_recommendations WHERE tenant = ?1 ORDER BY recommendation_type, id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| {
            Ok(DirectoryRecommendation {
                id: r.get(0)?,
                recommendation_type: r.get(1)?,
                display_name: r.get(2)?,
                status: r.get(3)?,
                priority: r.get(4)?,
                insights: r.get(5)?,
                benefits: r.get(6)?,
                action_steps: parse_json_list(&r.get::<_, String>(7)?),
                last_checked_date_time: time(r.get(8)?),
                postpone_until_date_time: time(r.get(9)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn upsert_directory_impacted_resource(
    conn: &Connection,
    tenant: TenantKey,
    r: &DirectoryImpactedResource,
) -> Result<()> {
    let details = serde_json::to_string(&r.additional_details).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO directory_recommendation_resources (tenant, recommendation_id, id,
             subject_id, resource_type, display_name, status, added, portal_url,
             additional_details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        tenant.0,
        r.recommendation_id,
        r.id,
        r.subject_id,
        r.resource_type,
        r.display_name,
        r.status,
        ms(r.added_date_time),
        r.portal_url,
        details
    ])?;
    Ok(())
}

/// The impacted resources of one directory recommendation, by name.
pub fn list_directory_impacted_resources(
    conn: &Connection,
    tenant: TenantKey,
    recommendation_id: &str,
) -> Result<Vec<DirectoryImpactedResource>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, subject_id, resource_type, display_name, status, added, portal_url,
                additional_details
         FROM directory_recommendation_resources WHERE tenant = ?1 AND recommendation_id = ?2
         ORDER BY display_name COLLATE NOCASE, id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, recommendation_id], |r| {
            Ok(DirectoryImpactedResource {
                id: r.get(0)?,
                recommendation_id: recommendation_id.to_string(),
                subject_id: r.get(1)?,
                resource_type: r.get(2)?,
                display_name: r.get(3)?,
                status: r.get(4)?,
                added_date_time: time(r.get(5)?),
                portal_url: r.get(6)?,
                additional_details: serde_json::from_str(&r.get::<_, String>(7)?)
                    .unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
