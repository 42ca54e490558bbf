//! The wire JSON of Identity Protection and conditional access: `riskyServicePrincipal`,
//! `servicePrincipalRiskDetection`, and IP and country named locations.

use serde_json::{json, Value};
use steward_core::model::{NamedLocation, RiskyServicePrincipal, ServicePrincipalRiskDetection};

use crate::wire::time;

/// A named location as Graph serves it: the model's own Graph form, with Graph's read-only
/// times.
pub(crate) fn named_location_json(l: &NamedLocation) -> Value {
    let mut v = l.to_graph();
    v["createdDateTime"] = Value::Null;
    v["modifiedDateTime"] = Value::Null;
    v
}

pub(crate) fn risky_json(r: &RiskyServicePrincipal) -> Value {
    json!({
        "id": r.id,
        "isEnabled": r.is_enabled,
        "isProcessing": r.is_processing,
        "riskLastUpdatedDateTime": time(r.risk_last_updated_date_time),
        "riskLevel": r.risk_level,
        "riskState": r.risk_state,
        "riskDetail": r.risk_detail,
        "displayName": r.display_name,
        "appId": r.app_id,
        "servicePrincipalType": r.service_principal_type,
    })
}

pub(crate) fn detection_json(d: &ServicePrincipalRiskDetection) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.servicePrincipalRiskDetection",
        "id": d.id,
        "requestId": d.request_id,
        "correlationId": d.correlation_id,
        "riskEventType": d.risk_event_type,
        "riskState": d.risk_state,
        "riskLevel": d.risk_level,
        "riskDetail": d.risk_detail,
        "source": d.source,
        "detectionTimingType": d.detection_timing_type,
        "activity": d.activity,
        "tokenIssuerType": "AzureAD",
        "ipAddress": d.ip_address,
        "location": d.location.as_ref().map(|l| json!({
            "city": l.city,
            "state": l.state,
            "countryOrRegion": l.country_or_region,
        })),
        "activityDateTime": time(d.activity_date_time),
        "detectedDateTime": time(d.detected_date_time),
        "lastUpdatedDateTime": time(d.last_updated_date_time),
        "servicePrincipalId": d.service_principal_id,
        "servicePrincipalDisplayName": d.service_principal_display_name,
        "appId": d.app_id,
        "keyIds": d.key_ids,
        "additionalInfo": d.additional_info,
    })
}
