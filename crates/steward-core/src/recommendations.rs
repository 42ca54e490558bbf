//! App-health recommendations computed locally from the cache (domain.md §2): Entra's own types
//! with Entra's thresholds and exemptions, and Steward's own checks, each with the evidence that
//! triggered it. A pure function of the cache, the settings and an `as_of` instant.
//!
//! "Last use" joins the cached sign-ins (roll-ups kept at ingest) with Graph's usage reports,
//! which reach back further than the 30-day log. Where neither covers the period a verdict
//! needs, the resource is "undetermined — not enough history", never "unused".

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::{rfc3339_ms, to_ms};
use crate::model::HIGH_RISK_PERMISSIONS;
use crate::store::insights::{self, RecommendationState};
use crate::store::TenantKey;
use crate::{Error, Result};

use crate::clock::DAY_MS;

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
/// Graph datasets whose presence means last use is known beyond the sign-in log.
pub const ACTIVITY_REPORT_DATASET: &str = "servicePrincipalSignInActivities";
pub const CREDENTIAL_REPORT_DATASET: &str = "appCredentialSignInActivities";
/// Entra's own recommendations (`directory/recommendations`).
pub const DIRECTORY_RECOMMENDATIONS_DATASET: &str = "directoryRecommendations";
/// Application Proxy apps are exempt from `staleApps`; their SP carries this tag.
const APP_PROXY_TAG: &str = "WindowsAzureActiveDirectoryOnPremApp";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RecommendationStatus {
    Active,
    Dismissed,
    Postponed,
    Completed,
}

impl RecommendationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecommendationStatus::Active => "active",
            RecommendationStatus::Dismissed => "dismissed",
            RecommendationStatus::Postponed => "postponed",
            RecommendationStatus::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<RecommendationStatus> {
        [
            RecommendationStatus::Active,
            RecommendationStatus::Dismissed,
            RecommendationStatus::Postponed,
            RecommendationStatus::Completed,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// Where a recommendation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RecommendationSource {
    /// One of Entra's recommendation types, computed by Steward from the cache.
    EntraRule,
    /// A check of Steward's own.
    Steward,
    /// One of Entra's recommendations as Entra reported it (synced), of a type Steward does not
    /// compute itself.
    EntraSynced,
}

/// What Entra itself reported for a recommendation type, when directory recommendations are
/// synced: shown beside Steward's local verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EntraView {
    /// Entra's status: active, completedBySystem, completedByUser, dismissed, postponed.
    pub status: String,
    /// Impacted resources Entra lists as active.
    pub impacted_total: i64,
    pub last_checked: Option<String>,
}

/// Thresholds an admin may change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RecommendationSettings {
    /// Longest acceptable lifetime of a client secret, in days.
    pub secret_max_days: i64,
    /// Longest acceptable lifetime of a certificate, in days.
    pub certificate_max_days: i64,
}

impl Default for RecommendationSettings {
    fn default() -> Self {
        RecommendationSettings {
            secret_max_days: 180,
            certificate_max_days: 365,
        }
    }
}

/// One fact behind a verdict, e.g. "Last sign-in (cached log)" → "2026-08-01 (117 days ago)".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImpactedResource {
    /// The object id of the impacted application or service principal (for
    /// `servicePrincipalKeyExpiry`, the application, as Entra reports it).
    pub id: String,
    /// `application` or `servicePrincipal`.
    pub resource_type: String,
    pub display_name: String,
    pub app_id: Option<String>,
    /// The service principal to open in Steward's identity view, when there is one.
    pub service_principal_id: Option<String>,
    pub credential_key_id: Option<String>,
    pub evidence: Vec<Evidence>,
    pub owners: Vec<String>,
    pub portal_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// Graph's `recommendationType` for Entra's types; a camelCase name for Steward's own.
    #[serde(rename = "type")]
    pub recommendation_type: String,
    pub source: RecommendationSource,
    pub display_name: String,
    pub priority: Priority,
    pub status: RecommendationStatus,
    pub postpone_until: Option<String>,
    /// Why it matters and what triggers it, thresholds included.
    pub rationale: String,
    /// The fix, in the admin's words.
    pub action_steps: Vec<String>,
    pub impacted_total: i64,
    pub impacted: Vec<ImpactedResource>,
    /// Resources the cache cannot judge (not enough history), kept apart from the verdict.
    pub undetermined_total: i64,
    pub undetermined: Vec<ImpactedResource>,
    pub undetermined_reason: Option<String>,
    /// Entra's own result for this type, when synced.
    pub entra: Option<EntraView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RecommendationReport {
    pub tenant_id: String,
    pub as_of: String,
    /// The oldest sign-in the cache holds for this tenant.
    pub history_from: Option<String>,
    /// Whether Graph's usage reports are in the cache (last use known beyond the log).
    pub activity_report: bool,
    pub settings: RecommendationSettings,
    pub recommendations: Vec<Recommendation>,
}

/// What the admin does to a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum StatusChange {
    Dismiss,
    /// Postpone until a date `YYYY-MM-DD` or RFC 3339 instant; active again from then.
    Postpone {
        until: String,
    },
    /// Completed; active again once a resource not impacted now shows up.
    Complete,
    Reactivate,
}

struct Meta {
    kind: &'static str,
    source: RecommendationSource,
    name: &'static str,
    priority: Priority,
    rationale: String,
    steps: &'static [&'static str],
}

