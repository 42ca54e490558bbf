//! A hand-built tenant with known answers: every recommendation type and every license bucket
//! appears exactly where the fixture put it, and the threshold edges (89 vs 91 days, 29 vs 31)
//! fall on the documented side. Fixed instants only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::licensing::{self, PlanSettings, Scenario, ScenarioBasis, ScopeReason};
use steward_core::model::*;
use steward_core::recommendations::{
    self, RecommendationSettings, RecommendationStatus, StatusChange,
};
use steward_core::store::sign_ins::SignInWriter;
use steward_core::store::{
    app_role_assignments, applications, directory_roles, insights, open_in_memory, owners,
    service_principals, tenants, TenantKey,
};

const HOME: &str = "11111111-1111-4111-8111-111111111111";
const VENDOR: &str = "22222222-2222-4222-8222-222222222222";
const MICROSOFT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-06-01T00:00:00Z").unwrap()
}

fn days(n: i64) -> DateTime<Utc> {
    as_of() + Duration::days(n)
}

struct Fx {
    conn: Connection,
    key: TenantKey,
    writer: SignInWriter,
    n: u32,
}

fn secret(key_id: &str, start: i64, end: i64) -> PasswordCredential {
    PasswordCredential {
        key_id: key_id.into(),
        display_name: Some(format!("secret {key_id}")),
        hint: Some("abc".into()),
        start_date_time: Some(days(start)),
        end_date_time: Some(days(end)),
    }
}

fn cert(key_id: &str, start: i64, end: i64, usage: &str) -> KeyCredential {
    KeyCredential {
        key_id: key_id.into(),
        display_name: Some(format!("CN={key_id}")),
        key_type: Some("AsymmetricX509Cert".into()),
        usage: Some(usage.into()),
        custom_key_identifier: Some(format!("THUMB-{key_id}")),
        start_date_time: Some(days(start)),
        end_date_time: Some(days(end)),
    }
}

impl Fx {
    fn new() -> Fx {
        let conn = open_in_memory().unwrap();
        let key = tenants::upsert_tenant(
            &conn,
            &Tenant {
                id: HOME.into(),
                display_name: "Fixture".into(),
                default_domain: None,
                is_demo: false,
                data_as_of: Some(as_of()),
            },
            false,
        )
        .unwrap();
        Fx {
            conn,
            key,
            writer: SignInWriter::new(key),
            n: 0,
        }
    }

    /// An own-tenant app registration with its SP `sp-<id>`, owned by Alice unless `owned` is false.
    fn app(&mut self, id: &str, created: i64, owned: bool, edit: impl FnOnce(&mut Application)) {
        let mut app = Application {
            id: id.into(),
            app_id: format!("appid-{id}"),
            display_name: id.into(),
            sign_in_audience: Some("AzureADMyOrg".into()),
            publisher_domain: None,
            created_date_time: Some(days(created)),
            deleted_date_time: None,
            disabled_by_microsoft_status: None,
            password_credentials: vec![],
            key_credentials: vec![],
            federated_identity_credentials: vec![],
        };
        edit(&mut app);
        applications::upsert_application(&self.conn, self.key, &app).unwrap();
        if owned {
            self.owner(id, OwnerRelation::Owner);
        }
        let app_id = app.app_id.clone();
        self.sp(&format!("sp-{id}"), created, |sp| {
            sp.app_id = app_id;
            sp.app_owner_organization_id = Some(HOME.into());
            sp.sign_in_audience = Some("AzureADMyOrg".into());
        });
    }

