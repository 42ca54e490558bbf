//! What the `steward` binary's integration tests share: running the binary on a cache file, and
//! a simulated tenant (graph-sim on loopback) for it to sync from.

// Each test file uses its own part of these helpers, and cargo also builds this file alone.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `steward --db DB ARGS…` to its end, ignoring any STEWARD_DB of the environment.
pub fn steward(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steward"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("STEWARD_DB")
        .output()
        .expect("run steward")
}

/// A command's JSON output, once it succeeded (its stderr shown when it did not); `Null` when
/// it printed none.
pub fn ok(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// What a command that failed with exit code 1 said on stderr.
pub fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The app registration's client id every simulated tenant accepts.
pub const CLIENT: &str = "11111111-2222-4333-8444-555555555555";

/// A simulated tenant on loopback, served by a runtime of its own and shut down when dropped.
pub struct SimTenant {
    runtime: tokio::runtime::Runtime,
    running: Option<graph_sim::Running>,
    /// The simulator's own cache: the tenant as it is, to compare a synced cache with.
    pub db: PathBuf,
    pub id: String,
    pub url: String,
    /// The certificate authority (PEM) to trust for an https simulator ([`SimTenant::start_tls`]).
    pub ca_pem: Option<String>,
}

impl SimTenant {
    /// Serves the demo tenant of `seed` with this many service principals and sign-ins (as of
    /// now), whose app [`CLIENT`] signs in with `secret`, with `faults`; its cache is
    /// `dir/sim.db`.
    pub fn start(
        dir: &Path,
        seed: u64,
        service_principals: usize,
        sign_ins: u64,
        secret: &str,
        faults: graph_sim::Faults,
    ) -> SimTenant {
        SimTenant::launch(
            dir,
            seed,
            service_principals,
            sign_ins,
            secret,
            faults,
            false,
        )
    }

    /// As [`SimTenant::start`], over https with a certificate authority made now
    /// ([`SimTenant::ca_pem`]).
    pub fn start_tls(
        dir: &Path,
        seed: u64,
        service_principals: usize,
        sign_ins: u64,
        secret: &str,
    ) -> SimTenant {
        let faults = graph_sim::Faults::default();
        SimTenant::launch(
            dir,
            seed,
            service_principals,
            sign_ins,
            secret,
            faults,
            true,
        )
    }

    fn launch(
        dir: &Path,
        seed: u64,
        service_principals: usize,
        sign_ins: u64,
        secret: &str,
        faults: graph_sim::Faults,
        tls: bool,
    ) -> SimTenant {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let db = dir.join("sim.db");
        let config = graph_sim::SimConfig {
            demo: steward_core::demo::DemoOptions {
                seed,
                service_principals,
                sign_ins,
                as_of: steward_core::clock::now(),
            },
            client_id: CLIENT.into(),
            client_secret: secret.into(),
            client_certificate: None,
            token_lifetime: std::time::Duration::from_secs(3600),
            faults,
            db: db.clone(),
        };
        let addr = ([127, 0, 0, 1], 0).into();
        let running = runtime
            .block_on(async {
                if tls {
                    graph_sim::start_tls(config, addr).await
                } else {
                    graph_sim::start(config, addr).await
                }
            })
            .unwrap();
        SimTenant {
            id: running.tenant_id.clone(),
            url: running.url(),
            ca_pem: running.ca_pem.clone(),
            db,
            running: Some(running),
            runtime,
        }
    }

    /// Runs a future on the simulator's runtime (a request the test makes itself).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// `steward --db DB sync` of this tenant with `secret` given in the environment, as on a
    /// server without a Secret Service (nothing can be kept); add arguments and run it.
    pub fn sync(&self, db: &Path, secret: &str) -> Command {
        self.signed_in("sync", db, secret)
    }

    /// `steward --db DB push` to this tenant, signed in as [`SimTenant::sync`] is.
    pub fn push(&self, db: &Path, secret: &str) -> Command {
        self.signed_in("push", db, secret)
    }

    /// The simulator's counters (`/_sim/stats`).
    pub fn stats(&self) -> serde_json::Value {
        let url = format!("{}/_sim/stats", self.url);
        self.block_on(async move {
            let text = reqwest::get(url)
                .await
                .expect("read the simulator's counters")
                .text()
                .await
                .expect("the counters arrive");
            serde_json::from_str(&text).expect("the counters are JSON")
        })
    }

    fn signed_in(&self, command: &str, db: &Path, secret: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
        c.arg("--db")
            .arg(db)
            .args([command, "--tenant", &self.id, "--client-id", CLIENT])
            .args(["--graph-url", &self.url, "--authority-url", &self.url])
            .env("STEWARD_CLIENT_SECRET", secret)
            .env("STEWARD_SECRET_STORE", "none")
            .env_remove("STEWARD_DB")
            .stdin(Stdio::null());
        c
    }
}

impl Drop for SimTenant {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}