fn metas(s: &RecommendationSettings) -> Vec<Meta> {
    use RecommendationSource::{EntraRule, Steward};
    vec![
        Meta {
            kind: "applicationCredentialExpiry",
            source: EntraRule,
            name: "Renew expiring application credentials",
            priority: Priority::High,
            rationale: format!("A secret or certificate on an app registration expires within {EXPIRY_DAYS} days; when it lapses, the app can no longer get tokens. Credentials already expired are not listed."),
            steps: &["Open the app registration and add a new certificate (preferred) or secret under Certificates & secrets.", "Roll the new credential out to every workload that uses the app, and confirm in the sign-in log that the new key id is used.", "Remove the expiring credential."],
        },
        Meta {
            kind: "servicePrincipalKeyExpiry",
            source: EntraRule,
            name: "Renew expiring service principal credentials",
            priority: Priority::High,
            rationale: format!("A credential on a service principal (often a SAML signing certificate) expires within {EXPIRY_DAYS} days. As in Entra, the impacted resource is the application."),
            steps: &["Open the enterprise application and create a new certificate (Single sign-on › SAML certificates) or credential.", "Make it active, update the partner or workload that relies on it, and confirm the new key id in sign-ins.", "Remove the expiring credential."],
        },
        Meta {
            kind: "staleApps",
            source: EntraRule,
            name: "Remove unused applications",
            priority: Priority::Medium,
            rationale: format!("No successful sign-in as a client and no token issued for it as a resource for more than {STALE_APP_DAYS} days, and created more than {STALE_APP_DAYS} days ago. Exempt as in Entra: Microsoft apps, managed identities, Application Proxy apps and apps created within {STALE_APP_DAYS} days."),
            steps: &["Confirm with the owners that nothing depends on the app.", "Disable its service principal (Enterprise applications › Properties › Enabled for users to sign in: No) and wait a few weeks.", "Delete the app registration; it stays restorable for 30 days."],
        },
        Meta {
            kind: "staleAppCreds",
            source: EntraRule,
            name: "Remove unused credentials from applications",
            priority: Priority::Medium,
            rationale: format!("A valid credential has not been used to sign in for more than {STALE_CREDENTIAL_DAYS} days. Unused credentials are attack surface with no benefit. Expired credentials and credentials added within {STALE_CREDENTIAL_DAYS} days are not listed."),
            steps: &["Check with the owners that no workload still holds the credential.", "Remove it from Certificates & secrets of the app (or the service principal)."],
        },
        Meta {
            kind: "credentialOnMicrosoftApp",
            source: Steward,
            name: "Investigate credentials on Microsoft first-party service principals",
            priority: Priority::High,
            rationale: "Microsoft's own applications never need a credential added in your tenant. A secret or certificate on one lets its holder act with the app's permissions and is a known backdoor pattern.".into(),
            steps: &["Find who added the credential (audit log, category ApplicationManagement, 'Update service principal').", "If nobody can account for it, treat the tenant as compromised: remove the credential and follow your incident process."],
        },
        Meta {
            kind: "privilegedWithSecret",
            source: Steward,
            name: "Use certificates or federation for privileged identities",
            priority: Priority::High,
            rationale: "An identity holding a privileged directory role or a high-risk Microsoft Graph permission signs in with a client secret. Secrets are easily copied and leaked; certificates and federated credentials are not.".into(),
            steps: &["Add a certificate (ideally in Key Vault) or a federated credential to the app.", "Move the workload to it, then remove the secrets."],
        },
        Meta {
            kind: "privilegedUnused",
            source: Steward,
            name: "Remove privileges from unused identities",
            priority: Priority::High,
            rationale: format!("An identity holds a privileged directory role or a high-risk Graph permission but has not signed in successfully for more than {PRIVILEGED_UNUSED_DAYS} days."),
            steps: &["Remove the role assignment or revoke the application permission.", "If the identity is not needed at all, disable and then delete it."],
        },
        Meta {
            kind: "federatedSubjectMismatch",
            source: Steward,
            name: "Fix federated credentials that no longer match",
            priority: Priority::High,
            rationale: format!("Sign-ins of this app failed within the last {FEDERATION_FAILURE_DAYS} days because no federated credential matched the token (AADSTS70021/700211/700212/700213). A common cause: a GitHub repository renamed or transferred, whose tokens now carry the ID-based subject `repo:owner@id/repo@id:…`."),
            steps: &["Compare the failing token's subject (sign-in failure reason) with the federated credential's subject.", "Update the subject (or use the new ID-based GitHub format), then delete credentials that match nothing."],
        },
        Meta {
            kind: "credentialsOnServicePrincipal",
            source: Steward,
            name: "Move credentials from service principals to their app",
            priority: Priority::Medium,
            rationale: "A secret or certificate sits on the service principal instead of the app registration. Such credentials do not appear on the app's Certificates & secrets page, so they escape review; attackers use them for persistence. SAML signing certificates are not listed.".into(),
            steps: &["Add the credential to the app registration instead and move the workload to it.", "Remove the service principal's credential (Graph: removePassword / removeKey on the servicePrincipal)."],
        },
        Meta {
            kind: "longLivedSecrets",
            source: Steward,
            name: "Shorten long-lived client secrets",
            priority: Priority::Medium,
            rationale: format!("A valid client secret's lifetime is more than {} days. The longer a secret lives, the longer a leaked copy works.", s.secret_max_days),
            steps: &["Replace the secret with a certificate or a federated credential, or at least with a secret of shorter life.", "Enforce a maximum lifetime with an app management policy."],
        },
        Meta {
            kind: "longLivedCertificates",
            source: Steward,
            name: "Shorten long-lived certificates",
            priority: Priority::Low,
            rationale: format!("A valid certificate's lifetime is more than {} days.", s.certificate_max_days),
            steps: &["Issue a certificate of shorter life and automate its rotation (for example from Key Vault)."],
        },
        Meta {
            kind: "multipleActiveSecrets",
            source: Steward,
            name: "Remove surplus secrets",
            priority: Priority::Medium,
            rationale: format!("An app holds {MULTIPLE_SECRETS} or more valid secrets. One, plus one during a rotation, is all a workload needs; the rest are forgotten copies."),
            steps: &["Find which secret the workload uses (sign-in log, credential key id).", "Remove the others."],
        },
        Meta {
            kind: "disabledWithCredentials",
            source: Steward,
            name: "Remove credentials from disabled service principals",
            priority: Priority::Medium,
            rationale: "The service principal is disabled but it or its app still holds valid credentials. Re-enabling it would restore their access at once.".into(),
            steps: &["If the identity stays disabled, remove its credentials (or delete it)."],
        },
        Meta {
            kind: "ownerlessApps",
            source: Steward,
            name: "Assign owners to applications",
            priority: Priority::Low,
            rationale: "An app registration has no owner, so nobody is accountable for its credentials, permissions and lifecycle.".into(),
            steps: &["Add at least two owners (Owners blade of the app registration)."],
        },
        Meta {
            kind: "agentWithoutSponsor",
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

/// One credential as the rules need it.
struct Cred {
    owner_id: String,
    owner_type: String,
    key_id: String,
    credential_type: String,
    name: Option<String>,
    thumbprint: Option<String>,
    usage: Option<String>,
    start: Option<i64>,
    end: Option<i64>,
    owner_name: String,
    app_id: Option<String>,
    /// For a service principal's credential: its ownership class and kind.
    sp_ownership: Option<String>,
    sp_kind: Option<String>,
    last_used: Option<i64>,
    graph_last_used: Option<i64>,
}

struct Ctx<'c> {
    conn: &'c Connection,
    key: TenantKey,
    as_of: i64,
    /// The oldest cached sign-in.
    history_from: Option<i64>,
    activity_report: bool,
    credential_report: bool,
    /// appId → (object id, name) of the tenant's active applications, read once when first asked.
    apps_by_app_id: std::cell::OnceCell<HashMap<String, (String, String)>>,
    /// appId → object id of its active service principal, as looked up so far.
    sps_by_app_id: std::cell::RefCell<HashMap<String, Option<String>>>,
    /// object id → owners' names (sorted), read once when first asked.
    owners_by_object: std::cell::OnceCell<HashMap<String, Vec<String>>>,
}

impl<'c> Ctx<'c> {
    fn new(conn: &'c Connection, key: TenantKey, as_of: i64) -> Result<Ctx<'c>> {
        Ok(Ctx {
            conn,
            key,
            as_of,
            history_from: crate::store::sign_ins::history_from(conn, key)?,
            activity_report: insights::dataset_synced_at(conn, key, ACTIVITY_REPORT_DATASET)?
                .is_some(),
            credential_report: insights::dataset_synced_at(conn, key, CREDENTIAL_REPORT_DATASET)?
                .is_some(),
            apps_by_app_id: std::cell::OnceCell::new(),
            sps_by_app_id: std::cell::RefCell::new(HashMap::new()),
            owners_by_object: std::cell::OnceCell::new(),
        })
    }
}

impl Ctx<'_> {
    /// Whether usage evidence covers `[as_of - days, as_of]`.
    fn covers(&self, days: i64, credential: bool) -> bool {
        let report = if credential {
            self.credential_report
        } else {
            self.activity_report
        };
        report
            || self
                .history_from
                .is_some_and(|f| f <= self.as_of - days * DAY_MS)
    }

    fn not_enough_history(&self, days: i64, credential: bool) -> String {
        let report = if credential {
            CREDENTIAL_REPORT_DATASET
        } else {
            ACTIVITY_REPORT_DATASET
        };
        match self.history_from {
            Some(f) => format!(
                "Not enough history: the cache holds sign-ins from {} only ({} days before the as-of date), and Graph's {report} report is not synced. A verdict needs {days} days; sync that report or wait for more history.",
                date(f),
                (self.as_of - f).div_euclid(DAY_MS)
            ),
            None => format!(
                "Not enough history: the cache holds no sign-ins for this tenant and Graph's {report} report is not synced. Sync sign-ins and that report to judge use."
            ),
        }
    }

    /// The owners of an object, by name. The first call reads every owner of the tenant in one
    /// scan: the enrichment asks for thousands.
    fn owners(&self, object_id: &str) -> Result<Vec<String>> {
        if self.owners_by_object.get().is_none() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT object_id, display_name FROM owners WHERE tenant = ?1 AND relation = 'owner'
                 ORDER BY object_id, display_name",
            )?;
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            let mut rows = stmt.query([self.key.0])?;
            while let Some(r) = rows.next()? {
                map.entry(r.get(0)?).or_default().push(r.get(1)?);
            }
            let _ = self.owners_by_object.set(map);
        }
        Ok(self
            .owners_by_object
            .get()
            .and_then(|m| m.get(object_id))
            .cloned()
            .unwrap_or_default())
    }

    /// The own-tenant application behind an appId: (object id, display name). The first call
    /// reads every active application in one scan; checks ask for many.
    fn application_of(&self, app_id: &str) -> Result<Option<(String, String)>> {
        if self.apps_by_app_id.get().is_none() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT app_id, id, display_name FROM applications
                 WHERE tenant = ?1 AND deleted IS NULL ORDER BY id DESC",
            )?;
            let mut map = HashMap::new();
            let mut rows = stmt.query([self.key.0])?;
            while let Some(r) = rows.next()? {
                // Ordered so that the lowest object id wins where an appId repeats.
                map.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
            }
            let _ = self.apps_by_app_id.set(map);
        }
        Ok(self
            .apps_by_app_id
            .get()
            .and_then(|m| m.get(app_id))
            .cloned())
    }

    /// The active service principal of an appId in this tenant, memoised: the enrichment asks
    /// for a few thousand, far fewer than a tenant holds.
    fn service_principal_of(&self, app_id: &str) -> Result<Option<String>> {
        if let Some(v) = self.sps_by_app_id.borrow().get(app_id) {
            return Ok(v.clone());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM service_principals WHERE tenant = ?1 AND app_id = ?2
             AND deleted IS NULL ORDER BY id LIMIT 1",
        )?;
        let v: Option<String> = stmt
            .query_row(params![self.key.0, app_id], |r| r.get(0))
            .optional()?;
        self.sps_by_app_id
            .borrow_mut()
            .insert(app_id.to_string(), v.clone());
        Ok(v)
    }

    fn application_resource(
        &self,
        id: &str,
        app_id: &str,
        name: &str,
        evidence: Vec<Evidence>,
    ) -> Result<ImpactedResource> {
        // Owners and the service principal are looked up by `enrich`, only for what is shown.
        Ok(ImpactedResource {
            id: id.into(),
            resource_type: "application".into(),
            display_name: name.into(),
            app_id: Some(app_id.into()),
            service_principal_id: None,
            credential_key_id: None,
            evidence,
            owners: Vec::new(),
            portal_url: app_url(app_id),
        })
    }

    fn sp_resource(
        &self,
        id: &str,
        app_id: &str,
        name: &str,
        evidence: Vec<Evidence>,
    ) -> Result<ImpactedResource> {
        Ok(ImpactedResource {
            id: id.into(),
            resource_type: "servicePrincipal".into(),
            display_name: name.into(),
            app_id: Some(app_id.into()),
            service_principal_id: Some(id.into()),
            credential_key_id: None,
            evidence,
            owners: Vec::new(),
            portal_url: sp_url(id, app_id),
        })
    }

    /// Fills in what needs a lookup per resource (owners, the service principal of an app), once
    /// the list has been cut to what is returned.
    fn enrich(&self, r: &mut ImpactedResource) -> Result<()> {
        let app_id = r.app_id.clone().unwrap_or_default();
        if r.service_principal_id.is_none() && !app_id.is_empty() {
            r.service_principal_id = self.service_principal_of(&app_id)?;
        }
        let holder = match (&r.credential_key_id, r.resource_type.as_str()) {
            // An SP credential reported against its application: the SP's owners first.
            (Some(_), "application") if r.portal_url.contains("ManagedAppMenuBlade") => r
                .service_principal_id
                .clone()
                .unwrap_or_else(|| r.id.clone()),
            _ => r.id.clone(),
        };
        r.owners = self.owners(&holder)?;
        if r.owners.is_empty() && holder != r.id {
            r.owners = self.owners(&r.id)?;
        }
        if r.owners.is_empty() && r.resource_type == "servicePrincipal" && !app_id.is_empty() {
            if let Some((app, _)) = self.application_of(&app_id)? {
                r.owners = self.owners(&app)?;
            }
        }
        Ok(())
    }

    /// The resource a credential sits on, with the credential's own facts first.
    fn credential_resource(
        &self,
        c: &Cred,
        mut evidence: Vec<Evidence>,
    ) -> Result<ImpactedResource> {
        let mut facts = vec![ev(
            "Credential",
            format!(
                "{} {} (key id {})",
                if c.credential_type == "certificate" {
                    "Certificate"
                } else {
                    "Secret"
                },
                c.name
                    .as_deref()
                    .map_or("without a name".to_string(), |n| format!("“{n}”")),
                c.key_id
            ),
        )];
        facts.append(&mut evidence);
        let app_id = c.app_id.clone().unwrap_or_default();
        let mut r = if c.owner_type == "application" {
            self.application_resource(&c.owner_id, &app_id, &c.owner_name, facts)?
        } else {
            self.sp_resource(&c.owner_id, &app_id, &c.owner_name, facts)?
        };
        r.credential_key_id = Some(c.key_id.clone());
        Ok(r)
    }

    fn ago(&self, t: i64) -> String {
        let days = (self.as_of - t).div_euclid(DAY_MS);
        if days >= 0 {
            format!("{} ({days} days ago)", date(t))
        } else {
            format!("{} (after the as-of date)", date(t))
        }
    }

    fn ahead(&self, t: i64) -> String {
        let days = (t - self.as_of).div_euclid(DAY_MS);
        format!("{} (in {days} days)", date(t))
    }

    fn last_use_evidence(&self, label: &str, t: Option<i64>) -> Evidence {
        ev(
            label,
            match (t, self.history_from) {
                (Some(t), _) => self.ago(t),
                (None, Some(f)) => format!("none since {} (start of the cached log)", date(f)),
                (None, None) => "none (no sign-ins cached)".into(),
            },
        )
    }
}

