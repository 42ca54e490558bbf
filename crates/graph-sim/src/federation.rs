//! `/v1.0/applications/{id}/federatedIdentityCredentials`: list, read, create, update and
//! delete an application's federated credentials, with Graph's validation answers (the name
//! rules, one audience, twenty per application, a unique issuer and subject), and the `/_sim/`
//! twin a test uses to change a credential in "Entra" behind the client's back.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::model::FederatedIdentityCredential;
use steward_core::store::{applications, federated_credentials};

use crate::errors::{graph_error, internal, not_found};
use crate::objects::serve;
use crate::state::{new_guid, record, ChangeKind, Inner, Sim};
use crate::writes::write;

/// Graph's limit per application (docs/domain.md §7.2).
const LIMIT: usize = 20;

fn fic_json(app_id: &str, f: &FederatedIdentityCredential) -> Value {
    json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#applications('{app_id}')/federatedIdentityCredentials/$entity"),
        "id": f.id,
        "name": f.name,
        "issuer": f.issuer,
        "subject": f.subject,
        "description": f.description,
        "audiences": f.audiences,
    })
}

/// The application's credentials, or `None` when the tenant has no such (live) application.
fn credentials(
    inner: &Inner,
    app: &str,
) -> steward_core::Result<Option<Vec<FederatedIdentityCredential>>> {
    Ok(
        match applications::get_application(&inner.conn, inner.key, app)? {
            Some(a) if a.deleted_date_time.is_none() => Some(
                federated_credentials::list_for_application(&inner.conn, inner.key, app)?,
            ),
            _ => None,
        },
    )
}

fn bad(message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
}

fn invalid_property(property: &str) -> Response {
    bad(&format!(
        "Invalid value specified for property '{property}' of resource 'FederatedIdentityCredential'."
    ))
}

/// Graph's checks of one credential against the others of its application. `replacing` is the
/// credential's own id on an update.
fn refused(
    f: &FederatedIdentityCredential,
    others: &[FederatedIdentityCredential],
    replacing: Option<&str>,
) -> Option<Response> {
    let name_ok = (3..=120).contains(&f.name.chars().count())
        && f.name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && f.name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if !name_ok {
        return Some(invalid_property("name"));
    }
    if f.issuer.is_empty() || f.issuer.len() > 600 || url_of(&f.issuer).is_none() {
        return Some(invalid_property("issuer"));
    }
    match f.subject.as_deref() {
        Some(s) if !s.is_empty() && s.len() <= 600 => {}
        _ => return Some(invalid_property("subject")),
    }
    if f.audiences.len() != 1 || f.audiences[0].is_empty() {
        return Some(invalid_property("audiences"));
    }
    if f.description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 600)
    {
        return Some(invalid_property("description"));
    }
    let others: Vec<&FederatedIdentityCredential> = others
        .iter()
        .filter(|o| Some(o.id.as_str()) != replacing)
        .collect();
    if replacing.is_none() && others.iter().any(|o| o.name.eq_ignore_ascii_case(&f.name)) {
        return Some(graph_error(
            StatusCode::BAD_REQUEST,
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property name already exists.",
        ));
    }
    if replacing.is_none() && others.len() >= LIMIT {
        return Some(bad(&format!(
            "The number of federated identity credentials on the application has reached its limit of {LIMIT}."
        )));
    }
    if others
        .iter()
        .any(|o| o.issuer == f.issuer && o.subject == f.subject)
    {
        return Some(graph_error(
            StatusCode::BAD_REQUEST,
            "InvalidFederatedIdentityCredentialValue",
            &format!(
                "The combination of issuer and subject must be unique for the application. Issuer {} and Subject: {} already exist. paramName: FederatedIdentityCredential.Subject, paramValue: {}, objectType: Microsoft.Online.DirectoryServices.Application",
                f.issuer,
                f.subject.as_deref().unwrap_or(""),
                f.subject.as_deref().unwrap_or("")
            ),
        ));
    }
    None
}

fn url_of(s: &str) -> Option<()> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    (!rest.is_empty()).then_some(())
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// The credential a request body describes (a create's whole body, or an update's properties
/// over `base`); `Err` with Graph's answer when the body is no such thing.
fn from_body(
    body: &[u8],
    base: FederatedIdentityCredential,
) -> Result<FederatedIdentityCredential, Response> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid request body: {e}"),
        )
    })?;
    let Some(o) = v.as_object() else {
        return Err(bad("The request body must be a JSON object."));
    };
    let mut f = base;
    for (k, val) in o {
        match k.as_str() {
            "name" => f.name = val.as_str().ok_or_else(|| invalid_property("name"))?.into(),
            "issuer" => {
                f.issuer = val
                    .as_str()
                    .ok_or_else(|| invalid_property("issuer"))?
                    .into()
            }
            "subject" => f.subject = val.as_str().map(str::to_string),
            "description" => f.description = val.as_str().map(str::to_string),
            "audiences" => f.audiences = strings(val).ok_or_else(|| invalid_property("audiences"))?,
            "id" | "@odata.type" => {}
            other => {
                return Err(graph_error(
                    StatusCode::BAD_REQUEST,
                    "Request_BadRequest",
                    &format!(
                        "Property '{other}' does not exist on type 'microsoft.graph.federatedIdentityCredential'."
                    ),
                ))
            }
        }
    }
    Ok(f)
}

