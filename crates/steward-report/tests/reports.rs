//! Reports on a real SQLite cache holding the demo tenant with hostile display names added:
//! reproducibility (snapshots), inertness of tenant strings in every format, typed spreadsheet
//! cells, PDFs that poppler opens, and exports that never leave a partial file.
//!
//! Snapshots live in `tests/snapshots/`; `STEWARD_UPDATE_SNAPSHOTS=1 cargo test -p steward-report`
//! rewrites them after an intended change (review the diff).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use steward_core::clock::parse_as_of;
use steward_core::demo::{self, DemoOptions};
use steward_core::store;
use steward_report::{
    build, export, render_to_vec, Error, ExportOptions, Format, Progress, ReportKind, ReportRequest,
};

const SCRIPT_NAME: &str = "<script>window.__pwned=1</script> Billing";
const FORMULA_NAME: &str = "=HYPERLINK(\"https://evil.example\",\"Click\")";
const QUOTED_NAME: &str = "Payroll \"Nightly\" Sync, Ünïcødé 経費精算";

fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-11-01").unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    conn: Connection,
}

/// The demo tenant (seed 42, 200 identities, 12,000 sign-ins) with three applications renamed
/// to hostile strings: the three whose credentials are most urgent, so they head the
/// credential-expiry report.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let conn = store::open(&path).unwrap();
    let opts = DemoOptions {
        seed: 42,
        service_principals: 200,
        sign_ins: 12_000,
        as_of: as_of(),
    };
    demo::write_demo(&conn, &opts, &mut |_, _, _| {}).unwrap();
    let (key, _) = store::tenants::resolve_tenant(&conn, None).unwrap();
    let rows = steward_core::expiry::credential_expiry(&conn, key, as_of()).unwrap();
    let mut apps: Vec<String> = Vec::new();
    for r in rows {
        if let Some(a) = r.app_id {
            if !apps.contains(&a) {
                apps.push(a);
            }
        }
    }
    for (app_id, name) in apps.iter().zip([SCRIPT_NAME, FORMULA_NAME, QUOTED_NAME]) {
        conn.execute(
            "UPDATE applications SET display_name = ?1 WHERE app_id = ?2",
            [name, app_id],
        )
        .unwrap();
        conn.execute(
            "UPDATE service_principals SET display_name = ?1 WHERE app_id = ?2",
            [name, app_id],
        )
        .unwrap();
    }
    review(&conn, key);
    Fixture { _dir: dir, conn }
}

/// A completed access review of the demo's privileged identities: the first denied (its
/// removals queued), the second approved, the rest left to the review's default. Its id is
/// fixed so that the files compare byte for byte across runs.
fn review(conn: &rusqlite::Connection, key: store::TenantKey) {
    use steward_core::access_reviews::{self as r, Decision, DefaultDecision, NewReview};
    let new = NewReview {
        name: "Quarterly review of privileged workload identities".into(),
        scope: r::ReviewScope::Privileged,
        ids: vec![],
        reviewers: vec!["Alex Wilber".into(), "Megan Bowen".into()],
        due: as_of() + chrono::Duration::days(14),
        recurrence: r::Recurrence::Quarterly,
        default_decision: DefaultDecision::TakeRecommendations,
    };
    let review = r::create(conn, key, &new, "admin (test)", as_of()).unwrap();
    let fixed = "00000000-0000-4000-8000-00000000a11e";
    conn.execute(
        "UPDATE access_reviews SET id = ?1 WHERE id = ?2",
        [fixed, &review.id],
    )
    .unwrap();
    let first = &review.items[0].id;
    let second = &review.items[1].id;
    r::decide(
        conn,
        key,
        fixed,
        first,
        Decision::Deny,
        "No owner could say what it is for",
        "Alex Wilber",
        as_of(),
    )
    .unwrap();
    r::decide(
        conn,
        key,
        fixed,
        second,
        Decision::Approve,
        "Runs the nightly directory sync",
        "Megan Bowen",
        as_of(),
    )
    .unwrap();
    r::complete(conn, key, fixed, true, "admin (test)", as_of()).unwrap();
}

fn request(kind: ReportKind) -> ReportRequest {
    ReportRequest::new(kind, as_of())
}

