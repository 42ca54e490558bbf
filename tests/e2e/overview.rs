//! The Overview page's figures, checked against the cache and the CLI.

use crate::harness::{number_in, App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn overview_shows_the_counts_the_database_holds() {
    let cache = Cache::demo(300, 20_000);
    let app = App::start("overview", &cache).await;
    app.find("page-overview").await;

    let total = cache.count("SELECT count(*) FROM service_principals WHERE deleted IS NULL");
    let shown = number_in(&app.text("overview-total").await);
    assert_eq!(
        shown,
        Some(total),
        "the total tile counts active service principals in the cache"
    );

    for kind in [
        "application",
        "managedIdentitySystem",
        "managedIdentityUser",
        "agentIdentity",
    ] {
        let want = cache.count(&format!(
            "SELECT count(*) FROM service_principals WHERE deleted IS NULL AND kind = '{kind}'"
        ));
        let got = number_in(&app.text(&format!("kind-count-{kind}")).await).unwrap_or(-1);
        assert_eq!(got, want, "count of kind {kind}");
    }
    for owner in ["microsoft", "ownSingleTenant", "external", "notApplicable"] {
        let want = cache.count(&format!(
            "SELECT count(*) FROM service_principals WHERE deleted IS NULL AND ownership = '{owner}'"
        ));
        let got = number_in(&app.text(&format!("ownership-count-{owner}")).await).unwrap_or(-1);
        assert_eq!(got, want, "count of ownership {owner}");
    }
    let chart = app.find("signins-chart").await;
    let src = chart.attr("src").await.expect("src").unwrap_or_default();
    assert!(
        src.starts_with("data:image/svg+xml"),
        "the chart is the SVG drawn by the core"
    );

    let tenant = cache.string("SELECT display_name FROM tenants");
    assert_eq!(
        app.text("tenant-name").await,
        tenant,
        "the header names the tenant"
    );
    app.find("demo-badge").await;
    app.screenshot().await;
    app.stop().await;
}
