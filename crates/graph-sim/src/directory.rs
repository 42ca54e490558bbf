//! The directory collections `applications` and `servicePrincipals`: the organization, the paged
//! lists (with `$count`), and one object as Graph serves it.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::store::{applications, service_principals};

use crate::errors::{bad_token, internal};
use crate::faults::{admit_page, delay, gate};
use crate::paging::{base_url, decode_token, encode_token, top};
use crate::state::{Inner, Sim};
use crate::wire::directory::{application_json, organization_json, service_principal_json};

pub(crate) async fn organization(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
        "value": [organization_json(
            &inner.tenant_id,
            &inner.tenant_name,
            inner.default_domain.as_deref(),
        )]
    }))
    .into_response()
}

async fn list_directory(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    collection: &'static str,
) -> Response {
    let skip = match admit_page(&sim, &headers, &q).await {
        Ok(skip) => skip,
        Err(r) => return r,
    };
    let top = match top(&sim, &q, 100, 999) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let after = match &skip {
        Some(t) => match decode_token(t) {
            Some(parts) if parts.len() == 2 && parts[0] == collection => Some(parts[1].clone()),
            _ => return bad_token(),
        },
        None => None,
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let (items, last) = match directory_page(&inner, collection, after.as_deref(), top) {
        Ok(page) => page,
        Err(r) => return r,
    };
    let mut body = json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#{collection}"),
        "value": items,
    });
    // `$count=true` (with ConsistencyLevel: eventual): the collection's size, on the first page.
    if skip.is_none() && q.get("$count").map(String::as_str) == Some("true") {
        let table = if collection == "applications" {
            "applications"
        } else {
            "service_principals"
        };
        let n: i64 = inner
            .conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE tenant = ?1 AND deleted IS NULL"),
                [inner.key.0],
                |r| r.get(0),
            )
            .unwrap_or(0);
        body["@odata.count"] = n.into();
    }
    if let (Some(last), true) = (
        last,
        body["value"]
            .as_array()
            .is_some_and(|v| v.len() as i64 == top),
    ) {
        let base = if sim.config.faults.foreign_next_link {
            "https://graph.example.invalid".to_string()
        } else {
            base_url(&headers)
        };
        body["@odata.nextLink"] = format!(
            "{base}/v1.0/{collection}?$top={top}&$skiptoken={}",
            encode_token(&[collection, &last])
        )
        .into();
    }
    Json(body).into_response()
}

pub(crate) async fn list_applications(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list_directory(sim, headers, q, "applications").await
}

pub(crate) async fn list_service_principals(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list_directory(sim, headers, q, "servicePrincipals").await
}

/// Up to `top` objects of a directory collection after `after`, in id order, as Graph serves
/// them, and the last one's id.
pub(crate) fn directory_page(
    inner: &Inner,
    collection: &str,
    after: Option<&str>,
    top: i64,
) -> Result<(Vec<Value>, Option<String>), Response> {
    Ok(if collection == "applications" {
        let v = applications::list_page(&inner.conn, inner.key, after, top).map_err(internal)?;
        (
            v.iter().map(application_json).collect(),
            v.last().map(|a| a.id.clone()),
        )
    } else {
        let v =
            service_principals::list_page(&inner.conn, inner.key, after, top).map_err(internal)?;
        (
            v.iter().map(service_principal_json).collect(),
            v.last().map(|s| s.id.clone()),
        )
    })
}

/// The whole object `id` of a directory collection as Graph serves it, if the tenant has it.
pub(crate) fn object_json(
    inner: &Inner,
    collection: &str,
    id: &str,
) -> steward_core::Result<Option<Value>> {
    Ok(if collection == "applications" {
        applications::get_application(&inner.conn, inner.key, id)?
            .as_ref()
            .map(application_json)
    } else {
        service_principals::get_full(&inner.conn, inner.key, id)?
            .as_ref()
            .map(service_principal_json)
    })
}

pub(crate) fn odata_type(collection: &str) -> &'static str {
    if collection == "applications" {
        "#microsoft.graph.application"
    } else {
        "#microsoft.graph.servicePrincipal"
    }
}

/// `applications` or `servicePrincipals` as the static name a change records.
pub(crate) fn directory_collection(name: &str) -> Option<&'static str> {
    match name {
        "applications" => Some("applications"),
        "servicePrincipals" => Some("servicePrincipals"),
        _ => None,
    }
}
