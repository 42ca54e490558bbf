//! The `steward` command line as scripts use it: a real binary on a real cache file. What a
//! crash, a full disk, a read-only folder or a second instance does to it is in `crash.rs`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{steward, SimTenant, CLIENT};

#[test]
fn identities_json_lists_exactly_the_demo_service_principals_sorted_and_stably() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let demo = steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "500",
            "--sign-ins",
            "20000",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let first = steward(&db, &["identities", "--json"]);
    assert!(first.status.success());
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&first.stdout).expect("stdout is one JSON array");
    assert_eq!(
        list.len(),
        500,
        "one element per service principal, no default limit"
    );
    let ids: Vec<&str> = list.iter().map(|v| v["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "sorted by id");
    for field in [
        "id",
        "appId",
        "displayName",
        "servicePrincipalType",
        "accountEnabled",
        "kind",
        "ownership",
    ] {
        assert!(
            list[0].get(field).is_some(),
            "Graph's and Steward's field {field} is present"
        );
    }
    let hostile = list
        .iter()
        .find(|v| {
            v["displayName"]
                .as_str()
                .is_some_and(|n| n.contains("onerror"))
        })
        .expect("the demo's hostile name");
    assert_eq!(
        hostile["displayName"], "<img src=x onerror=alert(1)> Partner Sync",
        "display names are printed exactly as the tenant has them, never HTML-escaped"
    );
    let second = steward(&db, &["identities", "--json"]);
    assert_eq!(
        first.stdout, second.stdout,
        "the output depends only on the cache"
    );

    let mis = steward(
        &db,
        &["identities", "--kind", "managedIdentityUser", "--json"],
    );
    let mis: Vec<serde_json::Value> = serde_json::from_slice(&mis.stdout).unwrap();
    assert!(!mis.is_empty() && mis.iter().all(|v| v["kind"] == "managedIdentityUser"));
}

#[test]
fn an_unknown_tenant_fails_with_a_message_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let empty = steward(&db, &["identities", "--json"]);
    assert!(!empty.status.success());
    assert!(
        empty.stdout.is_empty(),
        "nothing on stdout when there is no result"
    );
    assert!(String::from_utf8_lossy(&empty.stderr).contains("steward demo"));

    assert!(steward(
        &db,
        &["demo", "--service-principals", "50", "--sign-ins", "100"]
    )
    .status
    .success());
    let wrong = steward(
        &db,
        &[
            "identities",
            "--tenant",
            "00000000-0000-0000-0000-000000000000",
        ],
    );
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("steward tenants"));
    let bad_kind = steward(&db, &["identities", "--kind", "robot"]);
    assert!(!bad_kind.status.success());
    assert!(
        String::from_utf8_lossy(&bad_kind.stderr).contains("managedIdentityUser"),
        "lists the kinds"
    );
}

