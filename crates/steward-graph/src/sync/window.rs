//! Datasets read by time window (sign-ins and app-management audits): newest first, the window
//! narrowing with each page, the next window overlapping the last, each event stored once.

use std::time::Duration;
use steward_core::dataset::ReadMode;

use chrono::SecondsFormat;
use rusqlite::Connection;
use serde_json::Value;
use steward_core::clock::{from_ms, to_ms};
use steward_core::model::SignIn;
use steward_core::store::TenantKey;

use super::client::{Client, Fetch};
use super::page::{bad_item, items, next_link};
use super::plan::{Plan, Window};
use super::report::mark_unavailable;
use super::sign_in_commits::Committer;
use super::state::{complete, in_tx, load_state, save_state, State};
use super::{DatasetReport, Progress, ProgressInfo, SyncError, SyncOptions, SyncResult};
use crate::json::Obj;
use crate::wire::{self, Dataset};

const DAY_MS: i64 = 86_400_000;

fn iso_ms(ms: i64) -> String {
    from_ms(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Opens the next time window of a dataset read by window: from where the last completed round
/// reached, less the overlap (events arrive late), up to now; a first round reaches back as far
/// as Graph keeps them.
fn open_window(state: &mut State, now: i64, opts: &SyncOptions) {
    let oldest = now - opts.sign_in_days * DAY_MS;
    let overlap = opts.overlap.as_millis() as i64;
    let from = state.done_to.map_or(oldest, |t| (t - overlap).max(oldest));
    state.window_from = Some(from);
    state.window_to = Some(now);
    state.round_started = Some(now);
    state.next_link = None;
}

/// The first page of `path` for events whose `field` lies in the window, and `also`.
/// Newest first: each page read narrows the window to what is older than it.
fn windowed_url(
    graph: &str,
    path: &str,
    top: u32,
    field: &str,
    also: &str,
    (from, to): (i64, i64),
) -> SyncResult<String> {
    Ok(reqwest::Url::parse_with_params(
        &format!("{graph}{path}"),
        &[
            ("$top", top.to_string()),
            ("$orderby", format!("{field} desc")),
            (
                "$filter",
                format!(
                    "{field} ge {} and {field} le {} and {also}",
                    iso_ms(from),
                    iso_ms(to)
                ),
            ),
        ],
    )
    .map_err(|e| SyncError::Unexpected {
        url: graph.into(),
        message: format!("the Graph URL is not valid ({e}); check --graph-url"),
    })?
    .to_string())
}

/// How much of the window is read: pages come newest first, so from its newest end back.
fn window_fraction(state: &State) -> Option<f64> {
    match (state.window_from, state.window_to, state.round_started) {
        _ if state.next_link.is_none() => Some(1.0),
        (Some(from), Some(to), Some(start)) if start > from => {
            Some(((start - to) as f64 / (start - from) as f64).clamp(0.0, 1.0))
        }
        _ => None,
    }
}

/// App-management audit events (who added or removed a credential, consented, changed an app),
/// window by window like sign-ins: newest first, the window narrowing with each page, the next
/// window overlapping the last, and each event stored once.
pub(super) async fn sync_audits(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    p: &Plan,
    w: &Window,
    now: i64,
    progress: Progress<'_>,
) -> SyncResult<DatasetReport> {
    let d = p.dataset;
    let graph = client.opts.graph_url.trim_end_matches('/').to_string();
    let path = format!("/{}/{}", p.version, p.path);
    let mut state = load_state(conn, key, d, &client.opts.graph_url)?;
    if state.next_link.is_none() {
        open_window(&mut state, now, &client.opts);
    }
    let url_for = |s: &State| {
        windowed_url(
            &graph,
            &path,
            w.top,
            w.field,
            w.filter,
            (s.window_from.unwrap_or(now), s.window_to.unwrap_or(now)),
        )
    };
    if state.next_link.is_none() {
        state.next_link = Some(url_for(&state)?);
        in_tx(conn, || save_state(conn, key, d, &state, 0))?;
    }
    let mut report = DatasetReport::new(d, ReadMode::Window);
    while let Some(url) = state.next_link.clone() {
        client.check_cancel()?;
        let v = match client.get(&url).await? {
            Fetch::Ok(v) => v,
            Fetch::PageTokenExpired | Fetch::DeltaExpired => {
                // What is left of the window, asked afresh (an event read twice is kept once).
                state.next_link = Some(url_for(&state)?);
                continue;
            }
            Fetch::Forbidden(why) => {
                let detail = format!("needs {}: {why}", p.needs);
                mark_unavailable(conn, key, now, &mut report, detail)?;
                return Ok(report);
            }
        };
        let audits = items(&v, &url)?
            .iter()
            .enumerate()
            .map(|(i, m)| wire::directory_audit(Obj(m)).map_err(|e| bad_item(&url, d, i, e)))
            .collect::<SyncResult<Vec<_>>>()?;
        let next = next_link(&v);
        if next.is_some() {
            if let Some(oldest) = audits.iter().map(|a| a.activity_date_time).min() {
                state.window_to = Some(to_ms(oldest));
            }
        } else {
            state.done_to = state.round_started;
            state.round_started = None;
        }
        state.next_link = next;
        in_tx(conn, || {
            for a in &audits {
                steward_core::store::governance::insert_audit(conn, key, a)?;
            }
            save_state(conn, key, d, &state, audits.len() as u64)?;
            if state.next_link.is_none() {
                complete(conn, key, d, now)?;
            }
            Ok(())
        })?;
        report.items += audits.len() as u64;
        report.pages += 1;
        progress(&ProgressInfo {
            dataset: d,
            items: report.items,
            total: None,
            fraction: window_fraction(&state),
        });
    }
    Ok(report)
}

/// Sign-ins of workload identities, window by window.
pub(super) async fn sync_sign_ins(
    client: &mut Client,
    conn: &Connection,
    key: TenantKey,
    p: &Plan,
    w: &Window,
    now: i64,
    progress: Progress<'_>,
) -> SyncResult<DatasetReport> {
    let d = p.dataset;
    let graph = client.opts.graph_url.trim_end_matches('/').to_string();
    let path = format!("/{}/{}", p.version, p.path);
    let mut state = load_state(conn, key, d, &client.opts.graph_url)?;
    if state.next_link.is_none() {
        open_window(&mut state, now, &client.opts);
    }
    let window_url =
        |from: i64, to: i64| windowed_url(&graph, &path, w.top, w.field, w.filter, (from, to));
    let first = window_url(
        state.window_from.unwrap_or(now),
        state.window_to.unwrap_or(now),
    )?;
    if state.next_link.is_none() {
        state.next_link = Some(first.clone());
        in_tx(conn, || save_state(conn, key, d, &state, 0))?;
    }
    let mut report = DatasetReport::new(d, ReadMode::Window);
    // Pages go to the committer's writer thread HANDED sign-ins at a time, and are committed
    // together, with the position after the last of them, once they reach COMMIT_ROWS sign-ins
    // or COMMIT_EVERY has passed: far fewer commits and roll-up writes than one per page, and a
    // run killed meanwhile fetches those pages again.
    let mut committer = Committer::new(conn, key, now)?;
    let mut gathered = Vec::new();
    let read = read_sign_ins(
        client,
        &mut committer,
        &mut state,
        &mut gathered,
        &mut report,
        progress,
        |s| window_url(s.window_from.unwrap_or(now), s.window_to.unwrap_or(now)),
    )
    .await;
    // Whatever stopped the read (its end, a cancel, a refusal, a failed request), every page it
    // parsed is kept: the pages gathered and not yet handed over go to the writer with the
    // position after them, and the writer is waited for, as the sync's connection writes next.
    // A failed write says more than a read that failed after it.
    let handed = if gathered.is_empty() {
        Ok(())
    } else {
        committer.hand_over(gathered, &state, false).await
    };
    let written = committer.finish().await;
    let forbidden = written.and(handed).and(read)?;
    if let Some(why) = forbidden {
        let detail = format!("needs {}: {why}", p.needs);
        mark_unavailable(conn, key, now, &mut report, detail)?;
    }
    Ok(report)
}

/// Reads the window's pages from `state`'s position and hands them to `committer` HANDED
/// sign-ins at a time, gathering them in `gathered` meanwhile (`state` is always the position
/// after what was handed over and gathered). `Some(why)` when Graph refused the dataset.
async fn read_sign_ins(
    client: &mut Client,
    committer: &mut Committer<'_>,
    state: &mut State,
    gathered: &mut Vec<SignIn>,
    report: &mut DatasetReport,
    progress: Progress<'_>,
    rest_of_window: impl Fn(&State) -> SyncResult<String>,
) -> SyncResult<Option<String>> {
    let d = Dataset::SignIns;
    let mut since_commit = 0usize;
    let mut last_commit = std::time::Instant::now();
    while let Some(url) = state.next_link.clone() {
        // Cancelled: what was read is committed as the committer finishes.
        client.check_cancel()?;
        let bytes = match client.fetch_bytes(&url, None).await? {
            Fetch::Ok(b) => b,
            Fetch::PageTokenExpired | Fetch::DeltaExpired => {
                // Pages come newest first and each page read narrowed the window to what is
                // older: a fresh query for the rest of the window loses nothing and repeats little
                // (a sign-in seen twice is stored once).
                state.next_link = Some(rest_of_window(state)?);
                continue;
            }
            Fetch::Forbidden(why) => return Ok(Some(why)),
        };
        let (page, next) = sign_in_page(&bytes, &url)?;
        let n = page.len();
        if let Some(o) = page.iter().map(|s| s.created_date_time).min() {
            if next.is_some() {
                // What is left of the window is no newer than this page's oldest sign-in.
                state.window_to = Some(to_ms(o));
            }
        }
        state.next_link = next.clone();
        if next.is_none() {
            state.done_to = state.round_started;
            state.round_started = None;
        }
        since_commit += n;
        let commit =
            next.is_none() || since_commit >= COMMIT_ROWS || last_commit.elapsed() >= COMMIT_EVERY;
        gathered.extend(page);
        if commit || gathered.len() >= HANDED {
            committer
                .hand_over(std::mem::take(gathered), state, commit)
                .await?;
        }
        if commit {
            since_commit = 0;
            last_commit = std::time::Instant::now();
        }
        report.items += n as u64;
        report.pages += 1;
        progress(&ProgressInfo {
            dataset: d,
            items: report.items,
            total: None,
            fraction: window_fraction(state),
        });
    }
    Ok(None)
}

/// Sign-ins between commits, at most (24 pages of Graph's largest). Measured on 1,000,000
/// sign-ins: 20% less CPU than 10,000. Memory holds what waits for the writer, not this.
const COMMIT_ROWS: usize = 24_000;
/// Sign-ins handed to the writer at a time, sorted together: the longer the sorted run, the
/// fuller the log's pages (Graph lists newest first). Measured on 1,000,000 sign-ins: runs of
/// 1,000 left the log at 80.5 bytes a sign-in, 4,000 at 77.1, 8,000 at 75.1 (74.4 sorting whole
/// commits of 25,000), for a peak RSS of 54, 58 and 63 MB. The full sync of 10,000,000 with
/// runs of 8,000: 524 s, peak RSS 105 MB; with 4,000: 666 s, 102.5 MB.
const HANDED: usize = 8_000;
/// Time between commits, at most, however slowly pages arrive.
const COMMIT_EVERY: Duration = Duration::from_secs(3);

/// A page of sign-ins: Graph's own JSON through the typed fast path, anything else through the
/// tolerant reader that names what is wrong.
fn sign_in_page(bytes: &[u8], url: &str) -> SyncResult<(Vec<SignIn>, Option<String>)> {
    let d = Dataset::SignIns;
    if let Ok(page) = serde_json::from_slice::<wire::SignInPage>(bytes) {
        let rows = page
            .value
            .into_iter()
            .enumerate()
            .map(|(i, w)| w.into_sign_in().map_err(|e| bad_item(url, d, i, e)))
            .collect::<SyncResult<Vec<_>>>()?;
        return Ok((rows, page.next_link));
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|e| SyncError::Unexpected {
        url: url.to_string(),
        message: format!("the answer is not JSON ({e})"),
    })?;
    let rows = items(&v, url)?
        .iter()
        .enumerate()
        .map(|(i, m)| wire::sign_in(Obj(m)).map_err(|e| bad_item(url, d, i, e)))
        .collect::<SyncResult<Vec<_>>>()?;
    Ok((rows, next_link(&v)))
}
