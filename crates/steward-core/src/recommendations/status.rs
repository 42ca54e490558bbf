//! The statuses an admin sets on a recommendation (dismissed, postponed, completed, active
//! again), how a stored status reads at a given instant, and recording a change.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{recommendation_types, recommendations, ImpactedResource, RecommendationSettings};
use crate::clock::to_ms;
use crate::store::insights::{self, RecommendationState};
use crate::store::TenantKey;
use crate::{Error, Result};

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

/// The status shown: a postponement lapses on its date; a completed recommendation becomes
/// active again when a resource not impacted at completion appears.
pub(super) fn effective_status(
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
