//! `import` of sign-ins kept beyond Graph's 30 days. Azure Monitor's archives (JSON Lines,
//! streamed): the fixture written in the archive's shape, the verbatim public samples,
//! re-delivered records counted once, a bad line named with what was kept, and an import
//! cancelled midway and run again ending equal to one uninterrupted run. Log Analytics exports
//! (the query API's JSON, the portal's CSV), column by column.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[path = "support.rs"]
mod support;
use steward_core::clock::parse_as_of;
use steward_core::dataset::Dataset;
use steward_core::store;
use steward_graph::{import, import_with, Error, ImportOptions};
use support::{count, items, now, public_samples};

const TENANT: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn archives() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/azure-monitor")
}

#[test]
fn a_storage_account_s_archives_import_with_re_deliveries_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let s = import(&conn, &[archives()], &ImportOptions::default(), now()).unwrap();
    assert_eq!(s.tenant_id, TENANT, "the tenant of the records");
    assert_eq!(s.files, 3);
    assert_eq!(items(&s, Dataset::SignIns), 7, "every record read");
    assert_eq!(s.new_sign_ins, 6, "the re-delivered one once");
    // The user sign-in archive, and the README beside the containers.
    assert_eq!(s.skipped.len(), 2, "{:?}", s.skipped);
    assert!(s.skipped.iter().any(|k| k.reason.contains("user sign-ins")));
    assert!(s.skipped.iter().any(|k| k.reason.contains("not JSON")));
    assert_eq!(count(&conn, "SELECT count(*) FROM sign_ins"), 6);

    let detail = steward_core::identities::identity_detail(
        &conn,
        steward_core::store::tenants::resolve_tenant(&conn, Some(TENANT))
            .unwrap()
            .0,
        TENANT,
        "5e000000-0000-4000-8000-000000000001",
        now(),
    );
    // The service principal itself is not in an archive, only its sign-ins.
    assert!(detail.is_err());
    let codes = |sql: &str| count(&conn, sql);
    assert_eq!(
        codes("SELECT count(*) FROM sign_ins WHERE error_code = 7000215"),
        1
    );
    assert_eq!(
        codes("SELECT count(*) FROM sign_ins WHERE error_code = 7000232"),
        1
    );

    // Again: nothing new.
    let again = import(&conn, &[archives()], &ImportOptions::default(), now()).unwrap();
    assert_eq!(again.new_sign_ins, 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM sign_ins"), 6);
}

#[test]
fn the_public_samples_import_every_record() {
    let samples = public_samples().join("datadog-azure-log-forwarding-orchestration");
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let s = import(&conn, &[samples], &ImportOptions::default(), now()).unwrap();
    assert_eq!(s.tenant_id, "4d3bac44-0230-4732-9e70-cc00736f0a97");
    assert_eq!(
        items(&s, Dataset::SignIns),
        49,
        "25 service principal and 24 managed identity records"
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM sign_ins"),
        s.new_sign_ins as i64
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE error_code = 7000232"
        ),
        1
    );
}

/// A generated archive of `n` sign-ins of one service principal, a minute apart.
fn generated(path: &Path, n: u64, tenant: &str) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let start = parse_as_of("2026-01-01T00:00:00Z").unwrap();
    for i in 0..n {
        let when = (start + chrono::Duration::minutes(i as i64)).to_rfc3339();
        write!(
            out,
            r#"{{"time": "{when}", "category": "ServicePrincipalSignInLogs", "tenantId": "{tenant}", "resultType": "0", "Level": 4, "properties": {{"id":"{i:08x}-0000-4000-8000-000000000000","createdDateTime":"{when}","appId":"a","ipAddress":"198.51.100.{}","status":{{"errorCode":0}},"servicePrincipalId":"sp-1","servicePrincipalName":"gen","resourceId":"r","resourceDisplayName":"R"}}}}"#,
            i % 200
        )
        .unwrap();
        out.write_all(b"\r\n").unwrap();
    }
}

