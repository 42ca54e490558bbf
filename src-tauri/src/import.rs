//! The Import dialog's commands: choose Graph JSON files or a folder with the native dialog, and
//! import them (directory data all or nothing; sign-in archives streamed, with progress and
//! cancel) into the cache.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::dialogs::Pick;
use crate::{AppError, AppState};
use serde::Serialize;
use steward_core::{clock, store};
use tauri::{AppHandle, State};

/// Opens the native dialog for JSON files (or a folder); `None` when the user cancels it. What
/// it returns is what `import_graph_files` may read.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_paths(
    app: AppHandle,
    state: State<'_, AppState>,
    folder: bool,
) -> Result<Option<Vec<String>>, AppError> {
    let pick = if folder {
        Pick::Folder {
            title: "Import a folder of Graph JSON exports",
        }
    } else {
        Pick::Files {
            title: "Import Graph JSON files",
            filter: (
                "Graph JSON, Azure Monitor archives, Log Analytics CSV",
                &["json", "csv"],
            ),
        }
    };
    let chosen = state.dialogs.clone().pick(app, pick).await?;
    Ok(chosen.map(|ps| ps.iter().map(|p| p.display().to_string()).collect()))
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDataset {
    pub dataset: steward_core::dataset::Dataset,
    pub items: u32,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub tenant_id: String,
    pub tenant_name: String,
    pub files: u32,
    pub datasets: Vec<ImportedDataset>,
    pub new_sign_ins: u32,
    pub empty_files: Vec<String>,
    /// Files left unread, by folder and reason (users, role definitions, other tools' files…).
    pub skipped: Vec<SkippedFiles>,
}

/// Files of one folder an import left unread, and why.
/// The running import's streamed sign-in archives, and the request to stop it.
#[derive(Default)]
pub struct ImportState {
    progress: Mutex<Option<ImportProgress>>,
    cancel: Arc<AtomicBool>,
}

/// How far the sign-in archives of the running import have come.
#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub files_done: u32,
    pub files: u32,
    pub records: u32,
    pub records_per_second: u32,
    /// From the bytes left at the rate so far; `None` until there is a rate.
    pub seconds_left: Option<u32>,
    pub fraction: f64,
}

impl ImportProgress {
    fn of(p: &steward_graph::ArchiveProgress, elapsed: f64) -> ImportProgress {
        let fraction = if p.bytes == 0 {
            0.0
        } else {
            (p.bytes_read as f64 / p.bytes as f64).min(1.0)
        };
        let seconds_left = (p.bytes_read > 0 && elapsed > 0.5).then(|| {
            let rate = p.bytes_read as f64 / elapsed;
            ((p.bytes - p.bytes_read.min(p.bytes)) as f64 / rate).round() as u32
        });
        ImportProgress {
            files_done: p.files_done as u32,
            files: p.files as u32,
            records: p.records.min(u32::MAX as u64) as u32,
            records_per_second: (p.records as f64 / elapsed.max(0.001)).round() as u32,
            seconds_left,
            fraction,
        }
    }
}

/// The streamed archives' progress while an import runs; `None` otherwise.
#[tauri::command]
#[specta::specta]
pub fn import_progress(state: State<'_, AppState>) -> Option<ImportProgress> {
    state.imports.progress.lock().ok().and_then(|p| *p)
}

/// Asks the running import to stop between two chunks of sign-ins: the directory data and the
/// sign-ins committed so far stay, and importing the same files again finishes it.
#[tauri::command]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) {
    state.imports.cancel.store(true, Ordering::SeqCst);
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SkippedFiles {
    pub folder: String,
    pub reason: String,
    pub files: u32,
    /// One of them, as an example.
    pub example: String,
}

/// Imports the Graph JSON under `paths` (each one `choose_import_paths` returned) into `tenant` (or
/// the tenant of an organization response among them). Nothing is written unless every file is
/// good.
#[tauri::command]
#[specta::specta]
pub async fn import_graph_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    tenant: Option<String>,
) -> Result<ImportResult, AppError> {
    let paths: Vec<PathBuf> = paths
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| state.dialogs.granted(p, "the files or folder to import"))
        .collect::<Result<_, _>>()?;
    if paths.is_empty() {
        return Err(AppError::InvalidInput {
            message: "choose at least one Graph JSON file or folder to import".into(),
        });
    }
    let tenant = tenant
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let db = state.db.clone();
    let imports = state.imports.clone();
    imports.cancel.store(false, Ordering::SeqCst);
    // The import reads every file and writes one transaction: off the async runtime.
    crate::blocking_with(move || -> Result<_, steward_graph::Error> {
        let conn = store::open(&db)?;
        // One writer at a time: refused at once, naming the other, while a sync or import runs.
        let _lock = store::lock_for_writing(&conn, "an import from the window")?;
        let started = std::time::Instant::now();
        let result = steward_graph::import_with(
            &conn,
            &paths,
            &steward_graph::ImportOptions {
                tenant,
                ..Default::default()
            },
            clock::now(),
            &mut |p| {
                if let Ok(mut shown) = imports.progress.lock() {
                    *shown = Some(ImportProgress::of(p, started.elapsed().as_secs_f64()));
                }
            },
            &imports.cancel,
        );
        if let Ok(mut shown) = imports.progress.lock() {
            *shown = None;
        }
        let s = result?;
        Ok(ImportResult {
            tenant_id: s.tenant_id,
            tenant_name: s.tenant_name,
            files: s.files as u32,
            datasets: s
                .datasets
                .iter()
                .map(|d| ImportedDataset {
                    dataset: d.dataset,
                    items: d.items as u32,
                })
                .collect(),
            new_sign_ins: s.new_sign_ins as u32,
            empty_files: s
                .empty_files
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            skipped: s
                .skipped
                .into_iter()
                .map(|k| SkippedFiles {
                    folder: k.folder.display().to_string(),
                    reason: k.reason,
                    files: k.files as u32,
                    example: k.example,
                })
                .collect(),
        })
    })
    .await
}
