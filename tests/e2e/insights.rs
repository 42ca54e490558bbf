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
            .execute(
                "return Array.from(document.querySelectorAll(\"[data-testid='rec-row']\")).map(r => [r.getAttribute('data-type'), (r.querySelector(\"[data-testid='rec-impacted-count']\") || {}).textContent || ''])",
                vec![],
            )
            .await;
        let rows: Vec<(String, String)> = serde_json::from_value(rows).unwrap_or_default();
        let got: BTreeMap<String, i64> = rows
            .into_iter()
            .filter_map(|(k, t)| number_in(&t).map(|n| (k, n)))
            .collect();
        got == want
    })
    .await;

    let kind = "applicationCredentialExpiry";
    app.element(&format!(
        "[data-testid='rec-row'][data-type='{kind}'] [data-testid='rec-name']"
    ))
    .await
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
    let billable = lic["billableIdentities"].as_i64().unwrap();
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
    let input = app.input("plan-price").await;
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

#[tokio::test(flavor = "current_thread")]
async fn risk_shows_the_cli_signals_and_a_dismissal_is_recorded() {
    // Enough sign-ins for the demo's anomalies to have baselines behind them.
    let cache = Cache::demo(400, 40_000);
    let report = cli_json(&cache, &["risk"]);
    let mut want: BTreeMap<String, i64> = BTreeMap::new();
    for s in report["signals"].as_array().unwrap() {
        *want
            .entry(s["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(
        want.len(),
        7,
        "the demo shows every kind of signal: {want:?}"
    );
    let risky = report["riskyIdentities"].as_array().unwrap().len();

    let app = App::start("risk", &cache).await;
    open(&app, "nav-risk", "page-risk").await;
    app.until("every signal the CLI lists is shown", || async {
        let kinds = app
            .execute(
                "return Array.from(document.querySelectorAll(\"[data-testid='signal-row']\")).map(r => r.getAttribute('data-kind'))",
                vec![],
            )
            .await;
        let kinds: Vec<String> = serde_json::from_value(kinds).unwrap_or_default();
        let mut got: BTreeMap<String, i64> = BTreeMap::new();
        for k in kinds {
            *got.entry(k).or_default() += 1;
        }
        got == want
    })
    .await;
    assert_eq!(app.all("[data-testid='risky-row']").await.len(), risky);
    app.screenshot_as("list").await;

    // The new-country signal: open it, see the sign-ins behind it, dismiss the identity's risk.
    let signal = report["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "newCountry")
        .unwrap();
    let sp = signal["spId"].as_str().unwrap();
    let behind = signal["signInCount"].as_i64().unwrap();
    app.click_in_view(&format!(
        "[data-testid='signal-row'][data-kind='newCountry'][data-sp='{sp}'] [data-testid='signal-title']"
    ))
    .await;
    app.find("signal-detail").await;
    app.until("the sign-ins behind it are listed", || async {
        app.all("[data-testid='signal-signin-row']").await.len() as i64 == behind.min(200)
    })
    .await;
    app.find("risk-dismiss")
        .await
        .click()
        .await
        .expect("dismiss");
    app.until("the signal reads Dismissed", || async {
        app.texts(&format!(
            "[data-testid='signal-row'][data-kind='newCountry'][data-sp='{sp}'] [data-testid='signal-state']"
        ))
        .await
        .first()
        .map(|t| t.contains("Dismissed"))
        .unwrap_or(false)
    })
    .await;
    app.screenshot().await;

    // A risky identity from Identity Protection: its detections and history are listed.
    let first = &report["riskyIdentities"][0];
    let id = first["id"].as_str().unwrap();
    app.click_in_view(&format!(
        "[data-testid='risky-row'][data-id='{id}'] [data-testid='risky-name']"
    ))
    .await;
    app.find("risky-detail").await;
    let detections = first["detections"].as_array().unwrap().len();
    app.until("its detections are listed", || async {
        app.all("[data-testid='detection-row']").await.len() == detections
    })
    .await;
    app.screenshot_as("identity-protection").await;
    app.stop().await;
    assert_eq!(
        cache.string(&format!(
            "SELECT action FROM risk_actions WHERE sp_id = '{sp}' ORDER BY at DESC LIMIT 1"
        )),
        "dismiss"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_dashboard_draws_every_chart_with_its_table_and_follows_the_range() {
    let cache = Cache::demo(400, 5_000);
    let app = App::start("dashboard", &cache).await;
    app.find("page-overview").await;
    app.until("eight charts are drawn by the core", || async {
        app.all("[data-testid='chart-card']").await.len() == 8
    })
    .await;
    let kpi = |key: &'static str| {
        let app = &app;
        async move {
            app.texts(&format!(
                "[data-testid='kpi'][data-key='{key}'] [data-testid='kpi-value']"
            ))
            .await
            .first()
            .and_then(|t| number_in(t))
        }
    };
    let identities = cache.count("SELECT count(*) FROM service_principals WHERE deleted IS NULL");
    app.until("the identities KPI counts the cache", || async {
        kpi("identities").await == Some(identities)
    })
    .await;
    let month = kpi("signIns").await.expect("sign-ins KPI");
    app.element(
        "[data-testid='chart-card'][data-key='topFailureCodes'] [data-testid='chart-table-toggle']",
    )
    .await
    .click()
    .await
    .expect("show the table");
    app.find("chart-table").await;
    app.screenshot().await;
    app.execute(
            "document.querySelector(\"[data-testid='chart-card'][data-key='topIdentities']\").scrollIntoView({block: 'start'});",
            vec![],
        )
        .await;
    app.screenshot_as("charts").await;
    app.execute(
            "document.querySelector(\"[data-testid='chart-card'][data-key='riskByLevel']\").scrollIntoView({block: 'start'});",
            vec![],
        )
        .await;
    app.screenshot_as("charts2").await;

    // Seven days hold fewer sign-ins than thirty.
    let select = app.find("range-select").await;
    select.select_by_value("7").await.expect("pick 7 days");
    app.until("the KPI follows the range", || async {
        matches!(kpi("signIns").await, Some(n) if n < month)
    })
    .await;
    app.stop().await;
}
