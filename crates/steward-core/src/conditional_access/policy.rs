//! A conditional access policy for workload identities, read from Graph's JSON
//! (`conditionalAccessPolicy`, v1.0 or beta, as Graph returns it or as an EntraExporter backup
//! saves it), and the shape Entra accepts for one (docs/domain.md §4).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The sentinel that includes every service principal of the tenant.
pub const ALL_IN_TENANT: &str = "ServicePrincipalsInMyTenant";
/// The sentinel for every location, and the one for every trusted named location.
pub const ALL_LOCATIONS: &str = "All";
pub const ALL_TRUSTED: &str = "AllTrusted";
/// The risk levels `servicePrincipalRiskLevels` takes.
pub const RISK_LEVELS: [&str; 4] = ["low", "medium", "high", "none"];

/// On, off, or report-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PolicyState {
    Enabled,
    Disabled,
    /// `enabledForReportingButNotEnforced`.
    ReportOnly,
}

impl PolicyState {
    pub fn graph_name(self) -> &'static str {
        match self {
            PolicyState::Enabled => "enabled",
            PolicyState::Disabled => "disabled",
            PolicyState::ReportOnly => "enabledForReportingButNotEnforced",
        }
    }

    /// From Graph's name for it.
    pub fn parse(s: &str) -> Option<PolicyState> {
        [
            PolicyState::Enabled,
            PolicyState::Disabled,
            PolicyState::ReportOnly,
        ]
        .into_iter()
        .find(|p| p.graph_name() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PolicyState::Enabled => "On",
            PolicyState::Disabled => "Off",
            PolicyState::ReportOnly => "Report-only",
        }
    }
}

/// Which service principals a policy includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind", content = "ids")]
pub enum Included {
    /// `ServicePrincipalsInMyTenant`.
    AllInTenant,
    /// Service principal object ids.
    Selected(Vec<String>),
}

/// The location condition: what is included (`All`, `AllTrusted` or named location ids) and
/// what is excluded (`AllTrusted` or ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Locations {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// A policy assigned to workload identities, in the only shape Entra accepts for one: all cloud
/// apps, block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WorkloadPolicy {
    /// Graph's id; `None` for a draft not yet in Entra.
    pub id: Option<String>,
    pub display_name: String,
    pub state: PolicyState,
    pub include: Included,
    pub exclude: Vec<String>,
    /// `servicePrincipalFilter`'s rule on custom security attributes, which the cache does not
    /// hold: a filtered policy's target cannot be decided offline.
    pub filter: Option<String>,
    /// `None` when the policy has no location condition.
    pub locations: Option<Locations>,
    /// `servicePrincipalRiskLevels`; empty when the policy has no risk condition.
    pub risk_levels: Vec<String>,
}

impl WorkloadPolicy {
    /// Reads a policy from Graph's JSON; every way it departs from the shape Entra accepts for
    /// workload identities is listed, each with what to change.
    pub fn from_graph(v: &Value) -> Result<WorkloadPolicy, Vec<String>> {
        let mut problems = Vec::new();
        let Some(obj) = v.as_object() else {
            return Err(vec![
                "the file does not hold a JSON object: save one conditionalAccessPolicy as Graph returns it".into(),
            ]);
        };
        // A Graph collection answer or an array of policies holds more than one.
        if obj.contains_key("value") && !obj.contains_key("conditions") {
            return Err(vec![
                "this is a list of policies (`value`), not one policy: save one policy to the file"
                    .into(),
            ]);
        }
        let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        let display_name = text("displayName").unwrap_or_default();
        let state = match text("state") {
            Some(s) => PolicyState::parse(&s).unwrap_or_else(|| {
                problems.push(format!(
                    "`state` is \"{s}\": use enabled, disabled or enabledForReportingButNotEnforced"
                ));
                PolicyState::ReportOnly
            }),
            None => {
                problems.push("no `state`: use enabled, disabled or enabledForReportingButNotEnforced (report-only)".into());
                PolicyState::ReportOnly
            }
        };
        let null = Value::Null;
        let conditions = obj.get("conditions").unwrap_or(&null);
        if !conditions.is_object() {
            problems.push("no `conditions` object: a policy always has one".into());
        }
        let cond = |k: &str| conditions.get(k).filter(|c| !c.is_null());
        let list = |v: Option<&Value>, k: &str| -> Vec<String> {
            v.and_then(|o| o.get(k))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };

        // Assignment: workload identities, not users.
        let clients = cond("clientApplications");
        let include_ids = list(clients, "includeServicePrincipals");
        let exclude = list(clients, "excludeServicePrincipals");
        let filter = clients
            .and_then(|c| c.get("servicePrincipalFilter"))
            .and_then(|f| f.get("rule"))
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())
            .map(str::to_string);
        let include = if include_ids.iter().any(|i| i == ALL_IN_TENANT) {
            Included::AllInTenant
        } else {
            Included::Selected(include_ids.clone())
        };
        if clients.is_none() {
            problems.push("the policy assigns no workload identities (`conditions.clientApplications` is missing): it is a policy for users".into());
        } else if include_ids.is_empty() && filter.is_none() {
            problems.push("`includeServicePrincipals` is empty: include ServicePrincipalsInMyTenant or service principal ids".into());
        }
        if exclude.iter().any(|e| e == ALL_IN_TENANT) {
            problems.push(
                "`excludeServicePrincipals` takes service principal ids, not ServicePrincipalsInMyTenant"
                    .into(),
            );
        }
        let users = cond("users");
        let assigned_users: Vec<String> = ["includeUsers", "includeGroups", "includeRoles"]
            .iter()
            .flat_map(|k| list(users, k))
            .filter(|u| u != "None")
            .collect();
        let guests = users
            .and_then(|u| u.get("includeGuestsOrExternalUsers"))
            .is_some_and(|g| !g.is_null());
        if !assigned_users.is_empty() || guests {
            problems.push("the policy assigns users as well as workload identities: a policy assigns one or the other; set `users.includeUsers` to [\"None\"]".into());
        }

