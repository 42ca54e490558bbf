//! PDF through krilla: a title page (tenant, as-of time, Steward's version), then the sections
//! with vector charts (the core's SVG, drawn by krilla-svg) and text in an embedded, subset
//! font, and "Page N of M" on every page. Layout runs first into a list of pages of drawing
//! operations, so the page count is known when the footers are drawn.

use std::io::Write;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use rusqlite::Connection;

use crate::fonts::Fonts;
use crate::ir::{ColumnKind, Report, Section, Table};
use crate::text::{as_of_text, date, display};
use crate::{Error, Progress, Result};

const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN: f32 = 40.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const TOP: f32 = MARGIN;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = PAGE_H - MARGIN;
/// A printed table stops after this many rows and says where the rest is.
pub const MAX_TABLE_ROWS: u64 = 2_000;

type Rgb = (u8, u8, u8);
const INK: Rgb = (36, 36, 36);
const MUTED: Rgb = (97, 97, 97);
const LINE: Rgb = (224, 224, 224);
const BRAND: Rgb = (15, 108, 189);
const WARN: Rgb = (196, 49, 75);
const HEADER_BG: Rgb = (242, 242, 242);
const ZEBRA: Rgb = (250, 250, 250);

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
    },
    Svg {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        url: String,
    },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    svgs: Vec<usvg::Tree>,
    svg_options: usvg::Options<'static>,
    /// Section title, page index and y, for the PDF's outline.
    outline: Vec<(String, usize, f32)>,
}

