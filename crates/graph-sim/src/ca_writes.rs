//! `/v1.0/identity/conditionalAccess/policies/{id}` and `…/namedLocations/{id}`: read, create,
//! update and delete, with Graph's answers — a policy that assigns workload identities in any
//! shape but Entra's (a grant other than block, users as well, other target resources) is
//! refused, and so is creating or changing one on a tenant without Workload ID Premium (Graph's
//! error 1150); a named location a policy uses cannot be deleted.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use steward_core::clock::rfc3339;
use steward_core::conditional_access::WorkloadPolicy;
use steward_core::manage::conditional_access::check_range;
use steward_core::model::{ConditionalAccessPolicy, NamedLocation};
use steward_core::store::{governance, risk};

use crate::errors::{graph_error, internal, not_found};
use crate::objects::serve;
use crate::state::{new_guid, Inner, Sim};
use crate::wire::governance::ca_policy_json as policy_json;
use crate::wire::protection::named_location_json;
use crate::writes::write;

/// Graph's answer to a policy for workload identities on a tenant without the licence.
pub(crate) const LICENSE_GATE: &str = "1150: Cannot create or update policies with workload identity premium features. Upgrade to a workload identity premium P1 or P2 license and try again";

fn bad(message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn body_of(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(bad("The request body must be a JSON object.")),
        Err(e) => Err(bad(&format!("Invalid request body: {e}"))),
    }
}

fn assigns_workloads(v: &Value) -> bool {
    v.pointer("/conditions/clientApplications")
        .is_some_and(Value::is_object)
}

/// Graph's checks of a policy as it would be stored.
fn refused(sim: &Sim, v: &Value) -> Option<Response> {
    if !assigns_workloads(v) {
        return None;
    }
    if sim.config.faults.no_workload_id_premium {
        return Some(bad(LICENSE_GATE));
    }
    WorkloadPolicy::from_graph(v).err().map(|problems| {
        bad(&format!(
            "Invalid policy for workload identities: {}",
            problems.join("; ")
        ))
    })
}

fn save(inner: &Inner, v: &Value) -> Result<(), Response> {
    let p = ConditionalAccessPolicy::from_graph(v).map_err(|e| bad(&e))?;
    governance::upsert_ca_policy(&inner.conn, inner.key, &p).map_err(internal)
}

/// `GET …/policies/{id}`.
pub(crate) async fn get_policy(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        Ok(governance::get_ca_policy(&inner.conn, inner.key, &id)?.map(|p| policy_json(&p)))
    })
    .await
}

/// `POST …/policies`: 201 and the policy.
pub(crate) async fn create_policy(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let mut o = match body_of(&body) {
            Ok(o) => o,
            Err(r) => return r,
        };
        o.insert("id".into(), Value::String(new_guid(&mut inner.rng)));
        o.insert(
            "createdDateTime".into(),
            Value::String(rfc3339(inner.as_of)),
        );
        o.insert("modifiedDateTime".into(), Value::Null);
        let v = Value::Object(o);
        if let Some(r) = refused(&sim, &v) {
            return r;
        }
        match save(inner, &v) {
            Ok(()) => (StatusCode::CREATED, Json(v)).into_response(),
            Err(r) => r,
        }
    })
    .await
}

/// `PATCH …/policies/{id}`: 204. The body's properties replace the policy's.
pub(crate) async fn update_policy(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let current = match governance::get_ca_policy(&inner.conn, inner.key, &id) {
            Ok(Some(p)) => policy_json(&p),
            Ok(None) => return not_found(&id),
            Err(e) => return internal(e),
        };
        let o = match body_of(&body) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let mut v = current.clone();
        for (k, val) in o {
            if k != "id" {
                v[k] = val;
            }
        }
        v["modifiedDateTime"] = Value::String(rfc3339(inner.as_of));
        // Changing a policy that assigns workload identities, before or after, needs the licence.
        if (assigns_workloads(&current) || assigns_workloads(&v))
            && sim.config.faults.no_workload_id_premium
        {
            return bad(LICENSE_GATE);
        }
        if let Some(r) = refused(&sim, &v) {
            return r;
        }
        match save(inner, &v) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(r) => r,
        }
    })
    .await
}

/// `DELETE …/policies/{id}`: 204.
pub(crate) async fn delete_policy(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    write(&sim, &headers, |inner| {
        match governance::get_ca_policy(&inner.conn, inner.key, &id) {
            Ok(Some(p)) => match governance::delete_ca_policy(&inner.conn, inner.key, &p.id) {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => internal(e),
            },
            Ok(None) => not_found(&id),
            Err(e) => internal(e),
        }
    })
    .await
}

