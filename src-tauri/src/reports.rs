//! The Reports page's commands: the catalogue, a preview (HTML with each table cut short), the
//! native save dialog, and the export itself with progress and cancel. The export runs on the
//! blocking pool; the window polls `export_progress` while it runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Duration;
use serde::Serialize;
use steward_core::{clock, store};
use steward_report::{ExportOptions, Format, Progress, ProgressState, ReportKind, ReportRequest};
use tauri::{AppHandle, State};

use crate::dialogs::Pick;
use crate::{AppError, AppState};

/// Rows each table shows in the window's preview.
const PREVIEW_ROWS: u64 = 200;

/// The export in flight, if any: its progress and its cancel flag.
#[derive(Default)]
pub struct ExportState {
    progress: Mutex<Option<ProgressState>>,
    cancel: Arc<AtomicBool>,
    running: AtomicBool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportInfo {
    pub kind: ReportKind,
    pub title: String,
    pub description: String,
    pub formats: Vec<Format>,
    /// Whether a period applies (overview: the dashboard's range; sign-ins: the extract's).
    pub has_period: bool,
}

fn describe(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Overview => "KPIs and the dashboard's charts with the tables behind them.",
        ReportKind::CredentialExpiry => "Every secret and certificate with expiry, last use, owners and an admin-center link, most urgent first.",
        ReportKind::Recommendations => "App-health recommendations with every impacted resource and the evidence behind it.",
        ReportKind::Risk => "Identities at risk, Steward's signals and Identity Protection's detections.",
        ReportKind::Licenses => "The Workload ID Premium estimate bucket by bucket and the planner's scenarios (live formulas in XLSX).",
        ReportKind::Inventory => "Every service principal with kind, ownership, credentials and last sign-in.",
        ReportKind::SignIns => "The cached sign-ins of a period, optionally of one identity.",
        ReportKind::Audit => "Every change made in Steward, where it stands in Entra, and who made, pushed, retried or dropped it.",
        ReportKind::AccessReview => "The newest access review's evidence: scope, reviewers, and each identity's access, recommendation, decision (who, when, why) and what was applied.",
    }
}

#[tauri::command]
#[specta::specta]
pub fn report_catalog() -> Vec<ReportInfo> {
    ReportKind::ALL
        .into_iter()
        .map(|kind| ReportInfo {
            kind,
            title: kind.title().into(),
            description: describe(kind).into(),
            formats: kind.formats().to_vec(),
            has_period: matches!(kind, ReportKind::Overview | ReportKind::SignIns),
        })
        .collect()
}

/// What the Reports page asks for. `as_of` is absent for a new preview (now) and given back by
/// the export, so the saved file is the report that was previewed.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportArgs {
    pub tenant_id: String,
    pub kind: ReportKind,
    pub as_of: Option<String>,
    /// The period in days before `as_of` (overview and sign-ins; default 30).
    pub days: Option<i64>,
    /// Sign-ins of this service principal only (object id).
    pub sp: Option<String>,
    /// The access review whose evidence to write (default: the newest).
    #[serde(default)]
    pub review: Option<String>,
}

