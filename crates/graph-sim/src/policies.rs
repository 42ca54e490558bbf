//! The tenant's policies Graph serves as one object each: v1.0 `policies/authorizationPolicy`,
//! `policies/adminConsentRequestPolicy` and `policies/defaultAppManagementPolicy`, answered from
//! the cache's `tenant_policies` as stored (keys sorted), with Graph's `$entity` context. The
//! collections (`policies/appManagementPolicies`, `identityGovernance/appConsent/
//! appConsentRequests`) are served whole with the others (`whole_collections.rs`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use steward_core::dataset::Dataset;
use steward_core::store::policies::list_policies;

use crate::errors::{graph_error, internal};
use crate::faults::admit_page;
use crate::state::Sim;

/// The single-object policies: (path, dataset).
pub(crate) const SINGLE_POLICIES: [(&str, Dataset); 3] = [
    (
        "/v1.0/policies/authorizationPolicy",
        Dataset::AuthorizationPolicy,
    ),
    (
        "/v1.0/policies/adminConsentRequestPolicy",
        Dataset::AdminConsentRequestPolicy,
    ),
    (
        "/v1.0/policies/defaultAppManagementPolicy",
        Dataset::DefaultAppManagementPolicy,
    ),
];

/// The stored objects of a collection of policies, as Graph lists them.
pub(crate) fn policy_values(
    conn: &rusqlite::Connection,
    key: steward_core::store::TenantKey,
    kind: Dataset,
) -> steward_core::Result<Vec<Value>> {
    Ok(list_policies(conn, key, kind)?
        .iter()
        .filter_map(|p| serde_json::from_str(&p.json).ok())
        .collect())
}

type Handled = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// The handler of one single-object policy.
pub(crate) fn single_policy_route(
    path: &'static str,
    kind: Dataset,
) -> impl Fn(State<Sim>, HeaderMap, Query<HashMap<String, String>>) -> Handled
       + Clone
       + Send
       + Sync
       + 'static {
    move |State(sim), headers, Query(q)| Box::pin(get_single_policy(sim, headers, q, path, kind))
}

async fn get_single_policy(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    path: &'static str,
    kind: Dataset,
) -> Response {
    if let Err(r) = admit_page(&sim, &headers, &q).await {
        return r;
    }
    if sim.config.faults.no_policy_read {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let values = {
        let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        match policy_values(&inner.conn, inner.key, kind) {
            Ok(v) => v,
            Err(e) => return internal(e),
        }
    };
    let Some(Value::Object(mut body)) = values.into_iter().next() else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            "Resource does not exist or one of its queried reference-property objects are not present.",
        );
    };
    let entity = path.trim_start_matches("/v1.0/");
    body.insert(
        "@odata.context".into(),
        format!("https://graph.microsoft.com/v1.0/$metadata#{entity}/$entity").into(),
    );
    Json(Value::Object(body)).into_response()
}
