//! Who may do what, and what changed: delegated permission grants, conditional access
//! policies (kept whole), directory role assignments and the app-management audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// One of the tenant's app or consent policies, or a consent request, kept whole.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantPolicy {
    /// Which dataset it belongs to (`authorizationPolicy`, `appConsentRequests`, …).
    pub kind: crate::dataset::Dataset,
    /// Graph's id; for a single object without one, the dataset's name.
    pub id: String,
    /// The object as Graph returned it, keys sorted, without `@odata` annotations.
    pub json: String,
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

    /// The policy as Graph returned it, parsed again from the cache.
    pub fn graph_json(&self) -> crate::Result<serde_json::Value> {
        serde_json::from_str(&self.policy).map_err(|e| {
            crate::Error::InvalidInput(format!(
                "the cached policy {} is not JSON ({e}); sync again",
                self.id
            ))
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
