//! A hand-built tenant with known answers: every recommendation type and every license bucket
//! appears exactly where the fixture put it, and the threshold edges (89 vs 91 days, 29 vs 31)
//! fall on the documented side. Fixed instants only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use steward_core::licensing::{self, PlanSettings, Scenario, ScenarioBasis, ScopeReason};
use steward_core::model::*;
use steward_core::recommendations::{
    self, RecommendationSettings, RecommendationStatus, StatusChange,
};
use steward_core::store::insights;

#[path = "fixture.rs"]
mod fixture;
use fixture::*;

#[test]
fn every_recommendation_type_appears_exactly_where_the_fixture_put_it() {
    let f = fixture();
    let got = found(&f);
    let want: BTreeMap<&str, BTreeSet<String>> = [
        ("applicationCredentialExpiry", set(&["expiring/exp-29"])),
        ("servicePrincipalKeyExpiry", set(&["appid-saml/saml-sign"])),
        ("staleApps", set(&["stale-91"])),
        ("staleAppCreds", set(&["creds/cred-31"])),
        (
            "credentialOnMicrosoftApp",
            set(&["sp-ms-backdoor/ms-secret"]),
        ),
        ("privilegedWithSecret", set(&["sp-priv-secret"])),
        ("privilegedUnused", set(&["sp-mi-idle"])),
        ("federatedSubjectMismatch", set(&["fic"])),
        (
            "credentialsOnServicePrincipal",
            set(&["sp-sp-direct/direct-key"]),
        ),
        ("longLivedSecrets", set(&["long-secret/life-181"])),
        ("longLivedCertificates", set(&["long-cert/cert-366"])),
        ("multipleActiveSecrets", set(&["many"])),
        ("disabledWithCredentials", set(&["sp-disabled"])),
        ("ownerlessApps", set(&["ownerless"])),
        ("agentWithoutSponsor", set(&["sp-agent-alone"])),
        // Neither agent names its blueprint, and neither has an owner.
        (
            "agentBlueprintUngoverned",
            set(&["sp-agent-alone", "sp-agent-sponsored"]),
        ),
        // The checks that answer other tools have their own objects in `peer_fixture`; the
        // base fixture holds two Tier-0 holders, one of them owned by a user.
        ("privilegedAppUserOwners", set(&["sp-priv-secret"])),
        ("highRiskDelegatedGrant", set(&[])),
        ("knownMaliciousApp", set(&[])),
        ("tier0Holder", set(&["sp-mi-idle", "sp-priv-secret"])),
        // The tenant-wide checks read the tenant's policies, which the base fixture has not:
        // they are not determined (tests/peer_checks.rs).
        ("userConsentAllowed", set(&[])),
        ("usersCanRegisterApps", set(&[])),
        ("adminConsentWorkflowDisabled", set(&[])),
        ("pendingConsentRequests", set(&[])),
        ("appManagementPolicyWeak", set(&[])),
        // So do the conditional access coverage checks (tests/peer_checks_ca_agents.rs).
        ("conditionalAccessBlocksRiskyIdentitiesMissing", set(&[])),
        ("credentialsOutsideLocationPolicy", set(&[])),
        // The settings checks have their own tenant in tests/peer_checks.rs.
        ("unsafeRedirectUri", set(&[])),
        ("instanceLockMissing", set(&[])),
        ("assignmentNotRequired", set(&[])),
        ("guestOwner", set(&[])),
        (
            "clientSecrets",
            set(&[
                "creds",
                "disabled",
                "expiring",
                "healthy",
                "long-secret",
                "many",
                "priv-secret",
                "sp-sp-direct",
            ]),
        ),
        ("certificateRotationDue", set(&["long-cert/cert-366"])),
        // Every app of the fixture is Alice's alone, but the ownerless one.
        (
            "singleOwnerApps",
            set(&[
                "creds",
                "disabled",
                "expiring",
                "fic",
                "healthy",
                "long-cert",
                "long-secret",
                "many",
                "priv-secret",
                "proxy",
                "sp-direct",
                "stale-91",
                "used-89",
                "young-89",
            ]),
        ),
    ]
    .into_iter()
    .collect();
    for (kind, ids) in &want {
        assert_eq!(got.get(*kind), Some(ids), "{kind}");
    }
    assert_eq!(
        got.len(),
        want.len(),
        "no recommendation type beyond the known ones"
    );
}

