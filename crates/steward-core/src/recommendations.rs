//! App-health recommendations computed locally from the cache (docs/domain.md §2): Entra's own types
//! with Entra's thresholds and exemptions, and Steward's own checks, each with the evidence that
//! triggered it. A pure function of the cache, the settings and an `as_of` instant.
//!
//! "Last use" joins the cached sign-ins (roll-ups kept at ingest) with Graph's usage reports,
//! which reach back further than the 30-day log. Where neither covers the period a verdict
//! needs, the resource is "undetermined — not enough history", never "unused".

mod app_settings;
mod ca_coverage;
mod catalogue;
mod context;
mod credential_lifetime;
mod credential_placement;
mod credentials;
mod federation;
mod hygiene;
mod known_apps;
mod ownership;
mod privileged;
mod resources;
mod staleness;
mod status;
mod synced;
mod tenant_policy;
mod tier0;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use app_settings::{
    own_redirect_uri_problem, redirect_host, redirect_uri_problem, MICROSOFT_ADMIN_TOOLS,
    SHARED_HOST_DOMAINS,
};
pub use catalogue::{
    recommendation_types, EXPIRY_DAYS, FEDERATION_FAILURE_DAYS, FEDERATION_MISMATCH_CODES,
    MULTIPLE_SECRETS, PRIVILEGED_UNUSED_DAYS, STALE_APP_DAYS, STALE_CREDENTIAL_DAYS,
};
pub use hygiene::CERTIFICATE_ROTATION_DAYS;
pub use known_apps::{known_malicious_apps, KnownApp, ADMIN_LIST_FILE};
pub use resources::{app_url, sp_url};
pub use status::{change_status, RecommendationStatus, StatusChange};

use app_settings::{
    assignment_not_required, guest_owners, instance_lock_missing, unsafe_redirect_uris,
};
use ca_coverage::{
    credentials_outside_location_policy, load as load_ca_policies, risky_identities_unblocked,
};
use catalogue::{metas, rule};
use context::Ctx;
use credential_lifetime::{expiring, long_lived};
use credential_placement::{
    disabled_with_credentials, multiple_secrets, on_microsoft_apps, on_service_principals,
};
use credentials::{load_credentials, Creds};
use federation::federation_failures;
use hygiene::{certificates_due, client_secrets, single_owner};
use known_apps::known_malicious;
use ownership::{agent_blueprints_ungoverned, agents_without_sponsor, ownerless};
use privileged::{privileged, privileged_holders};
use staleness::{stale_apps, stale_credentials};
use status::effective_status;
use synced::synced;
use tenant_policy::{
    admin_consent_workflow_disabled, app_management_policy_weak, pending_consent_requests,
    user_consent_allowed, users_can_register_apps,
};
use tier0::{
    delegated_holders, high_risk_delegated_grants, privileged_app_user_owners, tier0, tier0_holders,
};

use crate::clock::{rfc3339_ms, to_ms};
use crate::store::insights::{self, RecommendationState};
use crate::store::TenantKey;
use crate::{Error, Result};

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

/// The longest lifetime a threshold may name: ten years, more than any credential Entra issues.
const MAX_LIFETIME_DAYS: i64 = 3_650;

