//! Charts drawn by plotters into SVG strings, so the window and the reports show the same
//! picture. Tenant strings appear only as bar labels, which plotters' SVG backend escapes (a test
//! holds it to that) and which are cut to 32 characters.

use plotters::prelude::*;

use crate::overview::DailySignIns;
use crate::{Error, Result};

const SUCCESS: RGBColor = RGBColor(15, 108, 189); // Fluent brand blue
const FAILURE: RGBColor = RGBColor(196, 49, 75); // Fluent danger red

/// Stacked daily bars: successes at the bottom, failures on top, one bar per day.
pub fn sign_ins_per_day(days: &[DailySignIns]) -> Result<String> {
    let rows: Vec<(&str, Vec<i64>)> = days
        .iter()
        .map(|d| (d.day.as_str(), vec![d.success, d.failure]))
        .collect();
    daily_stacked(&rows, &[("Success", SUCCESS), ("Failure", FAILURE)])
}

/// One bar per day of the sign-ins a conditional access policy would have blocked (a replay).
pub fn blocks_per_day(days: &[crate::conditional_access::replay::DayBlocks]) -> Result<String> {
    let rows: Vec<(&str, Vec<i64>)> = days
        .iter()
        .map(|d| (d.date.as_str(), vec![d.blocked_sign_ins]))
        .collect();
    daily_stacked(&rows, &[("Would be blocked", FAILURE)])
}

