//! Named locations, and what Identity Protection reports about the planted anomalies: risky
//! service principals, their risk history and the detections behind it.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::names::*;
use super::profile::UsedCredential;
use super::sign_ins::{Anomaly, ANOMALY_LOCATION};
use super::{guid, DemoSink, Generator};
use crate::model::{
    NamedLocation, RiskyServicePrincipal, RiskyServicePrincipalHistoryItem,
    ServicePrincipalRiskDetection, SignInLocation,
};
use crate::Result;

impl Generator<'_> {
    /// Named locations covering every place the identities normally sign in from.
    pub(super) fn named_locations(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let mut ranges: Vec<String> = LOCATIONS
            .iter()
            .map(|(_, _, _, p)| format!("{}.{}.0.0/16", p[0], p[1]))
            .collect();
        ranges.dedup();
        self.trusted_location = guid(self.rng.random());
        sink.named_location(&NamedLocation {
            id: self.trusted_location.clone(),
            display_name: "Azure regions in use".into(),
            kind: "ip".into(),
            is_trusted: true,
            ip_ranges: ranges,
            countries_and_regions: Vec::new(),
            include_unknown_countries_and_regions: false,
        })?;
        let mut countries: Vec<String> = LOCATIONS.iter().map(|l| l.0.to_string()).collect();
        countries.sort();
        countries.dedup();
        sink.named_location(&NamedLocation {
            id: guid(self.rng.random()),
            display_name: "Operating countries".into(),
            kind: "country".into(),
            is_trusted: false,
            ip_ranges: Vec::new(),
            countries_and_regions: countries,
            include_unknown_countries_and_regions: false,
        })
    }

    /// Identity Protection's view: the identity signing in from a new country is at risk
    /// (suspicious sign-ins), the one whose secret is sprayed has leaked credentials, and one
    /// earlier detection was dismissed by an admin.
    pub(super) fn identity_protection(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        let at_of = |g: &Generator<'_>, kind: Anomaly| {
            g.anomalies
                .iter()
                .find(|(_, k)| *k == kind)
                .and_then(|(p, _)| g.anomaly_at.iter().find(|(q, _)| q == p).copied())
        };
        // (profile, when, level, state, detail, riskEventType, activity)
        type Item = (
            usize,
            DateTime<Utc>,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
        );
        let mut items: Vec<Item> = Vec::new();
        if let Some((p, at)) = at_of(self, Anomaly::NewCountry) {
            items.push((
                p,
                at,
                "medium",
                "atRisk",
                "none",
                "suspiciousSignins",
                "signin",
            ));
        }
        if let Some((p, at)) = at_of(self, Anomaly::Burst) {
            items.push((
                p,
                at,
                "high",
                "atRisk",
                "none",
                "leakedCredentials",
                "servicePrincipal",
            ));
        }
        // An older, dismissed detection on one of the tenant's own apps that is not otherwise
        // anomalous.
        if let Some(p) = (0..self.profiles.len()).find(|p| {
            let prof = &self.profiles[*p];
            !prof.managed && prof.ca_eligible && !self.anomalies.iter().any(|(q, _)| q == p)
        }) {
            items.push((
                p,
                as_of - Duration::days(20),
                "none",
                "dismissed",
                "adminDismissedAllRiskForServicePrincipal",
                "anomalousServicePrincipalActivity",
                "servicePrincipal",
            ));
        }
        for (p, at, level, state, detail, event, activity) in items {
            let prof = &self.profiles[p];
            let sp_id = guid(prof.sp_id);
            let app_id = guid(prof.app_id);
            let name = prof.name.to_string();
            let detected = at + Duration::hours(2);
            let dismissed = state == "dismissed";
            let key_ids = match prof.credential {
                UsedCredential::Secret { key, .. } if event == "leakedCredentials" => {
                    vec![guid(key)]
                }
                _ => Vec::new(),
            };
            let (ip, location) = if activity == "signin" {
                let (country, state, city, prefix) = ANOMALY_LOCATION;
                (
                    Some(format!("{}.{}.10.23", prefix[0], prefix[1])),
                    Some(SignInLocation {
                        city: Some(city.into()),
                        state: Some(state.into()),
                        country_or_region: Some(country.into()),
                    }),
                )
            } else {
                (None, None)
            };
            sink.risk_detection(&ServicePrincipalRiskDetection {
                id: guid(self.rng.random()),
                service_principal_id: sp_id.clone(),
                service_principal_display_name: Some(name.clone()),
                app_id: Some(app_id.clone()),
                risk_event_type: event.into(),
                risk_state: state.into(),
                risk_level: if dismissed { "low" } else { level }.into(),
                risk_detail: detail.into(),
                source: Some("identityProtection".into()),
                detection_timing_type: Some("offline".into()),
                activity: Some(activity.into()),
                ip_address: ip,
                location,
                activity_date_time: Some(at),
                detected_date_time: Some(detected),
                last_updated_date_time: Some(detected),
                key_ids,
                request_id: None,
                correlation_id: None,
                additional_info: Some("[{\"Key\":\"alertUrl\",\"Value\":null}]".into()),
            })?;
            sink.risk_history(&RiskyServicePrincipalHistoryItem {
                id: guid(self.rng.random()),
                service_principal_id: sp_id.clone(),
                risk_level: if dismissed { "low" } else { level }.into(),
                risk_state: "atRisk".into(),
                risk_detail: "none".into(),
                risk_last_updated_date_time: detected,
                initiated_by: None,
            })?;
            let updated = if dismissed {
                let when = detected + Duration::days(1);
                sink.risk_history(&RiskyServicePrincipalHistoryItem {
                    id: guid(self.rng.random()),
                    service_principal_id: sp_id.clone(),
                    risk_level: "none".into(),
                    risk_state: "dismissed".into(),
                    risk_detail: detail.into(),
                    risk_last_updated_date_time: when,
                    initiated_by: Some(PEOPLE[0].to_string()),
                })?;
                when
            } else {
                detected
            };
            sink.risky_service_principal(&RiskyServicePrincipal {
                id: sp_id,
                app_id: Some(app_id),
                display_name: Some(name),
                service_principal_type: Some("Application".into()),
                is_enabled: Some(true),
                is_processing: Some(false),
                risk_level: level.into(),
                risk_state: state.into(),
                risk_detail: detail.into(),
                risk_last_updated_date_time: Some(updated),
            })?;
        }
        Ok(())
    }
}