fn render(f: &Fixture, kind: ReportKind, format: Format) -> Vec<u8> {
    let report = build(&f.conn, &request(kind)).unwrap();
    render_to_vec(&f.conn, &report, format).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares `actual` with the committed snapshot, or rewrites it when asked to.
fn check_snapshot(name: &str, actual: &str) {
    let path = snapshot_dir().join(name);
    if std::env::var_os("STEWARD_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run STEWARD_UPDATE_SNAPSHOTS=1 cargo test -p steward-report",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!(
            "{name} differs from its snapshot: the same cache and --as-of must give the same bytes.\n{}\n\
             If the change is intended, run STEWARD_UPDATE_SNAPSHOTS=1 cargo test -p steward-report",
            diff.join("\n")
        );
    }
}

#[test]
fn the_same_cache_and_as_of_give_byte_identical_files_in_every_format() {
    let f = fixture();
    let mut digests = String::new();
    for kind in ReportKind::ALL {
        for &format in kind.formats() {
            let a = render(&f, kind, format);
            let b = render(&f, kind, format);
            assert!(
                a == b,
                "{} as {} differs between two renders: something reads the clock or a random source",
                kind.as_str(),
                format.as_str()
            );
            assert!(!a.is_empty());
            digests.push_str(&format!(
                "{:<20} {:<5} {}\n",
                kind.as_str(),
                format.as_str(),
                sha256(&a)
            ));
        }
    }
    check_snapshot("digests.txt", &digests);
    // Small text outputs are kept whole, so a change reads as a diff.
    check_snapshot(
        "risk.csv",
        &String::from_utf8(render(&f, ReportKind::Risk, Format::Csv)).unwrap(),
    );
    check_snapshot(
        "licenses.json",
        &String::from_utf8(render(&f, ReportKind::Licenses, Format::Json)).unwrap(),
    );
    check_snapshot(
        "overview.csv",
        &String::from_utf8(render(&f, ReportKind::Overview, Format::Csv)).unwrap(),
    );
}

#[test]
fn hostile_tenant_strings_stay_inert_in_html_csv_and_json() {
    let f = fixture();
    for kind in [ReportKind::CredentialExpiry, ReportKind::Inventory] {
        let html = String::from_utf8(render(&f, kind, Format::Html)).unwrap();
        assert!(
            !html.to_lowercase().contains("<script"),
            "{}: no script element may reach the HTML",
            kind.as_str()
        );
        assert!(
            html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt; Billing"),
            "{}: the name is shown as text",
            kind.as_str()
        );
        assert!(html.contains("Content-Security-Policy"));
        assert!(
            !html.contains("src=\"http") && !html.contains("<link"),
            "nothing is loaded from outside"
        );

        let csv_bytes = render(&f, kind, Format::Csv);
        let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(
            cells.iter().any(|c| c == &format!("'{FORMULA_NAME}")),
            "{}: the formula is neutralised by a leading ' and its text kept",
            kind.as_str()
        );
        assert!(
            !cells.iter().any(|c| c.starts_with(['=', '+', '@'])),
            "no CSV cell starts a formula"
        );
        assert!(
            cells.iter().any(|c| c == QUOTED_NAME),
            "quotes survive RFC 4180 quoting"
        );
        let raw = String::from_utf8(csv_bytes).unwrap();
        assert!(
            raw.contains("\"Payroll \"\"Nightly\"\" Sync, Ünïcødé 経費精算\""),
            "a field with quotes and a comma is quoted, its quotes doubled"
        );

        let json: serde_json::Value =
            serde_json::from_slice(&render(&f, kind, Format::Json)).unwrap();
        let text = json.to_string();
        assert!(
            text.contains("window.__pwned=1"),
            "JSON keeps the name as data"
        );
    }
}

fn xlsx_of(f: &Fixture, kind: ReportKind, dir: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    let path = dir.join(format!("{}.xlsx", kind.as_str()));
    std::fs::write(&path, render(f, kind, Format::Xlsx)).unwrap();
    open_workbook(&path).unwrap()
}

#[test]
fn xlsx_cells_are_typed_formulas_are_neutralised_and_the_planner_keeps_its_formulas() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    // Every report's workbook reads back, sheet by sheet, with a header row on each data sheet.
    for kind in ReportKind::ALL {
        let mut wb = xlsx_of(&f, kind, dir.path());
        let names = wb.sheet_names();
        assert_eq!(names[0], "Report", "{}: a cover sheet first", kind.as_str());
        assert!(names.len() >= 2, "{}: at least one table", kind.as_str());
        for name in &names {
            let range = wb
                .worksheet_range(name)
                .unwrap_or_else(|e| panic!("{} sheet {name} reads back: {e}", kind.as_str()));
            assert!(
                range.get_size().0 >= 1,
                "{} sheet {name} has rows",
                kind.as_str()
            );
        }
    }
    let mut wb = xlsx_of(&f, ReportKind::CredentialExpiry, dir.path());
    assert_eq!(
        wb.sheet_names(),
        vec!["Report", "Credentials by urgency"],
        "a cover sheet, then one sheet per table"
    );
    let range = wb.worksheet_range("Credentials by urgency").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = range.rows().nth(1).unwrap();
    assert!(
        matches!(first[col("Expires")], Data::DateTime(_)),
        "dates are dates, not text: {:?}",
        first[col("Expires")]
    );
    assert!(
        matches!(first[col("Days left")], Data::Float(_) | Data::Int(_)),
        "numbers are numbers"
    );
    let names: Vec<String> = range
        .rows()
        .skip(1)
        .map(|r| r[col("Held by")].to_string())
        .collect();
    assert!(
        names.contains(&format!("'{FORMULA_NAME}")),
        "the formula is neutralised"
    );
    assert!(names.contains(&SCRIPT_NAME.to_string()));
    let formulas = wb.worksheet_formula("Credentials by urgency").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a data sheet holds no formula"
    );

    let mut wb = xlsx_of(&f, ReportKind::Licenses, dir.path());
    assert!(wb.sheet_names().contains(&"Planner".to_string()));
    let formulas = wb.worksheet_formula("Planner").unwrap();
    let all: Vec<String> = formulas.used_cells().map(|(_, _, f)| f.clone()).collect();
    assert!(
        all.iter()
            .any(|f| f.contains("ROUNDUP") && f.contains("$B$2")),
        "identities per month grow by the growth cell: {all:?}"
    );
    assert!(
        all.iter()
            .any(|f| f.starts_with("IF(") && f.contains("SUM(")),
        "horizon totals sum the monthly costs"
    );
    let values = wb.worksheet_range("Planner").unwrap();
    assert_eq!(
        values.get_value((0, 1)),
        Some(&Data::Float(3.0)),
        "the price is an input cell"
    );
    // The 12-month total of the first scenario equals what the planner computes.
    let report = build(&f.conn, &request(ReportKind::Licenses)).unwrap();
    let (key, _) = store::tenants::resolve_tenant(&f.conn, None).unwrap();
    let est = steward_core::licensing::estimate(&f.conn, key, &report.tenant_id, as_of()).unwrap();
    let plan = steward_core::licensing::plan(
        &est,
        &steward_core::licensing::load_settings(&f.conn, key).unwrap(),
        as_of(),
    )
    .unwrap();
    let cached = values.get_value((5, 2)).unwrap();
    let Data::Float(v) = cached else {
        panic!("the 12-month total carries its value: {cached:?}")
    };
    assert!(
        (v - plan.results[0].horizons[0].total).abs() < 0.01,
        "spreadsheet and planner agree on the first year: {v} vs {}",
        plan.results[0].horizons[0].total
    );
}

