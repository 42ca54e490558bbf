//! Which Graph application permissions and Entra directory roles are high-risk or privileged.

/// Microsoft Graph application permissions Steward rates: (value, app role id). Graph's app role
/// assignments carry only the id. Read in Microsoft's own permissions data
/// (`microsoftgraph/microsoft-graph-devx-content`, `permissions/new/ProvisioningInfo.json`) and
/// cross-checked with Maester's `Test-MtHighRiskAppPermissions.ps1`.
pub const GRAPH_APP_PERMISSIONS: &[(&str, &str)] = &[
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
    ("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"),
    ("Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b"),
    ("Sites.Read.All", "332a536c-c7ef-4017-ab91-336970924f0d"),
    ("AuditLog.Read.All", "b0afded3-3588-46d8-8b3d-9842eff778da"),
    (
        "Application.Read.All",
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    ),
    ("Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96"),
    ("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9"),
    (
        "Group.ReadWrite.All",
        "62a82d76-70ea-41e2-9197-370581804d09",
    ),
    (
        "GroupMember.ReadWrite.All",
        "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
    ),
    ("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca"),
    (
        "User.DeleteRestore.All",
        "eccc023d-eccf-4e7b-9683-8813ab36cecc",
    ),
    (
        "User.EnableDisableAccount.All",
        "3011c876-62b7-4ada-afa2-506cbbecc68c",
    ),
    (
        "User-PasswordProfile.ReadWrite.All",
        "cc117bb9-00cf-4eb8-b580-ea2a878fe8f7",
    ),
    (
        "UserAuthenticationMethod.ReadWrite.All",
        "50483e42-d915-4231-9639-7fdb7fd190e5",
    ),
    (
        "Application.ReadWrite.All",
        "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    ),
    (
        "Application.ReadWrite.OwnedBy",
        "18a4783c-866b-4cc7-a460-3d5e5662c884",
    ),
    (
        "AppRoleAssignment.ReadWrite.All",
        "06b708a9-e830-4db3-a914-8e69da51d44f",
    ),
    (
        "Directory.ReadWrite.All",
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    ),
    (
        "RoleManagement.ReadWrite.Directory",
        "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
    ),
    (
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "dd199f4a-f148-40a4-a2ec-f0069cc799ec",
    ),
    (
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "fee28b28-e1f3-4841-818e-2704dc62245f",
    ),
    (
        "RoleManagementPolicy.ReadWrite.Directory",
        "31e08e0a-d3f7-4ca2-ac39-7343fb83e8ad",
    ),
    (
        "PrivilegedAccess.ReadWrite.AzureADGroup",
        "2f6817f8-7b12-4f0f-bc18-eeaf60705a9e",
    ),
    (
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "41202f2c-f7ab-45be-b001-85c9728b9d69",
    ),
    (
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        "618b6020-bca8-4de6-99f6-ef445fa4d857",
    ),
    (
        "RoleManagementPolicy.ReadWrite.AzureADGroup",
        "b38dcc4d-a239-4ed6-aa84-6c65b284f97c",
    ),
    (
        "AdministrativeUnit.ReadWrite.All",
        "5eb59dd3-1da2-4329-8733-9dabdc435916",
    ),
    (
        "Domain.ReadWrite.All",
        "7e05723c-0bb0-42da-be95-ae9f08a6e53c",
    ),
    (
        "Organization.ReadWrite.All",
        "292d869f-3427-49a8-9dab-8c70152b74e9",
    ),
    (
        "Policy.ReadWrite.ConditionalAccess",
        "01c0a623-fc9b-48e9-b794-0756f8e8f067",
    ),
    (
        "Policy.ReadWrite.PermissionGrant",
        "a402ca1c-2696-4531-972d-6e5ee4aa11ea",
    ),
    (
        "Policy.ReadWrite.AuthenticationMethod",
        "29c18626-4985-4dcd-85c0-193eef327366",
    ),
    (
        "EntitlementManagement.ReadWrite.All",
        "9acd699f-1e81-4958-b001-93b1d2506e19",
    ),
    (
        "DeviceManagementConfiguration.ReadWrite.All",
        "9241abd9-d0e6-425a-bd4f-47ba86e767a4",
    ),
    (
        "DeviceManagementRBAC.ReadWrite.All",
        "e330c4f0-4170-414e-a55a-2f022ec2b57b",
    ),
    (
        "DeviceManagementManagedDevices.ReadWrite.All",
        "243333ab-4d21-40cb-a475-36241daa0842",
    ),
    (
        "DeviceManagementApps.ReadWrite.All",
        "78145de6-330d-4800-a6ce-494ff2d33d07",
    ),
    (
        "Files.ReadWrite.All",
        "75359482-378d-4052-8f01-80520e7db3cd",
    ),
    (
        "Sites.ReadWrite.All",
        "9492366f-7969-46a4-8d15-ed1a20078fff",
    ),
];

/// Where the list of high-risk permissions comes from, by entry.
const MAESTER_DIRECT: &str = "Maester MT.1050: a direct path to Global Administrator";
const MAESTER_INDIRECT: &str = "Maester MT.1051: an indirect path to Global Administrator";
const INTUNE: &str = "Intune: runs code as SYSTEM on every managed device, administrators' included (azure-tiering tier 1; the peer-checks issue)";
const DATA: &str = "docs/domain.md §9.2: mass data exfiltration or mailbox impersonation";

/// Microsoft Graph permissions (application, or delegated for all users) that open a path to
/// Global Administrator or to mass data exfiltration: (value, why, from which source).
pub const HIGH_RISK_PERMISSIONS: &[(&str, &str)] = &[
    ("RoleManagement.ReadWrite.Directory", MAESTER_DIRECT),
    ("RoleAssignmentSchedule.ReadWrite.Directory", MAESTER_DIRECT),
    ("PrivilegedAccess.ReadWrite.AzureADGroup", MAESTER_DIRECT),
    (
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        MAESTER_DIRECT,
    ),
    ("UserAuthenticationMethod.ReadWrite.All", MAESTER_DIRECT),
    ("User.DeleteRestore.All", MAESTER_DIRECT),
    ("User.EnableDisableAccount.All", MAESTER_DIRECT),
    ("Policy.ReadWrite.ConditionalAccess", MAESTER_DIRECT),
    ("Domain.ReadWrite.All", MAESTER_INDIRECT),
    ("AppRoleAssignment.ReadWrite.All", MAESTER_INDIRECT),
    ("Application.ReadWrite.All", MAESTER_INDIRECT),
    ("Application.ReadWrite.OwnedBy", MAESTER_INDIRECT),
    ("Directory.ReadWrite.All", MAESTER_INDIRECT),
    ("Group.ReadWrite.All", MAESTER_INDIRECT),
    ("GroupMember.ReadWrite.All", MAESTER_INDIRECT),
    ("User.ReadWrite.All", MAESTER_INDIRECT),
    ("User-PasswordProfile.ReadWrite.All", MAESTER_INDIRECT),
    ("AdministrativeUnit.ReadWrite.All", MAESTER_INDIRECT),
    ("Organization.ReadWrite.All", MAESTER_INDIRECT),
    ("Policy.ReadWrite.PermissionGrant", MAESTER_INDIRECT),
    ("Policy.ReadWrite.AuthenticationMethod", MAESTER_INDIRECT),
    (
        "RoleEligibilitySchedule.ReadWrite.Directory",
        MAESTER_INDIRECT,
    ),
    ("RoleManagementPolicy.ReadWrite.Directory", MAESTER_INDIRECT),
    (
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        MAESTER_INDIRECT,
    ),
    (
        "RoleManagementPolicy.ReadWrite.AzureADGroup",
        MAESTER_INDIRECT,
    ),
    ("EntitlementManagement.ReadWrite.All", MAESTER_INDIRECT),
    (
        "DeviceManagementConfiguration.ReadWrite.All",
        MAESTER_INDIRECT,
    ),
    ("DeviceManagementRBAC.ReadWrite.All", MAESTER_INDIRECT),
    ("DeviceManagementManagedDevices.ReadWrite.All", INTUNE),
    ("DeviceManagementApps.ReadWrite.All", INTUNE),
    ("Mail.ReadWrite", DATA),
    ("Mail.Send", DATA),
    ("Files.ReadWrite.All", DATA),
    ("Sites.ReadWrite.All", DATA),
];

/// Why a permission is high-risk, or `None` when it is not.
pub fn high_risk_reason(permission: &str) -> Option<&'static str> {
    HIGH_RISK_PERMISSIONS
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(permission))
        .map(|(_, why)| *why)
}

