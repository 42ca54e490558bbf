//! One file given to `steward import`, whatever its bytes (JSON of any shape, UTF-16, BOMs,
//! PowerShell output): the import writes it all into a cache or refuses it with an error, and
//! never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("export.json");
    std::fs::write(&path, bytes).expect("write the input");
    let conn = steward_core::store::open_in_memory().expect("cache");
    let now = steward_core::clock::parse_as_of("2026-11-01").expect("instant");
    let options = steward_graph::ImportOptions {
        tenant: Some("5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21".into()),
        ..Default::default()
    };
    let _ = steward_graph::import(&conn, &[path], &options, now);
});