#[test]
fn evidence_names_the_dates_and_thresholds_and_owners_come_along() {
    let f = fixture();
    let report = recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    let stale = report
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "staleApps")
        .unwrap();
    let r = &stale.impacted[0];
    assert_eq!(r.owners, vec!["Alice Admin".to_string()]);
    let text: Vec<String> = r
        .evidence
        .iter()
        .map(|e| format!("{}: {}", e.label, e.value))
        .collect();
    assert!(
        text.iter()
            .any(|t| t == "Created: 2026-03-02 (91 days ago)"),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("Last successful sign-in (cached log): none since 2026-01-02")),
        "{text:?}"
    );
    assert!(r.portal_url.starts_with("https://entra.microsoft.com/"));
    assert_eq!(r.service_principal_id.as_deref(), Some("sp-stale-91"));
}

#[test]
fn without_enough_history_unused_is_undetermined_never_unused() {
    let mut f = Fx::new();
    f.app("quiet", -400, true, |_| {});
    // The log starts only 40 days back and Graph's report is not synced.
    f.healthy_app("busy");
    f.sign_in("sp-busy", -40, None, 0);
    let report = recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    let stale = report
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "staleApps")
        .unwrap();
    assert_eq!(stale.impacted_total, 0);
    assert_eq!(stale.undetermined_total, 1);
    assert_eq!(stale.undetermined[0].id, "quiet");
    assert!(stale
        .undetermined_reason
        .as_deref()
        .unwrap()
        .contains("Not enough history"));

    // With Graph's activity report in the cache, its older last use settles it.
    steward_core::store::datasets::mark_read(
        &f.conn,
        f.key,
        steward_core::dataset::Dataset::ServicePrincipalSignInActivities,
        0,
        steward_core::dataset::DatasetSource::Import,
    )
    .unwrap();
    insights::upsert_sp_activity(
        &f.conn,
        f.key,
        &ServicePrincipalSignInActivity {
            id: None,
            app_id: "appid-quiet".into(),
            last_sign_in: Some(days(-120)),
            application_client: Some(days(-120)),
            application_resource: None,
            delegated_client: None,
            delegated_resource: None,
        },
    )
    .unwrap();
    let got = found(&f);
    assert_eq!(got["staleApps"], set(&["quiet"]));
}

#[test]
fn statuses_persist_postponements_lapse_and_completion_reopens_on_a_new_resource() {
    let f = fixture();
    let settings = RecommendationSettings::default();
    let status_of = |at: DateTime<Utc>, kind: &str| {
        recommendations::recommendations(&f.conn, f.key, HOME, at, &settings, None)
            .unwrap()
            .recommendations
            .into_iter()
            .find(|r| r.recommendation_type == kind)
            .unwrap()
            .status
    };
    recommendations::change_status(
        &f.conn,
        f.key,
        HOME,
        "ownerlessApps",
        &StatusChange::Dismiss,
        as_of(),
        &settings,
    )
    .unwrap();
    assert_eq!(
        status_of(as_of(), "ownerlessApps"),
        RecommendationStatus::Dismissed
    );

    let postpone = StatusChange::Postpone {
        until: "2026-06-10".into(),
    };
    recommendations::change_status(
        &f.conn,
        f.key,
        HOME,
        "staleApps",
        &postpone,
        as_of(),
        &settings,
    )
    .unwrap();
    assert_eq!(
        status_of(as_of(), "staleApps"),
        RecommendationStatus::Postponed
    );
    assert_eq!(
        status_of(days(8), "staleApps"),
        RecommendationStatus::Postponed
    );
    assert_eq!(
        status_of(days(9), "staleApps"),
        RecommendationStatus::Active,
        "active again on the date"
    );
    let past = StatusChange::Postpone {
        until: "2026-05-01".into(),
    };
    let err = recommendations::change_status(
        &f.conn,
        f.key,
        HOME,
        "staleApps",
        &past,
        as_of(),
        &settings,
    )
    .unwrap_err();
    assert!(err.to_string().contains("future date"), "{err}");

    recommendations::change_status(
        &f.conn,
        f.key,
        HOME,
        "agentWithoutSponsor",
        &StatusChange::Complete,
        as_of(),
        &settings,
    )
    .unwrap();
    assert_eq!(
        status_of(as_of(), "agentWithoutSponsor"),
        RecommendationStatus::Completed
    );
    // A new agent without a sponsor reopens it.
    let mut f2 = f;
    f2.sp("sp-agent-new", -5, |sp| {
        sp.service_principal_type = "ServiceIdentity".into()
    });
    let report =
        recommendations::recommendations(&f2.conn, f2.key, HOME, as_of(), &settings, None).unwrap();
    let agents = report
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "agentWithoutSponsor")
        .unwrap();
    assert_eq!(agents.status, RecommendationStatus::Active);

    let err = recommendations::change_status(
        &f2.conn,
        f2.key,
        HOME,
        "noSuchType",
        &StatusChange::Dismiss,
        as_of(),
        &settings,
    )
    .unwrap_err();
    assert!(err.to_string().contains("use one of"), "{err}");
}

