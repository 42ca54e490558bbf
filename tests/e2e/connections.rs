//! The Connections page: a tenant synced from the Graph simulator through the real window, over
//! real HTTP on loopback, into the real cache.

use std::time::Duration;

use crate::harness::{App, Cache};

const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
const SECRET: &str = "e2e-loopback-secret";

#[tokio::test(flavor = "current_thread")]
async fn a_sync_from_the_window_reads_the_simulated_tenant_into_the_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = graph_sim::start(
        graph_sim::SimConfig {
            demo: steward_core::demo::DemoOptions {
                seed: 21,
                service_principals: 120,
                sign_ins: 2_000,
                as_of: steward_core::clock::now(),
            },
            client_id: CLIENT_ID.into(),
            client_secret: SECRET.into(),
            client_certificate: None,
            token_lifetime: Duration::from_secs(3600),
            faults: graph_sim::Faults {
                page_cap: 30,
                ..Default::default()
            },
            db: dir.path().join("sim.db"),
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("start graph-sim");
    // The window's cache holds the demo tenant (another seed, hence another tenant id).
    let cache = Cache::demo(100, 1_000);
    let app = App::start("connections", &cache).await;
    app.find("nav-connections")
        .await
        .click()
        .await
        .expect("open Connections");
    app.fill_connection(&sim.tenant_id, CLIENT_ID, &sim.url(), Some(SECRET))
        .await;
    app.find("conn-test")
        .await
        .click()
        .await
        .expect("test the connection");
    let ok = app.text("conn-test-ok").await;
    assert!(
        ok.contains("Connected"),
        "the connection test names the tenant: {ok}"
    );
    app.find("conn-sync").await.click().await.expect("sync");
    let done = app.text("conn-synced").await;
    assert!(
        done.contains("servicePrincipals"),
        "the summary lists what was read: {done}"
    );
    let synced = cache.count(&format!(
        "SELECT count(*) FROM service_principals s JOIN tenants t ON t.key = s.tenant WHERE t.id = '{}' AND s.deleted IS NULL",
        sim.tenant_id
    ));
    assert_eq!(
        synced, 120,
        "every service principal of the simulated tenant is in the cache"
    );
    let sign_ins = cache.count(&format!(
        "SELECT count(*) FROM sign_ins s JOIN tenants t ON t.key = s.tenant WHERE t.id = '{}'",
        sim.tenant_id
    ));
    assert!(sign_ins > 0, "sign-ins of the last 30 days were read");
    app.until("the status table shows the synced datasets", || async {
        app.texts("[data-testid='conn-dataset']")
            .await
            .iter()
            .any(|r| r.contains("servicePrincipals"))
    })
    .await;
    let note = app.text("conn-secret-note").await;
    assert!(
        note.contains("kept in"),
        "the secret that signed in is kept: {note}"
    );
    app.screenshot().await;
    // A second sync with the secret field left empty signs in with the kept secret and reads
    // only what changed.
    app.until("the page says a secret is kept", || async {
        app.texts("[data-testid='conn-secret-status']")
            .await
            .iter()
            .any(|t| t.contains("is kept"))
    })
    .await;
    assert_eq!(
        app.value("conn-secret").await,
        "",
        "the secret field was cleared"
    );
    app.click_in_view("[data-testid='conn-sync']").await;
    app.until("the second sync reports a delta round", || async {
        app.texts("[data-testid='conn-synced-mode']")
            .await
            .iter()
            .any(|t| t.contains("Changes only"))
    })
    .await;
    app.screenshot_as("second-sync").await;
    app.stop().await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_admin_signs_in_with_a_device_code_in_the_window_and_syncs_as_themselves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sim = graph_sim::start(
        graph_sim::SimConfig {
            demo: steward_core::demo::DemoOptions {
                seed: 22,
                service_principals: 40,
                sign_ins: 300,
                as_of: steward_core::clock::now(),
            },
            client_id: CLIENT_ID.into(),
            client_secret: "a-secret-this-test-never-uses".into(),
            client_certificate: None,
            token_lifetime: Duration::from_secs(3600),
            faults: graph_sim::Faults::default(),
            db: dir.path().join("sim.db"),
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("start graph-sim");
    let cache = Cache::demo(50, 500);
    let app = App::start("connections-admin", &cache).await;
    app.find("nav-connections")
        .await
        .click()
        .await
        .expect("open Connections");
    app.fill_connection(&sim.tenant_id, CLIENT_ID, &sim.url(), None)
        .await;
    app.click_in_view("[data-testid='conn-method'] input[value='admin']")
        .await;
    app.click_in_view("[data-testid='conn-admin-device']").await;
    // The admin reads the code in the window and enters it on another device.
    app.until("the window shows the device code", || async {
        app.texts("[data-testid='conn-admin-code']")
            .await
            .iter()
            .any(|c| !c.trim().is_empty())
    })
    .await;
    let code = app.text("conn-admin-code").await.trim().to_string();
    app.screenshot_as("device-code").await;
    let approved = reqwest::get(format!("{}/devicelogin?code={code}", sim.url()))
        .await
        .expect("the device login page");
    assert!(approved.status().is_success(), "the code is valid: {code}");
    let note = app.text("conn-admin-note").await;
    assert!(note.contains("Signed in"), "{note}");
    app.click_in_view("[data-testid='conn-sync']").await;
    let done = app.text("conn-synced").await;
    assert!(done.contains("servicePrincipals"), "{done}");
    assert_eq!(
        cache.count(&format!(
            "SELECT count(*) FROM service_principals s JOIN tenants t ON t.key = s.tenant WHERE t.id = '{}' AND s.deleted IS NULL",
            sim.tenant_id
        )),
        40,
        "the admin's sync read every service principal"
    );
    app.screenshot().await;
    app.stop().await;
    sim.shutdown().await;
}