impl RecommendationSettings {
    /// Thresholds an admin may set: 1 day to ten years (a larger one would overflow the clock).
    pub fn validate(&self) -> Result<()> {
        for (what, days) in [
            ("secret", self.secret_max_days),
            ("certificate", self.certificate_max_days),
        ] {
            if !(1..=MAX_LIFETIME_DAYS).contains(&days) {
                return Err(Error::InvalidInput(format!(
                    "the longest acceptable {what} lifetime must be 1 to {MAX_LIFETIME_DAYS} days, not {days}; choose a value in that range"
                )));
            }
        }
        Ok(())
    }
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
    /// Set when the cache lacks a dataset the check reads (not synced, or Graph refused it): the
    /// check is not determined (never "passed"), and any impacted list may be incomplete. Says
    /// what is missing and what to do.
    pub missing_data: Option<String>,
    /// The checks of other assessment tools this type answers (docs/peer-checks.md), such as
    /// "ZTA 21775", "MT.1002" or "ScubaGear MS.AAD.5.5".
    pub peer_checks: Vec<String>,
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
    settings.validate()?;
    let as_of_ms = to_ms(as_of);
    let ctx = Ctx::new(conn, key, as_of_ms)?;
    let history_from = ctx.history_from;
    // A cache file gets a second connection: the checks that need no credentials (and one that
    // does) run on it in parallel. An in-memory cache (tests) runs them all here, in turn.
    let second = conn
        .path()
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from);
    let states: HashMap<String, RecommendationState> =
        insights::list_recommendation_states(conn, key)?
            .into_iter()
            .map(|s| (s.recommendation_type.clone(), s))
            .collect();
    let states = &states;
    // Each thread also cuts, orders and enriches what it found: only the assembly is serial.
    let mut outcomes = match second {
        Some(path) => std::thread::scope(|scope| -> Result<Outcomes> {
            let other = scope.spawn(move || -> Result<Outcomes> {
                let conn = crate::store::open(&path)?;
                let ctx = Ctx::new(&conn, key, as_of_ms)?;
                checks_b(Found::new(&ctx, states, limit))
            });
            let mut found = checks_a(Found::new(&ctx, states, limit), settings)?;
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
            let mut found = checks_a(Found::new(&ctx, states, limit), settings)?;
            found.extend(checks_b(Found::new(&ctx, states, limit))?);
            found
        }
    };

    let mut out = Vec::new();
    for m in metas(settings) {
        let Outcome {
            impacted,
            impacted_total,
            undetermined,
            undetermined_total,
            status,
            postpone_until,
        } = match outcomes.remove(m.kind) {
            Some(o) => o,
            None => outcome(&ctx, Default::default(), states.get(m.kind), limit)?,
        };
        let settings_rule = [
            rule::UNSAFE_REDIRECT_URI,
            rule::INSTANCE_LOCK_MISSING,
            rule::ASSIGNMENT_NOT_REQUIRED,
            rule::GUEST_OWNER,
        ]
        .contains(&m.kind);
        let undetermined_reason = (undetermined_total > 0).then(|| {
            if m.kind == rule::CREDENTIALS_OUTSIDE_LOCATION_POLICY {
                return "Covered only by an enabled policy that picks service principals with a filter on custom security attributes, which Steward does not read: whether the filter picks these cannot be decided offline.".to_string();
            }
            if settings_rule {
                return "Not read: the sync or import that wrote these did not read the setting (an older Steward, or an export without it). Sync again to judge them.".to_string();
            }
            ctx.not_enough_history(
                if m.kind == rule::STALE_APP_CREDS {
                    STALE_CREDENTIAL_DAYS
                } else {
                    STALE_APP_DAYS
                },
                m.kind == rule::STALE_APP_CREDS,
            )
        });
        let mut missing_data = ctx.missing_data(m.needs)?;
        if m.kind == rule::KNOWN_MALICIOUS_APP {
            missing_data = missing_data.or(known_apps::admin_list(conn).1);
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
            missing_data,
            peer_checks: m.peer_checks.iter().map(|p| p.to_string()).collect(),
            entra: None,
        });
    }
    synced(&ctx, states, &mut out, limit)?;
    Ok(RecommendationReport {
        tenant_id: tenant_id.into(),
        as_of: crate::clock::rfc3339(as_of),
        history_from: history_from.map(rfc3339_ms),
        activity_report: ctx.activity_report,
        settings: *settings,
        recommendations: out,
    })
}

/// One type's verdict: the status and the totals of the whole lists, the lists cut to what is
/// returned, ordered and enriched.
struct Outcome {
    impacted: Vec<ImpactedResource>,
    impacted_total: i64,
    undetermined: Vec<ImpactedResource>,
    undetermined_total: i64,
    status: RecommendationStatus,
    postpone_until: Option<i64>,
}

type Outcomes = HashMap<&'static str, Outcome>;

/// What one thread's checks found, each type cut to its outcome as soon as its check returns:
/// only one check's whole list is held at a time, whatever the tenant's size.
struct Found<'a, 'c> {
    ctx: &'a Ctx<'c>,
    states: &'a HashMap<String, RecommendationState>,
    limit: Option<usize>,
    outcomes: Outcomes,
}

impl<'a, 'c> Found<'a, 'c> {
    fn new(
        ctx: &'a Ctx<'c>,
        states: &'a HashMap<String, RecommendationState>,
        limit: Option<usize>,
    ) -> Self {
        Found {
            ctx,
            states,
            limit,
            outcomes: HashMap::new(),
        }
    }

    /// A check's (impacted, undetermined) resources of type `kind`.
    fn insert(
        &mut self,
        kind: &'static str,
        lists: (Vec<ImpactedResource>, Vec<ImpactedResource>),
    ) -> Result<()> {
        let o = outcome(self.ctx, lists, self.states.get(kind), self.limit)?;
        self.outcomes.insert(kind, o);
        Ok(())
    }
}