impl<'f> Layout<'f> {
    fn page(&mut self) -> &mut Vec<Op> {
        self.pages
            .last_mut()
            .expect("a page is started before anything is laid out")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page when fewer than `h` points are left.
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        self.page().push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text,
        });
    }

    /// Wrapped text across the content width, breaking pages between lines.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, color: Rgb, width: f32) {
        let line_h = size * 1.35;
        for line in self.fonts.wrap(text, size, bold, width, usize::MAX) {
            self.ensure(line_h);
            self.y += size;
            let y = self.y;
            self.text(MARGIN, y, size, bold, color, line);
            self.y += line_h - size;
        }
    }

    /// A horizontal line across the content width.
    fn rule(&mut self, y: f32, width: f32) {
        self.page().push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: MARGIN + CONTENT_W,
            y2: y,
            color: LINE,
            width,
        });
    }

    fn heading(&mut self, title: &str) {
        self.ensure(60.0);
        self.y += 10.0;
        let page = self.pages.len() - 1;
        self.outline.push((title.to_string(), page, self.y));
        self.paragraph(title, 15.0, true, INK, CONTENT_W);
        let y = self.y + 2.0;
        self.rule(y, 0.8);
        self.y += 8.0;
    }

    fn kpis(&mut self, s: &Section) {
        let per_row = 4usize;
        let gap = 10.0;
        let w = (CONTENT_W - gap * (per_row as f32 - 1.0)) / per_row as f32;
        let h = 66.0;
        for chunk in s.kpis.chunks(per_row) {
            self.ensure(h + gap);
            let top = self.y;
            for (i, k) in chunk.iter().enumerate() {
                let x = MARGIN + i as f32 * (w + gap);
                self.page().push(Op::Rect {
                    x,
                    y: top,
                    w,
                    h,
                    fill: None,
                    stroke: Some(LINE),
                });
                let label = self.fonts.wrap(&k.label, 7.5, false, w - 12.0, 1);
                self.text(x + 6.0, top + 13.0, 7.5, false, MUTED, label.concat());
                let value = self.fonts.wrap(&k.value, 15.0, true, w - 12.0, 1);
                self.text(
                    x + 6.0,
                    top + 33.0,
                    15.0,
                    true,
                    if k.alert { WARN } else { INK },
                    value.concat(),
                );
                for (j, line) in self
                    .fonts
                    .wrap(&k.detail, 6.5, false, w - 12.0, 3)
                    .into_iter()
                    .enumerate()
                {
                    self.text(
                        x + 6.0,
                        top + 44.0 + j as f32 * 8.0,
                        6.5,
                        false,
                        MUTED,
                        line,
                    );
                }
            }
            self.y = top + h + gap;
        }
    }

    /// Reads a chart and the size it will take on the page.
    fn chart_tree(&self, svg: &str) -> Result<(usvg::Tree, f32, f32)> {
        let tree = usvg::Tree::from_str(svg, &self.svg_options)
            .map_err(|e| Error::Pdf(format!("a chart could not be read: {e}")))?;
        let size = tree.size();
        let w = (size.width() * 0.75).min(CONTENT_W);
        let h = size.height() * w / size.width();
        Ok((tree, w, h))
    }

    fn chart(&mut self, (tree, w, h): (usvg::Tree, f32, f32)) -> Result<()> {
        self.ensure(h + 10.0);
        let y = self.y;
        self.svgs.push(tree);
        let index = self.svgs.len() - 1;
        self.page().push(Op::Svg {
            index,
            x: MARGIN,
            y,
            w,
            h,
        });
        self.y += h + 10.0;
        Ok(())
    }

    fn table_header(&mut self, t: &Table, widths: &[f32], size: f32) -> f32 {
        let lines: Vec<Vec<String>> = t
            .columns
            .iter()
            .zip(widths)
            .map(|(c, w)| self.fonts.wrap(&c.header, size, true, w - 4.0, 3))
            .collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * size * 1.25 + 5.0;
        let top = self.y;
        self.page().push(Op::Rect {
            x: MARGIN,
            y: top,
            w: CONTENT_W,
            h,
            fill: Some(HEADER_BG),
            stroke: None,
        });
        let mut x = MARGIN;
        for (cell, w) in lines.into_iter().zip(widths) {
            for (j, line) in cell.into_iter().enumerate() {
                self.text(
                    x + 2.0,
                    top + 2.0 + size + j as f32 * size * 1.25,
                    size,
                    true,
                    INK,
                    line,
                );
            }
            x += w;
        }
        self.y = top + h;
        h
    }

    fn table(&mut self, conn: &Connection, t: &Table, progress: &mut Progress<'_>) -> Result<()> {
        let size = if t.columns.len() > 8 { 6.5 } else { 7.5 };
        let line_h = size * 1.25;
        let total: f32 = t.columns.iter().map(|c| c.width).sum::<f32>().max(0.1);
        let widths: Vec<f32> = t
            .columns
            .iter()
            .map(|c| c.width / total * CONTENT_W)
            .collect();
        self.ensure(60.0);
        self.paragraph(&t.title, 9.0, true, MUTED, CONTENT_W);
        self.y += 2.0;
        self.table_header(t, &widths, size);
        let mut shown = 0u64;
        let mut all = 0u64;
        t.for_each_row(conn, &mut |row| {
            all += 1;
            progress.row()?;
            if shown >= MAX_TABLE_ROWS {
                return Ok(());
            }
            shown += 1;
            let cells: Vec<(Vec<String>, Option<String>)> = row
                .iter()
                .zip(&t.columns)
                .zip(&widths)
                .map(|((cell, c), w)| {
                    let text = display(cell, c.kind);
                    if c.kind == ColumnKind::Link && text.starts_with("https://") {
                        (vec!["Open".to_string()], Some(text))
                    } else {
                        (self.fonts.wrap(&text, size, false, w - 4.0, 4), None)
                    }
                })
                .collect();
            let n = cells.iter().map(|c| c.0.len()).max().unwrap_or(1).max(1);
            let h = n as f32 * line_h + 4.0;
            if self.y + h > BOTTOM {
                self.new_page();
                self.table_header(t, &widths, size);
            }
            let top = self.y;
            if shown.is_multiple_of(2) {
                self.page().push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w: CONTENT_W,
                    h,
                    fill: Some(ZEBRA),
                    stroke: None,
                });
            }
            let mut x = MARGIN;
            for ((lines, link), (w, c)) in cells.into_iter().zip(widths.iter().zip(&t.columns)) {
                let numeric = matches!(
                    c.kind,
                    ColumnKind::Integer
                        | ColumnKind::Number
                        | ColumnKind::Money
                        | ColumnKind::Percent
                );
                for (j, line) in lines.into_iter().enumerate() {
                    let lw = self.fonts.text_width(&line, size, false);
                    let tx = if numeric { x + w - 2.0 - lw } else { x + 2.0 };
                    let color = if link.is_some() { BRAND } else { INK };
                    self.text(
                        tx,
                        top + 2.0 + size + j as f32 * line_h,
                        size,
                        false,
                        color,
                        line,
                    );
                }
                if let Some(url) = link {
                    self.page().push(Op::Link {
                        x,
                        y: top,
                        w: *w,
                        h,
                        url,
                    });
                }
                x += w;
            }
            self.y = top + h;
            self.rule(top + h, 0.4);
            Ok(())
        })?;
        self.y += 4.0;
        let note = if all == 0 {
            "None.".to_string()
        } else if all > shown {
            format!(
                "{} of {} rows shown; the XLSX, CSV and JSON exports of this report hold them all.",
                crate::text::thousands(shown as i64),
                crate::text::thousands(all as i64)
            )
        } else {
            format!("{} rows", crate::text::thousands(all as i64))
        };
        self.paragraph(&note, 7.5, false, MUTED, CONTENT_W);
        self.y += 6.0;
        Ok(())
    }
}

