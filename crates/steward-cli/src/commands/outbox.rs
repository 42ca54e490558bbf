//! `steward outbox`: the changes made in Steward and where each stands; `retry` and `drop`; and
//! with `--audit`, Steward's audit trail.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;
use steward_core::store::outbox;
use steward_core::store::tenants;

use super::local_actor;
use crate::output;
use crate::{OutboxAction, OutboxArgs};

pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: OutboxArgs) -> anyhow::Result<()> {
    let OutboxArgs {
        action,
        tenant,
        json,
        audit,
    } = args;
    let (key, _) = tenants::resolve_tenant(conn, tenant.as_deref())?;
    match action {
        Some(OutboxAction::Retry { id }) => {
            let item = outbox::retry(conn, key, id, &local_actor(), clock::now())?;
            if json {
                output::write_json(out, &item)?;
            } else {
                writeln!(
                    out,
                    "Change {id} waits for the next push again: {}.",
                    item.summary
                )?;
            }
        }
        Some(OutboxAction::Drop { id }) => {
            let item = outbox::drop_item(conn, key, id, &local_actor(), clock::now())?;
            if json {
                output::write_json(out, &item)?;
            } else {
                writeln!(
                    out,
                    "Dropped change {id} ({}); the cache no longer shows it.",
                    item.summary
                )?;
            }
        }
        None if audit => {
            let trail = outbox::audit_trail(conn, key)?;
            if json {
                output::write_json(out, &trail)?;
            } else {
                for e in &trail {
                    writeln!(
                        out,
                        "{}  {:<9} {:<26} {} ({})  by {}{}",
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        e.result,
                        e.action,
                        e.target_display_name,
                        e.target_id,
                        e.actor,
                        e.detail
                            .as_deref()
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        None => {
            let items = outbox::list(conn, key)?;
            if json {
                output::write_json(out, &items)?;
            } else if items.is_empty() {
                writeln!(out, "No changes made in Steward for this tenant.")?;
            } else {
                for i in &items {
                    writeln!(
                        out,
                        "{:>5}  {:<8}  {}  {} on {} ({}){}",
                        i.id,
                        i.status.as_str(),
                        i.created_date_time.format("%Y-%m-%d %H:%M"),
                        i.summary,
                        i.target_display_name,
                        i.target_id,
                        i.message
                            .as_deref()
                            .map(|m| format!("\n         {m}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
    }
    Ok(())
}
