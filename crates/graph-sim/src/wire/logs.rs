//! The wire JSON of log entries: beta `signIn` and v1.0 `directoryAudit`.

use serde_json::{json, Value};
use steward_core::model::{DirectoryAudit, SignIn};

use crate::wire::time;

pub(crate) fn sign_in_json(s: &SignIn) -> Value {
    json!({
        "id": s.id,
        "createdDateTime": time(Some(s.created_date_time)),
        "appId": s.app_id,
        "appDisplayName": s.service_principal_name,
        "ipAddress": s.ip_address,
        "clientCredentialType": s.client_credential_type,
        "conditionalAccessStatus": s.conditional_access_status,
        "resourceDisplayName": s.resource_display_name,
        "resourceId": s.resource_id,
        "resourceServicePrincipalId": s.resource_service_principal_id,
        "servicePrincipalCredentialKeyId": s.service_principal_credential_key_id,
        "servicePrincipalCredentialThumbprint": s.service_principal_credential_thumbprint,
        "servicePrincipalId": s.service_principal_id,
        "servicePrincipalName": s.service_principal_name,
        "federatedCredentialId": s.federated_credential_id,
        "signInEventTypes": [s.sign_in_event_type],
        "userId": "",
        "userPrincipalName": null,
        "status": {
            "errorCode": s.error_code,
            "failureReason": s.failure_reason,
            "additionalDetails": null,
        },
        "location": {
            "city": s.city,
            "state": s.state,
            "countryOrRegion": s.country_or_region,
            "geoCoordinates": {},
        },
    })
}

/// An audit event as v1.0 `directoryAudit`.
pub(crate) fn audit_json(a: &DirectoryAudit, tenant_id: &str) -> Value {
    let initiated_by = match a.initiated_by_type.as_deref() {
        Some("app") => json!({
            "user": null,
            "app": {
                "appId": null,
                "displayName": a.initiated_by,
                "servicePrincipalId": a.initiated_by_id,
                "servicePrincipalName": null,
            },
        }),
        _ => json!({
            "app": null,
            "user": {
                "id": a.initiated_by_id,
                "displayName": null,
                "userPrincipalName": a.initiated_by,
                "ipAddress": "",
                "userType": "Member",
                "homeTenantId": tenant_id,
                "homeTenantName": null,
            },
        }),
    };
    let modified: Value = serde_json::from_str(&a.modified).unwrap_or_else(|_| json!([]));
    json!({
        "id": a.id,
        "category": "ApplicationManagement",
        "correlationId": a.id.split('_').nth(1),
        "result": a.result,
        "resultReason": a.result_reason,
        "activityDisplayName": a.activity,
        "activityDateTime": time(Some(a.activity_date_time)),
        "loggedByService": "Core Directory",
        "operationType": a.operation_type,
        "initiatedBy": initiated_by,
        "targetResources": [{
            "id": a.target_id,
            "displayName": a.target_name,
            "type": a.target_type,
            "userPrincipalName": null,
            "groupType": null,
            "modifiedProperties": modified,
        }],
        "additionalDetails": [],
    })
}
