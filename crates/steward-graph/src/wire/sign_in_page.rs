//! The sync's fast path for sign-in pages: Graph's JSON parsed straight into typed fields,
//! with the tolerant reader as the fallback.

use steward_core::model::SignIn;

use super::activity::ZERO_GUID;
use crate::json::Field;

/// A page of beta `auditLogs/signIns` exactly as Graph writes it: the sync's fast path, parsed
/// straight into typed fields. A page that does not fit (a field of another type) is read
/// through the tolerant [`sign_in`] instead, which names what is wrong.
#[derive(serde::Deserialize)]
pub struct SignInPage {
    pub value: Vec<SignInWire>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInWire {
    #[serde(alias = "Id")]
    id: String,
    #[serde(alias = "CreatedDateTime")]
    created_date_time: String,
    #[serde(alias = "SignInEventType")]
    sign_in_event_type: Option<String>,
    #[serde(alias = "SignInEventTypes")]
    sign_in_event_types: Option<Vec<String>>,
    #[serde(alias = "ServicePrincipalId")]
    service_principal_id: Option<String>,
    #[serde(alias = "ServicePrincipalName")]
    service_principal_name: Option<String>,
    #[serde(alias = "AppId")]
    app_id: Option<String>,
    #[serde(alias = "ResourceId")]
    resource_id: Option<String>,
    #[serde(alias = "ResourceServicePrincipalId")]
    resource_service_principal_id: Option<String>,
    #[serde(alias = "ResourceDisplayName")]
    resource_display_name: Option<String>,
    #[serde(alias = "IpAddress")]
    ip_address: Option<String>,
    #[serde(alias = "Location")]
    location: Option<LocationWire>,
    #[serde(alias = "Status")]
    status: Option<StatusWire>,
    #[serde(alias = "ClientCredentialType")]
    client_credential_type: Option<String>,
    #[serde(alias = "ServicePrincipalCredentialKeyId")]
    service_principal_credential_key_id: Option<String>,
    #[serde(alias = "ServicePrincipalCredentialThumbprint")]
    service_principal_credential_thumbprint: Option<String>,
    #[serde(alias = "FederatedCredentialId")]
    federated_credential_id: Option<String>,
    #[serde(alias = "ConditionalAccessStatus")]
    conditional_access_status: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationWire {
    #[serde(alias = "City")]
    city: Option<String>,
    #[serde(alias = "State")]
    state: Option<String>,
    #[serde(alias = "CountryOrRegion")]
    country_or_region: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusWire {
    #[serde(alias = "ErrorCode")]
    error_code: Option<i64>,
    #[serde(alias = "FailureReason")]
    failure_reason: Option<String>,
}

impl SignInWire {
    /// The model sign-in, as [`sign_in`] makes it from the same JSON.
    pub fn into_sign_in(self) -> Field<SignIn> {
        let types = self.sign_in_event_types.unwrap_or_default();
        let workload = types
            .iter()
            .any(|t| t == "servicePrincipal" || t == "managedIdentity")
            || matches!(
                self.sign_in_event_type.as_deref(),
                Some("servicePrincipal" | "managedIdentity")
            );
        let event = match self.sign_in_event_type {
            Some(t) => t,
            None if types.iter().any(|t| t == "managedIdentity") => "managedIdentity".into(),
            None => "servicePrincipal".into(),
        };
        let service_principal_id = match self.service_principal_id {
            Some(id) if !id.is_empty() && id != ZERO_GUID => id,
            // A workload sign-in whose service principal is not in the tenant, as [`sign_in`]
            // keeps it.
            Some(id) if id == ZERO_GUID && workload => id,
            _ => {
                return Err("`servicePrincipalId` is missing: this is an interactive (user) sign-in, not a workload identity's; export with $filter=signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'managedIdentity')".into())
            }
        };
        let created_date_time =
            crate::json::parse_time(&self.created_date_time).ok_or_else(|| {
                format!(
                    "`createdDateTime` is not a date and time: {:?}",
                    self.created_date_time
                )
            })?;
        let (city, state, country_or_region) = match self.location {
            Some(l) => (l.city, l.state, l.country_or_region),
            None => (None, None, None),
        };
        let (error_code, failure_reason) = match self.status {
            Some(s) => (s.error_code.unwrap_or(0), s.failure_reason),
            None => (0, None),
        };
        Ok(SignIn {
            id: self.id,
            created_date_time,
            sign_in_event_type: event,
            service_principal_id,
            service_principal_name: self.service_principal_name,
            app_id: self.app_id,
            resource_id: self.resource_id,
            resource_service_principal_id: self.resource_service_principal_id,
            resource_display_name: self.resource_display_name,
            ip_address: self.ip_address,
            city,
            state,
            country_or_region,
            error_code,
            failure_reason,
            client_credential_type: self.client_credential_type,
            service_principal_credential_key_id: self.service_principal_credential_key_id,
            service_principal_credential_thumbprint: self.service_principal_credential_thumbprint,
            federated_credential_id: self.federated_credential_id,
            conditional_access_status: self.conditional_access_status,
        })
    }
}

impl SignInWire {
    /// The model sign-in of an Azure Monitor archive record's `properties`, as the tolerant
    /// reader makes it: blank strings mean none there, and the event type is the record's
    /// category's. `None` for a blank id or time, which the tolerant reader explains.
    pub fn into_archive_sign_in(mut self, event: &str) -> Option<Field<SignIn>> {
        if self.id.is_empty() || self.created_date_time.is_empty() {
            return None;
        }
        let blank = |f: &mut Option<String>| {
            if f.as_deref() == Some("") {
                *f = None;
            }
        };
        for f in [
            &mut self.service_principal_id,
            &mut self.service_principal_name,
            &mut self.app_id,
            &mut self.resource_id,
            &mut self.resource_service_principal_id,
            &mut self.resource_display_name,
            &mut self.ip_address,
            &mut self.client_credential_type,
            &mut self.service_principal_credential_key_id,
            &mut self.service_principal_credential_thumbprint,
            &mut self.federated_credential_id,
            &mut self.conditional_access_status,
        ] {
            blank(f);
        }
        if let Some(l) = &mut self.location {
            for f in [&mut l.city, &mut l.state, &mut l.country_or_region] {
                blank(f);
            }
        }
        if let Some(st) = &mut self.status {
            blank(&mut st.failure_reason);
        }
        self.sign_in_event_type = Some(event.into());
        Some(self.into_sign_in())
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::json::{normalise, Obj};
    use crate::wire::sign_in;
    use serde_json::Value;

    #[test]
    fn the_typed_sign_in_page_reads_graphs_documented_example_as_the_tolerant_path_does() {
        let text = include_str!("../../../../tests/fixtures/graph/signins-beta.json");
        let page: SignInPage = serde_json::from_str(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        let tolerant: Vec<Field<SignIn>> = v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| match normalise(i.clone()) {
                Value::Object(m) => sign_in(Obj(&m)),
                _ => unreachable!(),
            })
            .collect();
        assert!(!tolerant.is_empty());
        for (fast, slow) in page.value.into_iter().zip(tolerant) {
            assert_eq!(fast.into_sign_in(), slow);
        }
    }
}
