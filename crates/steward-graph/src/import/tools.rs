//! Folders other tools write, read as they are: which of their files hold a dataset Steward
//! imports, which hold something Steward does not use (skipped, with the reason), and where they
//! keep the tenant's id.
//!
//! Zero Trust Assessment (`microsoft/zerotrustassessment`) exports into `zt-export/`: one folder
//! per entity, `<Entity>/<Entity>-<n>.json` per Graph page (`Export-ZtGraphEntity.ps1`, driven by
//! `assets/export-tenant.config.psd1`), `ztConfig.json` with `TenantID` (`Set-ZtConfig`), and,
//! after its database step, one `<Entity>-model.json` per folder holding a template row marked
//! `isZtModelRow` (`Import-EntraTable.ps1`).
//!
//! EntraExporter (`microsoft/EntraExporter`, `Export-Entra.ps1` with `Get-EEDefaultSchema.ps1`)
//! writes one object per file, `<Path>/<id>/<id>.json`, each object's children under its folder
//! (`ServicePrincipals/<id>/Owners/<ownerId>/<ownerId>.json`), and single objects as
//! `<Name>/<Name>.json` (`Organization/Organization.json`). The parent of an owner or a role
//! member comes from the folder tree, never from the stub itself.

use std::path::Path;

use serde_json::Value;

use crate::wire::Dataset;

/// What an import does with one file, known from where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Read it; `Some` when the folder says which dataset its pages are (ZTA writes some pages
    /// without `@odata.context`).
    Read(Option<Dataset>),
    /// Leave it, for this reason.
    Skip(&'static str),
    /// ZTA's `ztConfig.json`: the tenant's id, no items.
    ZtConfig,
    /// An EntraExporter owner stub of the application or service principal `parent`.
    Owner { parent: String },
    /// An EntraExporter directory role object (`DirectoryRoles/<id>/<id>.json`): its template id
    /// names the role its members hold.
    DirectoryRole,
    /// An EntraExporter member of the directory role object `role`.
    RoleMember { role: String },
}

const MODEL_ROW: &str =
    "Zero Trust Assessment's model row (a template for its database), not tenant data";
const NOT_WORKLOAD: &str = "not workload identities (users, groups, devices or their settings)";
const USER_SIGN_INS: &str =
    "user sign-ins to one Office app (Zero Trust Assessment's sample for its MFA checks), not workload identity sign-ins";
const ROLE_DEFINITIONS: &str =
    "directory role definitions: Steward names roles from their template ids and its own list of built-in roles";
const PIM_POLICY: &str = "PIM role settings and policies: Steward does not model them";
const PIM_ACTIVE: &str =
    "active PIM assignment instances: the role assignments folder holds the same assignments";
const GROUP_MEMBERS: &str =
    "members of role-assignable groups (people): Steward reads the roles held by workload identities";

const APP_POLICIES: &str =
    "policies and settings attached to applications (token lifetime, claims mapping, extensions…): Steward does not model them";
pub(super) const TENANT_CONFIG: &str =
    "tenant configuration (policies, domains, governance, B2C, administrative units…): Steward does not model it";

