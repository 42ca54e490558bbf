//! The Connections page's commands: each tenant's sync status per dataset, a connection test,
//! and a sync with progress and cancel. The client secret comes with a call, or from the OS
//! keyring where a sync that signed in with it kept it; it is never written anywhere else.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use steward_core::dataset::{Dataset, DatasetState, ReadMode};
use steward_core::store::datasets::DatasetStatus;
use steward_core::{clock, store};
use steward_graph::connect::{
    self, AdminKept, ConnectError, Connected, Credential, Settled, Stores,
};
use steward_graph::secrets::{self, SecretStore};
use steward_graph::sync;
use tauri::State;

use crate::{AppError, AppState};

/// The sync in flight, if any.
#[derive(Default)]
pub struct SyncState {
    progress: Mutex<Option<SyncProgress>>,
    cancel: Arc<AtomicBool>,
    pub(crate) running: AtomicBool,
    /// The admin sign-in in flight: what the window shows while it waits.
    sign_in: Mutex<Option<AdminSignInProgress>>,
    /// Admin sign-ins kept for this session where the OS has no keyring.
    session_sign_ins: secrets::MemoryStore,
}

/// Where an admin sign-in stands while the window waits for it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AdminSignInProgress {
    /// `browser` or `deviceCode`.
    pub method: String,
    /// The page the admin signs in on (Entra's sign-in page, or the device login page).
    pub url: String,
    /// The code to enter there (device code flow only).
    pub user_code: Option<String>,
}

/// An admin sign-in to start from the window.
#[derive(Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AdminSignInArgs {
    pub tenant_id: String,
    /// A public client app registration's client id.
    pub client_id: String,
    /// Sign in with a code on another device instead of the system browser.
    pub device_code: bool,
    pub graph_url: Option<String>,
    pub authority_url: Option<String>,
    /// The sign-in host the admin confirmed, where the authority is not a Microsoft cloud's.
    #[serde(default)]
    pub trusted_authority_host: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub dataset: Dataset,
    /// Items read in this run for the dataset in progress.
    pub items: u32,
    /// How many items the dataset holds, where Graph says.
    pub total: Option<u32>,
    /// Items per second since the dataset's read began.
    pub per_sec: f64,
    /// Seconds left for the dataset, where they can be told.
    pub eta_seconds: Option<u32>,
    /// The time left in words ("about 3 min left"), where it can be told.
    pub eta_text: Option<String>,
}

impl SyncProgress {
    /// What the window shows of a sync's progress report and the pace measured so far.
    pub(crate) fn new(p: &sync::ProgressInfo, pace: sync::Pace) -> SyncProgress {
        SyncProgress {
            dataset: p.dataset,
            items: p.items as u32,
            total: p.total.map(|t| t as u32),
            per_sec: pace.per_sec,
            eta_seconds: pace.eta_secs.map(|s| s.round() as u32),
            eta_text: pace.eta_secs.map(sync::eta_text),
        }
    }
}

/// How to reach a tenant. The secret is used for this call and dropped, unless `remember_secret`
/// asks to keep it in the OS keyring once it has signed in. An empty secret means the kept one.
#[derive(Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectArgs {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// Keep the secret in the OS keyring after it signs in (for a sync).
    #[serde(default)]
    pub remember_secret: bool,
    /// Sign in with a certificate instead: a PEM file holding the certificate uploaded to the
    /// app registration and its RSA private key.
    #[serde(default)]
    pub certificate_path: Option<String>,
    /// Sign in as the admin who signed in with `sign_in_admin` (a kept refresh token) instead.
    #[serde(default)]
    pub delegated: bool,
    /// Graph's address; empty for [`connect::DEFAULT_GRAPH_URL`].
    pub graph_url: Option<String>,
    /// Entra's sign-in address; empty for [`connect::DEFAULT_AUTHORITY_URL`].
    pub authority_url: Option<String>,
    /// The sign-in host the admin confirmed ("I trust …"), where the authority is not a
    /// Microsoft cloud's.
    #[serde(default)]
    pub trusted_authority_host: Option<String>,
    /// For a sync: also look up whether the own apps' redirect hosts still resolve (asks this
    /// machine's DNS resolver), for the dangling-domain check.
    #[serde(default)]
    pub resolve_redirect_domains: bool,
}