fn location(inner: &Inner, id: &str) -> steward_core::Result<Option<NamedLocation>> {
    Ok(risk::list_named_locations(&inner.conn, inner.key)?
        .into_iter()
        .find(|l| l.id.eq_ignore_ascii_case(id)))
}

/// A named location from a request body on `base`. Graph needs `@odata.type` in both a create
/// and an update.
fn location_from(
    o: &serde_json::Map<String, Value>,
    mut base: NamedLocation,
) -> Result<NamedLocation, Response> {
    match o.get("@odata.type").and_then(Value::as_str) {
        Some("#microsoft.graph.ipNamedLocation") => base.kind = "ip".into(),
        Some("#microsoft.graph.countryNamedLocation") => base.kind = "country".into(),
        _ => {
            return Err(bad(
                "The request must name the location's type in @odata.type (#microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation).",
            ))
        }
    }
    if let Some(n) = o.get("displayName") {
        base.display_name = n
            .as_str()
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| bad("Property 'displayName' must be a non-empty string."))?
            .into();
    }
    if let Some(t) = o.get("isTrusted") {
        base.is_trusted = t.as_bool().unwrap_or(false);
    }
    if let Some(r) = o.get("ipRanges") {
        let ranges = r
            .as_array()
            .ok_or_else(|| bad("Property 'ipRanges' must be a collection."))?;
        base.ip_ranges = Vec::with_capacity(ranges.len());
        for range in ranges {
            let cidr = range["cidrAddress"]
                .as_str()
                .ok_or_else(|| bad("Each ipRange needs a cidrAddress."))?;
            check_range(cidr).map_err(|why| bad(&format!("Invalid cidrAddress: {why}")))?;
            base.ip_ranges.push(cidr.to_string());
        }
    }
    if let Some(c) = o.get("countriesAndRegions").and_then(Value::as_array) {
        base.countries_and_regions = c
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
    }
    if base.display_name.is_empty() {
        return Err(bad("Property 'displayName' is required."));
    }
    if base.kind == "ip" && base.ip_ranges.is_empty() {
        return Err(bad("An ipNamedLocation needs at least one ipRange."));
    }
    Ok(base)
}

/// `GET …/namedLocations/{id}`.
pub(crate) async fn get_location(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        Ok(location(inner, &id)?.map(|l| named_location_json(&l)))
    })
    .await
}

/// `POST …/namedLocations`: 201 and the location.
pub(crate) async fn create_location(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let o = match body_of(&body) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let empty = NamedLocation {
            id: new_guid(&mut inner.rng),
            display_name: String::new(),
            kind: String::new(),
            is_trusted: false,
            ip_ranges: Vec::new(),
            countries_and_regions: Vec::new(),
            include_unknown_countries_and_regions: false,
        };
        let l = match location_from(&o, empty) {
            Ok(l) => l,
            Err(r) => return r,
        };
        match risk::upsert_named_location(&inner.conn, inner.key, &l) {
            Ok(()) => (StatusCode::CREATED, Json(named_location_json(&l))).into_response(),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `PATCH …/namedLocations/{id}`: 204.
pub(crate) async fn update_location(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let current = match location(inner, &id) {
            Ok(Some(l)) => l,
            Ok(None) => return not_found(&id),
            Err(e) => return internal(e),
        };
        let o = match body_of(&body) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let l = match location_from(&o, current) {
            Ok(l) => l,
            Err(r) => return r,
        };
        match risk::upsert_named_location(&inner.conn, inner.key, &l) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `DELETE …/namedLocations/{id}`: 204, unless a policy uses the location.
pub(crate) async fn delete_location(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    write(&sim, &headers, |inner| {
        let l = match location(inner, &id) {
            Ok(Some(l)) => l,
            Ok(None) => return not_found(&id),
            Err(e) => return internal(e),
        };
        let in_use = match governance::policies_naming(&inner.conn, inner.key, &l.id) {
            Ok(users) => !users.is_empty(),
            Err(e) => return internal(e),
        };
        if in_use {
            return bad("The named location is referenced by one or more conditional access policies and cannot be deleted.");
        }
        match risk::delete_named_location(&inner.conn, inner.key, &l.id) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => internal(e),
        }
    })
    .await
}
