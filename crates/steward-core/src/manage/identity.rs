//! Changes to applications and service principals themselves and to their secrets and
//! certificates: each checked against the cache and Entra's rules, then queued.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::certificate;
use super::change::{Change, NewApplication, ObjectKind, Properties};
use super::local_id;
use crate::model::{KeyCredential, PasswordCredential, ServicePrincipal};
use crate::store::credentials::{self, OneCredential};
use crate::store::outbox::{self, OutboxItem};
use crate::store::{applications, service_principals, TenantKey};
use crate::{Error, Result};

/// The sign-in audiences an app registration may have.
pub const SIGN_IN_AUDIENCES: [&str; 4] = [
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];
/// The longest client secret lifetime Steward offers (Entra's admin center offers 24 months).
pub const MAX_SECRET_DAYS: i64 = 730;
/// How long Entra keeps a deleted application or service principal restorable.
pub const RESTORABLE_DAYS: i64 = 30;

fn invalid(what: &str, problems: Vec<String>) -> Error {
    Error::InvalidInput(format!("{what} was not saved: {}", problems.join("; ")))
}

/// An object's name and, for a service principal, the object itself; deleted ones too.
pub(super) struct Found {
    pub(super) display_name: String,
    deleted: Option<DateTime<Utc>>,
    pub(super) sp: Option<ServicePrincipal>,
    app_id: String,
    notes: Option<String>,
    tags: Vec<String>,
}

fn find(conn: &Connection, key: TenantKey, kind: ObjectKind, id: &str) -> Result<Found> {
    let found = match kind {
        ObjectKind::Application => applications::get_any(conn, key, id)?.map(|a| Found {
            display_name: a.display_name,
            deleted: a.deleted_date_time,
            sp: None,
            app_id: a.app_id,
            notes: a.notes,
            tags: a.tags,
        }),
        ObjectKind::ServicePrincipal => service_principals::get_service_principal(conn, key, id)?
            .map(|sp| Found {
                display_name: sp.display_name.clone(),
                deleted: sp.deleted_date_time,
                app_id: sp.app_id.clone(),
                notes: None,
                tags: sp.tags.clone(),
                sp: Some(sp),
            }),
    };
    found.ok_or_else(|| {
        Error::InvalidInput(format!(
            "no {} {id} in the cache; `steward identities` lists the service principals and `steward identity ID` shows an application's object id",
            match kind {
                ObjectKind::Application => "application",
                ObjectKind::ServicePrincipal => "service principal",
            }
        ))
    })
}

/// Refuses what Entra does not let an admin change: managed identities (Azure manages them).
fn changeable(found: &Found, what: &str) -> Result<()> {
    if let Some(sp) = &found.sp {
        if sp.service_principal_type == "ManagedIdentity" {
            return Err(Error::InvalidInput(format!(
                "{} is a managed identity, which Azure manages: {what} on its Azure resource (or the user-assigned identity) instead",
                sp.display_name
            )));
        }
    }
    if found.deleted.is_some() {
        return Err(Error::InvalidInput(format!(
            "{} is deleted: restore it first",
            found.display_name
        )));
    }
    Ok(())
}

pub(super) fn live(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    what: &str,
) -> Result<Found> {
    let f = find(conn, key, kind, id)?;
    changeable(&f, what)?;
    Ok(f)
}

fn checked_properties(p: &Properties) -> Vec<String> {
    let mut out = Vec::new();
    let name = p.display_name.trim();
    if name.is_empty() {
        out.push("the name is empty: give one".into());
    } else if name.chars().count() > 256 {
        out.push("the name is longer than 256 characters: shorten it".into());
    }
    if p.notes.as_deref().is_some_and(|n| n.chars().count() > 1024) {
        out.push("the notes are longer than 1,024 characters: shorten them".into());
    }
    if p.tags.iter().any(|t| t.trim().is_empty()) {
        out.push("a tag is empty: remove it".into());
    }
    if p.tags.iter().any(|t| t.chars().count() > 256) {
        out.push("a tag is longer than 256 characters: shorten it".into());
    }
    out
}

