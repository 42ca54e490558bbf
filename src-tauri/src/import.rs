//! The Import dialog's commands: choose Graph JSON files or a folder with the native dialog, and
//! import them (all or nothing) into the cache.

use std::path::PathBuf;

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
            filter: ("Graph JSON", &["json"]),
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
    // The import reads every file and writes one transaction: off the async runtime.
    crate::blocking_with(move || -> Result<_, steward_graph::Error> {
        let conn = store::open(&db)?;
        // One writer at a time: refused at once, naming the other, while a sync or import runs.
        let _lock = store::lock_for_writing(&conn, "an import from the window")?;
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
