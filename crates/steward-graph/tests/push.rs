//! The push against the Graph simulator over real HTTP: federated credential changes made
//! offline land in the simulated tenant and the next sync agrees with the cache; Graph's
//! refusals and changes made in Entra meanwhile stop their item (the others go on, later changes
//! to the same object wait); a write whose answer was lost is not sent twice.

use graph_sim::Faults;
use rusqlite::Connection;
use steward_core::manage::{self, FederatedCredentialDraft, Template};
use steward_core::model::FederatedIdentityCredential;
use steward_core::store::outbox::{self, OutboxStatus};
use steward_core::store::{self, applications, federated_credentials, tenants, TenantKey};
use steward_graph::sync::{push, sync};

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

const ADMIN: &str = "local admin";

fn draft(name: &str, branch: &str) -> FederatedCredentialDraft {
    FederatedCredentialDraft::from_template(
        name,
        None,
        &Template::GitHubActions {
            repository: "contoso/payments".into(),
            entity: manage::federation::GitHubEntity::Branch(branch.into()),
        },
    )
    .unwrap()
}

/// Synced applications and service principals, and the first `n` applications of the tenant.
async fn synced(sim: &Sim, n: usize) -> (tempfile::TempDir, Connection, TenantKey, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let apps = applications::list_page(&conn, key, None, n as i64)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    (dir, conn, key, apps)
}

/// The simulated tenant's credentials of `app`.
fn in_entra(sim: &Sim, app: &str) -> Vec<FederatedIdentityCredential> {
    let c = store::open(&sim.db).unwrap();
    let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
    federated_credentials::list_for_application(&c, key, app).unwrap()
}

fn in_cache(conn: &Connection, key: TenantKey, app: &str) -> Vec<FederatedIdentityCredential> {
    federated_credentials::list_for_application(conn, key, app).unwrap()
}

async fn behind_our_back(sim: &Sim, app: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/_sim/applications/{app}/federatedIdentityCredentials",
            sim.running.url()
        ))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

