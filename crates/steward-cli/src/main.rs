//! `steward`: the headless command line over Steward's cache. It parses arguments, calls the
//! core, and prints; stdout carries only results, messages and progress go to stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use steward_graph::secrets::{self, SecretSource, SecretStore};

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use steward_core::demo::{self, DemoOptions};
use steward_core::model::IdentityKind;
use steward_core::recommendations::{self, RecommendationSettings};
use steward_core::risk::{self, RiskSettings};
use steward_core::store::{self, tenants};
use steward_core::{clock, identities, licensing};
use steward_report::{Format, ReportKind, ReportRequest};

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Steward: an offline console for Microsoft Entra workload identities"
)]
struct Cli {
    /// The cache file to use (default: steward.db in the OS data folder).
    #[arg(long, global = true, env = "STEWARD_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the demo tenant into the cache, replacing an earlier demo tenant.
    Demo {
        /// Seed of the generator: the same seed, sizes and --as-of give the same tenant.
        #[arg(long, default_value_t = DemoOptions::DEFAULT_SEED)]
        seed: u64,
        /// Exactly this many service principals of all kinds.
        #[arg(long, default_value_t = DemoOptions::DEFAULT_SERVICE_PRINCIPALS)]
        service_principals: usize,
        /// Exactly this many sign-in events, spread over the last 60 days.
        #[arg(long, default_value_t = DemoOptions::DEFAULT_SIGN_INS)]
        sign_ins: u64,
        /// The instant the demo data ends at: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
        #[arg(long, value_name = "WHEN")]
        as_of: Option<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the tenants the cache holds.
    Tenants {
        /// Print JSON (an array of tenants).
        #[arg(long)]
        json: bool,
    },
    /// Print the Overview page's figures: counts by kind and ownership, credential expiry and
    /// sign-ins per day for the last 30 days.
    Overview {
        /// The tenant (default: the only tenant in the cache).
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// The instant to compute for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
        #[arg(long, value_name = "WHEN")]
        as_of: Option<String>,
        /// Print JSON (the chart's SVG included).
        #[arg(long)]
        json: bool,
    },
    /// List every service principal of a tenant.
    Identities {
        /// The tenant (default: the only tenant in the cache).
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// Only this kind: application, managedIdentitySystem, managedIdentityUser, legacy,
        /// socialIdp or agentIdentity.
        #[arg(long, value_name = "KIND", value_parser = parse_kind)]
        kind: Option<IdentityKind>,
        /// Print JSON (one array, one element per service principal, sorted by id).
        #[arg(long)]
        json: bool,
    },
    /// App-health recommendations: Entra's types computed locally and Steward's own checks,
    /// each with its impacted resources and the evidence behind them.
    Recommendations {
        #[command(flatten)]
        args: InsightArgs,
        /// Longest acceptable client-secret lifetime in days.
        #[arg(long, value_name = "DAYS", default_value_t = 180)]
        secret_max_days: i64,
        /// Longest acceptable certificate lifetime in days.
        #[arg(long, value_name = "DAYS", default_value_t = 365)]
        certificate_max_days: i64,
    },
    /// Workload ID Premium license estimate, bucket by bucket, and the saved planner scenarios.
    Licenses {
        #[command(flatten)]
        args: InsightArgs,
    },
    /// Risky workload identities: Identity Protection's, when synced, and Steward's own signals
    /// from the cached sign-ins (new country, IP range, resource, credential; invalid-credential
    /// bursts; sign-ins outside named locations).
    Risks {
        #[command(flatten)]
        args: InsightArgs,
        /// Report signals first seen in this many days before --as-of.
        #[arg(long, value_name = "DAYS", default_value_t = 7)]
        window_days: i64,
        /// Invalid-credential failures in one hour that make a burst.
        #[arg(long, value_name = "N", default_value_t = 10)]
        burst_threshold: i64,
    },
    /// Read a tenant from Microsoft Graph into the cache (app-only sign-in with a client
    /// secret or a certificate). Resumable: a run stopped at any point continues where it stopped. A secret that
    /// signs in is kept in the OS keyring for the next sync of the tenant.
    Sync {
        /// The tenant (directory) id.
        #[arg(long, value_name = "ID")]
        tenant: String,
        /// The client (application) id of Steward's app registration in that tenant.
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// Read the client secret from this file (its first line). The secret is never taken
        /// as an argument; STEWARD_CLIENT_SECRET or a prompt also give it.
        #[arg(long, value_name = "FILE")]
        client_secret_file: Option<PathBuf>,
        /// Read the client secret from standard input (its first line).
        #[arg(long)]
        client_secret_stdin: bool,
        /// Do not keep the secret in the OS keyring (and do not use one kept there).
        #[arg(long)]
        no_keyring: bool,
        /// Sign in with a certificate instead of a secret: a PEM file holding the certificate
        /// uploaded to the app registration and its RSA private key.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["client_secret_file", "client_secret_stdin"])]
        certificate: Option<PathBuf>,
        /// Sign in as an admin (delegated) instead of as the app: the admin sign-in kept by
        /// `steward sign-in`, or a sign-in in the browser now. The client id is then that of a
        /// public client app registration with delegated Graph permissions.
        #[arg(long, conflicts_with_all = ["client_secret_file", "client_secret_stdin", "certificate"])]
        delegated: bool,
        /// With --delegated and no kept sign-in: sign in with a code on another device instead
        /// of a browser on this one.
        #[arg(long, requires = "delegated")]
        device_code: bool,
        #[command(flatten)]
        endpoints: Endpoints,
        /// Only these datasets (repeatable): applications, servicePrincipals,
        /// appRoleAssignments, owners, sponsors, signIns,
        /// servicePrincipalSignInActivities, appCredentialSignInActivities, subscribedSkus,
        /// namedLocations, riskyServicePrincipals, servicePrincipalRiskDetections,
        /// directoryRecommendations, roleAssignments, roleEligibilityScheduleInstances,
        /// deletedApplications, deletedServicePrincipals, oauth2PermissionGrants,
        /// conditionalAccessPolicies, directoryAudits.
        #[arg(long = "dataset", value_name = "NAME", value_parser = parse_sync_dataset)]
        datasets: Vec<steward_graph::Dataset>,
        /// How many days of sign-ins the first run reads (Graph keeps 30).
        #[arg(long, value_name = "DAYS", default_value_t = 30)]
        sign_in_days: i64,
        /// How many $batch requests (twenty objects each) may be in flight at once.
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
        concurrency: u8,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign in as an admin (delegated: authorization code with PKCE in the system browser, or
    /// --device-code) and keep the sign-in in the OS keyring for `steward sync --delegated`.
    SignIn {
        /// The tenant (directory) id.
        #[arg(long, value_name = "ID")]
        tenant: String,
        /// The client (application) id of a public client app registration.
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// Sign in with a code on another device instead of a browser on this one.
        #[arg(long)]
        device_code: bool,
        #[command(flatten)]
        endpoints: Endpoints,
    },
    /// Remove the client secret (and any admin sign-in) kept in the OS keyring for a tenant's
    /// app registration.
    Forget {
        /// The tenant (directory) id.
        #[arg(long, value_name = "ID")]
        tenant: String,
        /// The client (application) id.
        #[arg(long, value_name = "ID")]
        client_id: String,
    },
    /// Import Graph JSON exports (files or folders): Graph responses, az CLI and Graph
    /// PowerShell output. All or nothing: a bad file stops the import and nothing is written.
    Import {
        /// Files or folders of .json files.
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
        /// The tenant the files belong to, when no organization response comes with them.
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export a report: overview, credential-expiry, recommendations, risk, licenses, inventory
    /// or sign-ins, as HTML, PDF, XLSX, CSV or JSON. The same cache and --as-of give the same
    /// bytes.
    Report {
        /// overview, credential-expiry, recommendations, risk, licenses, inventory or sign-ins.
        #[arg(value_name = "KIND", value_parser = parse_report_kind)]
        kind: ReportKind,
        /// html, pdf, xlsx, csv or json (pdf only for the summary reports).
        #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
        format: Format,
        /// The file to write; it is replaced only once the report is complete.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The tenant (default: the only tenant in the cache).
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// The instant to report for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
        #[arg(long, value_name = "WHEN")]
        as_of: Option<String>,
        /// Start of the period (overview: the dashboard's range; sign-ins: the extract);
        /// default 30 days before --as-of.
        #[arg(long, value_name = "WHEN")]
        from: Option<String>,
        /// End of the sign-in extract; default --as-of.
        #[arg(long, value_name = "WHEN")]
        to: Option<String>,
        /// Only this service principal's sign-ins (object id).
        #[arg(long, value_name = "ID")]
        sp: Option<String>,
        /// Start a CSV with a UTF-8 byte-order mark, which Excel needs to read accents right.
        #[arg(long)]
        bom: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Where Graph and the sign-in authority are: the global cloud's by default.
#[derive(clap::Args)]
struct Endpoints {
    /// Microsoft Graph's address (a national cloud's, or the simulator's).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://graph.microsoft.com"
    )]
    graph_url: String,
    /// The sign-in authority (a national cloud's, or the simulator's).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://login.microsoftonline.com"
    )]
    authority_url: String,
}

/// Arguments shared by the insight commands.
#[derive(clap::Args)]
struct InsightArgs {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    tenant: Option<String>,
    /// The instant to compute for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    as_of: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn parse_kind(s: &str) -> Result<IdentityKind, String> {
    IdentityKind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = IdentityKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind `{s}`; use one of {}", all.join(", "))
    })
}

