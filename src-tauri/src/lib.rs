//! Steward's desktop window: Tauri v2 command adapters over `steward-core`, the error type that
//! crosses to the UI, and the app state. Each command takes its arguments, calls one core
//! function off the async runtime, and converts the error; nothing here computes. Where a command
//! composes several core calls, they sit in a plain function of the connection and `now`
//! (`licensing_at` and the like) that the UI's mock fixtures (`mock_fixtures.rs`) are made with.

mod access_reviews;
mod conditional_access;
mod connections;
mod dialogs;
mod error;
mod import;
mod instance;
mod manage;
#[cfg(test)]
mod mock_fixtures;
mod reports;

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use clap::Parser;
use rusqlite::Connection;
use serde::Serialize;
use steward_core::dashboard::{self as dash, Dashboard};
use steward_core::demo::{self, DemoOptions};
use steward_core::identities::SignInRow;
use steward_core::identities::{self, IdentityDetail, IdentityPage, IdentityQuery};
use steward_core::licensing::{
    self as lic, LicenseEstimate, LicensePlan, PlanSettings, ReviewCandidate, ScopeFlags,
    ScopeReason,
};
use steward_core::overview::{self, Overview, TenantSummary};
use steward_core::recommendations::{
    self as recs, RecommendationReport, RecommendationSettings, StatusChange,
};
use steward_core::risk::{self, RiskAction, RiskReport, RiskSettings, SignInFilter};
use steward_core::store::{self, tenants, TenantKey};
use steward_core::{clock, model::Tenant};
use tauri::State;

pub use error::AppError;

/// Command-line options of `steward-desktop`.
#[derive(Parser, Debug)]
#[command(name = "steward-desktop", version, about = "Steward desktop console")]
pub struct Args {
    /// The cache file to use (default: steward.db in the OS data folder).
    #[arg(long, env = "STEWARD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// What the window shares between commands: where the cache is and which tenant is shown.
pub struct AppState {
    db: PathBuf,
    active: Mutex<Option<String>>,
    exports: std::sync::Arc<reports::ExportState>,
    imports: std::sync::Arc<import::ImportState>,
    syncs: std::sync::Arc<connections::SyncState>,
    /// Where client secrets are kept between syncs (the OS keyring; `STEWARD_SECRET_STORE`).
    secrets: std::sync::Arc<dyn steward_graph::secrets::SecretStore>,
    /// The file dialogs and the paths they returned: the only paths the webview may name.
    dialogs: std::sync::Arc<dialogs::Dialogs>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    pub tenants: Vec<TenantSummary>,
    pub active_tenant_id: Option<String>,
}

/// Runs blocking cache work on Tauri's blocking pool: SQLite calls must not stall the async
/// runtime that serves the window's other requests.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, steward_core::Error> + Send + 'static,
{
    blocking_with(f).await
}

/// `blocking` for work whose error is another crate's (the reports').
async fn blocking_with<T, E, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal {
            message: format!(
                "a background task failed ({e}); try again, and restart Steward if it persists"
            ),
        })?
        .map_err(Into::into)
}

/// Runs `f` on a fresh connection with the requested tenant resolved: the shape of every
/// tenant-scoped command.
pub(crate) async fn with_tenant<T, F>(
    state: &State<'_, AppState>,
    tenant_id: String,
    f: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Connection, TenantKey, &Tenant) -> Result<T, steward_core::Error> + Send + 'static,
{
    let db = state.db.clone();
    blocking(move || {
        let conn = store::open(&db)?;
        let (key, tenant) = tenants::resolve_tenant(&conn, Some(&tenant_id))?;
        f(&conn, key, &tenant)
    })
    .await
}

/// Every tenant the cache holds, as the tenant switcher lists them.
pub(crate) fn tenant_summaries(
    conn: &Connection,
) -> Result<Vec<TenantSummary>, steward_core::Error> {
    tenants::list_tenants(conn)?
        .iter()
        .map(|(k, t)| TenantSummary::load(conn, *k, t))
        .collect()
}

