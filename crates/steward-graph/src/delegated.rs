//! Delegated admin sign-in: the authorization code flow with PKCE through the system browser and
//! a loopback redirect, or the device code flow where no browser can open (the `oauth2` crate).
//! Either yields a refresh token; a sync then signs in with it, and the rotated token it gets
//! back replaces the kept one in the OS keyring.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, DeviceAuthorizationUrl, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, RedirectUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse, TokenUrl,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The scopes Steward asks for: Graph with the app registration's delegated permissions, and a
/// refresh token.
pub fn scopes(graph_url: &str) -> Vec<String> {
    vec![
        format!("{}/.default", graph_url.trim_end_matches('/')),
        "offline_access".into(),
    ]
}

/// After a sync or connection test signed in with the kept admin sign-in: keeps the refresh
/// token Entra rotated in place of the used one under `account` (the authority's admin
/// account), or, when Entra refused it (`signed_in` false), forgets it, since the admin must
/// sign in again. An error says the rotated token could not be kept.
pub fn keep_rotated(
    store: &dyn crate::secrets::SecretStore,
    account: &str,
    opts: &crate::sync::SyncOptions,
    signed_in: bool,
) -> Result<(), crate::secrets::SecretStoreError> {
    let Some(slot) = &opts.refresh_token else {
        return Ok(());
    };
    if !signed_in {
        store.delete(account)?;
        return Ok(());
    }
    let latest = slot.lock().unwrap_or_else(|e| e.into_inner()).clone();
    store.set(account, &latest)
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the sign-in did not finish: {0}")]
    Failed(String),
    #[error("no browser came back to Steward within {0} minutes; run the sign-in again, or use --device-code on a machine without a browser")]
    TimedOut(u64),
}

/// What a delegated sign-in yields. The refresh token is a secret: keep it in the OS keyring.
pub struct Tokens {
    pub refresh_token: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens { refresh_token: <redacted> }")
    }
}

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    EndpointSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

fn client(
    authority: &crate::endpoints::Authority,
    tenant: &str,
    client_id: &str,
) -> Result<Client, SignInError> {
    let base = format!("{}/{}/oauth2/v2.0", authority.url(), tenant.trim());
    let bad = |e: oauth2::url::ParseError| {
        SignInError::Failed(format!(
            "the authority URL is not valid ({e}); check --authority-url"
        ))
    };
    Ok(
        BasicClient::new(ClientId::new(client_id.trim().to_string()))
            .set_auth_uri(AuthUrl::new(format!("{base}/authorize")).map_err(bad)?)
            .set_token_uri(TokenUrl::new(format!("{base}/token")).map_err(bad)?)
            .set_device_authorization_url(
                DeviceAuthorizationUrl::new(format!("{base}/devicecode")).map_err(bad)?,
            ),
    )
}

fn http() -> Result<reqwest::Client, SignInError> {
    reqwest::Client::builder()
        // Following redirects from the token endpoint would open the door to SSRF.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| SignInError::Failed(format!("the HTTP client could not start ({e})")))
}

fn describe<E: std::error::Error>(e: E) -> SignInError {
    // The token endpoint's error description carries the AADSTS code; nothing secret.
    SignInError::Failed(steward_core::chain_text(&e))
}

fn refresh_of(t: &oauth2::basic::BasicTokenResponse) -> Result<Tokens, SignInError> {
    t.refresh_token()
        .map(|r| Tokens {
            refresh_token: r.secret().clone(),
        })
        .ok_or_else(|| SignInError::Failed("the token endpoint returned no refresh token; the app registration must allow public client flows and the offline_access scope".into()))
}

/// The authorization code flow with PKCE. `open` is given the sign-in page's address: open the
/// system browser there (and print it). The browser comes back to a one-time loopback listener.
pub async fn sign_in_browser(
    authority: &crate::endpoints::Authority,
    graph_url: &str,
    tenant: &str,
    client_id: &str,
    wait: Duration,
    open: impl FnOnce(&str),
) -> Result<Tokens, SignInError> {
    let (listeners, port) = loopback_listeners().await?;
    let redirect = format!("http://localhost:{port}/");
    let client = client(authority, tenant, client_id)?.set_redirect_uri(
        RedirectUrl::new(redirect).map_err(|e| SignInError::Failed(e.to_string()))?,
    );
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(CsrfToken::new_random);
    for s in scopes(graph_url) {
        request = request.add_scope(Scope::new(s));
    }
    let (url, csrf) = request.set_pkce_challenge(challenge).url();
    open(url.as_str());
    let query = tokio::time::timeout(wait, receive_redirect(&listeners, csrf.secret()))
        .await
        .map_err(|_| SignInError::TimedOut(wait.as_secs() / 60))??;
    let param = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if let Some(error) = param("error") {
        return Err(SignInError::Failed(format!(
            "{error}: {}",
            param("error_description").unwrap_or_default()
        )));
    }
    if param("state").as_deref() != Some(csrf.secret().as_str()) {
        return Err(SignInError::Failed(
            "the browser came back with another sign-in's state; run the sign-in again".into(),
        ));
    }
    let code = param("code").ok_or_else(|| {
        SignInError::Failed("the browser came back without an authorization code".into())
    })?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http()?)
        .await
        .map_err(describe)?;
    refresh_of(&token)
}