impl ConnectArgs {
    /// These arguments with the certificate path checked: only a file the certificate dialog
    /// returned in this session is read.
    pub(crate) fn checked(
        mut self,
        dialogs: &crate::dialogs::Dialogs,
    ) -> Result<ConnectArgs, AppError> {
        if let Some(path) = self.certificate_path.as_deref().map(str::trim) {
            if !path.is_empty() && !self.delegated {
                let granted = dialogs.granted(path, "the certificate file")?;
                self.certificate_path = Some(granted.display().to_string());
            }
        }
        Ok(self)
    }

    /// The connection this form describes, resolved with the secret given or else the kept one
    /// (or the admin's kept sign-in, or the certificate file). `keep_secret` lets a sync keep a
    /// given secret once it signs in, when the admin ticked it; a connection test keeps nothing.
    pub(crate) fn resolve(
        &self,
        stores: Stores<'_>,
        keep_secret: bool,
    ) -> Result<Connected, AppError> {
        let certificate = self
            .certificate_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let credential = match (self.delegated, certificate) {
            (true, _) => Credential::Admin {
                refresh_token: None,
            },
            (false, Some(path)) => Credential::Certificate(connect::read_certificate(path)?),
            (false, None) => Credential::Secret {
                given: Some(self.client_secret.clone()),
                keep: keep_secret && self.remember_secret,
            },
        };
        let connection = connect::Connection {
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            credential,
            graph_url: self.graph_url.clone(),
            authority_url: self.authority_url.clone(),
            trusted_authority_host: self.trusted_authority_host.clone(),
        };
        Ok(connection.resolve(stores)?)
    }
}

impl From<ConnectError> for AppError {
    fn from(e: ConnectError) -> AppError {
        let message = match e {
            // The window's words for where to sign in.
            ConnectError::NoAdminSignIn => {
                "no admin is signed in for this tenant and client id: choose Sign in first".into()
            }
            ConnectError::Endpoint(e) => endpoint_message(e),
            other => other.to_string(),
        };
        AppError::InvalidInput { message }
    }
}

/// An address the window will not send credentials to, in the window's words.
fn endpoint_message(e: connect::EndpointError) -> String {
    match e {
        connect::EndpointError::Untrusted { host } => format!(
            "{host} is not the sign-in address of a Microsoft cloud (global, US Government, China), and Steward would send it the client secret or the admin's sign-in. Only if it is your organisation's own sign-in endpoint, tick \"I trust {host}\" under Advanced and try again"
        ),
        other => other.to_string(),
    }
}

impl From<connect::EndpointError> for AppError {
    fn from(e: connect::EndpointError) -> AppError {
        AppError::InvalidInput {
            message: endpoint_message(e),
        }
    }
}

/// The checked sign-in address of a form's field (empty for the global cloud's).
fn authority_of(url: &Option<String>) -> Result<connect::Authority, AppError> {
    Ok(connect::Authority::parse(url.as_deref().unwrap_or(""))?)
}

impl SyncState {
    /// The OS keyring (or what `STEWARD_SECRET_STORE` names), and this session's store for
    /// admin sign-ins where the OS has no keyring.
    pub(crate) fn stores<'a>(&'a self, secrets: &'a dyn SecretStore) -> Stores<'a> {
        Stores {
            kept: Some(secrets),
            session: Some(&self.session_sign_ins),
        }
    }
}

impl From<sync::SyncError> for AppError {
    fn from(e: sync::SyncError) -> AppError {
        use sync::SyncError as E;
        let message = e.to_string();
        match e {
            E::Core(core) => core.into(),
            E::Database(_) | E::WriterStopped(_) => AppError::Database { message },
            E::Cancelled => AppError::Cancelled { message },
            E::SignIn { .. } | E::WrongTenant { .. } => AppError::InvalidInput { message },
            E::GaveUp { .. }
            | E::Http { .. }
            | E::Unexpected { .. }
            | E::SignInUnanswered { .. }
            | E::UntrustedCertificate { .. } => AppError::Io { message },
        }
    }
}

/// Runs a sync future on a current-thread runtime of its own, on the blocking pool: the SQLite
/// connection it holds never crosses a thread.
pub(crate) async fn on_own_runtime<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&tokio::runtime::Runtime) -> Result<T, AppError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| AppError::Internal {
                message: format!("the sync could not start ({e}); try again"),
            })?;
        f(&rt)
    })
    .await
    .map_err(|e| AppError::Internal {
        message: format!("a background task failed ({e}); try again"),
    })?
}

