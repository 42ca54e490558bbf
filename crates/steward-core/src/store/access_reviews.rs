//! `access_reviews` and `access_review_items`: reviews run in Steward, their snapshot of items
//! and the decisions taken on them.

use rusqlite::{params, Connection};

use super::TenantKey;
use crate::access_reviews::{
    Access, AccessReview, Decision, DefaultDecision, Recurrence, ReviewItem, ReviewRecommendation,
    ReviewScope, ReviewStatus,
};
use crate::clock::{from_ms, to_ms};
use crate::model::IdentityKind;
use crate::{Error, Result};

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v)
        .map_err(|e| Error::InvalidInput(format!("cannot write the review: {e}")))
}

fn unreadable(what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("the cache's access review holds an unknown {what}: upgrade Steward").into(),
    )
}

/// Writes a new review and its items.
pub fn insert(conn: &Connection, tenant: TenantKey, r: &AccessReview) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO access_reviews (tenant, id, name, scope, reviewers, created, created_by, due,
             recurrence, default_decision, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'inProgress')",
    )?
    .execute(params![
        tenant.0,
        r.id,
        r.name,
        r.scope.as_str(),
        json(&r.reviewers)?,
        to_ms(r.created),
        r.created_by,
        to_ms(r.due),
        r.recurrence.as_str(),
        r.default_decision.as_str(),
    ])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO access_review_items (tenant, review_id, sp_id, display_name, kind, access,
             last_sign_in, last_credential_use, recommendation, recommendation_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for i in &r.items {
        stmt.execute(params![
            tenant.0,
            r.id,
            i.id,
            i.display_name,
            i.kind.as_str(),
            json(&i.access)?,
            i.last_sign_in.map(to_ms),
            i.last_credential_use.map(to_ms),
            i.recommendation.as_str(),
            i.recommendation_reason,
        ])?;
    }
    Ok(())
}

/// Records a decision on one item.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &Connection,
    tenant: TenantKey,
    review_id: &str,
    sp_id: &str,
    decision: Decision,
    justification: Option<&str>,
    by: &str,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE access_review_items SET decision = ?4, justification = ?5, decided_by = ?6,
             decided_at = ?7
         WHERE tenant = ?1 AND review_id = ?2 AND sp_id = ?3",
    )?
    .execute(params![
        tenant.0,
        review_id,
        sp_id,
        decision.as_str(),
        justification,
        by,
        at
    ])?;
    Ok(())
}

/// Records what completing the review queued for one item.
pub fn set_applied(
    conn: &Connection,
    tenant: TenantKey,
    review_id: &str,
    sp_id: &str,
    applied: &[String],
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE access_review_items SET applied = ?4 WHERE tenant = ?1 AND review_id = ?2 AND sp_id = ?3",
    )?
    .execute(params![tenant.0, review_id, sp_id, json(&applied)?])?;
    Ok(())
}

/// Marks the review completed.
pub fn complete(
    conn: &Connection,
    tenant: TenantKey,
    review_id: &str,
    by: &str,
    at: i64,
    applied: bool,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE access_reviews SET status = 'completed', completed = ?3, completed_by = ?4,
             applied = ?5
         WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, review_id, at, by, applied])?;
    Ok(())
}

fn items(conn: &Connection, tenant: TenantKey, review_id: &str) -> Result<Vec<ReviewItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sp_id, display_name, kind, access, last_sign_in, last_credential_use,
                recommendation, recommendation_reason, decision, justification, decided_by,
                decided_at, applied
         FROM access_review_items WHERE tenant = ?1 AND review_id = ?2
         ORDER BY display_name COLLATE NOCASE, sp_id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, review_id], |r| {
            let access_json: String = r.get(3)?;
            let access: Vec<Access> =
                serde_json::from_str(&access_json).map_err(|_| unreadable("access"))?;
            let applied_json: String = r.get(12)?;
            Ok(ReviewItem {
                id: r.get(0)?,
                display_name: r.get(1)?,
                kind: IdentityKind::parse(&r.get::<_, String>(2)?)
                    .unwrap_or(IdentityKind::Application),
                reasons: crate::access_reviews::reasons_of(&access),
                access,
                last_sign_in: r.get::<_, Option<i64>>(4)?.map(from_ms),
                last_credential_use: r.get::<_, Option<i64>>(5)?.map(from_ms),
                recommendation: ReviewRecommendation::parse(&r.get::<_, String>(6)?)
                    .ok_or_else(|| unreadable("recommendation"))?,
                recommendation_reason: r.get(7)?,
                decision: Decision::parse(&r.get::<_, String>(8)?)
                    .ok_or_else(|| unreadable("decision"))?,
                justification: r.get(9)?,
                decided_by: r.get(10)?,
                decided_at: r.get::<_, Option<i64>>(11)?.map(from_ms),
                applied: serde_json::from_str(&applied_json).unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every review, newest first.
pub fn list(conn: &Connection, tenant: TenantKey) -> Result<Vec<AccessReview>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, scope, reviewers, created, created_by, due, recurrence, default_decision,
                status, completed, completed_by, applied
         FROM access_reviews WHERE tenant = ?1 ORDER BY created DESC, id",
    )?;
    let heads = stmt
        .query_map([tenant.0], |r| {
            let reviewers: String = r.get(3)?;
            Ok(AccessReview {
                id: r.get(0)?,
                name: r.get(1)?,
                scope: ReviewScope::parse(&r.get::<_, String>(2)?)
                    .ok_or_else(|| unreadable("scope"))?,
                reviewers: serde_json::from_str(&reviewers)
                    .map_err(|_| unreadable("reviewer list"))?,
                created: from_ms(r.get(4)?),
                created_by: r.get(5)?,
                due: from_ms(r.get(6)?),
                recurrence: Recurrence::parse(&r.get::<_, String>(7)?)
                    .ok_or_else(|| unreadable("recurrence"))?,
                default_decision: DefaultDecision::parse(&r.get::<_, String>(8)?)
                    .ok_or_else(|| unreadable("default decision"))?,
                status: ReviewStatus::parse(&r.get::<_, String>(9)?)
                    .ok_or_else(|| unreadable("status"))?,
                completed: r.get::<_, Option<i64>>(10)?.map(from_ms),
                completed_by: r.get(11)?,
                applied: r.get(12)?,
                items: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(heads.len());
    for mut h in heads {
        h.items = items(conn, tenant, &h.id)?;
        out.push(h);
    }
    Ok(out)
}

/// Managed identities that are items of a completed review.
pub fn reviewed_managed_identities(conn: &Connection, tenant: TenantKey) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT i.sp_id FROM access_review_items i
         JOIN access_reviews r ON r.tenant = i.tenant AND r.id = i.review_id
         WHERE i.tenant = ?1 AND r.status = 'completed'
           AND i.kind IN ('managedIdentitySystem', 'managedIdentityUser')
         ORDER BY i.sp_id",
    )?;
    let rows = stmt
        .query_map([tenant.0], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
