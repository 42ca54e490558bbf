//! The access-review evidence: a review's scope, reviewers and settings, then each identity with
//! the access it held, what it did lately, Entra's recommendation, the decision (who, when, why)
//! and what was applied. Without `review`, the newest review of the tenant.

use steward_core::access_reviews::{self, AccessReview, Decision};

use super::*;

pub(super) fn access_review(
    conn: &Connection,
    key: TenantKey,
    review: Option<&str>,
    report: &mut Report,
) -> Result<()> {
    let r: Option<AccessReview> = match review {
        Some(id) => Some(access_reviews::get(conn, key, id)?),
        None => access_reviews::list(conn, key)?.into_iter().next(),
    };
    report.primary = "items".into();
    let Some(r) = r else {
        report.sections.push(
            Section::new("No access review")
                .text("The cache holds no access review for this tenant: create one on the Access reviews page or with `steward review create`.")
                .with_table(items_table(None)),
        );
        return Ok(());
    };
    report.title = format!("Access review evidence: {}", r.name);
    let decided = r
        .items
        .iter()
        .filter(|i| i.decision != Decision::NotReviewed)
        .count();
    let denied = r
        .items
        .iter()
        .filter(|i| i.decision == Decision::Deny)
        .count();
    let mut head = Section::new("The review").text(format!(
        "{} of {} identities decided, {denied} denied. {}",
        decided,
        r.items.len(),
        match (r.status.as_str(), r.applied) {
            ("completed", true) =>
                "Completed; the denials' roles and permissions were queued for removal in Entra.",
            ("completed", false) => "Completed without applying the denials.",
            _ => "In progress.",
        }
    ));
    let mut facts = Table::new(
        "review",
        "Review",
        vec![
            col("field", "", K::Text, 1.2),
            col("value", "", K::Text, 3.0),
        ],
    );
    let rows: Vec<(&str, Cell)> = vec![
        ("Name", Cell::text(&r.name)),
        ("Review id", Cell::text(&r.id)),
        (
            "Scope",
            Cell::text(match r.scope {
                access_reviews::ReviewScope::Privileged => {
                    "Every service principal and managed identity with a privileged directory role or a high-risk Graph permission"
                }
                access_reviews::ReviewScope::Selected => "Identities chosen by the admin",
            }),
        ),
        ("Reviewers", Cell::text(r.reviewers.join(", "))),
        ("Created", Cell::Time(to_ms(r.created))),
        ("Created by", Cell::text(&r.created_by)),
        ("Due", Cell::Time(to_ms(r.due))),
        ("Recurrence", Cell::text(r.recurrence.as_str())),
        ("If nobody decides", Cell::text(r.default_decision.as_str())),
        ("Status", Cell::text(r.status.as_str())),
        ("Completed", Cell::opt_time(r.completed.map(to_ms))),
        ("Completed by", Cell::opt_text(r.completed_by.clone())),
        (
            "Denials applied",
            Cell::text(if r.applied { "yes" } else { "no" }),
        ),
    ];
    for (k, v) in rows {
        facts.push(vec![Cell::text(k), v]);
    }
    head.table = Some(facts);
    report.sections.push(head);

    let mut section = Section::new("Identities and decisions").text(format!(
        "Entra's recommendation: approve an identity that signed in within {} days of the review's start, deny one that did not.",
        access_reviews::RECOMMENDATION_DAYS
    ));
    section.table = Some(items_table(Some(&r)));
    report.sections.push(section);
    Ok(())
}

/// Each identity of the review with its decision; empty (headers only) without a review.
fn items_table(r: Option<&AccessReview>) -> Table {
    let mut table = Table::new(
        "items",
        "Identities and decisions",
        vec![
            col("id", "Object id", K::Text, 2.0),
            col("displayName", "Identity", K::Text, 1.6),
            col("kind", "Kind", K::Text, 1.0),
            col("access", "Access reviewed", K::Text, 3.0),
            col("lastSignIn", "Last sign-in", K::DateTime, 1.2),
            col("lastCredentialUse", "Last credential use", K::DateTime, 1.2),
            col("recommendation", "Recommended", K::Text, 0.9),
            col("decision", "Decision", K::Text, 0.9),
            col("decidedBy", "Decided by", K::Text, 1.4),
            col("decidedAt", "When", K::DateTime, 1.2),
            col("justification", "Why", K::Text, 2.4),
            col("applied", "Applied", K::Text, 2.4),
        ],
    );
    for i in r.map(|r| r.items.as_slice()).unwrap_or_default() {
        table.push(vec![
            Cell::text(&i.id),
            Cell::text(&i.display_name),
            Cell::text(i.kind.label()),
            Cell::text(i.reasons.join("; ")),
            Cell::opt_time(i.last_sign_in.map(to_ms)),
            Cell::opt_time(i.last_credential_use.map(to_ms)),
            Cell::text(i.recommendation.as_str()),
            Cell::text(i.decision.as_str()),
            Cell::opt_text(i.decided_by.clone()),
            Cell::opt_time(i.decided_at.map(to_ms)),
            Cell::opt_text(i.justification.clone()),
            Cell::text(i.applied.join("; ")),
        ]);
    }
    table
}
