//! The Connections page's commands: each tenant's sync status per dataset, a connection test,
//! and a sync with progress and cancel. The client secret comes with each call and is held in
//! memory for that call only; it is never written anywhere.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use steward_core::{clock, store};
use steward_graph::sync::{self, SyncOptions};
use tauri::State;

use crate::{AppError, AppState};

/// The sync in flight, if any.
#[derive(Default)]
pub struct SyncState {
    progress: Mutex<Option<SyncProgress>>,
    cancel: Arc<AtomicBool>,
    running: AtomicBool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub dataset: String,
    /// Items read in this run for the dataset in progress.
    pub items: u32,
}

/// How to reach a tenant. The secret is used for this call and dropped.
#[derive(Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectArgs {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// Default `https://graph.microsoft.com`.
    pub graph_url: Option<String>,
    /// Default `https://login.microsoftonline.com`.
    pub authority_url: Option<String>,
}

impl ConnectArgs {
    fn options(&self) -> Result<SyncOptions, AppError> {
        let (tenant, client) = (self.tenant_id.trim(), self.client_id.trim());
        if tenant.is_empty() || client.is_empty() || self.client_secret.is_empty() {
            return Err(AppError::InvalidInput {
                message: "give the tenant id, the client (application) id and its client secret"
                    .into(),
            });
        }
        let mut o = SyncOptions::new(tenant, client, &self.client_secret);
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
        Ok(o)
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
pub async fn test_connection(args: ConnectArgs) -> Result<String, AppError> {
    let opts = args.options()?;
    on_own_runtime(move |rt| Ok(rt.block_on(sync::test_connection(&opts))?)).await
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
            tenant_id: tenant_id.clone(),
            datasets: out,
        })
    })
    .await
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
}

/// Syncs a tenant; the window polls `sync_progress` meanwhile and may `cancel_sync`.
#[tauri::command]
#[specta::specta]
pub async fn sync_tenant(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> Result<SyncOutcome, AppError> {
    let mut opts = args.options()?;
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
        let s = rt.block_on(sync::sync(&conn, &opts, clock::now(), &mut |d, n| {
            if let Ok(mut p) = progress.progress.lock() {
                *p = Some(SyncProgress {
                    dataset: d.name().into(),
                    items: n as u32,
                });
            }
        }))?;
        Ok(SyncOutcome {
            tenant_id: s.tenant_id,
            tenant_name: s.tenant_name,
            datasets: s
                .datasets
                .iter()
                .map(|d| SyncedDataset {
                    dataset: d.dataset.name().into(),
                    status: d.status.clone(),
                    mode: d.mode.clone(),
                    detail: d.detail.clone(),
                    items: d.items as u32,
                    pages: d.pages as u32,
                    removed: d.removed as u32,
                })
                .collect(),
            retries: s.retries as u32,
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
