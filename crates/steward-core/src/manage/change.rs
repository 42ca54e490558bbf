//! A change an admin makes in Steward: what it does to the cache at once (`apply`), how it is
//! undone when the admin drops it (`revert`), and the version of the object it was based on (for
//! conflicts at push). Each variant is a small edit, not a copy of the object, so that applying
//! it again after a sync never writes back what the sync read.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::conditional_access;
use crate::clock::{now, to_ms};
use crate::conditional_access::WorkloadPolicy;
use crate::model::{
    AppRoleAssignment, Application, DirectoryRoleAssignment, FederatedIdentityCredential,
    NamedLocation, Owner, OwnerRelation, ServicePrincipal,
};
use crate::store::credentials::{self, OneCredential, OwnerType};
use crate::store::{
    app_role_assignments, applications, directory_roles, federated_credentials, owners,
    service_principals, TenantKey,
};
use crate::Result;

/// Which kind of directory object a change is made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ObjectKind {
    Application,
    ServicePrincipal,
}

impl ObjectKind {
    /// Graph's collection.
    pub fn collection(self) -> &'static str {
        match self {
            ObjectKind::Application => "applications",
            ObjectKind::ServicePrincipal => "servicePrincipals",
        }
    }

    pub fn owner_type(self) -> OwnerType {
        match self {
            ObjectKind::Application => OwnerType::Application,
            ObjectKind::ServicePrincipal => OwnerType::ServicePrincipal,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            ObjectKind::Application => "application",
            ObjectKind::ServicePrincipal => "service principal",
        }
    }
}

/// What an admin edits on an application or service principal. A service principal has no
/// notes (`None` for it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Properties {
    pub display_name: String,
    pub notes: Option<String>,
    pub tags: Vec<String>,
}

impl Properties {
    pub fn of_application(a: &Application) -> Properties {
        Properties {
            display_name: a.display_name.clone(),
            notes: a.notes.clone(),
            tags: a.tags.clone(),
        }
    }

    pub fn of_service_principal(sp: &ServicePrincipal) -> Properties {
        Properties {
            display_name: sp.display_name.clone(),
            notes: None,
            tags: sp.tags.clone(),
        }
    }
}

/// A new app registration and its service principal, with local ids until the push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewApplication {
    pub id: String,
    pub app_id: String,
    pub service_principal_id: String,
    /// Graph's `uniqueName`: the key that makes the create safe to repeat.
    pub unique_name: String,
    pub display_name: String,
    /// `AzureADMyOrg`, `AzureADMultipleOrgs`, `AzureADandPersonalMicrosoftAccount` or
    /// `PersonalMicrosoftAccount`.
    pub sign_in_audience: String,
    pub notes: Option<String>,
}

