//! The windowed logs: beta `auditLogs/signIns` and v1.0 `auditLogs/directoryAudits`, newest
//! first, filtered by a time range.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::DateTime;
use serde_json::{json, Value};
use steward_core::store::{self, sign_ins};

use crate::errors::{bad_token, graph_error, internal};
use crate::faults::admit_page;
use crate::paging::{base_url, decode_token, encode_token, top};
use crate::state::Sim;
use crate::wire::logs::{audit_json, sign_in_json};

/// `createdDateTime ge X and createdDateTime le Y` (either may be absent), as instants in ms.
fn created_range(filter: Option<&String>) -> Result<(i64, i64), Response> {
    time_range(filter, "createdDateTime")
}

/// `{field} ge X and {field} le Y` (either may be absent), as instants in ms.
fn time_range(filter: Option<&String>, field: &str) -> Result<(i64, i64), Response> {
    let (mut from, mut to) = (i64::MIN, i64::MAX);
    let Some(f) = filter else {
        return Ok((from, to));
    };
    for clause in f.split(" and ") {
        let parts: Vec<&str> = clause.split_whitespace().collect();
        if parts.len() == 3 && parts[0] == field {
            let t = DateTime::parse_from_rfc3339(parts[2])
                .map_err(|_| {
                    graph_error(
                        StatusCode::BAD_REQUEST,
                        "BadRequest",
                        &format!("Invalid filter clause: {clause}"),
                    )
                })?
                .timestamp_millis();
            match parts[1] {
                "ge" => from = t,
                "gt" => from = t + 1,
                "le" => to = t,
                "lt" => to = t - 1,
                _ => {
                    return Err(graph_error(
                        StatusCode::BAD_REQUEST,
                        "BadRequest",
                        &format!("Invalid filter clause: {clause}"),
                    ))
                }
            }
        }
    }
    Ok((from, to))
}

pub(crate) async fn list_sign_ins(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let skip = match admit_page(&sim, &headers, &q).await {
        Ok(skip) => skip,
        Err(r) => return r,
    };
    if sim.config.faults.no_entra_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        );
    }
    let top = match top(&sim, &q, 1000, 1000) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let (from, to) = match created_range(q.get("$filter")) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let before = match &skip {
        Some(t) => match decode_token(t) {
            Some(p) if p.len() == 3 && p[0] == "signIns" => {
                let created = p[1].parse::<i64>().ok();
                let id = (0..p[2].len())
                    .step_by(2)
                    .map(|i| {
                        p[2].get(i..i + 2)
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    })
                    .collect::<Option<Vec<u8>>>();
                match (created, id) {
                    (Some(c), Some(id)) => Some((c, id)),
                    _ => return bad_token(),
                }
            }
            _ => return bad_token(),
        },
        None => None,
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let page = match sign_ins::page_newest_first(&inner.conn, inner.key, from, to, before, top) {
        Ok(p) => p,
        Err(e) => {
            return graph_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "generalException",
                &e.to_string(),
            )
        }
    };
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns",
        "value": page.iter().map(|(s, _)| sign_in_json(s)).collect::<Vec<_>>(),
    });
    if page.len() as i64 == top {
        if let Some((_, (created, id))) = page.last() {
            let id_hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
            let mut link = format!(
                "{}/beta/auditLogs/signIns?$top={top}&$skiptoken={}",
                base_url(&headers),
                encode_token(&["signIns", &created.to_string(), &id_hex])
            );
            if let Some(f) = q.get("$filter") {
                link.push_str("&$filter=");
                link.push_str(&f.replace(' ', "%20"));
            }
            body["@odata.nextLink"] = link.into();
        }
    }
    Json(body).into_response()
}

/// v1.0 `auditLogs/directoryAudits`: the ApplicationManagement events (the only category the
/// simulated tenant logs), newest first, filtered by `activityDateTime`, `$skiptoken` an offset.
pub(crate) async fn list_directory_audits(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let skip = match admit_page(&sim, &headers, &q).await {
        Ok(skip) => skip,
        Err(r) => return r,
    };
    let top = match top(&sim, &q, 100, 999) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let (from, to) = match time_range(q.get("$filter"), "activityDateTime") {
        Ok(r) => r,
        Err(r) => return r,
    };
    let other_category = q.get("$filter").is_some_and(|f| {
        f.contains("category eq") && !f.contains("category eq 'ApplicationManagement'")
    });
    let offset = match &skip {
        Some(t) => match decode_token(t) {
            Some(p) if p.len() == 2 && p[0] == "directoryAudits" => match p[1].parse::<usize>() {
                Ok(n) => n,
                Err(_) => return bad_token(),
            },
            _ => return bad_token(),
        },
        None => 0,
    };
    let all = if other_category {
        Vec::new()
    } else {
        let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        match store::governance::list_audits(&inner.conn, inner.key, from, to, None) {
            Ok(v) => v,
            Err(e) => return internal(e),
        }
    };
    let tenant = inner_tenant(&sim);
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(top as usize)
        .map(|a| audit_json(a, &tenant))
        .collect();
    let next = offset + page.len();
    let mut body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
        "value": page,
    });
    if next < all.len() {
        let mut link = format!(
            "{}/v1.0/auditLogs/directoryAudits?$top={top}&$skiptoken={}",
            base_url(&headers),
            encode_token(&["directoryAudits", &next.to_string()])
        );
        if let Some(f) = q.get("$filter") {
            link.push_str("&$filter=");
            link.push_str(&f.replace(' ', "%20").replace('\'', "%27"));
        }
        body["@odata.nextLink"] = link.into();
    }
    Json(body).into_response()
}

fn inner_tenant(sim: &Sim) -> String {
    sim.inner
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .tenant_id
        .clone()
}
