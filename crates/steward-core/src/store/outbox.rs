//! `outbox` and `audit_trail`: the changes made in Steward, in the order made, until Graph has
//! them; and Steward's own record of what it did, by whom, with what result.
//!
//! Every function that changes an item also writes its audit entry, in the same transaction as
//! the caller's.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::TenantKey;
use crate::clock::{from_ms, to_ms};
use crate::manage::{Change, Properties};
use crate::model::FederatedIdentityCredential;
use crate::{Error, Result};

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum OutboxStatus {
    /// Waiting for the next push.
    Pending,
    /// Graph has it.
    Pushed,
    /// Graph refused it, or the object is gone: `message` says why and what to do.
    Failed,
    /// The object changed in Entra since the admin's edit: both versions are kept.
    Conflict,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Pushed => "pushed",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Conflict => "conflict",
        }
    }

    fn parse(s: &str) -> OutboxStatus {
        match s {
            "pushed" => OutboxStatus::Pushed,
            "failed" => OutboxStatus::Failed,
            "conflict" => OutboxStatus::Conflict,
            _ => OutboxStatus::Pending,
        }
    }
}

/// Entra's version of what a change touches, as a push read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RemoteVersion {
    /// The federated credential of the change's name; `None` when Entra has none.
    #[serde(rename_all = "camelCase")]
    FederatedCredential {
        credential: Option<FederatedIdentityCredential>,
    },
    /// The object's name, notes and tags.
    #[serde(rename_all = "camelCase")]
    Properties { properties: Properties },
    /// The conditional access policy; `None` when Entra has none by that id.
    #[serde(rename_all = "camelCase")]
    ConditionalAccessPolicy {
        policy: Option<crate::conditional_access::WorkloadPolicy>,
    },
    /// The named location; `None` when Entra has none by that id.
    #[serde(rename_all = "camelCase")]
    NamedLocation {
        location: Option<crate::model::NamedLocation>,
    },
}

/// One queued change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub id: i64,
    pub action: String,
    pub target_id: String,
    pub target_display_name: String,
    /// What the change does, in a line.
    pub summary: String,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub created_date_time: DateTime<Utc>,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub updated_date_time: DateTime<Utc>,
    pub status: OutboxStatus,
    pub message: Option<String>,
    pub change: Change,
    /// At a conflict, Entra's version.
    pub remote: Option<RemoteVersion>,
}

/// One entry of Steward's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub id: i64,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub at: DateTime<Utc>,
    /// Who: the admin at this computer when a change is made or dropped, the identity that
    /// signed in to Graph when it is pushed.
    pub actor: String,
    pub action: String,
    pub target_id: String,
    pub target_display_name: String,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub outbox_id: Option<i64>,
    /// queued, pushed, failed, conflict, retried or dropped.
    pub result: String,
    pub detail: Option<String>,
}

const COLUMNS: &str = "id, action, target_id, target_display_name, change, created, updated,
     status, message, remote";

/// A row as read, before its change is parsed.
struct Raw {
    id: i64,
    action: String,
    target_id: String,
    target_display_name: String,
    change: String,
    created: i64,
    updated: i64,
    status: String,
    message: Option<String>,
    remote: Option<String>,
}

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        action: r.get(1)?,
        target_id: r.get(2)?,
        target_display_name: r.get(3)?,
        change: r.get(4)?,
        created: r.get(5)?,
        updated: r.get(6)?,
        status: r.get(7)?,
        message: r.get(8)?,
        remote: r.get(9)?,
    })
}

fn finish(raw: Raw) -> Result<OutboxItem> {
    let change: Change = serde_json::from_str(&raw.change).map_err(|e| {
        Error::InvalidInput(format!(
            "outbox item {} cannot be read ({e}); it was written by another Steward version: drop it with `steward outbox drop {}`",
            raw.id, raw.id
        ))
    })?;
    Ok(OutboxItem {
        id: raw.id,
        action: raw.action,
        target_id: raw.target_id,
        target_display_name: raw.target_display_name,
        summary: change.summary(),
        created_date_time: from_ms(raw.created),
        updated_date_time: from_ms(raw.updated),
        status: OutboxStatus::parse(&raw.status),
        message: raw.message,
        remote: raw.remote.and_then(|r| serde_json::from_str(&r).ok()),
        change,
    })
}

/// Every item of the tenant, oldest first.
pub fn list(conn: &Connection, tenant: TenantKey) -> Result<Vec<OutboxItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE tenant = ?1 ORDER BY id"
    ))?;
    let rows = stmt
        .query_map(params![tenant.0], item)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(finish).collect()
}

/// The items Graph does not have yet (pending, failed, conflict), oldest first.
pub fn unpushed(conn: &Connection, tenant: TenantKey) -> Result<Vec<OutboxItem>> {
    Ok(list(conn, tenant)?
        .into_iter()
        .filter(|i| i.status != OutboxStatus::Pushed)
        .collect())
}