/// Signs in and reads the organization; returns the tenant's name.
#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> Result<String, AppError> {
    let args = args.checked(&state.dialogs)?;
    let shared = state.syncs.clone();
    let store = state.secrets.clone();
    on_own_runtime(move |rt| {
        // The keyring is read here, off the async runtime: a D-Bus call may block.
        let connected = args.resolve(shared.stores(store.as_ref()), false)?;
        let result = rt.block_on(sync::test_connection(&connected.options));
        // An admin's sign-in is renewed (or forgotten when refused); nothing else is kept.
        connected.settle(&result, shared.stores(store.as_ref()));
        Ok(result?)
    })
    .await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStatus {
    pub tenant_id: String,
    pub datasets: Vec<DatasetStatus>,
}

/// What the cache holds for a tenant, dataset by dataset, and any sync round still open.
#[tauri::command]
#[specta::specta]
pub async fn connection_status(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<ConnectionStatus, AppError> {
    crate::with_tenant(&state, tenant_id.clone(), move |conn, key, _| {
        connection_status_of(conn, key, &tenant_id)
    })
    .await
}

/// What `connection_status` reads.
pub(crate) fn connection_status_of(
    conn: &rusqlite::Connection,
    key: store::TenantKey,
    tenant_id: &str,
) -> Result<ConnectionStatus, steward_core::Error> {
    Ok(ConnectionStatus {
        tenant_id: tenant_id.to_string(),
        datasets: store::datasets::list(conn, key)?,
    })
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncedDataset {
    pub dataset: Dataset,
    pub status: DatasetState,
    pub mode: ReadMode,
    pub detail: Option<String>,
    pub items: u32,
    pub pages: u32,
    pub removed: u32,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutcome {
    pub tenant_id: String,
    pub tenant_name: String,
    pub datasets: Vec<SyncedDataset>,
    pub retries: u32,
    /// Whether the secret was kept in the OS keyring, or why it could not be.
    pub secret_note: Option<String>,
    /// What the sync pushed of the changes made in Steward, before it read.
    pub pushed: crate::manage::PushOutcome,
    /// What the redirect-domain lookups found, when asked for, in a sentence.
    pub redirect_domains: Option<String>,
}

/// Syncs a tenant; the window polls `sync_progress` meanwhile and may `cancel_sync`.
#[tauri::command]
#[specta::specta]
pub async fn sync_tenant(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> Result<SyncOutcome, AppError> {
    let args = args.checked(&state.dialogs)?;
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    if shared.running.swap(true, Ordering::SeqCst) {
        return Err(AppError::InvalidInput {
            message: "a sync is already running; wait for it or cancel it first".into(),
        });
    }
    shared.cancel.store(false, Ordering::SeqCst);
    let cancel = shared.cancel.clone();
    let db = state.db.clone();
    let progress = shared.clone();
    let resolve = args.resolve_redirect_domains;
    let result = on_own_runtime(move |rt| {
        // The keyring is read here, off the async runtime: a D-Bus call may block.
        let connected = args.resolve(progress.stores(store.as_ref()), true)?;
        let mut opts = connected.options.clone();
        opts.cancel = Some(cancel);
        if resolve {
            opts.redirect_resolver = Some(std::sync::Arc::new(sync::SystemResolver));
        }
        let conn = store::open(&db)?;
        let mut meter = sync::Meter::default();
        let result = rt.block_on(sync::sync(&conn, &opts, clock::now(), &mut |p| {
            let pace = meter.observe(p);
            if let Ok(mut slot) = progress.progress.lock() {
                *slot = Some(SyncProgress::new(p, pace));
            }
        }));
        // A secret that signed in is kept, even when the sync stopped later on.
        let secret_note = match connected.settle(&result, progress.stores(store.as_ref())) {
            Settled::SecretKept(note) | Settled::SecretNotKept(note) => Some(note),
            _ => None,
        };
        let s = result?;
        Ok(SyncOutcome {
            tenant_id: s.tenant_id,
            tenant_name: s.tenant_name,
            datasets: s
                .datasets
                .iter()
                .map(|d| SyncedDataset {
                    dataset: d.dataset,
                    status: d.status,
                    mode: d.mode,
                    detail: d.detail.clone(),
                    items: d.items as u32,
                    pages: d.pages as u32,
                    removed: d.removed as u32,
                })
                .collect(),
            retries: s.retries as u32,
            secret_note,
            pushed: crate::manage::PushOutcome::from(&s.pushed),
            redirect_domains: s.redirect_domains.as_ref().map(|r| r.line()),
        })
    })
    .await;
    shared.running.store(false, Ordering::SeqCst);
    if let Ok(mut p) = shared.progress.lock() {
        *p = None;
    }
    result
}

/// Where the running sync stands; `None` when none runs.
#[tauri::command]
#[specta::specta]
pub fn sync_progress(state: State<'_, AppState>) -> Option<SyncProgress> {
    state.syncs.progress.lock().ok().and_then(|p| p.clone())
}

/// Asks the running sync to stop after the page in hand; it resumes from there next time.
#[tauri::command]
#[specta::specta]
pub fn cancel_sync(state: State<'_, AppState>) {
    state.syncs.cancel.store(true, Ordering::SeqCst);
}

/// What the Connections form offers before the admin types: Graph's and Entra's addresses in the
/// global cloud, and where secrets are kept on this machine.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionDefaults {
    pub graph_url: String,
    pub authority_url: String,
    /// The sign-in hosts of Microsoft's clouds: credentials go there without asking. Another
    /// https host needs the admin's confirmation by name.
    pub microsoft_authority_hosts: Vec<String>,
    /// Where a kept secret goes ("the OS keyring").
    pub secret_store: String,
}

impl ConnectionDefaults {
    pub(crate) fn new(secrets: &dyn SecretStore) -> ConnectionDefaults {
        ConnectionDefaults {
            graph_url: connect::DEFAULT_GRAPH_URL.into(),
            authority_url: connect::DEFAULT_AUTHORITY_URL.into(),
            microsoft_authority_hosts: steward_graph::endpoints::MICROSOFT_AUTHORITIES
                .iter()
                .map(|(host, _)| (*host).into())
                .collect(),
            secret_store: secrets.describe().into(),
        }
    }
}

/// The form's defaults, defined once in `steward_graph::connect`.
#[tauri::command]
#[specta::specta]
pub fn connection_defaults(state: State<'_, AppState>) -> ConnectionDefaults {
    ConnectionDefaults::new(state.secrets.as_ref())
}

/// Whether a client secret is kept for a tenant's app registration, and where.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatus {
    /// A secret is kept: a sync may leave the secret field empty.
    pub kept: bool,
    /// Secrets can be kept on this machine (an OS keyring is reachable).
    pub available: bool,
    /// Where they are kept ("the OS keyring"), or why none can be.
    pub detail: String,
    /// An admin sign-in (delegated) is kept for this tenant and client id.
    pub admin_signed_in: bool,
}

/// Whether a secret is kept for this tenant and client id at this sign-in address (empty for
/// the global cloud's): kept credentials are bound to the sign-in host.
#[tauri::command]
#[specta::specta]
pub async fn secret_status(
    state: State<'_, AppState>,
    tenant_id: String,
    client_id: String,
    authority_url: Option<String>,
) -> Result<SecretStatus, AppError> {
    let authority = authority_of(&authority_url)?;
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let stores = shared.stores(store.as_ref()).for_authority(&authority);
        let admin = authority.admin_account(&tenant_id, &client_id);
        let admin_signed_in = [stores.kept, stores.session]
            .into_iter()
            .flatten()
            .any(|s| s.get(&admin).ok().flatten().is_some());
        let Some(kept) = stores.kept else {
            // The OS keyring keeps nothing for loopback http.
            return SecretStatus {
                kept: false,
                available: false,
                detail: authority.not_kept_here(store.describe()),
                admin_signed_in,
            };
        };
        match kept.get(&authority.secret_account(&tenant_id, &client_id)) {
            Ok(found) => SecretStatus {
                kept: found.is_some_and(|s| !s.is_empty()),
                available: true,
                detail: kept.describe().into(),
                admin_signed_in,
            },
            Err(e) => SecretStatus {
                kept: false,
                available: false,
                detail: e.to_string(),
                admin_signed_in,
            },
        }
    })
    .await
    .map_err(|e| AppError::Internal {
        message: format!("a background task failed ({e}); try again"),
    })
}