fn title_page(l: &mut Layout<'_>, report: &Report) {
    l.new_page();
    l.page().push(Op::Rect {
        x: 0.0,
        y: 0.0,
        w: PAGE_W,
        h: 8.0,
        fill: Some(BRAND),
        stroke: None,
    });
    l.y = 150.0;
    l.paragraph(&report.title, 28.0, true, INK, CONTENT_W);
    l.y += 6.0;
    l.paragraph(&report.tenant_name, 16.0, false, MUTED, CONTENT_W);
    l.y += 18.0;
    let mut facts: Vec<(String, String)> = vec![
        ("Tenant id".into(), report.tenant_id.clone()),
        ("As of".into(), as_of_text(report.as_of)),
    ];
    if let Some((a, b)) = report.period {
        facts.push(("Period".into(), format!("{} to {}", date(a), date(b))));
    }
    facts.extend(report.facts.iter().cloned());
    facts.push((
        "Produced by".into(),
        format!("{}, from the offline cache", report.generator),
    ));
    for (k, v) in facts {
        let lines = l.fonts.wrap(&v, 10.0, false, CONTENT_W - 160.0, 3);
        let h = lines.len() as f32 * 13.0 + 3.0;
        l.ensure(h);
        let y = l.y + 10.0;
        l.text(MARGIN, y, 10.0, true, MUTED, k);
        for (i, line) in lines.into_iter().enumerate() {
            l.text(MARGIN + 160.0, y + i as f32 * 13.0, 10.0, false, INK, line);
        }
        l.y += h;
    }
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        width,
        ..Default::default()
    }
}

/// A stable document id from what the report is: the same report gives the same id.
fn document_id(report: &Report) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let key = format!(
        "{}|{}|{}|{:?}",
        report.kind.as_str(),
        report.tenant_id,
        report.as_of.timestamp_millis(),
        report.period
    );
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}{:016x}", h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15)
}

