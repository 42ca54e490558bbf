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
use crate::faults::{delay, gate};
use crate::paging::{base_url, capped, decode_token, encode_token, page_size};
use crate::state::{Inner, Sim};
use crate::wire::directory::{application_json, service_principal_json};
use crate::wire::governance::role_assignment_json;
use crate::wire::insights::{
    credential_activity_json, recommendation_json, sku_json, sp_activity_json,
};
use crate::wire::protection::{detection_json, named_location_json, risky_json};

/// The collections the simulator serves whole from its cache, paged by offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Snapshot {
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
}

impl Snapshot {
    pub(crate) const ALL: [Snapshot; 13] = [
        Snapshot::Skus,
        Snapshot::NamedLocations,
        Snapshot::RiskyServicePrincipals,
        Snapshot::RiskDetections,
        Snapshot::Recommendations,
        Snapshot::SpActivities,
        Snapshot::CredentialActivities,
        Snapshot::RoleAssignments,
        Snapshot::RoleEligibilities,
        Snapshot::DeletedApplications,
        Snapshot::DeletedServicePrincipals,
        Snapshot::Grants,
        Snapshot::CaPolicies,
    ];

    pub(crate) fn path(self) -> &'static str {
        match self {
            Snapshot::Skus => "/v1.0/subscribedSkus",
            Snapshot::NamedLocations => "/v1.0/identity/conditionalAccess/namedLocations",
            Snapshot::RiskyServicePrincipals => "/v1.0/identityProtection/riskyServicePrincipals",
            Snapshot::RiskDetections => "/v1.0/identityProtection/servicePrincipalRiskDetections",
            Snapshot::Recommendations => "/beta/directory/recommendations",
            Snapshot::SpActivities => "/beta/reports/servicePrincipalSignInActivities",
            Snapshot::CredentialActivities => "/beta/reports/appCredentialSignInActivities",
            Snapshot::RoleAssignments => "/beta/roleManagement/directory/roleAssignments",
            Snapshot::RoleEligibilities => {
                "/beta/roleManagement/directory/roleEligibilityScheduleInstances"
            }
            Snapshot::DeletedApplications => {
                "/v1.0/directory/deletedItems/microsoft.graph.application"
            }
            Snapshot::DeletedServicePrincipals => {
                "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal"
            }
            Snapshot::Grants => "/v1.0/oauth2PermissionGrants",
            Snapshot::CaPolicies => "/v1.0/identity/conditionalAccess/policies",
        }
    }

    fn context(self) -> &'static str {
        match self {
            Snapshot::Skus => "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
            Snapshot::NamedLocations => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations"
            }
            Snapshot::RiskyServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyServicePrincipals"
            }
            Snapshot::RiskDetections => {
                "https://graph.microsoft.com/v1.0/$metadata#identityProtection/servicePrincipalRiskDetections"
            }
            Snapshot::Recommendations => {
                "https://graph.microsoft.com/beta/$metadata#directory/recommendations"
            }
            Snapshot::SpActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/servicePrincipalSignInActivities"
            }
            Snapshot::CredentialActivities => {
                "https://graph.microsoft.com/beta/$metadata#reports/appCredentialSignInActivities"
            }
            Snapshot::RoleAssignments => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleAssignments(roleDefinition())"
            }
            Snapshot::RoleEligibilities => {
                "https://graph.microsoft.com/beta/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinition())"
            }
            Snapshot::DeletedApplications => {
                "https://graph.microsoft.com/v1.0/$metadata#applications"
            }
            Snapshot::DeletedServicePrincipals => {
                "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals"
            }
            Snapshot::Grants => "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants",
            Snapshot::CaPolicies => {
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
            }
        }
    }

    /// Graph pages these by its own size; `$top` is honoured up to this.
    fn max_top(self) -> i64 {
        match self {
            Snapshot::Skus | Snapshot::DeletedApplications | Snapshot::DeletedServicePrincipals => {
                999
            }
            _ => 500,
        }
    }

    fn values(self, inner: &Inner) -> steward_core::Result<Vec<Value>> {
        let (c, k) = (&inner.conn, inner.key);
        Ok(match self {
            Snapshot::Skus => store::insights::list_skus(c, k)?
                .iter()
                .map(|s| sku_json(s, &inner.tenant_id, &inner.tenant_name))
                .collect(),
            Snapshot::NamedLocations => store::risk::list_named_locations(c, k)?
                .iter()
                .map(named_location_json)
                .collect(),
            Snapshot::RiskyServicePrincipals => store::risk::list_risky_service_principals(c, k)?
                .iter()
                .map(risky_json)
                .collect(),
            Snapshot::RiskDetections => store::risk::list_detections(c, k)?
                .iter()
                .map(detection_json)
                .collect(),
            Snapshot::Recommendations => store::insights::list_directory_recommendations(c, k)?
                .iter()
                .map(|r| recommendation_json(r, &inner.tenant_id))
                .collect(),
            Snapshot::SpActivities => store::insights::list_sp_activities(c, k)?
                .iter()
                .map(sp_activity_json)
                .collect(),
            Snapshot::CredentialActivities => store::insights::list_credential_activities(c, k)?
                .iter()
                .map(credential_activity_json)
                .collect(),
            Snapshot::RoleAssignments => store::directory_roles::list_all(c, k, "active")?
                .iter()
                .map(|a| role_assignment_json(a, inner.as_of))
                .collect(),
            Snapshot::RoleEligibilities => store::directory_roles::list_all(c, k, "eligible")?
                .iter()
                .map(|a| role_assignment_json(a, inner.as_of))
                .collect(),
            Snapshot::DeletedApplications => applications::list_deleted(c, k)?
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
            Snapshot::DeletedServicePrincipals => service_principals::list_deleted(c, k)?
                .iter()
                .map(service_principal_json)
                .collect(),
            Snapshot::Grants => store::governance::list_grants(c, k)?
                .iter()
                .map(|g| {
                    json!({
                        "clientId": g.client_id,
                        "consentType": g.consent_type,
                        "id": g.id,
                        "principalId": g.principal_id,
                        "resourceId": g.resource_id,
                        "scope": g.scope,
                    })
                })
                .collect(),
            Snapshot::CaPolicies => store::governance::list_ca_policies(c, k)?
                .iter()
                .map(|p| serde_json::from_str(&p.policy).unwrap_or(Value::Null))
                .collect(),
        })
    }
}

type Handled = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// The handler of one snapshot collection.
pub(crate) fn snapshot_route(
    which: Snapshot,
) -> impl Fn(State<Sim>, HeaderMap, Query<HashMap<String, String>>) -> Handled
       + Clone
       + Send
       + Sync
       + 'static {
    move |State(sim), headers, Query(q)| Box::pin(snapshot_list(sim, headers, q, which))
}

/// A collection served whole from the cache, `$top` items a page, `$skiptoken` an offset.
async fn snapshot_list(
    sim: Sim,
    headers: HeaderMap,
    q: HashMap<String, String>,
    which: Snapshot,
) -> Response {
    delay(&sim).await;
    let skip = q.get("$skiptoken").cloned();
    if let Err(r) = gate(&sim, &headers, skip.is_some()) {
        return r;
    }
    let gated = matches!(
        which,
        Snapshot::RiskyServicePrincipals | Snapshot::RiskDetections
    );
    if gated && sim.config.faults.no_workload_id_premium {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The tenant does not have a valid Microsoft Entra Workload ID Premium license.",
        );
    }
    // PIM without Entra ID P2 is refused with a 400, not a 403, as Graph does.
    if which == Snapshot::RoleEligibilities && sim.config.faults.no_entra_premium {
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
