//! Writes to applications and service principals: create (an application by `uniqueName`, with
//! `Prefer: create-if-missing`, then its service principal), update (`displayName`, `notes`,
//! `tags`, `accountEnabled`, `keyCredentials`), delete and restore from the deleted items, and
//! `addPassword` / `removePassword`, each with Graph's answers.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use rand::Rng;
use serde_json::{json, Value};
use steward_core::model::{Application, KeyCredential, PasswordCredential, ServicePrincipal};
use steward_core::store::credentials::{self, OneCredential, OwnerType};
use steward_core::store::{applications, service_principals};

use crate::directory::{directory_collection, object_json};
use crate::errors::{graph_error, internal, not_found};
use crate::objects::serve;
use crate::state::{new_guid, record, ChangeKind, Inner, Sim};
use crate::writes::write;

fn bad(message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
}

fn body_of(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(bad("The request body must be a JSON object.")),
        Err(e) => Err(graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid request body: {e}"),
        )),
    }
}

/// `applications(uniqueName='x')` or `servicePrincipals(appId='x')`: the collection, the key's
/// name and its value.
fn alternate_key(segment: &str) -> Option<(&str, &str, String)> {
    let (collection, rest) = segment.split_once('(')?;
    let inner = rest.strip_suffix(')')?;
    let (name, value) = inner.split_once('=')?;
    let value = value
        .strip_prefix('\'')?
        .strip_suffix('\'')?
        .replace("''", "'");
    Some((collection, name, value))
}

fn app_by_unique_name(inner: &Inner, unique: &str) -> steward_core::Result<Option<Application>> {
    match inner.unique_names.get(unique) {
        Some(id) => applications::get_application(&inner.conn, inner.key, id),
        None => Ok(None),
    }
}

/// `GET /v1.0/applications(uniqueName='…')` and `GET /v1.0/servicePrincipals(appId='…')`.
pub(crate) async fn get_by_key(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(segment): Path<String>,
) -> Response {
    let Some((collection, name, value)) = alternate_key(&segment) else {
        return not_found(&segment);
    };
    serve(&sim, &headers, &segment, |inner| {
        Ok(match (collection, name) {
            ("applications", "uniqueName") => app_by_unique_name(inner, &value)?
                .and_then(|a| object_json(inner, "applications", &a.id).ok().flatten()),
            ("servicePrincipals", "appId") => {
                match service_principals::find_by_app_id(&inner.conn, inner.key, &value)? {
                    Some(sp) => object_json(inner, "servicePrincipals", &sp.id)?,
                    None => None,
                }
            }
            _ => None,
        })
    })
    .await
}