/// Removes the secret and the admin sign-in kept for this tenant and client id at this sign-in
/// address; whether there was one.
#[tauri::command]
#[specta::specta]
pub async fn forget_secret(
    state: State<'_, AppState>,
    tenant_id: String,
    client_id: String,
    authority_url: Option<String>,
) -> Result<bool, AppError> {
    let authority = authority_of(&authority_url)?;
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    tauri::async_runtime::spawn_blocking(move || {
        connect::forget(
            shared.stores(store.as_ref()),
            &authority,
            &tenant_id,
            &client_id,
        )
        .map(|gone| gone.secret || gone.admin_sign_in)
        .map_err(|e| AppError::Io {
            message: format!("{e}; nothing was removed"),
        })
    })
    .await
    .map_err(|e| AppError::Internal {
        message: format!("a background task failed ({e}); try again"),
    })?
}

/// Signs an admin in (delegated): opens the system browser at Entra's sign-in page, or shows a
/// device code through `admin_sign_in_progress`, and waits (up to five minutes). The sign-in is
/// kept in the OS keyring, or for this session where the OS has none; returns where.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_admin(
    state: State<'_, AppState>,
    args: AdminSignInArgs,
) -> Result<String, AppError> {
    let (tenant, client) = (
        args.tenant_id.trim().to_string(),
        args.client_id.trim().to_string(),
    );
    if tenant.is_empty() || client.is_empty() {
        return Err(AppError::InvalidInput {
            message: "give the tenant id and the client id of a public client app registration"
                .into(),
        });
    }
    let graph = steward_graph::endpoints::graph(args.graph_url.as_deref().unwrap_or(""))?;
    let authority = connect::Authority::checked(
        args.authority_url.as_deref().unwrap_or(""),
        args.trusted_authority_host.as_deref(),
    )?;
    let shared = state.syncs.clone();
    let store = state.secrets.clone();
    let device = args.device_code;
    on_own_runtime(move |rt| {
        let show = |progress: AdminSignInProgress| {
            if let Ok(mut p) = shared.sign_in.lock() {
                *p = Some(progress);
            }
        };
        let result = if device {
            rt.block_on(steward_graph::delegated::sign_in_device(
                &authority,
                &graph,
                &tenant,
                &client,
                |uri, code, _| {
                    show(AdminSignInProgress {
                        method: "deviceCode".into(),
                        url: uri.into(),
                        user_code: Some(code.into()),
                    })
                },
            ))
        } else {
            rt.block_on(steward_graph::delegated::sign_in_browser(
                &authority,
                &graph,
                &tenant,
                &client,
                std::time::Duration::from_secs(300),
                |url| {
                    show(AdminSignInProgress {
                        method: "browser".into(),
                        url: url.into(),
                        user_code: None,
                    });
                    if std::env::var_os("STEWARD_NO_BROWSER").is_none() {
                        let _ = webbrowser::open(url);
                    }
                },
            ))
        };
        if let Ok(mut p) = shared.sign_in.lock() {
            *p = None;
        }
        let tokens = result.map_err(|e| AppError::InvalidInput {
            message: e.to_string(),
        })?;
        match connect::keep_admin_sign_in(
            shared.stores(store.as_ref()),
            &authority,
            &tenant,
            &client,
            &tokens.refresh_token,
        ) {
            Ok(AdminKept::Kept(place)) => Ok(format!(
                "Signed in. The sign-in is kept in {place} for the next syncs of this tenant."
            )),
            Ok(AdminKept::ForSession(why)) => Ok(format!("Signed in for this session only: {why}")),
            Err(e) => Err(AppError::Io {
                message: format!("signed in, but the sign-in could not be kept ({e}); try again"),
            }),
        }
    })
    .await
}

