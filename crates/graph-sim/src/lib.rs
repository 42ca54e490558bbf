//! A Microsoft Graph simulator on loopback. It generates the demo tenant (any size, the same
//! generator as `steward demo`) into its own SQLite file and serves it in Graph's wire format:
//! a client-credentials token endpoint issuing expiring bearer tokens, `organization`,
//! `applications` and `servicePrincipals` (v1.0, `$top` up to 999, opaque `$skiptoken` links),
//! their `/delta` functions (`$deltatoken=latest`, full and change rounds, `@removed`, delta
//! links that expire with Graph's 400 `syncStateNotFound`), single objects by id, `$batch` of up
//! to 20 requests, and beta `auditLogs/signIns` (newest first, `$top` up to 1000, filtered by
//! `createdDateTime`).
//!
//! Faults are injected by rate from a seeded generator, so a test run is repeatable: 429 with
//! and without `Retry-After`, 503, expired page tokens (Graph's 400), access tokens revoked
//! mid-sync (401), connections reset halfway through a response, and slow responses. `/_sim/…` endpoints change the tenant between two syncs.
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
    AppCredentialSignInActivity, Application, DirectoryAudit, DirectoryRecommendation,
    DirectoryRoleAssignment, KeyCredential, NamedLocation, PasswordCredential,
    RiskyServicePrincipal, ServicePrincipal, ServicePrincipalRiskDetection,
    ServicePrincipalSignInActivity, SignIn, SubscribedSku,
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
    /// The connection drops halfway through the response body (any endpoint but `/_sim/…`).
    pub connection_reset: f64,
    /// Added to every Graph response.
    pub delay: Duration,
    /// `Retry-After` seconds on throttled responses.
    pub retry_after_secs: u64,
    /// At most this many items per page whatever `$top` asks (0: no cap). Graph may return fewer
    /// items than asked; tests use it to make small tenants span many pages.
    pub page_cap: i64,
    pub seed: u64,
    /// The tenant has no Workload ID Premium: Identity Protection's workload-identity endpoints
    /// answer 403, as Graph does.
    pub no_workload_id_premium: bool,
    /// The tenant has no Entra ID P1 or P2: the sign-in log answers 403, as Graph does.
    pub no_entra_premium: bool,
    /// Graph's published limits per endpoint family, enforced; `None` serves without limit.
    pub limits: Option<Limits>,
}

/// Graph's throttling limits per endpoint family (domain.md §8), per app and tenant.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Directory objects: resource units per 10 s (3,500 for a small tenant). A list or object
    /// read costs 2 units, 1 with `$select`, one more with `$expand`.
    pub directory_units_per_10s: f64,
    /// Reports and audit logs (sign-ins, usage reports): requests per 10 s (5).
    pub reports_per_10s: f64,
    /// Identity Protection and conditional access: requests per second (1), answered with 429
    /// and no `Retry-After`.
    pub protection_per_s: f64,
    /// How fast the simulated clock of the limits runs: 1.0 is Graph's; 20.0 refills every
    /// bucket twenty times faster (the same bursts, shorter windows) for tests and benches.
    pub speed: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            directory_units_per_10s: 3_500.0,
            reports_per_10s: 5.0,
            protection_per_s: 1.0,
            speed: 1.0,
        }
    }
}

impl Limits {
    /// The same limits over windows `factor` times shorter.
    pub fn scaled(self, factor: f64) -> Limits {
        Limits {
            speed: self.speed * factor,
            ..self
        }
    }
}

/// The endpoint families Graph throttles separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
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

/// The certificate uploaded to the simulated app registration: its PEM and its public key's.
#[derive(Debug, Clone)]
pub struct SimCertificate {
    pub certificate_pem: String,
    pub public_key_pem: String,
}

impl SimCertificate {
    /// The JWT header's `x5t` a client assertion must carry: base64url of the certificate's
    /// SHA-1 digest.
    fn x5t(&self) -> Option<String> {
        use base64::Engine;
        use sha1::Digest;
        let body: String = self
            .certificate_pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .map(str::trim)
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(der)))
    }
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub demo: DemoOptions,
    pub client_id: String,
    pub client_secret: String,
    /// A certificate the app may sign in with instead of the secret (a client assertion).
    pub client_certificate: Option<SimCertificate>,
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
    /// When the simulated tenant was generated.
    as_of: DateTime<Utc>,
    rng: ChaCha8Rng,
    tokens: HashMap<String, Instant>,
    issued: u64,
    requests: u64,
    /// Changes made through `/_sim/…`, in order: what delta rounds report.
    changes: Vec<Change>,
    seq: u64,
    /// Delta links of an earlier epoch are expired (`/_sim/expireDeltaTokens`).
    delta_epoch: u64,
    /// Token buckets of the families under `Limits`: (tokens left, last refill).
    buckets: HashMap<Family, (f64, Instant)>,
    /// Requests answered 429 by the limits.
    limited: u64,
    /// Authorization codes issued by `/authorize`: code → (PKCE challenge, redirect URI).
    codes: HashMap<String, (String, String)>,
    /// Device codes: device code → (user code, approved by the simulated admin).
    device_codes: HashMap<String, (String, bool)>,
    /// Refresh tokens that are still valid (each is used once: Entra rotates them).
    refresh_tokens: std::collections::HashSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChangeKind {
    Added,
    /// Only the display name changed: a delta round sends the id and that property alone, as
    /// Graph may.
    Renamed,
    Deleted,
}

#[derive(Debug, Clone)]
struct Change {
    seq: u64,
    collection: &'static str,
    id: String,
    kind: ChangeKind,
}

/// How long Graph keeps a delta link usable.
const DELTA_LINK_LIFETIME_MS: i64 = 7 * 86_400_000;

#[derive(Clone)]
struct Sim {
    config: Arc<SimConfig>,
    inner: Arc<Mutex<Inner>>,
    /// `$batch` requests being answered now, and the most there have been at once.
    batches: Arc<(
        std::sync::atomic::AtomicUsize,
        std::sync::atomic::AtomicUsize,
    )>,
}

/// Counts a `$batch` request in flight while it lives.
struct InFlight(
    Arc<(
        std::sync::atomic::AtomicUsize,
        std::sync::atomic::AtomicUsize,
    )>,
);