/// One change, as the outbox keeps it (JSON, tagged by `action`). It never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Change {
    /// A new federated credential on application `application_id`. Until Graph gives it one,
    /// `credential.id` is a local id.
    #[serde(rename_all = "camelCase")]
    AddFederatedCredential {
        application_id: String,
        credential: FederatedIdentityCredential,
    },
    /// New issuer, subject, audiences or description for a credential (its name cannot change);
    /// `before` is the version the edit was made on.
    #[serde(rename_all = "camelCase")]
    UpdateFederatedCredential {
        application_id: String,
        before: FederatedIdentityCredential,
        after: FederatedIdentityCredential,
    },
    /// A credential removed; `credential` is the version the admin saw.
    #[serde(rename_all = "camelCase")]
    RemoveFederatedCredential {
        application_id: String,
        credential: FederatedIdentityCredential,
    },
    /// A new app registration with its service principal.
    #[serde(rename_all = "camelCase")]
    CreateApplication { application: NewApplication },
    /// New name, notes or tags; `before` is the version the edit was made on.
    #[serde(rename_all = "camelCase")]
    UpdateProperties {
        kind: ObjectKind,
        id: String,
        before: Properties,
        after: Properties,
    },
    /// A service principal's sign-ins enabled or disabled.
    #[serde(rename_all = "camelCase")]
    SetEnabled {
        service_principal_id: String,
        enabled: bool,
    },
    /// Soft-deleted (restorable for 30 days). An application takes its service principal along.
    #[serde(rename_all = "camelCase")]
    Delete {
        kind: ObjectKind,
        id: String,
        /// The application's service principal in this tenant, deleted with it.
        with_service_principal: Option<String>,
    },
    /// Back from the deleted items.
    #[serde(rename_all = "camelCase")]
    Restore { kind: ObjectKind, id: String },
    /// A new client secret: its name and end; the value exists only in Graph's answer to the
    /// push, shown once. `secret.key_id` is local until then.
    #[serde(rename_all = "camelCase")]
    AddSecret {
        kind: ObjectKind,
        owner_id: String,
        secret: crate::model::PasswordCredential,
    },
    /// A certificate's public key added: `certificate` as the cache shows it, `key` the
    /// certificate itself (DER, base64), which Graph stores.
    #[serde(rename_all = "camelCase")]
    AddCertificate {
        kind: ObjectKind,
        owner_id: String,
        certificate: crate::model::KeyCredential,
        key: String,
    },
    /// A secret or certificate removed; `credential` is the version the admin saw.
    #[serde(rename_all = "camelCase")]
    RemoveCredential {
        kind: ObjectKind,
        owner_id: String,
        credential: OneCredential,
    },
    /// An owner of an application or service principal, or a sponsor of an agent identity,
    /// added (`owner.relation` says which).
    #[serde(rename_all = "camelCase")]
    AddOwner { kind: ObjectKind, owner: Owner },
    /// An owner or sponsor removed.
    #[serde(rename_all = "camelCase")]
    RemoveOwner { kind: ObjectKind, owner: Owner },
    /// An application permission taken away from a service principal (least privilege).
    #[serde(rename_all = "camelCase")]
    RemoveAppRoleAssignment { assignment: AppRoleAssignment },
    /// A directory role taken away from a service principal or managed identity (an access
    /// review's denial): an active assignment, or an eligibility (PIM).
    #[serde(rename_all = "camelCase")]
    RemoveDirectoryRoleAssignment { assignment: DirectoryRoleAssignment },
    /// A conditional access policy for workload identities created (`before` is `None`; its id
    /// is local until Graph gives one) or edited (`before` is the version the edit was made on).
    #[serde(rename_all = "camelCase")]
    SaveConditionalAccessPolicy {
        policy: WorkloadPolicy,
        before: Option<WorkloadPolicy>,
    },
    /// A conditional access policy deleted; `policy` is the version the admin saw.
    #[serde(rename_all = "camelCase")]
    DeleteConditionalAccessPolicy { policy: WorkloadPolicy },
    /// A named IP location created (`before` is `None`) or edited.
    #[serde(rename_all = "camelCase")]
    SaveNamedLocation {
        location: NamedLocation,
        before: Option<NamedLocation>,
    },
    /// A named location deleted; `location` is the version the admin saw.
    #[serde(rename_all = "camelCase")]
    DeleteNamedLocation { location: NamedLocation },
}

