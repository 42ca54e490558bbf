//! The Import dialog: Graph JSON exports made from Microsoft's documentation examples, imported
//! through the real window into the real cache, and the imported tenant shown; and a Zero Trust
//! Assessment folder as that tool writes it, with the files Steward leaves listed as skipped.

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

#[tokio::test(flavor = "current_thread")]
async fn a_zero_trust_assessment_folder_imports_from_the_window_and_lists_what_it_skipped() {
    let cache = Cache::demo(60, 500);
    let app = App::start("import-zta", &cache).await;
    app.find("nav-import")
        .await
        .click()
        .await
        .expect("open Import");
    app.find("import-dialog").await;
    let folder = workspace_root().join("tests/fixtures/zta/zt-export");
    app.answer_dialog(&folder);
    app.find("import-choose-folder")
        .await
        .click()
        .await
        .expect("choose a folder");
    app.find("import-run").await.click().await.expect("import");
    let done = app.text("import-done").await;
    assert!(
        done.contains("7d3e2b1a-5c4f-4e6a-9b8d-1f2e3d4c5b6a"),
        "the tenant of ztConfig.json: {done}"
    );
    let skipped = app.texts("[data-testid='import-skipped-item']").await;
    for (folder, reason) in [
        ("User", "not workload identities"),
        ("SignIn", "user sign-ins"),
        ("RoleDefinition", "role definitions"),
        ("ServicePrincipal", "model row"),
        ("db", "not JSON"),
    ] {
        assert!(
            skipped
                .iter()
                .any(|s| s.contains(&format!("/{folder}:")) && s.contains(reason)),
            "{folder} is listed as skipped ({reason}): {skipped:?}"
        );
    }
    assert_eq!(
        cache.count("SELECT count(*) FROM owners o JOIN tenants t ON t.key = o.tenant WHERE t.id = '7d3e2b1a-5c4f-4e6a-9b8d-1f2e3d4c5b6a'"),
        6,
        "the owners written inline on each object"
    );
    app.screenshot().await;
    app.stop().await;
}