fn ev(label: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        label: label.into(),
        value: value.into(),
    }
}

fn date(ms: i64) -> String {
    rfc3339_ms(ms).chars().take(10).collect()
}

/// Percent-encodes anything but unreserved characters: ids come from the tenant.
fn url_part(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The app registration in the Entra admin center.
pub fn app_url(app_id: &str) -> String {
    format!(
        "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/{}",
        url_part(app_id)
    )
}

/// The enterprise application (service principal) in the Entra admin center.
pub fn sp_url(id: &str, app_id: &str) -> String {
    format!(
        "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/objectId/{}/appId/{}",
        url_part(id),
        url_part(app_id)
    )
}

/// The latest of several optional instants, ignoring any after `as_of`'s knowledge is moot:
/// roll-ups keep the latest use overall, so a use after `as_of` still proves the object alive.
fn latest(values: &[Option<i64>]) -> Option<i64> {
    values.iter().flatten().copied().max()
}

/// Computes every recommendation for one tenant. `limit` caps the impacted and undetermined
/// resources returned per recommendation (totals are always exact); `None` returns them all.
/// On a cache file half the checks run on a second connection, so do not call this inside an
/// uncommitted write transaction: that connection would not see its changes.
pub fn recommendations(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    as_of: DateTime<Utc>,
    settings: &RecommendationSettings,
    limit: Option<usize>,
) -> Result<RecommendationReport> {
    let as_of_ms = to_ms(as_of);
    let ctx = Ctx::new(conn, key, as_of_ms)?;
    let history_from = ctx.history_from;
    // A cache file gets a second connection: the checks that need no credentials (and one that
    // does) run on it in parallel. An in-memory cache (tests) runs them all here, in turn.
    let second = conn
        .path()
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from);
    let mut found = match second {
        Some(path) => std::thread::scope(|scope| -> Result<Found> {
            let other = scope.spawn(move || -> Result<Found> {
                let conn = crate::store::open(&path)?;
                let ctx = Ctx::new(&conn, key, as_of_ms)?;
                checks_b(&ctx)
            });
            let mut found = checks_a(&ctx, settings)?;
            let b = other.join().map_err(|_| {
                Error::InvalidInput(
                    "a recommendation check failed unexpectedly; try again, and report it if it persists"
                        .into(),
                )
            })??;
            found.extend(b);
            Ok(found)
        })?,
        None => {
            let mut found = checks_a(&ctx, settings)?;
            found.extend(checks_b(&ctx)?);
            found
        }
    };

    let states: HashMap<String, RecommendationState> =
        insights::list_recommendation_states(conn, key)?
            .into_iter()
            .map(|s| (s.recommendation_type.clone(), s))
            .collect();
    let mut out = Vec::new();
    for m in metas(settings) {
        let (mut impacted, mut undetermined) = found.remove(m.kind).unwrap_or_default();
        let (status, postpone_until) = effective_status(states.get(m.kind), &impacted, as_of_ms);
        let undetermined_reason = (!undetermined.is_empty()).then(|| {
            ctx.not_enough_history(
                if m.kind == "staleAppCreds" {
                    STALE_CREDENTIAL_DAYS
                } else {
                    STALE_APP_DAYS
                },
                m.kind == "staleAppCreds",
            )
        });
        let impacted_total = impacted.len() as i64;
        let undetermined_total = undetermined.len() as i64;
        // Only what is returned needs ordering: pick the first `limit` without sorting the rest.
        first_in_order(&mut impacted, limit);
        first_in_order(&mut undetermined, limit);
        for r in impacted.iter_mut().chain(undetermined.iter_mut()) {
            ctx.enrich(r)?;
        }
        out.push(Recommendation {
            recommendation_type: m.kind.into(),
            source: m.source,
            display_name: m.name.into(),
            priority: m.priority,
            status,
            postpone_until: postpone_until.map(rfc3339_ms),
            rationale: m.rationale,
            action_steps: m.steps.iter().map(|s| s.to_string()).collect(),
            impacted_total,
            impacted,
            undetermined_total,
            undetermined,
            undetermined_reason,
            entra: None,
        });
    }
    synced(&ctx, &states, &mut out, limit)?;
    Ok(RecommendationReport {
        tenant_id: tenant_id.into(),
        as_of: crate::clock::rfc3339(as_of),
        history_from: history_from.map(rfc3339_ms),
        activity_report: ctx.activity_report,
        settings: *settings,
        recommendations: out,
    })
}

