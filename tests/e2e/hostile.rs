//! Every page on a tenant whose tenant-controlled strings are all hostile: markup and script,
//! spreadsheet formulas, bidi overrides, zero-width characters and 10 KB names. Nothing may run,
//! no string may become an element, and nothing may overflow its cell or widen the page.

use crate::harness::{App, Cache, PAGES};

/// One 10 KB name without a break opportunity: the worst case for a cell's width.
fn long_name() -> String {
    "W".repeat(10 * 1024)
}

/// The hostile strings, given in turn to the rows of every tenant-controlled text column.
fn hostile() -> Vec<String> {
    vec![
        "<img src=x onerror=\"window.__pwned=1\">".into(),
        "<script>window.__pwned=1</script>".into(),
        "=HYPERLINK(\"http://example.invalid\",\"open\")".into(),
        "\u{202E}gnp.exe \u{2066}isolated\u{2069}".into(),
        "zero\u{200B}width\u{200D}joiner\u{FEFF}".into(),
        long_name(),
    ]
}

/// A number that spreads a table's rows over the hostile strings, from the row's own text (some
/// tables have no rowid).
fn spread(column: &str) -> String {
    format!("(unicode(substr({column}, 2, 1)) + length({column}))")
}

/// Rewrites the demo cache so that every tenant-controlled display string starts with a hostile
/// one (the original after it, so names stay distinct), and tags hold one.
fn make_hostile(cache: &Cache) {
    let conn = cache.conn();
    let columns = [
        ("tenants", "display_name"),
        ("applications", "display_name"),
        ("service_principals", "display_name"),
        ("service_principals", "app_display_name"),
        ("credentials", "display_name"),
        ("federated_credentials", "name"),
        ("federated_credentials", "subject"),
        ("federated_credentials", "description"),
        ("owners", "display_name"),
        ("app_role_assignments", "resource_display_name"),
        ("app_role_assignments", "permission"),
        ("directory_role_assignments", "role_display_name"),
        ("risky_service_principals", "display_name"),
        ("sp_risk_detections", "display_name"),
        ("sp_risk_detections", "city"),
        ("named_locations", "display_name"),
        ("conditional_access_policies", "display_name"),
        ("directory_audits", "target_name"),
        ("directory_audits", "initiated_by"),
    ];
    let strings = hostile();
    for (table, column) in columns {
        for (i, h) in strings.iter().enumerate() {
            conn.execute(
                &format!(
                    "UPDATE {table} SET {column} = ?1 || ' ' || {column} WHERE {column} IS NOT NULL AND {SPREAD} % ?2 = ?3",
                    SPREAD = spread(column)
                ),
                rusqlite::params![h, strings.len() as i64, i as i64],
            )
            .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
        }
    }
    for (i, h) in strings.iter().enumerate() {
        conn.execute(
            &format!("UPDATE service_principals SET tags = json_array(?1, 'WindowsAzureActiveDirectoryIntegratedApp') WHERE {} % ?2 = ?3", spread("id")),
            rusqlite::params![h, strings.len() as i64, i as i64],
        )
        .expect("tags");
    }
}

/// What went wrong on the page now: a script that ran, a hostile string that became an element,
/// a page wider than the window, or a long name that spills out of its cell.
async fn findings(app: &App) -> Vec<String> {
    let v = app
        .execute(
            r#"
            const out = [];
            if (window.__pwned !== undefined) out.push('a hostile script ran');
            for (const el of document.querySelectorAll('img[src="x"], script:not([src])'))
                out.push('a hostile string became an element: <' + el.tagName.toLowerCase() + '>');
            const page = document.documentElement;
            if (page.scrollWidth > window.innerWidth + 1)
                out.push('the page is ' + page.scrollWidth + ' px wide in a ' + window.innerWidth + ' px window');
            const long = 'W'.repeat(64);
            for (const el of document.querySelectorAll('body *')) {
                if (![...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.includes(long))) continue;
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                const cell = el.closest('td, th, [role=gridcell], [role=cell], [role=rowheader]');
                const limit = cell ? cell.getBoundingClientRect().right : window.innerWidth;
                let clipped = false;
                for (let a = el; a && a !== (cell ? cell.parentElement : null); a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= limit + 1) {
                        clipped = true;
                        break;
                    }
                }
                if (!clipped && r.right > limit + 1)
                    out.push('a long name overflows: <' + el.tagName.toLowerCase() + ' class="' + el.className + '"> ends at ' + Math.round(r.right) + ' px, its ' + (cell ? 'cell' : 'window') + ' at ' + Math.round(limit));
            }
            return out;
            "#,
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Shows `page`'s tenant strings once it has drawn its data ([`App::open_page`]): opens what
/// shows names (a recommendation's impacted identities, a risky identity's detail), or waits for
/// a hostile string on the pages that list them at once.
async fn show_tenant_strings(app: &App, page: &str) {
    match page {
        "recommendations" => {
            app.click_in_view("[data-testid='rec-row'] [data-testid='rec-name']")
                .await;
            app.find("impacted-name").await;
        }
        "risk" => {
            app.click_in_view("[data-testid='risky-row'] [data-testid='risky-name']")
                .await;
            app.find("risky-detail").await;
        }
        "overview" | "identities" => {
            app.until(&format!("the {page} page shows tenant strings"), || async {
                app.execute(
                    "return document.body.innerText.includes('onerror') || document.body.innerText.includes('WWWWWWWW')",
                    vec![],
                )
                .await
                .as_bool()
                    == Some(true)
            })
            .await
        }
        // The page's data is drawn ([`App::open_page`]); nothing more to open.
        _ => {}
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_page_renders_hostile_tenant_strings_inert_and_within_their_cells() {
    let cache = Cache::demo(300, 4_000);
    make_hostile(&cache);
    let app = App::start("hostile", &cache).await;
    let mut problems = Vec::new();
    for page in PAGES {
        app.open_page(page).await;
        show_tenant_strings(&app, page).await;
        app.screenshot_as(page).await;
        problems.extend(
            findings(&app)
                .await
                .into_iter()
                .map(|f| format!("{page}: {f}")),
        );
        if page == "identities" {
            // The detail pane of an identity with the 10 KB name.
            let id = cache.string(
                "SELECT id FROM service_principals WHERE display_name LIKE 'WWWWWWWW%' AND deleted IS NULL LIMIT 1",
            );
            // The grid is virtual: search for the name so its row is drawn.
            let search = app.input("identity-search").await;
            search.click().await.expect("focus search");
            search.send_keys("WWWWWWWWWWWW").await.expect("type search");
            app.click_in_view(&format!("[data-testid='identity-row'][data-id='{id}']"))
                .await;
            app.find("identity-detail").await;
            app.find("detail-enabled").await;
            app.screenshot_as("identity-detail").await;
            problems.extend(
                findings(&app)
                    .await
                    .into_iter()
                    .map(|f| format!("identity detail: {f}")),
            );
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    app.stop().await;
}
