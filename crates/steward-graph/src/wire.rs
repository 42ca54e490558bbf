//! Graph's wire format: which dataset a response holds, and each item turned into Steward's
//! model. Unknown fields are ignored; missing optional ones are `None`; a field of the wrong type
//! or a missing required one is an error naming the field.

use serde_json::Value;
use steward_core::model::{
    AppCredentialSignInActivity, AppRoleAssignment, Application, ConditionalAccessPolicy,
    DirectoryAudit, DirectoryRecommendation, DirectoryRoleAssignment, FederatedIdentityCredential,
    KeyCredential, NamedLocation, OAuth2PermissionGrant, PasswordCredential, RiskyServicePrincipal,
    ServicePrincipal, ServicePrincipalRiskDetection, ServicePrincipalSignInActivity, SignIn,
    SignInLocation, SubscribedSku,
};

use crate::json::{Field, Obj};

pub use steward_core::dataset::Dataset;

/// From the `@odata.context` of a response: `…/$metadata#servicePrincipals`,
/// `…/$metadata#auditLogs/signIns`, `…/$metadata#applications('…')/federatedIdentityCredentials`.
pub fn dataset_from_context(context: &str) -> Option<Dataset> {
    let fragment = context.split_once('#')?.1;
    // The last path segment names the collection (`$entity` and `$delta` are not names);
    // `servicePrincipals(id,appId)` carries a $select, `applications('…')` a key.
    let last = fragment.rsplit('/').find(|s| !s.starts_with('$'))?;
    let last = last.split('(').next()?;
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
        _ => return None,
    })
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
    }
}

/// The organization's id, name and default domain.
pub struct Organization {
    pub id: String,
    pub display_name: String,
    pub default_domain: Option<String>,
}

pub fn organization(o: Obj<'_>) -> Field<Organization> {
    let default_domain = o
        .objs("verifiedDomains")?
        .into_iter()
        .find(|d| d.opt_bool("isDefault").ok().flatten() == Some(true))
        .map(|d| d.str("name"))
        .transpose()?;
    Ok(Organization {
        id: o.str("id")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        default_domain,
    })
}

fn password_credentials(o: Obj<'_>) -> Field<Vec<PasswordCredential>> {
    o.objs("passwordCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("passwordCredentials", i, || {
                // `secretText` is never read: the cache holds no secret's value.
                Ok(PasswordCredential {
                    key_id: c.str("keyId")?,
                    display_name: c.opt_str("displayName")?,
                    hint: c.opt_str("hint")?,
                    start_date_time: c.opt_time("startDateTime")?,
                    end_date_time: c.opt_time("endDateTime")?,
                })
            })
        })
        .collect()
}

fn key_credentials(o: Obj<'_>) -> Field<Vec<KeyCredential>> {
    o.objs("keyCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("keyCredentials", i, || {
                Ok(KeyCredential {
                    key_id: c.str("keyId")?,
                    display_name: c.opt_str("displayName")?,
                    key_type: c.opt_str("type")?,
                    usage: c.opt_str("usage")?,
                    custom_key_identifier: c.opt_str("customKeyIdentifier")?,
                    start_date_time: c.opt_time("startDateTime")?,
                    end_date_time: c.opt_time("endDateTime")?,
                })
            })
        })
        .collect()
}

pub fn federated_credential(c: Obj<'_>) -> Field<FederatedIdentityCredential> {
    Ok(FederatedIdentityCredential {
        id: c.str("id")?,
        name: c.str("name")?,
        issuer: c.str("issuer")?,
        subject: c.opt_str("subject")?,
        audiences: c.strings("audiences")?,
        description: c.opt_str("description")?,
    })
}

pub fn application(o: Obj<'_>) -> Field<Application> {
    let fics = o
        .objs("federatedIdentityCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("federatedIdentityCredentials", i, || {
                federated_credential(c)
            })
        })
        .collect::<Field<Vec<_>>>()?;
    Ok(Application {
        id: o.str("id")?,
        app_id: o.str("appId")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        sign_in_audience: o.opt_str("signInAudience")?,
        publisher_domain: o.opt_str("publisherDomain")?,
        created_date_time: o.opt_time("createdDateTime")?,
        deleted_date_time: o.opt_time("deletedDateTime")?,
        disabled_by_microsoft_status: o.opt_str("disabledByMicrosoftStatus")?,
        password_credentials: password_credentials(o)?,
        key_credentials: key_credentials(o)?,
        federated_identity_credentials: fics,
    })
}