pub fn write(
    conn: &Connection,
    report: &Report,
    out: &mut dyn Write,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let fonts = Fonts::load();
    let mut svg_options = usvg::Options::default();
    {
        let db = Arc::make_mut(&mut svg_options.fontdb);
        db.load_font_data(fonts.regular.data.to_vec());
        db.load_font_data(fonts.bold.data.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
    }
    svg_options.font_family = "DejaVu Sans".into();
    let mut l = Layout {
        fonts: &fonts,
        pages: Vec::new(),
        y: TOP,
        svgs: Vec::new(),
        svg_options,
        outline: Vec::new(),
    };
    title_page(&mut l, report);
    for s in &report.sections {
        if l.pages.len() == 1 {
            l.new_page();
        }
        // A heading stays on the page of its chart (or at least of its first lines).
        let chart = s
            .chart
            .as_deref()
            .map(|svg| l.chart_tree(svg))
            .transpose()?;
        let text_h: f32 =
            s.paragraphs.len() as f32 * 26.0 + if s.kpis.is_empty() { 0.0 } else { 76.0 };
        l.ensure(40.0 + text_h.min(200.0) + chart.as_ref().map_or(0.0, |c| c.2 + 10.0));
        l.heading(&s.title);
        for p in &s.paragraphs {
            l.paragraph(p, 9.0, false, INK, CONTENT_W.min(620.0));
            l.y += 3.0;
        }
        if !s.kpis.is_empty() {
            l.y += 4.0;
            l.kpis(s);
        }
        if let Some(c) = chart {
            l.chart(c)?;
        }
        if let Some(t) = &s.table {
            l.table(conn, t, progress)?;
        }
        progress.check()?;
    }

    let regular = Font::new(fonts.regular.data.clone().into(), fonts.regular.index)
        .ok_or_else(|| Error::Pdf("the bundled font could not be loaded".into()))?;
    let bold = Font::new(fonts.bold.data.clone().into(), fonts.bold.index)
        .ok_or_else(|| Error::Pdf("the bundled bold font could not be loaded".into()))?;
    let fallback = fonts
        .fallback
        .as_ref()
        .and_then(|f| Font::new(f.data.clone().into(), f.index));

    let mut doc = Document::new();
    let total = l.pages.len();
    let footer_left = format!("{} — {}", report.title, report.tenant_name);
    let footer_left = fonts
        .wrap(&footer_left, 7.5, false, CONTENT_W - 120.0, 1)
        .concat();
    for (n, ops) in l.pages.iter().enumerate() {
        let settings = PageSettings::new(
            Size::from_wh(PAGE_W, PAGE_H).ok_or_else(|| Error::Pdf("page size".into()))?,
        );
        let mut page = doc.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = page.surface();
            let draw_text = |surface: &mut krilla::surface::Surface<'_>,
                             x: f32,
                             y: f32,
                             size: f32,
                             bold_text: bool,
                             color: Rgb,
                             text: &str| {
                surface.set_fill(Some(fill(color)));
                surface.set_stroke(None);
                let mut x = x;
                for (run, use_fallback) in fonts.runs(text, bold_text) {
                    let font = match (&fallback, use_fallback, bold_text) {
                        (Some(f), true, _) => f.clone(),
                        (_, _, true) => bold.clone(),
                        _ => regular.clone(),
                    };
                    surface.draw_text(
                        Point::from_xy(x, y),
                        font,
                        size,
                        run,
                        false,
                        TextDirection::Auto,
                    );
                    x += fonts.text_width(run, size, bold_text);
                }
            };
            for op in ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        bold: b,
                        color,
                        text,
                    } => draw_text(&mut surface, *x, *y, *size, *b, *color, text),
                    Op::Rect {
                        x,
                        y,
                        w,
                        h,
                        fill: f,
                        stroke: s,
                    } => {
                        let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                            continue;
                        };
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        let Some(path) = pb.finish() else { continue };
                        surface.set_fill(f.map(fill));
                        surface.set_stroke(s.map(|c| stroke(c, 0.8)));
                        surface.draw_path(&path);
                    }
                    Op::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        color,
                        width,
                    } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y1);
                        pb.line_to(*x2, *y2);
                        let Some(path) = pb.finish() else { continue };
                        surface.set_fill(None);
                        surface.set_stroke(Some(stroke(*color, *width)));
                        surface.draw_path(&path);
                    }
                    Op::Svg { index, x, y, w, h } => {
                        let Some(size) = Size::from_wh(*w, *h) else {
                            continue;
                        };
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_svg(&l.svgs[*index], size, SvgSettings::default());
                        surface.pop();
                    }
                    Op::Link { x, y, w, h, url } => links.push((*x, *y, *w, *h, url.clone())),
                }
            }
            // Footer: what the document is, and where in it the reader is.
            let fy = PAGE_H - 22.0;
            draw_text(&mut surface, MARGIN, fy, 7.5, false, MUTED, &footer_left);
            let label = format!("Page {} of {}", n + 1, total);
            let lw = fonts.text_width(&label, 7.5, false);
            draw_text(
                &mut surface,
                PAGE_W - MARGIN - lw,
                fy,
                7.5,
                false,
                MUTED,
                &label,
            );
            surface.finish();
        }
        for (x, y, w, h, url) in links {
            if let Some(rect) = Rect::from_xywh(x, y, w, h) {
                page.add_annotation(
                    krilla::annotation::LinkAnnotation::new(
                        rect,
                        krilla::annotation::Target::Action(
                            krilla::action::LinkAction::new(url).into(),
                        ),
                    )
                    .into(),
                );
            }
        }
        page.finish();
    }
    let mut outline = Outline::new();
    for (title, page, y) in &l.outline {
        outline.push_child(OutlineNode::new(
            title.clone(),
            krilla::destination::XyzDestination::new(*page, Point::from_xy(MARGIN, *y)),
        ));
    }
    doc.set_outline(outline);
    let t = report.as_of;
    use chrono::{Datelike, Timelike};
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", report.title, report.tenant_name))
            .description(format!(
                "Tenant {} as of {}",
                report.tenant_id,
                as_of_text(t)
            ))
            .creator(report.generator.clone())
            .producer(report.generator.clone())
            .language("en".into())
            .document_id(document_id(report))
            .creation_date(
                PdfDateTime::new(t.year() as u16)
                    .month(t.month() as u8)
                    .day(t.day() as u8)
                    .hour(t.hour() as u8)
                    .minute(t.minute() as u8)
                    .second(t.second() as u8)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            ),
    );
    let bytes = doc.finish().map_err(|e| Error::Pdf(format!("{e:?}")))?;
    out.write_all(&bytes)?;
    Ok(())
}
