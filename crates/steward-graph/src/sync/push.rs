//! The push: the changes made in Steward (the outbox) sent to Graph in the order they were made,
//! before a sync reads (and by `steward push` alone).
//!
//! Each item is checked against Entra's current version first: a change Graph already has is
//! only marked pushed (so a write whose answer was lost, or a push killed after Graph applied
//! it, is never sent twice); an object changed in Entra since the admin's edit stops that item
//! as a conflict with both versions kept; Graph's refusal stops it with Graph's message and what
//! to do. The other items go on, except later changes to the same object, which wait behind the
//! one that stopped.

mod conditional_access;
mod federation;
mod objects;
mod relations;

pub use objects::NewSecret;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use steward_core::manage::Change;
use steward_core::store::outbox::{self, OutboxItem, OutboxStatus, Outcome};
use steward_core::store::{self, tenants, TenantKey};

use super::client::{Client, Written};
use super::{read_organization, SyncOptions, SyncResult};

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSummary {
    pub pushed: u64,
    pub failed: u64,
    pub conflicts: u64,
    /// Items left pending: behind a stopped change to the same object, or Graph did not answer.
    pub waiting: u64,
    /// Every item this push looked at, as it left them.
    pub items: Vec<OutboxItem>,
    /// The client secrets Graph made, with their values: shown once, kept nowhere.
    pub new_secrets: Vec<NewSecret>,
    /// New client secrets a sync left for an explicit push, which shows their values.
    pub secrets_waiting: u64,
    /// Why the push stopped before the end of the outbox (Graph stopped answering); what it did
    /// before that, new secrets included, is above.
    pub stopped: Option<String>,
}

