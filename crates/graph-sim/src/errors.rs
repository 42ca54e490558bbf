//! Graph's error responses (`{"error": {"code", "message", "innerError"}}`) that the handlers answer
//! with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub(crate) fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": "2026-11-01T00:00:00", "request-id": "00000000-0000-4000-8000-000000000000"}}});
    (status, Json(body)).into_response()
}

pub(crate) fn not_found(id: &str) -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        &format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    graph_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "generalException",
        &e.to_string(),
    )
}

pub(crate) fn bad_token() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "Directory_InvalidPageToken",
        "The specified page token value is invalid.",
    )
}
