//! JSON for machines: the title block, then every table as an array of objects keyed by column
//! key, with numbers as numbers and instants in RFC 3339. Rows are written as they come, so a
//! ten-million-row extract streams.

use std::io::Write;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

use crate::ir::{Cell, ColumnKind, Report};
use crate::text::{date, rfc3339};
use crate::{Progress, Result};

fn value(cell: &Cell, kind: ColumnKind) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        Cell::Num(v) => serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Time(ms) => Value::String(match kind {
            ColumnKind::Date => date(*ms),
            _ => rfc3339(*ms),
        }),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    report: &'a str,
    title: &'a str,
    tenant_id: &'a str,
    tenant_name: &'a str,
    as_of: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    generator: &'a str,
    facts: Vec<Fact<'a>>,
    kpis: Vec<KpiOut<'a>>,
}

#[derive(Serialize)]
struct Fact<'a> {
    label: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct KpiOut<'a> {
    section: &'a str,
    label: &'a str,
    value: &'a str,
    detail: &'a str,
}

pub fn write(
    conn: &Connection,
    report: &Report,
    out: &mut dyn Write,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let head = Head {
        report: report.kind.as_str(),
        title: &report.title,
        tenant_id: &report.tenant_id,
        tenant_name: &report.tenant_name,
        as_of: steward_core::clock::rfc3339(report.as_of),
        from: report.period.map(|p| rfc3339(p.0)),
        to: report.period.map(|p| rfc3339(p.1)),
        generator: &report.generator,
        facts: report
            .facts
            .iter()
            .map(|(label, value)| Fact { label, value })
            .collect(),
        kpis: report
            .sections
            .iter()
            .flat_map(|s| {
                s.kpis.iter().map(move |k| KpiOut {
                    section: &s.title,
                    label: &k.label,
                    value: &k.value,
                    detail: &k.detail,
                })
            })
            .collect(),
    };
    // The head object is written without its closing brace; the tables follow as one more key.
    let head = serde_json::to_string_pretty(&head)?;
    let head = head.trim_end().trim_end_matches('}').trim_end();
    out.write_all(head.as_bytes())?;
    out.write_all(b",\n  \"tables\": {")?;
    for (i, t) in report.tables().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(
            out,
            "\n    {}: {{\n      \"title\": {},\n      \"rows\": [",
            serde_json::to_string(&t.key)?,
            serde_json::to_string(&t.title)?
        )?;
        let mut first = true;
        t.for_each_row(conn, &mut |row| {
            // Written key by key so the columns keep their order.
            out.write_all(if first {
                b"\n        {"
            } else {
                b",\n        {"
            })?;
            first = false;
            for (i, (cell, c)) in row.iter().zip(&t.columns).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &c.key)?;
                out.write_all(b":")?;
                serde_json::to_writer(&mut *out, &value(cell, c.kind))?;
            }
            out.write_all(b"}")?;
            progress.row()
        })?;
        out.write_all(if first {
            b"]\n    }"
        } else {
            b"\n      ]\n    }"
        })?;
    }
    out.write_all(b"\n  }\n}\n")?;
    Ok(())
}
