//! The commands scripts and checks call: `steward dashboard --json` (the Overview page's KPIs and
//! chart tables, checked against plain SQL on the same cache) and `steward recommendations
//! --limit N` (each impacted list cut to N, in the window's order, totals exact).

mod common;

use common::{fails, ok, steward};

fn demo(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("s.db");
    ok(&steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "300",
            "--sign-ins",
            "6000",
            "--as-of",
            "2026-11-01",
            "--json",
        ],
    ));
    db
}

#[test]
fn dashboard_prints_the_kpis_and_chart_tables_of_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let d = ok(&steward(
        &db,
        &[
            "dashboard",
            "--as-of",
            "2026-11-01",
            "--days",
            "7",
            "--json",
        ],
    ));
    assert_eq!(d["days"], 7);
    assert_eq!(d["asOf"], "2026-11-01T00:00:00Z");
    assert!(d["summary"]["totalServicePrincipals"].as_i64().unwrap() >= 300);
    let kpis = d["kpis"].as_array().unwrap();
    assert!(!kpis.is_empty());
    for k in kpis {
        assert!(
            k["key"].is_string() && k["label"].is_string() && k["value"].is_number(),
            "{k}"
        );
    }
    let charts = d["charts"].as_array().unwrap();
    assert!(charts.iter().all(|c| c.get("svg").is_none()), "no pictures");
    // The sign-ins chart has one row per day of the range, and its counts are the cache's.
    let per_day = charts
        .iter()
        .find(|c| c["key"] == "signInsPerDay")
        .expect("the sign-ins chart");
    let rows = per_day["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    let shown: i64 = rows
        .iter()
        .map(|r| {
            r.as_array().unwrap()[1..]
                .iter()
                .map(|v| v.as_str().unwrap().replace(',', "").parse::<i64>().unwrap())
                .sum::<i64>()
        })
        .sum();
    let conn = rusqlite::Connection::open(&db).unwrap();
    // 2026-10-26 00:00 to 2026-11-01 24:00 UTC: the seven days ending at the as-of date.
    let from = 1_792_972_800_000i64;
    let want: i64 = conn
        .query_row(
            "SELECT count(*) FROM sign_ins WHERE created >= ?1 AND created < ?1 + 7 * 86400000",
            [from],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shown, want);

    // A range the window does not offer is refused with the range it does.
    let why = fails(&steward(&db, &["dashboard", "--days", "0", "--json"]));
    assert!(why.contains("pick 1 to 366 days"), "{why}");
}

#[test]
fn recommendations_limit_cuts_each_list_and_keeps_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let all = ok(&steward(
        &db,
        &["recommendations", "--as-of", "2026-11-01", "--json"],
    ));
    let cut = ok(&steward(
        &db,
        &[
            "recommendations",
            "--as-of",
            "2026-11-01",
            "--limit",
            "2",
            "--json",
        ],
    ));
    let (all, cut) = (all.as_array().unwrap(), cut.as_array().unwrap());
    assert_eq!(all.len(), cut.len());
    let mut cut_somewhere = false;
    for (a, c) in all.iter().zip(cut) {
        assert_eq!(a["type"], c["type"]);
        assert_eq!(a["impactedTotal"], c["impactedTotal"], "totals stay exact");
        let (full, few) = (
            a["impacted"].as_array().unwrap(),
            c["impacted"].as_array().unwrap(),
        );
        assert_eq!(few.len(), full.len().min(2));
        // The first two in the window's order.
        assert_eq!(few[..], full[..few.len()]);
        cut_somewhere |= full.len() > 2;
    }
    assert!(
        cut_somewhere,
        "the demo has a recommendation with more than two"
    );
    let text = String::from_utf8(
        steward(
            &db,
            &["recommendations", "--as-of", "2026-11-01", "--limit", "1"],
        )
        .stdout,
    )
    .unwrap();
    assert!(text.contains("more (raise --limit to list them)"), "{text}");
}
