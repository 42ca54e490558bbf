//! Changing a tenant through the real window: an app registered, a secret and a GitHub federated
//! credential added from the template, all shown pending, pushed to the Graph simulator over real
//! HTTP, the secret's value shown once, and the changes then in Entra.

use std::time::Duration;

use crate::harness::{App, Cache};

const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
const SECRET: &str = "e2e-manage-loopback-secret";

#[tokio::test(flavor = "current_thread")]
async fn an_app_a_secret_and_a_github_federated_credential_made_in_the_window_reach_entra() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = graph_sim::start(
        graph_sim::SimConfig {
            demo: steward_core::demo::DemoOptions {
                seed: 23,
                service_principals: 30,
                sign_ins: 200,
                as_of: steward_core::clock::now(),
            },
            client_id: CLIENT_ID.into(),
            client_secret: SECRET.into(),
            client_certificate: None,
            token_lifetime: Duration::from_secs(3600),
            faults: graph_sim::Faults::default(),
            db: dir.path().join("sim.db"),
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("start graph-sim");
    let cache = Cache::demo(40, 400);
    let app = App::start("manage", &cache).await;

    // The simulated tenant, synced into the window's cache.
    app.open_page("connections").await;
    app.fill_connection(&sim.tenant_id, CLIENT_ID, &sim.url(), Some(SECRET))
        .await;
    app.find("conn-sync").await.click().await.expect("sync");
    app.text("conn-synced").await;

    // A new app registration: queued, and its detail opens.
    app.open_page("identities").await;
    app.find("new-app")
        .await
        .click()
        .await
        .expect("New app registration");
    app.type_into("new-app-name", "e2e-payments-deployer").await;
    app.click_until("new-app-dialog-ok", "the dialog closes", || async {
        app.texts("[data-testid='new-app-dialog']").await.is_empty()
    })
    .await;
    app.until("the new registration's detail opens", || async {
        app.texts("[data-testid='detail-name']")
            .await
            .iter()
            .any(|t| t.contains("e2e-payments-deployer"))
    })
    .await;

    // A client secret.
    app.click_in_view("[data-testid='manage-add-secret']").await;
    app.type_into("secret-name", "ci").await;
    app.click_until("secret-dialog-ok", "the dialog closes", || async {
        app.texts("[data-testid='secret-dialog']").await.is_empty()
    })
    .await;
    app.until("the secret shows pending", || async {
        app.texts("[data-testid='credential-row']")
            .await
            .iter()
            .any(|t| t.contains("ci") && t.contains("Pending"))
    })
    .await;

    // A federated credential from the GitHub Actions template, its subject previewed by Rust.
    app.click_in_view("[data-testid='manage-add-fic']").await;
    app.type_into("fic-name", "deploy-main").await;
    app.type_into("fic-repository", "contoso/payments").await;
    app.type_into("fic-github-value", "main").await;
    app.until("the preview shows the subject", || async {
        app.texts("[data-testid='fic-preview-subject']")
            .await
            .iter()
            .any(|t| t == "repo:contoso/payments:ref:refs/heads/main")
    })
    .await;
    app.click_until("fic-save", "the dialog closes", || async {
        app.texts("[data-testid='fic-dialog']").await.is_empty()
    })
    .await;
    app.until("the federated credential shows pending", || async {
        app.texts("[data-testid='federated-row']")
            .await
            .iter()
            .any(|t| t.contains("deploy-main") && t.contains("Pending"))
    })
    .await;
    app.screenshot_as("pending").await;

    // The Changes page lists the three, pending.
    app.open_page("changes").await;
    app.until("three changes are pending", || async {
        let statuses = app.texts("[data-testid='change-status']").await;
        statuses.len() == 3 && statuses.iter().all(|s| s == "Pending")
    })
    .await;
    app.screenshot_as("changes").await;

    // The push: from Connections, with the kept secret.
    app.find("changes-push").await.click().await.expect("push");
    app.fill_connection(&sim.tenant_id, CLIENT_ID, &sim.url(), None)
        .await;
    app.until("the page says the secret of the sync is kept", || async {
        app.texts("[data-testid='conn-secret-status']")
            .await
            .iter()
            .any(|t| t.contains("is kept"))
    })
    .await;
    app.click_in_view("[data-testid='conn-push']").await;
    app.find("new-secret-dialog").await;
    let value = app.value("new-secret-value").await;
    assert!(
        value.len() >= 32,
        "the new secret's value is shown: {value:?}"
    );
    app.screenshot_as("new-secret").await;
    let pushed = app.text("conn-pushed").await;
    assert!(pushed.contains("3 changes pushed"), "{pushed}");
    app.click_until("new-secret-done", "the dialog closes", || async {
        app.texts("[data-testid='new-secret-dialog']")
            .await
            .is_empty()
    })
    .await;
    assert!(
        app.texts("[data-testid='new-secret-value']")
            .await
            .is_empty(),
        "the value is gone from the window"
    );

    // Entra has them, and the cache does not hold the value.
    let sim_db =
        steward_core::store::open(&dir.path().join("sim.db")).expect("the simulator's cache");
    let (key, _) = steward_core::store::tenants::resolve_tenant(&sim_db, None).unwrap();
    let app_id: String = sim_db
        .query_row(
            "SELECT id FROM applications WHERE tenant = ?1 AND display_name = 'e2e-payments-deployer'",
            [key.0],
            |r| r.get(0),
        )
        .expect("the registration is in Entra");
    let fics =
        steward_core::store::federated_credentials::list_for_application(&sim_db, key, &app_id)
            .unwrap();
    assert_eq!(fics.len(), 1);
    assert_eq!(
        fics[0].subject.as_deref(),
        Some("repo:contoso/payments:ref:refs/heads/main")
    );
    let (secrets, _) =
        steward_core::store::credentials::list_model_for_owner(&sim_db, key, &app_id).unwrap();
    assert_eq!(secrets.len(), 1);
    let bytes = std::fs::read(&cache.path).unwrap();
    assert!(
        !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
        "the cache file does not hold the secret"
    );

    // The Changes page shows them in Entra.
    app.open_page("changes").await;
    app.until("every change is in Entra", || async {
        let statuses = app.texts("[data-testid='change-status']").await;
        statuses.len() == 3 && statuses.iter().all(|s| s == "In Entra")
    })
    .await;
    app.screenshot().await;
    app.stop().await;
    sim.shutdown().await;
}