fn tool(name: &str) -> Command {
    let probe = Command::new(name).arg("-v").output();
    assert!(
        probe.is_ok(),
        "{name} is missing: install poppler-utils (scripts/setup.sh does)"
    );
    Command::new(name)
}

#[test]
fn pdfs_open_in_poppler_with_a_title_page_page_numbers_and_the_tenants_names() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    for kind in [
        ReportKind::Overview,
        ReportKind::CredentialExpiry,
        ReportKind::Recommendations,
        ReportKind::Risk,
        ReportKind::Licenses,
    ] {
        let pdf = dir.path().join(format!("{}.pdf", kind.as_str()));
        std::fs::write(&pdf, render(&f, kind, Format::Pdf)).unwrap();
        let info = tool("pdfinfo").arg(&pdf).output().unwrap();
        assert!(info.status.success(), "poppler reads {}", kind.as_str());
        let info = String::from_utf8_lossy(&info.stdout).to_string();
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(pages >= 2, "a title page and the content");
        assert!(
            info.contains("CreationDate:    Sun Nov  1 00:00:00 2026 UTC"),
            "dated by --as-of:\n{info}"
        );
        let png = dir.path().join(kind.as_str());
        let status = tool("pdftoppm")
            .args(["-r", "40", "-png", "-f", "1", "-l", "2"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .unwrap();
        assert!(status.success(), "pdftoppm renders {}", kind.as_str());
        let text = tool("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout).to_string();
        assert!(text.contains("Contoso Demo"), "the tenant's name");
        assert!(text.contains("2026-11-01 00:00 UTC"), "the as-of time");
        assert!(text.contains(&format!("Page 1 of {pages}")), "page numbers");
        assert!(text.contains(&format!("Page {pages} of {pages}")));
        if kind == ReportKind::CredentialExpiry {
            // Names wrap inside their narrow column, so the checks look at the start of each.
            assert!(
                text.contains("<script>window.__pwn"),
                "a hostile name is drawn as plain text"
            );
            assert!(
                text.contains("Ünïcødé"),
                "accents come out of the embedded font"
            );
            assert!(
                text.contains("経費精算"),
                "CJK comes out of the fallback font"
            );
        }
    }
}

#[test]
fn a_failed_or_cancelled_export_keeps_the_previous_file_and_leaves_no_partial_one() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("signins.csv");
    std::fs::write(&target, "previous export").unwrap();
    let cancel = AtomicBool::new(true);
    let mut sink = |_| {};
    let mut progress = Progress::new(&mut sink, Some(&cancel));
    let err = export(
        &f.conn,
        &request(ReportKind::SignIns),
        Format::Csv,
        &target,
        ExportOptions::default(),
        &mut progress,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous export");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");

    let missing = dir.path().join("no-such-folder").join("x.html");
    let mut sink = |_| {};
    let mut progress = Progress::new(&mut sink, None);
    let err = export(
        &f.conn,
        &request(ReportKind::Risk),
        Format::Html,
        &missing,
        ExportOptions::default(),
        &mut progress,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no-such-folder")
            && err.to_string().contains("choose another file"),
        "the error names the file and what to do: {err}"
    );

    let mut sink = |_| {};
    let mut progress = Progress::new(&mut sink, None);
    let err = export(
        &f.conn,
        &request(ReportKind::Inventory),
        Format::Pdf,
        &dir.path().join("inv.pdf"),
        ExportOptions::default(),
        &mut progress,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("csv"),
        "a table-sized report refused as PDF names the formats it has: {err}"
    );
    assert!(!dir.path().join("inv.pdf").exists());
}

/// A new report gets the permissions any new file of the user's gets (0666 less the umask), and
/// a replaced one keeps those of the file it replaces.
#[cfg(unix)]
#[test]
fn a_report_takes_the_user_s_usual_permissions_or_those_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let usual = dir.path().join("usual.txt");
    std::fs::write(&usual, "any new file").unwrap();
    let write = |path: &Path| {
        let mut sink = |_| {};
        let mut progress = Progress::new(&mut sink, None);
        export(
            &f.conn,
            &request(ReportKind::Licenses),
            Format::Csv,
            path,
            ExportOptions::default(),
            &mut progress,
        )
        .unwrap();
    };
    let new = dir.path().join("new.csv");
    write(&new);
    assert_eq!(mode(&new), mode(&usual), "as the umask makes any new file");
    let kept = dir.path().join("kept.csv");
    std::fs::write(&kept, "older").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    write(&kept);
    assert_eq!(mode(&kept), 0o640, "the replaced file's permissions stay");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".steward-report-"))
        .collect();
    assert!(
        left.is_empty(),
        "no temporary or probe file is left: {left:?}"
    );
}