async fn sim_writes(sim: &Sim) -> u64 {
    let v: serde_json::Value = reqwest::get(format!("{}/_sim/stats", sim.running.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["writes"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn federated_credential_changes_made_offline_land_in_entra_and_the_next_sync_agrees() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key, apps) = synced(&sim, 1).await;
    let app = &apps[0];
    let (added, local) = manage::add_federated_credential(
        &conn,
        key,
        app,
        &draft("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    assert_eq!(added.status, OutboxStatus::Pending);
    let before = in_entra(&sim, app).len();

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(
        (summary.pushed, summary.failed, summary.conflicts),
        (1, 0, 0)
    );
    let entra = in_entra(&sim, app);
    assert_eq!(entra.len(), before + 1);
    let theirs = entra.iter().find(|f| f.name == "deploy-main").unwrap();
    assert_eq!(theirs.subject, local.subject);
    assert_eq!(theirs.audiences, ["api://AzureADTokenExchange"]);
    // The cache holds Graph's id now, not the local one.
    let ours = in_cache(&conn, key, app);
    assert_eq!(
        ours.iter().find(|f| f.name == "deploy-main").unwrap().id,
        theirs.id
    );
    assert_ne!(theirs.id, local.id);

    // An edit, then a removal of another credential, in one push.
    manage::update_federated_credential(
        &conn,
        key,
        app,
        &draft("deploy-main", "release"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    manage::add_federated_credential(
        &conn,
        key,
        app,
        &draft("deploy-tags", "tags"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    manage::remove_federated_credential(&conn, key, app, "deploy-tags", ADMIN, as_of()).unwrap();
    let summary = sync(&conn, &options(&sim), as_of(), &mut |_| {})
        .await
        .unwrap()
        .pushed;
    assert_eq!((summary.pushed, summary.failed), (3, 0), "{summary:?}");
    let entra = in_entra(&sim, app);
    assert_eq!(
        entra
            .iter()
            .find(|f| f.name == "deploy-main")
            .unwrap()
            .subject
            .as_deref(),
        Some("repo:contoso/payments:ref:refs/heads/release")
    );
    assert!(entra.iter().all(|f| f.name != "deploy-tags"));
    // The sync read back what it pushed: the cache equals the tenant.
    assert_eq!(in_cache(&conn, key, app), entra);
    assert!(outbox::unpushed(&conn, key).unwrap().is_empty());
    let trail = outbox::audit_trail(&conn, key).unwrap();
    let pushed: Vec<_> = trail.iter().filter(|e| e.result == "pushed").collect();
    assert_eq!(pushed.len(), 4);
    assert!(pushed.iter().all(|e| e.actor == format!("app {CLIENT_ID}")));
    assert_eq!(trail.iter().filter(|e| e.result == "queued").count(), 4);
    sim.running.shutdown().await;
}

fn gh(name: &str, branch: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "issuer": "https://token.actions.githubusercontent.com",
        "subject": format!("repo:contoso/payments:ref:refs/heads/{branch}"),
        "audiences": ["api://AzureADTokenExchange"]})
}

fn status_of(conn: &Connection, key: TenantKey, id: i64) -> (OutboxStatus, String) {
    let it = outbox::get(conn, key, id).unwrap();
    (it.status, it.message.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_conflicts_stop_their_item_while_the_others_go_on() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key, apps) = synced(&sim, 3).await;
    let (a, b, c) = (&apps[0], &apps[1], &apps[2]);
    behind_our_back(&sim, b, gh("shared", "dev")).await;
    let mut opts = options(&sim);
    opts.datasets = vec![steward_graph::Dataset::Applications];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();

    let (refused, _) =
        manage::add_federated_credential(&conn, key, a, &draft("ours", "main"), ADMIN, as_of())
            .unwrap();
    let (edited, _) = manage::update_federated_credential(
        &conn,
        key,
        b,
        &draft("shared", "release"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let (fine, _) =
        manage::add_federated_credential(&conn, key, c, &draft("deploy", "main"), ADMIN, as_of())
            .unwrap();
    let (later, _) = manage::add_federated_credential(
        &conn,
        key,
        a,
        &draft("ours-tags", "tags"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    // Meanwhile, in Entra: someone trusts change 1's subject on a, and edits b's credential.
    behind_our_back(&sim, a, gh("theirs", "main")).await;
    behind_our_back(&sim, b, gh("shared", "hotfix")).await;

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(
        (
            summary.pushed,
            summary.failed,
            summary.conflicts,
            summary.waiting
        ),
        (1, 1, 1, 1),
        "{summary:#?}"
    );
    let (s, m) = status_of(&conn, key, refused.id);
    assert_eq!(s, OutboxStatus::Failed);
    assert!(m.contains("InvalidFederatedIdentityCredentialValue"), "{m}");
    assert!(m.contains("then retry it"), "{m}");
    let (s, m) = status_of(&conn, key, edited.id);
    assert_eq!(s, OutboxStatus::Conflict);
    assert!(m.contains("changed in Entra since your edit"), "{m}");
    match outbox::get(&conn, key, edited.id).unwrap().remote {
        Some(outbox::RemoteVersion::FederatedCredential {
            credential: Some(f),
        }) => {
            assert_eq!(
                f.subject.as_deref(),
                Some("repo:contoso/payments:ref:refs/heads/hotfix")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(status_of(&conn, key, fine.id).0, OutboxStatus::Pushed);
    let (s, m) = status_of(&conn, key, later.id);
    assert_eq!(s, OutboxStatus::Pending);
    assert!(
        m.contains(&format!("waits for change {}", refused.id)),
        "{m}"
    );
    assert!(in_entra(&sim, c).iter().any(|f| f.name == "deploy"));
    assert!(in_entra(&sim, a)
        .iter()
        .all(|f| !f.name.starts_with("ours")));

    // The admin keeps their edit over Entra's, and drops the refused add: the rest goes.
    outbox::retry(&conn, key, edited.id, ADMIN, as_of()).unwrap();
    outbox::drop_item(&conn, key, refused.id, ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(
        (summary.pushed, summary.failed, summary.conflicts),
        (2, 0, 0),
        "{summary:#?}"
    );
    assert_eq!(
        in_entra(&sim, b)[0].subject.as_deref(),
        Some("repo:contoso/payments:ref:refs/heads/release")
    );
    assert!(in_entra(&sim, a).iter().any(|f| f.name == "ours-tags"));
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    for app in [a, b, c] {
        assert_eq!(in_cache(&conn, key, app), in_entra(&sim, app), "{app}");
    }
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_answer_was_lost_is_not_sent_twice() {
    let sim = start(Faults {
        lose_write_answers: 2,
        ..Faults::default()
    })
    .await;
    let (_dir, conn, key, apps) = synced(&sim, 1).await;
    let app = &apps[0];
    manage::add_federated_credential(
        &conn,
        key,
        app,
        &draft("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    manage::remove_federated_credential(&conn, key, app, "deploy-main", ADMIN, as_of()).unwrap();
    manage::add_federated_credential(
        &conn,
        key,
        app,
        &draft("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!((summary.pushed, summary.failed), (3, 0), "{summary:#?}");
    // Three changes, three writes: the lost answers were found applied on the re-read.
    assert_eq!(sim_writes(&sim).await, 3);
    let named: Vec<_> = in_entra(&sim, app)
        .into_iter()
        .filter(|f| f.name == "deploy-main")
        .collect();
    assert_eq!(named.len(), 1);
    assert_eq!(
        in_cache(&conn, key, app)
            .iter()
            .find(|f| f.name == "deploy-main")
            .unwrap()
            .id,
        named[0].id
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_write_permission_each_change_fails_saying_what_to_grant() {
    let sim = start(Faults {
        no_write_permission: true,
        ..Faults::default()
    })
    .await;
    let (_dir, conn, key, apps) = synced(&sim, 1).await;
    let (item, _) = manage::add_federated_credential(
        &conn,
        key,
        &apps[0],
        &draft("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.failed, 1);
    let (s, m) = status_of(&conn, key, item.id);
    assert_eq!(s, OutboxStatus::Failed);
    assert!(m.contains("Authorization_RequestDenied"), "{m}");
    assert!(m.contains("grant Application.ReadWrite.All"), "{m}");
    // The change still shows in the cache, waiting for the admin's decision.
    assert!(in_cache(&conn, key, &apps[0])
        .iter()
        .any(|f| f.name == "deploy-main"));
    assert_eq!(sim_writes(&sim).await, 0);

    // A sync that reads the applications and their owners from Entra (its push fails the same
    // way) leaves both unpushed changes on screen.
    let user: String = store::open(&sim.db)
        .unwrap()
        .query_row(
            "SELECT owner_id FROM owners WHERE relation = 'owner' AND owner_type = 'user' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let owner = manage::Relation {
        kind: manage::ObjectKind::Application,
        object_id: &apps[0],
        principal_id: &user,
        relation: steward_core::model::OwnerRelation::Owner,
    };
    let already = steward_core::store::owners::list_for_objects(&conn, key, &[&apps[0]])
        .unwrap()
        .iter()
        .any(|o| o.owner_id == user);
    if !already {
        manage::add_owner(&conn, key, owner, ADMIN, as_of()).unwrap();
    }
    let mut opts = options(&sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::Owners,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    assert!(in_cache(&conn, key, &apps[0])
        .iter()
        .any(|f| f.name == "deploy-main"));
    assert!(
        steward_core::store::owners::list_for_objects(&conn, key, &[&apps[0]])
            .unwrap()
            .iter()
            .any(|o| o.owner_id == user)
    );
    sim.running.shutdown().await;
}
