//! Faults and throttling: connections reset halfway through a body, Graph's limits per endpoint
//! family as token buckets, and the gate every Graph request passes (the bearer token checked,
//! then the injected 429, 503, 401 and 400 rolled), with the configured delay.

use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rand::Rng;

use crate::config::Limits;
use crate::errors::graph_error;
use crate::state::Sim;

/// The endpoint families Graph throttles separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Directory,
    Reports,
    Protection,
}

fn family_of(path: &str) -> Family {
    if path.contains("/auditLogs/") || path.contains("/reports/") {
        Family::Reports
    } else if path.contains("/identityProtection/") || path.contains("/conditionalAccess/") {
        Family::Protection
    } else {
        Family::Directory
    }
}

/// Drops the connection halfway through a response body, at the `connection_reset` rate: the
/// client sees a body cut short, as when a proxy or Graph's front door resets the connection.
pub(crate) async fn connection_faults(
    State(sim): State<Sim>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_string();
    let graph = path.starts_with("/v1.0/") || path.starts_with("/beta/");
    if let (Some(limits), true) = (sim.config.faults.limits, graph) {
        let query = request.uri().query().unwrap_or("");
        if let Some(r) = over_limit(&sim, &limits, &path, query) {
            return r;
        }
    }
    let rate = sim.config.faults.connection_reset;
    let reset = rate > 0.0 && !path.starts_with("/_sim") && {
        let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.rng.random::<f64>() < rate
    };
    let response = next.run(request).await;
    if !reset {
        return response;
    }
    cut_short(response).await
}

/// `response` with its body cut off halfway and the connection reset.
pub(crate) async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(0..bytes.len() / 2);
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated connection reset",
        )),
    ];
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(
        parts,
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
    )
}

/// A family's bucket: (capacity, refill per second).
fn bucket(limits: &Limits, family: Family) -> (f64, f64) {
    let (capacity, per_sec) = match family {
        Family::Directory => (
            limits.directory_units_per_10s,
            limits.directory_units_per_10s / 10.0,
        ),
        Family::Reports => (limits.reports_per_10s, limits.reports_per_10s / 10.0),
        Family::Protection => (limits.protection_per_s, limits.protection_per_s),
    };
    (capacity, per_sec * limits.speed)
}

/// What a request takes from its family's bucket: directory reads cost resource units (2, 1 with
/// `$select`, one more with `$expand`, 20 for a batch); every other family counts requests.
fn cost(family: Family, path: &str, query: &str) -> f64 {
    if family != Family::Directory {
        return 1.0;
    }
    if path.ends_with("/$batch") {
        return 20.0;
    }
    let mut cost: f64 = 2.0;
    if query.contains("select=") {
        cost -= 1.0;
    }
    if query.contains("expand=") {
        cost += 1.0;
    }
    cost
}

/// The least time, in seconds, any client could have taken to get the requests admitted so far
/// through the limits: per family, what was spent beyond the bucket's first fill, at its refill
/// rate; the slowest family bounds the run (families refill side by side).
pub(crate) fn throttle_floor(
    limits: &Limits,
    spent: &std::collections::HashMap<Family, f64>,
) -> f64 {
    [Family::Directory, Family::Reports, Family::Protection]
        .into_iter()
        .map(|family| {
            let (capacity, per_sec) = bucket(limits, family);
            (spent.get(&family).copied().unwrap_or(0.0) - capacity).max(0.0) / per_sec
        })
        .fold(0.0, f64::max)
}

/// Takes this request's cost from its family's token bucket, or answers 429 as Graph does for
/// that family: with `Retry-After` (the seconds until the bucket holds the cost again), or none
/// for Identity Protection and conditional access.
fn over_limit(sim: &Sim, limits: &Limits, path: &str, query: &str) -> Option<Response> {
    let family = family_of(path);
    let (capacity, per_sec) = bucket(limits, family);
    let cost = cost(family, path, query);
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let (tokens, last) = inner.buckets.entry(family).or_insert((capacity, now));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * per_sec).min(capacity);
    *last = now;
    if *tokens >= cost {
        *tokens -= cost;
        *inner.spent.entry(family).or_insert(0.0) += cost;
        return None;
    }
    let wait = ((cost - *tokens) / per_sec).ceil().max(1.0) as u64;
    inner.limited += 1;
    let mut r = graph_error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Too many requests: the application exceeded its limit for this tenant.",
    );
    if family != Family::Protection {
        r.headers_mut().insert(
            "Retry-After",
            HeaderValue::from_str(&wait.to_string()).unwrap_or(HeaderValue::from_static("1")),
        );
    }
    Some(r)
}

/// What a request's faults and token check decided: go on, or answer this.
pub(crate) fn gate(sim: &Sim, headers: &HeaderMap, has_page_token: bool) -> Result<(), Response> {
    let f = &sim.config.faults;
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.requests += 1;
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let valid = token
        .as_ref()
        .and_then(|t| inner.tokens.get(t))
        .is_some_and(|exp| *exp > Instant::now());
    if !valid {
        return Err(graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token has expired or is not yet valid.",
        ));
    }
    let roll = inner.rng.random::<f64>();
    let mut edge = f.throttle;
    if roll < edge {
        let mut r = graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests, please retry after the time the Retry-After header names.",
        );
        r.headers_mut().insert(
            "Retry-After",
            HeaderValue::from_str(&f.retry_after_secs.to_string())
                .unwrap_or(HeaderValue::from_static("1")),
        );
        return Err(r);
    }
    edge += f.throttle_no_retry_after;
    if roll < edge {
        return Err(graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests.",
        ));
    }
    edge += f.server_error;
    if roll < edge {
        return Err(graph_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Please retry.",
        ));
    }
    edge += f.revoke_token;
    if roll < edge {
        if let Some(t) = token {
            inner.tokens.remove(&t);
        }
        return Err(graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ));
    }
    edge += f.expire_page_token;
    if has_page_token && roll < edge {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "Directory_ExpiredPageToken",
            "The specified page token value has expired and can no longer be included in your request.",
        ));
    }
    Ok(())
}

/// What every paged list does first: waits the configured delay, then gates the request, telling
/// the gate whether it carries a page token (`$skiptoken`), which it returns.
pub(crate) async fn admit_page(
    sim: &Sim,
    headers: &HeaderMap,
    q: &std::collections::HashMap<String, String>,
) -> Result<Option<String>, Response> {
    delay(sim).await;
    let skip = q.get("$skiptoken").cloned();
    gate(sim, headers, skip.is_some())?;
    Ok(skip)
}

pub(crate) async fn delay(sim: &Sim) {
    let d = sim.config.faults.delay;
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}

#[cfg(test)]
mod floor_tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn the_floor_is_the_slowest_familys_spending_beyond_its_first_fill() {
        let limits = Limits::default();
        let mut spent = HashMap::new();
        assert_eq!(throttle_floor(&limits, &spent), 0.0);
        // 7,000 directory units: 3,500 at once, the rest at 350 a second.
        spent.insert(Family::Directory, 7_000.0);
        assert!((throttle_floor(&limits, &spent) - 10.0).abs() < 1e-9);
        // 25 sign-in pages: 5 at once, then one every 2 s; the slower family bounds the run.
        spent.insert(Family::Reports, 25.0);
        assert!((throttle_floor(&limits, &spent) - 40.0).abs() < 1e-9);
        // Windows ten times shorter, a floor ten times lower.
        assert!((throttle_floor(&limits.scaled(10.0), &spent) - 4.0).abs() < 1e-9);
    }
}