/// `PATCH /v1.0/applications(uniqueName='…')`: Graph's upsert. With `Prefer:
/// create-if-missing` a missing application is created (201 and the object); an existing one is
/// updated (204).
pub(crate) async fn upsert_by_key(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(segment): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let create = headers
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("create-if-missing"));
    write(&sim, &headers, |inner| {
        let Some(("applications", "uniqueName", unique)) = alternate_key(&segment)
            .as_ref()
            .map(|(c, n, v)| (*c, *n, v.clone()))
        else {
            return not_found(&segment);
        };
        let fields = match body_of(&body) {
            Ok(f) => f,
            Err(r) => return r,
        };
        match app_by_unique_name(inner, &unique) {
            Ok(Some(a)) => match update_application(inner, &a.id, &fields) {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(r) => r,
            },
            Ok(None) if create => {
                let Some(name) = fields.get("displayName").and_then(Value::as_str) else {
                    return bad("Property 'displayName' is required.");
                };
                let id = new_guid(&mut inner.rng);
                let app = Application {
                    id: id.clone(),
                    app_id: new_guid(&mut inner.rng),
                    display_name: name.into(),
                    sign_in_audience: Some(
                        fields
                            .get("signInAudience")
                            .and_then(Value::as_str)
                            .unwrap_or("AzureADMyOrg")
                            .into(),
                    ),
                    publisher_domain: inner.default_domain.clone(),
                    created_date_time: Some(steward_core::clock::now()),
                    deleted_date_time: None,
                    disabled_by_microsoft_status: None,
                    password_credentials: Vec::new(),
                    key_credentials: Vec::new(),
                    federated_identity_credentials: Vec::new(),
                    redirect_uris: Some(Vec::new()),
                    instance_lock: Some(false),
                    agent_blueprint: false,
                    notes: fields
                        .get("notes")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    tags: Vec::new(),
                };
                if let Err(e) = applications::upsert_application(&inner.conn, inner.key, &app) {
                    return internal(e);
                }
                inner.unique_names.insert(unique, id.clone());
                record(inner, "applications", &id, ChangeKind::Added);
                match object_json(inner, "applications", &id) {
                    Ok(Some(mut v)) => {
                        v["uniqueName"] = json!(segment);
                        (StatusCode::CREATED, Json(v)).into_response()
                    }
                    Ok(None) => not_found(&id),
                    Err(e) => internal(e),
                }
            }
            Ok(None) => not_found(&segment),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `POST /v1.0/servicePrincipals` with `{"appId": …}`: the service principal of an application
/// of this tenant. 201 and the object.
pub(crate) async fn create_service_principal(
    State(sim): State<Sim>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let fields = match body_of(&body) {
            Ok(f) => f,
            Err(r) => return r,
        };
        let Some(app_id) = fields.get("appId").and_then(Value::as_str) else {
            return bad("Property 'appId' is required.");
        };
        let app = match applications::get_application_by_app_id(&inner.conn, inner.key, app_id) {
            Ok(Some(a)) => a,
            Ok(None) => {
                return bad(&format!(
                    "The appId '{app_id}' of the service principal does not reference a valid application object."
                ))
            }
            Err(e) => return internal(e),
        };
        match service_principals::find_by_app_id(&inner.conn, inner.key, app_id) {
            Ok(Some(_)) => {
                return graph_error(
                    StatusCode::CONFLICT,
                    "Request_MultipleObjectsWithSameKeyValue",
                    "The service principal cannot be created, updated, or restored because the service principal name is already in use.",
                )
            }
            Ok(None) => {}
            Err(e) => return internal(e),
        }
        let id = new_guid(&mut inner.rng);
        let sp = ServicePrincipal {
            id: id.clone(),
            app_id: app_id.into(),
            display_name: app.display_name.clone(),
            app_display_name: Some(app.display_name.clone()),
            service_principal_type: "Application".into(),
            app_owner_organization_id: Some(inner.tenant_id.clone()),
            account_enabled: true,
            sign_in_audience: app.sign_in_audience.clone(),
            created_date_time: Some(steward_core::clock::now()),
            deleted_date_time: None,
            tags: Vec::new(),
            alternative_names: Vec::new(),
            agent_identity_blueprint_id: None,
            disabled_by_microsoft_status: None,
            password_credentials: Vec::new(),
            key_credentials: Vec::new(),
            app_role_assignment_required: Some(false),
            reply_urls: Some(Vec::new()),
            agent_blueprint_principal: false,
        };
        let home = inner.tenant_id.clone();
        if let Err(e) = service_principals::upsert_service_principal(&inner.conn, inner.key, &home, &sp) {
            return internal(e);
        }
        record(inner, "servicePrincipals", &id, ChangeKind::Added);
        match object_json(inner, "servicePrincipals", &id) {
            Ok(Some(v)) => (StatusCode::CREATED, Json(v)).into_response(),
            Ok(None) => not_found(&id),
            Err(e) => internal(e),
        }
    })
    .await
}

fn strings(v: &Value, property: &str) -> Result<Vec<String>, Response> {
    v.as_array()
        .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
        .ok_or_else(|| {
            bad(&format!(
                "Invalid value specified for property '{property}'."
            ))
        })
}

fn update_application(
    inner: &mut Inner,
    id: &str,
    fields: &serde_json::Map<String, Value>,
) -> Result<(), Response> {
    let a = match applications::get_application(&inner.conn, inner.key, id) {
        Ok(Some(a)) => a,
        Ok(None) => return Err(not_found(id)),
        Err(e) => return Err(internal(e)),
    };
    let mut name = a.display_name.clone();
    let mut notes = a.notes.clone();
    let mut tags = a.tags.clone();
    for (k, v) in fields {
        match k.as_str() {
            "displayName" => match v.as_str() {
                Some(n) if !n.trim().is_empty() => name = n.into(),
                _ => return Err(bad("Invalid value specified for property 'displayName'.")),
            },
            "notes" => notes = v.as_str().map(str::to_string),
            "tags" => tags = strings(v, "tags")?,
            "signInAudience" => {}
            "keyCredentials" => put_keys(inner, OwnerType::Application, id, v)?,
            other => {
                return Err(bad(&format!(
                    "Property '{other}' is read-only or does not exist on type 'microsoft.graph.application'."
                )))
            }
        }
    }
    applications::set_properties(&inner.conn, inner.key, id, &name, notes.as_deref(), &tags)
        .map_err(internal)?;
    record(inner, "applications", id, ChangeKind::Added);
    Ok(())
}

fn update_service_principal(
    inner: &mut Inner,
    id: &str,
    fields: &serde_json::Map<String, Value>,
) -> Result<(), Response> {
    let sp = match service_principals::get_service_principal(&inner.conn, inner.key, id) {
        Ok(Some(sp)) if sp.deleted_date_time.is_none() => sp,
        Ok(_) => return Err(not_found(id)),
        Err(e) => return Err(internal(e)),
    };
    if sp.service_principal_type == "ManagedIdentity" {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "Updates to managed identity service principals are not supported.",
        ));
    }
    let mut name = sp.display_name.clone();
    let mut tags = sp.tags.clone();
    for (k, v) in fields {
        match k.as_str() {
            "displayName" => match v.as_str() {
                Some(n) if !n.trim().is_empty() => name = n.into(),
                _ => return Err(bad("Invalid value specified for property 'displayName'.")),
            },
            "tags" => tags = strings(v, "tags")?,
            "accountEnabled" => match v.as_bool() {
                Some(b) => service_principals::set_enabled(&inner.conn, inner.key, id, b)
                    .map_err(internal)?,
                None => return Err(bad("Invalid value specified for property 'accountEnabled'.")),
            },
            "keyCredentials" => put_keys(inner, OwnerType::ServicePrincipal, id, v)?,
            other => {
                return Err(bad(&format!(
                    "Property '{other}' is read-only or does not exist on type 'microsoft.graph.servicePrincipal'."
                )))
            }
        }
    }
    service_principals::set_properties(&inner.conn, inner.key, id, &name, &tags)
        .map_err(internal)?;
    record(inner, "servicePrincipals", id, ChangeKind::Added);
    Ok(())
}

