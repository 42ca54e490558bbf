//! Checks on when credentials end: Entra's expiry types (a credential ending soon on an app or
//! a service principal) and Steward's long-lived secrets and certificates.

use super::context::Ctx;
use super::credentials::Creds;
use super::resources::{date, ev, sp_url};
use super::{ImpactedResource, EXPIRY_DAYS};
use crate::clock::DAY_MS;
use crate::Result;

pub(super) fn expiring(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
    owner_type: &str,
) -> Result<Vec<ImpactedResource>> {
    let horizon = ctx.as_of + EXPIRY_DAYS * DAY_MS;
    let owners = &creds.by_owner;
    let mut out = Vec::new();
    for c in creds.all {
        let Some(end) = c.end else { continue };
        if c.owner_type != owner_type || end <= ctx.as_of || end > horizon {
            continue;
        }
        let mut evidence = vec![
            ev("Expires", ctx.ahead(end)),
            ev("Threshold", format!("within {EXPIRY_DAYS} days")),
        ];
        let newer = owners
            .get(c.owner_id.as_str())
            .into_iter()
            .flatten()
            .filter(|o| o.key_id != c.key_id && o.credential_type == c.credential_type)
            .filter_map(|o| o.end)
            .filter(|e| *e > end)
            .max();
        if let Some(n) = newer {
            evidence.push(ev(
                "Replacement",
                format!(
                    "a newer {} valid until {} is already present",
                    c.credential_type,
                    date(n)
                ),
            ));
        }
        if owner_type == "application" {
            out.push(ctx.credential_resource(c, evidence)?);
        } else {
            // Entra reports the application as the impacted resource of an SP credential.
            let app_id = c.app_id.clone().unwrap_or_default();
            let mut r = ctx.credential_resource(c, evidence)?;
            match ctx.application_of(&app_id)? {
                Some((app, _)) => {
                    r.id = app;
                    r.portal_url = sp_url(&c.owner_id, &app_id);
                }
                None => r.id = app_id.clone(),
            }
            r.resource_type = "application".into();
            out.push(r);
        }
    }
    Ok(out)
}

pub(super) fn long_lived(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
    credential_type: &str,
    max_days: i64,
) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for c in creds.all {
        if c.credential_type != credential_type || !c.valid_at(ctx.as_of) {
            continue;
        }
        let (Some(start), Some(end)) = (c.start, c.end) else {
            continue;
        };
        let lifetime = end - start;
        if lifetime <= max_days * DAY_MS {
            continue;
        }
        let evidence = vec![
            ev("Valid", format!("{} to {}", date(start), date(end))),
            ev("Lifetime", format!("{} days", lifetime.div_euclid(DAY_MS))),
            ev("Limit", format!("{max_days} days")),
        ];
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}
