//! The Import dialog's commands: choose Graph JSON files or a folder with the native dialog, and
//! import them (all or nothing) into the cache.

use std::path::PathBuf;

use serde::Serialize;
use steward_core::{clock, store};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::{AppError, AppState};

/// Opens the native dialog for JSON files (or a folder); `None` when the user cancels it.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_paths(
    app: AppHandle,
    folder: bool,
) -> Result<Option<Vec<String>>, AppError> {
    // The blocking form of the dialog must not run on the main thread: the blocking pool waits.
    tauri::async_runtime::spawn_blocking(move || {
        let dialog = app.dialog().file().set_title(if folder {
            "Import a folder of Graph JSON exports"
        } else {
            "Import Graph JSON files"
        });
        let paths: Option<Vec<PathBuf>> = if folder {
            dialog
                .blocking_pick_folder()
                .and_then(|p| p.into_path().ok())
                .map(|p| vec![p])
        } else {
            dialog
                .add_filter("Graph JSON", &["json"])
                .blocking_pick_files()
                .map(|ps| ps.into_iter().filter_map(|p| p.into_path().ok()).collect())
        };
        paths.map(|ps| ps.into_iter().map(|p| p.display().to_string()).collect())
    })
    .await
    .map_err(|e| AppError::Internal {
        message: format!("the file dialog failed ({e}); try again"),
    })
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
}

/// Imports the Graph JSON under `paths` into `tenant` (or the tenant of an organization response
/// among them). Nothing is written unless every file is good.
#[tauri::command]
#[specta::specta]
pub async fn import_graph_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    tenant: Option<String>,
) -> Result<ImportResult, AppError> {
    let paths: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    if paths.is_empty() {
        return Err(AppError::InvalidInput {
            message: "choose at least one Graph JSON file or folder to import".into(),
        });
    }
    let tenant = tenant
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let db = state.db.clone();
    // The import reads every file and writes one transaction: off the async runtime.
    crate::blocking_with(move || -> Result<_, steward_graph::Error> {
        let conn = store::open(&db)?;
        let s = steward_graph::import(
            &conn,
            &paths,
            &steward_graph::ImportOptions {
                tenant,
                ..Default::default()
            },
            clock::now(),
        )?;
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
        })
    })
    .await
}
