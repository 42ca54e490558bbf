//! `steward federated-credential list|add|update|remove`: an application's federated
//! credentials, changed offline and queued for `steward push`.

use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::clock;
use steward_core::manage::federation::{GitHubEntity, GitLabRefType, TerraformPhase};
use steward_core::manage::{self, FederatedCredentialDraft, Template};
use steward_core::model::FederatedIdentityCredential;
use steward_core::store::outbox::{self, OutboxStatus};
use steward_core::store::{federated_credentials, tenants};

use super::local_actor;
use crate::output;
use crate::{FederatedCredentialCommand, FicArgs, FicRemoveArgs, FicTarget};

/// A credential as Graph shows it, with whether Graph has it yet.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    id: &'a str,
    name: &'a str,
    issuer: &'a str,
    subject: Option<&'a str>,
    audiences: &'a [String],
    description: Option<&'a str>,
    /// A change to it waits in the outbox.
    pending: bool,
    /// That change (`steward outbox`).
    #[serde(skip_serializing_if = "Option::is_none")]
    outbox_id: Option<i64>,
}

fn shown(f: &FederatedIdentityCredential, outbox_id: Option<i64>) -> Shown<'_> {
    Shown {
        id: &f.id,
        name: &f.name,
        issuer: &f.issuer,
        subject: f.subject.as_deref(),
        audiences: &f.audiences,
        description: f.description.as_deref(),
        pending: outbox_id.is_some(),
        outbox_id,
    }
}

pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    command: FederatedCredentialCommand,
) -> anyhow::Result<()> {
    match command {
        FederatedCredentialCommand::List(t) => list(conn, out, t),
        FederatedCredentialCommand::Add(a) => save(conn, out, a, false),
        FederatedCredentialCommand::Update(a) => save(conn, out, a, true),
        FederatedCredentialCommand::Remove(a) => remove(conn, out, a),
    }
}