fn outcome(
    ctx: &Ctx<'_>,
    (mut impacted, mut undetermined): (Vec<ImpactedResource>, Vec<ImpactedResource>),
    state: Option<&RecommendationState>,
    limit: Option<usize>,
) -> Result<Outcome> {
    let (status, postpone_until) = effective_status(state, &impacted, ctx.as_of);
    let impacted_total = impacted.len() as i64;
    let undetermined_total = undetermined.len() as i64;
    // Only what is returned needs ordering: pick the first `limit` without sorting the rest.
    first_in_order(&mut impacted, limit);
    first_in_order(&mut undetermined, limit);
    for r in impacted.iter_mut().chain(undetermined.iter_mut()) {
        ctx.enrich(r)?;
    }
    Ok(Outcome {
        impacted,
        impacted_total,
        undetermined,
        undetermined_total,
        status,
        postpone_until,
    })
}

/// The checks over the tenant's credentials (read once, here) and the usage checks: about half
/// the work, balanced against [`checks_b`] on the other thread.
fn checks_a(mut found: Found<'_, '_>, settings: &RecommendationSettings) -> Result<Outcomes> {
    let ctx = found.ctx;
    let all_creds = load_credentials(ctx)?;
    let creds = &Creds::new(&all_creds);
    found.insert(
        rule::APPLICATION_CREDENTIAL_EXPIRY,
        (expiring(ctx, creds, "application")?, vec![]),
    )?;
    found.insert(
        rule::SERVICE_PRINCIPAL_KEY_EXPIRY,
        (expiring(ctx, creds, "servicePrincipal")?, vec![]),
    )?;
    found.insert(rule::STALE_APP_CREDS, stale_credentials(ctx, creds)?)?;
    found.insert(
        rule::CREDENTIAL_ON_MICROSOFT_APP,
        (on_microsoft_apps(ctx, creds)?, vec![]),
    )?;
    found.insert(
        rule::CREDENTIALS_ON_SERVICE_PRINCIPAL,
        (on_service_principals(ctx, creds)?, vec![]),
    )?;
    found.insert(
        rule::LONG_LIVED_SECRETS,
        (
            long_lived(ctx, creds, "secret", settings.secret_max_days)?,
            vec![],
        ),
    )?;
    found.insert(
        rule::LONG_LIVED_CERTIFICATES,
        (
            long_lived(ctx, creds, "certificate", settings.certificate_max_days)?,
            vec![],
        ),
    )?;
    found.insert(
        rule::MULTIPLE_ACTIVE_SECRETS,
        (multiple_secrets(ctx, creds)?, vec![]),
    )?;
    found.insert(
        rule::DISABLED_WITH_CREDENTIALS,
        (disabled_with_credentials(ctx, creds)?, vec![]),
    )?;
    found.insert(rule::CLIENT_SECRETS, (client_secrets(ctx, creds)?, vec![]))?;
    found.insert(
        rule::CERTIFICATE_ROTATION_DUE,
        (certificates_due(ctx, creds)?, vec![]),
    )?;
    found.insert(rule::STALE_APPS, stale_apps(ctx)?)?;
    let (with_secret, unused, unknown) = privileged(ctx, creds, &privileged_holders(ctx)?)?;
    found.insert(rule::PRIVILEGED_WITH_SECRET, (with_secret, vec![]))?;
    found.insert(rule::PRIVILEGED_UNUSED, (unused, unknown))?;
    found.insert(
        rule::CREDENTIALS_OUTSIDE_LOCATION_POLICY,
        credentials_outside_location_policy(ctx, creds, load_ca_policies(ctx)?.as_deref())?,
    )?;
    Ok(found.outcomes)
}