#[test]
fn an_archive_cancelled_midway_and_run_again_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("PT1H.json");
    generated(&blob, 45_000, TENANT);
    let opts = ImportOptions::default();

    let whole = store::open(&dir.path().join("whole.db")).unwrap();
    import(&whole, std::slice::from_ref(&blob), &opts, now()).unwrap();

    let stopped = store::open(&dir.path().join("stopped.db")).unwrap();
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let err = import_with(
        &stopped,
        std::slice::from_ref(&blob),
        &opts,
        now(),
        &mut |p| {
            reports += 1;
            assert!(p.bytes_read <= p.bytes && p.files == 1);
            cancel.store(true, Ordering::Relaxed);
        },
        &cancel,
    )
    .unwrap_err();
    assert!(reports >= 1);
    assert!(matches!(err, Error::Cancelled { kept: 20_000 }), "{err}");
    assert_eq!(
        count(&stopped, "SELECT count(*) FROM sign_ins"),
        20_000,
        "one chunk kept"
    );
    import(&stopped, std::slice::from_ref(&blob), &opts, now()).unwrap();

    // The same rows and the same roll-ups as the uninterrupted run.
    for table in ["sign_ins", "sign_in_days", "sign_in_features"] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(count(&stopped, &sql), count(&whole, &sql), "{table}");
    }
    assert_eq!(count(&whole, "SELECT count(*) FROM sign_ins"), 45_000);
}

#[test]
fn a_bad_line_is_named_with_what_was_kept_and_a_foreign_tenant_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("PT1H.json");
    generated(&blob, 25_000, TENANT);
    let mut text = std::fs::read_to_string(&blob).unwrap();
    text.push_str(
        "{\"time\": \"2026-01-20T00:00:00Z\", \"category\": \"ServicePrincipalSignInLogs\"\r\n",
    );
    std::fs::write(&blob, text).unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let err = import(
        &conn,
        std::slice::from_ref(&blob),
        &ImportOptions::default(),
        now(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, Error::Archive { kept: 20_000, .. }) && message.contains("line 25001"),
        "{message}"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM sign_ins"), 20_000);

    let other = dir.path().join("other.json");
    generated(&other, 3, TENANT);
    let mut text = std::fs::read_to_string(&other).unwrap();
    text = text.replacen(TENANT, "0f0f0f0f-0000-4000-8000-000000000000", 2);
    // The first line names the other tenant: the run is refused before anything is written.
    std::fs::write(&other, text).unwrap();
    let err = import(
        &conn,
        &[other],
        &ImportOptions {
            tenant: Some(TENANT.into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TenantMismatch { .. }), "{err}");
}

#[test]
fn log_analytics_exports_import_column_by_column_into_the_tenant_given() {
    let la = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/log-analytics");
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    // The tables' TenantId is the workspace: without a tenant, the run says what to add.
    let err = import(
        &conn,
        std::slice::from_ref(&la),
        &ImportOptions::default(),
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NoTenant), "{err}");
    let s = import(
        &conn,
        &[la],
        &ImportOptions {
            tenant: Some(TENANT.into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(s.files, 3);
    assert_eq!(items(&s, Dataset::SignIns), 7);
    assert_eq!(
        s.new_sign_ins, 6,
        "the sign-in in both the query export and the CSV once"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE error_code = 7000222"
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE error_code = 7000215"
        ),
        1
    );
    // The portal's afternoon time, read as UTC.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE created = strftime('%s', '2026-02-13 19:45:00') * 1000"
        ),
        1
    );
}

