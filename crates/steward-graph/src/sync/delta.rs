//! Delta rounds over applications and service principals: removals applied, changed objects
//! read whole by id through `$batch`.

use rusqlite::Connection;
use serde_json::Value;
use steward_core::store::{applications, service_principals, TenantKey};

use super::client::Client;
use super::directory::{delete_object, upsert_object};
use super::page::{bad_item, next_link};
use super::plan::Plan;
use super::state::{complete, in_tx, save_state, State};
use super::{SyncError, SyncResult};
use crate::json::{normalise, Obj};
use crate::wire::Dataset;

/// Reads the changed objects of one delta page whole (through `$batch`) and commits them with
/// the removals and the round's next position.
#[allow(clippy::too_many_arguments)]
pub(super) async fn delta_page(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    home: &str,
    p: &Plan,
    url: &str,
    v: &Value,
    page: Vec<serde_json::Map<String, Value>>,
    state: &mut State,
    now: i64,
) -> SyncResult<(u64, u64)> {
    let d = p.dataset;
    let mut gone = Vec::new();
    let mut changed = Vec::new();
    for (i, m) in page.iter().enumerate() {
        let id = match m.get("id") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            _ => return Err(bad_item(url, d, i, "no `id`".into())),
        };
        if let Some(removed) = m.get("@removed") {
            // `changed`: soft-deleted, restorable (the deleted-items datasets read it);
            // `deleted`: gone for good.
            let purged = removed.get("reason").and_then(Value::as_str) == Some("deleted");
            gone.push((id, purged));
        } else {
            changed.push(id);
        }
    }
    let (path, query) = (p.path, p.query);
    let paths: Vec<String> = changed
        .iter()
        .map(|id| format!("/{path}/{id}?{query}"))
        .collect();
    let answers = client.batch_get_concurrent(p.version, &paths).await?;
    let mut whole = Vec::new();
    for (id, (status, body)) in changed.iter().zip(answers) {
        match status {
            200 => match normalise(body) {
                Value::Object(m) => whole.push(m),
                _ => {
                    return Err(SyncError::Unexpected {
                        url: format!("$batch GET /{path}/{id}"),
                        message: "the answer is not an object".into(),
                    })
                }
            },
            // Deleted since the delta page was made.
            404 => gone.push((id.clone(), false)),
            _ => {
                return Err(SyncError::Http {
                    url: format!("$batch GET /{path}/{id}"),
                    status,
                    code: body["error"]["code"].as_str().unwrap_or("").into(),
                    message: body["error"]["message"].as_str().unwrap_or("").into(),
                })
            }
        }
    }
    let next = next_link(v);
    let delta = v
        .get("@odata.deltaLink")
        .and_then(Value::as_str)
        .map(str::to_string);
    if next.is_none() && delta.is_none() {
        return Err(SyncError::Unexpected {
            url: url.into(),
            message: "a delta page with neither @odata.nextLink nor @odata.deltaLink".into(),
        });
    }
    let removed = in_tx(conn, || {
        for (i, m) in whole.iter().enumerate() {
            upsert_object(conn, key, home, d, Obj(m)).map_err(|e| bad_item(url, d, i, e))??;
        }
        for (id, purged) in &gone {
            if *purged {
                delete_object(conn, key, d, id)?;
            } else if d == Dataset::Applications {
                applications::mark_deleted(conn, key, id, now)?;
            } else {
                service_principals::mark_deleted(conn, key, id, now)?;
            }
        }
        state.next_link = next.clone();
        if let Some(link) = &delta {
            state.delta_link = Some(link.clone());
            state.round_started = None;
        }
        save_state(conn, key, d, state, whole.len() as u64)?;
        if delta.is_some() {
            complete(conn, key, d, now)?;
        }
        Ok(gone.len() as u64)
    })?;
    Ok((page.len() as u64, removed))
}
