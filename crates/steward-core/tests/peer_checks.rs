//! The checks that answer other assessment tools' (docs/peer-checks.md), on the shared fixture
//! tenant: each fires where the fixture put it and nowhere else, names its evidence and the
//! peer checks it answers, and is "not determined" (never passed) without the data it reads.

#[path = "fixture.rs"]
mod fixture;
use fixture::*;
use steward_core::dataset::Dataset;
use steward_core::recommendations::Recommendation;

fn of<'r>(list: &'r [Recommendation], kind: &str) -> &'r Recommendation {
    list.iter()
        .find(|r| r.recommendation_type == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

fn evidence(r: &Recommendation, id: &str) -> Vec<(String, String)> {
    r.impacted
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} is not impacted"))
        .evidence
        .iter()
        .map(|e| (e.label.clone(), e.value.clone()))
        .collect()
}

#[test]
fn user_owners_of_privileged_apps_are_named_with_what_the_app_holds() {
    let f = peer_fixture();
    let list = report(&f);
    let r = of(&list, "privilegedAppUserOwners");
    assert_eq!(r.peer_checks, ["MT.1077", "MT.1078"]);
    assert!(r.missing_data.is_none(), "{:?}", r.missing_data);
    assert_eq!(
        evidence(r, "sp-priv-secret"),
        [
            (
                "Holds".to_string(),
                "Global Administrator (active directory role)".to_string()
            ),
            (
                "User owners of the app registration".to_string(),
                "Alice Admin".to_string()
            ),
        ]
    );
    // Delegated scopes for all users make an app privileged too.
    let delegated = evidence(r, "sp-delegated");
    assert_eq!(
        delegated[0].1,
        "Directory.ReadWrite.All (Microsoft Graph delegated permission, all users)"
    );
}

#[test]
fn high_risk_delegated_scopes_for_all_users_are_listed_and_one_user_s_are_not() {
    let f = peer_fixture();
    let list = report(&f);
    let r = of(&list, "highRiskDelegatedGrant");
    assert_eq!(r.impacted_total, 1);
    assert_eq!(
        evidence(r, "sp-delegated")[0],
        (
            "Delegated for all users (Microsoft Graph)".to_string(),
            "Directory.ReadWrite.All".to_string()
        )
    );
    assert!(r.peer_checks.is_empty(), "tier0Holder answers MT.1050/1051");
}

#[test]
fn every_tier0_holder_is_listed_with_what_it_holds() {
    let f = peer_fixture();
    let list = report(&f);
    let r = of(&list, "tier0Holder");
    let mut ids: Vec<&str> = r.impacted.iter().map(|i| i.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["sp-delegated", "sp-mi-idle", "sp-priv-automation", "sp-priv-secret"],
        "a role, application permissions, delegated scopes for all users; not Directory Readers, User.Read.All or one user's grant"
    );
    assert_eq!(
        evidence(r, "sp-mi-idle")[0].1,
        "Application.ReadWrite.All (Microsoft Graph application permission)"
    );
    assert!(r.peer_checks.iter().any(|p| p == "ZTA 21836"));
}

#[test]
fn a_check_without_its_data_is_not_determined_and_says_what_to_sync() {
    // A tenant with a privileged app owned by a user, but neither grants nor owners marked read.
    let mut f = Fx::new();
    f.sp("sp-graph", -2000, |sp| {
        sp.app_id = steward_core::model::MICROSOFT_GRAPH_APP_ID.into();
    });
    f.app("priv", -400, true, |_| {});
    f.role("sp-priv", "Global Administrator", true);
    f.sign_in("sp-priv", -1, None, 0);
    f.mark_read(&[Dataset::AppRoleAssignments, Dataset::RoleAssignments]);
    let list = report(&f);

    let grants = of(&list, "highRiskDelegatedGrant");
    assert_eq!(grants.impacted_total, 0);
    let why = grants.missing_data.as_deref().expect("not determined");
    assert!(
        why.starts_with("Not determined: oauth2PermissionGrants was never synced or imported")
            && why.contains("Sync the tenant"),
        "{why}"
    );

    // What it does find stays listed, with the warning that more may be missing.
    let owners = of(&list, "privilegedAppUserOwners");
    assert_eq!(owners.impacted_total, 1);
    let why = owners.missing_data.as_deref().unwrap();
    assert!(why.contains("owners was never synced or imported"), "{why}");
    assert!(why.contains("oauth2PermissionGrants"), "{why}");

    // Graph's refusal is named with what it said; the role checks have their data.
    steward_core::store::datasets::mark_not_available(
        &f.conn,
        f.key,
        Dataset::OAuth2PermissionGrants,
        0,
        "needs DelegatedPermissionGrant.Read.All",
    )
    .unwrap();
    let list = report(&f);
    let why = of(&list, "highRiskDelegatedGrant")
        .missing_data
        .clone()
        .unwrap();
    assert!(
        why.contains("Graph refused oauth2PermissionGrants at the last sync (needs DelegatedPermissionGrant.Read.All)"),
        "{why}"
    );
    assert!(of(&list, "privilegedWithSecret").missing_data.is_none());

    // Once read, the verdict stands.
    f.mark_read(&[Dataset::Owners, Dataset::OAuth2PermissionGrants]);
    let list = report(&f);
    assert!(of(&list, "highRiskDelegatedGrant").missing_data.is_none());
    assert!(of(&list, "privilegedAppUserOwners").missing_data.is_none());
}

#[test]
fn a_known_malicious_app_is_named_with_its_listing() {
    let f = peer_fixture();
    let list = report(&f);
    let r = of(&list, "knownMaliciousApp");
    assert_eq!(r.impacted_total, 1);
    let e = evidence(r, "sp-rclone");
    assert!(e[0].1.starts_with("rclone: "), "{e:?}");
    assert!(
        e[1].1.starts_with("Huntress Rogue Apps, since 2024-09-05"),
        "{e:?}"
    );
    assert_eq!(r.peer_checks, ["CIPP HuntressRogueApps"]);
    assert!(r.missing_data.is_none());
}
