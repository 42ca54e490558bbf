//! Azure Monitor's sign-in archives: what a diagnostic setting sends to a storage account for the
//! categories `ServicePrincipalSignInLogs` and `ManagedIdentitySignInLogs`
//! (`insights-logs-<category>/…/y=…/m=…/d=…/h=…/m=00/PT1H.json`). Each blob is JSON Lines (CRLF,
//! the last line may lack it): one record per line, an envelope (`time`, `tenantId`, `category`,
//! `resultType` as text, …) around `properties`, which is Graph's `signIn`.
//!
//! A year of a busy tenant is hundreds of millions of lines, so an archive is streamed line by
//! line and its sign-ins are committed in chunks: they are de-duplicated by id (Azure delivers
//! some records twice), so an import stopped midway and run again ends as one uninterrupted run.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;
use serde_json::{Map, Value};
use steward_core::model::SignIn;
use steward_core::store::{sign_ins::SignInWriter, TenantKey};

use crate::json::{normalise, Obj};
use crate::wire;
use crate::{Error, Result};

/// The archive categories Steward reads, and the sign-in event type each holds.
const CATEGORIES: [(&str, &str); 2] = [
    ("ServicePrincipalSignInLogs", "servicePrincipal"),
    ("ManagedIdentitySignInLogs", "managedIdentity"),
];

/// Sign-ins per transaction: large enough that commits cost little, small enough that a stop
/// loses little and memory stays flat.
const CHUNK: u64 = 20_000;

/// The longest line read (a sign-in record is a few kilobytes).
const MAX_LINE: u64 = 4 * 1024 * 1024;

/// What the first record of a JSON Lines file says about it.
pub(super) enum Kind {
    /// A sign-in archive of this tenant.
    SignIns { tenant: String },
    /// Another Azure Monitor category: skipped, for this reason.
    Other(&'static str),
}

/// The first line of `path` when it is a whole JSON object in Azure Monitor's envelope (a
/// `category` and a `properties` object): `None` for anything else (a Graph document).
pub(super) fn sniff(path: &Path) -> Result<Option<Kind>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut first = Vec::new();
    let mut lines = BufReader::new(file.take(MAX_LINE));
    loop {
        first.clear();
        let n = lines
            .read_until(b'\n', &mut first)
            .map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        if !first.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    // Not UTF-8 (UTF-16, or broken): not an archive; the document reader says what it is.
    let Ok(line) = std::str::from_utf8(&first) else {
        return Ok(None);
    };
    let line = line.trim().trim_start_matches('\u{feff}');
    let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line) else {
        return Ok(None);
    };
    let (Some(Value::String(category)), Some(Value::Object(_))) =
        (record.get("category"), record.get("properties"))
    else {
        return Ok(None);
    };
    if CATEGORIES.iter().any(|(c, _)| c == category) {
        let tenant = match record.get("tenantId") {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            _ => {
                return Err(Error::Shape {
                    path: path.to_path_buf(),
                    message: "line 1: an Azure Monitor sign-in record without `tenantId`: import the archive as the diagnostic setting wrote it".into(),
                })
            }
        };
        return Ok(Some(Kind::SignIns { tenant }));
    }
    Ok(Some(Kind::Other(match category.as_str() {
        "SignInLogs" | "NonInteractiveUserSignInLogs" => {
            "user sign-ins (an Azure Monitor archive of people's sign-ins), not workload identity sign-ins"
        }
        "AuditLogs" => "Entra audit logs from Azure Monitor: Steward reads app-management audits from Graph",
        _ => "an Azure Monitor log category Steward does not use",
    })))
}

/// How far a streamed archive import has come.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchiveProgress {
    pub files_done: usize,
    pub files: usize,
    pub records: u64,
    pub bytes_read: u64,
    pub bytes: u64,
}

/// Counts of one streamed run.
#[derive(Debug, Default)]
pub(super) struct Streamed {
    pub records: u64,
    pub new_sign_ins: u64,
}

/// Blank strings in an archive record mean "none" (`ipAddress: ""` for a managed identity,
/// `federatedCredentialId: ""`, an empty geolocation).
fn blank_to_null(v: &mut Value) {
    match v {
        Value::String(s) if s.is_empty() => *v = Value::Null,
        Value::Object(m) => m.values_mut().for_each(blank_to_null),
        _ => {}
    }
}

/// The sign-in of one archive record, read straight into typed fields: `None` when the record
/// is not exactly what Azure Monitor writes (another category or tenant, a field of another
/// type, a blank id, PowerShell's `AdditionalProperties`), which [`record_sign_in`] then reads
/// or explains. Where both read a record they make the same sign-in (tested); this one is about
/// twice as fast, since it builds no map of the record's forty-odd fields.
fn fast_sign_in(text: &str, tenant: &str) -> Option<SignIn> {
    #[derive(serde::Deserialize)]
    struct Record<'a> {
        #[serde(borrow)]
        category: Cow<'a, str>,
        #[serde(rename = "tenantId", borrow)]
        tenant_id: Cow<'a, str>,
        properties: wire::SignInWire,
    }
    if text.contains("dditionalProperties") {
        return None;
    }
    let r: Record = serde_json::from_str(text).ok()?;
    let (_, event) = CATEGORIES.iter().find(|(c, _)| *c == r.category)?;
    if !r.tenant_id.eq_ignore_ascii_case(tenant) {
        return None;
    }
    r.properties.into_archive_sign_in(event)?.ok()
}

