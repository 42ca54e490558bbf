//! Pushing conditional access policies and named locations. Each reads Entra's version first:
//! a create adopts the policy or location Entra already has with the same name and settings (a
//! create whose answer was lost), an edit or delete made on a version Entra no longer has stops
//! as a conflict with Entra's version kept.

use reqwest::Method;
use rusqlite::Connection;
use serde_json::Value;
use steward_core::conditional_access::WorkloadPolicy;
use steward_core::manage::Change;
use steward_core::model::NamedLocation;
use steward_core::store::outbox::{self, OutboxStatus, Outcome, RemoteVersion};
use steward_core::store::TenantKey;

use super::super::client::{Client, Written};
use super::objects::{pushed, read};
use super::Step;
use crate::json::Obj;
use crate::sync::{SyncError, SyncResult};

const POLICIES: &str = "v1.0/identity/conditionalAccess/policies";
const LOCATIONS: &str = "v1.0/identity/conditionalAccess/namedLocations";

/// Entra's policy in the shape Steward edits; `None` when it is in another shape.
fn policy_of(v: &Value) -> Option<WorkloadPolicy> {
    WorkloadPolicy::from_graph(v).ok()
}

fn location_of(v: &Value) -> Option<NamedLocation> {
    v.as_object()
        .and_then(|o| crate::wire::named_location(Obj(o)).ok())
}

/// Equal but for the id (a local id against Graph's).
fn same_policy(a: &WorkloadPolicy, b: &WorkloadPolicy) -> bool {
    WorkloadPolicy {
        id: None,
        ..a.clone()
    } == WorkloadPolicy {
        id: None,
        ..b.clone()
    }
}

fn same_location(a: &NamedLocation, b: &NamedLocation) -> bool {
    NamedLocation {
        id: String::new(),
        ..a.clone()
    } == NamedLocation {
        id: String::new(),
        ..b.clone()
    }
}

/// The body Graph takes for a create or update: no id.
fn policy_body(p: &WorkloadPolicy) -> Value {
    let mut v = p.to_graph();
    if let Some(o) = v.as_object_mut() {
        o.remove("id");
    }
    v
}

fn location_body(l: &NamedLocation) -> Value {
    let mut v = l.to_graph();
    if let Some(o) = v.as_object_mut() {
        for k in ["id", "createdDateTime", "modifiedDateTime"] {
            o.remove(k);
        }
    }
    v
}

fn conflict(change: &Change, message: String, remote: RemoteVersion) -> Step {
    Step::Settled(Box::new(Outcome {
        status: OutboxStatus::Conflict,
        message: Some(message),
        remote: Some(remote),
        change: change.clone(),
    }))
}

/// Reads every item of a collection; the step that ends the item when it cannot be read.
async fn read_all(
    client: &mut Client,
    change: &Change,
    url: &str,
) -> SyncResult<Result<Vec<Value>, Step>> {
    let mut all = Vec::new();
    let mut next = url.to_string();
    loop {
        let v = match read(client, change, &next).await? {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(Ok(all)),
            Err(step) => return Ok(Err(step)),
        };
        if let Some(items) = v["value"].as_array() {
            all.extend(items.iter().cloned());
        }
        match v["@odata.nextLink"].as_str() {
            Some(link) => next = link.to_string(),
            None => return Ok(Ok(all)),
        }
    }
}

