//! The access token of a sync, shared by the lanes of concurrent requests: fetched with the
//! client secret, a certificate or the admin's refresh token, renewed before it expires, and
//! dropped when Graph refuses it.

use std::time::Duration;

use serde_json::Value;

use super::client::Client;
use super::{SyncError, SyncResult};

impl Client {
    /// Forgets `used` after Graph refused it (401), unless another lane has replaced it already.
    pub(super) async fn drop_token(&self, used: &str) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|(t, _)| t == used) {
            *slot = None;
        }
    }

    pub(super) async fn token(&mut self) -> SyncResult<String> {
        let token = self.token.clone();
        let mut slot = token.lock().await;
        if let Some((t, exp)) = slot.as_ref() {
            if *exp > std::time::Instant::now() + Duration::from_secs(60) {
                return Ok(t.clone());
            }
        }
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            self.opts.authority_url.trim_end_matches('/'),
            self.opts.tenant_id
        );
        let scope = format!("{}/.default", self.opts.graph_url.trim_end_matches('/'));
        let id = self.opts.client_id.clone();
        let credential = match &self.opts.certificate {
            Some(cert) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                let jwt = cert
                    .assertion(&id, &url, now)
                    .map_err(|message| SyncError::SignIn {
                        tenant: self.opts.tenant_id.clone(),
                        message,
                    })?;
                vec![
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string(),
                    ),
                    ("client_assertion", jwt),
                ]
            }
            None => vec![("client_secret", self.opts.client_secret.clone())],
        };
        let delegated_scope = format!("{scope} offline_access");
        let refresh = self
            .opts
            .refresh_token
            .as_ref()
            .map(|r| r.lock().unwrap_or_else(|e| e.into_inner()).clone());
        let mut form: Vec<(&str, &str)> = match &refresh {
            Some(r) => vec![
                ("grant_type", "refresh_token"),
                ("client_id", id.as_str()),
                ("refresh_token", r.as_str()),
                ("scope", delegated_scope.as_str()),
            ],
            None => vec![
                ("grant_type", "client_credentials"),
                ("client_id", id.as_str()),
                ("scope", scope.as_str()),
            ],
        };
        if refresh.is_none() {
            form.extend(credential.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut last = String::new();
        for attempt in 0..self.opts.max_attempts {
            match self.http.post(&url).form(&form).send().await {
                Ok(r) if r.status().is_success() => {
                    let bytes = match r.bytes().await {
                        Ok(b) => b,
                        Err(e) => {
                            // Cut short by a reset connection: ask again.
                            last = format!("an incomplete answer ({e})");
                            self.retries += 1;
                            let d = self.backoff(attempt);
                            self.pause(d).await?;
                            continue;
                        }
                    };
                    let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
                        SyncError::SignInUnanswered {
                            tenant: self.opts.tenant_id.clone(),
                            message: format!("its answer was not JSON ({e})"),
                        }
                    })?;
                    let token = v["access_token"]
                        .as_str()
                        .ok_or_else(|| SyncError::SignIn {
                            tenant: self.opts.tenant_id.clone(),
                            message: "the token endpoint returned no access_token".into(),
                        })?;
                    if let (Some(slot), Some(rotated)) =
                        (&self.opts.refresh_token, v["refresh_token"].as_str())
                    {
                        *slot.lock().unwrap_or_else(|e| e.into_inner()) = rotated.to_string();
                    }
                    // Entra's tokens live about an hour; a larger figure (or a hostile one that
                    // would overflow the clock) is held to a day.
                    let lifetime = v["expires_in"].as_u64().unwrap_or(3599).min(86_400);
                    let exp = std::time::Instant::now() + Duration::from_secs(lifetime);
                    *slot = Some((token.to_string(), exp));
                    return Ok(token.to_string());
                }
                Ok(r) if r.status().is_server_error() || r.status().as_u16() == 429 => {
                    last = format!("HTTP {}", r.status().as_u16());
                }
                Ok(r) => {
                    let v: Value = r.json().await.unwrap_or(Value::Null);
                    // The description carries the AADSTS code; it never echoes the secret.
                    let mut message = v["error_description"]
                        .as_str()
                        .or(v["error"].as_str())
                        .unwrap_or("the token endpoint refused the request")
                        .to_string();
                    if refresh.is_some() {
                        message.push_str(
                            "; the admin sign-in has ended: sign in again (steward sign-in, or Sign in on the Connections page)",
                        );
                    }
                    return Err(SyncError::SignIn {
                        tenant: self.opts.tenant_id.clone(),
                        message,
                    });
                }
                Err(e) => {
                    if let Some(stop) = super::client::untrusted_certificate(&e, &url) {
                        return Err(stop);
                    }
                    last = steward_core::chain_text(&e);
                }
            }
            self.retries += 1;
            let d = self.backoff(attempt);
            self.pause(d).await?;
        }
        Err(SyncError::SignInUnanswered {
            tenant: self.opts.tenant_id.clone(),
            message: last,
        })
    }
}
