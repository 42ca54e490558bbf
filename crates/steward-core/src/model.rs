//! The domain model of a tenant's workload identities, following Microsoft Graph's shapes
//! (field names as Graph spells them when serialised), plus Steward's derived classifications.
//!
//! Instants are `DateTime<Utc>`; Graph's GUIDs stay strings, exactly as the tenant wrote them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The Microsoft tenants that own first-party applications (docs/domain.md §1.3, bucket C).
pub const MICROSOFT_TENANTS: [&str; 3] = [
    "f8cdef31-a31e-4b4a-93e4-5f571e91255a", // Microsoft Services
    "72f988bf-86f1-41af-91ab-2d7cd011db47", // Microsoft Corp
    "9188040d-6c67-4c5b-b112-36a304b66dad", // Microsoft accounts (MSA)
];

/// Microsoft Graph's own application id, the resource most workload identities call.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

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
}

/// A client secret (`passwordCredential`). The secret text itself is never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    /// The first three characters of the secret, as Graph returns them.
    pub hint: Option<String>,
    pub start_date_time: Option<DateTime<Utc>>,
    pub end_date_time: Option<DateTime<Utc>>,
}

/// A certificate (`keyCredential`); `customKeyIdentifier` usually carries the thumbprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub start_date_time: Option<DateTime<Utc>>,
    pub end_date_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// The owned object's id (application or service principal).
    pub object_id: String,
    pub owner_id: String,
    /// `user`, `servicePrincipal` or `group`.
    pub owner_type: String,
    pub display_name: String,
    pub relation: OwnerRelation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OwnerRelation {
    Owner,
    Sponsor,
}

/// An application permission held by a service principal (`appRoleAssignment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub created_date_time: Option<DateTime<Utc>>,
}

/// Delegated permissions granted to a client (`oauth2PermissionGrant`): for every user of the
/// tenant (`AllPrincipals`, by admin consent) or for one (`Principal`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2PermissionGrant {
    pub id: String,
    /// The client service principal's object id.
    pub client_id: String,
    pub consent_type: String,
    pub principal_id: Option<String>,
    /// The API's service principal object id.
    pub resource_id: String,
    /// Space-separated delegated permission values.
    pub scope: String,
}

/// A conditional access policy (`conditionalAccessPolicy`): the whole policy as Graph returned
/// it, with the fields lists need taken out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    pub id: String,
    pub display_name: String,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced` (report-only).
    pub state: String,
    pub created_date_time: Option<DateTime<Utc>>,
    pub modified_date_time: Option<DateTime<Utc>>,
    /// The policy assigns workload identities (`conditions.clientApplications`).
    pub targets_workload_identities: bool,
    /// The policy as JSON, keys sorted.
    pub policy: String,
}

/// A directory audit event of the ApplicationManagement category (`directoryAudit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryAudit {
    pub id: String,
    pub activity_date_time: DateTime<Utc>,
    /// `activityDisplayName`, e.g. "Update application – Certificates and secrets management".
    pub activity: String,
    pub operation_type: Option<String>,
    pub result: Option<String>,
    pub result_reason: Option<String>,
    /// `user` or `app`.
    pub initiated_by_type: Option<String>,
    pub initiated_by_id: Option<String>,
    /// The user's UPN or the app's name.
    pub initiated_by: Option<String>,
    pub target_id: Option<String>,
    pub target_type: Option<String>,
    pub target_name: Option<String>,
    /// The first target's `modifiedProperties` (`[{displayName, oldValue, newValue}]`), as JSON.
    pub modified: String,
}

