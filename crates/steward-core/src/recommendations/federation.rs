//! The federation check: recent sign-in failures because no federated credential matched the
//! presented token, with the app's federated credentials as evidence.

use rusqlite::params;

use super::context::Ctx;
use super::resources::{date, ev};
use super::{ImpactedResource, FEDERATION_FAILURE_DAYS, FEDERATION_MISMATCH_CODES};
use crate::clock::DAY_MS;
use crate::Result;

pub(super) fn federation_failures(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let codes = FEDERATION_MISMATCH_CODES
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT f.sp_id, f.error_code, f.count, f.first_seen, f.last_seen, sp.display_name, sp.app_id
         FROM failure_codes f INDEXED BY failure_codes_by_code
         JOIN service_principals sp ON sp.tenant = f.tenant AND sp.id = f.sp_id AND sp.deleted IS NULL
         WHERE f.tenant = ?1 AND f.error_code IN ({codes}) AND f.last_seen >= ?2 AND f.first_seen <= ?3
         ORDER BY f.sp_id, f.error_code"
    );
    let mut stmt = ctx.conn.prepare_cached(&sql)?;
    let since = ctx.as_of - FEDERATION_FAILURE_DAYS * DAY_MS;
    let mut per_sp: Vec<(String, String, String, Vec<String>)> = Vec::new();
    for row in stmt.query_map(params![ctx.key.0, since, ctx.as_of], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })? {
        let (sp, code, n, first, last, name, app_id) = row?;
        let line = format!(
            "AADSTS{code}: {n} failures, first {} , latest {}",
            date(first),
            date(last)
        )
        .replace(" ,", ",");
        match per_sp.last_mut() {
            Some(p) if p.0 == sp => p.3.push(line),
            _ => per_sp.push((sp, name, app_id, vec![line])),
        }
    }
    let mut fics = ctx.conn.prepare_cached(
        "SELECT name, subject FROM federated_credentials WHERE tenant = ?1 AND application_id = ?2
         ORDER BY name, id",
    )?;
    let mut out = Vec::new();
    for (sp, name, app_id, lines) in per_sp {
        let mut evidence = vec![ev("Failures", lines.join("; "))];
        match ctx.application_of(&app_id)? {
            Some((app, app_name)) => {
                let list = fics
                    .query_map(params![ctx.key.0, app], |r| {
                        Ok(format!(
                            "{} → {}",
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?
                                .unwrap_or_else(|| "(no subject)".into())
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                evidence.push(ev(
                    "Federated credentials",
                    if list.is_empty() {
                        "none".into()
                    } else {
                        list.join("; ")
                    },
                ));
                let mut r = ctx.application_resource(&app, &app_id, &app_name, evidence)?;
                r.service_principal_id = Some(sp);
                out.push(r);
            }
            None => out.push(ctx.sp_resource(&sp, &app_id, &name, evidence)?),
        }
    }
    Ok(out)
}