/// `keyCredentials` replaced whole, as Graph's update does: an entry naming an existing key id
/// keeps that certificate; a new one must carry its certificate (`key`, base64 DER).
fn put_keys(inner: &mut Inner, owner: OwnerType, id: &str, v: &Value) -> Result<(), Response> {
    let Some(list) = v.as_array() else {
        return Err(bad(
            "Invalid value specified for property 'keyCredentials'.",
        ));
    };
    let (secrets, existing) =
        credentials::list_model_for_owner(&inner.conn, inner.key, id).map_err(internal)?;
    let mut kept: Vec<KeyCredential> = Vec::new();
    for entry in list {
        let key_id = entry["keyId"].as_str();
        if let Some(old) = key_id.and_then(|k| existing.iter().find(|c| c.key_id == k)) {
            kept.push(old.clone());
            continue;
        }
        let Some(der) = entry["key"]
            .as_str()
            .and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok())
        else {
            return Err(bad(
                "Invalid value specified for property 'key' of resource 'KeyCredential'.",
            ));
        };
        let cert = steward_core::manage::certificate::read(&der).map_err(|_| {
            graph_error(
                StatusCode::BAD_REQUEST,
                "Request_BadRequest",
                "Key credential's key is not a valid certificate.",
            )
        })?;
        kept.push(KeyCredential {
            key_id: key_id.map_or_else(|| new_guid(&mut inner.rng), str::to_string),
            display_name: entry["displayName"]
                .as_str()
                .map(str::to_string)
                .or(Some(cert.subject.clone())),
            key_type: Some(
                entry["type"]
                    .as_str()
                    .unwrap_or("AsymmetricX509Cert")
                    .into(),
            ),
            usage: Some(entry["usage"].as_str().unwrap_or("Verify").into()),
            custom_key_identifier: Some(cert.thumbprint.clone()),
            start_date_time: Some(cert.not_before),
            end_date_time: Some(cert.not_after),
        });
    }
    let mut thumbprints: Vec<&str> = kept
        .iter()
        .filter_map(|c| c.custom_key_identifier.as_deref())
        .collect();
    thumbprints.sort_unstable();
    if thumbprints.windows(2).any(|w| w[0] == w[1]) {
        return Err(bad("Upload of duplicated certificate is not allowed."));
    }
    credentials::replace_for_owner(&inner.conn, inner.key, owner, id, false, &secrets, &kept)
        .map_err(internal)
}

