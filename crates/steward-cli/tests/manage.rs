//! Changing workload identities from the command line: `federated-credential add|update|remove|
//! list`, `outbox` (with `retry`, `drop` and `--audit`) and `push`, on a real cache file and
//! against the Graph simulator over real HTTP.

mod common;

use std::path::Path;
use std::process::Output;

use common::{fails, ok, steward, SimTenant};
use serde_json::Value;

fn first_application(db: &Path) -> (String, String) {
    let conn = steward_core::store::open(db).unwrap();
    let (key, _) = steward_core::store::tenants::resolve_tenant(&conn, None).unwrap();
    let a = steward_core::store::applications::list_page(&conn, key, None, 1)
        .unwrap()
        .remove(0);
    (a.id, a.display_name)
}

fn github(app: &str, name: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "federated-credential",
        "add",
        "--application",
        app,
        "--name",
        name,
        "--template",
        "github-actions",
        "--repository",
        "contoso/payments",
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn run(db: &Path, args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    steward(db, &a)
}

#[test]
fn federated_credentials_are_added_from_templates_checked_listed_and_dropped_offline() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    ok(&steward(
        &db,
        &["demo", "--service-principals", "200", "--sign-ins", "500"],
    ));
    let (app, name) = first_application(&db);

    let added = ok(&run(
        &db,
        &github(&app, "deploy-main", &["--branch", "main"]),
    ));
    assert_eq!(added["name"], "deploy-main");
    assert_eq!(
        added["issuer"],
        "https://token.actions.githubusercontent.com"
    );
    assert_eq!(
        added["subject"],
        "repo:contoso/payments:ref:refs/heads/main"
    );
    assert_eq!(
        added["audiences"],
        serde_json::json!(["api://AzureADTokenExchange"])
    );
    assert_eq!(added["pending"], true);
    assert_eq!(added["id"].as_str().unwrap().len(), 36);

    // Each template, and the free form.
    let k8s = ok(&steward(
        &db,
        &[
            "federated-credential",
            "add",
            "--application",
            &app,
            "--name",
            "aks-payments",
            "--template",
            "kubernetes",
            "--issuer",
            "https://westeurope.oic.prod-aks.azure.com/t/c/",
            "--namespace",
            "payments",
            "--service-account",
            "api",
            "--json",
        ],
    ));
    assert_eq!(k8s["subject"], "system:serviceaccount:payments:api");
    let free = ok(&steward(
        &db,
        &[
            "federated-credential",
            "add",
            "--application",
            &app,
            "--name",
            "google",
            "--issuer",
            "https://accounts.google.com",
            "--subject",
            "1234567890",
            "--json",
        ],
    ));
    assert_eq!(free["subject"], "1234567890");

    // Refused with the reason; nothing changes.
    let before = ok(&steward(&db, &["outbox", "--json"]));
    let e = fails(&run(&db, &github(&app, "again", &["--branch", "main"])));
    assert!(
        e.contains("`deploy-main` already trusts this issuer and subject"),
        "{e}"
    );
    let e = fails(&run(&db, &github(&app, "x", &["--branch", "main"])));
    assert!(e.contains("use 3 to 120"), "{e}");
    let e = fails(&run(&db, &github(&app, "wild", &["--branch", "*"])));
    assert!(e.contains("wildcard"), "{e}");
    let e = fails(&run(&db, &github(&app, "none", &[])));
    assert!(
        e.contains("--branch B, --tag T, --environment E or --pull-request"),
        "{e}"
    );
    let e = fails(&steward(
        &db,
        &[
            "federated-credential",
            "add",
            "--application",
            &app,
            "--name",
            "plain",
            "--issuer",
            "http://insecure.example",
            "--subject",
            "s",
        ],
    ));
    assert!(e.contains("is not an https URL"), "{e}");
    assert_eq!(ok(&steward(&db, &["outbox", "--json"])), before);

    // The outbox, as scripts read it.
    let items = before.as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    let first = &items[0];
    for field in [
        "id",
        "action",
        "targetId",
        "targetDisplayName",
        "createdDateTime",
        "status",
        "message",
    ] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    assert_eq!(first["action"], "addFederatedCredential");
    assert_eq!(first["targetId"], app.as_str());
    assert_eq!(first["targetDisplayName"], name.as_str());
    assert_eq!(first["status"], "pending");

    // Listed with what is pending; an update; a drop undoes a change.
    let listed = ok(&steward(
        &db,
        &[
            "federated-credential",
            "list",
            "--application",
            &app,
            "--json",
        ],
    ));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"deploy-main") && names.contains(&"google"),
        "{names:?}"
    );
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["pending"] == true));
    let updated = ok(&steward(
        &db,
        &[
            "federated-credential",
            "update",
            "--application",
            &app,
            "--name",
            "google",
            "--issuer",
            "https://accounts.google.com",
            "--subject",
            "999",
            "--json",
        ],
    ));
    assert_eq!(updated["subject"], "999");
    let dropped_id = items[2]["id"].as_i64().unwrap().to_string();
    // The add of `google` is dropped only after the update made on top of it.
    let e = fails(&steward(&db, &["outbox", "drop", &dropped_id]));
    assert!(e.contains("was made on top of change"), "{e}");
    let outbox = ok(&steward(&db, &["outbox", "--json"]));
    let update_id = outbox.as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    ok(&steward(&db, &["outbox", "drop", &update_id, "--json"]));
    ok(&steward(&db, &["outbox", "drop", &dropped_id, "--json"]));
    let listed = ok(&steward(
        &db,
        &[
            "federated-credential",
            "list",
            "--application",
            &app,
            "--json",
        ],
    ));
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["name"] != "google"));
    let audit = ok(&steward(&db, &["outbox", "--audit", "--json"]));
    let results: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["result"].as_str().unwrap())
        .collect();
    assert_eq!(
        results,
        ["queued", "queued", "queued", "queued", "dropped", "dropped"]
    );
    assert!(audit[0]["actor"].as_str().unwrap().contains("steward CLI"));

    // A service principal's id is no application's.
    let e = fails(&steward(
        &db,
        &[
            "federated-credential",
            "list",
            "--application",
            "no-such-id",
        ],
    ));
    assert!(e.contains("no application no-such-id"), "{e}");
}

