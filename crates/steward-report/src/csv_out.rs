//! CSV (RFC 4180, UTF-8, CRLF line ends, optional BOM for Excel) of the report's primary table.
//! A CSV holds one table; XLSX, JSON and HTML carry every table of a report.

use std::io::Write;

use rusqlite::Connection;

use crate::ir::Report;
use crate::text::machine;
use crate::{Progress, Result};

pub fn write(
    conn: &Connection,
    report: &Report,
    out: &mut dyn Write,
    progress: &mut Progress<'_>,
    bom: bool,
) -> Result<()> {
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let Some(table) = report.primary_table() else {
        return Ok(());
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(table.columns.iter().map(|c| c.key.as_str()))?;
    let kinds: Vec<_> = table.columns.iter().map(|c| c.kind).collect();
    let mut record = csv::StringRecord::new();
    table.for_each_row(conn, &mut |row| {
        record.clear();
        for (cell, kind) in row.iter().zip(&kinds) {
            record.push_field(&machine(cell, *kind));
        }
        w.write_record(&record)?;
        progress.row()
    })?;
    w.flush()?;
    Ok(())
}
