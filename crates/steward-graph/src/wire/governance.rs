//! Directory roles (active and eligible), delegated grants, conditional access policies, the
//! app-management audit log, and owners or sponsors, from Graph's JSON.

use serde_json::Value;
use steward_core::dataset::Dataset;
use steward_core::model::{
    canonical_json, ConditionalAccessPolicy, DirectoryAudit, DirectoryRoleAssignment,
    OAuth2PermissionGrant, TenantPolicy,
};

use crate::json::{Field, Obj};

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

/// One of the tenant's app or consent policies, or a consent request, kept whole: Graph's JSON
/// without its annotations (`@odata.context`, `userConsentRequests@odata.context`), keys
/// sorted. A single object without an `id` (`adminConsentRequestPolicy`) takes its dataset's name.
pub fn tenant_policy(o: Obj<'_>, kind: Dataset) -> Field<TenantPolicy> {
    let id = o.opt_str("id")?.unwrap_or_else(|| kind.name().to_string());
    let mut v = o.0.clone();
    v.retain(|k, _| !k.contains('@'));
    Ok(TenantPolicy {
        kind,
        id,
        json: canonical_json(&Value::Object(v)),
    })
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
        user_type: o.opt_str("userType")?,
    })
}
