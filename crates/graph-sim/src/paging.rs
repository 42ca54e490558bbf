//! Paging shared by the lists: opaque `$skiptoken` values, `$top` checked against each list's
//! maximum, the configured page cap, and the base URL that next links are written with.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::errors::graph_error;
use crate::state::Sim;

/// `$skiptoken` values: opaque to clients, the position after the last item served.
pub(crate) fn encode_token(parts: &[&str]) -> String {
    parts
        .join("\u{1f}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn decode_token(t: &str) -> Option<Vec<String>> {
    if !t.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&t[i..i + 2], 16).ok())
        .collect();
    let s = String::from_utf8(bytes?).ok()?;
    Some(s.split('\u{1f}').map(str::to_string).collect())
}

pub(crate) fn page_size(
    q: &HashMap<String, String>,
    default: i64,
    max: i64,
) -> Result<i64, Response> {
    match q.get("$top") {
        None => Ok(default),
        Some(t) => match t.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(graph_error(
                StatusCode::BAD_REQUEST,
                "Request_UnsupportedQuery",
                &format!(
                    "Invalid page size specified: '{t}'. Must be between 1 and {max} inclusive."
                ),
            )),
        },
    }
}

/// The page size a list answers with: `$top` within Graph's bounds, then the simulator's cap.
pub(crate) fn top(
    sim: &Sim,
    q: &HashMap<String, String>,
    default: i64,
    max: i64,
) -> Result<i64, Response> {
    page_size(q, default, max).map(|n| capped(sim, n))
}

pub(crate) fn capped(sim: &Sim, n: i64) -> i64 {
    match sim.config.faults.page_cap {
        0 => n,
        cap => n.min(cap),
    }
}

/// Set by the https listener on each request it accepted (and overwritten there, so a client
/// cannot choose it); plain http requests come without it.
pub(crate) const SCHEME_HEADER: &str = "x-graph-sim-scheme";

/// The address the client reached the simulator at, for absolute links.
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = match headers.get(SCHEME_HEADER).and_then(|h| h.to_str().ok()) {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}
