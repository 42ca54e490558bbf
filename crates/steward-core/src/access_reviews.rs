//! Access reviews of privileged workload identities, run in Steward (docs/domain.md §5): service
//! principals and managed identities holding privileged directory roles (active or eligible) or
//! high-risk Microsoft Graph application permissions (§9) are reviewed by the people the admin
//! names; each item takes a decision with a justification, and completing the review can queue
//! the denials' removals in the outbox for the next push.
//!
//! `candidates.rs` finds who is in scope, with the last sign-in, the last use of a credential and
//! Entra's 30-day recommendation; `store/access_reviews.rs` keeps reviews and their items.

mod candidates;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use candidates::{candidates, RECOMMENDATION_DAYS};

use crate::clock::to_ms;
use crate::manage::{local_id, Change};
use crate::model::{AppRoleAssignment, DirectoryRoleAssignment, IdentityKind};
use crate::store::{access_reviews as store, outbox, TenantKey};
use crate::{Error, Result};

/// Which identities a review covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ReviewScope {
    /// Every service principal and managed identity holding privileged access, at creation.
    Privileged,
    /// The identities the admin chose.
    Selected,
}

/// How often the review recurs (Entra's frequencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Recurrence {
    Once,
    Weekly,
    Monthly,
    Quarterly,
    SemiAnnually,
    Annually,
}

/// What happens to items nobody decided when the review completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DefaultDecision {
    NoChange,
    RemoveAccess,
    ApproveAccess,
    TakeRecommendations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    NotReviewed,
    Approve,
    Deny,
    DontKnow,
}

/// Entra's recommendation: signed in within 30 days → approve, otherwise deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ReviewRecommendation {
    Approve,
    Deny,
    NoInfoAvailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ReviewStatus {
    InProgress,
    Completed,
}

macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<$t> {
                match s { $($s => Some(<$t>::$v),)+ _ => None }
            }
        }
    };
}
names!(ReviewScope { Privileged => "privileged", Selected => "selected" });
names!(Recurrence {
    Once => "once", Weekly => "weekly", Monthly => "monthly", Quarterly => "quarterly",
    SemiAnnually => "semiAnnually", Annually => "annually",
});
names!(DefaultDecision {
    NoChange => "noChange", RemoveAccess => "removeAccess", ApproveAccess => "approveAccess",
    TakeRecommendations => "takeRecommendations",
});
names!(Decision { NotReviewed => "notReviewed", Approve => "approve", Deny => "deny", DontKnow => "dontKnow" });
names!(ReviewRecommendation { Approve => "approve", Deny => "deny", NoInfoAvailable => "noInfoAvailable" });
names!(ReviewStatus { InProgress => "inProgress", Completed => "completed" });

/// One privileged access an identity held when the review was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Access {
    /// A directory role, active or eligible (PIM).
    #[serde(rename_all = "camelCase")]
    DirectoryRole { assignment: DirectoryRoleAssignment },
    /// A high-risk application permission (an app role assignment), with why it is high-risk.
    #[serde(rename_all = "camelCase")]
    AppPermission {
        assignment: AppRoleAssignment,
        why: String,
    },
}

impl Access {
    /// In words: "Global Administrator (eligible)", "RoleManagement.ReadWrite.Directory on
    /// Microsoft Graph".
    pub fn describe(&self) -> String {
        match self {
            Access::DirectoryRole { assignment: a } => format!(
                "{} ({})",
                a.role_display_name,
                if a.assignment_type == "eligible" {
                    "eligible"
                } else {
                    "active"
                }
            ),
            Access::AppPermission { assignment: a, .. } => format!(
                "{} on {}",
                a.permission.as_deref().unwrap_or(&a.app_role_id),
                a.resource_display_name
            ),
        }
    }

    /// Why it puts an identity in a review, in one line.
    pub fn reason(&self) -> String {
        match self {
            Access::DirectoryRole { .. } => format!("Privileged role: {}", self.describe()),
            Access::AppPermission { why, .. } => {
                format!("High-risk permission: {} ({why})", self.describe())
            }
        }
    }

    /// The change that removes it.
    pub fn removal(&self) -> Change {
        match self {
            Access::DirectoryRole { assignment } => Change::RemoveDirectoryRoleAssignment {
                assignment: assignment.clone(),
            },
            Access::AppPermission { assignment, .. } => Change::RemoveAppRoleAssignment {
                assignment: assignment.clone(),
            },
        }
    }
}

/// Why an identity is in a review: a line per access it held, or that the admin chose it.
pub fn reasons_of(access: &[Access]) -> Vec<String> {
    if access.is_empty() {
        return vec!["Chosen by the admin (no privileged access in the cache)".into()];
    }
    access.iter().map(Access::reason).collect()
}

