//! `steward sync`: reads a tenant from Microsoft Graph into the cache, and finds, keeps or
//! refuses the client secret (or admin sign-in) it signs in with.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;
use steward_graph::sync::{SyncOptions, SyncResult, SyncSummary};

use super::connect::with_graph;
use crate::output::{self, sync_spinner};
use crate::SyncArgs;

/// Syncs a tenant from Graph and prints the summary.
pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: SyncArgs) -> anyhow::Result<()> {
    let SyncArgs {
        connect,
        datasets,
        sign_in_days,
        concurrency,
        resolve_redirect_domains,
        json,
    } = args;
    let started = std::time::Instant::now();
    let summary = with_graph(connect, |runtime, mut opts| {
        opts.datasets = datasets;
        opts.sign_in_days = sign_in_days;
        opts.concurrency = concurrency.into();
        if resolve_redirect_domains {
            opts.redirect_resolver = Some(std::sync::Arc::new(steward_graph::sync::SystemResolver));
        }
        run_sync(conn, runtime, &opts)
    })?;
    if json {
        output::write_json(out, &summary)?;
    } else {
        writeln!(
            out,
            "Synced tenant \"{}\" ({}) in {:.1} s ({} requests retried):",
            summary.tenant_name,
            summary.tenant_id,
            started.elapsed().as_secs_f64(),
            summary.retries
        )?;
        if let Some(line) = summary.pushed.line() {
            writeln!(out, "  {line}")?;
        }
        for d in &summary.datasets {
            writeln!(
                out,
                "  {:<32} {:<13} {:<6} {:>9} items {:>6} pages {:>6} removed{}",
                d.dataset.name(),
                d.status,
                d.mode,
                d.items,
                d.pages,
                d.removed,
                d.detail
                    .as_deref()
                    .map(|x| format!("  ({x})"))
                    .unwrap_or_default()
            )?;
        }
        if let Some(r) = &summary.redirect_domains {
            writeln!(out, "  {}", r.line())?;
        }
    }
    Ok(())
}

/// The sync itself, with a spinner saying what it reads.
fn run_sync(
    conn: &Connection,
    runtime: &tokio::runtime::Runtime,
    opts: &SyncOptions,
) -> SyncResult<SyncSummary> {
    let bar = sync_spinner();
    let mut meter = steward_graph::sync::Meter::default();
    let result = runtime.block_on(steward_graph::sync::sync(
        conn,
        opts,
        clock::now(),
        &mut |p| {
            let pace = meter.observe(p);
            let left = pace
                .eta_secs
                .map(|s| format!(", {}", steward_graph::sync::eta_text(s)))
                .unwrap_or_default();
            let of = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
            bar.set_message(format!(
                "{}: {}{of} read ({:.0}/s{left})",
                p.dataset.name(),
                p.items,
                pace.per_sec
            ));
            bar.tick();
        },
    ));
    bar.finish_and_clear();
    result
}
