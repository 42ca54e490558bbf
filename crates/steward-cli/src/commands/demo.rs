//! `steward demo`: writes the generated demo tenant into the cache and says what it wrote.

use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use steward_core::demo::{self, DemoOptions};

use super::parse_as_of;
use crate::output::{self, progress_bar};
use crate::DemoArgs;

/// Writes the demo tenant and prints its summary.
pub(crate) fn run(
    conn: &Connection,
    out: &mut impl Write,
    db: &Path,
    args: DemoArgs,
) -> anyhow::Result<()> {
    let DemoArgs {
        seed,
        service_principals,
        sign_ins,
        as_of,
        json,
    } = args;
    let as_of = parse_as_of(as_of)?;
    let opts = DemoOptions {
        seed,
        service_principals,
        sign_ins,
        as_of,
    };
    // One writer at a time: a sync or import already writing this cache refuses this one.
    let _lock = steward_core::store::lock_for_writing(conn, "steward demo")?;
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let summary = demo::write_demo(conn, &opts, &mut |what, done, total| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(what.to_string());
    })?;
    bar.finish_and_clear();
    if json {
        output::write_json(out, &summary)?;
    } else {
        writeln!(
            out,
            "Demo tenant \"{}\" ({}) written to {} in {:.1} s: {} service principals (+{} soft-deleted), {} applications, {} credentials, {} federated credentials, {} sign-ins.",
            summary.display_name,
            summary.tenant_id,
            db.display(),
            started.elapsed().as_secs_f64(),
            summary.service_principals,
            summary.soft_deleted_service_principals,
            summary.applications,
            summary.credentials,
            summary.federated_credentials,
            summary.sign_ins
        )?;
    }
    Ok(())
}
