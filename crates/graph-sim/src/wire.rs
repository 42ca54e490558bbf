//! Graph's wire format, one writer per resource. The JSON is written field by field with Graph's
//! names, not by serialising Steward's types: the sync must read Graph, not itself.

pub(crate) mod directory;
pub(crate) mod governance;
pub(crate) mod insights;
pub(crate) mod logs;
pub(crate) mod protection;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

pub(crate) fn time(t: Option<DateTime<Utc>>) -> Value {
    match t {
        // Graph writes seven fractional digits on some resources; clients must cope.
        Some(t) => Value::String(
            t.to_rfc3339_opts(SecondsFormat::Micros, true)
                .replace('Z', "0Z"),
        ),
        None => Value::Null,
    }
}
