//! The deterministic demo tenant: a believable Entra tenant generated from a seed.
//!
//! The same seed, sizes and `as_of` give the same tenant, object for object and sign-in for
//! sign-in. Generation streams into a [`DemoSink`]: identities one by one, then sign-ins day by
//! day in time order, so that 110,000 service principals and 10,000,000 sign-ins fit in bounded
//! memory. [`write_demo`] is the sink that writes the SQLite cache; the Graph simulator can be
//! another.

pub(crate) mod names;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

use crate::model::{
    canonical_json, AppCredentialSignInActivity, AppRoleAssignment, Application,
    ConditionalAccessPolicy, DirectoryAudit, DirectoryImpactedResource, DirectoryRecommendation,
    DirectoryRoleAssignment, FederatedIdentityCredential, KeyCredential, NamedLocation,
    OAuth2PermissionGrant, Owner, OwnerRelation, PasswordCredential, RiskyServicePrincipal,
    RiskyServicePrincipalHistoryItem, ServicePrincipal, ServicePrincipalRiskDetection,
    ServicePrincipalSignInActivity, SignIn, SignInLocation, SubscribedSku, Tenant,
    MICROSOFT_TENANTS, WORKLOAD_ID_SERVICE_PLANS,
};
use crate::store::sign_ins::SignInWriter;
use crate::store::{
    app_role_assignments, applications, directory_roles, governance, insights, owners,
    service_principals, tenants, TenantKey,
};
use crate::{Error, Result};
use names::*;

/// How many days of sign-ins the demo holds, ending at `as_of`.
pub const SIGN_IN_DAYS: i64 = 60;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Exactly this many active service principals (soft-deleted ones come on top).
    pub service_principals: usize,
    /// Exactly this many sign-in events.
    pub sign_ins: u64,
    /// The instant the demo data ends at; credential expiry is spread around it.
    pub as_of: DateTime<Utc>,
}

impl DemoOptions {
    /// The size a first run opens on: small enough to generate in well under a second.
    pub const DEFAULT_SERVICE_PRINCIPALS: usize = 400;
    pub const DEFAULT_SIGN_INS: u64 = 40_000;
    pub const DEFAULT_SEED: u64 = 42;

    pub fn new(as_of: DateTime<Utc>) -> DemoOptions {
        DemoOptions {
            seed: Self::DEFAULT_SEED,
            service_principals: Self::DEFAULT_SERVICE_PRINCIPALS,
            sign_ins: Self::DEFAULT_SIGN_INS,
            as_of,
        }
    }
}

/// What a generation produced.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSummary {
    pub tenant_id: String,
    pub display_name: String,
    pub service_principals: u64,
    pub soft_deleted_service_principals: u64,
    pub applications: u64,
    pub soft_deleted_applications: u64,
    pub credentials: u64,
    pub federated_credentials: u64,
    pub sign_ins: u64,
}

/// Where generated objects go.
pub trait DemoSink {
    fn tenant(&mut self, tenant: &Tenant) -> Result<()>;
    fn application(&mut self, app: &Application) -> Result<()>;
    fn service_principal(&mut self, sp: &ServicePrincipal) -> Result<()>;
    fn owner(&mut self, owner: &Owner) -> Result<()>;
    fn app_role_assignment(&mut self, a: &AppRoleAssignment) -> Result<()>;
    fn directory_role(&mut self, a: &DirectoryRoleAssignment) -> Result<()>;
    fn sign_in(&mut self, s: &SignIn) -> Result<()>;
    /// A row of Graph's servicePrincipalSignInActivities report.
    fn sp_activity(&mut self, a: &ServicePrincipalSignInActivity) -> Result<()>;
    /// A row of Graph's appCredentialSignInActivities report.
    fn credential_activity(&mut self, a: &AppCredentialSignInActivity) -> Result<()>;
    fn sku(&mut self, s: &SubscribedSku) -> Result<()>;
    fn named_location(&mut self, l: &NamedLocation) -> Result<()>;
    fn risky_service_principal(&mut self, r: &RiskyServicePrincipal) -> Result<()>;
    fn risk_history(&mut self, h: &RiskyServicePrincipalHistoryItem) -> Result<()>;
    fn risk_detection(&mut self, d: &ServicePrincipalRiskDetection) -> Result<()>;
    fn directory_recommendation(&mut self, r: &DirectoryRecommendation) -> Result<()>;
    fn directory_impacted_resource(&mut self, r: &DirectoryImpactedResource) -> Result<()>;
    fn oauth2_grant(&mut self, _g: &OAuth2PermissionGrant) -> Result<()> {
        Ok(())
    }
    fn ca_policy(&mut self, _p: &ConditionalAccessPolicy) -> Result<()> {
        Ok(())
    }
    fn directory_audit(&mut self, _a: &DirectoryAudit) -> Result<()> {
        Ok(())
    }
}

/// The Graph datasets a demo tenant holds besides identities and sign-ins.
pub const DEMO_DATASETS: [&str; 7] = [
    crate::recommendations::DIRECTORY_RECOMMENDATIONS_DATASET,
    crate::recommendations::ACTIVITY_REPORT_DATASET,
    crate::recommendations::CREDENTIAL_REPORT_DATASET,
    "subscribedSkus",
    crate::risk::RISKY_SP_DATASET,
    crate::risk::DETECTIONS_DATASET,
    crate::risk::NAMED_LOCATIONS_DATASET,
];

/// Days before `as_of` on which the demo's anomalies happen (inside the default 7-day window).
const ANOMALY_DAYS_AGO: i64 = 3;

/// Where the demo's new-country anomaly signs in from: outside every named location.
const ANOMALY_LOCATION: (&str, &str, &str, [u8; 2]) = ("NG", "Lagos", "Lagos", [102, 89]);

/// What an anomalous demo sign-in does differently from its identity's habits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Anomaly {
    None,
    /// From a country and network outside the tenant's named locations.
    NewCountry,
    /// A token for a resource the identity never called.
    NewResource,
    /// A client secret Steward does not hold, on an identity that used a certificate.
    UnknownSecret,
    /// A burst of wrong-secret failures.
    Burst,
}

/// Progress of a generation, for a progress bar: (what, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// A display name that shows the window renders tenant strings as text, never as markup.
pub const HOSTILE_DISPLAY_NAME: &str = "<img src=x onerror=alert(1)> Partner Sync";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Category {
    Microsoft,
    OwnSingle,
    OwnMulti,
    ThirdParty,
    SystemMi,
    UserMi,
    Legacy,
    SocialIdp,
    Agent,
}

/// Shares of the service principals per category (a majority of Microsoft first-party apps).
const SHARES: &[(Category, f64)] = &[
    (Category::Microsoft, 0.52),
    (Category::OwnSingle, 0.15),
    (Category::OwnMulti, 0.03),
    (Category::ThirdParty, 0.12),
    (Category::SystemMi, 0.09),
    (Category::UserMi, 0.05),
    (Category::Legacy, 0.01),
    (Category::SocialIdp, 0.002),
    (Category::Agent, 0.028),
];

/// How many service principals of each category make exactly `n`, with at least one of every
/// category once `n` allows it.
fn allocate(n: usize) -> Vec<(Category, usize)> {
    let mut counts: Vec<(Category, usize)> = SHARES
        .iter()
        .map(|(c, s)| (*c, (s * n as f64) as usize))
        .collect();
    if n >= SHARES.len() * 2 {
        for c in counts.iter_mut() {
            c.1 = c.1.max(1);
        }
    }
    // Hand out or take back the rounding difference, largest categories first.
    let mut total: usize = counts.iter().map(|c| c.1).sum();
    let mut i = 0;
    while total < n {
        counts[i % 4].1 += 1;
        total += 1;
        i += 1;
    }
    while total > n {
        let largest = counts.iter_mut().max_by_key(|c| c.1).expect("categories");
        largest.1 -= 1;
        total -= 1;
    }
    counts
}

