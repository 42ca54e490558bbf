//! axe-core (WCAG 2.1 A and AA, and best practice) on every page and on the open detail panes, in
//! the real window: no violation of impact serious or critical. Fluent's focus guards
//! (`[data-tabster-dummy]`) are excluded: axe's `aria-hidden-focus` on them is a known false
//! positive (they hand the focus on and are never read).

use crate::harness::{workspace_root, App, Cache, PAGES};

/// axe's serious and critical violations on the page now, one line each.
async fn violations(app: &App) -> Vec<String> {
    // Colours are measured once no transition runs (a button just enabled fades in).
    app.until("no CSS transition runs", || async {
        app.execute(
            "return document.getAnimations().filter(a => a instanceof CSSTransition && a.playState === 'running').length === 0",
            vec![],
        )
        .await
        .as_bool()
            == Some(true)
    })
    .await;
    let axe = std::fs::read_to_string(workspace_root().join("ui/node_modules/axe-core/axe.min.js"))
        .expect("axe-core is in ui/node_modules (npm ci in ui/)");
    app.execute(&format!("{axe}\nreturn true;"), vec![]).await;
    let result = app
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            axe.run(
                { exclude: [["[data-tabster-dummy]"]] },
                { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } },
            ).then(
                (r) => done(r.violations
                    .filter((v) => v.impact === "serious" || v.impact === "critical")
                    .map((v) => v.id + " (" + v.impact + "): " + v.help + " — " +
                        v.nodes.slice(0, 3).map((n) => n.target.join(" ") +
                            (n.any[0] ? " [" + n.any[0].message + "]" : "")).join(" | "))),
                (e) => done(["axe failed: " + e]),
            );
            "#,
            vec![],
        )
        .await;
    serde_json::from_value(result).unwrap_or_else(|_| vec!["axe gave no result".into()])
}

/// axe on every page and on the identity and recommendation detail panes, each violation named
/// with where it was found.
async fn every_page_and_pane(app: &App) -> Vec<String> {
    let mut found = Vec::new();
    for page in PAGES {
        app.open_page(page).await;
        found.extend(
            violations(app)
                .await
                .into_iter()
                .map(|v| format!("{page}: {v}")),
        );
        app.screenshot_as(page).await;
        let pane = match page {
            "identities" => Some(("[data-testid='identity-row']", "detail-enabled")),
            "recommendations" => Some((
                "[data-testid='rec-row'] [data-testid='rec-name']",
                "rec-detail",
            )),
            _ => None,
        };
        if let Some((open, shown)) = pane {
            app.click_in_view(open).await;
            app.find(shown).await;
            found.extend(
                violations(app)
                    .await
                    .into_iter()
                    .map(|v| format!("{page} detail: {v}")),
            );
            app.screenshot_as(&format!("{page}-detail")).await;
        }
    }
    found
}

#[tokio::test(flavor = "current_thread")]
async fn every_page_and_detail_pane_has_no_serious_accessibility_violation() {
    let cache = Cache::demo(150, 2_000);
    let app = App::start("accessibility", &cache).await;
    let found = every_page_and_pane(&app).await;
    assert!(found.is_empty(), "{found:#?}");
    // The check itself can fail: an image without a text alternative is a critical violation.
    app.execute(
        "const i = document.createElement('img'); i.src = 'data:,'; document.querySelector('main, body').appendChild(i); return true;",
        vec![],
    )
    .await;
    let planted = violations(&app).await;
    assert!(
        planted.iter().any(|v| v.starts_with("image-alt")),
        "axe ran and saw the planted image: {planted:?}"
    );
    app.stop().await;
}

/// The same in the dark theme and at the smallest size the window allows (900 × 600), where wide
/// tables and long pages overflow: each box that scrolls must be reachable by keyboard, and every
/// text keep its contrast on the dark surfaces.
#[tokio::test(flavor = "current_thread")]
async fn in_the_dark_theme_and_the_smallest_window_too() {
    let cache = Cache::demo(150, 2_000);
    let app = App::start_with_env(
        "accessibility-dark-small",
        &cache,
        &[("GTK_THEME", "Adwaita:dark")],
    )
    .await;
    app.find("page-overview").await;
    app.set_window_rect(0, 0, 900, 600).await;
    app.until("the window is at its smallest size", || async {
        let (_, _, w, h) = app.window_rect().await;
        (w, h) == (900, 600)
    })
    .await;
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
    let found = every_page_and_pane(&app).await;
    assert!(found.is_empty(), "{found:#?}");
    app.stop().await;
}
