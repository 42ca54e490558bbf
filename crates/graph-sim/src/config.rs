//! The simulator's configuration: the demo tenant to generate, the app's credentials, and the
//! faults and Graph limits to inject.

use std::path::PathBuf;
use std::time::Duration;

use steward_core::demo::DemoOptions;

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
    /// The app lacks Policy.Read.All and ConsentRequest.Read.All: the tenant's app and consent
    /// policies and its consent requests answer 403 Authorization_RequestDenied.
    pub no_policy_read: bool,
    /// Directory lists give a next link on another host, as a hostile or broken proxy might:
    /// the sync must not follow it with its token.
    pub foreign_next_link: bool,
    /// The app lacks Application.ReadWrite.All (and owns nothing): every write answers 403
    /// Authorization_RequestDenied.
    pub no_write_permission: bool,
    /// The first this many writes are applied, then their answers are lost (the connection
    /// drops halfway through): the client cannot tell whether Graph has the change.
    pub lose_write_answers: u32,
    /// Each write is applied at once and answered after this long: a test can stop the client
    /// while Graph has the change and the client does not know it yet.
    pub hold_write_answers: Duration,
    /// Graph's published limits per endpoint family, enforced; `None` serves without limit.
    pub limits: Option<Limits>,
}

/// Graph's throttling limits per endpoint family (docs/domain.md §8), per app and tenant.
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

/// The certificate uploaded to the simulated app registration: its PEM and its public key's.
#[derive(Debug, Clone)]
pub struct SimCertificate {
    pub certificate_pem: String,
    pub public_key_pem: String,
}

impl SimCertificate {
    /// The JWT header's `x5t` a client assertion must carry: base64url of the certificate's
    /// SHA-1 digest.
    pub(crate) fn x5t(&self) -> Option<String> {
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
