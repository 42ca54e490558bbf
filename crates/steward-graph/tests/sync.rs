//! The sync against the Graph simulator over real HTTP on loopback: a full sync leaves the cache
//! equal to the simulated tenant, a second sync applies the tenant's changes (deletions
//! included), and faults at 20% of requests end in the same equal cache.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use graph_sim::{Faults, Running, SimConfig};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::dataset::{Dataset, DatasetState, ReadMode};
use steward_core::demo::DemoOptions;
use steward_core::store::{
    self, applications, insights, risk, service_principals, sign_ins, tenants,
};
use steward_graph::sync::{sync, SyncOptions};

const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
const SECRET: &str = "loopback-test-secret-value";

fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-11-01T00:00:00Z").unwrap()
}

struct Sim {
    running: Running,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn start(faults: Faults) -> Sim {
    start_sized(faults, 150, 6_000).await
}

async fn start_sized(faults: Faults, service_principals: usize, sign_ins: u64) -> Sim {
    start_with(faults, service_principals, sign_ins, None).await
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/certificate")
            .join(name),
    )
    .unwrap()
}

async fn start_with(
    faults: Faults,
    service_principals: usize,
    sign_ins: u64,
    client_certificate: Option<graph_sim::SimCertificate>,
) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sim.db");
    let config = SimConfig {
        demo: DemoOptions {
            seed: 5,
            service_principals,
            sign_ins,
            as_of: as_of(),
        },
        client_id: CLIENT_ID.into(),
        client_secret: SECRET.into(),
        client_certificate,
        token_lifetime: Duration::from_secs(3600),
        faults,
        db: db.clone(),
    };
    let running = graph_sim::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    Sim {
        running,
        db,
        _dir: dir,
    }
}

fn small_pages() -> Faults {
    Faults {
        page_cap: 40,
        ..Faults::default()
    }
}

fn options(sim: &Sim) -> SyncOptions {
    let mut o = SyncOptions::new(&sim.running.tenant_id, CLIENT_ID, SECRET);
    o.graph_url = sim.running.url();
    o.authority_url = sim.running.url();
    // The simulated sign-ins span the 60 days before as-of: read them all.
    o.sign_in_days = 90;
    o.max_backoff = Duration::from_millis(40);
    o
}

/// Active and soft-deleted applications and service principals, as a comparable text.
fn directory_snapshot(conn: &Connection) -> String {
    let (key, _) = tenants::resolve_tenant(conn, None).unwrap();
    let mut out = String::new();
    for a in applications::list_page(conn, key, None, 1_000_000).unwrap() {
        out.push_str(&format!("{a:?}\n"));
    }
    for mut s in service_principals::list_page(conn, key, None, 1_000_000).unwrap() {
        // Graph v1.0 serves no createdDateTime for service principals; the simulator's own
        // cache has the generator's.
        s.created_date_time = None;
        out.push_str(&format!("{s:?}\n"));
    }
    // Soft-deleted ones (the deleted-items datasets).
    for mut a in applications::list_deleted(conn, key).unwrap() {
        // Graph's deleted-items list does not expand federated credentials.
        a.federated_identity_credentials.clear();
        out.push_str(&format!("deleted {a:?}\n"));
    }
    for mut s in service_principals::list_deleted(conn, key).unwrap() {
        s.created_date_time = None;
        out.push_str(&format!("deleted {s:?}\n"));
    }
    out
}

