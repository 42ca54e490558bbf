//! The dataset plan: one table of every dataset a sync reads, in order, with where Graph keeps
//! it, where the cache keeps it, how it is read and what Graph needs to answer it. The rest of
//! the sync reads this table, so a new dataset is a row here (plus its conversion in `wire` and
//! the store function its reader writes it with).

use crate::wire::Dataset;

/// What the sync knows of one dataset.
pub(super) struct Plan {
    pub(super) dataset: Dataset,
    /// `v1.0` or `beta`.
    pub(super) version: &'static str,
    /// Graph's path after `/{version}/`; for a per-object sub-resource, after
    /// `/{collection}/{id}/`.
    pub(super) path: &'static str,
    /// The query the path is read with (`$select`, `$expand`), without the `?`; empty for none.
    pub(super) query: &'static str,
    /// The cache table the dataset fills.
    pub(super) table: &'static str,
    /// The column that names a row, which set difference compares with the keys a round saw;
    /// for a per-object sub-resource, the object the rows belong to.
    pub(super) key: &'static str,
    /// The rows of `table` this dataset fills (an SQL condition), where it shares the table;
    /// `?3` in it is when the round began.
    pub(super) scope: &'static str,
    pub(super) read: ReadBy,
    /// The permission (and license) Graph needs to answer.
    pub(super) needs: &'static str,
}

impl Plan {
    /// The dataset's first page: `{graph}/{version}/{path}?{query}`.
    pub(super) fn url(&self, graph: &str) -> String {
        match self.query {
            "" => format!("{graph}/{}/{}", self.version, self.path),
            query => format!("{graph}/{}/{}?{query}", self.version, self.path),
        }
    }
}

/// How a dataset is read.
pub(super) enum ReadBy {
    /// First, at sign-in: the tenant's own row (`read_organization`).
    First,
    /// A full round, then delta rounds from the link the full round took (`directory`, `delta`).
    Directory,
    /// Whole each sync, with set difference (`whole_read`).
    WholeRead,
    /// A sub-resource of every application or service principal, through `$batch`
    /// (`sub_resources`).
    PerObject(PerObject),
    /// Events by time window, newest first (`window`).
    Window(Window),
}

/// How a per-object sub-resource finds its objects and replaces their rows. The statements are
/// written out whole rather than built from `table`, `key` and `scope`: the assignments' clear
/// names its index, which SQLite without statistics needs.
pub(super) struct PerObject {
    /// (collection, id) of the objects after ?2, in id order, at most ?3 of them.
    pub(super) objects: &'static str,
    /// How many objects there are (?1 tenant), and how many up to ?2.
    pub(super) count: &'static str,
    pub(super) count_done: &'static str,
    /// Clears one object's rows (?1 tenant, ?2 object id) before its fresh ones are written.
    pub(super) clear: &'static str,
    /// Drops the rows of objects no longer in the cache (?1 tenant).
    pub(super) cleanup: &'static str,
}

/// What a dataset read by time window asks Graph for.
pub(super) struct Window {
    /// Items per page.
    pub(super) top: u32,
    /// The event's time, which the window bounds and the pages are ordered by.
    pub(super) field: &'static str,
    /// What else the `$filter` asks for.
    pub(super) filter: &'static str,
}

const SPS: &str = "SELECT 'servicePrincipals' AS c, id, '' AS derived FROM service_principals
                   WHERE tenant = ?1 AND deleted IS NULL";
const BOTH: &str = "SELECT 'applications' AS c, id, '' AS derived FROM applications
                    WHERE tenant = ?1 AND deleted IS NULL
                    UNION ALL SELECT 'servicePrincipals', id, '' FROM service_principals
                    WHERE tenant = ?1 AND deleted IS NULL";
/// What has sponsors, with the type Graph answers them on: agent identities, blueprint
/// principals and blueprints.
const SPONSORED: &str = "SELECT 'servicePrincipals' AS c, id, 'microsoft.graph.agentIdentity' AS derived
                         FROM service_principals
                         WHERE tenant = ?1 AND deleted IS NULL AND kind = 'agentIdentity'
                         AND agent_blueprint_principal = 0
                         UNION ALL SELECT 'servicePrincipals', id,
                             'microsoft.graph.agentIdentityBlueprintPrincipal'
                         FROM service_principals
                         WHERE tenant = ?1 AND deleted IS NULL AND agent_blueprint_principal = 1
                         UNION ALL SELECT 'applications', id, 'microsoft.graph.agentIdentityBlueprint'
                         FROM applications
                         WHERE tenant = ?1 AND deleted IS NULL AND agent_blueprint = 1";

