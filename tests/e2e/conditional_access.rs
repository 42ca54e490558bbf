//! Conditional access through the real window: a report-only policy authored in the dialog,
//! queued, then replayed over the cached sign-ins; the count the window reads matches the cache
//! counted with SQL of its own.

use steward_core::clock::to_ms;
use steward_core::conditional_access::replay::period_bound;

use crate::harness::{number_in, App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn a_report_only_policy_is_written_queued_and_replayed_with_the_count_the_cache_gives() {
    let cache = Cache::demo(60, 3_000);
    let app = App::start("conditional_access", &cache).await;
    app.open_page("conditionalAccess").await;
    let cached = cache.count(
        "SELECT count(*) FROM conditional_access_policies WHERE targets_workload_identities = 1",
    );
    app.until(
        "the policies for workload identities are listed",
        || async { app.all("[data-testid='ca-policy-row']").await.len() as i64 == cached },
    )
    .await;

    // A policy that blocks every app of the tenant wherever it signs in from: report-only.
    app.find("ca-policy-new")
        .await
        .click()
        .await
        .expect("New policy");
    app.type_into("ca-policy-name", "e2e block every app").await;
    // A click that lands while the dialog is still opening is lost (CI saw the policy saved with
    // its default location condition, which blocks none of the demo's sign-ins): clicked until off.
    app.click_until(
        "ca-policy-use-locations",
        "the location condition is off",
        || async {
            app.execute(
                "const e = document.querySelector(\"[data-testid='ca-policy-use-locations']\"); \
                 return e !== null && !e.checked;",
                vec![],
            )
            .await
                == serde_json::Value::Bool(true)
        },
    )
    .await;
    app.until("the draft can be saved", || async {
        app.all("[data-testid='ca-policy-problems']")
            .await
            .is_empty()
            && app
                .find("ca-policy-save")
                .await
                .attr("disabled")
                .await
                .ok()
                .flatten()
                .is_none()
    })
    .await;
    app.screenshot_as("policy-dialog").await;
    app.click_until("ca-policy-save", "the dialog closes", || async {
        app.all("[data-testid='ca-policy-dialog']").await.is_empty()
    })
    .await;
    app.text("ca-queued").await;
    assert_eq!(
        cache.count("SELECT count(*) FROM outbox WHERE action = 'createConditionalAccessPolicy' AND status = 'pending'"),
        1
    );
    app.until("the new policy is listed", || async {
        app.all("[data-testid='ca-policy-row']").await.len() as i64 == cached + 1
    })
    .await;

    // Replayed from its row over the default period, the last 30 days of the cache.
    // The button inside the new policy's own row (a row whose policy departs from Entra's shape
    // has no Replay button, so the n-th button need not be the n-th row's).
    let id = app
        .execute(
            "return Array.from(document.querySelectorAll(\"[data-testid='ca-policy-row']\")) \
               .find(r => r.textContent.includes('e2e block every app'))?.dataset.id ?? null;",
            vec![],
        )
        .await;
    let id = id.as_str().expect("the new policy's row").to_string();
    app.element(&format!(
        "[data-testid='ca-policy-row'][data-id='{id}'] [data-testid='ca-policy-row-replay']"
    ))
    .await
    .click()
    .await
    .expect("Replay");
    app.until("the replay is of the new policy", || async {
        app.texts("[data-testid='ca-replay-policy'] option:checked")
            .await
            .iter()
            .any(|t| t.contains("e2e block every app"))
    })
    .await;
    app.find("ca-replay-run").await.click().await.expect("run");
    let blocked = number_in(&app.text("ca-replay-blocked").await).expect("a count");
    let from = period_bound(&app.value("ca-replay-from").await, false).expect("from");
    let to = period_bound(&app.value("ca-replay-to").await, true).expect("to");
    // What the policy blocks, counted from the tables: sign-ins that reached conditional access
    // (succeeded, or blocked by it) of service principals of apps registered in the tenant.
    let expected = cache.count(&format!(
        "SELECT count(*) FROM sign_ins s JOIN strings st ON st.id = s.sp
         JOIN service_principals sp ON sp.tenant = s.tenant AND sp.id = st.value
         WHERE s.error_code IN (0, 53003) AND s.created BETWEEN {} AND {}
           AND sp.ownership IN ('ownSingleTenant', 'ownMultiTenant')
           AND sp.kind IN ('application', 'legacy')",
        to_ms(from),
        to_ms(to)
    ));
    assert!(expected > 0, "the demo's own apps sign in");
    assert_eq!(blocked, expected);
    app.find("ca-replay-chart").await;
    app.screenshot().await;

    // What-if for one of the blocked apps from an address outside every named location: the
    // new report-only policy applies, and every condition is answered.
    app.find("ca-tab-whatif")
        .await
        .click()
        .await
        .expect("What-if");
    app.type_into("ca-whatif-sp-search", "contoso-").await;
    app.find("ca-whatif-sp-result")
        .await
        .click()
        .await
        .expect("pick");
    app.type_into("ca-whatif-ip", "192.0.2.10").await;
    app.find("ca-whatif-run")
        .await
        .click()
        .await
        .expect("evaluate");
    app.find("ca-whatif-verdict").await;
    let outcomes = app.texts("[data-testid='ca-whatif-policy']").await;
    assert!(
        outcomes
            .iter()
            .any(|t| t.contains("e2e block every app") && t.contains("Applies")),
        "{outcomes:?}"
    );
    app.screenshot_as("whatif").await;
    app.stop().await;
}
