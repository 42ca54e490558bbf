//! Pushing federated credential changes: `/applications/{id}/federatedIdentityCredentials`,
//! matched by name (Graph's alternate key, which never changes).

use reqwest::Method;
use rusqlite::Connection;
use serde_json::{json, Value};
use steward_core::manage::{same_credential, Change};
use steward_core::model::FederatedIdentityCredential;
use steward_core::store::outbox::{OutboxStatus, Outcome, RemoteVersion};
use steward_core::store::{federated_credentials, TenantKey};

use super::super::client::Client;
use super::objects::pushed;
use super::{written, Step};
use crate::json::Obj;
use crate::sync::{SyncError, SyncResult};
use crate::wire;

/// Entra's credentials of the application, or the step that ends the item (the application is
/// gone, or the credentials may not be read).
async fn read(
    client: &mut Client,
    change: &Change,
    url: &str,
) -> SyncResult<Result<Vec<FederatedIdentityCredential>, Step>> {
    let v = match super::objects::read(client, change, url).await? {
        Ok(Some(v)) => v,
        Ok(None) => return Ok(Err(super::objects::gone(change))),
        Err(step) => return Ok(Err(step)),
    };
    let items = v["value"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let Some(o) = item.as_object() else { continue };
        match wire::federated_credential(Obj(o)) {
            Ok(f) => out.push(f),
            Err(e) => {
                return Err(SyncError::Unexpected {
                    url: url.to_string(),
                    message: format!("a federated credential could not be read: {e}"),
                })
            }
        }
    }
    Ok(Ok(out))
}

fn body(f: &FederatedIdentityCredential, with_name: bool) -> Value {
    let mut v = json!({
        "issuer": f.issuer,
        "subject": f.subject,
        "audiences": f.audiences,
        "description": f.description,
    });
    if with_name {
        v["name"] = json!(f.name);
    }
    v
}

fn conflict(change: &Change, theirs: Option<&FederatedIdentityCredential>, why: &str) -> Step {
    Step::Settled(Box::new(Outcome {
        status: OutboxStatus::Conflict,
        message: Some(why.to_string()),
        remote: Some(RemoteVersion::FederatedCredential {
            credential: theirs.cloned(),
        }),
        change: change.clone(),
    }))
}

/// `change` with the credential's id set to Entra's.
fn with_id(change: &Change, id: &str) -> Change {
    let mut c = change.clone();
    match &mut c {
        Change::AddFederatedCredential { credential, .. }
        | Change::UpdateFederatedCredential {
            after: credential, ..
        } => credential.id = id.to_string(),
        _ => {}
    }
    c
}

fn describe(f: &FederatedIdentityCredential) -> String {
    format!(
        "issuer {}, subject {}",
        f.issuer,
        f.subject.as_deref().unwrap_or("(none)")
    )
}

/// One round for a federated credential change: read Entra's version, then write at most once.
pub(super) async fn push(client: &mut Client, graph: &str, change: &Change) -> SyncResult<Step> {
    let url = format!(
        "{graph}/v1.0/applications/{}/federatedIdentityCredentials",
        change.target_id()
    );
    let remote = match read(client, change, &url).await? {
        Ok(r) => r,
        Err(step) => return Ok(step),
    };
    let name = change.credential_name().unwrap_or_default();
    let theirs = remote.iter().find(|f| f.name == name);
    Ok(match change {
        Change::AddFederatedCredential { credential, .. } => match theirs {
            Some(t) if same_credential(t, credential) => pushed(with_id(change, &t.id)),
            Some(t) => conflict(
                change,
                Some(t),
                &format!(
                    "Entra already has a federated credential named `{name}` with other settings ({}): retry to give it yours, or drop yours",
                    describe(t)
                ),
            ),
            None => {
                let answer = client
                    .write(Method::POST, &url, Some(&body(credential, true)))
                    .await?;
                written(change, answer, |v| {
                    with_id(change, v["id"].as_str().unwrap_or(&credential.id))
                })
            }
        },
        Change::UpdateFederatedCredential { before, after, .. } => match theirs {
            None => conflict(
                change,
                None,
                &format!(
                    "the federated credential `{name}` was removed in Entra since your edit: retry to add it again with your settings, or drop your change"
                ),
            ),
            Some(t) if same_credential(t, after) => pushed(with_id(change, &t.id)),
            Some(t) if !same_credential(t, before) => conflict(
                change,
                Some(t),
                &format!(
                    "the federated credential `{name}` changed in Entra since your edit (it now has {}): retry to make it yours anyway, or drop your change",
                    describe(t)
                ),
            ),
            Some(t) => {
                let answer = client
                    .write(
                        Method::PATCH,
                        &format!("{url}/{}", t.id),
                        Some(&body(after, false)),
                    )
                    .await?;
                let id = t.id.clone();
                written(change, answer, |_| with_id(change, &id))
            }
        },
        Change::RemoveFederatedCredential { credential, .. } => match theirs {
            None => pushed(change.clone()),
            Some(t) if !same_credential(t, credential) => conflict(
                change,
                Some(t),
                &format!(
                    "the federated credential `{name}` changed in Entra since you removed it (it now has {}): retry to remove it anyway, or drop your change",
                    describe(t)
                ),
            ),
            Some(t) => {
                let answer = client
                    .write(Method::DELETE, &format!("{url}/{}", t.id), None)
                    .await?;
                written(change, answer, |_| change.clone())
            }
        },
        _ => {
            return Err(SyncError::Unexpected {
                url,
                message: "a change that is no federated credential's reached their push".into(),
            })
        }
    })
}

/// The cache after a push: a credential keeps the id Graph gave it.
pub(super) fn after_push(conn: &Connection, key: TenantKey, change: &Change) -> SyncResult<()> {
    match change {
        Change::AddFederatedCredential {
            application_id,
            credential,
        }
        | Change::UpdateFederatedCredential {
            application_id,
            after: credential,
            ..
        } => federated_credentials::set_id(
            conn,
            key,
            application_id,
            &credential.name,
            &credential.id,
        )?,
        _ => {}
    }
    Ok(())
}
