//! The HTTP client of a sync: requests with retries, `Retry-After` and backoff, the endpoint
//! families Graph throttles separately, and the answers that are not failures (an expired page
//! token or delta link, a dataset the permissions or licenses do not allow).

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::{SyncError, SyncOptions, SyncResult};

pub(super) enum Fetch<T = Value> {
    Ok(T),
    PageTokenExpired,
    /// A delta link Graph no longer knows (`syncStateNotFound`, after seven days).
    DeltaExpired,
    Forbidden(String),
}

/// How a write ended.
#[derive(Debug)]
pub(super) enum Written {
    /// Graph did it; its answer (JSON), or `Null` for a 204.
    Done(Value),
    /// Graph refused it (4xx other than 401 and 429): its status, code and message.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// Unknown: the connection broke or Graph failed (5xx) after the request went out, so it
    /// may or may not have been applied. The caller reads the object again before repeating.
    Unknown(String),
}

pub(super) struct Client {
    pub(super) http: reqwest::Client,
    pub(super) opts: SyncOptions,
    /// The access token and when it expires, shared by the lanes of concurrent requests: one
    /// fetches a new token while the others wait for it.
    pub(super) token: std::sync::Arc<tokio::sync::Mutex<Option<(String, std::time::Instant)>>>,
    pub(super) retries: u64,
    /// Jitter only: waits need not be reproducible.
    pub(super) rng: ChaCha8Rng,
    /// Families that answered 429 without `Retry-After`: the interval their documented limit
    /// allows, kept for the rest of the run, and when the last request went out.
    pub(super) pace: std::collections::HashMap<Family, (Duration, Option<std::time::Instant>)>,
}

/// The endpoint families Graph throttles separately (docs/domain.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Family {
    Directory,
    /// Audit logs and usage reports: 5 requests per 10 s, answered with `Retry-After`.
    Reports,
    /// Identity Protection and conditional access: 1 request per second, no `Retry-After`.
    Protection,
}

fn family_of(url: &str) -> Family {
    if url.contains("/identityProtection/") || url.contains("/conditionalAccess/") {
        Family::Protection
    } else if url.contains("/auditLogs/") || url.contains("/reports/") {
        Family::Reports
    } else {
        Family::Directory
    }
}

/// Graph's error codes for a read the tenant's licenses do not allow.
pub(super) fn license_code(code: &str) -> bool {
    let c = code.to_ascii_lowercase();
    c.contains("licenserequired")
        || c.contains("license_required")
        || c.contains("nonpremiumtenant")
        || c.contains("premiumlicense")
}

/// Whether `link` is an absolute URL on another origin (scheme, host, port) than `graph_url`.
/// What is not an absolute URL (a saved object id) is not on another origin.
pub(super) fn on_another_origin(link: &str, graph_url: &str) -> bool {
    match (reqwest::Url::parse(link), reqwest::Url::parse(graph_url)) {
        (Ok(l), Ok(g)) => l.origin() != g.origin(),
        (Ok(_), Err(_)) => true,
        (Err(_), _) => false,
    }
}

/// The longest `Retry-After` the sync waits out in one go: a server asking for more is asked
/// again after this long (Graph names seconds to minutes).
pub(super) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The error to stop with when a transport error is a certificate this machine does not trust
/// (rustls says "invalid peer certificate"): asking again would fail the same way.
pub(super) fn untrusted_certificate(e: &reqwest::Error, url: &str) -> Option<SyncError> {
    let text = steward_core::chain_text(e);
    text.to_ascii_lowercase()
        .contains("certificate")
        .then(|| SyncError::UntrustedCertificate {
            host: url::Url::parse(url)
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}")))
                })
                .unwrap_or_else(|| url.to_string()),
            message: text,
        })
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get("retry-after")?.to_str().ok()?;
    v.trim()
        .parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER))
}