pub fn is_high_risk_permission(permission: &str) -> bool {
    high_risk_reason(permission).is_some()
}

/// The value (e.g. `Application.ReadWrite.All`) of a Microsoft Graph application permission,
/// from its app role id, for the permissions Steward rates.
pub fn graph_permission_name(app_role_id: &str) -> Option<&'static str> {
    GRAPH_APP_PERMISSIONS
        .iter()
        .find(|(_, id)| id.eq_ignore_ascii_case(app_role_id.trim()))
        .map(|(name, _)| *name)
}

/// The app role id of a Microsoft Graph application permission Steward rates, from its value.
pub fn graph_permission_id(permission: &str) -> Option<&'static str> {
    GRAPH_APP_PERMISSIONS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(permission))
        .map(|(_, id)| *id)
}

/// Entra's built-in directory roles by template id: (name, labelled privileged). Graph's role
/// assignments carry only the role definition id unless `roleDefinition` is expanded, as it is
/// not in every export.
pub const BUILTIN_ROLES: &[(&str, &str, bool)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
        true,
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
        true,
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
        true,
    ),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
        true,
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
        true,
    ),
    (
        "cf1c38e5-3621-4004-a7cb-879624dced7c",
        "Application Developer",
        true,
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
        true,
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
        true,
    ),
    (
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        "User Administrator",
        true,
    ),
    (
        "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
        "Hybrid Identity Administrator",
        true,
    ),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
        true,
    ),
    (
        "9360feb5-f418-4baa-8175-e2a00bac4301",
        "Directory Writers",
        true,
    ),
    (
        "8329153b-31d0-4727-b945-745eb3bc5f31",
        "Domain Name Administrator",
        true,
    ),
    (
        "be2f45a1-457d-42af-a067-6ec1fa63bc45",
        "External Identity Provider Administrator",
        true,
    ),
    (
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "Intune Administrator",
        true,
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
        true,
    ),
    (
        "966707d0-3269-4727-9be2-8c3a10f19b9d",
        "Password Administrator",
        true,
    ),
    (
        "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
        "Security Operator",
        true,
    ),
    (
        "5d6b6bb7-de71-4623-b4af-96380a352509",
        "Security Reader",
        true,
    ),
    (
        "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
        "Global Reader",
        true,
    ),
    (
        "4ba39ca4-527c-499a-b93d-d9b492c50246",
        "Partner Tier1 Support",
        true,
    ),
    (
        "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8",
        "Partner Tier2 Support",
        true,
    ),
    (
        "db506228-d27e-4b7d-95e5-295956d6615f",
        "Agent ID Administrator",
        true,
    ),
    (
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
        false,
    ),
    (
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
        false,
    ),
    // Steward's own judgement, not Entra's current label (docs/domain.md §9.1): the reference
    // labelled it privileged until 2023, with write permissions over applications' credentials,
    // and the sync accounts that hold it are a known path to every synced identity.
    (
        "d29b2b05-8046-44ba-8758-1e26182fcf32",
        "Directory Synchronization Accounts",
        true,
    ),
    (
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        "Directory Readers",
        false,
    ),
];

