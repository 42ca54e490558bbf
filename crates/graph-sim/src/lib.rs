//! A Microsoft Graph simulator on loopback. It generates the demo tenant (any size, the same
//! generator as `steward demo`) into its own SQLite file and serves it in Graph's wire format:
//! a client-credentials token endpoint issuing expiring bearer tokens, `organization`,
//! `applications` and `servicePrincipals` (v1.0, `$top` up to 999, opaque `$skiptoken` links),
//! and beta `auditLogs/signIns` (newest first, `$top` up to 1000, filtered by `createdDateTime`).
//!
//! Faults are injected by rate from a seeded generator, so a test run is repeatable: 429 with
//! and without `Retry-After`, 503, expired page tokens (Graph's 400), access tokens revoked
//! mid-sync (401) and slow responses. `/_sim/…` endpoints change the tenant between two syncs.
//!
//! The JSON is written here field by field with Graph's names, not by serialising Steward's
//! types: the sync must read Graph, not itself.

// Handlers return early with the Graph error response they decided on; boxing those responses
// would only add noise to a loopback test server.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::{json, Value};
use steward_core::demo::{self, DemoOptions};
use steward_core::model::{
    Application, KeyCredential, PasswordCredential, ServicePrincipal, SignIn,
};
use steward_core::store::{self, applications, service_principals, sign_ins, tenants, TenantKey};

/// Rates are probabilities per request (0.0–1.0).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// 429 with `Retry-After`.
    pub throttle: f64,
    /// 429 without `Retry-After` (as Identity Protection and conditional access answer).
    pub throttle_no_retry_after: f64,
    /// 503 Service Unavailable.
    pub server_error: f64,
    /// 400 on a request that carries a page token: the token has expired.
    pub expire_page_token: f64,
    /// 401 on a valid token: it is revoked, as if it expired mid-sync.
    pub revoke_token: f64,
    /// Added to every Graph response.
    pub delay: Duration,
    /// `Retry-After` seconds on throttled responses.
    pub retry_after_secs: u64,
    /// At most this many items per page whatever `$top` asks (0: no cap). Graph may return fewer
    /// items than asked; tests use it to make small tenants span many pages.
    pub page_cap: i64,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub demo: DemoOptions,
    pub client_id: String,
    pub client_secret: String,
    pub token_lifetime: Duration,
    pub faults: Faults,
    /// The simulator's own cache file (generated at start).
    pub db: PathBuf,
}

struct Inner {
    conn: Connection,
    key: TenantKey,
    tenant_id: String,
    tenant_name: String,
    default_domain: Option<String>,
    rng: ChaCha8Rng,
    tokens: HashMap<String, Instant>,
    issued: u64,
    requests: u64,
}

#[derive(Clone)]
struct Sim {
    config: Arc<SimConfig>,
    inner: Arc<Mutex<Inner>>,
}

/// A running simulator; dropping it does not stop it, `shutdown` does.
pub struct Running {
    pub addr: SocketAddr,
    pub tenant_id: String,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Generates the tenant and starts serving on `addr` (port 0 picks a free one).
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<Running> {
    let conn = store::open(&config.db).map_err(std::io::Error::other)?;
    demo::write_demo(&conn, &config.demo, &mut |_, _, _| {}).map_err(std::io::Error::other)?;
    let (key, tenant) = tenants::resolve_tenant(&conn, None).map_err(std::io::Error::other)?;
    let inner = Inner {
        conn,
        key,
        tenant_id: tenant.id.clone(),
        tenant_name: tenant.display_name.clone(),
        default_domain: tenant.default_domain.clone(),
        rng: ChaCha8Rng::seed_from_u64(config.faults.seed),
        tokens: HashMap::new(),
        issued: 0,
        requests: 0,
    };
    let sim = Sim {
        config: Arc::new(config),
        inner: Arc::new(Mutex::new(inner)),
    };
    let app = Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/v1.0/organization", get(organization))
        .route("/v1.0/applications", get(list_applications))
        .route("/v1.0/servicePrincipals", get(list_service_principals))
        .route("/beta/auditLogs/signIns", get(list_sign_ins))
        .route("/_sim/servicePrincipals/{id}/delete", post(sim_delete_sp))
        .route("/_sim/servicePrincipals/{id}/rename", post(sim_rename_sp))
        .route("/_sim/stats", get(sim_stats))
        .with_state(sim);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        tenant_id: tenant.id,
        shutdown: tx,
        task,
    })
}

fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": "2026-11-01T00:00:00", "request-id": "00000000-0000-4000-8000-000000000000"}}});
    (status, Json(body)).into_response()
}

fn time(t: Option<DateTime<Utc>>) -> Value {
    match t {
        // Graph writes seven fractional digits on some resources; clients must cope.
        Some(t) => Value::String(
            t.to_rfc3339_opts(SecondsFormat::Micros, true)
                .replace('Z', "0Z"),
        ),
        None => Value::Null,
    }
}