/// One bar per day (`YYYY-MM-DD`, labelled by month and day), each stacking its values in the
/// order of `series`, with a legend naming them.
fn daily_stacked(days: &[(&str, Vec<i64>)], series: &[(&str, RGBColor)]) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (CHART_WIDTH, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let max = days
            .iter()
            .map(|d| d.1.iter().sum::<i64>())
            .max()
            .unwrap_or(0)
            .max(1);
        // Headroom above the tallest bar keeps the legend clear of the bars.
        let top = nice_ceiling(max + max / 4);
        let n = days.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..f64::from(n), 0..top)
            .map_err(chart_err)?;
        let labels: Vec<String> = days
            .iter()
            .map(|d| d.0.get(5..).unwrap_or(d.0).to_string())
            .collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(232, 232, 232))
            .y_labels(6)
            .x_labels(8)
            .x_label_formatter(&|x| labels.get(*x as usize).cloned().unwrap_or_default())
            .y_label_formatter(&|v| thousands(*v))
            .label_style(label_font())
            .draw()
            .map_err(chart_err)?;
        for (s, (label, color)) in series.iter().enumerate() {
            let color = *color;
            chart
                .draw_series(days.iter().enumerate().map(|(i, d)| {
                    let x = i as f64;
                    let below: i64 = d.1.iter().take(s).sum();
                    let value = d.1.get(s).copied().unwrap_or(0);
                    Rectangle::new(
                        [(x + 0.12, below), (x + 0.88, below + value)],
                        color.filled(),
                    )
                }))
                .map_err(chart_err)?
                .label(*label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

/// Width of the dashboard's charts: close to the width they are shown at, so text stays legible.
const CHART_WIDTH: u32 = 640;

fn label_font() -> TextStyle<'static> {
    ("sans-serif", 14).into_font().color(&RGBColor(80, 80, 80))
}

/// "No data in this period", centred, for a chart with nothing to draw.
fn no_data(root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>, height: u32) -> Result<()> {
    root.draw(&Text::new(
        "No data in this period",
        (CHART_WIDTH as i32 / 2 - 80, height as i32 / 2 - 8),
        ("sans-serif", 16).into_font().color(&RGBColor(96, 94, 92)),
    ))
    .map_err(chart_err)?;
    root.present().map_err(chart_err)?;
    Ok(())
}

/// The dark palette of the window's charts, as CSS over the SVG's own colours: Fluent's dark
/// neutrals and its brand, danger and warning colours for dark backgrounds. A chart drawn as an
/// image cannot read the page's theme (and WebKitGTK does not pass the OS's colour scheme to SVG
/// images), so the window asks for it.
const DARK: &str = concat!(
    "<style>",
    "rect[fill=\"#FFFFFF\"]{fill:#292929}",
    "[stroke=\"#E8E8E8\"]{stroke:#3D3D3D}",
    "[stroke=\"#C8C8C8\"]{stroke:#525252}",
    "[stroke=\"#000000\"]{stroke:#ADADAD}",
    "text,[fill=\"#000000\"],[fill=\"#505050\"],[fill=\"#605E5C\"]{fill:#D6D6D6}",
    "[fill=\"#0F6CBD\"]{fill:#479EF5}",
    "[fill=\"#C4314B\"]{fill:#DC626D}",
    "[fill=\"#DA7B0F\"]{fill:#F4A552}",
    "rect[fill=\"#605E5C\"]{fill:#A19F9D}",
    "</style>",
);

/// A chart for the window in its dark theme: the same drawing in the dark palette. Light is the
/// chart as drawn; reports always take that one (they are paper-white documents).
pub fn for_dark_screen(svg: &str) -> String {
    match svg.find('>') {
        Some(end) if svg.starts_with("<svg") => {
            format!("{}{DARK}{}", &svg[..=end], &svg[end + 1..])
        }
        _ => svg.to_string(),
    }
}

/// One series of a bar chart: its legend name and colour.
pub struct Series {
    pub name: &'static str,
    pub color: RGBColor,
}

pub const SERIES_SUCCESS: Series = Series {
    name: "Success",
    color: SUCCESS,
};
pub const SERIES_FAILURE: Series = Series {
    name: "Failure",
    color: FAILURE,
};
pub const SERIES_COUNT: Series = Series {
    name: "Count",
    color: SUCCESS,
};

/// Level and priority colours, high to low.
pub const HIGH: RGBColor = RGBColor(196, 49, 75);
pub const MEDIUM: RGBColor = RGBColor(218, 123, 15);
pub const LOW: RGBColor = RGBColor(96, 94, 92);

/// Horizontal stacked bars, one row per label (top to bottom), one segment per series. Labels
/// may be tenant strings: plotters escapes text it writes into the SVG, and they are cut to 32
/// characters. A chart without data draws "No data" rather than an empty frame.
pub fn horizontal_bars(
    labels: &[String],
    values: &[Vec<i64>],
    series: &[Series],
) -> Result<String> {
    let n = labels.len();
    let height = (64 + 32 * n.max(1)) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (CHART_WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        if n == 0 || values.iter().all(|v| v.iter().all(|x| *x == 0)) {
            no_data(&root, height)?;
            drop(root);
            return Ok(svg);
        }
        let max = values
            .iter()
            .map(|v| v.iter().sum::<i64>())
            .max()
            .unwrap_or(0)
            .max(1);
        let top = nice_ceiling((max + max / 8).max(max + 1));
        let short: Vec<String> = labels
            .iter()
            .map(|l| {
                if l.chars().count() > 32 {
                    format!("{}…", l.chars().take(31).collect::<String>())
                } else {
                    l.clone()
                }
            })
            .collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(250)
            // A discrete range holds both ends: 0..n-1 gives exactly n rows (plotters draws no
            // label on a one-segment axis, so a single row gets an empty one beside it).
            .build_cartesian_2d(0..top, (0..(n as i32 - 1).max(1)).into_segmented())
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(232, 232, 232))
            .x_labels(6)
            .y_labels(n)
            .x_label_formatter(&|v| thousands(*v))
            .y_label_formatter(&|v| match v {
                // Row 0 is drawn at the top.
                SegmentValue::CenterOf(i) => short
                    .get(n.max(2).wrapping_sub(1).wrapping_sub(*i as usize))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(label_font())
            .draw()
            .map_err(chart_err)?;
        for (s, ser) in series.iter().enumerate() {
            let bars = values.iter().enumerate().map(|(row, v)| {
                let start: i64 = v.iter().take(s).sum();
                let end = start + v.get(s).copied().unwrap_or(0);
                let y = (n.max(2) - 1 - row) as i32;
                let mut r = Rectangle::new(
                    [
                        (start, SegmentValue::Exact(y)),
                        (end, SegmentValue::Exact(y + 1)),
                    ],
                    ser.color.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            });
            let drawn = chart.draw_series(bars).map_err(chart_err)?;
            if series.len() > 1 {
                let c = ser.color;
                drawn.label(ser.name).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], c.filled())
                });
            }
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(200, 200, 200))
                .label_font(("sans-serif", 13))
                .draw()
                .map_err(chart_err)?;
        }
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

