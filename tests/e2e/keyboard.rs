//! Keyboard only: the Identities page reached from the navigation, a row moved to with the arrow
//! keys, its detail opened with Enter and closed with Escape, and the focus back on that row; the
//! Import dialog opened and closed from the keyboard, and the focus back on its button; and the same
//! focus back when the dialog is opened and closed with the mouse.

use fantoccini::key::Key;

use crate::harness::{App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn an_identity_s_detail_and_the_import_dialog_open_and_close_by_keyboard_and_give_the_focus_back(
) {
    let cache = Cache::demo(120, 1_000);
    let app = App::start("keyboard", &cache).await;
    // WebDriver's "send keys" to an element focuses it first, as Tab would, then types.
    app.find("nav-identities")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter on Identities");
    app.find("page-identities").await;
    app.find("identity-row").await;
    // Tab through the page's controls to the grid's row.
    let mut tabs = 0;
    while app.focused("data-testid").await.as_deref() != Some("identity-row") {
        assert!(tabs < 20, "Tab never reached the grid's rows");
        app.press(Key::Tab).await;
        tabs += 1;
    }
    app.press(Key::Down).await;
    app.press(Key::Down).await;
    let row = app.focused("data-id").await.expect("a row has the focus");
    assert_eq!(
        app.focused("data-index").await.as_deref(),
        Some("2"),
        "two rows down"
    );
    app.press(Key::Enter).await;
    app.find("identity-detail").await;
    app.find("detail-enabled").await;
    let name = cache.string(&format!(
        "SELECT display_name FROM service_principals WHERE id = '{row}'"
    ));
    assert_eq!(app.text("detail-name").await, name, "the row's own detail");
    app.press(Key::Escape).await;
    app.until("the detail is closed", || async {
        app.all("[data-testid='identity-detail']").await.is_empty()
    })
    .await;
    assert_eq!(
        app.focused("data-id").await.as_deref(),
        Some(row.as_str()),
        "the focus is back on the row that opened the detail"
    );

    // The Import dialog, from its navigation button, and back.
    app.find("nav-import")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter on Import");
    app.find("import-dialog").await;
    app.press(Key::Escape).await;
    app.until("the Import dialog is closed", || async {
        app.all("[data-testid='import-dialog']").await.is_empty()
    })
    .await;
    app.until("the focus is back on the Import button", || async {
        app.focused("data-testid").await.as_deref() == Some("nav-import")
    })
    .await;
    app.screenshot().await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_import_dialog_closed_with_the_mouse_gives_the_focus_back_to_its_button() {
    let cache = Cache::demo(60, 500);
    let app = App::start("mouse-focus", &cache).await;
    app.find("page-overview").await;
    // WebKit does not focus a button it clicks, so Fluent's restorer had nothing to return to.
    app.find("nav-import")
        .await
        .click()
        .await
        .expect("click Import");
    app.find("import-dialog").await;
    app.click_until("import-close", "the Import dialog is closed", || async {
        app.texts("[data-testid='import-dialog']").await.is_empty()
    })
    .await;
    app.until("the focus is back on the Import button", || async {
        app.focused("data-testid").await.as_deref() == Some("nav-import")
    })
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn in_a_narrow_window_the_detail_covers_the_list_takes_the_focus_and_gives_it_back() {
    let cache = Cache::demo(60, 500);
    let app = App::start("keyboard-narrow", &cache).await;
    app.find("page-overview").await;
    app.set_window_rect(0, 0, 900, 600).await;
    app.until("the window is narrow", || async {
        app.window_rect().await.2 == 900
    })
    .await;
    app.open_page("identities").await;
    let row = app.find("identity-row").await;
    let id = row.attr("data-id").await.unwrap().expect("the row's id");
    row.send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter on a row");
    app.find("detail-enabled").await;
    app.until("the pane's Close button has the focus", || async {
        app.focused("data-testid").await.as_deref() == Some("detail-close")
    })
    .await;
    let list_hidden = app
        .execute(
            "return getComputedStyle(document.querySelector('.identities-list')).visibility",
            vec![],
        )
        .await;
    assert_eq!(list_hidden.as_str(), Some("hidden"), "the list is covered");
    app.screenshot().await;
    app.press(Key::Escape).await;
    app.until("the detail is closed", || async {
        app.all("[data-testid='identity-detail']").await.is_empty()
    })
    .await;
    app.until("the focus is back on the row", || async {
        app.focused("data-id").await.as_deref() == Some(id.as_str())
    })
    .await;
    app.stop().await;
}