fn empty(id: &str) -> FederatedIdentityCredential {
    FederatedIdentityCredential {
        id: id.into(),
        name: String::new(),
        issuer: String::new(),
        subject: None,
        audiences: Vec::new(),
        description: None,
    }
}

/// `GET …/federatedIdentityCredentials`.
pub(crate) async fn list(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(app): Path<String>,
) -> Response {
    serve(&sim, &headers, &app, |inner| {
        Ok(credentials(inner, &app)?.map(|all| {
            json!({
                "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#applications('{app}')/federatedIdentityCredentials"),
                "value": all.iter().map(|f| {
                    let mut v = fic_json(&app, f);
                    if let Some(o) = v.as_object_mut() {
                        o.remove("@odata.context");
                    }
                    v
                }).collect::<Vec<_>>(),
            })
        }))
    })
    .await
}

/// `GET …/federatedIdentityCredentials/{id}`.
pub(crate) async fn get_one(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((app, id)): Path<(String, String)>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        Ok(credentials(inner, &app)?
            .and_then(|all| all.into_iter().find(|f| f.id == id))
            .map(|f| fic_json(&app, &f)))
    })
    .await
}

/// Writes `f` on `app` and records the change for delta rounds.
fn save(inner: &mut Inner, app: &str, f: &FederatedIdentityCredential) -> steward_core::Result<()> {
    federated_credentials::put(&inner.conn, inner.key, app, f)?;
    record(inner, "applications", app, ChangeKind::Added);
    Ok(())
}

/// `POST …/federatedIdentityCredentials`: 201 and the credential.
pub(crate) async fn create(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(app): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let existing = match credentials(inner, &app) {
            Ok(Some(e)) => e,
            Ok(None) => return not_found(&app),
            Err(e) => return internal(e),
        };
        let id = new_guid(&mut inner.rng);
        let f = match from_body(&body, empty(&id)) {
            Ok(f) => f,
            Err(r) => return r,
        };
        if let Some(r) = refused(&f, &existing, None) {
            return r;
        }
        match save(inner, &app, &f) {
            Ok(()) => (StatusCode::CREATED, Json(fic_json(&app, &f))).into_response(),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `PATCH …/federatedIdentityCredentials/{id}`: 204. The name cannot change.
pub(crate) async fn update(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((app, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let existing = match credentials(inner, &app) {
            Ok(Some(e)) => e,
            Ok(None) => return not_found(&app),
            Err(e) => return internal(e),
        };
        let Some(current) = existing.iter().find(|f| f.id == id).cloned() else {
            return not_found(&id);
        };
        let f = match from_body(&body, current.clone()) {
            Ok(f) => f,
            Err(r) => return r,
        };
        if f.name != current.name {
            return bad("Property 'name' is read-only and cannot be set.");
        }
        if let Some(r) = refused(&f, &existing, Some(&id)) {
            return r;
        }
        match save(inner, &app, &f) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `DELETE …/federatedIdentityCredentials/{id}`: 204.
pub(crate) async fn delete(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((app, id)): Path<(String, String)>,
) -> Response {
    write(&sim, &headers, |inner| {
        let existing = match credentials(inner, &app) {
            Ok(Some(e)) => e,
            Ok(None) => return not_found(&app),
            Err(e) => return internal(e),
        };
        let Some(f) = existing.into_iter().find(|f| f.id == id) else {
            return not_found(&id);
        };
        match federated_credentials::remove_named(&inner.conn, inner.key, &app, &f.name) {
            Ok(()) => {
                record(inner, "applications", &app, ChangeKind::Added);
                StatusCode::NO_CONTENT.into_response()
            }
            Err(e) => internal(e),
        }
    })
    .await
}

/// `POST /_sim/applications/{id}/federatedIdentityCredentials`: puts the credential of the
/// body's name as given (a new one gets an id), or with `"@removed": true` removes it — a
/// change made in Entra by someone else. Answers the credential.
pub(crate) async fn sim_put(
    State(sim): State<Sim>,
    Path(app): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let existing = match credentials(&inner, &app) {
        Ok(Some(e)) => e,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return internal(e),
    };
    let name = body["name"].as_str().unwrap_or_default().to_string();
    let current = existing.iter().find(|f| f.name == name).cloned();
    if body["@removed"].as_bool() == Some(true) {
        let done = federated_credentials::remove_named(&inner.conn, inner.key, &app, &name);
        record(&mut inner, "applications", &app, ChangeKind::Added);
        return match done {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => internal(e),
        };
    }
    let id = match current {
        Some(c) => c.id,
        None => new_guid(&mut inner.rng),
    };
    let mut v = body.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("@removed");
    }
    let f = match from_body(v.to_string().as_bytes(), empty(&id)) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match save(&mut inner, &app, &f) {
        Ok(()) => Json(fic_json(&app, &f)).into_response(),
        Err(e) => internal(e),
    }
}
