//! The Conditional access page's commands: the tenant's policies and named locations, what-if,
//! replay of the cached sign-ins through a policy (with its chart), and authoring policies and
//! named IP locations, which queue changes in the outbox like every change made in Steward.

use serde::Serialize;
use steward_core::clock;
use steward_core::conditional_access::{
    self as ca, replay::period_bound, CaOverview, Replay, ReplayWindow, WhatIf, WorkloadPolicy,
};
use steward_core::manage::conditional_access as authoring;
use steward_core::model::NamedLocation;
use steward_core::store::outbox::OutboxItem;
use tauri::State;

use crate::manage::actor;
use crate::{with_tenant, AppError, AppState};

/// How many blocked sign-ins a replay lists in the window (all are counted).
const LISTED: usize = 200;

/// The tenant's policies (for workload identities, then the others) and named locations.
#[tauri::command]
#[specta::specta]
pub async fn ca_overview(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<CaOverview, AppError> {
    with_tenant(&state, tenant_id, |conn, key, _| ca::overview(conn, key)).await
}

/// Which policies would apply to `sp` (object id or appId) asking for a token from `ip`, with
/// risk level `risk` (Identity Protection's current one from the cache when `None`).
#[tauri::command]
#[specta::specta]
pub async fn ca_what_if(
    state: State<'_, AppState>,
    tenant_id: String,
    sp: String,
    ip: String,
    risk: Option<String>,
) -> Result<WhatIf, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        ca::what_if(conn, key, &sp, &ip, risk.as_deref())
    })
    .await
}

/// A replay and its chart of blocks per day.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReplayView {
    pub replay: Replay,
    /// Blocks per day, as SVG (plotters), in the window's theme.
    pub chart: String,
}

/// Runs the cached sign-ins from `from` to `to` (dates, whole days in UTC) through `policy`,
/// whatever its state: a draft, a report-only or an enabled one.
#[tauri::command]
#[specta::specta]
pub async fn ca_replay(
    state: State<'_, AppState>,
    tenant_id: String,
    policy: WorkloadPolicy,
    from: String,
    to: String,
    dark: bool,
) -> Result<ReplayView, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        let bound = |s: &str, end: bool, which: &str| {
            period_bound(s, end)
                .map_err(|e| steward_core::Error::InvalidInput(format!("the {which} date: {e}")))
        };
        let window = ReplayWindow {
            from: bound(&from, false, "first")?,
            to: bound(&to, true, "last")?,
            list_limit: LISTED,
        };
        // A draft is checked as Entra would: a policy in another shape cannot be replayed.
        if let Err(problems) = WorkloadPolicy::from_graph(&policy.to_graph()) {
            return Err(steward_core::Error::InvalidInput(format!(
                "the policy cannot be replayed: {}",
                problems.join("; ")
            )));
        }
        let replay = ca::replay(conn, key, &policy, window)?;
        let mut chart = steward_core::chart::blocks_per_day(&replay.per_day)?;
        if dark {
            chart = steward_core::chart::for_dark_screen(&chart);
        }
        Ok(ReplayView { replay, chart })
    })
    .await
}

/// Everything that would stop `draft` from being saved, each with its fix (none: it can be).
#[tauri::command]
#[specta::specta]
pub async fn ca_policy_problems(
    state: State<'_, AppState>,
    tenant_id: String,
    draft: WorkloadPolicy,
) -> Result<Vec<String>, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::policy_problems(conn, key, &draft)
    })
    .await
}

/// Queues a new policy (`draft.id` null) or an edit of a cached one.
#[tauri::command]
#[specta::specta]
pub async fn ca_save_policy(
    state: State<'_, AppState>,
    tenant_id: String,
    draft: WorkloadPolicy,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::save_policy(conn, key, draft, &actor(), clock::now())
    })
    .await
}

/// Queues the deletion of a policy.
#[tauri::command]
#[specta::specta]
pub async fn ca_delete_policy(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::delete_policy(conn, key, &id, &actor(), clock::now())
    })
    .await
}

/// Everything that would stop a named IP location from being saved (none: it can be).
#[tauri::command]
#[specta::specta]
pub async fn ca_location_problems(
    state: State<'_, AppState>,
    tenant_id: String,
    location: NamedLocation,
) -> Result<Vec<String>, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::location_problems(conn, key, &location)
    })
    .await
}

/// Queues a new named IP location (empty id) or an edit of a cached one.
#[tauri::command]
#[specta::specta]
pub async fn ca_save_location(
    state: State<'_, AppState>,
    tenant_id: String,
    location: NamedLocation,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::save_named_location(conn, key, location, &actor(), clock::now())
    })
    .await
}

/// Queues the deletion of a named location no policy uses.
#[tauri::command]
#[specta::specta]
pub async fn ca_delete_location(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        authoring::delete_named_location(conn, key, &id, &actor(), clock::now())
    })
    .await
}
