//! The Reports page: the report HTML rendered by the window's own WebKit in a sandboxed preview,
//! with the demo tenant's hostile display name shown as text, and an export through the real
//! backend that writes the file and matches the cache.

use crate::harness::{App, Cache};

/// The demo tenant's display name that would run script if it were rendered as markup.
const HOSTILE: &str = "<img src=x onerror=alert(1)> Partner Sync";

async fn srcdoc(app: &App) -> String {
    let v = app
        .execute(
            "const f = document.querySelector(\"[data-testid='report-preview']\"); return f ? (f.getAttribute('srcdoc') || '') : ''",
            vec![],
        )
        .await;
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn the_report_preview_renders_tenant_strings_inert_and_an_export_writes_the_file() {
    let cache = Cache::demo(300, 4_000);
    let app = App::start("reports", &cache).await;
    app.find("nav-reports")
        .await
        .click()
        .await
        .expect("open Reports");
    app.find("page-reports").await;
    app.click_in_view("[data-testid='report-option'][data-kind='inventory']")
        .await;
    app.until(
        "the inventory preview holds the hostile name as escaped text",
        || async {
            srcdoc(&app)
                .await
                .contains("&lt;img src=x onerror=alert(1)&gt; Partner Sync")
        },
    )
    .await;
    let doc = srcdoc(&app).await;
    assert!(!doc.contains("<img"), "no tenant string becomes an element");
    assert!(
        !doc.to_lowercase().contains("<script"),
        "report HTML carries no script"
    );
    let sandbox = app
        .execute(
            "return document.querySelector(\"[data-testid='report-preview']\").getAttribute('sandbox')",
            vec![],
        )
        .await;
    assert_eq!(
        sandbox.as_str(),
        Some(""),
        "the preview frame may run nothing"
    );

    // The frame's document, as WebKit parsed it: the name is a text node, no image exists.
    app.enter_frame(0).await;
    let body = app.element("body").await.text().await.unwrap_or_default();
    let images = app.all("img").await.len();
    app.leave_frame().await;
    assert!(
        body.contains(HOSTILE),
        "the name reads as text in the rendered report: {}",
        body.chars().take(300).collect::<String>()
    );
    assert_eq!(images, 0, "the name's <img> was never parsed as an element");
    let rows = cache.count("SELECT count(*) FROM service_principals WHERE deleted IS NULL");
    assert!(
        doc.contains("The preview shows the first 200 rows") || rows <= 200,
        "a long table is cut in the preview and says so"
    );
    app.screenshot().await;

    // Every report, as the window's WebKit draws its HTML (the executive overview last, so its
    // charts are on screen for the main screenshot's companion).
    for (kind, title) in [
        ("credential-expiry", "Credential expiry"),
        ("recommendations", "App-health recommendations"),
        ("risk", "Risky workload identities"),
        ("licenses", "Workload ID Premium license estimate"),
        ("sign-ins", "Sign-in extract"),
        ("overview", "Executive overview"),
    ] {
        app.click_in_view(&format!(
            "[data-testid='report-option'][data-kind='{kind}']"
        ))
        .await;
        app.until(&format!("the {kind} preview is shown"), || async {
            let doc = srcdoc(&app).await;
            doc.contains(&format!("<h1>{title}</h1>")) && doc.contains("</html>")
        })
        .await;
        app.screenshot_as(kind).await;
    }
    assert!(
        srcdoc(&app).await.contains("<svg"),
        "the overview's charts are inline SVG"
    );

    // The backend writes only where its own save dialog pointed: a path the page names itself
    // (as a script in the webview would) is refused, and nothing is written.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("inventory.csv");
    let tenant = cache.string("SELECT id FROM tenants LIMIT 1");
    let refused = app
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('export_report', {
                 args: { tenantId: arguments[0], kind: 'inventory', asOf: null, days: null, sp: null },
                 format: 'csv', path: arguments[1], csvBom: false })
               .then(r => done({ ok: r }), e => done({ err: e }));",
            vec![
                serde_json::Value::String(tenant),
                serde_json::Value::String(out.display().to_string()),
            ],
        )
        .await;
    assert!(
        refused["err"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Choose")),
        "a path no dialog returned is refused: {refused}"
    );
    assert!(!out.exists(), "nothing was written");

    // The export itself, as the admin makes it: Save, and the save dialog answers with `out`.
    app.click_in_view("[data-testid='report-option'][data-kind='inventory']")
        .await;
    app.until("the inventory preview is back", || async {
        srcdoc(&app)
            .await
            .contains("&lt;img src=x onerror=alert(1)&gt; Partner Sync")
    })
    .await;
    app.click_in_view("[data-testid='report-format'] option[value='csv']")
        .await;
    app.answer_dialog(&out);
    app.click_in_view("[data-testid='report-save']").await;
    let saved = app.text("report-saved-path").await;
    assert_eq!(
        saved,
        out.display().to_string(),
        "the window names the file"
    );
    let csv = std::fs::read_to_string(&out).expect("the export wrote its file");
    assert_eq!(
        csv.lines().count() as i64,
        rows + 1,
        "one line per active service principal below the header"
    );
    assert!(csv.contains(HOSTILE), "CSV keeps the name as data");
    app.stop().await;
}