impl Client {
    pub(super) fn new(opts: SyncOptions) -> SyncResult<Client> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            // Graph and the token endpoint answer where they are asked. A redirect would re-send a
            // token request's form, secret included, to wherever it points (307/308 keep the
            // body), so none is followed: it fails the request with its status instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Unexpected {
                url: opts.graph_url.clone(),
                message: format!("the HTTP client could not start: {e}"),
            })?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(7, |d| d.as_nanos() as u64);
        Ok(Client {
            http,
            opts,
            token: Default::default(),
            retries: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            pace: std::collections::HashMap::new(),
        })
    }

    pub(super) fn check_cancel(&self) -> SyncResult<()> {
        match &self.opts.cancel {
            Some(c) if c.load(std::sync::atomic::Ordering::Relaxed) => Err(SyncError::Cancelled),
            _ => Ok(()),
        }
    }

    /// Waits `d` (a backoff, `Retry-After`, a pace), or less when the admin cancels meanwhile.
    pub(super) async fn pause(&self, d: Duration) -> SyncResult<()> {
        let until = std::time::Instant::now() + d;
        loop {
            self.check_cancel()?;
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            tokio::time::sleep(left.min(Duration::from_millis(200))).await;
        }
    }

    pub(super) fn backoff(&mut self, attempt: u32) -> Duration {
        let base = 250u64.saturating_mul(1 << attempt.min(10));
        let capped = base.min(self.opts.max_backoff.as_millis() as u64);
        // Full jitter: many clients retrying together do not retry together.
        Duration::from_millis(self.rng.random_range(capped / 2..=capped.max(1)))
    }

    pub(super) async fn get(&mut self, url: &str) -> SyncResult<Fetch> {
        self.fetch(url, None).await
    }

    /// GET `url`, or POST `body` to it, with retries; the answer as JSON.
    pub(super) async fn fetch(&mut self, url: &str, body: Option<&Value>) -> SyncResult<Fetch> {
        Ok(match self.fetch_bytes(url, body).await? {
            Fetch::Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => Fetch::Ok(v),
                Err(e) => {
                    return Err(SyncError::Unexpected {
                        url: url.to_string(),
                        message: format!("the answer is not JSON ({e})"),
                    })
                }
            },
            Fetch::PageTokenExpired => Fetch::PageTokenExpired,
            Fetch::DeltaExpired => Fetch::DeltaExpired,
            Fetch::Forbidden(why) => Fetch::Forbidden(why),
        })
    }

    /// GET `url`, or POST `body` to it, with retries; the answer's bytes.
    pub(super) async fn fetch_bytes(
        &mut self,
        url: &str,
        body: Option<&Value>,
    ) -> SyncResult<Fetch<Vec<u8>>> {
        if on_another_origin(url, &self.opts.graph_url) {
            // A next or delta link Graph (or something posing as it) wrote: the bearer token goes
            // to the configured Graph only.
            return Err(SyncError::Unexpected {
                url: url.to_string(),
                message: format!(
                    "the link points away from the Graph URL of this sync ({}); it was not followed and no token was sent. Check the Graph URL, then run sync again",
                    self.opts.graph_url
                ),
            });
        }
        let mut last = String::new();
        let family = family_of(url);
        for attempt in 0..self.opts.max_attempts {
            let token = self.token().await?;
            if let Some((interval, Some(sent))) = self.pace.get(&family).copied() {
                let due = sent + interval;
                let now = std::time::Instant::now();
                if due > now {
                    self.pause(due - now).await?;
                }
            }
            if let Some((_, sent)) = self.pace.get_mut(&family) {
                *sent = Some(std::time::Instant::now());
            }
            let request = match body {
                Some(b) => self.http.post(url).json(b),
                None => self.http.get(url),
            };
            let sent = request
                .bearer_auth(&token)
                .header("ConsistencyLevel", "eventual")
                .send()
                .await;
            let r = match sent {
                Ok(r) => r,
                Err(e) => {
                    if let Some(stop) = untrusted_certificate(&e, url) {
                        return Err(stop);
                    }
                    last = steward_core::chain_text(&e);
                    self.retries += 1;
                    let d = self.backoff(attempt);
                    self.pause(d).await?;
                    continue;
                }
            };
            let status = r.status().as_u16();
            let wait = retry_after(r.headers());
            let bytes = match r.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    // A body cut short by a reset connection: the same request again, whatever
                    // its status said.
                    last = format!("an incomplete answer ({e})");
                    self.retries += 1;
                    let d = self.backoff(attempt);
                    self.pause(d).await?;
                    continue;
                }
            };
            // 204: an action done (confirmCompromised, dismiss), with no body.
            if status == 200 || status == 204 {
                return Ok(Fetch::Ok(bytes.to_vec()));
            }
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let code = body["error"]["code"].as_str().unwrap_or("").to_string();
            let message = body["error"]["message"].as_str().unwrap_or("").to_string();
            match status {
                401 => {
                    // The token expired or was revoked: a new one, then the same request.
                    self.drop_token(&token).await;
                    last = format!("HTTP 401 {code}");
                }
                429 | 500 | 502 | 503 | 504 => {
                    last = format!("HTTP {status} {code}");
                    self.retries += 1;
                    let documented = match family {
                        Family::Protection => Some(Duration::from_millis(1_050)),
                        // These name their wait in `Retry-After`.
                        Family::Reports | Family::Directory => None,
                    };
                    let d = match (wait, status, documented) {
                        (Some(w), _, _) => w,
                        // Identity Protection and conditional access name no wait: keep to
                        // their documented rate from now on rather than guess by backing off.
                        (None, 429, Some(interval)) => {
                            self.pace
                                .insert(family, (interval, Some(std::time::Instant::now())));
                            Duration::ZERO
                        }
                        _ => self.backoff(attempt),
                    };
                    self.pause(d).await?;
                    continue;
                }
                400 | 410
                    if code.eq_ignore_ascii_case("syncStateNotFound")
                        || code.eq_ignore_ascii_case("resyncRequired") =>
                {
                    return Ok(Fetch::DeltaExpired);
                }
                400 if code.contains("PageToken")
                    || message.to_lowercase().contains("page token")
                    || message.to_lowercase().contains("skiptoken") =>
                {
                    // The collection restarts from its checkpoint: a retry too.
                    self.retries += 1;
                    return Ok(Fetch::PageTokenExpired);
                }
                403 => return Ok(Fetch::Forbidden(format!("{code}: {message}"))),
                // Graph answers some license-gated reads with 400, not 403 (PIM eligibilities
                // without Entra ID P2: `AadPremiumLicenseRequired`).
                400 if license_code(&code) => {
                    return Ok(Fetch::Forbidden(format!("{code}: {message}")))
                }
                _ => {
                    return Err(SyncError::Http {
                        url: url.to_string(),
                        status,
                        code,
                        message,
                    })
                }
            }
            self.retries += 1;
        }
        Err(SyncError::GaveUp {
            url: url.to_string(),
            attempts: self.opts.max_attempts,
            last,
        })
    }
}