/// Impacted and undetermined resources per recommendation type.
type Found = HashMap<&'static str, (Vec<ImpactedResource>, Vec<ImpactedResource>)>;

/// The checks over the tenant's credentials.
fn checks_a(ctx: &Ctx<'_>, settings: &RecommendationSettings) -> Result<Found> {
    let creds = load_credentials(ctx)?;
    let mut found: Found = HashMap::new();
    found.insert(
        "applicationCredentialExpiry",
        (expiring(ctx, &creds, "application")?, vec![]),
    );
    found.insert(
        "servicePrincipalKeyExpiry",
        (expiring(ctx, &creds, "servicePrincipal")?, vec![]),
    );
    found.insert("staleAppCreds", stale_credentials(ctx, &creds)?);
    found.insert(
        "credentialOnMicrosoftApp",
        (on_microsoft_apps(ctx, &creds)?, vec![]),
    );
    found.insert(
        "credentialsOnServicePrincipal",
        (on_service_principals(ctx, &creds)?, vec![]),
    );
    found.insert(
        "longLivedSecrets",
        (
            long_lived(ctx, &creds, "secret", settings.secret_max_days)?,
            vec![],
        ),
    );
    found.insert(
        "longLivedCertificates",
        (
            long_lived(ctx, &creds, "certificate", settings.certificate_max_days)?,
            vec![],
        ),
    );
    found.insert(
        "multipleActiveSecrets",
        (multiple_secrets(ctx, &creds)?, vec![]),
    );
    found.insert(
        "disabledWithCredentials",
        (disabled_with_credentials(ctx, &creds)?, vec![]),
    );
    Ok(found)
}

/// The checks over applications, roles and the sign-in roll-ups (the privileged ones read the
/// credentials on their own).
fn checks_b(ctx: &Ctx<'_>) -> Result<Found> {
    let mut found: Found = HashMap::new();
    found.insert("staleApps", stale_apps(ctx)?);
    let creds = load_credentials(ctx)?;
    let (with_secret, unused, unknown) = privileged(ctx, &creds)?;
    found.insert("privilegedWithSecret", (with_secret, vec![]));
    found.insert("privilegedUnused", (unused, unknown));
    found.insert(
        "federatedSubjectMismatch",
        (federation_failures(ctx)?, vec![]),
    );
    found.insert("ownerlessApps", (ownerless(ctx)?, vec![]));
    found.insert(
        "agentWithoutSponsor",
        (agents_without_sponsor(ctx)?, vec![]),
    );
    Ok(found)
}

/// Impacted resources in the order the window lists them: by name (case-insensitive), then id,
/// then credential. Compares without allocating.
fn in_list_order(a: &ImpactedResource, b: &ImpactedResource) -> std::cmp::Ordering {
    a.display_name
        .chars()
        .flat_map(char::to_lowercase)
        .cmp(b.display_name.chars().flat_map(char::to_lowercase))
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.credential_key_id.cmp(&b.credential_key_id))
}

/// Keeps the first `limit` resources in list order (all when `None`), sorted.
fn first_in_order(list: &mut Vec<ImpactedResource>, limit: Option<usize>) {
    if let Some(n) = limit {
        if n == 0 {
            list.clear();
            return;
        }
        if list.len() > n {
            list.select_nth_unstable_by(n - 1, in_list_order);
            list.truncate(n);
        }
    }
    list.sort_by(in_list_order);
}