/// Sign-ins older than Graph's 30 days are the point of an archive: they reach back far enough
/// for a 90-day verdict, which the directory alone cannot give.
#[test]
fn archived_sign_ins_turn_undetermined_last_use_verdicts_into_verdicts() {
    use steward_core::recommendations::{recommendations, RecommendationSettings};
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let graph = dir.path().join("graph");
    std::fs::create_dir(&graph).unwrap();
    let app = |n: u8, name: &str| {
        format!(
            r#"{{"id":"0a00000{n}-0000-4000-8000-000000000000","appId":"0b00000{n}-0000-4000-8000-000000000000","displayName":"{name}","createdDateTime":"2025-01-01T00:00:00Z","signInAudience":"AzureADMyOrg","passwordCredentials":[],"keyCredentials":[]}}"#
        )
    };
    let sp = |n: u8, name: &str| {
        format!(
            r#"{{"id":"0c00000{n}-0000-4000-8000-000000000000","appId":"0b00000{n}-0000-4000-8000-000000000000","displayName":"{name}","servicePrincipalType":"Application","accountEnabled":true,"appOwnerOrganizationId":"{TENANT}","passwordCredentials":[],"keyCredentials":[],"tags":[]}}"#
        )
    };
    std::fs::write(
        graph.join("applications.json"),
        format!(
            r#"{{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#applications","value":[{},{}]}}"#,
            app(1, "Payroll sync"),
            app(2, "Old reporting")
        ),
    )
    .unwrap();
    std::fs::write(
        graph.join("servicePrincipals.json"),
        format!(
            r#"{{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals","value":[{},{}]}}"#,
            sp(1, "Payroll sync"),
            sp(2, "Old reporting")
        ),
    )
    .unwrap();
    let options = ImportOptions {
        tenant: Some(TENANT.to_string()),
        ..ImportOptions::default()
    };
    import(&conn, &[graph], &options, now()).unwrap();
    let key = store::tenants::resolve_tenant(&conn, Some(TENANT))
        .unwrap()
        .0;
    let stale = |conn: &rusqlite::Connection| {
        let report = recommendations(
            conn,
            key,
            TENANT,
            now(),
            &RecommendationSettings::default(),
            None,
        )
        .unwrap();
        let r = report
            .recommendations
            .into_iter()
            .find(|r| r.recommendation_type == "staleApps")
            .unwrap();
        let names = |list: &[steward_core::recommendations::ImpactedResource]| {
            let mut names: Vec<String> = list.iter().map(|i| i.display_name.clone()).collect();
            names.sort();
            names
        };
        (names(&r.impacted), names(&r.undetermined))
    };
    let (impacted, undetermined) = stale(&conn);
    assert!(impacted.is_empty(), "{impacted:?}");
    assert_eq!(
        undetermined,
        ["Old reporting", "Payroll sync"],
        "no sign-ins yet"
    );

    // An archive: Payroll sync signed in 80 days before the as-of date, another service
    // principal 120 days before (so the log reaches back past the 90 days a verdict needs).
    let archive = dir.path().join("PT1H.json");
    let line = |id: u8, when: &str, sp: &str| {
        format!(
            r#"{{"time":"{when}","category":"ServicePrincipalSignInLogs","tenantId":"{TENANT}","resultType":"0","Level":4,"properties":{{"id":"{id:08x}-0000-4000-8000-000000000000","createdDateTime":"{when}","appId":"x","ipAddress":"2001:db8::1","status":{{"errorCode":0}},"servicePrincipalId":"{sp}","servicePrincipalName":"n","resourceId":"r","resourceDisplayName":"R"}}}}"#
        )
    };
    std::fs::write(
        &archive,
        [
            line(
                1,
                "2026-07-04T10:00:00Z",
                "0c000009-0000-4000-8000-000000000000",
            ),
            line(
                2,
                "2026-08-13T10:00:00Z",
                "0c000001-0000-4000-8000-000000000000",
            ),
        ]
        .join("\r\n"),
    )
    .unwrap();
    let s = import(&conn, &[archive], &ImportOptions::default(), now()).unwrap();
    assert_eq!(s.new_sign_ins, 2);
    let (impacted, undetermined) = stale(&conn);
    assert_eq!(
        impacted,
        ["Old reporting"],
        "unused for 90 days, and the log shows it"
    );
    assert!(undetermined.is_empty(), "{undetermined:?}");
}
