//! Log Analytics exports of the tables `AADServicePrincipalSignInLogs` and
//! `AADManagedIdentitySignInLogs`: the query API's JSON (`{"tables": [{"columns": [...], "rows":
//! [[...]]}]}`, `azure-monitor-docs` `logs/api/response-format.md`) and the portal's CSV (a header
//! row of column names, perhaps with a ` [UTC]` suffix). Columns are read by name (any order, any
//! subset holding the essentials) and mapped one by one to Graph's `signIn`, per the tables'
//! reference (`azure-reference-other` `aadserviceprincipalsigninlogs-include.md`).
//!
//! The tables' `TenantId` is the Log Analytics workspace, not the Entra tenant: the tenant comes
//! from the rest of the run or `--tenant`.

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};
use steward_core::model::SignIn;

use crate::json::{parse_time, Obj};
use crate::wire;
use crate::{Error, Result};

/// Whether `v` is the query API's response.
pub(super) fn is_query_response(v: &Value) -> bool {
    v.get("tables")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
        .is_some_and(|t| t.get("columns").is_some() && t.get("rows").is_some())
}

/// A column's name as the portal may write it in a CSV header (`TimeGenerated [UTC]`).
fn column_name(header: &str) -> &str {
    let h = header.trim().trim_start_matches('\u{feff}');
    h.strip_suffix("[UTC]").map(str::trim_end).unwrap_or(h)
}

/// A time as Log Analytics writes it: ISO 8601 (the query API), or the portal's display forms
/// (`12/6/2026, 10:31:59.123 AM`, `2026/12/06 10:31:59.123`), in UTC.
fn la_time(s: &str) -> Option<DateTime<Utc>> {
    if let Some(t) = parse_time(s) {
        return Some(t);
    }
    let s = s.trim();
    for f in [
        "%m/%d/%Y, %I:%M:%S%.f %p",
        "%m/%d/%Y %I:%M:%S%.f %p",
        "%Y/%m/%d %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    None
}

/// One row as Graph's `signIn`, from its columns by name.
fn sign_in(row: &Map<String, Value>) -> std::result::Result<SignIn, String> {
    let text = |k: &str| -> Option<String> {
        match row.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    };
    let kind = text("Type").or_else(|| text("Category")).ok_or(
        "neither `Type` nor `Category` says which table this is: keep one of them in the query",
    )?;
    let event = if kind.contains("ManagedIdentity") {
        "managedIdentity"
    } else if kind.contains("ServicePrincipal") {
        "servicePrincipal"
    } else {
        return Err(format!(
            "`{kind}` is not AADServicePrincipalSignInLogs or AADManagedIdentitySignInLogs"
        ));
    };
    let when = text("TimeGenerated").ok_or("`TimeGenerated` is missing")?;
    let created =
        la_time(&when).ok_or_else(|| format!("`TimeGenerated` `{when}` is not a time"))?;
    let code = match text("ResultType") {
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| format!("`ResultType` `{c}` is not an error code"))?,
        None => 0,
    };
    // `LocationDetails` is the serialised signIn location; `Location` the country alone.
    let mut location = match text("LocationDetails").map(|l| serde_json::from_str::<Value>(&l)) {
        Some(Ok(Value::Object(l))) => l,
        _ => Map::new(),
    };
    if !location.contains_key("countryOrRegion") {
        if let Some(c) = text("Location") {
            location.insert("countryOrRegion".into(), Value::String(c));
        }
    }
    let mut o = Map::new();
    let mut put = |graph: &str, column: &str| {
        if let Some(v) = text(column) {
            o.insert(graph.into(), Value::String(v));
        }
    };
    put("id", "Id");
    put("appId", "AppId");
    put("servicePrincipalId", "ServicePrincipalId");
    put("servicePrincipalName", "ServicePrincipalName");
    put("ipAddress", "IPAddress");
    put("resourceDisplayName", "ResourceDisplayName");
    put("resourceId", "ResourceIdentity");
    put("resourceServicePrincipalId", "ResourceServicePrincipalId");
    put(
        "servicePrincipalCredentialKeyId",
        "ServicePrincipalCredentialKeyId",
    );
    put(
        "servicePrincipalCredentialThumbprint",
        "ServicePrincipalCredentialThumbprint",
    );
    put("federatedCredentialId", "FederatedCredentialId");
    put("conditionalAccessStatus", "ConditionalAccessStatus");
    put("clientCredentialType", "ClientCredentialType");
    o.insert("signInEventType".into(), Value::String(event.into()));
    o.insert(
        "createdDateTime".into(),
        Value::String(created.to_rfc3339()),
    );
    o.insert(
        "status".into(),
        json!({"errorCode": code, "failureReason": text("ResultDescription")}),
    );
    o.insert("location".into(), Value::Object(location));
    wire::sign_in(Obj(&o))
}

/// The sign-ins of a query API response.
pub(super) fn from_query_response(path: &Path, v: &Value) -> Result<Vec<SignIn>> {
    let shape = |message: String| Error::Shape {
        path: path.to_path_buf(),
        message,
    };
    let table = &v["tables"][0];
    let columns: Vec<String> = table["columns"]
        .as_array()
        .ok_or_else(|| shape("`columns` should list the table's columns".into()))?
        .iter()
        .map(|c| c["name"].as_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| shape("every column needs a `name`".into()))?;
    let rows = table["rows"]
        .as_array()
        .ok_or_else(|| shape("`rows` should list the rows".into()))?;
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let cells = r
                .as_array()
                .filter(|c| c.len() == columns.len())
                .ok_or_else(|| {
                    shape(format!("row {} does not have one value per column", i + 1))
                })?;
            let row: Map<String, Value> =
                columns.iter().cloned().zip(cells.iter().cloned()).collect();
            sign_in(&row).map_err(|m| shape(format!("row {}: {m}", i + 1)))
        })
        .collect()
}

/// The sign-ins of a portal CSV export, or `None` when the CSV is not one (no sign-in columns).
pub(super) fn from_csv(path: &Path, text: &str) -> Result<Option<Vec<SignIn>>> {
    let shape = |message: String| Error::Shape {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| shape(format!("not a CSV file ({e})")))?
        .iter()
        .map(|h| column_name(h).to_string())
        .collect();
    let has = |c: &str| headers.iter().any(|h| h == c);
    if !(has("TimeGenerated") && has("ServicePrincipalId")) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let record = record.map_err(|e| shape(format!("line {}: {e}", i + 2)))?;
        let row: Map<String, Value> = headers
            .iter()
            .cloned()
            .zip(record.iter().map(|v| Value::String(v.to_string())))
            .collect();
        out.push(sign_in(&row).map_err(|m| shape(format!("line {}: {m}", i + 2)))?);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_s_time_forms_read_as_utc() {
        let want = parse_time("2026-12-06T10:31:59.123Z").unwrap();
        assert_eq!(la_time("2026-12-06T10:31:59.123Z"), Some(want));
        assert_eq!(la_time("12/6/2026, 10:31:59.123 AM"), Some(want));
        assert_eq!(la_time("2026/12/06 10:31:59.123"), Some(want));
        assert_eq!(la_time("yesterday"), None);
        assert_eq!(column_name("TimeGenerated [UTC]"), "TimeGenerated");
        assert_eq!(column_name("\u{feff}Id"), "Id");
    }
}