/// The sign-in of one archive record through the tolerant reader, or what is wrong with it.
fn record_sign_in(text: &str, tenant: &str) -> std::result::Result<SignIn, String> {
    let record: Map<String, Value> = serde_json::from_str(text)
        .map_err(|e| format!("not valid JSON ({e}); the blob may be cut short: copy it again"))?;
    let event = match record.get("category") {
        Some(Value::String(c)) => CATEGORIES.iter().find(|(k, _)| k == c).map(|(_, e)| *e),
        _ => None,
    }
    .ok_or("not a ServicePrincipalSignInLogs or ManagedIdentitySignInLogs record; keep one category per file, as Azure Monitor writes them")?;
    match record.get("tenantId") {
        Some(Value::String(t)) if t.eq_ignore_ascii_case(tenant) => {}
        Some(Value::String(t)) => {
            return Err(format!(
            "a sign-in of tenant {t} in an import of tenant {tenant}: import one tenant at a time"
        ))
        }
        _ => return Err("the record has no `tenantId`".into()),
    }
    let Some(Value::Object(properties)) = record.get("properties") else {
        return Err("the record has no `properties` (Graph's signIn)".into());
    };
    let mut properties = Value::Object(properties.clone());
    blank_to_null(&mut properties);
    let Value::Object(mut properties) = normalise(properties) else {
        unreachable!("an object stays an object");
    };
    properties.insert("signInEventType".into(), Value::String(event.into()));
    wire::sign_in(Obj(&properties))
}

