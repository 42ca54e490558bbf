//! `import` on a real cache file: fixtures made from the example responses in Microsoft's Graph
//! documentation, the export forms admins use (a folder of pages, az CLI, Graph PowerShell), and a
//! corpus of bad files that must each fail with a clear error and leave the cache unchanged.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::json;
use steward_core::clock::parse_as_of;
use steward_core::dataset::Dataset;
use steward_core::store;
use steward_graph::{import, Error, ImportOptions};

const TENANT: &str = "5b7c3f3a-2d41-4c8e-9a57-3c1f0e9b6d21";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph")
}

fn now() -> chrono::DateTime<chrono::Utc> {
    parse_as_of("2026-11-01T00:00:00Z").unwrap()
}

struct Cache {
    dir: tempfile::TempDir,
    conn: Connection,
}

fn cache() -> Cache {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    Cache { dir, conn }
}

impl Cache {
    fn write(&self, name: &str, v: &serde_json::Value) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
        p
    }

    fn count(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Every row of every table, in a stable order: what "the cache is unchanged" compares.
    fn dump(&self) -> String {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut out = String::new();
        for t in tables {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM \"{t}\""))
                .unwrap();
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            rows.sort();
            out.push_str(&format!("{t}: {}\n", rows.join("\n  ")));
        }
        out
    }
}

fn organization() -> serde_json::Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
        "value": [{
            "id": TENANT,
            "displayName": "Fabrikam Imports",
            "verifiedDomains": [
                {"name": "fabrikam.onmicrosoft.com", "isDefault": false, "isInitial": true},
                {"name": "fabrikam.example", "isDefault": true, "isInitial": false}
            ]
        }]
    })
}

fn sp(id: &str, name: &str) -> serde_json::Value {
    json!({
        "id": id,
        "appId": format!("{id}-app"),
        "displayName": name,
        "servicePrincipalType": "Application",
        "appOwnerOrganizationId": TENANT,
        "accountEnabled": true,
        "createdDateTime": "2025-03-04T05:06:07.1234567Z",
        "tags": [],
        "passwordCredentials": [{
            "keyId": format!("{id}-secret"),
            "displayName": "ci",
            "hint": "abc",
            "secretText": "N0t-For-The-Cache~s3cr3t",
            "startDateTime": "2025-03-04T05:06:07Z",
            "endDateTime": "2026-03-04T05:06:07-8:00"
        }],
        "keyCredentials": []
    })
}