/// The loopback listeners the browser comes back to, on one port: `localhost` in the redirect
/// may resolve to 127.0.0.1 or to ::1, so both are Steward's (where the machine has IPv6), and no
/// other process can take the address the browser picks.
async fn loopback_listeners() -> Result<(Vec<tokio::net::TcpListener>, u16), SignInError> {
    let failed =
        |e: std::io::Error| SignInError::Failed(format!("no loopback port to listen on ({e})"));
    for _ in 0..8 {
        let v4 = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(failed)?;
        let port = v4.local_addr().map_err(failed)?.port();
        match tokio::net::TcpListener::bind(("::1", port)).await {
            Ok(v6) => return Ok((vec![v4, v6], port)),
            // No IPv6 loopback on this machine: `localhost` is 127.0.0.1 alone.
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                return Ok((vec![v4], port))
            }
            // The port is taken on ::1: try another pair.
            Err(_) => continue,
        }
    }
    Err(SignInError::Failed(
        "no loopback port was free on both 127.0.0.1 and ::1; try again".into(),
    ))
}

/// How long one connection to the loopback listener may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads one HTTP request head from `stream`, for at most [`REQUEST_TIMEOUT`].
async fn request_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    let read = async {
        while len < buf.len() {
            let n = stream.read(&mut buf[len..]).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            len += n;
            if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(REQUEST_TIMEOUT, read).await;
    String::from_utf8_lossy(&buf[..len]).to_string()
}

/// Accepts requests on the loopback listeners until the browser's redirect for this sign-in
/// arrives (its `state` is `expected_state`), and answers it with a page saying the sign-in is
/// done. Any other request — a favicon, or another page or process that found the port — gets an
/// empty answer and changes nothing. The page is static: nothing from the request is echoed.
async fn receive_redirect(
    listeners: &[tokio::net::TcpListener],
    expected_state: &str,
) -> Result<Vec<(String, String)>, SignInError> {
    loop {
        let accepts = listeners.iter().map(|l| Box::pin(l.accept()));
        let (accepted, _, _) = futures_util::future::select_all(accepts).await;
        let (mut stream, _) = accepted
            .map_err(|e| SignInError::Failed(format!("the loopback listener failed ({e})")))?;
        let head = request_head(&mut stream).await;
        let target = head
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("");
        let query: Vec<(String, String)> =
            match reqwest::Url::parse(&format!("http://localhost{target}")) {
                Ok(parsed) => parsed
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
                Err(_) => Vec::new(),
            };
        let has = |k: &str| query.iter().any(|(key, _)| key == k);
        let state_matches = query
            .iter()
            .any(|(k, v)| k == "state" && v == expected_state);
        // Only the redirect of this sign-in counts: it carries a code or an error, and the state
        // Steward sent. An `error=` without it must not end the sign-in.
        if !(has("code") || has("error")) || !state_matches {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
            continue;
        }
        let body = if has("error") {
            "<!doctype html><meta charset=utf-8><title>Steward</title><p>The sign-in did not complete. Return to Steward to see why.</p>"
        } else {
            "<!doctype html><meta charset=utf-8><title>Steward</title><p>Signed in to Steward. You can close this tab and return to Steward.</p>"
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Security-Policy: default-src 'none'\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
        return Ok(query);
    }
}

/// The device code flow: `show` gets the page to open and the code to enter (and Entra's
/// message saying so); the function returns once the admin has signed in there.
pub async fn sign_in_device(
    authority: &crate::endpoints::Authority,
    graph_url: &str,
    tenant: &str,
    client_id: &str,
    show: impl FnOnce(&str, &str, &str),
) -> Result<Tokens, SignInError> {
    let client = client(authority, tenant, client_id)?;
    let http = http()?;
    let mut request = client.exchange_device_code();
    for s in scopes(graph_url) {
        request = request.add_scope(Scope::new(s));
    }
    let details: StandardDeviceAuthorizationResponse =
        request.request_async(&http).await.map_err(describe)?;
    let message = format!(
        "To sign in, open {} in a browser and enter the code {}",
        details.verification_uri().as_str(),
        details.user_code().secret()
    );
    show(
        details.verification_uri().as_str(),
        details.user_code().secret(),
        &message,
    );
    let token = client
        .exchange_device_access_token(&details)
        .request_async(&http, tokio::time::sleep, None)
        .await
        .map_err(describe)?;
    refresh_of(&token)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends one request line to the listener and returns the status line of its answer.
    async fn ask(port: u16, target: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer).await;
        answer.lines().next().unwrap_or_default().to_string()
    }

    #[tokio::test]
    async fn only_this_sign_in_s_redirect_ends_the_wait_whatever_else_finds_the_port() {
        let (listeners, port) = loopback_listeners().await.unwrap();
        let browser = tokio::spawn(async move {
            let forged = ask(port, "/?error=access_denied&state=guessed").await;
            let favicon = ask(port, "/favicon.ico").await;
            let real = ask(port, "/?code=the-code&state=S").await;
            (forged, favicon, real)
        });
        let query =
            tokio::time::timeout(Duration::from_secs(20), receive_redirect(&listeners, "S"))
                .await
                .unwrap()
                .unwrap();
        assert!(
            query.iter().any(|(k, v)| k == "code" && v == "the-code"),
            "the redirect with this sign-in's state: {query:?}"
        );
        let (forged, favicon, real) = browser.await.unwrap();
        assert!(
            forged.contains("404"),
            "an error with another state is ignored: {forged}"
        );
        assert!(favicon.contains("404"), "{favicon}");
        assert!(real.contains("200"), "{real}");
    }
}