    fn sp(&mut self, id: &str, created: i64, edit: impl FnOnce(&mut ServicePrincipal)) {
        let mut sp = ServicePrincipal {
            id: id.into(),
            app_id: format!("appid-{id}"),
            display_name: id.into(),
            app_display_name: None,
            service_principal_type: "Application".into(),
            app_owner_organization_id: None,
            account_enabled: true,
            sign_in_audience: None,
            created_date_time: Some(days(created)),
            deleted_date_time: None,
            tags: vec![],
            alternative_names: vec![],
            agent_identity_blueprint_id: None,
            disabled_by_microsoft_status: None,
            password_credentials: vec![],
            key_credentials: vec![],
        };
        edit(&mut sp);
        service_principals::upsert_service_principal(&self.conn, self.key, HOME, &sp).unwrap();
    }

    fn owner(&mut self, object: &str, relation: OwnerRelation) {
        owners::upsert_owner(
            &self.conn,
            self.key,
            &Owner {
                object_id: object.into(),
                owner_id: "user-alice".into(),
                owner_type: "user".into(),
                display_name: "Alice Admin".into(),
                relation,
            },
        )
        .unwrap();
    }

    fn sign_in(&mut self, sp: &str, at: i64, key: Option<&str>, code: i64) {
        self.n += 1;
        let s = SignIn {
            id: format!("00000000-0000-4000-8000-{:012x}", self.n),
            created_date_time: days(at),
            sign_in_event_type: "servicePrincipal".into(),
            service_principal_id: sp.into(),
            service_principal_name: Some(sp.into()),
            app_id: None,
            resource_id: Some(MICROSOFT_GRAPH_APP_ID.into()),
            resource_service_principal_id: Some("sp-graph".into()),
            resource_display_name: Some("Microsoft Graph".into()),
            ip_address: Some("20.1.2.3".into()),
            city: None,
            state: None,
            country_or_region: Some("NL".into()),
            error_code: code,
            failure_reason: None,
            client_credential_type: Some(
                if key.is_some() {
                    "clientSecret"
                } else {
                    "none"
                }
                .into(),
            ),
            service_principal_credential_key_id: key.map(Into::into),
            service_principal_credential_thumbprint: None,
            federated_credential_id: None,
            conditional_access_status: Some("notApplied".into()),
        };
        self.writer.insert(&self.conn, &s).unwrap();
        self.writer.flush(&self.conn).unwrap();
    }

    fn role(&mut self, principal: &str, name: &str, privileged: bool) {
        self.n += 1;
        directory_roles::upsert_role_assignment(
            &self.conn,
            self.key,
            &DirectoryRoleAssignment {
                id: format!("role-{}", self.n),
                principal_id: principal.into(),
                role_definition_id: "62e90394-69f5-4237-9190-012177145e10".into(),
                role_display_name: name.into(),
                directory_scope_id: "/".into(),
                is_privileged: privileged,
                assignment_type: "active".into(),
            },
        )
        .unwrap();
    }

    fn permission(&mut self, principal: &str, permission: &str) {
        self.n += 1;
        app_role_assignments::upsert_app_role_assignment(
            &self.conn,
            self.key,
            &AppRoleAssignment {
                id: format!("perm-{}", self.n),
                principal_id: principal.into(),
                resource_id: "sp-graph".into(),
                resource_display_name: "Microsoft Graph".into(),
                app_role_id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9".into(),
                permission: Some(permission.into()),
                created_date_time: Some(days(-300)),
            },
        )
        .unwrap();
    }

    /// An innocent app: owned, 160-day secret in use, signed in yesterday.
    fn healthy_app(&mut self, id: &str) {
        let k = format!("key-{id}");
        let kk = k.clone();
        self.app(id, -400, true, |a| {
            a.password_credentials = vec![secret(&kk, -100, 60)]
        });
        self.sign_in(&format!("sp-{id}"), -1, Some(&k), 0);
    }
}

