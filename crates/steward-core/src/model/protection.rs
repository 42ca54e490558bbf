//! Identity Protection's view of workload identities (risky service principals, their history
//! and detections) and conditional access named locations.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

impl NamedLocation {
    /// The location as Graph writes it: an `ipNamedLocation` with IPv4 and IPv6 CIDR ranges, or
    /// a `countryNamedLocation`.
    pub fn to_graph(&self) -> serde_json::Value {
        use serde_json::json;
        if self.kind == "ip" {
            json!({
                "@odata.type": "#microsoft.graph.ipNamedLocation",
                "id": self.id,
                "displayName": self.display_name,
                "isTrusted": self.is_trusted,
                "ipRanges": self.ip_ranges.iter().map(|r| json!({
                    "@odata.type": if r.contains(':') {
                        "#microsoft.graph.iPv6CidrRange"
                    } else {
                        "#microsoft.graph.iPv4CidrRange"
                    },
                    "cidrAddress": r,
                })).collect::<Vec<_>>(),
            })
        } else {
            json!({
                "@odata.type": "#microsoft.graph.countryNamedLocation",
                "id": self.id,
                "displayName": self.display_name,
                "countriesAndRegions": self.countries_and_regions,
                "includeUnknownCountriesAndRegions": self.include_unknown_countries_and_regions,
            })
        }
    }
}
