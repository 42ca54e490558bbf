//! Usage checks (Entra's `staleApps` and `staleAppCreds`): applications and credentials unused
//! past the threshold, or undetermined where the history does not reach back far enough.

use super::context::{latest, Ctx};
use super::credentials::Creds;
use super::resources::{date, ev};
use super::{ImpactedResource, STALE_APP_DAYS, STALE_CREDENTIAL_DAYS};
use crate::clock::DAY_MS;
use crate::Result;

/// Application Proxy apps are exempt from `staleApps`; their SP carries this tag.
const APP_PROXY_TAG: &str = "WindowsAzureActiveDirectoryOnPremApp";

type Split = (Vec<ImpactedResource>, Vec<ImpactedResource>);

pub(super) fn stale_apps(ctx: &Ctx<'_>) -> Result<Split> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT a.id, a.app_id, a.display_name, a.created, a.sign_in_audience, sp.id, sp.tags,
                act.last_success, act.last_any, ra.last_used, g.last_sign_in
         FROM applications a
         LEFT JOIN service_principals sp INDEXED BY service_principals_by_app_id
             ON sp.tenant = a.tenant AND sp.app_id = a.app_id AND sp.deleted IS NULL
         LEFT JOIN sign_in_activity act ON act.tenant = a.tenant AND act.sp_id = sp.id
         LEFT JOIN resource_activity ra ON ra.tenant = a.tenant AND ra.sp_id = sp.id
         LEFT JOIN sp_sign_in_activities g ON g.tenant = a.tenant AND g.app_id = a.app_id
         WHERE a.tenant = ?1 AND a.deleted IS NULL",
    )?;
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    let threshold = ctx.as_of - STALE_APP_DAYS * DAY_MS;
    let covered = ctx.covers(STALE_APP_DAYS, false);
    let (mut stale, mut unknown) = (Vec::new(), Vec::new());
    for (id, app_id, name, created, audience, sp, tags, ok, any, resource, graph) in rows {
        // Exempt: created within the threshold, Application Proxy apps.
        if created.is_some_and(|c| c >= threshold) {
            continue;
        }
        if tags.is_some_and(|t| t.contains(APP_PROXY_TAG)) {
            continue;
        }
        let last = latest(&[ok, resource, graph]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(c) = created {
            evidence.push(ev("Created", ctx.ago(c)));
        }
        evidence.push(ctx.last_use_evidence("Last successful sign-in (cached log)", ok));
        evidence.push(ctx.last_use_evidence("Last token issued for it as a resource", resource));
        if ctx.activity_report {
            evidence.push(ev(
                "Last sign-in (Graph activity report)",
                graph.map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        if let Some(a) = any.filter(|a| ok.is_none_or(|o| *a > o)) {
            evidence.push(ev("Latest failed sign-in attempt", ctx.ago(a)));
        }
        if sp.is_none() {
            evidence.push(ev("Service principal", "none in this tenant"));
        }
        if audience.as_deref().is_some_and(|a| a != "AzureADMyOrg") {
            evidence.push(ev(
                "Note",
                "multitenant app: its use in other tenants is not visible to Steward",
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no use for more than {STALE_APP_DAYS} days"),
        ));
        let r = ctx.application_resource(&id, &app_id, &name, evidence)?;
        if covered {
            stale.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((stale, unknown))
}

pub(super) fn stale_credentials(ctx: &Ctx<'_>, creds: &Creds<'_>) -> Result<Split> {
    let threshold = ctx.as_of - STALE_CREDENTIAL_DAYS * DAY_MS;
    let covered = ctx.covers(STALE_CREDENTIAL_DAYS, true);
    let owners = &creds.by_owner;
    let (mut stale, mut unknown) = (Vec::new(), Vec::new());
    for c in creds.all {
        if !c.valid_at(ctx.as_of) || c.start.is_none_or(|s| s >= threshold) {
            continue;
        }
        if c.owner_type == "servicePrincipal"
            && c.is_saml_signing(owners.get(c.owner_id.as_str()).map_or(&[][..], |v| v))
        {
            continue;
        }
        let last = latest(&[c.last_used, c.graph_last_used]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = vec![ev("Added", ctx.ago(c.start.unwrap_or_default()))];
        if let Some(end) = c.end {
            evidence.push(ev("Valid until", date(end)));
        }
        evidence.push(ctx.last_use_evidence("Last sign-in with it (cached log)", c.last_used));
        if ctx.credential_report {
            evidence.push(ev(
                "Last sign-in (Graph credential report)",
                c.graph_last_used
                    .map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no use for more than {STALE_CREDENTIAL_DAYS} days"),
        ));
        let r = ctx.credential_resource(c, evidence)?;
        if covered {
            stale.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((stale, unknown))
}
