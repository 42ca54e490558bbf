//! The identities page and an identity's detail pane, checked against the cache itself.

use std::collections::BTreeSet;

use crate::harness::{number_in, App, Cache};

const HOSTILE: &str = "<img src=x onerror=alert(1)> Partner Sync";

async fn open_identities(app: &App) {
    app.find("nav-identities")
        .await
        .click()
        .await
        .expect("click Identities");
    app.find("page-identities").await;
}

async fn search(app: &App, text: &str) {
    // Fluent's SearchBox wraps the input; type into the input itself.
    let input = app.input("identity-search").await;
    input.click().await.expect("focus search");
    input.send_keys(text).await.expect("type search");
}

async fn visible_names(app: &App) -> Vec<String> {
    app.texts("[data-testid='identity-row-name']").await
}

#[tokio::test(flavor = "current_thread")]
async fn the_grid_filters_to_a_name_typed_in_the_search_box() {
    let cache = Cache::demo(300, 5_000);
    let name = cache.string(
        "SELECT display_name FROM service_principals WHERE deleted IS NULL AND ownership = 'ownSingleTenant'
         ORDER BY id LIMIT 1",
    );
    let want = cache.count(&format!(
        "SELECT count(*) FROM service_principals WHERE deleted IS NULL AND display_name LIKE '%{name}%'"
    ));
    let app = App::start("identities-search", &cache).await;
    open_identities(&app).await;
    let all = cache.count("SELECT count(*) FROM service_principals WHERE deleted IS NULL");
    app.until("the grid shows every identity", || async {
        number_in(&app.text("identity-total").await) == Some(all)
    })
    .await;
    search(&app, &name).await;
    app.until("the grid narrows to the typed name", || async {
        number_in(&app.text("identity-total").await) == Some(want)
    })
    .await;
    app.until("the rows shown match", || async {
        let names = visible_names(&app).await;
        !names.is_empty() && names.iter().all(|n| n.contains(&name))
    })
    .await;
    app.screenshot().await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_row_opens_its_detail_with_the_right_credentials() {
    let cache = Cache::demo(300, 5_000);
    // An own app whose credentials sit on the app registration and maybe on the SP too, and
    // whose credential changes are in the audit log.
    let (sp_id, name): (String, String) = cache
        .conn()
        .query_row(
            "SELECT sp.id, sp.display_name FROM service_principals sp
             JOIN applications a ON a.tenant = sp.tenant AND a.app_id = sp.app_id
             WHERE sp.deleted IS NULL AND (SELECT count(*) FROM credentials c WHERE c.owner_id = a.id) >= 2
               AND EXISTS (SELECT 1 FROM directory_audits d WHERE d.target_id = a.id)
             ORDER BY sp.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an app with credentials in the demo");
    let want: BTreeSet<String> = {
        let conn = cache.conn();
        let mut st = conn
            .prepare(
                "SELECT c.key_id FROM credentials c WHERE c.owner_id = ?1
                 OR c.owner_id IN (SELECT a.id FROM applications a JOIN service_principals sp
                                   ON sp.app_id = a.app_id WHERE sp.id = ?1)",
            )
            .unwrap();
        let rows: Vec<String> = st
            .query_map([&sp_id], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.into_iter().collect()
    };
    let app = App::start("identity-detail", &cache).await;
    open_identities(&app).await;
    search(&app, &name).await;
    app.until("the identity is listed", || async {
        app.all(&format!("[data-testid='identity-row'][data-id='{sp_id}']"))
            .await
            .len()
            == 1
    })
    .await;
    app.all(&format!("[data-testid='identity-row'][data-id='{sp_id}']"))
        .await[0]
        .click()
        .await
        .expect("click row");
    app.find("identity-detail").await;
    // The badges appear once the detail has loaded; until then the heading reads "Loading…".
    app.find("detail-enabled").await;
    assert_eq!(app.text("detail-name").await, name);
    app.until("its credentials are listed", || async {
        app.all("[data-testid='credential-row']").await.len() == want.len()
    })
    .await;
    let mut shown = BTreeSet::new();
    for row in app.all("[data-testid='credential-row']").await {
        shown.insert(row.attr("data-key-id").await.unwrap().unwrap_or_default());
    }
    assert_eq!(
        shown, want,
        "the detail lists exactly the credentials of the SP and its application"
    );
    app.screenshot().await;
    // The change history lists the audit events on the SP and its application.
    let events: i64 = cache
        .conn()
        .query_row(
            "SELECT count(*) FROM directory_audits WHERE target_id = ?1 OR target_id IN
               (SELECT a.id FROM applications a JOIN service_principals sp ON sp.app_id = a.app_id
                WHERE sp.id = ?1)",
            [&sp_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(events > 0);
    app.until("its change history is listed", || async {
        app.all("[data-testid='change-row']").await.len() as i64 == events.min(50)
    })
    .await;
    app.scroll_to("[data-testid='change-row']").await;
    app.screenshot_as("changes").await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_hostile_display_name_renders_as_text() {
    let cache = Cache::demo(300, 5_000);
    assert_eq!(
        cache.count(&format!(
            "SELECT count(*) FROM service_principals WHERE display_name = '{HOSTILE}'"
        )),
        1,
        "the demo tenant carries one hostile display name"
    );
    let app = App::start("hostile-name", &cache).await;
    open_identities(&app).await;
    search(&app, "onerror").await;
    app.until("the hostile identity is listed", || async {
        visible_names(&app).await == vec![HOSTILE.to_string()]
    })
    .await;
    app.all("[data-testid='identity-row']").await[0]
        .click()
        .await
        .expect("open");
    app.find("identity-detail").await;
    // The badges appear once the detail has loaded; until then the heading reads "Loading…".
    app.find("detail-enabled").await;
    assert_eq!(
        app.text("detail-name").await,
        HOSTILE,
        "the name shows as the literal text"
    );
    let injected = app
        .execute(
            "return document.querySelectorAll('img[src=\"x\"], img[onerror]').length",
            vec![],
        )
        .await;
    assert_eq!(
        injected.as_i64(),
        Some(0),
        "no element was created from the name"
    );
    assert!(!app.alert_open().await, "no alert() ran");
    app.screenshot().await;
    app.stop().await;
}