#[test]
fn every_license_bucket_counts_exactly_the_fixture() {
    let f = fixture();
    let e = licensing::estimate(&f.conn, f.key, HOME, as_of()).unwrap();
    let b = |k: &str| e.buckets[k];
    // Own-tenant app SPs: healthy, expiring, stale-91, young-89, proxy, used-89, creds,
    // priv-secret, fic, sp-direct, long-secret, long-cert, many, disabled, ownerless.
    assert_eq!(b("ownTenant"), 15);
    assert_eq!(b("thirdParty"), 1);
    assert_eq!(b("microsoft"), 2);
    assert_eq!(b("managedIdentities"), 2);
    assert_eq!(b("managedIdentitiesReviewed"), 0);
    assert_eq!(b("legacy"), 1);
    assert_eq!(b("socialIdp"), 1);
    assert_eq!(b("agentIdentities"), 2);
    assert_eq!(e.billable_identities, 15 + 1 + 1);
    assert_eq!(e.billable_disabled, 1);
    assert_eq!(e.monthly_cost_usd, 17.0 * 3.0);
    assert_eq!(e.bucket_details.iter().filter(|d| d.uncertain).count(), 1);

    // A managed identity in access reviews moves into the counted bucket.
    licensing::set_scope(
        &f.conn,
        f.key,
        HOME,
        "sp-mi-idle",
        ScopeReason::AccessReview,
        true,
    )
    .unwrap();
    let e = licensing::estimate(&f.conn, f.key, HOME, as_of()).unwrap();
    assert_eq!(e.buckets["managedIdentitiesReviewed"], 1);
    assert_eq!(e.buckets["managedIdentities"], 1);
    assert_eq!(e.billable_identities, 18);
    assert_eq!(e.feature_scope.total, 1);
    let err = licensing::set_scope(
        &f.conn,
        f.key,
        HOME,
        "sp-healthy",
        ScopeReason::AccessReview,
        true,
    )
    .unwrap_err();
    assert!(err.to_string().contains("only managed identities"), "{err}");
    licensing::set_scope(
        &f.conn,
        f.key,
        HOME,
        "sp-healthy",
        ScopeReason::Picked,
        true,
    )
    .unwrap();
    let e = licensing::estimate(&f.conn, f.key, HOME, as_of()).unwrap();
    assert_eq!((e.feature_scope.picked, e.feature_scope.total), (1, 2));
    let candidates = licensing::review_candidates(&f.conn, f.key).unwrap();
    assert_eq!(
        candidates.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        vec!["sp-mi-idle"]
    );
    assert!(candidates[0].reviewed);
}

#[test]
fn the_planner_prices_scenarios_with_trial_and_growth() {
    let f = fixture();
    let e = licensing::estimate(&f.conn, f.key, HOME, as_of()).unwrap();
    let mut s = PlanSettings::defaults();
    let plan = licensing::plan(&e, &s, as_of()).unwrap();
    let full = &plan.results[0];
    assert_eq!(full.identities, Some(17));
    assert_eq!(full.monthly_cost, Some(51.0));
    assert_eq!(full.annual_cost, Some(612.0));
    assert_eq!(
        full.horizons.iter().map(|h| h.total).collect::<Vec<_>>(),
        vec![612.0, 1224.0, 1836.0]
    );
    // Unused billable SPs, created over 90 days ago: stale-91, proxy, sp-direct (its SP signs
    // in with an SP secret... but was used), so stale-91 and proxy.
    assert_eq!(plan.results[1].identities, Some(15));

    s.price = 4.5;
    s.trial_start = Some("2026-06-01".into());
    s.scenarios.push(Scenario {
        name: "Plus the new platform".into(),
        basis: ScenarioBasis::FullCoverage,
        adjustment: 9,
    });
    let plan = licensing::plan(&e, &s, as_of()).unwrap();
    let full = &plan.results[0];
    assert_eq!(full.monthly_cost, Some(76.5));
    assert_eq!(
        (plan.full_coverage_monthly, plan.feature_scoped_monthly),
        (76.5, e.feature_scope.total as f64 * 4.5),
        "the headline's monthly costs at the plan's price, before any trial"
    );
    // 90 trial days are free: about 2.96 of the first 12 months.
    let first_year = full.annual_cost.unwrap();
    assert!(
        (first_year - 76.5 * (12.0 - 90.0 / (365.25 / 12.0))).abs() < 0.05,
        "{first_year}"
    );
    assert_eq!(plan.results[3].identities, Some(26));
    assert_eq!(plan.trial_end.as_deref(), Some("2026-08-30T00:00:00Z"));

    s.trial_start = None;
    s.growth_pct = 10.0;
    let plan = licensing::plan(&e, &s, as_of()).unwrap();
    let h = &plan.results[0].horizons;
    assert!(
        h[0].identities_at_end > 17 && h[2].identities_at_end == 23,
        "{h:?}"
    );

    s.price = -1.0;
    assert!(licensing::plan(&e, &s, as_of()).is_err());
    assert!(licensing::save_settings(&f.conn, f.key, &s).is_err());
    assert_eq!(
        licensing::load_settings(&f.conn, f.key).unwrap(),
        PlanSettings::defaults(),
        "nothing written"
    );
    s.price = 2.0;
    licensing::save_settings(&f.conn, f.key, &s).unwrap();
    assert_eq!(licensing::load_settings(&f.conn, f.key).unwrap(), s);
}

