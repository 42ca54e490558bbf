//! The dataset plan: which datasets a sync reads, in which order, and for those read whole,
//! where Graph keeps them and where the cache does.

use crate::wire::Dataset;

/// The datasets this build syncs, in order.
pub const SYNCED: [Dataset; 21] = [
    Dataset::Organization,
    Dataset::Applications,
    Dataset::ServicePrincipals,
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
];

/// How a dataset read whole each sync is fetched and kept: its Graph path, the cache table and
/// key column it fills, and what Graph needs to answer it.
pub(super) struct Snapshot {
    pub(super) path: &'static str,
    pub(super) table: &'static str,
    pub(super) key: &'static str,
    /// The rows of `table` this dataset fills (an SQL condition), where it shares the table;
    /// `?3` in it is when the round began.
    pub(super) scope: &'static str,
    pub(super) needs: &'static str,
}

pub(super) fn snapshot(d: Dataset) -> Option<Snapshot> {
    let mut scope = "1";
    let (path, table, key, needs) = match d {
        Dataset::ServicePrincipalSignInActivities => (
            "/beta/reports/servicePrincipalSignInActivities",
            "sp_sign_in_activities",
            "app_id",
            "AuditLog.Read.All (and an Entra ID P1 or P2 license)",
        ),
        Dataset::AppCredentialSignInActivities => (
            "/beta/reports/appCredentialSignInActivities",
            "credential_sign_in_activities",
            "key_id",
            "AuditLog.Read.All (and an Entra ID P1 or P2 license)",
        ),
        Dataset::SubscribedSkus => (
            "/v1.0/subscribedSkus",
            "subscribed_skus",
            "sku_id",
            "Organization.Read.All or LicenseAssignment.Read.All",
        ),
        Dataset::NamedLocations => (
            "/v1.0/identity/conditionalAccess/namedLocations",
            "named_locations",
            "id",
            "Policy.Read.All (or Policy.Read.ConditionalAccess)",
        ),
        Dataset::RiskyServicePrincipals => (
            "/v1.0/identityProtection/riskyServicePrincipals",
            "risky_service_principals",
            "id",
            "IdentityRiskyServicePrincipal.Read.All and a Workload ID Premium license",
        ),
        Dataset::ServicePrincipalRiskDetections => (
            "/v1.0/identityProtection/servicePrincipalRiskDetections",
            "sp_risk_detections",
            "id",
            "IdentityRiskEvent.Read.All and a Workload ID Premium license",
        ),
        Dataset::DirectoryRecommendations => (
            "/beta/directory/recommendations",
            "directory_recommendations",
            "id",
            "DirectoryRecommendations.Read.All",
        ),
        Dataset::RoleAssignments => {
            scope = "assignment_type = 'active'";
            (
                "/beta/roleManagement/directory/roleAssignments?$select=id,principalId,roleDefinitionId,directoryScopeId&$expand=roleDefinition($select=id,displayName,isPrivileged)",
                "directory_role_assignments",
                "id",
                "RoleManagement.Read.Directory",
            )
        }
        Dataset::RoleEligibilities => {
            scope = "assignment_type = 'eligible'";
            (
                "/beta/roleManagement/directory/roleEligibilityScheduleInstances?$select=id,principalId,roleDefinitionId,directoryScopeId,roleEligibilityScheduleId&$expand=roleDefinition($select=id,displayName,isPrivileged)",
                "directory_role_assignments",
                "id",
                "RoleManagement.Read.Directory (and an Entra ID P2 license for eligible assignments)",
            )
        }
        Dataset::OAuth2PermissionGrants => (
            "/v1.0/oauth2PermissionGrants",
            "oauth2_permission_grants",
            "id",
            "Directory.Read.All",
        ),
        Dataset::ConditionalAccessPolicies => (
            "/v1.0/identity/conditionalAccess/policies",
            "conditional_access_policies",
            "id",
            "Policy.Read.All (or Policy.Read.ConditionalAccess)",
        ),
        Dataset::DeletedApplications => {
            // ?3 is when the round began: an object a delta round marked deleted since (after
            // this round read past it) stays.
            scope = "deleted IS NOT NULL AND deleted < ?3";
            (
                "/v1.0/directory/deletedItems/microsoft.graph.application?$select=id,appId,displayName,signInAudience,publisherDomain,createdDateTime,deletedDateTime,disabledByMicrosoftStatus,passwordCredentials,keyCredentials",
                "applications",
                "id",
                "Application.Read.All",
            )
        }
        Dataset::DeletedServicePrincipals => {
            scope = "deleted IS NOT NULL AND deleted < ?3";
            (
                "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal?$select=id,appId,displayName,appDisplayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,signInAudience,tags,alternativeNames,disabledByMicrosoftStatus,deletedDateTime,passwordCredentials,keyCredentials",
                "service_principals",
                "id",
                "Application.Read.All",
            )
        }
        _ => return None,
    };
    Some(Snapshot {
        path,
        table,
        key,
        scope,
        needs,
    })
}
