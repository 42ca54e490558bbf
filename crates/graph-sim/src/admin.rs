//! The `/_sim/…` endpoints that tests use to change the tenant between two syncs, expire delta
//! links or refresh tokens, and read the simulator's counters.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::store::{applications, service_principals};

use crate::directory::directory_collection;
use crate::state::{new_guid, record, ChangeKind, Sim};

/// Every refresh token issued so far stops working, as after a password reset or revocation.
pub(crate) async fn sim_revoke_refresh_tokens(State(sim): State<Sim>) -> Response {
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.refresh_tokens.clear();
    StatusCode::NO_CONTENT.into_response()
}

fn sim_error(e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
}

pub(crate) async fn sim_delete(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let now = steward_core::clock::now().timestamp_millis();
    let done = if collection == "applications" {
        applications::mark_deleted(&inner.conn, inner.key, &id, now)
    } else {
        service_principals::mark_deleted(&inner.conn, inner.key, &id, now)
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Deleted);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => sim_error(e),
    }
}

/// Deletes an object for good (Graph's permanent delete, or the end of the 30 days a deleted
/// object is kept for).
pub(crate) async fn sim_purge(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let done = if collection == "applications" {
        applications::delete_application(&inner.conn, inner.key, &id)
    } else {
        service_principals::delete_service_principal(&inner.conn, inner.key, &id)
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Deleted);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => sim_error(e),
    }
}

pub(crate) async fn sim_rename(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = body["displayName"]
        .as_str()
        .unwrap_or("renamed")
        .to_string();
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let table = if collection == "applications" {
        "applications"
    } else {
        "service_principals"
    };
    match inner.conn.execute(
        &format!("UPDATE {table} SET display_name = ?1 WHERE tenant = ?2 AND id = ?3"),
        rusqlite::params![name, inner.key.0, id],
    ) {
        Ok(1) => {
            record(&mut inner, collection, &id, ChangeKind::Renamed);
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => sim_error(e),
    }
}

/// Adds an object to the tenant: a copy of the first one with new ids, the given display name
/// and no credentials. Answers `{"id": …}`.
pub(crate) async fn sim_add(
    State(sim): State<Sim>,
    Path(collection): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = body["displayName"].as_str().unwrap_or("added").to_string();
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let (id, app_id) = (new_guid(&mut inner.rng), new_guid(&mut inner.rng));
    let done = if collection == "applications" {
        match applications::list_page(&inner.conn, inner.key, None, 1) {
            Ok(mut v) if !v.is_empty() => {
                let mut a = v.remove(0);
                a.id = id.clone();
                a.app_id = app_id;
                a.display_name = name;
                a.created_date_time = Some(steward_core::clock::now());
                a.password_credentials.clear();
                a.key_credentials.clear();
                a.federated_identity_credentials.clear();
                applications::upsert_application(&inner.conn, inner.key, &a)
            }
            Ok(_) => return StatusCode::CONFLICT.into_response(),
            Err(e) => Err(e),
        }
    } else {
        match service_principals::list_page(&inner.conn, inner.key, None, 1) {
            Ok(mut v) if !v.is_empty() => {
                let mut sp = v.remove(0);
                sp.id = id.clone();
                sp.app_id = app_id;
                sp.display_name = name;
                sp.password_credentials.clear();
                sp.key_credentials.clear();
                let home = inner.tenant_id.clone();
                service_principals::upsert_service_principal(&inner.conn, inner.key, &home, &sp)
            }
            Ok(_) => return StatusCode::CONFLICT.into_response(),
            Err(e) => Err(e),
        }
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Added);
            (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
        }
        Err(e) => sim_error(e),
    }
}

/// Every delta link issued so far expires, as after Graph's seven days.
pub(crate) async fn sim_expire_delta_tokens(State(sim): State<Sim>) -> Response {
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.delta_epoch += 1;
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) async fn sim_stats(State(sim): State<Sim>) -> Response {
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let peak = sim.batches.1.load(std::sync::atomic::Ordering::SeqCst);
    Json(json!({
        "requests": inner.requests,
        "tokensIssued": inner.issued,
        "limited": inner.limited,
        "peakBatchesInFlight": peak,
        "writes": inner.writes,
        // Under --graph-limits: the least time the admitted requests needed, whoever sent them.
        "throttleFloorSeconds": sim
            .config
            .faults
            .limits
            .map(|l| crate::faults::throttle_floor(&l, &inner.spent)),
    }))
    .into_response()
}