/// One round for a conditional access change.
pub(super) async fn push(client: &mut Client, graph: &str, change: &Change) -> SyncResult<Step> {
    let policies = format!("{graph}/{POLICIES}");
    let locations = format!("{graph}/{LOCATIONS}");
    Ok(match change {
        Change::SaveConditionalAccessPolicy {
            policy,
            before: None,
        } => {
            let existing = match read_all(client, change, &policies).await? {
                Ok(all) => all,
                Err(step) => return Ok(step),
            };
            let adopted = existing.iter().find_map(|v| {
                policy_of(v)
                    .filter(|p| same_policy(p, policy))
                    .and_then(|p| p.id)
            });
            match adopted {
                Some(id) => pushed(with_policy_id(change, &id)),
                None => {
                    let answer = client
                        .write(Method::POST, &policies, Some(&policy_body(policy)))
                        .await?;
                    written(change, answer, |v| match v["id"].as_str() {
                        Some(id) => with_policy_id(change, id),
                        None => change.clone(),
                    })
                }
            }
        }
        Change::SaveConditionalAccessPolicy {
            policy,
            before: Some(before),
        } => {
            let url = format!("{policies}/{}", policy.id.as_deref().unwrap_or_default());
            let theirs = match read(client, change, &url).await? {
                Ok(v) => v,
                Err(step) => return Ok(step),
            };
            let theirs_policy = theirs.as_ref().and_then(policy_of);
            match (&theirs, &theirs_policy) {
                (_, Some(t)) if same_policy(t, policy) => pushed(change.clone()),
                (_, Some(t)) if same_policy(t, before) => {
                    let answer = client
                        .write(Method::PATCH, &url, Some(&policy_body(policy)))
                        .await?;
                    written(change, answer, |_| change.clone())
                }
                (None, _) => conflict(
                    change,
                    format!(
                        "{} is gone from Entra: retry to create it again, or drop your change",
                        policy.display_name
                    ),
                    RemoteVersion::ConditionalAccessPolicy { policy: None },
                ),
                (Some(_), t) => conflict(
                    change,
                    format!(
                        "{} changed in Entra since your edit{}: retry to make it yours anyway, or drop your change",
                        policy.display_name,
                        if t.is_none() { " (into a shape Steward does not edit)" } else { "" }
                    ),
                    RemoteVersion::ConditionalAccessPolicy { policy: t.clone() },
                ),
            }
        }
        Change::DeleteConditionalAccessPolicy { policy } => {
            let url = format!("{policies}/{}", policy.id.as_deref().unwrap_or_default());
            let theirs = match read(client, change, &url).await? {
                Ok(v) => v,
                Err(step) => return Ok(step),
            };
            match theirs.as_ref().map(policy_of) {
                None => pushed(change.clone()),
                Some(Some(t)) if same_policy(&t, policy) => delete(client, change, &url).await?,
                Some(t) => conflict(
                    change,
                    format!(
                        "{} changed in Entra since you chose to delete it: retry to delete Entra's version, or drop your change",
                        policy.display_name
                    ),
                    RemoteVersion::ConditionalAccessPolicy { policy: t },
                ),
            }
        }
        Change::SaveNamedLocation {
            location,
            before: None,
        } => {
            let existing = match read_all(client, change, &locations).await? {
                Ok(all) => all,
                Err(step) => return Ok(step),
            };
            let adopted = existing
                .iter()
                .filter_map(location_of)
                .find(|l| same_location(l, location));
            match adopted {
                Some(l) => pushed(with_location_id(change, &l.id)),
                None => {
                    let answer = client
                        .write(Method::POST, &locations, Some(&location_body(location)))
                        .await?;
                    written(change, answer, |v| match v["id"].as_str() {
                        Some(id) => with_location_id(change, id),
                        None => change.clone(),
                    })
                }
            }
        }
        Change::SaveNamedLocation {
            location,
            before: Some(before),
        } => {
            let url = format!("{locations}/{}", location.id);
            let theirs = match read(client, change, &url).await? {
                Ok(v) => v.as_ref().and_then(location_of),
                Err(step) => return Ok(step),
            };
            match theirs {
                Some(t) if same_location(&t, location) => pushed(change.clone()),
                Some(t) if same_location(&t, before) => {
                    let answer = client
                        .write(Method::PATCH, &url, Some(&location_body(location)))
                        .await?;
                    written(change, answer, |_| change.clone())
                }
                t => conflict(
                    change,
                    format!(
                        "{} {} in Entra since your edit: retry to make it yours anyway, or drop your change",
                        location.display_name,
                        if t.is_none() { "is gone" } else { "changed" }
                    ),
                    RemoteVersion::NamedLocation { location: t },
                ),
            }
        }
        Change::DeleteNamedLocation { location } => {
            let url = format!("{locations}/{}", location.id);
            let theirs = match read(client, change, &url).await? {
                Ok(v) => v,
                Err(step) => return Ok(step),
            };
            match theirs.as_ref().map(location_of) {
                None => pushed(change.clone()),
                Some(Some(t)) if same_location(&t, location) => {
                    delete(client, change, &url).await?
                }
                Some(t) => conflict(
                    change,
                    format!(
                        "{} changed in Entra since you chose to delete it: retry to delete Entra's version, or drop your change",
                        location.display_name
                    ),
                    RemoteVersion::NamedLocation { location: t },
                ),
            }
        }
        _ => {
            return Err(SyncError::Unexpected {
                url: graph.to_string(),
                message: "a change of another family reached the conditional access push".into(),
            })
        }
    })
}

async fn delete(client: &mut Client, change: &Change, url: &str) -> SyncResult<Step> {
    Ok(match client.write(Method::DELETE, url, None).await? {
        Written::Refused { status: 404, .. } => pushed(change.clone()),
        answer => written(change, answer, |_| change.clone()),
    })
}

/// Graph's answer as a step, with the Workload ID Premium gate put in the admin's words.
fn written(change: &Change, answer: Written, done: impl FnOnce(Value) -> Change) -> Step {
    match answer {
        Written::Refused {
            status,
            code,
            message,
        } if is_license_gate(&message) => Step::Settled(Box::new(Outcome {
            status: OutboxStatus::Failed,
            message: Some(format!(
                "Entra refused it (HTTP {status} {code}: {message}); the tenant has no Workload ID Premium, which creating or changing a policy for workload identities needs: buy it (the Licensing page estimates how many), then retry this change, or drop it"
            )),
            remote: None,
            change: change.clone(),
        })),
        other => super::written(change, other, done),
    }
}

/// Graph's refusal of a policy for workload identities on a tenant without the licence
/// ("1150: Cannot create or update policies with workload identity premium features").
pub fn is_license_gate(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.starts_with("1150:") || m.contains("workload identity premium")
}

fn with_policy_id(change: &Change, id: &str) -> Change {
    match change {
        Change::SaveConditionalAccessPolicy { policy, before } => {
            Change::SaveConditionalAccessPolicy {
                policy: WorkloadPolicy {
                    id: Some(id.to_string()),
                    ..policy.clone()
                },
                before: before.clone(),
            }
        }
        c => c.clone(),
    }
}

fn with_location_id(change: &Change, id: &str) -> Change {
    match change {
        Change::SaveNamedLocation { location, before } => Change::SaveNamedLocation {
            location: NamedLocation {
                id: id.to_string(),
                ..location.clone()
            },
            before: before.clone(),
        },
        c => c.clone(),
    }
}

/// After a create, the cache and later changes name the object by Graph's id.
pub(super) fn after_push(
    conn: &Connection,
    key: TenantKey,
    before: &Change,
    after: &Change,
) -> SyncResult<()> {
    let old = before.target_id();
    let new = after.target_id();
    let created = matches!(
        before,
        Change::SaveConditionalAccessPolicy { before: None, .. }
            | Change::SaveNamedLocation { before: None, .. }
    );
    if created && !old.is_empty() && old != new {
        before.revert(conn, key)?;
        after.apply(conn, key)?;
        outbox::replace_ids(conn, key, &[(old.to_string(), new.to_string())])?;
        outbox::reapply_unpushed(conn, key)?;
    }
    Ok(())
}