/// `PATCH /v1.0/{applications|servicePrincipals}/{id}`: 204.
pub(crate) async fn update(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let fields = match body_of(&body) {
            Ok(f) => f,
            Err(r) => return r,
        };
        let done = match directory_collection(&collection) {
            Some("applications") => update_application(inner, &id, &fields),
            Some(_) => update_service_principal(inner, &id, &fields),
            None => Err(not_found(&collection)),
        };
        match done {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(r) => r,
        }
    })
    .await
}

/// `DELETE /v1.0/{applications|servicePrincipals}/{id}`: soft-deleted (an application takes its
/// service principal in this tenant along); 204.
pub(crate) async fn delete(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    write(&sim, &headers, |inner| {
        let now = steward_core::clock::now().timestamp_millis();
        let done: steward_core::Result<bool> = (|| match directory_collection(&collection) {
            Some("applications") => {
                let Some(a) = applications::get_application(&inner.conn, inner.key, &id)? else {
                    return Ok(false);
                };
                applications::mark_deleted(&inner.conn, inner.key, &id, now)?;
                if let Some(sp) =
                    service_principals::find_by_app_id(&inner.conn, inner.key, &a.app_id)?.filter(
                        |sp| {
                            sp.app_owner_organization_id.as_deref()
                                == Some(inner.tenant_id.as_str())
                        },
                    )
                {
                    service_principals::mark_deleted(&inner.conn, inner.key, &sp.id, now)?;
                    record(inner, "servicePrincipals", &sp.id, ChangeKind::Deleted);
                }
                Ok(true)
            }
            Some(_) => {
                match service_principals::get_service_principal(&inner.conn, inner.key, &id)? {
                    Some(sp) if sp.deleted_date_time.is_none() => {
                        service_principals::mark_deleted(&inner.conn, inner.key, &id, now)?;
                        Ok(true)
                    }
                    _ => Ok(false),
                }
            }
            None => Ok(false),
        })();
        match done {
            Ok(true) => {
                let c = directory_collection(&collection).unwrap_or("applications");
                record(inner, c, &id, ChangeKind::Deleted);
                StatusCode::NO_CONTENT.into_response()
            }
            Ok(false) => not_found(&id),
            Err(e) => internal(e),
        }
    })
    .await
}

/// `POST /v1.0/directory/deletedItems/{id}/restore`: 200 and the object.
pub(crate) async fn restore(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    write(&sim, &headers, |inner| {
        let collection = match (
            applications::get_any(&inner.conn, inner.key, &id),
            service_principals::get_service_principal(&inner.conn, inner.key, &id),
        ) {
            (Ok(Some(a)), _) if a.deleted_date_time.is_some() => "applications",
            (_, Ok(Some(sp))) if sp.deleted_date_time.is_some() => "servicePrincipals",
            (Err(e), _) | (_, Err(e)) => return internal(e),
            _ => return not_found(&id),
        };
        let done = if collection == "applications" {
            applications::restore(&inner.conn, inner.key, &id)
        } else {
            service_principals::restore(&inner.conn, inner.key, &id)
        };
        if let Err(e) = done {
            return internal(e);
        }
        record(inner, collection, &id, ChangeKind::Added);
        match object_json(inner, collection, &id) {
            Ok(Some(v)) => Json(v).into_response(),
            Ok(None) => not_found(&id),
            Err(e) => internal(e),
        }
    })
    .await
}