/// One item.
pub fn get(conn: &Connection, tenant: TenantKey, id: i64) -> Result<OutboxItem> {
    finish(get_raw(conn, tenant, id)?)
}

/// One item's row, its change not parsed yet.
fn get_raw(conn: &Connection, tenant: TenantKey, id: i64) -> Result<Raw> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE tenant = ?1 AND id = ?2"
    ))?
    .query_row(params![tenant.0, id], item)
    .optional()?
    .ok_or_else(|| {
        Error::InvalidInput(format!(
            "the outbox holds no change {id} for this tenant; `steward outbox` lists them"
        ))
    })
}

/// Queues `change` and shows it in the cache, in one transaction; the audit trail records who
/// queued it.
pub fn enqueue(
    conn: &Connection,
    tenant: TenantKey,
    change: &Change,
    target_display_name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let tx = conn.unchecked_transaction()?;
    let id = enqueue_in(&tx, tenant, change, target_display_name, actor, now)?;
    tx.commit()?;
    get(conn, tenant, id)
}

/// [`enqueue`] inside a transaction the caller holds (several changes made as one, such as an
/// access review's removals); the new item's id.
pub fn enqueue_in(
    tx: &Connection,
    tenant: TenantKey,
    change: &Change,
    target_display_name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    change.apply(tx, tenant)?;
    let json = serde_json::to_string(change)
        .map_err(|e| Error::InvalidInput(format!("the change cannot be written: {e}")))?;
    tx.prepare_cached(
        "INSERT INTO outbox (tenant, action, target_id, target_display_name, change, created,
             updated, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 'pending')",
    )?
    .execute(params![
        tenant.0,
        change.action(),
        change.target_id(),
        target_display_name,
        json,
        to_ms(now)
    ])?;
    let id = tx.last_insert_rowid();
    record(
        tx,
        tenant,
        now,
        actor,
        id,
        "queued",
        Some(&change.summary()),
    )?;
    Ok(id)
}

/// How a push of one item ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: OutboxStatus,
    /// Why it failed or conflicts, and what to do.
    pub message: Option<String>,
    /// Entra's version, at a conflict.
    pub remote: Option<RemoteVersion>,
    /// The change as pushed (with the id Graph gave a created object).
    pub change: Change,
}

/// Records how a push of item `id` ended.
pub fn settle(
    conn: &Connection,
    tenant: TenantKey,
    id: i64,
    outcome: &Outcome,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let remote = outcome
        .remote
        .as_ref()
        .and_then(|r| serde_json::to_string(r).ok());
    let json = serde_json::to_string(&outcome.change)
        .map_err(|e| Error::InvalidInput(format!("the change cannot be written: {e}")))?;
    conn.prepare_cached(
        "UPDATE outbox SET status = ?3, message = ?4, remote = ?5, change = ?6, updated = ?7,
             target_id = ?8
         WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![
        tenant.0,
        id,
        outcome.status.as_str(),
        outcome.message,
        remote,
        json,
        to_ms(now),
        // A created object now goes by Graph's id.
        outcome.change.target_id(),
    ])?;
    let detail = outcome
        .message
        .clone()
        .unwrap_or_else(|| outcome.change.summary());
    record(
        conn,
        tenant,
        now,
        actor,
        id,
        outcome.status.as_str(),
        Some(&detail),
    )
}

/// Sends a failed or conflicting item to the next push again. After a conflict the change is
/// based on Entra's version the push saw: the admin has seen it and wants theirs anyway.
pub fn retry(
    conn: &Connection,
    tenant: TenantKey,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let it = get(conn, tenant, id)?;
    let change = match (&it.status, &it.remote) {
        (OutboxStatus::Pending, _) => {
            return Err(Error::InvalidInput(format!(
                "change {id} is already waiting for the next push; run `steward push` (or sync) to send it"
            )))
        }
        (OutboxStatus::Pushed, _) => {
            return Err(Error::InvalidInput(format!(
                "change {id} is already in Entra; nothing to retry"
            )))
        }
        (
            OutboxStatus::Conflict,
            Some(RemoteVersion::FederatedCredential { credential }),
        ) => it.change.rebased(credential.as_ref()),
        (OutboxStatus::Conflict, Some(RemoteVersion::Properties { properties })) => {
            it.change.rebased_properties(properties)
        }
        (OutboxStatus::Conflict, Some(RemoteVersion::ConditionalAccessPolicy { policy })) => {
            crate::manage::conditional_access::rebased_on_policy(&it.change, policy.as_ref())
        }
        (OutboxStatus::Conflict, Some(RemoteVersion::NamedLocation { location })) => {
            crate::manage::conditional_access::rebased_on_location(&it.change, location.as_ref())
        }
        _ => it.change.clone(),
    };
    let tx = conn.unchecked_transaction()?;
    let json = serde_json::to_string(&change)
        .map_err(|e| Error::InvalidInput(format!("the change cannot be written: {e}")))?;
    tx.prepare_cached(
        "UPDATE outbox SET status = 'pending', message = NULL, remote = NULL, change = ?3,
             action = ?4, updated = ?5
         WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![tenant.0, id, json, change.action(), to_ms(now)])?;
    change.apply(&tx, tenant)?;
    record(
        &tx,
        tenant,
        now,
        actor,
        id,
        "retried",
        Some(&change.summary()),
    )?;
    tx.commit()?;
    get(conn, tenant, id)
}

