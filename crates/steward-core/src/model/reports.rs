//! What Entra reports about the tenant: the usage reports (last use of an application or a
//! credential beyond the 30-day log), subscribed SKUs, and Entra's own recommendations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
