//! The rule catalogue: Entra's thresholds, each rule's id, and what the window shows for it
//! (title, source, priority, rationale, steps), defined once for every check Steward computes.

use super::hygiene::CERTIFICATE_ROTATION_DAYS;
use super::{tenant_policy, Priority, RecommendationSettings, RecommendationSource};
use crate::dataset::Dataset;

/// Entra's `staleApps`: no use for more than this many days, and created longer ago than that.
pub const STALE_APP_DAYS: i64 = 90;
/// Entra's `staleAppCreds`: a credential not used for more than this many days.
pub const STALE_CREDENTIAL_DAYS: i64 = 30;
/// Entra's expiry recommendations: a credential ending within this many days.
pub const EXPIRY_DAYS: i64 = 30;
/// A privileged identity without a sign-in for more than this many days.
pub const PRIVILEGED_UNUSED_DAYS: i64 = 90;
/// How many valid secrets on one application make "several" (one plus one in rotation is normal).
pub const MULTIPLE_SECRETS: usize = 3;
/// Federation failures within this many days count as current.
pub const FEDERATION_FAILURE_DAYS: i64 = 30;
/// AADSTS codes that mean no federated credential matched the presented token.
pub const FEDERATION_MISMATCH_CODES: [i64; 5] = [70021, 700211, 700212, 700213, 7002131];

/// The id of each rule: Graph's `recommendationType` for Entra's types, a camelCase name for
/// Steward's own. The checks file their findings under these.
pub(super) mod rule {
    pub(crate) const APPLICATION_CREDENTIAL_EXPIRY: &str = "applicationCredentialExpiry";
    pub(crate) const SERVICE_PRINCIPAL_KEY_EXPIRY: &str = "servicePrincipalKeyExpiry";
    pub(crate) const STALE_APPS: &str = "staleApps";
    pub(crate) const STALE_APP_CREDS: &str = "staleAppCreds";
    pub(crate) const CREDENTIAL_ON_MICROSOFT_APP: &str = "credentialOnMicrosoftApp";
    pub(crate) const PRIVILEGED_WITH_SECRET: &str = "privilegedWithSecret";
    pub(crate) const PRIVILEGED_UNUSED: &str = "privilegedUnused";
    pub(crate) const FEDERATED_SUBJECT_MISMATCH: &str = "federatedSubjectMismatch";
    pub(crate) const CREDENTIALS_ON_SERVICE_PRINCIPAL: &str = "credentialsOnServicePrincipal";
    pub(crate) const LONG_LIVED_SECRETS: &str = "longLivedSecrets";
    pub(crate) const LONG_LIVED_CERTIFICATES: &str = "longLivedCertificates";
    pub(crate) const MULTIPLE_ACTIVE_SECRETS: &str = "multipleActiveSecrets";
    pub(crate) const DISABLED_WITH_CREDENTIALS: &str = "disabledWithCredentials";
    pub(crate) const OWNERLESS_APPS: &str = "ownerlessApps";
    pub(crate) const AGENT_WITHOUT_SPONSOR: &str = "agentWithoutSponsor";
    pub(crate) const PRIVILEGED_APP_USER_OWNERS: &str = "privilegedAppUserOwners";
    pub(crate) const HIGH_RISK_DELEGATED_GRANT: &str = "highRiskDelegatedGrant";
    pub(crate) const TIER0_HOLDER: &str = "tier0Holder";
    pub(crate) const KNOWN_MALICIOUS_APP: &str = "knownMaliciousApp";
    pub(crate) const USER_CONSENT_ALLOWED: &str = "userConsentAllowed";
    pub(crate) const USERS_CAN_REGISTER_APPS: &str = "usersCanRegisterApps";
    pub(crate) const ADMIN_CONSENT_WORKFLOW_DISABLED: &str = "adminConsentWorkflowDisabled";
    pub(crate) const PENDING_CONSENT_REQUESTS: &str = "pendingConsentRequests";
    pub(crate) const APP_MANAGEMENT_POLICY_WEAK: &str = "appManagementPolicyWeak";
    pub(crate) const CLIENT_SECRETS: &str = "clientSecrets";
    pub(crate) const CERTIFICATE_ROTATION_DUE: &str = "certificateRotationDue";
    pub(crate) const SINGLE_OWNER_APPS: &str = "singleOwnerApps";
    pub(crate) const UNSAFE_REDIRECT_URI: &str = "unsafeRedirectUri";
    pub(crate) const INSTANCE_LOCK_MISSING: &str = "instanceLockMissing";
    pub(crate) const ASSIGNMENT_NOT_REQUIRED: &str = "assignmentNotRequired";
    pub(crate) const GUEST_OWNER: &str = "guestOwner";
    pub(crate) const CA_BLOCKS_RISKY_IDENTITIES_MISSING: &str =
        "conditionalAccessBlocksRiskyIdentitiesMissing";
    pub(crate) const CREDENTIALS_OUTSIDE_LOCATION_POLICY: &str = "credentialsOutsideLocationPolicy";
    pub(crate) const AGENT_BLUEPRINT_UNGOVERNED: &str = "agentBlueprintUngoverned";
}

