//! Pushing owners, sponsors and application permission removals: each reads the list first and
//! writes only what Entra does not have yet.

use reqwest::Method;
use serde_json::{json, Value};
use steward_core::manage::Change;
use steward_core::model::OwnerRelation;

use super::super::client::{Client, Written};
use super::objects::{gone, pushed, read};
use super::Step;
use crate::sync::{SyncError, SyncResult};

/// Whether Graph's list page (`value`) holds an object with this id (ids compare without case).
fn listed(v: &Value, id: &str) -> bool {
    v["value"].as_array().is_some_and(|all| {
        all.iter()
            .any(|o| o["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)))
    })
}

/// Whether the whole list at `url` (every page) holds `id`; `Err` with the step that ends the
/// item when the list cannot be read.
async fn in_list(
    client: &mut Client,
    change: &Change,
    url: &str,
    id: &str,
) -> SyncResult<Result<bool, Step>> {
    let mut next = url.to_string();
    loop {
        let v = match read(client, change, &next).await? {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(Err(gone(change))),
            Err(step) => return Ok(Err(step)),
        };
        if listed(&v, id) {
            return Ok(Ok(true));
        }
        match v["@odata.nextLink"].as_str() {
            Some(link) => next = link.to_string(),
            None => return Ok(Ok(false)),
        }
    }
}

/// One round for an owner, sponsor or permission change.
pub(super) async fn push(client: &mut Client, graph: &str, change: &Change) -> SyncResult<Step> {
    Ok(match change {
        Change::AddOwner { kind, owner } | Change::RemoveOwner { kind, owner } => {
            let list = match owner.relation {
                OwnerRelation::Owner => format!(
                    "{graph}/v1.0/{}/{}/owners",
                    kind.collection(),
                    owner.object_id
                ),
                OwnerRelation::Sponsor => format!(
                    "{graph}/beta/servicePrincipals/{}/microsoft.graph.agentIdentity/sponsors",
                    owner.object_id
                ),
            };
            let there = match in_list(client, change, &list, &owner.owner_id).await? {
                Ok(t) => t,
                Err(step) => return Ok(step),
            };
            match (change, there) {
                (Change::AddOwner { .. }, true) | (Change::RemoveOwner { .. }, false) => {
                    pushed(change.clone())
                }
                (Change::AddOwner { .. }, false) => {
                    let body = json!({
                        "@odata.id": format!("{graph}/v1.0/directoryObjects/{}", owner.owner_id)
                    });
                    let answer = client
                        .write(Method::POST, &format!("{list}/$ref"), Some(&body))
                        .await?;
                    super::written(change, answer, |_| change.clone())
                }
                _ => {
                    let url = format!("{list}/{}/$ref", owner.owner_id);
                    match client.write(Method::DELETE, &url, None).await? {
                        Written::Refused { status: 404, .. } => pushed(change.clone()),
                        answer => super::written(change, answer, |_| change.clone()),
                    }
                }
            }
        }
        Change::RemoveAppRoleAssignment { assignment: a } => {
            let list = format!(
                "{graph}/v1.0/servicePrincipals/{}/appRoleAssignments",
                a.principal_id
            );
            let there = match in_list(client, change, &list, &a.id).await? {
                Ok(t) => t,
                Err(step) => return Ok(step),
            };
            if !there {
                return Ok(pushed(change.clone()));
            }
            match client
                .write(Method::DELETE, &format!("{list}/{}", a.id), None)
                .await?
            {
                Written::Refused { status: 404, .. } => pushed(change.clone()),
                answer => super::written(change, answer, |_| change.clone()),
            }
        }
        Change::RemoveDirectoryRoleAssignment { assignment: a }
            if a.assignment_type == "eligible" =>
        {
            // Eligibilities are PIM schedules: removed by an adminRemove request, after reading
            // whether one is still there.
            let list =
                format!("{graph}/beta/roleManagement/directory/roleEligibilityScheduleInstances");
            let mut next = list;
            let there = loop {
                let v = match read(client, change, &next).await? {
                    Ok(Some(v)) => v,
                    Ok(None) => break false,
                    Err(step) => return Ok(step),
                };
                let same = v["value"].as_array().is_some_and(|all| {
                    all.iter().any(|e| {
                        e["principalId"].as_str() == Some(a.principal_id.as_str())
                            && e["roleDefinitionId"].as_str() == Some(a.role_definition_id.as_str())
                            && e["directoryScopeId"].as_str().unwrap_or("/") == a.directory_scope_id
                    })
                });
                if same {
                    break true;
                }
                match v["@odata.nextLink"].as_str() {
                    Some(link) => next = link.to_string(),
                    None => break false,
                }
            };
            if !there {
                return Ok(pushed(change.clone()));
            }
            let body = json!({
                "action": "adminRemove",
                "principalId": a.principal_id,
                "roleDefinitionId": a.role_definition_id,
                "directoryScopeId": a.directory_scope_id,
                "justification": "Denied in an access review run in Steward",
            });
            let url =
                format!("{graph}/v1.0/roleManagement/directory/roleEligibilityScheduleRequests");
            match client.write(Method::POST, &url, Some(&body)).await? {
                Written::Refused { code, .. } if code == "RoleAssignmentDoesNotExist" => {
                    pushed(change.clone())
                }
                answer => super::written(change, answer, |_| change.clone()),
            }
        }
        Change::RemoveDirectoryRoleAssignment { assignment: a } => {
            let url = format!(
                "{graph}/v1.0/roleManagement/directory/roleAssignments/{}",
                a.id
            );
            match read(client, change, &url).await? {
                Ok(None) => pushed(change.clone()),
                Err(step) => step,
                Ok(Some(_)) => match client.write(Method::DELETE, &url, None).await? {
                    Written::Refused { status: 404, .. } => pushed(change.clone()),
                    answer => super::written(change, answer, |_| change.clone()),
                },
            }
        }
        _ => {
            return Err(SyncError::Unexpected {
                url: graph.to_string(),
                message: "a change that is no owner's or permission's reached their push".into(),
            })
        }
    })
}
