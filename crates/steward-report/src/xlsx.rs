//! XLSX through rust_xlsxwriter: a cover sheet, then one sheet per table with typed cells (dates
//! as dates, numbers as numbers), a frozen header, an autofilter and column widths. Sheets are
//! written in constant-memory mode, row by row, and a table longer than Excel's 1,048,576 rows
//! continues on further sheets. The licenses report adds a planner sheet whose formulas stay live.

use std::collections::HashSet;
use std::io::Write;

use rusqlite::Connection;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as XFormat, FormatBorder, Formula, Url, Workbook,
    Worksheet,
};

use crate::ir::{Cell, ColumnKind, PlannerModel, Report, Table};
use crate::text::{as_of_text, neutralise};
use crate::{Progress, Result};

/// Excel's rows per sheet, header included.
const MAX_ROWS: u32 = 1_048_576;
/// Excel's limit on hyperlinks per sheet; beyond it links are written as text.
const MAX_LINKS: u32 = 65_000;
/// Excel's limit on characters in a cell.
const MAX_CELL: usize = 32_767;

struct Formats {
    header: XFormat,
    date_time: XFormat,
    date: XFormat,
    money: XFormat,
    percent: XFormat,
    integer: XFormat,
    number: XFormat,
    title: XFormat,
    label: XFormat,
    input: XFormat,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: XFormat::new()
                .set_bold()
                .set_background_color("F2F2F2")
                .set_border_bottom(FormatBorder::Thin),
            date_time: XFormat::new().set_num_format("yyyy-mm-dd hh:mm"),
            date: XFormat::new().set_num_format("yyyy-mm-dd"),
            money: XFormat::new().set_num_format("#,##0.00"),
            percent: XFormat::new().set_num_format("0.0%"),
            integer: XFormat::new().set_num_format("#,##0"),
            number: XFormat::new().set_num_format("#,##0.##"),
            title: XFormat::new().set_bold().set_font_size(16),
            label: XFormat::new().set_bold(),
            input: XFormat::new()
                .set_background_color("FFF2CC")
                .set_border(FormatBorder::Thin),
        }
    }
}

fn excel_time(ms: i64) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_timestamp(ms.div_euclid(1000))?)
}

fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL {
        return s;
    }
    let mut end = MAX_CELL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A sheet name: Excel allows 31 characters and forbids `[]:*?/\`; names must be unique.
fn sheet_name(title: &str, used: &mut HashSet<String>) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\''))
        .collect();
    let base: String = clean.trim().chars().take(28).collect();
    let base = if base.is_empty() {
        "Sheet".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{} {n}", base.chars().take(26).collect::<String>());
        n += 1;
    }
    name
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: ColumnKind,
    f: &Formats,
    links: &mut u32,
) -> Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            let s = clip(s);
            if kind == ColumnKind::Link
                && s.starts_with("https://")
                && *links < MAX_LINKS
                && s.len() < 2000
            {
                *links += 1;
                ws.write_url_with_text(row, col, Url::new(s), "Open in admin center")?;
            } else {
                ws.write_string(row, col, neutralise(s))?;
            }
        }
        Cell::Int(n) => {
            let fmt = match kind {
                ColumnKind::Money => &f.money,
                _ => &f.integer,
            };
            ws.write_number_with_format(row, col, *n as f64, fmt)?;
        }
        Cell::Num(v) if v.is_finite() => {
            let fmt = match kind {
                ColumnKind::Money => &f.money,
                ColumnKind::Percent => &f.percent,
                ColumnKind::Integer => &f.integer,
                _ => &f.number,
            };
            ws.write_number_with_format(row, col, *v, fmt)?;
        }
        Cell::Num(_) => {}
        Cell::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
        Cell::Time(ms) => {
            let fmt = if kind == ColumnKind::Date {
                &f.date
            } else {
                &f.date_time
            };
            ws.write_datetime_with_format(row, col, excel_time(*ms)?, fmt)?;
        }
    }
    Ok(())
}

fn start_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    t: &Table,
    f: &Formats,
) -> Result<&'w mut Worksheet> {
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    for (i, c) in t.columns.iter().enumerate() {
        let width = match c.kind {
            ColumnKind::DateTime => 17.0,
            ColumnKind::Date => 11.0,
            _ => (c.width * 11.0).clamp(8.0, 60.0),
        };
        ws.set_column_width(i as u16, width)?;
        ws.write_string_with_format(0, i as u16, &c.header, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(ws)
}

fn finish_sheet(ws: &mut Worksheet, rows: u32, cols: usize) -> Result<()> {
    if cols > 0 {
        ws.autofilter(0, 0, rows.max(1), (cols - 1) as u16)?;
    }
    Ok(())
}

fn write_table(
    conn: &Connection,
    wb: &mut Workbook,
    t: &Table,
    f: &Formats,
    used: &mut HashSet<String>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let base = sheet_name(&t.title, used);
    let cols = t.columns.len();
    let mut row: u32 = 0;
    let mut links = 0u32;
    let mut part = 1;
    let mut current = base.clone();
    // The worksheet is looked up by name for each row: the workbook owns it, and a long table
    // adds sheets as it goes.
    start_sheet(wb, &current, t, f)?;
    t.for_each_row(conn, &mut |cells| {
        if row + 1 >= MAX_ROWS {
            let ws = wb.worksheet_from_name(&current)?;
            finish_sheet(ws, row, cols)?;
            part += 1;
            current = sheet_name(&format!("{base} ({part})"), used);
            start_sheet(wb, &current, t, f)?;
            row = 0;
            links = 0;
        }
        row += 1;
        let ws = wb.worksheet_from_name(&current)?;
        for (i, (cell, c)) in cells.iter().zip(&t.columns).enumerate() {
            write_cell(ws, row, i as u16, cell, c.kind, f, &mut links)?;
        }
        progress.row()
    })?;
    let ws = wb.worksheet_from_name(&current)?;
    finish_sheet(ws, row, cols)?;
    Ok(())
}

fn cover(wb: &mut Workbook, report: &Report, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name("Report")?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 80)?;
    ws.write_string_with_format(0, 0, neutralise(&report.title), &f.title)?;
    let mut r = 2;
    let mut fact = |ws: &mut Worksheet, k: &str, v: &str| -> Result<()> {
        ws.write_string_with_format(r, 0, neutralise(k), &f.label)?;
        ws.write_string(r, 1, neutralise(clip(v)))?;
        r += 1;
        Ok(())
    };
    fact(ws, "Tenant", &report.tenant_name)?;
    fact(ws, "Tenant id", &report.tenant_id)?;
    fact(ws, "As of", &as_of_text(report.as_of))?;
    if let Some((a, b)) = report.period {
        fact(
            ws,
            "Period",
            &format!("{} to {}", crate::text::date(a), crate::text::date(b)),
        )?;
    }
    for (k, v) in &report.facts {
        fact(ws, k, v)?;
    }
    fact(ws, "Produced by", &report.generator)?;
    r += 1;
    for s in &report.sections {
        if s.kpis.is_empty() && s.paragraphs.is_empty() {
            continue;
        }
        ws.write_string_with_format(r, 0, neutralise(clip(&s.title)), &f.label)?;
        r += 1;
        for p in &s.paragraphs {
            ws.write_string(r, 1, neutralise(clip(p)))?;
            r += 1;
        }
        for k in &s.kpis {
            ws.write_string(r, 0, neutralise(&k.label))?;
            let v = if k.detail.is_empty() {
                k.value.clone()
            } else {
                format!("{} ({})", k.value, k.detail)
            };
            ws.write_string(r, 1, neutralise(clip(&v)))?;
            r += 1;
        }
        r += 1;
    }
    Ok(())
}

/// The planner with live formulas: inputs in yellow (price, growth, each scenario's identities,
/// each month's free-trial share); identities per month grow as the window's planner computes
/// them (compounded monthly, rounded up) and the horizon totals sum the monthly costs. Each
/// formula carries the value Steward computed, so readers that do not recalculate see it too.
fn planner(
    wb: &mut Workbook,
    p: &PlannerModel,
    f: &Formats,
    used: &mut HashSet<String>,
) -> Result<()> {
    let name = sheet_name("Planner", used);
    let ws = wb.add_worksheet();
    ws.set_name(&name)?;
    ws.set_column_width(0, 34)?;
    for c in 1..(3 + 2 * p.scenarios.len() as u16) {
        ws.set_column_width(c, 16)?;
    }
    ws.write_string_with_format(0, 0, "Price per identity per month", &f.label)?;
    ws.write_number_with_format(0, 1, p.price, &f.input.clone().set_num_format("#,##0.00"))?;
    ws.write_string(0, 2, neutralise(&p.currency))?;
    ws.write_string_with_format(1, 0, "Growth per year", &f.label)?;
    ws.write_number_with_format(
        1,
        1,
        p.growth_pct / 100.0,
        &f.input.clone().set_num_format("0.0%"),
    )?;
    ws.write_string(2, 0, "Change the yellow cells: the costs below follow.")?;
    let head_row = 4;
    for (c, h) in [
        "Scenario",
        "Identities today",
        "12 months",
        "24 months",
        "36 months",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(head_row, c as u16, *h, &f.header)?;
    }
    let n = p.scenarios.len() as u32;
    let month_head = head_row + n + 3;
    let first_month = month_head + 1;
    let monthly_growth = (1.0 + p.growth_pct / 100.0).max(0.0).powf(1.0 / 12.0);
    let col_name = |c: u16| -> String {
        let mut c = c as u32 + 1;
        let mut s = String::new();
        while c > 0 {
            let r = (c - 1) % 26;
            s.insert(0, (b'A' + r as u8) as char);
            c = (c - 1) / 26;
        }
        s
    };
    // Month table: A month, B start, C free share, then per scenario identities and cost.
    ws.write_string_with_format(month_head, 0, "Month", &f.header)?;
    ws.write_string_with_format(month_head, 1, "Starts", &f.header)?;
    ws.write_string_with_format(month_head, 2, "Free-trial share", &f.header)?;
    let mut totals = vec![[0.0f64; 3]; p.scenarios.len()];
    for (j, (scenario, base)) in p.scenarios.iter().enumerate() {
        let r = head_row + 1 + j as u32;
        ws.write_string(r, 0, neutralise(scenario))?;
        if let Some(b) = base {
            ws.write_number_with_format(r, 1, *b as f64, &f.input.clone().set_num_format("#,##0"))?;
        }
        let ic = 3 + 2 * j as u16;
        ws.write_string_with_format(
            month_head,
            ic,
            neutralise(&format!("Identities: {scenario}")),
            &f.header,
        )?;
        ws.write_string_with_format(
            month_head,
            ic + 1,
            neutralise(&format!("Cost: {scenario}")),
            &f.header,
        )?;
    }
    for m in 0..p.free_share.len() as u32 {
        let r = first_month + m;
        let excel_row = r + 1;
        ws.write_number(r, 0, (m + 1) as f64)?;
        let start =
            p.start + (m as f64 * steward_core::licensing::MONTH_DAYS * 86_400_000.0) as i64;
        ws.write_datetime_with_format(r, 1, excel_time(start)?, &f.date)?;
        ws.write_number_with_format(
            r,
            2,
            p.free_share[m as usize],
            &f.input.clone().set_num_format("0.00"),
        )?;
        for (j, (_, base)) in p.scenarios.iter().enumerate() {
            let base_ref = format!("$B${}", head_row + 2 + j as u32);
            let ic = 3 + 2 * j as u16;
            let (ident, cost) = match base {
                Some(b) => {
                    let count = (*b as f64 * monthly_growth.powi(m as i32)).ceil();
                    let cost = count * p.price * (1.0 - p.free_share[m as usize]);
                    (count.to_string(), cost)
                }
                None => (String::new(), 0.0),
            };
            if base.is_some() {
                for (h, months) in [12u32, 24, 36].iter().enumerate() {
                    if m < *months {
                        totals[j][h] += cost;
                    }
                }
            }
            ws.write_formula_with_format(
                r,
                ic,
                Formula::new(format!(
                    "=IF({base_ref}=\"\",\"\",ROUNDUP({base_ref}*MAX(0,1+$B$2)^((A{excel_row}-1)/12),0))"
                ))
                .set_result(ident),
                &f.integer,
            )?;
            ws.write_formula_with_format(
                r,
                ic + 1,
                Formula::new(format!(
                    "=IF({base_ref}=\"\",\"\",{}{excel_row}*$B$1*(1-C{excel_row}))",
                    col_name(ic)
                ))
                .set_result(if base.is_some() {
                    format!("{cost}")
                } else {
                    String::new()
                }),
                &f.money,
            )?;
        }
    }
    for (j, (_, base)) in p.scenarios.iter().enumerate() {
        let r = head_row + 1 + j as u32;
        let cost_col = col_name(3 + 2 * j as u16 + 1);
        for (h, months) in [12u32, 24, 36].iter().enumerate() {
            let last = first_month + months;
            ws.write_formula_with_format(
                r,
                2 + h as u16,
                Formula::new(format!(
                    "=IF($B${}=\"\",\"\",SUM({cost_col}{}:{cost_col}{last}))",
                    r + 1,
                    first_month + 1
                ))
                .set_result(if base.is_some() {
                    format!("{}", (totals[j][h] * 100.0).round() / 100.0)
                } else {
                    String::new()
                }),
                &f.money,
            )?;
        }
    }
    ws.set_freeze_panes(month_head + 1, 1)?;
    Ok(())
}

pub fn write(
    conn: &Connection,
    report: &Report,
    out: &mut (dyn Write + Send),
    progress: &mut Progress<'_>,
) -> Result<()> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // Every date in the file derives from `as_of`: the same cache and `as_of` give the same bytes.
    wb.set_properties(
        &DocProperties::new()
            .set_title(&report.title)
            .set_subject(format!("{} ({})", report.tenant_name, report.tenant_id))
            .set_author(&report.generator)
            .set_creation_datetime(&report.as_of),
    );
    let mut used = HashSet::new();
    used.insert("report".to_string());
    cover(&mut wb, report, &f)?;
    for s in &report.sections {
        if let Some(p) = &s.planner {
            planner(&mut wb, p, &f, &mut used)?;
        }
        if let Some(t) = &s.table {
            write_table(conn, &mut wb, t, &f, &mut used, progress)?;
        }
    }
    wb.save_to_writer(out)?;
    Ok(())
}
