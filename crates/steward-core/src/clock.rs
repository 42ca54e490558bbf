//! Time helpers. Analytics and views never read the clock: they take an `as_of` instant. Only
//! binaries call [`now`], once, at their edge.

use chrono::{NaiveDate, SecondsFormat, TimeZone, Utc};

pub use chrono::DateTime as ChronoDateTime;

/// An instant in UTC, the only kind of time Steward computes with.
pub type DateTime<Tz = Utc> = ChronoDateTime<Tz>;

/// The current instant, for binaries and command adapters only.
#[allow(clippy::disallowed_methods)]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Milliseconds since the Unix epoch, the unit every timestamp in the cache is stored in.
pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The inverse of [`to_ms`]; out-of-range values (hostile input) clamp to the epoch.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Graph's wire form of an instant: RFC 3339 in UTC with a `Z`, whole seconds.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn rfc3339_ms(ms: i64) -> String {
    rfc3339(from_ms(ms))
}

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Days since the Unix epoch of the UTC day holding `ms` (the key of the daily roll-ups).
pub fn day_of_ms(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

pub fn day_to_date(day: i64) -> NaiveDate {
    from_ms(day * DAY_MS).date_naive()
}

/// Parses `--as-of`: a date `YYYY-MM-DD` (meaning 00:00 UTC) or an RFC 3339 instant.
pub fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "`{s}` is not a date (YYYY-MM-DD) or an RFC 3339 instant (2026-11-26T08:00:00Z)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_accepts_a_date_as_utc_midnight_and_an_instant_with_offset() {
        assert_eq!(
            rfc3339(parse_as_of("2026-03-01").unwrap()),
            "2026-03-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(parse_as_of("2026-03-01T10:00:00-08:00").unwrap()),
            "2026-03-01T18:00:00Z",
            "offsets are converted to UTC"
        );
        assert!(parse_as_of("yesterday").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn day_keys_split_at_utc_midnight() {
        assert_eq!(day_of_ms(86_400_000 - 1), 0);
        assert_eq!(day_of_ms(86_400_000), 1);
        assert_eq!(
            day_of_ms(-1),
            -1,
            "times before 1970 still land on their own day"
        );
    }
}
