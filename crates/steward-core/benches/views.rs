//! Benchmark of the screens' queries on a large cache. Prints figures, asserts nothing.
//!
//! `cargo bench -p steward-core --bench views` builds a demo cache of STEWARD_BENCH_SPS service
//! principals (default 110,000) and STEWARD_BENCH_SIGN_INS sign-ins (default 1,000,000) in a
//! temporary folder, or uses the cache at STEWARD_BENCH_DB (e.g. one made by
//! `steward demo --service-principals 110000 --sign-ins 10000000`). With STEWARD_BENCH_JSON=FILE
//! the medians are also written there as JSON (`bench/run.sh` reads them).

use std::time::{Duration, Instant};

use steward_core::demo::{write_demo, DemoOptions};
use steward_core::identities::{
    for_each_identity_record, identity_detail, list_identities, IdentityQuery,
};
use steward_core::model::IdentityKind;
use steward_core::overview::overview;
use steward_core::store::{self, tenants};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every figure printed, for `STEWARD_BENCH_JSON`: (label, median in ms).
static FIGURES: std::sync::Mutex<Vec<(String, f64)>> = std::sync::Mutex::new(Vec::new());

/// Median of `runs` timings of `f`, after one warm-up run.
fn time<T>(label: &str, runs: usize, mut f: impl FnMut() -> T) -> Duration {
    f();
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    all.sort();
    let median = all[all.len() / 2];
    println!(
        "{label:<48} {:>9.2} ms (median of {runs})",
        median.as_secs_f64() * 1000.0
    );
    if let Ok(mut figures) = FIGURES.lock() {
        figures.push((label.trim().to_string(), median.as_secs_f64() * 1000.0));
    }
    median
}

fn main() {
    let _dir;
    let path = match std::env::var_os("STEWARD_BENCH_DB") {
        Some(p) => p.into(),
        None => {
            _dir = tempfile::tempdir().expect("temp dir");
            let path = _dir.path().join("bench.db");
            let conn = store::open(&path).expect("open");
            let opts = DemoOptions {
                seed: 1,
                service_principals: env_num("STEWARD_BENCH_SPS", 110_000) as usize,
                sign_ins: env_num("STEWARD_BENCH_SIGN_INS", 1_000_000),
                as_of: steward_core::clock::parse_as_of("2026-11-01").expect("date"),
            };
            let t = Instant::now();
            write_demo(&conn, &opts, &mut |_, _, _| {}).expect("demo");
            let secs = t.elapsed().as_secs_f64();
            println!(
                "demo: {} service principals, {} sign-ins written in {secs:.1} s ({:.0} sign-ins/s)",
                opts.service_principals,
                opts.sign_ins,
                opts.sign_ins as f64 / secs
            );
            path
        }
    };
    let conn = store::open(&path).expect("open cache");
    let (key, tenant) = tenants::resolve_tenant(&conn, None).expect("one tenant");
    let as_of = tenant.data_as_of.unwrap_or_else(steward_core::clock::now);
    println!(
        "cache: {} (tenant \"{}\")",
        path.display(),
        tenant.display_name
    );

    let o = overview(&conn, key, &tenant, as_of).expect("overview");
    time("overview (counts, expiry, 30-day chart)", 9, || {
        overview(&conn, key, &tenant, as_of).expect("overview")
    });
    time("  of which: the chart's SVG", 9, || {
        steward_core::chart::sign_ins_per_day(&o.sign_ins_per_day).expect("chart")
    });
    time("  of which: counts by class", 9, || {
        store::service_principals::count_classes(&conn, key).expect("counts")
    });
    let first = IdentityQuery {
        limit: 200,
        ..IdentityQuery::default()
    };
    let page = list_identities(&conn, key, &first).expect("page");
    time("identities: first page of 200", 9, || {
        list_identities(&conn, key, &first).expect("page")
    });
    let deep = IdentityQuery {
        offset: (page.total - 200).max(0),
        ..first.clone()
    };
    time("identities: last page of 200", 9, || {
        list_identities(&conn, key, &deep).expect("page")
    });
    let search = IdentityQuery {
        search: "billing".into(),
        ..first.clone()
    };
    time("identities: search 'billing', first page", 9, || {
        list_identities(&conn, key, &search).expect("page")
    });
    let kind = IdentityQuery {
        kind: Some(IdentityKind::ManagedIdentityUser),
        ..first.clone()
    };
    time("identities: kind filter, first page", 9, || {
        list_identities(&conn, key, &kind).expect("page")
    });
    let busiest: String = conn
        .query_row(
            "SELECT sp_id FROM sign_in_activity ORDER BY total DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("busiest identity");
    time("detail of the busiest identity", 9, || {
        identity_detail(&conn, key, &tenant.id, &busiest, as_of).expect("detail")
    });
    let settings = steward_core::recommendations::RecommendationSettings::default();
    let report = steward_core::recommendations::recommendations(
        &conn,
        key,
        &tenant.id,
        as_of,
        &settings,
        Some(500),
    )
    .expect("recommendations");
    let impacted: i64 = report
        .recommendations
        .iter()
        .map(|r| r.impacted_total)
        .sum();
    println!(
        "recommendations: {impacted} impacted resources over {} types",
        report.recommendations.len()
    );
    time("recommendations (all types, window's 500 cap)", 5, || {
        steward_core::recommendations::recommendations(
            &conn,
            key,
            &tenant.id,
            as_of,
            &settings,
            Some(500),
        )
        .expect("recommendations")
    });
    time("license estimate", 9, || {
        steward_core::licensing::estimate(&conn, key, &tenant.id, as_of).expect("estimate")
    });
    let estimate =
        steward_core::licensing::estimate(&conn, key, &tenant.id, as_of).expect("estimate");
    let plan_settings = steward_core::licensing::PlanSettings::defaults();
    time("license plan (3 scenarios, 36 months)", 9, || {
        steward_core::licensing::plan(&estimate, &plan_settings, as_of).expect("plan")
    });
    let risk_settings = steward_core::risk::RiskSettings::default();
    let risk =
        steward_core::risk::risk_report(&conn, key, as_of, &risk_settings).expect("risk report");
    println!(
        "risk: {} signals, {} risky identities from Identity Protection",
        risk.signals.len(),
        risk.risky_identities.len()
    );
    time("risk report (signals over 7 days)", 9, || {
        steward_core::risk::risk_report(&conn, key, as_of, &risk_settings).expect("risk")
    });
    for days in [7, 30, 90] {
        time(&format!("dashboard ({days} days, 8 charts)"), 3, || {
            steward_core::dashboard::dashboard(&conn, key, &tenant, as_of, days).expect("dashboard")
        });
    }
    time("full inventory (identities --json rows)", 3, || {
        let mut n = 0u64;
        for_each_identity_record(&conn, key, None, |_| {
            n += 1;
            Ok(())
        })
        .expect("records");
        n
    });
    if let Some(out) = std::env::var_os("STEWARD_BENCH_JSON") {
        let figures = FIGURES.lock().map(|f| f.clone()).unwrap_or_default();
        let json: Vec<_> = figures
            .iter()
            .map(|(label, ms)| serde_json::json!({"query": label, "medianMs": ms}))
            .collect();
        std::fs::write(out, serde_json::to_vec_pretty(&json).expect("json")).expect("write json");
    }
}
