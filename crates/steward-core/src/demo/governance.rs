//! Delegated permission grants, conditional access policies and the app-management audit log.

use chrono::{DateTime, Utc};
use rand::Rng;

use super::names::*;
use super::{guid, DemoSink, Generator};
use crate::model::{
    canonical_json, ConditionalAccessPolicy, DirectoryAudit, OAuth2PermissionGrant,
};
use crate::{Error, Result};

impl Generator<'_> {
    /// Delegated consents, conditional access policies and the app-management audit trail. Made
    /// last, so the rest of the tenant is the same with or without them.
    pub(super) fn governance(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        const SCOPES: &[&str] = &[
            "User.Read",
            "openid profile offline_access User.Read",
            "User.Read Mail.Read",
            "Files.Read.All Sites.Read.All",
            "Directory.Read.All User.Read.All",
            "Mail.ReadWrite Mail.Send",
        ];
        let graph_sp = guid(self.graph_sp);
        let clients: Vec<(u128, Box<str>, bool)> = self
            .profiles
            .iter()
            .filter(|p| !p.managed)
            .map(|p| (p.sp_id, p.name.clone(), p.ca_eligible))
            .collect();
        for (sp_id, _, _) in &clients {
            if self.graph_sp == 0 || !self.rng.random_bool(0.3) {
                continue;
            }
            let principal = self
                .rng
                .random_bool(0.2)
                .then(|| guid(self.people[self.rng.random_range(0..PEOPLE.len())]));
            let scope = SCOPES[self.rng.random_range(0..SCOPES.len())];
            sink.oauth2_grant(&OAuth2PermissionGrant {
                id: format!("{:032x}", self.rng.random::<u128>()),
                client_id: guid(*sp_id),
                consent_type: if principal.is_some() {
                    "Principal"
                } else {
                    "AllPrincipals"
                }
                .into(),
                principal_id: principal,
                resource_id: graph_sp.clone(),
                scope: scope.into(),
            })?;
        }
        // Conditional access: two policies for workload identities and one for users.
        let excluded: Vec<String> = clients
            .iter()
            .filter(|c| c.2)
            .take(1)
            .map(|c| guid(c.0))
            .collect();
        let users_none = serde_json::json!({
            "includeUsers": ["None"], "excludeUsers": [], "includeGroups": [], "excludeGroups": [],
            "includeRoles": [], "excludeRoles": [],
            "includeGuestsOrExternalUsers": null, "excludeGuestsOrExternalUsers": null,
        });
        let all_apps = serde_json::json!({
            "includeApplications": ["All"], "excludeApplications": [], "includeUserActions": [],
            "includeAuthenticationContextClassReferences": [], "applicationFilter": null,
        });
        let policies = [
            (
                "WID - block high-risk service principals",
                "enabled",
                serde_json::json!({
                    "users": users_none, "applications": all_apps,
                    "clientApplications": {
                        "includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                        "excludeServicePrincipals": [], "servicePrincipalFilter": null,
                    },
                    "servicePrincipalRiskLevels": ["high"], "locations": null,
                }),
                serde_json::json!(["block"]),
            ),
            (
                "WID - block sign-ins outside Azure regions",
                "enabledForReportingButNotEnforced",
                serde_json::json!({
                    "users": users_none, "applications": all_apps,
                    "clientApplications": {
                        "includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                        "excludeServicePrincipals": excluded, "servicePrincipalFilter": null,
                    },
                    "servicePrincipalRiskLevels": [],
                    "locations": {
                        "includeLocations": ["All"],
                        "excludeLocations": [self.trusted_location],
                    },
                }),
                serde_json::json!(["block"]),
            ),
            (
                "Require MFA for administrators",
                "enabled",
                serde_json::json!({
                    "users": {
                        "includeUsers": [], "excludeUsers": [], "includeGroups": [],
                        "excludeGroups": [],
                        "includeRoles": ["62e90394-69f5-4237-9190-012177145e10",
                                         "e8611ab8-c189-46e8-94e1-60213ab1f814"],
                        "excludeRoles": [],
                        "includeGuestsOrExternalUsers": null, "excludeGuestsOrExternalUsers": null,
                    },
                    "applications": all_apps, "clientApplications": null,
                    "servicePrincipalRiskLevels": [], "locations": null,
                }),
                serde_json::json!(["mfa"]),
            ),
        ];
        for (name, state, mut conditions, controls) in policies {
            let created = self.days_ago(200, 700);
            let modified = self.days_ago(10, 150);
            for (k, v) in [
                ("userRiskLevels", serde_json::json!([])),
                ("signInRiskLevels", serde_json::json!([])),
                ("clientAppTypes", serde_json::json!(["all"])),
                ("platforms", serde_json::Value::Null),
                ("devices", serde_json::Value::Null),
            ] {
                conditions[k] = v;
            }
            let v = serde_json::json!({
                "id": guid(self.rng.random()),
                "templateId": null,
                "displayName": name,
                "createdDateTime": created.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "modifiedDateTime": modified.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "state": state,
                "sessionControls": null,
                "conditions": conditions,
                "grantControls": {
                    "operator": "OR", "builtInControls": controls,
                    "customAuthenticationFactors": [], "termsOfUse": [],
                    "authenticationStrength": null,
                },
            });
            let p = ConditionalAccessPolicy::from_graph(&v).map_err(Error::InvalidInput)?;
            sink.ca_policy(&p)?;
        }
        // Who changed credentials, and consented, over the last 30 days.
        let apps = self.own_apps.clone();
        for (app_object, app_id, name) in &apps {
            for _ in 0..self.rng.random_range(0..=2) {
                let person = self.rng.random_range(0..PEOPLE.len());
                let key = guid(self.rng.random());
                let added = self.rng.random_bool(0.7);
                let description = format!(
                    "[\"[KeyIdentifier={key},KeyType=Password,KeyUsage=Verify,DisplayName=rotated-{}]\"]",
                    self.rng.random_range(1..99)
                );
                let (old, new) = if added {
                    ("[]".to_string(), description)
                } else {
                    (description, "[]".to_string())
                };
                let at = self.days_ago(0, 29);
                self.audit(
                    sink,
                    at,
                    "Update application – Certificates and secrets management",
                    ("user", guid(self.people[person]), upn(PEOPLE[person])),
                    (app_object, "Application", name),
                    serde_json::json!([
                        {"displayName": "KeyDescription", "oldValue": old, "newValue": new},
                        {"displayName": "Included Updated Properties", "oldValue": null,
                         "newValue": "\"KeyDescription\""},
                        {"displayName": "TargetId.AppId", "oldValue": null,
                         "newValue": format!("\"{app_id}\"")},
                    ]),
                )?;
            }
        }
        for (sp_id, name, _) in &clients {
            if !self.rng.random_bool(0.08) {
                continue;
            }
            let person = self.rng.random_range(0..PEOPLE.len());
            let at = self.days_ago(0, 29);
            self.audit(
                sink,
                at,
                "Consent to application",
                ("user", guid(self.people[person]), upn(PEOPLE[person])),
                (&guid(*sp_id), "ServicePrincipal", name),
                serde_json::json!([
                    {"displayName": "ConsentContext.IsAdminConsent", "oldValue": null,
                     "newValue": "\"True\""},
                    {"displayName": "ConsentAction.Permissions", "oldValue": null,
                     "newValue": "\"Scope: User.Read\""},
                ]),
            )?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn audit(
        &mut self,
        sink: &mut dyn DemoSink,
        at: DateTime<Utc>,
        activity: &str,
        (by_type, by_id, by): (&str, String, String),
        (target_id, target_type, target_name): (&str, &str, &str),
        modified: serde_json::Value,
    ) -> Result<()> {
        let correlation = guid(self.rng.random());
        sink.directory_audit(&DirectoryAudit {
            id: format!(
                "Directory_{correlation}_{:05X}_{}",
                self.rng.random_range(0..0xFFFFF),
                self.rng.random_range(10_000_000..99_999_999)
            ),
            activity_date_time: at,
            activity: activity.trim().into(),
            operation_type: Some("Update".into()),
            result: Some("success".into()),
            result_reason: Some(String::new()),
            initiated_by_type: Some(by_type.into()),
            initiated_by_id: Some(by_id),
            initiated_by: Some(by),
            target_id: Some(target_id.into()),
            target_type: Some(target_type.into()),
            target_name: Some(target_name.into()),
            modified: canonical_json(&modified),
        })
    }
}

/// A demo person's sign-in name.
fn upn(name: &str) -> String {
    format!(
        "{}@contoso-demo.onmicrosoft.com",
        name.to_lowercase().replace(' ', ".")
    )
}
