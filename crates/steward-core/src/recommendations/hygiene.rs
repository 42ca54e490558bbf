//! Hygiene the peer tools check beyond Entra's own types: every client secret still in use,
//! certificates due for rotation (issued or expiring more than 180 days from the as-of date),
//! and applications with a single owner.

use std::collections::BTreeMap;

use super::context::Ctx;
use super::credentials::{Cred, Creds};
use super::resources::{date, ev};
use super::ImpactedResource;
use crate::clock::DAY_MS;
use crate::Result;

/// A certificate should be at most this many days old and end within this many days (ZTA 21773
/// and 21992), beside the lifetime limit of `longLivedCertificates`.
pub const CERTIFICATE_ROTATION_DAYS: i64 = 180;

/// Every application (and non-Microsoft service principal) holding a valid client secret, once,
/// with its secrets listed.
pub(super) fn client_secrets(ctx: &Ctx<'_>, creds: &Creds<'_>) -> Result<Vec<ImpactedResource>> {
    let mut by_holder: BTreeMap<(&str, &str), Vec<&Cred>> = BTreeMap::new();
    for c in creds.all {
        if c.credential_type != "secret" || !c.valid_at(ctx.as_of) {
            continue;
        }
        // Secrets on Microsoft's own service principals have a check of their own.
        if c.sp_ownership.as_deref() == Some("microsoft") {
            continue;
        }
        by_holder
            .entry((c.owner_type.as_str(), c.owner_id.as_str()))
            .or_default()
            .push(c);
    }
    let mut out = Vec::new();
    for ((owner_type, owner_id), mut secrets) in by_holder {
        secrets.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        let first = secrets[0];
        let list: Vec<String> = secrets
            .iter()
            .map(|s| {
                format!(
                    "{} (until {})",
                    s.name.as_deref().unwrap_or(&s.key_id),
                    s.end.map_or("no end".into(), date)
                )
            })
            .collect();
        let evidence = vec![ev("Valid secrets", list.join("; "))];
        let app_id = first.app_id.clone().unwrap_or_default();
        out.push(if owner_type == "application" {
            ctx.application_resource(owner_id, &app_id, &first.owner_name, evidence)?
        } else {
            ctx.sp_resource(owner_id, &app_id, &first.owner_name, evidence)?
        });
    }
    Ok(out)
}

/// Valid certificates (SAML signing certificates aside) issued more than 180 days ago or ending
/// more than 180 days ahead.
pub(super) fn certificates_due(ctx: &Ctx<'_>, creds: &Creds<'_>) -> Result<Vec<ImpactedResource>> {
    let window = CERTIFICATE_ROTATION_DAYS * DAY_MS;
    let owners = &creds.by_owner;
    let mut out = Vec::new();
    for c in creds.all {
        if c.credential_type != "certificate" || !c.valid_at(ctx.as_of) {
            continue;
        }
        // A SAML signing certificate and its verify twin (same thumbprint) rotate on the
        // partner's schedule.
        if c.is_saml_signing(owners.get(c.owner_id.as_str()).map_or(&[][..], |v| v)) {
            continue;
        }
        let old = c.start.is_some_and(|s| s < ctx.as_of - window);
        let far = c.end.is_some_and(|e| e > ctx.as_of + window);
        if !old && !far {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(s) = c.start {
            evidence.push(ev("Issued", ctx.ago(s)));
        }
        if let Some(e) = c.end {
            evidence.push(ev("Expires", ctx.ahead(e)));
        }
        evidence.push(ev(
            "Threshold",
            format!("issued within {CERTIFICATE_ROTATION_DAYS} days and ending within {CERTIFICATE_ROTATION_DAYS} days"),
        ));
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

/// Applications with exactly one owner (those with none are `ownerlessApps`).
pub(super) fn single_owner(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let rows = ctx.objects::<String>(
        "SELECT a.id, a.app_id, a.display_name, min(o.display_name)
         FROM applications a
         JOIN owners o ON o.tenant = a.tenant AND o.object_id = a.id AND o.relation = 'owner'
         WHERE a.tenant = ?1 AND a.deleted IS NULL
         GROUP BY a.id HAVING count(*) = 1",
    )?;
    rows.into_iter()
        .map(|(id, app_id, name, owner)| {
            ctx.application_resource(
                &id,
                &app_id,
                &name,
                vec![
                    ev("Owner", owner),
                    ev("Accountable", "one person: when they leave, nobody is"),
                ],
            )
        })
        .collect()
}
