//! Pushing changes to applications and service principals themselves and to their secrets and
//! certificates. Each reads the object first and writes only what Entra does not have yet.

use reqwest::Method;
use rusqlite::Connection;
use serde_json::{json, Value};
use steward_core::manage::{Change, NewApplication, ObjectKind, Properties};
use steward_core::store::credentials::{self, OneCredential};
use steward_core::store::outbox::{self, OutboxStatus, Outcome, RemoteVersion};
use steward_core::store::TenantKey;

use super::super::client::{Client, Fetch, Written};
use super::{refused, Step};
use crate::sync::{SyncError, SyncResult};

/// A secret Graph made in this push: its value, shown once and kept nowhere.
#[derive(Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSecret {
    pub outbox_id: i64,
    pub owner_id: String,
    pub owner_display_name: String,
    pub key_id: String,
    pub display_name: Option<String>,
    pub end_date_time: Option<String>,
    /// The value. Graph never shows it again.
    pub secret_text: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecret")
            .field("owner_id", &self.owner_id)
            .field("key_id", &self.key_id)
            .field("secret_text", &"<redacted>")
            .finish()
    }
}

fn settled(status: OutboxStatus, message: Option<String>, change: Change) -> Step {
    Step::Settled(Box::new(Outcome {
        status,
        message,
        remote: None,
        change,
    }))
}

pub(super) fn pushed(change: Change) -> Step {
    settled(OutboxStatus::Pushed, None, change)
}

/// The object as Entra has it now; `None` when Graph answers 404.
pub(super) async fn read(
    client: &mut Client,
    change: &Change,
    url: &str,
) -> SyncResult<Result<Option<Value>, Step>> {
    match client.get(url).await {
        Ok(Fetch::Ok(v)) => Ok(Ok(Some(v))),
        Ok(Fetch::Forbidden(why)) => Ok(Err(Step::Settled(Box::new(refused(
            change,
            403,
            "Forbidden",
            &why,
        ))))),
        Ok(Fetch::PageTokenExpired | Fetch::DeltaExpired) => Ok(Err(Step::Unknown(
            "Graph answered the read as if it carried a page token".into(),
        ))),
        Err(SyncError::Http { status: 404, .. }) => Ok(Ok(None)),
        Err(SyncError::Http {
            status,
            code,
            message,
            ..
        }) => Ok(Err(Step::Settled(Box::new(refused(
            change, status, &code, &message,
        ))))),
        Err(e) => Err(e),
    }
}

/// Reads the object, or ends the step: gone (404) is Graph's refusal unless `gone_is_done`.
macro_rules! object_or_step {
    ($client:expr, $change:expr, $url:expr, $gone:expr) => {
        match read($client, $change, $url).await? {
            Ok(Some(v)) => v,
            Ok(None) => return Ok($gone),
            Err(step) => return Ok(step),
        }
    };
}

pub(super) fn gone(change: &Change) -> Step {
    Step::Settled(Box::new(refused(
        change,
        404,
        "Request_ResourceNotFound",
        "the object does not exist in Entra",
    )))
}

