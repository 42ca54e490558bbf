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

/// Stores one tenant policy document of `kind` (its id from the document, else the kind).
fn put(f: &Fx, kind: Dataset, doc: serde_json::Value) {
    let id = doc["id"]
        .as_str()
        .map_or(kind.name().to_string(), str::to_string);
    steward_core::store::policies::upsert_policy(
        &f.conn,
        f.key,
        &steward_core::model::TenantPolicy {
            kind,
            id,
            json: doc.to_string(),
        },
    )
    .unwrap();
}

fn impacted_ids(list: &[Recommendation], kind: &str) -> Vec<String> {
    of(list, kind)
        .impacted
        .iter()
        .map(|i| i.id.clone())
        .collect()
}

const POLICY_DATASETS: [Dataset; 5] = [
    Dataset::AuthorizationPolicy,
    Dataset::AdminConsentRequestPolicy,
    Dataset::DefaultAppManagementPolicy,
    Dataset::AppManagementPolicies,
    Dataset::AppConsentRequests,
];

#[test]
fn the_tenant_policies_are_judged_once_each_and_not_determined_until_read() {
    let mut f = Fx::new();
    let list = report(&f);
    for kind in [
        "userConsentAllowed",
        "usersCanRegisterApps",
        "adminConsentWorkflowDisabled",
        "pendingConsentRequests",
        "appManagementPolicyWeak",
    ] {
        let r = of(&list, kind);
        assert_eq!(r.impacted_total, 0, "{kind}");
        assert!(r.missing_data.is_some(), "{kind} is not determined");
    }

    // Lax: legacy user consent, users register apps, no workflow, a pending request, a
    // disabled default policy.
    put(
        &f,
        Dataset::AuthorizationPolicy,
        serde_json::json!({"id": "authorizationPolicy", "defaultUserRolePermissions": {
        "allowedToCreateApps": true,
        "permissionGrantPoliciesAssigned": [
            "managePermissionGrantsForSelf.microsoft-user-default-legacy",
            "ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team"
        ]}}),
    );
    put(
        &f,
        Dataset::AdminConsentRequestPolicy,
        serde_json::json!({"isEnabled": true, "reviewers": [], "requestDurationInDays": 30}),
    );
    put(
        &f,
        Dataset::DefaultAppManagementPolicy,
        serde_json::json!({"id": "00000000-0000-0000-0000-000000000000", "isEnabled": false,
            "applicationRestrictions": {"passwordCredentials": [], "keyCredentials": []}}),
    );
    put(
        &f,
        Dataset::AppConsentRequests,
        serde_json::json!({"id": "req-1", "appId": "app-x", "appDisplayName": "Timesheets",
            "pendingScopes": [{"displayName": "Calendars.ReadWrite"}]}),
    );
    put(
        &f,
        Dataset::AppConsentRequests,
        serde_json::json!({"id": "req-2", "appId": "app-y", "appDisplayName": "Done", "pendingScopes": []}),
    );
    f.mark_read(&POLICY_DATASETS);
    let list = report(&f);
    assert_eq!(
        impacted_ids(&list, "userConsentAllowed"),
        ["authorizationPolicy"]
    );
    assert!(
        evidence(of(&list, "userConsentAllowed"), "authorizationPolicy")[0]
            .1
            .starts_with("microsoft-user-default-legacy: users consent to any app")
    );
    assert_eq!(
        impacted_ids(&list, "usersCanRegisterApps"),
        ["authorizationPolicy"]
    );
    assert_eq!(
        evidence(
            of(&list, "adminConsentWorkflowDisabled"),
            "adminConsentRequestPolicy"
        )[0]
        .1,
        "on, but no reviewer is named: requests reach nobody"
    );
    assert_eq!(impacted_ids(&list, "pendingConsentRequests"), ["req-1"]);
    let weak = of(&list, "appManagementPolicyWeak");
    let gaps = evidence(weak, "00000000-0000-0000-0000-000000000000");
    assert_eq!(
        gaps.len(),
        5,
        "disabled, secrets, two lifetimes, custom count: {gaps:?}"
    );
    assert_eq!(weak.impacted[0].resource_type, "policy");
    assert!(weak.peer_checks.iter().any(|p| p == "ScubaGear MS.AAD.5.5"));
    for kind in [
        "userConsentAllowed",
        "appManagementPolicyWeak",
        "pendingConsentRequests",
    ] {
        assert!(of(&list, kind).missing_data.is_none(), "{kind}");
    }

    // Strict: low-risk consent only, no app registration, a workflow with reviewers, secrets
    // blocked and lifetimes within the baselines.
    put(
        &f,
        Dataset::AuthorizationPolicy,
        serde_json::json!({"id": "authorizationPolicy", "defaultUserRolePermissions": {
            "allowedToCreateApps": false,
            "permissionGrantPoliciesAssigned": ["ManagePermissionGrantsForSelf.microsoft-user-default-low"]}}),
    );
    put(
        &f,
        Dataset::AdminConsentRequestPolicy,
        serde_json::json!({"isEnabled": true, "requestDurationInDays": 30,
            "reviewers": [{"query": "/groups/g1/transitiveMembers", "queryType": "MicrosoftGraph", "queryRoot": null}]}),
    );
    put(
        &f,
        Dataset::DefaultAppManagementPolicy,
        serde_json::json!({"id": "00000000-0000-0000-0000-000000000000", "isEnabled": true,
        "applicationRestrictions": {
            "passwordCredentials": [
                {"restrictionType": "passwordAddition", "state": "enabled", "maxLifetime": null},
                {"restrictionType": "passwordLifetime", "maxLifetime": "P180D"}
            ],
            "keyCredentials": [{"restrictionType": "asymmetricKeyLifetime", "state": "enabled", "maxLifetime": "P1Y"}]
        }}),
    );
    let list = report(&f);
    for kind in [
        "userConsentAllowed",
        "usersCanRegisterApps",
        "adminConsentWorkflowDisabled",
        "appManagementPolicyWeak",
    ] {
        assert_eq!(of(&list, kind).impacted_total, 0, "{kind}");
    }

    // A restriction switched off does not count.
    put(
        &f,
        Dataset::DefaultAppManagementPolicy,
        serde_json::json!({"id": "00000000-0000-0000-0000-000000000000", "isEnabled": true,
        "applicationRestrictions": {
            "passwordCredentials": [
                {"restrictionType": "passwordAddition", "state": "disabled", "maxLifetime": null},
                {"restrictionType": "passwordLifetime", "maxLifetime": "P2Y"}
            ],
            "keyCredentials": [{"restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P90D"}]
        }}),
    );
    let list = report(&f);
    let gaps: Vec<String> = evidence(
        of(&list, "appManagementPolicyWeak"),
        "00000000-0000-0000-0000-000000000000",
    )
    .into_iter()
    .map(|(_, v)| v)
    .collect();
    assert_eq!(
        gaps,
        [
            "client secrets can still be added to apps (no passwordAddition restriction)",
            "secrets may live 730 days (more than 180)",
            "0 enabled (each applies only to the apps assigned to it)",
        ]
    );
}