fn password_json(c: &PasswordCredential) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": c.display_name,
        "endDateTime": time(c.end_date_time),
        "hint": c.hint,
        "keyId": c.key_id,
        "secretText": null,
        "startDateTime": time(c.start_date_time),
    })
}

fn key_json(c: &KeyCredential) -> Value {
    json!({
        "customKeyIdentifier": c.custom_key_identifier,
        "displayName": c.display_name,
        "endDateTime": time(c.end_date_time),
        "key": null,
        "keyId": c.key_id,
        "startDateTime": time(c.start_date_time),
        "type": c.key_type,
        "usage": c.usage,
    })
}

fn application_json(a: &Application) -> Value {
    json!({
        "id": a.id,
        "deletedDateTime": time(a.deleted_date_time),
        "appId": a.app_id,
        "createdDateTime": time(a.created_date_time),
        "displayName": a.display_name,
        "publisherDomain": a.publisher_domain,
        "signInAudience": a.sign_in_audience,
        "disabledByMicrosoftStatus": a.disabled_by_microsoft_status,
        "passwordCredentials": a.password_credentials.iter().map(password_json).collect::<Vec<_>>(),
        "keyCredentials": a.key_credentials.iter().map(key_json).collect::<Vec<_>>(),
        "federatedIdentityCredentials": a.federated_identity_credentials.iter().map(|f| json!({
            "id": f.id, "name": f.name, "issuer": f.issuer, "subject": f.subject,
            "audiences": f.audiences, "description": f.description,
        })).collect::<Vec<_>>(),
    })
}

fn service_principal_json(sp: &ServicePrincipal) -> Value {
    let mut v = json!({
        "id": sp.id,
        "deletedDateTime": time(sp.deleted_date_time),
        "accountEnabled": sp.account_enabled,
        "alternativeNames": sp.alternative_names,
        "appDisplayName": sp.app_display_name,
        "appId": sp.app_id,
        "appOwnerOrganizationId": sp.app_owner_organization_id,
        // v1.0's servicePrincipal has no createdDateTime: none is served.
        "disabledByMicrosoftStatus": sp.disabled_by_microsoft_status,
        "displayName": sp.display_name,
        "servicePrincipalType": sp.service_principal_type,
        "signInAudience": sp.sign_in_audience,
        "tags": sp.tags,
        "passwordCredentials": sp.password_credentials.iter().map(password_json).collect::<Vec<_>>(),
        "keyCredentials": sp.key_credentials.iter().map(key_json).collect::<Vec<_>>(),
    });
    if sp.service_principal_type == "ServiceIdentity" {
        v["@odata.type"] = "#microsoft.graph.agentIdentity".into();
        v["agentIdentityBlueprintId"] = sp.agent_identity_blueprint_id.clone().into();
    }
    v
}

fn sign_in_json(s: &SignIn) -> Value {
    json!({
        "id": s.id,
        "createdDateTime": time(Some(s.created_date_time)),
        "appId": s.app_id,
        "appDisplayName": s.service_principal_name,
        "ipAddress": s.ip_address,
        "clientCredentialType": s.client_credential_type,
        "conditionalAccessStatus": s.conditional_access_status,
        "resourceDisplayName": s.resource_display_name,
        "resourceId": s.resource_id,
        "resourceServicePrincipalId": s.resource_service_principal_id,
        "servicePrincipalCredentialKeyId": s.service_principal_credential_key_id,
        "servicePrincipalCredentialThumbprint": s.service_principal_credential_thumbprint,
        "servicePrincipalId": s.service_principal_id,
        "servicePrincipalName": s.service_principal_name,
        "federatedCredentialId": s.federated_credential_id,
        "signInEventTypes": [s.sign_in_event_type],
        "userId": "",
        "userPrincipalName": null,
        "status": {
            "errorCode": s.error_code,
            "failureReason": s.failure_reason,
            "additionalDetails": null,
        },
        "location": {
            "city": s.city,
            "state": s.state,
            "countryOrRegion": s.country_or_region,
            "geoCoordinates": {},
        },
    })
}

/// What a request's faults and token check decided: go on, or answer this.
fn gate(sim: &Sim, headers: &HeaderMap, has_page_token: bool) -> Result<(), Response> {
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

async fn delay(sim: &Sim) {
    let d = sim.config.faults.delay;
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}

async fn token(
    State(sim): State<Sim>,
    Path(tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = &sim.config;
    let grant = form.get("grant_type").map(String::as_str);
    if grant != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type",
            "error_description": "AADSTS70003: The app requested an unsupported grant type."})),
        )
            .into_response();
    }
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    if !tenant.eq_ignore_ascii_case(&inner.tenant_id) && tenant != "organizations" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_request",
            "error_description": format!("AADSTS90002: Tenant '{tenant}' not found.")})),
        )
            .into_response();
    }
    if form.get("client_id") != Some(&c.client_id) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unauthorized_client",
            "error_description": "AADSTS700016: Application not found in the directory."})),
        )
            .into_response();
    }
    if form.get("client_secret") != Some(&c.client_secret) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided."})),
        )
            .into_response();
    }
    inner.issued += 1;
    let value: u64 = inner.rng.random();
    let t = format!("sim.{}.{value:016x}", inner.issued);
    inner
        .tokens
        .insert(t.clone(), Instant::now() + c.token_lifetime);
    Json(json!({
        "token_type": "Bearer",
        "expires_in": c.token_lifetime.as_secs(),
        "ext_expires_in": c.token_lifetime.as_secs(),
        "access_token": t,
    }))
    .into_response()
}

