//! Sixty days of sign-ins in time order: daily quotas, busy hours, failures that fit each
//! identity's credential, and a few planted anomalies so that every local risk signal has an
//! example with a baseline behind it.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use rand::Rng;

use super::names::*;
use super::profile::UsedCredential;
use super::{guid, DemoSink, Generator, Progress, SIGN_IN_DAYS};
use crate::model::SignIn;
use crate::{Error, Result};

/// Days before `as_of` on which the demo's anomalies happen (inside the default 7-day window).
const ANOMALY_DAYS_AGO: i64 = 3;

/// Where the demo's new-country anomaly signs in from: outside every named location.
pub(super) const ANOMALY_LOCATION: (&str, &str, &str, [u8; 2]) =
    ("NG", "Lagos", "Lagos", [102, 89]);

/// What an anomalous demo sign-in does differently from its identity's habits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Anomaly {
    None,
    /// From a country and network outside the tenant's named locations.
    NewCountry,
    /// A token for a resource the identity never called.
    NewResource,
    /// A client secret Steward does not hold, on an identity that used a certificate.
    UnknownSecret,
    /// A burst of wrong-secret failures.
    Burst,
}

impl Generator<'_> {
    pub(super) fn sign_ins(
        &mut self,
        sink: &mut dyn DemoSink,
        progress: Progress<'_>,
    ) -> Result<()> {
        let total = self.opts.sign_ins;
        if total == 0 {
            return Ok(());
        }
        if self.profiles.is_empty() {
            return Err(Error::InvalidInput(
                "sign-ins need at least one service principal that signs in: ask for more service principals (--service-principals 20 or more)".into(),
            ));
        }
        // Cumulative weights for picking the identity of each event.
        let mut cumulative = Vec::with_capacity(self.weights.len());
        let mut acc = 0.0;
        for w in &self.weights {
            acc += w;
            cumulative.push(acc);
        }
        self.pick_anomalies();
        self.weights = Vec::new();
        let start = self.opts.as_of - Duration::days(SIGN_IN_DAYS);
        // Daily quotas: weekends are quieter; a little noise from day to day.
        let day_weights: Vec<f64> = (0..SIGN_IN_DAYS)
            .map(|d| {
                let day = start + Duration::days(d);
                let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                (if weekend { 0.55 } else { 1.0 }) * self.rng.random_range(0.9..1.1)
            })
            .collect();
        let quotas = largest_remainder(total, &day_weights);
        let mut done = 0u64;
        let mut events: Vec<(i64, u32, Anomaly)> = Vec::new();
        for (d, quota) in quotas.into_iter().enumerate() {
            let day_start = start + Duration::days(d as i64);
            events.clear();
            for _ in 0..quota {
                let x = self.rng.random_range(0.0..acc);
                let p = cumulative
                    .partition_point(|c| *c <= x)
                    .min(cumulative.len() - 1);
                // Business hours are busier than the night.
                let hour = if self.rng.random_bool(0.6) {
                    self.rng.random_range(7..19)
                } else {
                    self.rng.random_range(0..24)
                };
                let ms = hour * 3_600_000 + self.rng.random_range(0..3_600_000);
                events.push((ms, p as u32, Anomaly::None));
            }
            if d as i64 == SIGN_IN_DAYS - ANOMALY_DAYS_AGO {
                self.place_anomalies(&mut events);
            }
            events.sort_unstable();
            for &(ms, p, anomaly) in &events {
                let at = day_start + Duration::milliseconds(ms);
                if anomaly != Anomaly::None
                    && !self.anomaly_at.iter().any(|(q, _)| *q == p as usize)
                {
                    self.anomaly_at.push((p as usize, at));
                }
                let s = self.event(at, p as usize, anomaly);
                sink.sign_in(&s)?;
                done += 1;
                if done.is_multiple_of(100_000) {
                    progress("sign-ins", done, total);
                }
            }
        }
        self.summary.sign_ins = done;
        progress("sign-ins", done, total);
        Ok(())
    }

    /// Picks the busiest identities of the right sort to behave unusually ANOMALY_DAYS_AGO, so
    /// that each local risk signal has an example with a baseline behind it.
    pub(super) fn pick_anomalies(&mut self) {
        let mut order: Vec<usize> = (0..self.profiles.len()).collect();
        order.sort_by(|a, b| self.weights[*b].total_cmp(&self.weights[*a]).then(a.cmp(b)));
        let wanted = [
            Anomaly::NewCountry,
            Anomaly::NewResource,
            Anomaly::UnknownSecret,
            Anomaly::Burst,
        ];
        for kind in wanted {
            let found = order.iter().copied().find(|p| {
                let prof = &self.profiles[*p];
                let taken = self.anomalies.iter().any(|(q, _)| q == p);
                let fits = match kind {
                    Anomaly::UnknownSecret => {
                        matches!(prof.credential, UsedCredential::Certificate { .. })
                    }
                    Anomaly::NewResource => prof.resources.len() < RESOURCE_COUNT,
                    _ => matches!(
                        prof.credential,
                        UsedCredential::Secret { expired: false, .. }
                    ),
                };
                !taken && !prof.managed && prof.failure_rate < 0.2 && fits
            });
            if let Some(p) = found {
                self.anomalies.push((p, kind));
            }
        }
    }

    /// Turns some of the day's events into the anomalies (the total stays as asked).
    pub(super) fn place_anomalies(&mut self, events: &mut [(i64, u32, Anomaly)]) {
        let per = |k: Anomaly| if k == Anomaly::Burst { 30 } else { 12 };
        let needed: usize = self.anomalies.iter().map(|(_, k)| per(*k)).sum();
        if events.len() < needed * 3 {
            return; // too small a demo to hide them in
        }
        let mut slot = 0;
        for (i, &(p, kind)) in self.anomalies.iter().enumerate() {
            for n in 0..per(kind) as i64 {
                let ms = match kind {
                    // A burst lasts minutes; the others spread over some hours.
                    Anomaly::Burst => 2 * 3_600_000 + n * 45_000,
                    _ => (9 + i as i64) * 3_600_000 + n * 1_100_000,
                };
                // Take every third event so the day's mix of identities stays realistic.
                events[slot] = (ms, p as u32, kind);
                slot += 3;
            }
        }
    }

    pub(super) fn event(&mut self, at: DateTime<Utc>, p: usize, anomaly: Anomaly) -> SignIn {
        let id = guid(self.rng.random());
        let prof = &self.profiles[p];
        let (loc, mut host) = prof.places[self.rng.random_range(0..prof.places.len())];
        let (mut country, mut state, mut city, mut prefix) = LOCATIONS[loc as usize];
        let mut res = prof.resources[self.rng.random_range(0..prof.resources.len())] as usize;
        let mut failed = self.rng.random::<f32>() < prof.failure_rate;
        let night = at.hour() < 6;
        match anomaly {
            Anomaly::NewCountry => {
                (country, state, city, prefix) = ANOMALY_LOCATION;
                host = 0x0A17;
                failed = false;
            }
            Anomaly::NewResource => {
                res = (0..RESOURCE_COUNT)
                    .find(|r| !prof.resources.contains(&(*r as u8)))
                    .unwrap_or(res);
                failed = false;
            }
            Anomaly::UnknownSecret => failed = false,
            Anomaly::Burst => failed = true,
            Anomaly::None => {}
        }
        let (cred_type, key_id, thumb, fic) = match prof.credential {
            _ if anomaly == Anomaly::UnknownSecret => (
                Some("clientSecret"),
                Some(guid(prof.sp_id ^ 0x5EC2E7)),
                None,
                None,
            ),
            UsedCredential::Secret { key, .. } => {
                (Some("clientSecret"), Some(guid(key)), None, None)
            }
            UsedCredential::Certificate { key, thumb } => (
                Some("certificate"),
                Some(guid(key)),
                Some(format!("{thumb:032X}")),
                None,
            ),
            UsedCredential::Federated { fic, .. } => (
                Some("federatedIdentityCredential"),
                None,
                None,
                Some(guid(fic)),
            ),
            UsedCredential::ManagedIdentity => (Some("managedIdentity"), None, None, None),
            UsedCredential::None => (Some("none"), None, None, None),
        };
        let error_code = if !failed {
            0
        } else if anomaly == Anomaly::Burst {
            7000215
        } else {
            match prof.credential {
                UsedCredential::Secret { expired: true, .. } => 7000222,
                UsedCredential::Secret { .. } if prof.failure_rate >= 0.5 => 700016,
                UsedCredential::Federated {
                    renamed_repo: true, ..
                } => 700213,
                UsedCredential::Federated { .. } => [70021, 700213][self.rng.random_range(0..2)],
                UsedCredential::Certificate { .. } => 700027,
                _ if prof.ca_eligible && night => 53003,
                UsedCredential::Secret { .. } | UsedCredential::None => {
                    [7000215, 7000215, 7000215, 53003, 50196][self.rng.random_range(0..5)]
                }
                UsedCredential::ManagedIdentity => 500011,
            }
        };
        let ca_status = if error_code == 53003 {
            "failure"
        } else if prof.ca_eligible {
            "success"
        } else {
            "notApplied"
        };
        let (resource_name, resource_app) = MICROSOFT_APPS[res];
        SignIn {
            id,
            created_date_time: at,
            sign_in_event_type: if prof.managed {
                "managedIdentity"
            } else {
                "servicePrincipal"
            }
            .into(),
            service_principal_id: guid(prof.sp_id),
            service_principal_name: Some(prof.name.to_string()),
            app_id: Some(guid(prof.app_id)),
            resource_id: Some(resource_app.into()),
            resource_service_principal_id: self.resource_sp.get(res).map(|r| guid(*r)),
            resource_display_name: Some(resource_name.into()),
            ip_address: Some(format!(
                "{}.{}.{}.{}",
                prefix[0],
                prefix[1],
                host >> 8,
                host & 0xff
            )),
            city: Some(city.into()),
            state: Some(state.into()),
            country_or_region: Some(country.into()),
            error_code,
            failure_reason: (error_code != 0).then(|| failure_reason(error_code).into()),
            client_credential_type: cred_type.map(Into::into),
            service_principal_credential_key_id: key_id,
            service_principal_credential_thumbprint: thumb,
            federated_credential_id: fic,
            conditional_access_status: Some(ca_status.into()),
        }
    }
}

/// Splits `total` into integer parts proportional to `weights`, summing exactly to `total`.
pub(super) fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| {
        let ra = exact[*a] - exact[*a].floor();
        let rb = exact[*b] - exact[*b].floor();
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}