fn owner_of(collection: &str) -> Option<OwnerType> {
    match directory_collection(collection)? {
        "applications" => Some(OwnerType::Application),
        _ => Some(OwnerType::ServicePrincipal),
    }
}

fn live_owner(inner: &Inner, collection: &str, id: &str) -> Result<OwnerType, Response> {
    let owner = owner_of(collection).ok_or_else(|| not_found(collection))?;
    match object_json(
        inner,
        directory_collection(collection).unwrap_or_default(),
        id,
    ) {
        Ok(Some(_)) => Ok(owner),
        Ok(None) => Err(not_found(id)),
        Err(e) => Err(internal(e)),
    }
}

/// `POST /v1.0/{applications|servicePrincipals}/{id}/addPassword`: 200 and the new
/// `passwordCredential`, the only answer that ever carries its `secretText`.
pub(crate) async fn add_password(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        let owner = match live_owner(inner, &collection, &id) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let fields = match body_of(&body) {
            Ok(f) => f,
            Err(r) => return r,
        };
        let p = fields.get("passwordCredential").cloned().unwrap_or(Value::Null);
        let now = steward_core::clock::now();
        let time = |k: &str| p[k].as_str().and_then(|t| steward_core::clock::parse_as_of(t).ok());
        let start = time("startDateTime").unwrap_or(now);
        let end = time("endDateTime").unwrap_or(start + chrono::Duration::days(730));
        if end <= start {
            return bad("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.");
        }
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
        let text: String = (0..40)
            .map(|_| ALPHABET[inner.rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let secret = PasswordCredential {
            key_id: new_guid(&mut inner.rng),
            display_name: p["displayName"].as_str().map(str::to_string),
            hint: Some(text[..3].to_string()),
            start_date_time: Some(start),
            end_date_time: Some(end),
        };
        if let Err(e) = credentials::put_one(
            &inner.conn,
            inner.key,
            owner,
            &id,
            &OneCredential::Secret(secret.clone()),
        ) {
            return internal(e);
        }
        record(inner, directory_collection(&collection).unwrap_or_default(), &id, ChangeKind::Added);
        let mut v = crate::wire::directory::password_json(&secret);
        v["secretText"] = json!(text);
        v["@odata.context"] = json!("https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential");
        Json(v).into_response()
    })
    .await
}

/// `POST /v1.0/{applications|servicePrincipals}/{id}/removePassword` with `{"keyId": …}`: 204.
pub(crate) async fn remove_password(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    write(&sim, &headers, |inner| {
        if let Err(r) = live_owner(inner, &collection, &id) {
            return r;
        }
        let fields = match body_of(&body) {
            Ok(f) => f,
            Err(r) => return r,
        };
        let Some(key_id) = fields.get("keyId").and_then(Value::as_str) else {
            return bad("Property 'keyId' is required.");
        };
        match credentials::list_model_for_owner(&inner.conn, inner.key, &id) {
            Ok((secrets, _)) if secrets.iter().any(|s| s.key_id == key_id) => {}
            Ok(_) => {
                return graph_error(
                    StatusCode::NOT_FOUND,
                    "Request_ResourceNotFound",
                    &format!("No password credential found with keyId {key_id}."),
                )
            }
            Err(e) => return internal(e),
        }
        if let Err(e) = credentials::remove_one(&inner.conn, inner.key, &id, key_id) {
            return internal(e);
        }
        record(
            inner,
            directory_collection(&collection).unwrap_or_default(),
            &id,
            ChangeKind::Added,
        );
        StatusCode::NO_CONTENT.into_response()
    })
    .await
}
