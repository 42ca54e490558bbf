//! Access reviews on a hand-built tenant with known answers: a review of privileged identities
//! scopes exactly those holding a privileged role (active or eligible) or a high-risk Graph
//! permission, managed identities included; Entra's 30-day recommendation follows the last
//! sign-in; decisions need a justification; completing applies the default to undecided items and,
//! with apply, queues each denial's removals in the outbox; reviewed managed identities count.

mod fixture;
use fixture::*;

use steward_core::access_reviews::{
    self as reviews, Decision, DefaultDecision, NewReview, Recurrence, ReviewRecommendation,
    ReviewScope, ReviewStatus,
};
use steward_core::dataset::Dataset;
use steward_core::model::*;
use steward_core::store::{directory_roles, outbox};

const ADMIN: &str = "admin (test)";

fn tenant() -> Fx {
    let mut f = Fx::new();
    // Privileged: an app with an active Global Administrator role, an app with an eligible
    // Privileged Role Administrator role, an app with a high-risk Graph permission, and a managed
    // identity with a privileged role.
    f.app("global-admin-app", -300, true, |_| {});
    f.role("sp-global-admin-app", "Global Administrator", true);
    f.app("eligible-app", -300, true, |_| {});
    directory_roles::upsert_role_assignment(
        &f.conn,
        f.key,
        &DirectoryRoleAssignment {
            id: "eligible-1".into(),
            principal_id: "sp-eligible-app".into(),
            role_definition_id: "e8611ab8-c189-46e8-94e1-60213ab1f814".into(),
            role_display_name: "Privileged Role Administrator".into(),
            directory_scope_id: "/".into(),
            is_privileged: true,
            assignment_type: "eligible".into(),
        },
    )
    .unwrap();
    f.app("graph-writer", -300, true, |_| {});
    f.permission("sp-graph-writer", "RoleManagement.ReadWrite.Directory");
    f.sp("mi-automation", -300, |sp| {
        sp.service_principal_type = "ManagedIdentity".into();
    });
    f.role(
        "mi-automation",
        "Privileged Authentication Administrator",
        true,
    );
    // Not in scope: a role that is not privileged, a permission that is not high-risk.
    f.app("reader", -300, true, |_| {});
    f.role("sp-reader", "Directory Readers", false);
    f.permission("sp-reader", "User.Read.All");
    // global-admin-app signed in 5 days ago; graph-writer 45 days ago; the others never.
    f.mark_read(&[Dataset::SignIns]);
    f.sign_in("sp-global-admin-app", -5, None, 0);
    f.sign_in("sp-graph-writer", -45, None, 0);
    f
}

fn new_review(scope: ReviewScope, ids: Vec<String>) -> NewReview {
    NewReview {
        name: "Quarterly privileged review".into(),
        scope,
        ids,
        reviewers: vec!["Alex Wilber".into()],
        due: days(14),
        recurrence: Recurrence::Quarterly,
        default_decision: DefaultDecision::TakeRecommendations,
    }
}

#[test]
fn a_review_of_privileged_identities_scopes_exactly_them_with_entras_recommendation() {
    let f = tenant();
    let r = reviews::create(
        &f.conn,
        f.key,
        &new_review(ReviewScope::Privileged, vec![]),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let scoped: Vec<(&str, ReviewRecommendation)> = r
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.recommendation))
        .collect();
    assert_eq!(
        scoped,
        [
            ("mi-automation", ReviewRecommendation::Deny),
            ("sp-eligible-app", ReviewRecommendation::Deny),
            ("sp-global-admin-app", ReviewRecommendation::Approve),
            ("sp-graph-writer", ReviewRecommendation::Deny),
        ]
    );
    let eligible = &r.items[1];
    assert_eq!(
        eligible.reasons,
        ["Privileged role: Privileged Role Administrator (eligible)"]
    );
    let writer = &r.items[3];
    assert!(writer.reasons[0].starts_with(
        "High-risk permission: RoleManagement.ReadWrite.Directory on Microsoft Graph"
    ));
    assert!(
        writer
            .recommendation_reason
            .contains("more than 30 days ago"),
        "{}",
        writer.recommendation_reason
    );
    assert_eq!(r.items[0].kind, IdentityKind::ManagedIdentitySystem);
    assert_eq!(r.status, ReviewStatus::InProgress);

    // A chosen list: the identity given (by appId), with or without privileged access.
    let chosen = reviews::create(
        &f.conn,
        f.key,
        &new_review(ReviewScope::Selected, vec!["appid-reader".into()]),
        ADMIN,
        as_of(),
    )
    .unwrap();
    assert_eq!(chosen.items.len(), 1);
    assert_eq!(chosen.items[0].id, "sp-reader");
    assert!(chosen.items[0].access.is_empty());

    // What a review needs, each refused with the fix.
    for (edit, says) in [
        (
            Box::new(|n: &mut NewReview| n.name = " ".into()) as Box<dyn Fn(&mut NewReview)>,
            "give the review a name",
        ),
        (
            Box::new(|n: &mut NewReview| n.reviewers.clear()),
            "name at least one reviewer",
        ),
        (
            Box::new(|n: &mut NewReview| n.due = days(-1)),
            "not after today",
        ),
        (
            Box::new(|n: &mut NewReview| {
                n.recurrence = Recurrence::Monthly;
                n.due = days(40);
            }),
            "at most 27 days",
        ),
    ] {
        let mut n = new_review(ReviewScope::Privileged, vec![]);
        edit(&mut n);
        let e = reviews::create(&f.conn, f.key, &n, ADMIN, as_of()).unwrap_err();
        assert!(e.to_string().contains(says), "{e}");
    }
}