impl Client {
    /// Sends one write (`POST`, `PATCH`, `DELETE`) to `url`. Repeated only where Graph cannot
    /// have applied it: after a 401 (with a new token) and a 429 (after the wait it names).
    /// Anything else that leaves the outcome open is [`Written::Unknown`].
    pub(super) async fn write(
        &mut self,
        method: reqwest::Method,
        url: &str,
        body: Option<&Value>,
    ) -> SyncResult<Written> {
        self.write_with(method, url, body, None).await
    }

    /// [`Client::write`] with a `Prefer` header (`create-if-missing` for an upsert).
    pub(super) async fn write_with(
        &mut self,
        method: reqwest::Method,
        url: &str,
        body: Option<&Value>,
        prefer: Option<&str>,
    ) -> SyncResult<Written> {
        if on_another_origin(url, &self.opts.graph_url) {
            return Err(SyncError::Unexpected {
                url: url.to_string(),
                message: "a write must go to the Graph URL of this push".into(),
            });
        }
        let mut last = String::new();
        for attempt in 0..self.opts.max_attempts {
            self.check_cancel()?;
            let token = self.token().await?;
            let mut request = self.http.request(method.clone(), url).bearer_auth(&token);
            if let Some(p) = prefer {
                request = request.header("Prefer", p);
            }
            if let Some(b) = body {
                request = request.json(b);
            }
            let r = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    if let Some(stop) = untrusted_certificate(&e, url) {
                        return Err(stop);
                    }
                    // Whether the request reached Graph is unknown when the connection failed
                    // after it was sent; reqwest cannot say which.
                    return Ok(Written::Unknown(steward_core::chain_text(&e)));
                }
            };
            let status = r.status().as_u16();
            let wait = retry_after(r.headers());
            let bytes = match r.bytes().await {
                Ok(b) => b,
                Err(e) => return Ok(Written::Unknown(format!("an incomplete answer ({e})"))),
            };
            if (200..300).contains(&status) {
                return Ok(Written::Done(
                    serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                ));
            }
            let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let code = answer["error"]["code"].as_str().unwrap_or("").to_string();
            let message = answer["error"]["message"]
                .as_str()
                .unwrap_or("")
                .to_string();
            match status {
                401 => {
                    self.drop_token(&token).await;
                    last = format!("HTTP 401 {code}");
                }
                429 => {
                    last = format!("HTTP 429 {code}");
                    self.retries += 1;
                    let d = wait.unwrap_or_else(|| self.backoff(attempt));
                    self.pause(d).await?;
                }
                500..=599 => {
                    return Ok(Written::Unknown(format!("HTTP {status} {code}: {message}")))
                }
                _ => {
                    return Ok(Written::Refused {
                        status,
                        code,
                        message,
                    })
                }
            }
        }
        Err(SyncError::GaveUp {
            url: url.to_string(),
            attempts: self.opts.max_attempts,
            last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_held_to_five_minutes() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after", "86400".parse().unwrap());
        assert_eq!(retry_after(&h), Some(MAX_RETRY_AFTER));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn a_link_elsewhere_is_on_another_origin_and_an_object_id_is_not() {
        let g = "https://graph.microsoft.com";
        assert!(!on_another_origin(
            "https://graph.microsoft.com/v1.0/x?$skiptoken=1",
            g
        ));
        assert!(on_another_origin("https://graph.microsoft.us/v1.0/x", g));
        assert!(
            on_another_origin("http://graph.microsoft.com/v1.0/x", g),
            "scheme"
        );
        assert!(
            on_another_origin("https://graph.microsoft.com:8443/v1.0/x", g),
            "port"
        );
        assert!(!on_another_origin(
            "0f1e2d3c-0000-4000-8000-000000000001",
            g
        ));
    }
}
