//! Reading Graph JSON as admins export it: field access that says what is wrong, timestamps in
//! every form Graph and its tools write, and PowerShell's PascalCase keys.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

/// Graph's camelCase keys from any export: PowerShell's `ConvertTo-Json` of Graph SDK objects
/// writes `DisplayName` and tucks unmodelled properties into `AdditionalProperties`. Keys that
/// start with `@` (`@odata.type`) are kept as they are.
pub fn normalise(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            let mut extra = None;
            for (k, v) in map {
                if k == "AdditionalProperties" || k == "additionalProperties" {
                    extra = Some(v);
                    continue;
                }
                out.insert(camel(&k), normalise(v));
            }
            if let Some(Value::Object(extra)) = extra {
                for (k, v) in extra {
                    out.entry(camel(&k)).or_insert_with(|| normalise(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        other => other,
    }
}

fn camel(k: &str) -> String {
    if k.starts_with('@') {
        return k.to_string();
    }
    let mut cs = k.chars();
    match cs.next() {
        Some(f) if f.is_ascii_uppercase() => f.to_ascii_lowercase().to_string() + cs.as_str(),
        _ => k.to_string(),
    }
}

/// A timestamp as Graph and its tools write it: RFC 3339 with up to 7 (or more) fractional
/// digits, `Z` or an offset (`-8:00` as in some Graph doc examples, `-08:00`), no offset (read
/// as UTC), a bare date, or Windows PowerShell's `/Date(1704067200000)/`.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(ms) = s
        .strip_prefix("/Date(")
        .and_then(|r| r.strip_suffix(")/"))
        .and_then(|r| {
            // `/Date(1704067200000+0100)/`: the offset only says how it was displayed. The
            // search starts after a leading sign, and works on characters, not byte offsets:
            // `/Date()/` or a multi-byte character after `/Date(` must not panic.
            let mut chars = r.char_indices();
            chars.next();
            let end = chars
                .find(|&(_, c)| c == '+' || c == '-')
                .map_or(r.len(), |(i, _)| i);
            r[..end].parse::<i64>().ok()
        })
    {
        return DateTime::from_timestamp_millis(ms);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // A one-digit offset hour: `…-8:00` → `…-08:00`.
    let b = s.as_bytes();
    if b.len() > 6 && b[b.len() - 3] == b':' && matches!(b[b.len() - 5], b'+' | b'-') {
        let fixed = format!("{}0{}", &s[..b.len() - 4], &s[b.len() - 4..]);
        if let Ok(t) = DateTime::parse_from_rfc3339(&fixed) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One JSON object of an export, read field by field. Errors are the message only; the caller
/// adds the file and the item.
#[derive(Clone, Copy)]
pub struct Obj<'a>(pub &'a Map<String, Value>);

pub type Field<T> = std::result::Result<T, String>;

impl<'a> Obj<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn str(&self, key: &str) -> Field<String> {
        match self.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("`{key}` should be text, found {}", kind_of(other))),
            None => Err(format!("`{key}` is missing")),
        }
    }

    pub fn opt_str(&self, key: &str) -> Field<Option<String>> {
        match self.get(key) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            // Some tools write numbers where Graph writes text (a country code never, a
            // version or a hint sometimes): keep the digits.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(format!("`{key}` should be text, found {}", kind_of(other))),
            None => Ok(None),
        }
    }

    pub fn opt_bool(&self, key: &str) -> Field<Option<bool>> {
        match self.get(key) {
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(format!(
                "`{key}` should be true or false, found {}",
                kind_of(other)
            )),
            None => Ok(None),
        }
    }

    pub fn opt_i64(&self, key: &str) -> Field<Option<i64>> {
        match self.get(key) {
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| format!("`{key}` should be a whole number, found {n}")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("`{key}` should be a whole number, found \"{s}\"")),
            Some(other) => Err(format!(
                "`{key}` should be a whole number, found {}",
                kind_of(other)
            )),
            None => Ok(None),
        }
    }

    pub fn opt_time(&self, key: &str) -> Field<Option<DateTime<Utc>>> {
        match self.get(key) {
            Some(Value::String(s)) => parse_time(s).map(Some).ok_or_else(|| {
                format!(
                    "`{key}` should be a date and time such as 2026-01-31T12:00:00Z, found \"{s}\""
                )
            }),
            Some(other) => Err(format!(
                "`{key}` should be a date and time, found {}",
                kind_of(other)
            )),
            None => Ok(None),
        }
    }

    pub fn time(&self, key: &str) -> Field<DateTime<Utc>> {
        self.opt_time(key)?
            .ok_or_else(|| format!("`{key}` is missing"))
    }

    pub fn strings(&self, key: &str) -> Field<Vec<String>> {
        match self.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "`{key}` should be a list of text, found {} in it",
                        kind_of(other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!(
                "`{key}` should be a list, found {}",
                kind_of(other)
            )),
            None => Ok(Vec::new()),
        }
    }

    pub fn opt_obj(&self, key: &str) -> Field<Option<Obj<'a>>> {
        match self.get(key) {
            Some(Value::Object(m)) => Ok(Some(Obj(m))),
            Some(other) => Err(format!(
                "`{key}` should be an object, found {}",
                kind_of(other)
            )),
            None => Ok(None),
        }
    }

    /// The objects of a list field (`passwordCredentials`, …); missing or null is empty.
    pub fn objs(&self, key: &str) -> Field<Vec<Obj<'a>>> {
        match self.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(m) => Ok(Obj(m)),
                    other => Err(format!(
                        "`{key}` entry {} should be an object, found {}",
                        i + 1,
                        kind_of(other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!(
                "`{key}` should be a list, found {}",
                kind_of(other)
            )),
            None => Ok(Vec::new()),
        }
    }

    /// Errors inside a nested object name their path: `passwordCredentials[2].keyId …`.
    pub fn within<T>(&self, key: &str, i: usize, f: impl FnOnce() -> Field<T>) -> Field<T> {
        f().map_err(|e| format!("in {key}[{}]: {e}", i + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SecondsFormat;

    #[test]
    fn graph_and_tool_timestamps_all_read() {
        let t = |s: &str| parse_time(s).map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true));
        assert_eq!(
            t("2026-01-31T12:00:00Z").unwrap(),
            "2026-01-31T12:00:00.000Z"
        );
        assert_eq!(
            t("2026-01-31T12:00:00.1234567Z").unwrap(),
            "2026-01-31T12:00:00.123Z",
            "Graph's 7 fractional digits"
        );
        assert_eq!(
            t("2026-01-31T04:00:00-8:00").unwrap(),
            "2026-01-31T12:00:00.000Z",
            "a one-digit offset hour from Graph's docs"
        );
        assert_eq!(
            t("2026-01-31T04:00:00-08:00").unwrap(),
            "2026-01-31T12:00:00.000Z"
        );
        assert_eq!(
            t("2026-01-31T12:00:00").unwrap(),
            "2026-01-31T12:00:00.000Z",
            "no offset is UTC"
        );
        assert_eq!(t("2026-01-31").unwrap(), "2026-01-31T00:00:00.000Z");
        assert_eq!(
            t("/Date(1769860800000)/").unwrap(),
            "2026-01-31T12:00:00.000Z",
            "Windows PowerShell"
        );
        assert!(t("next tuesday").is_none());
        assert_eq!(
            t("/Date(1769860800000+0100)/").unwrap(),
            "2026-01-31T12:00:00.000Z",
            "the offset only says how it was shown"
        );
        assert_eq!(
            t("/Date(-86400000)/").unwrap(),
            "1969-12-31T00:00:00.000Z",
            "a leading minus is the number's"
        );
    }

    #[test]
    fn a_malformed_powershell_date_is_no_date_and_never_a_panic() {
        for s in [
            "/Date()/",
            "/Date(é)/",
            "/Date(1é+)/",
            "/Date(+)/",
            "/Date(-)/",
            "/Date(€1)/",
        ] {
            assert_eq!(parse_time(s), None, "{s}");
        }
    }

    #[test]
    fn powershell_keys_become_graphs() {
        let v = normalise(serde_json::json!({
            "Id": "1", "DisplayName": "x", "@odata.type": "#t",
            "PasswordCredentials": [{"KeyId": "k"}],
            "AdditionalProperties": {"signInAudience": "AzureADMyOrg", "Id": "ignored"}
        }));
        assert_eq!(v["id"], "1");
        assert_eq!(v["displayName"], "x");
        assert_eq!(v["@odata.type"], "#t");
        assert_eq!(v["passwordCredentials"][0]["keyId"], "k");
        assert_eq!(
            v["signInAudience"], "AzureADMyOrg",
            "additional properties are lifted"
        );
    }
}