fn parse_report_kind(s: &str) -> Result<ReportKind, String> {
    ReportKind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = ReportKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown report `{s}`; use one of {}", all.join(", "))
    })
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s)
        .ok_or_else(|| format!("unknown format `{s}`; use html, pdf, xlsx, csv or json"))
}

fn parse_sync_dataset(s: &str) -> Result<steward_graph::Dataset, String> {
    steward_graph::Dataset::parse(s)
        .filter(|d| steward_graph::sync::SYNCED.contains(d))
        .ok_or_else(|| {
            let all: Vec<&str> = steward_graph::sync::SYNCED
                .iter()
                .map(|d| d.name())
                .collect();
            format!(
                "`{s}` is not a dataset sync reads; use one of {}",
                all.join(", ")
            )
        })
}

/// Signs an admin in interactively: the browser flow (the system browser opens at Entra's sign-in
/// page unless STEWARD_NO_BROWSER is set; the address is printed either way) or the device code
/// flow. Instructions go to standard error.
fn delegated_sign_in(
    runtime: &tokio::runtime::Runtime,
    authority: &str,
    graph: &str,
    tenant: &str,
    client_id: &str,
    device_code: bool,
) -> anyhow::Result<steward_graph::delegated::Tokens> {
    use steward_graph::delegated;
    let tokens = if device_code {
        runtime.block_on(delegated::sign_in_device(
            authority,
            graph,
            tenant,
            client_id,
            |_, _, message| eprintln!("{message}"),
        ))?
    } else {
        runtime.block_on(delegated::sign_in_browser(
            authority,
            graph,
            tenant,
            client_id,
            std::time::Duration::from_secs(300),
            |url| {
                eprintln!("Sign in to the tenant in your browser: {url}");
                if std::env::var_os("STEWARD_NO_BROWSER").is_none() && webbrowser::open(url).is_err() {
                    eprintln!("(no browser could be opened here: open the address above yourself, or use --device-code)");
                }
            },
        ))?
    };
    eprintln!("Signed in.");
    Ok(tokens)
}

