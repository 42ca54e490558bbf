//! Workload ID Premium license estimates (docs/domain.md §1.3) and the planner for license sessions.
//! Every bucket of the counting rule is shown with its rule; the estimate and the plan are pure
//! functions of the cache, the planner's inputs and an `as_of` instant.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::{parse_as_of, rfc3339, rfc3339_ms, to_ms};
use crate::dataset::Dataset;
use crate::model::WORKLOAD_ID_SERVICE_PLANS;
use crate::recommendations::STALE_APP_DAYS;
use crate::store::insights;
use crate::store::service_principals::count_classes;
use crate::store::TenantKey;
use crate::{Error, Result};

use crate::clock::DAY_MS;
/// List price of Workload ID Premium per identity per month (docs/domain.md §1.1).
pub const DEFAULT_PRICE: f64 = 3.0;
/// Length of the free trial from the Workload ID blade.
pub const TRIAL_DAYS: i64 = 90;
/// Planning horizons, in months.
pub const HORIZONS: [i64; 3] = [12, 24, 36];
/// The planner's month: a twelfth of an average year.
pub const MONTH_DAYS: f64 = 365.25 / 12.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LicenseBucket {
    pub key: String,
    pub label: String,
    /// The rule that puts a service principal in this bucket, and why it counts or not.
    pub rule: String,
    /// Whether the bucket counts toward the full-coverage estimate.
    pub counted: bool,
    /// Counted, but the documentation does not settle it.
    pub uncertain: bool,
    pub total: i64,
    pub disabled: i64,
    /// How many of `total` the full-coverage estimate counts.
    pub billable: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FeatureScope {
    /// Service principals targeted by enabled CA policies for workload identities; `None` while
    /// the cache holds no conditional access policies.
    pub conditional_access: Option<i64>,
    pub access_reviewed_managed_identities: i64,
    pub picked: i64,
    /// Distinct identities over all three (conditional access included once it is cached).
    pub total: i64,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub sku_part_number: String,
    pub capability_status: String,
    pub prepaid_units: i64,
    pub consumed_units: i64,
    pub is_trial: bool,
    /// When the trial ends (or the term renews), when known.
    pub next_lifecycle: Option<String>,
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LicenseEstimate {
    pub tenant_id: String,
    pub as_of: String,
    /// The full-coverage estimate: own-tenant, third-party and multitenant apps, legacy SPs, and
    /// managed identities in access reviews.
    pub billable_identities: i64,
    /// How many of those are disabled (counted all the same; shown so they can be cleaned up).
    pub billable_disabled: i64,
    /// `billable_identities` at the default $3 per month.
    pub monthly_cost_usd: f64,
    /// Bucket key → service principals in it.
    pub buckets: BTreeMap<String, i64>,
    pub bucket_details: Vec<LicenseBucket>,
    pub feature_scope: FeatureScope,
    /// Billable identities with no use for more than 90 days; `None` when the cache holds too
    /// little history to tell.
    pub unused_billable: Option<i64>,
    pub unused_explanation: String,
    /// Workload ID Premium subscriptions the tenant holds (empty when none or not synced).
    pub subscriptions: Vec<Subscription>,
    pub skus_synced: bool,
}

struct BucketRule {
    key: &'static str,
    label: &'static str,
    rule: &'static str,
    counted: bool,
    uncertain: bool,
}

const BUCKETS: [BucketRule; 8] = [
    BucketRule {
        key: "ownTenant",
        label: "Own-tenant applications",
        rule: "Service principals of apps registered in this tenant (appOwnerOrganizationId is the home tenant), single- or multitenant. Eligible for conditional access, ID Protection and app health: counted.",
        counted: true,
        uncertain: false,
    },
    BucketRule {
        key: "thirdParty",
        label: "Third-party and multitenant applications",
        rule: "Service principals of other organisations' apps (SaaS, partners). Eligible for ID Protection and app health, not conditional access: counted.",
        counted: true,
        uncertain: false,
    },
    BucketRule {
        key: "legacy",
        label: "Legacy service principals",
        rule: "servicePrincipalType Legacy: no app registration, usable only in this tenant. Microsoft's FAQ does not address them; Steward counts them like own-tenant apps and flags the figure as uncertain.",
        counted: true,
        uncertain: true,
    },
    BucketRule {
        key: "managedIdentitiesReviewed",
        label: "Managed identities in access reviews",
        rule: "Managed identities are licensed only when they are in scope of access reviews; the admin marks which are reviewed. Counted.",
        counted: true,
        uncertain: false,
    },
    BucketRule {
        key: "managedIdentities",
        label: "Managed identities (not reviewed)",
        rule: "System- and user-assigned managed identities are not eligible for conditional access or ID Protection: not counted unless in access reviews.",
        counted: false,
        uncertain: false,
    },
    BucketRule {
        key: "microsoft",
        label: "Microsoft first-party applications",
        rule: "appOwnerOrganizationId is a Microsoft tenant. Microsoft apps are not eligible for premium features: not counted.",
        counted: false,
        uncertain: false,
    },
    BucketRule {
        key: "agentIdentities",
        label: "Agent identities",
        rule: "servicePrincipalType ServiceIdentity and agent identity blueprints' principals (Agent ID, a separate preview product). Not addressed by the Workload ID FAQ: shown apart, not counted.",
        counted: false,
        uncertain: false,
    },
    BucketRule {
        key: "socialIdp",
        label: "Social identity providers and other internal service principals",
        rule: "servicePrincipalType SocialIdp (for internal use), and application SPs with no owning organisation: not counted.",
        counted: false,
        uncertain: false,
    },
];

fn bucket_of(kind: &str, ownership: &str) -> &'static str {
    match (kind, ownership) {
        ("managedIdentitySystem" | "managedIdentityUser", _) => "managedIdentities",
        ("legacy", _) => "legacy",
        ("agentIdentity", _) => "agentIdentities",
        ("socialIdp", _) => "socialIdp",
        (_, "microsoft") => "microsoft",
        (_, "ownSingleTenant" | "ownMultiTenant") => "ownTenant",
        (_, "external") => "thirdParty",
        _ => "socialIdp",
    }
}

/// The license estimate of one tenant.
pub fn estimate(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    as_of: DateTime<Utc>,
) -> Result<LicenseEstimate> {
    let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for c in count_classes(conn, key)? {
        let e = totals.entry(bucket_of(&c.kind, &c.ownership)).or_default();
        e.0 += c.count;
        if !c.enabled {
            e.1 += c.count;
        }
    }
    // Managed identities covered by a completed access review (or marked as reviewed by hand
    // before Steward ran reviews) move to their own bucket.
    let (reviewed, reviewed_disabled): (i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(sp.account_enabled = 0), 0) FROM service_principals sp
             WHERE sp.tenant = ?1 AND sp.deleted IS NULL
             AND sp.kind IN ('managedIdentitySystem', 'managedIdentityUser')
             AND sp.id IN ({REVIEWED})"
        ),
        [key.0],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mi = totals.entry("managedIdentities").or_default();
    mi.0 -= reviewed;
    mi.1 -= reviewed_disabled;
    totals.insert("managedIdentitiesReviewed", (reviewed, reviewed_disabled));

    let mut details = Vec::new();
    let mut buckets = BTreeMap::new();
    let (mut billable, mut billable_disabled) = (0, 0);
    for b in &BUCKETS {
        let (total, disabled) = totals.get(b.key).copied().unwrap_or_default();
        if b.counted {
            billable += total;
            billable_disabled += disabled;
        }
        buckets.insert(b.key.to_string(), total);
        details.push(LicenseBucket {
            key: b.key.into(),
            label: b.label.into(),
            rule: b.rule.into(),
            counted: b.counted,
            uncertain: b.uncertain,
            total,
            disabled,
            billable: if b.counted { total } else { 0 },
        });
    }

    let picked: i64 = conn.query_row(
        "SELECT count(*) FROM license_scope s JOIN service_principals sp
             ON sp.tenant = s.tenant AND sp.id = s.sp_id
         WHERE s.tenant = ?1 AND s.reason = 'picked' AND sp.deleted IS NULL",
        [key.0],
        |r| r.get(0),
    )?;
    let scoped_total: i64 = conn.query_row(
        "SELECT count(DISTINCT s.sp_id) FROM license_scope s JOIN service_principals sp
             ON sp.tenant = s.tenant AND sp.id = s.sp_id
         WHERE s.tenant = ?1 AND sp.deleted IS NULL",
        [key.0],
        |r| r.get(0),
    )?;
    let feature_scope = FeatureScope {
        conditional_access: None,
        access_reviewed_managed_identities: reviewed,
        picked,
        total: scoped_total,
        explanation: "Feature-scoped: only the identities premium features actually reach — those targeted by conditional access policies for workload identities (none cached yet: sync conditional access policies to count them), managed identities in access reviews, and identities you picked in the Identities view.".into(),
    };

    let (unused_billable, unused_explanation) = unused_billable(conn, key, as_of)?;

    let skus = insights::list_skus(conn, key)?;
    let skus_synced =
        crate::store::datasets::read_at(conn, key, Dataset::SubscribedSkus)?.is_some();
    let as_of_ms = to_ms(as_of);
    let subscriptions = skus
        .into_iter()
        .filter(|s| {
            s.service_plan_ids.iter().any(|p| {
                WORKLOAD_ID_SERVICE_PLANS
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(p))
            })
        })
        .map(|s| {
            let next = s.next_lifecycle.map(to_ms);
            Subscription {
                sku_part_number: s.sku_part_number,
                capability_status: s.capability_status,
                prepaid_units: s.prepaid_enabled,
                consumed_units: s.consumed_units,
                is_trial: s.is_trial,
                next_lifecycle: next.map(rfc3339_ms),
                days_left: next.map(|n| (n - as_of_ms).div_euclid(DAY_MS)),
            }
        })
        .collect();

    Ok(LicenseEstimate {
        tenant_id: tenant_id.into(),
        as_of: rfc3339(as_of),
        billable_identities: billable,
        billable_disabled,
        monthly_cost_usd: billable as f64 * DEFAULT_PRICE,
        buckets,
        bucket_details: details,
        feature_scope,
        unused_billable,
        unused_explanation,
        subscriptions,
        skus_synced,
    })
}

