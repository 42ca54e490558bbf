//! The wire JSON of directory objects: organization, application, servicePrincipal (and
//! agentIdentity), their password and key credentials, their app role assignments, and the
//! directory objects that own or sponsor them.

use serde_json::{json, Value};
use steward_core::model::{
    AppRoleAssignment, Application, KeyCredential, Owner, PasswordCredential, ServicePrincipal,
};

use crate::wire::time;

pub(crate) fn password_json(c: &PasswordCredential) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": c.display_name,
        "endDateTime": time(c.end_date_time),
        "hint": c.hint,
        "keyId": c.key_id,
        "secretText": null,
        "startDateTime": time(c.start_date_time),
    })
}

fn key_json(c: &KeyCredential) -> Value {
    json!({
        "customKeyIdentifier": c.custom_key_identifier,
        "displayName": c.display_name,
        "endDateTime": time(c.end_date_time),
        "key": null,
        "keyId": c.key_id,
        "startDateTime": time(c.start_date_time),
        "type": c.key_type,
        "usage": c.usage,
    })
}

pub(crate) fn application_json(a: &Application) -> Value {
    let mut v = json!({
        "id": a.id,
        "deletedDateTime": time(a.deleted_date_time),
        "appId": a.app_id,
        "createdDateTime": time(a.created_date_time),
        "displayName": a.display_name,
        "publisherDomain": a.publisher_domain,
        "signInAudience": a.sign_in_audience,
        "disabledByMicrosoftStatus": a.disabled_by_microsoft_status,
        "notes": a.notes,
        "tags": a.tags,
        "passwordCredentials": a.password_credentials.iter().map(password_json).collect::<Vec<_>>(),
        "keyCredentials": a.key_credentials.iter().map(key_json).collect::<Vec<_>>(),
        "federatedIdentityCredentials": a.federated_identity_credentials.iter().map(|f| json!({
            "id": f.id, "name": f.name, "issuer": f.issuer, "subject": f.subject,
            "audiences": f.audiences, "description": f.description,
        })).collect::<Vec<_>>(),
    });
    // Graph splits redirect URIs by platform; the cache keeps them together, so all are served
    // as the web platform's (a settings row the cache never read is served without them).
    if let Some(uris) = &a.redirect_uris {
        v["web"] = json!({"redirectUris": uris, "homePageUrl": null, "logoutUrl": null});
        v["spa"] = json!({"redirectUris": []});
        v["publicClient"] = json!({"redirectUris": []});
    }
    if let Some(lock) = a.instance_lock {
        v["servicePrincipalLockConfiguration"] = json!({"isEnabled": lock, "allProperties": lock,
            "credentialsWithUsageVerify": lock, "credentialsWithUsageSign": lock,
            "identifierUris": false, "tokenEncryptionKeyId": lock});
    }
    // Graph lists agent identity blueprints among the applications, marked by their type.
    if a.agent_blueprint {
        v["@odata.type"] = "#microsoft.graph.agentIdentityBlueprint".into();
    }
    v
}

pub(crate) fn service_principal_json(sp: &ServicePrincipal) -> Value {
    let mut v = json!({
        "id": sp.id,
        "deletedDateTime": time(sp.deleted_date_time),
        "accountEnabled": sp.account_enabled,
        "alternativeNames": sp.alternative_names,
        "appDisplayName": sp.app_display_name,
        "appId": sp.app_id,
        "appOwnerOrganizationId": sp.app_owner_organization_id,
        // v1.0's servicePrincipal has no createdDateTime: none is served.
        "disabledByMicrosoftStatus": sp.disabled_by_microsoft_status,
        "displayName": sp.display_name,
        "servicePrincipalType": sp.service_principal_type,
        "signInAudience": sp.sign_in_audience,
        "tags": sp.tags,
        "passwordCredentials": sp.password_credentials.iter().map(password_json).collect::<Vec<_>>(),
        "keyCredentials": sp.key_credentials.iter().map(key_json).collect::<Vec<_>>(),
    });
    if let Some(required) = sp.app_role_assignment_required {
        v["appRoleAssignmentRequired"] = required.into();
    }
    if let Some(urls) = &sp.reply_urls {
        v["replyUrls"] = json!(urls);
    }
    if sp.agent_blueprint_principal {
        v["@odata.type"] = "#microsoft.graph.agentIdentityBlueprintPrincipal".into();
    }
    if sp.service_principal_type == "ServiceIdentity" {
        v["@odata.type"] = "#microsoft.graph.agentIdentity".into();
        v["agentIdentityBlueprintId"] = sp.agent_identity_blueprint_id.clone().into();
    }
    v
}

/// The tenant as v1.0 `organization`, its default domain the only verified one.
pub(crate) fn organization_json(
    id: &str,
    display_name: &str,
    default_domain: Option<&str>,
) -> Value {
    let domains: Vec<Value> = default_domain
        .iter()
        .map(|d| json!({"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": true, "isInitial": true, "name": d, "type": "Managed"}))
        .collect();
    json!({
        "id": id,
        "displayName": display_name,
        "tenantType": "AAD",
        "verifiedDomains": domains,
    })
}

/// An application permission granted to service principal `principal_display_name`, as v1.0
/// `appRoleAssignment`.
pub(crate) fn app_role_assignment_json(
    a: &AppRoleAssignment,
    principal_display_name: &str,
) -> Value {
    json!({
        "id": a.id,
        "deletedDateTime": null,
        "appRoleId": a.app_role_id,
        "createdDateTime": time(a.created_date_time),
        "principalDisplayName": principal_display_name,
        "principalId": a.principal_id,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": a.resource_display_name,
        "resourceId": a.resource_id,
    })
}

/// An owner or sponsor as a `directoryObject` cast to its type (user, service principal, group).
pub(crate) fn directory_object_json(o: &Owner) -> Value {
    let mut v = json!({
        "@odata.type": format!("#microsoft.graph.{}", o.owner_type),
        "id": o.owner_id,
        "displayName": o.display_name,
    });
    if o.owner_type == "user" {
        v["userPrincipalName"] = Value::Null;
        // Graph's owners lists carry it; the documented sponsors list does not.
        if o.relation == steward_core::model::OwnerRelation::Owner {
            v["userType"] = o.user_type.clone().into();
        }
    }
    v
}
