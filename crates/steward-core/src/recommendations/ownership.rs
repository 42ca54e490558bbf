//! Accountability checks: applications without owners, agent identities without sponsors, and
//! Entra Agent ID blueprints, blueprint principals and agents nobody answers for or left behind.

use super::context::Ctx;
use super::resources::ev;
use super::{Evidence, ImpactedResource};
use crate::Result;

/// "none" for the missing relation, then the creation date.
fn missing(relation: &str, created: Option<i64>, ctx: &Ctx<'_>) -> Vec<Evidence> {
    let mut evidence = vec![ev(relation, "none")];
    if let Some(c) = created {
        evidence.push(ev("Created", ctx.ago(c)));
    }
    evidence
}

pub(super) fn ownerless(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    ctx.objects::<Option<i64>>(
        "SELECT a.id, a.app_id, a.display_name, a.created FROM applications a
         WHERE a.tenant = ?1 AND a.deleted IS NULL AND NOT EXISTS (
             SELECT 1 FROM owners o WHERE o.tenant = a.tenant AND o.object_id = a.id
             AND o.relation = 'owner')",
    )?
    .into_iter()
    .map(|(id, app_id, name, created)| {
        ctx.application_resource(&id, &app_id, &name, missing("Owners", created, ctx))
    })
    .collect()
}

pub(super) fn agents_without_sponsor(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    ctx.objects::<Option<i64>>(
        "SELECT sp.id, sp.app_id, sp.display_name, sp.created
         FROM service_principals sp INDEXED BY service_principals_by_kind
         WHERE sp.tenant = ?1 AND sp.deleted IS NULL AND sp.kind = 'agentIdentity'
         AND sp.agent_blueprint_principal = 0
         AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.tenant = sp.tenant AND o.object_id = sp.id
             AND o.relation = 'sponsor')",
    )?
    .into_iter()
    .map(|(id, app_id, name, created)| {
        ctx.sp_resource(&id, &app_id, &name, missing("Sponsors", created, ctx))
    })
    .collect()
}

/// Whether `id` has an owner (or sponsor) relation, as a SQL condition on `alias.id`.
fn has(relation: &str, alias: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM owners o WHERE o.tenant = {alias}.tenant AND o.object_id = {alias}.id
         AND o.relation = '{relation}')"
    )
}

/// `agentBlueprintUngoverned`: Entra Agent ID objects nobody answers for or that were left
/// behind: blueprints and blueprint principals without sponsors or owners, blueprint principals
/// whose blueprint is gone, agent identities without owners, disabled, or whose blueprint
/// principal is gone. (Agent identities without sponsors are `agentWithoutSponsor`.)
pub(super) fn agent_blueprints_ungoverned(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    // Blueprints (applications).
    let sql = format!(
        "SELECT a.id, a.app_id, a.display_name, ({}) + 2 * ({}) FROM applications a
         WHERE a.tenant = ?1 AND a.deleted IS NULL AND a.agent_blueprint = 1",
        has("sponsor", "a"),
        has("owner", "a"),
    );
    for (id, app_id, name, flags) in ctx.objects::<i64>(&sql)? {
        let mut problems = Vec::new();
        if flags & 1 == 0 {
            problems.push("no sponsor".to_string());
        }
        if flags & 2 == 0 {
            problems.push("no owner".to_string());
        }
        if !problems.is_empty() {
            out.push(ctx.application_resource(
                &id,
                &app_id,
                &name,
                vec![
                    ev("Object", "Agent identity blueprint"),
                    ev("Problems", problems.join(" · ")),
                ],
            )?);
        }
    }
    // Blueprint principals and agent identities (service principals): their facts as bits
    // (1 principal, 2 enabled, 4 sponsored, 8 owned, 16 own tenant's, 32 blueprint present,
    // 64 blueprint principal present) and the blueprint an agent names.
    let sql = format!(
        "SELECT sp.id, sp.app_id, sp.display_name, sp.agent_identity_blueprint_id,
             sp.agent_blueprint_principal + 2 * sp.account_enabled + 4 * ({}) + 8 * ({})
             + 16 * (sp.ownership IN ('ownSingleTenant', 'ownMultiTenant'))
             + 32 * EXISTS (SELECT 1 FROM applications a WHERE a.tenant = sp.tenant
                 AND a.app_id = sp.app_id AND a.deleted IS NULL AND a.agent_blueprint = 1)
             + 64 * EXISTS (SELECT 1 FROM service_principals p WHERE p.tenant = sp.tenant
                 AND p.app_id = sp.agent_identity_blueprint_id AND p.deleted IS NULL
                 AND p.agent_blueprint_principal = 1)
         FROM service_principals sp
         WHERE sp.tenant = ?1 AND sp.deleted IS NULL
         AND (sp.agent_blueprint_principal = 1 OR sp.kind = 'agentIdentity')",
        has("sponsor", "sp"),
        has("owner", "sp"),
    );
    let mut stmt = ctx.conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (id, app_id, name, blueprint, bits) in rows {
        let flag = |b: i64| bits & b != 0;
        let principal = flag(1);
        let mut problems = Vec::new();
        if principal {
            if !flag(4) {
                problems.push("no sponsor".to_string());
            }
            if !flag(8) {
                problems.push("no owner".to_string());
            }
            if flag(16) && !flag(32) {
                problems.push(format!(
                    "its blueprint (appId {app_id}) is no longer in the tenant"
                ));
            }
        } else {
            if !flag(8) {
                problems.push("no owner".to_string());
            }
            if !flag(2) {
                problems.push("disabled, and left in the directory".to_string());
            }
            match blueprint.as_deref() {
                None | Some("") => problems.push("no blueprint recorded".to_string()),
                Some(b) if !flag(64) => problems.push(format!(
                    "no blueprint principal with appId {b} in the tenant"
                )),
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            out.push(ctx.sp_resource(
                &id,
                &app_id,
                &name,
                vec![
                    ev(
                        "Object",
                        if principal {
                            "Agent blueprint principal"
                        } else {
                            "Agent identity"
                        },
                    ),
                    ev("Problems", problems.join(" · ")),
                ],
            )?);
        }
    }
    Ok(out)
}
