//! The rule catalogue: Entra's thresholds, each rule's id, and what the window shows for it
//! (title, source, priority, rationale, steps), defined once for every check Steward computes.

use super::{Priority, RecommendationSettings, RecommendationSource};

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
}

pub(super) struct Meta {
    pub(super) kind: &'static str,
    pub(super) source: RecommendationSource,
    pub(super) name: &'static str,
    pub(super) priority: Priority,
    pub(super) rationale: String,
    pub(super) steps: &'static [&'static str],
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
        },
        Meta {
            kind: rule::SERVICE_PRINCIPAL_KEY_EXPIRY,
            source: EntraRule,
            name: "Renew expiring service principal credentials",
            priority: Priority::High,
            rationale: format!("A credential on a service principal (often a SAML signing certificate) expires within {EXPIRY_DAYS} days. As in Entra, the impacted resource is the application."),
            steps: &["Open the enterprise application and create a new certificate (Single sign-on › SAML certificates) or credential.", "Make it active, update the partner or workload that relies on it, and confirm the new key id in sign-ins.", "Remove the expiring credential."],
        },
        Meta {
            kind: rule::STALE_APPS,
            source: EntraRule,
            name: "Remove unused applications",
            priority: Priority::Medium,
            rationale: format!("No successful sign-in as a client and no token issued for it as a resource for more than {STALE_APP_DAYS} days, and created more than {STALE_APP_DAYS} days ago. Exempt as in Entra: Microsoft apps, managed identities, Application Proxy apps and apps created within {STALE_APP_DAYS} days."),
            steps: &["Confirm with the owners that nothing depends on the app.", "Disable its service principal (Enterprise applications › Properties › Enabled for users to sign in: No) and wait a few weeks.", "Delete the app registration; it stays restorable for 30 days."],
        },
        Meta {
            kind: rule::STALE_APP_CREDS,
            source: EntraRule,
            name: "Remove unused credentials from applications",
            priority: Priority::Medium,
            rationale: format!("A valid credential has not been used to sign in for more than {STALE_CREDENTIAL_DAYS} days. Unused credentials are attack surface with no benefit. Expired credentials and credentials added within {STALE_CREDENTIAL_DAYS} days are not listed."),
            steps: &["Check with the owners that no workload still holds the credential.", "Remove it from Certificates & secrets of the app (or the service principal)."],
        },
        Meta {
            kind: rule::CREDENTIAL_ON_MICROSOFT_APP,
            source: Steward,
            name: "Investigate credentials on Microsoft first-party service principals",
            priority: Priority::High,
            rationale: "Microsoft's own applications never need a credential added in your tenant. A secret or certificate on one lets its holder act with the app's permissions and is a known backdoor pattern.".into(),
            steps: &["Find who added the credential (audit log, category ApplicationManagement, 'Update service principal').", "If nobody can account for it, treat the tenant as compromised: remove the credential and follow your incident process."],
        },
        Meta {
            kind: rule::PRIVILEGED_WITH_SECRET,
            source: Steward,
            name: "Use certificates or federation for privileged identities",
            priority: Priority::High,
            rationale: "An identity holding a privileged directory role or a high-risk Microsoft Graph permission signs in with a client secret. Secrets are easily copied and leaked; certificates and federated credentials are not.".into(),
            steps: &["Add a certificate (ideally in Key Vault) or a federated credential to the app.", "Move the workload to it, then remove the secrets."],
        },
        Meta {
            kind: rule::PRIVILEGED_UNUSED,
            source: Steward,
            name: "Remove privileges from unused identities",
            priority: Priority::High,
            rationale: format!("An identity holds a privileged directory role or a high-risk Graph permission but has not signed in successfully for more than {PRIVILEGED_UNUSED_DAYS} days."),
            steps: &["Remove the role assignment or revoke the application permission.", "If the identity is not needed at all, disable and then delete it."],
        },
        Meta {
            kind: rule::FEDERATED_SUBJECT_MISMATCH,
            source: Steward,
            name: "Fix federated credentials that no longer match",
            priority: Priority::High,
            rationale: format!("Sign-ins of this app failed within the last {FEDERATION_FAILURE_DAYS} days because no federated credential matched the token (AADSTS70021/700211/700212/700213). A common cause: a GitHub repository renamed or transferred, whose tokens now carry the ID-based subject `repo:owner@id/repo@id:…`."),
            steps: &["Compare the failing token's subject (sign-in failure reason) with the federated credential's subject.", "Update the subject (or use the new ID-based GitHub format), then delete credentials that match nothing."],
        },
        Meta {
            kind: rule::CREDENTIALS_ON_SERVICE_PRINCIPAL,
            source: Steward,
            name: "Move credentials from service principals to their app",
            priority: Priority::Medium,
            rationale: "A secret or certificate sits on the service principal instead of the app registration. Such credentials do not appear on the app's Certificates & secrets page, so they escape review; attackers use them for persistence. SAML signing certificates are not listed.".into(),
            steps: &["Add the credential to the app registration instead and move the workload to it.", "Remove the service principal's credential (Graph: removePassword / removeKey on the servicePrincipal)."],
        },
        Meta {
            kind: rule::LONG_LIVED_SECRETS,
            source: Steward,
            name: "Shorten long-lived client secrets",
            priority: Priority::Medium,
            rationale: format!("A valid client secret's lifetime is more than {} days. The longer a secret lives, the longer a leaked copy works.", s.secret_max_days),
            steps: &["Replace the secret with a certificate or a federated credential, or at least with a secret of shorter life.", "Enforce a maximum lifetime with an app management policy."],
        },
        Meta {
            kind: rule::LONG_LIVED_CERTIFICATES,
            source: Steward,
            name: "Shorten long-lived certificates",
            priority: Priority::Low,
            rationale: format!("A valid certificate's lifetime is more than {} days.", s.certificate_max_days),
            steps: &["Issue a certificate of shorter life and automate its rotation (for example from Key Vault)."],
        },
        Meta {
            kind: rule::MULTIPLE_ACTIVE_SECRETS,
            source: Steward,
            name: "Remove surplus secrets",
            priority: Priority::Medium,
            rationale: format!("An app holds {MULTIPLE_SECRETS} or more valid secrets. One, plus one during a rotation, is all a workload needs; the rest are forgotten copies."),
            steps: &["Find which secret the workload uses (sign-in log, credential key id).", "Remove the others."],
        },
        Meta {
            kind: rule::DISABLED_WITH_CREDENTIALS,
            source: Steward,
            name: "Remove credentials from disabled service principals",
            priority: Priority::Medium,
            rationale: "The service principal is disabled but it or its app still holds valid credentials. Re-enabling it would restore their access at once.".into(),
            steps: &["If the identity stays disabled, remove its credentials (or delete it)."],
        },
        Meta {
            kind: rule::OWNERLESS_APPS,
            source: Steward,
            name: "Assign owners to applications",
            priority: Priority::Low,
            rationale: "An app registration has no owner, so nobody is accountable for its credentials, permissions and lifecycle.".into(),
            steps: &["Add at least two owners (Owners blade of the app registration)."],
        },
        Meta {
            kind: rule::AGENT_WITHOUT_SPONSOR,
            source: Steward,
            name: "Assign sponsors to agent identities",
            priority: Priority::Medium,
            rationale: "An agent identity has no sponsor: nobody answers for what it does or decides when it should go.".into(),
            steps: &["Add a sponsor to the agent identity (Entra admin center › Agent ID › Sponsors)."],
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
