//! The collections served whole from the cache and paged by offset: SKUs, conditional access,
//! Identity Protection, recommendations, sign-in activity reports, directory roles, deleted items
//! and permission grants.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use steward_core::store::{self, applications, service_principals};

use crate::errors::{bad_token, graph_error, internal};
use crate::faults::admit_page;
use crate::paging::{base_url, capped, decode_token, encode_token, page_size};
use crate::policies::policy_values;
use crate::state::{Inner, Sim};
use crate::wire::directory::{application_json, service_principal_json};
use crate::wire::governance::{ca_policy_json, grant_json, role_assignment_json};
use crate::wire::insights::{
    credential_activity_json, recommendation_json, sku_json, sp_activity_json,
};
use crate::wire::protection::{detection_json, named_location_json, risky_json};
use steward_core::dataset::Dataset;

/// The collections the simulator serves whole from its cache, paged by offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WholeCollection {
    Skus,
    NamedLocations,
    RiskyServicePrincipals,
    RiskDetections,
    Recommendations,
    SpActivities,
    CredentialActivities,
    RoleAssignments,
    RoleEligibilities,
    DeletedApplications,
    DeletedServicePrincipals,
    Grants,
    CaPolicies,
    AppManagementPolicies,
    ConsentRequests,
}

impl WholeCollection {
    pub(crate) const ALL: [WholeCollection; 15] = [
        WholeCollection::Skus,
        WholeCollection::NamedLocations,
        WholeCollection::RiskyServicePrincipals,
        WholeCollection::RiskDetections,
        WholeCollection::Recommendations,
        WholeCollection::SpActivities,
        WholeCollection::CredentialActivities,
        WholeCollection::RoleAssignments,
        WholeCollection::RoleEligibilities,
        WholeCollection::DeletedApplications,
        WholeCollection::DeletedServicePrincipals,
        WholeCollection::Grants,
        WholeCollection::CaPolicies,
        WholeCollection::AppManagementPolicies,
        WholeCollection::ConsentRequests,
    ];

    pub(crate) fn path(self) -> &'static str {
        match self {
            WholeCollection::Skus => "/v1.0/subscribedSkus",
            WholeCollection::NamedLocations => "/v1.0/identity/conditionalAccess/namedLocations",
            WholeCollection::RiskyServicePrincipals => {
                "/v1.0/identityProtection/riskyServicePrincipals"
            }
            WholeCollection::RiskDetections => {
                "/v1.0/identityProtection/servicePrincipalRiskDetections"
            }
            WholeCollection::Recommendations => "/beta/directory/recommendations",
            WholeCollection::SpActivities => "/beta/reports/servicePrincipalSignInActivities",
            WholeCollection::CredentialActivities => "/beta/reports/appCredentialSignInActivities",
            WholeCollection::RoleAssignments => "/beta/roleManagement/directory/roleAssignments",
            WholeCollection::RoleEligibilities => {
                "/beta/roleManagement/directory/roleEligibilityScheduleInstances"
            }
            WholeCollection::DeletedApplications => {
                "/v1.0/directory/deletedItems/microsoft.graph.application"
            }
            WholeCollection::DeletedServicePrincipals => {
                "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal"
            }
            WholeCollection::Grants => "/v1.0/oauth2PermissionGrants",
            WholeCollection::CaPolicies => "/v1.0/identity/conditionalAccess/policies",
            WholeCollection::AppManagementPolicies => "/v1.0/policies/appManagementPolicies",
            WholeCollection::ConsentRequests => {
                "/v1.0/identityGovernance/appConsent/appConsentRequests"
            }
        }
    }

    fn context(self) -> &'static str {
        match self {
            WholeCollection::Skus => "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
            WholeCollection::NamedLocations => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations"
            }
            WholeCollection::RiskyServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyServicePrincipals"
            }
            WholeCollection::RiskDetections => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/servicePrincipalRiskDetections"
            }
            WholeCollection::Recommendations => {
                "https://graph.microsoft.com/beta/$metadata#directory/recommendations"
            }
            WholeCollection::SpActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/servicePrincipalSignInActivities"
            }
            WholeCollection::CredentialActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/appCredentialSignInActivities"
            }
            WholeCollection::RoleAssignments => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleAssignments(roleDefinition())"
            }
            WholeCollection::RoleEligibilities => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinition())"
            }
            WholeCollection::DeletedApplications => {
                "https://graph.microsoft.com/v1.0/$metadata#applications"
            }
            WholeCollection::DeletedServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals"
            }
            WholeCollection::Grants => "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants",
            WholeCollection::CaPolicies => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
            }
            WholeCollection::AppManagementPolicies => {
                "https://graph.microsoft.com/v1.0/$metadata#policies/appManagementPolicies"
            }
            WholeCollection::ConsentRequests => {
                "https://graph.microsoft.com/v1.0/$metadata#identityGovernance/appConsent/appConsentRequests"
            }
        }
    }

    /// Graph pages these by its own size; `$top` is honoured up to this.
    fn max_top(self) -> i64 {
        match self {
            WholeCollection::Skus
            | WholeCollection::DeletedApplications
            | WholeCollection::DeletedServicePrincipals => 999,
            _ => 500,
        }
    }

    fn values(self, inner: &Inner) -> steward_core::Result<Vec<Value>> {
        let (c, k) = (&inner.conn, inner.key);
        Ok(match self {
            WholeCollection::Skus => store::insights::list_skus(c, k)?
                .iter()
                .map(|s| sku_json(s, &inner.tenant_id, &inner.tenant_name))
                .collect(),
            WholeCollection::NamedLocations => store::risk::list_named_locations(c, k)?
                .iter()
                .map(named_location_json)
                .collect(),
            WholeCollection::RiskyServicePrincipals => {
                store::risk::list_risky_service_principals(c, k)?
                    .iter()
                    .map(risky_json)
                    .collect()
            }
            WholeCollection::RiskDetections => store::risk::list_detections(c, k)?
                .iter()
                .map(detection_json)
                .collect(),
            WholeCollection::Recommendations => {
                store::insights::list_directory_recommendations(c, k)?
                    .iter()
                    .map(|r| recommendation_json(r, &inner.tenant_id))
                    .collect()
            }
            WholeCollection::SpActivities => store::insights::list_sp_activities(c, k)?
                .iter()
                .map(sp_activity_json)
                .collect(),
            WholeCollection::CredentialActivities => {
                store::insights::list_credential_activities(c, k)?
                    .iter()
                    .map(credential_activity_json)
                    .collect()
            }
            WholeCollection::RoleAssignments => store::directory_roles::list_all(c, k, "active")?
                .iter()
                .map(|a| role_assignment_json(a, inner.as_of))
                .collect(),
            WholeCollection::RoleEligibilities => {
                store::directory_roles::list_all(c, k, "eligible")?
                    .iter()
                    .map(|a| role_assignment_json(a, inner.as_of))
                    .collect()
            }
            WholeCollection::DeletedApplications => applications::list_deleted(c, k)?
                .iter()
                .map(|a| {
                    // Not expanded here: the list is read without `$expand`.
                    let mut v = application_json(a);
                    if let Some(o) = v.as_object_mut() {
                        o.remove("federatedIdentityCredentials");
                    }
                    v
                })
                .collect(),
            WholeCollection::DeletedServicePrincipals => service_principals::list_deleted(c, k)?
                .iter()
                .map(service_principal_json)
                .collect(),
            WholeCollection::Grants => store::governance::list_grants(c, k)?
                .iter()
                .map(grant_json)
                .collect(),
            WholeCollection::CaPolicies => store::governance::list_ca_policies(c, k)?
                .iter()
                .map(ca_policy_json)
                .collect(),
            WholeCollection::AppManagementPolicies => {
                policy_values(c, k, Dataset::AppManagementPolicies)?
            }
            WholeCollection::ConsentRequests => policy_values(c, k, Dataset::AppConsentRequests)?,
        })
    }
}

