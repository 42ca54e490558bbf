//! Building impacted resources: an application, a service principal or a credential on one,
//! with the evidence behind the verdict, its owners and its page in the Entra admin center.

use super::context::Ctx;
use super::credentials::Cred;
use super::{Evidence, ImpactedResource};
use crate::clock::{rfc3339_ms, DAY_MS};
use crate::Result;

impl Ctx<'_> {
    pub(super) fn application_resource(
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

    pub(super) fn sp_resource(
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
    pub(super) fn enrich(&self, r: &mut ImpactedResource) -> Result<()> {
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
    pub(super) fn credential_resource(
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

    pub(super) fn ago(&self, t: i64) -> String {
        let days = (self.as_of - t).div_euclid(DAY_MS);
        if days >= 0 {
            format!("{} ({days} days ago)", date(t))
        } else {
            format!("{} (after the as-of date)", date(t))
        }
    }

    pub(super) fn ahead(&self, t: i64) -> String {
        let days = (t - self.as_of).div_euclid(DAY_MS);
        format!("{} (in {days} days)", date(t))
    }

    pub(super) fn last_use_evidence(&self, label: &str, t: Option<i64>) -> Evidence {
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

pub(super) fn ev(label: &str, value: impl Into<String>) -> Evidence {
    Evidence {
        label: label.into(),
        value: value.into(),
    }
}

pub(super) fn date(ms: i64) -> String {
    let mut s = rfc3339_ms(ms);
    s.truncate(10);
    s
}

/// Percent-encodes anything but unreserved characters: ids come from the tenant.
fn url_part(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
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
