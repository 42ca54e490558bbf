//! Entra's own directory recommendations and the applications they impact, as a sync would bring
//! them.

use chrono::Duration;
use rand::Rng;

use super::{DemoSink, Generator};
use crate::model::{DirectoryImpactedResource, DirectoryRecommendation};
use crate::Result;

impl Generator<'_> {
    /// Entra's own recommendations as a sync would bring them: two types Steward cannot compute
    /// from sign-ins (Azure AD Graph and ADAL use), and Entra's view of expiring credentials.
    pub(super) fn directory_recommendations(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        let tenant = self.tenant_id.clone();
        let apps = self.own_apps.clone();
        // (type, name, priority, insights, steps, which of the own apps it impacts)
        type Kind = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static [&'static str],
            std::ops::Range<usize>,
        );
        let kinds: [Kind; 3] = [
            (
                "aadGraphDeprecationApplication",
                "Migrate applications from the retiring Azure AD Graph APIs to Microsoft Graph",
                "high",
                "Your tenant has applications that call the retiring Azure AD Graph API.",
                &["Update the applications to call Microsoft Graph instead of Azure AD Graph."],
                0..3,
            ),
            (
                "adalToMsalMigration",
                "Migrate from ADAL to MSAL",
                "medium",
                "Applications in your tenant requested tokens through ADAL in the past 30 days.",
                &["Move the applications to the Microsoft Authentication Library (MSAL)."],
                3..5,
            ),
            (
                "applicationCredentialExpiry",
                "Renew expiring application credentials",
                "high",
                "Your tenant has applications with credentials that will expire soon.",
                &["Renew the credentials before they expire."],
                5..6,
            ),
        ];
        for (kind, name, priority, insights, steps, range) in kinds {
            let id = format!("{tenant}_{kind}");
            sink.directory_recommendation(&DirectoryRecommendation {
                id: id.clone(),
                recommendation_type: kind.into(),
                display_name: name.into(),
                status: "active".into(),
                priority: priority.into(),
                insights: Some(insights.into()),
                benefits: None,
                action_steps: steps.iter().map(|s| s.to_string()).collect(),
                last_checked_date_time: Some(as_of - Duration::hours(20)),
                postpone_until_date_time: None,
            })?;
            for (app, app_id, app_name) in apps.get(range).unwrap_or_default() {
                let details = match kind {
                    "aadGraphDeprecationApplication" => vec![
                        ("AppId".to_string(), app_id.clone()),
                        (
                            "RequestCount".to_string(),
                            self.rng.random_range(40..4000).to_string(),
                        ),
                        (
                            "LastRequestDate".to_string(),
                            (as_of - Duration::days(self.rng.random_range(1..20)))
                                .format("%Y-%m-%d")
                                .to_string(),
                        ),
                    ],
                    "adalToMsalMigration" => vec![
                        ("AppId".to_string(), app_id.clone()),
                        ("Library".to_string(), "ADAL.Net".to_string()),
                    ],
                    _ => vec![("AppId".to_string(), app_id.clone())],
                };
                sink.directory_impacted_resource(&DirectoryImpactedResource {
                    id: app.clone(),
                    recommendation_id: id.clone(),
                    subject_id: Some(app_id.clone()),
                    resource_type: Some("application".into()),
                    display_name: app_name.clone(),
                    status: "active".into(),
                    added_date_time: Some(as_of - Duration::days(self.rng.random_range(2..40))),
                    portal_url: None,
                    additional_details: details,
                })?;
            }
        }
        Ok(())
    }
}