/// Streams the sign-ins of `path` (an archive of tenant `tenant`) into the cache, `CHUNK` at a time.
pub(super) fn stream(
    conn: &Connection,
    key: TenantKey,
    tenant: &str,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
    counts: &mut Streamed,
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut bytes = 0u64;
    let mut in_chunk = 0u64;
    let mut new_in_chunk = 0u64;
    let mut writer = SignInWriter::new(key);
    let err = |number: u64, message: String| Error::Archive {
        path: path.to_path_buf(),
        message: format!("line {number}: {message}"),
        kept: 0,
    };
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> Result<()> {
        loop {
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE + 1)
                .read_until(b'\n', &mut line)
                .map_err(|source| Error::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            number += 1;
            bytes += n as u64;
            if n as u64 > MAX_LINE {
                return Err(err(
                    number,
                    format!(
                        "longer than {} MiB: not an Azure Monitor record",
                        MAX_LINE >> 20
                    ),
                ));
            }
            let text = std::str::from_utf8(&line)
                .map_err(|_| err(number, "not UTF-8 text".into()))?
                .trim()
                .trim_start_matches('\u{feff}');
            if text.is_empty() {
                continue;
            }
            let s = match fast_sign_in(text, tenant) {
                Some(s) => s,
                None => record_sign_in(text, tenant).map_err(|m| err(number, m))?,
            };
            if writer.insert(conn, &s)? {
                new_in_chunk += 1;
            }
            in_chunk += 1;
            if in_chunk == CHUNK {
                writer.flush(conn)?;
                conn.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
                // Counted once committed: an error later keeps exactly these.
                counts.records += in_chunk;
                counts.new_sign_ins += new_in_chunk;
                (in_chunk, new_in_chunk) = (0, 0);
                progress(counts.records, bytes);
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::Cancelled { kept: 0 });
                }
            }
        }
        writer.flush(conn)?;
        Ok(())
    })();
    match result {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            counts.records += in_chunk;
            counts.new_sign_ins += new_in_chunk;
            progress(counts.records, bytes);
            Ok(())
        }
        Err(e) => {
            // The chunk in hand is dropped; the chunks committed before it are whole sign-ins,
            // which a second run finds already there.
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: [&str; 4] = [
        include_str!("../../../../tests/fixtures/azure-monitor/insights-logs-serviceprincipalsigninlogs/resourceId=/tenants/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/providers/Microsoft.aadiam/y=2026/m=03/d=02/h=09/m=00/PT1H.json"),
        include_str!("../../../../tests/fixtures/azure-monitor/insights-logs-serviceprincipalsigninlogs/resourceId=/tenants/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/providers/Microsoft.aadiam/y=2026/m=03/d=02/h=10/m=00/PT1H.json"),
        include_str!("../../../../tests/fixtures/azure-monitor/insights-logs-managedidentitysigninlogs/resourceId=/tenants/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/providers/Microsoft.aadiam/y=2026/m=03/d=05/h=01/m=00/PT1H.json"),
        include_str!("../../../../tests/fixtures/azure-monitor/insights-logs-signinlogs/resourceId=/tenants/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/providers/Microsoft.aadiam/y=2026/m=03/d=02/h=09/m=00/PT1H.json"),
    ];

    /// Azure Monitor's public sample archives (`../shared/public-samples`, read there, as the
    /// integration tests' `public_samples` finds them).
    fn public_archives() -> Vec<String> {
        let folder = [
            std::env::var_os("STEWARD_PUBLIC_SAMPLES").map(std::path::PathBuf::from),
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/public-samples")),
            Some("/work/shared/public-samples".into()),
        ]
        .into_iter()
        .flatten()
        .find(|p| p.is_dir())
        .expect("the public samples are not beside the repository: set STEWARD_PUBLIC_SAMPLES")
        .join("datadog-azure-log-forwarding-orchestration");
        [
            "service_principal_sign_in_logs.json",
            "managed_identity_sign_in_logs.json",
        ]
        .iter()
        .map(|f| std::fs::read_to_string(folder.join(f)).unwrap())
        .collect()
    }

    fn tenant_of(line: &str) -> String {
        let v: Value = serde_json::from_str(line).unwrap();
        v["tenantId"].as_str().unwrap_or_default().to_string()
    }

    /// Every line the typed path reads, it reads as the tolerant path does. How many it read.
    fn agree(line: &str, tenant: &str) -> usize {
        let slow = record_sign_in(line, tenant);
        match fast_sign_in(line, tenant) {
            Some(fast) => {
                assert_eq!(Ok(fast), slow, "{line}");
                1
            }
            None => 0,
        }
    }

    #[test]
    fn the_typed_path_reads_real_and_hand_written_archives_as_the_tolerant_path_does() {
        let texts: Vec<String> = FIXTURES
            .iter()
            .map(|t| t.to_string())
            .chain(public_archives())
            .collect();
        let lines: Vec<&str> = texts
            .iter()
            .flat_map(|t| t.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let fast: usize = lines.iter().map(|l| agree(l, &tenant_of(l))).sum();
        // The user sign-in is not the typed path's; every workload record is.
        assert_eq!(fast, lines.len() - 1, "{} lines", lines.len());
    }

    /// A record of the public samples, with `properties` changed by `edit`.
    fn edited(edit: impl Fn(&mut Map<String, Value>)) -> String {
        let text = &public_archives()[0];
        let mut v: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        edit(v["properties"].as_object_mut().unwrap());
        v.to_string()
    }

    #[test]
    fn the_typed_path_leaves_what_it_does_not_read_exactly_to_the_tolerant_path() {
        let tenant = tenant_of(public_archives()[0].lines().next().unwrap());
        // PowerShell's PascalCase keys and blank strings: both paths read them alike.
        let pascal = edited(|p| {
            let keys: Vec<String> = p.keys().cloned().collect();
            for k in keys {
                let v = p.remove(&k).unwrap();
                let mut cs = k.chars();
                let first = cs.next().unwrap().to_ascii_uppercase();
                p.insert(format!("{first}{}", cs.as_str()), v);
            }
        });
        assert_eq!(agree(&pascal, &tenant), 1);
        let blanks = edited(|p| {
            for k in ["ipAddress", "servicePrincipalName", "federatedCredentialId"] {
                p.insert(k.into(), Value::String(String::new()));
            }
        });
        assert_eq!(agree(&blanks, &tenant), 1);
        assert_eq!(fast_sign_in(&blanks, &tenant).unwrap().ip_address, None);
        // A workload sign-in of an identity outside the tenant (the all-zero id): both keep it.
        let zero = edited(|p| {
            p.insert(
                "servicePrincipalId".into(),
                "00000000-0000-0000-0000-000000000000".into(),
            );
        });
        assert_eq!(agree(&zero, &tenant), 1);
        // What the typed path leaves: `AdditionalProperties`, which the tolerant path reads; an
        // error code that is not a number, a blank id and another tenant, which it explains.
        let extra = edited(|p| {
            p.remove("appId");
            p.insert(
                "AdditionalProperties".into(),
                serde_json::json!({"appId": "lifted"}),
            );
        });
        assert!(fast_sign_in(&extra, &tenant).is_none());
        let lifted = record_sign_in(&extra, &tenant).unwrap().app_id;
        assert_eq!(lifted.as_deref(), Some("lifted"));
        for line in [
            edited(|p| {
                p.insert("status".into(), serde_json::json!({"errorCode": "x"}));
            }),
            edited(|p| {
                p.insert("id".into(), "".into());
            }),
        ] {
            assert_eq!(agree(&line, &tenant), 0, "{line}");
            assert!(record_sign_in(&line, &tenant).is_err(), "{line}");
        }
        let line = public_archives()[0].lines().next().unwrap().to_string();
        assert!(fast_sign_in(&line, "another-tenant").is_none());
        assert!(record_sign_in(&line, "another-tenant")
            .unwrap_err()
            .contains("import one tenant at a time"));
    }
}
