//! `steward sync`: reads a tenant from Microsoft Graph into the cache, resumably.
//!
//! Each page's rows and the collection's next position (`sync_state`) are committed in one
//! transaction, so a sync killed at any instant resumes where it stopped, with no duplicate and
//! no missing row. Applications and service principals are read in a full round first: it takes
//! a delta link from its start (`$deltatoken=latest`), keeps the ids it has seen (`sync_seen`)
//! and removes what it did not see. Later syncs run delta rounds from that link: objects marked
//! `@removed` are removed, and every other changed object is read whole by id through `$batch`
//! (a delta round may carry only the properties that changed). An expired delta link (Graph's
//! `syncStateNotFound`) falls back to a full round. Sign-ins
//! are read by time window, newest first as Graph pages them: the window is the checkpoint, the
//! next window overlaps the last one, and sign-ins are de-duplicated by id.
//!
//! Transport: `Retry-After` is honoured on 429 and 503; without it, exponential backoff with
//! jitter; a 401 fetches a new token; an expired page token restarts only that collection from
//! its checkpoint; a 403 marks the dataset "not available" and the sync goes on.
//!
//! One writer at a time: a sync holds the cache's writer lock (`store::lock_for_writing`) from
//! sign-in to its end, and a second sync or import of the same cache is refused with who holds it.

mod batch;
mod client;
mod delta;
mod directory;
mod error;
mod options;
mod page;
mod plan;
mod progress;
mod push;
mod redirect_dns;
mod report;
mod risk;
mod sign_in_commits;
mod state;
mod sub_resources;
mod token;
mod whole_read;
mod window;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use steward_core::clock::to_ms;
use steward_core::dataset::{DatasetSource, ReadMode};
use steward_core::model::Tenant;
use steward_core::store::{self, datasets, outbox, tenants};

use crate::json::Obj;
use crate::wire::{self, Dataset};

use client::{Client, Fetch};
use directory::sync_directory;
use page::items;
use plan::{plan, ReadBy, ORGANIZATION};
use risk::push_risk_actions;
use state::in_tx;
use sub_resources::sync_sub_resources;
use whole_read::sync_whole_read;
use window::{sync_audits, sync_sign_ins};

pub use error::{SyncError, SyncResult};
pub use options::SyncOptions;
pub use plan::SYNCED;
pub use progress::{eta_text, Meter, Pace, Progress, ProgressInfo};
pub use push::{push, NewSecret, PushSummary};
pub use redirect_dns::{RedirectDomainsReport, Resolution, Resolve, SystemResolver};
pub use report::{DatasetReport, SyncSummary};

/// Signs in and reads the organization: the tenant exists, the app may read it.
async fn read_organization(
    client: &mut Client,
    opts: &SyncOptions,
) -> SyncResult<wire::Organization> {
    let graph = opts.graph_url.trim_end_matches('/').to_string();
    let url = ORGANIZATION.url(&graph);
    let org = match client.get(&url).await? {
        Fetch::Ok(v) => v,
        _ => {
            return Err(SyncError::Unexpected {
                url,
                message: format!(
                    "the organization could not be read; the app needs {}",
                    ORGANIZATION.needs
                ),
            })
        }
    };
    let first = items(&org, &url)?
        .into_iter()
        .next()
        .ok_or_else(|| SyncError::Unexpected {
            url: url.clone(),
            message: "no organization in the answer".into(),
        })?;
    let o = wire::organization(Obj(&first)).map_err(|m| SyncError::Unexpected {
        url: url.clone(),
        message: m,
    })?;
    if !o.id.eq_ignore_ascii_case(&opts.tenant_id) {
        return Err(SyncError::WrongTenant {
            expected: opts.tenant_id.clone(),
            found: o.id,
        });
    }
    Ok(o)
}

/// Tests a connection: signs in and reads the organization. Returns the tenant's name.
pub async fn test_connection(opts: &SyncOptions) -> SyncResult<String> {
    let mut client = Client::new(opts.clone())?;
    Ok(read_organization(&mut client, opts).await?.display_name)
}