/// Adds Entra's synced recommendations: beside the computed one of the same type, or as rows of
/// their own for types Steward does not compute (e.g. ADAL or Azure AD Graph use, which the
/// sign-in log does not show).
fn synced(
    ctx: &Ctx<'_>,
    states: &HashMap<String, RecommendationState>,
    out: &mut Vec<Recommendation>,
    limit: Option<usize>,
) -> Result<()> {
    for rec in insights::list_directory_recommendations(ctx.conn, ctx.key)? {
        let resources = insights::list_directory_impacted_resources(ctx.conn, ctx.key, &rec.id)?;
        let active: Vec<_> = resources
            .into_iter()
            .filter(|r| matches!(r.status.as_str(), "active" | "postponed"))
            .collect();
        let view = EntraView {
            status: rec.status.clone(),
            impacted_total: active.len() as i64,
            last_checked: rec.last_checked_date_time.map(crate::clock::rfc3339),
        };
        if let Some(mine) = out
            .iter_mut()
            .find(|r| r.recommendation_type == rec.recommendation_type)
        {
            mine.entra = Some(view);
            continue;
        }
        let mut impacted: Vec<ImpactedResource> = active
            .iter()
            .map(|r| {
                let detail = |k: &str| {
                    r.additional_details
                        .iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(k))
                        .map(|(_, v)| v.clone())
                };
                let app_id = detail("AppId").or_else(|| r.subject_id.clone());
                let mut evidence: Vec<Evidence> = r
                    .additional_details
                    .iter()
                    .map(|(k, v)| ev(k, v.clone()))
                    .collect();
                if let Some(a) = r.added_date_time {
                    evidence.insert(0, ev("Flagged by Entra", ctx.ago(to_ms(a))));
                }
                ImpactedResource {
                    id: r.id.clone(),
                    resource_type: r
                        .resource_type
                        .clone()
                        .unwrap_or_else(|| "application".into()),
                    display_name: r.display_name.clone(),
                    portal_url: r
                        .portal_url
                        .clone()
                        .filter(|u| u.starts_with("https://"))
                        .unwrap_or_else(|| app_url(app_id.as_deref().unwrap_or_default())),
                    app_id,
                    service_principal_id: None,
                    credential_key_id: detail("CredentialId"),
                    evidence,
                    owners: Vec::new(),
                }
            })
            .collect();
        let impacted_total = impacted.len() as i64;
        let (status, postpone_until) = match states.get(&rec.recommendation_type) {
            Some(_) => effective_status(states.get(&rec.recommendation_type), &impacted, ctx.as_of),
            None => match rec.status.as_str() {
                "dismissed" => (RecommendationStatus::Dismissed, None),
                "postponed" => match rec.postpone_until_date_time.map(to_ms) {
                    Some(u) if u > ctx.as_of => (RecommendationStatus::Postponed, Some(u)),
                    _ => (RecommendationStatus::Active, None),
                },
                "completedBySystem" | "completedByUser" => (RecommendationStatus::Completed, None),
                _ => (RecommendationStatus::Active, None),
            },
        };
        if let Some(n) = limit {
            impacted.truncate(n);
        }
        for r in impacted.iter_mut() {
            ctx.enrich(r)?;
        }
        let rationale = [rec.insights.clone(), rec.benefits.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Recommendation {
            recommendation_type: rec.recommendation_type.clone(),
            source: RecommendationSource::EntraSynced,
            display_name: rec.display_name.clone(),
            priority: match rec.priority.as_str() {
                "high" => Priority::High,
                "low" => Priority::Low,
                _ => Priority::Medium,
            },
            status,
            postpone_until: postpone_until.map(rfc3339_ms),
            rationale: if rationale.is_empty() {
                "Reported by Microsoft Entra recommendations; Steward does not compute this type itself.".into()
            } else {
                rationale
            },
            action_steps: rec.action_steps.clone(),
            impacted_total,
            impacted,
            undetermined_total: 0,
            undetermined: Vec::new(),
            undetermined_reason: None,
            entra: Some(view),
        });
    }
    Ok(())
}

/// The status shown: a postponement lapses on its date; a completed recommendation becomes
/// active again when a resource not impacted at completion appears.
fn effective_status(
    state: Option<&RecommendationState>,
    impacted: &[ImpactedResource],
    as_of: i64,
) -> (RecommendationStatus, Option<i64>) {
    let Some(s) = state else {
        return (RecommendationStatus::Active, None);
    };
    match RecommendationStatus::parse(&s.status).unwrap_or(RecommendationStatus::Active) {
        RecommendationStatus::Postponed => match s.postpone_until {
            Some(until) if until > as_of => (RecommendationStatus::Postponed, Some(until)),
            _ => (RecommendationStatus::Active, None),
        },
        RecommendationStatus::Completed => {
            let known: HashSet<&str> = s.completed_ids.iter().map(String::as_str).collect();
            if impacted
                .iter()
                .any(|r| !known.contains(impact_key(r).as_str()))
            {
                (RecommendationStatus::Active, None)
            } else {
                (RecommendationStatus::Completed, None)
            }
        }
        other => (other, None),
    }
}

/// What identifies an impacted resource across runs: the object, and the credential if any.
fn impact_key(r: &ImpactedResource) -> String {
    match &r.credential_key_id {
        Some(k) => format!("{}/{k}", r.id),
        None => r.id.clone(),
    }
}

/// Records the admin's decision on one recommendation type.
pub fn change_status(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    recommendation_type: &str,
    change: &StatusChange,
    as_of: DateTime<Utc>,
    settings: &RecommendationSettings,
) -> Result<()> {
    let synced_types: Vec<String> = insights::list_directory_recommendations(conn, key)?
        .into_iter()
        .map(|r| r.recommendation_type)
        .collect();
    if !recommendation_types().contains(&recommendation_type)
        && !synced_types.iter().any(|t| t == recommendation_type)
    {
        return Err(Error::InvalidInput(format!(
            "`{recommendation_type}` is not a recommendation type Steward knows; use one of: {}",
            recommendation_types().join(", ")
        )));
    }
    let now = to_ms(as_of);
    let (status, postpone_until, completed_ids) = match change {
        StatusChange::Dismiss => ("dismissed", None, Vec::new()),
        StatusChange::Reactivate => ("active", None, Vec::new()),
        StatusChange::Postpone { until } => {
            let until = crate::clock::parse_as_of(until).map_err(Error::InvalidInput)?;
            let until = to_ms(until);
            if until <= now {
                return Err(Error::InvalidInput(
                    "a recommendation can only be postponed to a future date; pick a later date"
                        .into(),
                ));
            }
            ("postponed", Some(until), Vec::new())
        }
        StatusChange::Complete => {
            let report = recommendations(conn, key, tenant_id, as_of, settings, None)?;
            let ids = report
                .recommendations
                .iter()
                .find(|r| r.recommendation_type == recommendation_type)
                .map(|r| r.impacted.iter().map(impact_key).collect())
                .unwrap_or_default();
            ("completed", None, ids)
        }
    };
    insights::set_recommendation_state(
        conn,
        key,
        &RecommendationState {
            recommendation_type: recommendation_type.into(),
            status: status.into(),
            postpone_until,
            completed_ids,
            updated: now,
        },
    )
}

/// Every credential on an active object, with its holder and last use. The holders' names and
/// the two last-use sources are read by sequential scans into maps: one B-tree lookup per
/// credential per source cost more than the whole scan on a large tenant.
fn load_credentials(ctx: &Ctx<'_>) -> Result<Vec<Cred>> {
    let conn = ctx.conn;
    let key = ctx.key.0;
    let mut used: HashMap<String, i64> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT key_id, last_used FROM credential_activity WHERE tenant = ?1")?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        used.insert(r.get(0)?, r.get(1)?);
    }
    let mut reported: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, last_sign_in FROM credential_sign_in_activities
         WHERE tenant = ?1 AND last_sign_in IS NOT NULL",
    )?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        reported.insert(r.get(0)?, r.get(1)?);
    }
    let mut apps: HashMap<String, (String, String)> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, display_name, app_id FROM applications WHERE tenant = ?1")?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        apps.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    type SpFacts = (String, String, Option<String>, Option<String>);
    let mut sps: HashMap<String, Option<SpFacts>> = HashMap::new();
    let mut sp_stmt = conn.prepare_cached(
        "SELECT display_name, app_id, ownership, kind FROM service_principals
         WHERE tenant = ?1 AND id = ?2",
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT owner_id, owner_type, key_id, credential_type, display_name, thumbprint, usage,
                start_time, end_time
         FROM credentials WHERE tenant = ?1 AND owner_deleted = 0",
    )?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let owner_id: String = r.get(0)?;
        let owner_type: String = r.get(1)?;
        let key_id: String = r.get(2)?;
        let (owner_name, app_id, sp_ownership, sp_kind) = if owner_type == "application" {
            match apps.get(&owner_id) {
                Some((name, app_id)) => (name.clone(), Some(app_id.clone()), None, None),
                None => (owner_id.clone(), None, None, None),
            }
        } else {
            if !sps.contains_key(&owner_id) {
                let facts = sp_stmt
                    .query_row(params![key, owner_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?;
                sps.insert(owner_id.clone(), facts);
            }
            match &sps[&owner_id] {
                Some((name, app_id, ownership, kind)) => (
                    name.clone(),
                    Some(app_id.clone()),
                    ownership.clone(),
                    kind.clone(),
                ),
                None => (owner_id.clone(), None, None, None),
            }
        };
        out.push(Cred {
            last_used: used.get(&key_id).copied(),
            graph_last_used: reported.get(&key_id).copied(),
            owner_id,
            owner_type,
            key_id,
            credential_type: r.get(3)?,
            name: r.get(4)?,
            thumbprint: r.get(5)?,
            usage: r.get(6)?,
            start: r.get(7)?,
            end: r.get(8)?,
            owner_name,
            app_id,
            sp_ownership,
            sp_kind,
        });
    }
    Ok(out)
}

