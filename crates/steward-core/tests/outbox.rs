//! Changes made in Steward: checked before they are queued, shown in the cache at once, shown
//! again after a sync rewrote the object, undone when dropped, and rebased on Entra's version
//! when retried after a conflict. Every step lands in the audit trail.

#[path = "fixture.rs"]
mod fixture;
use fixture::*;
use steward_core::manage::{self, Change, FederatedCredentialDraft, Template};
use steward_core::model::FederatedIdentityCredential;
use steward_core::store::outbox::{self, OutboxStatus, Outcome, RemoteVersion};
use steward_core::store::{applications, federated_credentials};

const ADMIN: &str = "local admin alice";

fn github(name: &str, branch: &str) -> FederatedCredentialDraft {
    FederatedCredentialDraft::from_template(
        name,
        Some("deploys"),
        &Template::GitHubActions {
            repository: "contoso/payments".into(),
            entity: manage::federation::GitHubEntity::Branch(branch.into()),
        },
    )
    .unwrap()
}

fn fics(f: &Fx) -> Vec<FederatedIdentityCredential> {
    federated_credentials::list_for_application(&f.conn, f.key, "payments").unwrap()
}

fn tenant() -> Fx {
    let mut f = Fx::new();
    f.app("payments", 100, true, |_| {});
    f
}

#[test]
fn a_change_is_checked_queued_and_shown_at_once() {
    let f = tenant();
    let (item, fic) = manage::add_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    assert_eq!(item.status, OutboxStatus::Pending);
    assert_eq!(item.action, "addFederatedCredential");
    assert_eq!(item.target_display_name, "payments");
    assert_eq!(
        fic.subject.as_deref(),
        Some("repo:contoso/payments:ref:refs/heads/main")
    );
    assert_eq!(fics(&f), vec![fic.clone()]);

    // What Entra would refuse is refused here, and nothing is written.
    let e = manage::add_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("second", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("`deploy-main` already trusts this issuer"),
        "{e}"
    );
    assert_eq!(outbox::list(&f.conn, f.key).unwrap().len(), 1);
    assert_eq!(fics(&f).len(), 1);

    // A service principal's id is answered with its application's.
    let e = manage::add_federated_credential(
        &f.conn,
        f.key,
        "sp-payments",
        &github("x-main", "x"),
        ADMIN,
        as_of(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("use the application's object id payments"),
        "{e}"
    );

    let trail = outbox::audit_trail(&f.conn, f.key).unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].actor, ADMIN);
    assert_eq!(trail[0].result, "queued");
    assert_eq!(trail[0].outbox_id, Some(item.id));
}

#[test]
fn unpushed_changes_show_again_after_a_sync_rewrote_the_application() {
    let mut f = tenant();
    let (_, fic) = manage::add_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    // A sync writes Entra's version (without the credential) over the cache.
    f.app("payments", 100, false, |_| {});
    let app = applications::get_application(&f.conn, f.key, "payments")
        .unwrap()
        .unwrap();
    assert!(app.federated_identity_credentials.is_empty());
    assert_eq!(outbox::reapply_unpushed(&f.conn, f.key).unwrap(), 1);
    assert_eq!(fics(&f), vec![fic]);
}

#[test]
fn dropping_a_change_undoes_it_and_keeps_later_ones() {
    let f = tenant();
    let (add, _) = manage::add_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    let (edit, after) = manage::update_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("deploy-main", "release"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    assert_eq!(fics(&f), vec![after.clone()]);
    // Dropping the edit brings back the added version.
    outbox::drop_item(&f.conn, f.key, edit.id, ADMIN, as_of()).unwrap();
    assert_eq!(
        fics(&f)[0].subject.as_deref(),
        Some("repo:contoso/payments:ref:refs/heads/main")
    );
    // Dropping the add leaves nothing.
    outbox::drop_item(&f.conn, f.key, add.id, ADMIN, as_of()).unwrap();
    assert!(fics(&f).is_empty());
    assert!(outbox::list(&f.conn, f.key).unwrap().is_empty());
    let results: Vec<String> = outbox::audit_trail(&f.conn, f.key)
        .unwrap()
        .into_iter()
        .map(|e| e.result)
        .collect();
    assert_eq!(results, ["queued", "queued", "dropped", "dropped"]);
    let e = outbox::drop_item(&f.conn, f.key, add.id, ADMIN, as_of())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`steward outbox` lists them"), "{e}");
}

#[test]
fn a_conflict_retried_is_based_on_entras_version() {
    let f = tenant();
    let (add, _) = manage::add_federated_credential(
        &f.conn,
        f.key,
        "payments",
        &github("deploy-main", "main"),
        ADMIN,
        as_of(),
    )
    .unwrap();
    // The push found a credential of that name with another subject in Entra.
    let mut theirs = github("deploy-main", "develop").with_id("graph-id-1");
    theirs.description = None;
    outbox::settle(
        &f.conn,
        f.key,
        add.id,
        &Outcome {
            status: OutboxStatus::Conflict,
            message: Some("changed in Entra".into()),
            remote: Some(RemoteVersion::FederatedCredential {
                credential: Some(theirs.clone()),
            }),
            change: add.change.clone(),
        },
        "app 1234",
        as_of(),
    )
    .unwrap();
    let e = outbox::drop_item(&f.conn, f.key, 999, ADMIN, as_of()).unwrap_err();
    assert!(e.to_string().contains("no change 999"));
    let retried = outbox::retry(&f.conn, f.key, add.id, ADMIN, as_of()).unwrap();
    assert_eq!(retried.status, OutboxStatus::Pending);
    match &retried.change {
        Change::UpdateFederatedCredential { before, after, .. } => {
            assert_eq!(before, &theirs);
            assert_eq!(after.id, "graph-id-1");
            assert_eq!(
                after.subject.as_deref(),
                Some("repo:contoso/payments:ref:refs/heads/main")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(retried.action, "updateFederatedCredential");
    let e = outbox::retry(&f.conn, f.key, add.id, ADMIN, as_of())
        .unwrap_err()
        .to_string();
    assert!(e.contains("already waiting"), "{e}");
}