/// Syncs the tenant `opts` names into the cache. `now` is when this run reads (windows end
/// there); a run resumed later continues the windows it had started.
pub async fn sync(
    conn: &Connection,
    opts: &SyncOptions,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> SyncResult<SyncSummary> {
    let mut client = Client::new(opts.clone())?;
    let o = read_organization(&mut client, opts).await?;
    // Taken once the credential has signed in, so that a refusal here never reads as a refused
    // sign-in; held until the sync returns. Two syncs of one cache would interleave their saved
    // positions and remove each other's rows.
    let _lock = store::lock_for_writing(conn, &format!("a sync of tenant {}", o.id))?;
    let _bulk = store::bulk_write(conn)?;
    let now_ms = to_ms(now);
    let tenant = Tenant {
        id: o.id.clone(),
        display_name: o.display_name.clone(),
        default_domain: o.default_domain.clone(),
        is_demo: false,
        data_as_of: Some(now),
    };
    let key = in_tx(conn, || {
        let key = tenants::upsert_tenant(conn, &tenant, false)?;
        datasets::mark_read(
            conn,
            key,
            Dataset::Organization,
            now_ms,
            DatasetSource::Sync,
        )?;
        Ok(key)
    })?;
    // What the admin changed in Steward goes to Graph first, so that what is read back has it.
    let pushed = push::push_outbox(&mut client, conn, key, now, false).await?;
    let wanted: Vec<Dataset> = if opts.datasets.is_empty() {
        SYNCED.to_vec()
    } else {
        opts.datasets.clone()
    };
    let mut reports = vec![DatasetReport {
        items: 1,
        pages: 1,
        ..DatasetReport::new(Dataset::Organization, ReadMode::Full)
    }];
    for d in wanted {
        // A dataset the plan does not hold is not read on its own (federated credentials come
        // with their applications).
        let Some(p) = plan(d) else {
            continue;
        };
        let r = match &p.read {
            // Read above, at sign-in.
            ReadBy::First => continue,
            ReadBy::Directory => {
                let r =
                    sync_directory(&mut client, conn, key, &tenant.id, p, now_ms, progress).await?;
                // Entra's version was written over changes Graph does not have yet (refused,
                // in conflict, made during the sync): the cache shows them again.
                in_tx(conn, || Ok(outbox::reapply_unpushed(conn, key)?))?;
                r
            }
            // Sign-ins have a writer of their own (pages held, roll-ups merged before a commit).
            ReadBy::Window(w) if d == Dataset::SignIns => {
                sync_sign_ins(&mut client, conn, key, p, w, now_ms, progress).await?
            }
            ReadBy::Window(w) => {
                sync_audits(&mut client, conn, key, p, w, now_ms, progress).await?
            }
            ReadBy::WholeRead => {
                let pushed = if d == Dataset::RiskyServicePrincipals {
                    Some(push_risk_actions(&mut client, conn, key, now_ms).await?)
                } else {
                    None
                };
                let mut r =
                    sync_whole_read(&mut client, conn, key, &tenant.id, p, now_ms, progress)
                        .await?;
                if let Some((n, why)) = pushed {
                    let said = match (n, why) {
                        (_, Some(why)) => Some(why),
                        (0, None) => None,
                        (n, None) => Some(format!(
                            "{n} risk decision{} made in Steward pushed to Entra",
                            if n == 1 { "" } else { "s" }
                        )),
                    };
                    if let Some(said) = said {
                        r.detail = Some(match r.detail.take() {
                            Some(d) => format!("{d}; {said}"),
                            None => said,
                        });
                    }
                }
                r
            }
            ReadBy::PerObject(spec) => {
                let r =
                    sync_sub_resources(&mut client, conn, key, p, spec, now_ms, progress).await?;
                // Owners, sponsors and permissions read from Entra: changes to them made in
                // Steward and not yet pushed show again.
                in_tx(conn, || Ok(outbox::reapply_unpushed(conn, key)?))?;
                r
            }
        };
        reports.push(r);
    }
    // Asked to: whether the own apps' redirect hosts still resolve (after the applications
    // are read, so the hosts are today's).
    let redirect_domains = match &opts.redirect_resolver {
        Some(resolver) => {
            Some(redirect_dns::check_redirect_domains(conn, key, resolver.clone(), now_ms).await?)
        }
        None => None,
    };
    // The planner's statistics follow what was read (bounded: quick on the largest cache). Every
    // view query has a total ORDER BY, so a new plan changes no output.
    steward_core::store::refresh_statistics(conn)?;
    Ok(SyncSummary {
        tenant_id: tenant.id,
        tenant_name: tenant.display_name,
        datasets: reports,
        pushed,
        retries: client.retries,
        redirect_domains,
    })
}