fn list(conn: &Connection, out: &mut impl Write, t: FicTarget) -> anyhow::Result<()> {
    let (key, _) = tenants::resolve_tenant(conn, t.tenant.as_deref())?;
    let app = manage::application(conn, key, &t.application)?;
    let all = federated_credentials::list_for_application(conn, key, &app.id)?;
    // The latest change Graph does not have, per credential name.
    let waiting: std::collections::BTreeMap<String, i64> = outbox::unpushed(conn, key)?
        .into_iter()
        .filter(|i| i.target_id == app.id)
        .filter_map(|i| i.change.credential_name().map(|n| (n.to_string(), i.id)))
        .collect();
    let rows: Vec<Shown<'_>> = all
        .iter()
        .map(|f| shown(f, waiting.get(&f.name).copied()))
        .collect();
    if t.json {
        output::write_json(out, &rows)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} ({}): {} federated credential{} of at most {}",
        app.display_name,
        app.id,
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        manage::federation::MAX_PER_OBJECT
    )?;
    for r in &rows {
        writeln!(
            out,
            "  {:<30} {}  {}{}",
            r.name,
            r.issuer,
            r.subject.unwrap_or(""),
            r.outbox_id
                .map(|i| format!("  (pending, change {i})"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

fn required(value: &Option<String>, flag: &str, template: &str) -> anyhow::Result<String> {
    value
        .clone()
        .ok_or_else(|| anyhow::anyhow!("--template {template} needs {flag}"))
}

/// The template the arguments describe.
fn template(a: &FicArgs) -> anyhow::Result<Template> {
    Ok(match a.template.as_deref() {
        Some("github-actions") => {
            let entity = match (a.branch.clone(), a.tag.clone(), a.environment.clone(), a.pull_request) {
                (Some(b), None, None, false) => GitHubEntity::Branch(b),
                (None, Some(t), None, false) => GitHubEntity::Tag(t),
                (None, None, Some(e), false) => GitHubEntity::Environment(e),
                (None, None, None, true) => GitHubEntity::PullRequest,
                _ => anyhow::bail!(
                    "--template github-actions needs one of --branch B, --tag T, --environment E or --pull-request"
                ),
            };
            Template::GitHubActions {
                repository: required(&a.repository, "--repository OWNER/REPO", "github-actions")?,
                entity,
            }
        }
        Some("kubernetes") => Template::Kubernetes {
            issuer: required(&a.issuer, "--issuer URL (the cluster's OIDC issuer)", "kubernetes")?,
            namespace: required(&a.namespace, "--namespace NS", "kubernetes")?,
            service_account: required(&a.service_account, "--service-account SA", "kubernetes")?,
        },
        Some("gitlab") => {
            let (ref_type, git_ref) = match (a.branch.clone(), a.tag.clone()) {
                (Some(b), None) => (GitLabRefType::Branch, b),
                (None, Some(t)) => (GitLabRefType::Tag, t),
                _ => anyhow::bail!("--template gitlab needs --branch B or --tag T"),
            };
            Template::GitLab {
                issuer: a.issuer.clone().unwrap_or_default(),
                project_path: required(&a.project_path, "--project-path GROUP/PROJECT", "gitlab")?,
                ref_type,
                git_ref,
            }
        }
        Some("terraform-cloud") => Template::TerraformCloud {
            issuer: a.issuer.clone().unwrap_or_default(),
            organization: required(&a.organization, "--organization ORG", "terraform-cloud")?,
            project: required(&a.project, "--project PROJECT", "terraform-cloud")?,
            workspace: required(&a.workspace, "--workspace WS", "terraform-cloud")?,
            run_phase: match a.run_phase.as_deref() {
                Some("plan") => TerraformPhase::Plan,
                Some("apply") => TerraformPhase::Apply,
                _ => anyhow::bail!("--template terraform-cloud needs --run-phase plan or --run-phase apply"),
            },
        },
        Some(other) => anyhow::bail!(
            "unknown template `{other}`; use github-actions, kubernetes, gitlab or terraform-cloud, or give --issuer URL and --subject S without a template"
        ),
        None => match (a.issuer.clone(), a.subject.clone()) {
            (Some(issuer), Some(subject)) => Template::Other { issuer, subject },
            _ => anyhow::bail!(
                "give --template (github-actions, kubernetes, gitlab, terraform-cloud), or --issuer URL and --subject S"
            ),
        },
    })
}

fn save(conn: &Connection, out: &mut impl Write, a: FicArgs, update: bool) -> anyhow::Result<()> {
    let (key, _) = tenants::resolve_tenant(conn, a.target.tenant.as_deref())?;
    let draft =
        FederatedCredentialDraft::from_template(&a.name, a.description.as_deref(), &template(&a)?)
            .map_err(|p| {
                anyhow::anyhow!("the federated credential was not saved: {}", p.join("; "))
            })?;
    let (item, f) = if update {
        manage::update_federated_credential(
            conn,
            key,
            &a.target.application,
            &draft,
            &local_actor(),
            clock::now(),
        )?
    } else {
        manage::add_federated_credential(
            conn,
            key,
            &a.target.application,
            &draft,
            &local_actor(),
            clock::now(),
        )?
    };
    if a.target.json {
        output::write_json(out, &shown(&f, Some(item.id)))?;
    } else {
        writeln!(
            out,
            "Queued as change {}: {} on {} (pending until `steward push` or the next sync).",
            item.id, item.summary, item.target_display_name
        )?;
    }
    Ok(())
}

fn remove(conn: &Connection, out: &mut impl Write, a: FicRemoveArgs) -> anyhow::Result<()> {
    let (key, _) = tenants::resolve_tenant(conn, a.target.tenant.as_deref())?;
    let item = manage::remove_federated_credential(
        conn,
        key,
        &a.target.application,
        &a.name,
        &local_actor(),
        clock::now(),
    )?;
    if a.target.json {
        output::write_json(out, &item)?;
    } else {
        writeln!(
            out,
            "Queued as change {}: {} on {} (pending until `steward push` or the next sync).",
            item.id, item.summary, item.target_display_name
        )?;
    }
    debug_assert_eq!(item.status, OutboxStatus::Pending);
    Ok(())
}
