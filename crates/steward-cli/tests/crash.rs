//! Crash consistency: SIGKILL, disk full, read-only folder, second instance.
//!
//! - `sigkill`: `steward sync`, `import` and `report` killed with SIGKILL at chosen points. After
//!   every kill the cache opens and passes `PRAGMA integrity_check`; an import leaves exactly the
//!   cache before it or exactly the one after it; a report leaves no file or a complete one; and
//!   the rerun ends where an uninterrupted run does.
//! - `disk`: the cache on a small tmpfs that fills up, and on a read-only mount: a clear error
//!   that says what to do, and the cache intact. These mount file systems, so they need root
//!   (CI and the build machine run as root); elsewhere they say why they skip.
//! - `second_instance`: a second writer on a cache being synced is refused, naming who holds it,
//!   while readers go on reading.
//!
//! There are 50 kill points, listed in `sigkill.rs` so that a failure can be replayed: 20 in a
//! sync (fixed delays), 15 in an import (shares of a measured run, and five at its commit, found
//! by watching its write-ahead log) and 15 in exports (three shares of a run for each format).
//! The test command runs a quick subset (6 + 4 + 4);
//! `STEWARD_CRASH_POINTS=all cargo test -p steward-cli --test crash` runs all 50. `push.rs`: a
//! push killed twice while Graph holds an applied write's answer, then run again: each change
//! reaches Graph exactly once.

mod common;
#[path = "crash/disk.rs"]
mod disk;
#[path = "crash/push.rs"]
mod push;
#[path = "crash/second_instance.rs"]
mod second_instance;
#[path = "crash/sigkill.rs"]
mod sigkill;

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

/// Whether every kill point runs (`STEWARD_CRASH_POINTS=all`), or only the quick subset.
fn all_points() -> bool {
    std::env::var("STEWARD_CRASH_POINTS").is_ok_and(|v| v == "all")
}

/// The points to run: all of them, or those marked quick.
fn chosen<T: Copy>(points: &[(T, bool)]) -> Vec<T> {
    let all = all_points();
    points
        .iter()
        .filter(|(_, quick)| all || *quick)
        .map(|(p, _)| *p)
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The first column of every row `sql` selects, as text.
fn texts(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The cache opens as Steward opens it, and SQLite finds it sound: every page and index, and
/// every foreign key.
fn assert_sound(db: &Path, after: &str) {
    let conn = steward_core::store::open(db)
        .unwrap_or_else(|e| panic!("the cache opens after {after}: {e}"));
    let check = texts(&conn, "PRAGMA integrity_check");
    assert_eq!(check, ["ok"], "integrity_check after {after}");
    let orphans: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(orphans, 0, "foreign keys after {after}");
}

/// A tenant as comparable text, read with plain SQL: service principals and applications with
/// their credentials, and every sign-in id.
fn tenant_text(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = String::new();
    for sql in [
        "SELECT id || '|' || display_name || '|' || account_enabled FROM service_principals WHERE deleted IS NULL ORDER BY id",
        "SELECT id || '|' || display_name FROM applications WHERE deleted IS NULL ORDER BY id",
        "SELECT c.owner_id || '|' || c.key_id || '|' || coalesce(c.end_time, '') FROM credentials c
             WHERE c.owner_deleted = 0 ORDER BY 1",
        "SELECT hex(id) || '|' || created || '|' || error_code FROM sign_ins ORDER BY created, id",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

/// The columns that record when a run read its data (the clock, not the data): two runs of the
/// same import differ only there.
const CLOCK_COLUMNS: [(&str, &str); 2] = [("tenants", "data_as_of"), ("datasets", "synced_at")];

/// Every row of every table, sorted: what "exactly the same cache" compares. With `clockless`,
/// the [`CLOCK_COLUMNS`] read as `*`.
fn dump(db: &Path, clockless: bool) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables = texts(
        &conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok(names
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if clockless && CLOCK_COLUMNS.contains(&(t.as_str(), c.as_str())) {
                            "*".to_string()
                        } else {
                            format!("{:?}", r.get_ref(i).unwrap())
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        out.push_str(&format!("{t}: {}\n", rows.join("\n  ")));
    }
    out
}

/// A GUID numbered `n` in a family (`family` < 16^8), unique across families.
fn guid(family: u32, n: usize) -> String {
    format!("{family:08x}-0000-4000-8000-{n:012x}")
}

/// Writes a Graph export of the repository's fixture tenant as an admin saves one: the
/// organization, then pages of `service_principals` (100 a page) and of `sign_ins` (500 a page)
/// made from the documentation fixtures' items.
fn write_export(dir: &Path, service_principals: usize, sign_ins: usize) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(fixtures.join(name)).unwrap()).unwrap()
    };
    std::fs::create_dir_all(dir).unwrap();
    let save = |name: String, text: String| std::fs::write(dir.join(name), text).unwrap();
    save(
        "0-organization.json".into(),
        read("organization-list.json").to_string(),
    );
    let sp = read("serviceprincipals.json")["value"][0].clone();
    let sps: Vec<Value> = (0..service_principals)
        .map(|i| {
            let mut s = sp.clone();
            s["id"] = json!(guid(1, i));
            s["appId"] = json!(guid(2, i));
            s["displayName"] = json!(format!("Export App {i}"));
            s["servicePrincipalNames"] = json!([guid(2, i)]);
            s
        })
        .collect();
    for (page, chunk) in sps.chunks(100).enumerate() {
        let v = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
            "value": chunk,
        });
        save(format!("1-servicePrincipals-{page:03}.json"), v.to_string());
    }
    // Sign-ins are many: each is the fixture's first one as text, its fields filled in.
    let mut sign_in = read("signins-beta.json")["value"][0].clone();
    for field in [
        "id",
        "createdDateTime",
        "servicePrincipalId",
        "appId",
        "servicePrincipalName",
    ] {
        sign_in[field] = json!(format!("@{field}@"));
    }
    let template = sign_in.to_string();
    // 2025-01-01T00:00:00Z, then one sign-in every 61 s.
    let start = 1_735_689_600_000i64;
    let items: Vec<String> = (0..sign_ins)
        .map(|k| {
            let holder = k % service_principals.max(1);
            template
                .replace("@id@", &guid(3, k))
                .replace(
                    "@createdDateTime@",
                    &steward_core::clock::rfc3339_ms(start + k as i64 * 61_000),
                )
                .replace("@servicePrincipalId@", &guid(1, holder))
                .replace("@appId@", &guid(2, holder))
                .replace("@servicePrincipalName@", &format!("Export App {holder}"))
        })
        .collect();
    for (page, chunk) in items.chunks(500).enumerate() {
        let text = format!(
            "{{\"@odata.context\": \"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\", \"value\": [{}]}}",
            chunk.join(",")
        );
        save(format!("2-signIns-{page:03}.json"), text);
    }
}
