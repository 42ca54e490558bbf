//! One self-contained HTML file: inline CSS and SVG charts, no script, nothing loaded from
//! outside (a Content-Security-Policy meta tag forbids it), readable offline and printable.
//! Every tenant string goes through maud, which escapes it; rows are written as they come so an
//! extract of any size streams.

use std::io::Write;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use rusqlite::Connection;

use crate::ir::{Cell, ColumnKind, Report, Section, Table};
use crate::text::{as_of_text, date, display};
use crate::{Progress, Result};

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #242424; --muted: #616161; --line: #e0e0e0; --brand: #0f6cbd; --warn: #c4314b; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", system-ui, -apple-system, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); margin: 0; background: #fafafa; font-size: 14px; line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 32px 24px 64px; background: #fff; }
header.title { border-bottom: 3px solid var(--brand); padding-bottom: 16px; margin-bottom: 24px; }
header.title h1 { margin: 0 0 4px; font-size: 28px; }
header.title .tenant { font-size: 18px; color: var(--muted); margin: 0 0 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.toc ol { columns: 2; margin: 0 0 24px; padding-left: 20px; }
section { margin: 0 0 32px; break-inside: auto; }
h2 { font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 24px 0 8px; }
p { margin: 6px 0; max-width: 90ch; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin: 12px 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.kpi .label { color: var(--muted); font-size: 12px; }
.kpi .value { font-size: 22px; font-weight: 600; }
.kpi.alert .value { color: var(--warn); }
.kpi .detail { font-size: 12px; color: var(--muted); }
figure.chart { margin: 12px 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td { max-width: 48ch; }
th { min-width: 6ch; }
th { background: #f5f5f5; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.time { white-space: nowrap; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; }
}
@page { size: A4 landscape; margin: 14mm; }
"#;

/// Only Steward's own admin-center links become links; anything else stays text.
fn is_admin_center(url: &str) -> bool {
    url.starts_with("https://entra.microsoft.com/") || url.starts_with("https://portal.azure.com/")
}

fn cell_markup(cell: &Cell, kind: ColumnKind) -> Markup {
    let text = display(cell, kind);
    let class = match (cell, kind) {
        (Cell::Int(_) | Cell::Num(_), _) => "num",
        (Cell::Time(_), _) => "time",
        _ => "",
    };
    html! {
        td class=[(!class.is_empty()).then_some(class)] {
            @if kind == ColumnKind::Link && is_admin_center(&text) {
                a href=(text) { "Open" }
            } @else {
                (text)
            }
        }
    }
}

/// A chart from the core's plotters SVG backend, which escapes the text it draws. The check is a
/// second line of defence: a chart that somehow carries script is left out, not shown.
fn chart_markup(svg: &str) -> Markup {
    let lower = svg.to_ascii_lowercase();
    if !lower.trim_start().starts_with("<svg")
        || lower.contains("<script")
        || lower.contains("javascript:")
    {
        return html! { p { "(chart omitted: it did not pass the safety check)" } };
    }
    html! { figure.chart { (PreEscaped(svg)) } }
}

fn section_head(i: usize, s: &Section) -> Markup {
    html! {
        h2 id=(format!("s{i}")) { (s.title) }
        @for p in &s.paragraphs { p { (p) } }
        @if !s.kpis.is_empty() {
            div.kpis {
                @for k in &s.kpis {
                    div.kpi.alert[k.alert] {
                        div.label { (k.label) }
                        div.value { (k.value) }
                        @if !k.detail.is_empty() { div.detail { (k.detail) } }
                    }
                }
            }
        }
        @if let Some(svg) = &s.chart { (chart_markup(svg)) }
    }
}

fn write_table(
    conn: &Connection,
    t: &Table,
    out: &mut dyn Write,
    progress: &mut Progress<'_>,
    limit: Option<u64>,
) -> Result<()> {
    let head = html! {
        thead { tr { @for c in &t.columns { th scope="col" { (c.header) } } } }
    };
    writeln!(
        out,
        "<div class=\"table-wrap\"><table><caption>{}</caption>{}<tbody>",
        maud::html! { (t.title) }.into_string(),
        head.into_string()
    )?;
    let mut rows = 0u64;
    let written = t.for_each_row(conn, &mut |row| {
        if limit.is_some_and(|l| rows >= l) {
            return Err(crate::Error::RowLimit);
        }
        let m = html! {
            tr { @for (cell, c) in row.iter().zip(&t.columns) { (cell_markup(cell, c.kind)) } }
        };
        out.write_all(m.into_string().as_bytes())?;
        out.write_all(b"\n")?;
        rows += 1;
        progress.row()
    });
    let cut = match written {
        Err(crate::Error::RowLimit) => true,
        other => {
            other?;
            false
        }
    };
    if rows == 0 {
        writeln!(
            out,
            "<tr><td colspan=\"{}\">None.</td></tr>",
            t.columns.len()
        )?;
    }
    let count = if cut {
        format!(
            "The preview shows the first {} rows; the exported file holds them all.",
            crate::text::thousands(rows as i64)
        )
    } else {
        format!("{} rows", crate::text::thousands(rows as i64))
    };
    writeln!(
        out,
        "</tbody></table></div>\n<p class=\"count\">{}</p>",
        html! { (count) }.into_string()
    )?;
    Ok(())
}

pub fn write(
    conn: &Connection,
    report: &Report,
    out: &mut dyn Write,
    progress: &mut Progress<'_>,
    limit: Option<u64>,
) -> Result<()> {
    let top = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(report.generator);
                title { (report.title) " — " (report.tenant_name) }
                style { (PreEscaped(STYLE)) }
            }
        }
    };
    // maud closes the elements it opens; the body is streamed after the head, so the document is
    // assembled from the head's markup without its closing tags.
    let top = top.into_string();
    let top = top.trim_end_matches("</html>");
    out.write_all(top.as_bytes())?;
    let title = html! {
        body {
            main {
                header.title {
                    h1 { (report.title) }
                    p.tenant { (report.tenant_name) }
                    dl.facts {
                        dt { "Tenant id" } dd { (report.tenant_id) }
                        dt { "As of" } dd { (as_of_text(report.as_of)) }
                        @if let Some((from, to)) = report.period {
                            dt { "Period" } dd { (date(from)) " to " (date(to)) }
                        }
                        @for (k, v) in &report.facts { dt { (k) } dd { (v) } }
                        dt { "Produced by" } dd { (report.generator) ", from the offline cache" }
                    }
                }
                @if report.sections.len() > 2 {
                    nav.toc {
                        ol { @for (i, s) in report.sections.iter().enumerate() { li { a href=(format!("#s{i}")) { (s.title) } } } }
                    }
                }
            }
        }
    };
    let title = title.into_string();
    let title = title.trim_end_matches("</main></body>");
    out.write_all(title.as_bytes())?;
    for (i, s) in report.sections.iter().enumerate() {
        out.write_all(b"\n<section>")?;
        out.write_all(section_head(i, s).into_string().as_bytes())?;
        if let Some(t) = &s.table {
            write_table(conn, t, out, progress, limit)?;
        }
        out.write_all(b"</section>")?;
    }
    let foot = html! {
        footer { (report.title) " · " (report.tenant_name) " (" (report.tenant_id) ") · as of " (as_of_text(report.as_of)) " · " (report.generator) }
    };
    out.write_all(foot.into_string().as_bytes())?;
    out.write_all(b"\n</main></body></html>\n")?;
    Ok(())
}