/// The tenant as a comparable text: every active application and service principal with its
/// credentials, and every sign-in id with its time and result.
fn snapshot(conn: &Connection) -> String {
    let (key, _) = tenants::resolve_tenant(conn, None).unwrap();
    let mut out = directory_snapshot(conn);
    // The application permissions of active service principals.
    let mut stmt = conn
        .prepare(
            "SELECT a.id, a.principal_id, a.resource_id, a.resource_display_name, a.app_role_id,
                    a.permission, a.created
             FROM app_role_assignments a JOIN service_principals s
               ON s.tenant = a.tenant AND s.id = a.principal_id AND s.deleted IS NULL
             WHERE a.tenant = ?1 ORDER BY a.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([key.0], |r| {
            Ok(format!(
                "AppRoleAssignment {} {} {} {} {} {:?} {:?}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?
            ))
        })
        .unwrap();
    for row in rows {
        out.push_str(&row.unwrap());
        out.push('\n');
    }
    // Owners of active applications and service principals.
    related(conn, key, "owner", "Owner", &mut out);
    for kind in ["active", "eligible"] {
        for x in store::directory_roles::list_all(conn, key, kind).unwrap() {
            out.push_str(&format!("{x:?}\n"));
        }
    }
    // Sponsors of active agent identities.
    related(conn, key, "sponsor", "Sponsor", &mut out);
    for x in store::governance::list_grants(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in store::governance::list_ca_policies(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for kind in [
        Dataset::AuthorizationPolicy,
        Dataset::AdminConsentRequestPolicy,
        Dataset::DefaultAppManagementPolicy,
        Dataset::AppManagementPolicies,
        Dataset::AppConsentRequests,
    ] {
        for x in store::policies::list_policies(conn, key, kind).unwrap() {
            out.push_str(&format!("{x:?}\n"));
        }
    }
    for x in store::governance::list_audits(conn, key, i64::MIN, i64::MAX, None).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for mut sku in insights::list_skus(conn, key).unwrap() {
        // Trial state comes from directory/subscriptions, which Graph's subscribedSkus lacks.
        sku.is_trial = false;
        sku.next_lifecycle = None;
        out.push_str(&format!("{sku:?}\n"));
    }
    for x in risk::list_named_locations(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in risk::list_risky_service_principals(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in risk::list_detections(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in insights::list_directory_recommendations(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in insights::list_sp_activities(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    for x in insights::list_credential_activities(conn, key).unwrap() {
        out.push_str(&format!("{x:?}\n"));
    }
    sign_ins::for_each_in_range(conn, key, i64::MIN, i64::MAX, None, |s| {
        out.push_str(&format!(
            "{} {} {} {} {:?}\n",
            s.id, s.created_date_time, s.service_principal_id, s.error_code, s.ip_address
        ));
        Ok(())
    })
    .unwrap();
    out
}

/// Owners (or sponsors) of active applications and service principals, a line each.
fn related(
    conn: &Connection,
    key: store::TenantKey,
    relation: &str,
    label: &str,
    out: &mut String,
) {
    let mut stmt = conn
        .prepare(
            "SELECT o.object_id, o.owner_id, o.owner_type, o.display_name FROM owners o
             WHERE o.tenant = ?1 AND o.relation = ?2 AND o.object_id IN
               (SELECT id FROM applications WHERE tenant = ?1 AND deleted IS NULL
                UNION SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)
             ORDER BY 1, 2",
        )
        .unwrap();
    let rows = stmt
        .query_map(rusqlite::params![key.0, relation], |r| {
            Ok(format!(
                "{label} {} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap();
    for row in rows {
        out.push_str(&row.unwrap());
        out.push('\n');
    }
}

fn sim_snapshot(sim: &Sim) -> String {
    snapshot(&store::open(&sim.db).unwrap())
}

fn diff(a: &str, b: &str) -> String {
    let la: std::collections::BTreeSet<&str> = a.lines().collect();
    let lb: std::collections::BTreeSet<&str> = b.lines().collect();
    let missing: Vec<&&str> = la.difference(&lb).take(3).collect();
    let extra: Vec<&&str> = lb.difference(&la).take(3).collect();
    format!(
        "{} lines vs {}; missing {missing:?}; extra {extra:?}",
        la.len(),
        lb.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sync_equals_the_simulated_tenant_and_a_second_applies_its_changes() {
    let sim = start(small_pages()).await;
    {
        // A PIM-eligible role too (the small demo tenant may hold none).
        let c = store::open(&sim.db).unwrap();
        let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
        let sp = service_principals::list_page(&c, key, None, 1)
            .unwrap()
            .remove(0);
        store::directory_roles::upsert_role_assignment(
            &c,
            key,
            &steward_core::model::DirectoryRoleAssignment {
                id: "eligible-0001".into(),
                principal_id: sp.id,
                role_definition_id: "e8611ab8-c189-46e8-94e1-60213ab1f814".into(),
                role_display_name: "Privileged Role Administrator".into(),
                directory_scope_id: "/".into(),
                is_privileged: true,
                assignment_type: "eligible".into(),
            },
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let now = as_of() + chrono::Duration::hours(1);
    let mut seen: Vec<steward_graph::sync::ProgressInfo> = Vec::new();
    let summary = sync(&conn, &options(&sim), now, &mut |p| seen.push(*p))
        .await
        .unwrap();
    assert_eq!(summary.tenant_id, sim.running.tenant_id);
    assert!(
        seen.iter()
            .any(|p| p.dataset == Dataset::ServicePrincipals && p.total == Some(150)),
        "a full round knows the collection's size (@odata.count)"
    );
    let fractions: Vec<f64> = seen
        .iter()
        .filter(|p| p.dataset == Dataset::SignIns)
        .filter_map(|p| p.fraction)
        .collect();
    assert!(
        fractions.windows(2).all(|w| w[0] <= w[1]) && fractions.last() == Some(&1.0),
        "the sign-in window's share read grows to 1: {fractions:?}"
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the cache equals the simulated tenant: {}",
        diff(&want, &got)
    );
    assert!(
        summary.datasets.iter().any(|d| d.pages > 3),
        "the tenant spans several pages: {:?}",
        summary.datasets
    );
    for kind in [
        "AppRoleAssignment ",
        "Owner ",
        "SubscribedSku {",
        "NamedLocation {",
        "RiskyServicePrincipal {",
        "ServicePrincipalRiskDetection {",
        "DirectoryRecommendation {",
        "ServicePrincipalSignInActivity {",
        "AppCredentialSignInActivity {",
        "assignment_type: \"active\"",
        "assignment_type: \"eligible\"",
        "deleted Application {",
        "OAuth2PermissionGrant {",
        "Sponsor ",
        "ConditionalAccessPolicy {",
        "DirectoryAudit {",
        "deleted ServicePrincipal {",
    ] {
        assert!(got.contains(kind), "the sync read {kind}…}}");
    }
    assert_eq!(
        summary.datasets.len(),
        steward_graph::sync::SYNCED.len(),
        "every dataset reported: {:?}",
        summary.datasets
    );

    for d in &summary.datasets {
        if matches!(
            d.dataset,
            Dataset::Applications | Dataset::ServicePrincipals
        ) {
            assert_eq!(
                d.mode,
                ReadMode::Full,
                "a first sync reads everything: {d:?}"
            );
        }
    }

    // The tenant changes: a service principal and an application are deleted (soft: restorable)
    // and another of each purged (an application that was already soft-deleted), others renamed,
    // one of each added.
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let sps = service_principals::list_page(&conn, key, None, 10).unwrap();
    let apps = applications::list_page(&conn, key, None, 10).unwrap();
    let was_deleted = applications::list_deleted(&conn, key).unwrap().remove(0).id;
    change(&sim, "servicePrincipals", &sps[0].id, "delete").await;
    change(&sim, "servicePrincipals", &sps[2].id, "purge").await;
    change(&sim, "applications", &was_deleted, "purge").await;
    change(&sim, "servicePrincipals", &sps[1].id, "rename").await;
    change(&sim, "applications", &apps[0].id, "delete").await;
    change(&sim, "applications", &apps[1].id, "rename").await;
    add(&sim, "servicePrincipals", "Added between syncs (SP)").await;
    add(&sim, "applications", "Added between syncs (app)").await;
    let second = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .unwrap();
    for name in [Dataset::ServicePrincipals, Dataset::Applications] {
        let r = second.datasets.iter().find(|d| d.dataset == name).unwrap();
        assert_eq!(
            r.mode,
            ReadMode::Delta,
            "{name}: only the changes are read: {r:?}"
        );
        assert_eq!(
            (r.items, r.removed),
            (4, 2),
            "{name}: four changes read (deleted, purged, renamed, added), two removals applied: {r:?}"
        );
    }
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the second sync applies exactly the changes: {}",
        diff(&want, &got)
    );
    for text in [
        "Renamed between syncs (servicePrincipals)",
        "Renamed between syncs (applications)",
        "Added between syncs (SP)",
        "Added between syncs (app)",
    ] {
        assert!(got.contains(text), "{text} is in the cache");
    }
    assert!(
        got.contains(&format!(
            "deleted ServicePrincipal {{ id: \"{}\"",
            sps[0].id
        )) && got.contains(&format!("deleted Application {{ id: \"{}\"", apps[0].id)),
        "a soft-deleted object stays in the cache, marked deleted"
    );
    for purged in [&sps[2].id, &was_deleted] {
        assert!(
            !got.contains(&format!("{{ id: \"{purged}\"")),
            "{purged} is gone for good"
        );
    }

    // A third sync with nothing changed reads nothing but the sign-in window's overlap.
    let third = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(2),
        &mut |_| {},
    )
    .await
    .unwrap();
    for d in &third.datasets {
        if matches!(
            d.dataset,
            Dataset::Applications | Dataset::ServicePrincipals
        ) {
            assert_eq!((d.mode, d.items), (ReadMode::Delta, 0), "{d:?}");
        }
    }
    sim.running.shutdown().await;
}

/// Changes the simulated tenant: `what` is `delete` or `rename`.
async fn change(sim: &Sim, collection: &str, id: &str, what: &str) {
    let r = reqwest::Client::new()
        .post(format!(
            "{}/_sim/{collection}/{id}/{what}",
            sim.running.url()
        ))
        .json(&serde_json::json!({"displayName": format!("Renamed between syncs ({collection})")}))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "{what} {collection} {id}: {}",
        r.status()
    );
}

async fn add(sim: &Sim, collection: &str, name: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{}/_sim/{collection}/add", sim.running.url()))
        .json(&serde_json::json!({ "displayName": name }))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "add to {collection}: {}",
        r.status()
    );
    let v: serde_json::Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_delta_link_falls_back_to_a_full_read_that_still_removes_what_is_gone() {
    let sim = start(small_pages()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let now = as_of() + chrono::Duration::hours(1);
    let mut opts = options(&sim);
    opts.datasets = vec![Dataset::Applications, Dataset::ServicePrincipals];
    sync(&conn, &opts, now, &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let sps = service_principals::list_page(&conn, key, None, 10).unwrap();
    change(&sim, "servicePrincipals", &sps[2].id, "delete").await;
    change(&sim, "servicePrincipals", &sps[3].id, "rename").await;
    // Seven days pass: Graph forgets every delta link.
    let r = reqwest::Client::new()
        .post(format!("{}/_sim/expireDeltaTokens", sim.running.url()))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let second = sync(&conn, &opts, now + chrono::Duration::days(8), &mut |_| {})
        .await
        .unwrap();
    let r = second
        .datasets
        .iter()
        .find(|d| d.dataset == Dataset::ServicePrincipals)
        .unwrap();
    assert_eq!(r.mode, ReadMode::Full, "{r:?}");
    assert_eq!(
        r.removed, 1,
        "the full read's set difference removes the deleted one"
    );
    assert!(
        r.detail.as_deref().unwrap_or("").contains("expired"),
        "the report says why everything was read again: {r:?}"
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    // The sign-ins were not synced here: compare the directory alone.
    let dir_only = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("Application {") || l.starts_with("ServicePrincipal {"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        dir_only(&want) == dir_only(&got),
        "the cache equals the tenant again: {}",
        diff(&dir_only(&want), &dir_only(&got))
    );
    // And the round took a new delta link: the next sync reads changes only.
    let third = sync(&conn, &opts, now + chrono::Duration::days(9), &mut |_| {})
        .await
        .unwrap();
    assert!(third
        .datasets
        .iter()
        .filter(|d| d.dataset == Dataset::ServicePrincipals)
        .all(|d| d.mode == ReadMode::Delta));
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_a_fifth_of_requests_end_in_the_same_equal_cache() {
    let sim = start(Faults {
        throttle: 0.04,
        throttle_no_retry_after: 0.03,
        server_error: 0.03,
        expire_page_token: 0.04,
        revoke_token: 0.03,
        connection_reset: 0.03,
        retry_after_secs: 0,
        seed: 9,
        page_cap: 40,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let summary = sync(
        &conn,
        &options(&sim),
        as_of() + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(
        summary.retries > 5,
        "faults were met and retried: {}",
        summary.retries
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the cache equals the simulated tenant despite faults: {}",
        diff(&want, &got)
    );
    // A delta round under the same faults, with its `$batch` reads throttled at random too.
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let sps = service_principals::list_page(&conn, key, None, 60).unwrap();
    for sp in sps.iter().step_by(2).take(25) {
        change(&sim, "servicePrincipals", &sp.id, "rename").await;
    }
    change(&sim, "servicePrincipals", &sps[1].id, "delete").await;
    let second = sync(
        &conn,
        &options(&sim),
        as_of() + chrono::Duration::hours(2),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(second
        .datasets
        .iter()
        .any(|d| d.dataset == Dataset::ServicePrincipals
            && d.mode == ReadMode::Delta
            && d.items == 26));
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "a delta round under faults ends equal too: {}",
        diff(&want, &got)
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_alone_on_a_fifth_of_requests_ends_in_the_same_equal_cache() {
    type SetFault = fn(&mut Faults);
    let alone: [(&str, SetFault); 6] = [
        ("429 with Retry-After", |f| f.throttle = 0.2),
        ("429 without Retry-After", |f| {
            f.throttle_no_retry_after = 0.2
        }),
        ("503", |f| f.server_error = 0.2),
        ("expired page token", |f| f.expire_page_token = 0.2),
        ("access token revoked", |f| f.revoke_token = 0.2),
        ("connection reset", |f| f.connection_reset = 0.2),
    ];
    for (name, set) in alone {
        let mut faults = Faults {
            retry_after_secs: 0,
            seed: 17,
            page_cap: 25,
            ..Faults::default()
        };
        set(&mut faults);
        let sim = start_sized(faults, 60, 1_500).await;
        let dir = tempfile::tempdir().unwrap();
        let conn = store::open(&dir.path().join("cache.db")).unwrap();
        let first = sync(
            &conn,
            &options(&sim),
            as_of() + chrono::Duration::hours(1),
            &mut |_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(first.retries > 0, "{name}: the fault was met");
        // And a delta round under the same fault.
        let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
        let sps = service_principals::list_page(&conn, key, None, 30).unwrap();
        for sp in sps.iter().take(22) {
            change(&sim, "servicePrincipals", &sp.id, "rename").await;
        }
        change(&sim, "servicePrincipals", &sps[25].id, "delete").await;
        sync(
            &conn,
            &options(&sim),
            as_of() + chrono::Duration::hours(2),
            &mut |_| {},
        )
        .await
        .unwrap_or_else(|e| panic!("{name}, delta round: {e}"));
        let want = sim_snapshot(&sim);
        let got = snapshot(&conn);
        assert!(
            want == got,
            "{name}: the cache equals the simulated tenant: {}",
            diff(&want, &got)
        );
        sim.running.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_license_gated_dataset_is_marked_not_available_and_the_sync_goes_on() {
    let sim = start_sized(
        Faults {
            no_workload_id_premium: true,
            no_entra_premium: true,
            no_policy_read: true,
            page_cap: 40,
            ..Faults::default()
        },
        60,
        1_000,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let summary = sync(
        &conn,
        &options(&sim),
        as_of() + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .unwrap();
    for d in &summary.datasets {
        let gated = match d.dataset {
            Dataset::SignIns => Some("P1 or P2"),
            Dataset::RoleEligibilities => Some("P2"),
            Dataset::RiskyServicePrincipals | Dataset::ServicePrincipalRiskDetections => {
                Some("Workload ID Premium")
            }
            Dataset::AuthorizationPolicy
            | Dataset::AdminConsentRequestPolicy
            | Dataset::DefaultAppManagementPolicy
            | Dataset::AppManagementPolicies => Some("Policy.Read.All"),
            Dataset::AppConsentRequests => Some("ConsentRequest.Read.All"),
            _ => None,
        };
        match gated {
            Some(license) => {
                assert_eq!(d.status, DatasetState::NotAvailable, "{d:?}");
                assert!(
                    d.detail.as_deref().unwrap_or("").contains(license),
                    "the report names the missing license: {d:?}"
                );
            }
            None => assert_eq!(d.status, DatasetState::Ok, "{d:?}"),
        }
    }
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let (status, detail): (String, String) = conn
        .query_row(
            "SELECT status, detail FROM datasets WHERE tenant = ?1 AND name = ?2",
            rusqlite::params![key.0, Dataset::RiskyServicePrincipals.name()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        status, "unavailable",
        "the cache records it as not available"
    );
    assert!(detail.contains("Workload ID Premium"), "{detail}");
    // A check that reads a refused dataset is not determined, and names the permission.
    let report = steward_core::recommendations::recommendations(
        &conn,
        key,
        &tenants::resolve_tenant(&conn, None).unwrap().1.id,
        as_of() + chrono::Duration::hours(1),
        &Default::default(),
        Some(5),
    )
    .unwrap();
    let consent = report
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "userConsentAllowed")
        .unwrap();
    assert_eq!(consent.impacted_total, 0);
    let why = consent.missing_data.as_deref().unwrap_or_default();
    assert!(
        why.contains("Graph refused authorizationPolicy at the last sync (needs Policy.Read.All"),
        "{why}"
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphs_own_limits_per_endpoint_family_are_waited_out_and_the_cache_ends_equal() {
    // Graph's limits over windows twenty times shorter: the test is quick, and the sign-in log
    // (5 requests a window) and Identity Protection (1) throttle.
    let sim = start_sized(
        Faults {
            limits: Some(graph_sim::Limits::default().scaled(20.0)),
            page_cap: 25,
            ..Faults::default()
        },
        40,
        300,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let summary = sync(
        &conn,
        &options(&sim),
        as_of() + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .unwrap();
    let stats: serde_json::Value = reqwest::get(format!("{}/_sim/stats", sim.running.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        stats["limited"].as_u64().unwrap_or(0) > 0 && summary.retries > 0,
        "the limits were met: {stats} / {} retries",
        summary.retries
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the cache equals the simulated tenant: {}",
        diff(&want, &got)
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_signs_in_instead_of_a_secret_and_an_unregistered_one_is_refused() {
    let registered = graph_sim::SimCertificate {
        certificate_pem: fixture("cert.pem"),
        public_key_pem: fixture("public-key.pem"),
    };
    let sim = start_with(small_pages(), 40, 500, Some(registered)).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(&sim);
    opts.client_secret = String::new();
    opts.certificate = Some(
        steward_graph::certificate::ClientCertificate::from_pem(&fixture("steward-test.pem"))
            .unwrap(),
    );
    sync(
        &conn,
        &opts,
        as_of() + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .expect("the certificate signs in");
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(want == got, "{}", diff(&want, &got));
    sim.running.shutdown().await;

    // The same certificate against an app that has none registered: Entra's AADSTS700027.
    let sim = start_with(small_pages(), 10, 10, None).await;
    let mut opts2 = options(&sim);
    opts2.client_secret = String::new();
    opts2.certificate = opts.certificate.clone();
    let conn = store::open(&dir.path().join("other.db")).unwrap();
    let e = sync(&conn, &opts2, as_of(), &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("AADSTS700027"), "{e}");
    assert!(
        e.contains("certificate"),
        "the error says what to check: {e}"
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_fails_with_the_aadsts_reason_and_never_echoes_the_secret() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    o.client_secret = "wrong-secret-value-123".into();
    let err = sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("AADSTS7000215"), "{message}");
    assert!(
        !message.contains("wrong-secret-value-123"),
        "the secret is never in a message"
    );
    assert!(
        !format!("{o:?}").contains("wrong-secret"),
        "nor in debug output"
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_to_another_host_is_not_followed_and_a_saved_one_starts_the_dataset_over() {
    let sim = start(Faults {
        foreign_next_link: true,
        ..small_pages()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let err = sync(&conn, &options(&sim), as_of(), &mut |_| {})
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("graph.example.invalid")
            && message.contains("points away from the Graph URL")
            && message.contains("no token was sent"),
        "the dataset stops, saying why and what to check: {message}"
    );
    sim.running.shutdown().await;

    // A position saved by a sync through another Graph URL (or planted in the cache) is not
    // followed either: the dataset starts over on this Graph and ends equal.
    let sim = start(small_pages()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    sync(&conn, &options(&sim), as_of(), &mut |_| {})
        .await
        .unwrap();
    conn.execute(
        "UPDATE sync_state SET next_link = 'https://graph.example.invalid/v1.0/applications?$skiptoken=x',
                               delta_link = 'https://graph.example.invalid/v1.0/applications/delta'
         WHERE dataset = 'applications'",
        [],
    )
    .unwrap();
    let summary = sync(&conn, &options(&sim), as_of(), &mut |_| {})
        .await
        .unwrap();
    let apps = summary
        .datasets
        .iter()
        .find(|d| d.dataset == Dataset::Applications)
        .unwrap();
    assert_eq!(apps.mode, ReadMode::Full, "read in full again: {apps:?}");
    assert_eq!(snapshot(&conn), sim_snapshot(&sim));
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_sign_in_endpoint_is_no_refusal() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    // A port nothing listens on: as if the machine were offline.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    o.authority_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    o.max_attempts = 2;
    let err = sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap_err();
    assert!(
        matches!(err, steward_graph::sync::SyncError::SignInUnanswered { .. }),
        "not a refusal, so a kept sign-in or secret is not forgotten: {err}"
    );
    assert!(err.to_string().contains("Check the network"), "{err}");
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_interrupts_a_long_retry_after() {
    // Every request throttled for an hour: the sync waits, and Cancel ends the wait.
    let sim = start(Faults {
        throttle: 1.0,
        retry_after_secs: 3_600,
        ..Faults::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut o = options(&sim);
    o.cancel = Some(flag.clone());
    let started = std::time::Instant::now();
    let setter = flag.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        setter.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        sync(&conn, &o, as_of(), &mut |_| {}),
    )
    .await
    .expect("Cancel ends a wait for Retry-After");
    assert!(
        matches!(result, Err(steward_graph::sync::SyncError::Cancelled)),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sync_keeps_the_pages_it_read_and_the_next_one_finishes_equal() {
    let sim = start(small_pages()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut o = options(&sim);
    o.cancel = Some(flag.clone());
    let mut pages = 0;
    let now = as_of() + chrono::Duration::hours(1);
    let err = sync(&conn, &o, now, &mut |_| {
        pages += 1;
        if pages == 3 {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, steward_graph::sync::SyncError::Cancelled),
        "{err}"
    );
    assert!(err.to_string().contains("resumes"), "{err}");
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM applications", [], |r| r.get(0))
        .unwrap();
    assert!(kept > 0, "the pages read before the cancel are kept");
    o.cancel = None;
    sync(&conn, &o, now, &mut |_| {}).await.unwrap();
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the next sync finishes the job: {}",
        diff(&want, &got)
    );
    sim.running.shutdown().await;
}

/// What a sync said of risky service principals.
fn risky_report(summary: &steward_graph::sync::SyncSummary) -> &steward_graph::sync::DatasetReport {
    summary
        .datasets
        .iter()
        .find(|d| d.dataset == Dataset::RiskyServicePrincipals)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_decisions_made_offline_are_pushed_to_entra_by_the_next_sync() {
    let sim = start_sized(small_pages(), 150, 6_000).await;
    {
        // A second risky identity beside the demo's (the small tenant may hold only one).
        let c = store::open(&sim.db).unwrap();
        let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
        let mut r = risk::list_risky_service_principals(&c, key)
            .unwrap()
            .remove(0);
        let other = service_principals::list_page(&c, key, None, 200)
            .unwrap()
            .into_iter()
            .find(|s| s.id != r.id)
            .unwrap();
        r.id = other.id;
        r.app_id = Some(other.app_id);
        r.display_name = Some(other.display_name);
        risk::upsert_risky_service_principal(&c, key, &r).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let now = as_of() + chrono::Duration::hours(1);
    sync(&conn, &options(&sim), now, &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let risky = risk::list_risky_service_principals(&conn, key).unwrap();
    assert!(risky.len() >= 2, "the demo tenant has risky identities");
    let (confirm, dismiss) = (risky[0].id.clone(), risky[1].id.clone());
    use steward_core::risk::{act, RiskAction};
    act(
        &conn,
        key,
        std::slice::from_ref(&confirm),
        RiskAction::ConfirmCompromised,
        now,
    )
    .unwrap();
    act(
        &conn,
        key,
        std::slice::from_ref(&dismiss),
        RiskAction::Dismiss,
        now,
    )
    .unwrap();
    let pending = |c: &Connection| -> i64 {
        c.query_row(
            "SELECT count(*) FROM risk_actions WHERE pushed_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(pending(&conn), 2);

    let second = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .unwrap();
    let report = risky_report(&second);
    assert!(
        report
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("2 risk decisions"),
        "{report:?}"
    );
    assert_eq!(pending(&conn), 0, "both decisions are marked pushed");
    // Entra (the simulator) now holds the decisions, and the cache reads them back.
    let sim_db = store::open(&sim.db).unwrap();
    let (sim_key, _) = tenants::resolve_tenant(&sim_db, None).unwrap();
    let state_of = |c: &Connection, k, id: &str| {
        risk::list_risky_service_principals(c, k)
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| (r.risk_level, r.risk_state))
            .unwrap()
    };
    assert_eq!(
        state_of(&sim_db, sim_key, &confirm),
        ("high".to_string(), "confirmedCompromised".to_string())
    );
    assert_eq!(
        state_of(&sim_db, sim_key, &dismiss),
        ("none".to_string(), "dismissed".to_string())
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(want == got, "{}", diff(&want, &got));
    // Nothing is pushed twice.
    let third = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(2),
        &mut |_| {},
    )
    .await
    .unwrap();
    let report = risky_report(&third);
    assert!(
        report
            .detail
            .as_deref()
            .is_none_or(|d| !d.contains("pushed")),
        "{report:?}"
    );
    // A decision Entra refuses (an identity it no longer knows) stays pending, says why, and
    // does not stop the sync.
    act(
        &conn,
        key,
        &["00000000-0000-4000-8000-000000000000".to_string()],
        RiskAction::Dismiss,
        now + chrono::Duration::hours(2),
    )
    .unwrap();
    let fourth = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(3),
        &mut |_| {},
    )
    .await
    .unwrap();
    let report = risky_report(&fourth);
    assert!(
        report
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("stay pending"),
        "{report:?}"
    );
    assert_eq!(report.status, DatasetState::Ok);
    assert_eq!(pending(&conn), 1);
    assert_eq!(fourth.datasets.len(), steward_graph::sync::SYNCED.len());
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_object_reads_keep_a_bounded_number_of_batches_in_flight() {
    let sim = start_sized(
        Faults {
            delay: Duration::from_millis(25),
            ..Faults::default()
        },
        150,
        0,
    )
    .await;
    let peak = |sim: &Sim| {
        let url = format!("{}/_sim/stats", sim.running.url());
        async move {
            let stats: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            stats["peakBatchesInFlight"].as_u64().unwrap()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    o.datasets = vec![
        Dataset::ServicePrincipals,
        Dataset::AppRoleAssignments,
        Dataset::Owners,
    ];
    o.concurrency = 3;
    sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap();
    let seen = peak(&sim).await;
    assert!(
        (2..=3).contains(&seen),
        "several batches at once, never more than asked: {seen}"
    );
    // The cache is the same as one read a batch at a time.
    let one_at_a_time = tempfile::tempdir().unwrap();
    let serial = store::open(&one_at_a_time.path().join("cache.db")).unwrap();
    o.concurrency = 1;
    sync(&serial, &o, as_of(), &mut |_| {}).await.unwrap();
    assert_eq!(snapshot(&conn), snapshot(&serial));
    sim.running.shutdown().await;
}

/// One change an admin (or Entra) makes between two syncs.
#[derive(Debug, Clone)]
enum Change {
    Add(&'static str),
    Rename(&'static str, usize),
    SoftDelete(&'static str, usize),
    Purge(&'static str, usize),
}

fn any_change() -> impl proptest::strategy::Strategy<Value = Change> {
    use proptest::prelude::*;
    let collection = prop_oneof![Just("applications"), Just("servicePrincipals")];
    (collection, 0..4u8, 0..1_000usize).prop_map(|(c, kind, pick)| match kind {
        0 => Change::Add(c),
        1 => Change::Rename(c, pick),
        2 => Change::SoftDelete(c, pick),
        _ => Change::Purge(c, pick),
    })
}

/// The ids `change` may pick from: active objects, or (for a purge) soft-deleted ones too.
fn ids_in_sim(sim: &Sim, collection: &str, with_deleted: bool) -> Vec<String> {
    let c = store::open(&sim.db).unwrap();
    let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
    let mut ids: Vec<String> = if collection == "applications" {
        let mut v: Vec<_> = applications::list_page(&c, key, None, 1_000_000)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        if with_deleted {
            v.extend(
                applications::list_deleted(&c, key)
                    .unwrap()
                    .into_iter()
                    .map(|a| a.id),
            );
        }
        v
    } else {
        let mut v: Vec<_> = service_principals::list_page(&c, key, None, 1_000_000)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        if with_deleted {
            v.extend(
                service_principals::list_deleted(&c, key)
                    .unwrap()
                    .into_iter()
                    .map(|s| s.id),
            );
        }
        v
    };
    ids.sort();
    ids
}

async fn apply(sim: &Sim, step: &Change, n: usize) {
    let (collection, pick, what, with_deleted) = match *step {
        Change::Add(c) => {
            add(sim, c, &format!("Added in round {n}")).await;
            return;
        }
        Change::Rename(c, i) => (c, i, "rename", false),
        Change::SoftDelete(c, i) => (c, i, "delete", false),
        Change::Purge(c, i) => (c, i, "purge", true),
    };
    let ids = ids_in_sim(sim, collection, with_deleted);
    if ids.is_empty() {
        return;
    }
    change(sim, collection, &ids[pick % ids.len()], what).await;
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 24,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever sequence of additions, renames, soft deletes and purges happens between syncs,
    /// the delta rounds leave the cache's applications and service principals (active and
    /// soft-deleted) equal to the tenant's.
    #[test]
    fn any_sequence_of_delta_rounds_leaves_the_cache_equal_to_the_tenant(
        rounds in proptest::collection::vec(proptest::collection::vec(any_change(), 0..6), 1..4)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let sim = start_sized(small_pages(), 30, 200).await;
            let dir = tempfile::tempdir().unwrap();
            let conn = store::open(&dir.path().join("cache.db")).unwrap();
            let mut o = options(&sim);
            o.datasets = vec![
                Dataset::Applications,
                Dataset::ServicePrincipals,
                Dataset::DeletedApplications,
                Dataset::DeletedServicePrincipals,
            ];
            sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap();
            for (n, round) in rounds.iter().enumerate() {
                for step in round {
                    apply(&sim, step, n).await;
                }
                let summary = sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap();
                let apps = summary
                    .datasets
                    .iter()
                    .find(|d| d.dataset == Dataset::Applications)
                    .unwrap();
                assert_eq!(apps.mode, ReadMode::Delta, "round {n} reads only the changes");
                let want = directory_snapshot(&store::open(&sim.db).unwrap());
                let got = directory_snapshot(&conn);
                assert!(want == got, "after round {n} ({round:?}): {}", diff(&want, &got));
            }
            sim.running.shutdown().await;
        });
    }
}