impl InFlight {
    fn new(sim: &Sim) -> InFlight {
        use std::sync::atomic::Ordering::SeqCst;
        let now = sim.batches.0.fetch_add(1, SeqCst) + 1;
        sim.batches.1.fetch_max(now, SeqCst);
        InFlight(sim.batches.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
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
        as_of: config.demo.as_of,
        rng: ChaCha8Rng::seed_from_u64(config.faults.seed),
        tokens: HashMap::new(),
        issued: 0,
        requests: 0,
        changes: Vec::new(),
        seq: 0,
        delta_epoch: 0,
        buckets: HashMap::new(),
        limited: 0,
        codes: HashMap::new(),
        device_codes: HashMap::new(),
        refresh_tokens: std::collections::HashSet::new(),
    };
    let sim = Sim {
        config: Arc::new(config),
        inner: Arc::new(Mutex::new(inner)),
        batches: Default::default(),
    };
    let app = Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device_code))
        .route("/devicelogin", get(device_login))
        .route("/_sim/revokeRefreshTokens", post(sim_revoke_refresh_tokens))
        .route("/v1.0/organization", get(organization))
        .route("/v1.0/applications", get(list_applications))
        .route("/v1.0/servicePrincipals", get(list_service_principals))
        .route("/v1.0/applications/delta", get(delta_applications))
        .route(
            "/v1.0/servicePrincipals/delta",
            get(delta_service_principals),
        )
        .route("/v1.0/{collection}/{id}", get(get_object))
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignments",
            get(list_assignments),
        )
        .route("/v1.0/{collection}/{id}/owners", get(list_owners))
        .route(
            "/v1.0/identityProtection/riskyServicePrincipals/{action}",
            post(risk_action),
        )
        .route(
            "/beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors",
            get(list_sponsors),
        )
        .route("/v1.0/$batch", post(batch))
        .route("/beta/$batch", post(batch))
        .route("/beta/auditLogs/signIns", get(list_sign_ins))
        .route(
            "/v1.0/auditLogs/directoryAudits",
            get(list_directory_audits),
        )
        .route("/_sim/{collection}/add", post(sim_add))
        .route("/_sim/{collection}/{id}/delete", post(sim_delete))
        .route("/_sim/{collection}/{id}/purge", post(sim_purge))
        .route("/_sim/{collection}/{id}/rename", post(sim_rename))
        .route("/_sim/expireDeltaTokens", post(sim_expire_delta_tokens))
        .route("/_sim/stats", get(sim_stats))
        .merge(Snapshot::ALL.into_iter().fold(Router::new(), |r, which| {
            r.route(which.path(), get(snapshot_route(which)))
        }))
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            connection_faults,
        ))
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

/// Drops the connection halfway through a response body, at the `connection_reset` rate: the
/// client sees a body cut short, as when a proxy or Graph's front door resets the connection.
async fn connection_faults(
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

/// Takes this request's cost from its family's token bucket, or answers 429 as Graph does for
/// that family: with `Retry-After` (the seconds until the bucket holds the cost again), or none
/// for Identity Protection and conditional access.
fn over_limit(sim: &Sim, limits: &Limits, path: &str, query: &str) -> Option<Response> {
    let family = family_of(path);
    let (capacity, per_sec, cost) = match family {
        Family::Directory => {
            let mut cost: f64 = 2.0;
            if query.contains("select=") {
                cost -= 1.0;
            }
            if query.contains("expand=") {
                cost += 1.0;
            }
            if path.ends_with("/$batch") {
                cost = 20.0;
            }
            (
                limits.directory_units_per_10s,
                limits.directory_units_per_10s / 10.0 * limits.speed,
                cost,
            )
        }
        Family::Reports => (
            limits.reports_per_10s,
            limits.reports_per_10s / 10.0 * limits.speed,
            1.0,
        ),
        Family::Protection => (
            limits.protection_per_s,
            limits.protection_per_s * limits.speed,
            1.0,
        ),
    };
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let (tokens, last) = inner.buckets.entry(family).or_insert((capacity, now));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * per_sec).min(capacity);
    *last = now;
    if *tokens >= cost {
        *tokens -= cost;
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

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn random_token(inner: &mut Inner, prefix: &str) -> String {
    let value: u128 = inner.rng.random();
    format!("{prefix}.{value:032x}")
}

/// Issues an access token and a refresh token for a delegated sign-in.
fn delegated_tokens(sim: &Sim, inner: &mut Inner) -> Response {
    inner.issued += 1;
    let access = random_token(inner, "sim-delegated");
    let refresh = random_token(inner, "sim-refresh");
    inner
        .tokens
        .insert(access.clone(), Instant::now() + sim.config.token_lifetime);
    inner.refresh_tokens.insert(refresh.clone());
    Json(json!({
        "token_type": "Bearer",
        "scope": "https://graph.microsoft.com/.default",
        "expires_in": sim.config.token_lifetime.as_secs(),
        "ext_expires_in": sim.config.token_lifetime.as_secs(),
        "access_token": access,
        "refresh_token": refresh,
    }))
    .into_response()
}

/// The token endpoint's delegated grants: an authorization code with its PKCE verifier, a
/// device code once the admin approved it, and a refresh token (rotated on each use).
fn delegated_token(sim: &Sim, tenant: &str, form: &HashMap<String, String>) -> Response {
    let c = &sim.config;
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    if !tenant.eq_ignore_ascii_case(&inner.tenant_id) && tenant != "organizations" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("AADSTS90002: Tenant '{tenant}' not found."),
        );
    }
    if form.get("client_id") != Some(&c.client_id) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "AADSTS700016: Application not found in the directory.",
        );
    }
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    match get("grant_type") {
        "authorization_code" => {
            let Some((challenge, redirect)) = inner.codes.remove(get("code")) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "AADSTS70008: The provided authorization code or refresh token has expired or was already used.",
                );
            };
            use base64::Engine;
            use sha2::Digest;
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(get("code_verifier").as_bytes()));
            if computed != challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                );
            }
            if get("redirect_uri") != redirect {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "AADSTS50148: The redirect_uri does not match the one of the authorization request.",
                );
            }
            delegated_tokens(sim, &mut inner)
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            match inner.device_codes.get(get("device_code")) {
                None => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "expired_token",
                    "AADSTS70020: The provided value for the input parameter 'device_code' is not valid.",
                ),
                Some((_, false)) => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "authorization_pending",
                    "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                ),
                Some((_, true)) => {
                    inner.device_codes.remove(get("device_code"));
                    delegated_tokens(sim, &mut inner)
                }
            }
        }
        _ => {
            if !inner.refresh_tokens.remove(get("refresh_token")) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "AADSTS700082: The refresh token has expired due to inactivity. The user must sign in again.",
                );
            }
            delegated_tokens(sim, &mut inner)
        }
    }
}

