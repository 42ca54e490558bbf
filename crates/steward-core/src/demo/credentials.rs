//! Client secrets and certificates with a believable spread of validity windows, and which of an
//! app's credentials its sign-ins use.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::profile::UsedCredential;
use super::{guid, parse_guid, Generator};
use crate::model::{Application, KeyCredential, PasswordCredential, ServicePrincipal};

impl Generator<'_> {
    /// A client secret whose end date is spread across expired, expiring within 30 days,
    /// ordinary, and long-lived (2+ years); `expired_share` tilts it towards expired.
    pub(super) fn secret(&mut self, label: &str, expired_share: f64) -> PasswordCredential {
        let (start, end) = self.validity(expired_share);
        let hint: String = (0..3)
            .map(|_| {
                let chars = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789~._";
                chars[self.rng.random_range(0..chars.len())] as char
            })
            .collect();
        PasswordCredential {
            key_id: guid(self.rng.random()),
            display_name: Some(label.into()),
            hint: Some(hint),
            start_date_time: Some(start),
            end_date_time: Some(end),
        }
    }

    pub(super) fn certificate(&mut self) -> KeyCredential {
        let (start, end) = self.validity(0.1);
        let thumb: u128 = self.rng.random();
        let extra: u32 = self.rng.random();
        KeyCredential {
            key_id: guid(self.rng.random()),
            display_name: Some(format!(
                "CN={}",
                ["contoso-signing", "api.contoso-demo.com", "daemon-auth"]
                    [self.rng.random_range(0..3)]
            )),
            key_type: Some("AsymmetricX509Cert".into()),
            usage: Some("Verify".into()),
            custom_key_identifier: Some(format!("{thumb:032X}{extra:08X}")),
            start_date_time: Some(start),
            end_date_time: Some(end),
        }
    }

    pub(super) fn validity(&mut self, expired_share: f64) -> (DateTime<Utc>, DateTime<Utc>) {
        let as_of = self.opts.as_of;
        let roll: f64 = self.rng.random();
        let hours = Duration::hours(self.rng.random_range(0..24));
        if roll < 0.15 + expired_share {
            let end = as_of - Duration::days(self.rng.random_range(1..400)) - hours;
            (
                end - Duration::days([180, 365, 730][self.rng.random_range(0..3)]),
                end,
            )
        } else if roll < 0.25 + expired_share {
            let end = as_of + Duration::days(self.rng.random_range(0..30)) + hours;
            (
                end - Duration::days([180, 365][self.rng.random_range(0..2)]),
                end,
            )
        } else if roll < 0.75 {
            let end = as_of + Duration::days(self.rng.random_range(31..365)) + hours;
            (
                end - Duration::days([180, 365, 540][self.rng.random_range(0..3)]),
                end,
            )
        } else {
            let start = as_of - Duration::days(self.rng.random_range(30..500));
            (
                start,
                start + Duration::days(self.rng.random_range(731..3650)) + hours,
            )
        }
    }

    /// Which credential an app's sign-ins use: federation first, then a certificate, then the
    /// newest secret.
    pub(super) fn pick_used(&mut self, app: &Application, sp: &ServicePrincipal) -> UsedCredential {
        if let Some(f) = app.federated_identity_credentials.first() {
            return UsedCredential::Federated {
                fic: parse_guid(&f.id),
                renamed_repo: f.issuer.contains("github") && self.rng.random_bool(0.25),
            };
        }
        let as_of = self.opts.as_of;
        if let Some(c) = app
            .key_credentials
            .iter()
            .find(|c| c.end_date_time.is_some_and(|e| e > as_of))
        {
            let thumb = c
                .custom_key_identifier
                .as_deref()
                .and_then(|t| t.get(..32))
                .unwrap_or("0");
            return UsedCredential::Certificate {
                key: parse_guid(&c.key_id),
                thumb: u128::from_str_radix(thumb, 16).unwrap_or(0),
            };
        }
        let secrets = app
            .password_credentials
            .iter()
            .chain(&sp.password_credentials);
        match secrets.max_by_key(|s| s.end_date_time) {
            Some(s) => UsedCredential::Secret {
                key: parse_guid(&s.key_id),
                expired: s.end_date_time.is_some_and(|e| e <= as_of),
            },
            None => UsedCredential::None,
        }
    }
}