impl ConditionalAccessPolicy {
    /// From a policy as Graph writes it (`conditionalAccessPolicy`).
    pub fn from_graph(v: &serde_json::Value) -> std::result::Result<Self, String> {
        let text = |k: &str| -> std::result::Result<Option<String>, String> {
            match v.get(k) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!("`{k}` is {other}, not a string")),
            }
        };
        let when = |k: &str| -> std::result::Result<Option<DateTime<Utc>>, String> {
            text(k)?
                .map(|s| {
                    DateTime::parse_from_rfc3339(&s)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|e| format!("`{k}` is not a date and time ({e}): {s}"))
                })
                .transpose()
        };
        let id = text("id")?.ok_or("no `id`")?;
        let conditions = v
            .get("conditions")
            .filter(|c| c.is_object())
            .ok_or("no `conditions` object: a conditional access policy always has one")?;
        Ok(ConditionalAccessPolicy {
            display_name: text("displayName")?.unwrap_or_else(|| id.clone()),
            state: text("state")?.ok_or("no `state`")?,
            created_date_time: when("createdDateTime")?,
            modified_date_time: when("modifiedDateTime")?,
            targets_workload_identities: conditions
                .get("clientApplications")
                .is_some_and(|c| c.is_object()),
            policy: canonical_json(v),
            id,
        })
    }
}

/// A JSON value as text with every object's keys sorted, so equal values compare equal as text.
pub fn canonical_json(v: &serde_json::Value) -> String {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                serde_json::Value::Object(out)
            }
            serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

/// A directory-role assignment or eligibility (`unifiedRoleAssignment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRoleAssignment {
    pub id: String,
    pub principal_id: String,
    pub role_definition_id: String,
    pub role_display_name: String,
    pub directory_scope_id: String,
    pub is_privileged: bool,
    /// `active` or `eligible`.
    pub assignment_type: String,
}

/// One service-principal or managed-identity sign-in event (beta `signIn`, docs/domain.md §6.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub id: String,
    pub created_date_time: DateTime<Utc>,
    /// `servicePrincipal` or `managedIdentity`.
    pub sign_in_event_type: String,
    pub service_principal_id: String,
    pub service_principal_name: Option<String>,
    pub app_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_service_principal_id: Option<String>,
    pub resource_display_name: Option<String>,
    pub ip_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country_or_region: Option<String>,
    /// `status.errorCode`: 0 means success, otherwise an AADSTS code.
    pub error_code: i64,
    pub failure_reason: Option<String>,
    pub client_credential_type: Option<String>,
    pub service_principal_credential_key_id: Option<String>,
    pub service_principal_credential_thumbprint: Option<String>,
    pub federated_credential_id: Option<String>,
    pub conditional_access_status: Option<String>,
}

/// One row of beta `reports/servicePrincipalSignInActivities` (docs/domain.md §6.4): when an
/// application was last used, as Microsoft records it beyond the 30-day sign-in log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalSignInActivity {
    pub id: Option<String>,
    pub app_id: String,
    pub last_sign_in: Option<DateTime<Utc>>,
    pub application_client: Option<DateTime<Utc>>,
    pub application_resource: Option<DateTime<Utc>>,
    pub delegated_client: Option<DateTime<Utc>>,
    pub delegated_resource: Option<DateTime<Utc>>,
}

/// One row of beta `reports/appCredentialSignInActivities`: when a credential was last used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppCredentialSignInActivity {
    pub id: Option<String>,
    pub key_id: String,
    pub app_id: Option<String>,
    pub app_object_id: Option<String>,
    pub service_principal_object_id: Option<String>,
    /// `application` or `servicePrincipal`.
    pub credential_origin: Option<String>,
    /// `clientSecret` or `certificate`.
    pub key_type: Option<String>,
    pub last_sign_in: Option<DateTime<Utc>>,
}

/// A subscribed SKU (`GET /subscribedSkus`), with the trial state from `directory/subscriptions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    pub sku_id: String,
    pub sku_part_number: String,
    pub capability_status: String,
    pub prepaid_enabled: i64,
    pub consumed_units: i64,
    pub service_plan_ids: Vec<String>,
    pub is_trial: bool,
    pub next_lifecycle: Option<DateTime<Utc>>,
}

/// Service plans that carry Workload ID Premium (docs/domain.md §1.1): AAD_WRKLDID_P1, AAD_WRKLDID_P2.
pub const WORKLOAD_ID_SERVICE_PLANS: [&str; 2] = [
    "84c289f0-efcb-486f-8581-07f44fc9efad",
    "7dc0e92d-bf15-401d-907e-0884efe7c760",
];

