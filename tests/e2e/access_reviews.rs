//! An access review through the real window: created over the demo's privileged identities, the
//! first denied with its reason, completed with the denial applied (its removals queued in the
//! outbox, as the cache shows), and its evidence exported through the save dialog.

use crate::harness::{App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn a_review_completed_with_one_denial_queues_its_removals_and_exports_its_evidence() {
    let cache = Cache::demo(60, 1_500);
    let app = App::start("access_reviews", &cache).await;
    app.open_page("accessReviews").await;
    app.find("review-empty").await;

    app.find("review-new")
        .await
        .click()
        .await
        .expect("New review");
    app.type_into("review-name", "e2e privileged review").await;
    app.type_into("review-reviewers", "Alex Wilber").await;
    app.click_until("review-dialog-ok", "the dialog closes", || async {
        app.all("[data-testid='review-dialog']").await.is_empty()
    })
    .await;
    app.find("review-detail").await;
    let items = cache.count("SELECT count(*) FROM access_review_items");
    assert!(items > 0);
    assert_eq!(
        app.all("[data-testid='review-item']").await.len() as i64,
        items
    );

    // The first identity denied, with its reason.
    app.all("[data-testid='review-item-decide']").await[0]
        .clone()
        .click()
        .await
        .expect("Decide");
    app.find("review-decide-dialog").await;
    app.click_in_view("[data-testid='review-decision'] input[value='deny']")
        .await;
    app.type_into("review-justification", "e2e: nobody owns it")
        .await;
    app.click_until("review-decide-dialog-ok", "the dialog closes", || async {
        app.all("[data-testid='review-decide-dialog']")
            .await
            .is_empty()
    })
    .await;
    app.until("the denial shows", || async {
        app.texts("[data-testid='review-item-decision']")
            .await
            .first()
            .is_some_and(|t| t == "Denied")
    })
    .await;

    // Completed with the denial applied: its removals are queued, as the cache shows.
    app.find("review-complete")
        .await
        .click()
        .await
        .expect("Complete");
    app.find("review-complete-dialog").await;
    app.click_until("review-complete-dialog-ok", "the dialog closes", || async {
        app.all("[data-testid='review-complete-dialog']")
            .await
            .is_empty()
    })
    .await;
    app.element("[data-testid='review-detail'][data-status='completed']")
        .await;
    let queued = cache.count(
        "SELECT count(*) FROM outbox WHERE status = 'pending'
         AND action IN ('removeDirectoryRoleAssignment', 'removeAppRoleAssignment')",
    );
    assert!(queued > 0);
    assert_eq!(
        app.all("[data-testid='review-item-applied']").await.len() as i64,
        queued
    );
    assert_eq!(
        cache.string("SELECT justification FROM access_review_items WHERE decision = 'deny'"),
        "e2e: nobody owns it"
    );

    // The evidence, through the save dialog.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("evidence.html");
    app.answer_dialog(&out);
    app.find("review-export")
        .await
        .click()
        .await
        .expect("Export");
    app.text("review-exported").await;
    let html = std::fs::read_to_string(&out).expect("the evidence file");
    assert!(html.contains("e2e: nobody owns it"));
    assert!(html.contains("e2e privileged review"));
    app.screenshot().await;
    app.stop().await;
}
