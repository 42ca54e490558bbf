//! The audit report: the changes made in Steward and where each stands, and Steward's own audit
//! trail (who made, pushed, retried or dropped what, when, with what result), up to `as_of`.

use steward_core::store::outbox;

use super::*;

pub(super) fn audit(conn: &Connection, key: TenantKey, report: &mut Report) -> Result<()> {
    let as_of = to_ms(report.as_of);
    let items: Vec<_> = outbox::list(conn, key)?
        .into_iter()
        .filter(|i| to_ms(i.created_date_time) <= as_of)
        .collect();
    let trail: Vec<_> = outbox::audit_trail(conn, key)?
        .into_iter()
        .filter(|e| to_ms(e.at) <= as_of)
        .collect();
    let waiting = items
        .iter()
        .filter(|i| i.status.as_str() != "pushed")
        .count();
    let mut changes = Section::new("Changes made in Steward").text(format!(
        "{} change{} recorded; {waiting} not yet in Entra. A change is applied to the cache at once and sent to Entra by a push or the next sync, in the order made.",
        items.len(),
        if items.len() == 1 { "" } else { "s" }
    ));
    let mut table = Table::new(
        "changes",
        "Changes",
        vec![
            col("id", "#", K::Integer, 0.4),
            col("action", "Action", K::Text, 1.4),
            col("summary", "Change", K::Text, 3.2),
            col("targetId", "Object id", K::Text, 2.0),
            col("targetDisplayName", "Object", K::Text, 1.6),
            col("createdDateTime", "Made", K::DateTime, 1.3),
            col("status", "Status", K::Text, 0.8),
            col("message", "Message", K::Text, 2.6),
        ],
    );
    for i in &items {
        table.push(vec![
            Cell::Int(i.id),
            Cell::text(&i.action),
            Cell::text(&i.summary),
            Cell::text(&i.target_id),
            Cell::text(&i.target_display_name),
            Cell::Time(to_ms(i.created_date_time)),
            Cell::text(i.status.as_str()),
            Cell::opt_text(i.message.clone()),
        ]);
    }
    changes.table = Some(table);
    report.sections.push(changes);
    let mut section = Section::new("Audit trail").text(
        "Steward's own actions: the account at this computer that made, retried or dropped a change, and the app or admin that pushed it.",
    );
    let mut table = Table::new(
        "auditTrail",
        "Audit trail",
        vec![
            col("at", "When", K::DateTime, 1.3),
            col("actor", "Who", K::Text, 1.8),
            col("result", "Result", K::Text, 0.8),
            col("action", "Action", K::Text, 1.4),
            col("detail", "What", K::Text, 3.2),
            col("targetId", "Object id", K::Text, 2.0),
            col("targetDisplayName", "Object", K::Text, 1.6),
            col("outboxId", "Change #", K::Integer, 0.6),
        ],
    );
    for e in &trail {
        table.push(vec![
            Cell::Time(to_ms(e.at)),
            Cell::text(&e.actor),
            Cell::text(&e.result),
            Cell::text(&e.action),
            Cell::opt_text(e.detail.clone()),
            Cell::text(&e.target_id),
            Cell::text(&e.target_display_name),
            e.outbox_id.map_or(Cell::Empty, Cell::Int),
        ]);
    }
    section.table = Some(table);
    report.sections.push(section);
    Ok(())
}
