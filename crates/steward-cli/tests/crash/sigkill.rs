//! SIGKILL at fixed points of a sync, an import and a report export: the cache stays sound and
//! whole after every kill, and the rerun ends where an uninterrupted run does.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{steward, SimTenant};
use crate::{assert_sound, chosen, dump, stderr, tenant_text, write_export};

/// When each sync is killed, in milliseconds after it starts; `true` marks the quick subset.
/// Each run resumes the one killed before it.
const SYNC_KILLS: [(u64, bool); 20] = [
    (695, true),
    (696, false),
    (392, true),
    (703, false),
    (889, false),
    (143, true),
    (859, false),
    (815, false),
    (531, true),
    (293, false),
    (859, false),
    (538, false),
    (922, true),
    (256, false),
    (564, false),
    (451, false),
    (76, true),
    (409, false),
    (894, false),
    (830, false),
];

/// When an import is killed: after a share of the time an uninterrupted import takes, or as
/// soon as its write-ahead log holds this many bytes. An import reads and checks every file,
/// writes them in one transaction in memory, and only at its commit appends the pages to the
/// log, in a burst of some tens of milliseconds that no timed point reliably meets: watching
/// the log lands a kill inside the commit.
#[derive(Debug, Clone, Copy)]
enum ImportKill {
    Share(f64),
    LogPast(u64),
}

const IMPORT_KILLS: [(ImportKill, bool); 15] = [
    (ImportKill::Share(0.1), false),
    (ImportKill::Share(0.25), true),
    (ImportKill::Share(0.4), false),
    (ImportKill::Share(0.5), false),
    (ImportKill::Share(0.6), true),
    (ImportKill::Share(0.7), false),
    (ImportKill::Share(0.8), false),
    (ImportKill::Share(0.9), false),
    (ImportKill::Share(0.95), false),
    (ImportKill::Share(1.0), false),
    (ImportKill::LogPast(1), true),
    (ImportKill::LogPast(8 << 10), false),
    (ImportKill::LogPast(32 << 10), true),
    (ImportKill::LogPast(128 << 10), false),
    (ImportKill::LogPast(512 << 10), false),
];

/// The reports killed mid-write, one of each format: kind, format and extra arguments.
const REPORTS: [(&str, &str, &[&str]); 5] = [
    ("sign-ins", "csv", &["--from", "2026-01-01"]),
    ("sign-ins", "json", &["--from", "2026-01-01"]),
    ("sign-ins", "html", &["--from", "2026-01-01"]),
    ("sign-ins", "xlsx", &["--from", "2026-02-15"]),
    ("credential-expiry", "pdf", &[]),
];

/// When each export is killed: which of [`REPORTS`], and the share of the time an uninterrupted
/// export of it takes.
const EXPORT_KILLS: [((usize, f64), bool); 15] = [
    ((0, 0.3), false),
    ((1, 0.3), true),
    ((2, 0.3), false),
    ((3, 0.3), false),
    ((4, 0.3), false),
    ((0, 0.6), true),
    ((1, 0.6), false),
    ((2, 0.6), false),
    ((3, 0.6), true),
    ((4, 0.6), false),
    ((0, 0.9), false),
    ((1, 0.9), false),
    ((2, 0.9), false),
    ((3, 0.9), false),
    ((4, 0.9), true),
];

