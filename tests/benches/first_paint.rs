//! The window's first paint on a cache (part of `bench/run.sh`; prints figures, asserts nothing):
//! from asking tauri-driver for a session on a new `steward-desktop` to the Overview's total
//! showing its number, three launches, the median kept. Needs what the e2e tests need (a display,
//! tauri-driver, WebKitWebDriver) and the binaries in STEWARD_BIN_DIR (the release build).
//!
//! `STEWARD_BENCH_DB=/path/to.db STEWARD_BIN_DIR=target/release xvfb-run -a dbus-run-session --
//! cargo bench -p steward-e2e --bench first_paint`; with STEWARD_BENCH_JSON=FILE the figures are
//! also written there.

#[allow(dead_code)]
#[path = "../e2e/harness.rs"]
mod harness;

use std::time::Instant;

use harness::{number_in, App, Cache};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let db = std::env::var_os("STEWARD_BENCH_DB").expect("STEWARD_BENCH_DB: the cache to open");
    let cache = Cache::existing(db.into());
    let mut runs = Vec::new();
    for i in 0..3 {
        let t = Instant::now();
        let app = App::start(&format!("first-paint-{i}"), &cache).await;
        app.until("the Overview shows its total", || async {
            number_in(&app.text("overview-total").await).is_some()
        })
        .await;
        let secs = t.elapsed().as_secs_f64();
        println!("launch {}: first paint in {secs:.2} s", i + 1);
        runs.push(secs);
        app.stop().await;
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[1];
    println!("first paint (median of 3): {median:.2} s");
    if let Some(out) = std::env::var_os("STEWARD_BENCH_JSON") {
        let json = serde_json::json!({ "firstPaintSeconds": median, "runs": runs });
        std::fs::write(out, serde_json::to_vec_pretty(&json).expect("json")).expect("write json");
    }
}
