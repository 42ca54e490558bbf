//! The cache on a disk that fills up, and in a read-only folder: every command stops with an
//! error that names the problem and what to do, nothing panics, and the cache stays as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{steward, SimTenant, CLIENT};
use crate::{assert_sound, stderr, tenant_text, texts, write_export};

/// A tmpfs mounted on a folder for one test, unmounted when dropped (a panic included).
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (as `mount` writes it: `2m`) on `dir`. `None` only when the test
    /// does not run as root, which it says; as root a failed mount fails the test.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .output();
        let why = match mounted {
            Ok(out) if out.status.success() => {
                return Some(Tmpfs {
                    dir: dir.to_path_buf(),
                })
            }
            Ok(out) => stderr(&out),
            Err(e) => e.to_string(),
        };
        let uid = Command::new("id").arg("-u").output().map_or_else(
            |e| e.to_string(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        );
        assert!(
            uid != "0",
            "mounting a tmpfs on {} failed as root: {why}",
            dir.display()
        );
        eprintln!(
            "SKIPPED: this test mounts a tmpfs, which needs root (uid {uid}); mount said: {why}"
        );
        None
    }

    /// Remounts with other options (`ro`, `rw`, `size=64m`).
    fn remount(&self, options: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "remount {options}: {}", stderr(&out));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount").arg(&self.dir).status();
        if !unmounted.is_ok_and(|s| s.success()) {
            // Still busy (a child the panic left running): detach it now, free it when unused.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// The command failed with a message that says the disk is full and what to do, once, and did
/// not panic.
fn assert_disk_full(out: &Output, what: &str, then: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{what} fails: {err}");
    assert!(
        err.contains("is full: free space on it") && err.contains(then),
        "{what} says the disk is full and what to do: {err}"
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(
        err.matches("disk is full").count() <= 1,
        "{what} says it once: {err}"
    );
}

/// Every file in `dir` with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    all.sort();
    all
}

/// The service principals a cache holds, as text.
fn service_principals(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    texts(
        &conn,
        "SELECT id || '|' || display_name || '|' || account_enabled FROM service_principals ORDER BY id",
    )
    .join("\n")
}

#[test]
fn a_full_disk_stops_a_sync_an_import_and_a_report_with_what_to_do_and_keeps_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Disk-Full-Test-Secret~42";
    let sim = SimTenant::start(dir.path(), 7, 150, 10_000, secret, Default::default());
    let days = ["--sign-in-days", "90"];
    let export = dir.path().join("export");
    write_export(&export, 300, 3_000);
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk"), "2m") else {
        return;
    };
    let db = disk.dir.join("steward/cache.db");
    // A first, small sync fits.
    let first = sim
        .sync(&db, secret)
        .args(["--dataset", "servicePrincipals"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    let first_state = service_principals(&db);
    assert!(first_state.lines().count() >= 150, "{first_state}");

    // The whole tenant, with its 10,000 sign-ins, does not.
    let whole = sim.sync(&db, secret).args(days).output().unwrap();
    assert_disk_full(&whole, "the sync", "then run sync again to resume");
    assert!(stderr(&whole).contains("what was committed is kept"));
    assert_sound(&db, "a sync stopped by a full disk");
    assert_eq!(
        service_principals(&db),
        first_state,
        "the first sync's rows"
    );
    let export_arg = export.to_str().unwrap();
    let import = steward(&db, &["import", export_arg]);
    assert_disk_full(&import, "the import", "then import again");
    assert!(stderr(&import).contains("nothing was imported"));
    assert_sound(&db, "an import stopped by a full disk");
    assert_eq!(service_principals(&db), first_state);
    // A report of the simulator's 10,000 sign-ins (about 3 MB) onto the full disk.
    let report_out = disk.dir.join("sign-ins.csv");
    let report = [
        "report",
        "sign-ins",
        "--format",
        "csv",
        "--from",
        "2020-01-01",
        "--out",
        report_out.to_str().unwrap(),
    ];
    let refused = steward(&sim.db, &report);
    assert_disk_full(&refused, "the report", "or choose a file on another disk");
    let listed: Vec<String> = files(&disk.dir).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        listed,
        ["steward"],
        "the report left no file, whole or part"
    );

    // With room again, each runs to its end.
    disk.remount("size=64m");
    let whole = sim.sync(&db, secret).args(days).output().unwrap();
    assert!(whole.status.success(), "{}", stderr(&whole));
    assert!(
        tenant_text(&db) == tenant_text(&sim.db),
        "the cache equals the tenant"
    );
    let import = steward(&db, &["import", export_arg]);
    assert!(import.status.success(), "{}", stderr(&import));
    let written = steward(&sim.db, &report);
    assert!(written.status.success(), "{}", stderr(&written));
    assert_sound(&db, "the reruns");
}

#[test]
fn a_read_only_folder_refuses_a_sync_an_import_and_a_report_by_name_and_keeps_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&dir.path().join("ro"), "16m") else {
        return;
    };
    let db = disk.dir.join("cache.db");
    let demo = steward(
        &db,
        &["demo", "--service-principals", "60", "--sign-ins", "600"],
    );
    assert!(demo.status.success(), "{}", stderr(&demo));
    // A copy elsewhere, to read a report from.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    let before = files(&disk.dir);
    disk.remount("ro");
    let folder = disk.dir.display().to_string();

    // Nothing listens on port 9: had the sync got past the cache, it would fail otherwise.
    let nowhere = "http://127.0.0.1:9";
    let sync = Command::new(env!("CARGO_BIN_EXE_steward"))
        .arg("--db")
        .arg(&db)
        .args(["sync", "--tenant", "t", "--client-id", CLIENT])
        .args(["--graph-url", nowhere, "--authority-url", nowhere])
        .env("STEWARD_CLIENT_SECRET", "Read-Only-Test-Secret~1")
        .env("STEWARD_SECRET_STORE", "none")
        .env_remove("STEWARD_DB")
        .output()
        .unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph");
    let import = steward(&db, &["import", fixtures.to_str().unwrap()]);
    for (out, what) in [(&sync, "the sync"), (&import, "the import")] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{what} fails: {err}");
        assert!(
            err.contains(&format!("its folder {folder} is read-only"))
                && err.contains("make its folder writable")
                && err.contains("or pass a cache in a writable folder with --db"),
            "{what} names the folder and what to do: {err}"
        );
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
    let out = disk.dir.join("licenses.csv");
    let report = steward(
        &copy,
        &[
            "report",
            "licenses",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let err = stderr(&report);
    assert_eq!(report.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("The folder {folder} is read-only"))
            && err.contains("choose a file in a writable folder"),
        "the report names the folder and what to do: {err}"
    );
    assert!(files(&disk.dir) == before, "the folder is as it was");

    disk.remount("rw");
    assert_sound(&db, "commands refused by a read-only folder");
    let tenants = steward(&db, &["tenants", "--json"]);
    assert!(tenants.status.success(), "{}", stderr(&tenants));
}
