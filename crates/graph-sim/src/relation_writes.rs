//! Writes to who answers for an object and what it may do: owners added (`POST …/owners/$ref`)
//! and removed (`DELETE …/owners/{id}/$ref`), agent identities' sponsors likewise (beta), and an
//! application permission taken away (`DELETE …/appRoleAssignments/{id}`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use steward_core::model::{Owner, OwnerRelation};
use steward_core::store::{app_role_assignments, owners};

use crate::directory::{directory_collection, object_json};
use crate::errors::{graph_error, internal, not_found};
use crate::state::{record, ChangeKind, Inner, Sim};
use crate::writes::write;

/// The principal a `$ref` body names (`{"@odata.id": ".../directoryObjects/{id}"}`).
fn referenced(body: &[u8]) -> Result<String, Response> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid request body: {e}"),
        )
    })?;
    v["@odata.id"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            graph_error(
                StatusCode::BAD_REQUEST,
                "Request_BadRequest",
                "The request body must name the object in @odata.id.",
            )
        })
}

fn add(
    inner: &mut Inner,
    collection: &'static str,
    id: &str,
    pid: &str,
    relation: OwnerRelation,
) -> Response {
    match object_json(inner, collection, id) {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(id),
        Err(e) => return internal(e),
    }
    let current = match owners::list_for_objects(&inner.conn, inner.key, &[id]) {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    if current
        .iter()
        .any(|o| o.owner_id == pid && o.relation == relation)
    {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'owners'.",
        );
    }
    let Some((owner_type, display_name, user_type)) =
        (match owners::principal(&inner.conn, inner.key, pid) {
            Ok(p) => p,
            Err(e) => return internal(e),
        })
    else {
        return not_found(pid);
    };
    let owner = Owner {
        object_id: id.into(),
        owner_id: pid.into(),
        owner_type,
        display_name,
        relation,
        user_type,
    };
    if let Err(e) = owners::upsert_owner(&inner.conn, inner.key, &owner) {
        return internal(e);
    }
    record(inner, collection, id, ChangeKind::Added);
    StatusCode::NO_CONTENT.into_response()
}

fn remove(
    inner: &mut Inner,
    collection: &'static str,
    id: &str,
    pid: &str,
    relation: OwnerRelation,
) -> Response {
    let current = match owners::list_for_objects(&inner.conn, inner.key, &[id]) {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    if !current
        .iter()
        .any(|o| o.owner_id == pid && o.relation == relation)
    {
        return not_found(pid);
    }
    if let Err(e) = owners::remove_one(&inner.conn, inner.key, id, pid, relation) {
        return internal(e);
    }
    record(inner, collection, id, ChangeKind::Added);
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /v1.0/{applications|servicePrincipals}/{id}/owners/$ref`: 204.
pub(crate) async fn add_owner(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let Some(c) = directory_collection(&collection) else {
            return not_found(&collection);
        };
        match referenced(&body) {
            Ok(pid) => add(inner, c, &id, &pid, OwnerRelation::Owner),
            Err(r) => r,
        }
    })
    .await
}

/// `DELETE /v1.0/{applications|servicePrincipals}/{id}/owners/{owner}/$ref`: 204.
pub(crate) async fn remove_owner(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id, owner)): Path<(String, String, String)>,
) -> Response {
    write(&sim, &headers, |inner| {
        match directory_collection(&collection) {
            Some(c) => remove(inner, c, &id, &owner, OwnerRelation::Owner),
            None => not_found(&collection),
        }
    })
    .await
}

/// `POST /beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors/$ref`: 204.
pub(crate) async fn add_sponsor(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| match referenced(&body) {
        Ok(pid) => add(
            inner,
            "servicePrincipals",
            &id,
            &pid,
            OwnerRelation::Sponsor,
        ),
        Err(r) => r,
    })
    .await
}

/// `DELETE /beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors/{sponsor}/$ref`.
pub(crate) async fn remove_sponsor(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((id, sponsor)): Path<(String, String)>,
) -> Response {
    write(&sim, &headers, |inner| {
        remove(
            inner,
            "servicePrincipals",
            &id,
            &sponsor,
            OwnerRelation::Sponsor,
        )
    })
    .await
}

/// `DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignment}`: 204.
pub(crate) async fn remove_assignment(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((id, assignment)): Path<(String, String)>,
) -> Response {
    write(&sim, &headers, |inner| {
        match app_role_assignments::list_for_principal(&inner.conn, inner.key, &id) {
            Ok(list) if list.iter().any(|a| a.id == assignment) => {}
            Ok(_) => return not_found(&assignment),
            Err(e) => return internal(e),
        }
        if let Err(e) = app_role_assignments::remove_one(&inner.conn, inner.key, &assignment) {
            return internal(e);
        }
        record(inner, "servicePrincipals", &id, ChangeKind::Added);
        StatusCode::NO_CONTENT.into_response()
    })
    .await
}