#[test]
fn a_sync_killed_with_sigkill_resumes_to_an_equal_cache_and_keeps_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Kill-Test-Secret~0123456789";
    let faults = graph_sim::Faults {
        page_cap: 25,
        delay: Duration::from_millis(8),
        ..Default::default()
    };
    let sim = SimTenant::start(dir.path(), 3, 150, 5_000, secret, faults);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("cache.db");
    let spawn = || {
        sim.sync(&db, secret)
            .args(["--sign-in-days", "90"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start steward sync")
    };
    let kills = chosen(&SYNC_KILLS);
    let mut finished_early = 0;
    for (i, ms) in kills.iter().enumerate() {
        let mut child = spawn();
        std::thread::sleep(Duration::from_millis(*ms));
        if child.try_wait().unwrap().is_some() {
            finished_early += 1;
        } else {
            child.kill().expect("SIGKILL the sync");
            let _ = child.wait();
        }
        assert_sound(&db, &format!("sync kill {i} at {ms} ms"));
    }
    eprintln!(
        "sync: {} kills, {finished_early} runs finished first",
        kills.len()
    );
    let done = spawn().wait_with_output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        finished_early * 4 < kills.len() * 3,
        "most kills landed mid-sync ({finished_early} of {} runs finished first)",
        kills.len()
    );
    let want = tenant_text(&sim.db);
    let got = tenant_text(&db);
    assert!(!want.is_empty());
    assert!(
        want == got,
        "after {} kills and a resume the cache equals the tenant ({} vs {} lines)",
        kills.len(),
        want.lines().count(),
        got.lines().count()
    );
    let err = stderr(&done);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        !err.contains(secret) && !stdout.contains(secret),
        "no output line holds the secret"
    );
    assert!(
        err.contains("no OS secret store") && err.contains("give it again next time"),
        "without a secret store the sync says the secret was not kept: {err}"
    );
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the secret",
            p.display()
        );
    }
}

#[test]
fn an_import_killed_with_sigkill_leaves_the_cache_before_or_after_it_and_a_rerun_ends_as_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    write_export(&export, 600, 5_000);
    let export_arg = export.to_str().unwrap();
    // What the cache holds before the big import: an earlier, smaller one.
    let earlier = [
        "0-organization.json",
        "1-servicePrincipals-000.json",
        "2-signIns-000.json",
    ]
    .map(|f| export.join(f).display().to_string());
    let import_earlier = |db: &Path| {
        let args: Vec<&str> = std::iter::once("import")
            .chain(earlier.iter().map(String::as_str))
            .collect();
        let out = steward(db, &args);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    // One uninterrupted run: the end state every rerun must reach. A second run over it changes
    // nothing; how long a run takes is the shorter of the two, as other work on the machine may
    // slow either.
    let reference = dir.path().join("reference.db");
    import_earlier(&reference);
    let (mut took, mut after) = (Duration::MAX, String::new());
    for run in 0..2 {
        let started = Instant::now();
        let out = steward(&reference, &["import", export_arg]);
        took = took.min(started.elapsed());
        assert!(out.status.success(), "{}", stderr(&out));
        let now = dump(&reference, true);
        if run == 0 {
            after = now;
        } else {
            assert!(
                now == after,
                "a second import of the same files changes nothing"
            );
        }
    }

    let db = dir.path().join("data/cache.db");
    import_earlier(&db);
    let mut before = dump(&db, false);
    assert!(
        before != dump(&reference, false),
        "the import changes the cache"
    );
    let kills = chosen(&IMPORT_KILLS);
    // Every check below closes the cache, which removes its log: each run starts without one.
    let log = db.with_file_name("cache.db-wal");
    let (mut killed, mut rolled_back, mut in_commit) = (0, 0, 0);
    for (i, point) in kills.iter().enumerate() {
        let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
            .arg("--db")
            .arg(&db)
            .args(["import", export_arg])
            .env_remove("STEWARD_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start steward import");
        let due = match point {
            ImportKill::Share(share) => {
                std::thread::sleep(took.mul_f64(*share));
                child.try_wait().unwrap().is_none()
            }
            // Polled without a pause until it holds that much, or the import has ended: the
            // commit's burst takes about a millisecond.
            ImportKill::LogPast(bytes) => loop {
                if std::fs::metadata(&log).is_ok_and(|m| m.len() >= *bytes) {
                    break true;
                }
                if child.try_wait().unwrap().is_some() {
                    break false;
                }
            },
        };
        if due {
            child.kill().expect("SIGKILL the import");
            killed += 1;
        }
        let _ = child.wait();
        let at = format!("import kill {i} at {point:?} (an import takes {took:?})");
        assert_sound(&db, &at);
        let now = dump(&db, false);
        if now == before {
            rolled_back += 1;
            in_commit += usize::from(due && matches!(point, ImportKill::LogPast(_)));
        } else {
            assert!(
                dump(&db, true) == after,
                "{at}: the cache is neither exactly as before the import nor as after it"
            );
        }
        before = now;
    }
    eprintln!(
        "import: {} kills over a {took:?} run: {killed} mid-run, {rolled_back} left the cache as before, {in_commit} of them inside the commit",
        kills.len()
    );
    // The last points straddle the end of a run by design.
    assert!(
        killed * 3 >= kills.len() && rolled_back > 0,
        "kills landed mid-import ({killed} of {}) and left the cache as before ({rolled_back})",
        kills.len()
    );
    // A kill inside the commit is a race of a millisecond, usually won by the first point that
    // watches the log; with all five of them one is required to win.
    assert!(
        in_commit > 0 || !crate::all_points(),
        "a kill landed inside the commit and left the cache as before"
    );
    let rerun = steward(&db, &["import", export_arg]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert!(
        dump(&db, true) == after,
        "after {} kills a rerun ends as one uninterrupted import",
        kills.len()
    );
}

/// Temporary files of exports in `folder`.
fn temporary_files(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".steward-report-"))
        .collect()
}

