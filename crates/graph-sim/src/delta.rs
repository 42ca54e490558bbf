//! The delta functions of `applications` and `servicePrincipals`: full rounds, change rounds read
//! from the change log, and delta links that expire.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::directory::{directory_page, object_json, odata_type};
use crate::errors::{bad_token, graph_error, internal};
use crate::faults::admit_page;
use crate::paging::{base_url, decode_token, encode_token, top};
use crate::state::{ChangeKind, Inner, Sim};

/// How long Graph keeps a delta link usable.
const DELTA_LINK_LIFETIME_MS: i64 = 7 * 86_400_000;

pub(crate) async fn delta_applications(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delta(sim, headers, q, "applications").await
}

pub(crate) async fn delta_service_principals(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delta(sim, headers, q, "servicePrincipals").await
}

/// The delta function. Without a token it starts a full round (every object, then a delta link);
/// `$deltatoken=latest` answers no objects and a delta link from now; a delta link answers what
/// changed since it was issued: whole objects for additions, the id and the changed property for
/// renames, and `@removed` for deletions. A link from an earlier epoch, or older than seven days,
/// is answered with Graph's 400 `syncStateNotFound`.
pub(crate) async fn delta(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    collection: &'static str,
) -> Response {
    let skip = match admit_page(&sim, &headers, &q).await {
        Ok(skip) => skip,
        Err(r) => return r,
    };
    let top = match top(&sim, &q, 200, 999) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let epoch = inner.delta_epoch.to_string();
    let link = format!("{}/v1.0/{collection}/delta", base_url(&headers));
    let now = steward_core::clock::now().timestamp_millis();
    let mut body = json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#{collection}"),
        "value": [],
    });
    match (q.get("$deltatoken").map(String::as_str), skip.as_deref()) {
        (Some("latest"), _) => {
            body["@odata.deltaLink"] = delta_link(&link, collection, inner.seq, &epoch).into();
        }
        (Some(token), _) => {
            let Some(p) = decode_token(token) else {
                return bad_token();
            };
            if p.len() != 5 || p[0] != "delta" || p[1] != collection {
                return bad_token();
            }
            let issued = p[4].parse::<i64>().unwrap_or(0);
            if p[3] != epoch || now - issued > DELTA_LINK_LIFETIME_MS {
                return sync_state_not_found();
            }
            let Ok(from) = p[2].parse::<u64>() else {
                return bad_token();
            };
            let to = inner.seq;
            return change_page(
                &inner, &mut body, collection, from, to, 0, top, &link, &epoch,
            )
            .unwrap_or_else(|r| r);
        }
        (None, Some(token)) => {
            let Some(p) = decode_token(token) else {
                return bad_token();
            };
            if p.len() < 2 || p[1] != collection {
                return bad_token();
            }
            match (p[0].as_str(), p.len()) {
                ("full", 5) => {
                    if p[4] != epoch {
                        return sync_state_not_found();
                    }
                    let Ok(seq) = p[3].parse::<u64>() else {
                        return bad_token();
                    };
                    return full_page(
                        &inner,
                        &mut body,
                        collection,
                        Some(&p[2]),
                        seq,
                        top,
                        &link,
                        &epoch,
                    )
                    .unwrap_or_else(|r| r);
                }
                ("changes", 6) => {
                    if p[5] != epoch {
                        return sync_state_not_found();
                    }
                    let (Ok(from), Ok(to), Ok(offset)) = (
                        p[2].parse::<u64>(),
                        p[3].parse::<u64>(),
                        p[4].parse::<usize>(),
                    ) else {
                        return bad_token();
                    };
                    return change_page(
                        &inner, &mut body, collection, from, to, offset, top, &link, &epoch,
                    )
                    .unwrap_or_else(|r| r);
                }
                _ => return bad_token(),
            }
        }
        (None, None) => {
            let seq = inner.seq;
            return full_page(&inner, &mut body, collection, None, seq, top, &link, &epoch)
                .unwrap_or_else(|r| r);
        }
    }
    Json(body).into_response()
}