        // Target resources: all cloud apps.
        let apps = cond("applications");
        let include_apps = list(apps, "includeApplications");
        let contexts = list(apps, "includeAuthenticationContextClassReferences");
        if include_apps != ["All"] && contexts.is_empty() {
            problems.push(format!(
                "target resources are {}: a policy for workload identities must target All cloud apps (`includeApplications: [\"All\"]`)",
                if include_apps.is_empty() { "not set".to_string() } else { include_apps.join(", ") }
            ));
        }
        if !list(apps, "excludeApplications").is_empty() {
            problems.push("`excludeApplications` is set: a policy for workload identities targets All cloud apps without exclusions".into());
        }

        // Conditions Entra does not offer for workload identities.
        for (k, what) in [
            ("userRiskLevels", "user risk"),
            ("signInRiskLevels", "sign-in risk"),
            ("insiderRiskLevels", "insider risk"),
        ] {
            if !list(Some(conditions), k).is_empty() || cond(k).is_some_and(Value::is_string) {
                problems.push(format!(
                    "the {what} condition (`{k}`) applies to users only: remove it"
                ));
            }
        }
        for (k, what) in [
            ("platforms", "device platforms"),
            ("devices", "device filter"),
        ] {
            if cond(k).is_some() {
                problems.push(format!(
                    "the {what} condition (`{k}`) applies to users only: remove it"
                ));
            }
        }
        let app_types = list(Some(conditions), "clientAppTypes");
        if !app_types.is_empty() && app_types != ["all"] {
            problems.push(format!(
                "`clientAppTypes` is {}: a policy for workload identities takes all client apps",
                app_types.join(", ")
            ));
        }

        // Locations.
        let locations = cond("locations").map(|l| Locations {
            include: list(Some(l), "includeLocations"),
            exclude: list(Some(l), "excludeLocations"),
        });
        if let Some(l) = &locations {
            if l.include.is_empty() {
                problems.push("the location condition includes no location: include All, AllTrusted or named locations".into());
            }
            if l.exclude.iter().any(|e| e == ALL_LOCATIONS) {
                problems.push(
                    "`excludeLocations` cannot be All: exclude AllTrusted or named locations"
                        .into(),
                );
            }
        }

        // Risk.
        let risk_levels = list(Some(conditions), "servicePrincipalRiskLevels");
        for r in &risk_levels {
            if !RISK_LEVELS.contains(&r.as_str()) {
                problems.push(format!(
                    "`servicePrincipalRiskLevels` holds \"{r}\": use low, medium, high or none"
                ));
            }
        }