#[tauri::command]
#[specta::specta]
async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let db = state.db.clone();
    let active = state.active.lock().map(|a| a.clone()).unwrap_or_default();
    blocking(move || {
        let conn = store::open(&db)?;
        let tenants = tenant_summaries(&conn)?;
        let active_tenant_id = active
            .filter(|id| tenants.iter().any(|t| &t.id == id))
            .or_else(|| tenants.first().map(|t| t.id.clone()));
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            db_path: db.display().to_string(),
            tenants,
            active_tenant_id,
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn overview(state: State<'_, AppState>, tenant_id: String) -> Result<Overview, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        overview::overview(conn, key, tenant, clock::now())
    })
    .await
}

#[tauri::command]
#[specta::specta]
/// The Overview's dashboard over the last `days`; `dark` draws its charts for the window's dark
/// theme.
async fn dashboard(
    state: State<'_, AppState>,
    tenant_id: String,
    days: i64,
    dark: bool,
) -> Result<Dashboard, AppError> {
    let mut d = with_tenant(&state, tenant_id, move |conn, key, tenant| {
        dash::dashboard(conn, key, tenant, clock::now(), days)
    })
    .await?;
    // The window's charts follow its theme; the reports' stay paper-white.
    if dark {
        for c in &mut d.charts {
            c.svg = steward_core::chart::for_dark_screen(&c.svg);
        }
    }
    Ok(d)
}

/// The risk report; `settings` absent means Steward's defaults, which the report names.
#[tauri::command]
#[specta::specta]
async fn risk_report(
    state: State<'_, AppState>,
    tenant_id: String,
    settings: Option<RiskSettings>,
) -> Result<RiskReport, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _tenant| {
        risk_report_at(conn, key, clock::now(), settings)
    })
    .await
}

/// What `risk_report` computes, at `now`.
pub(crate) fn risk_report_at(
    conn: &Connection,
    key: TenantKey,
    now: DateTime<Utc>,
    settings: Option<RiskSettings>,
) -> Result<RiskReport, steward_core::Error> {
    risk::risk_report(conn, key, now, &settings.unwrap_or_default())
}

/// Records the admin's risk decision (confirm compromised, dismiss, remediated) on identities.
#[tauri::command]
#[specta::specta]
async fn risk_action(
    state: State<'_, AppState>,
    tenant_id: String,
    sp_ids: Vec<String>,
    action: RiskAction,
) -> Result<(), AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _tenant| {
        risk::act(conn, key, &sp_ids, action, clock::now())
    })
    .await
}

/// The sign-ins behind a risk signal, oldest first (at most 200).
#[tauri::command]
#[specta::specta]
async fn risk_signal_sign_ins(
    state: State<'_, AppState>,
    tenant_id: String,
    filter: SignInFilter,
) -> Result<Vec<SignInRow>, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _tenant| {
        risk::sign_ins_for(conn, key, &filter, SIGNAL_SIGN_INS_LIMIT)
    })
    .await
}

/// How many of the sign-ins behind a risk signal the window lists.
pub(crate) const SIGNAL_SIGN_INS_LIMIT: i64 = 200;

#[tauri::command]
#[specta::specta]
async fn list_identities(
    state: State<'_, AppState>,
    tenant_id: String,
    query: IdentityQuery,
) -> Result<IdentityPage, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _tenant| {
        identities::list_identities(conn, key, &query)
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn identity_detail(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
) -> Result<IdentityDetail, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        identities::identity_detail(conn, key, &tenant.id, &id, clock::now())
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn select_tenant(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<TenantSummary, AppError> {
    let summary = with_tenant(&state, tenant_id, move |conn, key, tenant| {
        TenantSummary::load(conn, key, tenant)
    })
    .await?;
    if let Ok(mut active) = state.active.lock() {
        *active = Some(summary.id.clone());
    }
    Ok(summary)
}

/// Recommendations shown in the window carry at most this many impacted resources each (the
/// totals stay exact; the CLI and exports list them all).
const WINDOW_IMPACTED_LIMIT: usize = 500;

/// The recommendations; `settings` absent means Steward's default thresholds, which the report
/// names (so the defaults are written once, in the core).
#[tauri::command]
#[specta::specta]
async fn recommendations(
    state: State<'_, AppState>,
    tenant_id: String,
    settings: Option<RecommendationSettings>,
) -> Result<RecommendationReport, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        recommendations_at(conn, key, tenant, clock::now(), settings)
    })
    .await
}

