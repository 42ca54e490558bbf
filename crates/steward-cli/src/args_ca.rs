//! The arguments of `steward ca`: conditional access for workload identities.

use std::path::PathBuf;

/// `steward ca …`.
#[derive(clap::Subcommand)]
pub(crate) enum CaCommand {
    /// The tenant's conditional access policies (those that assign workload identities, then
    /// the others) and named locations, as the cache holds them.
    List(CaListArgs),
    /// Which policies would apply to a service principal asking for a token from an address,
    /// and why, condition by condition (also for those that do not apply).
    Whatif(CaWhatIfArgs),
    /// Run the cached sign-ins of a period through a policy (a file, or one in the cache) and
    /// count what it would have blocked. Failures before conditional access do not count;
    /// sign-ins the cache cannot decide are counted apart, by reason.
    Replay(CaReplayArgs),
}

/// `steward ca list`.
#[derive(clap::Args)]
pub(crate) struct CaListArgs {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `steward ca whatif`.
#[derive(clap::Args)]
pub(crate) struct CaWhatIfArgs {
    /// The service principal: its object id or its appId.
    #[arg(long, value_name = "ID")]
    pub(crate) sp: String,
    /// The address the token request comes from (IPv4 or IPv6).
    #[arg(long, value_name = "ADDR")]
    pub(crate) ip: String,
    /// The service principal's risk level: none, low, medium or high (default: Identity
    /// Protection's current level from the cache).
    #[arg(long, value_name = "LEVEL")]
    pub(crate) risk: Option<String>,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `steward ca replay`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["policy", "policy_id"])))]
pub(crate) struct CaReplayArgs {
    /// A file holding one conditionalAccessPolicy as Graph returns it (v1.0 or beta; an
    /// EntraExporter backup's policy file too).
    #[arg(long, value_name = "FILE.json")]
    pub(crate) policy: Option<PathBuf>,
    /// A policy in the cache, by id (`steward ca list` shows them).
    #[arg(long, value_name = "ID")]
    pub(crate) policy_id: Option<String>,
    /// The first day replayed: YYYY-MM-DD (from 00:00 UTC) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE")]
    pub(crate) from: String,
    /// The last day replayed: YYYY-MM-DD (to the end of that day, UTC) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE")]
    pub(crate) to: String,
    /// How many of the blocked sign-ins to list (all are counted).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub(crate) limit: usize,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}
