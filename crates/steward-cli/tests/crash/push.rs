//! `steward push` killed with SIGKILL while Graph holds a change it has applied but not yet
//! answered: the restart reads Entra's version first and sends each change exactly once.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::common::{steward, SimTenant};
use super::{assert_sound, stderr};

/// The first `n` applications of the cache.
fn applications(db: &std::path::Path, n: i64) -> Vec<String> {
    let conn = steward_core::store::open(db).unwrap();
    let (key, _) = steward_core::store::tenants::resolve_tenant(&conn, None).unwrap();
    steward_core::store::applications::list_page(&conn, key, None, n)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

fn writes(sim: &SimTenant) -> u64 {
    sim.stats()["writes"].as_u64().unwrap()
}

#[test]
fn a_push_killed_after_graph_applied_a_change_sends_each_change_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Push-Kill-Secret~0123456789";
    let faults = graph_sim::Faults {
        hold_write_answers: Duration::from_millis(600),
        ..Default::default()
    };
    let sim = SimTenant::start(dir.path(), 4, 60, 200, secret, faults);
    let db = dir.path().join("cache.db");
    let synced = sim
        .sync(&db, secret)
        .args(["--dataset", "applications"])
        .output()
        .unwrap();
    assert!(synced.status.success(), "{}", stderr(&synced));
    let apps = applications(&db, 3);
    for (i, app) in apps.iter().enumerate() {
        let branch = format!("release-{i}");
        let out = steward(
            &db,
            &[
                "federated-credential",
                "add",
                "--application",
                app,
                "--name",
                "deploy",
                "--template",
                "github-actions",
                "--repository",
                "contoso/payments",
                "--branch",
                &branch,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // Two kills, each once Graph has applied one more write than before and holds its answer.
    for applied in 1..=2u64 {
        let mut child = sim
            .push(&db, secret)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while writes(&sim) < applied {
            assert!(
                Instant::now() < deadline,
                "Graph never received write {applied}"
            );
            assert!(
                child.try_wait().unwrap().is_none(),
                "the push ended before the kill"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap();
        let _ = child.wait();
        assert_sound(&db, &format!("push kill after write {applied}"));
    }
    let done = sim.push(&db, secret).output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(writes(&sim), 3, "three changes, three writes");
    let conn = steward_core::store::open(&sim.db).unwrap();
    let (key, _) = steward_core::store::tenants::resolve_tenant(&conn, None).unwrap();
    for app in &apps {
        let named =
            steward_core::store::federated_credentials::list_for_application(&conn, key, app)
                .unwrap()
                .into_iter()
                .filter(|f| f.name == "deploy")
                .count();
        assert_eq!(named, 1, "{app}");
    }
    let listed = steward(&db, &["outbox", "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let statuses: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pushed", "pushed", "pushed"]);
}
