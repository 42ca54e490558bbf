//! Who an access review of privileged workload identities covers: service principals and managed
//! identities holding a privileged directory role (active or eligible) or a high-risk Microsoft
//! Graph application permission, each with its last sign-in, the last use of any of its
//! credentials, and Entra's recommendation (signed in within 30 days → approve, else deny).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{Access, Decision, ReviewItem, ReviewRecommendation};
use crate::clock::from_ms;
use crate::dataset::Dataset;
use crate::model::high_risk_reason;
use crate::model::IdentityKind;
use crate::store::{app_role_assignments, datasets, directory_roles, TenantKey};
use crate::Result;

/// Entra's window for its recommendation: a sign-in within this many days recommends approval.
pub const RECOMMENDATION_DAYS: i64 = 30;

/// The latest of two optional instants.
fn latest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// The last successful sign-in Steward knows of (its own log's roll-up, or Graph's sign-in
/// activity report) and the last use of any credential of the identity or its application.
fn activity(conn: &Connection, key: TenantKey, sp_id: &str) -> Result<(Option<i64>, Option<i64>)> {
    let own: Option<i64> = conn
        .query_row(
            "SELECT last_success FROM sign_in_activity WHERE tenant = ?1 AND sp_id = ?2",
            params![key.0, sp_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let reported: Option<i64> = conn
        .query_row(
            "SELECT max(a.last_sign_in) FROM sp_sign_in_activities a
             JOIN service_principals sp ON sp.tenant = a.tenant AND sp.app_id = a.app_id
             WHERE a.tenant = ?1 AND sp.id = ?2",
            params![key.0, sp_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let credential: Option<i64> = conn
        .query_row(
            "SELECT max(ca.last_used) FROM credential_activity ca
             JOIN credentials c ON c.tenant = ca.tenant AND c.key_id = ca.key_id
             WHERE ca.tenant = ?1 AND c.owner_id IN (
                 SELECT ?2 UNION
                 SELECT a.id FROM applications a JOIN service_principals sp
                     ON sp.tenant = a.tenant AND sp.app_id = a.app_id
                 WHERE sp.tenant = ?1 AND sp.id = ?2)",
            params![key.0, sp_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok((latest(own, reported), credential))
}

/// Entra's recommendation for an identity, and why, as of `as_of`.
fn recommend(
    last_sign_in: Option<i64>,
    known: bool,
    as_of: DateTime<Utc>,
) -> (ReviewRecommendation, String) {
    let cutoff = as_of - Duration::days(RECOMMENDATION_DAYS);
    match last_sign_in.map(from_ms) {
        Some(t) if t >= cutoff => (
            ReviewRecommendation::Approve,
            format!(
                "Signed in on {} (within {RECOMMENDATION_DAYS} days)",
                t.date_naive()
            ),
        ),
        Some(t) => (
            ReviewRecommendation::Deny,
            format!(
                "Last signed in on {}, more than {RECOMMENDATION_DAYS} days ago",
                t.date_naive()
            ),
        ),
        None if known => (
            ReviewRecommendation::Deny,
            "No sign-in in the cached sign-in data".to_string(),
        ),
        None => (
            ReviewRecommendation::NoInfoAvailable,
            "No sign-in data in the cache: sync sign-ins or the sign-in activity report"
                .to_string(),
        ),
    }
}

fn item(
    conn: &Connection,
    key: TenantKey,
    sp_id: &str,
    access: Vec<Access>,
    known: bool,
    as_of: DateTime<Utc>,
) -> Result<Option<ReviewItem>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT display_name, kind FROM service_principals
             WHERE tenant = ?1 AND id = ?2 AND deleted IS NULL",
            params![key.0, sp_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((display_name, kind)) = row else {
        return Ok(None);
    };
    let (last_sign_in, last_credential_use) = activity(conn, key, sp_id)?;
    let (recommendation, recommendation_reason) = recommend(last_sign_in, known, as_of);
    let reasons = super::reasons_of(&access);
    Ok(Some(ReviewItem {
        id: sp_id.to_string(),
        display_name,
        kind: IdentityKind::parse(&kind).unwrap_or(IdentityKind::Application),
        access,
        reasons,
        last_sign_in: last_sign_in.map(from_ms),
        last_credential_use: last_credential_use.map(from_ms),
        recommendation,
        recommendation_reason,
        decision: Decision::NotReviewed,
        justification: None,
        decided_by: None,
        decided_at: None,
        applied: Vec::new(),
    }))
}

/// Whether the cache has any sign-in data to recommend on.
fn sign_ins_known(conn: &Connection, key: TenantKey) -> Result<bool> {
    Ok(datasets::read_at(conn, key, Dataset::SignIns)?.is_some()
        || datasets::read_at(conn, key, Dataset::ServicePrincipalSignInActivities)?.is_some())
}

/// The privileged access one identity holds now.
fn privileged_access(conn: &Connection, key: TenantKey, sp_id: &str) -> Result<Vec<Access>> {
    let mut access: Vec<Access> = directory_roles::list_for_principal(conn, key, sp_id)?
        .into_iter()
        .filter(|a| a.is_privileged)
        .map(|assignment| Access::DirectoryRole { assignment })
        .collect();
    for assignment in app_role_assignments::list_for_principal(conn, key, sp_id)? {
        if let Some(why) = assignment.permission.as_deref().and_then(high_risk_reason) {
            access.push(Access::AppPermission {
                why: why.to_string(),
                assignment,
            });
        }
    }
    Ok(access)
}

/// Every active service principal and managed identity holding privileged access, by name.
pub fn candidates(
    conn: &Connection,
    key: TenantKey,
    as_of: DateTime<Utc>,
) -> Result<Vec<ReviewItem>> {
    let known = sign_ins_known(conn, key)?;
    let mut ids: Vec<String> = conn
        .prepare_cached(
            "SELECT principal_id FROM directory_role_assignments WHERE tenant = ?1 AND is_privileged = 1
             UNION SELECT principal_id FROM app_role_assignments WHERE tenant = ?1 AND permission IS NOT NULL",
        )?
        .query_map([key.0], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        let access = privileged_access(conn, key, &id)?;
        if access.is_empty() {
            continue;
        }
        if let Some(i) = item(conn, key, &id, access, known, as_of)? {
            out.push(i);
        }
    }
    out.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

/// An identity the admin chose that holds no privileged access: reviewed all the same.
pub(super) fn unprivileged(
    conn: &Connection,
    key: TenantKey,
    sp_id: &str,
    as_of: DateTime<Utc>,
) -> Result<ReviewItem> {
    let known = sign_ins_known(conn, key)?;
    item(conn, key, sp_id, Vec::new(), known, as_of)?.ok_or_else(|| {
        crate::Error::InvalidInput(format!(
            "the service principal {sp_id} is deleted: it cannot be reviewed"
        ))
    })
}
