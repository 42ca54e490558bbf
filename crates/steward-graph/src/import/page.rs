//! One file of an import: its items, which dataset they are (from `@odata.context`, the folder a
//! known tool wrote them to, `@odata.type` or their fields), each converted into the run's batch,
//! with the related objects written inline on them (`inline.rs`).

use std::path::{Path, PathBuf};

use serde_json::Value;
use steward_core::dataset::Dataset;

use super::{files, inline, log_analytics, tools, Batch};
use crate::json::{normalise, Obj};
use crate::wire;
use crate::{Error, Result};

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
                None if map.contains_key("id")
                    || context.as_deref().is_some_and(|c| c.ends_with("/$entity")) =>
                {
                    Ok((context, vec![Value::Object(map)]))
                }
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

/// The JSON document in `path`.
pub(super) fn read_json(path: &Path, cap: u64) -> Result<Value> {
    let text = files::read_text(path, cap)?;
    serde_json::from_str(&text).map_err(|e| Error::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The items of the JSON document in `path`, as Graph's page, an array or one object holds them.
pub(super) fn items_in(path: &Path, cap: u64) -> Result<Vec<Value>> {
    Ok(items_of(path, normalise(read_json(path, cap)?))?.1)
}

/// Reads one file into the batch; `hint` is the dataset the folder it sits in holds (a known
/// tool's layout). Returns why the file was skipped, when it holds Graph data Steward does not use.
/// In a tool's export (`in_export`), a file whose dataset cannot be told is skipped as tenant
/// configuration rather than stopping the run: such exports hold much that Steward does not use.
pub(super) fn read_file(
    path: &Path,
    cap: u64,
    hint: Option<Dataset>,
    in_export: bool,
    batch: &mut Batch,
    empty: &mut Vec<PathBuf>,
) -> Result<Option<&'static str>> {
    let v = read_json(path, cap)?;
    if log_analytics::is_query_response(&v) {
        let sign_ins = log_analytics::from_query_response(path, &v)?;
        *batch.counts.entry(Dataset::SignIns).or_default() += sign_ins.len() as u64;
        batch.sign_ins.extend(sign_ins);
        return Ok(None);
    }
    let (context, mut items) = items_of(path, normalise(v))?;
    let by_context = context.as_deref().and_then(wire::dataset_from_context);
    if by_context.is_none() && hint.is_none() {
        if let Some(reason) = context.as_deref().and_then(tools::unused_collection) {
            return Ok(Some(reason));
        }
    }
    items.retain(|item| !tools::is_model_row(item));
    if items.is_empty() {
        empty.push(path.to_path_buf());
        return Ok(None);
    }
    let by_context = by_context.or(hint);
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
    let recognised = by_context.or_else(|| wire::dataset_from_item(objects[0]));
    if recognised.is_none() && in_export {
        return Ok(Some(tools::TENANT_CONFIG));
    }
    let dataset = match recognised {
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
            Dataset::Applications | Dataset::DeletedApplications => {
                batch
                    .applications
                    .push(wire::application(*o).map_err(|m| item_err(i, m))?);
                inline::add_related(o.0, true, batch).map_err(|m| item_err(i, m))?;
            }
            Dataset::ServicePrincipals | Dataset::DeletedServicePrincipals => {
                batch
                    .service_principals
                    .push(wire::service_principal(*o).map_err(|m| item_err(i, m))?);
                inline::add_related(o.0, false, batch).map_err(|m| item_err(i, m))?;
            }
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
            Dataset::AppRoleAssignments => {
                let a = wire::app_role_assignment(*o).map_err(|m| item_err(i, m))?;
                // One assignment may be listed twice (from its principal and from its resource).
                if !batch.add_assignment(a) {
                    continue;
                }
            }
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
            Dataset::AuthorizationPolicy
            | Dataset::AdminConsentRequestPolicy
            | Dataset::DefaultAppManagementPolicy
            | Dataset::AppManagementPolicies
            | Dataset::AppConsentRequests => batch
                .policies
                .push(wire::tenant_policy(*o, dataset).map_err(|m| item_err(i, m))?),
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
    Ok(None)
}

/// A CSV file: Log Analytics' portal export of sign-ins into the batch, or why it is skipped.
pub(super) fn read_csv(path: &Path, cap: u64, batch: &mut Batch) -> Result<Option<&'static str>> {
    let text = files::read_text(path, cap)?;
    match log_analytics::from_csv(path, &text)? {
        Some(sign_ins) => {
            *batch.counts.entry(Dataset::SignIns).or_default() += sign_ins.len() as u64;
            batch.sign_ins.extend(sign_ins);
            Ok(None)
        }
        None => Ok(Some(
            "a CSV file without Log Analytics' sign-in columns (TimeGenerated, ServicePrincipalId)",
        )),
    }
}