pub fn service_principal(o: Obj<'_>) -> Field<ServicePrincipal> {
    let agent =
        matches!(o.get("@odata.type"), Some(Value::String(t)) if t.ends_with("agentIdentity"));
    let sp_type = match o.opt_str("servicePrincipalType")? {
        Some(t) => t,
        None if agent => "ServiceIdentity".into(),
        None => return Err("`servicePrincipalType` is missing".into()),
    };
    Ok(ServicePrincipal {
        id: o.str("id")?,
        app_id: o.str("appId")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        app_display_name: o.opt_str("appDisplayName")?,
        service_principal_type: sp_type,
        app_owner_organization_id: o.opt_str("appOwnerOrganizationId")?,
        // Graph always sends it; a tool that drops it most likely drops `true`.
        account_enabled: o.opt_bool("accountEnabled")?.unwrap_or(true),
        sign_in_audience: o.opt_str("signInAudience")?,
        created_date_time: o.opt_time("createdDateTime")?,
        deleted_date_time: o.opt_time("deletedDateTime")?,
        tags: o.strings("tags")?,
        alternative_names: o.strings("alternativeNames")?,
        agent_identity_blueprint_id: o.opt_str("agentIdentityBlueprintId")?,
        disabled_by_microsoft_status: o.opt_str("disabledByMicrosoftStatus")?,
        password_credentials: password_credentials(o)?,
        key_credentials: key_credentials(o)?,
    })
}

pub fn app_role_assignment(o: Obj<'_>) -> Field<AppRoleAssignment> {
    Ok(AppRoleAssignment {
        id: o.str("id")?,
        principal_id: o.str("principalId")?,
        resource_id: o.str("resourceId")?,
        resource_display_name: o.opt_str("resourceDisplayName")?.unwrap_or_default(),
        permission: steward_core::model::graph_permission_name(&o.str("appRoleId")?)
            .map(str::to_string),
        app_role_id: o.str("appRoleId")?,
        created_date_time: o.opt_time("createdDateTime")?,
    })
}

/// A directory role assignment, active (`unifiedRoleAssignment`) or eligible
/// (`unifiedRoleEligibilityScheduleInstance`). The role's name and privilege come from the
/// expanded `roleDefinition` (the sync asks `$expand=roleDefinition`); without it, from Entra's
/// built-in roles by template id.
pub fn role_assignment(o: Obj<'_>, eligible: bool) -> Field<DirectoryRoleAssignment> {
    let role_definition_id = o.str("roleDefinitionId")?;
    let builtin = steward_core::model::builtin_role(&role_definition_id);
    let (name, privileged) = match o.opt_obj("roleDefinition")? {
        Some(d) => (
            d.opt_str("displayName")?,
            d.opt_bool("isPrivileged")?.or(builtin.map(|b| b.1)),
        ),
        None => (None, None),
    };
    let name = name
        .or(builtin.map(|b| b.0.to_string()))
        .unwrap_or_else(|| format!("Role {role_definition_id}"));
    Ok(DirectoryRoleAssignment {
        id: o.str("id")?,
        principal_id: o.str("principalId")?,
        role_display_name: name,
        is_privileged: privileged.or(builtin.map(|b| b.1)).unwrap_or(false),
        role_definition_id,
        directory_scope_id: o.opt_str("directoryScopeId")?.unwrap_or_else(|| "/".into()),
        assignment_type: if eligible { "eligible" } else { "active" }.into(),
    })
}

pub fn oauth2_grant(o: Obj<'_>) -> Field<OAuth2PermissionGrant> {
    Ok(OAuth2PermissionGrant {
        id: o.str("id")?,
        client_id: o.str("clientId")?,
        consent_type: o.str("consentType")?,
        principal_id: o.opt_str("principalId")?,
        resource_id: o.str("resourceId")?,
        scope: o.opt_str("scope")?.unwrap_or_default().trim().to_string(),
    })
}