/// What the sign-in generator needs to know about one identity that signs in.
struct Profile {
    sp_id: u128,
    app_id: u128,
    name: Box<str>,
    managed: bool,
    /// Indexes into LOCATIONS, and the host part of the IP used there.
    places: Vec<(u8, u16)>,
    resources: Vec<u8>,
    credential: UsedCredential,
    failure_rate: f32,
    /// Single-tenant apps in this tenant are what conditional access can block.
    ca_eligible: bool,
}

#[derive(Clone, Copy)]
enum UsedCredential {
    Secret { key: u128, expired: bool },
    Certificate { key: u128, thumb: u128 },
    Federated { fic: u128, renamed_repo: bool },
    ManagedIdentity,
    None,
}

/// Generates the demo tenant into `sink`.
pub fn generate(
    opts: &DemoOptions,
    sink: &mut dyn DemoSink,
    progress: Progress<'_>,
) -> Result<DemoSummary> {
    let mut g = Generator::new(opts);
    g.identities(sink, progress)?;
    g.skus(sink)?;
    g.named_locations(sink)?;
    g.sign_ins(sink, progress)?;
    g.identity_protection(sink)?;
    g.directory_recommendations(sink)?;
    g.governance(sink)?;
    Ok(g.summary)
}

struct Generator<'o> {
    opts: &'o DemoOptions,
    rng: ChaCha8Rng,
    tenant_id: String,
    summary: DemoSummary,
    profiles: Vec<Profile>,
    weights: Vec<f64>,
    /// Service principal ids of the resources (the first Microsoft apps), once created.
    resource_sp: Vec<u128>,
    people: Vec<u128>,
    vendor_tenants: Vec<u128>,
    graph_sp: u128,
    /// Profiles that behave unusually ANOMALY_DAYS_AGO, and how.
    anomalies: Vec<(usize, Anomaly)>,
    /// When the first anomalous sign-in of each profile happened.
    anomaly_at: Vec<(usize, DateTime<Utc>)>,
    /// The first own applications: (object id, appId, name), for Entra's synced recommendations.
    own_apps: Vec<(String, String, String)>,
    /// The trusted named location's id, once created.
    trusted_location: String,
}

fn guid(v: u128) -> String {
    // Shape it as a version-4 GUID so it reads like one everywhere.
    crate::model::guid_text((v & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62))
}

fn parse_guid(s: &str) -> u128 {
    u128::from_str_radix(&s.replace('-', ""), 16).unwrap_or(0)
}