#[test]
fn push_sends_the_outbox_to_graph_and_the_next_sync_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Manage-Cli-Secret~0123456789";
    let sim = SimTenant::start(dir.path(), 6, 60, 200, secret, graph_sim::Faults::default());
    let db = dir.path().join("cache.db");
    let synced = sim
        .sync(&db, secret)
        .args(["--dataset", "applications"])
        .output()
        .unwrap();
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let (app, _) = first_application(&db);
    ok(&run(
        &db,
        &github(&app, "deploy-env", &["--environment", "production"]),
    ));

    let pushed = ok(&sim.push(&db, secret).arg("--json").output().unwrap());
    assert_eq!(pushed["pushed"], 1);
    assert_eq!(pushed["items"][0]["status"], "pushed");
    let outbox = ok(&steward(&db, &["outbox", "--json"]));
    assert_eq!(outbox[0]["status"], "pushed");
    let again = sim.push(&db, secret).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("Nothing to push"));

    let synced = sim
        .sync(&db, secret)
        .args(["--dataset", "applications", "--json"])
        .output()
        .unwrap();
    assert!(synced.status.success());
    let listed = ok(&steward(
        &db,
        &[
            "federated-credential",
            "list",
            "--application",
            &app,
            "--json",
        ],
    ));
    let ours: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == "deploy-env")
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["pending"], false);
    assert_eq!(
        ours[0]["subject"],
        "repo:contoso/payments:environment:production"
    );
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_secret_made_through_steward_is_printed_once_and_found_in_no_file_log_or_export() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Manage-Secret-Sign-In~0123456789";
    let sim = SimTenant::start(dir.path(), 7, 40, 100, secret, graph_sim::Faults::default());
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = data.join("cache.db");
    let synced = sim
        .sync(&db, secret)
        .args([
            "--dataset",
            "applications",
            "--dataset",
            "servicePrincipals",
        ])
        .output()
        .unwrap();
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );

    let created = ok(&steward(
        &db,
        &[
            "app",
            "create",
            "--name",
            "payments-deployer",
            "--notes",
            "CI",
            "--json",
        ],
    ));
    assert_eq!(created["action"], "createApplication");
    let local = created["targetId"].as_str().unwrap().to_string();
    let added = ok(&steward(
        &db,
        &[
            "credential",
            "add-secret",
            "--application",
            &local,
            "--name",
            "ci",
            "--days",
            "90",
            "--json",
        ],
    ));
    assert_eq!(added["action"], "addSecret");
    let e = fails(&steward(
        &db,
        &[
            "credential",
            "add-secret",
            "--application",
            &local,
            "--name",
            "x",
            "--days",
            "900",
        ],
    ));
    assert!(e.contains("1 to 730 days"), "{e}");

    let pushed = sim.push(&db, secret).output().unwrap();
    let stdout = String::from_utf8_lossy(&pushed.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&pushed.stderr).into_owned();
    assert!(pushed.status.success(), "{stdout}{stderr}");
    let line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("New client secret `ci`"))
        .nth(1)
        .expect("the value follows its heading");
    let value = line.trim().to_string();
    assert!(value.len() >= 32, "{stdout}");
    assert!(stdout.contains("Graph never shows it again"));

    // Nothing Steward writes holds it: the cache and its companions, every command's output,
    // and every report.
    let mut outputs = vec![stderr];
    for args in [
        &["outbox", "--json"][..],
        &["outbox", "--audit", "--json"],
        &["identities", "--json"],
        &["recommendations", "--json"],
    ] {
        let o = steward(&db, args);
        outputs.push(String::from_utf8_lossy(&o.stdout).into_owned());
        outputs.push(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    for (kind, format) in [
        ("inventory", "json"),
        ("inventory", "csv"),
        ("inventory", "xlsx"),
        ("credential-expiry", "html"),
        ("audit", "json"),
        ("audit", "csv"),
        ("audit", "pdf"),
        ("audit", "html"),
    ] {
        let out = reports.join(format!("{kind}.{format}"));
        ok(&steward(
            &db,
            &[
                "report",
                kind,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
                "--json",
            ],
        ));
    }
    // The audit report names the changes and who pushed them.
    let audit: Value =
        serde_json::from_slice(&std::fs::read(reports.join("audit.json")).unwrap()).unwrap();
    let text = audit.to_string();
    assert!(
        text.contains("create app registration `payments-deployer`"),
        "{text}"
    );
    assert!(text.contains("add client secret `ci`"), "{text}");
    assert!(
        text.contains(&format!("app {}", common::CLIENT)),
        "the push's actor: {text}"
    );
    let synced = sim.sync(&db, secret).output().unwrap();
    outputs.push(String::from_utf8_lossy(&synced.stdout).into_owned());
    outputs.push(String::from_utf8_lossy(&synced.stderr).into_owned());
    for o in &outputs {
        assert!(!o.contains(&value), "an output holds the secret");
    }
    let mut searched = 0;
    for f in files(&data).into_iter().chain(files(&reports)) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
            "{} holds the secret",
            f.display()
        );
        searched += 1;
    }
    assert!(searched >= 5, "{searched} files searched");
}
