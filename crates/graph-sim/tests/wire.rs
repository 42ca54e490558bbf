//! The simulator speaks Graph, not Steward: every field it writes, with its JSON type, appears in
//! the example responses of Microsoft's Graph documentation (the fixtures in
//! `tests/fixtures/graph/`), nested objects and lists included. Otherwise "the cache equals the
//! simulated tenant" would only prove that Steward agrees with itself.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use graph_sim::{Faults, SimConfig};
use serde_json::Value;
use steward_core::demo::DemoOptions;

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/graph")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of `ours` (at any depth) must exist in some documented item with the same JSON
/// type; null matches anything (Graph writes null for unset values of every type).
fn conforms(path: &str, ours: &Value, docs: &[&Value], problems: &mut BTreeSet<String>) {
    match ours {
        Value::Object(map) => {
            for (k, v) in map {
                let theirs: Vec<&Value> = docs.iter().filter_map(|d| d.get(k)).collect();
                if theirs.is_empty() && documented_elsewhere(path, k) {
                    continue;
                }
                if theirs.is_empty() {
                    problems.insert(format!("{path}.{k} is not in Graph's documented response"));
                    continue;
                }
                let typed: Vec<&&Value> = theirs.iter().filter(|t| !t.is_null()).collect();
                if !v.is_null() && !typed.is_empty() && !typed.iter().any(|t| kind(t) == kind(v)) {
                    problems.insert(format!(
                        "{path}.{k} is {} here but {} in Graph's documentation",
                        kind(v),
                        kind(typed[0])
                    ));
                    continue;
                }
                conforms(&format!("{path}.{k}"), v, &theirs, problems);
            }
        }
        Value::Array(items) => {
            let theirs: Vec<&Value> = docs.iter().filter_map(|d| d.as_array()).flatten().collect();
            for item in items {
                if !theirs.is_empty() {
                    conforms(&format!("{path}[]"), item, &theirs, problems);
                }
            }
        }
        _ => {}
    }
}

/// Fields on the resource's documented property list that the list examples happen to leave out.
fn documented_elsewhere(path: &str, field: &str) -> bool {
    let sp = path.starts_with("/v1.0/servicePrincipals")
        || path.starts_with("/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal");
    // graph-docs v1.0 serviceprincipal.md (properties) and beta agentidentity.md.
    let sp_field = sp
        && matches!(
            field,
            "signInAudience"
                | "disabledByMicrosoftStatus"
                | "@odata.type"
                | "agentIdentityBlueprintId"
        );
    // graph-docs v1.0 application.md (properties); application-list: "This API also returns
    // agentIdentityBlueprint objects, which are identified by the @odata.type property".
    let app = path.starts_with("/v1.0/applications")
        || path.starts_with("/v1.0/directory/deletedItems/microsoft.graph.application");
    let app_field = app
        && matches!(
            field,
            "servicePrincipalLockConfiguration" | "spa" | "@odata.type"
        );
    // graph-docs v1.0 user.md (properties): an owner that is a user.
    let owner_field = path.ends_with("/owners") && field == "userType";
    // graph-docs beta recommendation.md (properties).
    let recommendation_field =
        path.starts_with("/beta/directory/recommendations") && field == "lastCheckedDateTime";
    sp_field || app_field || owner_field || recommendation_field
}

