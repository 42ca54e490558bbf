//! Tier-0 holders and who can escalate through them: users owning an identity that holds a
//! privileged role or a high-risk permission, and high-risk delegated Microsoft Graph
//! permissions consented for all users.

use std::collections::HashMap;

use rusqlite::params;

use super::context::Ctx;
use super::resources::ev;
use super::ImpactedResource;
use crate::model::{is_high_risk_permission, MICROSOFT_GRAPH_APP_ID};
use crate::Result;

/// Clients granted high-risk delegated Microsoft Graph scopes for all users (admin consent):
/// service principal id → the scopes, sorted.
pub(super) fn delegated_holders(ctx: &Ctx<'_>) -> Result<HashMap<String, Vec<String>>> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT g.client_id, g.scope FROM oauth2_permission_grants g
         JOIN service_principals r ON r.tenant = g.tenant AND r.id = g.resource_id
         WHERE g.tenant = ?1 AND g.consent_type = 'AllPrincipals' AND r.app_id = ?2",
    )?;
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    for row in stmt.query_map(params![ctx.key.0, MICROSOFT_GRAPH_APP_ID], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (client, scope) = row?;
        let risky: Vec<String> = scope
            .split_whitespace()
            .filter(|s| is_high_risk_permission(s))
            .map(str::to_string)
            .collect();
        if !risky.is_empty() {
            holders.entry(client).or_default().extend(risky);
        }
    }
    for v in holders.values_mut() {
        v.sort();
        v.dedup();
    }
    Ok(holders)
}

/// An active service principal's (name, appId), or `None` when it is not in the cache.
fn service_principal(ctx: &Ctx<'_>, id: &str) -> Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    Ok(ctx
        .conn
        .prepare_cached(
            "SELECT display_name, app_id FROM service_principals
             WHERE tenant = ?1 AND id = ?2 AND deleted IS NULL",
        )?
        .query_row(params![ctx.key.0, id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The active holders in `holders`, in id order, with their (id, name, appId): the order every
/// list of holders is built in.
pub(super) type Active<'h> = Vec<(&'h String, String, String)>;

/// Reads the active holders among `holders`: see [`Active`].
pub(super) fn active<'h>(
    ctx: &Ctx<'_>,
    holders: &'h HashMap<String, Vec<String>>,
) -> Result<Active<'h>> {
    let mut ids: Vec<&String> = holders.keys().collect();
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        if let Some((name, app_id)) = service_principal(ctx, id)? {
            out.push((id, name, app_id));
        }
    }
    Ok(out)
}

/// The clients holding high-risk delegated scopes for all users (`delegated_holders`).
pub(super) fn high_risk_delegated_grants(
    ctx: &Ctx<'_>,
    delegated: &HashMap<String, Vec<String>>,
) -> Result<Vec<ImpactedResource>> {
    active(ctx, delegated)?
        .into_iter()
        .map(|(id, name, app_id)| {
            ctx.sp_resource(
                id,
                &app_id,
                &name,
                vec![
                    ev(
                        "Delegated for all users (Microsoft Graph)",
                        delegated[id].join(", "),
                    ),
                    ev(
                        "Consent",
                        "an admin consented for every user of the tenant (AllPrincipals)",
                    ),
                ],
            )
        })
        .collect()
}

/// Every Tier-0 holder: a privileged role or a high-risk application permission
/// (`privileged_holders`), or high-risk delegated scopes for all users (`delegated_holders`).
/// Service principal id → what it holds, sorted.
pub(super) fn tier0(
    privileged: &HashMap<String, Vec<String>>,
    delegated: &HashMap<String, Vec<String>>,
) -> HashMap<String, Vec<String>> {
    let mut holders = privileged.clone();
    for (id, scopes) in delegated {
        holders.entry(id.clone()).or_default().extend(
            scopes
                .iter()
                .map(|s| format!("{s} (Microsoft Graph delegated permission, all users)")),
        );
    }
    for held in holders.values_mut() {
        held.sort();
        held.dedup();
    }
    holders
}

/// Every active Tier-0 holder (`active`: [`active`] of `holders`), with what it holds (its owners
/// come with every resource).
pub(super) fn tier0_holders(
    ctx: &Ctx<'_>,
    holders: &HashMap<String, Vec<String>>,
    active: &Active<'_>,
) -> Result<Vec<ImpactedResource>> {
    active
        .iter()
        .map(|(id, name, app_id)| {
            ctx.sp_resource(
                id,
                app_id,
                name,
                vec![ev("Holds", holders[id.as_str()].join("; "))],
            )
        })
        .collect()
}

/// Tier-0 holders (`active`: [`active`] of `holders`) that users own, directly or through their
/// app registration.
pub(super) fn privileged_app_user_owners(
    ctx: &Ctx<'_>,
    holders: &HashMap<String, Vec<String>>,
    active: &Active<'_>,
) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for (id, name, app_id) in active {
        let on_sp = ctx.user_owners(id)?;
        let on_app = match ctx.application_of(app_id)? {
            Some((app, _)) => ctx.user_owners(&app)?,
            None => Vec::new(),
        };
        if on_sp.is_empty() && on_app.is_empty() {
            continue;
        }
        let mut evidence = vec![ev("Holds", holders[id.as_str()].join("; "))];
        if !on_app.is_empty() {
            evidence.push(ev("User owners of the app registration", on_app.join(", ")));
        }
        if !on_sp.is_empty() {
            evidence.push(ev(
                "User owners of the enterprise application",
                on_sp.join(", "),
            ));
        }
        out.push(ctx.sp_resource(id, app_id, name, evidence)?);
    }
    Ok(out)
}
