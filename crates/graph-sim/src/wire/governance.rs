//! The wire JSON of role management and consent: beta `unifiedRoleAssignment` and
//! `unifiedRoleEligibilityScheduleInstance`, `oauth2PermissionGrant`, and conditional access
//! policies.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use steward_core::model::{
    ConditionalAccessPolicy, DirectoryRoleAssignment, OAuth2PermissionGrant,
};

use crate::wire::time;

/// A role assignment as beta `unifiedRoleAssignment`, or an eligible one as
/// `unifiedRoleEligibilityScheduleInstance`, with its `roleDefinition` expanded.
pub(crate) fn role_assignment_json(a: &DirectoryRoleAssignment, as_of: DateTime<Utc>) -> Value {
    let role = json!({
        "id": a.role_definition_id,
        "displayName": a.role_display_name,
        "isPrivileged": a.is_privileged,
    });
    if a.assignment_type == "eligible" {
        json!({
            "id": a.id,
            "principalId": a.principal_id,
            "roleDefinitionId": a.role_definition_id,
            "directoryScopeId": a.directory_scope_id,
            "appScopeId": null,
            "startDateTime": time(Some(as_of - chrono::Duration::days(90))),
            "endDateTime": null,
            "memberType": "Direct",
            "roleEligibilityScheduleId": a.id,
            "roleDefinition": role,
        })
    } else {
        json!({
            "id": a.id,
            "principalId": a.principal_id,
            "roleDefinitionId": a.role_definition_id,
            "directoryScopeId": a.directory_scope_id,
            "roleDefinition": role,
        })
    }
}

/// Delegated permissions granted to a client, as v1.0 `oauth2PermissionGrant`.
pub(crate) fn grant_json(g: &OAuth2PermissionGrant) -> Value {
    json!({
        "clientId": g.client_id,
        "consentType": g.consent_type,
        "id": g.id,
        "principalId": g.principal_id,
        "resourceId": g.resource_id,
        "scope": g.scope,
    })
}

/// A conditional access policy: the cache keeps the whole policy as Graph wrote it, so it is
/// served as stored.
pub(crate) fn ca_policy_json(p: &ConditionalAccessPolicy) -> Value {
    serde_json::from_str(&p.policy).unwrap_or(Value::Null)
}
