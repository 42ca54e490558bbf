//! The token endpoint: client credentials with a secret or a certificate-signed client
//! assertion, and the delegated flows (authorization code with PKCE, device code, refresh tokens
//! rotated on each use).

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::{json, Value};

use crate::config::SimConfig;
use crate::paging::base_url;
use crate::state::{Inner, Sim};

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
pub(crate) async fn authorize(
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
pub(crate) async fn device_code(
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
pub(crate) async fn device_login(
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

pub(crate) async fn token(
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
