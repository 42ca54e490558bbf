//! `steward report`: writes one report file and prints what it wrote.

use std::io::Write;

use rusqlite::Connection;
use steward_core::clock;
use steward_report::{ReportKind, ReportRequest};

use super::parse_as_of;
use crate::output::{self, progress_bar};
use crate::ReportArgs;

/// Writes a report and prints its summary.
pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: ReportArgs) -> anyhow::Result<()> {
    let ReportArgs {
        kind,
        format,
        out: path,
        tenant,
        as_of,
        from,
        to,
        sp,
        review,
        bom,
        json,
    } = args;
    let when = |flag: &str, v: Option<String>| -> anyhow::Result<Option<clock::DateTime>> {
        v.map(|s| clock::parse_as_of(&s).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
            .transpose()
    };
    let request = ReportRequest {
        kind,
        tenant,
        as_of: parse_as_of(as_of)?,
        from: when("--from", from)?,
        to: when("--to", to)?,
        sp,
        review,
    };
    if !matches!(kind, ReportKind::SignIns) && (request.to.is_some() || request.sp.is_some()) {
        anyhow::bail!("--to and --sp apply to the sign-ins report only; drop them or use `steward report sign-ins`");
    }
    if !matches!(kind, ReportKind::AccessReview) && request.review.is_some() {
        anyhow::bail!("--review applies to the access-review report only; drop it or use `steward report access-review`");
    }
    let bar = progress_bar();
    bar.set_message(format!("{} {}", kind.as_str(), format.as_str()));
    let mut on_progress = |p: steward_report::ProgressState| {
        if let Some(t) = p.rows_total {
            bar.set_length(t.max(p.rows_done));
        }
        bar.set_position(p.rows_done);
    };
    let mut progress = steward_report::Progress::new(&mut on_progress, None);
    let started = std::time::Instant::now();
    let summary = steward_report::export(
        conn,
        &request,
        format,
        &path,
        steward_report::ExportOptions { csv_bom: bom },
        &mut progress,
    )?;
    bar.finish_and_clear();
    if json {
        output::write_json(out, &summary)?;
    } else {
        writeln!(
            out,
            "{} report ({}) of tenant {} as of {} written to {}: {} bytes, {} rows, in {:.1} s.",
            kind.as_str(),
            format.as_str(),
            summary.tenant_id,
            summary.as_of,
            path.display(),
            summary.bytes,
            summary.rows,
            started.elapsed().as_secs_f64()
        )?;
    }
    Ok(())
}