/// Steward's classification of a service principal by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum IdentityKind {
    Application,
    ManagedIdentitySystem,
    ManagedIdentityUser,
    Legacy,
    SocialIdp,
    AgentIdentity,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 6] = [
        IdentityKind::Application,
        IdentityKind::ManagedIdentitySystem,
        IdentityKind::ManagedIdentityUser,
        IdentityKind::Legacy,
        IdentityKind::SocialIdp,
        IdentityKind::AgentIdentity,
    ];

    /// Derives the kind from Graph's `servicePrincipalType` and, for managed identities, the
    /// `isExplicit=True` marker that user-assigned identities carry in `alternativeNames`.
    pub fn classify(service_principal_type: &str, alternative_names: &[String]) -> IdentityKind {
        match service_principal_type {
            "ManagedIdentity" => {
                if alternative_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case("isExplicit=True"))
                {
                    IdentityKind::ManagedIdentityUser
                } else {
                    IdentityKind::ManagedIdentitySystem
                }
            }
            "Legacy" => IdentityKind::Legacy,
            "SocialIdp" => IdentityKind::SocialIdp,
            "ServiceIdentity" => IdentityKind::AgentIdentity,
            _ => IdentityKind::Application,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Application => "application",
            IdentityKind::ManagedIdentitySystem => "managedIdentitySystem",
            IdentityKind::ManagedIdentityUser => "managedIdentityUser",
            IdentityKind::Legacy => "legacy",
            IdentityKind::SocialIdp => "socialIdp",
            IdentityKind::AgentIdentity => "agentIdentity",
        }
    }

    pub fn parse(s: &str) -> Option<IdentityKind> {
        IdentityKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentityKind::Application => "Application",
            IdentityKind::ManagedIdentitySystem => "Managed identity (system-assigned)",
            IdentityKind::ManagedIdentityUser => "Managed identity (user-assigned)",
            IdentityKind::Legacy => "Legacy",
            IdentityKind::SocialIdp => "Social IdP",
            IdentityKind::AgentIdentity => "Agent identity",
        }
    }
}

/// A secret (`passwordCredential`) or a certificate (`keyCredential`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CredentialType {
    Secret,
    Certificate,
}

impl CredentialType {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialType::Secret => "secret",
            CredentialType::Certificate => "certificate",
        }
    }

    /// Reads the stored form; anything unexpected reads as a secret, the riskier kind.
    pub fn parse(s: &str) -> CredentialType {
        if s == "certificate" {
            CredentialType::Certificate
        } else {
            CredentialType::Secret
        }
    }
}

/// Whose application a service principal stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Ownership {
    /// Registered in this tenant, single-tenant (`AzureADMyOrg`), or a Legacy SP created here.
    OwnSingleTenant,
    /// Registered in this tenant and offered to other organisations.
    OwnMultiTenant,
    /// A Microsoft first-party application.
    Microsoft,
    /// Another organisation's application (third-party SaaS, a partner's multitenant app).
    External,
    /// No application behind it: managed identities, agent identities, internal SPs.
    NotApplicable,
}

impl Ownership {
    pub const ALL: [Ownership; 5] = [
        Ownership::OwnSingleTenant,
        Ownership::OwnMultiTenant,
        Ownership::Microsoft,
        Ownership::External,
        Ownership::NotApplicable,
    ];

