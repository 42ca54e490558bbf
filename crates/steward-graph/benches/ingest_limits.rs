//! The two limits a sign-in sync is measured against (part of `bench/run.sh`; prints figures,
//! asserts nothing):
//!
//! - **parse only**: Graph JSON pages of sign-ins, already in memory, through the sync's own typed
//!   reader (`wire::SignInPage`, then each record into the cache's `SignIn`), nothing stored;
//! - **insert only**: the same sign-ins, already parsed, written through the sync's own writer
//!   (`SignInWriter`, with every roll-up) into a fresh cache, 25,000 to a transaction as the sync
//!   commits them.
//!
//! `STEWARD_BENCH_PAGES=DIR cargo bench -p steward-graph --bench ingest_limits`: DIR holds the
//! pages as Graph answered them (one JSON file each, as `bench/baseline.py --save-pages` writes).
//! With `STEWARD_BENCH_JSON=FILE` the figures are also written there as JSON.

use std::time::Instant;

use steward_core::model::{SignIn, Tenant};
use steward_core::store::sign_ins::SignInWriter;
use steward_core::store::{self, tenants};
use steward_graph::wire::SignInPage;

/// Sign-ins per transaction, as the sync's `COMMIT_ROWS`.
const COMMIT_ROWS: usize = 25_000;

/// Median of three runs of `f`, which returns the seconds its measured part took.
fn median_secs(mut f: impl FnMut() -> f64) -> f64 {
    let mut runs: Vec<f64> = (0..3).map(|_| f()).collect();
    runs.sort_by(f64::total_cmp);
    runs[1]
}

fn parse(pages: &[Vec<u8>]) -> Vec<SignIn> {
    let mut out = Vec::new();
    for bytes in pages {
        let page: SignInPage = serde_json::from_slice(bytes).expect("a Graph page of sign-ins");
        for w in page.value {
            out.push(w.into_sign_in().expect("a sign-in Steward reads"));
        }
    }
    out
}

fn main() {
    let dir = std::env::var_os("STEWARD_BENCH_PAGES").expect(
        "STEWARD_BENCH_PAGES: a folder of Graph sign-in pages (bench/baseline.py --save-pages)",
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the pages folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let pages: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("a page"))
        .collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let sign_ins = parse(&pages);
    let n = sign_ins.len() as f64;
    println!(
        "{} pages, {} sign-ins, {:.0} bytes of JSON each",
        pages.len(),
        sign_ins.len(),
        bytes as f64 / n
    );

    let parse_secs = median_secs(|| {
        let t = Instant::now();
        std::hint::black_box(parse(&pages));
        t.elapsed().as_secs_f64()
    });
    println!("parse only:  {:>9.0} sign-ins/s", n / parse_secs);

    let tenant = Tenant {
        id: "7a7a7a7a-1111-4222-8333-444444444444".into(),
        display_name: "Bench".into(),
        default_domain: None,
        is_demo: false,
        data_as_of: None,
    };
    let mut cache_bytes = 0u64;
    let insert_secs = median_secs(|| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("limits.db");
        let conn = store::open(&path).expect("a fresh cache");
        let key = tenants::upsert_tenant(&conn, &tenant, false).expect("tenant");
        let mut writer = SignInWriter::new(key);
        let t = Instant::now();
        for chunk in sign_ins.chunks(COMMIT_ROWS) {
            conn.execute_batch("BEGIN").expect("begin");
            for s in chunk {
                writer.insert(&conn, s).expect("insert");
            }
            writer.flush(&conn).expect("roll-ups");
            conn.execute_batch("COMMIT").expect("commit");
        }
        let secs = t.elapsed().as_secs_f64();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        cache_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        secs
    });
    println!(
        "insert only: {:>9.0} sign-ins/s (Steward's writer with its roll-ups; {:.0} bytes per sign-in)",
        n / insert_secs,
        cache_bytes as f64 / n
    );

    if let Some(out) = std::env::var_os("STEWARD_BENCH_JSON") {
        let json = serde_json::json!({
            "pages": pages.len(),
            "signIns": sign_ins.len(),
            "jsonBytesPerSignIn": bytes as f64 / n,
            "parseOnlyPerSecond": n / parse_secs,
            "insertOnlyPerSecond": n / insert_secs,
            "insertOnlyBytesPerSignIn": cache_bytes as f64 / n,
        });
        std::fs::write(out, serde_json::to_vec_pretty(&json).expect("json")).expect("write json");
    }
}
