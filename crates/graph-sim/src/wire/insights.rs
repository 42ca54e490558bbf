//! The wire JSON of the tenant's licenses and reports: `subscribedSku`, beta `recommendation`, and
//! the sign-in activity reports of service principals and app credentials.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use steward_core::model::{
    AppCredentialSignInActivity, DirectoryRecommendation, ServicePrincipalSignInActivity,
    SubscribedSku,
};

use crate::wire::time;

pub(crate) fn sku_json(s: &SubscribedSku, tenant_id: &str, tenant_name: &str) -> Value {
    json!({
        "accountName": tenant_name,
        "accountId": tenant_id,
        "appliesTo": "User",
        "capabilityStatus": s.capability_status,
        "consumedUnits": s.consumed_units,
        "id": format!("{tenant_id}_{}", s.sku_id),
        "prepaidUnits": {"enabled": s.prepaid_enabled, "lockedOut": 0, "suspended": 0, "warning": 0},
        "servicePlans": s.service_plan_ids.iter().map(|p| json!({
            "servicePlanId": p,
            "servicePlanName": s.sku_part_number,
            "provisioningStatus": "Success",
            "appliesTo": "User",
        })).collect::<Vec<_>>(),
        "skuId": s.sku_id,
        "skuPartNumber": s.sku_part_number,
        "subscriptionIds": [],
    })
}

pub(crate) fn recommendation_json(r: &DirectoryRecommendation, tenant_id: &str) -> Value {
    json!({
        "id": r.id,
        "recommendationType": r.recommendation_type,
        "createdDateTime": null,
        "impactStartDateTime": null,
        "postponeUntilDateTime": time(r.postpone_until_date_time),
        "lastModifiedDateTime": null,
        "lastModifiedBy": null,
        "lastCheckedDateTime": time(r.last_checked_date_time),
        "currentScore": 0.0,
        "maxScore": 0.0,
        "displayName": r.display_name,
        "featureAreas": ["applications"],
        "insights": r.insights,
        "benefits": r.benefits,
        "category": "identityBestPractice",
        "status": r.status,
        "priority": r.priority,
        "impactType": "applications",
        "remediationImpact": "",
        "actionSteps": r.action_steps.iter().enumerate().map(|(i, t)| json!({
            "stepNumber": i + 1,
            "text": t,
            "actionUrl": {
                "displayName": "Open App registrations",
                "url": format!("https://entra.microsoft.com/{tenant_id}/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade"),
            },
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn activity(t: Option<DateTime<Utc>>) -> Value {
    json!({"lastSignInDateTime": time(t), "lastSignInRequestId": null})
}

pub(crate) fn sp_activity_json(a: &ServicePrincipalSignInActivity) -> Value {
    json!({
        "id": a.id,
        "appId": a.app_id,
        "lastSignInActivity": activity(a.last_sign_in),
        "applicationAuthenticationClientSignInActivity": activity(a.application_client),
        "applicationAuthenticationResourceSignInActivity": activity(a.application_resource),
        "delegatedClientSignInActivity": activity(a.delegated_client),
        "delegatedResourceSignInActivity": activity(a.delegated_resource),
    })
}

pub(crate) fn credential_activity_json(a: &AppCredentialSignInActivity) -> Value {
    json!({
        "id": a.id,
        "keyId": a.key_id,
        "appId": a.app_id,
        "appObjectId": a.app_object_id,
        "servicePrincipalObjectId": a.service_principal_object_id,
        "credentialOrigin": a.credential_origin,
        "keyType": a.key_type,
        "signInActivity": activity(a.last_sign_in),
    })
}