/// The sign-in page of the authorization code flow. The simulated admin signs in and consents
/// at once: the browser is sent back to the app's loopback redirect with a code.
async fn authorize(
    State(sim): State<Sim>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let redirect = get("redirect_uri").to_string();
    let loopback =
        redirect.starts_with("http://localhost:") || redirect.starts_with("http://127.0.0.1:");
    if !loopback {
        return (
            StatusCode::BAD_REQUEST,
            "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.",
        )
            .into_response();
    }
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let error = if !tenant.eq_ignore_ascii_case(&inner.tenant_id) {
        Some(format!("AADSTS90002: Tenant '{tenant}' not found."))
    } else if get("client_id") != sim.config.client_id {
        Some("AADSTS700016: Application not found in the directory.".to_string())
    } else if get("response_type") != "code" || get("code_challenge_method") != "S256" {
        Some("AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.".to_string())
    } else {
        None
    };
    let state = get("state").to_string();
    let target = match error {
        Some(e) => format!(
            "{redirect}?error=invalid_request&error_description={}&state={state}",
            e.replace(' ', "%20")
                .replace(':', "%3A")
                .replace('\'', "%27")
        ),
        None => {
            let code = random_token(&mut inner, "sim-code");
            inner.codes.insert(
                code.clone(),
                (get("code_challenge").to_string(), redirect.clone()),
            );
            format!("{redirect}?code={code}&state={state}")
        }
    };
    (StatusCode::FOUND, [("Location", target)]).into_response()
}

/// The device code flow's first step.
async fn device_code(
    State(sim): State<Sim>,
    Path(_tenant): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if form.get("client_id") != Some(&sim.config.client_id) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "AADSTS700016: Application not found in the directory.",
        );
    }
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let device = random_token(&mut inner, "sim-device");
    let n: u32 = inner.rng.random_range(10_000_000..99_999_999);
    let user_code = format!("S{n}");
    inner
        .device_codes
        .insert(device.clone(), (user_code.clone(), false));
    let uri = format!("{}/devicelogin", base_url(&headers));
    Json(json!({
        "device_code": device,
        "user_code": user_code,
        "verification_uri": uri,
        "expires_in": 900,
        "interval": 1,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

/// The device login page: `?code=USERCODE` is the simulated admin entering the code and
/// approving.
async fn device_login(
    State(sim): State<Sim>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let code = q.get("code").cloned().unwrap_or_default();
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match inner.device_codes.values_mut().find(|(u, _)| *u == code) {
        Some(entry) => {
            entry.1 = true;
            "You have signed in to Steward on your device. You may now close this window."
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "That code is not valid.").into_response(),
    }
}

/// Every refresh token issued so far stops working, as after a password reset or revocation.
async fn sim_revoke_refresh_tokens(State(sim): State<Sim>) -> Response {
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.refresh_tokens.clear();
    StatusCode::NO_CONTENT.into_response()
}

/// Checks a client assertion as Entra does: signed by the registered certificate's key (RS256),
/// naming it by `x5t`, for this token endpoint, by this client, and not expired.
fn check_assertion(c: &SimConfig, jwt: &str, audience: &str) -> Result<(), String> {
    let Some(cert) = &c.client_certificate else {
        return Err("AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.".into());
    };
    let header = jsonwebtoken::decode_header(jwt)
        .map_err(|e| format!("AADSTS50027: JWT token is invalid or malformed ({e})."))?;
    if header.x5t.is_none() || header.x5t != cert.x5t() {
        return Err("AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.".into());
    }
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(cert.public_key_pem.as_bytes())
        .map_err(|e| format!("the simulator's public key is not valid PEM ({e})"))?;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_audience(&[audience]);
    v.set_issuer(&[c.client_id.as_str()]);
    v.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let data = jsonwebtoken::decode::<Value>(jwt, &key, &v).map_err(|e| {
        format!("AADSTS700027: Client assertion failed signature validation ({e}).")
    })?;
    if data.claims["sub"].as_str() != Some(c.client_id.as_str()) {
        return Err("AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.".into());
    }
    Ok(())
}

async fn token(
    State(sim): State<Sim>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let c = &sim.config;
    let grant = form.get("grant_type").map(String::as_str);
    if matches!(
        grant,
        Some("authorization_code")
            | Some("refresh_token")
            | Some("urn:ietf:params:oauth:grant-type:device_code")
    ) {
        return delegated_token(&sim, &tenant, &form);
    }
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
    let assertion_type = form.get("client_assertion_type").map(String::as_str);
    if assertion_type == Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
        let audience = format!("{}/{tenant}/oauth2/v2.0/token", base_url(&headers));
        if let Err(why) = check_assertion(
            c,
            form.get("client_assertion")
                .map(String::as_str)
                .unwrap_or(""),
            &audience,
        ) {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client", "error_description": why})),
            )
                .into_response();
        }
    } else if form.get("client_secret") != Some(&c.client_secret) {
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

/// The whole object `id` of a directory collection as Graph serves it, if the tenant has it.
fn object_json(inner: &Inner, collection: &str, id: &str) -> steward_core::Result<Option<Value>> {
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

fn odata_type(collection: &str) -> &'static str {
    if collection == "applications" {
        "#microsoft.graph.application"
    } else {
        "#microsoft.graph.servicePrincipal"
    }
}

fn not_found(id: &str) -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        &format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

fn sync_state_not_found() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "syncStateNotFound",
        "The sync state generation is expired or not found. Restart the sync without a delta token.",
    )
}

fn internal(e: impl std::fmt::Display) -> Response {
    graph_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "generalException",
        &e.to_string(),
    )
}

