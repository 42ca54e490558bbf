//! `steward import`: Graph JSON as admins export it — one response page (`{"value": [...]}`), a
//! plain array, a folder of pages, `az ad sp list --all` / `az ad app list` output, Graph
//! PowerShell's `ConvertTo-Json` — recognised by `@odata.context`, `@odata.type` or shape.
//!
//! Every file is read and checked before anything is written; then the whole run is written in
//! one transaction. A bad file stops the run with an error naming it, and the cache keeps exactly
//! what it held before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;
use steward_core::clock::to_ms;
use steward_core::dataset::DatasetSource;
use steward_core::model::{
    AppCredentialSignInActivity, AppRoleAssignment, Application, ConditionalAccessPolicy,
    DirectoryAudit, DirectoryRecommendation, DirectoryRoleAssignment, FederatedIdentityCredential,
    NamedLocation, OAuth2PermissionGrant, RiskyServicePrincipal, ServicePrincipal,
    ServicePrincipalRiskDetection, ServicePrincipalSignInActivity, SignIn, SubscribedSku, Tenant,
};
use steward_core::store::{
    self, app_role_assignments, applications, datasets, federated_credentials, insights,
    service_principals, sign_ins::SignInWriter, tenants,
};

use crate::json::{normalise, Obj};
use crate::wire::{self, Dataset, Organization};
use crate::{Error, Result};

mod files;

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
    pub files: usize,
    /// Files that held no item (an empty page): nothing to import from them.
    pub empty_files: Vec<PathBuf>,
    pub datasets: Vec<DatasetCount>,
    /// Sign-ins the cache did not hold yet (the others were already there).
    pub new_sign_ins: u64,
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
    counts: BTreeMap<Dataset, u64>,
}

/// The items of one file and the `@odata.context` they came with.
fn items_of(path: &Path, v: Value) -> Result<(Option<String>, Vec<Value>)> {
    match v {
        Value::Array(items) => Ok((None, items)),
        Value::Object(mut map) => {
            let context = match map.get("@odata.context") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            match map.remove("value") {
                Some(Value::Array(items)) => Ok((context, items)),
                Some(other) => Err(Error::Shape {
                    path: path.to_path_buf(),
                    message: format!(
                        "`value` should be the list of items, found {}",
                        if other.is_object() { "an object" } else { "something else" }
                    ),
                }),
                // One object: `GET /organization/{id}`, or PowerShell's `ConvertTo-Json` of one item.
                None if map.contains_key("id") => Ok((context, vec![Value::Object(map)])),
                None => Err(Error::Shape {
                    path: path.to_path_buf(),
                    message: "not a Graph response: expected {\"value\": [...]} as Graph returns it, a JSON array of Graph objects, or one Graph object".into(),
                }),
            }
        }
        _ => Err(Error::Shape {
            path: path.to_path_buf(),
            message: "not a Graph response: expected {\"value\": [...]}, a JSON array or an object"
                .into(),
        }),
    }
}

