//! The `datasets` table: which Graph datasets the cache holds for a tenant, since when, from
//! where, and which ones Graph refused; with the sync rounds still open (`sync_state`), what the
//! Connections page shows per dataset.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::TenantKey;
use crate::dataset::{Dataset, DatasetSource, DatasetState};
use crate::{clock, Result};

/// Records that `dataset` was read completely into the cache at `at` (ms) from `source`.
pub fn mark_read(
    conn: &Connection,
    tenant: TenantKey,
    dataset: Dataset,
    at: i64,
    source: DatasetSource,
) -> Result<()> {
    upsert(conn, tenant, dataset, at, DatasetState::Ok, source, None)
}

/// Records that Graph refused `dataset` at `at` (ms), with what the admin should know
/// (`detail`: the permission or license it needs).
pub fn mark_not_available(
    conn: &Connection,
    tenant: TenantKey,
    dataset: Dataset,
    at: i64,
    detail: &str,
) -> Result<()> {
    upsert(
        conn,
        tenant,
        dataset,
        at,
        DatasetState::NotAvailable,
        DatasetSource::Sync,
        Some(detail),
    )
}

fn upsert(
    conn: &Connection,
    tenant: TenantKey,
    dataset: Dataset,
    at: i64,
    state: DatasetState,
    source: DatasetSource,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO datasets (tenant, name, synced_at, status, detail, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (tenant, name) DO UPDATE SET synced_at = excluded.synced_at,
             status = excluded.status, detail = excluded.detail, source = excluded.source",
    )?
    .execute(params![
        tenant.0,
        dataset.name(),
        at,
        state.cache_name(),
        detail,
        source.cache_name()
    ])?;
    Ok(())
}

/// When `dataset` was last read completely, if ever.
pub fn read_at(conn: &Connection, tenant: TenantKey, dataset: Dataset) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT synced_at FROM datasets WHERE tenant = ?1 AND name = ?2 AND status = 'ok'",
        )?
        .query_row(params![tenant.0, dataset.name()], |r| r.get(0))
        .optional()?)
}

/// How `dataset` stands for a tenant: `None` when it was never read nor refused; otherwise its
/// state and, for a refusal, what Graph said was missing.
pub fn state(
    conn: &Connection,
    tenant: TenantKey,
    dataset: Dataset,
) -> Result<Option<(DatasetState, Option<String>)>> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT status, detail FROM datasets WHERE tenant = ?1 AND name = ?2")?
        .query_row(params![tenant.0, dataset.name()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(row.map(|(status, detail)| {
        let state = [
            DatasetState::Ok,
            DatasetState::NotAvailable,
            DatasetState::InProgress,
        ]
        .into_iter()
        .find(|s| s.cache_name() == status)
        .unwrap_or(DatasetState::InProgress);
        (state, detail)
    }))
}

/// What the cache holds of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DatasetStatus {
    pub dataset: Dataset,
    pub state: DatasetState,
    /// Why Graph refused it, in words the admin can act on.
    pub detail: Option<String>,
    /// When the dataset was last read completely (RFC 3339).
    pub synced_at: Option<String>,
    /// Where its rows came from; `None` while nothing was read (Graph refused it).
    pub source: Option<DatasetSource>,
}