#[test]
fn a_second_owner_settles_single_owner_apps_and_evidence_names_the_one() {
    let mut f = Fx::new();
    f.app("solo", -400, true, |_| {});
    f.app("pair", -400, true, |_| {});
    f.owned_by_automation("pair");
    f.mark_read(&[Dataset::Owners]);
    let list = report(&f);
    assert_eq!(impacted_ids(&list, "singleOwnerApps"), ["solo"]);
    assert_eq!(
        evidence(of(&list, "singleOwnerApps"), "solo")[0],
        ("Owner".to_string(), "Alice Admin".to_string())
    );
    assert_eq!(
        of(&list, "singleOwnerApps").peer_checks,
        ["ZTA 21867", "ZTA 24518"]
    );
}

#[test]
fn object_settings_are_judged_and_rows_without_them_are_not_determined() {
    let mut f = Fx::new();
    f.app("unsafe", -400, true, |a| {
        a.redirect_uris = Some(vec![
            "https://unsafe.contoso.com/signin-oidc".into(),
            "http://localhost:5000/cb".into(),
            "https://unsafe.azurewebsites.net/.auth/login/aad/callback".into(),
        ]);
    });
    f.app("safe", -400, true, |a| {
        a.redirect_uris = Some(vec!["https://safe.contoso.com/signin-oidc".into()]);
    });
    // Written before the setting was read.
    f.app("old", -400, true, |a| a.redirect_uris = None);
    f.app("multi-open", -400, true, |a| {
        a.sign_in_audience = Some("AzureADMultipleOrgs".into());
        a.instance_lock = Some(false);
    });
    f.app("multi-locked", -400, true, |a| {
        a.sign_in_audience = Some("AzureADMultipleOrgs".into());
        a.instance_lock = Some(true);
    });
    f.sp("sp-vendor-open", -400, |sp| {
        sp.app_owner_organization_id = Some(VENDOR.into());
        sp.app_role_assignment_required = Some(false);
        sp.reply_urls = Some(vec!["http://sso.vendor.example.com/acs".into()]);
    });
    f.sp("sp-vendor-closed", -400, |sp| {
        sp.app_owner_organization_id = Some(VENDOR.into());
    });
    f.sp("sp-azure-cli", -400, |sp| {
        sp.app_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46".into();
        sp.app_owner_organization_id = Some("f8cdef31-a31e-4b4a-93e4-5f571e91255a".into());
        sp.app_role_assignment_required = Some(false);
    });
    f.sp("sp-teams", -400, |sp| {
        sp.app_owner_organization_id = Some("f8cdef31-a31e-4b4a-93e4-5f571e91255a".into());
        sp.app_role_assignment_required = Some(false);
    });
    steward_core::store::owners::upsert_owner(
        &f.conn,
        f.key,
        &steward_core::model::Owner {
            object_id: "safe".into(),
            owner_id: "user-guest".into(),
            owner_type: "user".into(),
            display_name: "Pat Partner".into(),
            relation: steward_core::model::OwnerRelation::Owner,
            user_type: Some("Guest".into()),
        },
    )
    .unwrap();
    f.mark_read(&[Dataset::Owners]);
    let list = report(&f);

    let redirect = of(&list, "unsafeRedirectUri");
    let mut ids = impacted_ids(&list, "unsafeRedirectUri");
    ids.sort();
    assert_eq!(ids, ["sp-vendor-open", "unsafe"]);
    let why = &evidence(redirect, "unsafe")[0].1;
    assert!(
        why.contains("azurewebsites.net") && !why.contains("localhost"),
        "{why}"
    );
    assert_eq!(redirect.undetermined_total, 1, "the app written without it");
    assert!(redirect
        .undetermined_reason
        .as_deref()
        .unwrap()
        .starts_with("Not read"));
    assert_eq!(impacted_ids(&list, "instanceLockMissing"), ["multi-open"]);
    let mut ids = impacted_ids(&list, "assignmentNotRequired");
    ids.sort();
    assert_eq!(
        ids,
        ["sp-azure-cli", "sp-vendor-open"],
        "not Microsoft's other apps"
    );
    assert_eq!(impacted_ids(&list, "guestOwner"), ["safe"]);
    assert_eq!(of(&list, "guestOwner").undetermined_total, 0);
    assert_eq!(
        evidence(of(&list, "guestOwner"), "safe")[0].1,
        "Pat Partner"
    );
}