/// Opens the native dialog for the certificate file (PEM, with its private key); `None` when the
/// user cancels it. What it returns is what a connection test or a sync may read.
#[tauri::command]
#[specta::specta]
pub async fn choose_certificate_path(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let pick = crate::dialogs::Pick::File {
        title: "Choose the app registration's certificate (PEM with its private key)",
        filter: ("PEM certificate", &["pem", "crt", "cer", "key"]),
    };
    let chosen = state.dialogs.clone().pick(app, pick).await?;
    Ok(chosen
        .and_then(|ps| ps.into_iter().next())
        .map(|p| p.display().to_string()))
}

/// The admin sign-in the window waits for, if any: the page to open and the device code.
#[tauri::command]
#[specta::specta]
pub fn admin_sign_in_progress(state: State<'_, AppState>) -> Option<AdminSignInProgress> {
    state.syncs.sign_in.lock().ok().and_then(|p| p.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_tells_the_time_left_in_the_sync_s_own_words() {
        let info = sync::ProgressInfo {
            dataset: steward_graph::Dataset::SignIns,
            items: 12_000,
            total: None,
            fraction: Some(0.5),
        };
        let pace = |eta_secs| sync::Pace {
            per_sec: 4_000.4,
            eta_secs,
        };
        let p = SyncProgress::new(&info, pace(Some(200.0)));
        assert_eq!(p.dataset, Dataset::SignIns);
        assert_eq!(p.eta_seconds, Some(200));
        assert_eq!(p.eta_text.as_deref(), Some("about 3 min left"));
        assert_eq!(SyncProgress::new(&info, pace(None)).eta_text, None);
    }
}
