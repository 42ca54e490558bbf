//! The Access reviews page's commands: who a review of privileged workload identities would
//! cover, the tenant's reviews, and creating, deciding and completing one (completing may queue
//! the denials' removals in the outbox).

use steward_core::access_reviews::{
    self as reviews, AccessReview, Decision, NewReview, ReviewItem,
};
use steward_core::clock;
use tauri::State;

use crate::manage::actor;
use crate::{with_tenant, AppError, AppState};

/// The identities a review of privileged access would cover now.
#[tauri::command]
#[specta::specta]
pub async fn review_candidates(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<Vec<ReviewItem>, AppError> {
    with_tenant(&state, tenant_id, |conn, key, _| {
        reviews::candidates(conn, key, clock::now())
    })
    .await
}

/// The tenant's reviews, newest first.
#[tauri::command]
#[specta::specta]
pub async fn access_reviews(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<Vec<AccessReview>, AppError> {
    with_tenant(&state, tenant_id, |conn, key, _| reviews::list(conn, key)).await
}

/// Creates a review with a snapshot of its identities now.
#[tauri::command]
#[specta::specta]
pub async fn create_access_review(
    state: State<'_, AppState>,
    tenant_id: String,
    review: NewReview,
) -> Result<AccessReview, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        reviews::create(conn, key, &review, &actor(), clock::now())
    })
    .await
}

/// Records a decision, with its justification, on one identity of a review.
#[tauri::command]
#[specta::specta]
pub async fn decide_access_review(
    state: State<'_, AppState>,
    tenant_id: String,
    review_id: String,
    identity: String,
    decision: Decision,
    justification: String,
) -> Result<AccessReview, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        reviews::decide(
            conn,
            key,
            &review_id,
            &identity,
            decision,
            &justification,
            &actor(),
            clock::now(),
        )
    })
    .await
}

/// Completes a review; with `apply`, the denials' roles and permissions are queued for removal.
#[tauri::command]
#[specta::specta]
pub async fn complete_access_review(
    state: State<'_, AppState>,
    tenant_id: String,
    review_id: String,
    apply: bool,
) -> Result<AccessReview, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        reviews::complete(conn, key, &review_id, apply, &actor(), clock::now())
    })
    .await
}