/// An EntraExporter object folder (`<collection>/<id>/<id>.json`), by its collection and the
/// folders above it (`ancestors`, nearest first: the parent object's id, then its collection…).
fn ee_collection(collection: &str, ancestors: &[&str]) -> Verdict {
    let parent_is = |c: &str| ancestors.get(1) == Some(&c);
    match collection {
        "ServicePrincipals" => Verdict::Read(Some(Dataset::ServicePrincipals)),
        "Applications" => Verdict::Read(Some(Dataset::Applications)),
        "Owners" if parent_is("ServicePrincipals") || parent_is("Applications") => Verdict::Owner {
            parent: ancestors[0].to_string(),
        },
        // The same assignments from the resource's side: read, and counted once by id.
        "AppRoleAssignments" | "AppRoleAssignedTo" => Verdict::Read(Some(Dataset::AppRoleAssignments)),
        "Oauth2PermissionGrants" => Verdict::Read(Some(Dataset::OAuth2PermissionGrants)),
        "AccessPolicies" if ancestors.first() == Some(&"Conditional") => {
            Verdict::Read(Some(Dataset::ConditionalAccessPolicies))
        }
        "NamedLocations" => Verdict::Read(Some(Dataset::NamedLocations)),
        "SubscribedSkus" => Verdict::Read(Some(Dataset::SubscribedSkus)),
        "RoleAssignments" if ancestors.first() == Some(&"Directory") => {
            Verdict::Read(Some(Dataset::RoleAssignments))
        }
        "RoleDefinitions" => Verdict::Skip(ROLE_DEFINITIONS),
        "RoleAssignmentScheduleInstances" => Verdict::Skip(PIM_ACTIVE),
        "DirectoryRoles" => Verdict::DirectoryRole,
        "Members" if parent_is("DirectoryRoles") => Verdict::RoleMember {
            role: ancestors[0].to_string(),
        },
        "ScopedMembers" if parent_is("DirectoryRoles") => Verdict::Skip(
            "directory role members scoped to an administrative unit: Steward reads tenant-wide roles",
        ),
        "DelegatedPermissionClassifications" | "ClaimsMappingPolicies"
        | "HomeRealmDiscoveryPolicies" | "TokenIssuancePolicies" | "TokenLifetimePolicies"
        | "AppManagementPolicies" | "ExtensionProperties" => Verdict::Skip(APP_POLICIES),
        "Users" | "Groups" | "Devices" | "Members" | "Owners" | "Contacts" => {
            Verdict::Skip(NOT_WORKLOAD)
        }
        _ => Verdict::Skip(TENANT_CONFIG),
    }
}

/// A Zero Trust Assessment entity folder: the dataset its pages hold, or why it is skipped.
/// `None` for a folder name ZTA does not write.
fn zta_folder(name: &str) -> Option<Verdict> {
    Some(match name {
        "Application" | "AgentIdentityBlueprint" => Verdict::Read(Some(Dataset::Applications)),
        // `ServicePrincipals` is the folder of ZTA's first export code.
        "ServicePrincipal"
        | "ServicePrincipals"
        | "AgentIdentity"
        | "AgentIdentityBlueprintPrincipal" => Verdict::Read(Some(Dataset::ServicePrincipals)),
        "ServicePrincipalSignIn" => Verdict::Read(Some(Dataset::ServicePrincipalSignInActivities)),
        "RoleAssignment" => Verdict::Read(Some(Dataset::RoleAssignments)),
        "RoleEligibilityScheduleInstance" => Verdict::Read(Some(Dataset::RoleEligibilities)),
        "SignIn" => Verdict::Skip(USER_SIGN_INS),
        "RoleDefinition" => Verdict::Skip(ROLE_DEFINITIONS),
        "RoleManagementPolicyAssignment" => Verdict::Skip(PIM_POLICY),
        "RoleAssignmentScheduleInstance"
        | "RoleEligibilityScheduleRequest"
        | "RoleAssignmentSchedule" => Verdict::Skip(PIM_ACTIVE),
        "RoleAssignmentGroup"
        | "RoleAssignmentScheduleInstanceGroup"
        | "RoleEligibilityScheduleInstanceGroup"
        | "RoleEligibilityScheduleRequestGroup" => Verdict::Skip(GROUP_MEMBERS),
        "User"
        | "UserRegistrationDetails"
        | "Device"
        | "ConfigurationPolicy"
        | "DeviceConfiguration"
        | "WindowsUpdateForBusinessConfiguration"
        | "WindowsHealthMonitoringConfiguration" => Verdict::Skip(NOT_WORKLOAD),
        _ => return None,
    })
}