/// The client secret given for this run: from a file, standard input or STEWARD_CLIENT_SECRET —
/// never from the command line, where it would land in shell history and process lists.
fn given_client_secret(file: Option<&PathBuf>, stdin: bool) -> anyhow::Result<Option<String>> {
    let first_line = |s: String| s.lines().next().unwrap_or("").trim().to_string();
    let secret = if let Some(f) = file {
        first_line(std::fs::read_to_string(f).map_err(|e| {
            anyhow::anyhow!("could not read the client secret from {}: {e}", f.display())
        })?)
    } else if stdin {
        let mut s = String::new();
        std::io::stdin().read_line(&mut s)?;
        first_line(s)
    } else if let Ok(s) = std::env::var("STEWARD_CLIENT_SECRET") {
        first_line(s)
    } else {
        return Ok(None);
    };
    if secret.is_empty() {
        anyhow::bail!("the client secret is empty; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET");
    }
    Ok(Some(secret))
}

/// The secret for a sync: the one given, else the one kept in the keyring, else a prompt.
fn client_secret(
    store: Option<&dyn SecretStore>,
    tenant: &str,
    client_id: &str,
    file: Option<&PathBuf>,
    stdin: bool,
) -> anyhow::Result<(String, SecretSource)> {
    let given = given_client_secret(file, stdin)?;
    if let Some(found) = store.and_then(|st| secrets::resolve(st, tenant, client_id, given.clone()))
    {
        return Ok(found);
    }
    if let Some(g) = given {
        return Ok((g, SecretSource::Given));
    }
    if std::io::stdin().is_terminal() {
        let s = rpassword::prompt_password("Client secret (not shown): ")?
            .trim()
            .to_string();
        if s.is_empty() {
            anyhow::bail!("the client secret is empty; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET");
        }
        return Ok((s, SecretSource::Given));
    }
    anyhow::bail!("no client secret: none is kept in the OS keyring for this tenant and client id; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`steward identities --json | head`) is not an error worth a message.
            let broken = |k: Option<std::io::ErrorKind>| k == Some(std::io::ErrorKind::BrokenPipe);
            if broken(e.downcast_ref::<std::io::Error>().map(|io| io.kind()))
                || broken(
                    e.downcast_ref::<serde_json::Error>()
                        .and_then(|j| j.io_error_kind()),
                )
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let db = match cli.db {
        Some(p) => p,
        None => store::default_path()?,
    };
    let conn = store::open(&db)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match cli.command {
        Command::Demo {
            seed,
            service_principals,
            sign_ins,
            as_of,
            json,
        } => {
            let as_of = parse_as_of(as_of)?;
            let opts = DemoOptions {
                seed,
                service_principals,
                sign_ins,
                as_of,
            };
            let bar = progress_bar();
            let started = std::time::Instant::now();
            let summary = demo::write_demo(&conn, &opts, &mut |what, done, total| {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(what.to_string());
            })?;
            bar.finish_and_clear();
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Demo tenant \"{}\" ({}) written to {} in {:.1} s: {} service principals (+{} soft-deleted), {} applications, {} credentials, {} federated credentials, {} sign-ins.",
                    summary.display_name,
                    summary.tenant_id,
                    db.display(),
                    started.elapsed().as_secs_f64(),
                    summary.service_principals,
                    summary.soft_deleted_service_principals,
                    summary.applications,
                    summary.credentials,
                    summary.federated_credentials,
                    summary.sign_ins
                )?;
            }
        }
        Command::Tenants { json } => {
            let list = tenants::list_tenants(&conn)?;
            let summaries = list
                .iter()
                .map(|(k, t)| steward_core::overview::TenantSummary::load(&conn, *k, t))
                .collect::<Result<Vec<_>, _>>()?;
            if json {
                serde_json::to_writer_pretty(&mut out, &summaries)?;
                writeln!(out)?;
            } else if summaries.is_empty() {
                eprintln!("The cache at {} holds no tenant; run `steward demo` to create the demo tenant.", db.display());
            } else {
                for t in summaries {
                    let demo = if t.is_demo { " (demo)" } else { "" };
                    writeln!(
                        out,
                        "{}  {}{}  {} service principals",
                        t.id, t.display_name, demo, t.service_principal_count
                    )?;
                }
            }
        }
        Command::Overview {
            tenant,
            as_of,
            json,
        } => {
            let as_of = parse_as_of(as_of)?;
            let (key, t) = tenants::resolve_tenant(&conn, tenant.as_deref())?;
            let o = steward_core::overview::overview(&conn, key, &t, as_of)?;
            if json {
                serde_json::to_writer_pretty(&mut out, &o)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{} ({}) as of {}",
                    o.tenant.display_name, o.tenant.id, o.as_of
                )?;
                writeln!(
                    out,
                    "Service principals: {} ({} enabled, {} disabled)",
                    o.total_service_principals,
                    o.enabled_service_principals,
                    o.disabled_service_principals
                )?;
                for c in o.by_kind.iter().chain(&o.by_ownership) {
                    writeln!(out, "  {:<38} {:>8}", c.label, c.count)?;
                }
                writeln!(
                    out,
                    "Credentials expiring within 30 days: {}; expired: {}",
                    o.credentials_expiring30d, o.credentials_expired
                )?;
                writeln!(
                    out,
                    "Sign-ins, last 30 days: {} ({} failed)",
                    o.sign_ins30d, o.sign_in_failures30d
                )?;
            }
        }
        Command::Identities { tenant, kind, json } => {
            let (key, _) = tenants::resolve_tenant(&conn, tenant.as_deref())?;
            if json {
                // Streamed element by element: a 110,000-identity tenant never sits in memory.
                write!(out, "[")?;
                let mut first = true;
                identities::for_each_identity_record(&conn, key, kind, |r| {
                    let sep = if first { "\n  " } else { ",\n  " };
                    first = false;
                    let line = serde_json::to_string(&r)
                        .map_err(|e| steward_core::Error::InvalidInput(e.to_string()))?;
                    write!(out, "{sep}{line}")
                        .map_err(|e| steward_core::Error::InvalidInput(e.to_string()))
                })?;
                writeln!(out, "{}]", if first { "" } else { "\n" })?;
            } else {
                identities::for_each_identity_record(&conn, key, kind, |r| {
                    let enabled = if r.account_enabled {
                        "enabled "
                    } else {
                        "disabled"
                    };
                    writeln!(
                        out,
                        "{}  {:<22}  {}  {}",
                        r.id,
                        r.kind.as_str(),
                        enabled,
                        r.display_name
                    )
                    .map_err(|e| steward_core::Error::InvalidInput(e.to_string()))
                })?;
            }
        }
        Command::Recommendations {
            args,
            secret_max_days,
            certificate_max_days,
        } => {
            let as_of = parse_as_of(args.as_of)?;
            let (key, t) = tenants::resolve_tenant(&conn, args.tenant.as_deref())?;
            let settings = RecommendationSettings {
                secret_max_days,
                certificate_max_days,
            };
            let report =
                recommendations::recommendations(&conn, key, &t.id, as_of, &settings, None)?;
            let listed: Vec<_> = report
                .recommendations
                .iter()
                .filter(|r| r.impacted_total > 0)
                .collect();
            if args.json {
                serde_json::to_writer_pretty(&mut out, &listed)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{} ({}) as of {}", t.display_name, t.id, report.as_of)?;
                for r in &listed {
                    writeln!(
                        out,
                        "\n[{}] {} ({}, {}): {} impacted",
                        r.priority.as_str(),
                        r.display_name,
                        r.recommendation_type,
                        r.status.as_str(),
                        r.impacted_total
                    )?;
                    for i in &r.impacted {
                        let facts: Vec<String> = i
                            .evidence
                            .iter()
                            .map(|e| format!("{}: {}", e.label, e.value))
                            .collect();
                        writeln!(out, "  {}  {}  {}", i.id, i.display_name, facts.join(" | "))?;
                    }
                }
                for r in report
                    .recommendations
                    .iter()
                    .filter(|r| r.undetermined_total > 0)
                {
                    writeln!(
                        out,
                        "\n{}: {} not judged. {}",
                        r.recommendation_type,
                        r.undetermined_total,
                        r.undetermined_reason.as_deref().unwrap_or_default()
                    )?;
                }
            }
        }
        Command::Risks {
            args,
            window_days,
            burst_threshold,
        } => {
            let as_of = parse_as_of(args.as_of)?;
            let (key, t) = tenants::resolve_tenant(&conn, args.tenant.as_deref())?;
            let settings = RiskSettings {
                window_days,
                burst_threshold,
                ..RiskSettings::default()
            };
            let report = risk::risk_report(&conn, key, as_of, &settings)?;
            if args.json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{} ({}) as of {}; signals first seen since {}",
                    t.display_name, t.id, report.as_of, report.window_from
                )?;
                match &report.identity_protection_synced_at {
                    Some(at) => writeln!(out, "\nIdentity Protection (read {at}):")?,
                    None => writeln!(
                        out,
                        "\nIdentity Protection: not in the cache (sync it; it needs Workload ID Premium)"
                    )?,
                }
                for r in &report.risky_identities {
                    writeln!(
                        out,
                        "  [{}] {}  {}  {}  {} detection(s){}",
                        r.risk_level,
                        r.id,
                        r.display_name,
                        r.risk_state,
                        r.detections.len(),
                        match r.pending_action {
                            Some(a) => format!(", {} not yet pushed to Entra", a.as_str()),
                            None => String::new(),
                        }
                    )?;
                }
                writeln!(out, "\nSteward's signals ({}):", report.signals.len())?;
                for s in &report.signals {
                    writeln!(
                        out,
                        "  [{}] {}  {}  {}: {}  (first {}, {} sign-ins, {:?})",
                        s.level.as_str(),
                        s.sp_id,
                        s.display_name,
                        s.kind.as_str(),
                        s.value,
                        s.detected_at,
                        s.sign_in_count,
                        s.state
                    )?;
                }
                for u in &report.unavailable {
                    writeln!(out, "\nNot computed: {}. {}", u.label, u.value)?;
                }
            }
        }
        Command::Licenses { args } => {
            let as_of = parse_as_of(args.as_of)?;
            let (key, t) = tenants::resolve_tenant(&conn, args.tenant.as_deref())?;
            let e = licensing::estimate(&conn, key, &t.id, as_of)?;
            let settings = licensing::load_settings(&conn, key)?;
            let plan = licensing::plan(&e, &settings, as_of)?;
            if args.json {
                let v = serde_json::json!({
                    "tenant_id": e.tenant_id,
                    "as_of": e.as_of,
                    "billable_identities": e.billable_identities,
                    "billable_disabled": e.billable_disabled,
                    "monthly_cost_usd": e.monthly_cost_usd,
                    "buckets": e.buckets,
                    "bucket_details": e.bucket_details,
                    "feature_scope": e.feature_scope,
                    "unused_billable": e.unused_billable,
                    "subscriptions": e.subscriptions,
                    "plan": plan,
                });
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                writeln!(out, "{} ({}) as of {}", t.display_name, t.id, e.as_of)?;
                for b in &e.bucket_details {
                    let mark = match (b.counted, b.uncertain) {
                        (true, true) => "counted (uncertain)",
                        (true, false) => "counted",
                        _ => "not counted",
                    };
                    writeln!(
                        out,
                        "  {:<64} {:>8}  {:<20} {} disabled",
                        b.label, b.total, mark, b.disabled
                    )?;
                }
                writeln!(
                    out,
                    "Full coverage: {} identities ({} disabled) = ${:.2} per month at $3",
                    e.billable_identities, e.billable_disabled, e.monthly_cost_usd
                )?;
                writeln!(
                    out,
                    "Feature-scoped: {} identities ({} reviewed managed identities, {} picked)",
                    e.feature_scope.total,
                    e.feature_scope.access_reviewed_managed_identities,
                    e.feature_scope.picked
                )?;
                for s in &e.subscriptions {
                    writeln!(
                        out,
                        "Subscription {}: {} units prepaid, {} consumed{}",
                        s.sku_part_number,
                        s.prepaid_units,
                        s.consumed_units,
                        match (&s.next_lifecycle, s.is_trial) {
                            (Some(n), true) => format!(", trial ends {n}"),
                            (Some(n), false) => format!(", renews {n}"),
                            _ => String::new(),
                        }
                    )?;
                }
                writeln!(
                    out,
                    "Plan at {:.2} {} per identity per month, growth {}% a year:",
                    plan.settings.price, plan.settings.currency, plan.settings.growth_pct
                )?;
                for r in &plan.results {
                    match (r.identities, r.monthly_cost, r.annual_cost) {
                        (Some(n), Some(m), Some(a)) => {
                            let h: Vec<String> = r
                                .horizons
                                .iter()
                                .map(|h| format!("{} mo {:.2}", h.months, h.total))
                                .collect();
                            writeln!(
                                out,
                                "  {:<40} {:>8} identities  {:>12.2}/month  {:>12.2}/year  {}",
                                r.name,
                                n,
                                m,
                                a,
                                h.join(", ")
                            )?;
                        }
                        _ => writeln!(
                            out,
                            "  {:<40} not available: {}",
                            r.name,
                            r.note.as_deref().unwrap_or_default()
                        )?,
                    }
                }
            }
        }
        Command::Sync {
            tenant,
            client_id,
            client_secret_file,
            client_secret_stdin,
            no_keyring,
            certificate,
            delegated,
            device_code,
            endpoints:
                Endpoints {
                    graph_url,
                    authority_url,
                },
            datasets,
            sign_in_days,
            concurrency,
            json,
        } => {
            let cert = match &certificate {
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        anyhow::anyhow!("could not read the certificate {}: {e}", path.display())
                    })?;
                    Some(
                        steward_graph::certificate::ClientCertificate::from_pem(&text)
                            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                    )
                }
                None => None,
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            // With a certificate or an admin sign-in there is no secret to ask for or keep.
            let store = (!no_keyring).then(secrets::from_env);
            let admin_account = steward_graph::delegated::account(&tenant, &client_id);
            let refresh = if delegated {
                let kept = store
                    .as_ref()
                    .and_then(|st| st.get(&admin_account).ok().flatten());
                let token = match kept {
                    Some(t) => t,
                    None => {
                        delegated_sign_in(
                            &runtime,
                            &authority_url,
                            &graph_url,
                            &tenant,
                            &client_id,
                            device_code,
                        )?
                        .refresh_token
                    }
                };
                Some(std::sync::Arc::new(std::sync::Mutex::new(token)))
            } else {
                None
            };
            let (secret, source) = match (&cert, &refresh) {
                (Some(_), _) | (_, Some(_)) => (String::new(), SecretSource::Stored),
                (None, None) => client_secret(
                    store.as_deref(),
                    &tenant,
                    &client_id,
                    client_secret_file.as_ref(),
                    client_secret_stdin,
                )?,
            };
            let mut opts = steward_graph::sync::SyncOptions::new(&tenant, &client_id, &secret);
            let by_secret = cert.is_none() && refresh.is_none();
            opts.certificate = cert;
            opts.refresh_token = refresh.clone();
            opts.graph_url = graph_url;
            opts.authority_url = authority_url;
            opts.datasets = datasets;
            opts.sign_in_days = sign_in_days;
            opts.concurrency = concurrency.into();
            let bar = sync_spinner();
            let started = std::time::Instant::now();
            let mut meter = steward_graph::sync::Meter::default();
            let result = runtime.block_on(steward_graph::sync::sync(
                &conn,
                &opts,
                clock::now(),
                &mut |p| {
                    let pace = meter.observe(p);
                    let left = pace
                        .eta_secs
                        .map(|s| format!(", {}", steward_graph::sync::eta_text(s)))
                        .unwrap_or_default();
                    let of = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
                    bar.set_message(format!(
                        "{}: {}{of} read ({:.0}/s{left})",
                        p.dataset.name(),
                        p.items,
                        pace.per_sec
                    ));
                    bar.tick();
                },
            ));
            bar.finish_and_clear();
            let signed_in = !matches!(result, Err(steward_graph::sync::SyncError::SignIn { .. }));
            if let (Some(_), Some(st)) = (&refresh, &store) {
                // Entra rotated the refresh token: the newest replaces the kept one.
                let kept = steward_graph::delegated::keep_rotated(st.as_ref(), &opts, signed_in);
                if !signed_in {
                    eprintln!("note: the kept admin sign-in has ended; run `steward sign-in` (or `steward sync --delegated`) to sign in again");
                } else if let Err(e) = kept {
                    eprintln!(
                        "note: {}",
                        secrets::not_kept(&e).replace("secret", "sign-in")
                    );
                }
            }
            match (&store, source, signed_in && by_secret) {
                // A secret that signed in is kept for next time.
                (Some(st), SecretSource::Given, true) => {
                    match secrets::remember(st.as_ref(), &tenant, &client_id, &secret) {
                        Ok(note) => eprintln!("{note}"),
                        Err(e) => eprintln!("note: {}", secrets::not_kept(&e)),
                    }
                }
                (Some(st), SecretSource::Stored, false) if by_secret => eprintln!(
                    "note: the secret kept in {} was refused; give the current one with --client-secret-file, --client-secret-stdin or STEWARD_CLIENT_SECRET (it replaces the kept one), or remove it with `steward forget`",
                    st.describe()
                ),
                _ => {}
            }
            let summary = result?;
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Synced tenant \"{}\" ({}) in {:.1} s ({} requests retried):",
                    summary.tenant_name,
                    summary.tenant_id,
                    started.elapsed().as_secs_f64(),
                    summary.retries
                )?;
                for d in &summary.datasets {
                    writeln!(
                        out,
                        "  {:<32} {:<13} {:<6} {:>9} items {:>6} pages {:>6} removed{}",
                        d.dataset.name(),
                        d.status,
                        d.mode,
                        d.items,
                        d.pages,
                        d.removed,
                        d.detail
                            .as_deref()
                            .map(|x| format!("  ({x})"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        Command::SignIn {
            tenant,
            client_id,
            device_code,
            endpoints:
                Endpoints {
                    graph_url,
                    authority_url,
                },
        } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let tokens = delegated_sign_in(
                &runtime,
                &authority_url,
                &graph_url,
                &tenant,
                &client_id,
                device_code,
            )?;
            let store = secrets::from_env();
            match store.set(
                &steward_graph::delegated::account(&tenant, &client_id),
                &tokens.refresh_token,
            ) {
                Ok(()) => writeln!(
                    out,
                    "The admin sign-in is kept in {}: `steward sync --tenant {tenant} --client-id {client_id} --delegated` uses it.",
                    store.describe()
                )?,
                Err(e) => anyhow::bail!(
                    "signed in, but {e}: nothing was kept. `steward sync --delegated` signs in each time instead"
                ),
            }
        }
        Command::Forget { tenant, client_id } => {
            let store = secrets::from_env();
            let admin = store
                .delete(&steward_graph::delegated::account(&tenant, &client_id))
                .unwrap_or(false);
            if admin {
                writeln!(
                    out,
                    "Removed the admin sign-in for {client_id} in tenant {tenant} from {}.",
                    store.describe()
                )?;
            }
            if store.delete(&secrets::account(&tenant, &client_id))? {
                writeln!(
                    out,
                    "Removed the client secret of {client_id} in tenant {tenant} from {}.",
                    store.describe()
                )?;
            } else {
                writeln!(
                    out,
                    "No client secret of {client_id} in tenant {tenant} is kept in {}.",
                    store.describe()
                )?;
            }
        }
        Command::Import {
            paths,
            tenant,
            json,
        } => {
            let started = std::time::Instant::now();
            let summary = steward_graph::import(
                &conn,
                &paths,
                &steward_graph::ImportOptions { tenant },
                clock::now(),
            )?;
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "Imported {} file{} into tenant \"{}\" ({}) in {:.1} s:",
                    summary.files,
                    if summary.files == 1 { "" } else { "s" },
                    summary.tenant_name,
                    summary.tenant_id,
                    started.elapsed().as_secs_f64()
                )?;
                for d in &summary.datasets {
                    writeln!(out, "  {:<34} {:>9}", d.dataset.name(), d.items)?;
                }
                if summary.new_sign_ins > 0 {
                    writeln!(
                        out,
                        "  ({} sign-ins were new to the cache)",
                        summary.new_sign_ins
                    )?;
                }
                for f in &summary.empty_files {
                    writeln!(out, "  {} held no item", f.display())?;
                }
            }
        }
        Command::Report {
            kind,
            format,
            out: path,
            tenant,
            as_of,
            from,
            to,
            sp,
            bom,
            json,
        } => {
            let when = |flag: &str, v: Option<String>| -> anyhow::Result<Option<clock::DateTime>> {
                v.map(|s| clock::parse_as_of(&s).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
                    .transpose()
            };
            let request = ReportRequest {
                kind,
                tenant,
                as_of: parse_as_of(as_of)?,
                from: when("--from", from)?,
                to: when("--to", to)?,
                sp,
            };
            if !matches!(kind, ReportKind::SignIns)
                && (request.to.is_some() || request.sp.is_some())
            {
                anyhow::bail!("--to and --sp apply to the sign-ins report only; drop them or use `steward report sign-ins`");
            }
            let bar = progress_bar();
            bar.set_message(format!("{} {}", kind.as_str(), format.as_str()));
            let mut on_progress = |p: steward_report::ProgressState| {
                if let Some(t) = p.rows_total {
                    bar.set_length(t.max(p.rows_done));
                }
                bar.set_position(p.rows_done);
            };
            let mut progress = steward_report::Progress::new(&mut on_progress, None);
            let started = std::time::Instant::now();
            let summary = steward_report::export(
                &conn,
                &request,
                format,
                &path,
                steward_report::ExportOptions { csv_bom: bom },
                &mut progress,
            )?;
            bar.finish_and_clear();
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{} report ({}) of tenant {} as of {} written to {}: {} bytes, {} rows, in {:.1} s.",
                    kind.as_str(),
                    format.as_str(),
                    summary.tenant_id,
                    summary.as_of,
                    path.display(),
                    summary.bytes,
                    summary.rows,
                    started.elapsed().as_secs_f64()
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `--as-of`, or now.
fn parse_as_of(as_of: Option<String>) -> anyhow::Result<steward_core::clock::DateTime> {
    match as_of {
        Some(s) => clock::parse_as_of(&s).map_err(|e| anyhow::anyhow!("--as-of: {e}")),
        None => Ok(clock::now()),
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
/// A spinner with a message: a sync's datasets, items, rate and time left.
fn sync_spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}