    pub fn classify(
        home_tenant: &str,
        kind: IdentityKind,
        app_owner_organization_id: Option<&str>,
        sign_in_audience: Option<&str>,
    ) -> Ownership {
        match (kind, app_owner_organization_id) {
            (IdentityKind::Legacy, None) => Ownership::OwnSingleTenant,
            (_, None) => Ownership::NotApplicable,
            (_, Some(owner))
                if MICROSOFT_TENANTS
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(owner)) =>
            {
                Ownership::Microsoft
            }
            (_, Some(owner)) if owner.eq_ignore_ascii_case(home_tenant) => match sign_in_audience {
                None | Some("AzureADMyOrg") => Ownership::OwnSingleTenant,
                Some(_) => Ownership::OwnMultiTenant,
            },
            (_, Some(_)) => Ownership::External,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Ownership::OwnSingleTenant => "ownSingleTenant",
            Ownership::OwnMultiTenant => "ownMultiTenant",
            Ownership::Microsoft => "microsoft",
            Ownership::External => "external",
            Ownership::NotApplicable => "notApplicable",
        }
    }

    pub fn parse(s: &str) -> Option<Ownership> {
        Ownership::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(s))
    }

    pub fn label(self) -> &'static str {
        match self {
            Ownership::OwnSingleTenant => "Own (single-tenant)",
            Ownership::OwnMultiTenant => "Own (multitenant)",
            Ownership::Microsoft => "Microsoft first-party",
            Ownership::External => "Another organisation",
            Ownership::NotApplicable => "Not applicable",
        }
    }
}

/// A GUID's canonical text (lower-case hex, 8-4-4-4-12) from its 128 bits, big-endian.
pub fn guid_text(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Microsoft Graph application permissions that open a path to Global Administrator or to mass
/// data exfiltration (docs/domain.md §9.2, tier 0 and commonly flagged).
pub const HIGH_RISK_PERMISSIONS: &[&str] = &[
    "RoleManagement.ReadWrite.Directory",
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "UserAuthenticationMethod.ReadWrite.All",
    "Domain.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "Directory.ReadWrite.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "User.ReadWrite.All",
    "AdministrativeUnit.ReadWrite.All",
    "Policy.ReadWrite.PermissionGrant",
    "Policy.ReadWrite.AuthenticationMethod",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagementPolicy.ReadWrite.Directory",
    "EntitlementManagement.ReadWrite.All",
    "Mail.ReadWrite",
    "Mail.Send",
    "Files.ReadWrite.All",
    "Sites.ReadWrite.All",
];

pub fn is_high_risk_permission(permission: &str) -> bool {
    HIGH_RISK_PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(permission))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "11111111-1111-1111-1111-111111111111";

    #[test]
    fn user_assigned_managed_identity_is_told_apart_by_is_explicit() {
        let uami = vec![
            "isExplicit=True".to_string(),
            "/subscriptions/x".to_string(),
        ];
        let sami = vec![
            "isExplicit=False".to_string(),
            "/subscriptions/x".to_string(),
        ];
        assert_eq!(
            IdentityKind::classify("ManagedIdentity", &uami),
            IdentityKind::ManagedIdentityUser
        );
        assert_eq!(
            IdentityKind::classify("ManagedIdentity", &sami),
            IdentityKind::ManagedIdentitySystem
        );
        assert_eq!(
            IdentityKind::classify("ServiceIdentity", &[]),
            IdentityKind::AgentIdentity
        );
    }

    #[test]
    fn ownership_follows_app_owner_organization_and_audience() {
        let app = IdentityKind::Application;
        assert_eq!(
            Ownership::classify(HOME, app, Some(HOME), Some("AzureADMyOrg")),
            Ownership::OwnSingleTenant
        );
        assert_eq!(
            Ownership::classify(HOME, app, Some(HOME), Some("AzureADMultipleOrgs")),
            Ownership::OwnMultiTenant
        );
        assert_eq!(
            Ownership::classify(HOME, app, Some(MICROSOFT_TENANTS[0]), None),
            Ownership::Microsoft
        );
        assert_eq!(
            Ownership::classify(
                HOME,
                app,
                Some("22222222-2222-2222-2222-222222222222"),
                None
            ),
            Ownership::External
        );
        assert_eq!(
            Ownership::classify(HOME, IdentityKind::ManagedIdentityUser, None, None),
            Ownership::NotApplicable
        );
        assert_eq!(
            Ownership::classify(HOME, IdentityKind::Legacy, None, None),
            Ownership::OwnSingleTenant,
            "a Legacy SP has no app registration and lives only in the tenant that made it"
        );
    }

    #[test]
    fn kind_and_ownership_round_trip_through_their_wire_names() {
        for k in IdentityKind::ALL {
            assert_eq!(IdentityKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for o in Ownership::ALL {
            assert_eq!(Ownership::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}

/// One risky service principal (`GET /identityProtection/riskyServicePrincipals`, v1.0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskyServicePrincipal {
    pub id: String,
    pub app_id: Option<String>,
    pub display_name: Option<String>,
    pub service_principal_type: Option<String>,
    pub is_enabled: Option<bool>,
    pub is_processing: Option<bool>,
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
    pub risk_last_updated_date_time: Option<DateTime<Utc>>,
}

/// One entry of `GET /identityProtection/riskyServicePrincipals/{id}/history`
/// (riskyServicePrincipalHistoryItem), reduced to what the Risk page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskyServicePrincipalHistoryItem {
    pub id: String,
    pub service_principal_id: String,
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
    pub risk_last_updated_date_time: DateTime<Utc>,
    pub initiated_by: Option<String>,
}

/// Where a detection happened (Graph's signInLocation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInLocation {
    pub city: Option<String>,
    pub state: Option<String>,
    pub country_or_region: Option<String>,
}

/// One `servicePrincipalRiskDetection` (`GET /identityProtection/servicePrincipalRiskDetections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipalRiskDetection {
    pub id: String,
    pub service_principal_id: String,
    pub service_principal_display_name: Option<String>,
    pub app_id: Option<String>,
    pub risk_event_type: String,
    pub risk_state: String,
    pub risk_level: String,
    pub risk_detail: String,
    pub source: Option<String>,
    pub detection_timing_type: Option<String>,
    pub activity: Option<String>,
    pub ip_address: Option<String>,
    pub location: Option<SignInLocation>,
    pub activity_date_time: Option<DateTime<Utc>>,
    pub detected_date_time: Option<DateTime<Utc>>,
    pub last_updated_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub key_ids: Vec<String>,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    pub additional_info: Option<String>,
}

/// A conditional-access named location: Graph's ipNamedLocation (CIDR ranges) or
/// countryNamedLocation (ISO 3166 codes), in one shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedLocation {
    pub id: String,
    pub display_name: String,
    /// `ip` or `country`.
    pub kind: String,
    pub is_trusted: bool,
    pub ip_ranges: Vec<String>,
    pub countries_and_regions: Vec<String>,
    pub include_unknown_countries_and_regions: bool,
}