/// What `recommendations` computes, at `now`.
pub(crate) fn recommendations_at(
    conn: &Connection,
    key: TenantKey,
    tenant: &Tenant,
    now: DateTime<Utc>,
    settings: Option<RecommendationSettings>,
) -> Result<RecommendationReport, steward_core::Error> {
    recs::recommendations(
        conn,
        key,
        &tenant.id,
        now,
        &settings.unwrap_or_default(),
        Some(WINDOW_IMPACTED_LIMIT),
    )
}

#[tauri::command]
#[specta::specta]
async fn set_recommendation_status(
    state: State<'_, AppState>,
    tenant_id: String,
    recommendation_type: String,
    change: StatusChange,
    settings: RecommendationSettings,
) -> Result<(), AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        recs::change_status(
            conn,
            key,
            &tenant.id,
            &recommendation_type,
            &change,
            clock::now(),
            &settings,
        )
    })
    .await
}

/// The Licensing page: the estimate, the saved plan computed on it, and the managed identities
/// access reviews would cover.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Licensing {
    pub estimate: LicenseEstimate,
    pub plan: LicensePlan,
    pub review_candidates: Vec<ReviewCandidate>,
}

#[tauri::command]
#[specta::specta]
async fn licensing(state: State<'_, AppState>, tenant_id: String) -> Result<Licensing, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        licensing_at(conn, key, tenant, clock::now())
    })
    .await
}

/// What `licensing` computes, at `now`.
pub(crate) fn licensing_at(
    conn: &Connection,
    key: TenantKey,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> Result<Licensing, steward_core::Error> {
    let estimate = lic::estimate(conn, key, &tenant.id, now)?;
    let plan = lic::plan(&estimate, &lic::load_settings(conn, key)?, now)?;
    Ok(Licensing {
        estimate,
        plan,
        review_candidates: lic::review_candidates(conn, key)?,
    })
}

/// Recomputes the plan for the given inputs; saves them when `save` is set.
#[tauri::command]
#[specta::specta]
async fn license_plan(
    state: State<'_, AppState>,
    tenant_id: String,
    settings: PlanSettings,
    save: bool,
) -> Result<LicensePlan, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        license_plan_at(conn, key, tenant, clock::now(), &settings, save)
    })
    .await
}

/// What `license_plan` computes (and saves), at `now`.
pub(crate) fn license_plan_at(
    conn: &Connection,
    key: TenantKey,
    tenant: &Tenant,
    now: DateTime<Utc>,
    settings: &PlanSettings,
    save: bool,
) -> Result<LicensePlan, steward_core::Error> {
    let estimate = lic::estimate(conn, key, &tenant.id, now)?;
    let plan = lic::plan(&estimate, settings, now)?;
    if save {
        lic::save_settings(conn, key, settings)?;
    }
    Ok(plan)
}

#[tauri::command]
#[specta::specta]
async fn license_scope(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
) -> Result<ScopeFlags, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        lic::scope_flags(conn, key, &tenant.id, &id)
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn set_license_scope(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
    reason: ScopeReason,
    included: bool,
) -> Result<ScopeFlags, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, tenant| {
        lic::set_scope(conn, key, &tenant.id, &id, reason, included)
    })
    .await
}

/// The command set, shared by the running app and the bindings generator.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_info,
        overview,
        list_identities,
        identity_detail,
        select_tenant,
        recommendations,
        set_recommendation_status,
        licensing,
        license_plan,
        license_scope,
        set_license_scope,
        dashboard,
        risk_report,
        risk_action,
        connections::connection_status,
        connections::connection_defaults,
        connections::test_connection,
        connections::sync_tenant,
        connections::sync_progress,
        connections::cancel_sync,
        connections::secret_status,
        connections::forget_secret,
        connections::sign_in_admin,
        connections::admin_sign_in_progress,
        connections::choose_certificate_path,
        import::choose_import_paths,
        import::import_graph_files,
        reports::report_catalog,
        reports::report_preview,
        reports::choose_report_path,
        reports::export_report,
        reports::export_progress,
        reports::cancel_export,
        import::import_progress,
        import::cancel_import,
        risk_signal_sign_ins,
        manage::outbox_items,
        manage::audit_trail,
        manage::retry_change,
        manage::drop_change,
        manage::preview_federated_credential,
        manage::save_federated_credential,
        manage::remove_federated_credential,
        manage::create_application,
        manage::update_properties,
        manage::set_enabled,
        manage::delete_object,
        manage::restore_object,
        manage::add_secret,
        manage::choose_public_certificate,
        manage::add_certificate,
        manage::remove_credential,
        manage::add_owner,
        manage::remove_owner,
        manage::remove_permission,
        manage::push_changes,
        conditional_access::ca_overview,
        conditional_access::ca_what_if,
        conditional_access::ca_replay,
        conditional_access::ca_policy_problems,
        conditional_access::ca_save_policy,
        conditional_access::ca_delete_policy,
        conditional_access::ca_location_problems,
        conditional_access::ca_save_location,
        conditional_access::ca_delete_location,
        access_reviews::review_candidates,
        access_reviews::access_reviews,
        access_reviews::create_access_review,
        access_reviews::decide_access_review,
        access_reviews::complete_access_review,
    ])
}