impl<'o> Generator<'o> {
    fn new(opts: &'o DemoOptions) -> Generator<'o> {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        let tenant_id = guid(rng.random());
        let people = (0..PEOPLE.len()).map(|_| rng.random()).collect();
        let vendor_tenants = (0..VENDORS.len()).map(|_| rng.random()).collect();
        Generator {
            opts,
            rng,
            tenant_id,
            summary: DemoSummary::default(),
            profiles: Vec::new(),
            weights: Vec::new(),
            resource_sp: Vec::new(),
            people,
            vendor_tenants,
            graph_sp: 0,
            anomalies: Vec::new(),
            anomaly_at: Vec::new(),
            own_apps: Vec::new(),
            trusted_location: String::new(),
        }
    }

    fn days_ago(&mut self, lo: i64, hi: i64) -> DateTime<Utc> {
        let d = self.rng.random_range(lo..=hi);
        let s = self.rng.random_range(0..86_400);
        self.opts.as_of - Duration::days(d) - Duration::seconds(s)
    }

    fn identities(&mut self, sink: &mut dyn DemoSink, progress: Progress<'_>) -> Result<()> {
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

    fn identity(
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
                sp.display_name = name.clone();
                sp.app_display_name = Some(name);
                sp.app_id = guid(app_id);
                sp.app_owner_organization_id = Some(guid(self.vendor_tenants[k % VENDORS.len()]));
                sp.sign_in_audience = Some("AzureADMultipleOrgs".into());
                sp.tags = vec![
                    "WindowsAzureActiveDirectoryIntegratedApp".into(),
                    format!("vendor:{vendor}"),
                ];
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
                sp.display_name = if round > 0 {
                    format!("Contoso {purpose} Agent {}", round + 1)
                } else {
                    format!("Contoso {purpose} Agent")
                };
                sp.app_id = guid(app_id);
                sp.service_principal_type = "ServiceIdentity".into();
                sp.agent_identity_blueprint_id = Some(guid(parse_guid(&self.tenant_id) ^ 0xB1)); // one blueprint
                sp.tags = vec!["AgenticApp".into()];
                if self.rng.random_bool(0.6) {
                    activity = (self.rng.random_range(0.0f64..5.0)).exp();
                }
                self.owners(sink, &sp.id, OwnerRelation::Sponsor, 0.3)?;
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

    /// Rows of Graph's usage reports for one identity: last use of the app and of each credential.
    /// Identities active in the generated log were used within the last day and a half; idle ones
    /// mostly show an older last use, which the 60-day log alone could not tell.
    fn usage_reports(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        active: bool,
        used: UsedCredential,
        reported: &[(String, &'static str, &'static str, Option<String>)],
    ) -> Result<()> {
        let as_of = self.opts.as_of;
        let recent = |g: &mut Self| Some(as_of - Duration::minutes(g.rng.random_range(1..2160)));
        let last = if active {
            recent(self)
        } else {
            match self.rng.random_range(0..100) {
                0..=54 => Some(self.days_ago(95, 700)),
                55..=79 => Some(self.days_ago(61, 89)),
                _ => None,
            }
        };
        if let Some(t) = last {
            sink.sp_activity(&ServicePrincipalSignInActivity {
                id: Some(format!("{}-activity", sp.app_id)),
                app_id: sp.app_id.clone(),
                last_sign_in: Some(t),
                application_client: Some(t),
                application_resource: None,
                delegated_client: None,
                delegated_resource: None,
            })?;
        }
        let used_key = match used {
            UsedCredential::Secret { key, .. } | UsedCredential::Certificate { key, .. } => {
                Some(guid(key))
            }
            _ => None,
        };
        for (key_id, origin, key_type, app_object) in reported {
            let last = if active && used_key.as_deref() == Some(key_id.as_str()) {
                recent(self)
            } else {
                match self.rng.random_range(0..100) {
                    0..=39 => Some(self.days_ago(31, 400)),
                    40..=49 => Some(self.days_ago(1, 29)),
                    _ => None,
                }
            };
            sink.credential_activity(&AppCredentialSignInActivity {
                id: Some(format!("{key_id}-{origin}")),
                key_id: key_id.clone(),
                app_id: Some(sp.app_id.clone()),
                app_object_id: app_object.clone(),
                service_principal_object_id: Some(sp.id.clone()),
                credential_origin: Some((*origin).into()),
                key_type: Some((*key_type).into()),
                last_sign_in: last,
            })?;
        }
        Ok(())
    }

    /// The tenant's subscriptions: Entra ID P2, and a Workload ID Premium trial half-way through.
    fn skus(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        sink.sku(&SubscribedSku {
            sku_id: guid(self.rng.random()),
            sku_part_number: "AAD_PREMIUM_P2".into(),
            capability_status: "Enabled".into(),
            prepaid_enabled: 500,
            consumed_units: 412,
            service_plan_ids: vec!["eec0eb4f-6444-4f95-aba0-50c24d67f998".into()],
            is_trial: false,
            next_lifecycle: Some(as_of + Duration::days(214)),
        })?;
        sink.sku(&SubscribedSku {
            sku_id: guid(self.rng.random()),
            sku_part_number: "Workload_Identities_P2".into(),
            capability_status: "Enabled".into(),
            prepaid_enabled: 100,
            consumed_units: 0,
            service_plan_ids: vec![WORKLOAD_ID_SERVICE_PLANS[1].into()],
            is_trial: true,
            next_lifecycle: Some(as_of + Duration::days(45)),
        })
    }

    /// A client secret whose end date is spread across expired, expiring within 30 days,
    /// ordinary, and long-lived (2+ years); `expired_share` tilts it towards expired.
    fn secret(&mut self, label: &str, expired_share: f64) -> PasswordCredential {
        let (start, end) = self.validity(expired_share);
        let hint: String = (0..3)
            .map(|_| {
                let chars = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789~._";
                chars[self.rng.random_range(0..chars.len())] as char
            })
            .collect();
        PasswordCredential {
            key_id: guid(self.rng.random()),
            display_name: Some(label.into()),
            hint: Some(hint),
            start_date_time: Some(start),
            end_date_time: Some(end),
        }
    }

    fn certificate(&mut self) -> KeyCredential {
        let (start, end) = self.validity(0.1);
        let thumb: u128 = self.rng.random();
        let extra: u32 = self.rng.random();
        KeyCredential {
            key_id: guid(self.rng.random()),
            display_name: Some(format!(
                "CN={}",
                ["contoso-signing", "api.contoso-demo.com", "daemon-auth"]
                    [self.rng.random_range(0..3)]
            )),
            key_type: Some("AsymmetricX509Cert".into()),
            usage: Some("Verify".into()),
            custom_key_identifier: Some(format!("{thumb:032X}{extra:08X}")),
            start_date_time: Some(start),
            end_date_time: Some(end),
        }
    }

    fn validity(&mut self, expired_share: f64) -> (DateTime<Utc>, DateTime<Utc>) {
        let as_of = self.opts.as_of;
        let roll: f64 = self.rng.random();
        let hours = Duration::hours(self.rng.random_range(0..24));
        if roll < 0.15 + expired_share {
            let end = as_of - Duration::days(self.rng.random_range(1..400)) - hours;
            (
                end - Duration::days([180, 365, 730][self.rng.random_range(0..3)]),
                end,
            )
        } else if roll < 0.25 + expired_share {
            let end = as_of + Duration::days(self.rng.random_range(0..30)) + hours;
            (
                end - Duration::days([180, 365][self.rng.random_range(0..2)]),
                end,
            )
        } else if roll < 0.75 {
            let end = as_of + Duration::days(self.rng.random_range(31..365)) + hours;
            (
                end - Duration::days([180, 365, 540][self.rng.random_range(0..3)]),
                end,
            )
        } else {
            let start = as_of - Duration::days(self.rng.random_range(30..500));
            (
                start,
                start + Duration::days(self.rng.random_range(731..3650)) + hours,
            )
        }
    }

    /// Which credential an app's sign-ins use: federation first, then a certificate, then the
    /// newest secret.
    fn pick_used(&mut self, app: &Application, sp: &ServicePrincipal) -> UsedCredential {
        if let Some(f) = app.federated_identity_credentials.first() {
            return UsedCredential::Federated {
                fic: parse_guid(&f.id),
                renamed_repo: f.issuer.contains("github") && self.rng.random_bool(0.25),
            };
        }
        let as_of = self.opts.as_of;
        if let Some(c) = app
            .key_credentials
            .iter()
            .find(|c| c.end_date_time.is_some_and(|e| e > as_of))
        {
            let thumb = c
                .custom_key_identifier
                .as_deref()
                .and_then(|t| t.get(..32))
                .unwrap_or("0");
            return UsedCredential::Certificate {
                key: parse_guid(&c.key_id),
                thumb: u128::from_str_radix(thumb, 16).unwrap_or(0),
            };
        }
        let secrets = app
            .password_credentials
            .iter()
            .chain(&sp.password_credentials);
        match secrets.max_by_key(|s| s.end_date_time) {
            Some(s) => UsedCredential::Secret {
                key: parse_guid(&s.key_id),
                expired: s.end_date_time.is_some_and(|e| e <= as_of),
            },
            None => UsedCredential::None,
        }
    }

    fn owners(
        &mut self,
        sink: &mut dyn DemoSink,
        object: &str,
        relation: OwnerRelation,
        none_share: f64,
    ) -> Result<()> {
        if self.rng.random_bool(none_share) {
            return Ok(());
        }
        let n = self.rng.random_range(1..=2);
        for _ in 0..n {
            let p = self.rng.random_range(0..PEOPLE.len());
            sink.owner(&Owner {
                object_id: object.into(),
                owner_id: guid(self.people[p]),
                owner_type: "user".into(),
                display_name: PEOPLE[p].into(),
                relation,
            })?;
        }
        Ok(())
    }

    fn permissions(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        n: usize,
    ) -> Result<()> {
        if self.graph_sp == 0 {
            return Ok(());
        }
        for _ in 0..n {
            let idx = if self.rng.random_bool(0.07) {
                self.rng
                    .random_range(LOW_RISK_PERMISSIONS..GRAPH_PERMISSIONS.len())
            } else {
                self.rng.random_range(0..LOW_RISK_PERMISSIONS)
            };
            let (value, role_id) = GRAPH_PERMISSIONS[idx];
            let created = self.days_ago(10, 900);
            sink.app_role_assignment(&AppRoleAssignment {
                id: guid(self.rng.random()),
                principal_id: sp.id.clone(),
                resource_id: guid(self.graph_sp),
                resource_display_name: "Microsoft Graph".into(),
                app_role_id: role_id.into(),
                permission: Some(value.into()),
                created_date_time: Some(created),
            })?;
        }
        Ok(())
    }

    fn roles(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        c: Category,
        k: usize,
    ) -> Result<()> {
        let eligible = matches!(
            c,
            Category::OwnSingle | Category::SystemMi | Category::UserMi | Category::Legacy
        );
        // The first own app and the first system-assigned managed identity always hold a
        // privileged role, so that every demo shows privileged findings and review candidates.
        let forced = k == 0 && matches!(c, Category::OwnSingle | Category::SystemMi);
        if !eligible || !(self.rng.random_bool(0.04) || forced) {
            return Ok(());
        }
        // Global Administrator is rare; read roles are common.
        let idx = match self.rng.random_range(if forced { 55..100 } else { 0..100 }) {
            0..=39 => 0,
            40..=54 => 1,
            55..=74 => 2,
            75..=84 => 3,
            85..=89 => 4,
            90..=94 => 5,
            95..=97 => 6,
            _ => 7,
        };
        let (name, template, privileged) = ROLES[idx];
        sink.directory_role(&DirectoryRoleAssignment {
            id: guid(self.rng.random()),
            principal_id: sp.id.clone(),
            role_definition_id: template.into(),
            role_display_name: name.into(),
            directory_scope_id: "/".into(),
            is_privileged: privileged,
            assignment_type: if self.rng.random_bool(0.2) {
                "eligible"
            } else {
                "active"
            }
            .into(),
        })
    }

    fn sign_ins(&mut self, sink: &mut dyn DemoSink, progress: Progress<'_>) -> Result<()> {
        let total = self.opts.sign_ins;
        if total == 0 {
            return Ok(());
        }
        if self.profiles.is_empty() {
            return Err(Error::InvalidInput(
                "sign-ins need at least one service principal that signs in: ask for more service principals (--service-principals 20 or more)".into(),
            ));
        }
        // Cumulative weights for picking the identity of each event.
        let mut cumulative = Vec::with_capacity(self.weights.len());
        let mut acc = 0.0;
        for w in &self.weights {
            acc += w;
            cumulative.push(acc);
        }
        self.pick_anomalies();
        self.weights = Vec::new();
        let start = self.opts.as_of - Duration::days(SIGN_IN_DAYS);
        // Daily quotas: weekends are quieter; a little noise from day to day.
        let day_weights: Vec<f64> = (0..SIGN_IN_DAYS)
            .map(|d| {
                let day = start + Duration::days(d);
                let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                (if weekend { 0.55 } else { 1.0 }) * self.rng.random_range(0.9..1.1)
            })
            .collect();
        let quotas = largest_remainder(total, &day_weights);
        let mut done = 0u64;
        let mut events: Vec<(i64, u32, Anomaly)> = Vec::new();
        for (d, quota) in quotas.into_iter().enumerate() {
            let day_start = start + Duration::days(d as i64);
            events.clear();
            for _ in 0..quota {
                let x = self.rng.random_range(0.0..acc);
                let p = cumulative
                    .partition_point(|c| *c <= x)
                    .min(cumulative.len() - 1);
                // Business hours are busier than the night.
                let hour = if self.rng.random_bool(0.6) {
                    self.rng.random_range(7..19)
                } else {
                    self.rng.random_range(0..24)
                };
                let ms = hour * 3_600_000 + self.rng.random_range(0..3_600_000);
                events.push((ms, p as u32, Anomaly::None));
            }
            if d as i64 == SIGN_IN_DAYS - ANOMALY_DAYS_AGO {
                self.place_anomalies(&mut events);
            }
            events.sort_unstable();
            for &(ms, p, anomaly) in &events {
                let at = day_start + Duration::milliseconds(ms);
                if anomaly != Anomaly::None
                    && !self.anomaly_at.iter().any(|(q, _)| *q == p as usize)
                {
                    self.anomaly_at.push((p as usize, at));
                }
                let s = self.event(at, p as usize, anomaly);
                sink.sign_in(&s)?;
                done += 1;
                if done.is_multiple_of(100_000) {
                    progress("sign-ins", done, total);
                }
            }
        }
        self.summary.sign_ins = done;
        progress("sign-ins", done, total);
        Ok(())
    }

    /// Picks the busiest identities of the right sort to behave unusually ANOMALY_DAYS_AGO, so
    /// that each local risk signal has an example with a baseline behind it.
    fn pick_anomalies(&mut self) {
        let mut order: Vec<usize> = (0..self.profiles.len()).collect();
        order.sort_by(|a, b| self.weights[*b].total_cmp(&self.weights[*a]).then(a.cmp(b)));
        let wanted = [
            Anomaly::NewCountry,
            Anomaly::NewResource,
            Anomaly::UnknownSecret,
            Anomaly::Burst,
        ];
        for kind in wanted {
            let found = order.iter().copied().find(|p| {
                let prof = &self.profiles[*p];
                let taken = self.anomalies.iter().any(|(q, _)| q == p);
                let fits = match kind {
                    Anomaly::UnknownSecret => {
                        matches!(prof.credential, UsedCredential::Certificate { .. })
                    }
                    Anomaly::NewResource => prof.resources.len() < RESOURCE_COUNT,
                    _ => matches!(
                        prof.credential,
                        UsedCredential::Secret { expired: false, .. }
                    ),
                };
                !taken && !prof.managed && prof.failure_rate < 0.2 && fits
            });
            if let Some(p) = found {
                self.anomalies.push((p, kind));
            }
        }
    }

    /// Turns some of the day's events into the anomalies (the total stays as asked).
    fn place_anomalies(&mut self, events: &mut [(i64, u32, Anomaly)]) {
        let per = |k: Anomaly| if k == Anomaly::Burst { 30 } else { 12 };
        let needed: usize = self.anomalies.iter().map(|(_, k)| per(*k)).sum();
        if events.len() < needed * 3 {
            return; // too small a demo to hide them in
        }
        let mut slot = 0;
        for (i, &(p, kind)) in self.anomalies.iter().enumerate() {
            for n in 0..per(kind) as i64 {
                let ms = match kind {
                    // A burst lasts minutes; the others spread over some hours.
                    Anomaly::Burst => 2 * 3_600_000 + n * 45_000,
                    _ => (9 + i as i64) * 3_600_000 + n * 1_100_000,
                };
                // Take every third event so the day's mix of identities stays realistic.
                events[slot] = (ms, p as u32, kind);
                slot += 3;
            }
        }
    }

    /// Named locations covering every place the identities normally sign in from.
    fn named_locations(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let mut ranges: Vec<String> = LOCATIONS
            .iter()
            .map(|(_, _, _, p)| format!("{}.{}.0.0/16", p[0], p[1]))
            .collect();
        ranges.dedup();
        self.trusted_location = guid(self.rng.random());
        sink.named_location(&NamedLocation {
            id: self.trusted_location.clone(),
            display_name: "Azure regions in use".into(),
            kind: "ip".into(),
            is_trusted: true,
            ip_ranges: ranges,
            countries_and_regions: Vec::new(),
            include_unknown_countries_and_regions: false,
        })?;
        let mut countries: Vec<String> = LOCATIONS.iter().map(|l| l.0.to_string()).collect();
        countries.sort();
        countries.dedup();
        sink.named_location(&NamedLocation {
            id: guid(self.rng.random()),
            display_name: "Operating countries".into(),
            kind: "country".into(),
            is_trusted: false,
            ip_ranges: Vec::new(),
            countries_and_regions: countries,
            include_unknown_countries_and_regions: false,
        })
    }

    /// Delegated consents, conditional access policies and the app-management audit trail. Made
    /// last, so the rest of the tenant is the same with or without them.
    fn governance(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        const SCOPES: &[&str] = &[
            "User.Read",
            "openid profile offline_access User.Read",
            "User.Read Mail.Read",
            "Files.Read.All Sites.Read.All",
            "Directory.Read.All User.Read.All",
            "Mail.ReadWrite Mail.Send",
        ];
        let graph_sp = guid(self.graph_sp);
        let clients: Vec<(u128, Box<str>, bool)> = self
            .profiles
            .iter()
            .filter(|p| !p.managed)
            .map(|p| (p.sp_id, p.name.clone(), p.ca_eligible))
            .collect();
        for (sp_id, _, _) in &clients {
            if self.graph_sp == 0 || !self.rng.random_bool(0.3) {
                continue;
            }
            let principal = self
                .rng
                .random_bool(0.2)
                .then(|| guid(self.people[self.rng.random_range(0..PEOPLE.len())]));
            let scope = SCOPES[self.rng.random_range(0..SCOPES.len())];
            sink.oauth2_grant(&OAuth2PermissionGrant {
                id: format!("{:032x}", self.rng.random::<u128>()),
                client_id: guid(*sp_id),
                consent_type: if principal.is_some() {
                    "Principal"
                } else {
                    "AllPrincipals"
                }
                .into(),
                principal_id: principal,
                resource_id: graph_sp.clone(),
                scope: scope.into(),
            })?;
        }
        // Conditional access: two policies for workload identities and one for users.
        let excluded: Vec<String> = clients
            .iter()
            .filter(|c| c.2)
            .take(1)
            .map(|c| guid(c.0))
            .collect();
        let users_none = serde_json::json!({
            "includeUsers": ["None"], "excludeUsers": [], "includeGroups": [], "excludeGroups": [],
            "includeRoles": [], "excludeRoles": [],
            "includeGuestsOrExternalUsers": null, "excludeGuestsOrExternalUsers": null,
        });
        let all_apps = serde_json::json!({
            "includeApplications": ["All"], "excludeApplications": [], "includeUserActions": [],
            "includeAuthenticationContextClassReferences": [], "applicationFilter": null,
        });
        let policies = [
            (
                "WID - block high-risk service principals",
                "enabled",
                serde_json::json!({
                    "users": users_none, "applications": all_apps,
                    "clientApplications": {
                        "includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                        "excludeServicePrincipals": [], "servicePrincipalFilter": null,
                    },
                    "servicePrincipalRiskLevels": ["high"], "locations": null,
                }),
                serde_json::json!(["block"]),
            ),
            (
                "WID - block sign-ins outside Azure regions",
                "enabledForReportingButNotEnforced",
                serde_json::json!({
                    "users": users_none, "applications": all_apps,
                    "clientApplications": {
                        "includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                        "excludeServicePrincipals": excluded, "servicePrincipalFilter": null,
                    },
                    "servicePrincipalRiskLevels": [],
                    "locations": {
                        "includeLocations": ["All"],
                        "excludeLocations": [self.trusted_location],
                    },
                }),
                serde_json::json!(["block"]),
            ),
            (
                "Require MFA for administrators",
                "enabled",
                serde_json::json!({
                    "users": {
                        "includeUsers": [], "excludeUsers": [], "includeGroups": [],
                        "excludeGroups": [],
                        "includeRoles": ["62e90394-69f5-4237-9190-012177145e10",
                                         "e8611ab8-c189-46e8-94e1-60213ab1f814"],
                        "excludeRoles": [],
                        "includeGuestsOrExternalUsers": null, "excludeGuestsOrExternalUsers": null,
                    },
                    "applications": all_apps, "clientApplications": null,
                    "servicePrincipalRiskLevels": [], "locations": null,
                }),
                serde_json::json!(["mfa"]),
            ),
        ];
        for (name, state, mut conditions, controls) in policies {
            let created = self.days_ago(200, 700);
            let modified = self.days_ago(10, 150);
            for (k, v) in [
                ("userRiskLevels", serde_json::json!([])),
                ("signInRiskLevels", serde_json::json!([])),
                ("clientAppTypes", serde_json::json!(["all"])),
                ("platforms", serde_json::Value::Null),
                ("devices", serde_json::Value::Null),
            ] {
                conditions[k] = v;
            }
            let v = serde_json::json!({
                "id": guid(self.rng.random()),
                "templateId": null,
                "displayName": name,
                "createdDateTime": created.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "modifiedDateTime": modified.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "state": state,
                "sessionControls": null,
                "conditions": conditions,
                "grantControls": {
                    "operator": "OR", "builtInControls": controls,
                    "customAuthenticationFactors": [], "termsOfUse": [],
                    "authenticationStrength": null,
                },
            });
            let p = ConditionalAccessPolicy::from_graph(&v).map_err(Error::InvalidInput)?;
            sink.ca_policy(&p)?;
        }
        // Who changed credentials, and consented, over the last 30 days.
        let apps = self.own_apps.clone();
        for (app_object, app_id, name) in &apps {
            for _ in 0..self.rng.random_range(0..=2) {
                let person = self.rng.random_range(0..PEOPLE.len());
                let key = guid(self.rng.random());
                let added = self.rng.random_bool(0.7);
                let description = format!(
                    "[\"[KeyIdentifier={key},KeyType=Password,KeyUsage=Verify,DisplayName=rotated-{}]\"]",
                    self.rng.random_range(1..99)
                );
                let (old, new) = if added {
                    ("[]".to_string(), description)
                } else {
                    (description, "[]".to_string())
                };
                let at = self.days_ago(0, 29);
                self.audit(
                    sink,
                    at,
                    "Update application – Certificates and secrets management",
                    ("user", guid(self.people[person]), upn(PEOPLE[person])),
                    (app_object, "Application", name),
                    serde_json::json!([
                        {"displayName": "KeyDescription", "oldValue": old, "newValue": new},
                        {"displayName": "Included Updated Properties", "oldValue": null,
                         "newValue": "\"KeyDescription\""},
                        {"displayName": "TargetId.AppId", "oldValue": null,
                         "newValue": format!("\"{app_id}\"")},
                    ]),
                )?;
            }
        }
        for (sp_id, name, _) in &clients {
            if !self.rng.random_bool(0.08) {
                continue;
            }
            let person = self.rng.random_range(0..PEOPLE.len());
            let at = self.days_ago(0, 29);
            self.audit(
                sink,
                at,
                "Consent to application",
                ("user", guid(self.people[person]), upn(PEOPLE[person])),
                (&guid(*sp_id), "ServicePrincipal", name),
                serde_json::json!([
                    {"displayName": "ConsentContext.IsAdminConsent", "oldValue": null,
                     "newValue": "\"True\""},
                    {"displayName": "ConsentAction.Permissions", "oldValue": null,
                     "newValue": "\"Scope: User.Read\""},
                ]),
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn audit(
        &mut self,
        sink: &mut dyn DemoSink,
        at: DateTime<Utc>,
        activity: &str,
        (by_type, by_id, by): (&str, String, String),
        (target_id, target_type, target_name): (&str, &str, &str),
        modified: serde_json::Value,
    ) -> Result<()> {
        let correlation = guid(self.rng.random());
        sink.directory_audit(&DirectoryAudit {
            id: format!(
                "Directory_{correlation}_{:05X}_{}",
                self.rng.random_range(0..0xFFFFF),
                self.rng.random_range(10_000_000..99_999_999)
            ),
            activity_date_time: at,
            activity: activity.trim().into(),
            operation_type: Some("Update".into()),
            result: Some("success".into()),
            result_reason: Some(String::new()),
            initiated_by_type: Some(by_type.into()),
            initiated_by_id: Some(by_id),
            initiated_by: Some(by),
            target_id: Some(target_id.into()),
            target_type: Some(target_type.into()),
            target_name: Some(target_name.into()),
            modified: canonical_json(&modified),
        })
    }

    /// Identity Protection's view: the identity signing in from a new country is at risk
    /// (suspicious sign-ins), the one whose secret is sprayed has leaked credentials, and one
    /// earlier detection was dismissed by an admin.
    fn identity_protection(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        let at_of = |g: &Generator<'_>, kind: Anomaly| {
            g.anomalies
                .iter()
                .find(|(_, k)| *k == kind)
                .and_then(|(p, _)| g.anomaly_at.iter().find(|(q, _)| q == p).copied())
        };
        // (profile, when, level, state, detail, riskEventType, activity)
        type Item = (
            usize,
            DateTime<Utc>,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
        );
        let mut items: Vec<Item> = Vec::new();
        if let Some((p, at)) = at_of(self, Anomaly::NewCountry) {
            items.push((
                p,
                at,
                "medium",
                "atRisk",
                "none",
                "suspiciousSignins",
                "signin",
            ));
        }
        if let Some((p, at)) = at_of(self, Anomaly::Burst) {
            items.push((
                p,
                at,
                "high",
                "atRisk",
                "none",
                "leakedCredentials",
                "servicePrincipal",
            ));
        }
        // An older, dismissed detection on one of the tenant's own apps that is not otherwise
        // anomalous.
        if let Some(p) = (0..self.profiles.len()).find(|p| {
            let prof = &self.profiles[*p];
            !prof.managed && prof.ca_eligible && !self.anomalies.iter().any(|(q, _)| q == p)
        }) {
            items.push((
                p,
                as_of - Duration::days(20),
                "none",
                "dismissed",
                "adminDismissedAllRiskForServicePrincipal",
                "anomalousServicePrincipalActivity",
                "servicePrincipal",
            ));
        }
        for (p, at, level, state, detail, event, activity) in items {
            let prof = &self.profiles[p];
            let sp_id = guid(prof.sp_id);
            let app_id = guid(prof.app_id);
            let name = prof.name.to_string();
            let detected = at + Duration::hours(2);
            let dismissed = state == "dismissed";
            let key_ids = match prof.credential {
                UsedCredential::Secret { key, .. } if event == "leakedCredentials" => {
                    vec![guid(key)]
                }
                _ => Vec::new(),
            };
            let (ip, location) = if activity == "signin" {
                let (country, state, city, prefix) = ANOMALY_LOCATION;
                (
                    Some(format!("{}.{}.10.23", prefix[0], prefix[1])),
                    Some(SignInLocation {
                        city: Some(city.into()),
                        state: Some(state.into()),
                        country_or_region: Some(country.into()),
                    }),
                )
            } else {
                (None, None)
            };
            sink.risk_detection(&ServicePrincipalRiskDetection {
                id: guid(self.rng.random()),
                service_principal_id: sp_id.clone(),
                service_principal_display_name: Some(name.clone()),
                app_id: Some(app_id.clone()),
                risk_event_type: event.into(),
                risk_state: state.into(),
                risk_level: if dismissed { "low" } else { level }.into(),
                risk_detail: detail.into(),
                source: Some("identityProtection".into()),
                detection_timing_type: Some("offline".into()),
                activity: Some(activity.into()),
                ip_address: ip,
                location,
                activity_date_time: Some(at),
                detected_date_time: Some(detected),
                last_updated_date_time: Some(detected),
                key_ids,
                request_id: None,
                correlation_id: None,
                additional_info: Some("[{\"Key\":\"alertUrl\",\"Value\":null}]".into()),
            })?;
            sink.risk_history(&RiskyServicePrincipalHistoryItem {
                id: guid(self.rng.random()),
                service_principal_id: sp_id.clone(),
                risk_level: if dismissed { "low" } else { level }.into(),
                risk_state: "atRisk".into(),
                risk_detail: "none".into(),
                risk_last_updated_date_time: detected,
                initiated_by: None,
            })?;
            let updated = if dismissed {
                let when = detected + Duration::days(1);
                sink.risk_history(&RiskyServicePrincipalHistoryItem {
                    id: guid(self.rng.random()),
                    service_principal_id: sp_id.clone(),
                    risk_level: "none".into(),
                    risk_state: "dismissed".into(),
                    risk_detail: detail.into(),
                    risk_last_updated_date_time: when,
                    initiated_by: Some(PEOPLE[0].to_string()),
                })?;
                when
            } else {
                detected
            };
            sink.risky_service_principal(&RiskyServicePrincipal {
                id: sp_id,
                app_id: Some(app_id),
                display_name: Some(name),
                service_principal_type: Some("Application".into()),
                is_enabled: Some(true),
                is_processing: Some(false),
                risk_level: level.into(),
                risk_state: state.into(),
                risk_detail: detail.into(),
                risk_last_updated_date_time: Some(updated),
            })?;
        }
        Ok(())
    }

    /// Entra's own recommendations as a sync would bring them: two types Steward cannot compute
    /// from sign-ins (Azure AD Graph and ADAL use), and Entra's view of expiring credentials.
    fn directory_recommendations(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        let tenant = self.tenant_id.clone();
        let apps = self.own_apps.clone();
        // (type, name, priority, insights, steps, which of the own apps it impacts)
        type Kind = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static [&'static str],
            std::ops::Range<usize>,
        );
        let kinds: [Kind; 3] = [
            (
                "aadGraphDeprecationApplication",
                "Migrate applications from the retiring Azure AD Graph APIs to Microsoft Graph",
                "high",
                "Your tenant has applications that call the retiring Azure AD Graph API.",
                &["Update the applications to call Microsoft Graph instead of Azure AD Graph."],
                0..3,
            ),
            (
                "adalToMsalMigration",
                "Migrate from ADAL to MSAL",
                "medium",
                "Applications in your tenant requested tokens through ADAL in the past 30 days.",
                &["Move the applications to the Microsoft Authentication Library (MSAL)."],
                3..5,
            ),
            (
                "applicationCredentialExpiry",
                "Renew expiring application credentials",
                "high",
                "Your tenant has applications with credentials that will expire soon.",
                &["Renew the credentials before they expire."],
                5..6,
            ),
        ];
        for (kind, name, priority, insights, steps, range) in kinds {
            let id = format!("{tenant}_{kind}");
            sink.directory_recommendation(&DirectoryRecommendation {
                id: id.clone(),
                recommendation_type: kind.into(),
                display_name: name.into(),
                status: "active".into(),
                priority: priority.into(),
                insights: Some(insights.into()),
                benefits: None,
                action_steps: steps.iter().map(|s| s.to_string()).collect(),
                last_checked_date_time: Some(as_of - Duration::hours(20)),
                postpone_until_date_time: None,
            })?;
            for (app, app_id, app_name) in apps.get(range).unwrap_or_default() {
                let details = match kind {
                    "aadGraphDeprecationApplication" => vec![
                        ("AppId".to_string(), app_id.clone()),
                        (
                            "RequestCount".to_string(),
                            self.rng.random_range(40..4000).to_string(),
                        ),
                        (
                            "LastRequestDate".to_string(),
                            (as_of - Duration::days(self.rng.random_range(1..20)))
                                .format("%Y-%m-%d")
                                .to_string(),
                        ),
                    ],
                    "adalToMsalMigration" => vec![
                        ("AppId".to_string(), app_id.clone()),
                        ("Library".to_string(), "ADAL.Net".to_string()),
                    ],
                    _ => vec![("AppId".to_string(), app_id.clone())],
                };
                sink.directory_impacted_resource(&DirectoryImpactedResource {
                    id: app.clone(),
                    recommendation_id: id.clone(),
                    subject_id: Some(app_id.clone()),
                    resource_type: Some("application".into()),
                    display_name: app_name.clone(),
                    status: "active".into(),
                    added_date_time: Some(as_of - Duration::days(self.rng.random_range(2..40))),
                    portal_url: None,
                    additional_details: details,
                })?;
            }
        }
        Ok(())
    }

    fn event(&mut self, at: DateTime<Utc>, p: usize, anomaly: Anomaly) -> SignIn {
        let id = guid(self.rng.random());
        let prof = &self.profiles[p];
        let (loc, mut host) = prof.places[self.rng.random_range(0..prof.places.len())];
        let (mut country, mut state, mut city, mut prefix) = LOCATIONS[loc as usize];
        let mut res = prof.resources[self.rng.random_range(0..prof.resources.len())] as usize;
        let mut failed = self.rng.random::<f32>() < prof.failure_rate;
        let night = at.hour() < 6;
        match anomaly {
            Anomaly::NewCountry => {
                (country, state, city, prefix) = ANOMALY_LOCATION;
                host = 0x0A17;
                failed = false;
            }
            Anomaly::NewResource => {
                res = (0..RESOURCE_COUNT)
                    .find(|r| !prof.resources.contains(&(*r as u8)))
                    .unwrap_or(res);
                failed = false;
            }
            Anomaly::UnknownSecret => failed = false,
            Anomaly::Burst => failed = true,
            Anomaly::None => {}
        }
        let (cred_type, key_id, thumb, fic) = match prof.credential {
            _ if anomaly == Anomaly::UnknownSecret => (
                Some("clientSecret"),
                Some(guid(prof.sp_id ^ 0x5EC2E7)),
                None,
                None,
            ),
            UsedCredential::Secret { key, .. } => {
                (Some("clientSecret"), Some(guid(key)), None, None)
            }
            UsedCredential::Certificate { key, thumb } => (
                Some("certificate"),
                Some(guid(key)),
                Some(format!("{thumb:032X}")),
                None,
            ),
            UsedCredential::Federated { fic, .. } => (
                Some("federatedIdentityCredential"),
                None,
                None,
                Some(guid(fic)),
            ),
            UsedCredential::ManagedIdentity => (Some("managedIdentity"), None, None, None),
            UsedCredential::None => (Some("none"), None, None, None),
        };
        let error_code = if !failed {
            0
        } else if anomaly == Anomaly::Burst {
            7000215
        } else {
            match prof.credential {
                UsedCredential::Secret { expired: true, .. } => 7000222,
                UsedCredential::Secret { .. } if prof.failure_rate >= 0.5 => 700016,
                UsedCredential::Federated {
                    renamed_repo: true, ..
                } => 700213,
                UsedCredential::Federated { .. } => [70021, 700213][self.rng.random_range(0..2)],
                UsedCredential::Certificate { .. } => 700027,
                _ if prof.ca_eligible && night => 53003,
                UsedCredential::Secret { .. } | UsedCredential::None => {
                    [7000215, 7000215, 7000215, 53003, 50196][self.rng.random_range(0..5)]
                }
                UsedCredential::ManagedIdentity => 500011,
            }
        };
        let ca_status = if error_code == 53003 {
            "failure"
        } else if prof.ca_eligible {
            "success"
        } else {
            "notApplied"
        };
        let (resource_name, resource_app) = MICROSOFT_APPS[res];
        SignIn {
            id,
            created_date_time: at,
            sign_in_event_type: if prof.managed {
                "managedIdentity"
            } else {
                "servicePrincipal"
            }
            .into(),
            service_principal_id: guid(prof.sp_id),
            service_principal_name: Some(prof.name.to_string()),
            app_id: Some(guid(prof.app_id)),
            resource_id: Some(resource_app.into()),
            resource_service_principal_id: self.resource_sp.get(res).map(|r| guid(*r)),
            resource_display_name: Some(resource_name.into()),
            ip_address: Some(format!(
                "{}.{}.{}.{}",
                prefix[0],
                prefix[1],
                host >> 8,
                host & 0xff
            )),
            city: Some(city.into()),
            state: Some(state.into()),
            country_or_region: Some(country.into()),
            error_code,
            failure_reason: (error_code != 0).then(|| failure_reason(error_code).into()),
            client_credential_type: cred_type.map(Into::into),
            service_principal_credential_key_id: key_id,
            service_principal_credential_thumbprint: thumb,
            federated_credential_id: fic,
            conditional_access_status: Some(ca_status.into()),
        }
    }
}

/// Splits `total` into integer parts proportional to `weights`, summing exactly to `total`.
fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| {
        let ra = exact[*a] - exact[*a].floor();
        let rb = exact[*b] - exact[*b].floor();
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Writes generated objects into the cache, committing in chunks so that memory stays bounded.
struct StoreSink<'c> {
    conn: &'c Connection,
    tenant: Option<(TenantKey, String)>,
    writer: Option<SignInWriter>,
    pending: usize,
}

/// Rows per transaction: large enough for ingest speed, small enough for a bounded WAL.
const CHUNK: usize = 25_000;

impl StoreSink<'_> {
    fn key(&self) -> Result<(TenantKey, &str)> {
        self.tenant
            .as_ref()
            .map(|(k, id)| (*k, id.as_str()))
            .ok_or_else(|| {
                Error::InvalidInput("the demo generator wrote an object before its tenant".into())
            })
    }

    fn tick(&mut self) -> Result<()> {
        self.pending += 1;
        if self.pending >= CHUNK {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush(self.conn)?;
        }
        self.conn.execute_batch("COMMIT; BEGIN")?;
        self.pending = 0;
        Ok(())
    }
}

/// A demo person's sign-in name.
fn upn(name: &str) -> String {
    format!(
        "{}@contoso-demo.onmicrosoft.com",
        name.to_lowercase().replace(' ', ".")
    )
}

impl DemoSink for StoreSink<'_> {
    fn tenant(&mut self, tenant: &Tenant) -> Result<()> {
        let key = tenants::upsert_tenant(self.conn, tenant, true)?;
        self.tenant = Some((key, tenant.id.clone()));
        self.writer = Some(SignInWriter::new(key));
        Ok(())
    }
    fn application(&mut self, app: &Application) -> Result<()> {
        applications::upsert_application(self.conn, self.key()?.0, app)?;
        self.tick()
    }
    fn service_principal(&mut self, sp: &ServicePrincipal) -> Result<()> {
        let (key, home) = self.key()?;
        service_principals::upsert_service_principal(self.conn, key, home, sp)?;
        self.tick()
    }
    fn owner(&mut self, owner: &Owner) -> Result<()> {
        owners::upsert_owner(self.conn, self.key()?.0, owner)?;
        self.tick()
    }
    fn app_role_assignment(&mut self, a: &AppRoleAssignment) -> Result<()> {
        app_role_assignments::upsert_app_role_assignment(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn directory_role(&mut self, a: &DirectoryRoleAssignment) -> Result<()> {
        directory_roles::upsert_role_assignment(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn oauth2_grant(&mut self, g: &OAuth2PermissionGrant) -> Result<()> {
        governance::upsert_grant(self.conn, self.key()?.0, g)?;
        self.tick()
    }
    fn ca_policy(&mut self, p: &ConditionalAccessPolicy) -> Result<()> {
        governance::upsert_ca_policy(self.conn, self.key()?.0, p)?;
        self.tick()
    }
    fn directory_audit(&mut self, a: &DirectoryAudit) -> Result<()> {
        governance::insert_audit(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn sign_in(&mut self, s: &SignIn) -> Result<()> {
        let writer = self.writer.as_mut().ok_or_else(|| {
            Error::InvalidInput("the demo generator wrote a sign-in before its tenant".into())
        })?;
        writer.insert(self.conn, s)?;
        self.tick()
    }
    fn sp_activity(&mut self, a: &ServicePrincipalSignInActivity) -> Result<()> {
        insights::upsert_sp_activity(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn credential_activity(&mut self, a: &AppCredentialSignInActivity) -> Result<()> {
        insights::upsert_credential_activity(self.conn, self.key()?.0, a)?;
        self.tick()
    }
    fn sku(&mut self, s: &SubscribedSku) -> Result<()> {
        insights::upsert_sku(self.conn, self.key()?.0, s)?;
        self.tick()
    }
    fn named_location(&mut self, l: &NamedLocation) -> Result<()> {
        crate::store::risk::upsert_named_location(self.conn, self.key()?.0, l)?;
        self.tick()
    }
    fn risky_service_principal(&mut self, r: &RiskyServicePrincipal) -> Result<()> {
        crate::store::risk::upsert_risky_service_principal(self.conn, self.key()?.0, r)?;
        self.tick()
    }
    fn risk_history(&mut self, h: &RiskyServicePrincipalHistoryItem) -> Result<()> {
        crate::store::risk::upsert_history_item(self.conn, self.key()?.0, h)?;
        self.tick()
    }
    fn risk_detection(&mut self, d: &ServicePrincipalRiskDetection) -> Result<()> {
        crate::store::risk::upsert_detection(self.conn, self.key()?.0, d)?;
        self.tick()
    }
    fn directory_recommendation(&mut self, r: &DirectoryRecommendation) -> Result<()> {
        insights::upsert_directory_recommendation(self.conn, self.key()?.0, r)?;
        self.tick()
    }
    fn directory_impacted_resource(&mut self, r: &DirectoryImpactedResource) -> Result<()> {
        insights::upsert_directory_impacted_resource(self.conn, self.key()?.0, r)?;
        self.tick()
    }
}

/// Replaces any earlier demo tenant in the cache with a newly generated one.
///
/// The old demo goes first; the new one is written in chunks while marked `loading` (invisible to
/// every reader) and becomes visible in the final commit. An interrupted run leaves a `loading`
/// tenant that the next run removes.
pub fn write_demo(
    conn: &Connection,
    opts: &DemoOptions,
    progress: Progress<'_>,
) -> Result<DemoSummary> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        for key in tenants::list_demo_keys(conn)? {
            tenants::delete_tenant(conn, key)?;
        }
        // The old demo's removal is committed on its own; the new one follows in chunks.
        conn.execute_batch("COMMIT; BEGIN")?;
        let mut sink = StoreSink {
            conn,
            tenant: None,
            writer: None,
            pending: 0,
        };
        let summary = generate(opts, &mut sink, progress)?;
        if let Some(w) = sink.writer.as_mut() {
            w.flush(conn)?;
        }
        let (key, _) = sink.key()?;
        for name in DEMO_DATASETS {
            insights::mark_dataset(conn, key, name, crate::clock::to_ms(opts.as_of), "ok", None)?;
        }
        tenants::mark_ready(conn, key)?;
        crate::store::refresh_statistics(conn)?;
        Ok(summary)
    })();
    match result {
        Ok(summary) => {
            conn.execute_batch("COMMIT")?;
            Ok(summary)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::store::open_in_memory;

    fn opts(sps: usize, sign_ins: u64) -> DemoOptions {
        DemoOptions {
            seed: 7,
            service_principals: sps,
            sign_ins,
            as_of: parse_as_of("2026-03-01T12:00:00Z").unwrap(),
        }
    }

    #[test]
    fn allocation_sums_exactly_and_covers_every_category() {
        for n in [1, 5, 18, 19, 100, 500, 110_000] {
            let plan = allocate(n);
            assert_eq!(plan.iter().map(|c| c.1).sum::<usize>(), n, "n = {n}");
        }
        assert!(
            allocate(100).iter().all(|c| c.1 >= 1),
            "every kind appears in a 100-SP demo"
        );
        let ms = allocate(1000)
            .iter()
            .find(|c| c.0 == Category::Microsoft)
            .unwrap()
            .1;
        assert!(ms > 500, "a majority are Microsoft first-party apps");
    }

    #[test]
    fn the_demo_shows_every_local_risk_signal_and_identity_protection_data() {
        let conn = open_in_memory().unwrap();
        let o = opts(400, 40_000);
        write_demo(&conn, &o, &mut |_, _, _| {}).unwrap();
        let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
        let r = crate::risk::risk_report(&conn, key, o.as_of, &Default::default()).unwrap();
        for kind in crate::risk::SignalKind::ALL {
            assert!(
                r.signals.iter().any(|s| s.kind == kind),
                "the demo has an example of {kind:?}"
            );
        }
        assert_eq!(r.risky_identities.len(), 3);
        assert!(r.identity_protection_synced_at.is_some());
        assert!(r.unavailable.is_empty());
        // The anomalies stand out: a handful of signals, not one per identity.
        assert!(r.signals.len() < 40, "{} signals", r.signals.len());
    }

    #[test]
    fn largest_remainder_hits_the_total() {
        let parts = largest_remainder(1001, &[1.0, 1.0, 1.0]);
        assert_eq!(parts.iter().sum::<u64>(), 1001);
    }

    #[test]
    fn the_demo_has_exactly_the_requested_sizes() {
        let conn = open_in_memory().unwrap();
        let s = write_demo(&conn, &opts(300, 5_000), &mut |_, _, _| {}).unwrap();
        assert_eq!(s.service_principals, 300);
        assert_eq!(s.sign_ins, 5_000);
        let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
        assert_eq!(
            service_principals::count_service_principals(&conn, key, false).unwrap(),
            300
        );
        assert_eq!(
            service_principals::count_service_principals(&conn, key, true).unwrap(),
            3,
            "1% soft-deleted on top"
        );
        let stored: i64 = conn
            .query_row("SELECT count(*) FROM sign_ins", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 5_000);
        assert_eq!(
            crate::store::sign_ins::count_sign_ins(&conn, key).unwrap(),
            5_000
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_tenant_and_a_rerun_replaces_it() {
        let a = open_in_memory().unwrap();
        let b = open_in_memory().unwrap();
        let sa = write_demo(&a, &opts(120, 2_000), &mut |_, _, _| {}).unwrap();
        let sb = write_demo(&b, &opts(120, 2_000), &mut |_, _, _| {}).unwrap();
        assert_eq!(sa, sb);
        let dump = |c: &Connection| -> Vec<(String, String)> {
            let mut st = c
                .prepare("SELECT id, display_name FROM service_principals ORDER BY id")
                .unwrap();
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        assert_eq!(dump(&a), dump(&b));
        write_demo(&a, &opts(50, 100), &mut |_, _, _| {}).unwrap();
        assert_eq!(
            tenants::list_tenants(&a).unwrap().len(),
            1,
            "the earlier demo was replaced"
        );
        let n: i64 = a
            .query_row("SELECT count(*) FROM sign_ins", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 100, "no sign-in of the earlier demo is left");
    }

    #[test]
    fn the_demo_covers_what_the_screens_need_to_show() {
        let conn = open_in_memory().unwrap();
        write_demo(&conn, &opts(400, 20_000), &mut |_, _, _| {}).unwrap();
        let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        for kind in crate::model::IdentityKind::ALL.map(|k| k.as_str()) {
            assert!(
                q(&format!(
                    "SELECT count(*) FROM service_principals WHERE kind = '{kind}'"
                )) > 0,
                "some {kind}"
            );
        }
        let as_of = crate::clock::to_ms(opts(0, 0).as_of);
        let day = 86_400_000;
        assert!(
            q(&format!(
                "SELECT count(*) FROM credentials WHERE end_time <= {as_of}"
            )) > 0,
            "expired"
        );
        assert!(
            q(&format!(
                "SELECT count(*) FROM credentials WHERE end_time > {as_of} AND end_time <= {}",
                as_of + 30 * day
            )) > 0,
            "expiring within 30 days"
        );
        assert!(
            q(&format!(
                "SELECT count(*) FROM credentials WHERE end_time - start_time > {}",
                730 * day
            )) > 0
        );
        assert!(q("SELECT count(*) FROM federated_credentials WHERE issuer LIKE '%githubusercontent%'") > 0);
        assert!(q("SELECT count(*) FROM federated_credentials WHERE subject LIKE 'system:serviceaccount:%'") > 0);
        assert!(q("SELECT count(*) FROM directory_role_assignments WHERE is_privileged = 1") > 0);
        assert!(q("SELECT count(DISTINCT error_code) FROM sign_ins WHERE error_code <> 0") >= 3);
        assert_eq!(
            q(&format!(
                "SELECT count(*) FROM service_principals WHERE display_name = '{}'",
                HOSTILE_DISPLAY_NAME
            )),
            1
        );
        let first = q("SELECT min(created) FROM sign_ins");
        assert!(
            first >= as_of - SIGN_IN_DAYS * day && q("SELECT max(created) FROM sign_ins") < as_of
        );
    }
}
