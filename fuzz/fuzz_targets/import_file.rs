//! One file given to `steward import`, whatever its bytes (JSON of any shape, UTF-16, BOMs,
//! PowerShell output): the import writes it all into a cache or refuses it with an error, and
//! never panics. One cache and one folder serve every input (opening and migrating a cache per
//! input made the target a hundred times slower); what earlier inputs imported stays, as in a
//! cache imported into many times.
#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;

struct Shared {
    dir: tempfile::TempDir,
    conn: rusqlite::Connection,
}

fn shared() -> &'static Mutex<Shared> {
    static SHARED: OnceLock<Mutex<Shared>> = OnceLock::new();
    SHARED.get_or_init(|| {
        Mutex::new(Shared {
            dir: tempfile::tempdir().expect("temp dir"),
            conn: steward_core::store::open_in_memory().expect("cache"),
        })
    })
}

fuzz_target!(|bytes: &[u8]| {
    let shared = shared().lock().unwrap_or_else(|e| e.into_inner());
    let path = shared.dir.path().join("export.json");
    std::fs::write(&path, bytes).expect("write the input");
    let now = steward_core::clock::parse_as_of("2026-11-01").expect("instant");
    let options = steward_graph::ImportOptions {
        tenant: Some("5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21".into()),
        ..Default::default()
    };
    let _ = steward_graph::import(&shared.conn, &[path], &options, now);
});