pub(super) struct Meta {
    pub(super) kind: &'static str,
    pub(super) source: RecommendationSource,
    pub(super) name: &'static str,
    pub(super) priority: Priority,
    pub(super) rationale: String,
    pub(super) steps: &'static [&'static str],
    /// The datasets the check reads beyond applications and service principals: without one of
    /// them in the cache the check is "not determined", never passed.
    pub(super) needs: &'static [Dataset],
    /// The checks of other assessment tools this type answers (docs/peer-checks.md), as
    /// "ZTA 21774", "MT.1027", "ScubaGear MS.AAD.5.6", "CIS 5.1.5.1", "CIPP AppSecretExpiry".
    pub(super) peer_checks: &'static [&'static str],
}

pub(super) fn metas(s: &RecommendationSettings) -> Vec<Meta> {
    use RecommendationSource::{EntraRule, Steward};
    vec![
        Meta {
            kind: rule::APPLICATION_CREDENTIAL_EXPIRY,
            source: EntraRule,
            name: "Renew expiring application credentials",
            priority: Priority::High,
            rationale: format!("A secret or certificate on an app registration expires within {EXPIRY_DAYS} days; when it lapses, the app can no longer get tokens. Credentials already expired are not listed."),
            steps: &["Open the app registration and add a new certificate (preferred) or secret under Certificates & secrets.", "Roll the new credential out to every workload that uses the app, and confirm in the sign-in log that the new key id is used.", "Remove the expiring credential."],
            needs: &[],
            peer_checks: &["CIPP AppSecretExpiry", "CIPP AppCertificateExpiry"],
        },
        Meta {
            kind: rule::SERVICE_PRINCIPAL_KEY_EXPIRY,
            source: EntraRule,
            name: "Renew expiring service principal credentials",
            priority: Priority::High,
            rationale: format!("A credential on a service principal (often a SAML signing certificate) expires within {EXPIRY_DAYS} days. As in Entra, the impacted resource is the application."),
            steps: &["Open the enterprise application and create a new certificate (Single sign-on › SAML certificates) or credential.", "Make it active, update the partner or workload that relies on it, and confirm the new key id in sign-ins.", "Remove the expiring credential."],
            needs: &[],
            peer_checks: &["CIPP AppCertificateExpiry"],
        },
        Meta {
            kind: rule::STALE_APPS,
            source: EntraRule,
            name: "Remove unused applications",
            priority: Priority::Medium,
            rationale: format!("No successful sign-in as a client and no token issued for it as a resource for more than {STALE_APP_DAYS} days, and created more than {STALE_APP_DAYS} days ago. Exempt as in Entra: Microsoft apps, managed identities, Application Proxy apps and apps created within {STALE_APP_DAYS} days."),
            steps: &["Confirm with the owners that nothing depends on the app.", "Disable its service principal (Enterprise applications › Properties › Enabled for users to sign in: No) and wait a few weeks.", "Delete the app registration; it stays restorable for 30 days."],
            needs: &[],
            peer_checks: &[],
        },
        Meta {
            kind: rule::STALE_APP_CREDS,
            source: EntraRule,
            name: "Remove unused credentials from applications",
            priority: Priority::Medium,
            rationale: format!("A valid credential has not been used to sign in for more than {STALE_CREDENTIAL_DAYS} days. Unused credentials are attack surface with no benefit. Expired credentials and credentials added within {STALE_CREDENTIAL_DAYS} days are not listed."),
            steps: &["Check with the owners that no workload still holds the credential.", "Remove it from Certificates & secrets of the app (or the service principal)."],
            needs: &[],
            peer_checks: &[],
        },
        Meta {
            kind: rule::CREDENTIAL_ON_MICROSOFT_APP,
            source: Steward,
            name: "Investigate credentials on Microsoft first-party service principals",
            priority: Priority::High,
            rationale: "Microsoft's own applications never need a credential added in your tenant. A secret or certificate on one lets its holder act with the app's permissions and is a known backdoor pattern.".into(),
            steps: &["Find who added the credential (audit log, category ApplicationManagement, 'Update service principal').", "If nobody can account for it, treat the tenant as compromised: remove the credential and follow your incident process."],
            needs: &[],
            peer_checks: &["ZTA 21774"],
        },
        Meta {
            kind: rule::PRIVILEGED_WITH_SECRET,
            source: Steward,
            name: "Use certificates or federation for privileged identities",
            priority: Priority::High,
            rationale: "An identity holding a privileged directory role or a high-risk Microsoft Graph permission signs in with a client secret. Secrets are easily copied and leaked; certificates and federated credentials are not.".into(),
            steps: &["Add a certificate (ideally in Key Vault) or a federated credential to the app.", "Move the workload to it, then remove the secrets."],
            needs: &[Dataset::AppRoleAssignments, Dataset::RoleAssignments],
            peer_checks: &["MT.1027"],
        },
        Meta {
            kind: rule::PRIVILEGED_UNUSED,
            source: Steward,
            name: "Remove privileges from unused identities",
            priority: Priority::High,
            rationale: format!("An identity holds a privileged directory role or a high-risk Graph permission but has not signed in successfully for more than {PRIVILEGED_UNUSED_DAYS} days."),
            steps: &["Remove the role assignment or revoke the application permission.", "If the identity is not needed at all, disable and then delete it."],
            needs: &[Dataset::AppRoleAssignments, Dataset::RoleAssignments],
            peer_checks: &["ZTA 21771"],
        },
        Meta {
            kind: rule::FEDERATED_SUBJECT_MISMATCH,
            source: Steward,
            name: "Fix federated credentials that no longer match",
            priority: Priority::High,
            rationale: format!("Sign-ins of this app failed within the last {FEDERATION_FAILURE_DAYS} days because no federated credential matched the token (AADSTS70021/700211/700212/700213). A common cause: a GitHub repository renamed or transferred, whose tokens now carry the ID-based subject `repo:owner@id/repo@id:…`."),
            steps: &["Compare the failing token's subject (sign-in failure reason) with the federated credential's subject.", "Update the subject (or use the new ID-based GitHub format), then delete credentials that match nothing."],
            needs: &[],
            peer_checks: &[],
        },
        Meta {
            kind: rule::CREDENTIALS_ON_SERVICE_PRINCIPAL,
            source: Steward,
            name: "Move credentials from service principals to their app",
            priority: Priority::Medium,
            rationale: "A secret or certificate sits on the service principal instead of the app registration. Such credentials do not appear on the app's Certificates & secrets page, so they escape review; attackers use them for persistence. SAML signing certificates are not listed.".into(),
            steps: &["Add the credential to the app registration instead and move the workload to it.", "Remove the service principal's credential (Graph: removePassword / removeKey on the servicePrincipal)."],
            needs: &[],
            peer_checks: &["ZTA 21896"],
        },
        Meta {
            kind: rule::LONG_LIVED_SECRETS,
            source: Steward,
            name: "Shorten long-lived client secrets",
            priority: Priority::Medium,
            rationale: format!("A valid client secret's lifetime is more than {} days. The longer a secret lives, the longer a leaked copy works.", s.secret_max_days),
            steps: &["Replace the secret with a certificate or a federated credential, or at least with a secret of shorter life.", "Enforce a maximum lifetime with an app management policy."],
            needs: &[],
            peer_checks: &["CIPP LongLivedAppCredentials"],
        },
        Meta {
            kind: rule::LONG_LIVED_CERTIFICATES,
            source: Steward,
            name: "Shorten long-lived certificates",
            priority: Priority::Low,
            rationale: format!("A valid certificate's lifetime is more than {} days.", s.certificate_max_days),
            steps: &["Issue a certificate of shorter life and automate its rotation (for example from Key Vault)."],
            needs: &[],
            peer_checks: &["MT.1198", "CIPP LongLivedAppCredentials"],
        },
        Meta {
            kind: rule::MULTIPLE_ACTIVE_SECRETS,
            source: Steward,
            name: "Remove surplus secrets",
            priority: Priority::Medium,
            rationale: format!("An app holds {MULTIPLE_SECRETS} or more valid secrets. One, plus one during a rotation, is all a workload needs; the rest are forgotten copies."),
            steps: &["Find which secret the workload uses (sign-in log, credential key id).", "Remove the others."],
            needs: &[],
            peer_checks: &[],
        },
        Meta {
            kind: rule::DISABLED_WITH_CREDENTIALS,
            source: Steward,
            name: "Remove credentials from disabled service principals",
            priority: Priority::Medium,
            rationale: "The service principal is disabled but it or its app still holds valid credentials. Re-enabling it would restore their access at once.".into(),
            steps: &["If the identity stays disabled, remove its credentials (or delete it)."],
            needs: &[],
            peer_checks: &[],
        },
        Meta {
            kind: rule::KNOWN_MALICIOUS_APP,
            source: Steward,
            name: "Remove applications known to be used by attackers",
            priority: Priority::High,
            rationale: "A service principal in the tenant belongs to an application that attackers are known to consent to after taking over an account: mailbox export, mass mailing, file sync or address-book harvesting (Huntress's Rogue Apps list, shipped with Steward). Its presence often means a user was compromised.".into(),
            steps: &["Disable the service principal at once (Enterprise applications › Properties › Enabled for users to sign in: No).", "Find who consented and when (audit log, activity 'Consent to application'), and investigate those users' sign-ins and mailbox rules for compromise.", "Revoke its permission grants and delete the service principal; restrict user consent so it cannot return."],
            needs: &[],
            peer_checks: &["CIPP HuntressRogueApps"],
        },
        Meta {
            kind: rule::PRIVILEGED_APP_USER_OWNERS,
            source: Steward,
            name: "Remove user owners from privileged applications",
            priority: Priority::High,
            rationale: "An identity holds a privileged directory role or a high-risk Microsoft Graph permission (application, or delegated for all users), and users own it or its app registration. An owner can add a secret and act as the app, so each owner is as powerful as the app: an escalation path that bypasses role assignment and PIM.".into(),
            steps: &["Remove the users from the owners of the app registration and of the enterprise application.", "Manage the app through a role scoped to it (Cloud Application Administrator on the app) held in PIM, or through an owner that is a service principal of your automation.", "Review the credentials the owners added (audit log, category ApplicationManagement)."],
            needs: &[
                Dataset::Owners,
                Dataset::AppRoleAssignments,
                Dataset::RoleAssignments,
                Dataset::OAuth2PermissionGrants,
            ],
            peer_checks: &["MT.1077", "MT.1078"],
        },
        Meta {
            kind: rule::HIGH_RISK_DELEGATED_GRANT,
            source: Steward,
            name: "Review high-risk delegated permissions granted for all users",
            priority: Priority::High,
            rationale: "An admin consented, for every user of the tenant, to delegated Microsoft Graph permissions that reach directory control or everyone's data (such as Directory.ReadWrite.All, RoleManagement.ReadWrite.Directory, Mail.ReadWrite). Whoever controls the app acts with those rights as any user who signs in to it, including administrators.".into(),
            steps: &["Confirm with the app's owners which permissions it needs.", "Revoke the grant (Enterprise applications › Permissions › Review permissions, or DELETE /oauth2PermissionGrants/{id}) and consent again to the permissions it needs only.", "Prefer consent for the users who use the app over consent for all users."],
            needs: &[Dataset::OAuth2PermissionGrants],
            peer_checks: &[],
        },
        Meta {
            kind: rule::TIER0_HOLDER,
            source: Steward,
            name: "Review identities with Tier-0 access",
            priority: Priority::Medium,
            rationale: "An identity holds a privileged directory role, a high-risk Microsoft Graph application permission, or high-risk delegated permissions for all users: each is a path to Global Administrator or to the tenant's data. Whoever controls its credentials, its owners included, holds that path. Keep this list short and known.".into(),
            steps: &["Confirm with each identity's owners that it needs what it holds; replace tenant-wide permissions with narrower ones (for example Sites.Selected, or a role scoped to an administrative unit).", "Make eligible (PIM) what need not be active.", "Protect those that stay: certificates or federation instead of secrets, no user owners, a conditional access policy for workload identities."],
            needs: &[
                Dataset::AppRoleAssignments,
                Dataset::RoleAssignments,
                Dataset::OAuth2PermissionGrants,
            ],
            peer_checks: &["ZTA 21836", "MT.1050", "MT.1051", "MT.1207", "MT.1209", "MT.1223"],
        },
        Meta {
            kind: rule::USER_CONSENT_ALLOWED,
            source: Steward,
            name: "Limit user consent to verified publishers and low-risk permissions",
            priority: Priority::High,
            rationale: "The tenant's authorization policy lets users consent to applications beyond verified publishers' low-risk permissions (microsoft-user-default-low). Consent phishing (illicit consent grants) turns one user's click into an app that reads their mail and files for as long as its refresh token lives.".into(),
            steps: &["Enterprise applications › Consent and permissions › User consent settings: choose 'Allow user consent for apps from verified publishers, for selected permissions', or 'Do not allow user consent'.", "Classify the low-risk permissions users may grant (Permission classifications).", "Turn on the admin consent workflow so users can ask for the rest."],
            needs: &[Dataset::AuthorizationPolicy],
            peer_checks: &["ZTA 21776", "CIPP OauthConsentLowSec"],
        },
        Meta {
            kind: rule::USERS_CAN_REGISTER_APPS,
            source: Steward,
            name: "Stop users from registering applications",
            priority: Priority::Medium,
            rationale: "Every user may register applications (defaultUserRolePermissions.allowedToCreateApps). Each app they create comes with its owner's rights to add secrets and ask for consent, outside the review of the teams that manage identities.".into(),
            steps: &["Users › User settings: set 'Users can register applications' to No.", "Grant Application Developer (ideally through PIM) to those who build apps."],
            needs: &[Dataset::AuthorizationPolicy],
            peer_checks: &["ZTA 21807", "ScubaGear MS.AAD.5.1", "CIS 5.1.2.2", "CIPP DisableAppCreation"],
        },
        Meta {
            kind: rule::ADMIN_CONSENT_WORKFLOW_DISABLED,
            source: Steward,
            name: "Turn on the admin consent workflow",
            priority: Priority::Medium,
            rationale: "Without the admin consent workflow (or without reviewers), users who may not consent are simply refused: they look for another way, or admins grant consent ad hoc without a record of who asked and why.".into(),
            steps: &["Enterprise applications › Consent and permissions › Admin consent settings: set 'Users can request admin consent' to Yes.", "Name reviewers (a group of Cloud Application Administrators), turn on notifications and reminders, and set the request expiry."],
            needs: &[Dataset::AdminConsentRequestPolicy],
            peer_checks: &["ZTA 21809", "ScubaGear MS.AAD.5.3", "CIS 5.1.5.2", "CIPP EnableAppConsentRequests"],
        },
        Meta {
            kind: rule::PENDING_CONSENT_REQUESTS,
            source: Steward,
            name: "Decide pending admin consent requests",
            priority: Priority::Low,
            rationale: "Users asked an admin to consent to an application and nobody has decided yet. Requests left open push users towards workarounds, and an unfamiliar app among them may be a consent-phishing attempt.".into(),
            steps: &["Enterprise applications › Admin consent requests: review each app's publisher and the permissions it asks for.", "Approve what the business needs with the narrowest permissions, deny the rest, with a note to the requesters."],
            needs: &[Dataset::AppConsentRequests],
            peer_checks: &["CIPP NewAppApproval"],
        },
        Meta {
            kind: rule::APP_MANAGEMENT_POLICY_WEAK,
            source: Steward,
            name: "Restrict app credentials with the tenant's app management policy",
            priority: Priority::Medium,
            rationale: format!("The tenant's default app management policy is disabled, or does not block new client secrets, limit secrets to {:.0} days and certificates to {:.0} days. Without it, anyone who may edit an app can add a long-lived secret.", tenant_policy::POLICY_SECRET_MAX_DAYS, tenant_policy::POLICY_CERTIFICATE_MAX_DAYS),
            steps: &["With Microsoft Graph (Policy.ReadWrite.ApplicationConfiguration), PATCH /policies/defaultAppManagementPolicy: isEnabled true; applicationRestrictions.passwordCredentials with passwordAddition (for apps created from a date you choose) and passwordLifetime P180D; keyCredentials with asymmetricKeyLifetime P365D.", "Exempt the apps that cannot do without secrets yet with a custom app management policy, and plan their move to certificates or federation."],
            needs: &[Dataset::DefaultAppManagementPolicy],
            peer_checks: &["ZTA 21775", "MT.1002", "ScubaGear MS.AAD.5.5", "ScubaGear MS.AAD.5.6", "ScubaGear MS.AAD.5.7", "CIPP AppManagementPolicy"],
        },
        Meta {
            kind: rule::OWNERLESS_APPS,
            source: Steward,
            name: "Assign owners to applications",
            priority: Priority::Low,
            rationale: "An app registration has no owner, so nobody is accountable for its credentials, permissions and lifecycle.".into(),
            steps: &["Add at least two owners (Owners blade of the app registration)."],
            needs: &[Dataset::Owners],
            peer_checks: &[],
        },
        Meta {
            kind: rule::UNSAFE_REDIRECT_URI,
            source: Steward,
            name: "Remove unsafe redirect URIs",
            priority: Priority::High,
            rationale: "A redirect URI uses plain http (other than the local machine), a wildcard, or a shared hosting domain such as *.azurewebsites.net, or (when a sync was asked to look names up) an own app's redirect host no longer resolves. Tokens and authorization codes go to that address: intercepted over http, sent to any host a wildcard matches, or to whoever claims or registers the name once it is freed.".into(),
            steps: &["Open the app registration's Authentication page and remove or correct each listed URI (https, exact host, a domain you own).", "For a domain that no longer resolves, remove the URI at once: whoever registers the name, or claims the deleted cloud resource behind it, receives the tokens.", "For another tenant's app, ask the vendor to fix its reply URLs, or disable the app until they do.", "To look for dangling domains, sync with `steward sync --resolve-redirect-domains` (or tick 'Look up redirect domains' in the window's sync dialog): your DNS resolver is asked about each redirect host."],
            needs: &[],
            peer_checks: &["ZTA 21885", "ZTA 21888", "ZTA 23183", "MT.1213"],
        },
        Meta {
            kind: rule::CA_BLOCKS_RISKY_IDENTITIES_MISSING,
            source: Steward,
            name: "Block risky workload identities with conditional access",
            priority: Priority::High,
            rationale: "No enabled conditional access policy blocks the tenant's service principals when Identity Protection rates them at high risk, or, when the tenant has agent identities, blocks agents at high agent risk: a compromised identity keeps getting tokens until somebody notices. Report-only and off policies block nothing. Risk conditions need Workload ID Premium.".into(),
            steps: &["Create a policy for workload identities that includes every service principal of the tenant, with the condition service principal risk High and the grant Block (Conditional access › New policy); run it report-only first and read the sign-in log.", "If the tenant has agent identities, create a policy that assigns all agent identities with agent risk High and Block (Entra admin center › Conditional Access).", "Turn the policies on once report-only shows no legitimate workload blocked."],
            needs: &[Dataset::ConditionalAccessPolicies],
            peer_checks: &["ZTA 21883", "ZTA 61012", "MT.1181", "ScubaGear MS.AAD.9.1"],
        },
        Meta {
            kind: rule::CREDENTIALS_OUTSIDE_LOCATION_POLICY,
            source: Steward,
            name: "Limit where credentials work with a location policy",
            priority: Priority::Medium,
            rationale: "A service principal of an app registered in this tenant holds a valid secret or certificate, and no enabled conditional access policy with a location condition covers it: a leaked credential works from anywhere. Report-only and off policies block nothing; managed identities and other organisations' apps cannot be covered and are not listed.".into(),
            steps: &["Create named locations for the networks the workloads run from (Conditional access › Named locations).", "Create a policy for workload identities that includes these service principals, targets any location except those named locations, and blocks; replay the cached sign-ins through it (Conditional access › Replay) before turning it on."],
            needs: &[Dataset::ConditionalAccessPolicies],
            peer_checks: &["ZTA 21884"],
        },
        Meta {
            kind: rule::INSTANCE_LOCK_MISSING,
            source: Steward,
            name: "Lock the properties of multitenant apps' instances",
            priority: Priority::Medium,
            rationale: "A multitenant app registration has no app instance property lock: an admin in another tenant where the app is installed can add credentials to its service principal there and act as the app in that tenant.".into(),
            steps: &["Open the app registration › Authentication › App instance property lock, and turn it on for all properties (or at least credentials)."],
            needs: &[],
            peer_checks: &["ZTA 21777"],
        },
        Meta {
            kind: rule::ASSIGNMENT_NOT_REQUIRED,
            source: Steward,
            name: "Require assignment for third-party apps, Microsoft's admin tools and agent blueprints",
            priority: Priority::Low,
            rationale: "Any user can sign in to this enabled enterprise application: another tenant's app anyone can consent to, or one of Microsoft's admin tools (Azure CLI, Azure PowerShell, Graph command-line tools, Graph Explorer) through which anyone with a role can act on the tenant from an unmanaged machine, or an agent identity blueprint's principal, whose agents' roles anyone could then obtain.".into(),
            steps: &["Enterprise applications › the app › Properties: set 'Assignment required?' to Yes.", "Assign the groups who use it (Users and groups)."],
            needs: &[],
            peer_checks: &["MT.1075", "MT.1186", "MT.1212"],
        },
        Meta {
            kind: rule::GUEST_OWNER,
            source: Steward,
            name: "Remove guest users from the owners of applications",
            priority: Priority::Medium,
            rationale: "A guest user (an account from another organisation) owns an app registration or enterprise application: they can add credentials and change it, and your tenant's lifecycle does not govern their account.".into(),
            steps: &["Replace the guest owner with an owner from your organisation.", "Review the credentials and changes the guest made (audit log, category ApplicationManagement)."],
            needs: &[Dataset::Owners],
            peer_checks: &["ZTA 21868"],
        },
        Meta {
            kind: rule::SINGLE_OWNER_APPS,
            source: Steward,
            name: "Give applications a second owner",
            priority: Priority::Low,
            rationale: "An app registration has exactly one owner: when that person leaves or is away, nobody answers for its credentials, permissions and lifecycle.".into(),
            steps: &["Add a second owner from the team that runs the workload (Owners blade of the app registration)."],
            needs: &[Dataset::Owners],
            peer_checks: &["ZTA 21867", "ZTA 24518"],
        },
        Meta {
            kind: rule::CLIENT_SECRETS,
            source: Steward,
            name: "Replace client secrets with certificates or federation",
            priority: Priority::Low,
            rationale: "An application or service principal signs in with a client secret: a shared string that can be copied from a script, a pipeline or a config file and used from anywhere. The long-lived, surplus and privileged cases are listed above at higher priority; this lists every secret still valid.".into(),
            steps: &["For workloads in Azure, use a managed identity; in GitHub Actions, Kubernetes or another cloud, a federated credential; elsewhere, a certificate kept in a key store.", "Once the workload signs in without it (check the sign-ins by key id), remove the secret."],
            needs: &[],
            peer_checks: &["ZTA 21772", "MT.1057"],
        },
        Meta {
            kind: rule::CERTIFICATE_ROTATION_DUE,
            source: Steward,
            name: "Rotate certificates at least every six months",
            priority: Priority::Low,
            rationale: format!("A valid certificate was issued more than {CERTIFICATE_ROTATION_DAYS} days ago, or is valid for more than {CERTIFICATE_ROTATION_DAYS} days ahead. Frequent rotation limits what a stolen private key is worth and keeps the rotation process exercised. SAML signing certificates are not listed."),
            steps: &["Issue certificates of at most six months from your key store and automate their rotation (for example Key Vault with auto-renewal).", "Add the new certificate, move the workload to it, and remove the old one."],
            needs: &[],
            peer_checks: &["ZTA 21773", "ZTA 21992"],
        },
        Meta {
            kind: rule::AGENT_WITHOUT_SPONSOR,
            source: Steward,
            name: "Assign sponsors to agent identities",
            priority: Priority::Medium,
            rationale: "An agent identity has no sponsor: nobody answers for what it does or decides when it should go.".into(),
            steps: &["Add a sponsor to the agent identity (Entra admin center › Agent ID › Sponsors)."],
            needs: &[Dataset::Sponsors],
            peer_checks: &[],
        },
        Meta {
            kind: rule::AGENT_BLUEPRINT_UNGOVERNED,
            source: Steward,
            name: "Govern agent blueprints and clean up agent identities",
            priority: Priority::Medium,
            rationale: "An Entra Agent ID object nobody answers for, or one left behind: a blueprint or blueprint principal without a sponsor or an owner, a blueprint principal whose blueprint is gone, or an agent identity without an owner, disabled but still in the directory, or whose blueprint principal is gone. Blueprints define what every agent made from them may do; orphans keep permissions nobody reviews.".into(),
            steps: &["Add sponsors (the people accountable) and owners (the technical administrators) to each blueprint and blueprint principal (Entra admin center › Agent ID).", "Add an owner to each agent identity.", "Delete agent identities that are disabled and no longer needed, and those whose blueprint or blueprint principal was deleted, after checking nothing still uses them."],
            needs: &[Dataset::Owners, Dataset::Sponsors],
            peer_checks: &["ZTA 61014", "MT.1204", "MT.1205", "MT.1200", "MT.1203"],
        },
    ]
}

/// Every recommendation type Steward computes, in display order.
pub fn recommendation_types() -> Vec<&'static str> {
    metas(&RecommendationSettings::default())
        .iter()
        .map(|m| m.kind)
        .collect()
}