#[test]
fn the_admin_s_own_list_beside_the_cache_adds_apps_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fx::at(&dir.path().join("cache.db"));
    f.sp("sp-mailer", -20, |sp| {
        sp.app_id = "0f0f0f0f-1111-4222-8333-444455556666".into();
        sp.display_name = "Bulk Mailer Pro".into();
        sp.app_owner_organization_id = Some(VENDOR.into());
    });
    let list = report(&f);
    assert_eq!(of(&list, "knownMaliciousApp").impacted_total, 0);
    assert!(of(&list, "knownMaliciousApp").missing_data.is_none());

    let file = dir
        .path()
        .join(steward_core::recommendations::ADMIN_LIST_FILE);
    std::fs::write(
        &file,
        r#"[{"appId": "0F0F0F0F-1111-4222-8333-444455556666", "displayName": "Bulk Mailer",
            "reference": "https://intranet.example/advisory/17", "dateAdded": "2026-10-02"}]"#,
    )
    .unwrap();
    let list = report(&f);
    let r = of(&list, "knownMaliciousApp");
    assert_eq!(impacted_ids(&list, "knownMaliciousApp"), ["sp-mailer"]);
    assert_eq!(
        evidence(r, "sp-mailer")[1].1,
        "your own list (known-malicious-apps.json), since 2026-10-02 (https://intranet.example/advisory/17)"
    );

    // A broken list is named, with where and what to do; the shipped list still applies.
    std::fs::write(&file, r#"[{"appId": "not-a-guid"}]"#).unwrap();
    let list = report(&f);
    let r = of(&list, "knownMaliciousApp");
    assert_eq!(r.impacted_total, 0);
    let why = r.missing_data.as_deref().unwrap();
    assert!(
        why.contains("known-malicious-apps.json")
            && why.contains("entry 1 has appId \"not-a-guid\"")
            && why.contains("Fix or remove the file"),
        "{why}"
    );
    std::fs::write(&file, "[{\"appId\": ").unwrap();
    let list = report(&f);
    let why = of(&list, "knownMaliciousApp").missing_data.clone().unwrap();
    assert!(why.contains("line 1, column"), "{why}");
}

#[test]
fn a_user_owner_whose_type_was_never_read_leaves_guest_owner_undetermined() {
    let mut f = Fx::new();
    f.app("unread", -400, false, |_| {});
    steward_core::store::owners::upsert_owner(
        &f.conn,
        f.key,
        &steward_core::model::Owner {
            object_id: "unread".into(),
            owner_id: "user-x".into(),
            owner_type: "user".into(),
            display_name: "Someone".into(),
            relation: steward_core::model::OwnerRelation::Owner,
            user_type: None,
        },
    )
    .unwrap();
    f.mark_read(&[Dataset::Owners]);
    let list = report(&f);
    let r = of(&list, "guestOwner");
    assert_eq!((r.impacted_total, r.undetermined_total), (0, 1));
    assert!(r
        .undetermined_reason
        .as_deref()
        .unwrap()
        .starts_with("Not read"));
}