/// Billable service principals (own-tenant, third-party, legacy) created more than 90 days ago
/// with no successful sign-in and no token issued for them as a resource in 90 days.
fn unused_billable(
    conn: &Connection,
    key: TenantKey,
    as_of: DateTime<Utc>,
) -> Result<(Option<i64>, String)> {
    let as_of = to_ms(as_of);
    let threshold = as_of - STALE_APP_DAYS * DAY_MS;
    let report =
        crate::store::datasets::read_at(conn, key, Dataset::ServicePrincipalSignInActivities)?
            .is_some();
    let history_from = crate::store::sign_ins::history_from(conn, key)?;
    if !report && history_from.is_none_or(|f| f > threshold) {
        return Ok((
            None,
            format!("Not enough history to tell which identities are unused: a verdict needs {STALE_APP_DAYS} days of sign-ins or Graph's {} report. Sync that report to use this scenario.", Dataset::ServicePrincipalSignInActivities),
        ));
    }
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM service_principals sp
         LEFT JOIN sign_in_activity act ON act.tenant = sp.tenant AND act.sp_id = sp.id
         LEFT JOIN resource_activity ra ON ra.tenant = sp.tenant AND ra.sp_id = sp.id
         LEFT JOIN sp_sign_in_activities g ON g.tenant = sp.tenant AND g.app_id = sp.app_id
         WHERE sp.tenant = ?1 AND sp.deleted IS NULL
         AND (sp.kind = 'legacy' OR (sp.kind = 'application'
             AND sp.ownership IN ('ownSingleTenant', 'ownMultiTenant', 'external')))
         AND coalesce(sp.created, 0) < ?2
         AND coalesce(act.last_success, 0) < ?2 AND coalesce(ra.last_used, 0) < ?2
         AND coalesce(g.last_sign_in, 0) < ?2",
        params![key.0, threshold],
        |r| r.get(0),
    )?;
    Ok((
        Some(n),
        format!("Billable identities created more than {STALE_APP_DAYS} days ago with no successful sign-in and no token issued for them as a resource in the last {STALE_APP_DAYS} days."),
    ))
}