fn read_file(path: &Path, cap: u64, batch: &mut Batch, empty: &mut Vec<PathBuf>) -> Result<()> {
    let text = files::read_text(path, cap)?;
    let v: Value = serde_json::from_str(&text).map_err(|e| Error::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let (context, items) = items_of(path, normalise(v))?;
    if items.is_empty() {
        empty.push(path.to_path_buf());
        return Ok(());
    }
    let by_context = context.as_deref().and_then(wire::dataset_from_context);
    let objects: Vec<Obj<'_>> = items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Object(m) => Ok(Obj(m)),
            _ => Err(Error::Shape {
                path: path.to_path_buf(),
                message: format!("item {} is not an object; Graph lists objects", i + 1),
            }),
        })
        .collect::<Result<_>>()?;
    let dataset = match by_context {
        Some(d) => d,
        None => wire::dataset_from_item(objects[0]).ok_or_else(|| Error::Shape {
            path: path.to_path_buf(),
            message: match &context {
                Some(c) => format!("`@odata.context` {c} names no dataset Steward imports, and the items' fields do not say what they are"),
                None => "the items' fields do not say which Graph dataset this is (no `@odata.context`, no `@odata.type`); export it with Graph, az or Graph PowerShell as it comes".into(),
            },
        })?,
    };
    let item_err = |index: usize, message: String| Error::Item {
        path: path.to_path_buf(),
        index: index + 1,
        dataset: wire::item_name(dataset),
        message,
    };
    for (i, o) in objects.iter().enumerate() {
        // A file holds one dataset: an item that plainly is something else is an error, not a guess.
        if let Some(other) = wire::dataset_from_item(*o) {
            if other != dataset && by_context.is_none() {
                return Err(item_err(
                    i,
                    format!("this looks like a {} while the file's first item is a {}; keep one dataset per file", wire::item_name(other), wire::item_name(dataset)),
                ));
            }
        }
        match dataset {
            Dataset::Organization => {
                let org = wire::organization(*o).map_err(|m| item_err(i, m))?;
                batch.organizations.push((path.to_path_buf(), org));
            }
            Dataset::Applications | Dataset::DeletedApplications => batch
                .applications
                .push(wire::application(*o).map_err(|m| item_err(i, m))?),
            Dataset::ServicePrincipals | Dataset::DeletedServicePrincipals => batch
                .service_principals
                .push(wire::service_principal(*o).map_err(|m| item_err(i, m))?),
            Dataset::FederatedIdentityCredentials => {
                let from_item = match o.get("@odata.id") {
                    Some(Value::String(id)) => wire::application_in_odata_id(id),
                    _ => None,
                };
                let parent = from_item
                    .or_else(|| context.as_deref().and_then(wire::parent_id))
                    .ok_or_else(|| item_err(
                        i,
                        "a federated identity credential needs the application it belongs to: keep Graph's `@odata.context` (…#applications('<id>')/federatedIdentityCredentials) or the items' `@odata.id` in the file".into(),
                    ))?;
                let fic = wire::federated_credential(*o).map_err(|m| item_err(i, m))?;
                match batch.federated.iter_mut().find(|(id, _)| *id == parent) {
                    Some((_, list)) => list.push(fic),
                    None => batch.federated.push((parent, vec![fic])),
                }
            }
            Dataset::Owners | Dataset::Sponsors => {
                return Err(item_err(
                    i,
                    "owners lists name no parent object, so an import cannot tell whose owners they are; `steward sync` reads owners".into(),
                ))
            }
            Dataset::AppRoleAssignments => batch
                .app_role_assignments
                .push(wire::app_role_assignment(*o).map_err(|m| item_err(i, m))?),
            Dataset::SignIns => batch
                .sign_ins
                .push(wire::sign_in(*o).map_err(|m| item_err(i, m))?),
            Dataset::ServicePrincipalSignInActivities => batch
                .sp_activities
                .push(wire::sp_activity(*o).map_err(|m| item_err(i, m))?),
            Dataset::AppCredentialSignInActivities => batch
                .credential_activities
                .push(wire::credential_activity(*o).map_err(|m| item_err(i, m))?),
            Dataset::SubscribedSkus => batch
                .skus
                .push(wire::subscribed_sku(*o).map_err(|m| item_err(i, m))?),
            Dataset::NamedLocations => batch
                .named_locations
                .push(wire::named_location(*o).map_err(|m| item_err(i, m))?),
            Dataset::RiskyServicePrincipals => batch
                .risky
                .push(wire::risky_service_principal(*o).map_err(|m| item_err(i, m))?),
            Dataset::ServicePrincipalRiskDetections => batch
                .detections
                .push(wire::risk_detection(*o).map_err(|m| item_err(i, m))?),
            Dataset::DirectoryRecommendations => batch
                .recommendations
                .push(wire::directory_recommendation(*o).map_err(|m| item_err(i, m))?),
            Dataset::RoleAssignments | Dataset::RoleEligibilities => batch.role_assignments.push(
                wire::role_assignment(*o, dataset == Dataset::RoleEligibilities)
                    .map_err(|m| item_err(i, m))?,
            ),
            Dataset::OAuth2PermissionGrants => batch
                .grants
                .push(wire::oauth2_grant(*o).map_err(|m| item_err(i, m))?),
            Dataset::ConditionalAccessPolicies => batch
                .ca_policies
                .push(wire::ca_policy(*o).map_err(|m| item_err(i, m))?),
            Dataset::DirectoryAudits => batch
                .audits
                .push(wire::directory_audit(*o).map_err(|m| item_err(i, m))?),
        }
        // A soft-deleted object (a `directory/deletedItems` export) counts as such.
        let deleted = matches!(o.get("deletedDateTime"), Some(Value::String(_)));
        let counted = match dataset {
            Dataset::Applications if deleted => Dataset::DeletedApplications,
            Dataset::ServicePrincipals if deleted => Dataset::DeletedServicePrincipals,
            d => d,
        };
        *batch.counts.entry(counted).or_default() += 1;
    }
    Ok(())
}

/// The tenant the run writes into: its organization response, or `--tenant`.
fn tenant_of(
    conn: &Connection,
    batch: &Batch,
    opts: &ImportOptions,
    now: DateTime<Utc>,
) -> Result<Tenant> {
    let org = batch.organizations.first();
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
    let id = match (org, &opts.tenant) {
        (Some((_, o)), _) => o.id.clone(),
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
        app_role_assignments::upsert_app_role_assignment(conn, key, a)?;
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
    for dataset in batch.counts.keys() {
        datasets::mark_read(conn, key, *dataset, to_ms(now), DatasetSource::Import)?;
    }
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
    let files = files::expand(paths)?;
    let mut batch = Batch::default();
    let mut empty = Vec::new();
    for f in &files {
        read_file(f, opts.max_document_bytes, &mut batch, &mut empty)?;
    }
    let tenant = tenant_of(conn, &batch, opts, now)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let written = write(conn, &batch, &tenant, now);
    let new_sign_ins = match written {
        Ok(n) => {
            conn.execute_batch("COMMIT")?;
            n
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    };
    Ok(ImportSummary {
        tenant_id: tenant.id,
        tenant_name: tenant.display_name,
        files: files.len(),
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
    })
}
