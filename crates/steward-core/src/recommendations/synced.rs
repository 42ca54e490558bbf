//! Entra's own recommendations as synced (`directory/recommendations`): Entra's verdict beside
//! Steward's for a type both know, and rows of their own for types Steward does not compute.

use std::collections::HashMap;

use super::context::Ctx;
use super::resources::{app_url, ev};
use super::status::effective_status;
use super::{
    EntraView, Evidence, ImpactedResource, Priority, Recommendation, RecommendationSource,
    RecommendationStatus,
};
use crate::clock::{rfc3339_ms, to_ms};
use crate::store::insights::{self, RecommendationState};
use crate::Result;

/// Adds Entra's synced recommendations: beside the computed one of the same type, or as rows of
/// their own for types Steward does not compute (e.g. ADAL or Azure AD Graph use, which the
/// sign-in log does not show).
pub(super) fn synced(
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
            missing_data: None,
            peer_checks: Vec::new(),
            entra: Some(view),
        });
    }
    Ok(())
}
