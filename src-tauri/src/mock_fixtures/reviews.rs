//! The Access reviews page's fixtures, on a copy of the demo tenant: the candidates, a review
//! created as the tests fill the dialog, its first identity denied, then the review completed with
//! the denials applied. The review's id is random: a fixed one stands in for it.

use std::path::Path;

use chrono::Duration;
use serde_json::{json, Value};
use steward_core::access_reviews::{
    self as reviews, Decision, DefaultDecision, NewReview, Recurrence, ReviewScope,
};

use super::{value, Cache};

/// What the tests type into the new-review dialog.
pub(super) const NAME: &str = "Q4 privileged workload identities";
pub(super) const REVIEWER: &str = "Alex Wilber";
pub(super) const JUSTIFICATION: &str = "Nobody could say what it is for";

pub(super) fn access_reviews(c: &Cache, dir: &Path) -> Value {
    let rc = c.copy(dir, "reviews");
    let (conn, key, now) = (&rc.conn, rc.key, rc.as_of);
    let who = "admin (Steward window)";
    let candidates = reviews::candidates(conn, key, now).unwrap();
    let new = NewReview {
        name: NAME.into(),
        scope: ReviewScope::Privileged,
        ids: vec![],
        reviewers: vec![REVIEWER.into()],
        due: (now + Duration::days(14))
            .date_naive()
            .and_hms_milli_opt(23, 59, 59, 999)
            .unwrap()
            .and_utc(),
        recurrence: Recurrence::Once,
        default_decision: DefaultDecision::NoChange,
    };
    let created = reviews::create(conn, key, &new, who, now).unwrap();
    let first = created.items[0].id.clone();
    let decided = reviews::decide(
        conn,
        key,
        &created.id,
        &first,
        Decision::Deny,
        JUSTIFICATION,
        who,
        now,
    )
    .unwrap();
    let completed = reviews::complete(conn, key, &created.id, true, who, now).unwrap();
    let v = json!({
        "candidates": value(&candidates),
        "new": value(&new),
        "created": value(&created),
        "decided": value(&decided),
        "completed": value(&completed),
    });
    let text = v
        .to_string()
        .replace(created.id.as_str(), "00000000-0000-4000-8000-0000000a11e0");
    serde_json::from_str(&text).unwrap()
}
