//! One directory object by id and its related lists: owners, agent identity sponsors and app
//! role assignments.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::store::{self, service_principals};

use crate::directory::{directory_collection, object_json};
use crate::errors::{graph_error, internal, not_found};
use crate::faults::{delay, gate};
use crate::state::{Inner, Sim};
use crate::wire::directory::{app_role_assignment_json, directory_object_json};

/// The app role assignments granted to service principal `id` (its application permissions), as
/// Graph lists them; `None` when the tenant has no such service principal.
pub(crate) fn assignments_json(inner: &Inner, id: &str) -> steward_core::Result<Option<Value>> {
    let Some(sp) = service_principals::get_service_principal(&inner.conn, inner.key, id)?
        .filter(|sp| sp.deleted_date_time.is_none())
    else {
        return Ok(None);
    };
    let rows = store::app_role_assignments::list_for_principal(&inner.conn, inner.key, id)?;
    Ok(Some(json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('{id}')/appRoleAssignments"),
        "value": rows
            .iter()
            .map(|a| app_role_assignment_json(a, &sp.display_name))
            .collect::<Vec<_>>(),
    })))
}

/// The owners of application or service principal `id`, as Graph lists them (directory objects:
/// users, service principals, groups); `None` when the tenant has no such object.
pub(crate) fn owners_json(
    inner: &Inner,
    collection: &str,
    id: &str,
) -> steward_core::Result<Option<Value>> {
    related_json(
        inner,
        collection,
        id,
        steward_core::model::OwnerRelation::Owner,
    )
}

/// The three casts Graph answers sponsors on (beta): an agent identity, a blueprint principal
/// (both service principals) and a blueprint (an application).
pub(crate) const SPONSOR_CASTS: [(&str, &str); 3] = [
    ("servicePrincipals", "microsoft.graph.agentIdentity"),
    (
        "servicePrincipals",
        "microsoft.graph.agentIdentityBlueprintPrincipal",
    ),
    ("applications", "microsoft.graph.agentIdentityBlueprint"),
];

/// The sponsors of `collection`/`id` cast to `cast` (beta `…/{id}/{cast}/sponsors`); none when
/// the object is not of that type, as the cast then finds nothing.
pub(crate) fn sponsors_json(
    inner: &Inner,
    collection: &str,
    cast: &str,
    id: &str,
) -> steward_core::Result<Option<Value>> {
    let fits = match cast.to_ascii_lowercase().as_str() {
        "microsoft.graph.agentidentity" | "microsoft.graph.agentidentityblueprintprincipal"
            if collection == "servicePrincipals" =>
        {
            service_principals::get_service_principal(&inner.conn, inner.key, id)?.is_some_and(
                |sp| {
                    sp.deleted_date_time.is_none()
                        && if cast.eq_ignore_ascii_case("microsoft.graph.agentIdentity") {
                            steward_core::model::IdentityKind::classify(
                                &sp.service_principal_type,
                                &sp.alternative_names,
                            ) == steward_core::model::IdentityKind::AgentIdentity
                        } else {
                            sp.agent_blueprint_principal
                        }
                },
            )
        }
        "microsoft.graph.agentidentityblueprint" if collection == "applications" => {
            store::applications::get_application(&inner.conn, inner.key, id)?
                .is_some_and(|a| a.deleted_date_time.is_none() && a.agent_blueprint)
        }
        _ => false,
    };
    if !fits {
        return Ok(None);
    }
    let mut v = related_json(
        inner,
        collection,
        id,
        steward_core::model::OwnerRelation::Sponsor,
    )?;
    if let Some(o) = v.as_mut().and_then(Value::as_object_mut) {
        // The documented sponsors response carries no context.
        o.remove("@odata.context");
    }
    Ok(v)
}

fn related_json(
    inner: &Inner,
    collection: &str,
    id: &str,
    relation: steward_core::model::OwnerRelation,
) -> steward_core::Result<Option<Value>> {
    if object_json(inner, collection, id)?.is_none() {
        return Ok(None);
    }
    let owners = store::owners::list_for_objects(&inner.conn, inner.key, &[id])?;
    Ok(Some(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
        "value": owners
            .iter()
            .filter(|o| o.relation == relation)
            .map(directory_object_json)
            .collect::<Vec<_>>(),
    })))
}

/// `GET /v1.0/{applications|servicePrincipals}/{id}/owners`.
pub(crate) async fn list_owners(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        match directory_collection(&collection) {
            Some(c) => owners_json(inner, c, &id),
            None => Ok(None),
        }
    })
    .await
}

/// `GET /beta/{collection}/{id}/{cast}/sponsors`, for the casts of [`SPONSOR_CASTS`].
pub(crate) async fn list_sponsors(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id, cast)): Path<(String, String, String)>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        sponsors_json(inner, &collection, &cast, &id)
    })
    .await
}

/// One object's list as JSON from the cache, or Graph's 404 when the object is not there; the
/// request delayed and gated like any other.
pub(crate) async fn serve(
    sim: &Sim,
    headers: &HeaderMap,
    id: &str,
    list: impl FnOnce(&Inner) -> steward_core::Result<Option<Value>>,
) -> Response {
    delay(sim).await;
    if let Err(r) = gate(sim, headers, false) {
        return r;
    }
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match list(&inner) {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => not_found(id),
        Err(e) => internal(e),
    }
}

/// `GET /v1.0/servicePrincipals/{id}/appRoleAssignments`.
pub(crate) async fn list_assignments(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| assignments_json(inner, &id)).await
}

/// `GET /v1.0/{applications|servicePrincipals}/{id}`.
pub(crate) async fn get_object(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let Some(collection) = directory_collection(&collection) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{collection}'."),
        );
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match object_json(&inner, collection, &id) {
        Ok(Some(mut v)) => {
            v["@odata.context"] =
                format!("https://graph.microsoft.com/v1.0/$metadata#{collection}/$entity").into();
            Json(v).into_response()
        }
        Ok(None) => not_found(&id),
        Err(e) => internal(e),
    }
}