#[test]
fn entra_synced_recommendations_sit_beside_steward_and_keep_their_source() {
    let f = fixture();
    let rec = |kind: &str, status: &str| DirectoryRecommendation {
        id: format!("{HOME}_{kind}"),
        recommendation_type: kind.into(),
        display_name: format!("Entra: {kind}"),
        status: status.into(),
        priority: "medium".into(),
        insights: Some("Entra says so.".into()),
        benefits: None,
        action_steps: vec!["Do the thing.".into()],
        last_checked_date_time: Some(days(-1)),
        postpone_until_date_time: None,
    };
    let resource = |kind: &str, id: &str, status: &str| DirectoryImpactedResource {
        id: id.into(),
        recommendation_id: format!("{HOME}_{kind}"),
        subject_id: Some(format!("appid-{id}")),
        resource_type: Some("application".into()),
        display_name: "<b>hostile</b> app".into(),
        status: status.into(),
        added_date_time: Some(days(-5)),
        portal_url: Some("javascript:alert(1)".into()),
        additional_details: vec![("Library".into(), "ADAL.Net".into())],
    };
    insights::upsert_directory_recommendation(
        &f.conn,
        f.key,
        &rec("adalToMsalMigration", "active"),
    )
    .unwrap();
    for (id, status) in [
        ("adal-1", "active"),
        ("adal-2", "active"),
        ("adal-3", "completedBySystem"),
    ] {
        insights::upsert_directory_impacted_resource(
            &f.conn,
            f.key,
            &resource("adalToMsalMigration", id, status),
        )
        .unwrap();
    }
    insights::upsert_directory_recommendation(
        &f.conn,
        f.key,
        &rec("applicationCredentialExpiry", "active"),
    )
    .unwrap();
    insights::upsert_directory_impacted_resource(
        &f.conn,
        f.key,
        &resource("applicationCredentialExpiry", "expiring", "active"),
    )
    .unwrap();
    insights::upsert_directory_recommendation(
        &f.conn,
        f.key,
        &rec("overprivilegedApps", "dismissed"),
    )
    .unwrap();

    let report = recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    let get = |t: &str| {
        report
            .recommendations
            .iter()
            .filter(|r| r.recommendation_type == t)
            .collect::<Vec<_>>()
    };
    let adal = get("adalToMsalMigration");
    assert_eq!(adal.len(), 1);
    assert_eq!(
        adal[0].source,
        recommendations::RecommendationSource::EntraSynced
    );
    assert_eq!(
        adal[0].impacted_total, 2,
        "completed resources are not impacted"
    );
    assert!(
        adal[0].impacted[0]
            .portal_url
            .starts_with("https://entra.microsoft.com/"),
        "a non-https link from outside is replaced"
    );
    assert!(adal[0].impacted[0]
        .evidence
        .iter()
        .any(|e| e.label == "Library" && e.value == "ADAL.Net"));
    // Entra's own verdict on a type Steward computes is shown on Steward's row, not as a second one.
    let expiry = get("applicationCredentialExpiry");
    assert_eq!(expiry.len(), 1);
    assert_eq!(
        expiry[0].source,
        recommendations::RecommendationSource::EntraRule
    );
    let entra = expiry[0].entra.as_ref().expect("Entra's view");
    assert_eq!((entra.status.as_str(), entra.impacted_total), ("active", 1));
    assert_eq!(
        get("overprivilegedApps")[0].status,
        RecommendationStatus::Dismissed
    );

    // The admin's decision on a synced type is kept locally like any other.
    recommendations::change_status(
        &f.conn,
        f.key,
        HOME,
        "adalToMsalMigration",
        &StatusChange::Dismiss,
        as_of(),
        &RecommendationSettings::default(),
    )
    .unwrap();
    let report = recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    let adal = report
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "adalToMsalMigration")
        .unwrap();
    assert_eq!(adal.status, RecommendationStatus::Dismissed);
}
