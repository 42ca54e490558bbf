//! The identity detail on the demo tenant: delegated grants and the app-management audit trail
//! of the identity and its application.

use steward_core::clock::parse_as_of;
use steward_core::demo::{write_demo, DemoOptions};
use steward_core::identities::identity_detail;
use steward_core::store::{open_in_memory, tenants};

#[test]
fn the_detail_shows_delegated_grants_and_who_changed_the_apps_credentials() {
    let conn = open_in_memory().unwrap();
    let as_of = parse_as_of("2026-11-01T00:00:00Z").unwrap();
    write_demo(
        &conn,
        &DemoOptions {
            seed: 11,
            service_principals: 300,
            sign_ins: 2_000,
            as_of,
        },
        &mut |_, _, _| {},
    )
    .unwrap();
    let (key, tenant) = tenants::resolve_tenant(&conn, None).unwrap();
    // A service principal whose application has credential changes in the audit log.
    let sp: String = conn
        .query_row(
            "SELECT s.id FROM directory_audits d
             JOIN applications a ON a.tenant = d.tenant AND a.id = d.target_id
             JOIN service_principals s ON s.tenant = a.tenant AND s.app_id = a.app_id
             WHERE d.activity LIKE '%Certificates and secrets%' ORDER BY d.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let d = identity_detail(&conn, key, &tenant.id, &sp, as_of).unwrap();
    assert!(!d.changes.is_empty());
    let c = &d.changes[0];
    assert_eq!(c.target, "application");
    assert!(
        c.initiated_by.as_deref().unwrap_or("").contains('@'),
        "{c:?}"
    );
    assert!(
        c.details.iter().any(|x| (x.starts_with("Added secret “")
            || x.starts_with("Removed secret “"))
            && x.contains("(key ")),
        "the added or removed secret is named, Graph's bookkeeping left out: {c:?}"
    );
    assert!(c
        .details
        .iter()
        .all(|x| !x.starts_with("Included Updated Properties")));
    assert!(
        d.changes.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    // A client holding delegated grants lists them by resource, scope by scope.
    let client: String = conn
        .query_row(
            "SELECT client_id FROM oauth2_permission_grants ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let d = identity_detail(&conn, key, &tenant.id, &client, as_of).unwrap();
    assert!(!d.delegated_grants.is_empty());
    let g = &d.delegated_grants[0];
    assert_eq!(g.resource_display_name, "Microsoft Graph");
    assert!(!g.scopes.is_empty() && g.scopes.iter().all(|s| !s.contains(' ')));
    assert!(["AllPrincipals", "Principal"].contains(&g.consent_type.as_str()));
}

#[test]
fn federated_credentials_and_keys_say_when_they_last_signed_in_and_pending_changes_show() {
    let conn = open_in_memory().unwrap();
    let as_of = parse_as_of("2026-11-01T00:00:00Z").unwrap();
    write_demo(
        &conn,
        &DemoOptions {
            seed: 11,
            service_principals: 300,
            sign_ins: 20_000,
            as_of,
        },
        &mut |_, _, _| {},
    )
    .unwrap();
    let (key, tenant) = tenants::resolve_tenant(&conn, None).unwrap();
    // A service principal that signed in through a federated credential.
    let (sp, fic): (String, String) = conn
        .query_row(
            "SELECT p.value, f.value FROM sign_ins s JOIN strings p ON p.id = s.sp
             JOIN strings f ON f.id = s.federated_id ORDER BY s.created DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let d = identity_detail(&conn, key, &tenant.id, &sp, as_of).unwrap();
    let f = d
        .federated_credentials
        .iter()
        .find(|f| f.id == fic)
        .expect("the credential the sign-in used");
    assert!(f.last_used.is_some(), "{f:?}");
    assert!(!f.pending);
    // And one that signed in with a secret or certificate key.
    let (sp2, key_id): (String, String) = conn
        .query_row(
            "SELECT p.value, k.value FROM sign_ins s JOIN strings p ON p.id = s.sp
             JOIN strings k ON k.id = s.key_id ORDER BY s.created DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let d2 = identity_detail(&conn, key, &tenant.id, &sp2, as_of).unwrap();
    if let Some(c) = d2.credentials.iter().find(|c| c.key_id == key_id) {
        assert!(c.last_used.is_some(), "{c:?}");
    }

    // A credential added in Steward shows as pending, with its change.
    let app = d.application.as_ref().unwrap().id.clone();
    let draft = steward_core::manage::FederatedCredentialDraft::from_template(
        "steward-added",
        None,
        &steward_core::manage::Template::Other {
            issuer: "https://issuer.example".into(),
            subject: "workload-1".into(),
        },
    )
    .unwrap();
    steward_core::manage::add_federated_credential(&conn, key, &app, &draft, "admin", as_of)
        .unwrap();
    let d = identity_detail(&conn, key, &tenant.id, &sp, as_of).unwrap();
    let added = d
        .federated_credentials
        .iter()
        .find(|f| f.name == "steward-added")
        .unwrap();
    assert!(added.pending && added.last_used.is_none());
    assert_eq!(d.pending_changes.len(), 1);
    assert_eq!(d.pending_changes[0].action, "addFederatedCredential");
}
