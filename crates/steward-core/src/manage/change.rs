//! A change an admin makes in Steward: what it does to the cache at once, how it is undone when
//! the admin drops it, and the version of the object it was based on (for conflicts at push).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::model::FederatedIdentityCredential;
use crate::store::{federated_credentials, TenantKey};
use crate::Result;

/// One change, as the outbox keeps it (JSON, tagged by `action`). It never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Change {
    /// A new federated credential on application `application_id`. Until Graph gives it one,
    /// `credential.id` is a local id.
    AddFederatedCredential {
        application_id: String,
        credential: FederatedIdentityCredential,
    },
    /// New issuer, subject, audiences or description for a credential (its name cannot change);
    /// `before` is the version the edit was made on.
    UpdateFederatedCredential {
        application_id: String,
        before: FederatedIdentityCredential,
        after: FederatedIdentityCredential,
    },
    /// A credential removed; `credential` is the version the admin saw.
    RemoveFederatedCredential {
        application_id: String,
        credential: FederatedIdentityCredential,
    },
}

impl Change {
    /// The action's name, as the outbox and the audit trail show it.
    pub fn action(&self) -> &'static str {
        match self {
            Change::AddFederatedCredential { .. } => "addFederatedCredential",
            Change::UpdateFederatedCredential { .. } => "updateFederatedCredential",
            Change::RemoveFederatedCredential { .. } => "removeFederatedCredential",
        }
    }

    /// The directory object the change is made on.
    pub fn target_id(&self) -> &str {
        match self {
            Change::AddFederatedCredential { application_id, .. }
            | Change::UpdateFederatedCredential { application_id, .. }
            | Change::RemoveFederatedCredential { application_id, .. } => application_id,
        }
    }

    /// One line saying what the change does, for lists and the audit trail.
    pub fn summary(&self) -> String {
        match self {
            Change::AddFederatedCredential { credential: c, .. } => format!(
                "add federated credential `{}` ({} → {})",
                c.name,
                c.issuer,
                c.subject.as_deref().unwrap_or("")
            ),
            Change::UpdateFederatedCredential { after: c, .. } => format!(
                "update federated credential `{}` ({} → {})",
                c.name,
                c.issuer,
                c.subject.as_deref().unwrap_or("")
            ),
            Change::RemoveFederatedCredential { credential: c, .. } => {
                format!("remove federated credential `{}`", c.name)
            }
        }
    }

    /// The federated credential's name, for the changes that are about one (names are unique on
    /// an object and never change: Graph's alternate key).
    pub fn credential_name(&self) -> Option<&str> {
        match self {
            Change::AddFederatedCredential { credential: c, .. }
            | Change::UpdateFederatedCredential { after: c, .. }
            | Change::RemoveFederatedCredential { credential: c, .. } => Some(&c.name),
        }
    }

    /// Shows the change in the cache. Idempotent: it runs again after each sync or import that
    /// rewrote the object, for as long as the change is not in Entra.
    pub(crate) fn apply(&self, conn: &Connection, key: TenantKey) -> Result<()> {
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
        }
    }

    /// Undoes [`Change::apply`] in the cache, when the admin drops a change never pushed.
    pub(crate) fn revert(&self, conn: &Connection, key: TenantKey) -> Result<()> {
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