/// The name of a built-in directory role and whether Entra labels it privileged, from its
/// template id.
pub fn builtin_role(template_id: &str) -> Option<(&'static str, bool)> {
    BUILTIN_ROLES
        .iter()
        .find(|(id, _, _)| id.eq_ignore_ascii_case(template_id.trim()))
        .map(|(_, name, privileged)| (*name, *privileged))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_high_risk_and_demo_permission_has_its_app_role_id_once() {
        for (p, why) in HIGH_RISK_PERMISSIONS {
            assert!(graph_permission_id(p).is_some(), "{p} has no app role id");
            assert!(!why.is_empty());
        }
        for p in crate::demo::names::GRAPH_PERMISSIONS {
            assert!(graph_permission_id(p).is_some(), "{p} has no app role id");
        }
        let mut ids: Vec<&str> = GRAPH_APP_PERMISSIONS.iter().map(|(_, id)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), GRAPH_APP_PERMISSIONS.len(), "an id listed twice");
        assert_eq!(
            graph_permission_name("9E3F62CF-CA93-4989-B6CE-BF83C28F9FE8 "),
            Some("RoleManagement.ReadWrite.Directory")
        );
        assert!(is_high_risk_permission(
            "policy.readwrite.conditionalaccess"
        ));
        assert!(!is_high_risk_permission("User.Read.All"));
    }
}