pub fn ca_policy(o: Obj<'_>) -> Field<ConditionalAccessPolicy> {
    let mut v = o.0.clone();
    // Annotations say where the item came from, not what the policy is.
    v.retain(|k, _| !k.starts_with('@'));
    ConditionalAccessPolicy::from_graph(&Value::Object(v))
}

/// One app-management audit event: who (a user or an app) did what to which object.
pub fn directory_audit(o: Obj<'_>) -> Field<DirectoryAudit> {
    let (by_type, by) = match o.opt_obj("initiatedBy")? {
        Some(i) => match (i.opt_obj("user")?, i.opt_obj("app")?) {
            (Some(u), _) => (Some("user"), Some(u)),
            (None, Some(a)) => (Some("app"), Some(a)),
            _ => (None, None),
        },
        None => (None, None),
    };
    let by_name = match (by_type, by) {
        (Some("user"), Some(u)) => u
            .opt_str("userPrincipalName")?
            .or(u.opt_str("displayName")?),
        (_, Some(a)) => a.opt_str("displayName")?.or(a.opt_str("appId")?),
        _ => None,
    };
    let by_id = match (by_type, by) {
        (Some("app"), Some(a)) => a.opt_str("servicePrincipalId")?.or(a.opt_str("appId")?),
        (_, Some(u)) => u.opt_str("id")?,
        _ => None,
    };
    let target = o.objs("targetResources")?.into_iter().next();
    let modified = match target {
        Some(t) => match t.get("modifiedProperties") {
            Some(m @ Value::Array(_)) => steward_core::model::canonical_json(m),
            Some(other) => {
                return Err(format!(
                    "`targetResources[1].modifiedProperties` should be a list, found {other}"
                ))
            }
            None => "[]".into(),
        },
        None => "[]".into(),
    };
    Ok(DirectoryAudit {
        id: o.str("id")?,
        activity_date_time: o.time("activityDateTime")?,
        activity: o.str("activityDisplayName")?,
        operation_type: o.opt_str("operationType")?,
        result: o.opt_str("result")?,
        result_reason: o.opt_str("resultReason")?,
        initiated_by_type: by_type.map(str::to_string),
        initiated_by_id: by_id,
        initiated_by: by_name,
        target_id: target.map(|t| t.opt_str("id")).transpose()?.flatten(),
        target_type: target.map(|t| t.opt_str("type")).transpose()?.flatten(),
        target_name: target
            .map(|t| t.opt_str("displayName"))
            .transpose()?
            .flatten(),
        modified,
    })
}

/// One owner (a `directoryObject`: a user, a service principal or a group) of `object_id`, or
/// one sponsor of an agent identity.
pub fn owner(
    o: Obj<'_>,
    object_id: &str,
    relation: steward_core::model::OwnerRelation,
) -> Field<steward_core::model::Owner> {
    let owner_type = match o.get("@odata.type") {
        Some(Value::String(t)) => t
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.")
            .to_string(),
        _ => "user".into(),
    };
    let id = o.str("id")?;
    let display_name = o
        .opt_str("displayName")?
        .or(o.opt_str("userPrincipalName")?)
        .unwrap_or_else(|| id.clone());
    Ok(steward_core::model::Owner {
        object_id: object_id.to_string(),
        owner_id: id,
        owner_type,
        display_name,
        relation,
    })
}