/// The fixture tenant. Every object is named for the one finding it should produce.
fn fixture() -> Fx {
    let mut f = Fx::new();
    // The cached log starts 150 days before as-of: verdicts over 90 days are covered.
    f.sp("sp-graph", -2000, |sp| {
        sp.app_id = MICROSOFT_GRAPH_APP_ID.into();
        sp.app_owner_organization_id = Some(MICROSOFT.into());
    });
    f.healthy_app("healthy");
    f.sign_in("sp-healthy", -150, None, 0);

    // applicationCredentialExpiry: 29 days ahead is in; 31 days ahead is out; expired is out.
    f.app("expiring", -400, true, |a| {
        a.password_credentials = vec![
            secret("exp-29", -100, 29),
            secret("exp-31", -100, 31),
            secret("exp-past", -170, -1),
        ]
    });
    for k in ["exp-29", "exp-31"] {
        f.sign_in("sp-expiring", -1, Some(k), 0);
    }

    // servicePrincipalKeyExpiry: a SAML app of a vendor, signing certificate ending in 20 days.
    f.sp("sp-saml", -500, |sp| {
        sp.app_id = "appid-saml".into();
        sp.app_owner_organization_id = Some(VENDOR.into());
        sp.key_credentials = vec![cert("saml-sign", -300, 20, "Sign")];
    });
    f.sign_in("sp-saml", -2, None, 0);

    // staleApps: 91 days old and never used is stale; 89 days old is exempt; an App Proxy app is
    // exempt; an app used 89 days ago is fine.
    f.app("stale-91", -91, true, |_| {});
    f.app("young-89", -89, true, |_| {});
    f.app("proxy", -500, true, |_| {});
    f.sp("sp-proxy", -500, |sp| {
        sp.app_id = "appid-proxy".into();
        sp.app_owner_organization_id = Some(HOME.into());
        sp.tags = vec!["WindowsAzureActiveDirectoryOnPremApp".into()];
    });
    f.app("used-89", -500, true, |_| {});
    f.sign_in("sp-used-89", -89, None, 0);

    // staleAppCreds: last used 31 days ago is stale; 29 days ago is fine; added 10 days ago is
    // too new to judge.
    f.app("creds", -500, true, |a| {
        a.password_credentials = vec![secret("cred-31", -100, 60), secret("cred-29", -100, 60)];
        a.key_credentials = vec![cert("cred-new", -10, 60, "Verify")];
    });
    f.sign_in("sp-creds", -31, Some("cred-31"), 0);
    f.sign_in("sp-creds", -29, Some("cred-29"), 0);
    f.sign_in("sp-creds", -1, None, 0);

    // credentialOnMicrosoftApp.
    f.sp("sp-ms-backdoor", -2000, |sp| {
        sp.app_owner_organization_id = Some(MICROSOFT.into());
        sp.password_credentials = vec![secret("ms-secret", -100, 60)];
    });
    f.sign_in("sp-ms-backdoor", -1, Some("ms-secret"), 0);

    // privilegedWithSecret: Global Administrator with a client secret, in use.
    f.app("priv-secret", -400, true, |a| {
        a.password_credentials = vec![secret("priv-key", -100, 60)]
    });
    f.sign_in("sp-priv-secret", -1, Some("priv-key"), 0);
    f.role("sp-priv-secret", "Global Administrator", true);
    // A read-only role that is not privileged does not count.
    f.role("sp-healthy", "Directory Readers", false);

    // privilegedUnused: a managed identity with a high-risk permission and no sign-in.
    f.sp("sp-mi-idle", -400, |sp| {
        sp.service_principal_type = "ManagedIdentity".into();
    });
    f.permission("sp-mi-idle", "Application.ReadWrite.All");
    f.sp("sp-mi-busy", -400, |sp| {
        sp.service_principal_type = "ManagedIdentity".into();
        sp.alternative_names = vec!["isExplicit=True".into()];
    });
    f.sign_in("sp-mi-busy", -1, None, 0);
    f.permission("sp-mi-busy", "User.Read.All");

    // federatedSubjectMismatch: AADSTS700213 five days ago.
    f.app("fic", -400, true, |a| {
        a.federated_identity_credentials = vec![FederatedIdentityCredential {
            id: "fic-1".into(),
            name: "github-deploy".into(),
            issuer: "https://token.actions.githubusercontent.com".into(),
            subject: Some("repo:contoso/old-name:environment:production".into()),
            audiences: vec!["api://AzureADTokenExchange".into()],
            description: None,
        }]
    });
    f.sign_in("sp-fic", -1, None, 0);
    f.sign_in("sp-fic", -5, None, 700213);

    // credentialsOnServicePrincipal: a secret on an own app's SP.
    f.app("sp-direct", -400, true, |_| {});
    f.sp("sp-sp-direct", -400, |sp| {
        sp.app_id = "appid-sp-direct".into();
        sp.app_owner_organization_id = Some(HOME.into());
        sp.sign_in_audience = Some("AzureADMyOrg".into());
        sp.password_credentials = vec![secret("direct-key", -100, 60)];
    });
    f.sign_in("sp-sp-direct", -1, Some("direct-key"), 0);

    // longLivedSecrets: 181 days is over the 180-day limit; 180 is not.
    f.app("long-secret", -400, true, |a| {
        a.password_credentials = vec![secret("life-181", -100, 81), secret("life-180", -100, 80)]
    });
    for k in ["life-181", "life-180"] {
        f.sign_in("sp-long-secret", -1, Some(k), 0);
    }
    // longLivedCertificates: 366 days over the 365-day limit.
    f.app("long-cert", -400, true, |a| {
        a.key_credentials = vec![cert("cert-366", -100, 266, "Verify")]
    });
    f.sign_in("sp-long-cert", -1, Some("cert-366"), 0);

    // multipleActiveSecrets: three valid secrets (plus an expired one that does not count).
    f.app("many", -400, true, |a| {
        a.password_credentials = vec![
            secret("many-1", -100, 60),
            secret("many-2", -100, 60),
            secret("many-3", -100, 60),
        ]
    });
    for k in ["many-1", "many-2", "many-3"] {
        f.sign_in("sp-many", -1, Some(k), 0);
    }

    // disabledWithCredentials.
    f.app("disabled", -400, true, |a| {
        a.password_credentials = vec![secret("disabled-key", -100, 60)]
    });
    f.sp("sp-disabled", -400, |sp| {
        sp.app_id = "appid-disabled".into();
        sp.app_owner_organization_id = Some(HOME.into());
        sp.sign_in_audience = Some("AzureADMyOrg".into());
        sp.account_enabled = false;
    });
    f.sign_in("sp-disabled", -1, Some("disabled-key"), 0);

    // ownerlessApps.
    f.app("ownerless", -400, false, |_| {});
    f.sign_in("sp-ownerless", -1, None, 0);

    // agentWithoutSponsor: one without, one with.
    for (id, sponsored) in [("sp-agent-alone", false), ("sp-agent-sponsored", true)] {
        f.sp(id, -30, |sp| {
            sp.service_principal_type = "ServiceIdentity".into()
        });
        if sponsored {
            f.owner(id, OwnerRelation::Sponsor);
        }
    }

    // License buckets not covered above: legacy, social IdP.
    f.sp("sp-legacy", -900, |sp| {
        sp.service_principal_type = "Legacy".into()
    });
    f.sign_in("sp-legacy", -1, None, 0);
    f.sp("sp-social", -900, |sp| {
        sp.service_principal_type = "SocialIdp".into()
    });
    f
}

fn found(f: &Fx) -> BTreeMap<String, BTreeSet<String>> {
    let report = recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    report
        .recommendations
        .into_iter()
        .map(|r| {
            let ids = r
                .impacted
                .iter()
                .map(|i| match &i.credential_key_id {
                    Some(k) => format!("{}/{k}", i.id),
                    None => i.id.clone(),
                })
                .collect();
            (r.recommendation_type, ids)
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

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