/// Vertical bars with one colour per bar (e.g. levels), labelled under each bar.
pub fn column_bars(labels: &[String], values: &[i64], colors: &[RGBColor]) -> Result<String> {
    let n = labels.len().max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (CHART_WIDTH, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        if values.iter().all(|v| *v == 0) {
            no_data(&root, 300)?;
            drop(root);
            return Ok(svg);
        }
        let max = values.iter().copied().max().unwrap_or(0).max(1);
        let top = nice_ceiling((max + max / 8).max(max + 1));
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..(n as i32 - 1).max(1)).into_segmented(), 0..top)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(232, 232, 232))
            .y_labels(6)
            .x_labels(n)
            .y_label_formatter(&|v| thousands(*v))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(label_font())
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                let c = colors
                    .get(i % colors.len().max(1))
                    .copied()
                    .unwrap_or(SUCCESS);
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i as i32), 0),
                        (SegmentValue::Exact(i as i32 + 1), *v),
                    ],
                    c.filled(),
                );
                r.set_margin(0, 0, 6, 6);
                r
            }))
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

fn chart_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Chart(format!("{e:?}"))
}

/// The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ) not below `v`, so the
/// y axis ends just above the tallest bar.
fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [10, 12, 15, 20, 25, 30, 40, 50, 60, 80] {
            if m * step >= v * 10 {
                return (m * step) / 10;
            }
        }
        step *= 10;
    }
}

fn thousands(v: i64) -> String {
    let s = v.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_chart_is_an_svg_with_one_bar_pair_per_day() {
        let days: Vec<DailySignIns> = (1..=3)
            .map(|i| DailySignIns {
                day: format!("2026-03-0{i}"),
                success: 100 * i,
                failure: i,
            })
            .collect();
        let svg = sign_ins_per_day(&days).unwrap();
        assert!(svg.starts_with("<svg"), "an SVG document");
        assert!(
            svg.contains("Success") && svg.contains("Failure"),
            "the legend names both series"
        );
        assert!(!svg.contains("<script"), "no script in a chart");
        assert_eq!(
            svg,
            sign_ins_per_day(&days).unwrap(),
            "the same data draws the same bytes"
        );
    }

    #[test]
    fn a_chart_for_a_dark_screen_carries_a_dark_colour_for_every_colour_it_draws() {
        let svg = column_bars(
            &["a".to_string(), "b".into(), "c".into()],
            &[3, 2, 1],
            &[HIGH, MEDIUM, LOW],
        )
        .unwrap();
        let screen = for_dark_screen(&svg);
        assert!(screen.starts_with("<svg") && screen.contains("<style>"));
        assert_eq!(
            screen.replace(DARK, ""),
            svg,
            "the drawing itself is unchanged"
        );
        // Every colour the light chart uses has a dark counterpart in the palette.
        for colour in svg
            .split('"')
            .filter(|p| p.starts_with('#') && p.len() == 7)
        {
            assert!(DARK.contains(colour), "{colour} has no dark colour");
        }
        let days = sign_ins_per_day(&[DailySignIns {
            day: "2026-03-01".into(),
            success: 5,
            failure: 1,
        }])
        .unwrap();
        for colour in days
            .split('"')
            .filter(|p| p.starts_with('#') && p.len() == 7)
        {
            assert!(DARK.contains(colour), "{colour} has no dark colour");
        }
        assert_eq!(for_dark_screen("not an svg"), "not an svg");
    }

    #[test]
    fn axis_helpers_round_and_group_digits() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(11), 12);
        assert_eq!(nice_ceiling(2010), 2500);
        assert_eq!(nice_ceiling(1234), 1500);
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn bar_labels_from_a_tenant_are_escaped_and_an_empty_chart_says_so() {
        let labels = vec![
            "<img src=x onerror=alert(1)> Partner Sync".to_string(),
            "b & c".into(),
        ];
        let svg = horizontal_bars(
            &labels,
            &[vec![3, 1], vec![2, 0]],
            &[SERIES_SUCCESS, SERIES_FAILURE],
        )
        .unwrap();
        assert!(
            !svg.contains("<img"),
            "markup in a name is text, not an element"
        );
        assert!(svg.contains("&lt;img"), "the name is escaped");
        assert!(svg.contains("b &amp; c"));
        let empty = horizontal_bars(&[], &[], &[SERIES_COUNT]).unwrap();
        assert!(empty.contains("No data in this period"));
        let one = horizontal_bars(&["only".to_string()], &[vec![4]], &[SERIES_COUNT]).unwrap();
        assert!(one.contains("only"));
        let zeros = column_bars(&["High".into()], &[0], &[HIGH]).unwrap();
        assert!(zeros.contains("No data in this period"));
        let cols = column_bars(&["High".into(), "Low".into()], &[2, 5], &[HIGH, LOW]).unwrap();
        assert!(cols.starts_with("<svg") && cols.contains("High"));
    }
}
