//! The Microsoft Graph datasets the cache holds, named once: [`Dataset`] is the only place a
//! dataset's name is spelled. With it: how a dataset stands in a tenant's cache
//! ([`DatasetState`]), where its rows came from ([`DatasetSource`]) and how a sync read it
//! ([`ReadMode`]). The window receives all four through the generated bindings.

use serde::{Deserialize, Serialize};

/// A Graph dataset, in the order an import writes them (applications before their federated
/// credentials, identities before what refers to them). Each serialises as its Graph collection
/// name, which is also the name the cache's `datasets` and `sync_state` tables record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Dataset {
    Organization,
    Applications,
    ServicePrincipals,
    FederatedIdentityCredentials,
    AppRoleAssignments,
    /// Owners of applications and service principals (read by sync only: Graph's owners lists
    /// name no parent in `@odata.context`, so an exported file could not say whose they are).
    Owners,
    /// Sponsors of agent identities (beta; read by sync only, for the same reason as owners).
    Sponsors,
    SignIns,
    ServicePrincipalSignInActivities,
    AppCredentialSignInActivities,
    SubscribedSkus,
    NamedLocations,
    RiskyServicePrincipals,
    ServicePrincipalRiskDetections,
    DirectoryRecommendations,
    /// Active Entra directory role assignments (`roleManagement/directory/roleAssignments`).
    RoleAssignments,
    /// Eligible (PIM) Entra directory role assignments (`roleEligibilityScheduleInstances`).
    #[serde(rename = "roleEligibilityScheduleInstances")]
    RoleEligibilities,
    /// Soft-deleted applications (`directory/deletedItems/microsoft.graph.application`).
    DeletedApplications,
    /// Soft-deleted service principals (`directory/deletedItems/microsoft.graph.servicePrincipal`).
    DeletedServicePrincipals,
    /// Delegated permissions granted to clients (`oauth2PermissionGrants`).
    #[serde(rename = "oauth2PermissionGrants")]
    OAuth2PermissionGrants,
    /// Conditional access policies (`identity/conditionalAccess/policies`).
    ConditionalAccessPolicies,
    /// Directory audit events of the ApplicationManagement category (`auditLogs/directoryAudits`).
    DirectoryAudits,
    /// The tenant's authorization policy (`policies/authorizationPolicy`, one object): user
    /// consent and what default users may do.
    AuthorizationPolicy,
    /// The admin consent workflow's settings (`policies/adminConsentRequestPolicy`, one object).
    AdminConsentRequestPolicy,
    /// The tenant's default app management policy (`policies/defaultAppManagementPolicy`).
    DefaultAppManagementPolicy,
    /// Custom app management policies (`policies/appManagementPolicies`).
    AppManagementPolicies,
    /// Admin consent requests (`identityGovernance/appConsent/appConsentRequests`).
    AppConsentRequests,
}

impl Dataset {
    /// Every dataset, in declaration order.
    pub const ALL: [Dataset; 27] = [
        Dataset::Organization,
        Dataset::Applications,
        Dataset::ServicePrincipals,
        Dataset::FederatedIdentityCredentials,
        Dataset::AppRoleAssignments,
        Dataset::Owners,
        Dataset::Sponsors,
        Dataset::SignIns,
        Dataset::ServicePrincipalSignInActivities,
        Dataset::AppCredentialSignInActivities,
        Dataset::SubscribedSkus,
        Dataset::NamedLocations,
        Dataset::RiskyServicePrincipals,
        Dataset::ServicePrincipalRiskDetections,
        Dataset::DirectoryRecommendations,
        Dataset::RoleAssignments,
        Dataset::RoleEligibilities,
        Dataset::DeletedApplications,
        Dataset::DeletedServicePrincipals,
        Dataset::OAuth2PermissionGrants,
        Dataset::ConditionalAccessPolicies,
        Dataset::DirectoryAudits,
        Dataset::AuthorizationPolicy,
        Dataset::AdminConsentRequestPolicy,
        Dataset::DefaultAppManagementPolicy,
        Dataset::AppManagementPolicies,
        Dataset::AppConsentRequests,
    ];