/// The checks over applications, owners, roles, grants and policies, which need no credentials.
fn checks_b(mut found: Found<'_, '_>) -> Result<Outcomes> {
    let ctx = found.ctx;
    // The privileged and delegated holders, read once for every check of Tier-0 access.
    let privileged_by_id = privileged_holders(ctx)?;
    let delegated = delegated_holders(ctx)?;
    let tier0_by_id = tier0(&privileged_by_id, &delegated);
    let tier0_active = tier0::active(ctx, &tier0_by_id)?;
    found.insert(
        rule::FEDERATED_SUBJECT_MISMATCH,
        (federation_failures(ctx)?, vec![]),
    )?;
    found.insert(rule::OWNERLESS_APPS, (ownerless(ctx)?, vec![]))?;
    found.insert(rule::SINGLE_OWNER_APPS, (single_owner(ctx)?, vec![]))?;
    found.insert(rule::UNSAFE_REDIRECT_URI, unsafe_redirect_uris(ctx)?)?;
    found.insert(rule::INSTANCE_LOCK_MISSING, instance_lock_missing(ctx)?)?;
    found.insert(rule::ASSIGNMENT_NOT_REQUIRED, assignment_not_required(ctx)?)?;
    found.insert(rule::GUEST_OWNER, guest_owners(ctx)?)?;
    found.insert(
        rule::AGENT_WITHOUT_SPONSOR,
        (agents_without_sponsor(ctx)?, vec![]),
    )?;
    found.insert(
        rule::AGENT_BLUEPRINT_UNGOVERNED,
        (agent_blueprints_ungoverned(ctx)?, vec![]),
    )?;
    found.insert(
        rule::PRIVILEGED_APP_USER_OWNERS,
        (
            privileged_app_user_owners(ctx, &tier0_by_id, &tier0_active)?,
            vec![],
        ),
    )?;
    found.insert(
        rule::TIER0_HOLDER,
        (tier0_holders(ctx, &tier0_by_id, &tier0_active)?, vec![]),
    )?;
    found.insert(rule::KNOWN_MALICIOUS_APP, (known_malicious(ctx)?, vec![]))?;
    found.insert(
        rule::CA_BLOCKS_RISKY_IDENTITIES_MISSING,
        (
            risky_identities_unblocked(ctx, load_ca_policies(ctx)?.as_deref())?,
            vec![],
        ),
    )?;
    found.insert(
        rule::USER_CONSENT_ALLOWED,
        (user_consent_allowed(ctx)?, vec![]),
    )?;
    found.insert(
        rule::USERS_CAN_REGISTER_APPS,
        (users_can_register_apps(ctx)?, vec![]),
    )?;
    found.insert(
        rule::ADMIN_CONSENT_WORKFLOW_DISABLED,
        (admin_consent_workflow_disabled(ctx)?, vec![]),
    )?;
    found.insert(
        rule::PENDING_CONSENT_REQUESTS,
        (pending_consent_requests(ctx)?, vec![]),
    )?;
    found.insert(
        rule::APP_MANAGEMENT_POLICY_WEAK,
        (app_management_policy_weak(ctx)?, vec![]),
    )?;
    found.insert(
        rule::HIGH_RISK_DELEGATED_GRANT,
        (high_risk_delegated_grants(ctx, &delegated)?, vec![]),
    )?;
    Ok(found.outcomes)
}

/// A resource's place in the list the window shows: by name (case-insensitive), then id, then
/// credential. The lowercased name is built once per resource, not once per comparison.
fn list_key(r: &ImpactedResource) -> String {
    r.display_name
        .chars()
        .flat_map(char::to_lowercase)
        .collect()
}

fn in_list_order(
    a: &(String, ImpactedResource),
    b: &(String, ImpactedResource),
) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
        .then_with(|| a.1.id.cmp(&b.1.id))
        .then_with(|| a.1.credential_key_id.cmp(&b.1.credential_key_id))
}

/// Keeps the first `limit` resources in list order (all when `None`), sorted.
fn first_in_order(list: &mut Vec<ImpactedResource>, limit: Option<usize>) {
    if limit == Some(0) {
        list.clear();
        return;
    }
    let mut keyed: Vec<(String, ImpactedResource)> =
        list.drain(..).map(|r| (list_key(&r), r)).collect();
    if let Some(n) = limit {
        if keyed.len() > n {
            keyed.select_nth_unstable_by(n - 1, in_list_order);
            keyed.truncate(n);
        }
    }
    keyed.sort_by(in_list_order);
    list.extend(keyed.into_iter().map(|(_, r)| r));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::demo::{write_demo, DemoOptions};
    use crate::store::{open, open_in_memory, tenants};

    #[test]
    fn a_threshold_outside_one_day_to_ten_years_is_refused_with_the_range() {
        for (secret, certificate) in [(0, 365), (180, i64::MAX), (-5, 365)] {
            let s = RecommendationSettings {
                secret_max_days: secret,
                certificate_max_days: certificate,
            };
            let e = s.validate().unwrap_err().to_string();
            assert!(e.contains("1 to 3650 days"), "{e}");
        }
        assert!(RecommendationSettings::default().validate().is_ok());
    }

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
