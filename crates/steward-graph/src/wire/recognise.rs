//! Which dataset a Graph response holds: from `@odata.context`, else an item's `@odata.type`,
//! else the item's fields; and what an item of each dataset is called in messages.

use serde_json::Value;

use super::*;
use crate::json::Obj;

/// From the `@odata.context` of a response: `…/$metadata#servicePrincipals`,
/// `…/$metadata#auditLogs/signIns`, `…/$metadata#applications('…')/federatedIdentityCredentials`.
pub fn dataset_from_context(context: &str) -> Option<Dataset> {
    let fragment = context.split_once('#')?.1;
    let last = context_collection(context)?;
    if last == "policies" && fragment.contains("conditionalAccess/") {
        return Some(Dataset::ConditionalAccessPolicies);
    }
    // Graph's documentation also writes `#auditlogs/directoryaudits`.
    if last.eq_ignore_ascii_case("directoryAudits") {
        return Some(Dataset::DirectoryAudits);
    }
    Some(match last {
        "organization" => Dataset::Organization,
        "applications" => Dataset::Applications,
        "servicePrincipals" => Dataset::ServicePrincipals,
        "federatedIdentityCredentials" => Dataset::FederatedIdentityCredentials,
        "appRoleAssignments" | "appRoleAssignedTo" => Dataset::AppRoleAssignments,
        "signIns" => Dataset::SignIns,
        "servicePrincipalSignInActivities" => Dataset::ServicePrincipalSignInActivities,
        "appCredentialSignInActivities" => Dataset::AppCredentialSignInActivities,
        "subscribedSkus" => Dataset::SubscribedSkus,
        "namedLocations" => Dataset::NamedLocations,
        // Graph's documentation shows the singular form for some collections.
        "riskyServicePrincipals" | "riskyServicePrincipal" => Dataset::RiskyServicePrincipals,
        "servicePrincipalRiskDetections" | "servicePrincipalRiskDetection" => {
            Dataset::ServicePrincipalRiskDetections
        }
        "recommendations" => Dataset::DirectoryRecommendations,
        "roleAssignments" | "roleAssignmentScheduleInstances" => Dataset::RoleAssignments,
        "roleEligibilityScheduleInstances" => Dataset::RoleEligibilities,
        "microsoft.graph.application" => Dataset::DeletedApplications,
        "microsoft.graph.servicePrincipal" => Dataset::DeletedServicePrincipals,
        "oauth2PermissionGrants" => Dataset::OAuth2PermissionGrants,
        "authorizationPolicy" => Dataset::AuthorizationPolicy,
        "adminConsentRequestPolicy" => Dataset::AdminConsentRequestPolicy,
        "defaultAppManagementPolicy" => Dataset::DefaultAppManagementPolicy,
        "appManagementPolicies" => Dataset::AppManagementPolicies,
        "appConsentRequests" => Dataset::AppConsentRequests,
        _ => return None,
    })
}

/// The collection a response's `@odata.context` names: its last path segment (`$entity` and
/// `$delta` are not names), without the `$select` (`servicePrincipals(id,appId)`) or key
/// (`applications('…')`) it may carry.
pub fn context_collection(context: &str) -> Option<&str> {
    let fragment = context.split_once('#')?.1;
    let last = fragment.rsplit('/').find(|s| !s.starts_with('$'))?;
    last.split('(').next()
}

/// The key of the parent in a context such as `…#applications('1a2b…')/federatedIdentityCredentials`.
pub fn parent_id(context: &str) -> Option<String> {
    let fragment = context.split_once('#')?.1;
    let open = fragment.find('(')?;
    let close = fragment[open..].find(')')? + open;
    let key = fragment[open + 1..close]
        .trim_matches('\'')
        .trim_matches('"');
    (!key.is_empty() && !key.contains(',')).then(|| key.to_string())
}

/// The application a federated credential belongs to, from the item's `@odata.id`
/// (`…/Microsoft.DirectoryServices.Application('<id>')/federatedIdentityCredentials/…`).
pub fn application_in_odata_id(odata_id: &str) -> Option<String> {
    let lower = odata_id.to_ascii_lowercase();
    let start = ["application('", "applications('"]
        .iter()
        .find_map(|p| lower.find(p).map(|i| i + p.len()))?;
    let end = odata_id[start..].find('\'')? + start;
    (end > start).then(|| odata_id[start..end].to_string())
}

