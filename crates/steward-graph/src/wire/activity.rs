//! Sign-in events and Graph's usage reports (last use of an app or a credential), read
//! tolerantly from any export.

use steward_core::model::{AppCredentialSignInActivity, ServicePrincipalSignInActivity, SignIn};

use crate::json::{Field, Obj};

/// The id Graph gives where there is no object.
pub(super) const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

pub fn sign_in(o: Obj<'_>) -> Field<SignIn> {
    let types = o.strings("signInEventTypes")?;
    let event = match o.opt_str("signInEventType")? {
        Some(t) => t,
        None if types.iter().any(|t| t == "managedIdentity") => "managedIdentity".into(),
        None => "servicePrincipal".into(),
    };
    let location = o.opt_obj("location")?;
    let status = o.opt_obj("status")?;
    let loc = |k: &str| -> Field<Option<String>> {
        match location {
            Some(l) => l.opt_str(k),
            None => Ok(None),
        }
    };
    let workload = types
        .iter()
        .any(|t| t == "servicePrincipal" || t == "managedIdentity")
        || matches!(
            o.opt_str("signInEventType")?.as_deref(),
            Some("servicePrincipal" | "managedIdentity")
        );
    let service_principal_id = match o.opt_str("servicePrincipalId")? {
        Some(id) if !id.is_empty() && id != ZERO_GUID => id,
        // A workload sign-in whose service principal is not in the tenant (Azure Monitor's
        // archives show them): kept, under the all-zero id the record gives.
        Some(id) if id == ZERO_GUID && workload => id,
        _ => {
            return Err("`servicePrincipalId` is missing: this is an interactive (user) sign-in, not a workload identity's; export with $filter=signInEventTypes/any(t: t eq 'servicePrincipal' or t eq 'managedIdentity')".into())
        }
    };
    Ok(SignIn {
        id: o.str("id")?,
        created_date_time: o.time("createdDateTime")?,
        sign_in_event_type: event,
        service_principal_id,
        service_principal_name: o.opt_str("servicePrincipalName")?,
        app_id: o.opt_str("appId")?,
        resource_id: o.opt_str("resourceId")?,
        resource_service_principal_id: o.opt_str("resourceServicePrincipalId")?,
        resource_display_name: o.opt_str("resourceDisplayName")?,
        ip_address: o.opt_str("ipAddress")?,
        city: loc("city")?,
        state: loc("state")?,
        country_or_region: loc("countryOrRegion")?,
        error_code: match status {
            Some(s) => s.opt_i64("errorCode")?.unwrap_or(0),
            None => 0,
        },
        failure_reason: match status {
            Some(s) => s.opt_str("failureReason")?,
            None => None,
        },
        client_credential_type: o.opt_str("clientCredentialType")?,
        service_principal_credential_key_id: o.opt_str("servicePrincipalCredentialKeyId")?,
        service_principal_credential_thumbprint: o
            .opt_str("servicePrincipalCredentialThumbprint")?,
        federated_credential_id: o.opt_str("federatedCredentialId")?,
        conditional_access_status: o.opt_str("conditionalAccessStatus")?,
    })
}

fn last_sign_in(o: Obj<'_>, key: &str) -> Field<Option<chrono::DateTime<chrono::Utc>>> {
    match o.opt_obj(key)? {
        Some(a) => a.opt_time("lastSignInDateTime"),
        None => Ok(None),
    }
}

pub fn sp_activity(o: Obj<'_>) -> Field<ServicePrincipalSignInActivity> {
    Ok(ServicePrincipalSignInActivity {
        id: o.opt_str("id")?,
        app_id: o.str("appId")?,
        last_sign_in: last_sign_in(o, "lastSignInActivity")?,
        application_client: last_sign_in(o, "applicationAuthenticationClientSignInActivity")?,
        application_resource: last_sign_in(o, "applicationAuthenticationResourceSignInActivity")?,
        delegated_client: last_sign_in(o, "delegatedClientSignInActivity")?,
        delegated_resource: last_sign_in(o, "delegatedResourceSignInActivity")?,
    })
}

pub fn credential_activity(o: Obj<'_>) -> Field<AppCredentialSignInActivity> {
    Ok(AppCredentialSignInActivity {
        id: o.opt_str("id")?,
        key_id: o.str("keyId")?,
        app_id: o.opt_str("appId")?,
        app_object_id: o.opt_str("appObjectId")?,
        service_principal_object_id: o.opt_str("servicePrincipalObjectId")?,
        credential_origin: o.opt_str("credentialOrigin")?,
        key_type: o.opt_str("keyType")?,
        last_sign_in: last_sign_in(o, "signInActivity")?,
    })
}