/// Where `path` sits says what it is: a ZTA page (`<Entity>/<Entity>-<n>.json`), a ZTA model
/// file, `ztConfig.json`, an EntraExporter object (`<collection>/<id>/<id>.json`) or single file
/// (`<Name>/<Name>.json`), or any other file (read, its dataset found from its content).
pub(super) fn verdict(path: &Path) -> Verdict {
    let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
        return Verdict::Read(None);
    };
    if file.eq_ignore_ascii_case("ztConfig.json") {
        return Verdict::ZtConfig;
    }
    // The folders above the file, nearest first.
    let above: Vec<&str> = path
        .ancestors()
        .skip(1)
        .map_while(|p| p.file_name().and_then(|f| f.to_str()))
        .collect();
    let folder = above.first().copied().unwrap_or("");
    if file.strip_suffix(".json") == Some(folder) && !folder.is_empty() {
        // EntraExporter: an object in its own folder, or a single file named after its folder.
        if folder == "Organization" {
            return Verdict::Read(Some(Dataset::Organization));
        }
        return match above.get(1) {
            Some(collection) => ee_collection(collection, &above[2..]),
            None => Verdict::Read(None),
        };
    }
    let Some(rest) = file
        .strip_prefix(folder)
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_suffix(".json"))
    else {
        return Verdict::Read(None);
    };
    if rest == "model" {
        return Verdict::Skip(MODEL_ROW);
    }
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Verdict::Read(None);
    }
    zta_folder(folder).unwrap_or(Verdict::Read(None))
}

/// The tenant id in a ZTA `ztConfig.json` (`TenantID`; older exports may lack it).
pub(super) fn zt_config_tenant(v: &Value) -> Result<Option<String>, String> {
    let Value::Object(map) = v else {
        return Err(
            "ztConfig.json should be a JSON object (Zero Trust Assessment's settings)".into(),
        );
    };
    let found = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("TenantID"))
        .map(|(_, v)| v);
    match found {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(_) => Err("`TenantID` should be the tenant's id as text".into()),
    }
}

/// Why a response of this Graph collection (the last segment of its `@odata.context`) is
/// skipped: Graph data Steward recognises and does not use. `None` for anything else.
pub(super) fn unused_collection(context: &str) -> Option<&'static str> {
    Some(match crate::wire::context_collection(context)? {
        "users"
        | "groups"
        | "devices"
        | "userRegistrationDetails"
        | "configurationPolicies"
        | "deviceConfigurations"
        | "administrativeUnits"
        | "contacts"
        | "members" => NOT_WORKLOAD,
        "roleDefinitions" => ROLE_DEFINITIONS,
        "roleManagementPolicyAssignments" | "roleManagementPolicies" => PIM_POLICY,
        _ => return None,
    })
}

/// A ZTA model row (`"isZtModelRow": true`), left out wherever it turns up.
pub(super) fn is_model_row(item: &Value) -> bool {
    item.get("isZtModelRow") == Some(&Value::Bool(true))
}

