//! `steward identity ID`: one service principal's detail, as the Identities page shows it, for
//! scripts and checks (`--json`) or people.

use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::clock;
use steward_core::identities::{self, IdentityDetail};
use steward_core::store::tenants;

use crate::output;
use crate::IdentityArgs;

/// The detail in the command's JSON shape: field names as Graph and admins know them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityJson<'a> {
    id: &'a str,
    app_id: &'a str,
    display_name: &'a str,
    kind: &'a str,
    service_principal_type: &'a str,
    account_enabled: bool,
    ownership: &'a steward_core::model::Ownership,
    last_sign_in_date_time: Option<&'a str>,
    owners: Vec<Owner<'a>>,
    application_permissions: Vec<Permission<'a>>,
    delegated_grants: Vec<Grant<'a>>,
    directory_roles: Vec<Role<'a>>,
    credentials: Vec<Credential<'a>>,
    federated_credentials: &'a [steward_core::identities::FederatedCredentialView],
    as_of: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Owner<'a> {
    id: &'a str,
    display_name: &'a str,
    #[serde(rename = "type")]
    owner_type: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Permission<'a> {
    resource_id: &'a str,
    resource_display_name: &'a str,
    app_role_id: &'a str,
    /// `None` when the permission is not one Steward knows by id.
    value: Option<&'a str>,
    high_risk: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Grant<'a> {
    resource_id: &'a str,
    resource_display_name: &'a str,
    consent_type: &'a str,
    principal_id: Option<&'a str>,
    scopes: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Role<'a> {
    role_template_id: &'a str,
    display_name: &'a str,
    is_privileged: bool,
    assignment_type: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Credential<'a> {
    source: &'a str,
    #[serde(rename = "type")]
    credential_type: &'a steward_core::model::CredentialType,
    key_id: &'a str,
    display_name: Option<&'a str>,
    end_date_time: Option<&'a str>,
}

fn as_json(d: &IdentityDetail) -> IdentityJson<'_> {
    IdentityJson {
        id: &d.row.id,
        app_id: &d.row.app_id,
        display_name: &d.row.display_name,
        kind: d.row.kind.as_str(),
        service_principal_type: &d.row.service_principal_type,
        account_enabled: d.row.account_enabled,
        ownership: &d.row.ownership,
        last_sign_in_date_time: d.row.last_sign_in.as_deref(),
        owners: d
            .owners
            .iter()
            .map(|o| Owner {
                id: &o.id,
                display_name: &o.display_name,
                owner_type: &o.owner_type,
            })
            .collect(),
        application_permissions: d
            .app_role_assignments
            .iter()
            .map(|a| Permission {
                resource_id: &a.resource_id,
                resource_display_name: &a.resource_display_name,
                app_role_id: &a.app_role_id,
                value: (a.permission != a.app_role_id).then_some(a.permission.as_str()),
                high_risk: a.high_risk,
            })
            .collect(),
        delegated_grants: d
            .delegated_grants
            .iter()
            .map(|g| Grant {
                resource_id: &g.resource_id,
                resource_display_name: &g.resource_display_name,
                consent_type: &g.consent_type,
                principal_id: g.principal_id.as_deref(),
                scopes: &g.scopes,
            })
            .collect(),
        directory_roles: d
            .directory_roles
            .iter()
            .map(|r| Role {
                role_template_id: &r.role_template_id,
                display_name: &r.role_name,
                is_privileged: r.privileged,
                assignment_type: &r.assignment_type,
            })
            .collect(),
        credentials: d
            .credentials
            .iter()
            .map(|c| Credential {
                source: &c.source,
                credential_type: &c.credential_type,
                key_id: &c.key_id,
                display_name: c.display_name.as_deref(),
                end_date_time: c.end_date_time.as_deref(),
            })
            .collect(),
        federated_credentials: &d.federated_credentials,
        as_of: &d.as_of,
    }
}

/// Prints one service principal's detail.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    args: IdentityArgs,
) -> anyhow::Result<()> {
    let IdentityArgs { id, tenant, json } = args;
    let (key, t) = tenants::resolve_tenant(conn, tenant.as_deref())?;
    let d = identities::identity_detail(conn, key, &t.id, &id, clock::now())?;
    if json {
        return output::write_json(out, &as_json(&d));
    }
    let j = as_json(&d);
    writeln!(out, "{} ({})", j.display_name, j.kind)?;
    writeln!(out, "  object id {}, app id {}", j.id, j.app_id)?;
    writeln!(
        out,
        "  {}; last sign-in {}",
        if j.account_enabled {
            "enabled"
        } else {
            "disabled"
        },
        j.last_sign_in_date_time.unwrap_or("never seen")
    )?;
    let list = |out: &mut dyn Write, title: &str, lines: Vec<String>| -> std::io::Result<()> {
        writeln!(out, "{title} ({})", lines.len())?;
        for l in lines {
            writeln!(out, "  {l}")?;
        }
        Ok(())
    };
    list(
        out,
        "Owners",
        j.owners
            .iter()
            .map(|o| format!("{} ({})", o.display_name, o.owner_type))
            .collect(),
    )?;
    list(
        out,
        "Application permissions",
        j.application_permissions
            .iter()
            .map(|p| {
                format!(
                    "{} on {}{}",
                    p.value.unwrap_or(p.app_role_id),
                    p.resource_display_name,
                    if p.high_risk { " (high risk)" } else { "" }
                )
            })
            .collect(),
    )?;
    list(
        out,
        "Delegated grants",
        j.delegated_grants
            .iter()
            .map(|g| {
                format!(
                    "{} on {} ({})",
                    g.scopes.join(" "),
                    g.resource_display_name,
                    g.consent_type
                )
            })
            .collect(),
    )?;
    list(
        out,
        "Directory roles",
        j.directory_roles
            .iter()
            .map(|r| {
                format!(
                    "{} ({}{})",
                    r.display_name,
                    r.assignment_type,
                    if r.is_privileged { ", privileged" } else { "" }
                )
            })
            .collect(),
    )?;
    list(
        out,
        "Credentials",
        j.credentials
            .iter()
            .map(|c| {
                format!(
                    "{} {} on the {}, ends {}",
                    c.display_name.unwrap_or("(no name)"),
                    c.key_id,
                    c.source,
                    c.end_date_time.unwrap_or("never")
                )
            })
            .collect(),
    )?;
    Ok(())
}