/// Registers a new app with its service principal.
pub fn create_application(
    conn: &Connection,
    key: TenantKey,
    display_name: &str,
    sign_in_audience: &str,
    notes: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    let mut problems = checked_properties(&Properties {
        display_name: display_name.into(),
        notes: notes.map(str::to_string),
        tags: Vec::new(),
    });
    if !SIGN_IN_AUDIENCES.contains(&sign_in_audience) {
        problems.push(format!(
            "`{sign_in_audience}` is no sign-in audience: use one of {}",
            SIGN_IN_AUDIENCES.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(invalid("the app registration", problems));
    }
    let id = local_id();
    let application = NewApplication {
        unique_name: format!("steward-{id}"),
        id,
        app_id: local_id(),
        service_principal_id: local_id(),
        display_name: display_name.trim().into(),
        sign_in_audience: sign_in_audience.into(),
        notes: notes.map(str::to_string),
    };
    let name = application.display_name.clone();
    outbox::enqueue(
        conn,
        key,
        &Change::CreateApplication { application },
        &name,
        actor,
        now,
    )
}

/// New name, notes or tags for an application or service principal.
pub fn update_properties(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    after: &Properties,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(conn, key, kind, id, "change it")?;
    let before = Properties {
        display_name: f.display_name.clone(),
        notes: f.notes.clone(),
        tags: f.tags.clone(),
    };
    let after = Properties {
        display_name: after.display_name.trim().into(),
        notes: match kind {
            ObjectKind::Application => after
                .notes
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
            ObjectKind::ServicePrincipal => None,
        },
        tags: after.tags.iter().map(|t| t.trim().to_string()).collect(),
    };
    let problems = checked_properties(&after);
    if !problems.is_empty() {
        return Err(invalid("the change", problems));
    }
    if before == after {
        return Err(Error::InvalidInput(format!(
            "{} already has these properties; nothing to change",
            f.display_name
        )));
    }
    outbox::enqueue(
        conn,
        key,
        &Change::UpdateProperties {
            kind,
            id: id.into(),
            before,
            after: after.clone(),
        },
        &after.display_name,
        actor,
        now,
    )
}

/// Enables or disables a service principal's sign-ins.
pub fn set_enabled(
    conn: &Connection,
    key: TenantKey,
    id: &str,
    enabled: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(
        conn,
        key,
        ObjectKind::ServicePrincipal,
        id,
        if enabled { "enable it" } else { "disable it" },
    )?;
    if f.sp
        .as_ref()
        .is_some_and(|sp| sp.account_enabled == enabled)
    {
        return Err(Error::InvalidInput(format!(
            "{} is already {}",
            f.display_name,
            if enabled { "enabled" } else { "disabled" }
        )));
    }
    outbox::enqueue(
        conn,
        key,
        &Change::SetEnabled {
            service_principal_id: id.into(),
            enabled,
        },
        &f.display_name,
        actor,
        now,
    )
}

/// Deletes an application (with its service principal in this tenant) or a service principal;
/// Entra keeps either restorable for 30 days.
pub fn delete(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(conn, key, kind, id, "delete it")?;
    let with_service_principal = match kind {
        ObjectKind::Application => {
            let tenant = crate::store::tenants::tenant_id_of(conn, key)?;
            service_principals::find_by_app_id(conn, key, &f.app_id)?
                .filter(|sp| sp.app_owner_organization_id.as_deref() == Some(tenant.as_str()))
                .map(|sp| sp.id)
        }
        ObjectKind::ServicePrincipal => None,
    };
    outbox::enqueue(
        conn,
        key,
        &Change::Delete {
            kind,
            id: id.into(),
            with_service_principal,
        },
        &f.display_name,
        actor,
        now,
    )
}

/// Restores a deleted application or service principal within Entra's 30 days.
pub fn restore(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = find(conn, key, kind, id)?;
    let Some(deleted) = f.deleted else {
        return Err(Error::InvalidInput(format!(
            "{} is not deleted; nothing to restore",
            f.display_name
        )));
    };
    if now - deleted > Duration::days(RESTORABLE_DAYS) {
        return Err(Error::InvalidInput(format!(
            "{} was deleted on {}, more than {RESTORABLE_DAYS} days ago: Entra has removed it for good, so it cannot be restored; register it again",
            f.display_name,
            deleted.format("%Y-%m-%d")
        )));
    }
    outbox::enqueue(
        conn,
        key,
        &Change::Restore {
            kind,
            id: id.into(),
        },
        &f.display_name,
        actor,
        now,
    )
}

/// A client secret to add: what it is for, and how many days it lives.
#[derive(Debug, Clone, Copy)]
pub struct SecretRequest<'a> {
    pub name: &'a str,
    pub days: i64,
}

/// Adds a client secret. Its value exists only once Graph has made it: the push shows it once.
pub fn add_secret(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    owner_id: &str,
    request: SecretRequest<'_>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(conn, key, kind, owner_id, "add its credentials")?;
    let mut problems = Vec::new();
    let days = request.days;
    let name = request.name.trim();
    if name.is_empty() {
        problems.push("the secret has no name: say what it is for (the name is all that tells secrets apart later)".to_string());
    } else if name.chars().count() > 100 {
        problems.push("the name is longer than 100 characters: shorten it".into());
    }
    if !(1..=MAX_SECRET_DAYS).contains(&days) {
        problems.push(format!(
            "a secret lives 1 to {MAX_SECRET_DAYS} days, not {days}: shorter is safer (the baselines ask 180 days at most)"
        ));
    }
    if !problems.is_empty() {
        return Err(invalid("the secret", problems));
    }
    // Whole seconds: Graph keeps them so, and the push matches a lost answer by the end.
    let start = DateTime::<Utc>::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let secret = PasswordCredential {
        key_id: local_id(),
        display_name: Some(name.into()),
        hint: None,
        start_date_time: Some(start),
        end_date_time: Some(start + Duration::days(days)),
    };
    outbox::enqueue(
        conn,
        key,
        &Change::AddSecret {
            kind,
            owner_id: owner_id.into(),
            secret,
        },
        &f.display_name,
        actor,
        now,
    )
}

/// Adds a certificate's public key from a `.cer`, `.crt` or `.pem` file's bytes.
pub fn add_certificate(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    owner_id: &str,
    file: &[u8],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(conn, key, kind, owner_id, "add its credentials")?;
    let preview = certificate::read(file)
        .map_err(|e| Error::InvalidInput(format!("the certificate was not added: {e}")))?;
    if preview.not_after <= now {
        return Err(Error::InvalidInput(format!(
            "the certificate expired on {}: make or request a new one",
            preview.not_after.format("%Y-%m-%d")
        )));
    }
    let (_, certs) = credentials::list_model_for_owner(conn, key, owner_id)?;
    if certs.iter().any(|c| {
        c.custom_key_identifier
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(&preview.thumbprint))
    }) {
        return Err(Error::InvalidInput(format!(
            "{} already has the certificate {}",
            f.display_name, preview.thumbprint
        )));
    }
    let certificate = KeyCredential {
        key_id: local_id(),
        display_name: Some(preview.subject.clone()),
        key_type: Some("AsymmetricX509Cert".into()),
        usage: Some("Verify".into()),
        custom_key_identifier: Some(preview.thumbprint.clone()),
        start_date_time: Some(preview.not_before),
        end_date_time: Some(preview.not_after),
    };
    outbox::enqueue(
        conn,
        key,
        &Change::AddCertificate {
            kind,
            owner_id: owner_id.into(),
            certificate,
            key: preview.key,
        },
        &f.display_name,
        actor,
        now,
    )
}

/// Removes the secret or certificate `key_id` of an object.
pub fn remove_credential(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    owner_id: &str,
    key_id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxItem> {
    let f = live(conn, key, kind, owner_id, "remove its credentials")?;
    let (secrets, certs) = credentials::list_model_for_owner(conn, key, owner_id)?;
    let credential = secrets
        .into_iter()
        .find(|s| s.key_id == key_id)
        .map(OneCredential::Secret)
        .or_else(|| {
            certs
                .into_iter()
                .find(|c| c.key_id == key_id)
                .map(OneCredential::Certificate)
        })
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{} has no secret or certificate with key id {key_id}; `steward identity ID` lists them",
                f.display_name
            ))
        })?;
    outbox::enqueue(
        conn,
        key,
        &Change::RemoveCredential {
            kind,
            owner_id: owner_id.into(),
            credential,
        },
        &f.display_name,
        actor,
        now,
    )
}