impl PushSummary {
    /// One line for a sync's report, or `None` when there was nothing to push.
    pub fn line(&self) -> Option<String> {
        if self.items.is_empty() && self.secrets_waiting == 0 {
            return None;
        }
        let mut parts = vec![format!("{} pushed", self.pushed)];
        if self.secrets_waiting > 0 {
            parts.push(format!(
                "{} new client secret{} left for `steward push` (or Push changes), which shows the value",
                self.secrets_waiting,
                if self.secrets_waiting == 1 { "" } else { "s" }
            ));
        }
        for (n, what) in [
            (self.failed, "failed"),
            (self.conflicts, "in conflict"),
            (self.waiting, "still pending"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        Some(format!(
            "changes made in Steward: {} (`steward outbox` lists them)",
            parts.join(", ")
        ))
    }
}

/// Who a push acts as, for the audit trail.
fn actor(opts: &SyncOptions) -> String {
    if opts.refresh_token.is_some() {
        format!("admin signed in through app {}", opts.client_id)
    } else {
        format!("app {}", opts.client_id)
    }
}

/// Signs in to the tenant `opts` names and pushes its outbox.
pub async fn push(
    conn: &Connection,
    opts: &SyncOptions,
    now: DateTime<Utc>,
) -> SyncResult<PushSummary> {
    let (key, _) = tenants::resolve_tenant(conn, Some(&opts.tenant_id))?;
    let mut client = Client::new(opts.clone())?;
    let o = read_organization(&mut client, opts).await?;
    let _lock = store::lock_for_writing(conn, &format!("a push to tenant {}", o.id))?;
    push_outbox(&mut client, conn, key, now, true).await
}

/// One step of an item: how it ended, or "ask again" when Graph's answer was lost.
pub(super) enum Step {
    Settled(Box<Outcome>),
    /// The write's outcome is unknown (the reason): read again, then decide.
    Unknown(String),
}

/// Pushes every pending item of tenant `key`, oldest first. Without `secrets` (a sync), new
/// client secrets stay queued: their values are shown by an explicit push, whose answer reaches
/// the admin whatever happens after it. Graph no longer answering stops the push with what it
/// did so far (`stopped`), never losing a secret's value already made.
pub(super) async fn push_outbox(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    now: DateTime<Utc>,
    secrets: bool,
) -> SyncResult<PushSummary> {
    let who = actor(&client.opts);
    let graph = client.opts.graph_url.trim_end_matches('/').to_string();
    let mut summary = PushSummary::default();
    // An object whose earlier change stopped (failed, conflict, unanswered): later changes to it
    // wait, since they were made on top of that one.
    let mut blocked: BTreeMap<String, i64> = BTreeMap::new();
    let ids: Vec<i64> = outbox::unpushed(conn, key)?.iter().map(|i| i.id).collect();
    'items: for id in ids {
        if client.check_cancel().is_err() {
            summary.stopped =
                Some("the push was cancelled; the next push goes on from here".into());
            break;
        }
        // Read again: an earlier item's push may have given its object Graph's id, which the
        // changes made on it now name.
        let item = outbox::get(conn, key, id)?;
        if item.status != OutboxStatus::Pending {
            block(&mut blocked, &item);
            continue;
        }
        if !secrets && matches!(item.change, Change::AddSecret { .. }) {
            summary.secrets_waiting += 1;
            block(&mut blocked, &item);
            continue;
        }
        if let Some(first) = blocked.get(&item.target_id) {
            let message = format!(
                "waits for change {first} to the same object: retry or drop that one first"
            );
            settle(
                conn,
                key,
                &item,
                Outcome {
                    status: OutboxStatus::Pending,
                    message: Some(message),
                    remote: None,
                    change: item.change.clone(),
                },
                &who,
                now,
                &mut summary,
            )?;
            continue;
        }
        let mut last_unknown = String::new();
        let mut outcome = None;
        // Each round reads Entra's version, then writes at most once.
        for _ in 0..client.opts.max_attempts.max(1) {
            let step = match &item.change {
                Change::AddFederatedCredential { .. }
                | Change::UpdateFederatedCredential { .. }
                | Change::RemoveFederatedCredential { .. } => {
                    federation::push(client, &graph, &item.change).await
                }
                Change::AddOwner { .. }
                | Change::RemoveOwner { .. }
                | Change::RemoveAppRoleAssignment { .. }
                | Change::RemoveDirectoryRoleAssignment { .. } => {
                    relations::push(client, &graph, &item.change).await
                }
                Change::SaveConditionalAccessPolicy { .. }
                | Change::DeleteConditionalAccessPolicy { .. }
                | Change::SaveNamedLocation { .. }
                | Change::DeleteNamedLocation { .. } => {
                    conditional_access::push(client, &graph, &item.change).await
                }
                _ => {
                    objects::push(
                        client,
                        &graph,
                        item.id,
                        &item.target_display_name,
                        &item.change,
                        &mut summary.new_secrets,
                    )
                    .await
                }
            };
            let step = match step {
                Ok(s) => s,
                // Graph stopped answering (or the admin cancelled): this item stays pending and
                // the push ends here, keeping what it did (new secrets' values included).
                Err(e) => {
                    let why = steward_core::chain_text(&e);
                    summary.stopped = Some(why.clone());
                    let outcome = Outcome {
                        status: OutboxStatus::Pending,
                        message: Some(format!(
                            "the push stopped here ({why}); the next push reads Entra's version first and goes on"
                        )),
                        remote: None,
                        change: item.change.clone(),
                    };
                    settle(conn, key, &item, outcome, &who, now, &mut summary)?;
                    break 'items;
                }
            };
            match step {
                Step::Settled(o) => {
                    outcome = Some(*o);
                    break;
                }
                Step::Unknown(why) => {
                    client.retries += 1;
                    last_unknown = why;
                    let d = client.backoff(1);
                    if client.pause(d).await.is_err() {
                        break;
                    }
                }
            }
        }
        let outcome = outcome.unwrap_or_else(|| Outcome {
            status: OutboxStatus::Pending,
            message: Some(format!(
                "Graph did not say whether it took this change (last: {last_unknown}); the next push reads Entra's version first and sends it only if it is still missing"
            )),
            remote: None,
            change: item.change.clone(),
        });
        if outcome.status != OutboxStatus::Pushed {
            block(&mut blocked, &item);
        }
        settle(conn, key, &item, outcome, &who, now, &mut summary)?;
    }
    Ok(summary)
}

/// Holds later changes to the objects `item` touches: its target, and for a new registration
/// all three of its local ids (later changes may name its service principal).
fn block(blocked: &mut BTreeMap<String, i64>, item: &OutboxItem) {
    blocked.entry(item.target_id.clone()).or_insert(item.id);
    if let Change::CreateApplication { application: a } = &item.change {
        for id in [&a.app_id, &a.service_principal_id] {
            blocked.entry(id.clone()).or_insert(item.id);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn settle(
    conn: &Connection,
    key: TenantKey,
    item: &OutboxItem,
    outcome: Outcome,
    who: &str,
    now: DateTime<Utc>,
    summary: &mut PushSummary,
) -> SyncResult<()> {
    let tx = conn.unchecked_transaction()?;
    outbox::settle(&tx, key, item.id, &outcome, who, now)?;
    if outcome.status == OutboxStatus::Pushed {
        federation::after_push(&tx, key, &outcome.change)?;
        objects::after_push(&tx, key, &item.change, &outcome.change)?;
        conditional_access::after_push(&tx, key, &item.change, &outcome.change)?;
    }
    tx.commit()?;
    match outcome.status {
        OutboxStatus::Pushed => summary.pushed += 1,
        OutboxStatus::Failed => summary.failed += 1,
        OutboxStatus::Conflict => summary.conflicts += 1,
        OutboxStatus::Pending => summary.waiting += 1,
    }
    summary.items.push(outbox::get(conn, key, item.id)?);
    Ok(())
}

/// Graph's refusal of a write as the item's outcome: Graph's words and what to do.
pub(super) fn refused(change: &Change, status: u16, code: &str, message: &str) -> Outcome {
    let grant = match change {
        Change::SaveConditionalAccessPolicy { .. }
        | Change::DeleteConditionalAccessPolicy { .. }
        | Change::SaveNamedLocation { .. }
        | Change::DeleteNamedLocation { .. } => {
            "Policy.ReadWrite.ConditionalAccess (with Policy.Read.All)".to_string()
        }
        Change::RemoveDirectoryRoleAssignment { .. } => "RoleManagement.ReadWrite.Directory".into(),
        _ => "Application.ReadWrite.All (or make the app an owner of the object)".into(),
    };
    let forbidden = format!(
        "the signed-in app or admin may not make this change: grant {grant}, then retry it"
    );
    let advice = match status {
        403 => forbidden.as_str(),
        404 => "the object is gone from Entra: drop this change, then sync",
        _ => "fix the change (edit it, or drop it and make it again), then retry it",
    };
    Outcome {
        status: OutboxStatus::Failed,
        message: Some(format!(
            "Entra refused it (HTTP {status} {code}: {message}); {advice}"
        )),
        remote: None,
        change: change.clone(),
    }
}

/// What a write answered, as a step: `done` turns Graph's answer into the pushed change.
pub(super) fn written(
    change: &Change,
    answer: Written,
    done: impl FnOnce(serde_json::Value) -> Change,
) -> Step {
    match answer {
        Written::Done(v) => Step::Settled(Box::new(Outcome {
            status: OutboxStatus::Pushed,
            message: None,
            remote: None,
            change: done(v),
        })),
        Written::Refused {
            status,
            code,
            message,
        } => Step::Settled(Box::new(refused(change, status, &code, &message))),
        Written::Unknown(why) => Step::Unknown(why),
    }
}
