//! Pushing changes to applications and service principals over real HTTP to the Graph
//! simulator: a new registration (and a federated credential made on it before it existed in
//! Entra), properties with their conflicts, enabling, deletion and restore, secrets (the value
//! shown once and written nowhere) and certificates.

use graph_sim::Faults;
use rusqlite::Connection;
use steward_core::manage::{self, Change, ObjectKind, Properties};
use steward_core::store::outbox::{self, OutboxStatus};
use steward_core::store::{
    self, applications, credentials, service_principals, tenants, TenantKey,
};
use steward_graph::sync::{push, sync};

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

const ADMIN: &str = "local admin";
const CERT: &str = include_str!("../../../tests/fixtures/certificate/steward-test.pem");

async fn synced(sim: &Sim) -> (tempfile::TempDir, Connection, TenantKey, String) {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let app = applications::list_page(&conn, key, None, 1)
        .unwrap()
        .remove(0)
        .id;
    (dir, conn, key, app)
}

fn entra(sim: &Sim) -> (Connection, TenantKey) {
    let c = store::open(&sim.db).unwrap();
    let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
    (c, key)
}

fn status(conn: &Connection, key: TenantKey, id: i64) -> (OutboxStatus, String) {
    let it = outbox::get(conn, key, id).unwrap();
    (it.status, it.message.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_registration_and_what_was_made_on_it_offline_reach_entra_under_graphs_ids() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key, _) = synced(&sim).await;
    let created = manage::create_application(
        &conn,
        key,
        "payments-deployer",
        "AzureADMyOrg",
        Some("CI"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let Change::CreateApplication { application: local } = &created.change else {
        panic!()
    };
    let draft = manage::FederatedCredentialDraft::from_template(
        "deploy-main",
        None,
        &manage::Template::GitHubActions {
            repository: "contoso/payments".into(),
            entity: manage::federation::GitHubEntity::Branch("main".into()),
        },
    )
    .unwrap();
    manage::add_federated_credential(&conn, key, &local.id, &draft, ADMIN, as_of()).unwrap();
    let secret = manage::add_secret(
        &conn,
        key,
        ObjectKind::Application,
        &local.id,
        manage::SecretRequest {
            name: "ci",
            days: 90,
        },
        ADMIN,
        as_of(),
    )
    .unwrap();

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!((summary.pushed, summary.failed), (3, 0), "{summary:#?}");
    let Change::CreateApplication { application: graph } = &summary.items[0].change else {
        panic!()
    };
    assert_ne!(graph.id, local.id);
    let (e, ek) = entra(&sim);
    let app = applications::get_application(&e, ek, &graph.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        (app.display_name.as_str(), app.notes.as_deref()),
        ("payments-deployer", Some("CI"))
    );
    assert_eq!(app.federated_identity_credentials.len(), 1);
    assert_eq!(app.password_credentials.len(), 1);
    let sp = service_principals::find_by_app_id(&e, ek, &graph.app_id)
        .unwrap()
        .unwrap();
    assert_eq!(sp.id, graph.service_principal_id);
    // The cache names Graph's objects only.
    assert!(applications::get_any(&conn, key, &local.id)
        .unwrap()
        .is_none());
    let ours = applications::get_application(&conn, key, &graph.id)
        .unwrap()
        .unwrap();
    assert_eq!(ours.federated_identity_credentials.len(), 1);
    assert_eq!(
        ours.password_credentials[0].key_id,
        app.password_credentials[0].key_id
    );
    assert_eq!(
        ours.password_credentials[0].hint,
        app.password_credentials[0].hint
    );
    // The secret's value was handed back once, and is in no file of the cache.
    assert_eq!(summary.new_secrets.len(), 1);
    let value = summary.new_secrets[0].secret_text.clone();
    assert_eq!(summary.new_secrets[0].outbox_id, secret.id);
    assert!(value.len() >= 32);
    assert!(
        !format!("{summary:?}").contains(&value),
        "Debug redacts the value"
    );
    // The next sync reads back what was pushed: the cache agrees with Entra.
    let mut opts = options(&sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let (e, ek) = entra(&sim);
    let theirs = applications::get_application(&e, ek, &graph.id)
        .unwrap()
        .unwrap();
    let mine = applications::get_application(&conn, key, &graph.id)
        .unwrap()
        .unwrap();
    assert_eq!(mine, theirs);
    assert!(outbox::unpushed(&conn, key).unwrap().is_empty());
    drop(e);
    drop(conn);
    for entry in std::fs::read_dir(_dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()));
    }
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn properties_conflicts_enabling_deletion_and_restore_reach_entra() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key, app) = synced(&sim).await;
    let sp = service_principals::find_by_app_id(
        &conn,
        key,
        &applications::get_application(&conn, key, &app)
            .unwrap()
            .unwrap()
            .app_id,
    )
    .unwrap()
    .unwrap();
    let edit = manage::update_properties(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        &Properties {
            display_name: "renamed-by-steward".into(),
            notes: Some("n".into()),
            tags: vec!["prod".into()],
        },
        ADMIN,
        as_of(),
    )
    .unwrap();
    let off = manage::set_enabled(&conn, key, &sp.id, false, ADMIN, as_of()).unwrap();
    // Someone renames the app in Entra meanwhile.
    reqwest::Client::new()
        .post(format!(
            "{}/_sim/applications/{app}/rename",
            sim.running.url()
        ))
        .json(&serde_json::json!({"displayName": "renamed-in-entra"}))
        .send()
        .await
        .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!((summary.pushed, summary.conflicts), (1, 1), "{summary:#?}");
    let (s, m) = status(&conn, key, edit.id);
    assert_eq!(s, OutboxStatus::Conflict);
    assert!(m.contains("`renamed-in-entra`"), "{m}");
    assert_eq!(status(&conn, key, off.id).0, OutboxStatus::Pushed);
    let (e, ek) = entra(&sim);
    assert!(
        !service_principals::get_service_principal(&e, ek, &sp.id)
            .unwrap()
            .unwrap()
            .account_enabled
    );
    drop(e);

    outbox::retry(&conn, key, edit.id, ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.pushed, 1, "{summary:#?}");
    let (e, ek) = entra(&sim);
    let a = applications::get_application(&e, ek, &app)
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.display_name.as_str(), a.tags.clone()),
        ("renamed-by-steward", vec!["prod".to_string()])
    );
    drop(e);

    manage::delete(&conn, key, ObjectKind::Application, &app, ADMIN, as_of()).unwrap();
    assert_eq!(
        push(&conn, &options(&sim), as_of()).await.unwrap().pushed,
        1
    );
    let (e, ek) = entra(&sim);
    assert!(applications::get_application(&e, ek, &app)
        .unwrap()
        .is_none());
    assert!(service_principals::get_service_principal(&e, ek, &sp.id)
        .unwrap()
        .unwrap()
        .deleted_date_time
        .is_some());
    drop(e);
    manage::restore(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        ADMIN,
        steward_core::clock::now(),
    )
    .unwrap();
    assert_eq!(
        push(&conn, &options(&sim), as_of()).await.unwrap().pushed,
        1
    );
    let (e, ek) = entra(&sim);
    assert!(applications::get_application(&e, ek, &app)
        .unwrap()
        .is_some());
    // The next sync reads back what was pushed: the cache agrees with Entra.
    let mut opts = options(&sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    assert_eq!(
        applications::get_application(&conn, key, &app).unwrap(),
        applications::get_application(&e, ek, &app).unwrap()
    );
    let ours = service_principals::get_service_principal(&conn, key, &sp.id)
        .unwrap()
        .unwrap();
    let theirs = service_principals::get_service_principal(&e, ek, &sp.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        (ours.account_enabled, ours.deleted_date_time.is_some()),
        (theirs.account_enabled, theirs.deleted_date_time.is_some())
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_whose_answer_was_lost_is_made_once_and_certificates_come_and_go() {
    let sim = start(Faults {
        lose_write_answers: 1,
        ..Faults::default()
    })
    .await;
    let (_dir, conn, key, app) = synced(&sim).await;
    let (e, ek) = entra(&sim);
    let before = credentials::list_model_for_owner(&e, ek, &app)
        .unwrap()
        .0
        .len();
    drop(e);
    let s = manage::add_secret(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        manage::SecretRequest {
            name: "lost-answer",
            days: 30,
        },
        ADMIN,
        as_of(),
    )
    .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.pushed, 1);
    assert!(
        summary.new_secrets.is_empty(),
        "the value went with the lost answer"
    );
    let (st, m) = status(&conn, key, s.id);
    assert_eq!(st, OutboxStatus::Pushed);
    assert!(m.contains("remove it and add another"), "{m}");
    let (e, ek) = entra(&sim);
    let secrets = credentials::list_model_for_owner(&e, ek, &app).unwrap().0;
    assert_eq!(secrets.len(), before + 1, "made once");
    let made = secrets
        .iter()
        .find(|x| x.display_name.as_deref() == Some("lost-answer"))
        .unwrap()
        .clone();
    drop(e);

    let cert_start = CERT.find("-----BEGIN CERTIFICATE-----").unwrap();
    let cert_end = CERT.find("-----END CERTIFICATE-----").unwrap() + 25;
    let public = &CERT[cert_start..cert_end];
    let preview = manage::certificate::read(public.as_bytes()).unwrap();
    if preview.not_after > steward_core::clock::now() {
        manage::add_certificate(
            &conn,
            key,
            ObjectKind::Application,
            &app,
            public.as_bytes(),
            ADMIN,
            steward_core::clock::now(),
        )
        .unwrap();
    }
    manage::remove_credential(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        &made.key_id,
        ADMIN,
        as_of(),
    )
    .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.failed, 0, "{summary:#?}");
    let (e, ek) = entra(&sim);
    let (secrets, certs) = credentials::list_model_for_owner(&e, ek, &app).unwrap();
    assert!(secrets.iter().all(|x| x.key_id != made.key_id));
    if preview.not_after > steward_core::clock::now() {
        let c = certs
            .iter()
            .find(|c| c.custom_key_identifier.as_deref() == Some(preview.thumbprint.as_str()))
            .unwrap();
        let (_, ours) = credentials::list_model_for_owner(&conn, key, &app).unwrap();
        assert!(
            ours.iter().any(|o| o.key_id == c.key_id),
            "the cache took Graph's key id"
        );
        drop(e);
        manage::remove_credential(
            &conn,
            key,
            ObjectKind::Application,
            &app,
            &c.key_id,
            ADMIN,
            as_of(),
        )
        .unwrap();
        assert_eq!(
            push(&conn, &options(&sim), as_of()).await.unwrap().pushed,
            1
        );
        let (e, ek) = entra(&sim);
        let (_, certs) = credentials::list_model_for_owner(&e, ek, &app).unwrap();
        assert!(certs
            .iter()
            .all(|x| x.custom_key_identifier.as_deref() != Some(preview.thumbprint.as_str())));
    }
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_sponsors_and_application_permissions_change_in_entra() {
    use steward_core::model::{IdentityKind, OwnerRelation};
    use steward_core::store::{app_role_assignments, owners};
    let sim = start_sized(Faults::default(), 300, 500).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(&sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
        steward_graph::Dataset::AppRoleAssignments,
        steward_graph::Dataset::Owners,
        steward_graph::Dataset::Sponsors,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    // A user who owns one application, and an application they do not own.
    let (owned, user): (String, String) = conn
        .query_row(
            "SELECT o.object_id, o.owner_id FROM owners o JOIN applications a
               ON a.tenant = o.tenant AND a.id = o.object_id
             WHERE o.relation = 'owner' AND o.owner_type = 'user' ORDER BY o.object_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let other = applications::list_page(&conn, key, None, 1000)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .find(|id| {
            id != &owned
                && owners::list_for_objects(&conn, key, &[id])
                    .unwrap()
                    .iter()
                    .all(|o| o.owner_id != user)
        })
        .unwrap();
    let agent = service_principals::list_page(&conn, key, None, 100_000)
        .unwrap()
        .into_iter()
        .find(|sp| {
            IdentityKind::classify(&sp.service_principal_type, &sp.alternative_names)
                == IdentityKind::AgentIdentity
        })
        .expect("the demo has agent identities");
    let (holder, assignment): (String, String) = conn
        .query_row(
            "SELECT principal_id, id FROM app_role_assignments ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let rel = |kind, object_id, relation| manage::Relation {
        kind,
        object_id,
        principal_id: &user,
        relation,
    };
    manage::add_owner(
        &conn,
        key,
        rel(ObjectKind::Application, &other, OwnerRelation::Owner),
        ADMIN,
        as_of(),
    )
    .unwrap();
    manage::remove_owner(
        &conn,
        key,
        rel(ObjectKind::Application, &owned, OwnerRelation::Owner),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let e = manage::add_owner(
        &conn,
        key,
        rel(ObjectKind::Application, &other, OwnerRelation::Sponsor),
        ADMIN,
        as_of(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("sponsors belong to agent identities"), "{e}");
    let already_sponsor = owners::list_for_objects(&conn, key, &[&agent.id])
        .unwrap()
        .iter()
        .any(|o| o.owner_id == user && o.relation == OwnerRelation::Sponsor);
    if !already_sponsor {
        manage::add_owner(
            &conn,
            key,
            rel(
                ObjectKind::ServicePrincipal,
                &agent.id,
                OwnerRelation::Sponsor,
            ),
            ADMIN,
            as_of(),
        )
        .unwrap();
    }
    manage::remove_app_role_assignment(&conn, key, &holder, &assignment, ADMIN, as_of()).unwrap();
    assert!(
        app_role_assignments::list_for_principal(&conn, key, &holder)
            .unwrap()
            .iter()
            .all(|a| a.id != assignment)
    );

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.failed + summary.conflicts, 0, "{summary:#?}");
    let (e, ek) = entra(&sim);
    let has = |object: &str, relation: OwnerRelation| {
        owners::list_for_objects(&e, ek, &[object])
            .unwrap()
            .iter()
            .any(|o| o.owner_id == user && o.relation == relation)
    };
    assert!(has(&other, OwnerRelation::Owner));
    assert!(!has(&owned, OwnerRelation::Owner));
    assert!(has(&agent.id, OwnerRelation::Sponsor));
    assert!(app_role_assignments::list_for_principal(&e, ek, &holder)
        .unwrap()
        .iter()
        .all(|a| a.id != assignment));
    drop(e);
    // Pushed again, nothing is written twice.
    let again = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert!(again.items.is_empty());
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_leaves_new_secrets_for_a_push_and_a_removal_queued_before_the_push_removes_graphs_secret(
) {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key, app) = synced(&sim).await;
    let (e, ek) = entra(&sim);
    let before = credentials::list_model_for_owner(&e, ek, &app)
        .unwrap()
        .0
        .len();
    drop(e);
    let added = manage::add_secret(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        manage::SecretRequest {
            name: "short-lived",
            days: 30,
        },
        ADMIN,
        as_of(),
    )
    .unwrap();
    // A sync pushes everything but new secrets, whose values only a push shows.
    let mut opts = options(&sim);
    opts.datasets = vec![steward_graph::Dataset::Applications];
    let synced = sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    assert_eq!(synced.pushed.secrets_waiting, 1);
    assert!(synced
        .pushed
        .line()
        .unwrap()
        .contains("left for `steward push`"));
    assert_eq!(status(&conn, key, added.id).0, OutboxStatus::Pending);
    let (e, ek) = entra(&sim);
    assert_eq!(
        credentials::list_model_for_owner(&e, ek, &app)
            .unwrap()
            .0
            .len(),
        before
    );
    drop(e);
    // The admin thinks better of it before pushing: the removal follows the secret to Graph's id.
    let Change::AddSecret { secret, .. } = &added.change else {
        panic!()
    };
    manage::remove_credential(
        &conn,
        key,
        ObjectKind::Application,
        &app,
        &secret.key_id,
        ADMIN,
        as_of(),
    )
    .unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!((summary.pushed, summary.failed), (2, 0), "{summary:#?}");
    assert_eq!(summary.new_secrets.len(), 1);
    let (e, ek) = entra(&sim);
    let secrets = credentials::list_model_for_owner(&e, ek, &app).unwrap().0;
    assert_eq!(
        secrets.len(),
        before,
        "the secret made and removed is gone from Entra"
    );
    assert!(secrets
        .iter()
        .all(|s| s.display_name.as_deref() != Some("short-lived")));
    sim.running.shutdown().await;
}