/// One identity under review.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    /// The service principal's object id.
    pub id: String,
    pub display_name: String,
    pub kind: IdentityKind,
    pub access: Vec<Access>,
    /// Why it is in the review, one line per access.
    pub reasons: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub last_sign_in: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub last_credential_use: Option<DateTime<Utc>>,
    pub recommendation: ReviewRecommendation,
    pub recommendation_reason: String,
    pub decision: Decision,
    pub justification: Option<String>,
    pub decided_by: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub decided_at: Option<DateTime<Utc>>,
    /// What completing the review queued for it (change summaries).
    pub applied: Vec<String>,
}

/// A review and its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessReview {
    pub id: String,
    pub name: String,
    pub scope: ReviewScope,
    pub reviewers: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub created: DateTime<Utc>,
    pub created_by: String,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub due: DateTime<Utc>,
    pub recurrence: Recurrence,
    pub default_decision: DefaultDecision,
    pub status: ReviewStatus,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub completed: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    /// Whether completing it queued the denials' removals.
    pub applied: bool,
    pub items: Vec<ReviewItem>,
}

/// What the admin asks for when creating a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewReview {
    pub name: String,
    pub scope: ReviewScope,
    /// The identities of a `selected` review (object ids or appIds).
    pub ids: Vec<String>,
    pub reviewers: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub due: DateTime<Utc>,
    pub recurrence: Recurrence,
    pub default_decision: DefaultDecision,
}

/// Creates a review with a snapshot of its items as of `as_of`.
pub fn create(
    conn: &Connection,
    key: TenantKey,
    new: &NewReview,
    actor: &str,
    as_of: DateTime<Utc>,
) -> Result<AccessReview> {
    let name = new.name.trim();
    let reviewers: Vec<String> = new
        .reviewers
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push("give the review a name".to_string());
    }
    if reviewers.is_empty() {
        problems.push(
            "name at least one reviewer: Entra reviews service principals by selected users only"
                .into(),
        );
    }
    if new.due <= as_of {
        problems.push(format!(
            "the due date {} is not after today; choose a later one",
            new.due.date_naive()
        ));
    }
    if new.recurrence == Recurrence::Monthly && new.due - as_of > Duration::days(27) {
        problems.push(
            "a monthly review lasts at most 27 days, as in Entra: choose an earlier due date"
                .into(),
        );
    }
    if new.scope == ReviewScope::Selected && new.ids.is_empty() {
        problems.push("choose the identities to review, or review every privileged one".into());
    }
    if !problems.is_empty() {
        return Err(Error::InvalidInput(format!(
            "the review was not created: {}",
            problems.join("; ")
        )));
    }
    let all = candidates(conn, key, as_of)?;
    let items: Vec<ReviewItem> = match new.scope {
        ReviewScope::Privileged => all,
        ReviewScope::Selected => {
            let mut chosen = Vec::new();
            for id in &new.ids {
                let sp = crate::conditional_access::find_service_principal(conn, key, id)?;
                match all.iter().find(|c| c.id == sp) {
                    Some(c) => chosen.push(c.clone()),
                    None => chosen.push(candidates::unprivileged(conn, key, &sp, as_of)?),
                }
            }
            chosen.sort_by(|a, b| {
                a.display_name
                    .to_lowercase()
                    .cmp(&b.display_name.to_lowercase())
                    .then_with(|| a.id.cmp(&b.id))
            });
            chosen.dedup_by(|a, b| a.id == b.id);
            chosen
        }
    };
    if items.is_empty() {
        return Err(Error::InvalidInput(
            "no service principal or managed identity holds a privileged role or a high-risk permission in the cache: there is nothing to review (sync role assignments and app role assignments first)".into(),
        ));
    }
    let review = AccessReview {
        id: local_id(),
        name: name.to_string(),
        scope: new.scope,
        reviewers,
        created: as_of,
        created_by: actor.to_string(),
        due: new.due,
        recurrence: new.recurrence,
        default_decision: new.default_decision,
        status: ReviewStatus::InProgress,
        completed: None,
        completed_by: None,
        applied: false,
        items,
    };
    let tx = conn.unchecked_transaction()?;
    store::insert(&tx, key, &review)?;
    tx.commit()?;
    get(conn, key, &review.id)
}

/// Every review of the tenant, newest first, with its items.
pub fn list(conn: &Connection, key: TenantKey) -> Result<Vec<AccessReview>> {
    store::list(conn, key)
}

/// One review, by id (or the start of its id).
pub fn get(conn: &Connection, key: TenantKey, id: &str) -> Result<AccessReview> {
    let all = store::list(conn, key)?;
    let id = id.trim();
    let found: Vec<&AccessReview> = all
        .iter()
        .filter(|r| r.id.eq_ignore_ascii_case(id) || (id.len() >= 8 && r.id.starts_with(id)))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::InvalidInput(format!(
            "no access review {id}; `steward review list` shows them"
        ))),
        _ => Err(Error::InvalidInput(format!(
            "{id} starts more than one review's id: give more of it"
        ))),
    }
}

