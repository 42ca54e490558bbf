//! Conditional access authored in Steward, pushed over real HTTP to the Graph simulator: a named
//! location and a report-only policy that excludes it (made before either existed in Entra)
//! reach Entra under Graph's ids, the next sync agrees, an edit and the deletes follow; a tenant
//! without Workload ID Premium refuses with Graph's error 1150, put in the admin's words; and
//! Graph refuses a policy for workload identities whose grant is not block.

use graph_sim::Faults;
use rusqlite::Connection;
use steward_core::conditional_access::{Included, Locations, PolicyState, WorkloadPolicy};
use steward_core::manage::conditional_access as ca;
use steward_core::manage::Change;
use steward_core::model::NamedLocation;
use steward_core::store::outbox::{self, OutboxStatus};
use steward_core::store::{self, governance, risk, tenants, TenantKey};
use steward_graph::sync::{push, sync};

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

const ADMIN: &str = "local admin";

async fn synced(sim: &Sim) -> (tempfile::TempDir, Connection, TenantKey) {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(sim);
    opts.datasets = vec![
        steward_graph::Dataset::Applications,
        steward_graph::Dataset::ServicePrincipals,
        steward_graph::Dataset::NamedLocations,
        steward_graph::Dataset::ConditionalAccessPolicies,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    (dir, conn, key)
}

fn entra(sim: &Sim) -> (Connection, TenantKey) {
    let c = store::open(&sim.db).unwrap();
    let (key, _) = tenants::resolve_tenant(&c, None).unwrap();
    (c, key)
}

/// A service principal of an app registered in the tenant: one a policy may target.
fn own_app_sp(conn: &Connection) -> String {
    conn.query_row(
        "SELECT id FROM service_principals WHERE ownership = 'ownSingleTenant'
         AND kind = 'application' AND deleted IS NULL ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn office() -> NamedLocation {
    NamedLocation {
        id: String::new(),
        display_name: "Build agents".into(),
        kind: "ip".into(),
        is_trusted: true,
        ip_ranges: vec!["203.0.113.0/25".into(), "2001:db8:4a7::/48".into()],
        countries_and_regions: vec![],
        include_unknown_countries_and_regions: false,
    }
}

fn policy(sp: &str, location: &str) -> WorkloadPolicy {
    WorkloadPolicy {
        id: None,
        display_name: "Block the deployer outside the build agents".into(),
        state: PolicyState::ReportOnly,
        include: Included::Selected(vec![sp.into()]),
        exclude: vec![],
        filter: None,
        locations: Some(Locations {
            include: vec!["All".into()],
            exclude: vec![location.into()],
        }),
        risk_levels: vec![],
    }
}

fn cached(conn: &Connection, key: TenantKey, id: &str) -> WorkloadPolicy {
    let p = governance::get_ca_policy(conn, key, id).unwrap().unwrap();
    WorkloadPolicy::from_graph(&serde_json::from_str(&p.policy).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_location_and_a_policy_made_offline_reach_entra_and_the_next_sync_agrees() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key) = synced(&sim).await;
    let sp = own_app_sp(&conn);
    let loc = ca::save_named_location(&conn, key, office(), ADMIN, as_of()).unwrap();
    let local_location = loc.target_id.clone();
    let made = ca::save_policy(&conn, key, policy(&sp, &local_location), ADMIN, as_of()).unwrap();
    let local_policy = made.target_id.clone();
    // Shown in the cache at once, under local ids.
    assert_eq!(
        cached(&conn, key, &local_policy).state,
        PolicyState::ReportOnly
    );

    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!((summary.pushed, summary.failed), (2, 0), "{summary:#?}");
    let Change::SaveNamedLocation { location, .. } = &summary.items[0].change else {
        panic!()
    };
    let Change::SaveConditionalAccessPolicy { policy: pushed, .. } = &summary.items[1].change
    else {
        panic!()
    };
    assert_ne!(location.id, local_location);
    let graph_policy = pushed.id.clone().unwrap();
    assert_ne!(graph_policy, local_policy);
    // The policy went out naming the location by Graph's id.
    assert_eq!(pushed.locations.as_ref().unwrap().exclude.len(), 1);
    assert_eq!(pushed.locations.as_ref().unwrap().exclude[0], location.id);
    let (e, ek) = entra(&sim);
    assert_eq!(cached(&e, ek, &graph_policy).locations, pushed.locations);
    assert!(risk::list_named_locations(&e, ek)
        .unwrap()
        .iter()
        .any(|l| l.id == location.id && l.ip_ranges == office().ip_ranges && l.is_trusted));
    // The cache names them by Graph's ids too, and the next sync agrees.
    assert!(governance::get_ca_policy(&conn, key, &local_policy)
        .unwrap()
        .is_none());
    let before_sync = cached(&conn, key, &graph_policy);
    let mut opts = options(&sim);
    opts.datasets = vec![
        steward_graph::Dataset::NamedLocations,
        steward_graph::Dataset::ConditionalAccessPolicies,
    ];
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    assert_eq!(cached(&conn, key, &graph_policy), before_sync);

    // Turned on, then both deleted (the policy first: Entra refuses to delete a location in use).
    let mut on = before_sync.clone();
    on.state = PolicyState::Enabled;
    ca::save_policy(&conn, key, on, ADMIN, as_of()).unwrap();
    assert!(
        ca::delete_named_location(&conn, key, &location.id, ADMIN, as_of())
            .unwrap_err()
            .to_string()
            .contains("remove it from that policy first")
    );
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.pushed, 1, "{summary:#?}");
    assert_eq!(cached(&e, ek, &graph_policy).state, PolicyState::Enabled);
    ca::delete_policy(&conn, key, &graph_policy, ADMIN, as_of()).unwrap();
    ca::delete_named_location(&conn, key, &location.id, ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.pushed, 2, "{summary:#?}");
    assert!(governance::get_ca_policy(&e, ek, &graph_policy)
        .unwrap()
        .is_none());
    assert!(!risk::list_named_locations(&e, ek)
        .unwrap()
        .iter()
        .any(|l| l.id == location.id));
    // Pushing again sends nothing: every change is settled.
    assert_eq!(
        push(&conn, &options(&sim), as_of())
            .await
            .unwrap()
            .items
            .len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_on_a_version_entra_no_longer_has_stops_as_a_conflict_and_a_retry_wins() {
    let sim = start(Faults::default()).await;
    let (_dir, conn, key) = synced(&sim).await;
    let sp = own_app_sp(&conn);
    ca::save_policy(&conn, key, policy(&sp, "AllTrusted"), ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    let id = summary.items[0].change.target_id().to_string();
    // Someone turns it on in the admin center; meanwhile the admin renames it in Steward.
    let (e, ek) = entra(&sim);
    let mut theirs = cached(&e, ek, &id);
    theirs.state = PolicyState::Enabled;
    let row = governance::get_ca_policy(&e, ek, &id).unwrap().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&row.policy).unwrap();
    v["state"] = "enabled".into();
    governance::upsert_ca_policy(
        &e,
        ek,
        &steward_core::model::ConditionalAccessPolicy::from_graph(&v).unwrap(),
    )
    .unwrap();
    let mut mine = cached(&conn, key, &id);
    mine.display_name = "Renamed in Steward".into();
    let item = ca::save_policy(&conn, key, mine, ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.conflicts, 1, "{summary:#?}");
    let it = outbox::get(&conn, key, item.id).unwrap();
    assert_eq!(it.status, OutboxStatus::Conflict);
    assert!(it
        .message
        .unwrap()
        .contains("changed in Entra since your edit"));
    // Retrying makes the admin's version Entra's, whatever Entra had.
    outbox::retry(&conn, key, item.id, ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.pushed, 1, "{summary:#?}");
    let now = cached(&e, ek, &id);
    assert_eq!(now.display_name, "Renamed in Steward");
    assert_eq!(
        now.state,
        PolicyState::ReportOnly,
        "the admin's version, as edited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_without_workload_id_premium_refuses_with_graphs_error_in_the_admins_words() {
    let sim = start(Faults {
        no_workload_id_premium: true,
        ..Faults::default()
    })
    .await;
    let (_dir, conn, key) = synced(&sim).await;
    let sp = own_app_sp(&conn);
    let item = ca::save_policy(&conn, key, policy(&sp, "AllTrusted"), ADMIN, as_of()).unwrap();
    let summary = push(&conn, &options(&sim), as_of()).await.unwrap();
    assert_eq!(summary.failed, 1, "{summary:#?}");
    let message = outbox::get(&conn, key, item.id).unwrap().message.unwrap();
    assert!(message.contains("1150"), "{message}");
    assert!(message.contains("no Workload ID Premium"), "{message}");
    let (e, ek) = entra(&sim);
    assert!(!governance::list_ca_policies(&e, ek)
        .unwrap()
        .iter()
        .any(|p| p.display_name == policy(&sp, "").display_name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_refuses_a_workload_identity_policy_whose_grant_is_not_block() {
    let sim = start(Faults::default()).await;
    let url = sim.running.url();
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{url}/{}/oauth2/v2.0/token", sim.running.tenant_id))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let body = serde_json::json!({
        "displayName": "MFA for apps",
        "state": "enabled",
        "conditions": {
            "users": {"includeUsers": ["None"]},
            "applications": {"includeApplications": ["All"]},
            "clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"]}
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
    });
    let r = http
        .post(format!("{url}/v1.0/identity/conditionalAccess/policies"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("block is the only grant"));
}