async fn organization(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let domains: Vec<Value> = inner
        .default_domain
        .iter()
        .map(|d| json!({"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": true, "isInitial": true, "name": d, "type": "Managed"}))
        .collect();
    Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
        "value": [{
            "id": inner.tenant_id,
            "displayName": inner.tenant_name,
            "tenantType": "AAD",
            "verifiedDomains": domains,
        }]
    }))
    .into_response()
}

/// `$skiptoken` values: opaque to clients, the position after the last item served.
fn encode_token(parts: &[&str]) -> String {
    parts
        .join("\u{1f}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_token(t: &str) -> Option<Vec<String>> {
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

fn page_size(q: &HashMap<String, String>, default: i64, max: i64) -> Result<i64, Response> {
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

fn capped(sim: &Sim, n: i64) -> i64 {
    match sim.config.faults.page_cap {
        0 => n,
        cap => n.min(cap),
    }
}

fn bad_token() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "Directory_InvalidPageToken",
        "The specified page token value is invalid.",
    )
}

async fn list_directory(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    collection: &'static str,
) -> Response {
    delay(&sim).await;
    let skip = q.get("$skiptoken").cloned();
    if let Err(r) = gate(&sim, &headers, skip.is_some()) {
        return r;
    }
    let top = match page_size(&q, 100, 999) {
        Ok(n) => capped(&sim, n),
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
    let (items, last): (Vec<Value>, Option<String>) = if collection == "applications" {
        match applications::list_page(&inner.conn, inner.key, after.as_deref(), top) {
            Ok(v) => (
                v.iter().map(application_json).collect(),
                v.last().map(|a| a.id.clone()),
            ),
            Err(e) => {
                return graph_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "generalException",
                    &e.to_string(),
                )
            }
        }
    } else {
        match service_principals::list_page(&inner.conn, inner.key, after.as_deref(), top) {
            Ok(v) => (
                v.iter().map(service_principal_json).collect(),
                v.last().map(|s| s.id.clone()),
            ),
            Err(e) => {
                return graph_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "generalException",
                    &e.to_string(),
                )
            }
        }
    };
    let mut body = json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#{collection}"),
        "value": items,
    });
    if let (Some(last), true) = (
        last,
        body["value"]
            .as_array()
            .is_some_and(|v| v.len() as i64 == top),
    ) {
        body["@odata.nextLink"] = format!(
            "{}/v1.0/{collection}?$top={top}&$skiptoken={}",
            base_url(&headers),
            encode_token(&[collection, &last])
        )
        .into();
    }
    Json(body).into_response()
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

async fn list_applications(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list_directory(sim, headers, q, "applications").await
}

async fn list_service_principals(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list_directory(sim, headers, q, "servicePrincipals").await
}

/// `createdDateTime ge X and createdDateTime le Y` (either may be absent), as instants in ms.
fn created_range(filter: Option<&String>) -> Result<(i64, i64), Response> {
    let (mut from, mut to) = (i64::MIN, i64::MAX);
    let Some(f) = filter else {
        return Ok((from, to));
    };
    for clause in f.split(" and ") {
        let parts: Vec<&str> = clause.split_whitespace().collect();
        if parts.len() == 3 && parts[0] == "createdDateTime" {
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

async fn list_sign_ins(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delay(&sim).await;
    let skip = q.get("$skiptoken").cloned();
    if let Err(r) = gate(&sim, &headers, skip.is_some()) {
        return r;
    }
    let top = match page_size(&q, 1000, 1000) {
        Ok(n) => capped(&sim, n),
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

async fn sim_delete_sp(State(sim): State<Sim>, Path(id): Path<String>) -> Response {
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match service_principals::delete_service_principal(&inner.conn, inner.key, &id) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn sim_rename_sp(
    State(sim): State<Sim>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let name = body["displayName"]
        .as_str()
        .unwrap_or("renamed")
        .to_string();
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match inner.conn.execute(
        "UPDATE service_principals SET display_name = ?1 WHERE tenant = ?2 AND id = ?3",
        rusqlite::params![name, inner.key.0, id],
    ) {
        Ok(1) => StatusCode::NO_CONTENT.into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn sim_stats(State(sim): State<Sim>) -> Response {
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    Json(json!({"requests": inner.requests, "tokensIssued": inner.issued})).into_response()
}
