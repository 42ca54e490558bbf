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

mod identities {
    use super::*;
    use steward_core::manage::{ObjectKind, Properties};
    use steward_core::store::{credentials, service_principals};

    const CERT: &str = include_str!("../../../tests/fixtures/certificate/steward-test.pem");

    fn public_cert() -> String {
        let start = CERT.find("-----BEGIN CERTIFICATE-----").unwrap();
        let end = CERT.find("-----END CERTIFICATE-----").unwrap() + 25;
        CERT[start..end].to_string()
    }

    #[test]
    fn a_new_registration_shows_with_its_service_principal_and_dropping_it_removes_both() {
        let f = tenant();
        let e = manage::create_application(&f.conn, f.key, " ", "Everyone", None, ADMIN, as_of())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the name is empty") && e.contains("no sign-in audience"),
            "{e}"
        );
        let item = manage::create_application(
            &f.conn,
            f.key,
            "payments-deployer",
            "AzureADMyOrg",
            Some("CI for payments"),
            ADMIN,
            as_of(),
        )
        .unwrap();
        let Change::CreateApplication { application: a } = &item.change else {
            panic!("{:?}", item.change)
        };
        let app = applications::get_application(&f.conn, f.key, &a.id)
            .unwrap()
            .unwrap();
        assert_eq!(app.notes.as_deref(), Some("CI for payments"));
        let sp = service_principals::get_service_principal(&f.conn, f.key, &a.service_principal_id)
            .unwrap()
            .unwrap();
        assert_eq!(
            (sp.app_id.as_str(), sp.account_enabled),
            (a.app_id.as_str(), true)
        );
        assert!(a.unique_name.starts_with("steward-"));
        outbox::drop_item(&f.conn, f.key, item.id, ADMIN, as_of()).unwrap();
        assert!(applications::get_any(&f.conn, f.key, &a.id)
            .unwrap()
            .is_none());
        assert!(
            service_principals::get_service_principal(&f.conn, f.key, &a.service_principal_id)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn properties_enabled_state_and_deletion_show_at_once_and_undo_when_dropped() {
        let f = tenant();
        let after = Properties {
            display_name: "payments (prod)".into(),
            notes: Some("owned by team X".into()),
            tags: vec!["prod".into()],
        };
        let edit = manage::update_properties(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            &after,
            ADMIN,
            as_of(),
        )
        .unwrap();
        let app = applications::get_application(&f.conn, f.key, "payments")
            .unwrap()
            .unwrap();
        assert_eq!(
            (app.display_name.as_str(), app.tags.clone()),
            ("payments (prod)", vec!["prod".to_string()])
        );
        let e = manage::update_properties(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            &after,
            ADMIN,
            as_of(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("nothing to change"));

        let off =
            manage::set_enabled(&f.conn, f.key, "sp-payments", false, ADMIN, as_of()).unwrap();
        assert_eq!(off.action, "disableServicePrincipal");
        let sp = service_principals::get_service_principal(&f.conn, f.key, "sp-payments")
            .unwrap()
            .unwrap();
        assert!(!sp.account_enabled);
        let e =
            manage::set_enabled(&f.conn, f.key, "sp-payments", false, ADMIN, as_of()).unwrap_err();
        assert!(e.to_string().contains("already disabled"));

        let gone = manage::delete(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            ADMIN,
            as_of(),
        )
        .unwrap();
        assert!(
            gone.summary.contains("with its service principal"),
            "{}",
            gone.summary
        );
        assert!(applications::get_application(&f.conn, f.key, "payments")
            .unwrap()
            .is_none());
        let sp = service_principals::get_service_principal(&f.conn, f.key, "sp-payments")
            .unwrap()
            .unwrap();
        assert!(sp.deleted_date_time.is_some());
        let e =
            manage::set_enabled(&f.conn, f.key, "sp-payments", true, ADMIN, as_of()).unwrap_err();
        assert!(e.to_string().contains("restore it first"), "{e}");

        for id in [gone.id, off.id, edit.id] {
            outbox::drop_item(&f.conn, f.key, id, ADMIN, as_of()).unwrap();
        }
        let app = applications::get_application(&f.conn, f.key, "payments")
            .unwrap()
            .unwrap();
        assert_eq!(app.display_name, "payments");
        let sp = service_principals::get_service_principal(&f.conn, f.key, "sp-payments")
            .unwrap()
            .unwrap();
        assert!(sp.account_enabled && sp.deleted_date_time.is_none());
    }

    #[test]
    fn a_restore_is_offered_within_thirty_days_only() {
        let mut f = tenant();
        f.app("old", -300, true, |a| a.deleted_date_time = Some(days(-40)));
        f.app("recent", -300, true, |a| {
            a.deleted_date_time = Some(days(-5))
        });
        let e = manage::restore(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "old",
            ADMIN,
            as_of(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("cannot be restored"), "{e}");
        manage::restore(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "recent",
            ADMIN,
            as_of(),
        )
        .unwrap();
        assert!(applications::get_application(&f.conn, f.key, "recent")
            .unwrap()
            .is_some());
        let e = manage::restore(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            ADMIN,
            as_of(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not deleted"));
    }

    #[test]
    fn secrets_and_certificates_are_added_and_removed_and_managed_identities_refused() {
        let mut f = tenant();
        let e = manage::add_secret(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            manage::SecretRequest {
                name: "ci",
                days: 900,
            },
            ADMIN,
            as_of(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("1 to 730 days"), "{e}");
        let s = manage::add_secret(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            manage::SecretRequest {
                name: "ci",
                days: 180,
            },
            ADMIN,
            as_of(),
        )
        .unwrap();
        let (secrets, _) = credentials::list_model_for_owner(&f.conn, f.key, "payments").unwrap();
        assert_eq!(secrets.len(), 1);
        assert_eq!(
            secrets[0].end_date_time,
            Some(as_of() + chrono::Duration::days(180))
        );
        assert!(!serde_json::to_string(&s.change)
            .unwrap()
            .contains("secretText"));

        let c = manage::add_certificate(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            public_cert().as_bytes(),
            ADMIN,
            as_of(),
        );
        // The fixture's certificate may have expired by the fixture's as-of; both answers are
        // checked against its own dates.
        let preview = manage::certificate::read(public_cert().as_bytes()).unwrap();
        if preview.not_after > as_of() {
            c.unwrap();
            let e = manage::add_certificate(
                &f.conn,
                f.key,
                ObjectKind::Application,
                "payments",
                public_cert().as_bytes(),
                ADMIN,
                as_of(),
            )
            .unwrap_err();
            assert!(e.to_string().contains("already has the certificate"));
        } else {
            assert!(c.unwrap_err().to_string().contains("expired"));
        }
        let e = manage::add_certificate(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            CERT.as_bytes(),
            ADMIN,
            as_of(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("private key"));

        let key_id = secrets[0].key_id.clone();
        manage::remove_credential(
            &f.conn,
            f.key,
            ObjectKind::Application,
            "payments",
            &key_id,
            ADMIN,
            as_of(),
        )
        .unwrap();
        let (secrets, _) = credentials::list_model_for_owner(&f.conn, f.key, "payments").unwrap();
        assert!(secrets.is_empty());

        f.sp("mi-1", 100, |sp| {
            sp.service_principal_type = "ManagedIdentity".into();
            sp.alternative_names = vec!["isExplicit=True".into()];
        });
        let e = manage::add_secret(
            &f.conn,
            f.key,
            ObjectKind::ServicePrincipal,
            "mi-1",
            manage::SecretRequest {
                name: "x",
                days: 30,
            },
            ADMIN,
            as_of(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("managed identity, which Azure manages"), "{e}");
    }
}
