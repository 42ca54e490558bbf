//! Changes an admin makes to workload identities: each is checked against Entra's rules, shown
//! in the cache at once and queued in the outbox (`store::outbox`) for the next push, which
//! `steward-graph` sends to Graph in order.

pub mod certificate;
mod change;
pub mod conditional_access;
pub mod federation;
mod identity;
mod relations;

pub use change::{same_credential, Change, NewApplication, ObjectKind, Properties};
pub use federation::{FederatedCredentialDraft, Template};
pub use identity::{
    add_certificate, add_secret, create_application, delete, remove_credential, restore,
    set_enabled, update_properties, SecretRequest, MAX_SECRET_DAYS, RESTORABLE_DAYS,
    SIGN_IN_AUDIENCES,
};
pub use relations::{add_owner, remove_app_role_assignment, remove_owner, Relation};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::model::{Application, FederatedIdentityCredential};
use crate::store::outbox::{self, OutboxItem};
use crate::store::{applications, federated_credentials, service_principals, TenantKey};
use crate::{Error, Result};

/// The application `id` names, alive in the cache; an error that says what to use instead
/// when `id` is a service principal's or nothing the cache knows.
pub fn application(conn: &Connection, key: TenantKey, id: &str) -> Result<Application> {
    match applications::get_application(conn, key, id)? {
        Some(a) if a.deleted_date_time.is_none() => Ok(a),
        Some(a) => Err(Error::InvalidInput(format!(
            "the application {} ({id}) is deleted; restore it before changing it",
            a.display_name
        ))),
        None => match service_principals::get_service_principal(conn, key, id)? {
            Some(sp) => {
                let app = applications::get_application_by_app_id(conn, key, &sp.app_id)?;
                Err(Error::InvalidInput(match app {
                    Some(a) => format!(
                        "{id} is the service principal of {}; federated credentials belong to its application: use the application's object id {}",
                        sp.display_name, a.id
                    ),
                    None if sp.service_principal_type == "ManagedIdentity" => format!(
                        "{id} is the managed identity {}: federated credentials of a user-assigned managed identity are kept in Azure Resource Manager, not Microsoft Graph, and a system-assigned one cannot have any; use an application",
                        sp.display_name
                    ),
                    None => format!(
                        "{id} is the service principal {}, whose application is not in this tenant's cache: change it in its home tenant",
                        sp.display_name
                    ),
                }))
            }
            None => Err(Error::InvalidInput(format!(
                "no application {id} in the cache; `steward identities` lists the identities, and `steward identity ID` shows an application's object id"
            ))),
        },
    }
}

/// The account this computer runs Steward as, for the audit trail: `USER`, `LOGNAME` or
/// `USERNAME`, else the home folder's name (a launcher may start the window without them).
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .or_else(|| {
            directories::BaseDirs::new().and_then(|d| {
                d.home_dir()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
        })
        .unwrap_or_else(|| "the local user".into())
}

fn invalid(problems: Vec<String>) -> Error {
    Error::InvalidInput(format!(
        "the federated credential was not saved: {}",
        problems.join("; ")
    ))
}

/// A local id for a credential Graph has not numbered yet: a random GUID, as Graph's are. It
/// only has to be unique in the cache until the push replaces it with Graph's.
pub(crate) fn local_id() -> String {
    use rand::{RngCore, SeedableRng};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(nanos ^ n.rotate_left(32));
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}

/// Adds a federated credential to application `application_id` and queues it; nothing is
/// written when Entra would refuse it.
pub fn add_federated_credential(
    conn: &Connection,
    key: TenantKey,
    application_id: &str,
    draft: &FederatedCredentialDraft,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(OutboxItem, FederatedIdentityCredential)> {
    let app = application(conn, key, application_id)?;
    let existing = federated_credentials::list_for_application(conn, key, &app.id)?;
    let problems = federation::problems(draft, &existing, None);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let credential = draft.with_id(&local_id());
    let item = outbox::enqueue(
        conn,
        key,
        &Change::AddFederatedCredential {
            application_id: app.id.clone(),
            credential: credential.clone(),
        },
        &app.display_name,
        actor,
        now,
    )?;
    Ok((item, credential))
}

/// Changes the issuer, subject, audiences or description of the credential named `draft.name`.
pub fn update_federated_credential(
    conn: &Connection,
    key: TenantKey,
    application_id: &str,
    draft: &FederatedCredentialDraft,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(OutboxItem, FederatedIdentityCredential)> {
    let app = application(conn, key, application_id)?;
    let existing = federated_credentials::list_for_application(conn, key, &app.id)?;
    let before = named(&existing, &app, &draft.name)?;
    let problems = federation::problems(draft, &existing, Some(&before.name));
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let after = draft.with_id(&before.id);
    if same_credential(&before, &after) {
        return Err(Error::InvalidInput(format!(
            "the federated credential `{}` already says this; nothing to change",
            before.name
        )));
    }
    let item = outbox::enqueue(
        conn,
        key,
        &Change::UpdateFederatedCredential {
            application_id: app.id.clone(),
            before,
            after: after.clone(),
        },
        &app.display_name,
        actor,
        now,
    )?;
    Ok((item, after))
}

/// Removes the credential named `name` from application `application_id`.
pub fn remove_federated_credential(
    conn: &Connection,
    key: TenantKey,
    application_id: &str,
    name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let app = application(conn, key, application_id)?;
    let existing = federated_credentials::list_for_application(conn, key, &app.id)?;
    let credential = named(&existing, &app, name)?;
    outbox::enqueue(
        conn,
        key,
        &Change::RemoveFederatedCredential {
            application_id: app.id.clone(),
            credential,
        },
        &app.display_name,
        actor,
        now,
    )
}

fn named(
    existing: &[FederatedIdentityCredential],
    app: &Application,
    name: &str,
) -> Result<FederatedIdentityCredential> {
    existing
        .iter()
        .find(|f| f.name == name)
        .cloned()
        .ok_or_else(|| {
            let names: Vec<&str> = existing.iter().map(|f| f.name.as_str()).collect();
            Error::InvalidInput(format!(
                "{} has no federated credential named `{name}`; it has {}",
                app.display_name,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_ids_look_like_graphs() {
        let id = local_id();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(id.matches('-').count(), 4, "{id}");
        assert_eq!(&id[14..15], "4", "{id}");
        assert_ne!(local_id(), id);
    }
}