impl Cred {
    fn valid_at(&self, t: i64) -> bool {
        self.end.is_none_or(|e| e > t)
    }

    /// A SAML token-signing certificate (and its verify twin) lives on the SP by design.
    fn is_saml_signing(&self, all_on_owner: &[&Cred]) -> bool {
        self.usage.as_deref() == Some("Sign")
            || (self.credential_type == "certificate"
                && self.thumbprint.is_some()
                && all_on_owner
                    .iter()
                    .any(|o| o.usage.as_deref() == Some("Sign") && o.thumbprint == self.thumbprint))
    }
}

fn by_owner(creds: &[Cred]) -> HashMap<&str, Vec<&Cred>> {
    let mut map: HashMap<&str, Vec<&Cred>> = HashMap::new();
    for c in creds {
        map.entry(c.owner_id.as_str()).or_default().push(c);
    }
    map
}

fn expiring(ctx: &Ctx<'_>, creds: &[Cred], owner_type: &str) -> Result<Vec<ImpactedResource>> {
    let horizon = ctx.as_of + EXPIRY_DAYS * DAY_MS;
    let owners = by_owner(creds);
    let mut out = Vec::new();
    for c in creds {
        let Some(end) = c.end else { continue };
        if c.owner_type != owner_type || end <= ctx.as_of || end > horizon {
            continue;
        }
        let mut evidence = vec![
            ev("Expires", ctx.ahead(end)),
            ev("Threshold", format!("within {EXPIRY_DAYS} days")),
        ];
        let newer = owners
            .get(c.owner_id.as_str())
            .into_iter()
            .flatten()
            .filter(|o| o.key_id != c.key_id && o.credential_type == c.credential_type)
            .filter_map(|o| o.end)
            .filter(|e| *e > end)
            .max();
        if let Some(n) = newer {
            evidence.push(ev(
                "Replacement",
                format!(
                    "a newer {} valid until {} is already present",
                    c.credential_type,
                    date(n)
                ),
            ));
        }
        if owner_type == "application" {
            out.push(ctx.credential_resource(c, evidence)?);
        } else {
            // Entra reports the application as the impacted resource of an SP credential.
            let app_id = c.app_id.clone().unwrap_or_default();
            let mut r = ctx.credential_resource(c, evidence)?;
            match ctx.application_of(&app_id)? {
                Some((app, _)) => {
                    r.id = app;
                    r.portal_url = sp_url(&c.owner_id, &app_id);
                }
                None => r.id = app_id.clone(),
            }
            r.resource_type = "application".into();
            out.push(r);
        }
    }
    Ok(out)
}

type Split = (Vec<ImpactedResource>, Vec<ImpactedResource>);

