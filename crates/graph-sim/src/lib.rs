//! A Microsoft Graph simulator on loopback. It generates the demo tenant (any size, the same
//! generator as `steward demo`) into its own SQLite file and serves it in Graph's wire format:
//! a client-credentials token endpoint issuing expiring bearer tokens, `organization`,
//! `applications` and `servicePrincipals` (v1.0, `$top` up to 999, opaque `$skiptoken` links),
//! their `/delta` functions (`$deltatoken=latest`, full and change rounds, `@removed`, delta
//! links that expire with Graph's 400 `syncStateNotFound`), single objects by id, `$batch` of up
//! to 20 requests, and beta `auditLogs/signIns` (newest first, `$top` up to 1000, filtered by
//! `createdDateTime`).
//!
//! Faults are injected by rate from a seeded generator, so a test run is repeatable: 429 with
//! and without `Retry-After`, 503, expired page tokens (Graph's 400), access tokens revoked
//! mid-sync (401), connections reset halfway through a response, and slow responses. `/_sim/…`
//! endpoints change the tenant between two syncs.
//!
//! The JSON is written field by field with Graph's names in `wire`, one writer per resource, not
//! by serialising Steward's types: the sync must read Graph, not itself. This file holds the
//! public API (`start`, `Running` and the configuration) and the router; each handler lives in
//! the module of its concern.

// Handlers return early with the Graph error response they decided on; boxing those responses
// would only add noise to a loopback test server.
#![allow(clippy::result_large_err)]

mod admin;
mod auth;
mod batch;
mod ca_writes;
mod config;
mod delta;
mod directory;
mod errors;
mod faults;
mod federation;
mod logs;
mod object_writes;
mod objects;
mod paging;
mod policies;
mod relation_writes;
mod risk;
mod role_writes;
mod state;
mod tls;
mod whole_collections;
mod wire;
mod writes;

pub use config::{Faults, Limits, SimCertificate, SimConfig};
pub use tls::Certificates;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use steward_core::demo;
use steward_core::store::{self, tenants};

use crate::admin::{
    sim_add, sim_delete, sim_expire_delta_tokens, sim_purge, sim_rename, sim_revoke_refresh_tokens,
    sim_stats,
};
use crate::auth::{authorize, device_code, device_login, token};
use crate::batch::batch;
use crate::delta::{delta_applications, delta_service_principals};
use crate::directory::{list_applications, list_service_principals, organization};
use crate::faults::connection_faults;
use crate::logs::{list_directory_audits, list_sign_ins};
use crate::objects::{get_object, list_assignments, list_owners, list_sponsors};
use crate::risk::risk_action;
use crate::state::{Inner, Sim};
use crate::whole_collections::{whole_collection_route, WholeCollection};

