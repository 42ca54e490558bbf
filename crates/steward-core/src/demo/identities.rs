//! Applications and service principals, category by category: names, credentials, federated
//! credentials, soft-deleted apps, and the profile of each identity that will sign in.

use chrono::Duration;
use rand::Rng;

use super::access::person_relation;
use super::names::*;
use super::profile::{allocate, Category, Profile, UsedCredential};
use super::{guid, parse_guid, DemoSink, Generator, Progress, HOSTILE_DISPLAY_NAME};
use crate::model::{
    Application, FederatedIdentityCredential, OwnerRelation, ServicePrincipal, Tenant,
    MICROSOFT_TENANTS,
};
use crate::Result;

impl Generator<'_> {
    pub(super) fn identities(
        &mut self,
        sink: &mut dyn DemoSink,
        progress: Progress<'_>,
    ) -> Result<()> {
        sink.tenant(&Tenant {
            id: self.tenant_id.clone(),
            display_name: "Contoso Demo".into(),
            default_domain: Some("contoso-demo.onmicrosoft.com".into()),
            is_demo: true,
            data_as_of: Some(self.opts.as_of),
        })?;
        self.summary.tenant_id = self.tenant_id.clone();
        self.summary.display_name = "Contoso Demo".into();
        let plan = allocate(self.opts.service_principals);
        let total = self.opts.service_principals as u64;
        let mut done = 0u64;
        let mut soft_deleted_left = if self.opts.service_principals >= 20 {
            (self.opts.service_principals / 100).max(1)
        } else {
            0
        };
        for (category, count) in plan {
            for k in 0..count {
                self.identity(sink, category, k, false)?;
                done += 1;
                if done.is_multiple_of(5_000) {
                    progress("service principals", done, total);
                }
                // Soft-deleted apps (own ones) come on top of the active count.
                if category == Category::OwnSingle && soft_deleted_left > 0 && k % 7 == 3 {
                    self.identity(sink, category, count + soft_deleted_left, true)?;
                    soft_deleted_left -= 1;
                }
            }
        }
        progress("service principals", total, total);
        Ok(())
    }

    pub(super) fn identity(
        &mut self,
        sink: &mut dyn DemoSink,
        c: Category,
        k: usize,
        deleted: bool,
    ) -> Result<()> {
        let sp_id: u128 = self.rng.random();
        let app_object: u128 = self.rng.random();
        let app_id: u128 = self.rng.random();
        let created = match c {
            Category::Microsoft => self.days_ago(900, 2500),
            _ if self.rng.random_bool(0.12) => self.days_ago(1, 89),
            _ => self.days_ago(90, 1800),
        };
        let enabled = !self.rng.random_bool(0.03);
        let as_of = self.opts.as_of;
        let deleted_at = deleted.then(|| as_of - Duration::days(self.rng.random_range(1..25)));
        let mut sp = ServicePrincipal {
            id: guid(sp_id),
            app_id: String::new(),
            display_name: String::new(),
            app_display_name: None,
            service_principal_type: "Application".into(),
            app_owner_organization_id: None,
            account_enabled: enabled,
            sign_in_audience: None,
            created_date_time: Some(created),
            deleted_date_time: deleted_at,
            tags: Vec::new(),
            alternative_names: Vec::new(),
            agent_identity_blueprint_id: None,
            disabled_by_microsoft_status: None,
            password_credentials: Vec::new(),
            key_credentials: Vec::new(),
            app_role_assignment_required: Some(false),
            reply_urls: Some(Vec::new()),
            agent_blueprint_principal: false,
        };
        let mut used = UsedCredential::None;
        let mut activity = 0.0f64;
        let mut failure_rate = self.rng.random_range(0.002f32..0.04);
        let mut ca_eligible = false;
        let mut permissions = 0usize;
        // Credentials whose last use Graph's credential report would list: (key id, origin, type, app object).
        let mut reported: Vec<(String, &'static str, &'static str, Option<String>)> = Vec::new();
        match c {
            Category::Microsoft => {
                let (name, id) = if k < MICROSOFT_APPS.len() {
                    let (n, id) = MICROSOFT_APPS[k];
                    (n.to_string(), id.to_string())
                } else {
                    let s = MICROSOFT_SERVICES[k % MICROSOFT_SERVICES.len()];
                    let f = MICROSOFT_FUNCTIONS
                        [(k / MICROSOFT_SERVICES.len()) % MICROSOFT_FUNCTIONS.len()];
                    let round = k / (MICROSOFT_SERVICES.len() * MICROSOFT_FUNCTIONS.len());
                    let name = if round == 0 {
                        format!("Microsoft {s} {f}")
                    } else {
                        format!("Microsoft {s} {f} {}", round + 1)
                    };
                    (name, guid(app_id))
                };
                if k < RESOURCE_COUNT {
                    self.resource_sp.push(sp_id);
                }
                if k == 0 {
                    self.graph_sp = sp_id;
                }
                sp.display_name = name.clone();
                sp.app_display_name = Some(name);
                sp.app_id = id;
                sp.app_owner_organization_id =
                    Some(MICROSOFT_TENANTS[(k % 7 == 6) as usize].into());
                sp.sign_in_audience = Some("AzureADMultipleOrgs".into());
                sp.tags = vec!["WindowsAzureActiveDirectoryIntegratedApp".into()];
                // A credential added to a Microsoft app's SP in the tenant: a known backdoor pattern.
                if k == 3 && self.opts.service_principals >= 50 {
                    let secret = self.secret("sync", 0.0);
                    used = UsedCredential::Secret {
                        key: parse_guid(&secret.key_id),
                        expired: false,
                    };
                    sp.password_credentials.push(secret);
                    activity = 2.0;
                } else if self.rng.random_bool(0.03) {
                    activity = self.rng.random_range(0.2..3.0);
                }
            }
            Category::OwnSingle | Category::OwnMulti => {
                let s = SYSTEMS[k % SYSTEMS.len()];
                let p = PURPOSES[(k / SYSTEMS.len()) % PURPOSES.len()];
                let e = ENVIRONMENTS[(k / (SYSTEMS.len() * PURPOSES.len())) % ENVIRONMENTS.len()];
                let round = k / (SYSTEMS.len() * PURPOSES.len() * ENVIRONMENTS.len());
                let prefix = if c == Category::OwnMulti {
                    "contoso-partner"
                } else {
                    "contoso"
                };
                let mut name = format!("{prefix}-{s}-{p}-{e}");
                if round > 0 {
                    name.push_str(&format!("-{}", round + 1));
                }
                if deleted {
                    name = format!("{prefix}-{s}-retired-{k}");
                }
                let audience = if c == Category::OwnMulti {
                    "AzureADMultipleOrgs"
                } else {
                    "AzureADMyOrg"
                };
                sp.display_name = name.clone();
                sp.app_display_name = Some(name.clone());
                sp.app_id = guid(app_id);
                sp.app_owner_organization_id = Some(self.tenant_id.clone());
                sp.sign_in_audience = Some(audience.into());
                sp.tags = vec!["WindowsAzureActiveDirectoryIntegratedApp".into()];
                let mut app = Application {
                    id: guid(app_object),
                    app_id: sp.app_id.clone(),
                    display_name: name,
                    sign_in_audience: Some(audience.into()),
                    publisher_domain: Some("contoso-demo.onmicrosoft.com".into()),
                    created_date_time: Some(created),
                    deleted_date_time: deleted_at,
                    disabled_by_microsoft_status: None,
                    password_credentials: Vec::new(),
                    key_credentials: Vec::new(),
                    federated_identity_credentials: Vec::new(),
                    redirect_uris: Some(demo_redirect_uris(&sp.display_name, k)),
                    // Half of the multitenant apps lock their instances' properties.
                    instance_lock: Some(c == Category::OwnMulti && k.is_multiple_of(2)),
                    agent_blueprint: false,
                    notes: None,
                    tags: Vec::new(),
                };
                let secrets = [0, 1, 1, 1, 2, 2, 3][self.rng.random_range(0..7)];
                for n in 0..secrets {
                    let s = self.secret(["prod", "rotation", "ci", "legacy"][n % 4], 0.15);
                    app.password_credentials.push(s);
                }
                let certs = [0, 0, 0, 1, 1, 2][self.rng.random_range(0..6)];
                for _ in 0..certs {
                    let cert = self.certificate();
                    app.key_credentials.push(cert);
                }
                let fic_roll: f64 = self.rng.random();
                if fic_roll < 0.12 {
                    let repo = REPOSITORIES[self.rng.random_range(0..REPOSITORIES.len())];
                    let env = ["production", "staging"][self.rng.random_range(0..2)];
                    app.federated_identity_credentials
                        .push(FederatedIdentityCredential {
                            id: guid(self.rng.random()),
                            name: format!("github-{repo}-{env}"),
                            issuer: "https://token.actions.githubusercontent.com".into(),
                            subject: Some(format!("repo:contoso/{repo}:environment:{env}")),
                            audiences: vec!["api://AzureADTokenExchange".into()],
                            description: Some(format!(
                                "GitHub Actions deployments of contoso/{repo} to {env}"
                            )),
                        });
                } else if fic_roll < 0.18 {
                    let ns = SYSTEMS[self.rng.random_range(0..SYSTEMS.len())];
                    app.federated_identity_credentials
                        .push(FederatedIdentityCredential {
                            id: guid(self.rng.random()),
                            name: format!("aks-{ns}-workload"),
                            issuer: format!(
                                "https://westeurope.oic.prod-aks.azure.com/{}/{}/",
                                self.tenant_id,
                                guid(self.rng.random())
                            ),
                            subject: Some(format!("system:serviceaccount:{ns}:{ns}-workload")),
                            audiences: vec!["api://AzureADTokenExchange".into()],
                            description: None,
                        });
                }
                // Now and then a secret sits on the service principal instead of the app.
                if self.rng.random_bool(0.05) {
                    let s = self.secret("sp-direct", 0.1);
                    sp.password_credentials.push(s);
                }
                used = self.pick_used(&app, &sp);
                for p in &app.password_credentials {
                    reported.push((
                        p.key_id.clone(),
                        "application",
                        "clientSecret",
                        Some(app.id.clone()),
                    ));
                }
                for k in &app.key_credentials {
                    reported.push((
                        k.key_id.clone(),
                        "application",
                        "certificate",
                        Some(app.id.clone()),
                    ));
                }
                for p in &sp.password_credentials {
                    reported.push((p.key_id.clone(), "servicePrincipal", "clientSecret", None));
                }
                if !deleted && self.rng.random_bool(0.72) {
                    activity = (self.rng.random_range(0.0f64..7.0)).exp();
                }
                if let UsedCredential::Secret { expired: true, .. } = used {
                    failure_rate = 0.9;
                }
                ca_eligible = c == Category::OwnSingle;
                permissions = self.rng.random_range(0..4);
                self.summary.applications += u64::from(!deleted);
                self.summary.soft_deleted_applications += u64::from(deleted);
                self.summary.credentials +=
                    (app.password_credentials.len() + app.key_credentials.len()) as u64;
                self.summary.federated_credentials +=
                    app.federated_identity_credentials.len() as u64;
                sink.application(&app)?;
                if !deleted && self.own_apps.len() < 16 {
                    self.own_apps.push((
                        app.id.clone(),
                        app.app_id.clone(),
                        app.display_name.clone(),
                    ));
                }
                self.owners(sink, &app.id, OwnerRelation::Owner, 0.2)?;
            }
            Category::ThirdParty => {
                let (vendor, product) = VENDORS[k % VENDORS.len()];
                let round = k / VENDORS.len();
                let suffix = SAAS_SUFFIXES[round % SAAS_SUFFIXES.len()];
                let mut name = format!("{product}{suffix}");
                if round >= SAAS_SUFFIXES.len() {
                    name.push_str(&format!(" {}", round / SAAS_SUFFIXES.len() + 1));
                }
                if k == 1 && self.opts.service_principals >= 10 {
                    name = HOSTILE_DISPLAY_NAME.into();
                }
                sp.app_id = guid(app_id);
                // One app attackers are known to use, consented by a user: PerfectData's mailbox export.
                if k == 2 && self.opts.service_principals >= 50 {
                    name = KNOWN_MALICIOUS_APP.0.into();
                    sp.app_id = KNOWN_MALICIOUS_APP.1.into();
                }
                sp.display_name = name.clone();
                sp.app_display_name = Some(name);
                sp.app_owner_organization_id = Some(guid(self.vendor_tenants[k % VENDORS.len()]));
                sp.sign_in_audience = Some("AzureADMultipleOrgs".into());
                sp.tags = vec![
                    "WindowsAzureActiveDirectoryIntegratedApp".into(),
                    format!("vendor:{vendor}"),
                ];
                // A third of the vendors' apps require assignment; one signs in over plain http.
                sp.app_role_assignment_required = Some(k.is_multiple_of(3));
                let host = product.to_lowercase().replace(' ', "-");
                let scheme = if k % 7 == 4 { "http" } else { "https" };
                sp.reply_urls = Some(vec![format!("{scheme}://sso.{host}.example.com/acs")]);
                // SAML apps carry a signing certificate on the service principal.
                if self.rng.random_bool(0.3) {
                    let mut cert = self.certificate();
                    cert.usage = Some("Sign".into());
                    sp.key_credentials.push(cert);
                }
                if self.rng.random_bool(0.6) {
                    activity = (self.rng.random_range(0.0f64..4.0)).exp();
                    used = UsedCredential::Secret {
                        key: self.rng.random(),
                        expired: false,
                    };
                }
                if self.rng.random_bool(0.05) {
                    failure_rate = 0.5; // an app deleted from the vendor's tenant: 700016
                }
                permissions = self.rng.random_range(0..2);
            }
            Category::SystemMi | Category::UserMi => {
                let sub = guid(self.rng.random());
                let system = SYSTEMS[k % SYSTEMS.len()];
                let env = ENVIRONMENTS[(k / SYSTEMS.len()) % ENVIRONMENTS.len()];
                let round = k / (SYSTEMS.len() * ENVIRONMENTS.len());
                let n = if round > 0 {
                    format!("-{:02}", round + 1)
                } else {
                    String::new()
                };
                let (name, resource) = if c == Category::UserMi {
                    let name = format!("id-{system}-{env}{n}");
                    let res = format!(
                        "/subscriptions/{sub}/resourcegroups/rg-{system}-{env}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
                    );
                    (name, res)
                } else {
                    let (short, provider) = AZURE_RESOURCES[k % AZURE_RESOURCES.len()];
                    let name = format!("{short}-{system}-{env}{n}");
                    let res = format!("/subscriptions/{sub}/resourcegroups/rg-{system}-{env}/providers/{provider}/{name}");
                    (name, res)
                };
                sp.display_name = name;
                sp.app_id = guid(app_id);
                sp.service_principal_type = "ManagedIdentity".into();
                sp.alternative_names = vec![
                    format!(
                        "isExplicit={}",
                        if c == Category::UserMi {
                            "True"
                        } else {
                            "False"
                        }
                    ),
                    resource,
                ];
                used = UsedCredential::ManagedIdentity;
                if self.rng.random_bool(0.78) {
                    activity = (self.rng.random_range(1.0f64..8.0)).exp();
                }
                failure_rate = self.rng.random_range(0.0..0.01);
                permissions = self.rng.random_range(0..3);
            }
            Category::Legacy => {
                sp.display_name =
                    format!("Contoso Legacy {} Connector", SYSTEMS[k % SYSTEMS.len()]);
                sp.app_id = guid(app_id);
                sp.service_principal_type = "Legacy".into();
                let s = self.secret("legacy", 0.4);
                reported.push((s.key_id.clone(), "servicePrincipal", "clientSecret", None));
                used = UsedCredential::Secret {
                    key: parse_guid(&s.key_id),
                    expired: s.end_date_time.is_some_and(|e| e <= as_of),
                };
                sp.password_credentials.push(s);
                if self.rng.random_bool(0.5) {
                    activity = self.rng.random_range(0.5..5.0);
                }
            }
            Category::SocialIdp => {
                sp.display_name = ["Google", "Facebook"][k % 2].to_string();
                sp.app_id = guid(app_id);
                sp.service_principal_type = "SocialIdp".into();
            }
            Category::Agent => {
                let purpose = AGENT_PURPOSES[k % AGENT_PURPOSES.len()];
                let round = k / AGENT_PURPOSES.len();
                let tenant = parse_guid(&self.tenant_id);
                let blueprint_app_id = |n: usize| guid(tenant ^ (0xB1 + n as u128));
                sp.tags = vec!["AgenticApp".into()];
                if k < AGENT_BLUEPRINTS {
                    // The first agent slots hold Entra Agent ID's blueprints: the blueprint (an
                    // application) and its principal in this tenant. The second has no owner
                    // and no sponsor (agentBlueprintUngoverned).
                    let name = format!("Contoso {purpose} Agent Blueprint");
                    sp.display_name = name.clone();
                    sp.app_display_name = Some(name.clone());
                    sp.app_id = blueprint_app_id(k);
                    sp.app_owner_organization_id = Some(self.tenant_id.clone());
                    sp.sign_in_audience = Some("AzureADMyOrg".into());
                    sp.agent_blueprint_principal = true;
                    let blueprint = Application {
                        id: guid(app_object),
                        app_id: sp.app_id.clone(),
                        display_name: name,
                        sign_in_audience: Some("AzureADMyOrg".into()),
                        publisher_domain: Some("contoso-demo.onmicrosoft.com".into()),
                        created_date_time: Some(created),
                        deleted_date_time: deleted_at,
                        disabled_by_microsoft_status: None,
                        password_credentials: Vec::new(),
                        key_credentials: Vec::new(),
                        federated_identity_credentials: Vec::new(),
                        redirect_uris: Some(Vec::new()),
                        instance_lock: Some(true),
                        agent_blueprint: true,
                        notes: None,
                        tags: Vec::new(),
                    };
                    if deleted {
                        self.summary.soft_deleted_applications += 1;
                    } else {
                        self.summary.applications += 1;
                    }
                    sink.application(&blueprint)?;
                    if k == 0 {
                        for relation in [OwnerRelation::Owner, OwnerRelation::Sponsor] {
                            person_relation(sink, &self.people, &blueprint.id, relation, k)?;
                        }
                        for relation in [OwnerRelation::Owner, OwnerRelation::Sponsor] {
                            person_relation(sink, &self.people, &sp.id, relation, k)?;
                        }
                    }
                } else {
                    sp.display_name = if round > 0 {
                        format!("Contoso {purpose} Agent {}", round + 1)
                    } else {
                        format!("Contoso {purpose} Agent")
                    };
                    sp.app_id = guid(app_id);
                    sp.service_principal_type = "ServiceIdentity".into();
                    // Made from the two blueprints in turn; every fifth from a blueprint since
                    // deleted, whose principal is gone (agentBlueprintUngoverned).
                    sp.agent_identity_blueprint_id = Some(blueprint_app_id(if k % 5 == 4 {
                        AGENT_BLUEPRINTS
                    } else {
                        k % AGENT_BLUEPRINTS
                    }));
                    // Two in three have a technical owner.
                    if !k.is_multiple_of(3) {
                        person_relation(sink, &self.people, &sp.id, OwnerRelation::Owner, k)?;
                    }
                }
                if self.rng.random_bool(0.6) {
                    activity = (self.rng.random_range(0.0f64..5.0)).exp();
                }
                // An idle agent left disabled in the directory.
                if k >= AGENT_BLUEPRINTS && k % 4 == 3 && activity == 0.0 {
                    sp.account_enabled = false;
                }
                // The sponsors' draws are made for the second blueprint principal too, so that
                // the rest of the tenant stays as it was; only its sponsors are left out.
                if k == 1 {
                    self.draw_people(0.3);
                } else {
                    self.owners(sink, &sp.id, OwnerRelation::Sponsor, 0.3)?;
                }
            }
        }
        self.summary.credentials +=
            (sp.password_credentials.len() + sp.key_credentials.len()) as u64;
        if deleted {
            self.summary.soft_deleted_service_principals += 1;
        } else {
            self.summary.service_principals += 1;
        }
        sink.service_principal(&sp)?;
        if deleted {
            return Ok(());
        }
        self.permissions(sink, &sp, permissions)?;
        self.roles(sink, &sp, c, k)?;
        self.usage_reports(sink, &sp, activity > 0.0, used, &reported)?;
        if activity > 0.0 {
            let places = (0..self.rng.random_range(1..=3))
                .map(|_| {
                    (
                        self.rng.random_range(0..LOCATIONS.len()) as u8,
                        self.rng.random::<u16>(),
                    )
                })
                .collect();
            let resources = (0..self.rng.random_range(1..=3))
                .map(|_| self.rng.random_range(0..RESOURCE_COUNT) as u8)
                .collect();
            self.profiles.push(Profile {
                sp_id,
                app_id: parse_guid(&sp.app_id),
                name: sp.display_name.clone().into_boxed_str(),
                managed: matches!(c, Category::SystemMi | Category::UserMi),
                places,
                resources,
                credential: used,
                failure_rate,
                ca_eligible,
            });
            self.weights.push(activity);
        }
        Ok(())
    }
}

/// An own app's redirect URIs: its sign-in page, and for some an address the peer checks flag (a
/// shared-host domain open to takeover, plain http, a wildcard) or a loopback one for a native
/// client, which is fine.
fn demo_redirect_uris(name: &str, k: usize) -> Vec<String> {
    let mut uris = vec![format!("https://{name}.contoso.com/signin-oidc")];
    match k % 9 {
        1 => uris.push(format!(
            "https://{name}.azurewebsites.net/.auth/login/aad/callback"
        )),
        2 => uris.push("http://localhost:5000/callback".into()),
        4 => uris.push(format!("http://{name}.contoso.com/callback")),
        7 => uris.push("https://*.contoso.com/callback".into()),
        _ => {}
    }
    uris
}
