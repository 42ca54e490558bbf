//! Checks on where credentials sit and how many there are: on Microsoft's own service
//! principals, on a service principal instead of its app, more secrets than a workload needs,
//! and valid credentials on disabled identities.

use super::context::Ctx;
use super::credentials::{Cred, Creds};
use super::resources::{date, ev};
use super::{ImpactedResource, MULTIPLE_SECRETS};
use crate::Result;

pub(super) fn on_microsoft_apps(ctx: &Ctx<'_>, creds: &Creds<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for c in creds.all {
        if c.owner_type != "servicePrincipal" || c.sp_ownership.as_deref() != Some("microsoft") {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(s) = c.start {
            evidence.push(ev("Added", ctx.ago(s)));
        }
        evidence.push(ev(
            "Valid",
            match c.end {
                Some(e) if e <= ctx.as_of => format!("expired {}", date(e)),
                Some(e) => format!("until {}", date(e)),
                None => "no end date".into(),
            },
        ));
        if let Some(l) = c.last_used {
            evidence.push(ev("Last sign-in with it", ctx.ago(l)));
        }
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

pub(super) fn on_service_principals(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
) -> Result<Vec<ImpactedResource>> {
    let owners = &creds.by_owner;
    let mut out = Vec::new();
    for c in creds.all {
        if c.owner_type != "servicePrincipal" || !c.valid_at(ctx.as_of) {
            continue;
        }
        // Microsoft apps have their own, stronger check; Legacy SPs have no app to move it to.
        if matches!(c.sp_ownership.as_deref(), Some("microsoft"))
            || c.sp_kind.as_deref() == Some("legacy")
        {
            continue;
        }
        if c.is_saml_signing(owners.get(c.owner_id.as_str()).map_or(&[][..], |v| v)) {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(s) = c.start {
            evidence.push(ev("Added", ctx.ago(s)));
        }
        if let Some(e) = c.end {
            evidence.push(ev("Valid until", date(e)));
        }
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

pub(super) fn multiple_secrets(ctx: &Ctx<'_>, creds: &Creds<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    let mut owners: Vec<(&str, Vec<&Cred>)> = creds
        .by_owner
        .iter()
        .map(|(o, cs)| {
            let valid: Vec<&Cred> = cs
                .iter()
                .copied()
                .filter(|c| {
                    c.owner_type == "application"
                        && c.credential_type == "secret"
                        && c.valid_at(ctx.as_of)
                })
                .collect();
            (*o, valid)
        })
        .filter(|(_, v)| v.len() >= MULTIPLE_SECRETS)
        .collect();
    owners.sort_by_key(|(o, _)| *o);
    for (owner, secrets) in owners {
        let first = secrets[0];
        let mut list: Vec<String> = secrets
            .iter()
            .map(|s| {
                format!(
                    "{} (until {})",
                    s.name.as_deref().unwrap_or(&s.key_id),
                    s.end.map_or("no end".into(), date)
                )
            })
            .collect();
        list.sort();
        let evidence = vec![
            ev("Valid secrets", secrets.len().to_string()),
            ev("Secrets", list.join("; ")),
            ev("Limit", format!("fewer than {MULTIPLE_SECRETS}")),
        ];
        out.push(ctx.application_resource(
            owner,
            first.app_id.as_deref().unwrap_or_default(),
            &first.owner_name,
            evidence,
        )?);
    }
    Ok(out)
}

pub(super) fn disabled_with_credentials(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
) -> Result<Vec<ImpactedResource>> {
    let owners = &creds.by_owner;
    let mut stmt = ctx.conn.prepare_cached(
        // The inner query reads the class index alone (it holds the id): filtering a WITHOUT ROWID
        // table through an index otherwise looks every candidate row up before testing it.
        "SELECT sp.id, sp.app_id, sp.display_name FROM service_principals sp
         WHERE sp.tenant = ?1 AND sp.id IN (
             SELECT id FROM service_principals INDEXED BY service_principals_by_class
             WHERE tenant = ?1 AND deleted IS NULL AND account_enabled = 0)",
    )?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, app_id, name) in rows {
        let app = ctx.application_of(&app_id)?;
        let valid: Vec<&Cred> = owners
            .get(id.as_str())
            .into_iter()
            .flatten()
            .chain(
                app.as_ref()
                    .and_then(|(a, _)| owners.get(a.as_str()))
                    .into_iter()
                    .flatten(),
            )
            .filter(|c| c.valid_at(ctx.as_of))
            .copied()
            .collect();
        if valid.is_empty() {
            continue;
        }
        let mut list: Vec<String> = valid
            .iter()
            .map(|c| {
                format!(
                    "{} {} on the {} (until {})",
                    c.credential_type,
                    c.name.as_deref().unwrap_or(&c.key_id),
                    if c.owner_type == "application" {
                        "app"
                    } else {
                        "service principal"
                    },
                    c.end.map_or("no end".into(), date)
                )
            })
            .collect();
        list.sort();
        out.push(ctx.sp_resource(
            &id,
            &app_id,
            &name,
            vec![
                ev("Account", "disabled"),
                ev("Valid credentials", list.join("; ")),
            ],
        )?);
    }
    Ok(out)
}
