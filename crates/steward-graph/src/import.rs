//! `steward import`: Graph JSON as admins export it — one response page (`{"value": [...]}`), a
//! plain array, a folder of pages, `az ad sp list --all` / `az ad app list` output, Graph
//! PowerShell's `ConvertTo-Json` — recognised by `@odata.context`, `@odata.type` or shape.
//!
//! Every file is read and checked before anything is written; then the whole run is written in
//! one transaction. A bad file stops the run with an error naming it, and the cache keeps exactly
//! what it held before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use steward_core::clock::to_ms;
use steward_core::dataset::DatasetSource;
use steward_core::model::{
    AppCredentialSignInActivity, AppRoleAssignment, Application, ConditionalAccessPolicy,
    DirectoryAudit, DirectoryRecommendation, DirectoryRoleAssignment, FederatedIdentityCredential,
    NamedLocation, OAuth2PermissionGrant, Owner, RiskyServicePrincipal, ServicePrincipal,
    ServicePrincipalRiskDetection, ServicePrincipalSignInActivity, SignIn, SubscribedSku, Tenant,
    TenantPolicy,
};
use steward_core::store::{
    self, app_role_assignments, applications, datasets, federated_credentials, insights,
    service_principals, sign_ins::SignInWriter, tenants,
};

use crate::wire::{Dataset, Organization};
use crate::{Error, Result};

mod archive;
mod files;
mod inline;
mod log_analytics;
mod page;
mod tools;
mod tree;

pub use archive::ArchiveProgress;
pub use files::MAX_DOCUMENT_BYTES;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The tenant the files belong to, when no organization response comes with them.
    pub tenant: Option<String>,
    /// The largest JSON document read ([`MAX_DOCUMENT_BYTES`] unless a test says otherwise).
    pub max_document_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            tenant: None,
            max_document_bytes: MAX_DOCUMENT_BYTES,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetCount {
    pub dataset: Dataset,
    pub items: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub tenant_id: String,
    pub tenant_name: String,
    /// JSON files read (those left unread are in `skipped`).
    pub files: usize,
    /// Files that held no item (an empty page): nothing to import from them.
    pub empty_files: Vec<PathBuf>,
    pub datasets: Vec<DatasetCount>,
    /// Sign-ins the cache did not hold yet (the others were already there).
    pub new_sign_ins: u64,
    /// Files left unread, by folder and reason: data Steward does not use (users, devices, role
    /// definitions…), other tools' bookkeeping, and files that are not JSON.
    pub skipped: Vec<Skipped>,
}

/// Files of one folder left unread for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// The folder, from the name of the folder given to the import (`zt-export/User`), or in
    /// full when a file was given on its own.
    pub folder: PathBuf,
    pub reason: String,
    pub files: u64,
    /// One of them, as an example.
    pub example: String,
}

/// Adds `path` to the skipped list, grouped with its folder's others skipped for `reason`.
fn skip(skipped: &mut Vec<Skipped>, path: &Path, reason: &str) {
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match skipped
        .iter_mut()
        .find(|s| s.folder == folder && s.reason == reason)
    {
        Some(s) => s.files += 1,
        None => skipped.push(Skipped {
            folder,
            reason: reason.to_string(),
            files: 1,
            example: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }),
    }
}

/// Everything a run read, checked and converted, waiting to be written.
#[derive(Default)]
struct Batch {
    organizations: Vec<(PathBuf, Organization)>,
    applications: Vec<Application>,
    service_principals: Vec<ServicePrincipal>,
    /// Application object id → its federated credentials (from `applications('…')/…` pages).
    federated: Vec<(String, Vec<FederatedIdentityCredential>)>,
    app_role_assignments: Vec<AppRoleAssignment>,
    /// Object id → all its owners, from lists written inline (`owners`).
    owners: Vec<(String, Vec<Owner>)>,
    /// The tenant's id as a tool's settings give it (ZTA's `ztConfig.json`), and where.
    tenant_hints: Vec<(PathBuf, String)>,
    /// Ids of the app role assignments in `app_role_assignments`: one may be listed twice.
    assignment_ids: std::collections::HashSet<String>,
    /// Directory role objects and their members (EntraExporter), made role assignments at the end.
    directory_roles: Vec<tree::DirectoryRole>,
    role_members: Vec<tree::RoleMember>,
    sign_ins: Vec<SignIn>,
    sp_activities: Vec<ServicePrincipalSignInActivity>,
    credential_activities: Vec<AppCredentialSignInActivity>,
    skus: Vec<SubscribedSku>,
    named_locations: Vec<NamedLocation>,
    risky: Vec<RiskyServicePrincipal>,
    detections: Vec<ServicePrincipalRiskDetection>,
    recommendations: Vec<DirectoryRecommendation>,
    /// Active and eligible directory role assignments.
    role_assignments: Vec<DirectoryRoleAssignment>,
    grants: Vec<OAuth2PermissionGrant>,
    ca_policies: Vec<ConditionalAccessPolicy>,
    audits: Vec<DirectoryAudit>,
    /// The tenant's app and consent policies and its consent requests.
    policies: Vec<TenantPolicy>,
    counts: BTreeMap<Dataset, u64>,
}

