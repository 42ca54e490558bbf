//! Checks on privileged identities (a privileged directory role or a high-risk Graph
//! permission): those signing in with a client secret, and those unused past the threshold.

use std::collections::HashMap;

use rusqlite::params;

use super::context::{latest, Ctx};
use super::credentials::{Cred, Creds};
use super::resources::{date, ev};
use super::{ImpactedResource, PRIVILEGED_UNUSED_DAYS};
use crate::clock::DAY_MS;
use crate::model::HIGH_RISK_PERMISSIONS;
use crate::Result;

/// Active holders of a privileged directory role or a high-risk Graph permission:
/// service principal id → what they hold.
pub(super) fn privileged_holders(ctx: &Ctx<'_>) -> Result<HashMap<String, Vec<String>>> {
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    let mut roles = ctx.conn.prepare_cached(
        "SELECT principal_id, role_display_name, assignment_type FROM directory_role_assignments
         WHERE tenant = ?1 AND is_privileged = 1",
    )?;
    for row in roles.query_map([ctx.key.0], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (p, role, kind) = row?;
        holders
            .entry(p)
            .or_default()
            .push(format!("{role} ({kind} directory role)"));
    }
    let placeholders = vec!["?"; HIGH_RISK_PERMISSIONS.len()].join(", ");
    let sql = format!(
        "SELECT principal_id, permission, resource_display_name FROM app_role_assignments
         INDEXED BY app_role_assignments_by_permission
         WHERE tenant = ? AND permission IN ({placeholders})"
    );
    let mut perms = ctx.conn.prepare_cached(&sql)?;
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&ctx.key.0];
    for (p, _) in HIGH_RISK_PERMISSIONS {
        args.push(p);
    }
    for row in perms.query_map(args.as_slice(), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (p, perm, res) = row?;
        holders
            .entry(p)
            .or_default()
            .push(format!("{perm} ({res} application permission)"));
    }
    for v in holders.values_mut() {
        v.sort();
        v.dedup();
    }
    Ok(holders)
}

type PrivilegedSplit = (
    Vec<ImpactedResource>,
    Vec<ImpactedResource>,
    Vec<ImpactedResource>,
);

/// `holders`: [`privileged_holders`], read once for every check of privileged identities.
pub(super) fn privileged(
    ctx: &Ctx<'_>,
    creds: &Creds<'_>,
    holders: &HashMap<String, Vec<String>>,
) -> Result<PrivilegedSplit> {
    let owners = &creds.by_owner;
    let threshold = ctx.as_of - PRIVILEGED_UNUSED_DAYS * DAY_MS;
    let covered = ctx.covers(PRIVILEGED_UNUSED_DAYS, false);
    let mut sp_stmt = ctx.conn.prepare_cached(
        "SELECT sp.display_name, sp.app_id, sp.created, act.last_success, g.last_sign_in
         FROM service_principals sp
         LEFT JOIN sign_in_activity act ON act.tenant = sp.tenant AND act.sp_id = sp.id
         LEFT JOIN sp_sign_in_activities g ON g.tenant = sp.tenant AND g.app_id = sp.app_id
         WHERE sp.tenant = ?1 AND sp.id = ?2 AND sp.deleted IS NULL",
    )?;
    let (mut with_secret, mut unused, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    let mut ids: Vec<&String> = holders.keys().collect();
    ids.sort();
    for sp_id in ids {
        let held = &holders[sp_id];
        let mut rows = sp_stmt.query(params![ctx.key.0, sp_id])?;
        let Some(row) = rows.next()? else { continue };
        let name: String = row.get(0)?;
        let app_id: String = row.get(1)?;
        let created: Option<i64> = row.get(2)?;
        let ok: Option<i64> = row.get(3)?;
        let graph: Option<i64> = row.get(4)?;
        drop(rows);
        let holds = ev("Holds", held.join("; "));
        // Secrets on the SP itself or on its application.
        let app = ctx.application_of(&app_id)?;
        let mut secrets: Vec<&Cred> = owners
            .get(sp_id.as_str())
            .into_iter()
            .flatten()
            .chain(
                app.as_ref()
                    .and_then(|(a, _)| owners.get(a.as_str()))
                    .into_iter()
                    .flatten(),
            )
            .filter(|c| c.credential_type == "secret" && c.valid_at(ctx.as_of))
            .copied()
            .collect();
        secrets.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        if !secrets.is_empty() {
            let list: Vec<String> = secrets
                .iter()
                .map(|s| {
                    format!(
                        "{} on the {} (until {})",
                        s.name.as_deref().unwrap_or(&s.key_id),
                        if s.owner_type == "application" {
                            "app"
                        } else {
                            "service principal"
                        },
                        s.end.map_or("no end".into(), date)
                    )
                })
                .collect();
            with_secret.push(ctx.sp_resource(
                sp_id,
                &app_id,
                &name,
                vec![holds.clone(), ev("Valid secrets", list.join("; "))],
            )?);
        }
        if created.is_some_and(|c| c >= threshold) {
            continue;
        }
        let last = latest(&[ok, graph]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = vec![
            holds,
            ctx.last_use_evidence("Last successful sign-in (cached log)", ok),
        ];
        if ctx.activity_report {
            evidence.push(ev(
                "Last sign-in (Graph activity report)",
                graph.map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no sign-in for more than {PRIVILEGED_UNUSED_DAYS} days"),
        ));
        let r = ctx.sp_resource(sp_id, &app_id, &name, evidence)?;
        if covered {
            unused.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((with_secret, unused, unknown))
}