/// Every dataset the cache knows of for `tenant`, in the enum's order: those read or refused,
/// and those whose sync round has pages left (`inProgress`). Names a newer Steward wrote are
/// left out.
pub fn list(conn: &Connection, tenant: TenantKey) -> Result<Vec<DatasetStatus>> {
    let mut out: Vec<DatasetStatus> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT name, status, detail, synced_at, source FROM datasets WHERE tenant = ?1",
    )?;
    let rows = stmt.query_map(params![tenant.0], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (name, status, detail, synced_at, source) = row?;
        let Some(dataset) = Dataset::from_name(&name) else {
            continue;
        };
        // A dataset Graph refused was never read: it has no time and no source of rows.
        let read = status == DatasetState::Ok.cache_name();
        out.push(DatasetStatus {
            dataset,
            state: if read {
                DatasetState::Ok
            } else {
                DatasetState::NotAvailable
            },
            detail,
            synced_at: read.then(|| clock::rfc3339_ms(synced_at)),
            source: source
                .as_deref()
                .and_then(DatasetSource::from_cache_name)
                .filter(|_| read),
        });
    }
    let mut open = conn.prepare_cached(
        "SELECT dataset FROM sync_state WHERE tenant = ?1 AND next_link IS NOT NULL",
    )?;
    let open = open
        .query_map(params![tenant.0], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for dataset in open.iter().filter_map(|n| Dataset::from_name(n)) {
        match out.iter_mut().find(|d| d.dataset == dataset) {
            Some(d) => d.state = DatasetState::InProgress,
            None => out.push(DatasetStatus {
                dataset,
                state: DatasetState::InProgress,
                detail: None,
                synced_at: None,
                source: Some(DatasetSource::Sync),
            }),
        }
    }
    out.sort_by_key(|d| d.dataset);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    fn tenant(conn: &Connection, key: i64, demo: bool) -> TenantKey {
        conn.execute(
            "INSERT INTO tenants (key, id, display_name, is_demo) VALUES (?1, ?2, 'T', ?3)",
            params![key, format!("t{key}"), demo],
        )
        .unwrap();
        TenantKey(key)
    }

    #[test]
    fn the_list_says_what_was_read_from_where_what_graph_refused_and_what_is_half_read() {
        let conn = open_in_memory().unwrap();
        let t = tenant(&conn, 1, false);
        mark_read(
            &conn,
            t,
            Dataset::ServicePrincipals,
            1_000,
            DatasetSource::Sync,
        )
        .unwrap();
        mark_read(
            &conn,
            t,
            Dataset::Applications,
            2_000,
            DatasetSource::Import,
        )
        .unwrap();
        mark_not_available(
            &conn,
            t,
            Dataset::RiskyServicePrincipals,
            3_000,
            "needs Premium",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO sync_state (tenant, dataset, next_link) VALUES
                 (1, 'servicePrincipals', 'https://graph/next'), (1, 'signIns', 'https://graph/s')",
            [],
        )
        .unwrap();
        let got = list(&conn, t).unwrap();
        let summary: Vec<_> = got
            .iter()
            .map(|d| (d.dataset, d.state, d.source, d.detail.as_deref()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    Dataset::Applications,
                    DatasetState::Ok,
                    Some(DatasetSource::Import),
                    None
                ),
                // A round with pages left wins over the last completed read.
                (
                    Dataset::ServicePrincipals,
                    DatasetState::InProgress,
                    Some(DatasetSource::Sync),
                    None
                ),
                (
                    Dataset::SignIns,
                    DatasetState::InProgress,
                    Some(DatasetSource::Sync),
                    None
                ),
                (
                    Dataset::RiskyServicePrincipals,
                    DatasetState::NotAvailable,
                    None,
                    Some("needs Premium")
                ),
            ],
            "in the enum's order, each with its state and source"
        );
        assert_eq!(got[0].synced_at.as_deref(), Some("1970-01-01T00:00:02Z"));
        assert_eq!(
            got[2].synced_at, None,
            "a dataset never read completely has no time"
        );
        assert_eq!(
            read_at(&conn, t, Dataset::Applications).unwrap(),
            Some(2_000)
        );
        assert_eq!(
            read_at(&conn, t, Dataset::RiskyServicePrincipals).unwrap(),
            None,
            "a refused dataset was not read"
        );
    }

    #[test]
    fn schema_7_moves_the_source_out_of_the_detail() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &crate::store::MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO tenants (key, id, display_name, is_demo) VALUES (1, 'a', 'A', 0), (2, 'd', 'D', 1);
             INSERT INTO datasets (tenant, name, synced_at, status, detail) VALUES
                 (1, 'applications', 1, 'ok', 'synced'),
                 (1, 'signIns', 1, 'ok', 'imported'),
                 (1, 'riskyServicePrincipals', 1, 'unavailable', 'needs Premium'),
                 (2, 'subscribedSkus', 1, 'ok', NULL);",
        )
        .unwrap();
        conn.execute_batch(crate::store::MIGRATIONS[6]).unwrap();
        let rows: Vec<(String, Option<String>, Option<String>)> = conn
            .prepare("SELECT name, source, detail FROM datasets ORDER BY tenant, name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            rows,
            vec![
                ("applications".into(), s("sync"), None),
                (
                    "riskyServicePrincipals".into(),
                    s("sync"),
                    s("needs Premium")
                ),
                ("signIns".into(), s("import"), None),
                ("subscribedSkus".into(), s("demo"), None),
            ]
        );
    }
}