pub fn sign_in(o: Obj<'_>) -> Field<SignIn> {
    let types = o.strings("signInEventTypes")?;
    let event = match o.opt_str("signInEventType")? {
        Some(t) => t,
        None if types.iter().any(|t| t == "managedIdentity") => "managedIdentity".into(),
        None => "servicePrincipal".into(),
    };
    let location = o.opt_obj("location")?;
    let status = o.opt_obj("status")?;
    let loc = |k: &str| -> Field<Option<String>> {
        match location {
            Some(l) => l.opt_str(k),
            None => Ok(None),
        }
    };
    let service_principal_id = match o.opt_str("servicePrincipalId")? {
        Some(id) if !id.is_empty() && id != "00000000-0000-0000-0000-000000000000" => id,
        _ => {
            return Err("`servicePrincipalId` is missing: this is an interactive (user) sign-in, not a workload identity's; export with $filter=signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'managedIdentity')".into())
        }
    };
    Ok(SignIn {
        id: o.str("id")?,
        created_date_time: o.time("createdDateTime")?,
        sign_in_event_type: event,
        service_principal_id,
        service_principal_name: o.opt_str("servicePrincipalName")?,
        app_id: o.opt_str("appId")?,
        resource_id: o.opt_str("resourceId")?,
        resource_service_principal_id: o.opt_str("resourceServicePrincipalId")?,
        resource_display_name: o.opt_str("resourceDisplayName")?,
        ip_address: o.opt_str("ipAddress")?,
        city: loc("city")?,
        state: loc("state")?,
        country_or_region: loc("countryOrRegion")?,
        error_code: match status {
            Some(s) => s.opt_i64("errorCode")?.unwrap_or(0),
            None => 0,
        },
        failure_reason: match status {
            Some(s) => s.opt_str("failureReason")?,
            None => None,
        },
        client_credential_type: o.opt_str("clientCredentialType")?,
        service_principal_credential_key_id: o.opt_str("servicePrincipalCredentialKeyId")?,
        service_principal_credential_thumbprint: o
            .opt_str("servicePrincipalCredentialThumbprint")?,
        federated_credential_id: o.opt_str("federatedCredentialId")?,
        conditional_access_status: o.opt_str("conditionalAccessStatus")?,
    })
}

fn last_sign_in(o: Obj<'_>, key: &str) -> Field<Option<chrono::DateTime<chrono::Utc>>> {
    match o.opt_obj(key)? {
        Some(a) => a.opt_time("lastSignInDateTime"),
        None => Ok(None),
    }
}

pub fn sp_activity(o: Obj<'_>) -> Field<ServicePrincipalSignInActivity> {
    Ok(ServicePrincipalSignInActivity {
        id: o.opt_str("id")?,
        app_id: o.str("appId")?,
        last_sign_in: last_sign_in(o, "lastSignInActivity")?,
        application_client: last_sign_in(o, "applicationAuthenticationClientSignInActivity")?,
        application_resource: last_sign_in(o, "applicationAuthenticationResourceSignInActivity")?,
        delegated_client: last_sign_in(o, "delegatedClientSignInActivity")?,
        delegated_resource: last_sign_in(o, "delegatedResourceSignInActivity")?,
    })
}

pub fn credential_activity(o: Obj<'_>) -> Field<AppCredentialSignInActivity> {
    Ok(AppCredentialSignInActivity {
        id: o.opt_str("id")?,
        key_id: o.str("keyId")?,
        app_id: o.opt_str("appId")?,
        app_object_id: o.opt_str("appObjectId")?,
        service_principal_object_id: o.opt_str("servicePrincipalObjectId")?,
        credential_origin: o.opt_str("credentialOrigin")?,
        key_type: o.opt_str("keyType")?,
        last_sign_in: last_sign_in(o, "signInActivity")?,
    })
}

pub fn subscribed_sku(o: Obj<'_>) -> Field<SubscribedSku> {
    let prepaid = match o.opt_obj("prepaidUnits")? {
        Some(p) => p.opt_i64("enabled")?.unwrap_or(0),
        None => 0,
    };
    let plans = o
        .objs("servicePlans")?
        .into_iter()
        .enumerate()
        .map(|(i, p)| o.within("servicePlans", i, || p.str("servicePlanId")))
        .collect::<Field<Vec<_>>>()?;
    Ok(SubscribedSku {
        sku_id: o.str("skuId")?,
        sku_part_number: o.str("skuPartNumber")?,
        capability_status: o
            .opt_str("capabilityStatus")?
            .unwrap_or_else(|| "Enabled".into()),
        prepaid_enabled: prepaid,
        consumed_units: o.opt_i64("consumedUnits")?.unwrap_or(0),
        service_plan_ids: plans,
        // Trial state lives in directory/subscriptions, which an import of subscribedSkus lacks.
        is_trial: false,
        next_lifecycle: None,
    })
}