/// The app role assignments granted to service principal `id` (its application permissions), as
/// Graph lists them; `None` when the tenant has no such service principal.
fn assignments_json(inner: &Inner, id: &str) -> steward_core::Result<Option<Value>> {
    let Some(sp) = service_principals::get_service_principal(&inner.conn, inner.key, id)?
        .filter(|sp| sp.deleted_date_time.is_none())
    else {
        return Ok(None);
    };
    let rows = store::app_role_assignments::list_for_principal(&inner.conn, inner.key, id)?;
    Ok(Some(json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('{id}')/appRoleAssignments"),
        "value": rows.iter().map(|a| json!({
            "id": a.id,
            "deletedDateTime": null,
            "appRoleId": a.app_role_id,
            "createdDateTime": time(a.created_date_time),
            "principalDisplayName": sp.display_name,
            "principalId": a.principal_id,
            "principalType": "ServicePrincipal",
            "resourceDisplayName": a.resource_display_name,
            "resourceId": a.resource_id,
        })).collect::<Vec<_>>(),
    })))
}

/// The owners of application or service principal `id`, as Graph lists them (directory objects:
/// users, service principals, groups); `None` when the tenant has no such object.
fn owners_json(inner: &Inner, collection: &str, id: &str) -> steward_core::Result<Option<Value>> {
    related_json(
        inner,
        collection,
        id,
        steward_core::model::OwnerRelation::Owner,
    )
}

/// The sponsors of agent identity `id` (beta `…/microsoft.graph.agentIdentity/sponsors`); none
/// when `id` is no agent identity, as the cast finds nothing.
fn sponsors_json(inner: &Inner, id: &str) -> steward_core::Result<Option<Value>> {
    match service_principals::get_service_principal(&inner.conn, inner.key, id)? {
        Some(sp)
            if sp.deleted_date_time.is_none()
                && steward_core::model::IdentityKind::classify(
                    &sp.service_principal_type,
                    &sp.alternative_names,
                ) == steward_core::model::IdentityKind::AgentIdentity =>
        {
            let mut v = related_json(
                inner,
                "servicePrincipals",
                id,
                steward_core::model::OwnerRelation::Sponsor,
            )?;
            if let Some(v) = v.as_mut() {
                if let Some(o) = v.as_object_mut() {
                    // The documented sponsors response carries no context.
                    o.remove("@odata.context");
                }
            }
            Ok(v)
        }
        _ => Ok(None),
    }
}

fn related_json(
    inner: &Inner,
    collection: &str,
    id: &str,
    relation: steward_core::model::OwnerRelation,
) -> steward_core::Result<Option<Value>> {
    if object_json(inner, collection, id)?.is_none() {
        return Ok(None);
    }
    let owners = store::owners::list_for_objects(&inner.conn, inner.key, &[id])?;
    Ok(Some(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
        "value": owners
            .iter()
            .filter(|o| o.relation == relation)
            .map(|o| {
                let mut v = json!({
                    "@odata.type": format!("#microsoft.graph.{}", o.owner_type),
                    "id": o.owner_id,
                    "displayName": o.display_name,
                });
                if o.owner_type == "user" {
                    v["userPrincipalName"] = Value::Null;
                }
                v
            })
            .collect::<Vec<_>>(),
    })))
}

/// `GET /v1.0/{applications|servicePrincipals}/{id}/owners`.
async fn list_owners(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    serve(&sim, &headers, &id, |inner| {
        match directory_collection(&collection) {
            Some(c) => owners_json(inner, c, &id),
            None => Ok(None),
        }
    })
    .await
}

/// `POST /v1.0/identityProtection/riskyServicePrincipals/{confirmCompromised|dismiss}` with
/// `{"servicePrincipalIds": [...]}`: Identity Protection's admin actions. 204 and no body.
async fn risk_action(
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

/// `GET /beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors`.
async fn list_sponsors(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| sponsors_json(inner, &id)).await
}

/// One object's list as JSON from the cache, or Graph's 404 when the object is not there; the
/// request delayed and gated like any other.
async fn serve(
    sim: &Sim,
    headers: &HeaderMap,
    id: &str,
    list: impl FnOnce(&Inner) -> steward_core::Result<Option<Value>>,
) -> Response {
    delay(sim).await;
    if let Err(r) = gate(sim, headers, false) {
        return r;
    }
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match list(&inner) {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => not_found(id),
        Err(e) => internal(e),
    }
}

/// `GET /v1.0/servicePrincipals/{id}/appRoleAssignments`.
async fn list_assignments(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    serve(&sim, &headers, &id, |inner| assignments_json(inner, &id)).await
}

/// `GET /v1.0/{applications|servicePrincipals}/{id}`.
async fn get_object(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let Some(collection) = directory_collection(&collection) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{collection}'."),
        );
    };
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    match object_json(&inner, collection, &id) {
        Ok(Some(mut v)) => {
            v["@odata.context"] =
                format!("https://graph.microsoft.com/v1.0/$metadata#{collection}/$entity").into();
            Json(v).into_response()
        }
        Ok(None) => not_found(&id),
        Err(e) => internal(e),
    }
}

async fn delta_applications(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delta(sim, headers, q, "applications").await
}

