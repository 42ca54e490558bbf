//! The arguments of `steward review`: access reviews of privileged workload identities.

/// `steward review …`.
#[derive(clap::Subcommand)]
pub(crate) enum ReviewCommand {
    /// Create a review of the service principals and managed identities holding privileged
    /// directory roles or high-risk Graph permissions (or of the identities given), with a
    /// snapshot of their access, last sign-in and Entra's 30-day recommendation.
    Create(ReviewCreateArgs),
    /// Record a reviewer's decision on one identity of a review.
    Decide(ReviewDecideArgs),
    /// Complete a review: undecided identities take its "if nobody decides" setting; with
    /// --apply, each denial's roles and permissions are queued for removal (sent by `steward push`).
    Complete(ReviewCompleteArgs),
    /// The tenant's reviews, newest first.
    List(ReviewListArgs),
    /// One review with its identities and decisions.
    Show(ReviewShowArgs),
}

/// The tenant, and JSON or text.
#[derive(clap::Args)]
pub(crate) struct ReviewOutput {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `steward review create`.
#[derive(clap::Args)]
pub(crate) struct ReviewCreateArgs {
    #[arg(long)]
    pub(crate) name: String,
    /// `privileged` (every privileged identity), or `ids` with the identities in --id; a
    /// comma-separated list of object ids or appIds is taken as `ids` too.
    #[arg(long, value_name = "privileged|ids")]
    pub(crate) scope: String,
    /// An identity to review (object id or appId), with --scope ids; repeat for more.
    #[arg(long = "id", value_name = "ID")]
    pub(crate) ids: Vec<String>,
    /// A reviewer's name; repeat for more.
    #[arg(long = "reviewer", value_name = "NAME", required = true)]
    pub(crate) reviewers: Vec<String>,
    /// The due date: YYYY-MM-DD (the end of that day, UTC) or an RFC 3339 instant.
    #[arg(long, value_name = "DATE")]
    pub(crate) due: String,
    /// once, weekly, monthly, quarterly, semiAnnually or annually.
    #[arg(long, value_name = "FREQUENCY", default_value = "once")]
    pub(crate) recurrence: String,
    /// What happens to identities nobody decided: noChange, removeAccess, approveAccess or
    /// takeRecommendations.
    #[arg(long, value_name = "SETTING", default_value = "noChange")]
    pub(crate) if_no_response: String,
    /// The instant the snapshot is taken at: YYYY-MM-DD (00:00 UTC) or RFC 3339; default now.
    #[arg(long, value_name = "WHEN")]
    pub(crate) as_of: Option<String>,
    #[command(flatten)]
    pub(crate) output: ReviewOutput,
}

/// `steward review decide`.
#[derive(clap::Args)]
pub(crate) struct ReviewDecideArgs {
    /// The review's id (or the start of it, 8 characters or more).
    pub(crate) review: String,
    /// The identity's object id.
    #[arg(long, value_name = "ID")]
    pub(crate) identity: String,
    /// approve, deny or dontKnow.
    #[arg(long, value_name = "DECISION")]
    pub(crate) decision: String,
    /// Why: the review's evidence keeps it.
    #[arg(long, value_name = "TEXT")]
    pub(crate) justification: String,
    #[command(flatten)]
    pub(crate) output: ReviewOutput,
}

/// `steward review complete`.
#[derive(clap::Args)]
pub(crate) struct ReviewCompleteArgs {
    /// The review's id (or the start of it).
    pub(crate) review: String,
    /// Queue the removal of every denied identity's privileged roles and permissions.
    #[arg(long)]
    pub(crate) apply: bool,
    #[command(flatten)]
    pub(crate) output: ReviewOutput,
}

/// `steward review list`.
#[derive(clap::Args)]
pub(crate) struct ReviewListArgs {
    #[command(flatten)]
    pub(crate) output: ReviewOutput,
}

/// `steward review show`.
#[derive(clap::Args)]
pub(crate) struct ReviewShowArgs {
    /// The review's id (or the start of it).
    pub(crate) review: String,
    #[command(flatten)]
    pub(crate) output: ReviewOutput,
}
