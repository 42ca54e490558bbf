//! The arguments of the commands that change workload identities: `federated-credential`,
//! `app`, `sp`, `credential`, `outbox` and `push`.

use std::path::PathBuf;

use crate::ConnectArgs;

/// `steward federated-credential …`.
#[derive(clap::Subcommand)]
pub(crate) enum FederatedCredentialCommand {
    /// List an application's federated credentials, pending changes marked.
    List(FicTarget),
    /// Add a federated credential.
    Add(FicArgs),
    /// Change a federated credential's issuer, subject or description (named by --name, which
    /// cannot change).
    Update(FicArgs),
    /// Remove a federated credential.
    Remove(FicRemoveArgs),
}

/// The application whose federated credentials a command reads or changes.
#[derive(clap::Args)]
pub(crate) struct FicTarget {
    /// The application's object id (not its app id; `steward identity ID` shows it).
    #[arg(long, value_name = "APP_OBJECT_ID")]
    pub(crate) application: String,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `steward federated-credential add|update`.
#[derive(clap::Args)]
pub(crate) struct FicArgs {
    #[command(flatten)]
    pub(crate) target: FicTarget,
    /// The credential's name: 3 to 120 letters, digits, '-', '_', '.' or '~', starting with a
    /// letter or digit; unique on the application; it cannot change later.
    #[arg(long)]
    pub(crate) name: String,
    /// What the credential is for (up to 600 characters).
    #[arg(long, value_name = "TEXT")]
    pub(crate) description: Option<String>,
    /// Build issuer and subject from a template: github-actions, kubernetes, gitlab or
    /// terraform-cloud. Without it, give --issuer and --subject.
    #[arg(long, value_name = "TEMPLATE")]
    pub(crate) template: Option<String>,
    /// github-actions: the repository, OWNER/REPO.
    #[arg(long, value_name = "OWNER/REPO")]
    pub(crate) repository: Option<String>,
    /// github-actions, gitlab: the branch.
    #[arg(long, conflicts_with_all = ["tag", "environment", "pull_request"])]
    pub(crate) branch: Option<String>,
    /// github-actions, gitlab: the tag.
    #[arg(long, conflicts_with_all = ["environment", "pull_request"])]
    pub(crate) tag: Option<String>,
    /// github-actions: the deployment environment.
    #[arg(long, conflicts_with = "pull_request")]
    pub(crate) environment: Option<String>,
    /// github-actions: workflows run for pull requests.
    #[arg(long)]
    pub(crate) pull_request: bool,
    /// The issuer URL (kubernetes: the cluster's OIDC issuer; gitlab and terraform-cloud: a
    /// self-hosted instance, default GitLab.com and HCP Terraform; no template: required).
    #[arg(long, value_name = "URL")]
    pub(crate) issuer: Option<String>,
    /// No template: the subject, exactly as the identity provider writes the token's `sub`.
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// kubernetes: the namespace.
    #[arg(long, value_name = "NS")]
    pub(crate) namespace: Option<String>,
    /// kubernetes: the service account.
    #[arg(long, value_name = "SA")]
    pub(crate) service_account: Option<String>,
    /// gitlab: the project path, GROUP/PROJECT.
    #[arg(long, value_name = "PATH")]
    pub(crate) project_path: Option<String>,
    /// terraform-cloud: the organization.
    #[arg(long)]
    pub(crate) organization: Option<String>,
    /// terraform-cloud: the project.
    #[arg(long)]
    pub(crate) project: Option<String>,
    /// terraform-cloud: the workspace.
    #[arg(long)]
    pub(crate) workspace: Option<String>,
    /// terraform-cloud: plan or apply.
    #[arg(long, value_name = "PHASE")]
    pub(crate) run_phase: Option<String>,
}

/// `steward federated-credential remove`.
#[derive(clap::Args)]
pub(crate) struct FicRemoveArgs {
    #[command(flatten)]
    pub(crate) target: FicTarget,
    /// The credential's name.
    #[arg(long)]
    pub(crate) name: String,
}

/// `steward outbox`.
#[derive(clap::Args)]
pub(crate) struct OutboxArgs {
    #[command(subcommand)]
    pub(crate) action: Option<OutboxAction>,
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID", global = true)]
    pub(crate) tenant: Option<String>,
    /// Print JSON.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// List Steward's audit trail (who did what, when, with what result) instead.
    #[arg(long)]
    pub(crate) audit: bool,
}

#[derive(clap::Subcommand)]
pub(crate) enum OutboxAction {
    /// Send a failed change, or one in conflict, again at the next push. After a conflict the
    /// change is made over Entra's version the push saw.
    Retry {
        /// The change's id (`steward outbox` lists them).
        id: i64,
    },
    /// Drop a change Graph does not have: the cache stops showing it.
    Drop {
        /// The change's id.
        id: i64,
    },
}

/// `steward push`.
#[derive(clap::Args)]
pub(crate) struct PushArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The tenant and output flags every change command takes.
#[derive(clap::Args)]
pub(crate) struct ChangeFlags {
    /// The tenant (default: the only tenant in the cache).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Print the queued change as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `steward app …`.
#[derive(clap::Subcommand)]
pub(crate) enum AppCommand {
    /// Register an app (and its service principal).
    Create {
        /// Its display name.
        #[arg(long)]
        name: String,
        /// Who may sign in: AzureADMyOrg (this tenant only, the default), AzureADMultipleOrgs,
        /// AzureADandPersonalMicrosoftAccount or PersonalMicrosoftAccount.
        #[arg(long, value_name = "AUDIENCE", default_value = "AzureADMyOrg")]
        audience: String,
        /// Notes on the registration (what it is for, who owns it).
        #[arg(long)]
        notes: Option<String>,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Change an application's name, notes or tags (what is not given stays).
    Update {
        /// The application's object id.
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// New notes ("" clears them).
        #[arg(long)]
        notes: Option<String>,
        /// The tags, all of them (repeatable; `--tag ""` alone clears them).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Option<Vec<String>>,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Delete an application with its service principal, credentials and role assignments
    /// (restorable for 30 days).
    Delete {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Restore a deleted application within 30 days.
    Restore {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
}

/// `steward sp …`.
#[derive(clap::Subcommand)]
pub(crate) enum SpCommand {
    /// Let the service principal sign in again.
    Enable {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Stop the service principal's sign-ins (its tokens are refused; nothing is deleted).
    Disable {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Change a service principal's name or tags.
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "tag", value_name = "TAG")]
        tags: Option<Vec<String>>,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Delete a service principal (restorable for 30 days).
    Delete {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Restore a deleted service principal within 30 days.
    Restore {
        id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
}

/// Which object holds a credential: an application by default.
#[derive(clap::Args)]
pub(crate) struct CredentialOwner {
    /// The application's object id.
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "service_principal",
        required_unless_present = "service_principal"
    )]
    pub(crate) application: Option<String>,
    /// The service principal's object id (its own credentials, e.g. SAML signing).
    #[arg(long, value_name = "ID")]
    pub(crate) service_principal: Option<String>,
}

/// `steward credential …`.
#[derive(clap::Subcommand)]
pub(crate) enum CredentialCommand {
    /// Add a client secret; `steward push` makes it and prints its value once.
    AddSecret {
        #[command(flatten)]
        owner: CredentialOwner,
        /// What the secret is for.
        #[arg(long)]
        name: String,
        /// How many days it lives (1 to 730; the baselines ask 180 at most).
        #[arg(long, value_name = "DAYS", default_value_t = 180)]
        days: i64,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Add a certificate's public key from a .cer, .crt or .pem file (no private key).
    AddCertificate {
        #[command(flatten)]
        owner: CredentialOwner,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        flags: ChangeFlags,
    },
    /// Remove a secret or certificate by its key id.
    Remove {
        #[command(flatten)]
        owner: CredentialOwner,
        #[arg(long, value_name = "KEY_ID")]
        key_id: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
}

/// `steward owner …` and `steward sponsor …`.
#[derive(clap::Subcommand)]
pub(crate) enum RelationCommand {
    /// Add a user, group or service principal (by object id).
    Add(RelationArgs),
    /// Remove one.
    Remove(RelationArgs),
}

/// The object and the principal of an owner or sponsor change.
#[derive(clap::Args)]
pub(crate) struct RelationArgs {
    #[command(flatten)]
    pub(crate) owner: CredentialOwner,
    /// The user's, group's or service principal's object id.
    #[arg(long, value_name = "ID")]
    pub(crate) principal: String,
    #[command(flatten)]
    pub(crate) flags: ChangeFlags,
}

/// `steward permission …`.
#[derive(clap::Subcommand)]
pub(crate) enum PermissionCommand {
    /// Take an application permission (app role assignment) away from a service principal.
    Remove {
        /// The service principal's object id.
        #[arg(long, value_name = "ID")]
        service_principal: String,
        /// The assignment's id (`steward identity ID --json` lists them).
        #[arg(long, value_name = "ID")]
        assignment: String,
        #[command(flatten)]
        flags: ChangeFlags,
    },
}