#[test]
fn completing_with_apply_queues_each_denials_removals_and_reviewed_managed_identities_count() {
    let f = tenant();
    let before = steward_core::licensing::estimate(&f.conn, f.key, HOME, as_of()).unwrap();
    assert_eq!(before.buckets["managedIdentitiesReviewed"], 0);
    let r = reviews::create(
        &f.conn,
        f.key,
        &new_review(ReviewScope::Privileged, vec![]),
        ADMIN,
        as_of(),
    )
    .unwrap();
    // A decision needs a justification.
    let e = reviews::decide(
        &f.conn,
        f.key,
        &r.id,
        "sp-global-admin-app",
        Decision::Deny,
        " ",
        "Alex",
        as_of(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("give a justification"));
    reviews::decide(
        &f.conn,
        f.key,
        &r.id,
        "sp-global-admin-app",
        Decision::Deny,
        "Nobody owns it",
        "Alex",
        as_of(),
    )
    .unwrap();
    reviews::decide(
        &f.conn,
        f.key,
        &r.id,
        "mi-automation",
        Decision::Approve,
        "Rotates the break-glass keys",
        "Alex",
        as_of(),
    )
    .unwrap();
    // The review's id may be shortened to 8 characters or more.
    let done = reviews::complete(&f.conn, f.key, &r.id[..8], true, ADMIN, as_of()).unwrap();
    assert_eq!(done.status, ReviewStatus::Completed);
    assert!(done.applied);
    let decided: Vec<(&str, Decision, Option<&str>)> = done
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.decision, i.decided_by.as_deref()))
        .collect();
    assert_eq!(
        decided,
        [
            ("mi-automation", Decision::Approve, Some("Alex")),
            // Nobody decided: Entra's recommendation (deny) taken, as the review says.
            ("sp-eligible-app", Decision::Deny, Some(reviews::BY_DEFAULT)),
            ("sp-global-admin-app", Decision::Deny, Some("Alex")),
            ("sp-graph-writer", Decision::Deny, Some(reviews::BY_DEFAULT)),
        ]
    );
    // Each denial's access is queued for removal and gone from the cache at once.
    let queued: Vec<(String, String)> = outbox::list(&f.conn, f.key)
        .unwrap()
        .into_iter()
        .map(|i| (i.action, i.target_id))
        .collect();
    assert_eq!(
        queued,
        [
            (
                "removeDirectoryRoleAssignment".to_string(),
                "sp-eligible-app".to_string()
            ),
            (
                "removeDirectoryRoleAssignment".into(),
                "sp-global-admin-app".into()
            ),
            ("removeAppRoleAssignment".into(), "sp-graph-writer".into()),
        ]
    );
    assert!(
        directory_roles::list_for_principal(&f.conn, f.key, "sp-global-admin-app")
            .unwrap()
            .is_empty()
    );
    assert!(
        done.items[2].applied[0].contains("remove directory role Global Administrator (active)")
    );
    // The managed identity was covered by a completed review: it counts toward licensing.
    assert_eq!(
        reviews::reviewed_managed_identities(&f.conn, f.key).unwrap(),
        ["mi-automation"]
    );
    // A completed review's decisions are final.
    let e = reviews::decide(
        &f.conn,
        f.key,
        &r.id,
        "mi-automation",
        Decision::Deny,
        "x",
        "Alex",
        as_of(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("is completed"));
}
