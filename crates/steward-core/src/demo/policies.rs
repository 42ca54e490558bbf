//! The demo tenant's app and consent policies, shaped as Graph's documentation shows them: user
//! consent left at the legacy default, users allowed to register apps, no admin consent workflow,
//! a default app management policy that still lets secrets in, one custom policy, and admin
//! consent requests (one pending). Each tenant-wide check has something to find.

use serde_json::json;

use super::{DemoSink, Generator};
use crate::dataset::Dataset;
use crate::model::{canonical_json, TenantPolicy};
use crate::Result;

impl Generator<'_> {
    pub(super) fn policies(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let documents = [
            (
                Dataset::AuthorizationPolicy,
                json!({
                    "id": "authorizationPolicy",
                    "displayName": "Authorization Policy",
                    "description": "Used to manage authorization related settings across the company.",
                    "allowInvitesFrom": "everyone",
                    "allowedToUseSSPR": true,
                    "allowEmailVerifiedUsersToJoinOrganization": false,
                    "blockMsolPowerShell": false,
                    "guestUserRoleId": "10dae51f-b6af-4016-8d66-8c2a99b929b3",
                    "defaultUserRolePermissions": {
                        "allowedToCreateApps": true,
                        "allowedToCreateSecurityGroups": true,
                        "allowedToCreateTenants": false,
                        "allowedToReadBitlockerKeysForOwnedDevice": true,
                        "allowedToReadOtherUsers": true,
                        "permissionGrantPoliciesAssigned": [
                            "ManagePermissionGrantsForSelf.microsoft-user-default-legacy",
                            "ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team",
                        ],
                    },
                }),
            ),
            (
                Dataset::AdminConsentRequestPolicy,
                json!({
                    "isEnabled": false,
                    "notifyReviewers": false,
                    "remindersEnabled": false,
                    "requestDurationInDays": 0,
                    "version": 0,
                    "reviewers": [],
                }),
            ),
            (
                Dataset::DefaultAppManagementPolicy,
                json!({
                    "id": "00000000-0000-0000-0000-000000000000",
                    "displayName": "Default app management tenant policy",
                    "description": "Default tenant policy that enforces app management restrictions on applications and service principals.",
                    "isEnabled": true,
                    "applicationRestrictions": {
                        "passwordCredentials": [{
                            "restrictionType": "passwordLifetime",
                            "state": "enabled",
                            "maxLifetime": "P365D",
                            "restrictForAppsCreatedAfterDateTime": "2025-01-01T00:00:00Z",
                        }],
                        "keyCredentials": [],
                    },
                    "servicePrincipalRestrictions": {"passwordCredentials": [], "keyCredentials": []},
                }),
            ),
            (
                Dataset::AppManagementPolicies,
                json!({
                    "id": "a7e3d9f1-0b6c-4c2e-9f4d-3b1a2c5e6d70",
                    "displayName": "No secrets on production apps",
                    "description": "Production app registrations use certificates or federation.",
                    "isEnabled": true,
                    "restrictions": {
                        "passwordCredentials": [{
                            "restrictionType": "passwordAddition",
                            "state": "enabled",
                            "maxLifetime": null,
                            "restrictForAppsCreatedAfterDateTime": "2024-06-01T00:00:00Z",
                        }],
                        "keyCredentials": [],
                    },
                }),
            ),
            (
                Dataset::AppConsentRequests,
                json!({
                    "id": "7e4c1f2a-9b3d-4e8f-a1c6-5d2b8e0f3a94",
                    "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
                    "appDisplayName": "Graph Explorer",
                    "consentType": "Dynamic",
                    "pendingScopes": [
                        {"displayName": "Directory.ReadWrite.All"},
                        {"displayName": "AuditLog.Read.All"},
                    ],
                }),
            ),
            (
                Dataset::AppConsentRequests,
                json!({
                    "id": "2b9f6a3e-1c7d-4f0a-8e5b-c4d3a2f1e0b9",
                    "appId": "1950a258-227b-4e31-a9cf-717495945fc2",
                    "appDisplayName": "Microsoft Azure PowerShell",
                    "consentType": "Dynamic",
                    "pendingScopes": [],
                }),
            ),
        ];
        for (kind, doc) in documents {
            let id = match doc.get("id").and_then(|v| v.as_str()) {
                Some(id) => id.to_string(),
                None => kind.name().to_string(),
            };
            let json = canonical_json(&doc);
            sink.tenant_policy(&TenantPolicy { kind, id, json })?;
        }
        Ok(())
    }
}
