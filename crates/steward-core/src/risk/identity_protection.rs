//! Identity Protection's synced data: risky service principals with their detections and risk
//! history, each with the admin action not yet pushed to Graph.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::{level_rank, RiskAction, RiskLevel};
use crate::store::risk::{self as store, RiskActionRow};
use crate::store::TenantKey;
use crate::Result;

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

/// What each of Identity Protection's riskEventType values means (docs/domain.md §3.1).
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

pub(super) fn risky_identities(
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
