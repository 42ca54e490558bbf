//! Accountability checks: applications without owners and agent identities without sponsors.

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
         AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.tenant = sp.tenant AND o.object_id = sp.id
             AND o.relation = 'sponsor')",
    )?
    .into_iter()
    .map(|(id, app_id, name, created)| {
        ctx.sp_resource(&id, &app_id, &name, missing("Sponsors", created, ctx))
    })
    .collect()
}
