//! What a sync tells of its run: each dataset's [`DatasetReport`], the run's [`SyncSummary`],
//! and marking a dataset Graph refused as not available.

use rusqlite::Connection;
use serde::Serialize;
use steward_core::dataset::{DatasetState, ReadMode};
use steward_core::store::{datasets, TenantKey};

use super::SyncResult;
use crate::wire::Dataset;

/// One dataset's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetReport {
    pub dataset: Dataset,
    /// How the dataset was read.
    pub mode: ReadMode,
    /// `ok`, or `notAvailable` with why (a license or permission is missing).
    pub status: DatasetState,
    pub detail: Option<String>,
    pub items: u64,
    pub pages: u64,
    pub removed: u64,
}

impl DatasetReport {
    /// A dataset about to be read this way: nothing read yet, and fine until told otherwise.
    pub(super) fn new(dataset: Dataset, mode: ReadMode) -> DatasetReport {
        DatasetReport {
            dataset,
            mode,
            status: DatasetState::Ok,
            detail: None,
            items: 0,
            pages: 0,
            removed: 0,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSummary {
    pub tenant_id: String,
    pub tenant_name: String,
    pub datasets: Vec<DatasetReport>,
    /// The changes made in Steward that the sync pushed before it read.
    pub pushed: super::PushSummary,
    /// Requests that were answered with a throttle, an error or an expired token and retried.
    pub retries: u64,
    /// What the redirect-domain lookups found, when the sync was asked to make them.
    pub redirect_domains: Option<super::RedirectDomainsReport>,
}

/// Records that Graph refused the dataset (403), with the permission or license it needs: in the
/// run's report and in the cache, where the window shows it as "not available".
pub(super) fn mark_unavailable(
    conn: &Connection,
    key: TenantKey,
    now: i64,
    report: &mut DatasetReport,
    detail: String,
) -> SyncResult<()> {
    report.status = DatasetState::NotAvailable;
    datasets::mark_not_available(conn, key, report.dataset, now, &detail)?;
    report.detail = Some(detail);
    Ok(())
}