#[test]
fn the_graph_documentation_fixtures_import_with_every_dataset_recognised() {
    let c = cache();
    let dir = fixtures();
    assert!(dir.is_dir(), "fixtures at {}", dir.display());
    let summary = import(
        &c.conn,
        std::slice::from_ref(&dir),
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(
        summary.tenant_id, TENANT,
        "the tenant comes from the organization response"
    );
    let names: Vec<Dataset> = summary.datasets.iter().map(|d| d.dataset).collect();
    for want in [
        Dataset::Organization,
        Dataset::Applications,
        Dataset::ServicePrincipals,
        Dataset::SignIns,
        Dataset::NamedLocations,
        Dataset::RiskyServicePrincipals,
        Dataset::ServicePrincipalRiskDetections,
        Dataset::SubscribedSkus,
        Dataset::RoleAssignments,
        Dataset::RoleEligibilities,
        Dataset::DeletedApplications,
        Dataset::DeletedServicePrincipals,
        Dataset::OAuth2PermissionGrants,
        Dataset::ConditionalAccessPolicies,
        Dataset::DirectoryAudits,
    ] {
        assert!(
            names.contains(&want),
            "{want} recognised from the docs' example: {names:?}"
        );
    }
    for d in &summary.datasets {
        assert!(d.items > 0);
    }
    let sps = c.count("SELECT count(*) FROM service_principals WHERE deleted IS NULL");
    let listed = summary
        .datasets
        .iter()
        .find(|d| d.dataset == Dataset::ServicePrincipals)
        .unwrap()
        .items as i64;
    assert_eq!(
        sps, listed,
        "every service principal of the file is in the cache"
    );
    assert_eq!(
        c.count("SELECT count(*) FROM sign_ins") as u64,
        summary.new_sign_ins,
        "every sign-in stored once"
    );
    assert!(
        c.count("SELECT count(*) FROM service_principals WHERE display_name LIKE '%ó%'") >= 1,
        "accents survive"
    );
    assert!(
        c.count("SELECT count(*) FROM applications WHERE deleted IS NOT NULL") >= 1
            && c.count("SELECT count(*) FROM service_principals WHERE deleted IS NOT NULL") >= 1,
        "deleted items keep their deletion time"
    );
    assert_eq!(
        c.count(
            "SELECT count(*) FROM directory_role_assignments
             WHERE role_display_name = 'Application Administrator' AND is_privileged = 1
               AND assignment_type = 'active'"
        ),
        1,
        "a role's name and privilege come from the expanded roleDefinition"
    );
    assert!(
        c.count(
            "SELECT count(*) FROM conditional_access_policies WHERE targets_workload_identities = 1"
        ) >= 1,
        "a policy that assigns service principals is told apart"
    );
    assert!(
        c.count(
            "SELECT count(*) FROM directory_audits WHERE initiated_by_type IS NOT NULL
               AND target_id IS NOT NULL AND modified LIKE '%KeyDescription%'"
        ) >= 1,
        "an audit event keeps who changed which object's credentials"
    );
    assert!(
        c.count(
            "SELECT count(*) FROM directory_role_assignments WHERE assignment_type = 'eligible'"
        ) >= 1
    );
    // Importing the same files again changes nothing: records are upserted by id.
    let before = c.dump();
    let again = import(&c.conn, &[dir], &ImportOptions::default(), now()).unwrap();
    assert_eq!(again.new_sign_ins, 0, "no sign-in is stored twice");
    assert_eq!(
        before,
        c.dump(),
        "a second import of the same files is a no-op"
    );
}

#[test]
fn a_folder_of_pages_adds_up_whatever_the_order_and_az_and_powershell_output_are_read() {
    let c = cache();
    // Pages saved out of order; the organization arrives last.
    c.write(
        "export/page-2.json",
        &json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
            "value": [sp("22222222-0000-4000-8000-000000000002", "Payroll")]
        }),
    );
    c.write(
        "export/page-1.json",
        &json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals",
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/servicePrincipals?$skiptoken=abc",
            "value": [sp("11111111-0000-4000-8000-000000000001", "Billing")]
        }),
    );
    c.write("export/zz-organization.json", &organization());
    // `az ad sp list --all`: a plain array, no context.
    c.write(
        "az/sp-list.json",
        &json!([sp("33333333-0000-4000-8000-000000000003", "From az")]),
    );
    // Graph PowerShell `ConvertTo-Json`: PascalCase, AdditionalProperties, /Date()/ times.
    c.write("ps/apps.json", &json!([{
        "Id": "44444444-0000-4000-8000-000000000004",
        "AppId": "44444444-0000-4000-8000-0000000000aa",
        "DisplayName": "From PowerShell",
        "SignInAudience": "AzureADMyOrg",
        "CreatedDateTime": "/Date(1735689600000)/",
        "PasswordCredentials": [{"KeyId": "ps-key", "EndDateTime": "/Date(1798761600000)/", "Hint": "xyz"}],
        "KeyCredentials": [],
        "AdditionalProperties": {"publisherDomain": "fabrikam.example"}
    }]));
    let root = c.dir.path().to_path_buf();
    let summary = import(
        &c.conn,
        &[
            root.join("export"),
            root.join("az/sp-list.json"),
            root.join("ps"),
        ],
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(summary.files, 5);
    assert_eq!(
        c.count("SELECT count(*) FROM service_principals"),
        3,
        "two pages and the az list"
    );
    assert_eq!(c.count("SELECT count(*) FROM applications WHERE display_name = 'From PowerShell' AND publisher_domain = 'fabrikam.example'"), 1);
    assert_eq!(
        c.count("SELECT end_time FROM credentials WHERE key_id = 'ps-key'"),
        1_798_761_600_000,
        "PowerShell's /Date(ms)/ read as an instant"
    );
    assert_eq!(
        c.count("SELECT end_time FROM credentials WHERE key_id = '11111111-0000-4000-8000-000000000001-secret'"),
        parse_as_of("2026-03-04T13:06:07Z").unwrap().timestamp_millis(),
        "Graph docs' `-8:00` offset"
    );
    let (name, domain): (String, String) = c
        .conn
        .query_row(
            "SELECT display_name, default_domain FROM tenants",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), domain.as_str()),
        ("Fabrikam Imports", "fabrikam.example")
    );
    assert_eq!(
        c.count("SELECT count(*) FROM service_principals WHERE ownership = 'ownSingleTenant'"),
        3,
        "owned by the organization's tenant: ownership is judged against the imported tenant"
    );
}

