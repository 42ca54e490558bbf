//! The sync's fast path for sign-in pages: Graph's JSON parsed straight into typed fields,
//! with the tolerant reader as the fallback.

use steward_core::model::SignIn;

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
    id: String,
    created_date_time: String,
    sign_in_event_type: Option<String>,
    sign_in_event_types: Option<Vec<String>>,
    service_principal_id: Option<String>,
    service_principal_name: Option<String>,
    app_id: Option<String>,
    resource_id: Option<String>,
    resource_service_principal_id: Option<String>,
    resource_display_name: Option<String>,
    ip_address: Option<String>,
    location: Option<LocationWire>,
    status: Option<StatusWire>,
    client_credential_type: Option<String>,
    service_principal_credential_key_id: Option<String>,
    service_principal_credential_thumbprint: Option<String>,
    federated_credential_id: Option<String>,
    conditional_access_status: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationWire {
    city: Option<String>,
    state: Option<String>,
    country_or_region: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusWire {
    error_code: Option<i64>,
    failure_reason: Option<String>,
}

impl SignInWire {
    /// The model sign-in, as [`sign_in`] makes it from the same JSON.
    pub fn into_sign_in(self) -> Field<SignIn> {
        let event = match self.sign_in_event_type {
            Some(t) => t,
            None if self
                .sign_in_event_types
                .iter()
                .flatten()
                .any(|t| t == "managedIdentity") =>
            {
                "managedIdentity".into()
            }
            None => "servicePrincipal".into(),
        };
        let service_principal_id = match self.service_principal_id {
            Some(id) if !id.is_empty() && id != "00000000-0000-0000-0000-000000000000" => id,
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
