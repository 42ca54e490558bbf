//! Directory objects as Graph shapes them: the tenant, app registrations, service principals,
//! their secrets, certificates and federated credentials, owners and sponsors, and the
//! application permissions a service principal holds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
    pub default_domain: Option<String>,
    pub is_demo: bool,
    /// When the cached data was generated, imported or synced.
    pub data_as_of: Option<DateTime<Utc>>,
}

/// An app registration (`microsoft.graph.application`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub sign_in_audience: Option<String>,
    pub publisher_domain: Option<String>,
    pub created_date_time: Option<DateTime<Utc>>,
    /// Set when the application is soft-deleted (in `directory/deletedItems`).
    pub deleted_date_time: Option<DateTime<Utc>>,
    pub disabled_by_microsoft_status: Option<String>,
    pub password_credentials: Vec<PasswordCredential>,
    pub key_credentials: Vec<KeyCredential>,
    pub federated_identity_credentials: Vec<FederatedIdentityCredential>,
    /// Every redirect URI (web, single-page and public client); `None` when not read.
    pub redirect_uris: Option<Vec<String>>,
    /// `servicePrincipalLockConfiguration.isEnabled`; `None` when not read.
    pub instance_lock: Option<bool>,
    /// An Entra Agent ID blueprint (`@odata.type` #microsoft.graph.agentIdentityBlueprint): the
    /// template agent identities are made from, listed among the applications.
    pub agent_blueprint: bool,
    /// The admin's notes on the registration (`notes`).
    pub notes: Option<String>,
    /// Custom strings to categorise the app (`tags`).
    pub tags: Vec<String>,
}

/// A service principal (`microsoft.graph.servicePrincipal`, or its subtype `agentIdentity`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub app_display_name: Option<String>,
    /// `Application`, `ManagedIdentity`, `Legacy`, `SocialIdp` or `ServiceIdentity` (agents).
    pub service_principal_type: String,
    pub app_owner_organization_id: Option<String>,
    pub account_enabled: bool,
    pub sign_in_audience: Option<String>,
    pub created_date_time: Option<DateTime<Utc>>,
    pub deleted_date_time: Option<DateTime<Utc>>,
    pub tags: Vec<String>,
    pub alternative_names: Vec<String>,
    /// For agent identities: the blueprint's appId.
    pub agent_identity_blueprint_id: Option<String>,
    pub disabled_by_microsoft_status: Option<String>,
    pub password_credentials: Vec<PasswordCredential>,
    pub key_credentials: Vec<KeyCredential>,
    /// `appRoleAssignmentRequired`; `None` when not read.
    pub app_role_assignment_required: Option<bool>,
    /// `replyUrls`; `None` when not read.
    pub reply_urls: Option<Vec<String>>,
    /// A blueprint's service principal in this tenant (`@odata.type`
    /// #microsoft.graph.agentIdentityBlueprintPrincipal), whose appId is the blueprint's.
    pub agent_blueprint_principal: bool,
}

/// A client secret (`passwordCredential`). The secret text itself is never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    /// The first three characters of the secret, as Graph returns them.
    pub hint: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub start_date_time: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub end_date_time: Option<DateTime<Utc>>,
}

/// A certificate (`keyCredential`); `customKeyIdentifier` usually carries the thumbprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    /// `AsymmetricX509Cert`, `Symmetric`, …
    #[serde(rename = "type")]
    pub key_type: Option<String>,
    /// `Verify` or `Sign`.
    pub usage: Option<String>,
    pub custom_key_identifier: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub start_date_time: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub end_date_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FederatedIdentityCredential {
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub subject: Option<String>,
    pub audiences: Vec<String>,
    pub description: Option<String>,
}

/// Who owns (or, for agent identities, sponsors) a directory object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// The owned object's id (application or service principal).
    pub object_id: String,
    pub owner_id: String,
    /// `user`, `servicePrincipal` or `group`.
    pub owner_type: String,
    pub display_name: String,
    pub relation: OwnerRelation,
    /// A user's `userType` (`Member` or `Guest`); `None` for other owners or when not read.
    pub user_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum OwnerRelation {
    Owner,
    Sponsor,
}

/// An application permission held by a service principal (`appRoleAssignment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    pub id: String,
    pub principal_id: String,
    pub resource_id: String,
    pub resource_display_name: String,
    pub app_role_id: String,
    /// The permission's value (e.g. `Application.ReadWrite.All`), resolved from the resource's
    /// `appRoles` when known.
    pub permission: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub created_date_time: Option<DateTime<Utc>>,
}