#[test]
fn csv_is_rfc4180_crlf_with_an_optional_bom_and_the_sign_in_extract_filters() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.csv");
    let (key, _) = store::tenants::resolve_tenant(&f.conn, None).unwrap();
    let sp: String = f
        .conn
        .query_row(
            "SELECT sp_id FROM sign_in_activity WHERE tenant = ?1 ORDER BY total DESC, sp_id LIMIT 1",
            [key.0],
            |r| r.get(0),
        )
        .unwrap();
    let from = parse_as_of("2026-10-20").unwrap();
    let to = parse_as_of("2026-10-25T12:00:00Z").unwrap();
    let req = ReportRequest {
        from: Some(from),
        to: Some(to),
        sp: Some(sp.clone()),
        ..request(ReportKind::SignIns)
    };
    let mut last = None;
    let mut sink = |p| last = Some(p);
    let mut progress = Progress::new(&mut sink, None);
    let summary = export(
        &f.conn,
        &req,
        Format::Csv,
        &path,
        ExportOptions { csv_bom: true },
        &mut progress,
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "the BOM Excel needs"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("id,createdDateTime,signInEventType,servicePrincipalId"));
    assert!(
        text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "CRLF line ends"
    );
    let expected: i64 = f
        .conn
        .query_row(
            "SELECT count(*) FROM sign_ins s JOIN strings sp ON sp.id = s.sp
             WHERE s.tenant = ?1 AND sp.value = ?2 AND s.created BETWEEN ?3 AND ?4",
            rusqlite::params![key.0, sp, from.timestamp_millis(), to.timestamp_millis()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(expected > 0, "the fixture has sign-ins in the period");
    assert_eq!(
        summary.rows as i64, expected,
        "exactly the identity's sign-ins in the period"
    );
    assert_eq!(
        text.lines().count() as i64,
        expected + 1,
        "a header and one line per sign-in"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for r in reader.records() {
        let r = r.unwrap();
        assert_eq!(&r[3], sp.as_str());
        assert!(
            &r[1] >= "2026-10-20T00:00:00Z" && &r[1] <= "2026-10-25T12:00:00Z",
            "{}",
            &r[1]
        );
        r[11]
            .parse::<i64>()
            .expect("the error code is a number, not text");
    }
    assert_eq!(
        last.map(|p: steward_report::ProgressState| p.rows_done),
        Some(summary.rows)
    );
}
