//! Reading one page of a Graph answer: its `value` list, its next link, and naming an item the
//! sync cannot use.

use serde_json::Value;

use super::{SyncError, SyncResult};
use crate::json::normalise;
use crate::wire::Dataset;

pub(super) fn items(v: &Value, url: &str) -> SyncResult<Vec<serde_json::Map<String, Value>>> {
    match v.get("value") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match normalise(i.clone()) {
                Value::Object(m) => Ok(m),
                _ => Err(SyncError::Unexpected {
                    url: url.into(),
                    message: "an item of `value` is not an object".into(),
                }),
            })
            .collect(),
        // A single object (`policies/authorizationPolicy`): one item, itself.
        None if v
            .get("@odata.context")
            .and_then(Value::as_str)
            .is_some_and(|c| c.ends_with("/$entity")) =>
        {
            match normalise(v.clone()) {
                Value::Object(m) => Ok(vec![m]),
                _ => Err(SyncError::Unexpected {
                    url: url.into(),
                    message: "the answer is not an object".into(),
                }),
            }
        }
        _ => Err(SyncError::Unexpected {
            url: url.into(),
            message: "no `value` list in the answer".into(),
        }),
    }
}

pub(super) fn next_link(v: &Value) -> Option<String> {
    v.get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(super) fn bad_item(url: &str, d: Dataset, i: usize, m: String) -> SyncError {
    SyncError::Unexpected {
        url: url.into(),
        message: format!("item {} ({}): {m}", i + 1, crate::wire::item_name(d)),
    }
}