impl Change {
    /// The action's name, as the outbox and the audit trail show it.
    pub fn action(&self) -> &'static str {
        match self {
            Change::AddFederatedCredential { .. } => "addFederatedCredential",
            Change::UpdateFederatedCredential { .. } => "updateFederatedCredential",
            Change::RemoveFederatedCredential { .. } => "removeFederatedCredential",
            Change::CreateApplication { .. } => "createApplication",
            Change::UpdateProperties { .. } => "updateProperties",
            Change::SetEnabled { enabled: true, .. } => "enableServicePrincipal",
            Change::SetEnabled { enabled: false, .. } => "disableServicePrincipal",
            Change::Delete { .. } => "delete",
            Change::Restore { .. } => "restore",
            Change::AddSecret { .. } => "addSecret",
            Change::AddCertificate { .. } => "addCertificate",
            Change::RemoveCredential { .. } => "removeCredential",
            Change::AddOwner { owner, .. } if owner.relation == OwnerRelation::Sponsor => {
                "addSponsor"
            }
            Change::AddOwner { .. } => "addOwner",
            Change::RemoveOwner { owner, .. } if owner.relation == OwnerRelation::Sponsor => {
                "removeSponsor"
            }
            Change::RemoveOwner { .. } => "removeOwner",
            Change::RemoveAppRoleAssignment { .. } => "removeAppRoleAssignment",
            Change::RemoveDirectoryRoleAssignment { .. } => "removeDirectoryRoleAssignment",
            Change::SaveConditionalAccessPolicy { before: None, .. } => {
                "createConditionalAccessPolicy"
            }
            Change::SaveConditionalAccessPolicy { .. } => "updateConditionalAccessPolicy",
            Change::DeleteConditionalAccessPolicy { .. } => "deleteConditionalAccessPolicy",
            Change::SaveNamedLocation { before: None, .. } => "createNamedLocation",
            Change::SaveNamedLocation { .. } => "updateNamedLocation",
            Change::DeleteNamedLocation { .. } => "deleteNamedLocation",
        }
    }

    /// The directory object the change is made on.
    pub fn target_id(&self) -> &str {
        match self {
            Change::AddFederatedCredential { application_id, .. }
            | Change::UpdateFederatedCredential { application_id, .. }
            | Change::RemoveFederatedCredential { application_id, .. } => application_id,
            Change::CreateApplication { application } => &application.id,
            Change::UpdateProperties { id, .. }
            | Change::Delete { id, .. }
            | Change::Restore { id, .. } => id,
            Change::SetEnabled {
                service_principal_id,
                ..
            } => service_principal_id,
            Change::AddSecret { owner_id, .. }
            | Change::AddCertificate { owner_id, .. }
            | Change::RemoveCredential { owner_id, .. } => owner_id,
            Change::AddOwner { owner, .. } | Change::RemoveOwner { owner, .. } => &owner.object_id,
            Change::RemoveAppRoleAssignment { assignment } => &assignment.principal_id,
            Change::RemoveDirectoryRoleAssignment { assignment } => &assignment.principal_id,
            Change::SaveConditionalAccessPolicy { policy, .. }
            | Change::DeleteConditionalAccessPolicy { policy } => {
                policy.id.as_deref().unwrap_or_default()
            }
            Change::SaveNamedLocation { location, .. }
            | Change::DeleteNamedLocation { location } => &location.id,
        }
    }

    /// One line saying what the change does, for lists and the audit trail.
    pub fn summary(&self) -> String {
        let fic = |verb: &str, c: &FederatedIdentityCredential| {
            format!(
                "{verb} federated credential `{}` ({} → {})",
                c.name,
                c.issuer,
                c.subject.as_deref().unwrap_or("")
            )
        };
        match self {
            Change::AddFederatedCredential { credential: c, .. } => fic("add", c),
            Change::UpdateFederatedCredential { after: c, .. } => fic("update", c),
            Change::RemoveFederatedCredential { credential: c, .. } => {
                format!("remove federated credential `{}`", c.name)
            }
            Change::CreateApplication { application: a } => format!(
                "create app registration `{}` ({}) with its service principal",
                a.display_name, a.sign_in_audience
            ),
            Change::UpdateProperties {
                kind,
                before,
                after,
                ..
            } => {
                let mut what = Vec::new();
                if before.display_name != after.display_name {
                    what.push(format!("name to `{}`", after.display_name));
                }
                if before.notes != after.notes {
                    what.push("notes".to_string());
                }
                if before.tags != after.tags {
                    what.push(format!("tags to [{}]", after.tags.join(", ")));
                }
                format!("change the {}'s {}", kind.noun(), what.join(", "))
            }
            Change::SetEnabled { enabled: true, .. } => "enable the service principal".into(),
            Change::SetEnabled { enabled: false, .. } => {
                "disable the service principal (its sign-ins stop)".into()
            }
            Change::Delete {
                kind,
                with_service_principal,
                ..
            } => match (kind, with_service_principal) {
                (ObjectKind::Application, Some(_)) => {
                    "delete the application with its service principal, credentials and role assignments (restorable for 30 days)".into()
                }
                _ => format!("delete the {} (restorable for 30 days)", kind.noun()),
            },
            Change::Restore { kind, .. } => format!("restore the {}", kind.noun()),
            Change::AddSecret { secret, .. } => format!(
                "add client secret `{}` ending {}",
                secret.display_name.as_deref().unwrap_or(""),
                secret
                    .end_date_time
                    .map(|e| e.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            ),
            Change::AddCertificate { certificate, .. } => format!(
                "add certificate `{}` (thumbprint {})",
                certificate.display_name.as_deref().unwrap_or(""),
                certificate.custom_key_identifier.as_deref().unwrap_or("")
            ),
            Change::RemoveCredential { credential, .. } => match credential {
                OneCredential::Secret(s) => format!(
                    "remove client secret `{}` ({})",
                    s.display_name.as_deref().unwrap_or(""),
                    s.key_id
                ),
                OneCredential::Certificate(c) => format!(
                    "remove certificate `{}` ({})",
                    c.display_name.as_deref().unwrap_or(""),
                    c.custom_key_identifier.as_deref().unwrap_or(&c.key_id)
                ),
            },
            Change::AddOwner { owner, .. } => format!(
                "add {} {} ({})",
                relation_noun(owner.relation),
                owner.display_name,
                owner.owner_type
            ),
            Change::RemoveOwner { owner, .. } => format!(
                "remove {} {} ({})",
                relation_noun(owner.relation),
                owner.display_name,
                owner.owner_type
            ),
            Change::RemoveAppRoleAssignment { assignment: a } => format!(
                "remove application permission {} on {}",
                a.permission.as_deref().unwrap_or(&a.app_role_id),
                a.resource_display_name
            ),
            Change::RemoveDirectoryRoleAssignment { assignment: a } => format!(
                "remove directory role {} ({})",
                a.role_display_name,
                if a.assignment_type == "eligible" {
                    "eligible"
                } else {
                    "active"
                }
            ),
            c => conditional_access::summary(c),
        }
    }

    /// The federated credential's name, for the changes that are about one (names are unique on
    /// an object and never change: Graph's alternate key).
    pub fn credential_name(&self) -> Option<&str> {
        match self {
            Change::AddFederatedCredential { credential: c, .. }
            | Change::UpdateFederatedCredential { after: c, .. }
            | Change::RemoveFederatedCredential { credential: c, .. } => Some(&c.name),
            _ => None,
        }
    }

    /// Shows the change in the cache. Idempotent: it runs again after each sync or import that
    /// rewrote the object, for as long as the change is not in Entra.
    pub fn apply(&self, conn: &Connection, key: TenantKey) -> Result<()> {
        match self {
            Change::AddFederatedCredential {
                application_id,
                credential,
            }
            | Change::UpdateFederatedCredential {
                application_id,
                after: credential,
                ..
            } => federated_credentials::put(conn, key, application_id, credential),
            Change::RemoveFederatedCredential {
                application_id,
                credential,
            } => federated_credentials::remove_named(conn, key, application_id, &credential.name),
            Change::CreateApplication { application } => create(conn, key, application),
            Change::UpdateProperties {
                kind, id, after, ..
            } => set_properties(conn, key, *kind, id, after),
            Change::SetEnabled {
                service_principal_id,
                enabled,
            } => service_principals::set_enabled(conn, key, service_principal_id, *enabled),
            Change::Delete {
                kind,
                id,
                with_service_principal,
            } => {
                let when = to_ms(now());
                if *kind == ObjectKind::Application {
                    applications::mark_deleted(conn, key, id, when)?;
                } else {
                    service_principals::mark_deleted(conn, key, id, when)?;
                }
                if let Some(sp) = with_service_principal {
                    service_principals::mark_deleted(conn, key, sp, when)?;
                }
                Ok(())
            }
            Change::Restore { kind, id } => restore(conn, key, *kind, id),
            Change::AddSecret {
                kind,
                owner_id,
                secret,
            } => credentials::put_one(
                conn,
                key,
                kind.owner_type(),
                owner_id,
                &OneCredential::Secret(secret.clone()),
            ),
            Change::AddCertificate {
                kind,
                owner_id,
                certificate,
                ..
            } => credentials::put_one(
                conn,
                key,
                kind.owner_type(),
                owner_id,
                &OneCredential::Certificate(certificate.clone()),
            ),
            Change::RemoveCredential {
                owner_id,
                credential,
                ..
            } => credentials::remove_one(conn, key, owner_id, credential.key_id()),
            Change::AddOwner { owner, .. } => owners::upsert_owner(conn, key, owner),
            Change::RemoveOwner { owner, .. } => {
                owners::remove_one(conn, key, &owner.object_id, &owner.owner_id, owner.relation)
            }
            Change::RemoveAppRoleAssignment { assignment } => {
                app_role_assignments::remove_one(conn, key, &assignment.id)
            }
            Change::RemoveDirectoryRoleAssignment { assignment } => {
                directory_roles::remove_one(conn, key, &assignment.id)
            }
            c => conditional_access::apply(c, conn, key),
        }
    }

    /// Undoes [`Change::apply`] in the cache, when the admin drops a change never pushed.
    pub fn revert(&self, conn: &Connection, key: TenantKey) -> Result<()> {
        match self {
            Change::AddFederatedCredential {
                application_id,
                credential,
            } => federated_credentials::remove_named(conn, key, application_id, &credential.name),
            Change::UpdateFederatedCredential {
                application_id,
                before: credential,
                ..
            }
            | Change::RemoveFederatedCredential {
                application_id,
                credential,
            } => federated_credentials::put(conn, key, application_id, credential),
            Change::CreateApplication { application } => {
                applications::delete_application(conn, key, &application.id)?;
                service_principals::delete_service_principal(
                    conn,
                    key,
                    &application.service_principal_id,
                )
            }
            Change::UpdateProperties {
                kind, id, before, ..
            } => set_properties(conn, key, *kind, id, before),
            Change::SetEnabled {
                service_principal_id,
                enabled,
            } => service_principals::set_enabled(conn, key, service_principal_id, !*enabled),
            Change::Delete {
                kind,
                id,
                with_service_principal,
            } => {
                restore(conn, key, *kind, id)?;
                if let Some(sp) = with_service_principal {
                    service_principals::restore(conn, key, sp)?;
                }
                Ok(())
            }
            Change::Restore { kind, id } => {
                let when = to_ms(now());
                match kind {
                    ObjectKind::Application => applications::mark_deleted(conn, key, id, when),
                    ObjectKind::ServicePrincipal => {
                        service_principals::mark_deleted(conn, key, id, when)
                    }
                }
            }
            Change::AddSecret {
                owner_id, secret, ..
            } => credentials::remove_one(conn, key, owner_id, &secret.key_id),
            Change::AddCertificate {
                owner_id,
                certificate,
                ..
            } => credentials::remove_one(conn, key, owner_id, &certificate.key_id),
            Change::RemoveCredential {
                kind,
                owner_id,
                credential,
            } => credentials::put_one(conn, key, kind.owner_type(), owner_id, credential),
            Change::AddOwner { owner, .. } => {
                owners::remove_one(conn, key, &owner.object_id, &owner.owner_id, owner.relation)
            }
            Change::RemoveOwner { owner, .. } => owners::upsert_owner(conn, key, owner),
            Change::RemoveAppRoleAssignment { assignment } => {
                app_role_assignments::upsert_app_role_assignment(conn, key, assignment)
            }
            Change::RemoveDirectoryRoleAssignment { assignment } => {
                directory_roles::upsert_role_assignment(conn, key, assignment)
            }
            c => conditional_access::revert(c, conn, key),
        }
    }

    /// The change based on `remote`, Entra's version of the object seen at a conflict: retrying
    /// a conflict means "I have seen Entra's version; make mine so anyway". A removal or update
    /// of something Entra no longer has becomes an add when `remote` is `None`.
    pub fn rebased(&self, remote: Option<&FederatedIdentityCredential>) -> Change {
        match (self, remote) {
            (
                Change::UpdateFederatedCredential {
                    application_id,
                    after,
                    ..
                },
                Some(r),
            ) => Change::UpdateFederatedCredential {
                application_id: application_id.clone(),
                before: r.clone(),
                after: FederatedIdentityCredential {
                    id: r.id.clone(),
                    ..after.clone()
                },
            },
            (
                Change::UpdateFederatedCredential {
                    application_id,
                    after,
                    ..
                },
                None,
            ) => Change::AddFederatedCredential {
                application_id: application_id.clone(),
                credential: after.clone(),
            },
            (Change::RemoveFederatedCredential { application_id, .. }, Some(r)) => {
                Change::RemoveFederatedCredential {
                    application_id: application_id.clone(),
                    credential: r.clone(),
                }
            }
            (
                Change::AddFederatedCredential {
                    application_id,
                    credential,
                },
                Some(r),
            ) => {
                // Entra holds a credential of that name with other settings: replace them.
                Change::UpdateFederatedCredential {
                    application_id: application_id.clone(),
                    before: r.clone(),
                    after: FederatedIdentityCredential {
                        id: r.id.clone(),
                        ..credential.clone()
                    },
                }
            }
            (c, _) => c.clone(),
        }
    }

    /// The change based on Entra's current properties (a retried conflict of an edit).
    pub fn rebased_properties(&self, remote: &Properties) -> Change {
        match self {
            Change::UpdateProperties {
                kind, id, after, ..
            } => Change::UpdateProperties {
                kind: *kind,
                id: id.clone(),
                before: remote.clone(),
                after: after.clone(),
            },
            c => c.clone(),
        }
    }
}

