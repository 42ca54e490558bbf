//! The dark theme: with GTK asked for dark (as the OS's setting reaches WebKitGTK), the window
//! draws Fluent's dark theme and the Overview's charts in their dark palette. A screenshot of
//! every page in the dark theme goes with the light ones.

use crate::harness::{App, Cache, PAGES};

#[tokio::test(flavor = "current_thread")]
async fn the_window_follows_a_dark_os_with_its_pages_and_charts() {
    let cache = Cache::demo(200, 3_000);
    let app = App::start_with_env("dark", &cache, &[("GTK_THEME", "Adwaita:dark")]).await;
    app.find("page-overview").await;
    app.until("the window is in the dark theme", || async {
        app.execute(
            "return document.querySelector('.fluent-root')?.getAttribute('data-scheme') ?? ''",
            vec![],
        )
        .await
        .as_str()
            == Some("dark")
    })
    .await;
    // The charts were drawn dark: their images carry the dark palette's style sheet.
    app.until("the Overview's charts are drawn dark", || async {
        let srcs = app
            .execute(
                "return Array.from(document.querySelectorAll(\"[data-testid='chart-card'] img\")).map(i => decodeURIComponent(i.getAttribute('src') || ''))",
                vec![],
            )
            .await;
        let srcs: Vec<String> = serde_json::from_value(srcs).unwrap_or_default();
        !srcs.is_empty() && srcs.iter().all(|s| s.contains("<style>rect[fill=\"#FFFFFF\"]{fill:#292929}"))
    })
    .await;
    // The page's background is dark too.
    let background = app
        .execute(
            "return getComputedStyle(document.querySelector('.fluent-root')).backgroundColor",
            vec![],
        )
        .await;
    let rgb: Vec<u32> = background
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    assert!(
        rgb.len() >= 3 && rgb.iter().take(3).all(|c| *c < 80),
        "a dark background: {background}"
    );
    for page in PAGES {
        app.open_page(page).await;
        app.screenshot_as(page).await;
    }
    app.stop().await;
}
