//! Name tables for the demo tenant: real Microsoft first-party applications and resources, and
//! believable names for everything else.

/// Microsoft first-party applications (display name, appId) that every tenant holds. The first
/// eight double as the resources workload identities call.
pub const MICROSOFT_APPS: &[(&str, &str)] = &[
    ("Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    ("Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"),
    ("Azure Storage", "e406a681-f3d4-42a8-90b6-c2b029497af1"),
    (
        "Windows Azure Service Management API",
        "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    ),
    (
        "Office 365 Exchange Online",
        "00000002-0000-0ff1-ce00-000000000000",
    ),
    (
        "Office 365 SharePoint Online",
        "00000003-0000-0ff1-ce00-000000000000",
    ),
    ("Azure SQL Database", "022907d3-0f1b-48f7-badc-1ba6abab6d66"),
    ("Azure Service Bus", "80a10ef9-8168-493d-abf9-3297c4ef6e3c"),
    ("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264"),
    (
        "Windows Azure Active Directory",
        "00000002-0000-0000-c000-000000000000",
    ),
    ("Microsoft Intune", "0000000a-0000-0000-c000-000000000000"),
    ("Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"),
    (
        "Microsoft Azure CLI",
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    ),
    (
        "Microsoft Azure PowerShell",
        "1950a258-227b-4e31-a9cf-717495945fc2",
    ),
    (
        "Office 365 Management APIs",
        "c5393580-f805-4401-95e8-94b7a6ef2fc2",
    ),
    ("Power BI Service", "00000009-0000-0000-c000-000000000000"),
    (
        "Dynamics CRM Online",
        "00000007-0000-0000-c000-000000000000",
    ),
    (
        "Microsoft Defender for Cloud Apps",
        "05a65629-4c1b-48c1-a78b-804c4abdd4af",
    ),
    ("Azure DevOps", "499b84ac-1321-427f-aa17-267ca6975798"),
    (
        "Microsoft Information Protection Sync Service",
        "870c4f2e-85b6-4d43-bdda-6ed9a579b725",
    ),
    (
        "Skype for Business Online",
        "00000004-0000-0ff1-ce00-000000000000",
    ),
    (
        "Azure Resource Graph",
        "509e4652-da8d-478d-a730-e9d4a1996ca4",
    ),
    (
        "Microsoft Approval Management",
        "65d91a3d-ab74-42e6-8a2f-0add61688c74",
    ),
    ("Azure Data Lake", "e9f49c6b-5ce5-44c8-925d-015017e9f7ad"),
];

/// How many of [`MICROSOFT_APPS`] are sign-in resources.
pub const RESOURCE_COUNT: usize = 8;

pub const MICROSOFT_SERVICES: &[&str] = &[
    "Azure",
    "Defender",
    "Dynamics",
    "Exchange",
    "Intune",
    "Office",
    "OneDrive",
    "Power Platform",
    "Purview",
    "SharePoint",
    "Sentinel",
    "Teams",
    "Viva",
    "Windows",
    "Bing",
    "Cortana",
    "Fabric",
    "Entra",
    "Edge",
    "Copilot",
];

pub const MICROSOFT_FUNCTIONS: &[&str] = &[
    "Sync Service",
    "Insights",
    "Connector",
    "Notification Service",
    "Management API",
    "Portal",
    "Provisioning",
    "Analytics",
    "Compliance",
    "Web Client",
    "Data Service",
    "Broker",
    "Policy Service",
    "Search",
    "Telemetry",
    "Gateway",
];

pub const SYSTEMS: &[&str] = &[
    "billing",
    "payroll",
    "crm",
    "hr",
    "data",
    "inventory",
    "orders",
    "portal",
    "identity",
    "reporting",
    "finance",
    "logistics",
    "marketing",
    "support",
    "search",
    "catalog",
    "pricing",
    "shipping",
    "audit",
    "warehouse",
];

pub const PURPOSES: &[&str] = &[
    "api",
    "daemon",
    "sync",
    "etl",
    "backup",
    "deploy",
    "reports",
    "worker",
    "gateway",
    "scheduler",
    "ingest",
    "exporter",
];

pub const ENVIRONMENTS: &[&str] = &["prod", "dev", "test", "staging"];

/// Third-party SaaS vendors and a product of theirs.
pub const VENDORS: &[(&str, &str)] = &[
    ("Salesforce", "Salesforce"),
    ("ServiceNow", "ServiceNow"),
    ("Zoom", "Zoom"),
    ("Slack", "Slack"),
    ("DocuSign", "DocuSign"),
    ("Adobe", "Adobe Acrobat Sign"),
    ("Atlassian", "Atlassian Cloud"),
    ("GitHub", "GitHub Enterprise Cloud"),
    ("Workday", "Workday"),
    ("Box", "Box"),
    ("Dropbox", "Dropbox Business"),
    ("SAP", "SAP Concur"),
    ("Cisco", "Cisco Webex"),
    ("Snowflake", "Snowflake"),
    ("Datadog", "Datadog"),
    ("HubSpot", "HubSpot CRM"),
    ("Miro", "Miro"),
    ("Figma", "Figma"),
    ("Tableau", "Tableau Cloud"),
    ("Splunk", "Splunk Cloud"),
    ("Okta", "Okta Workflows"),
    ("Zendesk", "Zendesk"),
    ("Asana", "Asana"),
    ("Veeam", "Veeam Backup for Microsoft 365"),
];

/// The demo's app on Huntress's Rogue Apps list (`data/known-malicious-apps.json`): (name, appId).
pub const KNOWN_MALICIOUS_APP: (&str, &str) = (
    "PerfectData Software",
    "ff8d92dc-3d82-41d6-bcbd-b9174d163620",
);

pub const SAAS_SUFFIXES: &[&str] = &[
    "",
    " Connector",
    " Sync",
    " SSO",
    " Integration",
    " Provisioning",
];

pub const AZURE_RESOURCES: &[(&str, &str)] = &[
    ("func", "Microsoft.Web/sites"),
    ("app", "Microsoft.Web/sites"),
    ("vm", "Microsoft.Compute/virtualMachines"),
    ("logic", "Microsoft.Logic/workflows"),
    ("adf", "Microsoft.DataFactory/factories"),
    ("aks", "Microsoft.ContainerService/managedClusters"),
    ("apim", "Microsoft.ApiManagement/service"),
    ("aa", "Microsoft.Automation/automationAccounts"),
];

/// How many of the agent slots hold agent identity blueprints' principals (each with its
/// blueprint application); the agents are made from them.
pub const AGENT_BLUEPRINTS: usize = 2;

pub const AGENT_PURPOSES: &[&str] = &[
    "Helpdesk",
    "Expense Review",
    "Sales Research",
    "Onboarding",
    "Contract Triage",
    "IT Ticket Router",
    "Knowledge Base",
    "Security Triage",
];

/// The index in [`PEOPLE`] of the one guest user (a partner's consultant) who owns apps.
pub const GUEST_PERSON: usize = 7;

pub const PEOPLE: &[&str] = &[
    "Adele Vance",
    "Alex Wilber",
    "Diego Siciliani",
    "Grady Archie",
    "Henrietta Mueller",
    "Isaiah Langer",
    "Johanna Lorenz",
    "Joni Sherman",
    "Lee Gu",
    "Lidia Holloway",
    "Lynne Robbins",
    "Megan Bowen",
    "Miriam Graham",
    "Nestor Wilke",
    "Patti Fernandez",
    "Pradeep Gupta",
    "Zoë Åkesson",
    "Ngozi Okafor",
    "佐藤 花子",
    "José Núñez",
];

pub const REPOSITORIES: &[&str] = &[
    "infra",
    "platform",
    "billing-service",
    "web-portal",
    "data-pipelines",
    "terraform-modules",
    "api-gateway",
    "mobile-backend",
];

/// (countryOrRegion, state, city, first two octets of the Azure range used there)
pub const LOCATIONS: &[(&str, &str, &str, [u8; 2])] = &[
    ("NL", "Noord-Holland", "Amsterdam", [20, 50]),
    ("US", "Virginia", "Boydton", [20, 42]),
    ("US", "Washington", "Quincy", [52, 183]),
    ("IE", "Dublin", "Dublin", [40, 112]),
    ("DE", "Hessen", "Frankfurt am Main", [20, 79]),
    ("GB", "England", "London", [51, 140]),
    ("SG", "Singapore", "Singapore", [20, 43]),
    ("JP", "Tokyo", "Tokyo", [20, 46]),
    ("AU", "New South Wales", "Sydney", [20, 70]),
    ("BR", "Sao Paulo", "Sao Paulo", [191, 233]),
    ("IN", "Maharashtra", "Pune", [20, 192]),
    ("FR", "Ile-de-France", "Paris", [20, 74]),
];

/// The Microsoft Graph application permissions the demo hands out (their ids are in
/// `model::GRAPH_APP_PERMISSIONS`). High-risk ones come last.
pub const GRAPH_PERMISSIONS: &[&str] = &[
    "User.Read.All",
    "Directory.Read.All",
    "Group.Read.All",
    "Sites.Read.All",
    "AuditLog.Read.All",
    "Application.Read.All",
    "Mail.Send",
    "Mail.ReadWrite",
    "Group.ReadWrite.All",
    "User.ReadWrite.All",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
];

/// How many of [`GRAPH_PERMISSIONS`] (from the start) are low-risk.
pub const LOW_RISK_PERMISSIONS: usize = 6;

/// Directory roles handed to workload identities: (name, templateId, privileged).
pub const ROLES: &[(&str, &str, bool)] = &[
    (
        "Directory Readers",
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
        false,
    ),
    (
        "Exchange Administrator",
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        false,
    ),
    (
        "Application Administrator",
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        true,
    ),
    (
        "Cloud Application Administrator",
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        true,
    ),
    (
        "User Administrator",
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        true,
    ),
    (
        "Security Administrator",
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        true,
    ),
    (
        "Privileged Role Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        true,
    ),
    (
        "Global Administrator",
        "62e90394-69f5-4237-9190-012177145e10",
        true,
    ),
];

/// AADSTS codes of failed workload sign-ins, with the failure reason Graph reports.
pub fn failure_reason(code: i64) -> &'static str {
    match code {
        7000215 => "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        7000222 => "The provided client secret keys for app are expired. Visit the Azure portal to create new keys for your app.",
        700027 => "Client assertion failed signature validation.",
        700016 => "Application was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant.",
        53003 => "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        700213 => "No matching federated identity record found for presented assertion subject.",
        70021 => "No matching federated identity record found for presented assertion.",
        7000112 => "Application is disabled.",
        50196 => "The server terminated an operation because it encountered a client request loop.",
        _ => "Other failure.",
    }
}