async fn delta_service_principals(
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
async fn delta(
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
    let top = match page_size(&q, 200, 999) {
        Ok(n) => capped(&sim, n),
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

/// Up to `top` objects of a directory collection after `after`, in id order, as Graph serves
/// them, and the last one's id.
fn directory_page(
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

/// JSON batching: up to 20 GET requests of single directory objects, each answered on its own
/// (a sub-request may be throttled while the others succeed, as Graph does).
async fn batch(State(sim): State<Sim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let _in_flight = InFlight::new(&sim);
    delay(&sim).await;
    if let Err(r) = gate(&sim, &headers, false) {
        return r;
    }
    let Some(requests) = body["requests"].as_array() else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Invalid batch payload format: no `requests` array.",
        );
    };
    if requests.len() > 20 {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The number of batch requests in the payload exceeds the limit of 20.",
        );
    }
    let f = &sim.config.faults;
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let mut responses = Vec::with_capacity(requests.len());
    for r in requests {
        let id = r["id"].clone();
        let method = r["method"].as_str().unwrap_or("");
        let url = r["url"].as_str().unwrap_or("");
        let path = url.split('?').next().unwrap_or("").trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        let roll = inner.rng.random::<f64>();
        let (status, headers, body) = if roll < f.throttle + f.throttle_no_retry_after {
            (
                429,
                json!({"Retry-After": f.retry_after_secs.to_string()}),
                json!({"error": {"code": "TooManyRequests", "message": "Too many requests."}}),
            )
        } else if method == "GET"
            && (parts.len() == 3 && matches!(parts[2], "appRoleAssignments" | "owners")
                || parts.len() == 4
                    && parts[0] == "servicePrincipals"
                    && parts[2].eq_ignore_ascii_case("microsoft.graph.agentIdentity")
                    && parts[3] == "sponsors")
        {
            let found = match (directory_collection(parts[0]), parts[2]) {
                _ if parts.len() == 4 => sponsors_json(&inner, parts[1]),
                (Some("servicePrincipals"), "appRoleAssignments") => {
                    assignments_json(&inner, parts[1])
                }
                (Some(c), "owners") => owners_json(&inner, c, parts[1]),
                _ => Ok(None),
            };
            match found {
                Ok(Some(v)) => (200, json!({"Content-Type": "application/json"}), v),
                Ok(None) => (
                    404,
                    json!({}),
                    json!({"error": {"code": "Request_ResourceNotFound", "message": format!("Resource '{}' does not exist.", parts[1])}}),
                ),
                Err(e) => (
                    500,
                    json!({}),
                    json!({"error": {"code": "generalException", "message": e.to_string()}}),
                ),
            }
        } else if method != "GET" || parts.len() != 2 {
            (
                400,
                json!({}),
                json!({"error": {"code": "BadRequest", "message": format!("This batch supports GET of a single object, not {method} {url}.")}}),
            )
        } else {
            match directory_collection(parts[0]).map(|c| object_json(&inner, c, parts[1])) {
                Some(Ok(Some(v))) => (200, json!({"Content-Type": "application/json"}), v),
                Some(Ok(None)) => (
                    404,
                    json!({}),
                    json!({"error": {"code": "Request_ResourceNotFound", "message": format!("Resource '{}' does not exist.", parts[1])}}),
                ),
                Some(Err(e)) => (
                    500,
                    json!({}),
                    json!({"error": {"code": "generalException", "message": e.to_string()}}),
                ),
                None => (
                    400,
                    json!({}),
                    json!({"error": {"code": "BadRequest", "message": format!("Resource not found for the segment '{}'.", parts[0])}}),
                ),
            }
        };
        responses.push(json!({"id": id, "status": status, "headers": headers, "body": body}));
    }
    Json(json!({"responses": responses})).into_response()
}

/// The collections the simulator serves whole from its cache, paged by offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Snapshot {
    Skus,
    NamedLocations,
    RiskyServicePrincipals,
    RiskDetections,
    Recommendations,
    SpActivities,
    CredentialActivities,
    RoleAssignments,
    RoleEligibilities,
    DeletedApplications,
    DeletedServicePrincipals,
    Grants,
    CaPolicies,
}

impl Snapshot {
    const ALL: [Snapshot; 13] = [
        Snapshot::Skus,
        Snapshot::NamedLocations,
        Snapshot::RiskyServicePrincipals,
        Snapshot::RiskDetections,
        Snapshot::Recommendations,
        Snapshot::SpActivities,
        Snapshot::CredentialActivities,
        Snapshot::RoleAssignments,
        Snapshot::RoleEligibilities,
        Snapshot::DeletedApplications,
        Snapshot::DeletedServicePrincipals,
        Snapshot::Grants,
        Snapshot::CaPolicies,
    ];