#[test]
fn a_report_killed_with_sigkill_leaves_no_file_or_a_complete_one_and_the_rerun_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let demo = steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "800",
            "--sign-ins",
            "12000",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert!(demo.status.success(), "{}", stderr(&demo));
    let export = |report: usize, out: &Path, as_of: &str| {
        let (kind, format, extra) = REPORTS[report];
        let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
        c.arg("--db")
            .arg(&db)
            .args(["report", kind, "--format", format, "--out"])
            .arg(out)
            .args(["--as-of", as_of])
            .args(extra)
            .env_remove("STEWARD_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    };
    let kills = chosen(&EXPORT_KILLS);
    // Per report: the complete report, and how long writing it takes.
    let mut references = std::collections::BTreeMap::new();
    for (report, _) in &kills {
        references.entry(*report).or_insert_with(|| {
            let new = dir.path().join(format!("reference-{report}"));
            let started = Instant::now();
            let out = export(*report, &new, "2026-03-01").output().unwrap();
            let took = started.elapsed();
            assert!(out.status.success(), "{}", stderr(&out));
            (std::fs::read(new).unwrap(), took)
        });
    }
    // What the destination held before: any complete file, which a report must replace whole.
    let earlier = b"an earlier report\n".to_vec();
    let (mut killed, mut left_behind) = (0, 0);
    for (i, (report, share)) in kills.iter().enumerate() {
        let (new, took) = &references[report];
        let folder = dir.path().join(format!("kill-{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        let out = folder.join(format!("report.{}", REPORTS[*report].1));
        // Every other point replaces an earlier report; the rest write a new file.
        let replaces = i % 2 == 0;
        if replaces {
            std::fs::write(&out, &earlier).unwrap();
        }
        let mut child = export(*report, &out, "2026-03-01").spawn().unwrap();
        std::thread::sleep(took.mul_f64(*share));
        if child.try_wait().unwrap().is_none() {
            child.kill().expect("SIGKILL the export");
            killed += 1;
        }
        let _ = child.wait();
        let at = format!(
            "export kill {i} ({:?}) at {share} of {took:?}",
            REPORTS[*report]
        );
        assert_sound(&db, &at);
        match std::fs::read(&out) {
            Ok(bytes) => assert!(
                bytes == *new || (replaces && bytes == earlier),
                "{at}: the destination holds a complete report ({} bytes)",
                bytes.len()
            ),
            Err(e) => assert!(!replaces, "{at}: the earlier report is kept: {e}"),
        }
        left_behind += temporary_files(&folder).len();
        let rerun = export(*report, &out, "2026-03-01").output().unwrap();
        assert!(rerun.status.success(), "{at}: {}", stderr(&rerun));
        assert!(
            std::fs::read(&out).unwrap() == *new,
            "{at}: the rerun's report"
        );
        assert_eq!(
            temporary_files(&folder),
            Vec::<String>::new(),
            "{at}: the rerun removed what the killed export left"
        );
    }
    eprintln!(
        "export: {} kills: {killed} mid-export, {left_behind} temporary files left for the rerun",
        kills.len()
    );
    assert!(
        killed * 2 >= kills.len() && left_behind > 0,
        "kills landed mid-export ({killed} of {}) and some left a temporary file ({left_behind})",
        kills.len()
    );
}