/// The datasets this build syncs, in the order it syncs them.
const PLAN: [Plan; 26] = [
    Plan {
        dataset: Dataset::Organization,
        version: "v1.0",
        path: "organization",
        query: "",
        table: "tenants",
        key: "id",
        scope: "1",
        read: ReadBy::First,
        needs: "Organization.Read.All or Directory.Read.All",
    },
    Plan {
        dataset: Dataset::Applications,
        version: "v1.0",
        path: "applications",
        query: "$select=id,appId,displayName,signInAudience,publisherDomain,createdDateTime,deletedDateTime,disabledByMicrosoftStatus,passwordCredentials,keyCredentials,web,spa,publicClient,servicePrincipalLockConfiguration,notes,tags&$expand=federatedIdentityCredentials",
        table: "applications",
        key: "id",
        scope: "deleted IS NULL",
        read: ReadBy::Directory,
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::ServicePrincipals,
        version: "v1.0",
        path: "servicePrincipals",
        query: "$select=id,appId,displayName,appDisplayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,signInAudience,tags,alternativeNames,disabledByMicrosoftStatus,passwordCredentials,keyCredentials,appRoleAssignmentRequired,replyUrls",
        table: "service_principals",
        key: "id",
        scope: "deleted IS NULL",
        read: ReadBy::Directory,
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::AppRoleAssignments,
        version: "v1.0",
        path: "appRoleAssignments",
        query: "$select=id,principalId,resourceId,resourceDisplayName,appRoleId,createdDateTime",
        table: "app_role_assignments",
        key: "principal_id",
        scope: "1",
        read: ReadBy::PerObject(PerObject {
            objects: SPS,
            count: "SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NULL",
            count_done: "SELECT count(*) FROM service_principals
                         WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2",
            // Without the hint SQLite 3.5x scans every assignment of the tenant (no statistics).
            clear: "DELETE FROM app_role_assignments INDEXED BY app_role_assignments_by_principal
                    WHERE tenant = ?1 AND principal_id = ?2",
            cleanup: "DELETE FROM app_role_assignments WHERE tenant = ?1 AND principal_id NOT IN
                      (SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
        }),
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::Owners,
        version: "v1.0",
        path: "owners",
        query: "$select=id,displayName,userPrincipalName,userType,appId,servicePrincipalType",
        table: "owners",
        key: "object_id",
        scope: "relation = 'owner'",
        read: ReadBy::PerObject(PerObject {
            objects: BOTH,
            count: "SELECT (SELECT count(*) FROM applications WHERE tenant = ?1 AND deleted IS NULL)
                         + (SELECT count(*) FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
            count_done: "SELECT (SELECT count(*) FROM applications
                                 WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2)
                              + (SELECT count(*) FROM service_principals
                                 WHERE tenant = ?1 AND deleted IS NULL AND id <= ?2)",
            clear: "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND relation = 'owner'",
            cleanup: "DELETE FROM owners WHERE tenant = ?1 AND relation = 'owner' AND object_id NOT IN
                      (SELECT id FROM applications WHERE tenant = ?1 AND deleted IS NULL
                       UNION SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL)",
        }),
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::Sponsors,
        version: "beta",
        path: "sponsors",
        query: "$select=id,displayName,userPrincipalName",
        table: "owners",
        key: "object_id",
        scope: "relation = 'sponsor'",
        read: ReadBy::PerObject(PerObject {
            objects: SPONSORED,
            count: "SELECT count(*) FROM (SELECT id FROM service_principals
                        WHERE tenant = ?1 AND deleted IS NULL
                        AND (kind = 'agentIdentity' OR agent_blueprint_principal = 1)
                    UNION ALL SELECT id FROM applications
                        WHERE tenant = ?1 AND deleted IS NULL AND agent_blueprint = 1)",
            count_done: "SELECT count(*) FROM (SELECT id FROM service_principals
                        WHERE tenant = ?1 AND deleted IS NULL
                        AND (kind = 'agentIdentity' OR agent_blueprint_principal = 1)
                    UNION ALL SELECT id FROM applications
                        WHERE tenant = ?1 AND deleted IS NULL AND agent_blueprint = 1)
                    WHERE id <= ?2",
            clear: "DELETE FROM owners WHERE tenant = ?1 AND object_id = ?2 AND relation = 'sponsor'",
            cleanup: "DELETE FROM owners WHERE tenant = ?1 AND relation = 'sponsor' AND object_id NOT IN
                      (SELECT id FROM service_principals WHERE tenant = ?1 AND deleted IS NULL
                       AND (kind = 'agentIdentity' OR agent_blueprint_principal = 1)
                       UNION SELECT id FROM applications WHERE tenant = ?1 AND deleted IS NULL
                       AND agent_blueprint = 1)",
        }),
        needs: "AgentIdentity.ReadWrite.All (Graph names no read-only permission for sponsors)",
    },
    Plan {
        dataset: Dataset::SignIns,
        version: "beta",
        path: "auditLogs/signIns",
        query: "",
        table: "sign_ins",
        key: "id",
        scope: "1",
        read: ReadBy::Window(Window {
            top: 1000,
            field: "createdDateTime",
            filter: "(signInEventTypes/any(t: t eq 'servicePrincipal') or signInEventTypes/any(t: t eq 'managedIdentity'))",
        }),
        needs: "AuditLog.Read.All and an Entra ID P1 or P2 license",
    },
    Plan {
        dataset: Dataset::ServicePrincipalSignInActivities,
        version: "beta",
        path: "reports/servicePrincipalSignInActivities",
        query: "",
        table: "sp_sign_in_activities",
        key: "app_id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "AuditLog.Read.All (and an Entra ID P1 or P2 license)",
    },
    Plan {
        dataset: Dataset::AppCredentialSignInActivities,
        version: "beta",
        path: "reports/appCredentialSignInActivities",
        query: "",
        table: "credential_sign_in_activities",
        key: "key_id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "AuditLog.Read.All (and an Entra ID P1 or P2 license)",
    },
    Plan {
        dataset: Dataset::SubscribedSkus,
        version: "v1.0",
        path: "subscribedSkus",
        query: "",
        table: "subscribed_skus",
        key: "sku_id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "Organization.Read.All or LicenseAssignment.Read.All",
    },
    Plan {
        dataset: Dataset::NamedLocations,
        version: "v1.0",
        path: "identity/conditionalAccess/namedLocations",
        query: "",
        table: "named_locations",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All (or Policy.Read.ConditionalAccess)",
    },
    Plan {
        dataset: Dataset::RiskyServicePrincipals,
        version: "v1.0",
        path: "identityProtection/riskyServicePrincipals",
        query: "",
        table: "risky_service_principals",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "IdentityRiskyServicePrincipal.Read.All and a Workload ID Premium license",
    },
    Plan {
        dataset: Dataset::ServicePrincipalRiskDetections,
        version: "v1.0",
        path: "identityProtection/servicePrincipalRiskDetections",
        query: "",
        table: "sp_risk_detections",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "IdentityRiskEvent.Read.All and a Workload ID Premium license",
    },
    Plan {
        dataset: Dataset::DirectoryRecommendations,
        version: "beta",
        path: "directory/recommendations",
        query: "",
        table: "directory_recommendations",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "DirectoryRecommendations.Read.All",
    },
    Plan {
        dataset: Dataset::RoleAssignments,
        version: "beta",
        path: "roleManagement/directory/roleAssignments",
        query: "$select=id,principalId,roleDefinitionId,directoryScopeId&$expand=roleDefinition($select=id,displayName,isPrivileged)",
        table: "directory_role_assignments",
        key: "id",
        scope: "assignment_type = 'active'",
        read: ReadBy::WholeRead,
        needs: "RoleManagement.Read.Directory",
    },
    Plan {
        dataset: Dataset::RoleEligibilities,
        version: "beta",
        path: "roleManagement/directory/roleEligibilityScheduleInstances",
        query: "$select=id,principalId,roleDefinitionId,directoryScopeId,roleEligibilityScheduleId&$expand=roleDefinition($select=id,displayName,isPrivileged)",
        table: "directory_role_assignments",
        key: "id",
        scope: "assignment_type = 'eligible'",
        read: ReadBy::WholeRead,
        needs: "RoleManagement.Read.Directory (and an Entra ID P2 license for eligible assignments)",
    },
    Plan {
        dataset: Dataset::DeletedApplications,
        version: "v1.0",
        path: "directory/deletedItems/microsoft.graph.application",
        query: "$select=id,appId,displayName,signInAudience,publisherDomain,createdDateTime,deletedDateTime,disabledByMicrosoftStatus,passwordCredentials,keyCredentials",
        table: "applications",
        key: "id",
        // ?3 is when the round began: an object a delta round marked deleted since (after this
        // round read past it) stays.
        scope: "deleted IS NOT NULL AND deleted < ?3",
        read: ReadBy::WholeRead,
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::DeletedServicePrincipals,
        version: "v1.0",
        path: "directory/deletedItems/microsoft.graph.servicePrincipal",
        query: "$select=id,appId,displayName,appDisplayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,signInAudience,tags,alternativeNames,disabledByMicrosoftStatus,deletedDateTime,passwordCredentials,keyCredentials",
        table: "service_principals",
        key: "id",
        scope: "deleted IS NOT NULL AND deleted < ?3",
        read: ReadBy::WholeRead,
        needs: "Application.Read.All",
    },
    Plan {
        dataset: Dataset::OAuth2PermissionGrants,
        version: "v1.0",
        path: "oauth2PermissionGrants",
        query: "",
        table: "oauth2_permission_grants",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "Directory.Read.All",
    },
    Plan {
        dataset: Dataset::ConditionalAccessPolicies,
        version: "v1.0",
        path: "identity/conditionalAccess/policies",
        query: "",
        table: "conditional_access_policies",
        key: "id",
        scope: "1",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All (or Policy.Read.ConditionalAccess)",
    },
    Plan {
        dataset: Dataset::DirectoryAudits,
        version: "v1.0",
        path: "auditLogs/directoryAudits",
        query: "",
        table: "directory_audits",
        key: "id",
        scope: "1",
        read: ReadBy::Window(Window {
            top: 999,
            field: "activityDateTime",
            filter: "category eq 'ApplicationManagement'",
        }),
        needs: "AuditLog.Read.All and Directory.Read.All",
    },
    Plan {
        dataset: Dataset::AuthorizationPolicy,
        version: "v1.0",
        path: "policies/authorizationPolicy",
        query: "",
        table: "tenant_policies",
        key: "id",
        scope: "kind = 'authorizationPolicy'",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All",
    },
    Plan {
        dataset: Dataset::AdminConsentRequestPolicy,
        version: "v1.0",
        path: "policies/adminConsentRequestPolicy",
        query: "",
        table: "tenant_policies",
        key: "id",
        scope: "kind = 'adminConsentRequestPolicy'",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All",
    },
    Plan {
        dataset: Dataset::DefaultAppManagementPolicy,
        version: "v1.0",
        path: "policies/defaultAppManagementPolicy",
        query: "",
        table: "tenant_policies",
        key: "id",
        scope: "kind = 'defaultAppManagementPolicy'",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All (or Policy.Read.ApplicationConfiguration)",
    },
    Plan {
        dataset: Dataset::AppManagementPolicies,
        version: "v1.0",
        path: "policies/appManagementPolicies",
        query: "",
        table: "tenant_policies",
        key: "id",
        scope: "kind = 'appManagementPolicies'",
        read: ReadBy::WholeRead,
        needs: "Policy.Read.All (or Policy.Read.ApplicationConfiguration)",
    },
    Plan {
        dataset: Dataset::AppConsentRequests,
        version: "v1.0",
        path: "identityGovernance/appConsent/appConsentRequests",
        query: "",
        table: "tenant_policies",
        key: "id",
        scope: "kind = 'appConsentRequests'",
        read: ReadBy::WholeRead,
        needs: "ConsentRequest.Read.All",
    },
];