    fn path(self) -> &'static str {
        match self {
            Snapshot::Skus => "/v1.0/subscribedSkus",
            Snapshot::NamedLocations => "/v1.0/identity/conditionalAccess/namedLocations",
            Snapshot::RiskyServicePrincipals => "/v1.0/identityProtection/riskyServicePrincipals",
            Snapshot::RiskDetections => "/v1.0/identityProtection/servicePrincipalRiskDetections",
            Snapshot::Recommendations => "/beta/directory/recommendations",
            Snapshot::SpActivities => "/beta/reports/servicePrincipalSignInActivities",
            Snapshot::CredentialActivities => "/beta/reports/appCredentialSignInActivities",
            Snapshot::RoleAssignments => "/beta/roleManagement/directory/roleAssignments",
            Snapshot::RoleEligibilities => {
                "/beta/roleManagement/directory/roleEligibilityScheduleInstances"
            }
            Snapshot::DeletedApplications => {
                "/v1.0/directory/deletedItems/microsoft.graph.application"
            }
            Snapshot::DeletedServicePrincipals => {
                "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal"
            }
            Snapshot::Grants => "/v1.0/oauth2PermissionGrants",
            Snapshot::CaPolicies => "/v1.0/identity/conditionalAccess/policies",
        }
    }

    fn context(self) -> &'static str {
        match self {
            Snapshot::Skus => "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
            Snapshot::NamedLocations => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations"
            }
            Snapshot::RiskyServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyServicePrincipals"
            }
            Snapshot::RiskDetections => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/servicePrincipalRiskDetections"
            }
            Snapshot::Recommendations => {
                "https://graph.microsoft.com/beta/$metadata#directory/recommendations"
            }
            Snapshot::SpActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/servicePrincipalSignInActivities"
            }
            Snapshot::CredentialActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/appCredentialSignInActivities"
            }
            Snapshot::RoleAssignments => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleAssignments(roleDefinition())"
            }
            Snapshot::RoleEligibilities => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinition())"
            }
            Snapshot::DeletedApplications => {
                "https://graph.microsoft.com/v1.0/$metadata#applications"
            }
            Snapshot::DeletedServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals"
            }
            Snapshot::Grants => "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants",
            Snapshot::CaPolicies => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
            }
        }
    }

    /// Graph pages these by its own size; `$top` is honoured up to this.
    fn max_top(self) -> i64 {
        match self {
            Snapshot::Skus | Snapshot::DeletedApplications | Snapshot::DeletedServicePrincipals => {
                999
            }
            _ => 500,
        }
    }

    fn values(self, inner: &Inner) -> steward_core::Result<Vec<Value>> {
        let (c, k) = (&inner.conn, inner.key);
        Ok(match self {
            Snapshot::Skus => store::insights::list_skus(c, k)?
                .iter()
                .map(|s| sku_json(s, &inner.tenant_id, &inner.tenant_name))
                .collect(),
            Snapshot::NamedLocations => store::risk::list_named_locations(c, k)?
                .iter()
                .map(named_location_json)
                .collect(),
            Snapshot::RiskyServicePrincipals => store::risk::list_risky_service_principals(c, k)?
                .iter()
                .map(risky_json)
                .collect(),
            Snapshot::RiskDetections => store::risk::list_detections(c, k)?
                .iter()
                .map(detection_json)
                .collect(),
            Snapshot::Recommendations => store::insights::list_directory_recommendations(c, k)?
                .iter()
                .map(|r| recommendation_json(r, &inner.tenant_id))
                .collect(),
            Snapshot::SpActivities => store::insights::list_sp_activities(c, k)?
                .iter()
                .map(sp_activity_json)
                .collect(),
            Snapshot::CredentialActivities => store::insights::list_credential_activities(c, k)?
                .iter()
                .map(credential_activity_json)
                .collect(),
            Snapshot::RoleAssignments => store::directory_roles::list_all(c, k, "active")?
                .iter()
                .map(|a| role_assignment_json(a, inner.as_of))
                .collect(),
            Snapshot::RoleEligibilities => store::directory_roles::list_all(c, k, "eligible")?
                .iter()
                .map(|a| role_assignment_json(a, inner.as_of))
                .collect(),
            Snapshot::DeletedApplications => applications::list_deleted(c, k)?
                .iter()
                .map(|a| {
                    // Not expanded here: the list is read without `$expand`.
                    let mut v = application_json(a);
                    if let Some(o) = v.as_object_mut() {
                        o.remove("federatedIdentityCredentials");
                    }
                    v
                })
                .collect(),
            Snapshot::DeletedServicePrincipals => service_principals::list_deleted(c, k)?
                .iter()
                .map(service_principal_json)
                .collect(),
            Snapshot::Grants => store::governance::list_grants(c, k)?
                .iter()
                .map(|g| {
                    json!({
                        "clientId": g.client_id,
                        "consentType": g.consent_type,
                        "id": g.id,
                        "principalId": g.principal_id,
                        "resourceId": g.resource_id,
                        "scope": g.scope,
                    })
                })
                .collect(),
            Snapshot::CaPolicies => store::governance::list_ca_policies(c, k)?
                .iter()
                .map(|p| serde_json::from_str(&p.policy).unwrap_or(Value::Null))
                .collect(),
        })
    }
}

type Handled = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// The handler of one snapshot collection.
fn snapshot_route(
    which: Snapshot,
) -> impl Fn(State<Sim>, HeaderMap, Query<HashMap<String, String>>) -> Handled
       + Clone
       + Send
       + Sync
       + 'static {
    move |State(sim), headers, Query(q)| Box::pin(snapshot_list(sim, headers, q, which))
}

/// A collection served whole from the cache, `$top` items a page, `$skiptoken` an offset.
async fn snapshot_list(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    which: Snapshot,
) -> Response {
    delay(&sim).await;
    let skip = q.get("$skiptoken").cloned();
    if let Err(r) = gate(&sim, &headers, skip.is_some()) {
        return r;
    }
    let gated = matches!(
        which,
        Snapshot::RiskyServicePrincipals | Snapshot::RiskDetections
    );
    if gated && sim.config.faults.no_workload_id_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The tenant does not have a valid Microsoft Entra Workload ID Premium license.",
        );
    }
    // PIM without Entra ID P2 is refused with a 400, not a 403, as Graph does.
    if which == Snapshot::RoleEligibilities && sim.config.faults.no_entra_premium {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "AadPremiumLicenseRequired",
            "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
        );
    }
    let top = match page_size(&q, which.max_top(), which.max_top()) {
        Ok(n) => capped(&sim, n),
        Err(r) => return r,
    };
    let offset = match &skip {
        Some(t) => match decode_token(t) {
            Some(p) if p.len() == 2 && p[0] == which.path() => match p[1].parse::<usize>() {
                Ok(n) => n,
                Err(_) => return bad_token(),
            },
            _ => return bad_token(),
        },
        None => 0,
    };
    let values = {
        let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        match which.values(&inner) {
            Ok(v) => v,
            Err(e) => return internal(e),
        }
    };
    let page: Vec<Value> = values
        .iter()
        .skip(offset)
        .take(top as usize)
        .cloned()
        .collect();
    let next = offset + page.len();
    let mut body = json!({"@odata.context": which.context(), "value": page});
    if next < values.len() {
        body["@odata.nextLink"] = format!(
            "{}{}?$top={top}&$skiptoken={}",
            base_url(&headers),
            which.path(),
            encode_token(&[which.path(), &next.to_string()])
        )
        .into();
    }
    Json(body).into_response()
}

fn sku_json(s: &SubscribedSku, tenant_id: &str, tenant_name: &str) -> Value {
    json!({
        "accountName": tenant_name,
        "accountId": tenant_id,
        "appliesTo": "User",
        "capabilityStatus": s.capability_status,
        "consumedUnits": s.consumed_units,
        "id": format!("{tenant_id}_{}", s.sku_id),
        "prepaidUnits": {"enabled": s.prepaid_enabled, "lockedOut": 0, "suspended": 0, "warning": 0},
        "servicePlans": s.service_plan_ids.iter().map(|p| json!({
            "servicePlanId": p,
            "servicePlanName": s.sku_part_number,
            "provisioningStatus": "Success",
            "appliesTo": "User",
        })).collect::<Vec<_>>(),
        "skuId": s.sku_id,
        "skuPartNumber": s.sku_part_number,
        "subscriptionIds": [],
    })
}