    /// The name recorded in the cache (Graph's collection name); the same as its JSON form.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Organization => "organization",
            Dataset::Applications => "applications",
            Dataset::ServicePrincipals => "servicePrincipals",
            Dataset::FederatedIdentityCredentials => "federatedIdentityCredentials",
            Dataset::AppRoleAssignments => "appRoleAssignments",
            Dataset::Owners => "owners",
            Dataset::Sponsors => "sponsors",
            Dataset::SignIns => "signIns",
            Dataset::ServicePrincipalSignInActivities => "servicePrincipalSignInActivities",
            Dataset::AppCredentialSignInActivities => "appCredentialSignInActivities",
            Dataset::SubscribedSkus => "subscribedSkus",
            Dataset::NamedLocations => "namedLocations",
            Dataset::RiskyServicePrincipals => "riskyServicePrincipals",
            Dataset::ServicePrincipalRiskDetections => "servicePrincipalRiskDetections",
            Dataset::DirectoryRecommendations => "directoryRecommendations",
            Dataset::RoleAssignments => "roleAssignments",
            Dataset::RoleEligibilities => "roleEligibilityScheduleInstances",
            Dataset::DeletedApplications => "deletedApplications",
            Dataset::DeletedServicePrincipals => "deletedServicePrincipals",
            Dataset::OAuth2PermissionGrants => "oauth2PermissionGrants",
            Dataset::ConditionalAccessPolicies => "conditionalAccessPolicies",
            Dataset::DirectoryAudits => "directoryAudits",
            Dataset::AuthorizationPolicy => "authorizationPolicy",
            Dataset::AdminConsentRequestPolicy => "adminConsentRequestPolicy",
            Dataset::DefaultAppManagementPolicy => "defaultAppManagementPolicy",
            Dataset::AppManagementPolicies => "appManagementPolicies",
            Dataset::AppConsentRequests => "appConsentRequests",
        }
    }

    /// The dataset the cache records under `name`; `None` for a name this build does not know
    /// (a cache written by a newer Steward).
    pub fn from_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl Dataset {
    /// The dataset an admin named (in any case), e.g. `--dataset signins`.
    pub fn parse(name: &str) -> Option<Dataset> {
        Dataset::ALL
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl std::fmt::Display for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// How a dataset stands in a tenant's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DatasetState {
    /// Read completely at `syncedAt`.
    Ok,
    /// Graph refused it (a permission or license is missing); the detail says which.
    NotAvailable,
    /// A sync round has pages left: the next sync continues it.
    InProgress,
}

impl DatasetState {
    /// The name the window and `--json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetState::Ok => "ok",
            DatasetState::NotAvailable => "notAvailable",
            DatasetState::InProgress => "inProgress",
        }
    }

    /// The cache's spelling (`datasets.status`): Graph's refusal is stored as `unavailable`.
    pub fn cache_name(self) -> &'static str {
        match self {
            DatasetState::Ok => "ok",
            DatasetState::NotAvailable => "unavailable",
            DatasetState::InProgress => "inProgress",
        }
    }
}

impl std::fmt::Display for DatasetState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a dataset's rows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DatasetSource {
    /// Read from Microsoft Graph by a sync.
    Sync,
    /// Read from files by an import.
    Import,
    /// Generated with the demo tenant.
    Demo,
}

impl DatasetSource {
    /// The cache's spelling (`datasets.source`).
    pub fn cache_name(self) -> &'static str {
        match self {
            DatasetSource::Sync => "sync",
            DatasetSource::Import => "import",
            DatasetSource::Demo => "demo",
        }
    }

    pub fn from_cache_name(name: &str) -> Option<DatasetSource> {
        [
            DatasetSource::Sync,
            DatasetSource::Import,
            DatasetSource::Demo,
        ]
        .into_iter()
        .find(|s| s.cache_name() == name)
    }
}

/// How a sync read a dataset this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ReadMode {
    /// Every object, with what the round did not see removed afterwards.
    Full,
    /// Only what changed since the last sync (Graph's delta query).
    Delta,
    /// A time window of a log (sign-ins, audit events), newest first.
    Window,
}

impl ReadMode {
    /// The name the window and `--json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadMode::Full => "full",
            ReadMode::Delta => "delta",
            ReadMode::Window => "window",
        }
    }
}

impl std::fmt::Display for ReadMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_serialises_as_the_name_the_cache_records() {
        for d in Dataset::ALL {
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::Value::String(d.name().into()),
                "the window and the cache must agree on {d:?}'s name"
            );
            assert_eq!(Dataset::from_name(d.name()), Some(d));
        }
        for s in [
            DatasetState::Ok,
            DatasetState::NotAvailable,
            DatasetState::InProgress,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for m in [ReadMode::Full, ReadMode::Delta, ReadMode::Window] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        let mut names: Vec<_> = Dataset::ALL.iter().map(|d| d.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Dataset::ALL.len(), "names are unique");
    }
}
