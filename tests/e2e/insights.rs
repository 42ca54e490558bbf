//! The Recommendations and Licensing pages on the demo tenant, checked against the CLI's JSON on
//! the same cache (itself checked against SQL in the CLI's own tests).

use std::collections::BTreeMap;
use std::process::Command;

use crate::harness::{binary, number_in, App, Cache};

fn cli_json(cache: &Cache, args: &[&str]) -> serde_json::Value {
    let out = Command::new(binary("steward"))
        .arg("--db")
        .arg(&cache.path)
        .args(args)
        .arg("--json")
        .output()
        .expect("run steward");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

async fn open(app: &App, nav: &str, page: &str) {
    app.find(nav).await.click().await.expect("click nav");
    app.find(page).await;
}

async fn status_of(app: &App, kind: &str) -> String {
    app.texts(&format!(
        "[data-testid='rec-row'][data-type='{kind}'] [data-testid='rec-status']"
    ))
    .await
    .into_iter()
    .next()
    .unwrap_or_default()
}

#[tokio::test(flavor = "current_thread")]
async fn recommendations_match_the_cli_and_a_dismissal_survives_a_restart() {
    let cache = Cache::demo(400, 5_000);
    let want: BTreeMap<String, i64> = cli_json(&cache, &["recommendations"])
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                r["impactedTotal"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(want.contains_key("applicationCredentialExpiry"));

    let app = App::start("recommendations", &cache).await;
    open(&app, "nav-recommendations", "page-recommendations").await;
    app.until("every recommendation the CLI lists is shown with its count", || async {
        let rows = app
            .client
            .execute(
                "return Array.from(document.querySelectorAll(\"[data-testid='rec-row']\")).map(r => [r.getAttribute('data-type'), (r.querySelector(\"[data-testid='rec-impacted-count']\") || {}).textContent || ''])",
                vec![],
            )
            .await
            .expect("read rows");
        let rows: Vec<(String, String)> = serde_json::from_value(rows).unwrap_or_default();
        let got: BTreeMap<String, i64> = rows
            .into_iter()
            .filter_map(|(k, t)| number_in(&t).map(|n| (k, n)))
            .collect();
        got == want
    })
    .await;

    let kind = "applicationCredentialExpiry";
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "[data-testid='rec-row'][data-type='{kind}'] [data-testid='rec-name']"
        )))
        .await
        .expect("row")
        .click()
        .await
        .expect("select the recommendation");
    app.find("rec-detail").await;
    app.until("the impacted resources are listed", || async {
        app.all("[data-testid='impacted-row']").await.len() as i64 == want[kind].min(500)
    })
    .await;
    app.find("rec-dismiss")
        .await
        .click()
        .await
        .expect("dismiss");
    app.until("the status reads Dismissed", || async {
        status_of(&app, kind).await == "Dismissed"
    })
    .await;
    app.screenshot().await;
    app.stop().await;
    assert_eq!(
        cache.string(&format!(
            "SELECT status FROM recommendation_states WHERE recommendation_type = '{kind}'"
        )),
        "dismissed"
    );

    let app = App::start("recommendations-restart", &cache).await;
    open(&app, "nav-recommendations", "page-recommendations").await;
    app.until("after a restart it is still dismissed", || async {
        status_of(&app, kind).await == "Dismissed"
    })
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn licensing_shows_every_bucket_and_the_planner_recomputes_on_a_price_change() {
    let cache = Cache::demo(400, 5_000);
    let lic = cli_json(&cache, &["licenses"]);
    let billable = lic["billable_identities"].as_i64().unwrap();
    let buckets: BTreeMap<String, i64> = lic["buckets"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
        .collect();

    let app = App::start("licensing", &cache).await;
    open(&app, "nav-licensing", "page-licensing").await;
    app.until("the full-coverage estimate matches the CLI", || async {
        number_in(&app.text("lic-billable").await) == Some(billable)
    })
    .await;
    for (key, n) in &buckets {
        let text = app
            .texts(&format!(
                "[data-testid='lic-bucket'][data-key='{key}'] [data-testid='lic-bucket-total']"
            ))
            .await;
        assert_eq!(text.len(), 1, "one row for bucket {key}");
        assert_eq!(number_in(&text[0]), Some(*n), "bucket {key}");
    }

    // $3 by default: the first scenario (full coverage) costs billable × 3.00 a month.
    app.until("the plan shows the default price", || async {
        app.texts("[data-testid='plan-row'] [data-testid='plan-monthly']")
            .await
            .first()
            .and_then(|t| number_in(t))
            == Some(billable * 300)
    })
    .await;
    let price = app.find("plan-price").await;
    let input = match price.find(fantoccini::Locator::Css("input")).await {
        Ok(inner) => inner,
        Err(_) => price,
    };
    input.click().await.expect("focus price");
    input
        .send_keys(&format!("\u{E010}{}5", "\u{E003}".repeat(12)))
        .await
        .expect("type a price");
    app.until("the plan recomputes at $5", || async {
        app.texts("[data-testid='plan-row'] [data-testid='plan-monthly']")
            .await
            .first()
            .and_then(|t| number_in(t))
            == Some(billable * 500)
    })
    .await;
    app.screenshot().await;
    app.stop().await;
}