/// The organization, read first (at sign-in, before the plan's other datasets).
pub(super) const ORGANIZATION: &Plan = &PLAN[0];
const _: () = assert!(matches!(PLAN[0].dataset, Dataset::Organization));

/// The datasets this build syncs, in order.
pub const SYNCED: [Dataset; PLAN.len()] = {
    let mut synced = [Dataset::Organization; PLAN.len()];
    let mut i = 0;
    while i < PLAN.len() {
        synced[i] = PLAN[i].dataset;
        i += 1;
    }
    synced
};

/// What the sync knows of `d`; `None` for a dataset it does not read on its own (federated
/// credentials come expanded with their applications).
pub(super) fn plan(d: Dataset) -> Option<&'static Plan> {
    PLAN.iter().find(|p| p.dataset == d)
}

#[cfg(test)]
mod plan_tests {
    use rusqlite::params;

    use super::*;

    /// SQLite without statistics may answer `tenant = ? AND principal_id = ?` by scanning every
    /// row of the tenant: each per-object clear must search by its object.
    #[test]
    fn each_per_object_clear_searches_by_the_object() {
        let conn = steward_core::store::open_in_memory().unwrap();
        for p in &PLAN {
            let ReadBy::PerObject(spec) = &p.read else {
                continue;
            };
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", spec.clear))
                .unwrap()
                .query_map(params![1, "x"], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.iter().all(|p| !p.ends_with("(tenant=?)")),
                "{}: {plan:?}",
                p.dataset.name()
            );
        }
    }
}