impl ReportArgs {
    pub(crate) fn request(&self) -> Result<ReportRequest, AppError> {
        let as_of = match &self.as_of {
            Some(s) => {
                clock::parse_as_of(s).map_err(|message| AppError::InvalidInput { message })?
            }
            None => clock::now(),
        };
        let days = self.days.unwrap_or(30);
        if !(1..=366).contains(&days) {
            return Err(AppError::InvalidInput {
                message: format!("a period of {days} days is not offered: pick 1 to 366 days"),
            });
        }
        Ok(ReportRequest {
            kind: self.kind,
            tenant: Some(self.tenant_id.clone()),
            as_of,
            from: Some(as_of - Duration::days(days)),
            to: None,
            sp: self
                .sp
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            review: self.review.clone(),
        })
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReportPreview {
    pub title: String,
    pub tenant_id: String,
    pub as_of: String,
    /// A self-contained HTML document (no script); each table shows its first rows.
    pub html: String,
}

#[tauri::command]
#[specta::specta]
pub async fn report_preview(
    state: State<'_, AppState>,
    args: ReportArgs,
) -> Result<ReportPreview, AppError> {
    let request = args.request()?;
    let db = state.db.clone();
    // Building the report reads the whole cache: off the async runtime.
    crate::blocking_with(move || preview(&store::open(&db)?, &request)).await
}

/// What `report_preview` builds.
pub(crate) fn preview(
    conn: &rusqlite::Connection,
    request: &ReportRequest,
) -> Result<ReportPreview, steward_report::Error> {
    let report = steward_report::build(conn, request)?;
    let html = steward_report::preview_html(conn, &report, PREVIEW_ROWS)?;
    Ok(ReportPreview {
        title: report.title.clone(),
        tenant_id: report.tenant_id.clone(),
        as_of: clock::rfc3339(report.as_of),
        html,
    })
}

/// Opens the native save dialog; `None` when the user cancels it. What it returns is what
/// `export_report` may write.
#[tauri::command]
#[specta::specta]
pub async fn choose_report_path(
    app: AppHandle,
    state: State<'_, AppState>,
    args: ReportArgs,
    format: Format,
) -> Result<Option<String>, AppError> {
    let request = args.request()?;
    let name =
        steward_report::suggested_file_name(request.kind, &args.tenant_id, request.as_of, format);
    let pick = Pick::Save {
        title: "Save report",
        name,
        filter: (
            format.as_str().to_uppercase(),
            vec![format.as_str().to_string()],
        ),
    };
    let chosen = state.dialogs.clone().pick(app, pick).await?;
    Ok(chosen
        .and_then(|ps| ps.into_iter().next())
        .map(|p| p.display().to_string()))
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: String,
    pub bytes: u64,
    pub rows: u64,
    pub format: Format,
    pub as_of: String,
}

#[tauri::command]
#[specta::specta]
pub async fn export_report(
    state: State<'_, AppState>,
    args: ReportArgs,
    format: Format,
    path: String,
    csv_bom: bool,
) -> Result<ExportResult, AppError> {
    let request = args.request()?;
    if path.trim().is_empty() {
        return Err(AppError::InvalidInput {
            message: "choose a file to save the report to".into(),
        });
    }
    let path = state
        .dialogs
        .granted(&path, "the file to save the report to")?;
    let exports = state.exports.clone();
    if exports.running.swap(true, Ordering::SeqCst) {
        return Err(AppError::InvalidInput {
            message: "an export is already running; wait for it or cancel it first".into(),
        });
    }
    exports.cancel.store(false, Ordering::SeqCst);
    if let Ok(mut p) = exports.progress.lock() {
        *p = Some(ProgressState {
            rows_done: 0,
            rows_total: None,
        });
    }
    let db = state.db.clone();
    let shared = exports.clone();
    let result = crate::blocking_with(move || -> Result<_, steward_report::Error> {
        let conn = store::open(&db)?;
        let mut on_progress = |p: ProgressState| {
            if let Ok(mut slot) = shared.progress.lock() {
                *slot = Some(p);
            }
        };
        let mut progress = Progress::new(&mut on_progress, Some(&shared.cancel));
        export_to(&conn, &request, format, &path, csv_bom, &mut progress)
    })
    .await;
    exports.running.store(false, Ordering::SeqCst);
    if let Ok(mut p) = exports.progress.lock() {
        *p = None;
    }
    result
}

/// What `export_report` writes, and what the window is told of it.
pub(crate) fn export_to(
    conn: &rusqlite::Connection,
    request: &ReportRequest,
    format: Format,
    path: &std::path::Path,
    csv_bom: bool,
    progress: &mut Progress<'_>,
) -> Result<ExportResult, steward_report::Error> {
    let s = steward_report::export(
        conn,
        request,
        format,
        path,
        ExportOptions { csv_bom },
        progress,
    )?;
    Ok(ExportResult {
        path: s.path.display().to_string(),
        bytes: s.bytes,
        rows: s.rows,
        format: s.format,
        as_of: s.as_of,
    })
}

/// Where the running export stands; `None` when none runs.
#[tauri::command]
#[specta::specta]
pub fn export_progress(state: State<'_, AppState>) -> Option<ProgressState> {
    state.exports.progress.lock().ok().and_then(|p| *p)
}

/// Asks the running export to stop; it removes its partial file and reports `cancelled`.
#[tauri::command]
#[specta::specta]
pub fn cancel_export(state: State<'_, AppState>) {
    state.exports.cancel.store(true, Ordering::SeqCst);
}