fn relation_noun(r: OwnerRelation) -> &'static str {
    match r {
        OwnerRelation::Owner => "owner",
        OwnerRelation::Sponsor => "sponsor",
    }
}

fn set_properties(
    conn: &Connection,
    key: TenantKey,
    kind: ObjectKind,
    id: &str,
    p: &Properties,
) -> Result<()> {
    match kind {
        ObjectKind::Application => applications::set_properties(
            conn,
            key,
            id,
            &p.display_name,
            p.notes.as_deref(),
            &p.tags,
        ),
        ObjectKind::ServicePrincipal => {
            service_principals::set_properties(conn, key, id, &p.display_name, &p.tags)
        }
    }
}

fn restore(conn: &Connection, key: TenantKey, kind: ObjectKind, id: &str) -> Result<()> {
    match kind {
        ObjectKind::Application => applications::restore(conn, key, id),
        ObjectKind::ServicePrincipal => service_principals::restore(conn, key, id),
    }
}

/// The new registration and its service principal, as the cache shows them until the push.
fn create(conn: &Connection, key: TenantKey, a: &NewApplication) -> Result<()> {
    let tenant = crate::store::tenants::tenant_id_of(conn, key)?;
    let created = Some(now());
    applications::upsert_application(
        conn,
        key,
        &Application {
            id: a.id.clone(),
            app_id: a.app_id.clone(),
            display_name: a.display_name.clone(),
            sign_in_audience: Some(a.sign_in_audience.clone()),
            publisher_domain: None,
            created_date_time: created,
            deleted_date_time: None,
            disabled_by_microsoft_status: None,
            password_credentials: Vec::new(),
            key_credentials: Vec::new(),
            federated_identity_credentials: Vec::new(),
            redirect_uris: Some(Vec::new()),
            instance_lock: Some(false),
            agent_blueprint: false,
            notes: a.notes.clone(),
            tags: Vec::new(),
        },
    )?;
    service_principals::upsert_service_principal(
        conn,
        key,
        &tenant,
        &ServicePrincipal {
            id: a.service_principal_id.clone(),
            app_id: a.app_id.clone(),
            display_name: a.display_name.clone(),
            app_display_name: Some(a.display_name.clone()),
            service_principal_type: "Application".into(),
            app_owner_organization_id: Some(tenant.clone()),
            account_enabled: true,
            sign_in_audience: Some(a.sign_in_audience.clone()),
            created_date_time: created,
            deleted_date_time: None,
            tags: Vec::new(),
            alternative_names: Vec::new(),
            agent_identity_blueprint_id: None,
            disabled_by_microsoft_status: None,
            password_credentials: Vec::new(),
            key_credentials: Vec::new(),
            app_role_assignment_required: Some(false),
            reply_urls: Some(Vec::new()),
            agent_blueprint_principal: false,
        },
    )
}

/// Whether two versions of a federated credential say the same to Entra (ids aside: a pending
/// credential's id is local).
pub fn same_credential(a: &FederatedIdentityCredential, b: &FederatedIdentityCredential) -> bool {
    a.name == b.name
        && a.issuer == b.issuer
        && a.subject == b.subject
        && a.audiences == b.audiences
        && a.description.as_deref().unwrap_or("") == b.description.as_deref().unwrap_or("")
}
