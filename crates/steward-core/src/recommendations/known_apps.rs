//! Applications attackers are known to consent to: service principals whose appId is on the list
//! shipped with Steward (`data/known-malicious-apps.json`, from Huntress's Rogue Apps; its README
//! says which version).

use std::sync::OnceLock;

use serde::Deserialize;

use super::context::Ctx;
use super::resources::ev;
use super::ImpactedResource;
use crate::Result;

/// One application of the shipped list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownApp {
    pub app_id: String,
    pub display_name: String,
    pub summary: String,
    pub reference: String,
    pub date_added: String,
}

/// The shipped list (a unit test proves it parses, so it is never silently empty).
pub fn known_malicious_apps() -> &'static [KnownApp] {
    static LIST: OnceLock<Vec<KnownApp>> = OnceLock::new();
    LIST.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/known-malicious-apps.json"))
            .unwrap_or_default()
    })
}

/// Service principals (enabled or not) of a known malicious application.
pub(super) fn known_malicious(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let list = known_malicious_apps();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; list.len()].join(", ");
    let sql = format!(
        "SELECT id, app_id, display_name, account_enabled FROM service_principals
         WHERE tenant = ? AND deleted IS NULL AND lower(app_id) IN ({placeholders})
         ORDER BY id"
    );
    let mut stmt = ctx.conn.prepare_cached(&sql)?;
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&ctx.key.0];
    for app in list {
        args.push(&app.app_id);
    }
    let rows = stmt
        .query_map(args.as_slice(), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, app_id, name, enabled) in rows {
        let Some(known) = list.iter().find(|k| k.app_id.eq_ignore_ascii_case(&app_id)) else {
            continue;
        };
        out.push(ctx.sp_resource(
            &id,
            &app_id,
            &name,
            vec![
                ev(
                    "Known as",
                    format!("{}: {}", known.display_name, known.summary),
                ),
                ev(
                    "Listed",
                    format!(
                        "Huntress Rogue Apps, since {} ({})",
                        known.date_added, known.reference
                    ),
                ),
                ev(
                    "Enabled",
                    if enabled {
                        "yes: users can still sign in to it"
                    } else {
                        "no"
                    },
                ),
            ],
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_parses_with_lower_case_app_ids_and_dates() {
        let list = known_malicious_apps();
        assert_eq!(list.len(), 7, "the count the data README states");
        for app in list {
            assert_eq!(app.app_id, app.app_id.to_lowercase());
            assert_eq!(app.app_id.len(), 36, "{}", app.app_id);
            assert!(
                crate::clock::parse_as_of(&format!("{}T00:00:00Z", app.date_added)).is_ok(),
                "{}",
                app.date_added
            );
            assert!(app.reference.starts_with("https://"));
        }
    }
}
