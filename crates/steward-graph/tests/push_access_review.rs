//! An access review's denials applied through the outbox, over real HTTP to the Graph
//! simulator: active roles deleted, eligible ones removed by an adminRemove request, high-risk
//! permissions taken away; Entra then has none of them and the next sync agrees.

use graph_sim::Faults;
use rusqlite::Connection;
use steward_core::access_reviews::{
    self as reviews, Access, Decision, DefaultDecision, NewReview, Recurrence, ReviewScope,
};
use steward_core::store::{self, tenants, TenantKey};
use steward_graph::sync::{push, sync};
use steward_graph::Dataset;

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

const DATASETS: [Dataset; 5] = [
    Dataset::Applications,
    Dataset::ServicePrincipals,
    Dataset::AppRoleAssignments,
    Dataset::RoleAssignments,
    Dataset::RoleEligibilities,
];

async fn synced(sim: &Sim, conn: &Connection) -> TenantKey {
    let mut opts = options(sim);
    opts.datasets = DATASETS.to_vec();
    sync(conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    tenants::resolve_tenant(conn, None).unwrap().0
}

/// Privileged access each identity holds, as the cache has it.
fn held(conn: &Connection, key: TenantKey) -> Vec<(String, usize)> {
    reviews::candidates(conn, key, as_of())
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.access.len()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denials_applied_through_the_outbox_reach_entra_and_the_next_sync_agrees() {
    let sim = start(Faults::default()).await;
    // An eligible (PIM) privileged role in "Entra", beside the demo's active ones.
    {
        let entra = store::open(&sim.db).unwrap();
        let (ek, _) = tenants::resolve_tenant(&entra, None).unwrap();
        let sp: String = entra
            .query_row(
                "SELECT id FROM service_principals WHERE ownership = 'ownSingleTenant'
                 AND deleted IS NULL ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        store::directory_roles::upsert_role_assignment(
            &entra,
            ek,
            &steward_core::model::DirectoryRoleAssignment {
                id: "eligible-pra".into(),
                principal_id: sp,
                role_definition_id: "e8611ab8-c189-46e8-94e1-60213ab1f814".into(),
                role_display_name: "Privileged Role Administrator".into(),
                directory_scope_id: "/".into(),
                is_privileged: true,
                assignment_type: "eligible".into(),
            },
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let key = synced(&sim, &conn).await;
    let review = reviews::create(
        &conn,
        key,
        &NewReview {
            name: "Privileged workload identities".into(),
            scope: ReviewScope::Privileged,
            ids: vec![],
            reviewers: vec!["Alex Wilber".into()],
            due: as_of() + chrono::Duration::days(14),
            recurrence: Recurrence::Once,
            default_decision: DefaultDecision::NoChange,
        },
        "admin (test)",
        as_of(),
    )
    .unwrap();
    assert!(
        !review.items.is_empty(),
        "the demo has privileged identities"
    );
    // Deny every identity holding an eligible role, an active role or a permission (one each,
    // at least), approve the rest.
    let mut denied = Vec::new();
    for want in ["eligible", "active", "permission"] {
        let hit = review.items.iter().find(|i| {
            !denied.contains(&i.id)
                && i.access.iter().any(|a| match a {
                    Access::DirectoryRole { assignment } => assignment.assignment_type == want,
                    Access::AppPermission { .. } => want == "permission",
                })
        });
        if let Some(i) = hit {
            denied.push(i.id.clone());
        }
    }
    // The demo gives all three kinds: each path of the push is taken.
    assert_eq!(denied.len(), 3, "{denied:?}");
    for i in &review.items {
        let (d, why) = if denied.contains(&i.id) {
            (Decision::Deny, "No longer needed")
        } else {
            (Decision::Approve, "Still in use")
        };
        reviews::decide(
            &conn,
            key,
            &review.id,
            &i.id,
            d,
            why,
            "Alex Wilber",
            as_of(),
        )
        .unwrap();
    }
    reviews::complete(&conn, key, &review.id, true, "admin (test)", as_of()).unwrap();
    let removals: usize = review
        .items
        .iter()
        .filter(|i| denied.contains(&i.id))
        .map(|i| i.access.len())
        .sum();

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(
        (summary.pushed as usize, summary.failed),
        (removals, 0),
        "{summary:#?}"
    );
    // Entra has none of the denied access; the approved keep theirs.
    let entra = store::open(&sim.db).unwrap();
    let (ek, _) = tenants::resolve_tenant(&entra, None).unwrap();
    let in_entra = held(&entra, ek);
    for id in &denied {
        assert!(
            !in_entra.iter().any(|(i, _)| i == id),
            "{id} still privileged in Entra"
        );
    }
    let approved = review
        .items
        .iter()
        .filter(|i| !denied.contains(&i.id))
        .count();
    assert_eq!(in_entra.len(), approved);
    // The next sync agrees with what the cache showed since the review completed.
    let before = held(&conn, key);
    synced(&sim, &conn).await;
    assert_eq!(held(&conn, key), before);
    assert_eq!(
        push(&conn, &options(&sim), as_of())
            .await
            .unwrap()
            .items
            .len(),
        0
    );
}
