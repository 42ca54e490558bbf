//! A second Steward on a cache another one is writing: a second writer is refused at once with
//! who holds the cache, and readers go on reading, as the window does during a CLI sync.
//!
//! Without the refusal both syncs ran to their end, but interleaved their saved positions and
//! removed each other's rows: a whole-read dataset kept 4 of its 129 rows.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{steward, SimTenant};
use crate::{stderr, tenant_text};

#[test]
fn a_second_writer_is_refused_by_name_while_a_sync_writes_and_readers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Second-Instance-Secret~7";
    // About 180 pages at 20 ms each: the first sync writes for several seconds.
    let faults = graph_sim::Faults {
        page_cap: 25,
        delay: Duration::from_millis(20),
        ..Default::default()
    };
    let sim = SimTenant::start(dir.path(), 9, 150, 2_500, secret, faults);
    let db = dir.path().join("data/cache.db");
    let lock = steward_core::store::lock_path(&db);
    let mut first = sim
        .sync(&db, secret)
        .args(["--sign-in-days", "90"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let holder = format!("a sync of tenant {}, process {}", sim.id, first.id());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&lock).is_ok_and(|s| s.contains(&holder)) {
        if let Some(status) = first.try_wait().unwrap() {
            panic!("the first sync ended ({status}) before it was seen writing");
        }
        assert!(Instant::now() < deadline, "the first sync took the cache");
        std::thread::sleep(Duration::from_millis(10));
    }

    let second = sim.sync(&db, secret).output().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph");
    let import = steward(&db, &["import", fixtures.to_str().unwrap()]);
    let tenants = steward(&db, &["tenants", "--json"]);
    let identities = steward(&db, &["identities", "--json"]);
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first sync was still writing while the others ran"
    );
    for (out, what) in [(&second, "a second sync"), (&import, "an import")] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{what} is refused: {err}");
        assert!(
            err.contains(&format!(
                "another Steward is writing the cache at {}",
                db.display()
            )) && err.contains(&holder)
                && err.contains("wait for it to finish or close it, then run again"),
            "{what} says who holds the cache and what to do: {err}"
        );
        assert!(!err.contains("database is locked"), "{what}: {err}");
    }
    for (out, what) in [(&tenants, "tenants"), (&identities, "identities")] {
        assert!(
            out.status.success(),
            "{what} reads while the sync writes: {}",
            stderr(out)
        );
    }
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&tenants.stdout).unwrap();
    assert_eq!(listed.len(), 1, "the tenant the sync is writing");

    let done = first.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        tenant_text(&db) == tenant_text(&sim.db),
        "the first sync's cache equals the tenant"
    );
    // Once the first is done the cache is free again.
    let again = sim.sync(&db, secret).output().unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    let import = steward(&db, &["import", fixtures.to_str().unwrap()]);
    assert!(import.status.success(), "{}", stderr(&import));
}