fn items(v: &Value) -> Vec<&Value> {
    v["value"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulators_json_has_graphs_field_names_and_value_types() {
    let dir = tempfile::tempdir().unwrap();
    let sim = graph_sim::start(
        SimConfig {
            demo: DemoOptions {
                seed: 8,
                service_principals: 150,
                sign_ins: 3_000,
                as_of: steward_core::clock::parse_as_of("2026-11-01").unwrap(),
            },
            client_id: "c".into(),
            client_secret: "s".into(),
            client_certificate: None,
            token_lifetime: Duration::from_secs(600),
            faults: Faults::default(),
            db: dir.path().join("sim.db"),
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/{}/oauth2/v2.0/token", sim.url(), sim.tenant_id))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "c"),
            ("client_secret", "s"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_string();
    let get = |path: &str| {
        let req = http
            .get(format!("{}{path}", sim.url()))
            .bearer_auth(&bearer);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let mut problems = BTreeSet::new();
    // The app role assignments of a service principal that holds some.
    let db = steward_core::store::open(&dir.path().join("sim.db")).unwrap();
    let holder: String = db
        .query_row(
            "SELECT principal_id FROM app_role_assignments ORDER BY principal_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let assignments_path = format!("/v1.0/servicePrincipals/{holder}/appRoleAssignments");
    // A PIM-eligible role (the small demo tenant may hold none).
    db.execute(
        "INSERT INTO directory_role_assignments (tenant, id, principal_id, role_definition_id,
             role_display_name, directory_scope_id, is_privileged, assignment_type)
         SELECT tenant, 'eligible-1', ?1, 'e8611ab8-c189-46e8-94e1-60213ab1f814',
                'Privileged Role Administrator', '/', 1, 'eligible'
         FROM service_principals WHERE id = ?1",
        [&holder],
    )
    .unwrap();
    // The owners of an application that has some (the demo tenant's owners are on applications).
    let owned = |table: &str| -> String {
        db.query_row(
            &format!(
                "SELECT o.object_id FROM owners o JOIN {table} t ON t.id = o.object_id
                 WHERE o.relation = 'owner' AND t.deleted IS NULL ORDER BY 1 LIMIT 1"
            ),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let app_owners_path = format!("/v1.0/applications/{}/owners", owned("applications"));
    // The sponsors of an agent identity that has some.
    let sponsored: String = db
        .query_row(
            "SELECT o.object_id FROM owners o JOIN service_principals t ON t.id = o.object_id
             WHERE o.relation = 'sponsor' AND t.deleted IS NULL
             AND t.service_principal_type = 'ServiceIdentity' ORDER BY 1 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let sponsors_path =
        format!("/beta/servicePrincipals/{sponsored}/microsoft.graph.agentIdentity/sponsors");
    // A blueprint's sponsors, read through its own cast (graph-docs beta
    // agentidentityblueprint-list-sponsors.md answers in the same shape).
    let blueprint: String = db
        .query_row(
            "SELECT o.object_id FROM owners o JOIN applications a ON a.id = o.object_id
             WHERE o.relation = 'sponsor' AND a.deleted IS NULL AND a.agent_blueprint = 1
             ORDER BY 1 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let blueprint_sponsors_path =
        format!("/beta/applications/{blueprint}/microsoft.graph.agentIdentityBlueprint/sponsors");
    for (path, doc) in [
        ("/v1.0/organization", "organization-list.json"),
        ("/v1.0/servicePrincipals?$top=999", "serviceprincipals.json"),
        ("/beta/auditLogs/signIns?$top=200", "signins-beta.json"),
        (
            "/v1.0/servicePrincipals/delta?$top=999",
            "serviceprincipals.json",
        ),
        (assignments_path.as_str(), "approleassignments.json"),
        // Kept apart from the import fixtures: an owners list cannot be imported.
        (app_owners_path.as_str(), "../graph-sync/owners.json"),
        (sponsors_path.as_str(), "../graph-sync/sponsors-beta.json"),
        (
            blueprint_sponsors_path.as_str(),
            "../graph-sync/sponsors-beta.json",
        ),
        ("/v1.0/subscribedSkus", "subscribedskus.json"),
        (
            "/v1.0/identity/conditionalAccess/namedLocations",
            "namedlocations.json",
        ),
        (
            "/v1.0/identityProtection/riskyServicePrincipals",
            "riskyserviceprincipals.json",
        ),
        (
            "/v1.0/identityProtection/servicePrincipalRiskDetections",
            "serviceprincipalriskdetections.json",
        ),
        (
            "/beta/directory/recommendations",
            "directory-recommendations-beta.json",
        ),
        (
            "/beta/reports/servicePrincipalSignInActivities",
            "serviceprincipalsigninactivities-beta.json",
        ),
        (
            "/beta/reports/appCredentialSignInActivities",
            "appcredentialsigninactivities-beta.json",
        ),
        (
            "/beta/roleManagement/directory/roleAssignments",
            "roleassignments-beta.json",
        ),
        (
            "/beta/roleManagement/directory/roleEligibilityScheduleInstances",
            "roleeligibilityscheduleinstances-beta.json",
        ),
        (
            "/v1.0/directory/deletedItems/microsoft.graph.application",
            "deleteditems-applications.json",
        ),
        (
            "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal",
            "deleteditems-serviceprincipals.json",
        ),
        (
            "/v1.0/oauth2PermissionGrants",
            "oauth2permissiongrants.json",
        ),
        (
            "/v1.0/identity/conditionalAccess/policies",
            "conditionalaccesspolicies.json",
        ),
        (
            "/v1.0/auditLogs/directoryAudits?$filter=category%20eq%20'ApplicationManagement'",
            "directoryaudits-appmanagement.json",
        ),
    ] {
        let ours = get(path).await;
        let docs = fixture(doc);
        assert!(!items(&ours).is_empty(), "{path} returned items");
        for item in items(&ours) {
            conforms(path, item, &items(&docs), &mut problems);
        }
    }
    // A service principal's owners are served too (an empty list here), beside its assignments.
    let any_sp: String = db
        .query_row(
            "SELECT id FROM service_principals WHERE deleted IS NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let sp_owners = get(&format!("/v1.0/servicePrincipals/{any_sp}/owners")).await;
    assert!(sp_owners["value"].is_array(), "{sp_owners}");
    // Applications: the expanded federated credentials follow their own documented response.
    let apps = get("/v1.0/applications?$top=999").await;
    let app_docs = fixture("applications.json");
    let fic_docs = fixture("federatedidentitycredentials.json");
    for item in items(&apps) {
        let mut plain = item.clone();
        let fics = plain
            .as_object_mut()
            .unwrap()
            .remove("federatedIdentityCredentials")
            .unwrap_or(Value::Null);
        conforms(
            "/v1.0/applications",
            &plain,
            &items(&app_docs),
            &mut problems,
        );
        for f in fics.as_array().into_iter().flatten() {
            conforms(
                "federatedIdentityCredentials",
                f,
                &items(&fic_docs),
                &mut problems,
            );
        }
    }
    assert!(
        problems.is_empty(),
        "the simulator writes fields or types Graph does not:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
    sim.shutdown().await;
}