#[test]
fn a_secret_in_an_export_never_reaches_the_cache_file() {
    let c = cache();
    let file = c.write(
        "sps.json",
        &json!({"value": [sp("55555555-0000-4000-8000-000000000005", "Holder")]}),
    );
    import(
        &c.conn,
        &[file],
        &ImportOptions {
            tenant: Some(TENANT.into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    c.conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    for entry in std::fs::read_dir(c.dir.path()).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e != "json") {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(8).any(|w| w == b"N0t-For-"),
                "{} holds the secret text",
                p.display()
            );
        }
    }
    assert_eq!(
        c.count("SELECT count(*) FROM credentials WHERE hint = 'abc'"),
        1,
        "the hint is kept"
    );
}

#[test]
fn without_an_organization_or_tenant_nothing_is_imported_and_the_error_says_what_to_add() {
    let c = cache();
    let file = c.write(
        "sps.json",
        &json!([sp("66666666-0000-4000-8000-000000000006", "x")]),
    );
    let err = import(
        &c.conn,
        std::slice::from_ref(&file),
        &ImportOptions::default(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoTenant), "{err}");
    assert!(err.to_string().contains("--tenant"));
    assert_eq!(c.count("SELECT count(*) FROM tenants"), 0);
    let org = c.write("org.json", &organization());
    let err = import(
        &c.conn,
        &[file, org],
        &ImportOptions {
            tenant: Some("another".into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TenantMismatch { .. }), "{err}");
}

/// A good import first, then each bad file alone: every one fails naming the file and what was
/// wrong, and the cache stays exactly as it was.
#[test]
fn every_bad_file_gets_a_clear_error_and_leaves_the_cache_unchanged() {
    let c = cache();
    let org = c.write("good/org.json", &organization());
    let good = c.write(
        "good/sps.json",
        &json!({"value": [sp("77777777-0000-4000-8000-000000000007", "Kept")]}),
    );
    import(
        &c.conn,
        &[org.clone(), good],
        &ImportOptions::default(),
        now(),
    )
    .unwrap();
    let before = c.dump();

    let complete = serde_json::to_string(
        &json!({"value": [sp("88888888-0000-4000-8000-000000000008", "New")]}),
    )
    .unwrap();
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.json", complete.as_bytes()[..complete.len() / 2].to_vec(), "not valid JSON"),
        ("empty-file.json", Vec::new(), "not valid JSON"),
        ("not-json.json", b"displayName,appId\nx,y\n".to_vec(), "not valid JSON"),
        ("scalar.json", b"42".to_vec(), "not a Graph response"),
        ("no-value.json", br#"{"@odata.context": "x", "items": []}"#.to_vec(), "not a Graph response"),
        ("value-not-list.json", br#"{"value": {"id": "1"}}"#.to_vec(), "`value` should be the list"),
        ("numbers.json", b"[1, 2, 3]".to_vec(), "not an object"),
        ("unknown.json", br#"[{"id": "1", "colour": "blue"}]"#.to_vec(), "do not say which Graph dataset"),
        (
            "sp-missing-appid.json",
            serde_json::to_vec(&json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals", "value": [{"id": "9", "displayName": "x", "servicePrincipalType": "Application"}]})).unwrap(),
            "item 1 (servicePrincipal): `appId` is missing",
        ),
        (
            "sp-wrong-type.json",
            serde_json::to_vec(&json!({"value": [sp("99999999-0000-4000-8000-000000000009", "ok"), {"id": "x", "appId": 5, "servicePrincipalType": "Application"}]})).unwrap(),
            "item 2 (servicePrincipal): `appId` should be text, found a number",
        ),
        (
            "bad-date.json",
            serde_json::to_vec(&json!([{"id": "a", "appId": "b", "servicePrincipalType": "Application", "passwordCredentials": [{"keyId": "k", "endDateTime": "next year"}]}])).unwrap(),
            "in passwordCredentials[1]: `endDateTime` should be a date and time",
        ),
        (
            "mixed.json",
            serde_json::to_vec(&json!([sp("aaaaaaaa-0000-4000-8000-00000000000a", "x"), {"id": "l", "displayName": "HQ", "ipRanges": [{"cidrAddress": "10.0.0.0/8"}]}])).unwrap(),
            "keep one dataset per file",
        ),
        (
            "user-sign-in.json",
            serde_json::to_vec(&json!({"@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns", "value": [{"id": "s1", "createdDateTime": "2026-10-01T00:00:00Z", "userPrincipalName": "a@b", "status": {"errorCode": 0}}]})).unwrap(),
            "interactive (user) sign-in",
        ),
        (
            "sign-in-bad-code.json",
            serde_json::to_vec(&json!({"@odata.context": "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns", "value": [{"id": "s2", "createdDateTime": "2026-10-01T00:00:00Z", "servicePrincipalId": "77777777-0000-4000-8000-000000000007", "status": {"errorCode": "oops"}}]})).unwrap(),
            "`errorCode` should be a whole number",
        ),
        ("latin1.json", b"[{\"id\": \"1\", \"displayName\": \"Caf\xe9\"}]".to_vec(), "not UTF-8"),
    ];
    for (name, bytes, expected) in bad {
        let path = c.dir.path().join("bad").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        // The bad file comes after a good one in the same run: the good one is not kept either.
        let fresh = c.write(
            "bad-run/new-sp.json",
            &json!({"value": [sp("bbbbbbbb-0000-4000-8000-00000000000b", "Would be new")]}),
        );
        let err = import(
            &c.conn,
            &[org.clone(), fresh, path.clone()],
            &ImportOptions::default(),
            now(),
        )
        .expect_err(name);
        let message = err.to_string();
        assert!(
            message.contains(name),
            "{name}: the error names the file: {message}"
        );
        assert!(
            message.contains(expected),
            "{name}: expected `{expected}` in: {message}"
        );
        assert!(
            message.contains("nothing was imported"),
            "{name}: says nothing was written: {message}"
        );
        assert_eq!(before, c.dump(), "{name}: the cache is unchanged");
        std::fs::remove_file(&path).unwrap();
    }
    let empty_dir = c.dir.path().join("nothing-here");
    std::fs::create_dir_all(&empty_dir).unwrap();
    let err = import(&c.conn, &[empty_dir], &ImportOptions::default(), now()).unwrap_err();
    assert!(err.to_string().contains("no .json file"), "{err}");
    let err = import(
        &c.conn,
        &[c.dir.path().join("missing.json")],
        &ImportOptions::default(),
        now(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing.json") && err.to_string().contains("could not read"),
        "{err}"
    );
    assert_eq!(before, c.dump());
}

/// The tenant's app and consent policies as Graph's documentation shows them: three single
/// objects (one without an `id`) and two collections, read into the tenant-wide checks.
#[test]
fn tenant_policies_import_as_graph_returns_them_and_feed_the_tenant_wide_checks() {
    let c = cache();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/graph-policies");
    let options = ImportOptions {
        tenant: Some(TENANT.into()),
        ..ImportOptions::default()
    };
    let s = import(&c.conn, &[folder], &options, now()).unwrap();
    assert_eq!(s.files, 5);
    let count = |d: Dataset| {
        s.datasets
            .iter()
            .find(|x| x.dataset == d)
            .map_or(0, |x| x.items)
    };
    assert_eq!(count(Dataset::AuthorizationPolicy), 1);
    assert_eq!(count(Dataset::AdminConsentRequestPolicy), 1);
    assert_eq!(count(Dataset::DefaultAppManagementPolicy), 1);
    assert_eq!(count(Dataset::AppManagementPolicies), 1);
    assert_eq!(count(Dataset::AppConsentRequests), 2);
    let ids: Vec<String> = c
        .conn
        .prepare("SELECT kind || ':' || id FROM tenant_policies ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        ids.contains(&"adminConsentRequestPolicy:adminConsentRequestPolicy".to_string()),
        "a single object without an id takes its kind: {ids:?}"
    );
    let stored: String = c
        .conn
        .query_row(
            "SELECT json FROM tenant_policies WHERE kind = 'appConsentRequests' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !stored.contains("@odata"),
        "annotations are not kept: {stored}"
    );

    let (key, _) = store::tenants::resolve_tenant(&c.conn, Some(TENANT)).unwrap();
    let report = steward_core::recommendations::recommendations(
        &c.conn,
        key,
        TENANT,
        now(),
        &Default::default(),
        None,
    )
    .unwrap();
    let impacted = |kind: &str| {
        let r = report
            .recommendations
            .iter()
            .find(|r| r.recommendation_type == kind)
            .unwrap();
        assert!(r.missing_data.is_none(), "{kind}: {:?}", r.missing_data);
        r.impacted
            .iter()
            .map(|i| i.display_name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        impacted("userConsentAllowed").len(),
        1,
        "the legacy default"
    );
    assert_eq!(impacted("usersCanRegisterApps").len(), 1);
    assert!(
        impacted("adminConsentWorkflowDisabled").is_empty(),
        "on, with a reviewer"
    );
    assert_eq!(impacted("pendingConsentRequests"), ["Hojas de horas"]);
    assert_eq!(
        impacted("appManagementPolicyWeak"),
        ["Default app management policy"]
    );
}
