//! The Connections page's commands: each tenant's sync status per dataset, a connection test,
//! and a sync with progress and cancel. The client secret comes with a call, or from the OS
//! keyring where a sync that signed in with it kept it; it is never written anywhere else.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use steward_core::{clock, store};
use steward_graph::secrets::{self, SecretSource, SecretStore};
use steward_graph::sync::{self, SyncOptions};
use tauri::State;

use crate::{AppError, AppState};

/// The sync in flight, if any.
#[derive(Default)]
pub struct SyncState {
    progress: Mutex<Option<SyncProgress>>,
    cancel: Arc<AtomicBool>,
    running: AtomicBool,
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
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub dataset: String,
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
            dataset: p.dataset.name().into(),
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
    /// Default `https://graph.microsoft.com`.
    pub graph_url: Option<String>,
    /// Default `https://login.microsoftonline.com`.
    pub authority_url: Option<String>,
}

impl ConnectArgs {
    /// The sync's options, with the secret given or else the one kept in `store`; where the
    /// secret came from.
    pub(crate) fn options(
        &self,
        store: &dyn SecretStore,
        session: &dyn SecretStore,
    ) -> Result<(SyncOptions, SecretSource), AppError> {
        let (tenant, client) = (self.tenant_id.trim(), self.client_id.trim());
        if tenant.is_empty() || client.is_empty() {
            return Err(AppError::InvalidInput {
                message: "give the tenant id, the client (application) id and its client secret"
                    .into(),
            });
        }
        if self.delegated {
            let account = steward_graph::delegated::account(tenant, client);
            let kept = store
                .get(&account)
                .ok()
                .flatten()
                .or_else(|| session.get(&account).ok().flatten())
                .ok_or_else(|| AppError::InvalidInput {
                    message:
                        "no admin is signed in for this tenant and client id: choose Sign in first"
                            .into(),
                })?;
            let mut o = SyncOptions::new(tenant, client, "");
            o.refresh_token = Some(Arc::new(Mutex::new(kept)));
            return Ok((self.endpoints(o), SecretSource::Stored));
        }
        if let Some(path) = self
            .certificate_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let text = std::fs::read_to_string(path).map_err(|e| AppError::Io {
                message: format!("could not read the certificate {path}: {e}; check the path"),
            })?;
            let cert =
                steward_graph::certificate::ClientCertificate::from_pem(&text).map_err(|e| {
                    AppError::InvalidInput {
                        message: format!("{path}: {e}"),
                    }
                })?;
            let mut o = SyncOptions::new(tenant, client, "");
            o.certificate = Some(cert);
            return Ok((self.endpoints(o), SecretSource::Stored));
        }
        let given = Some(self.client_secret.clone()).filter(|s| !s.is_empty());
        let Some((secret, source)) = secrets::resolve(store, tenant, client, given) else {
            return Err(AppError::InvalidInput {
                message: "give the client secret: none is kept in the OS keyring for this tenant and client id".into(),
            });
        };
        let o = SyncOptions::new(tenant, client, &secret);
        Ok((self.endpoints(o), source))
    }

    /// `o` with the Graph and authority addresses the form gave.
    fn endpoints(&self, mut o: SyncOptions) -> SyncOptions {
        if let Some(u) = self
            .graph_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            o.graph_url = u.into();
        }
        if let Some(u) = self
            .authority_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            o.authority_url = u.into();
        }
        o
    }
}

impl From<sync::SyncError> for AppError {
    fn from(e: sync::SyncError) -> AppError {
        use sync::SyncError as E;
        let message = e.to_string();
        match e {
            E::Core(core) => core.into(),
            E::Database(_) => AppError::Database { message },
            E::Cancelled => AppError::Cancelled { message },
            E::SignIn { .. } | E::WrongTenant { .. } => AppError::InvalidInput { message },
            E::GaveUp { .. } | E::Http { .. } | E::Unexpected { .. } => AppError::Io { message },
        }
    }
}