/// Drops an item Graph does not have: the cache no longer shows the change (until the next sync
/// reads Entra's version anyway). A pushed item cannot be dropped: it is in Entra.
pub fn drop_item(
    conn: &Connection,
    tenant: TenantKey,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let it = match finish(get_raw(conn, tenant, id)?) {
        Ok(it) => it,
        // A row this build cannot read (written by another version): it goes as it is, with
        // nothing to undo in the cache that this build could name.
        Err(_) => {
            record(
                conn,
                tenant,
                now,
                actor,
                id,
                "dropped",
                Some("unreadable change"),
            )?;
            conn.prepare_cached("DELETE FROM outbox WHERE tenant = ?1 AND id = ?2")?
                .execute(params![tenant.0, id])?;
            return Err(Error::InvalidInput(format!(
                "change {id} could not be read by this Steward; it was dropped as it was"
            )));
        }
    };
    if it.status == OutboxStatus::Pushed {
        return Err(Error::InvalidInput(format!(
            "change {id} is already in Entra and cannot be dropped; make the opposite change instead"
        )));
    }
    let later = unpushed(conn, tenant)?;
    if let Some(on_top) = later.iter().find(|l| {
        l.id > id
            && l.target_id == it.target_id
            && l.change.credential_name() == it.change.credential_name()
    }) {
        return Err(Error::InvalidInput(format!(
            "change {} ({}) was made on top of change {id}: drop it first",
            on_top.id, on_top.summary
        )));
    }
    let tx = conn.unchecked_transaction()?;
    it.change.revert(&tx, tenant)?;
    // Later changes to the same object still show.
    for later in later
        .iter()
        .filter(|l| l.id > id && l.target_id == it.target_id)
    {
        later.change.apply(&tx, tenant)?;
    }
    record(&tx, tenant, now, actor, id, "dropped", Some(&it.summary))?;
    tx.prepare_cached("DELETE FROM outbox WHERE tenant = ?1 AND id = ?2")?
        .execute(params![tenant.0, id])?;
    tx.commit()?;
    Ok(it)
}

/// Replaces local ids with the ones Graph gave (`(local, graph)` pairs) in every change Graph
/// does not have yet: changes made on an object before it was created in Entra now name it.
pub fn replace_ids(conn: &Connection, tenant: TenantKey, pairs: &[(String, String)]) -> Result<()> {
    for it in unpushed(conn, tenant)? {
        let mut json = serde_json::to_string(&it.change)
            .map_err(|e| Error::InvalidInput(format!("the change cannot be written: {e}")))?;
        let mut target = it.target_id.clone();
        for (local, graph) in pairs {
            // Ids are GUIDs: one never holds another, so text replacement is exact.
            json = json.replace(local.as_str(), graph);
            if &target == local {
                target = graph.clone();
            }
        }
        conn.prepare_cached(
            "UPDATE outbox SET change = ?3, target_id = ?4 WHERE tenant = ?1 AND id = ?2",
        )?
        .execute(params![tenant.0, it.id, json, target])?;
    }
    Ok(())
}

/// Shows every change Graph does not have yet in the cache again, oldest first: a sync or import
/// that rewrote an object wrote Entra's version over them.
pub fn reapply_unpushed(conn: &Connection, tenant: TenantKey) -> Result<usize> {
    let items = unpushed(conn, tenant)?;
    for it in &items {
        it.change.apply(conn, tenant)?;
    }
    Ok(items.len())
}

fn record(
    conn: &Connection,
    tenant: TenantKey,
    at: DateTime<Utc>,
    actor: &str,
    outbox_id: i64,
    result: &str,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_trail (tenant, at, actor, action, target_id, target_display_name,
             outbox_id, result, detail)
         SELECT tenant, ?3, ?4, action, target_id, target_display_name, id, ?5, ?6
         FROM outbox WHERE tenant = ?1 AND id = ?2",
    )?
    .execute(params![
        tenant.0,
        outbox_id,
        to_ms(at),
        actor,
        result,
        detail
    ])?;
    Ok(())
}

/// The audit trail, oldest first.
pub fn audit_trail(conn: &Connection, tenant: TenantKey) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, target_id, target_display_name, outbox_id, result, detail
         FROM audit_trail WHERE tenant = ?1 ORDER BY at, id",
    )?;
    let rows = stmt
        .query_map(params![tenant.0], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: from_ms(r.get(1)?),
                actor: r.get(2)?,
                action: r.get(3)?,
                target_id: r.get(4)?,
                target_display_name: r.get(5)?,
                outbox_id: r.get(6)?,
                result: r.get(7)?,
                detail: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