/// A running simulator; dropping it does not stop it, `shutdown` does.
pub struct Running {
    pub addr: SocketAddr,
    pub tenant_id: String,
    /// The certificate authority (PEM) a client must trust to reach an https simulator
    /// ([`start_tls`]); `None` for plain http.
    pub ca_pem: Option<String>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Generates the tenant and starts serving plain http on `addr` (port 0 picks a free one).
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<Running> {
    launch(config, addr, None).await
}

/// As [`start`], over https with a certificate for `127.0.0.1` and `localhost` signed by an
/// authority made now ([`Running::ca_pem`]).
pub async fn start_tls(config: SimConfig, addr: SocketAddr) -> std::io::Result<Running> {
    launch(config, addr, Some(Certificates::generate()?)).await
}

async fn launch(
    config: SimConfig,
    addr: SocketAddr,
    tls: Option<Certificates>,
) -> std::io::Result<Running> {
    let conn = store::open(&config.db).map_err(std::io::Error::other)?;
    demo::write_demo(&conn, &config.demo, &mut |_, _, _| {}).map_err(std::io::Error::other)?;
    let (key, tenant) = tenants::resolve_tenant(&conn, None).map_err(std::io::Error::other)?;
    let inner = Inner {
        conn,
        key,
        tenant_id: tenant.id.clone(),
        tenant_name: tenant.display_name.clone(),
        default_domain: tenant.default_domain.clone(),
        as_of: config.demo.as_of,
        rng: ChaCha8Rng::seed_from_u64(config.faults.seed),
        tokens: HashMap::new(),
        issued: 0,
        requests: 0,
        changes: Vec::new(),
        seq: 0,
        delta_epoch: 0,
        buckets: HashMap::new(),
        spent: HashMap::new(),
        limited: 0,
        codes: HashMap::new(),
        device_codes: HashMap::new(),
        refresh_tokens: std::collections::HashSet::new(),
        writes: 0,
        answers_to_lose: config.faults.lose_write_answers,
        unique_names: HashMap::new(),
    };
    let sim = Sim {
        config: Arc::new(config),
        inner: Arc::new(Mutex::new(inner)),
        batches: Default::default(),
    };
    let app = Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device_code))
        .route("/devicelogin", get(device_login))
        .route("/_sim/revokeRefreshTokens", post(sim_revoke_refresh_tokens))
        .route("/v1.0/organization", get(organization))
        .route("/v1.0/applications", get(list_applications))
        .route("/v1.0/applications/delta", get(delta_applications))
        .route(
            "/v1.0/servicePrincipals/delta",
            get(delta_service_principals),
        )
        .route(
            "/v1.0/{collection}/{id}",
            get(get_object)
                .patch(object_writes::update)
                .delete(object_writes::delete),
        )
        .route(
            "/v1.0/{segment}",
            get(object_writes::get_by_key).patch(object_writes::upsert_by_key),
        )
        .route(
            "/v1.0/servicePrincipals",
            get(list_service_principals).post(object_writes::create_service_principal),
        )
        .route(
            "/v1.0/directory/deletedItems/{id}/restore",
            post(object_writes::restore),
        )
        .route(
            "/v1.0/{collection}/{id}/addPassword",
            post(object_writes::add_password),
        )
        .route(
            "/v1.0/{collection}/{id}/removePassword",
            post(object_writes::remove_password),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignments",
            get(list_assignments),
        )
        .route("/v1.0/{collection}/{id}/owners", get(list_owners))
        .route(
            "/v1.0/{collection}/{id}/owners/$ref",
            post(relation_writes::add_owner),
        )
        .route(
            "/v1.0/{collection}/{id}/owners/{owner}/$ref",
            axum::routing::delete(relation_writes::remove_owner),
        )
        .route(
            "/beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors/$ref",
            post(relation_writes::add_sponsor),
        )
        .route(
            "/beta/servicePrincipals/{id}/microsoft.graph.agentIdentity/sponsors/{sponsor}/$ref",
            axum::routing::delete(relation_writes::remove_sponsor),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignments/{assignment}",
            axum::routing::delete(relation_writes::remove_assignment),
        )
        .route(
            "/v1.0/applications/{id}/federatedIdentityCredentials",
            get(federation::list).post(federation::create),
        )
        .route(
            "/v1.0/applications/{id}/federatedIdentityCredentials/{fic}",
            get(federation::get_one)
                .patch(federation::update)
                .delete(federation::delete),
        )
        .route(
            "/_sim/applications/{id}/federatedIdentityCredentials",
            post(federation::sim_put),
        )
        .route(
            "/v1.0/identityProtection/riskyServicePrincipals/{action}",
            post(risk_action),
        )
        .route(
            "/beta/{collection}/{id}/{cast}/sponsors",
            get(list_sponsors),
        )
        .route(
            "/v1.0/identity/conditionalAccess/policies/{id}",
            get(ca_writes::get_policy)
                .patch(ca_writes::update_policy)
                .delete(ca_writes::delete_policy),
        )
        .route(
            "/v1.0/identity/conditionalAccess/namedLocations/{id}",
            get(ca_writes::get_location)
                .patch(ca_writes::update_location)
                .delete(ca_writes::delete_location),
        )
        .route(
            "/v1.0/roleManagement/directory/roleAssignments/{id}",
            get(role_writes::get_assignment).delete(role_writes::delete_assignment),
        )
        .route(
            "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests",
            post(role_writes::eligibility_request),
        )
        .route("/v1.0/$batch", post(batch))
        .route("/beta/$batch", post(batch))
        .route("/beta/auditLogs/signIns", get(list_sign_ins))
        .route(
            "/v1.0/auditLogs/directoryAudits",
            get(list_directory_audits),
        )
        .route("/_sim/{collection}/add", post(sim_add))
        .route("/_sim/{collection}/{id}/delete", post(sim_delete))
        .route("/_sim/{collection}/{id}/purge", post(sim_purge))
        .route("/_sim/{collection}/{id}/rename", post(sim_rename))
        .route("/_sim/expireDeltaTokens", post(sim_expire_delta_tokens))
        .route("/_sim/stats", get(sim_stats))
        .merge(
            policies::SINGLE_POLICIES
                .into_iter()
                .fold(Router::new(), |r, (path, kind)| {
                    r.route(path, get(policies::single_policy_route(path, kind)))
                }),
        )
        .merge(
            WholeCollection::ALL
                .into_iter()
                .fold(Router::new(), |r, which| {
                    let list = get(whole_collection_route(which));
                    r.route(
                        which.path(),
                        match which {
                            WholeCollection::CaPolicies => list.post(ca_writes::create_policy),
                            WholeCollection::NamedLocations => {
                                list.post(ca_writes::create_location)
                            }
                            _ => list,
                        },
                    )
                }),
        )
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            connection_faults,
        ))
        .with_state(sim);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
    let stop = async {
        let _ = rx.await;
    };
    let task = tokio::spawn(async move {
        match tls {
            Some(certificates) => tls::serve(listener, app, &certificates, stop).await,
            None => {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(stop)
                    .await;
            }
        }
    });
    Ok(Running {
        addr,
        tenant_id: tenant.id,
        ca_pem,
        shutdown: tx,
        task,
    })
}