        // Grant: block, and nothing else.
        let grant = obj.get("grantControls").filter(|g| !g.is_null());
        let controls = list(grant, "builtInControls");
        let others: Vec<String> = ["customAuthenticationFactors", "termsOfUse"]
            .iter()
            .flat_map(|k| list(grant, k))
            .collect();
        let strength = grant
            .and_then(|g| g.get("authenticationStrength"))
            .is_some_and(|s| !s.is_null());
        if controls != ["block"] || !others.is_empty() || strength {
            problems.push(format!(
                "the grant is {}: block is the only grant Entra accepts for workload identities",
                if controls.is_empty() && others.is_empty() && !strength {
                    "not set".to_string()
                } else {
                    let mut all = controls.clone();
                    all.extend(others);
                    if strength {
                        all.push("authentication strength".into());
                    }
                    all.join(", ")
                }
            ));
        }
        let session = obj
            .get("sessionControls")
            .and_then(Value::as_object)
            .is_some_and(|s| s.values().any(|v| !v.is_null() && v != &Value::Bool(false)));
        if session {
            problems.push("the policy sets session controls: a blocking policy for workload identities has none".into());
        }

        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(WorkloadPolicy {
            id: text("id"),
            display_name,
            state,
            include,
            exclude,
            filter,
            locations,
            risk_levels,
        })
    }

    /// The policy as Graph takes it in a create or update (`conditionalAccessPolicy`), with
    /// the `users` assignment set to None as Entra's own policies carry it.
    pub fn to_graph(&self) -> Value {
        let include = match &self.include {
            Included::AllInTenant => vec![ALL_IN_TENANT.to_string()],
            Included::Selected(ids) => ids.clone(),
        };
        let mut client = serde_json::json!({
            "includeServicePrincipals": include,
            "excludeServicePrincipals": self.exclude,
        });
        if let Some(rule) = &self.filter {
            client["servicePrincipalFilter"] = serde_json::json!({"mode": "include", "rule": rule});
        }
        let mut conditions = serde_json::json!({
            "users": {"includeUsers": ["None"]},
            "applications": {"includeApplications": ["All"]},
            "clientApplications": client,
            "clientAppTypes": ["all"],
            "servicePrincipalRiskLevels": self.risk_levels,
        });
        if let Some(l) = &self.locations {
            conditions["locations"] =
                serde_json::json!({"includeLocations": l.include, "excludeLocations": l.exclude});
        }
        let mut v = serde_json::json!({
            "displayName": self.display_name,
            "state": self.state.graph_name(),
            "conditions": conditions,
            "grantControls": {"operator": "OR", "builtInControls": ["block"]},
        });
        if let Some(id) = &self.id {
            v["id"] = Value::String(id.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn documented() -> Value {
        // docs/domain.md §4's example, as Graph returns it (nulls and empty lists included).
        json!({
            "id": "a1b2",
            "displayName": "WID - block risky or off-network SPs",
            "state": "enabledForReportingButNotEnforced",
            "sessionControls": null,
            "conditions": {
                "users": {"includeUsers": ["None"], "excludeUsers": [], "includeGroups": [], "excludeGroups": [], "includeRoles": [], "excludeRoles": [], "includeGuestsOrExternalUsers": null},
                "applications": {"includeApplications": ["All"], "excludeApplications": [], "includeUserActions": [], "includeAuthenticationContextClassReferences": []},
                "clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"], "excludeServicePrincipals": ["3f1c"], "servicePrincipalFilter": null},
                "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]},
                "servicePrincipalRiskLevels": ["high", "medium"],
                "userRiskLevels": [], "signInRiskLevels": [], "platforms": null, "devices": null,
                "clientAppTypes": ["all"]
            },
            "grantControls": {"operator": "OR", "builtInControls": ["block"], "customAuthenticationFactors": [], "termsOfUse": [], "authenticationStrength": null}
        })
    }

    #[test]
    fn the_documented_policy_reads_whole() {
        let p = WorkloadPolicy::from_graph(&documented()).unwrap();
        assert_eq!(p.id.as_deref(), Some("a1b2"));
        assert_eq!(p.state, PolicyState::ReportOnly);
        assert_eq!(p.include, Included::AllInTenant);
        assert_eq!(p.exclude, ["3f1c"]);
        assert_eq!(
            p.locations,
            Some(Locations {
                include: vec!["All".into()],
                exclude: vec!["AllTrusted".into()]
            })
        );
        assert_eq!(p.risk_levels, ["high", "medium"]);
        // What Steward writes reads back the same.
        assert_eq!(WorkloadPolicy::from_graph(&p.to_graph()).unwrap(), p);
    }

    #[test]
    fn every_shape_entra_refuses_is_named() {
        let cases: [(&str, Value, &str); 9] = [
            (
                "/grantControls/builtInControls",
                json!(["mfa"]),
                "block is the only grant",
            ),
            (
                "/conditions/applications/includeApplications",
                json!(["00000003-0000-0000-c000-000000000000"]),
                "All cloud apps",
            ),
            (
                "/conditions/users/includeUsers",
                json!(["All"]),
                "assigns users",
            ),
            (
                "/conditions/clientApplications",
                Value::Null,
                "policy for users",
            ),
            (
                "/conditions/clientApplications/includeServicePrincipals",
                json!([]),
                "is empty",
            ),
            (
                "/conditions/signInRiskLevels",
                json!(["high"]),
                "users only",
            ),
            (
                "/conditions/servicePrincipalRiskLevels",
                json!(["severe"]),
                "\"severe\"",
            ),
            (
                "/conditions/locations/excludeLocations",
                json!(["All"]),
                "cannot be All",
            ),
            ("/state", json!("on"), "`state` is \"on\""),
        ];
        for (pointer, value, expected) in cases {
            let mut v = documented();
            *v.pointer_mut(pointer).unwrap() = value;
            let problems = WorkloadPolicy::from_graph(&v).unwrap_err();
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{pointer}: {problems:?}"
            );
        }
        let mut v = documented();
        v["sessionControls"] = json!({"signInFrequency": {"value": 1, "type": "hours"}});
        assert!(WorkloadPolicy::from_graph(&v).is_err());
        assert!(WorkloadPolicy::from_graph(&json!({"value": []})).is_err());
        assert!(WorkloadPolicy::from_graph(&json!([1])).is_err());
    }
}
