//! The deterministic demo tenant: a believable Entra tenant generated from a seed.
//!
//! The same seed, sizes and `as_of` give the same tenant, object for object and sign-in for
//! sign-in. Generation streams into a [`DemoSink`]: identities one by one, then sign-ins day by
//! day in time order, so that 110,000 service principals and 10,000,000 sign-ins fit in bounded
//! memory. [`write_demo`] generates it into the SQLite cache through a sink that commits in
//! chunks. The Graph simulator (`graph-sim`) calls [`write_demo`] too, on its own SQLite file,
//! and serves that tenant in Graph's wire format; the ingest benchmark has a sink of its own that
//! keeps only the sign-ins.
//!
//! Each step of the generator lives in a submodule of its own (identities, credentials, access,
//! usage reports, sign-ins, risk, directory recommendations, governance). They all draw from one
//! seeded random generator, so the order in which [`generate`] calls them, and the order of the
//! draws inside each, is what keeps a seed's tenant the same from one version to the next.

pub(crate) mod names;

mod access;
mod credentials;
mod governance;
mod identities;
mod policies;
mod profile;
mod recommendations;
mod risk;
mod sign_ins;
mod store_sink;
mod usage;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dataset::Dataset;
use crate::model::{
    AppCredentialSignInActivity, AppRoleAssignment, Application, ConditionalAccessPolicy,
    DirectoryAudit, DirectoryImpactedResource, DirectoryRecommendation, DirectoryRoleAssignment,
    NamedLocation, OAuth2PermissionGrant, Owner, RiskyServicePrincipal,
    RiskyServicePrincipalHistoryItem, ServicePrincipal, ServicePrincipalRiskDetection,
    ServicePrincipalSignInActivity, SignIn, SubscribedSku, Tenant, TenantPolicy,
};
use crate::Result;
use names::*;
use profile::Profile;
use sign_ins::Anomaly;

pub use store_sink::write_demo;

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
    fn tenant_policy(&mut self, _p: &TenantPolicy) -> Result<()> {
        Ok(())
    }
}

/// The Graph datasets a demo tenant holds besides identities and sign-ins.
pub const DEMO_DATASETS: [Dataset; 7] = [
    Dataset::DirectoryRecommendations,
    Dataset::ServicePrincipalSignInActivities,
    Dataset::AppCredentialSignInActivities,
    Dataset::SubscribedSkus,
    Dataset::RiskyServicePrincipals,
    Dataset::ServicePrincipalRiskDetections,
    Dataset::NamedLocations,
];

/// The relations a demo tenant holds beside its identities, read as a sync reads them: the
/// checks that need them are determined on the demo.
pub const DEMO_RELATIONS: [Dataset; 14] = [
    Dataset::FederatedIdentityCredentials,
    Dataset::AppRoleAssignments,
    Dataset::Owners,
    Dataset::Sponsors,
    Dataset::RoleAssignments,
    Dataset::RoleEligibilities,
    Dataset::OAuth2PermissionGrants,
    Dataset::ConditionalAccessPolicies,
    Dataset::DirectoryAudits,
    Dataset::AuthorizationPolicy,
    Dataset::AdminConsentRequestPolicy,
    Dataset::DefaultAppManagementPolicy,
    Dataset::AppManagementPolicies,
    Dataset::AppConsentRequests,
];

/// Progress of a generation, for a progress bar: (what, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// A display name that shows the window renders tenant strings as text, never as markup.
pub const HOSTILE_DISPLAY_NAME: &str = "<img src=x onerror=alert(1)> Partner Sync";

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
    g.policies(sink)?;
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
}

#[cfg(test)]
mod tests {
    use super::profile::{allocate, Category};
    use super::sign_ins::largest_remainder;
    use super::*;
    use crate::clock::parse_as_of;
    use crate::store::{open_in_memory, service_principals, tenants};
    use rusqlite::Connection;

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
    fn the_demo_shows_every_recommendation_type_determined() {
        let conn = open_in_memory().unwrap();
        let o = opts(400, 40_000);
        write_demo(&conn, &o, &mut |_, _, _| {}).unwrap();
        let (key, t) = tenants::resolve_tenant(&conn, None).unwrap();
        let r = crate::recommendations::recommendations(
            &conn,
            key,
            &t.id,
            o.as_of,
            &Default::default(),
            Some(1),
        )
        .unwrap();
        for kind in crate::recommendations::recommendation_types() {
            let rec = r
                .recommendations
                .iter()
                .find(|x| x.recommendation_type == kind)
                .unwrap();
            assert!(rec.impacted_total > 0, "the demo has an example of {kind}");
            assert_eq!(rec.missing_data, None, "{kind}");
        }
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