fn stale_apps(ctx: &Ctx<'_>) -> Result<Split> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT a.id, a.app_id, a.display_name, a.created, a.sign_in_audience, sp.id, sp.tags,
                act.last_success, act.last_any, ra.last_used, g.last_sign_in
         FROM applications a
         LEFT JOIN service_principals sp INDEXED BY service_principals_by_app_id
             ON sp.tenant = a.tenant AND sp.app_id = a.app_id AND sp.deleted IS NULL
         LEFT JOIN sign_in_activity act ON act.tenant = a.tenant AND act.sp_id = sp.id
         LEFT JOIN resource_activity ra ON ra.tenant = a.tenant AND ra.sp_id = sp.id
         LEFT JOIN sp_sign_in_activities g ON g.tenant = a.tenant AND g.app_id = a.app_id
         WHERE a.tenant = ?1 AND a.deleted IS NULL",
    )?;
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    let threshold = ctx.as_of - STALE_APP_DAYS * DAY_MS;
    let covered = ctx.covers(STALE_APP_DAYS, false);
    let (mut stale, mut unknown) = (Vec::new(), Vec::new());
    for (id, app_id, name, created, audience, sp, tags, ok, any, resource, graph) in rows {
        // Exempt: created within the threshold, Application Proxy apps.
        if created.is_some_and(|c| c >= threshold) {
            continue;
        }
        if tags.is_some_and(|t| t.contains(APP_PROXY_TAG)) {
            continue;
        }
        let last = latest(&[ok, resource, graph]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(c) = created {
            evidence.push(ev("Created", ctx.ago(c)));
        }
        evidence.push(ctx.last_use_evidence("Last successful sign-in (cached log)", ok));
        evidence.push(ctx.last_use_evidence("Last token issued for it as a resource", resource));
        if ctx.activity_report {
            evidence.push(ev(
                "Last sign-in (Graph activity report)",
                graph.map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        if let Some(a) = any.filter(|a| ok.is_none_or(|o| *a > o)) {
            evidence.push(ev("Latest failed sign-in attempt", ctx.ago(a)));
        }
        if sp.is_none() {
            evidence.push(ev("Service principal", "none in this tenant"));
        }
        if audience.as_deref().is_some_and(|a| a != "AzureADMyOrg") {
            evidence.push(ev(
                "Note",
                "multitenant app: its use in other tenants is not visible to Steward",
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no use for more than {STALE_APP_DAYS} days"),
        ));
        let r = ctx.application_resource(&id, &app_id, &name, evidence)?;
        if covered {
            stale.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((stale, unknown))
}

fn stale_credentials(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<Split> {
    let threshold = ctx.as_of - STALE_CREDENTIAL_DAYS * DAY_MS;
    let covered = ctx.covers(STALE_CREDENTIAL_DAYS, true);
    let owners = by_owner(creds);
    let (mut stale, mut unknown) = (Vec::new(), Vec::new());
    for c in creds {
        if !c.valid_at(ctx.as_of) || c.start.is_none_or(|s| s >= threshold) {
            continue;
        }
        if c.owner_type == "servicePrincipal"
            && c.is_saml_signing(owners.get(c.owner_id.as_str()).map_or(&[][..], |v| v))
        {
            continue;
        }
        let last = latest(&[c.last_used, c.graph_last_used]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = vec![ev("Added", ctx.ago(c.start.unwrap_or_default()))];
        if let Some(end) = c.end {
            evidence.push(ev("Valid until", date(end)));
        }
        evidence.push(ctx.last_use_evidence("Last sign-in with it (cached log)", c.last_used));
        if ctx.credential_report {
            evidence.push(ev(
                "Last sign-in (Graph credential report)",
                c.graph_last_used
                    .map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no use for more than {STALE_CREDENTIAL_DAYS} days"),
        ));
        let r = ctx.credential_resource(c, evidence)?;
        if covered {
            stale.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((stale, unknown))
}

fn on_microsoft_apps(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for c in creds {
        if c.owner_type != "servicePrincipal" || c.sp_ownership.as_deref() != Some("microsoft") {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(s) = c.start {
            evidence.push(ev("Added", ctx.ago(s)));
        }
        evidence.push(ev(
            "Valid",
            match c.end {
                Some(e) if e <= ctx.as_of => format!("expired {}", date(e)),
                Some(e) => format!("until {}", date(e)),
                None => "no end date".into(),
            },
        ));
        if let Some(l) = c.last_used {
            evidence.push(ev("Last sign-in with it", ctx.ago(l)));
        }
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

fn on_service_principals(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<Vec<ImpactedResource>> {
    let owners = by_owner(creds);
    let mut out = Vec::new();
    for c in creds {
        if c.owner_type != "servicePrincipal" || !c.valid_at(ctx.as_of) {
            continue;
        }
        // Microsoft apps have their own, stronger check; Legacy SPs have no app to move it to.
        if matches!(c.sp_ownership.as_deref(), Some("microsoft"))
            || c.sp_kind.as_deref() == Some("legacy")
        {
            continue;
        }
        if c.is_saml_signing(owners.get(c.owner_id.as_str()).map_or(&[][..], |v| v)) {
            continue;
        }
        let mut evidence = Vec::new();
        if let Some(s) = c.start {
            evidence.push(ev("Added", ctx.ago(s)));
        }
        if let Some(e) = c.end {
            evidence.push(ev("Valid until", date(e)));
        }
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

fn long_lived(
    ctx: &Ctx<'_>,
    creds: &[Cred],
    credential_type: &str,
    max_days: i64,
) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for c in creds {
        if c.credential_type != credential_type || !c.valid_at(ctx.as_of) {
            continue;
        }
        let (Some(start), Some(end)) = (c.start, c.end) else {
            continue;
        };
        let lifetime = end - start;
        if lifetime <= max_days * DAY_MS {
            continue;
        }
        let evidence = vec![
            ev("Valid", format!("{} to {}", date(start), date(end))),
            ev("Lifetime", format!("{} days", lifetime.div_euclid(DAY_MS))),
            ev("Limit", format!("{max_days} days")),
        ];
        out.push(ctx.credential_resource(c, evidence)?);
    }
    Ok(out)
}

fn multiple_secrets(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    let mut owners: Vec<(&str, Vec<&Cred>)> = by_owner(creds)
        .into_iter()
        .map(|(o, cs)| {
            let valid: Vec<&Cred> = cs
                .into_iter()
                .filter(|c| {
                    c.owner_type == "application"
                        && c.credential_type == "secret"
                        && c.valid_at(ctx.as_of)
                })
                .collect();
            (o, valid)
        })
        .filter(|(_, v)| v.len() >= MULTIPLE_SECRETS)
        .collect();
    owners.sort_by_key(|(o, _)| *o);
    for (owner, secrets) in owners {
        let first = secrets[0];
        let mut list: Vec<String> = secrets
            .iter()
            .map(|s| {
                format!(
                    "{} (until {})",
                    s.name.as_deref().unwrap_or(&s.key_id),
                    s.end.map_or("no end".into(), date)
                )
            })
            .collect();
        list.sort();
        let evidence = vec![
            ev("Valid secrets", secrets.len().to_string()),
            ev("Secrets", list.join("; ")),
            ev("Limit", format!("fewer than {MULTIPLE_SECRETS}")),
        ];
        out.push(ctx.application_resource(
            owner,
            first.app_id.as_deref().unwrap_or_default(),
            &first.owner_name,
            evidence,
        )?);
    }
    Ok(out)
}

/// Active holders of a privileged directory role or a high-risk Graph permission:
/// service principal id → what they hold.
fn privileged_holders(ctx: &Ctx<'_>) -> Result<HashMap<String, Vec<String>>> {
    let mut holders: HashMap<String, Vec<String>> = HashMap::new();
    let mut roles = ctx.conn.prepare_cached(
        "SELECT principal_id, role_display_name, assignment_type FROM directory_role_assignments
         WHERE tenant = ?1 AND is_privileged = 1",
    )?;
    for row in roles.query_map([ctx.key.0], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (p, role, kind) = row?;
        holders
            .entry(p)
            .or_default()
            .push(format!("{role} ({kind} directory role)"));
    }
    let placeholders = vec!["?"; HIGH_RISK_PERMISSIONS.len()].join(", ");
    let sql = format!(
        "SELECT principal_id, permission, resource_display_name FROM app_role_assignments
         INDEXED BY app_role_assignments_by_permission
         WHERE tenant = ? AND permission IN ({placeholders})"
    );
    let mut perms = ctx.conn.prepare_cached(&sql)?;
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&ctx.key.0];
    for p in HIGH_RISK_PERMISSIONS {
        args.push(p);
    }
    for row in perms.query_map(args.as_slice(), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (p, perm, res) = row?;
        holders
            .entry(p)
            .or_default()
            .push(format!("{perm} ({res} application permission)"));
    }
    for v in holders.values_mut() {
        v.sort();
        v.dedup();
    }
    Ok(holders)
}

type PrivilegedSplit = (
    Vec<ImpactedResource>,
    Vec<ImpactedResource>,
    Vec<ImpactedResource>,
);

fn privileged(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<PrivilegedSplit> {
    let holders = privileged_holders(ctx)?;
    let owners = by_owner(creds);
    let threshold = ctx.as_of - PRIVILEGED_UNUSED_DAYS * DAY_MS;
    let covered = ctx.covers(PRIVILEGED_UNUSED_DAYS, false);
    let mut sp_stmt = ctx.conn.prepare_cached(
        "SELECT sp.display_name, sp.app_id, sp.created, act.last_success, g.last_sign_in
         FROM service_principals sp
         LEFT JOIN sign_in_activity act ON act.tenant = sp.tenant AND act.sp_id = sp.id
         LEFT JOIN sp_sign_in_activities g ON g.tenant = sp.tenant AND g.app_id = sp.app_id
         WHERE sp.tenant = ?1 AND sp.id = ?2 AND sp.deleted IS NULL",
    )?;
    let (mut with_secret, mut unused, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
    let mut ids: Vec<&String> = holders.keys().collect();
    ids.sort();
    for sp_id in ids {
        let held = &holders[sp_id];
        let mut rows = sp_stmt.query(params![ctx.key.0, sp_id])?;
        let Some(row) = rows.next()? else { continue };
        let name: String = row.get(0)?;
        let app_id: String = row.get(1)?;
        let created: Option<i64> = row.get(2)?;
        let ok: Option<i64> = row.get(3)?;
        let graph: Option<i64> = row.get(4)?;
        drop(rows);
        let holds = ev("Holds", held.join("; "));
        // Secrets on the SP itself or on its application.
        let app = ctx.application_of(&app_id)?;
        let mut secrets: Vec<&Cred> = owners
            .get(sp_id.as_str())
            .into_iter()
            .flatten()
            .chain(
                app.as_ref()
                    .and_then(|(a, _)| owners.get(a.as_str()))
                    .into_iter()
                    .flatten(),
            )
            .filter(|c| c.credential_type == "secret" && c.valid_at(ctx.as_of))
            .copied()
            .collect();
        secrets.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        if !secrets.is_empty() {
            let list: Vec<String> = secrets
                .iter()
                .map(|s| {
                    format!(
                        "{} on the {} (until {})",
                        s.name.as_deref().unwrap_or(&s.key_id),
                        if s.owner_type == "application" {
                            "app"
                        } else {
                            "service principal"
                        },
                        s.end.map_or("no end".into(), date)
                    )
                })
                .collect();
            with_secret.push(ctx.sp_resource(
                sp_id,
                &app_id,
                &name,
                vec![holds.clone(), ev("Valid secrets", list.join("; "))],
            )?);
        }
        if created.is_some_and(|c| c >= threshold) {
            continue;
        }
        let last = latest(&[ok, graph]);
        if last.is_some_and(|l| l >= threshold) {
            continue;
        }
        let mut evidence = vec![
            holds,
            ctx.last_use_evidence("Last successful sign-in (cached log)", ok),
        ];
        if ctx.activity_report {
            evidence.push(ev(
                "Last sign-in (Graph activity report)",
                graph.map_or("none recorded".into(), |g| ctx.ago(g)),
            ));
        }
        evidence.push(ev(
            "Threshold",
            format!("no sign-in for more than {PRIVILEGED_UNUSED_DAYS} days"),
        ));
        let r = ctx.sp_resource(sp_id, &app_id, &name, evidence)?;
        if covered {
            unused.push(r);
        } else {
            unknown.push(r);
        }
    }
    Ok((with_secret, unused, unknown))
}

fn federation_failures(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let codes = FEDERATION_MISMATCH_CODES
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT f.sp_id, f.error_code, f.count, f.first_seen, f.last_seen, sp.display_name, sp.app_id
         FROM failure_codes f INDEXED BY failure_codes_by_code
         JOIN service_principals sp ON sp.tenant = f.tenant AND sp.id = f.sp_id AND sp.deleted IS NULL
         WHERE f.tenant = ?1 AND f.error_code IN ({codes}) AND f.last_seen >= ?2 AND f.first_seen <= ?3
         ORDER BY f.sp_id, f.error_code"
    );
    let mut stmt = ctx.conn.prepare_cached(&sql)?;
    let since = ctx.as_of - FEDERATION_FAILURE_DAYS * DAY_MS;
    let mut per_sp: Vec<(String, String, String, Vec<String>)> = Vec::new();
    for row in stmt.query_map(params![ctx.key.0, since, ctx.as_of], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })? {
        let (sp, code, n, first, last, name, app_id) = row?;
        let line = format!(
            "AADSTS{code}: {n} failures, first {} , latest {}",
            date(first),
            date(last)
        )
        .replace(" ,", ",");
        match per_sp.last_mut() {
            Some(p) if p.0 == sp => p.3.push(line),
            _ => per_sp.push((sp, name, app_id, vec![line])),
        }
    }
    let mut fics = ctx.conn.prepare_cached(
        "SELECT name, subject FROM federated_credentials WHERE tenant = ?1 AND application_id = ?2
         ORDER BY name",
    )?;
    let mut out = Vec::new();
    for (sp, name, app_id, lines) in per_sp {
        let mut evidence = vec![ev("Failures", lines.join("; "))];
        match ctx.application_of(&app_id)? {
            Some((app, app_name)) => {
                let list = fics
                    .query_map(params![ctx.key.0, app], |r| {
                        Ok(format!(
                            "{} → {}",
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?
                                .unwrap_or_else(|| "(no subject)".into())
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                evidence.push(ev(
                    "Federated credentials",
                    if list.is_empty() {
                        "none".into()
                    } else {
                        list.join("; ")
                    },
                ));
                let mut r = ctx.application_resource(&app, &app_id, &app_name, evidence)?;
                r.service_principal_id = Some(sp);
                out.push(r);
            }
            None => out.push(ctx.sp_resource(&sp, &app_id, &name, evidence)?),
        }
    }
    Ok(out)
}

fn disabled_with_credentials(ctx: &Ctx<'_>, creds: &[Cred]) -> Result<Vec<ImpactedResource>> {
    let owners = by_owner(creds);
    let mut stmt = ctx.conn.prepare_cached(
        // The inner query reads the class index alone (it holds the id): filtering a WITHOUT ROWID
        // table through an index otherwise looks every candidate row up before testing it.
        "SELECT sp.id, sp.app_id, sp.display_name FROM service_principals sp
         WHERE sp.tenant = ?1 AND sp.id IN (
             SELECT id FROM service_principals INDEXED BY service_principals_by_class
             WHERE tenant = ?1 AND deleted IS NULL AND account_enabled = 0)",
    )?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, app_id, name) in rows {
        let app = ctx.application_of(&app_id)?;
        let valid: Vec<&Cred> = owners
            .get(id.as_str())
            .into_iter()
            .flatten()
            .chain(
                app.as_ref()
                    .and_then(|(a, _)| owners.get(a.as_str()))
                    .into_iter()
                    .flatten(),
            )
            .filter(|c| c.valid_at(ctx.as_of))
            .copied()
            .collect();
        if valid.is_empty() {
            continue;
        }
        let mut list: Vec<String> = valid
            .iter()
            .map(|c| {
                format!(
                    "{} {} on the {} (until {})",
                    c.credential_type,
                    c.name.as_deref().unwrap_or(&c.key_id),
                    if c.owner_type == "application" {
                        "app"
                    } else {
                        "service principal"
                    },
                    c.end.map_or("no end".into(), date)
                )
            })
            .collect();
        list.sort();
        out.push(ctx.sp_resource(
            &id,
            &app_id,
            &name,
            vec![
                ev("Account", "disabled"),
                ev("Valid credentials", list.join("; ")),
            ],
        )?);
    }
    Ok(out)
}

/// An application or service principal: (id, appId, name, created).
type Object = (String, String, String, Option<i64>);

/// The objects `sql` selects for the tenant bound to `?1`.
fn objects(ctx: &Ctx<'_>, sql: &str) -> Result<Vec<Object>> {
    let mut stmt = ctx.conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// "none" for the missing relation, then the creation date.
fn missing(relation: &str, created: Option<i64>, ctx: &Ctx<'_>) -> Vec<Evidence> {
    let mut evidence = vec![ev(relation, "none")];
    if let Some(c) = created {
        evidence.push(ev("Created", ctx.ago(c)));
    }
    evidence
}

fn ownerless(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    objects(
        ctx,
        "SELECT a.id, a.app_id, a.display_name, a.created FROM applications a
         WHERE a.tenant = ?1 AND a.deleted IS NULL AND NOT EXISTS (
             SELECT 1 FROM owners o WHERE o.tenant = a.tenant AND o.object_id = a.id
             AND o.relation = 'owner')",
    )?
    .into_iter()
    .map(|(id, app_id, name, created)| {
        ctx.application_resource(&id, &app_id, &name, missing("Owners", created, ctx))
    })
    .collect()
}

fn agents_without_sponsor(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    objects(
        ctx,
        "SELECT sp.id, sp.app_id, sp.display_name, sp.created
         FROM service_principals sp INDEXED BY service_principals_by_kind
         WHERE sp.tenant = ?1 AND sp.deleted IS NULL AND sp.kind = 'agentIdentity'
         AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.tenant = sp.tenant AND o.object_id = sp.id
             AND o.relation = 'sponsor')",
    )?
    .into_iter()
    .map(|(id, app_id, name, created)| {
        ctx.sp_resource(&id, &app_id, &name, missing("Sponsors", created, ctx))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::demo::{write_demo, DemoOptions};
    use crate::store::{open, open_in_memory, tenants};

    #[test]
    fn a_cache_file_checked_on_two_connections_gives_what_one_connection_gives() {
        let opts = DemoOptions {
            seed: 5,
            service_principals: 300,
            sign_ins: 10_000,
            as_of: parse_as_of("2026-03-01T12:00:00Z").unwrap(),
        };
        let dir = tempfile::tempdir().unwrap();
        let file = open(&dir.path().join("r.db")).unwrap();
        let memory = open_in_memory().unwrap();
        let mut reports = Vec::new();
        for conn in [&file, &memory] {
            write_demo(conn, &opts, &mut |_, _, _| {}).unwrap();
            let (key, t) = tenants::resolve_tenant(conn, None).unwrap();
            let r = recommendations(
                conn,
                key,
                &t.id,
                opts.as_of,
                &RecommendationSettings::default(),
                None,
            )
            .unwrap();
            reports.push(serde_json::to_value(&r).unwrap());
        }
        assert!(
            file.path().is_some_and(|p| !p.is_empty()),
            "the file runs in parallel"
        );
        assert_eq!(reports[0], reports[1]);
    }
}