pub fn named_location(o: Obj<'_>) -> Field<NamedLocation> {
    let odata = match o.get("@odata.type") {
        Some(Value::String(t)) => t.as_str(),
        _ => "",
    };
    let ip = odata.ends_with("ipNamedLocation") || o.has("ipRanges");
    let ranges = o
        .objs("ipRanges")?
        .into_iter()
        .enumerate()
        .map(|(i, r)| o.within("ipRanges", i, || r.str("cidrAddress")))
        .collect::<Field<Vec<_>>>()?;
    Ok(NamedLocation {
        id: o.str("id")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        kind: if ip { "ip" } else { "country" }.into(),
        is_trusted: o.opt_bool("isTrusted")?.unwrap_or(false),
        ip_ranges: ranges,
        countries_and_regions: o.strings("countriesAndRegions")?,
        include_unknown_countries_and_regions: o
            .opt_bool("includeUnknownCountriesAndRegions")?
            .unwrap_or(false),
    })
}

pub fn risky_service_principal(o: Obj<'_>) -> Field<RiskyServicePrincipal> {
    Ok(RiskyServicePrincipal {
        id: o.str("id")?,
        app_id: o.opt_str("appId")?,
        display_name: o.opt_str("displayName")?,
        service_principal_type: o.opt_str("servicePrincipalType")?,
        is_enabled: o.opt_bool("isEnabled")?,
        is_processing: o.opt_bool("isProcessing")?,
        risk_level: o.opt_str("riskLevel")?.unwrap_or_else(|| "none".into()),
        risk_state: o.opt_str("riskState")?.unwrap_or_else(|| "none".into()),
        risk_detail: o.opt_str("riskDetail")?.unwrap_or_else(|| "none".into()),
        risk_last_updated_date_time: o.opt_time("riskLastUpdatedDateTime")?,
    })
}

pub fn risk_detection(o: Obj<'_>) -> Field<ServicePrincipalRiskDetection> {
    let location = match o.opt_obj("location")? {
        Some(l) => Some(SignInLocation {
            city: l.opt_str("city")?,
            state: l.opt_str("state")?,
            country_or_region: l.opt_str("countryOrRegion")?,
        }),
        None => None,
    };
    Ok(ServicePrincipalRiskDetection {
        id: o.str("id")?,
        service_principal_id: o.str("servicePrincipalId")?,
        service_principal_display_name: o.opt_str("servicePrincipalDisplayName")?,
        app_id: o.opt_str("appId")?,
        risk_event_type: o.str("riskEventType")?,
        risk_state: o.opt_str("riskState")?.unwrap_or_else(|| "atRisk".into()),
        risk_level: o.opt_str("riskLevel")?.unwrap_or_else(|| "none".into()),
        risk_detail: o.opt_str("riskDetail")?.unwrap_or_else(|| "none".into()),
        source: o.opt_str("source")?,
        detection_timing_type: o.opt_str("detectionTimingType")?,
        activity: o.opt_str("activity")?,
        ip_address: o.opt_str("ipAddress")?,
        location,
        activity_date_time: o.opt_time("activityDateTime")?,
        detected_date_time: o.opt_time("detectedDateTime")?,
        last_updated_date_time: o.opt_time("lastUpdatedDateTime")?,
        key_ids: o.strings("keyIds")?,
        request_id: o.opt_str("requestId")?,
        correlation_id: o.opt_str("correlationId")?,
        additional_info: o.opt_str("additionalInfo")?,
    })
}

pub fn directory_recommendation(o: Obj<'_>) -> Field<DirectoryRecommendation> {
    let steps = o
        .objs("actionSteps")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            o.within("actionSteps", i, || {
                Ok(s.opt_str("text")?.unwrap_or_default())
            })
        })
        .collect::<Field<Vec<_>>>()?;
    Ok(DirectoryRecommendation {
        id: o.str("id")?,
        recommendation_type: o.str("recommendationType")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        status: o.opt_str("status")?.unwrap_or_else(|| "active".into()),
        priority: o.opt_str("priority")?.unwrap_or_else(|| "medium".into()),
        insights: o.opt_str("insights")?,
        benefits: o.opt_str("benefits")?,
        action_steps: steps,
        last_checked_date_time: o.opt_time("lastCheckedDateTime")?,
        postpone_until_date_time: o.opt_time("postponeUntilDateTime")?,
    })
}

