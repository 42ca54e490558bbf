//! The sync against the Graph simulator under faults and limits: faults at 20% of requests (all
//! at once and each alone) end in the same equal cache, as do Graph's own limits per endpoint
//! family; a license-gated dataset is marked not available; a next link to another host is not
//! followed; Cancel interrupts a long Retry-After; per-object reads keep a bounded number of
//! batches in flight.

use std::time::Duration;

use graph_sim::Faults;
use steward_core::dataset::{Dataset, DatasetState, ReadMode};
use steward_core::store::{self, service_principals, tenants};
use steward_graph::sync::sync;

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

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
