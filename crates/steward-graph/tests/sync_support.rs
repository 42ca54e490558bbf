//! What the sync tests share: the Graph simulator started over real HTTP on loopback, the sync's
//! options against it, the cache and the simulated tenant as comparable texts, and the changes a
//! test makes to the tenant between syncs. (Its own test target holds no test.)

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use graph_sim::{Faults, Running, SimConfig};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::dataset::Dataset;
use steward_core::demo::DemoOptions;
use steward_core::store::{
    self, applications, insights, risk, service_principals, sign_ins, tenants,
};
use steward_graph::sync::SyncOptions;

pub const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
pub const SECRET: &str = "loopback-test-secret-value";

pub fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-11-01T00:00:00Z").unwrap()
}

pub struct Sim {
    pub running: Running,
    pub db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn start(faults: Faults) -> Sim {
    start_sized(faults, 150, 6_000).await
}

pub async fn start_sized(faults: Faults, service_principals: usize, sign_ins: u64) -> Sim {
    start_with(faults, service_principals, sign_ins, None).await
}

pub async fn start_with(
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

pub fn small_pages() -> Faults {
    Faults {
        page_cap: 40,
        ..Faults::default()
    }
}

pub fn options(sim: &Sim) -> SyncOptions {
    let mut o = SyncOptions::new(&sim.running.tenant_id, CLIENT_ID, SECRET);
    o.graph_url = sim.running.url();
    o.authority_url = sim.running.url();
    // The simulated sign-ins span the 60 days before as-of: read them all.
    o.sign_in_days = 90;
    o.max_backoff = Duration::from_millis(40);
    o
}

/// Active and soft-deleted applications and service principals, as a comparable text.
pub fn directory_snapshot(conn: &Connection) -> String {
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
pub fn snapshot(conn: &Connection) -> String {
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
pub fn related(
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

pub fn sim_snapshot(sim: &Sim) -> String {
    snapshot(&store::open(&sim.db).unwrap())
}

pub fn diff(a: &str, b: &str) -> String {
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

/// Changes the simulated tenant: `what` is `delete` or `rename`.
pub async fn change(sim: &Sim, collection: &str, id: &str, what: &str) {
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

pub async fn add(sim: &Sim, collection: &str, name: &str) -> String {
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
