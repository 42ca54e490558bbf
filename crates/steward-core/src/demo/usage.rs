//! Graph's usage reports (the last use of each app and of each credential) and the tenant's
//! subscriptions.

use chrono::Duration;
use rand::Rng;

use super::profile::UsedCredential;
use super::{guid, DemoSink, Generator};
use crate::model::{
    AppCredentialSignInActivity, ServicePrincipal, ServicePrincipalSignInActivity, SubscribedSku,
    WORKLOAD_ID_SERVICE_PLANS,
};
use crate::Result;

impl Generator<'_> {
    /// Rows of Graph's usage reports for one identity: last use of the app and of each credential.
    /// Identities active in the generated log were used within the last day and a half; idle ones
    /// mostly show an older last use, which the 60-day log alone could not tell.
    pub(super) fn usage_reports(
        &mut self,
        sink: &mut dyn DemoSink,
        sp: &ServicePrincipal,
        active: bool,
        used: UsedCredential,
        reported: &[(String, &'static str, &'static str, Option<String>)],
    ) -> Result<()> {
        let as_of = self.opts.as_of;
        let recent = |g: &mut Self| Some(as_of - Duration::minutes(g.rng.random_range(1..2160)));
        let last = if active {
            recent(self)
        } else {
            match self.rng.random_range(0..100) {
                0..=54 => Some(self.days_ago(95, 700)),
                55..=79 => Some(self.days_ago(61, 89)),
                _ => None,
            }
        };
        if let Some(t) = last {
            sink.sp_activity(&ServicePrincipalSignInActivity {
                id: Some(format!("{}-activity", sp.app_id)),
                app_id: sp.app_id.clone(),
                last_sign_in: Some(t),
                application_client: Some(t),
                application_resource: None,
                delegated_client: None,
                delegated_resource: None,
            })?;
        }
        let used_key = match used {
            UsedCredential::Secret { key, .. } | UsedCredential::Certificate { key, .. } => {
                Some(guid(key))
            }
            _ => None,
        };
        for (key_id, origin, key_type, app_object) in reported {
            let last = if active && used_key.as_deref() == Some(key_id.as_str()) {
                recent(self)
            } else {
                match self.rng.random_range(0..100) {
                    0..=39 => Some(self.days_ago(31, 400)),
                    40..=49 => Some(self.days_ago(1, 29)),
                    _ => None,
                }
            };
            sink.credential_activity(&AppCredentialSignInActivity {
                id: Some(format!("{key_id}-{origin}")),
                key_id: key_id.clone(),
                app_id: Some(sp.app_id.clone()),
                app_object_id: app_object.clone(),
                service_principal_object_id: Some(sp.id.clone()),
                credential_origin: Some((*origin).into()),
                key_type: Some((*key_type).into()),
                last_sign_in: last,
            })?;
        }
        Ok(())
    }

    /// The tenant's subscriptions: Entra ID P2, and a Workload ID Premium trial half-way through.
    pub(super) fn skus(&mut self, sink: &mut dyn DemoSink) -> Result<()> {
        let as_of = self.opts.as_of;
        sink.sku(&SubscribedSku {
            sku_id: guid(self.rng.random()),
            sku_part_number: "AAD_PREMIUM_P2".into(),
            capability_status: "Enabled".into(),
            prepaid_enabled: 500,
            consumed_units: 412,
            service_plan_ids: vec!["eec0eb4f-6444-4f95-aba0-50c24d67f998".into()],
            is_trial: false,
            next_lifecycle: Some(as_of + Duration::days(214)),
        })?;
        sink.sku(&SubscribedSku {
            sku_id: guid(self.rng.random()),
            sku_part_number: "Workload_Identities_P2".into(),
            capability_status: "Enabled".into(),
            prepaid_enabled: 100,
            consumed_units: 0,
            service_plan_ids: vec![WORKLOAD_ID_SERVICE_PLANS[1].into()],
            is_trial: true,
            next_lifecycle: Some(as_of + Duration::days(45)),
        })
    }
}
