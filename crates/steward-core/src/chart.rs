//! Charts drawn by plotters into SVG strings, so the window and the reports show the same
//! picture. Charts carry only numbers and dates, never tenant strings.

use plotters::prelude::*;

use crate::overview::DailySignIns;
use crate::{Error, Result};

const SUCCESS: RGBColor = RGBColor(15, 108, 189); // Fluent brand blue
const FAILURE: RGBColor = RGBColor(196, 49, 75); // Fluent danger red

/// Stacked daily bars: successes at the bottom, failures on top, one bar per day.
pub fn sign_ins_per_day(days: &[DailySignIns]) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let max = days.iter().map(|d| d.success + d.failure).max().unwrap_or(0).max(1);
        let top = nice_ceiling(max);
        let n = days.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0..n, 0..top)
            .map_err(chart_err)?;
        let labels: Vec<String> = days.iter().map(|d| d.day.get(5..).unwrap_or(&d.day).to_string()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_labels(8)
            .x_label_formatter(&|i| labels.get(*i as usize).cloned().unwrap_or_default())
            .y_label_formatter(&|v| thousands(*v))
            .label_style(("sans-serif", 12).into_font().color(&RGBColor(80, 80, 80)))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as i32;
                Rectangle::new([(x, 0), (x + 1, d.success)], SUCCESS.filled())
            }))
            .map_err(chart_err)?
            .label("Success")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], SUCCESS.filled()));
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as i32;
                Rectangle::new([(x, d.success), (x + 1, d.success + d.failure)], FAILURE.filled())
            }))
            .map_err(chart_err)?
            .label("Failure")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], FAILURE.filled()));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

fn chart_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Chart(format!("{e:?}"))
}

/// The smallest 1, 2 or 5 × 10ⁿ not below `v`, so the y axis ends on a round number.
fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= v {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn thousands(v: i64) -> String {
    let s = v.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
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
        assert!(svg.contains("Success") && svg.contains("Failure"), "the legend names both series");
        assert!(!svg.contains("<script"), "no script in a chart");
        assert_eq!(svg, sign_ins_per_day(&days).unwrap(), "the same data draws the same bytes");
    }

    #[test]
    fn axis_helpers_round_and_group_digits() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(1234), 2000);
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
