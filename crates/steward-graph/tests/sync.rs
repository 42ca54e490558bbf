//! The sync against the Graph simulator over real HTTP on loopback: a full sync leaves the cache
//! equal to the simulated tenant, a second sync applies the tenant's changes (deletions
//! included), and faults at 20% of requests end in the same equal cache.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use graph_sim::{Faults, Running, SimConfig};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::demo::DemoOptions;
use steward_core::store::{self, applications, service_principals, sign_ins, tenants};
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sim.db");
    let config = SimConfig {
        demo: DemoOptions {
            seed: 5,
            service_principals: 150,
            sign_ins: 6_000,
            as_of: as_of(),
        },
        client_id: CLIENT_ID.into(),
        client_secret: SECRET.into(),
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

/// The tenant as a comparable text: every active application and service principal with its
/// credentials, and every sign-in id with its time and result.
fn snapshot(conn: &Connection) -> String {
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
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let now = as_of() + chrono::Duration::hours(1);
    let summary = sync(&conn, &options(&sim), now, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(summary.tenant_id, sim.running.tenant_id);
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

    // The tenant changes: one service principal is removed, another renamed.
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    let sps = service_principals::list_page(&conn, key, None, 10).unwrap();
    let http = reqwest::Client::new();
    http.post(format!(
        "{}/_sim/servicePrincipals/{}/delete",
        sim.running.url(),
        sps[0].id
    ))
    .send()
    .await
    .unwrap();
    http.post(format!(
        "{}/_sim/servicePrincipals/{}/rename",
        sim.running.url(),
        sps[1].id
    ))
    .json(&serde_json::json!({"displayName": "Renamed between syncs"}))
    .send()
    .await
    .unwrap();
    let second = sync(
        &conn,
        &options(&sim),
        now + chrono::Duration::hours(1),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let sp_report = second
        .datasets
        .iter()
        .find(|d| d.dataset.name() == "servicePrincipals")
        .unwrap();
    assert_eq!(
        sp_report.removed, 1,
        "the removed service principal is removed from the cache"
    );
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the second sync applies exactly the changes: {}",
        diff(&want, &got)
    );
    assert!(got.contains("Renamed between syncs"));
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_a_fifth_of_requests_end_in_the_same_equal_cache() {
    let sim = start(Faults {
        throttle: 0.05,
        throttle_no_retry_after: 0.04,
        server_error: 0.04,
        expire_page_token: 0.04,
        revoke_token: 0.03,
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
        &mut |_, _| {},
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
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_fails_with_the_aadsts_reason_and_never_echoes_the_secret() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    o.client_secret = "wrong-secret-value-123".into();
    let err = sync(&conn, &o, as_of(), &mut |_, _| {}).await.unwrap_err();
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
async fn a_cancelled_sync_keeps_the_pages_it_read_and_the_next_one_finishes_equal() {
    let sim = start(small_pages()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut o = options(&sim);
    o.cancel = Some(flag.clone());
    let mut pages = 0;
    let now = as_of() + chrono::Duration::hours(1);
    let err = sync(&conn, &o, now, &mut |_, _| {
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
    sync(&conn, &o, now, &mut |_, _| {}).await.unwrap();
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(
        want == got,
        "the next sync finishes the job: {}",
        diff(&want, &got)
    );
    sim.running.shutdown().await;
}