impl Batch {
    /// Adds an app role assignment unless the run has it already (by id); says whether it did.
    fn add_assignment(&mut self, a: AppRoleAssignment) -> bool {
        if !self.assignment_ids.insert(a.id.clone()) {
            return false;
        }
        self.app_role_assignments.push(a);
        true
    }
}

/// The tenant the run writes into: its organization response, or `--tenant`.
fn tenant_of(
    conn: &Connection,
    batch: &Batch,
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<Tenant> {
    let org = batch.organizations.first();
    // Every id a file gives must agree: organizations, tools' settings, and `--tenant`.
    let mut said: Vec<(&Path, &str)> = batch
        .organizations
        .iter()
        .map(|(p, o)| (p.as_path(), o.id.as_str()))
        .collect();
    said.extend(
        batch
            .tenant_hints
            .iter()
            .map(|(p, t)| (p.as_path(), t.as_str())),
    );
    if let Some((first_path, first)) = said.first() {
        for (path, id) in &said {
            if let Some(given) = &opts.tenant {
                if !id.eq_ignore_ascii_case(given) {
                    return Err(Error::TenantMismatch {
                        path: path.to_path_buf(),
                        found: id.to_string(),
                        given: given.clone(),
                    });
                }
            }
            if !id.eq_ignore_ascii_case(first) {
                return Err(Error::TenantMismatch {
                    path: path.to_path_buf(),
                    found: id.to_string(),
                    given: format!("{first} (from {})", first_path.display()),
                });
            }
        }
    }
    for (path, o) in &batch.organizations {
        if let Some(given) = &opts.tenant {
            if !o.id.eq_ignore_ascii_case(given) {
                return Err(Error::TenantMismatch {
                    path: path.clone(),
                    found: o.id.clone(),
                    given: given.clone(),
                });
            }
        }
        if let Some((first_path, first)) = org {
            if !o.id.eq_ignore_ascii_case(&first.id) {
                return Err(Error::TenantMismatch {
                    path: path.clone(),
                    found: o.id.clone(),
                    given: format!("{} (from {})", first.id, first_path.display()),
                });
            }
        }
    }
    let id = match (said.first(), &opts.tenant) {
        (Some((_, id)), _) => id.to_string(),
        (None, Some(t)) => t.clone(),
        (None, None) => return Err(Error::NoTenant),
    };
    let known = tenants::get_tenant(conn, &id)?.map(|(_, t)| t);
    Ok(Tenant {
        display_name: org
            .map(|(_, o)| o.display_name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| known.as_ref().map(|t| t.display_name.clone()))
            .unwrap_or_else(|| id.clone()),
        default_domain: org
            .and_then(|(_, o)| o.default_domain.clone())
            .or_else(|| known.as_ref().and_then(|t| t.default_domain.clone())),
        id,
        is_demo: false,
        data_as_of: Some(now),
    })
}

fn write(conn: &Connection, batch: &Batch, tenant: &Tenant, now: DateTime<Utc>) -> Result<u64> {
    let key = tenants::upsert_tenant(conn, tenant, false)?;
    let home = tenant.id.as_str();
    for a in &batch.applications {
        applications::upsert_application(conn, key, a)?;
    }
    for sp in &batch.service_principals {
        service_principals::upsert_service_principal(conn, key, home, sp)?;
    }
    for (app, fics) in &batch.federated {
        federated_credentials::replace_for_application(conn, key, app, fics)?;
    }
    for a in &batch.app_role_assignments {
        if a.resource_display_name.is_empty() {
            // Some exports list assignments by ids only (ZTA selects `id, appRoleId, principalId,
            // resourceId`): the resource's name is its service principal's, now in the cache.
            let mut a = a.clone();
            if let Some(resource) =
                service_principals::get_service_principal(conn, key, &a.resource_id)?
            {
                a.resource_display_name = resource.display_name;
            }
            app_role_assignments::upsert_app_role_assignment(conn, key, &a)?;
        } else {
            app_role_assignments::upsert_app_role_assignment(conn, key, a)?;
        }
    }
    for (object, list) in &batch.owners {
        store::owners::replace_owners(conn, key, object, list)?;
    }
    let mut writer = SignInWriter::new(key);
    let mut new_sign_ins = 0;
    for s in &batch.sign_ins {
        if writer.insert(conn, s)? {
            new_sign_ins += 1;
        }
    }
    writer.flush(conn)?;
    for a in &batch.sp_activities {
        insights::upsert_sp_activity(conn, key, a)?;
    }
    for a in &batch.credential_activities {
        insights::upsert_credential_activity(conn, key, a)?;
    }
    for s in &batch.skus {
        insights::upsert_sku(conn, key, s)?;
    }
    for l in &batch.named_locations {
        store::risk::upsert_named_location(conn, key, l)?;
    }
    for r in &batch.risky {
        store::risk::upsert_risky_service_principal(conn, key, r)?;
    }
    for d in &batch.detections {
        store::risk::upsert_detection(conn, key, d)?;
    }
    for r in &batch.recommendations {
        insights::upsert_directory_recommendation(conn, key, r)?;
    }
    for a in &batch.role_assignments {
        store::directory_roles::upsert_role_assignment(conn, key, a)?;
    }
    for g in &batch.grants {
        store::governance::upsert_grant(conn, key, g)?;
    }
    for p in &batch.ca_policies {
        store::governance::upsert_ca_policy(conn, key, p)?;
    }
    for a in &batch.audits {
        store::governance::insert_audit(conn, key, a)?;
    }
    for p in &batch.policies {
        store::policies::upsert_policy(conn, key, p)?;
    }
    for dataset in batch.counts.keys() {
        datasets::mark_read(conn, key, *dataset, to_ms(now), DatasetSource::Import)?;
    }
    // The export's version was written over changes made in Steward that Graph does not have
    // yet: the cache shows them again.
    store::outbox::reapply_unpushed(conn, key)?;
    Ok(new_sign_ins)
}

/// Imports the Graph JSON files under `paths` into the cache, all or nothing. `now` is recorded
/// as when the data was read.
pub fn import(
    conn: &Connection,
    paths: &[PathBuf],
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<ImportSummary> {
    import_with(conn, paths, opts, now, &mut |_| {}, &AtomicBool::new(false))
}

/// [`import`], reporting the progress of the sign-in archives it streams and stopping between
/// their chunks once `cancel` is set. The directory data is written all or nothing before any
/// archive; an archive's sign-ins are committed in chunks (they are kept by id, so a run stopped
/// midway and run again ends as one uninterrupted run).
pub fn import_with(
    conn: &Connection,
    paths: &[PathBuf],
    opts: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&ArchiveProgress),
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    let mut skipped = Vec::new();
    let (files, not_json) = files::expand(paths)?;
    for f in &not_json {
        skip(&mut skipped, f, "not JSON (Steward imports Graph JSON)");
    }
    // Sign-in archives (JSON Lines) are streamed after the rest is written.
    let mut archives: Vec<PathBuf> = Vec::new();
    let mut batch = Batch::default();
    let mut empty = Vec::new();
    let mut read = 0;
    let cap = opts.max_document_bytes;
    // The folders given that are a tool's export: what they hold beyond Steward's data is skipped.
    let exports: Vec<&PathBuf> = paths.iter().filter(|p| tools::is_tool_export(p)).collect();
    for f in &files {
        if f.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) {
            match page::read_csv(f, cap, &mut batch)? {
                Some(reason) => skip(&mut skipped, f, reason),
                None => read += 1,
            }
            continue;
        }
        match archive::sniff(f)? {
            Some(archive::Kind::SignIns { tenant }) => {
                batch.tenant_hints.push((f.clone(), tenant));
                archives.push(f.clone());
                continue;
            }
            Some(archive::Kind::Other(reason)) => {
                skip(&mut skipped, f, reason);
                continue;
            }
            None => {}
        }
        let hint = match tools::verdict(f) {
            tools::Verdict::Read(hint) => hint,
            tools::Verdict::Owner { parent } => {
                tree::read_owner(f, cap, &parent, &mut batch)?;
                read += 1;
                continue;
            }
            tools::Verdict::DirectoryRole => {
                tree::read_directory_role(f, cap, &mut batch)?;
                read += 1;
                continue;
            }
            tools::Verdict::RoleMember { role } => {
                tree::read_role_member(f, cap, &role, &mut batch)?;
                read += 1;
                continue;
            }
            tools::Verdict::Skip(reason) => {
                skip(&mut skipped, f, reason);
                continue;
            }
            tools::Verdict::ZtConfig => {
                let v = page::read_json(f, cap)?;
                let id = tools::zt_config_tenant(&v).map_err(|message| Error::Shape {
                    path: f.clone(),
                    message,
                })?;
                if let Some(id) = id {
                    batch.tenant_hints.push((f.clone(), id));
                }
                continue;
            }
        };
        let in_export = exports.iter().any(|root| f.starts_with(root));
        match page::read_file(f, cap, hint, in_export, &mut batch, &mut empty)? {
            Some(reason) => skip(&mut skipped, f, reason),
            None => read += 1,
        }
    }
    tree::resolve_role_members(&mut batch)?;
    let tenant = tenant_of(conn, &batch, opts, now)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let written = write(conn, &batch, &tenant, now);
    let mut new_sign_ins = match written {
        Ok(n) => {
            conn.execute_batch("COMMIT")?;
            n
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    if !archives.is_empty() {
        let streamed = stream_archives(conn, &tenant, &archives, now, progress, cancel)?;
        new_sign_ins += streamed.new_sign_ins;
        read += archives.len();
        *batch.counts.entry(Dataset::SignIns).or_default() += streamed.records;
    }
    // The planner's statistics follow what was imported (bounded: quick on the largest cache).
    steward_core::store::refresh_statistics(conn)?;
    Ok(ImportSummary {
        tenant_id: tenant.id,
        tenant_name: tenant.display_name,
        files: read,
        empty_files: empty,
        datasets: batch
            .counts
            .iter()
            .map(|(d, n)| DatasetCount {
                dataset: *d,
                items: *n,
            })
            .collect(),
        new_sign_ins,
        skipped: skipped
            .into_iter()
            .map(|s| Skipped {
                folder: shown_from(paths, &s.folder),
                ..s
            })
            .collect(),
    })
}

/// Streams the sign-in archives into the cache (the tenant is written already), then records the
/// sign-ins dataset as read.
fn stream_archives(
    conn: &Connection,
    tenant: &Tenant,
    archives: &[PathBuf],
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(&ArchiveProgress),
    cancel: &AtomicBool,
) -> Result<archive::Streamed> {
    let key = tenants::get_tenant(conn, &tenant.id)?
        .map(|(k, _)| k)
        .ok_or(Error::NoTenant)?;
    let sizes: Vec<u64> = archives
        .iter()
        .map(|a| std::fs::metadata(a).map(|m| m.len()).unwrap_or(0))
        .collect();
    let mut state = ArchiveProgress {
        files: archives.len(),
        bytes: sizes.iter().sum(),
        ..Default::default()
    };
    let mut counts = archive::Streamed::default();
    let _bulk = steward_core::store::bulk_write(conn)?;
    for (i, a) in archives.iter().enumerate() {
        let before = state.bytes_read;
        let mut report = |records: u64, bytes: u64| {
            state.records = records;
            state.bytes_read = before + bytes;
            progress(&state);
        };
        archive::stream(conn, key, &tenant.id, a, &mut report, cancel, &mut counts).map_err(
            |e| match e {
                Error::Archive { path, message, .. } => Error::Archive {
                    path,
                    message,
                    kept: counts.records,
                },
                Error::Cancelled { .. } => Error::Cancelled {
                    kept: counts.records,
                },
                other => other,
            },
        )?;
        state.files_done = i + 1;
        state.bytes_read = before + sizes[i];
        progress(&state);
    }
    datasets::mark_read(
        conn,
        key,
        Dataset::SignIns,
        to_ms(now),
        DatasetSource::Import,
    )?;
    Ok(counts)
}

/// `folder` as the admin knows it: from the name of the folder they gave that holds it.
fn shown_from(given: &[PathBuf], folder: &Path) -> PathBuf {
    given
        .iter()
        .filter(|g| g.is_dir())
        .find_map(|g| {
            let rest = folder.strip_prefix(g).ok()?;
            let name = PathBuf::from(g.canonicalize().ok()?.file_name()?);
            Some(if rest.as_os_str().is_empty() {
                name
            } else {
                name.join(rest)
            })
        })
        .unwrap_or_else(|| folder.to_path_buf())
}