/// What an AADSTS error code of a workload identity's sign-in means, in the admin's words
/// (docs/domain.md §6.3).
pub fn aadsts_meaning(code: i64) -> &'static str {
    match code {
        0 => "Success",
        7000215 => "Invalid client secret (wrong value, or the secret id sent instead)",
        7000222 => "The client secret has expired",
        7000218 => "Neither a client secret nor a client assertion was sent",
        700027 => "Client assertion failed signature validation (unknown or expired certificate)",
        700024 => "Client assertion outside its valid time range (clock skew, expired token)",
        700016 => "Application not found in the directory (wrong tenant or appId)",
        700011 => "Application not found in the tenant",
        7000112 | 70001 => "The application is disabled",
        70002 => "The client secret does not match",
        700025 => "A public client may not send a secret or assertion",
        700030 => "Certificate subject name not authorized",
        70011 | 700022 | 700023 => "Invalid scope (use <resource>/.default, one resource)",
        500011 => "Resource principal not found in the tenant",
        65001 => "Consent missing",
        53003 => "Blocked by conditional access",
        530032 => "Blocked by a tenant security policy",
        50012 | 50013 => "Authentication failed: invalid assertion",
        70021 => "No federated credential matches the presented token",
        700211 => "Federated credential mismatch: issuer",
        700212 => "Federated credential mismatch: audience",
        700213 => "Federated credential mismatch: subject",
        7002131 => "Flexible federated credential expression did not match",
        700229 => "Only app-only tokens can be used as federated credentials for Entra",
        90002 => "Tenant not found",
        50196 => "Request loop: the client is not caching tokens",
        _ => "Other failure: look the code up in the Entra error reference",
    }
}