/// What a scenario starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ScenarioBasis {
    FullCoverage,
    WithoutUnused,
    FeatureScoped,
}

impl ScenarioBasis {
    fn as_str(self) -> &'static str {
        match self {
            ScenarioBasis::FullCoverage => "fullCoverage",
            ScenarioBasis::WithoutUnused => "withoutUnused",
            ScenarioBasis::FeatureScoped => "featureScoped",
        }
    }

    fn parse(s: &str) -> ScenarioBasis {
        match s {
            "withoutUnused" => ScenarioBasis::WithoutUnused,
            "featureScoped" => ScenarioBasis::FeatureScoped,
            _ => ScenarioBasis::FullCoverage,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub name: String,
    pub basis: ScenarioBasis,
    /// Identities added to (or, negative, removed from) the basis.
    pub adjustment: i64,
}

/// The planner's inputs, saved per tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanSettings {
    /// Price per identity per month.
    pub price: f64,
    /// A label only (no conversion): "USD", "EUR", …
    pub currency: String,
    /// The day the 90-day trial starts (`YYYY-MM-DD`), if one is planned or running.
    pub trial_start: Option<String>,
    /// Expected growth of the identity count, percent per year.
    pub growth_pct: f64,
    pub scenarios: Vec<Scenario>,
}

