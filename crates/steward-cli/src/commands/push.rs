//! `steward push`: sends the outbox to Graph, in order, and says how each change ended.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;

use super::connect::with_graph;
use crate::output;
use crate::PushArgs;

pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: PushArgs) -> anyhow::Result<()> {
    let PushArgs { connect, json } = args;
    let summary = with_graph(connect, |runtime, opts| {
        runtime.block_on(steward_graph::sync::push(conn, &opts, clock::now()))
    })?;
    let stopped = summary.failed + summary.conflicts;
    let halted = summary.stopped.clone();
    let verdict = || {
        anyhow::anyhow!(
            "{stopped} change{} did not reach Entra: `steward outbox` says why; retry with `steward outbox retry ID` or drop with `steward outbox drop ID`",
            if stopped == 1 { "" } else { "s" }
        )
    };
    if json {
        output::write_json(out, &summary)?;
        if let Some(why) = halted {
            out.flush()?;
            anyhow::bail!(
                "the push stopped before the end: {why}; run `steward push` again to go on"
            );
        }
        if stopped > 0 {
            out.flush()?;
            return Err(verdict());
        }
        return Ok(());
    }
    if summary.items.is_empty() {
        writeln!(
            out,
            "Nothing to push: every change made in Steward is in Entra."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "Pushed {}, failed {}, in conflict {}, still pending {}:",
        summary.pushed, summary.failed, summary.conflicts, summary.waiting
    )?;
    for i in &summary.items {
        writeln!(
            out,
            "{:>5}  {:<8}  {} on {}{}",
            i.id,
            i.status.as_str(),
            i.summary,
            i.target_display_name,
            i.message
                .as_deref()
                .map(|m| format!("\n         {m}"))
                .unwrap_or_default()
        )?;
    }
    for s in &summary.new_secrets {
        writeln!(
            out,
            "\nNew client secret `{}` of {} (key id {}, ends {}):\n  {}\nCopy it now: Graph never shows it again, and Steward keeps it nowhere.",
            s.display_name.as_deref().unwrap_or(""),
            s.owner_display_name,
            s.key_id,
            s.end_date_time.as_deref().unwrap_or("?"),
            s.secret_text
        )?;
    }
    if let Some(why) = halted {
        out.flush()?;
        anyhow::bail!("the push stopped before the end: {why}; run `steward push` again to go on");
    }
    if stopped > 0 {
        out.flush()?;
        return Err(verdict());
    }
    Ok(())
}