/// One of Entra's own recommendations (`GET /beta/directory/recommendations`), reduced to what
/// Steward shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRecommendation {
    pub id: String,
    pub recommendation_type: String,
    pub display_name: String,
    pub status: String,
    pub priority: String,
    pub insights: Option<String>,
    pub benefits: Option<String>,
    /// The texts of `actionSteps`, in order.
    pub action_steps: Vec<String>,
    pub last_checked_date_time: Option<DateTime<Utc>>,
    pub postpone_until_date_time: Option<DateTime<Utc>>,
}

/// One impactedResource of a directory recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryImpactedResource {
    pub id: String,
    pub recommendation_id: String,
    pub subject_id: Option<String>,
    pub resource_type: Option<String>,
    pub display_name: String,
    pub status: String,
    pub added_date_time: Option<DateTime<Utc>>,
    pub portal_url: Option<String>,
    /// `additionalDetails` as (key, value) pairs.
    pub additional_details: Vec<(String, String)>,
}

/// The value (e.g. `Application.ReadWrite.All`) of a Microsoft Graph application permission,
/// from its app role id, for the permissions Steward rates. Graph's own app role assignments
/// carry only the id.
pub fn graph_permission_name(app_role_id: &str) -> Option<&'static str> {
    crate::demo::names::GRAPH_PERMISSIONS
        .iter()
        .find(|(_, id)| id.eq_ignore_ascii_case(app_role_id.trim()))
        .map(|(name, _)| *name)
}

/// Entra's built-in directory roles by template id: (name, labelled privileged). Graph's role
/// assignments carry only the role definition id unless `roleDefinition` is expanded, as it is
/// not in every export.
pub const BUILTIN_ROLES: &[(&str, &str, bool)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
        true,
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
        true,
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
        true,
    ),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
        true,
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
        true,
    ),
    (
        "cf1c38e5-3621-4004-a7cb-879624dced7c",
        "Application Developer",
        true,
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
        true,
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
        true,
    ),
    (
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "User Administrator",
        true,
    ),
    (
        "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
        "Hybrid Identity Administrator",
        true,
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
        true,
    ),
    (
        "9360feb5-f418-4baa-8175-e2a00bac4301",
        "Directory Writers",
        true,
    ),
    (
        "8329153b-31d0-4727-b945-745eb3bc5f31",
        "Domain Name Administrator",
        true,
    ),
    (
        "be2f45a1-457d-42af-a067-6ec1fa63bc45",
        "External Identity Provider Administrator",
        true,
    ),
    (
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
        true,
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
        true,
    ),
    (
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "Password Administrator",
        true,
    ),
    (
        "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
        "Security Operator",
        true,
    ),
    (
        "5d6b6bb7-de71-4623-b4af-96380a352509",
        "Security Reader",
        true,
    ),
    (
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "Global Reader",
        true,
    ),
    (
        "4ba39ca4-527c-499a-b93d-d9b492c50246",
        "Partner Tier1 Support",
        true,
    ),
    (
        "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8",
        "Partner Tier2 Support",
        true,
    ),
    (
        "db506228-d27e-4b7d-95e5-295956d6615f",
        "Agent ID Administrator",
        true,
    ),
    (
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
        false,
    ),
    (
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
        false,
    ),
    // Steward's own judgement, not Entra's current label (docs/domain.md §9.1): the reference
    // labelled it privileged until 2023, with write permissions over applications' credentials,
    // and the sync accounts that hold it are a known path to every synced identity.
    (
        "d29b2b05-8046-44ba-8758-1e26182fcf32",
        "Directory Synchronization Accounts",
        true,
    ),
    (
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        "Directory Readers",
        false,
    ),
];

/// The name of a built-in directory role and whether Entra labels it privileged, from its
/// template id.
pub fn builtin_role(template_id: &str) -> Option<(&'static str, bool)> {
    BUILTIN_ROLES
        .iter()
        .find(|(id, _, _)| id.eq_ignore_ascii_case(template_id.trim()))
        .map(|(_, name, privileged)| (*name, *privileged))
}