/// A delta link from change `seq` on, issued now.
fn delta_link(link: &str, collection: &str, seq: u64, epoch: &str) -> String {
    format!(
        "{link}?$deltatoken={}",
        encode_token(&[
            "delta",
            collection,
            &seq.to_string(),
            epoch,
            &steward_core::clock::now().timestamp_millis().to_string()
        ])
    )
}

/// A page of a delta function's full round: objects after `after`, then a delta link from `seq`.
#[allow(clippy::too_many_arguments)]
fn full_page(
    inner: &Inner,
    body: &mut Value,
    collection: &'static str,
    after: Option<&str>,
    seq: u64,
    top: i64,
    link: &str,
    epoch: &str,
) -> Result<Response, Response> {
    let (items, last) = directory_page(inner, collection, after, top)?;
    let full = items.len() as i64 == top;
    body["value"] = Value::Array(items);
    match last {
        Some(last) if full => {
            body["@odata.nextLink"] = format!(
                "{link}?$skiptoken={}",
                encode_token(&["full", collection, &last, &seq.to_string(), epoch])
            )
            .into();
        }
        _ => body["@odata.deltaLink"] = delta_link(link, collection, seq, epoch).into(),
    }
    Ok(Json(body.take()).into_response())
}

/// A page of a change round: the objects changed after `from` up to `to`, from `offset` on.
#[allow(clippy::too_many_arguments)]
fn change_page(
    inner: &Inner,
    body: &mut Value,
    collection: &'static str,
    from: u64,
    to: u64,
    offset: usize,
    top: i64,
    link: &str,
    epoch: &str,
) -> Result<Response, Response> {
    // Each changed id once, in the order of its first change; what happened to it in the range.
    let mut ids: Vec<(&str, Vec<ChangeKind>)> = Vec::new();
    for c in inner
        .changes
        .iter()
        .filter(|c| c.collection == collection && c.seq > from && c.seq <= to)
    {
        match ids.iter_mut().find(|(id, _)| *id == c.id) {
            Some((_, kinds)) => kinds.push(c.kind),
            None => ids.push((&c.id, vec![c.kind])),
        }
    }
    let page: Vec<&(&str, Vec<ChangeKind>)> = ids.iter().skip(offset).take(top as usize).collect();
    let mut items = Vec::with_capacity(page.len());
    for (id, kinds) in &page {
        let item = match object_json(inner, collection, id).map_err(internal)? {
            // Soft-deleted (restorable) is `changed`; purged is `deleted`.
            None => json!({
                "@odata.type": odata_type(collection),
                "id": id,
                "@removed": {"reason": if in_store(inner, collection, id).map_err(internal)? {
                    "changed"
                } else {
                    "deleted"
                }},
            }),
            Some(whole) if kinds.iter().any(|k| *k != ChangeKind::Renamed) => whole,
            Some(whole) => json!({
                "@odata.type": odata_type(collection),
                "id": id,
                "displayName": whole["displayName"],
            }),
        };
        items.push(item);
    }
    body["value"] = Value::Array(items);
    let next = offset + page.len();
    if next < ids.len() {
        body["@odata.nextLink"] = format!(
            "{link}?$skiptoken={}",
            encode_token(&[
                "changes",
                collection,
                &from.to_string(),
                &to.to_string(),
                &next.to_string(),
                epoch
            ])
        )
        .into();
    } else {
        body["@odata.deltaLink"] = delta_link(link, collection, to, epoch).into();
    }
    Ok(Json(body.take()).into_response())
}

/// Whether the store holds object `id` at all, active or soft-deleted.
fn in_store(inner: &Inner, collection: &str, id: &str) -> rusqlite::Result<bool> {
    let table = if collection == "applications" {
        "applications"
    } else {
        "service_principals"
    };
    inner
        .conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant = ?1 AND id = ?2)"
        ))?
        .query_row(rusqlite::params![inner.key.0, id], |r| r.get(0))
}

fn sync_state_not_found() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "syncStateNotFound",
        "The sync state generation is expired or not found. Restart the sync without a delta token.",
    )
}
