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
        let max = days
            .iter()
            .map(|d| d.success + d.failure)
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
            .map(|d| d.day.get(5..).unwrap_or(&d.day).to_string())
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
            .label_style(("sans-serif", 12).into_font().color(&RGBColor(80, 80, 80)))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as f64;
                Rectangle::new([(x + 0.12, 0), (x + 0.88, d.success)], SUCCESS.filled())
            }))
            .map_err(chart_err)?
            .label("Success")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], SUCCESS.filled()));
        chart
            .draw_series(days.iter().enumerate().map(|(i, d)| {
                let x = i as f64;
                Rectangle::new(
                    [(x + 0.12, d.success), (x + 0.88, d.success + d.failure)],
                    FAILURE.filled(),
                )
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
    fn axis_helpers_round_and_group_digits() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(11), 12);
        assert_eq!(nice_ceiling(2010), 2500);
        assert_eq!(nice_ceiling(1234), 1500);
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
