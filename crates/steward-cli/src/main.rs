//! `steward`: the headless command line over Steward's cache. It parses arguments, calls the
//! core, and prints; stdout carries only results, messages and progress go to stderr.
//! This file holds the arguments and the dispatch; each command lives in `commands/`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use steward_core::demo::DemoOptions;
use steward_core::model::IdentityKind;
use steward_core::store;
use steward_report::{Format, ReportKind};

mod args_ca;
mod args_manage;
mod args_review;
mod commands;
mod output;

pub(crate) use args_ca::*;
pub(crate) use args_manage::*;
pub(crate) use args_review::*;

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

// Parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Write the demo tenant into the cache, replacing an earlier demo tenant.
    Demo(DemoArgs),
    /// List the tenants the cache holds.
    Tenants(TenantsArgs),
    /// Print the Overview page's figures: counts by kind and ownership, credential expiry and
    /// sign-ins per day for the last 30 days.
    Overview(OverviewArgs),
    /// The Overview page's KPIs and the tables behind its charts, for a range of days ending at
    /// --as-of (the charts' pictures are left out).
    Dashboard(DashboardArgs),
    /// List every service principal of a tenant.
    Identities(IdentitiesArgs),
    /// One service principal's detail (by object id): owners, application permissions,
    /// delegated grants, directory roles, credentials and last sign-in, as the Identities page
    /// shows it.
    Identity(IdentityArgs),
    /// App-health recommendations: Entra's types computed locally and Steward's own checks,
    /// each with its impacted resources and the evidence behind them.
    Recommendations(RecommendationsArgs),
    /// Workload ID Premium license estimate, bucket by bucket, and the saved planner scenarios.
    Licenses(InsightArgs),
    /// Risky workload identities: Identity Protection's, when synced, and Steward's own signals
    /// from the cached sign-ins (new country, IP range, resource, credential; invalid-credential
    /// bursts; sign-ins outside named locations).
    #[command(visible_alias = "risks")]
    Risk(RiskArgs),
    /// Read a tenant from Microsoft Graph into the cache (app-only sign-in with a client
    /// secret or a certificate). Resumable: a run stopped at any point continues where it stopped. A secret that
    /// signs in is kept in the OS keyring for the next sync of the tenant.
    Sync(SyncArgs),
    /// Sign in as an admin (delegated: authorization code with PKCE in the system browser, or
    /// --device-code) and keep the sign-in in the OS keyring for `steward sync --delegated`.
    SignIn(SignInArgs),
    /// Remove the client secret (and any admin sign-in) kept in the OS keyring for a tenant's
    /// app registration.
    Forget(ForgetArgs),
    /// Import Graph JSON exports (files or folders): Graph responses, az CLI and Graph
    /// PowerShell output. All or nothing: a bad file stops the import and nothing is written.
    Import(ImportArgs),
    /// Workload identity federation on an application: list, add (from a template: GitHub
    /// Actions, Kubernetes, GitLab, HCP Terraform, or issuer and subject as given), update and
    /// remove federated credentials. Changes are checked against Entra's rules, shown in the
    /// cache at once and queued for `steward push`.
    #[command(subcommand, name = "federated-credential")]
    FederatedCredential(FederatedCredentialCommand),
    /// The changes made in Steward and not yet confirmed by Graph (and those that were): list
    /// them, retry one that failed or conflicts, or drop one.
    Outbox(OutboxArgs),
    /// Send the changes made in Steward to Graph, in the order they were made (a sync does this
    /// first too). Signs in as `steward sync` does. A new client secret's value is printed
    /// here, once.
    Push(PushArgs),
    /// App registrations: create one (with its service principal), change its name, notes or
    /// tags, delete it (with its service principal) or restore it within 30 days.
    #[command(subcommand)]
    App(AppCommand),
    /// Service principals: enable or disable sign-ins, change the name or tags, delete or
    /// restore.
    #[command(subcommand)]
    Sp(SpCommand),
    /// Secrets and certificates of an application or service principal: add a client secret
    /// (its value is shown once, by the push that makes it), add a certificate's public key from
    /// a file, remove one.
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Owners of an application or service principal: add or remove a user, group or service
    /// principal (an app owner can add credentials and act as the app: keep privileged apps
    /// without user owners).
    #[command(subcommand)]
    Owner(RelationCommand),
    /// Sponsors of an agent identity (--service-principal): who answers for what it does.
    #[command(subcommand)]
    Sponsor(RelationCommand),
    /// Application permissions: take one away from a service principal, for least privilege.
    #[command(subcommand)]
    Permission(PermissionCommand),
    /// Conditional access for workload identities: list the policies and named locations,
    /// what-if for one token request, and replay of the cached sign-ins through a policy.
    #[command(subcommand)]
    Ca(CaCommand),
    /// Access reviews of privileged workload identities: create one, decide each identity with
    /// a justification, complete it (queueing the denials' removals), list and show them.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Export a report: overview, credential-expiry, recommendations, risk, licenses, inventory,
    /// sign-ins or audit (the changes made in Steward and their audit trail), as HTML, PDF,
    /// XLSX, CSV or JSON. The same cache and --as-of give the same bytes.
    Report(ReportArgs),
}

