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

/// The admin's own list, in a file of this name beside the cache file, in the shipped list's
/// format (`appId` required; the other fields optional).
pub const ADMIN_LIST_FILE: &str = "known-malicious-apps.json";

/// The largest admin list read: far more than any advisory holds.
const ADMIN_LIST_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// One entry of the admin's list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdminApp {
    app_id: String,
    display_name: Option<String>,
    summary: Option<String>,
    reference: Option<String>,
    date_added: Option<String>,
}

/// The admin's list beside the cache file `conn` reads: its apps, or why it cannot be used (an
/// in-memory cache, or no file, has an empty list and no problem).
pub(super) fn admin_list(conn: &rusqlite::Connection) -> (Vec<KnownApp>, Option<String>) {
    let Some(dir) = conn
        .path()
        .filter(|p| !p.is_empty())
        .and_then(|p| std::path::Path::new(p).parent().map(|d| d.to_path_buf()))
    else {
        return (Vec::new(), None);
    };
    let path = dir.join(ADMIN_LIST_FILE);
    let problem = |why: String| {
        Some(format!(
            "Your list of known malicious apps ({}) could not be used: {why}. Fix or remove the file; until then only the shipped list is checked.",
            path.display()
        ))
    };
    let size = match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => return (Vec::new(), problem("it is not a regular file".into())),
        Err(_) => return (Vec::new(), None),
    };
    if size > ADMIN_LIST_MAX_BYTES {
        return (
            Vec::new(),
            problem(format!(
                "it is larger than {} MiB",
                ADMIN_LIST_MAX_BYTES >> 20
            )),
        );
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), problem(format!("it cannot be read ({e})"))),
    };
    let entries: Vec<AdminApp> = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            return (
                Vec::new(),
                problem(format!(
                "line {}, column {}: {e} (expected a JSON array of {{\"appId\": \"…\"}} objects)",
                e.line(),
                e.column()
            )),
            )
        }
    };
    let mut apps = Vec::new();
    for (i, e) in entries.into_iter().enumerate() {
        let id = e.app_id.trim().to_ascii_lowercase();
        let guid = id.len() == 36
            && id.chars().enumerate().all(|(k, c)| {
                if [8, 13, 18, 23].contains(&k) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        if !guid {
            return (
                Vec::new(),
                problem(format!(
                    "entry {} has appId {:?}, which is not a GUID",
                    i + 1,
                    e.app_id
                )),
            );
        }
        apps.push(KnownApp {
            display_name: e.display_name.unwrap_or_else(|| id.clone()),
            app_id: id,
            summary: e.summary.unwrap_or_else(|| "on your own list".into()),
            reference: e.reference.unwrap_or_default(),
            date_added: e.date_added.unwrap_or_default(),
        });
    }
    (apps, None)
}

/// Service principals (enabled or not) of a known malicious application: on the shipped list or
/// on the admin's own.
pub(super) fn known_malicious(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let (own, _) = admin_list(ctx.conn);
    let list: Vec<(&KnownApp, bool)> = known_malicious_apps()
        .iter()
        .map(|k| (k, false))
        .chain(own.iter().map(|k| (k, true)))
        .collect();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    // One JSON array, not a variable per app: the admin's list may hold more apps than SQLite
    // takes variables.
    let ids: Vec<&str> = list.iter().map(|(k, _)| k.app_id.as_str()).collect();
    let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT id, app_id, display_name, account_enabled FROM service_principals
         WHERE tenant = ?1 AND deleted IS NULL
             AND lower(app_id) IN (SELECT lower(value) FROM json_each(?2))
         ORDER BY id",
    )?;
    let args: [&dyn rusqlite::ToSql; 2] = [&ctx.key.0, &ids];
    let rows = stmt
        .query_map(&args[..], |r| {
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
        let Some((known, own)) = list
            .iter()
            .find(|(k, _)| k.app_id.eq_ignore_ascii_case(&app_id))
        else {
            continue;
        };
        let listed = if *own {
            let mut l = format!("your own list ({ADMIN_LIST_FILE})");
            if !known.date_added.is_empty() {
                l.push_str(&format!(", since {}", known.date_added));
            }
            if !known.reference.is_empty() {
                l.push_str(&format!(" ({})", known.reference));
            }
            l
        } else {
            format!(
                "Huntress Rogue Apps, since {} ({})",
                known.date_added, known.reference
            )
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
                ev("Listed", listed),
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
