//! What the import tests share: the clock they import at, counting rows, a summary's dataset
//! counts, and where the verbatim public samples are. (Its own test target holds no test.)

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::dataset::Dataset;
use steward_graph::ImportSummary;

pub fn now() -> chrono::DateTime<chrono::Utc> {
    parse_as_of("2026-11-01T00:00:00Z").unwrap()
}

pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The cached service principals per Steward's kind, as `kind count, …` in the kinds' order.
pub fn kinds(conn: &Connection) -> String {
    conn.prepare("SELECT kind, count(*) FROM service_principals GROUP BY kind ORDER BY kind")
        .unwrap()
        .query_map([], |r| {
            Ok(format!(
                "{} {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
        .join(", ")
}

pub fn items(s: &ImportSummary, d: Dataset) -> u64 {
    s.datasets
        .iter()
        .find(|c| c.dataset == d)
        .map_or(0, |c| c.items)
}

/// The verbatim public records beside the repository (`../shared/public-samples`, or where
/// `STEWARD_PUBLIC_SAMPLES` says): read there, never copied into the repository.
pub fn public_samples() -> PathBuf {
    let candidates = [
        std::env::var_os("STEWARD_PUBLIC_SAMPLES").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/public-samples")),
        Some(PathBuf::from("/work/shared/public-samples")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!("the public samples are not beside the repository (../shared/public-samples): set STEWARD_PUBLIC_SAMPLES to their folder")
        })
}
