//! How a sync reaches the tenant: [`SyncOptions`], with a `Debug` that never shows the secret.

use std::time::Duration;

use crate::wire::Dataset;

/// How a sync reaches the tenant. The secret is held in memory only.
#[derive(Clone)]
pub struct SyncOptions {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// Sign in with this certificate (a client assertion) instead of the client secret.
    pub certificate: Option<crate::certificate::ClientCertificate>,
    /// Sign in as the admin who signed in (`delegated`) with this refresh token instead. Entra
    /// rotates it: after the sync it holds the newest one, to keep in place of the old.
    pub refresh_token: Option<std::sync::Arc<std::sync::Mutex<String>>>,
    /// Graph's address: [`crate::connect::DEFAULT_GRAPH_URL`], a national cloud's, or the simulator's.
    pub graph_url: String,
    /// Entra's sign-in address: [`crate::connect::DEFAULT_AUTHORITY_URL`], a national cloud's, or the
    /// simulator's.
    pub authority_url: String,
    /// The datasets to read; empty means all that this build syncs.
    pub datasets: Vec<Dataset>,
    /// How far back the first sign-in window reaches (Graph keeps 30 days).
    pub sign_in_days: i64,
    /// How much a sign-in window overlaps the last completed one (sign-ins arrive late).
    pub overlap: Duration,
    /// Attempts per request before the sync gives up on it.
    pub max_attempts: u32,
    /// Longest wait between attempts when Graph names none.
    pub max_backoff: Duration,
    /// Set to stop the sync after the page in hand (it resumes from there next time).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// How many `$batch` requests (of twenty each) may be in flight at once.
    pub concurrency: usize,
    /// Look up whether the own apps' redirect hosts still resolve, through this resolver (off by
    /// default: it asks the admin's DNS resolver about each host name).
    pub redirect_resolver: Option<std::sync::Arc<dyn super::Resolve>>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("graph_url", &self.graph_url)
            .field("authority_url", &self.authority_url)
            .finish()
    }
}

impl SyncOptions {
    pub fn new(tenant_id: &str, client_id: &str, client_secret: &str) -> SyncOptions {
        SyncOptions {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            certificate: None,
            refresh_token: None,
            graph_url: crate::connect::DEFAULT_GRAPH_URL.into(),
            authority_url: crate::connect::DEFAULT_AUTHORITY_URL.into(),
            datasets: Vec::new(),
            sign_in_days: 30,
            overlap: Duration::from_secs(3600),
            max_attempts: 12,
            max_backoff: Duration::from_secs(60),
            cancel: None,
            concurrency: 4,
            redirect_resolver: None,
        }
    }
}
