//! `steward import`: reads Graph JSON exports into the cache, all or nothing.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;

use crate::output;
use crate::ImportArgs;

/// Imports Graph JSON exports and prints the summary.
pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: ImportArgs) -> anyhow::Result<()> {
    let ImportArgs {
        paths,
        tenant,
        json,
    } = args;
    // One writer at a time: a sync or import already writing this cache refuses this one.
    let _lock = steward_core::store::lock_for_writing(conn, "an import")?;
    let started = std::time::Instant::now();
    // Sign-in archives are streamed: a bar over their bytes, with the sign-ins read and their rate.
    let bar = output::progress_bar();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let summary = steward_graph::import_with(
        conn,
        &paths,
        &steward_graph::ImportOptions {
            tenant,
            ..Default::default()
        },
        clock::now(),
        &mut |p| {
            bar.set_length(p.bytes);
            bar.set_position(p.bytes_read);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "archive {}/{}: {} sign-ins ({:.0}/s)",
                (p.files_done + 1).min(p.files),
                p.files,
                p.records,
                p.records as f64 / secs
            ));
        },
        &std::sync::atomic::AtomicBool::new(false),
    );
    bar.finish_and_clear();
    let summary = summary?;
    if json {
        output::write_json(out, &summary)?;
    } else {
        writeln!(
            out,
            "Imported {} file{} into tenant \"{}\" ({}) in {:.1} s:",
            summary.files,
            if summary.files == 1 { "" } else { "s" },
            summary.tenant_name,
            summary.tenant_id,
            started.elapsed().as_secs_f64()
        )?;
        for d in &summary.datasets {
            writeln!(out, "  {:<34} {:>9}", d.dataset.name(), d.items)?;
        }
        if summary.new_sign_ins > 0 {
            writeln!(
                out,
                "  ({} sign-ins were new to the cache)",
                summary.new_sign_ins
            )?;
        }
        for f in &summary.empty_files {
            writeln!(out, "  {} held no item", f.display())?;
        }
        if !summary.skipped.is_empty() {
            writeln!(out, "Skipped:")?;
        }
        for s in &summary.skipped {
            let what = if s.files == 1 {
                s.example.clone()
            } else {
                format!("{} files (such as {})", s.files, s.example)
            };
            writeln!(out, "  {}: {what}: {}", s.folder.display(), s.reason)?;
        }
    }
    Ok(())
}