impl PlanSettings {
    pub fn defaults() -> PlanSettings {
        PlanSettings {
            price: DEFAULT_PRICE,
            currency: "USD".into(),
            trial_start: None,
            growth_pct: 0.0,
            scenarios: vec![
                Scenario {
                    name: "Full coverage today".into(),
                    basis: ScenarioBasis::FullCoverage,
                    adjustment: 0,
                },
                Scenario {
                    name: "After removing unused identities".into(),
                    basis: ScenarioBasis::WithoutUnused,
                    adjustment: 0,
                },
                Scenario {
                    name: "Feature-scoped".into(),
                    basis: ScenarioBasis::FeatureScoped,
                    adjustment: 0,
                },
            ],
        }
    }

    fn validate(&self) -> Result<()> {
        if !self.price.is_finite() || self.price < 0.0 || self.price > 1_000_000.0 {
            return Err(Error::InvalidInput(
                "the price per identity must be a number from 0 to 1,000,000".into(),
            ));
        }
        if !self.growth_pct.is_finite() || !(-100.0..=1000.0).contains(&self.growth_pct) {
            return Err(Error::InvalidInput(
                "the growth rate must be a percentage per year from -100 to 1000".into(),
            ));
        }
        if self.currency.trim().is_empty() || self.currency.chars().count() > 12 {
            return Err(Error::InvalidInput(
                "the currency label must be 1 to 12 characters, e.g. USD".into(),
            ));
        }
        if let Some(t) = &self.trial_start {
            parse_as_of(t).map_err(|e| Error::InvalidInput(format!("trial start: {e}")))?;
        }
        if self.scenarios.len() > 20 {
            return Err(Error::InvalidInput("keep at most 20 scenarios".into()));
        }
        for s in &self.scenarios {
            if s.name.trim().is_empty() || s.name.chars().count() > 80 {
                return Err(Error::InvalidInput(
                    "every scenario needs a name of 1 to 80 characters".into(),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HorizonCost {
    pub months: i64,
    pub total: f64,
    /// Identities at the end of the horizon, after growth.
    pub identities_at_end: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScenarioResult {
    pub name: String,
    pub basis: ScenarioBasis,
    pub adjustment: i64,
    /// `None` when the basis cannot be computed (e.g. not enough history to find unused ones).
    pub identities: Option<i64>,
    pub monthly_cost: Option<f64>,
    pub annual_cost: Option<f64>,
    pub horizons: Vec<HorizonCost>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LicensePlan {
    pub settings: PlanSettings,
    pub trial_end: Option<String>,
    pub results: Vec<ScenarioResult>,
    /// The full-coverage count a month at the plan's price (the headline, before any trial).
    pub full_coverage_monthly: f64,
    /// The feature-scoped count a month at the plan's price.
    pub feature_scoped_monthly: f64,
}

/// Costs of every scenario over 12, 24 and 36 months from `as_of`: the count grows by
/// `growth_pct` a year (compounded monthly, rounded up), and months inside the trial are free
/// (a month the trial ends in is charged for the part after it).
pub fn plan(
    estimate: &LicenseEstimate,
    settings: &PlanSettings,
    as_of: DateTime<Utc>,
) -> Result<LicensePlan> {
    settings.validate()?;
    let as_of_ms = to_ms(as_of);
    let trial = match &settings.trial_start {
        Some(t) => {
            let start = to_ms(parse_as_of(t).map_err(Error::InvalidInput)?);
            Some((start, start + TRIAL_DAYS * DAY_MS))
        }
        None => None,
    };
    let monthly_growth = (1.0 + settings.growth_pct / 100.0)
        .max(0.0)
        .powf(1.0 / 12.0);
    let month_ms = MONTH_DAYS * DAY_MS as f64;
    let results = settings
        .scenarios
        .iter()
        .map(|s| {
            let (base, note) = match s.basis {
                ScenarioBasis::FullCoverage => (Some(estimate.billable_identities), None),
                ScenarioBasis::FeatureScoped => (
                    Some(estimate.feature_scope.total),
                    estimate.feature_scope.conditional_access.is_none().then(|| {
                        "Conditional access targets are not cached yet; only reviewed managed identities and picked identities are counted.".to_string()
                    }),
                ),
                ScenarioBasis::WithoutUnused => match estimate.unused_billable {
                    Some(u) => (Some(estimate.billable_identities - u), None),
                    None => (None, Some(estimate.unused_explanation.clone())),
                },
            };
            let Some(base) = base.map(|b| (b + s.adjustment).max(0)) else {
                return ScenarioResult {
                    name: s.name.clone(),
                    basis: s.basis,
                    adjustment: s.adjustment,
                    identities: None,
                    monthly_cost: None,
                    annual_cost: None,
                    horizons: Vec::new(),
                    note,
                };
            };
            let mut horizons = Vec::new();
            let mut total = 0.0;
            let mut count = base;
            let mut first_year = 0.0;
            for m in 0..HORIZONS[HORIZONS.len() - 1] {
                count = (base as f64 * monthly_growth.powi(m as i32)).ceil() as i64;
                let start = as_of_ms as f64 + m as f64 * month_ms;
                let end = start + month_ms;
                let free = match trial {
                    Some((ts, te)) => {
                        let overlap = (end.min(te as f64) - start.max(ts as f64)).max(0.0);
                        overlap / month_ms
                    }
                    None => 0.0,
                };
                let cost = count as f64 * settings.price * (1.0 - free);
                total += cost;
                if m < 12 {
                    first_year += cost;
                }
                if HORIZONS.contains(&(m + 1)) {
                    horizons.push(HorizonCost {
                        months: m + 1,
                        total: round2(total),
                        identities_at_end: count,
                    });
                }
            }
            let _ = count;
            ScenarioResult {
                name: s.name.clone(),
                basis: s.basis,
                adjustment: s.adjustment,
                identities: Some(base),
                monthly_cost: Some(round2(base as f64 * settings.price)),
                annual_cost: Some(round2(first_year)),
                horizons,
                note,
            }
        })
        .collect();
    Ok(LicensePlan {
        settings: settings.clone(),
        trial_end: trial.map(|(_, e)| rfc3339_ms(e)),
        results,
        full_coverage_monthly: round2(estimate.billable_identities as f64 * settings.price),
        feature_scoped_monthly: round2(estimate.feature_scope.total as f64 * settings.price),
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The saved planner inputs of a tenant, or the defaults.
pub fn load_settings(conn: &Connection, key: TenantKey) -> Result<PlanSettings> {
    let row: Option<(f64, String, Option<i64>, f64)> = conn
        .query_row(
            "SELECT price, currency, trial_start, growth_pct FROM license_settings WHERE tenant = ?1",
            [key.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((price, currency, trial_start, growth_pct)) = row else {
        return Ok(PlanSettings::defaults());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT name, basis, adjustment FROM license_scenarios WHERE tenant = ?1 ORDER BY id",
    )?;
    let scenarios = stmt
        .query_map([key.0], |r| {
            Ok(Scenario {
                name: r.get(0)?,
                basis: ScenarioBasis::parse(&r.get::<_, String>(1)?),
                adjustment: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(PlanSettings {
        price,
        currency,
        trial_start: trial_start.map(|t| rfc3339_ms(t).chars().take(10).collect()),
        growth_pct,
        scenarios,
    })
}

/// Saves the planner inputs of a tenant (validated first; nothing is written when invalid).
pub fn save_settings(conn: &Connection, key: TenantKey, s: &PlanSettings) -> Result<()> {
    s.validate()?;
    let trial = match &s.trial_start {
        Some(t) => Some(to_ms(parse_as_of(t).map_err(Error::InvalidInput)?)),
        None => None,
    };
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO license_settings (tenant, price, currency, trial_start, growth_pct)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant) DO UPDATE SET price = excluded.price, currency = excluded.currency,
             trial_start = excluded.trial_start, growth_pct = excluded.growth_pct",
        params![key.0, s.price, s.currency.trim(), trial, s.growth_pct],
    )?;
    tx.execute("DELETE FROM license_scenarios WHERE tenant = ?1", [key.0])?;
    for (i, sc) in s.scenarios.iter().enumerate() {
        tx.execute(
            "INSERT INTO license_scenarios (tenant, id, name, basis, adjustment) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key.0, i as i64, sc.name.trim(), sc.basis.as_str(), sc.adjustment],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Why an admin put a service principal in license scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ScopeReason {
    /// A managed identity in scope of access reviews.
    AccessReview,
    /// Picked for the feature-scoped estimate.
    Picked,
}

impl ScopeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeReason::AccessReview => "accessReview",
            ScopeReason::Picked => "picked",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScopeFlags {
    pub access_review: bool,
    pub picked: bool,
    /// Whether access reviews can apply (managed identities only, for the license rule).
    pub managed_identity: bool,
}

/// Puts one service principal in or out of license scope; refuses unknown identities and
/// access-review marks on anything but a managed identity.
pub fn set_scope(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    sp_id: &str,
    reason: ScopeReason,
    included: bool,
) -> Result<ScopeFlags> {
    let flags = scope_flags(conn, key, tenant_id, sp_id)?;
    if included && reason == ScopeReason::AccessReview && !flags.managed_identity {
        return Err(Error::InvalidInput(
            "only managed identities are licensed through access reviews; pick this identity for the feature-scoped estimate instead".into(),
        ));
    }
    insights::set_license_scope(conn, key, sp_id, reason.as_str(), included)?;
    scope_flags(conn, key, tenant_id, sp_id)
}

pub fn scope_flags(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    sp_id: &str,
) -> Result<ScopeFlags> {
    let kind: Option<String> = conn
        .query_row(
            "SELECT kind FROM service_principals WHERE tenant = ?1 AND id = ?2 AND deleted IS NULL",
            params![key.0, sp_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(kind) = kind else {
        return Err(Error::UnknownServicePrincipal {
            tenant: tenant_id.into(),
            id: sp_id.into(),
        });
    };
    let reasons: Vec<String> = conn
        .prepare_cached("SELECT reason FROM license_scope WHERE tenant = ?1 AND sp_id = ?2")?
        .query_map(params![key.0, sp_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ScopeFlags {
        access_review: reasons.iter().any(|r| r == "accessReview"),
        picked: reasons.iter().any(|r| r == "picked"),
        managed_identity: kind.starts_with("managedIdentity"),
    })
}

/// The managed identities (and other identities) access reviews cover for licensing (?1 the
/// tenant): the items of completed reviews, and marks made by hand before Steward ran reviews.
const REVIEWED: &str =
    "SELECT sp_id FROM license_scope WHERE tenant = ?1 AND reason = 'accessReview'
     UNION SELECT i.sp_id FROM access_review_items i JOIN access_reviews r
         ON r.tenant = i.tenant AND r.id = i.review_id
     WHERE i.tenant = ?1 AND r.status = 'completed'";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReviewCandidate {
    pub id: String,
    pub display_name: String,
    pub kind: String,
    /// Privileged directory roles held (the reason access reviews would cover it).
    pub roles: Vec<String>,
    /// Covered by a completed review, or marked by hand: it counts toward the licence.
    pub reviewed: bool,
    /// The newest completed access review that covered it.
    pub review: Option<String>,
    /// Marked as reviewed by hand (before Steward ran access reviews).
    pub marked: bool,
}

/// Managed identities that access reviews of privileged roles would cover, and those reviews
/// (or hand marks) already cover.
pub fn review_candidates(conn: &Connection, key: TenantKey) -> Result<Vec<ReviewCandidate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT sp.id, sp.display_name, sp.kind,
                (SELECT group_concat(role_display_name, '; ') FROM (
                    SELECT DISTINCT r.role_display_name FROM directory_role_assignments r
                    WHERE r.tenant = sp.tenant AND r.principal_id = sp.id AND r.is_privileged = 1
                    ORDER BY r.role_display_name)),
                EXISTS (SELECT 1 FROM license_scope s WHERE s.tenant = sp.tenant
                    AND s.sp_id = sp.id AND s.reason = 'accessReview'),
                (SELECT r.name FROM access_review_items i JOIN access_reviews r
                    ON r.tenant = i.tenant AND r.id = i.review_id
                 WHERE i.tenant = sp.tenant AND i.sp_id = sp.id AND r.status = 'completed'
                 ORDER BY r.completed DESC, r.id LIMIT 1)
         FROM service_principals sp
         WHERE sp.tenant = ?1 AND sp.deleted IS NULL
         AND sp.kind IN ('managedIdentitySystem', 'managedIdentityUser')
         AND sp.id IN (
             SELECT principal_id FROM directory_role_assignments WHERE tenant = ?1 AND is_privileged = 1
             UNION {REVIEWED})
         ORDER BY sp.display_name COLLATE NOCASE, sp.id"
    ))?;
    let rows = stmt
        .query_map([key.0], |r| {
            let marked: bool = r.get(4)?;
            let review: Option<String> = r.get(5)?;
            Ok(ReviewCandidate {
                id: r.get(0)?,
                display_name: r.get(1)?,
                kind: r.get(2)?,
                roles: r
                    .get::<_, Option<String>>(3)?
                    .map(|s| s.split("; ").map(String::from).collect())
                    .unwrap_or_default(),
                reviewed: marked || review.is_some(),
                review,
                marked,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
