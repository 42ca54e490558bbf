//! Which Graph application permissions and Entra directory roles are high-risk or privileged.

/// Microsoft Graph application permissions that open a path to Global Administrator or to mass
/// data exfiltration (docs/domain.md §9.2, tier 0 and commonly flagged).
pub const HIGH_RISK_PERMISSIONS: &[&str] = &[
    "RoleManagement.ReadWrite.Directory",
    "RoleAssignmentSchedule.ReadWrite.Directory",
    "PrivilegedAccess.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "UserAuthenticationMethod.ReadWrite.All",
    "Domain.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "Directory.ReadWrite.All",
    "Group.ReadWrite.All",
    "GroupMember.ReadWrite.All",
    "User.ReadWrite.All",
    "AdministrativeUnit.ReadWrite.All",
    "Policy.ReadWrite.PermissionGrant",
    "Policy.ReadWrite.AuthenticationMethod",
    "RoleEligibilitySchedule.ReadWrite.Directory",
    "RoleManagementPolicy.ReadWrite.Directory",
    "EntitlementManagement.ReadWrite.All",
    "Mail.ReadWrite",
    "Mail.Send",
    "Files.ReadWrite.All",
    "Sites.ReadWrite.All",
];

pub fn is_high_risk_permission(permission: &str) -> bool {
    HIGH_RISK_PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(permission))
}

/// The value (e.g. `Application.ReadWrite.All`) of a Microsoft Graph application permission,
/// from its app role id, for the permissions Steward rates. Graph's own app role assignments
/// carry only the id.
pub fn graph_permission_name(app_role_id: &str) -> Option<&'static str> {
    crate::demo::names::GRAPH_PERMISSIONS
        .iter()
        .find(|(_, id)| id.eq_ignore_ascii_case(app_role_id.trim()))
        .map(|(name, _)| *name)
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