/// The TypeScript bindings of every command and payload, as committed in `ui/src/ipc/bindings.ts`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .bigint(specta_typescript::BigIntExportBehavior::Number)
                .header("// @ts-nocheck\n// Generated from the Rust commands by tauri-specta: do not edit.\n// Regenerate with `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-desktop bindings`.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Opens the cache, creating the demo tenant on a first run, and picks the tenant to show.
fn prepare_cache(db: &std::path::Path) -> Result<Option<Tenant>, steward_core::Error> {
    let conn = store::open(db)?;
    if tenants::list_tenants(&conn)?.is_empty() {
        // One writer at a time: a CLI sync or import into the same cache is refused meanwhile.
        let _lock = store::lock_for_writing(&conn, "the window's demo tenant")?;
        demo::write_demo(&conn, &DemoOptions::new(clock::now()), &mut |_, _, _| {})?;
    }
    Ok(tenants::list_tenants(&conn)?
        .into_iter()
        .next()
        .map(|(_, t)| t))
}

pub fn run() {
    let args = Args::parse();
    let db = match args.db.map(Ok).unwrap_or_else(store::default_path) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let first = match prepare_cache(&db) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let builder = specta_builder();
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    tauri::Builder::default()
        .plugin(instance::single_instance(&identifier, &db))
        .plugin(instance::window_state())
        .manage(AppState {
            db,
            active: Mutex::new(first.map(|t| t.id)),
            exports: Default::default(),
            imports: Default::default(),
            syncs: Default::default(),
            secrets: std::sync::Arc::from(steward_graph::secrets::from_env()),
            dialogs: std::sync::Arc::new(dialogs::Dialogs::from_env()),
        })
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            instance::open_main(app.handle())?;
            Ok(())
        })
        .run(context)
        .unwrap_or_else(|e| {
            eprintln!("error: Steward could not start its window: {e}. On Linux, check that a display is available (DISPLAY or WAYLAND_DISPLAY).");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed TypeScript bindings must match the Rust commands (the UI compiles against
    /// them). Set STEWARD_UPDATE_BINDINGS=1 to rewrite them after changing a command.
    #[test]
    fn bindings_are_fresh() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        if std::env::var_os("STEWARD_UPDATE_BINDINGS").is_some() {
            export_bindings(&committed).unwrap();
            return;
        }
        let dir = std::env::temp_dir().join(format!("steward-bindings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("bindings.ts");
        export_bindings(&fresh).unwrap();
        let want = std::fs::read_to_string(&fresh).unwrap();
        let have = std::fs::read_to_string(&committed).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            want == have,
            "ui/src/ipc/bindings.ts is stale: run `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-desktop bindings` and commit the result"
        );
    }

    /// Two Rust types of one name become two TypeScript types of one name, and the UI silently
    /// gets one of them: every name the bindings export must be unique.
    #[test]
    fn every_type_the_bindings_export_has_a_name_of_its_own() {
        let dir = std::env::temp_dir().join(format!("steward-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bindings.ts");
        export_bindings(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let mut seen = std::collections::BTreeSet::new();
        let twice: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("export type "))
            .filter_map(|l| l.split([' ', '<', '=']).next())
            .filter(|name| !seen.insert(*name))
            .collect();
        assert!(
            twice.is_empty(),
            "types exported twice (rename one in Rust): {twice:?}"
        );
    }
}
