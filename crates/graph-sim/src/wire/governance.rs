//! The wire JSON of role management: beta `unifiedRoleAssignment` and
//! `unifiedRoleEligibilityScheduleInstance`.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use steward_core::model::DirectoryRoleAssignment;

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
