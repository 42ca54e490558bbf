//! Benchmark of sign-in ingest alone: the demo's sign-ins are generated into memory first, then
//! written through `SignInWriter` (with every roll-up) in pages of 1,000 per transaction, as a sync
//! commits them, and in chunks of 25,000, with the roll-ups written per transaction or deferred.
//! Prints events/s, the share spent writing roll-ups, and bytes per event; asserts nothing.
//!
//! `cargo bench -p steward-core --bench ingest` (STEWARD_BENCH_SPS, default 110,000;
//! STEWARD_BENCH_SIGN_INS, default 1,000,000; STEWARD_BENCH_CASES, say `25000:1,25000:end`,
//! runs only those cases: sign-ins per transaction, then roll-ups every that many
//! transactions or at the end; STEWARD_BENCH_SQL, SQL run on each fresh cache before the
//! writes, to try a pragma or another index).

use std::time::Instant;

use steward_core::demo::{generate, DemoOptions, DemoSink};
use steward_core::model::*;
use steward_core::store::sign_ins::SignInWriter;
use steward_core::store::{self, tenants};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Keeps the sign-ins and drops everything else.
#[derive(Default)]
struct Collect {
    tenant: Option<Tenant>,
    sign_ins: Vec<SignIn>,
}

impl DemoSink for Collect {
    fn tenant(&mut self, t: &Tenant) -> steward_core::Result<()> {
        self.tenant = Some(t.clone());
        Ok(())
    }
    fn application(&mut self, _: &Application) -> steward_core::Result<()> {
        Ok(())
    }
    fn service_principal(&mut self, _: &ServicePrincipal) -> steward_core::Result<()> {
        Ok(())
    }
    fn owner(&mut self, _: &Owner) -> steward_core::Result<()> {
        Ok(())
    }
    fn app_role_assignment(&mut self, _: &AppRoleAssignment) -> steward_core::Result<()> {
        Ok(())
    }
    fn directory_role(&mut self, _: &DirectoryRoleAssignment) -> steward_core::Result<()> {
        Ok(())
    }
    fn sign_in(&mut self, s: &SignIn) -> steward_core::Result<()> {
        self.sign_ins.push(s.clone());
        Ok(())
    }
    fn sp_activity(&mut self, _: &ServicePrincipalSignInActivity) -> steward_core::Result<()> {
        Ok(())
    }
    fn credential_activity(&mut self, _: &AppCredentialSignInActivity) -> steward_core::Result<()> {
        Ok(())
    }
    fn sku(&mut self, _: &SubscribedSku) -> steward_core::Result<()> {
        Ok(())
    }
    fn named_location(&mut self, _: &NamedLocation) -> steward_core::Result<()> {
        Ok(())
    }
    fn risky_service_principal(&mut self, _: &RiskyServicePrincipal) -> steward_core::Result<()> {
        Ok(())
    }
    fn risk_history(&mut self, _: &RiskyServicePrincipalHistoryItem) -> steward_core::Result<()> {
        Ok(())
    }
    fn risk_detection(&mut self, _: &ServicePrincipalRiskDetection) -> steward_core::Result<()> {
        Ok(())
    }
    fn directory_recommendation(
        &mut self,
        _: &DirectoryRecommendation,
    ) -> steward_core::Result<()> {
        Ok(())
    }
    fn directory_impacted_resource(
        &mut self,
        _: &DirectoryImpactedResource,
    ) -> steward_core::Result<()> {
        Ok(())
    }
}

fn main() {
    let opts = DemoOptions {
        seed: 1,
        service_principals: env_num("STEWARD_BENCH_SPS", 110_000) as usize,
        sign_ins: env_num("STEWARD_BENCH_SIGN_INS", 1_000_000),
        as_of: steward_core::clock::parse_as_of("2026-11-01").expect("date"),
    };
    let mut sink = Collect::default();
    let t = Instant::now();
    generate(&opts, &mut sink, &mut |_, _, _| {}).expect("generate");
    println!(
        "generated {} sign-ins in memory in {:.1} s",
        sink.sign_ins.len(),
        t.elapsed().as_secs_f64()
    );
    let tenant = sink.tenant.clone().expect("tenant");
    // (sign-ins per transaction, roll-ups written every that many transactions; usize::MAX: at
    // the end only)
    let all = [
        (1_000usize, 1usize),
        (25_000, 1),
        (1_000, 100),
        (1_000, usize::MAX),
        (25_000, usize::MAX),
    ];
    let cases: Vec<(usize, usize)> = match std::env::var("STEWARD_BENCH_CASES") {
        Ok(list) => list
            .split(',')
            .map(|case| {
                let (page, every) = case.split_once(':').expect("cases look like 25000:1");
                let every = if every == "end" {
                    usize::MAX
                } else {
                    every.parse().expect("a number of transactions, or end")
                };
                (page.parse().expect("sign-ins per transaction"), every)
            })
            .collect(),
        Err(_) => all.to_vec(),
    };
    for (page, flush_every) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ingest.db");
        let conn = store::open(&path).expect("open");
        if let Ok(sql) = std::env::var("STEWARD_BENCH_SQL") {
            conn.execute_batch(&sql).expect("bench sql");
        }
        let key = tenants::upsert_tenant(&conn, &tenant, false).expect("tenant");
        let mut writer = SignInWriter::new(key);
        let t = Instant::now();
        let mut flushing = 0.0;
        let chunks: Vec<_> = sink.sign_ins.chunks(page).collect();
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.into_iter().enumerate() {
            conn.execute_batch("BEGIN").expect("begin");
            for s in chunk {
                writer.insert(&conn, s).expect("insert");
            }
            if (i + 1) % flush_every == 0 || i == last {
                let f = Instant::now();
                writer.flush(&conn).expect("flush");
                flushing += f.elapsed().as_secs_f64();
            }
            conn.execute_batch("COMMIT").expect("commit");
        }
        let secs = t.elapsed().as_secs_f64();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let n = sink.sign_ins.len() as f64;
        let every = if flush_every == usize::MAX {
            "the end".to_string()
        } else {
            format!("{flush_every} pages")
        };
        println!(
            "pages of {page:>6}, roll-ups every {every:>9}: {:>8.0} sign-ins/s ({secs:.1} s, of which roll-up writes {flushing:.1} s), {:.0} bytes per sign-in in the cache (roll-ups included)",
            n / secs,
            bytes as f64 / n
        );
    }
}
