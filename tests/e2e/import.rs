//! The Import dialog: Graph JSON exports made from Microsoft's documentation examples, imported
//! through the real window into the real cache, and the imported tenant shown.

use crate::harness::{workspace_root, App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn importing_graph_exports_from_the_window_adds_the_tenant_and_shows_what_was_read() {
    let cache = Cache::demo(200, 2_000);
    let app = App::start("import", &cache).await;
    app.find("nav-import")
        .await
        .click()
        .await
        .expect("open Import");
    app.find("import-dialog").await;
    // The folder comes from the window's own dialog: a path typed or sent by the page is refused.
    let fixtures = workspace_root().join("tests/fixtures/graph");
    app.answer_dialog(&fixtures);
    app.find("import-choose-folder")
        .await
        .click()
        .await
        .expect("choose a folder");
    let listed = app.text("import-path").await;
    assert!(
        listed.contains(&fixtures.display().to_string()),
        "the chosen folder is listed: {listed}"
    );
    app.find("import-run").await.click().await.expect("import");
    let done = app.text("import-done").await;
    assert!(
        done.contains("Alcora Distribuciones")
            && done.contains("5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21"),
        "the summary names the imported tenant: {done}"
    );
    let rows = app.texts("[data-testid='import-dataset']").await;
    assert!(
        rows.iter()
            .any(|r| r.contains("servicePrincipals") && r.contains('3')),
        "the three service principals of the fixture: {rows:?}"
    );
    assert_eq!(
        cache.count(
            "SELECT count(*) FROM tenants WHERE id = '5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21'"
        ),
        1,
        "the tenant is in the cache file"
    );
    assert_eq!(
        cache.count("SELECT count(*) FROM service_principals s JOIN tenants t ON t.key = s.tenant WHERE t.id = '5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21' AND s.deleted IS NULL"),
        3
    );
    app.screenshot().await;
    app.stop().await;
}
