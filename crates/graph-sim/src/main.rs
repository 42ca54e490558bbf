//! `graph-sim`: serves a generated tenant in Microsoft Graph's wire format on loopback, for the
//! sync's tests, benchmarks and the README's "try a sync" step. Never a real tenant.

use std::time::Duration;

use clap::Parser;
use graph_sim::{Faults, SimConfig};
use steward_core::clock;
use steward_core::demo::DemoOptions;

#[derive(Parser)]
#[command(
    name = "graph-sim",
    version,
    about = "A Microsoft Graph simulator on loopback"
)]
struct Args {
    /// Loopback port to listen on (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// The simulator's own cache file, generated at start (replaced if present).
    #[arg(long, default_value = "graph-sim.db")]
    db: std::path::PathBuf,
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SEED)]
    seed: u64,
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SERVICE_PRINCIPALS)]
    service_principals: usize,
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SIGN_INS)]
    sign_ins: u64,
    /// The instant the tenant's data ends at (default now).
    #[arg(long)]
    as_of: Option<String>,
    /// The app registration's client id the token endpoint accepts.
    #[arg(long, default_value = "11111111-2222-4333-8444-555555555555")]
    client_id: String,
    /// The client secret the token endpoint accepts (loopback test value; never a real one).
    #[arg(long, env = "GRAPH_SIM_CLIENT_SECRET", default_value = "sim-secret")]
    client_secret: String,
    /// The certificate (PEM) the app may sign in with instead of the secret; give its public
    /// key with --client-public-key.
    #[arg(long, value_name = "FILE", requires = "client_public_key")]
    client_certificate: Option<std::path::PathBuf>,
    /// The public key (PEM) of --client-certificate.
    #[arg(long, value_name = "FILE")]
    client_public_key: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 3599)]
    token_lifetime_secs: u64,
    /// Rate of 429 answers with Retry-After.
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// Rate of 429 answers without Retry-After.
    #[arg(long, default_value_t = 0.0)]
    throttle_no_retry_after_rate: f64,
    /// Rate of 503 answers.
    #[arg(long, default_value_t = 0.0)]
    server_error_rate: f64,
    /// Rate of expired page tokens (400) on requests that carry one.
    #[arg(long, default_value_t = 0.0)]
    expire_page_token_rate: f64,
    /// Rate of access tokens revoked mid-sync (401).
    #[arg(long, default_value_t = 0.0)]
    revoke_token_rate: f64,
    /// Rate of connections reset halfway through a response.
    #[arg(long, default_value_t = 0.0)]
    connection_reset_rate: f64,
    /// Delay added to every Graph response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    #[arg(long, default_value_t = 1)]
    retry_after_secs: u64,
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
    /// Serve at most this many items per page whatever $top asks (0: no cap).
    #[arg(long, default_value_t = 0)]
    page_cap: i64,
    /// Enforce Graph's published throttling per endpoint family: directory objects 3,500
    /// resource units per 10 s, reports and sign-ins 5 requests per 10 s, Identity Protection and
    /// conditional access 1 request per second (429 without Retry-After).
    #[arg(long)]
    graph_limits: bool,
    /// Run the windows of --graph-limits this many times faster (same bursts, shorter windows).
    #[arg(long, default_value_t = 1.0)]
    limits_scale: f64,
    /// The tenant has no Workload ID Premium: risky service principals and their detections
    /// answer 403.
    #[arg(long)]
    no_workload_id_premium: bool,
    /// The tenant has no Entra ID P1/P2: the sign-in log answers 403.
    #[arg(long)]
    no_entra_premium: bool,
    /// The app may not read policies or consent requests: they answer 403.
    #[arg(long)]
    no_policy_read: bool,
    /// Directory lists give next links on another host, as a hostile proxy might.
    #[arg(long)]
    foreign_next_link: bool,
    /// The app may not write: every write answers 403 Authorization_RequestDenied.
    #[arg(long)]
    no_write_permission: bool,
    /// The first N writes are applied and their answers lost (the connection drops).
    #[arg(long, value_name = "N", default_value_t = 0)]
    lose_write_answers: u32,
    /// Each write is applied at once and answered after this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    hold_write_answers_ms: u64,
}

#[tokio::main]
async fn main() {
    let a = Args::parse();
    let as_of = match a.as_of.as_deref().map(clock::parse_as_of).transpose() {
        Ok(t) => t.unwrap_or_else(clock::now),
        Err(e) => {
            eprintln!("error: --as-of: {e}");
            std::process::exit(2);
        }
    };
    let _ = std::fs::remove_file(&a.db);
    let config = SimConfig {
        demo: DemoOptions {
            seed: a.seed,
            service_principals: a.service_principals,
            sign_ins: a.sign_ins,
            as_of,
        },
        client_id: a.client_id,
        client_secret: a.client_secret,
        client_certificate: match (&a.client_certificate, &a.client_public_key) {
            (Some(c), Some(k)) => Some(graph_sim::SimCertificate {
                certificate_pem: std::fs::read_to_string(c).unwrap_or_else(|e| {
                    eprintln!("error: --client-certificate {}: {e}", c.display());
                    std::process::exit(2)
                }),
                public_key_pem: std::fs::read_to_string(k).unwrap_or_else(|e| {
                    eprintln!("error: --client-public-key {}: {e}", k.display());
                    std::process::exit(2)
                }),
            }),
            _ => None,
        },
        token_lifetime: Duration::from_secs(a.token_lifetime_secs),
        faults: Faults {
            throttle: a.throttle_rate,
            throttle_no_retry_after: a.throttle_no_retry_after_rate,
            server_error: a.server_error_rate,
            expire_page_token: a.expire_page_token_rate,
            revoke_token: a.revoke_token_rate,
            connection_reset: a.connection_reset_rate,
            delay: Duration::from_millis(a.delay_ms),
            retry_after_secs: a.retry_after_secs,
            seed: a.fault_seed,
            page_cap: a.page_cap,
            no_workload_id_premium: a.no_workload_id_premium,
            no_entra_premium: a.no_entra_premium,
            no_policy_read: a.no_policy_read,
            foreign_next_link: a.foreign_next_link,
            no_write_permission: a.no_write_permission,
            lose_write_answers: a.lose_write_answers,
            hold_write_answers: Duration::from_millis(a.hold_write_answers_ms),
            limits: a
                .graph_limits
                .then(|| graph_sim::Limits::default().scaled(a.limits_scale)),
        },
        db: a.db,
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], a.port));
    let running = match graph_sim::start(config, addr).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the simulator could not start on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "graph-sim serving tenant {} at {} (token endpoint {}/{}/oauth2/v2.0/token)",
        running.tenant_id,
        running.url(),
        running.url(),
        running.tenant_id
    );
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
}
