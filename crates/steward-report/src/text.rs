//! How cells read as text, shared by the writers.

use chrono::{DateTime, SecondsFormat, Utc};
use steward_core::clock::from_ms;

use crate::ir::{Cell, ColumnKind};

/// A text cell that a spreadsheet would run as a formula gets a leading `'`; the text itself is
/// kept. A formula is a first non-blank character of `=`, `+`, `-`, `@` (spreadsheets skip
/// leading spaces, and some read the fullwidth `＝ ＋ － ＠` as the ASCII ones), or a leading tab
/// or carriage return, which OWASP adds.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    let formula = |c: char| {
        matches!(
            c,
            '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
        )
    };
    let first = s.chars().next();
    let first_shown = s
        .trim_start_matches([' ', '\u{3000}', '\u{A0}'])
        .chars()
        .next();
    if matches!(first, Some('\t' | '\r')) || first_shown.is_some_and(formula) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 1234.5 → "1,234.50".
pub fn money(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    format!("{sign}{}.{:02}", thousands(cents / 100), cents % 100)
}

pub fn date_time(ms: i64) -> String {
    from_ms(ms).format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn date(ms: i64) -> String {
    from_ms(ms).format("%Y-%m-%d").to_string()
}

pub fn rfc3339(ms: i64) -> String {
    from_ms(ms).to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn as_of_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A cell as people read it (HTML, PDF).
pub fn display(cell: &Cell, kind: ColumnKind) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => thousands(*n),
        Cell::Num(v) => match kind {
            ColumnKind::Money => money(*v),
            ColumnKind::Percent => format!("{:.1} %", v * 100.0),
            _ if v.fract() == 0.0 && v.abs() < 1e15 => thousands(*v as i64),
            _ => format!("{v:.2}"),
        },
        Cell::Bool(b) => if *b { "Yes" } else { "No" }.into(),
        Cell::Time(ms) => match kind {
            ColumnKind::Date => date(*ms),
            _ => date_time(*ms),
        },
    }
}

/// A cell as machines read it (CSV): numbers plain, instants in RFC 3339, dates as YYYY-MM-DD.
pub fn machine(cell: &Cell, kind: ColumnKind) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => neutralise(s).into_owned(),
        Cell::Int(n) => n.to_string(),
        Cell::Num(v) => {
            if v.is_finite() {
                let s = format!("{v}");
                s
            } else {
                String::new()
            }
        }
        Cell::Bool(b) => b.to_string(),
        Cell::Time(ms) => match kind {
            ColumnKind::Date => date(*ms),
            _ => rfc3339(*ms),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised_and_the_text_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            neutralise("Payroll = good"),
            "Payroll = good",
            "only a leading sign is a formula"
        );
        assert_eq!(
            neutralise("  =1+1"),
            "'  =1+1",
            "spreadsheets skip leading spaces"
        );
        assert_eq!(
            neutralise("\u{3000}@x"),
            "'\u{3000}@x",
            "an ideographic space too"
        );
        assert_eq!(neutralise("＝1+1"), "'＝1+1", "the fullwidth equals sign");
        assert_eq!(neutralise("＋1"), "'＋1");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("   "), "   ", "blank is not a formula");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn numbers_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(money(1234.5), "1,234.50");
        assert_eq!(money(-0.5), "-0.50");
    }

    #[test]
    fn numbers_stay_numbers_in_csv() {
        assert_eq!(
            machine(&Cell::Int(-5), ColumnKind::Integer),
            "-5",
            "a negative number is not neutralised"
        );
        assert_eq!(machine(&Cell::Num(2.5), ColumnKind::Money), "2.5");
    }
}
