//! JSON batching (`$batch`): up to 20 GETs of single objects and their related lists, each
//! answered on its own, and the count of batches in flight.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::{json, Value};

use crate::directory::{directory_collection, object_json};
use crate::errors::graph_error;
use crate::faults::{delay, gate};
use crate::objects::{assignments_json, owners_json, sponsors_json};
use crate::state::Sim;

/// Counts a `$batch` request in flight while it lives.
struct InFlight(
    Arc<(
        std::sync::atomic::AtomicUsize,
        std::sync::atomic::AtomicUsize,
    )>,
);

impl InFlight {
    fn new(sim: &Sim) -> InFlight {
        use std::sync::atomic::Ordering::SeqCst;
        let now = sim.batches.0.fetch_add(1, SeqCst) + 1;
        sim.batches.1.fetch_max(now, SeqCst);
        InFlight(sim.batches.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// JSON batching: up to 20 GET requests of single directory objects, each answered on its own
/// (a sub-request may be throttled while the others succeed, as Graph does).
pub(crate) async fn batch(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let _in_flight = InFlight::new(&sim);
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let Some(requests) = body["requests"].as_array() else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Invalid batch payload format: no `requests` array.",
        );
    };
    if requests.len() > 20 {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The number of batch requests in the payload exceeds the limit of 20.",
        );
    }
    let f = &sim.config.faults;
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let mut responses = Vec::with_capacity(requests.len());
    for r in requests {
        let id = r["id"].clone();
        let method = r["method"].as_str().unwrap_or("");
        let url = r["url"].as_str().unwrap_or("");
        let path = url.split('?').next().unwrap_or("").trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        let roll = inner.rng.random::<f64>();
        let (status, headers, body) = if roll < f.throttle + f.throttle_no_retry_after {
            (
                429,
                json!({"Retry-After": f.retry_after_secs.to_string()}),
                json!({"error": {"code": "TooManyRequests", "message": "Too many requests."}}),
            )
        } else if method == "GET"
            && (parts.len() == 3 && matches!(parts[2], "appRoleAssignments" | "owners")
                || parts.len() == 4
                    && crate::objects::SPONSOR_CASTS
                        .iter()
                        .any(|(c, cast)| parts[0] == *c && parts[2].eq_ignore_ascii_case(cast))
                    && parts[3] == "sponsors")
        {
            let found = match (directory_collection(parts[0]), parts[2]) {
                _ if parts.len() == 4 => sponsors_json(&inner, parts[0], parts[2], parts[1]),
                (Some("servicePrincipals"), "appRoleAssignments") => {
                    assignments_json(&inner, parts[1])
                }
                (Some(c), "owners") => owners_json(&inner, c, parts[1]),
                _ => Ok(None),
            };
            match found {
                Ok(Some(v)) => (200, json!({"Content-Type": "application/json"}), v),
                Ok(None) => (
                    404,
                    json!({}),
                    json!({"error": {"code": "Request_ResourceNotFound", "message": format!("Resource '{}' does not exist.", parts[1])}}),
                ),
                Err(e) => (
                    500,
                    json!({}),
                    json!({"error": {"code": "generalException", "message": e.to_string()}}),
                ),
            }
        } else if method != "GET" || parts.len() != 2 {
            (
                400,
                json!({}),
                json!({"error": {"code": "BadRequest", "message": format!("This batch supports GET of a single object, not {method} {url}.")}}),
            )
        } else {
            match directory_collection(parts[0]).map(|c| object_json(&inner, c, parts[1])) {
                Some(Ok(Some(v))) => (200, json!({"Content-Type": "application/json"}), v),
                Some(Ok(None)) => (
                    404,
                    json!({}),
                    json!({"error": {"code": "Request_ResourceNotFound", "message": format!("Resource '{}' does not exist.", parts[1])}}),
                ),
                Some(Err(e)) => (
                    500,
                    json!({}),
                    json!({"error": {"code": "generalException", "message": e.to_string()}}),
                ),
                None => (
                    400,
                    json!({}),
                    json!({"error": {"code": "BadRequest", "message": format!("Resource not found for the segment '{}'.", parts[0])}}),
                ),
            }
        };
        responses.push(json!({"id": id, "status": status, "headers": headers, "body": body}));
    }
    Json(json!({"responses": responses})).into_response()
}
