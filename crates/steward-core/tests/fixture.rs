//! The hand-built tenant the insight tests share: its objects, each named for the one finding it
//! should produce, and the helpers that add more. (Its own test target holds no test.)

#![allow(dead_code, clippy::new_without_default)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::dataset::{Dataset, DatasetSource};
use steward_core::model::*;
use steward_core::recommendations::{self, RecommendationSettings};
use steward_core::store::sign_ins::SignInWriter;
use steward_core::store::{
    app_role_assignments, applications, datasets, directory_roles, governance, open_in_memory,
    owners, service_principals, tenants, TenantKey,
};

pub const HOME: &str = "11111111-1111-4111-8111-111111111111";
pub const VENDOR: &str = "22222222-2222-4222-8222-222222222222";
pub const MICROSOFT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

pub fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-06-01T00:00:00Z").unwrap()
}

pub fn days(n: i64) -> DateTime<Utc> {
    as_of() + Duration::days(n)
}

pub struct Fx {
    pub conn: Connection,
    pub key: TenantKey,
    pub writer: SignInWriter,
    pub n: u32,
}

pub fn secret(key_id: &str, start: i64, end: i64) -> PasswordCredential {
    PasswordCredential {
        key_id: key_id.into(),
        display_name: Some(format!("secret {key_id}")),
        hint: Some("abc".into()),
        start_date_time: Some(days(start)),
        end_date_time: Some(days(end)),
    }
}

pub fn cert(key_id: &str, start: i64, end: i64, usage: &str) -> KeyCredential {
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
    pub fn new() -> Fx {
        Fx::over(open_in_memory().unwrap())
    }

    /// The tenant in a cache file at `path` (for what reads files beside the cache).
    pub fn at(path: &std::path::Path) -> Fx {
        Fx::over(steward_core::store::open(path).unwrap())
    }

    fn over(conn: Connection) -> Fx {
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
    pub fn app(
        &mut self,
        id: &str,
        created: i64,
        owned: bool,
        edit: impl FnOnce(&mut Application),
    ) {
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
            redirect_uris: Some(vec![]),
            instance_lock: Some(false),
            agent_blueprint: false,
            notes: None,
            tags: vec![],
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

    pub fn sp(&mut self, id: &str, created: i64, edit: impl FnOnce(&mut ServicePrincipal)) {
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
            app_role_assignment_required: Some(true),
            reply_urls: Some(vec![]),
            agent_blueprint_principal: false,
        };
        edit(&mut sp);
        service_principals::upsert_service_principal(&self.conn, self.key, HOME, &sp).unwrap();
    }

    pub fn owner(&mut self, object: &str, relation: OwnerRelation) {
        owners::upsert_owner(
            &self.conn,
            self.key,
            &Owner {
                object_id: object.into(),
                owner_id: "user-alice".into(),
                owner_type: "user".into(),
                display_name: "Alice Admin".into(),
                relation,
                user_type: Some("Member".into()),
            },
        )
        .unwrap();
    }

    pub fn sign_in(&mut self, sp: &str, at: i64, key: Option<&str>, code: i64) {
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

    pub fn role(&mut self, principal: &str, name: &str, privileged: bool) {
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

    pub fn permission(&mut self, principal: &str, permission: &str) {
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

    /// Records `datasets` as read (by an import) for the tenant.
    pub fn mark_read(&mut self, datasets: &[Dataset]) {
        for &d in datasets {
            datasets::mark_read(&self.conn, self.key, d, 0, DatasetSource::Import).unwrap();
        }
    }

    /// A delegated grant to Microsoft Graph (`sp-graph`): for all users, or for one user.
    pub fn grant(&mut self, client: &str, scope: &str, all_users: bool) {
        self.n += 1;
        governance::upsert_grant(
            &self.conn,
            self.key,
            &OAuth2PermissionGrant {
                id: format!("grant-{}", self.n),
                client_id: client.into(),
                consent_type: if all_users {
                    "AllPrincipals"
                } else {
                    "Principal"
                }
                .into(),
                principal_id: (!all_users).then(|| "user-bob".into()),
                resource_id: "sp-graph".into(),
                scope: scope.into(),
            },
        )
        .unwrap();
    }

    /// Makes the automation's service principal an owner of `object`.
    pub fn owned_by_automation(&mut self, object: &str) {
        owners::upsert_owner(
            &self.conn,
            self.key,
            &Owner {
                object_id: object.into(),
                owner_id: "sp-automation".into(),
                owner_type: "servicePrincipal".into(),
                display_name: "deploy-automation".into(),
                relation: OwnerRelation::Owner,
                user_type: None,
            },
        )
        .unwrap();
    }

    /// An innocent app: owned, 160-day secret in use, signed in yesterday.
    pub fn healthy_app(&mut self, id: &str) {
        let k = format!("key-{id}");
        let kk = k.clone();
        self.app(id, -400, true, |a| {
            a.password_credentials = vec![secret(&kk, -100, 60)]
        });
        self.sign_in(&format!("sp-{id}"), -1, Some(&k), 0);
    }
}

/// The fixture tenant. Every object is named for the one finding it should produce.
pub fn fixture() -> Fx {
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

    // Every dataset the checks read beyond the directory (Graph's usage reports aside: the
    // cached log judges use here).
    f.mark_read(&[
        Dataset::Owners,
        Dataset::Sponsors,
        Dataset::AppRoleAssignments,
        Dataset::RoleAssignments,
        Dataset::OAuth2PermissionGrants,
    ]);

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

/// The fixture tenant with the objects of the checks that answer other tools (docs/peer-checks.md),
/// kept apart so that the license counts of the base fixture stay as they are.
pub fn peer_fixture() -> Fx {
    let mut f = fixture();
    // privilegedAppUserOwners: sp-priv-secret of the base fixture (Global Administrator, its
    // app owned by Alice) and sp-delegated below. A privileged app owned only by a service principal is not listed.
    f.app("priv-automation", -400, false, |_| {});
    f.owned_by_automation("priv-automation");
    f.permission("sp-priv-automation", "Application.ReadWrite.All");
    f.sign_in("sp-priv-automation", -1, None, 0);

    // highRiskDelegatedGrant: Directory.ReadWrite.All for all users. The same scope for one
    // user, and low-risk scopes for all users, are not listed.
    for (id, scope, all_users) in [
        (
            "delegated",
            "openid User.Read Directory.ReadWrite.All",
            true,
        ),
        ("delegated-one-user", "Directory.ReadWrite.All", false),
        ("delegated-low", "openid profile User.Read Mail.Read", true),
    ] {
        f.app(id, -400, true, |_| {});
        f.sign_in(&format!("sp-{id}"), -1, None, 0);
        f.grant(&format!("sp-{id}"), scope, all_users);
    }

    // knownMaliciousApp: rclone's service principal, consented by a user.
    f.sp("sp-rclone", -20, |sp| {
        sp.app_id = "b15665d9-eda6-4092-8539-0eec376afd59".into();
        sp.display_name = "rclone".into();
        sp.app_owner_organization_id = Some(VENDOR.into());
    });

    f
}

/// Every recommendation of the tenant at `as_of()` with the default thresholds, all resources.
pub fn report(f: &Fx) -> Vec<recommendations::Recommendation> {
    recommendations::recommendations(
        &f.conn,
        f.key,
        HOME,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap()
    .recommendations
}

pub fn found(f: &Fx) -> BTreeMap<String, BTreeSet<String>> {
    report(f)
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

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}