fn remote_properties(kind: ObjectKind, v: &Value) -> Properties {
    Properties {
        display_name: v["displayName"].as_str().unwrap_or_default().to_string(),
        notes: match kind {
            ObjectKind::Application => v["notes"].as_str().map(str::to_string),
            ObjectKind::ServicePrincipal => None,
        },
        tags: v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn quoted(s: &str) -> String {
    s.replace('\'', "''")
}

/// One round for a change to an application or service principal.
pub(super) async fn push(
    client: &mut Client,
    graph: &str,
    item_id: i64,
    display_name: &str,
    change: &Change,
    secrets: &mut Vec<NewSecret>,
) -> SyncResult<Step> {
    let object_url =
        |kind: ObjectKind, id: &str| format!("{graph}/v1.0/{}/{id}", kind.collection());
    Ok(match change {
        Change::CreateApplication { application } => {
            return create(client, graph, change, application).await
        }
        Change::UpdateProperties {
            kind,
            id,
            before,
            after,
        } => {
            let url = object_url(*kind, id);
            let v = object_or_step!(client, change, &url, gone(change));
            let theirs = remote_properties(*kind, &v);
            if &theirs == after {
                pushed(change.clone())
            } else if &theirs != before {
                Step::Settled(Box::new(Outcome {
                    status: OutboxStatus::Conflict,
                    message: Some(format!(
                        "{display_name} changed in Entra since your edit (it is now named `{}`): retry to make it yours anyway, or drop your change",
                        theirs.display_name
                    )),
                    remote: Some(RemoteVersion::Properties { properties: theirs }),
                    change: change.clone(),
                }))
            } else {
                let mut body = json!({});
                if before.display_name != after.display_name {
                    body["displayName"] = json!(after.display_name);
                }
                if before.notes != after.notes && *kind == ObjectKind::Application {
                    body["notes"] = json!(after.notes);
                }
                if before.tags != after.tags {
                    body["tags"] = json!(after.tags);
                }
                let answer = client.write(Method::PATCH, &url, Some(&body)).await?;
                super::written(change, answer, |_| change.clone())
            }
        }
        Change::SetEnabled {
            service_principal_id,
            enabled,
        } => {
            let url = object_url(ObjectKind::ServicePrincipal, service_principal_id);
            let v = object_or_step!(client, change, &url, gone(change));
            if v["accountEnabled"].as_bool() == Some(*enabled) {
                pushed(change.clone())
            } else {
                let body = json!({ "accountEnabled": enabled });
                let answer = client.write(Method::PATCH, &url, Some(&body)).await?;
                super::written(change, answer, |_| change.clone())
            }
        }
        Change::Delete { kind, id, .. } => {
            let url = object_url(*kind, id);
            let _ = object_or_step!(client, change, &url, pushed(change.clone()));
            match client.write(Method::DELETE, &url, None).await? {
                Written::Refused { status: 404, .. } => pushed(change.clone()),
                answer => super::written(change, answer, |_| change.clone()),
            }
        }
        Change::Restore { kind, id } => {
            let url = object_url(*kind, id);
            match read(client, change, &url).await? {
                Ok(Some(_)) => pushed(change.clone()),
                Err(step) => step,
                Ok(None) => {
                    let restore = format!("{graph}/v1.0/directory/deletedItems/{id}/restore");
                    match client.write(Method::POST, &restore, None).await? {
                        Written::Refused { status: 404, .. } => settled(
                            OutboxStatus::Failed,
                            Some(format!(
                                "{display_name} is no longer in Entra's deleted items (they are kept 30 days): it cannot be restored; drop this change and register it again"
                            )),
                            change.clone(),
                        ),
                        answer => super::written(change, answer, |_| change.clone()),
                    }
                }
            }
        }
        Change::AddSecret {
            kind,
            owner_id,
            secret,
        } => {
            let url = object_url(*kind, owner_id);
            let v = object_or_step!(client, change, &url, gone(change));
            let end = secret.end_date_time.map(|e| e.timestamp());
            let theirs = v["passwordCredentials"].as_array().and_then(|all| {
                all.iter().find(|p| {
                    p["displayName"].as_str() == secret.display_name.as_deref()
                        && p["endDateTime"]
                            .as_str()
                            .and_then(crate::json::parse_time)
                            .map(|t| t.timestamp())
                            == end
                })
            });
            if let Some(t) = theirs {
                // Made by an earlier push whose answer was lost: the value went with it.
                let mut c = change.clone();
                set_secret_key(
                    &mut c,
                    t["keyId"].as_str().unwrap_or_default(),
                    t["hint"].as_str(),
                );
                return Ok(settled(
                    OutboxStatus::Pushed,
                    Some("Entra has this secret, but its value was lost with an interrupted answer and Graph never shows it again: remove it and add another".into()),
                    c,
                ));
            }
            let body = json!({"passwordCredential": {
                "displayName": secret.display_name,
                "startDateTime": secret.start_date_time.map(steward_core::clock::rfc3339),
                "endDateTime": secret.end_date_time.map(steward_core::clock::rfc3339),
            }});
            let answer = client
                .write(Method::POST, &format!("{url}/addPassword"), Some(&body))
                .await?;
            if let Written::Done(v) = &answer {
                if let Some(text) = v["secretText"].as_str() {
                    secrets.push(NewSecret {
                        outbox_id: item_id,
                        owner_id: owner_id.clone(),
                        owner_display_name: display_name.to_string(),
                        key_id: v["keyId"].as_str().unwrap_or_default().to_string(),
                        display_name: secret.display_name.clone(),
                        end_date_time: v["endDateTime"].as_str().map(str::to_string),
                        secret_text: text.to_string(),
                    });
                }
            }
            super::written(change, answer, |v| {
                let mut c = change.clone();
                set_secret_key(
                    &mut c,
                    v["keyId"].as_str().unwrap_or_default(),
                    v["hint"].as_str(),
                );
                c
            })
        }
        Change::AddCertificate {
            kind,
            owner_id,
            certificate,
            key,
        } => {
            let url = object_url(*kind, owner_id);
            let keys_url = format!("{url}?$select=id,keyCredentials");
            let v = object_or_step!(client, change, &keys_url, gone(change));
            let thumbprint = certificate
                .custom_key_identifier
                .as_deref()
                .unwrap_or_default();
            let mut keys = v["keyCredentials"].as_array().cloned().unwrap_or_default();
            if let Some(t) = keys.iter().find(|k| {
                k["customKeyIdentifier"]
                    .as_str()
                    .is_some_and(|c| c.eq_ignore_ascii_case(thumbprint))
            }) {
                let mut c = change.clone();
                set_certificate_key(&mut c, t["keyId"].as_str().unwrap_or_default());
                return Ok(pushed(c));
            }
            keys.push(json!({
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
                "key": key,
                "displayName": certificate.display_name,
            }));
            let answer = client
                .write(
                    Method::PATCH,
                    &url,
                    Some(&json!({ "keyCredentials": keys })),
                )
                .await?;
            if !matches!(answer, Written::Done(_)) {
                return Ok(super::written(change, answer, |_| change.clone()));
            }
            // Graph answers an update with no body: its key id comes from a read.
            let mut c = change.clone();
            if let Ok(Ok(Some(v))) = read(client, change, &keys_url).await {
                if let Some(k) = v["keyCredentials"].as_array().and_then(|all| {
                    all.iter().find(|k| {
                        k["customKeyIdentifier"]
                            .as_str()
                            .is_some_and(|t| t.eq_ignore_ascii_case(thumbprint))
                    })
                }) {
                    set_certificate_key(&mut c, k["keyId"].as_str().unwrap_or_default());
                }
            }
            pushed(c)
        }
        Change::RemoveCredential {
            kind,
            owner_id,
            credential,
        } => {
            let url = object_url(*kind, owner_id);
            match credential {
                OneCredential::Secret(s) => {
                    let v = object_or_step!(client, change, &url, gone(change));
                    let present = v["passwordCredentials"].as_array().is_some_and(|all| {
                        all.iter()
                            .any(|p| p["keyId"].as_str() == Some(s.key_id.as_str()))
                    });
                    if !present {
                        return Ok(pushed(change.clone()));
                    }
                    let body = json!({ "keyId": s.key_id });
                    match client
                        .write(Method::POST, &format!("{url}/removePassword"), Some(&body))
                        .await?
                    {
                        Written::Refused { status: 404, .. } => pushed(change.clone()),
                        answer => super::written(change, answer, |_| change.clone()),
                    }
                }
                OneCredential::Certificate(c) => {
                    let keys_url = format!("{url}?$select=id,keyCredentials");
                    let v = object_or_step!(client, change, &keys_url, gone(change));
                    let keys = v["keyCredentials"].as_array().cloned().unwrap_or_default();
                    if !keys
                        .iter()
                        .any(|k| k["keyId"].as_str() == Some(c.key_id.as_str()))
                    {
                        return Ok(pushed(change.clone()));
                    }
                    let rest: Vec<Value> = keys
                        .into_iter()
                        .filter(|k| k["keyId"].as_str() != Some(c.key_id.as_str()))
                        .collect();
                    let answer = client
                        .write(
                            Method::PATCH,
                            &url,
                            Some(&json!({ "keyCredentials": rest })),
                        )
                        .await?;
                    super::written(change, answer, |_| change.clone())
                }
            }
        }
        Change::AddFederatedCredential { .. }
        | Change::UpdateFederatedCredential { .. }
        | Change::RemoveFederatedCredential { .. }
        | Change::AddOwner { .. }
        | Change::RemoveOwner { .. }
        | Change::RemoveAppRoleAssignment { .. }
        | Change::RemoveDirectoryRoleAssignment { .. }
        | Change::SaveConditionalAccessPolicy { .. }
        | Change::DeleteConditionalAccessPolicy { .. }
        | Change::SaveNamedLocation { .. }
        | Change::DeleteNamedLocation { .. } => {
            return Err(SyncError::Unexpected {
                url: graph.to_string(),
                message: "a change of another family reached the object push".into(),
            })
        }
    })
}

fn set_secret_key(change: &mut Change, key_id: &str, hint: Option<&str>) {
    if let Change::AddSecret { secret, .. } = change {
        if !key_id.is_empty() {
            secret.key_id = key_id.to_string();
        }
        secret.hint = hint.map(str::to_string).or(secret.hint.take());
    }
}

fn set_certificate_key(change: &mut Change, key_id: &str) {
    if let Change::AddCertificate { certificate, .. } = change {
        if !key_id.is_empty() {
            certificate.key_id = key_id.to_string();
        }
    }
}

/// The app registration by its `uniqueName` (an upsert: safe to repeat), then its service
/// principal unless Entra has it.
async fn create(
    client: &mut Client,
    graph: &str,
    change: &Change,
    a: &NewApplication,
) -> SyncResult<Step> {
    let by_name = format!(
        "{graph}/v1.0/applications(uniqueName='{}')",
        quoted(&a.unique_name)
    );
    let mut body = json!({
        "displayName": a.display_name,
        "signInAudience": a.sign_in_audience,
    });
    if let Some(n) = &a.notes {
        body["notes"] = json!(n);
    }
    let app = match client
        .write_with(
            Method::PATCH,
            &by_name,
            Some(&body),
            Some("create-if-missing"),
        )
        .await?
    {
        Written::Done(v) if v["id"].is_string() => v,
        // 204: it existed (an earlier push made it) and was updated: read it.
        Written::Done(_) => object_or_step!(client, change, &by_name, gone(change)),
        Written::Refused {
            status,
            code,
            message,
        } => {
            return Ok(Step::Settled(Box::new(refused(
                change, status, &code, &message,
            ))))
        }
        Written::Unknown(why) => return Ok(Step::Unknown(why)),
    };
    let (Some(id), Some(app_id)) = (app["id"].as_str(), app["appId"].as_str()) else {
        return Err(SyncError::Unexpected {
            url: by_name,
            message: "the created application has no id or appId".into(),
        });
    };
    let sp_url = format!("{graph}/v1.0/servicePrincipals(appId='{}')", quoted(app_id));
    let sp = match read(client, change, &sp_url).await? {
        Ok(Some(sp)) => sp,
        Err(step) => return Ok(step),
        Ok(None) => {
            let url = format!("{graph}/v1.0/servicePrincipals");
            match client
                .write(Method::POST, &url, Some(&json!({ "appId": app_id })))
                .await?
            {
                Written::Done(v) => v,
                Written::Refused { status: 409, .. } => {
                    object_or_step!(client, change, &sp_url, gone(change))
                }
                Written::Refused {
                    status,
                    code,
                    message,
                } => {
                    let mut o = refused(change, status, &code, &message);
                    o.message = o.message.map(|m| {
                        format!(
                            "the app registration was created, but not its service principal: {m}"
                        )
                    });
                    return Ok(Step::Settled(Box::new(o)));
                }
                Written::Unknown(why) => return Ok(Step::Unknown(why)),
            }
        }
    };
    let Some(sp_id) = sp["id"].as_str() else {
        return Err(SyncError::Unexpected {
            url: sp_url,
            message: "the service principal has no id".into(),
        });
    };
    Ok(pushed(Change::CreateApplication {
        application: NewApplication {
            id: id.to_string(),
            app_id: app_id.to_string(),
            service_principal_id: sp_id.to_string(),
            ..a.clone()
        },
    }))
}

/// The cache after a push: created objects and credentials take Graph's ids, here and in the
/// changes still waiting.
pub(super) fn after_push(
    conn: &Connection,
    key: TenantKey,
    before: &Change,
    after: &Change,
) -> SyncResult<()> {
    match (before, after) {
        (
            Change::CreateApplication { application: old },
            Change::CreateApplication { application: new },
        ) if old.id != new.id => {
            before.revert(conn, key)?;
            after.apply(conn, key)?;
            outbox::replace_ids(
                conn,
                key,
                &[
                    (old.id.clone(), new.id.clone()),
                    (old.app_id.clone(), new.app_id.clone()),
                    (
                        old.service_principal_id.clone(),
                        new.service_principal_id.clone(),
                    ),
                ],
            )?;
            outbox::reapply_unpushed(conn, key)?;
        }
        (
            Change::AddSecret {
                kind,
                owner_id,
                secret: old,
            },
            Change::AddSecret { secret: new, .. },
        ) => {
            credentials::remove_one(conn, key, owner_id, &old.key_id)?;
            credentials::put_one(
                conn,
                key,
                kind.owner_type(),
                owner_id,
                &OneCredential::Secret(new.clone()),
            )?;
            // A removal queued before the push names the local key id: it now names Graph's.
            if old.key_id != new.key_id {
                outbox::replace_ids(conn, key, &[(old.key_id.clone(), new.key_id.clone())])?;
            }
        }
        (
            Change::AddCertificate {
                owner_id,
                certificate: old,
                ..
            },
            Change::AddCertificate {
                certificate: new, ..
            },
        ) if old.key_id != new.key_id => {
            credentials::set_key_id(conn, key, owner_id, &old.key_id, &new.key_id)?;
            outbox::replace_ids(conn, key, &[(old.key_id.clone(), new.key_id.clone())])?;
        }
        _ => {}
    }
    Ok(())
}