/// Runs a sync future on a current-thread runtime of its own, on the blocking pool: the SQLite
/// connection it holds never crosses a thread.
async fn on_own_runtime<T, F>(f: F) -> Result<T, AppError>
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
    let (opts, _) = args.options(state.secrets.as_ref(), &state.syncs.session_sign_ins)?;
    let shared = state.syncs.clone();
    let store = state.secrets.clone();
    on_own_runtime(move |rt| {
        let result = rt.block_on(sync::test_connection(&opts));
        keep_rotated(&opts, &result, store.as_ref(), &shared.session_sign_ins);
        Ok(result?)
    })
    .await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DatasetStatus {
    pub dataset: String,
    /// `ok`, `notAvailable`, or `inProgress` while a round has pages left.
    pub status: String,
    pub detail: Option<String>,
    /// When the dataset was last read completely (RFC 3339).
    pub synced_at: Option<String>,
    /// How it got there: `synced`, `imported`, `demo`.
    pub source: Option<String>,
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
    let mut out: Vec<DatasetStatus> = conn
        .prepare(
            "SELECT name, status, detail, synced_at FROM datasets WHERE tenant = ?1 ORDER BY name",
        )?
        .query_map(params![key.0], |r| {
            let detail: Option<String> = r.get(2)?;
            let source = match detail.as_deref() {
                Some("synced") | Some("imported") => detail.clone(),
                _ => None,
            };
            let status: String = r.get(1)?;
            Ok(DatasetStatus {
                dataset: r.get(0)?,
                // The cache says `unavailable` where Graph refused (403).
                status: if status == "unavailable" {
                    "notAvailable".into()
                } else {
                    status
                },
                detail: if source.is_some() { None } else { detail },
                synced_at: r.get::<_, Option<i64>>(3)?.map(clock::rfc3339_ms),
                source,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let open: Vec<String> = conn
        .prepare("SELECT dataset FROM sync_state WHERE tenant = ?1 AND next_link IS NOT NULL")?
        .query_map(params![key.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in open {
        match out.iter_mut().find(|d| d.dataset == name) {
            Some(d) => d.status = "inProgress".into(),
            None => out.push(DatasetStatus {
                dataset: name,
                status: "inProgress".into(),
                detail: None,
                synced_at: None,
                source: Some("synced".into()),
            }),
        }
    }
    Ok(ConnectionStatus {
        tenant_id: tenant_id.to_string(),
        datasets: out,
    })
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncedDataset {
    pub dataset: String,
    pub status: String,
    /// `full`, `delta` (only what changed since the last sync) or `window` (sign-ins).
    pub mode: String,
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
}

/// Syncs a tenant; the window polls `sync_progress` meanwhile and may `cancel_sync`.
#[tauri::command]
#[specta::specta]
pub async fn sync_tenant(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> Result<SyncOutcome, AppError> {
    let store = state.secrets.clone();
    let (mut opts, source) = args.options(store.as_ref(), &state.syncs.session_sign_ins)?;
    let keep = (args.remember_secret && source == SecretSource::Given).then(|| {
        (
            opts.tenant_id.clone(),
            opts.client_id.clone(),
            opts.client_secret.clone(),
        )
    });
    let shared = state.syncs.clone();
    if shared.running.swap(true, Ordering::SeqCst) {
        return Err(AppError::InvalidInput {
            message: "a sync is already running; wait for it or cancel it first".into(),
        });
    }
    shared.cancel.store(false, Ordering::SeqCst);
    opts.cancel = Some(shared.cancel.clone());
    let db = state.db.clone();
    let progress = shared.clone();
    let result = on_own_runtime(move |rt| {
        let conn = store::open(&db)?;
        let mut meter = sync::Meter::default();
        let result = rt.block_on(sync::sync(&conn, &opts, clock::now(), &mut |p| {
            let pace = meter.observe(p);
            if let Ok(mut slot) = progress.progress.lock() {
                *slot = Some(SyncProgress::new(p, pace));
            }
        }));
        // A secret that signed in is kept, even when the sync stopped later on.
        let signed_in = !matches!(result, Err(sync::SyncError::SignIn { .. }));
        keep_rotated(&opts, &result, store.as_ref(), &progress.session_sign_ins);
        let secret_note = match (&keep, signed_in) {
            (Some((tenant, client, secret)), true) => Some(
                match secrets::remember(store.as_ref(), tenant, client, secret) {
                    Ok(note) => note,
                    Err(e) => secrets::not_kept(&e),
                },
            ),
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
                    dataset: d.dataset.name().into(),
                    status: d.status.as_str().into(),
                    mode: d.mode.as_str().into(),
                    detail: d.detail.clone(),
                    items: d.items as u32,
                    pages: d.pages as u32,
                    removed: d.removed as u32,
                })
                .collect(),
            retries: s.retries as u32,
            secret_note,
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

/// Whether a secret is kept for this tenant and client id.
#[tauri::command]
#[specta::specta]
pub async fn secret_status(
    state: State<'_, AppState>,
    tenant_id: String,
    client_id: String,
) -> Result<SecretStatus, AppError> {
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let admin = steward_graph::delegated::account(&tenant_id, &client_id);
        let admin_signed_in = store.get(&admin).ok().flatten().is_some()
            || shared.session_sign_ins.get(&admin).ok().flatten().is_some();
        match store.get(&secrets::account(&tenant_id, &client_id)) {
            Ok(found) => SecretStatus {
                kept: found.is_some_and(|s| !s.is_empty()),
                available: true,
                detail: store.describe().into(),
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

/// Removes the secret kept for this tenant and client id; whether there was one.
#[tauri::command]
#[specta::specta]
pub async fn forget_secret(
    state: State<'_, AppState>,
    tenant_id: String,
    client_id: String,
) -> Result<bool, AppError> {
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let admin = steward_graph::delegated::account(&tenant_id, &client_id);
        let _ = shared.session_sign_ins.delete(&admin);
        let admin_removed = store.delete(&admin).unwrap_or(false);
        store
            .delete(&secrets::account(&tenant_id, &client_id))
            .map(|secret| secret || admin_removed)
            .map_err(|e| AppError::Io {
                message: format!("{e}; nothing was removed"),
            })
    })
    .await
    .map_err(|e| AppError::Internal {
        message: format!("a background task failed ({e}); try again"),
    })?
}

/// After a delegated sign-in, keeps the rotated refresh token (for this session where the OS
/// has no keyring), or forgets it when Entra refused it.
fn keep_rotated<T>(
    opts: &SyncOptions,
    result: &Result<T, sync::SyncError>,
    store: &dyn SecretStore,
    session: &dyn SecretStore,
) {
    let signed_in = !matches!(result, Err(sync::SyncError::SignIn { .. }));
    if steward_graph::delegated::keep_rotated(store, opts, signed_in).is_err() || !signed_in {
        let _ = steward_graph::delegated::keep_rotated(session, opts, signed_in);
    }
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
    let pick = |v: &Option<String>, default: &str| {
        v.as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(default)
            .to_string()
    };
    let graph = pick(&args.graph_url, "https://graph.microsoft.com");
    let authority = pick(&args.authority_url, "https://login.microsoftonline.com");
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
        let account = steward_graph::delegated::account(&tenant, &client);
        Ok(match store.set(&account, &tokens.refresh_token) {
            Ok(()) => format!(
                "Signed in. The sign-in is kept in {} for the next syncs of this tenant.",
                store.describe()
            ),
            Err(e) => {
                let _ = shared.session_sign_ins.set(&account, &tokens.refresh_token);
                format!("Signed in for this session only: {e}")
            }
        })
    })
    .await
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
        assert_eq!(p.dataset, "signIns");
        assert_eq!(p.eta_seconds, Some(200));
        assert_eq!(p.eta_text.as_deref(), Some("about 3 min left"));
        assert_eq!(SyncProgress::new(&info, pace(None)).eta_text, None);
    }
}
