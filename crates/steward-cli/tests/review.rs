//! `steward review create|decide|complete|list|show` and `steward report access-review` on a
//! real cache file: the JSON scripts rely on, the decisions kept with who and why, the denials
//! queued for removal, and the evidence report naming them.

mod common;

use common::{fails, ok, steward};

#[test]
fn a_review_is_created_decided_completed_with_its_denials_queued_and_exported_as_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("review.db");
    ok(&steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "300",
            "--sign-ins",
            "3000",
            "--as-of",
            "2026-11-01",
            "--json",
        ],
    ));
    let created = ok(&steward(
        &db,
        &[
            "review",
            "create",
            "--name",
            "Q4 privileged review",
            "--scope",
            "privileged",
            "--reviewer",
            "Alex Wilber",
            "--reviewer",
            "Megan Bowen",
            "--due",
            "2026-11-20",
            "--as-of",
            "2026-11-01",
            "--json",
        ],
    ));
    let id = created["id"].as_str().unwrap().to_string();
    let items = created["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for i in items {
        assert!(i["id"].is_string() && i["displayName"].is_string(), "{i}");
        assert!(!i["reasons"].as_array().unwrap().is_empty(), "{i}");
    }
    let first = items[0]["id"].as_str().unwrap().to_string();
    let name = items[0]["displayName"].as_str().unwrap().to_string();

    let err = fails(&steward(
        &db,
        &[
            "review",
            "decide",
            &id,
            "--identity",
            &first,
            "--decision",
            "maybe",
            "--justification",
            "x",
        ],
    ));
    assert!(err.contains("use approve, deny or dontKnow"), "{err}");
    let decided = ok(&steward(
        &db,
        &[
            "review",
            "decide",
            &id,
            "--identity",
            &first,
            "--decision",
            "deny",
            "--justification",
            "No owner could say what it is for",
            "--json",
        ],
    ));
    assert_eq!(decided["items"][0]["decision"], "deny");
    assert!(decided["items"][0]["decidedBy"]
        .as_str()
        .unwrap()
        .contains("steward CLI"));

    let done = ok(&steward(
        &db,
        &["review", "complete", &id[..8], "--apply", "--json"],
    ));
    assert_eq!(done["status"], "completed");
    assert_eq!(done["applied"], true);
    let applied = done["items"][0]["applied"].as_array().unwrap();
    assert_eq!(applied.len(), items[0]["access"].as_array().unwrap().len());
    let outbox = ok(&steward(&db, &["outbox", "--json"]));
    assert_eq!(outbox.as_array().unwrap().len(), applied.len(), "{outbox}");
    let listed = ok(&steward(&db, &["review", "list", "--json"]));
    assert_eq!(listed[0]["id"], id.as_str());
    let err = fails(&steward(
        &db,
        &[
            "review",
            "decide",
            &id,
            "--identity",
            &first,
            "--decision",
            "approve",
            "--justification",
            "x",
        ],
    ));
    assert!(err.contains("is completed"), "{err}");

    let csv = dir.path().join("evidence.csv");
    ok(&steward(
        &db,
        &[
            "report",
            "access-review",
            "--review",
            &id,
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
            "--json",
        ],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("No owner could say what it is for"), "{text}");
    assert!(text.contains(&name));
    let err = fails(&steward(
        &db,
        &[
            "report",
            "overview",
            "--review",
            &id,
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    ));
    assert!(
        err.contains("--review applies to the access-review report only"),
        "{err}"
    );
}
