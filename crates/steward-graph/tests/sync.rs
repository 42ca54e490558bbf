//! The sync against the Graph simulator over real HTTP on loopback: a full sync leaves the cache
//! equal to the simulated tenant, a second sync applies the tenant's changes (deletions
//! included), an expired delta link falls back to a full read, a cancelled sync keeps what it
//! read and the next one finishes, risk decisions made offline are pushed by the next sync, and
//! any sequence of delta rounds leaves the cache equal to the tenant.

use rusqlite::Connection;
use steward_core::dataset::{Dataset, DatasetState, ReadMode};
use steward_core::store::{self, applications, risk, service_principals, tenants};
use steward_graph::sync::sync;

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

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
    // Agent ID's blueprints arrive marked by their @odata.type, with their sponsors read
    // through the blueprint and blueprint-principal casts.
    let blueprints: (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM applications WHERE agent_blueprint = 1),
                    (SELECT count(*) FROM service_principals WHERE agent_blueprint_principal = 1),
                    (SELECT count(*) FROM owners o WHERE relation = 'sponsor' AND (
                        o.object_id IN (SELECT id FROM applications WHERE agent_blueprint = 1)
                        OR o.object_id IN (SELECT id FROM service_principals
                                           WHERE agent_blueprint_principal = 1)))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        blueprints.0 > 0 && blueprints.1 > 0 && blueprints.2 >= 2,
        "blueprints, their principals and sponsors: {blueprints:?}"
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

/// A cache file (and its folder) and options for syncing `sim` into it that cancel the sync
/// once the flag is set.
fn cancellable(
    sim: &Sim,
) -> (
    tempfile::TempDir,
    Connection,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    steward_graph::sync::SyncOptions,
) {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut o = options(sim);
    o.cancel = Some(flag.clone());
    (dir, conn, flag, o)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sync_keeps_the_pages_it_read_and_the_next_one_finishes_equal() {
    let sim = start(small_pages()).await;
    let (_dir, conn, flag, mut o) = cancellable(&sim);
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

#[tokio::test]
async fn a_sync_cancelled_among_sign_ins_keeps_every_page_it_read_and_the_next_one_finishes() {
    // Pages of 40 sign-ins go to the writer thread in runs of thousands: a cancel between
    // commits still keeps every page read, with the position after the last.
    let sim = start(small_pages()).await;
    let (_dir, conn, flag, mut o) = cancellable(&sim);
    o.datasets = vec![Dataset::SignIns];
    let now = as_of() + chrono::Duration::hours(1);
    let mut read = 0;
    let err = sync(&conn, &o, now, &mut |p| {
        if p.dataset == Dataset::SignIns {
            read = p.items;
            if p.items >= 200 {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, steward_graph::sync::SyncError::Cancelled),
        "{err}"
    );
    let sign_ins = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM sign_ins", [], |r| r.get(0))
            .unwrap()
    };
    let kept = sign_ins(&conn);
    assert_eq!(
        kept as u64, read,
        "every page read before the cancel is kept"
    );
    o.cancel = None;
    sync(&conn, &o, now, &mut |_| {}).await.unwrap();
    let all = sign_ins(&conn);
    let in_sim = sign_ins(&store::open(&sim.db).unwrap());
    assert!(kept < all, "{kept} of {all}");
    assert_eq!(all, in_sim, "the next sync reads the rest");
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