/// `recommendations --json` and `licenses --json` as the issue specifies their contract, checked
/// against plain SQL on the same cache.
#[test]
fn insight_commands_print_their_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let demo = steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "400",
            "--sign-ins",
            "5000",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let out = steward(&db, &["recommendations", "--as-of", "2026-03-01", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        recs.len() >= 8,
        "the demo triggers most checks: {}",
        recs.len()
    );
    for r in &recs {
        for field in ["type", "priority", "status", "impacted"] {
            assert!(r.get(field).is_some(), "{field} in {r}");
        }
        let impacted = r["impacted"].as_array().unwrap();
        assert!(
            !impacted.is_empty(),
            "only recommendations with impacted resources (the demo holds every dataset)"
        );
        assert!(
            r["missingData"].is_null() && r["peerChecks"].is_array(),
            "{r}"
        );
        for i in impacted {
            assert!(i["id"].is_string() && i["displayName"].is_string(), "{i}");
        }
    }
    let expiring = recs
        .iter()
        .find(|r| r["type"] == "applicationCredentialExpiry")
        .expect("the demo has app credentials expiring within 30 days");
    assert_eq!(expiring["priority"], "high");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let as_of = 1_772_323_200_000i64; // 2026-03-01T00:00:00Z
    let want: i64 = conn
        .query_row(
            "SELECT count(*) FROM credentials WHERE owner_type = 'application' AND owner_deleted = 0
             AND end_time > ?1 AND end_time <= ?1 + 30 * 86400000",
            [as_of],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(expiring["impacted"].as_array().unwrap().len() as i64, want);

    let out = steward(&db, &["licenses", "--as-of", "2026-03-01", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lic: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "tenantId",
        "asOf",
        "billableIdentities",
        "billableDisabled",
        "monthlyCostUsd",
        "buckets",
        "bucketDetails",
        "featureScope",
        "unusedBillable",
        "subscriptions",
        "plan",
    ] {
        assert!(lic.get(field).is_some(), "{field} in the license estimate");
    }
    let billable = lic["billableIdentities"].as_i64().unwrap();
    let want: i64 = conn
        .query_row(
            "SELECT count(*) FROM service_principals WHERE deleted IS NULL AND (kind = 'legacy'
             OR (kind = 'application' AND ownership IN ('ownSingleTenant', 'ownMultiTenant', 'external')))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(billable, want);
    assert_eq!(
        lic["monthlyCostUsd"].as_f64().unwrap(),
        billable as f64 * 3.0
    );
    let buckets = lic["buckets"].as_object().unwrap();
    assert_eq!(buckets.len(), 8);
    let total: i64 = buckets.values().map(|v| v.as_i64().unwrap()).sum();
    let all: i64 = conn
        .query_row(
            "SELECT count(*) FROM service_principals WHERE deleted IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        total, all,
        "every active service principal is in exactly one bucket"
    );

    // 5,000 sign-ins over 60 days are too few for the demo's anomalies; the report still holds
    // Identity Protection's rows and says when it was read.
    let out = steward(&db, &["risk", "--as-of", "2026-03-01", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let risks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "asOf",
        "windowFrom",
        "riskyIdentities",
        "signals",
        "byLevel",
    ] {
        assert!(risks.get(field).is_some(), "{field} in the risk report");
    }
    let risky: i64 = conn
        .query_row("SELECT count(*) FROM risky_service_principals", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        risks["riskyIdentities"].as_array().unwrap().len() as i64,
        risky
    );
    for s in risks["signals"].as_array().unwrap() {
        for field in [
            "kind",
            "level",
            "spId",
            "displayName",
            "evidence",
            "signIns",
        ] {
            assert!(s.get(field).is_some(), "{field} in {s}");
        }
    }
    let text = steward(&db, &["risk", "--as-of", "2026-03-01"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Identity Protection"));
    let alias = steward(&db, &["risks", "--as-of", "2026-03-01", "--json"]);
    assert_eq!(
        alias.stdout, out.stdout,
        "`risks` stays an alias of `risk` for existing scripts"
    );

    let bad = steward(&db, &["licenses", "--as-of", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn report_writes_the_file_it_names_and_refuses_what_it_cannot_do_with_a_way_forward() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let demo = steward(
        &db,
        &[
            "demo",
            "--service-principals",
            "120",
            "--sign-ins",
            "4000",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let out = dir.path().join("expiry.csv");
    let run = steward(
        &db,
        &[
            "report",
            "credential-expiry",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2026-03-01",
            "--json",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["kind"], "credential-expiry");
    assert_eq!(summary["format"], "csv");
    assert_eq!(summary["asOf"], "2026-03-01T00:00:00Z");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        csv.lines().count() as u64,
        summary["rows"].as_u64().unwrap() + 1,
        "the summary counts the rows written, below one header"
    );
    assert!(csv.starts_with("urgency,displayName,holderType"));

    let again = dir.path().join("expiry2.csv");
    let run = steward(
        &db,
        &[
            "report",
            "credential-expiry",
            "--format",
            "csv",
            "--out",
            again.to_str().unwrap(),
            "--as-of",
            "2026-03-01",
        ],
    );
    assert!(run.status.success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&again).unwrap(),
        "the same cache and --as-of give the same bytes"
    );

    let pdf = dir.path().join("inventory.pdf");
    let refused = steward(
        &db,
        &[
            "report",
            "inventory",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("html, xlsx, csv, json"),
        "names the formats it has: {err}"
    );
    assert!(!pdf.exists(), "nothing written");

    let unknown = steward(
        &db,
        &["report", "everything", "--format", "csv", "--out", "x.csv"],
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("credential-expiry"));

    let misplaced = steward(
        &db,
        &[
            "report", "risk", "--format", "html", "--out", "x.html", "--sp", "abc",
        ],
    );
    assert!(!misplaced.status.success());
    assert!(String::from_utf8_lossy(&misplaced.stderr).contains("sign-ins report only"));
}

#[test]
fn import_of_a_zero_trust_assessment_folder_says_what_it_skipped_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let zta = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/zta/zt-export");
    let run = steward(&db, &["import", zta.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        out.contains("Imported 5 files into tenant")
            && out.contains("Skipped:")
            && out
                .contains("zt-export/User: 2 files (such as User-0.json): not workload identities")
            && out.contains("zt-export/db: zt.db: not JSON"),
        "{out}"
    );
    let json = steward(&db, &["import", zta.to_str().unwrap(), "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let skipped = summary["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 7, "{skipped:?}");
    assert!(skipped.iter().any(|s| s["folder"] == "zt-export/SignIn"
        && s["files"] == 1
        && s["example"] == "SignIn-0.json"));

    // Zero Trust Assessment exports no sponsors: that check is not determined, and says so.
    let json = steward(&db, &["recommendations", "--json"]);
    let recs: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let sponsors = recs
        .iter()
        .find(|r| r["type"] == "agentWithoutSponsor")
        .expect("listed though nothing is impacted");
    assert_eq!(sponsors["impactedTotal"], 0);
    assert!(sponsors["missingData"]
        .as_str()
        .unwrap()
        .contains("sponsors was never synced or imported"));
    let text = steward(&db, &["recommendations"]);
    assert!(String::from_utf8_lossy(&text.stdout)
        .contains("agentWithoutSponsor: Not determined: sponsors was never synced or imported"));
}

#[test]
fn identity_prints_one_service_principal_s_detail_and_an_unknown_id_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("one.db");
    let zta = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/zta/zt-export");
    assert!(steward(&db, &["import", zta.to_str().unwrap()])
        .status
        .success());
    let run = steward(
        &db,
        &["identity", "51000000-0000-4000-8000-000000000003", "--json"],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(d["displayName"], "legacy-batch");
    assert_eq!(d["kind"], "application");
    let owners: Vec<&str> = d["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(owners.len(), 3, "{owners:?}");
    assert_eq!(d["applicationPermissions"][0]["value"], "User.Read.All");
    assert_eq!(
        d["applicationPermissions"][0]["appRoleId"],
        "df021288-bdef-4463-88db-98f22de89214"
    );
    assert_eq!(d["delegatedGrants"].as_array().unwrap().len(), 2);
    assert_eq!(
        d["directoryRoles"][0]["roleTemplateId"],
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
    );
    assert_eq!(d["directoryRoles"][0]["isPrivileged"], true);
    assert_eq!(d["directoryRoles"][0]["assignmentType"], "active");
    assert!(d["credentials"].as_array().unwrap().is_empty());
    assert!(d["lastSignInDateTime"].is_null());

    let unknown = steward(&db, &["identity", "no-such-id"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no-such-id"));
}

#[test]
fn import_reads_the_graph_fixtures_and_a_bad_file_fails_with_its_name_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph");
    let run = steward(&db, &["import", fixtures.to_str().unwrap(), "--json"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(summary["tenantId"], "5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21");
    let sps = summary["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dataset"] == "servicePrincipals")
        .unwrap()["items"]
        .as_u64()
        .unwrap();
    let listed = steward(&db, &["identities", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        list.len() as u64,
        sps,
        "the imported tenant is the default one now"
    );

    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, "{\"value\": [{\"id\": \"1\", ").unwrap();
    let failed = steward(&db, &["import", bad.to_str().unwrap(), "--tenant", "x"]);
    assert_eq!(failed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("broken.json:1:") && err.contains("nothing was imported"),
        "{err}"
    );
    let after = steward(&db, &["tenants", "--json"]);
    let tenants: Vec<serde_json::Value> = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(tenants.len(), 1, "the failed run added no tenant");
}

/// Every object key in a JSON tree that is not camelCase (a lowercase ASCII letter, then ASCII
/// letters and digits only), with where it is; `seen` counts the keys looked at.
fn keys_not_camel_case(v: &serde_json::Value, at: &str, seen: &mut usize, bad: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                *seen += 1;
                let mut chars = k.chars();
                let camel = chars.next().is_some_and(|c| c.is_ascii_lowercase())
                    && chars.all(|c| c.is_ascii_alphanumeric());
                if !camel {
                    bad.push(format!("{at}.{k}"));
                }
                keys_not_camel_case(child, &format!("{at}.{k}"), seen, bad);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                keys_not_camel_case(child, &format!("{at}[{i}]"), seen, bad);
            }
        }
        _ => {}
    }
}

/// Checks that a `steward … --json` run succeeded, printed one JSON document, and named every
/// key of it, however deep, in camelCase.
fn assert_json_keys_camel_case(out: Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what} prints one JSON document: {e}"));
    let (mut seen, mut bad) = (0, Vec::new());
    keys_not_camel_case(&v, "", &mut seen, &mut bad);
    assert!(seen > 0, "{what} printed no object to check");
    assert!(
        bad.is_empty(),
        "{what} --json uses camelCase keys, as Graph does; these are not: {bad:?}"
    );
}

/// Every `--json` output names its keys in camelCase, as Graph does, nested ones included: the
/// commands over a demo cache, `report`, `import` of the Graph fixtures and a `sync` from the
/// simulator.
#[test]
fn every_json_output_uses_camel_case_keys() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let as_of = ["--as-of", "2026-03-01"];
    let demo = [
        "demo",
        "--service-principals",
        "300",
        "--sign-ins",
        "20000",
        "--json",
    ];
    assert_json_keys_camel_case(steward(&db, &[&demo[..], &as_of[..]].concat()), "demo");
    for command in [
        &["tenants"][..],
        &["identities"],
        &["overview", as_of[0], as_of[1]],
        &["recommendations", as_of[0], as_of[1]],
        &["licenses", as_of[0], as_of[1]],
        &["risk", as_of[0], as_of[1]],
    ] {
        let args = [command, &["--json"]].concat();
        assert_json_keys_camel_case(steward(&db, &args), command[0]);
    }
    let file = dir.path().join("overview.json");
    let report = [
        "report",
        "overview",
        "--format",
        "json",
        "--out",
        file.to_str().unwrap(),
        "--json",
    ];
    assert_json_keys_camel_case(steward(&db, &[&report[..], &as_of[..]].concat()), "report");

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph");
    let imported = dir.path().join("i.db");
    assert_json_keys_camel_case(
        steward(&imported, &["import", fixtures.to_str().unwrap(), "--json"]),
        "import",
    );

    let secret = "Camel-Case-Test-Secret~42";
    let sim = SimTenant::start(dir.path(), 5, 30, 300, secret, graph_sim::Faults::default());
    let synced_db = dir.path().join("s.db");
    let synced = sim.sync(&synced_db, secret).arg("--json").output().unwrap();
    assert_json_keys_camel_case(synced, "sync");

    // The changes made in Steward, queued and pushed.
    let conn = steward_core::store::open(&synced_db).unwrap();
    let (key, _) = steward_core::store::tenants::resolve_tenant(&conn, None).unwrap();
    let app = steward_core::store::applications::list_page(&conn, key, None, 1)
        .unwrap()
        .remove(0)
        .id;
    drop(conn);
    let add = [
        "federated-credential",
        "add",
        "--application",
        &app,
        "--name",
        "deploy-main",
        "--template",
        "github-actions",
        "--repository",
        "contoso/payments",
        "--branch",
        "main",
        "--json",
    ];
    assert_json_keys_camel_case(steward(&synced_db, &add), "federated-credential add");
    let list = [
        "federated-credential",
        "list",
        "--application",
        &app,
        "--json",
    ];
    assert_json_keys_camel_case(steward(&synced_db, &list), "federated-credential list");
    assert_json_keys_camel_case(steward(&synced_db, &["outbox", "--json"]), "outbox");
    let pushed = sim.push(&synced_db, secret).arg("--json").output().unwrap();
    assert_json_keys_camel_case(pushed, "push");
    assert_json_keys_camel_case(
        steward(&synced_db, &["outbox", "--audit", "--json"]),
        "outbox --audit",
    );
}

#[test]
fn a_delegated_sync_signs_the_admin_in_with_a_device_code_and_reads_the_tenant() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let client = CLIENT;
    let sim = SimTenant::start(
        dir.path(),
        6,
        30,
        300,
        "not-used-by-a-delegated-sync",
        graph_sim::Faults::default(),
    );
    let db = dir.path().join("cache.db");
    let url = &sim.url;
    let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .arg("--db")
        .arg(&db)
        .args(["sync", "--tenant", &sim.id, "--client-id", client])
        .args(["--graph-url", url, "--authority-url", url])
        .args(["--delegated", "--device-code", "--json"])
        .env("STEWARD_SECRET_STORE", "none")
        .env_remove("STEWARD_DB")
        .env_remove("STEWARD_CLIENT_SECRET")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The admin reads the code on the terminal and enters it on another device.
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let message = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("enter the code"))
        .expect("the sync shows the device code");
    let words: Vec<&str> = message.split_whitespace().collect();
    let uri = words.iter().find(|w| w.starts_with("http")).unwrap();
    let code = words.last().unwrap();
    sim.block_on(reqwest::get(format!("{uri}?code={code}")))
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{rest:?}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["tenantId"], sim.id.as_str());
    assert!(
        rest.iter().any(|l| l.contains("sign-in was not stored")),
        "without a secret store the sync says the sign-in was not kept: {rest:?}"
    );
}

/// Under a strict umask (077) the cache and its folder stay the owner's, and a new report gets
/// what the umask gives any new file (0600 here), not a fixed 0644.
#[cfg(unix)]
#[test]
fn a_strict_umask_is_honoured_by_reports_and_the_cache_is_private_under_any() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/x.db");
    let out = dir.path().join("licenses.csv");
    // The umask is a process's own: a shell sets it for the one command.
    let run = |umask: &str, args: &[&str]| {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$@\""))
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_steward"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("STEWARD_DB")
            .output()
            .expect("run steward under sh");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    run(
        "022",
        &[
            "demo",
            "--service-principals",
            "40",
            "--sign-ins",
            "500",
            "--as-of",
            "2026-03-01",
        ],
    );
    assert_eq!(
        mode(&db),
        0o600,
        "the cache, though the umask would allow 0644"
    );
    assert_eq!(mode(db.parent().unwrap()), 0o700, "the folder made for it");
    let out_arg = out.to_str().unwrap();
    let report = |umask| {
        run(
            umask,
            &[
                "report",
                "licenses",
                "--format",
                "csv",
                "--out",
                out_arg,
                "--as-of",
                "2026-03-01",
            ],
        )
    };
    report("077");
    assert_eq!(mode(&out), 0o600, "umask 077 makes a new report 0600");
    std::fs::remove_file(&out).unwrap();
    report("022");
    assert_eq!(mode(&out), 0o644, "umask 022 makes it 0644");
}
