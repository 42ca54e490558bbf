//! Identity Protection's admin actions on risky service principals: confirm compromised and
//! dismiss.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use steward_core::store::{self, service_principals};

use crate::errors::{graph_error, internal, not_found};
use crate::faults::{delay, gate};
use crate::state::Sim;

/// `POST /v1.0/identityProtection/riskyServicePrincipals/{confirmCompromised|dismiss}` with
/// `{"servicePrincipalIds": [...]}`: Identity Protection's admin actions. 204 and no body.
pub(crate) async fn risk_action(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(action): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let (level, state, detail) = match action.as_str() {
        "confirmCompromised" => (
            "high",
            "confirmedCompromised",
            "adminConfirmedServicePrincipalCompromised",
        ),
        "dismiss" => (
            "none",
            "dismissed",
            "adminDismissedAllRiskForServicePrincipal",
        ),
        _ => return not_found(&action),
    };
    if sim.config.faults.no_workload_id_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The tenant does not have a valid Microsoft Entra Workload ID Premium license.",
        );
    }
    let ids: Vec<String> = match serde_json::from_slice::<Value>(&body) {
        Ok(v) => match v.get("servicePrincipalIds").and_then(Value::as_array) {
            Some(a) if !a.is_empty() && a.len() <= 60 && a.iter().all(Value::is_string) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => {
                return graph_error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "servicePrincipalIds must list 1 to 60 service principal ids.",
                )
            }
        },
        Err(e) => {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Invalid request body: {e}"),
            )
        }
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    for id in &ids {
        match service_principals::get_service_principal(&inner.conn, inner.key, id) {
            Ok(Some(_)) => {}
            Ok(None) => {
                return graph_error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    &format!("Invalid service principal id '{id}'."),
                )
            }
            Err(e) => return internal(e),
        }
    }
    let now = steward_core::clock::now();
    let done = (|| -> steward_core::Result<()> {
        for mut r in store::risk::list_risky_service_principals(&inner.conn, inner.key)?
            .into_iter()
            .filter(|r| ids.contains(&r.id))
        {
            r.risk_level = level.into();
            r.risk_state = state.into();
            r.risk_detail = detail.into();
            r.risk_last_updated_date_time = Some(now);
            store::risk::upsert_risky_service_principal(&inner.conn, inner.key, &r)?;
        }
        Ok(())
    })();
    match done {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}
