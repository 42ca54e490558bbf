//! Sign-in events of service principals and managed identities, and what an AADSTS error
//! code means.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
