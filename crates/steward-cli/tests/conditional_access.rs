//! `steward ca list|whatif|replay` on a real cache file: the JSON contract scripts rely on, a
//! policy read from a file (as Graph returns it, with a byte-order mark, or from an EntraExporter
//! backup) replays like the same policy in the cache, and a policy Entra would refuse exits 1
//! with why.

mod common;

use std::path::Path;
use std::process::Output;

use common::{fails, ok, steward};
use serde_json::Value;

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("ca.db");
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

fn replay(db: &Path, which: &[&str]) -> Output {
    let mut args = vec!["ca", "replay"];
    args.extend_from_slice(which);
    args.extend_from_slice(&["--from", "2026-09-01", "--to", "2026-11-01", "--json"]);
    steward(db, &args)
}

#[test]
fn replay_prints_the_documented_json_and_a_file_replays_like_the_cached_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let list = ok(&steward(&db, &["ca", "list", "--json"]));
    let policies = list["workloadPolicies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(list["otherPolicies"].as_array().unwrap().len(), 1);
    assert_eq!(list["namedLocations"].as_array().unwrap().len(), 2);
    let location = policies
        .iter()
        .find(|p| !p["locationsExcluded"].as_array().unwrap().is_empty())
        .unwrap();
    let id = location["id"].as_str().unwrap();

    // The cached policy, and the same from a file as Graph returns it, with a byte-order mark.
    let cached = ok(&replay(&db, &["--policy-id", id]));
    let file = dir.path().join("policy.json");
    let json = location["json"].as_str().unwrap();
    std::fs::write(&file, format!("\u{feff}{json}")).unwrap();
    let from_file = ok(&replay(&db, &["--policy", file.to_str().unwrap()]));
    for k in [
        "blockedSignIns",
        "identities",
        "perDay",
        "undetermined",
        "notBlocked",
    ] {
        assert_eq!(from_file[k], cached[k], "{k}");
    }

    // Without its location condition the policy blocks every sign-in of the tenant's own apps
    // that reached conditional access: the contract's fields, and counts that add up.
    let mut v: Value = serde_json::from_str(json).unwrap();
    v["conditions"]["locations"] = Value::Null;
    std::fs::write(&file, v.to_string()).unwrap();
    let r = ok(&replay(&db, &["--policy", file.to_str().unwrap()]));
    let blocked = r["blockedSignIns"].as_i64().unwrap();
    assert!(blocked > 0, "{r}");
    let by_identity: i64 = r["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert!(i["id"].is_string() && i["displayName"].is_string(), "{i}");
            i["blockedSignIns"].as_i64().unwrap()
        })
        .sum();
    let per_day = r["perDay"].as_array().unwrap();
    assert_eq!(
        per_day.len(),
        62,
        "every day from 1 September to 1 November"
    );
    assert_eq!(per_day[0]["date"], "2026-09-01");
    let by_day: i64 = per_day
        .iter()
        .map(|d| d["blockedSignIns"].as_i64().unwrap())
        .sum();
    assert_eq!((by_identity, by_day), (blocked, blocked));
    let sum = |k: &str| -> i64 {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x["signIns"].as_i64().unwrap())
            .sum()
    };
    assert!(r["stoppedBeforeConditionalAccess"].as_i64().unwrap() > 0);
    assert_eq!(
        r["reachedConditionalAccess"].as_i64().unwrap(),
        blocked + sum("undetermined") + sum("notBlocked")
    );
    assert_eq!(
        r["signInsRead"].as_i64().unwrap(),
        r["reachedConditionalAccess"].as_i64().unwrap()
            + r["stoppedBeforeConditionalAccess"].as_i64().unwrap()
    );

    // An EntraExporter backup's policy: its named location is not in this cache, so the
    // sign-ins it would decide are counted apart, with the reason.
    let ee = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../tests/fixtures/entraexporter/ee-export/Identity/Conditional/AccessPolicies/ca-northwind-1/ca-northwind-1.json",
    );
    let r = ok(&replay(&db, &["--policy", ee.to_str().unwrap()]));
    let reasons = r["undetermined"].as_array().unwrap();
    assert!(
        reasons.iter().any(|u| u["reason"]
            .as_str()
            .unwrap()
            .contains("nl-northwind-1 is not in the cache")),
        "{r}"
    );
}

#[test]
fn a_policy_entra_would_refuse_exits_1_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let file = dir.path().join("mfa.json");
    std::fs::write(
        &file,
        r#"{"displayName": "MFA for apps", "state": "enabled",
            "conditions": {"clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"]},
                           "applications": {"includeApplications": ["All"]}},
            "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}"#,
    )
    .unwrap();
    let err = fails(&replay(&db, &["--policy", file.to_str().unwrap()]));
    assert!(
        err.contains("not a valid conditional access policy for workload identities"),
        "{err}"
    );
    assert!(err.contains("block is the only grant"), "{err}");

    std::fs::write(&file, "{ not json").unwrap();
    let err = fails(&replay(&db, &["--policy", file.to_str().unwrap()]));
    assert!(err.contains("is not JSON"), "{err}");
    let err = fails(&replay(&db, &["--policy-id", "nope"]));
    assert!(err.contains("`steward ca list` shows them"), "{err}");
    let err = fails(&steward(
        &db,
        &[
            "ca",
            "replay",
            "--policy-id",
            "x",
            "--from",
            "2026-11-01",
            "--to",
            "yesterday",
        ],
    ));
    assert!(err.contains("--to"), "{err}");
}

#[test]
fn whatif_explains_each_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let ids = ok(&steward(
        &db,
        &["identities", "--kind", "application", "--json"],
    ));
    // An app of this tenant: the demo's own apps are single-tenant.
    let own = ids
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ownership"] == "ownSingleTenant")
        .unwrap();
    let w = ok(&steward(
        &db,
        &[
            "ca",
            "whatif",
            "--sp",
            own["id"].as_str().unwrap(),
            "--ip",
            "192.0.2.1",
            "--risk",
            "high",
            "--json",
        ],
    ));
    assert_eq!(w["riskLevel"], "high");
    assert_eq!(w["riskSource"], "given");
    let policies = w["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 3);
    // High risk, outside every Azure region: the enabled risk policy blocks it.
    assert_eq!(w["blocked"], true, "{w}");
    for p in policies
        .iter()
        .filter(|p| p["targetsWorkloadIdentities"] == true)
    {
        assert!(!p["checks"].as_array().unwrap().is_empty());
    }
    let err = fails(&steward(
        &db,
        &["ca", "whatif", "--sp", "nobody", "--ip", "192.0.2.1"],
    ));
    assert!(err.contains("`steward identities` lists them"), "{err}");
}
