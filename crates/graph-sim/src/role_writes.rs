//! Directory role removals, as an access review's denials apply them: `GET` and `DELETE
//! /v1.0/roleManagement/directory/roleAssignments/{id}` for an active assignment, and `POST
//! /v1.0/roleManagement/directory/roleEligibilityScheduleRequests` with `action: adminRemove`
//! for an eligible one (Graph answers 400 `RoleAssignmentDoesNotExist` when there is none).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::store::directory_roles;

use crate::errors::{graph_error, internal, not_found};
use crate::objects::serve;
use crate::state::{new_guid, Sim};
use crate::wire::governance::role_assignment_json;
use crate::writes::write;

fn bad(code: &str, message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, code, message)
}

/// `GET …/roleAssignments/{id}`: an active assignment.
pub(crate) async fn get_assignment(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        Ok(directory_roles::list_all(&inner.conn, inner.key, "active")?
            .into_iter()
            .find(|a| a.id == id)
            .map(|a| role_assignment_json(&a, inner.as_of)))
    })
    .await
}

/// `DELETE …/roleAssignments/{id}`: 204.
pub(crate) async fn delete_assignment(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    write(&sim, &headers, |inner| {
        match directory_roles::list_all(&inner.conn, inner.key, "active") {
            Ok(all) if all.iter().any(|a| a.id == id) => {
                match directory_roles::remove_one(&inner.conn, inner.key, &id) {
                    Ok(()) => StatusCode::NO_CONTENT.into_response(),
                    Err(e) => internal(e),
                }
            }
            Ok(_) => not_found(&id),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `POST …/roleEligibilityScheduleRequests`: only `adminRemove` is served (201).
pub(crate) async fn eligibility_request(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let v: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return bad("BadRequest", &format!("Invalid request body: {e}")),
        };
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        if text("action") != "adminRemove" {
            return bad(
                "BadRequest",
                "The simulator serves only action adminRemove on roleEligibilityScheduleRequests.",
            );
        }
        let (principal, role, scope) = (
            text("principalId"),
            text("roleDefinitionId"),
            match text("directoryScopeId") {
                s if s.is_empty() => "/".to_string(),
                s => s,
            },
        );
        let found: Vec<String> = match directory_roles::list_all(&inner.conn, inner.key, "eligible")
        {
            Ok(all) => all
                .into_iter()
                .filter(|a| {
                    a.principal_id == principal
                        && a.role_definition_id == role
                        && a.directory_scope_id == scope
                })
                .map(|a| a.id)
                .collect(),
            Err(e) => return internal(e),
        };
        if found.is_empty() {
            return bad(
                "RoleAssignmentDoesNotExist",
                "The Role assignment does not exist.",
            );
        }
        for id in &found {
            if let Err(e) = directory_roles::remove_one(&inner.conn, inner.key, id) {
                return internal(e);
            }
        }
        (
            StatusCode::CREATED,
            Json(json!({
                "id": new_guid(&mut inner.rng),
                "action": "adminRemove",
                "status": "Revoked",
                "principalId": principal,
                "roleDefinitionId": role,
                "directoryScopeId": scope,
                "justification": v["justification"],
            })),
        )
            .into_response()
    })
    .await
}