/// A page of beta `auditLogs/signIns` exactly as Graph writes it: the sync's fast path, parsed
/// straight into typed fields. A page that does not fit (a field of another type) is read
/// through the tolerant [`sign_in`] instead, which names what is wrong.
#[derive(serde::Deserialize)]
pub struct SignInPage {
    pub value: Vec<SignInWire>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInWire {
    id: String,
    created_date_time: String,
    sign_in_event_type: Option<String>,
    sign_in_event_types: Option<Vec<String>>,
    service_principal_id: Option<String>,
    service_principal_name: Option<String>,
    app_id: Option<String>,
    resource_id: Option<String>,
    resource_service_principal_id: Option<String>,
    resource_display_name: Option<String>,
    ip_address: Option<String>,
    location: Option<LocationWire>,
    status: Option<StatusWire>,
    client_credential_type: Option<String>,
    service_principal_credential_key_id: Option<String>,
    service_principal_credential_thumbprint: Option<String>,
    federated_credential_id: Option<String>,
    conditional_access_status: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationWire {
    city: Option<String>,
    state: Option<String>,
    country_or_region: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusWire {
    error_code: Option<i64>,
    failure_reason: Option<String>,
}

impl SignInWire {
    /// The model sign-in, as [`sign_in`] makes it from the same JSON.
    pub fn into_sign_in(self) -> Field<SignIn> {
        let event = match self.sign_in_event_type {
            Some(t) => t,
            None if self
                .sign_in_event_types
                .iter()
                .flatten()
                .any(|t| t == "managedIdentity") =>
            {
                "managedIdentity".into()
            }
            None => "servicePrincipal".into(),
        };
        let service_principal_id = match self.service_principal_id {
            Some(id) if !id.is_empty() && id != "00000000-0000-0000-0000-000000000000" => id,
            _ => {
                return Err("`servicePrincipalId` is missing: this is an interactive (user) sign-in, not a workload identity's; export with $filter=signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'managedIdentity')".into())
            }
        };
        let created_date_time =
            crate::json::parse_time(&self.created_date_time).ok_or_else(|| {
                format!(
                    "`createdDateTime` is not a date and time: {:?}",
                    self.created_date_time
                )
            })?;
        let (city, state, country_or_region) = match self.location {
            Some(l) => (l.city, l.state, l.country_or_region),
            None => (None, None, None),
        };
        let (error_code, failure_reason) = match self.status {
            Some(s) => (s.error_code.unwrap_or(0), s.failure_reason),
            None => (0, None),
        };
        Ok(SignIn {
            id: self.id,
            created_date_time,
            sign_in_event_type: event,
            service_principal_id,
            service_principal_name: self.service_principal_name,
            app_id: self.app_id,
            resource_id: self.resource_id,
            resource_service_principal_id: self.resource_service_principal_id,
            resource_display_name: self.resource_display_name,
            ip_address: self.ip_address,
            city,
            state,
            country_or_region,
            error_code,
            failure_reason,
            client_credential_type: self.client_credential_type,
            service_principal_credential_key_id: self.service_principal_credential_key_id,
            service_principal_credential_thumbprint: self.service_principal_credential_thumbprint,
            federated_credential_id: self.federated_credential_id,
            conditional_access_status: self.conditional_access_status,
        })
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::json::{normalise, Obj};

    #[test]
    fn the_typed_sign_in_page_reads_graphs_documented_example_as_the_tolerant_path_does() {
        let text = include_str!("../../../tests/fixtures/graph/signins-beta.json");
        let page: SignInPage = serde_json::from_str(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        let tolerant: Vec<Field<SignIn>> = v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| match normalise(i.clone()) {
                Value::Object(m) => sign_in(Obj(&m)),
                _ => unreachable!(),
            })
            .collect();
        assert!(!tolerant.is_empty());
        for (fast, slow) in page.value.into_iter().zip(tolerant) {
            assert_eq!(fast.into_sign_in(), slow);
        }
    }
}