/// Whether `dir` is the root of a tool's export: ZTA writes `ztConfig.json` there, EntraExporter
/// always writes the organization there.
pub(super) fn is_tool_export(dir: &Path) -> bool {
    dir.join("ztConfig.json").is_file()
        || dir.join("Organization").join("Organization.json").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zta_pages_models_and_config_are_told_apart_by_where_they_sit() {
        let v = |p: &str| verdict(Path::new(p));
        assert_eq!(
            v("zt-export/ServicePrincipal/ServicePrincipal-0.json"),
            Verdict::Read(Some(Dataset::ServicePrincipals))
        );
        assert_eq!(
            v("zt-export/ServicePrincipal/ServicePrincipal-12.json"),
            Verdict::Read(Some(Dataset::ServicePrincipals))
        );
        assert_eq!(
            v("zt-export/ServicePrincipal/ServicePrincipal-model.json"),
            Verdict::Skip(MODEL_ROW)
        );
        assert_eq!(v("zt-export/User/User-3.json"), Verdict::Skip(NOT_WORKLOAD));
        assert_eq!(
            v("zt-export/SignIn/SignIn-0.json"),
            Verdict::Skip(USER_SIGN_INS)
        );
        assert_eq!(v("zt-export/ztConfig.json"), Verdict::ZtConfig);
        // Not ZTA's naming: read, and recognised by content.
        assert_eq!(v("exports/User/users.json"), Verdict::Read(None));
        assert_eq!(v("exports/User/User-copy.json"), Verdict::Read(None));
        assert_eq!(v("exports/Unknown/Unknown-0.json"), Verdict::Read(None));
        assert_eq!(v("sp.json"), Verdict::Read(None));
    }

    #[test]
    fn entra_exporter_objects_take_their_parent_from_the_folder_tree() {
        let v = |p: &str| verdict(Path::new(p));
        assert_eq!(
            v("ee/ServicePrincipals/sp1/sp1.json"),
            Verdict::Read(Some(Dataset::ServicePrincipals))
        );
        assert_eq!(
            v("ee/ServicePrincipals/sp1/Owners/u1/u1.json"),
            Verdict::Owner {
                parent: "sp1".into()
            }
        );
        assert_eq!(
            v("ee/Applications/app1/Owners/u1/u1.json"),
            Verdict::Owner {
                parent: "app1".into()
            }
        );
        assert_eq!(
            v("ee/ServicePrincipals/res/AppRoleAssignedTo/a1/a1.json"),
            Verdict::Read(Some(Dataset::AppRoleAssignments))
        );
        assert_eq!(v("ee/DirectoryRoles/r1/r1.json"), Verdict::DirectoryRole);
        assert_eq!(
            v("ee/DirectoryRoles/r1/Members/m1/m1.json"),
            Verdict::RoleMember { role: "r1".into() }
        );
        assert_eq!(
            v("ee/Identity/Conditional/AccessPolicies/p1/p1.json"),
            Verdict::Read(Some(Dataset::ConditionalAccessPolicies))
        );
        assert_eq!(
            v("ee/Organization/Organization.json"),
            Verdict::Read(Some(Dataset::Organization))
        );
        // A group's owners and members are people, not an application's owners.
        assert_eq!(
            v("ee/Groups/g1/Owners/u1/u1.json"),
            Verdict::Skip(NOT_WORKLOAD)
        );
        assert_eq!(
            v("ee/Groups/g1/Members/u1/u1.json"),
            Verdict::Skip(NOT_WORKLOAD)
        );
        assert_eq!(
            v("ee/Policies/AuthorizationPolicy/AuthorizationPolicy.json"),
            Verdict::Skip(TENANT_CONFIG)
        );
    }

    #[test]
    fn the_tenant_comes_from_zt_config_whatever_the_key_case() {
        let t = |s: &str| zt_config_tenant(&serde_json::from_str(s).unwrap());
        assert_eq!(
            t(
                r#"{"Pillar":"All","TenantID":"11111111-2222-3333-4444-555555555555","Application":true}"#
            ),
            Ok(Some("11111111-2222-3333-4444-555555555555".into()))
        );
        assert_eq!(t(r#"{"tenantid":" abc "}"#), Ok(Some("abc".into())));
        assert_eq!(t(r#"{"Pillar":"All"}"#), Ok(None));
        assert!(t(r#"{"TenantID":5}"#).is_err());
        assert!(t("[]").is_err());
    }

    #[test]
    fn unused_graph_collections_are_named_with_a_reason() {
        assert_eq!(
            unused_collection("https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleDefinitions"),
            Some(ROLE_DEFINITIONS)
        );
        assert_eq!(
            unused_collection("https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)"),
            Some(NOT_WORKLOAD)
        );
        assert_eq!(
            unused_collection("https://graph.microsoft.com/v1.0/$metadata#servicePrincipals"),
            None
        );
    }
}