/// A role assignment as beta `unifiedRoleAssignment`, or an eligible one as
/// `unifiedRoleEligibilityScheduleInstance`, with its `roleDefinition` expanded.
fn role_assignment_json(a: &DirectoryRoleAssignment, as_of: DateTime<Utc>) -> Value {
    let role = json!({
        "id": a.role_definition_id,
        "displayName": a.role_display_name,
        "isPrivileged": a.is_privileged,
    });
    if a.assignment_type == "eligible" {
        json!({
            "id": a.id,
            "principalId": a.principal_id,
            "roleDefinitionId": a.role_definition_id,
            "directoryScopeId": a.directory_scope_id,
            "appScopeId": null,
            "startDateTime": time(Some(as_of - chrono::Duration::days(90))),
            "endDateTime": null,
            "memberType": "Direct",
            "roleEligibilityScheduleId": a.id,
            "roleDefinition": role,
        })
    } else {
        json!({
            "id": a.id,
            "principalId": a.principal_id,
            "roleDefinitionId": a.role_definition_id,
            "directoryScopeId": a.directory_scope_id,
            "roleDefinition": role,
        })
    }
}

fn named_location_json(l: &NamedLocation) -> Value {
    if l.kind == "ip" {
        json!({
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "id": l.id,
            "displayName": l.display_name,
            "modifiedDateTime": null,
            "createdDateTime": null,
            "isTrusted": l.is_trusted,
            "ipRanges": l.ip_ranges.iter().map(|r| json!({
                "@odata.type": if r.contains(':') { "#microsoft.graph.iPv6CidrRange" } else { "#microsoft.graph.iPv4CidrRange" },
                "cidrAddress": r,
            })).collect::<Vec<_>>(),
        })
    } else {
        json!({
            "@odata.type": "#microsoft.graph.countryNamedLocation",
            "id": l.id,
            "displayName": l.display_name,
            "modifiedDateTime": null,
            "createdDateTime": null,
            "countriesAndRegions": l.countries_and_regions,
            "includeUnknownCountriesAndRegions": l.include_unknown_countries_and_regions,
        })
    }
}

fn risky_json(r: &RiskyServicePrincipal) -> Value {
    json!({
        "id": r.id,
        "isEnabled": r.is_enabled,
        "isProcessing": r.is_processing,
        "riskLastUpdatedDateTime": time(r.risk_last_updated_date_time),
        "riskLevel": r.risk_level,
        "riskState": r.risk_state,
        "riskDetail": r.risk_detail,
        "displayName": r.display_name,
        "appId": r.app_id,
        "servicePrincipalType": r.service_principal_type,
    })
}

fn detection_json(d: &ServicePrincipalRiskDetection) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.servicePrincipalRiskDetection",
        "id": d.id,
        "requestId": d.request_id,
        "correlationId": d.correlation_id,
        "riskEventType": d.risk_event_type,
        "riskState": d.risk_state,
        "riskLevel": d.risk_level,
        "riskDetail": d.risk_detail,
        "source": d.source,
        "detectionTimingType": d.detection_timing_type,
        "activity": d.activity,
        "tokenIssuerType": "AzureAD",
        "ipAddress": d.ip_address,
        "location": d.location.as_ref().map(|l| json!({
            "city": l.city,
            "state": l.state,
            "countryOrRegion": l.country_or_region,
        })),
        "activityDateTime": time(d.activity_date_time),
        "detectedDateTime": time(d.detected_date_time),
        "lastUpdatedDateTime": time(d.last_updated_date_time),
        "servicePrincipalId": d.service_principal_id,
        "servicePrincipalDisplayName": d.service_principal_display_name,
        "appId": d.app_id,
        "keyIds": d.key_ids,
        "additionalInfo": d.additional_info,
    })
}

fn recommendation_json(r: &DirectoryRecommendation, tenant_id: &str) -> Value {
    json!({
        "id": r.id,
        "recommendationType": r.recommendation_type,
        "createdDateTime": null,
        "impactStartDateTime": null,
        "postponeUntilDateTime": time(r.postpone_until_date_time),
        "lastModifiedDateTime": null,
        "lastModifiedBy": null,
        "lastCheckedDateTime": time(r.last_checked_date_time),
        "currentScore": 0.0,
        "maxScore": 0.0,
        "displayName": r.display_name,
        "featureAreas": ["applications"],
        "insights": r.insights,
        "benefits": r.benefits,
        "category": "identityBestPractice",
        "status": r.status,
        "priority": r.priority,
        "impactType": "applications",
        "remediationImpact": "",
        "actionSteps": r.action_steps.iter().enumerate().map(|(i, t)| json!({
            "stepNumber": i + 1,
            "text": t,
            "actionUrl": {
                "displayName": "Open App registrations",
                "url": format!("https://entra.microsoft.com/{tenant_id}/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade"),
            },
        })).collect::<Vec<_>>(),
    })
}

fn activity(t: Option<DateTime<Utc>>) -> Value {
    json!({"lastSignInDateTime": time(t), "lastSignInRequestId": null})
}

fn sp_activity_json(a: &ServicePrincipalSignInActivity) -> Value {
    json!({
        "id": a.id,
        "appId": a.app_id,
        "lastSignInActivity": activity(a.last_sign_in),
        "applicationAuthenticationClientSignInActivity": activity(a.application_client),
        "applicationAuthenticationResourceSignInActivity": activity(a.application_resource),
        "delegatedClientSignInActivity": activity(a.delegated_client),
        "delegatedResourceSignInActivity": activity(a.delegated_resource),
    })
}

fn credential_activity_json(a: &AppCredentialSignInActivity) -> Value {
    json!({
        "id": a.id,
        "keyId": a.key_id,
        "appId": a.app_id,
        "appObjectId": a.app_object_id,
        "servicePrincipalObjectId": a.service_principal_object_id,
        "credentialOrigin": a.credential_origin,
        "keyType": a.key_type,
        "signInActivity": activity(a.last_sign_in),
    })
}

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
    if sim.config.faults.no_entra_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license",
        );
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