/// The arguments of `steward demo`.
#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Seed of the generator: the same seed, sizes and --as-of give the same tenant.
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Exactly this many service principals of all kinds.
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SERVICE_PRINCIPALS)]
    pub(crate) service_principals: usize,
    /// Exactly this many sign-in events, spread over the last 60 days.
    #[arg(long, default_value_t = DemoOptions::DEFAULT_SIGN_INS)]
    pub(crate) sign_ins: u64,
    /// The instant the demo data ends at: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward tenants`.
#[derive(clap::Args)]
pub(crate) struct TenantsArgs {
    /// Print JSON (an array of tenants).
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward overview`.
#[derive(clap::Args)]
pub(crate) struct OverviewArgs {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// The instant to compute for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,
    /// Print JSON (the chart's SVG included).
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward identity`.
#[derive(clap::Args)]
pub(crate) struct IdentityArgs {
    /// The service principal's object id.
    pub(crate) id: String,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward identities`.
#[derive(clap::Args)]
pub(crate) struct IdentitiesArgs {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Only this kind: application, managedIdentitySystem, managedIdentityUser, legacy,
    /// socialIdp or agentIdentity.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub(crate) kind: Option<IdentityKind>,
    /// Print JSON (one array, one element per service principal, sorted by id).
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward recommendations`.
#[derive(clap::Args)]
pub(crate) struct RecommendationsArgs {
    #[command(flatten)]
    pub(crate) args: InsightArgs,
    /// Longest acceptable client-secret lifetime in days.
    #[arg(long, value_name = "DAYS", default_value_t = 180)]
    pub(crate) secret_max_days: i64,
    /// Longest acceptable certificate lifetime in days.
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub(crate) certificate_max_days: i64,
    /// List at most N impacted (and N undetermined) resources per recommendation, in the
    /// window's order; `impactedTotal` and `undeterminedTotal` stay exact.
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
}

/// The arguments of `steward dashboard`.
#[derive(clap::Args)]
pub(crate) struct DashboardArgs {
    #[command(flatten)]
    pub(crate) args: InsightArgs,
    /// How many days the range covers, ending at --as-of (the window offers 7, 30, 60 and 90).
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub(crate) days: i64,
}

/// The arguments of `steward risk`.
#[derive(clap::Args)]
pub(crate) struct RiskArgs {
    #[command(flatten)]
    pub(crate) args: InsightArgs,
    /// Report signals first seen in this many days before --as-of.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub(crate) window_days: i64,
    /// Invalid-credential failures in one hour that make a burst.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) burst_threshold: i64,
}

/// How to sign in to a tenant's Graph, shared by `steward sync` and `steward push`.
#[derive(clap::Args)]
pub(crate) struct ConnectArgs {
    /// The tenant (directory) id.
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: String,
    /// The client (application) id of Steward's app registration in that tenant.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: String,
    /// Read the client secret from this file (its first line). The secret is never taken
    /// as an argument; STEWARD_CLIENT_SECRET or a prompt also give it.
    #[arg(long, value_name = "FILE")]
    pub(crate) client_secret_file: Option<PathBuf>,
    /// Read the client secret from standard input (its first line).
    #[arg(long)]
    pub(crate) client_secret_stdin: bool,
    /// Do not keep the secret in the OS keyring (and do not use one kept there).
    #[arg(long)]
    pub(crate) no_keyring: bool,
    /// Sign in with a certificate instead of a secret: a PEM file holding the certificate
    /// uploaded to the app registration and its RSA private key.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["client_secret_file", "client_secret_stdin"])]
    pub(crate) certificate: Option<PathBuf>,
    /// Sign in as an admin (delegated) instead of as the app: the admin sign-in kept by
    /// `steward sign-in`, or a sign-in in the browser now. The client id is then that of a
    /// public client app registration with delegated Graph permissions.
    #[arg(long, conflicts_with_all = ["client_secret_file", "client_secret_stdin", "certificate"])]
    pub(crate) delegated: bool,
    /// With --delegated and no kept sign-in: sign in with a code on another device instead
    /// of a browser on this one.
    #[arg(long, requires = "delegated")]
    pub(crate) device_code: bool,
    #[command(flatten)]
    pub(crate) endpoints: Endpoints,
}

/// The arguments of `steward sync`.
#[derive(clap::Args)]
pub(crate) struct SyncArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// Only these datasets (repeatable): applications, servicePrincipals,
    /// appRoleAssignments, owners, sponsors, signIns,
    /// servicePrincipalSignInActivities, appCredentialSignInActivities, subscribedSkus,
    /// namedLocations, riskyServicePrincipals, servicePrincipalRiskDetections,
    /// directoryRecommendations, roleAssignments, roleEligibilityScheduleInstances,
    /// deletedApplications, deletedServicePrincipals, oauth2PermissionGrants,
    /// conditionalAccessPolicies, directoryAudits, authorizationPolicy,
    /// adminConsentRequestPolicy, defaultAppManagementPolicy, appManagementPolicies,
    /// appConsentRequests.
    #[arg(long = "dataset", value_name = "NAME", value_parser = parse_sync_dataset)]
    pub(crate) datasets: Vec<steward_graph::Dataset>,
    /// How many days of sign-ins the first run reads (Graph keeps 30).
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub(crate) sign_in_days: i64,
    /// How many $batch requests (twenty objects each) may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=16))]
    pub(crate) concurrency: u8,
    /// Also look up whether each redirect URI host of the tenant's own apps still resolves
    /// (asks this machine's DNS resolver about each host name), so that unsafeRedirectUri can
    /// name dangling domains offline.
    #[arg(long)]
    pub(crate) resolve_redirect_domains: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward sign-in`.
#[derive(clap::Args)]
pub(crate) struct SignInArgs {
    /// The tenant (directory) id.
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: String,
    /// The client (application) id of a public client app registration.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: String,
    /// Sign in with a code on another device instead of a browser on this one.
    #[arg(long)]
    pub(crate) device_code: bool,
    #[command(flatten)]
    pub(crate) endpoints: Endpoints,
}

/// The arguments of `steward forget`.
#[derive(clap::Args)]
pub(crate) struct ForgetArgs {
    /// The tenant (directory) id.
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: String,
    /// The client (application) id.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: String,
    /// The sign-in authority the secret was kept for (kept credentials are bound to it).
    #[arg(long, value_name = "URL", default_value = steward_graph::connect::DEFAULT_AUTHORITY_URL)]
    pub(crate) authority_url: String,
}

/// The arguments of `steward import`.
#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    /// Files or folders of .json files.
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The tenant the files belong to, when no organization response comes with them.
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The arguments of `steward report`.
#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    /// overview, credential-expiry, recommendations, risk, licenses, inventory, sign-ins, audit
    /// or access-review.
    #[arg(value_name = "KIND", value_parser = parse_report_kind)]
    pub(crate) kind: ReportKind,
    /// html, pdf, xlsx, csv or json (pdf only for the summary reports).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub(crate) format: Format,
    /// The file to write; it is replaced only once the report is complete.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// The instant to report for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,
    /// Start of the period (overview: the dashboard's range; sign-ins: the extract);
    /// default 30 days before --as-of.
    #[arg(long, value_name = "WHEN")]
    pub(crate) from: Option<String>,
    /// End of the sign-in extract; default --as-of.
    #[arg(long, value_name = "WHEN")]
    pub(crate) to: Option<String>,
    /// Only this service principal's sign-ins (object id).
    #[arg(long, value_name = "ID")]
    pub(crate) sp: Option<String>,
    /// The access review whose evidence to write (access-review; default: the newest).
    #[arg(long, value_name = "REVIEW")]
    pub(crate) review: Option<String>,
    /// Start a CSV with a UTF-8 byte-order mark, which Excel needs to read accents right.
    #[arg(long)]
    pub(crate) bom: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Where Graph and the sign-in authority are: the global cloud's by default.
#[derive(clap::Args)]
pub(crate) struct Endpoints {
    /// Microsoft Graph's address (a national cloud's, or the simulator's).
    #[arg(long, value_name = "URL", default_value = steward_graph::connect::DEFAULT_GRAPH_URL)]
    pub(crate) graph_url: String,
    /// The sign-in authority (a national cloud's, or the simulator's). Credentials go only to
    /// Microsoft's clouds over https, to this machine over http, or to a host confirmed with
    /// --trust-authority-host.
    #[arg(long, value_name = "URL", default_value = steward_graph::connect::DEFAULT_AUTHORITY_URL)]
    pub(crate) authority_url: String,
    /// Send credentials to this sign-in host (`host` or `host:port`) although it is not a
    /// Microsoft cloud's: only for your organisation's own sign-in endpoint.
    #[arg(long, value_name = "HOST")]
    pub(crate) trust_authority_host: Option<String>,
}

/// Arguments shared by the insight commands.
#[derive(clap::Args)]
pub(crate) struct InsightArgs {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// The instant to compute for: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
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
            eprintln!("error: {}", steward_core::chain_text(e.as_ref()));
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
        Command::Demo(args) => commands::demo::run(&conn, &mut out, &db, args)?,
        Command::Tenants(args) => commands::tenants::run(&conn, &mut out, &db, args)?,
        Command::Overview(args) => commands::overview::run(&conn, &mut out, args)?,
        Command::Dashboard(args) => commands::dashboard::run(&conn, &mut out, args)?,
        Command::Identities(args) => commands::identities::run(&conn, &mut out, args)?,
        Command::Identity(args) => commands::identity::run(&conn, &mut out, args)?,
        Command::Recommendations(args) => commands::recommendations::run(&conn, &mut out, args)?,
        Command::Licenses(args) => commands::licenses::run(&conn, &mut out, args)?,
        Command::Risk(args) => commands::risk::run(&conn, &mut out, args)?,
        Command::Sync(args) => commands::sync::run(&conn, &mut out, args)?,
        Command::SignIn(args) => commands::sign_in::run(&mut out, args)?,
        Command::Forget(args) => commands::forget::run(&mut out, args)?,
        Command::Import(args) => commands::import::run(&conn, &mut out, args)?,
        Command::Report(args) => commands::report::run(&conn, &mut out, args)?,
        Command::FederatedCredential(c) => commands::federated_credential::run(&conn, &mut out, c)?,
        Command::Outbox(args) => commands::outbox::run(&conn, &mut out, args)?,
        Command::Push(args) => commands::push::run(&conn, &mut out, args)?,
        Command::App(c) => commands::objects::app(&conn, &mut out, c)?,
        Command::Sp(c) => commands::objects::sp(&conn, &mut out, c)?,
        Command::Credential(c) => commands::objects::credential(&conn, &mut out, c)?,
        Command::Owner(c) => commands::objects::relation(&conn, &mut out, c, false)?,
        Command::Sponsor(c) => commands::objects::relation(&conn, &mut out, c, true)?,
        Command::Permission(c) => commands::objects::permission(&conn, &mut out, c)?,
        Command::Ca(c) => commands::ca::run(&conn, &mut out, c)?,
        Command::Review(c) => commands::review::run(&conn, &mut out, c)?,
    }
    out.flush()?;
    Ok(())
}