/// From one item's `@odata.type` or, failing that, its shape.
pub fn dataset_from_item(o: Obj<'_>) -> Option<Dataset> {
    if let Some(Value::String(t)) = o.get("@odata.type") {
        let t = t
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.");
        let by_type = match t {
            "organization" => Some(Dataset::Organization),
            "application" => Some(Dataset::Applications),
            "servicePrincipal" | "agentIdentity" => Some(Dataset::ServicePrincipals),
            "federatedIdentityCredential" => Some(Dataset::FederatedIdentityCredentials),
            "appRoleAssignment" => Some(Dataset::AppRoleAssignments),
            "signIn" => Some(Dataset::SignIns),
            "servicePrincipalSignInActivity" => Some(Dataset::ServicePrincipalSignInActivities),
            "appCredentialSignInActivity" => Some(Dataset::AppCredentialSignInActivities),
            "subscribedSku" => Some(Dataset::SubscribedSkus),
            "ipNamedLocation" | "countryNamedLocation" => Some(Dataset::NamedLocations),
            "riskyServicePrincipal" => Some(Dataset::RiskyServicePrincipals),
            "servicePrincipalRiskDetection" => Some(Dataset::ServicePrincipalRiskDetections),
            "recommendation" => Some(Dataset::DirectoryRecommendations),
            "unifiedRoleAssignment" | "unifiedRoleAssignmentScheduleInstance" => {
                Some(Dataset::RoleAssignments)
            }
            "unifiedRoleEligibilityScheduleInstance" => Some(Dataset::RoleEligibilities),
            "oAuth2PermissionGrant" => Some(Dataset::OAuth2PermissionGrants),
            "conditionalAccessPolicy" => Some(Dataset::ConditionalAccessPolicies),
            "directoryAudit" => Some(Dataset::DirectoryAudits),
            "authorizationPolicy" => Some(Dataset::AuthorizationPolicy),
            "adminConsentRequestPolicy" => Some(Dataset::AdminConsentRequestPolicy),
            "tenantAppManagementPolicy" => Some(Dataset::DefaultAppManagementPolicy),
            "appManagementPolicy" => Some(Dataset::AppManagementPolicies),
            "appConsentRequest" => Some(Dataset::AppConsentRequests),
            _ => None,
        };
        if by_type.is_some() {
            return by_type;
        }
    }
    let has = |k: &str| o.has(k);
    Some(if has("servicePrincipalType") && !has("riskLevel") {
        Dataset::ServicePrincipals
    } else if has("riskEventType") {
        Dataset::ServicePrincipalRiskDetections
    } else if has("riskLevel") && has("riskState") {
        Dataset::RiskyServicePrincipals
    } else if has("verifiedDomains") || has("tenantType") {
        Dataset::Organization
    } else if has("signInEventTypes")
        || (has("servicePrincipalId") && has("status") && has("createdDateTime"))
    {
        Dataset::SignIns
    } else if has("skuPartNumber") {
        Dataset::SubscribedSkus
    } else if has("ipRanges") || has("countriesAndRegions") {
        Dataset::NamedLocations
    } else if has("recommendationType") {
        Dataset::DirectoryRecommendations
    } else if has("lastSignInActivity") || has("applicationAuthenticationClientSignInActivity") {
        Dataset::ServicePrincipalSignInActivities
    } else if has("keyId") && has("credentialOrigin") {
        Dataset::AppCredentialSignInActivities
    } else if has("issuer") && has("subject") && has("audiences") {
        Dataset::FederatedIdentityCredentials
    } else if has("clientId") && has("consentType") && has("scope") {
        Dataset::OAuth2PermissionGrants
    } else if has("conditions") && has("grantControls") {
        Dataset::ConditionalAccessPolicies
    } else if has("activityDisplayName") && has("initiatedBy") {
        Dataset::DirectoryAudits
    } else if has("roleDefinitionId") && has("principalId") {
        if has("roleEligibilityScheduleId") {
            Dataset::RoleEligibilities
        } else {
            Dataset::RoleAssignments
        }
    } else if has("defaultUserRolePermissions") {
        Dataset::AuthorizationPolicy
    } else if has("reviewers") && has("isEnabled") && has("requestDurationInDays") {
        Dataset::AdminConsentRequestPolicy
    } else if has("applicationRestrictions") && has("isEnabled") {
        Dataset::DefaultAppManagementPolicy
    } else if has("restrictions") && has("isEnabled") {
        Dataset::AppManagementPolicies
    } else if has("pendingScopes") && has("appId") {
        Dataset::AppConsentRequests
    } else if has("appRoleId") && has("principalId") && has("resourceId") {
        Dataset::AppRoleAssignments
    } else if has("appId")
        && (has("signInAudience") || has("requiredResourceAccess") || has("passwordCredentials"))
    {
        Dataset::Applications
    } else {
        return None;
    })
}

/// What an item of this dataset is called in messages.
pub fn item_name(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::Organization => "organization",
        Dataset::Applications => "application",
        Dataset::ServicePrincipals => "servicePrincipal",
        Dataset::FederatedIdentityCredentials => "federatedIdentityCredential",
        Dataset::AppRoleAssignments => "appRoleAssignment",
        Dataset::Owners => "owner",
        Dataset::Sponsors => "sponsor",
        Dataset::SignIns => "signIn",
        Dataset::ServicePrincipalSignInActivities => "servicePrincipalSignInActivity",
        Dataset::AppCredentialSignInActivities => "appCredentialSignInActivity",
        Dataset::SubscribedSkus => "subscribedSku",
        Dataset::NamedLocations => "namedLocation",
        Dataset::RiskyServicePrincipals => "riskyServicePrincipal",
        Dataset::ServicePrincipalRiskDetections => "servicePrincipalRiskDetection",
        Dataset::DirectoryRecommendations => "recommendation",
        Dataset::RoleAssignments => "unifiedRoleAssignment",
        Dataset::RoleEligibilities => "unifiedRoleEligibilityScheduleInstance",
        Dataset::DeletedApplications => "deleted application",
        Dataset::DeletedServicePrincipals => "deleted servicePrincipal",
        Dataset::OAuth2PermissionGrants => "oAuth2PermissionGrant",
        Dataset::ConditionalAccessPolicies => "conditionalAccessPolicy",
        Dataset::DirectoryAudits => "directoryAudit",
        Dataset::AuthorizationPolicy => "authorizationPolicy",
        Dataset::AdminConsentRequestPolicy => "adminConsentRequestPolicy",
        Dataset::DefaultAppManagementPolicy => "tenantAppManagementPolicy",
        Dataset::AppManagementPolicies => "appManagementPolicy",
        Dataset::AppConsentRequests => "appConsentRequest",
    }
}