/// v1.0 `auditLogs/directoryAudits`: the ApplicationManagement events (the only category the
/// simulated tenant logs), newest first, filtered by `activityDateTime`, `$skiptoken` an offset.
async fn list_directory_audits(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
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

/// An audit event as v1.0 `directoryAudit`.
fn audit_json(a: &DirectoryAudit, tenant_id: &str) -> Value {
    let initiated_by = match a.initiated_by_type.as_deref() {
        Some("app") => json!({
            "user": null,
            "app": {
                "appId": null,
                "displayName": a.initiated_by,
                "servicePrincipalId": a.initiated_by_id,
                "servicePrincipalName": null,
            },
        }),
        _ => json!({
            "app": null,
            "user": {
                "id": a.initiated_by_id,
                "displayName": null,
                "userPrincipalName": a.initiated_by,
                "ipAddress": "",
                "userType": "Member",
                "homeTenantId": tenant_id,
                "homeTenantName": null,
            },
        }),
    };
    let modified: Value = serde_json::from_str(&a.modified).unwrap_or_else(|_| json!([]));
    json!({
        "id": a.id,
        "category": "ApplicationManagement",
        "correlationId": a.id.split('_').nth(1),
        "result": a.result,
        "resultReason": a.result_reason,
        "activityDisplayName": a.activity,
        "activityDateTime": time(Some(a.activity_date_time)),
        "loggedByService": "Core Directory",
        "operationType": a.operation_type,
        "initiatedBy": initiated_by,
        "targetResources": [{
            "id": a.target_id,
            "displayName": a.target_name,
            "type": a.target_type,
            "userPrincipalName": null,
            "groupType": null,
            "modifiedProperties": modified,
        }],
        "additionalDetails": [],
    })
}

/// `applications` or `servicePrincipals` as the static name a change records.
fn directory_collection(name: &str) -> Option<&'static str> {
    match name {
        "applications" => Some("applications"),
        "servicePrincipals" => Some("servicePrincipals"),
        _ => None,
    }
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

fn record(inner: &mut Inner, collection: &'static str, id: &str, kind: ChangeKind) {
    inner.seq += 1;
    let seq = inner.seq;
    inner.changes.push(Change {
        seq,
        collection,
        id: id.to_string(),
        kind,
    });
}

fn sim_error(e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
}

async fn sim_delete(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let now = steward_core::clock::now().timestamp_millis();
    let done = if collection == "applications" {
        applications::mark_deleted(&inner.conn, inner.key, &id, now)
    } else {
        service_principals::mark_deleted(&inner.conn, inner.key, &id, now)
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Deleted);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => sim_error(e),
    }
}

/// Deletes an object for good (Graph's permanent delete, or the end of the 30 days a deleted
/// object is kept for).
async fn sim_purge(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let done = if collection == "applications" {
        applications::delete_application(&inner.conn, inner.key, &id)
    } else {
        service_principals::delete_service_principal(&inner.conn, inner.key, &id)
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Deleted);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => sim_error(e),
    }
}

async fn sim_rename(
    State(sim): State<Sim>,
    Path((collection, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = body["displayName"]
        .as_str()
        .unwrap_or("renamed")
        .to_string();
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let table = if collection == "applications" {
        "applications"
    } else {
        "service_principals"
    };
    match inner.conn.execute(
        &format!("UPDATE {table} SET display_name = ?1 WHERE tenant = ?2 AND id = ?3"),
        rusqlite::params![name, inner.key.0, id],
    ) {
        Ok(1) => {
            record(&mut inner, collection, &id, ChangeKind::Renamed);
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => sim_error(e),
    }
}

/// Adds an object to the tenant: a copy of the first one with new ids, the given display name
/// and no credentials. Answers `{"id": …}`.
async fn sim_add(
    State(sim): State<Sim>,
    Path(collection): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let Some(collection) = directory_collection(&collection) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let name = body["displayName"].as_str().unwrap_or("added").to_string();
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let uuid = |rng: &mut ChaCha8Rng| {
        let b: [u8; 16] = rng.random();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            u16::from_be_bytes([b[4], b[5]]),
            u16::from_be_bytes([b[6], b[7]]) & 0xfff,
            u16::from_be_bytes([b[8], b[9]]) & 0xfff,
            u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
        )
    };
    let (id, app_id) = (uuid(&mut inner.rng), uuid(&mut inner.rng));
    let done = if collection == "applications" {
        match applications::list_page(&inner.conn, inner.key, None, 1) {
            Ok(mut v) if !v.is_empty() => {
                let mut a = v.remove(0);
                a.id = id.clone();
                a.app_id = app_id;
                a.display_name = name;
                a.created_date_time = Some(steward_core::clock::now());
                a.password_credentials.clear();
                a.key_credentials.clear();
                a.federated_identity_credentials.clear();
                applications::upsert_application(&inner.conn, inner.key, &a)
            }
            Ok(_) => return StatusCode::CONFLICT.into_response(),
            Err(e) => Err(e),
        }
    } else {
        match service_principals::list_page(&inner.conn, inner.key, None, 1) {
            Ok(mut v) if !v.is_empty() => {
                let mut sp = v.remove(0);
                sp.id = id.clone();
                sp.app_id = app_id;
                sp.display_name = name;
                sp.password_credentials.clear();
                sp.key_credentials.clear();
                let home = inner.tenant_id.clone();
                service_principals::upsert_service_principal(&inner.conn, inner.key, &home, &sp)
            }
            Ok(_) => return StatusCode::CONFLICT.into_response(),
            Err(e) => Err(e),
        }
    };
    match done {
        Ok(()) => {
            record(&mut inner, collection, &id, ChangeKind::Added);
            (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
        }
        Err(e) => sim_error(e),
    }
}

/// Every delta link issued so far expires, as after Graph's seven days.
async fn sim_expire_delta_tokens(State(sim): State<Sim>) -> Response {
    let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.delta_epoch += 1;
    StatusCode::NO_CONTENT.into_response()
}

async fn sim_stats(State(sim): State<Sim>) -> Response {
    let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
    let peak = sim.batches.1.load(std::sync::atomic::Ordering::SeqCst);
    Json(json!({
        "requests": inner.requests,
        "tokensIssued": inner.issued,
        "limited": inner.limited,
        "peakBatchesInFlight": peak,
    }))
    .into_response()
}