fn in_progress(review: &AccessReview) -> Result<()> {
    if review.status == ReviewStatus::Completed {
        return Err(Error::InvalidInput(format!(
            "the review {} is completed: its decisions are final; create a new review",
            review.name
        )));
    }
    Ok(())
}

/// Records a reviewer's decision on one identity, with the justification the evidence keeps.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &Connection,
    key: TenantKey,
    review_id: &str,
    identity: &str,
    decision: Decision,
    justification: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<AccessReview> {
    let review = get(conn, key, review_id)?;
    in_progress(&review)?;
    let item = review
        .items
        .iter()
        .find(|i| i.id.eq_ignore_ascii_case(identity.trim()))
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{identity} is not in the review {}; `steward review show {}` lists its identities",
                review.name, review.id
            ))
        })?;
    if decision == Decision::NotReviewed {
        return Err(Error::InvalidInput(
            "decide approve, deny or dontKnow".into(),
        ));
    }
    let justification = justification.trim();
    if justification.is_empty() {
        return Err(Error::InvalidInput(
            "give a justification: the review's evidence records why each decision was taken"
                .into(),
        ));
    }
    store::decide(
        conn,
        key,
        &review.id,
        &item.id,
        decision,
        Some(justification),
        actor,
        to_ms(now),
    )?;
    get(conn, key, &review.id)
}

/// What an undecided item comes to when the review completes.
fn by_default(item: &ReviewItem, default: DefaultDecision) -> Option<(Decision, &'static str)> {
    match default {
        DefaultDecision::NoChange => None,
        DefaultDecision::RemoveAccess => Some((
            Decision::Deny,
            "No reviewer decided: access removed, as the review's settings say",
        )),
        DefaultDecision::ApproveAccess => Some((
            Decision::Approve,
            "No reviewer decided: access kept, as the review's settings say",
        )),
        DefaultDecision::TakeRecommendations => match item.recommendation {
            ReviewRecommendation::Approve => Some((
                Decision::Approve,
                "No reviewer decided: Entra's recommendation taken (signed in within 30 days)",
            )),
            ReviewRecommendation::Deny => Some((
                Decision::Deny,
                "No reviewer decided: Entra's recommendation taken (no sign-in within 30 days)",
            )),
            ReviewRecommendation::NoInfoAvailable => None,
        },
    }
}

/// Who decides an item nobody decided.
pub const BY_DEFAULT: &str = "the review's settings (no response)";

/// Completes the review: items nobody decided take the review's default; with `apply`, every
/// denial's access is queued for removal in the outbox (the next push removes it in Entra). All
/// in one transaction.
pub fn complete(
    conn: &Connection,
    key: TenantKey,
    review_id: &str,
    apply: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<AccessReview> {
    let review = get(conn, key, review_id)?;
    in_progress(&review)?;
    let tx = conn.unchecked_transaction()?;
    for item in &review.items {
        let decision = if item.decision == Decision::NotReviewed {
            match by_default(item, review.default_decision) {
                Some((d, why)) => {
                    store::decide(
                        &tx,
                        key,
                        &review.id,
                        &item.id,
                        d,
                        Some(why),
                        BY_DEFAULT,
                        to_ms(now),
                    )?;
                    d
                }
                None => Decision::NotReviewed,
            }
        } else {
            item.decision
        };
        if apply && decision == Decision::Deny {
            let mut applied = Vec::new();
            for access in &item.access {
                let change = access.removal();
                // Already gone from the cache (removed since the snapshot): nothing to queue.
                if !still_held(&tx, key, access)? {
                    applied.push(format!("{}: already gone", access.describe()));
                    continue;
                }
                let id = outbox::enqueue_in(&tx, key, &change, &item.display_name, actor, now)?;
                applied.push(format!("{} (change #{id})", change.summary()));
            }
            store::set_applied(&tx, key, &review.id, &item.id, &applied)?;
        }
    }
    store::complete(&tx, key, &review.id, actor, to_ms(now), apply)?;
    tx.commit()?;
    get(conn, key, &review.id)
}

fn still_held(conn: &Connection, key: TenantKey, access: &Access) -> Result<bool> {
    let sql = match access {
        Access::DirectoryRole { .. } => {
            "SELECT count(*) FROM directory_role_assignments WHERE tenant = ?1 AND id = ?2"
        }
        Access::AppPermission { .. } => {
            "SELECT count(*) FROM app_role_assignments WHERE tenant = ?1 AND id = ?2"
        }
    };
    let id = match access {
        Access::DirectoryRole { assignment } => &assignment.id,
        Access::AppPermission { assignment, .. } => &assignment.id,
    };
    let n: i64 = conn.query_row(sql, rusqlite::params![key.0, id], |r| r.get(0))?;
    Ok(n > 0)
}

/// Managed identities covered by a completed review: they count toward Workload ID Premium
/// (docs/domain.md §1.3).
pub fn reviewed_managed_identities(conn: &Connection, key: TenantKey) -> Result<Vec<String>> {
    store::reviewed_managed_identities(conn, key)
}