type Handled = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// The handler of one collection served whole.
pub(crate) fn whole_collection_route(
    which: WholeCollection,
) -> impl Fn(State<Sim>, HeaderMap, Query<HashMap<String, String>>) -> Handled
       + Clone
       + Send
       + Sync
       + 'static {
    move |State(sim), headers, Query(q)| Box::pin(list_whole_collection(sim, headers, q, which))
}

/// A collection served whole from the cache, `$top` items a page, `$skiptoken` an offset.
async fn list_whole_collection(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    which: WholeCollection,
) -> Response {
    let skip = match admit_page(&sim, &headers, &q).await {
        Ok(skip) => skip,
        Err(r) => return r,
    };
    let gated = matches!(
        which,
        WholeCollection::RiskyServicePrincipals | WholeCollection::RiskDetections
    );
    if gated && sim.config.faults.no_workload_id_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The tenant does not have a valid Microsoft Entra Workload ID Premium license.",
        );
    }
    let policies = matches!(
        which,
        WholeCollection::AppManagementPolicies | WholeCollection::ConsentRequests
    );
    if policies && sim.config.faults.no_policy_read {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    // PIM without Entra ID P2 is refused with a 400, not a 403, as Graph does.
    if which == WholeCollection::RoleEligibilities && sim.config.faults.no_entra_premium {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "AadPremiumLicenseRequired",
            "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
        );
    }
    let top = match page_size(&q, which.max_top(), which.max_top()) {
        Ok(n) => capped(&sim, n),
        Err(r) => return r,
    };
    let offset = match &skip {
        Some(t) => match decode_token(t) {
            Some(p) if p.len() == 2 && p[0] == which.path() => match p[1].parse::<usize>() {
                Ok(n) => n,
                Err(_) => return bad_token(),
            },
            _ => return bad_token(),
        },
        None => 0,
    };
    let values = {
        let inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        match which.values(&inner) {
            Ok(v) => v,
            Err(e) => return internal(e),
        }
    };
    let page: Vec<Value> = values
        .iter()
        .skip(offset)
        .take(top as usize)
        .cloned()
        .collect();
    let next = offset + page.len();
    let mut body = json!({"@odata.context": which.context(), "value": page});
    if next < values.len() {
        body["@odata.nextLink"] = format!(
            "{}{}?$top={top}&$skiptoken={}",
            base_url(&headers),
            which.path(),
            encode_token(&[which.path(), &next.to_string()])
        )
        .into();
    }
    Json(body).into_response()
}
