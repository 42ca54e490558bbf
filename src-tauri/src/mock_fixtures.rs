//! The UI's unit-test fixtures (`ui/src/testing/fixtures/*.json`): a small seeded demo tenant
//! run through the same functions the commands call, serialised as they cross IPC, so that the
//! mock backend the UI's tests run on answers what the window would and cannot drift from Rust.
//!
//! Each file holds cases: the inputs a command is given (and the admin's decisions made before
//! it, where they change the answer) beside its answer, `ok` or `error`. The cases are the inputs
//! the UI's tests use; a test that needs another one adds it here. Two caches are read: `demo`
//! (the demo tenant as generated) and `sparse` (the same tenant without Graph's usage reports,
//! subscriptions, Identity Protection or named locations, as a tenant synced without Workload ID
//! Premium looks).
//!
//! Two payloads the UI only passes on are trimmed to keep the files small: chart SVGs (all but
//! the 30-day sign-ins chart become a placeholder) and report previews (charts become the
//! placeholder, each table keeps its first rows).
//!
//! `mock_fixtures_are_fresh` fails when the committed files differ from what the code gives now;
//! `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop mock_fixtures` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::{json, Value};
use steward_core::dataset::Dataset;
use steward_core::demo::{self, DemoOptions, HOSTILE_DISPLAY_NAME};
use steward_core::identities::{self, IdentityPage, IdentityQuery};
use steward_core::licensing::{self as lic, PlanSettings, Scenario, ScenarioBasis, ScopeReason};
use steward_core::model::{IdentityKind, Tenant};
use steward_core::recommendations::RecommendationSettings;
use steward_core::risk::{self, RiskAction, RiskSettings};
use steward_core::store::{self, tenants, TenantKey};
use steward_core::{clock, dashboard};
use steward_report::{Format, ReportKind};

use crate::connections::{self, ConnectArgs, SyncProgress};
use crate::reports::{self, ReportArgs};
use crate::AppError;

mod ca;
mod reviews;

/// The instant every fixture is computed at (the UI's tests read dates relative to it).
const AS_OF: &str = "2025-06-01T12:00:00Z";

/// Large enough that every page has rows and the demo's anomalies raise every local risk signal
/// (they need some 200 sign-ins on their day), small enough to keep the files small.
fn demo_options(as_of: DateTime<Utc>) -> DemoOptions {
    DemoOptions {
        seed: 42,
        service_principals: 60,
        sign_ins: 12_000,
        as_of,
    }
}

/// The searches the Identities tests type: a prefix of several names, then of one.
const SEARCHES: [&str; 2] = ["contoso-", "contoso-data"];

/// The identity whose detail shows expired secrets, a delegated grant, audit changes and failed
/// sign-ins (the Identities test of the detail pane).
const DETAILED: &str = "contoso-orders-api-prod";

/// The recommendation whose first impacted identity the Recommendations test opens.
const OPENED_RECOMMENDATION: &str = "ownerlessApps";

/// Table rows a report preview keeps in the fixtures.
const PREVIEW_ROWS: usize = 20;

/// What stands in for a chart left out of the fixtures.
const CHART_PLACEHOLDER: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"300\"><!-- chart left out of the mock fixtures --></svg>";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/testing/fixtures")
}

/// A cache the fixtures are read from.
struct Cache {
    name: &'static str,
    conn: Connection,
    key: TenantKey,
    tenant: Tenant,
    as_of: DateTime<Utc>,
}

impl Cache {
    fn demo(dir: &Path, as_of: DateTime<Utc>) -> Cache {
        let conn = store::open(&dir.join("demo.db")).unwrap();
        demo::write_demo(&conn, &demo_options(as_of), &mut |_, _, _| {}).unwrap();
        Cache::over("demo", conn, as_of)
    }

    fn over(name: &'static str, conn: Connection, as_of: DateTime<Utc>) -> Cache {
        let (key, tenant) = tenants::resolve_tenant(&conn, None).unwrap();
        Cache {
            name,
            conn,
            key,
            tenant,
            as_of,
        }
    }

    /// A copy of this cache in a file of its own (`file`), for decisions that must not reach
    /// the others.
    fn copy(&self, dir: &Path, file: &str) -> Cache {
        let path = dir.join(format!("{file}.db"));
        self.conn
            .execute("VACUUM INTO ?1", params![path.display().to_string()])
            .unwrap();
        Cache::over(self.name, store::open(&path).unwrap(), self.as_of)
    }

    /// The same tenant as a sync without Workload ID Premium leaves it: no usage reports, no
    /// subscriptions, no Identity Protection, no named locations.
    fn sparse(&self, dir: &Path) -> Cache {
        let mut c = self.copy(dir, "sparse");
        c.name = "sparse";
        for table in [
            "sp_sign_in_activities",
            "credential_sign_in_activities",
            "subscribed_skus",
            "risky_service_principal_history",
            "risky_service_principals",
            "sp_risk_detections",
            "named_locations",
        ] {
            c.conn
                .execute(&format!("DELETE FROM {table} WHERE tenant = ?1"), [c.key.0])
                .unwrap();
        }
        // Every dataset the demo marks read but Entra's own recommendations.
        for dataset in demo::DEMO_DATASETS
            .into_iter()
            .filter(|d| *d != Dataset::DirectoryRecommendations)
        {
            c.conn
                .execute(
                    "DELETE FROM datasets WHERE tenant = ?1 AND name = ?2",
                    params![c.key.0, dataset.name()],
                )
                .unwrap();
        }
        c
    }
}

fn value<T: Serialize>(t: T) -> Value {
    serde_json::to_value(t).unwrap()
}

/// A case: its inputs, and the answer as the command gives it (`ok`) or its error (`error`).
fn case<T: Serialize, E: Into<AppError>>(mut inputs: Value, answer: Result<T, E>) -> Value {
    let map = inputs.as_object_mut().unwrap();
    match answer {
        Ok(t) => map.insert("ok".into(), value(t)),
        Err(e) => map.insert("error".into(), value(e.into())),
    };
    inputs
}

/// Every identity matching `search` and `kind`, in one page (the mock pages through it).
fn list(c: &Cache, search: &str, kind: Option<IdentityKind>) -> steward_core::Result<IdentityPage> {
    let query = IdentityQuery {
        search: search.into(),
        kind,
        ownership: None,
        offset: 0,
        limit: 1000,
    };
    identities::list_identities(&c.conn, c.key, &query)
}

fn identities(c: &Cache) -> Value {
    let case_of = |search: &str, kind: Option<IdentityKind>| {
        case(
            json!({ "search": search, "kind": kind, "ownership": null }),
            list(c, search, kind),
        )
    };
    let mut lists = vec![
        case_of("", None),
        case_of("", Some(IdentityKind::ManagedIdentitySystem)),
    ];
    lists.extend(SEARCHES.iter().map(|s| case_of(s, None)));
    let all = list(c, "", None).unwrap().rows;
    // The identities the UI's tests open: the first rows of the list, the hostile name, the one
    // with the fullest detail, those with credentials expiring soon (the Overview's list), the
    // review candidates (Licensing) and an impacted resource (Recommendations).
    let overview = steward_core::overview::overview(&c.conn, c.key, &c.tenant, c.as_of).unwrap();
    let recs = crate::recommendations_at(&c.conn, c.key, &c.tenant, c.as_of, None).unwrap();
    let mut ids: Vec<String> = all.iter().take(2).map(|r| r.id.clone()).collect();
    ids.extend(
        all.iter()
            .filter(|r| r.display_name == HOSTILE_DISPLAY_NAME || r.display_name == DETAILED)
            .map(|r| r.id.clone()),
    );
    ids.extend(
        overview
            .expiring_soon
            .iter()
            .map(|e| e.service_principal_id.clone()),
    );
    ids.extend(
        lic::review_candidates(&c.conn, c.key)
            .unwrap()
            .into_iter()
            .map(|r| r.id),
    );
    ids.extend(
        recs.recommendations
            .iter()
            .filter(|r| r.recommendation_type == OPENED_RECOMMENDATION)
            .filter_map(|r| r.impacted.first())
            .filter_map(|i| i.service_principal_id.clone()),
    );
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(id.clone()) && all.iter().any(|r| &r.id == id));
    assert!(
        all.iter().any(|r| r.display_name == DETAILED),
        "the demo has no {DETAILED}: pick another identity for the detail test"
    );
    let details: Vec<Value> = ids
        .iter()
        .map(|id| {
            case(
                json!({ "id": id }),
                identities::identity_detail(&c.conn, c.key, &c.tenant.id, id, c.as_of),
            )
        })
        .collect();
    let hostile = all
        .iter()
        .find(|r| r.display_name == HOSTILE_DISPLAY_NAME)
        .expect("the demo has its hostile display name");
    json!({
        "tenant": value(&crate::tenant_summaries(&c.conn).unwrap()[0]),
        "hostile": { "id": hostile.id, "displayName": hostile.display_name },
        "lists": lists,
        "details": details,
    })
}

/// Replaces every inline SVG document in `text` with the placeholder.
fn without_charts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<svg") {
        let Some(len) = rest[start..].find("</svg>") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(CHART_PLACEHOLDER);
        rest = &rest[start + len + "</svg>".len()..];
    }
    out.push_str(rest);
    out
}

/// `html` with each table body cut to its first PREVIEW_ROWS rows.
fn first_rows(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<tbody>") {
        let body_start = start + "<tbody>".len();
        let end = body_start + rest[body_start..].find("</tbody>").unwrap();
        out.push_str(&rest[..body_start]);
        let rows: Vec<&str> = rest[body_start..end].split_inclusive("</tr>").collect();
        let kept = rows.len().min(PREVIEW_ROWS);
        out.push_str(&rows[..kept].concat());
        if kept < rows.len() && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn dashboards(c: &Cache) -> Value {
    let cases: Vec<Value> = [7, 30, 90]
        .into_iter()
        .map(|days| {
            let mut d = dashboard::dashboard(&c.conn, c.key, &c.tenant, c.as_of, days).unwrap();
            d.summary.sign_ins_chart_svg = CHART_PLACEHOLDER.into();
            for chart in &mut d.charts {
                if !(days == 30 && chart.key == "signInsPerDay") {
                    chart.svg = CHART_PLACEHOLDER.into();
                }
            }
            case::<_, AppError>(json!({ "days": days }), Ok(d))
        })
        .collect();
    json!({ "dashboards": cases })
}

fn recommendations(demo: &Cache, sparse: &Cache) -> Value {
    let report = |c: &Cache, settings: Option<RecommendationSettings>| {
        case(
            json!({ "cache": c.name, "settings": settings }),
            crate::recommendations_at(&c.conn, c.key, &c.tenant, c.as_of, settings),
        )
    };
    let longer = RecommendationSettings {
        secret_max_days: 400,
        ..Default::default()
    };
    json!({
        "reports": [
            report(demo, None),
            report(demo, Some(longer)),
            report(sparse, None),
        ]
    })
}

fn risk(demo: &Cache, sparse: &Cache, dir: &Path) -> Value {
    let base = crate::risk_report_at(&demo.conn, demo.key, demo.as_of, None).unwrap();
    // The identity with the most signals (Identity Protection's too, in the demo) and the one
    // behind the invalid-credential burst: the identities the Risk tests act on.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &base.signals {
        *counts.entry(&s.sp_id).or_default() += 1;
    }
    let busiest = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(id, _)| id.to_string())
        .unwrap();
    let burst = base
        .signals
        .iter()
        .find(|s| s.kind == risk::SignalKind::InvalidCredentialBurst)
        .map(|s| s.sp_id.clone())
        .unwrap();
    let report = |c: &Cache, settings: Option<RiskSettings>, actions: Value| {
        case(
            json!({ "cache": c.name, "settings": settings, "actions": actions }),
            crate::risk_report_at(&c.conn, c.key, c.as_of, settings),
        )
    };
    let wider = RiskSettings {
        window_days: 30,
        ..Default::default()
    };
    let mut reports = vec![
        report(demo, None, json!([])),
        report(demo, Some(wider), json!([])),
        report(sparse, None, json!([])),
    ];
    let sequences = [
        vec![(&busiest, RiskAction::Dismiss)],
        vec![(&burst, RiskAction::ConfirmCompromised)],
        vec![(&busiest, RiskAction::Remediated)],
        vec![
            (&busiest, RiskAction::Remediated),
            (&busiest, RiskAction::ConfirmCompromised),
        ],
    ];
    for (n, steps) in sequences.iter().enumerate() {
        let c = demo.copy(dir, &format!("risk-{n}"));
        let mut actions = Vec::new();
        for (i, (sp, action)) in steps.iter().enumerate() {
            // Decisions a minute before the report, a second apart, in the order taken.
            let at = c.as_of - Duration::seconds(60 - i as i64);
            let sp_ids = vec![sp.to_string()];
            risk::act(&c.conn, c.key, &sp_ids, *action, at).unwrap();
            actions.push(json!({ "spIds": sp_ids, "action": action }));
        }
        reports.push(report(&c, None, Value::Array(actions)));
    }
    let sign_ins: Vec<Value> = base
        .signals
        .iter()
        .map(|s| {
            case(
                json!({ "filter": s.sign_ins }),
                risk::sign_ins_for(
                    &demo.conn,
                    demo.key,
                    &s.sign_ins,
                    crate::SIGNAL_SIGN_INS_LIMIT,
                ),
            )
        })
        .collect();
    json!({ "reports": reports, "signIns": sign_ins })
}

fn plan_settings(edit: impl FnOnce(&mut PlanSettings)) -> PlanSettings {
    let mut s = PlanSettings::defaults();
    edit(&mut s);
    s
}

fn licensing(demo: &Cache, sparse: &Cache, dir: &Path) -> Value {
    let candidate = lic::review_candidates(&demo.conn, demo.key).unwrap()[0]
        .id
        .clone();
    let expiring = steward_core::overview::overview(&demo.conn, demo.key, &demo.tenant, demo.as_of)
        .unwrap()
        .expiring_soon[0]
        .service_principal_id
        .clone();
    let scopes: [Vec<(&str, ScopeReason, bool)>; 3] = [
        vec![],
        vec![(candidate.as_str(), ScopeReason::AccessReview, true)],
        vec![(expiring.as_str(), ScopeReason::Picked, true)],
    ];
    // The planner inputs the Licensing tests send: a new price, currency (empty on the way, which
    // the core refuses), trial start, and the scenario edits one after the other.
    let added = |adjustment: i64, first: &str| {
        plan_settings(|s| {
            s.scenarios[0].name = first.into();
            s.scenarios.push(Scenario {
                name: "Scenario 4".into(),
                basis: ScenarioBasis::FullCoverage,
                adjustment,
            });
        })
    };
    let mut removed = added(-7, "Today");
    removed.scenarios.remove(1);
    let inputs = vec![
        PlanSettings::defaults(),
        plan_settings(|s| s.price = 5.0),
        plan_settings(|s| s.currency = String::new()),
        plan_settings(|s| s.currency = "EUR".into()),
        plan_settings(|s| s.trial_start = Some("2025-06-01".into())),
        added(0, "Full coverage today"),
        added(-7, "Full coverage today"),
        added(-7, ""),
        added(-7, "Today"),
        removed,
    ];
    let mut cases = Vec::new();
    let mut plans = Vec::new();
    // By identity, then reason: the order the mock keys them in.
    let scope_key = |changes: &[(&str, ScopeReason, bool)]| {
        let mut list: Vec<Value> = changes
            .iter()
            .map(|(id, reason, included)| json!({ "id": id, "reason": reason, "included": included }))
            .collect();
        list.sort_by_key(|v| (v["id"].to_string(), v["reason"].to_string()));
        Value::Array(list)
    };
    for (n, changes) in scopes.iter().enumerate() {
        let c = demo.copy(dir, &format!("licensing-{n}"));
        for (id, reason, included) in changes {
            lic::set_scope(&c.conn, c.key, &c.tenant.id, id, *reason, *included).unwrap();
        }
        let scope = scope_key(changes);
        cases.push(case(
            json!({ "cache": c.name, "scope": scope }),
            crate::licensing_at(&c.conn, c.key, &c.tenant, c.as_of),
        ));
        let asked: &[PlanSettings] = if n == 0 { &inputs } else { &inputs[..1] };
        for settings in asked {
            plans.push(case(
                json!({ "cache": c.name, "scope": scope, "settings": settings }),
                crate::license_plan_at(&c.conn, c.key, &c.tenant, c.as_of, settings, false),
            ));
        }
    }
    cases.push(case(
        json!({ "cache": sparse.name, "scope": [] }),
        crate::licensing_at(&sparse.conn, sparse.key, &sparse.tenant, sparse.as_of),
    ));
    // Every identity's flags as the demo has them, before the admin changes any.
    let flags: Vec<Value> = list(demo, "", None)
        .unwrap()
        .rows
        .iter()
        .map(|r| {
            case(
                json!({ "id": r.id }),
                lic::scope_flags(&demo.conn, demo.key, &demo.tenant.id, &r.id),
            )
        })
        .collect();
    json!({ "licensing": cases, "plans": plans, "scopeFlags": flags })
}

fn reports(c: &Cache, hostile: &str) -> Value {
    let args = |kind: ReportKind, days: Option<i64>, sp: Option<&str>| ReportArgs {
        tenant_id: c.tenant.id.clone(),
        kind,
        as_of: Some(AS_OF.into()),
        days,
        sp: sp.map(str::to_string),
        review: None,
    };
    let key = |a: &ReportArgs| json!({ "kind": a.kind, "days": a.days, "sp": a.sp });
    let previews: Vec<Value> = [
        args(ReportKind::Overview, Some(30), None),
        args(ReportKind::Inventory, None, None),
        args(ReportKind::SignIns, Some(30), None),
        args(ReportKind::SignIns, Some(7), None),
        args(ReportKind::SignIns, Some(7), Some(hostile)),
    ]
    .iter()
    .map(|a| {
        let preview = reports::preview(&c.conn, &a.request().unwrap()).map(|mut p| {
            p.html = first_rows(&without_charts(&p.html));
            p
        });
        case(key(a), preview)
    })
    .collect();
    let as_of = clock::parse_as_of(AS_OF).unwrap();
    let file_names: Vec<Value> = ReportKind::ALL
        .iter()
        .flat_map(|kind| Format::ALL.iter().map(move |f| (*kind, *f)))
        .map(|(kind, format)| {
            let name = steward_report::suggested_file_name(kind, &c.tenant.id, as_of, format);
            case::<_, AppError>(json!({ "kind": kind, "format": format }), Ok(name))
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("steward-fixture-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exports: Vec<Value> = [
        (
            args(ReportKind::Overview, Some(30), None),
            Format::Csv,
            true,
        ),
        (args(ReportKind::Inventory, None, None), Format::Xlsx, false),
    ]
    .iter()
    .map(|(a, format, csv_bom)| {
        let path = dir.join(format!("export.{}", format.as_str()));
        let mut sink = |_| {};
        let mut progress = steward_report::Progress::new(&mut sink, None);
        let result = reports::export_to(
            &c.conn,
            &a.request().unwrap(),
            *format,
            &path,
            *csv_bom,
            &mut progress,
        )
        // The path is the one the window chose; the mock answers with it.
        .map(|mut r| {
            r.path = String::new();
            r
        });
        let mut inputs = key(a);
        inputs["format"] = json!(format);
        inputs["csvBom"] = json!(csv_bom);
        case(inputs, result)
    })
    .collect();
    let _ = std::fs::remove_dir_all(&dir);
    json!({
        "catalog": reports::report_catalog(),
        "previews": previews,
        "fileNames": file_names,
        "exports": exports,
    })
}

fn connections(c: &Cache, dir: &Path) -> Value {
    let store = steward_graph::secrets::MemoryStore::default();
    let connect = |secret: &str, certificate: Option<String>, delegated: bool| ConnectArgs {
        tenant_id: c.tenant.id.clone(),
        client_id: "11111111-2222-3333-4444-555555555555".into(),
        client_secret: secret.into(),
        remember_secret: false,
        certificate_path: certificate,
        delegated,
        graph_url: None,
        authority_url: None,
        trusted_authority_host: None,
        resolve_redirect_domains: false,
    };
    let stores = steward_graph::connect::Stores {
        kept: Some(&store),
        session: Some(&store),
    };
    let refused = |args: ConnectArgs| match args.resolve(stores, false) {
        Ok(_) => panic!("the connection arguments were accepted"),
        Err(e) => value(e),
    };
    let not_pem = dir.join("not-a-certificate.crt");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let shown = not_pem.display().to_string();
    let mut bad_certificate = refused(connect("", Some(shown.clone()), false));
    // The path is the one the form gave; the mock puts it back in.
    bad_certificate["message"] = json!(bad_certificate["message"]
        .as_str()
        .unwrap()
        .replace(&shown, "{path}"));
    let progress = SyncProgress::new(
        &steward_graph::sync::ProgressInfo {
            dataset: Dataset::ServicePrincipals,
            items: 250,
            total: Some(1_000),
            fraction: None,
        },
        steward_graph::sync::Pace {
            per_sec: 125.0,
            eta_secs: Some(6.0),
        },
    );
    json!({
        "demo": value(connections::connection_status_of(&c.conn, c.key, &c.tenant.id).unwrap()),
        // The OS keyring's defaults, as a desktop with a Secret Service has them.
        "defaults": value(connections::ConnectionDefaults::new(&steward_graph::secrets::OsKeyring)),
        "syncProgress": value(progress),
        // A sync that looked up redirect domains, in the backend's words.
        "redirectDomains": steward_graph::sync::RedirectDomainsReport {
            hosts: 14,
            dangling: 1,
            unanswered: 0,
            detail: None,
        }
        .line(),
        "errors": {
            "noKeptSecret": refused(connect("", None, false)),
            "noAdmin": refused(connect("", None, true)),
            "badCertificate": bad_certificate,
        },
    })
}

/// The window's changes on a copy of the demo tenant: the federated credential previews the
/// dialog's tests type, the items queued by each kind of change the tests make, the identity's
/// detail with them pending, the audit trail, and a push's outcome (every item pushed, one new
/// secret with a stand-in value). Local ids are random: they are replaced by fixed ones.
fn manage(c: &Cache, dir: &Path) -> Value {
    use crate::manage::{preview_of, FederatedCredentialForm, NewSecretView, PushOutcome};
    use steward_core::manage::{
        self as m, federation::GitHubEntity, Change, ObjectKind, SecretRequest, Template,
    };
    use steward_core::store::outbox::{self, OutboxStatus, Outcome};
    let mc = c.copy(dir, "manage");
    let (conn, key, now) = (&mc.conn, mc.key, mc.as_of);
    let who = "admin (Steward window)";
    let sp = list(&mc, DETAILED, None).unwrap().rows[0].id.clone();
    let detail = identities::identity_detail(conn, key, &mc.tenant.id, &sp, now).unwrap();
    let app = detail.application.as_ref().unwrap().id.clone();
    let form = |name: &str, branch: &str| FederatedCredentialForm {
        name: name.into(),
        description: None,
        template: Template::GitHubActions {
            repository: "contoso/orders".into(),
            entity: GitHubEntity::Branch(branch.into()),
        },
    };
    let previews: Vec<Value> = [
        form("deploy-main", "main"),
        form("x", "main"),
        form("deploy-main", ""),
    ]
    .into_iter()
    .map(|f| {
        let answer = preview_of(conn, key, &app, &f, None);
        case(json!({ "applicationId": app, "form": f }), answer)
    })
    .collect();
    let draft = |f: &FederatedCredentialForm| {
        m::FederatedCredentialDraft::from_template(&f.name, None, &f.template).unwrap()
    };
    let bad_name =
        m::add_federated_credential(conn, key, &app, &draft(&form("x", "main")), who, now)
            .map(|(i, _)| i);
    let fic = m::add_federated_credential(
        conn,
        key,
        &app,
        &draft(&form("deploy-main", "main")),
        who,
        now,
    )
    .unwrap()
    .0;
    let too_long = m::add_secret(
        conn,
        key,
        ObjectKind::Application,
        &app,
        SecretRequest {
            name: "ci",
            days: 900,
        },
        who,
        now,
    );
    let secret = m::add_secret(
        conn,
        key,
        ObjectKind::Application,
        &app,
        SecretRequest {
            name: "ci",
            days: 180,
        },
        who,
        now,
    )
    .unwrap();
    let disabled = m::set_enabled(conn, key, &sp, false, who, now).unwrap();
    let created = m::create_application(
        conn,
        key,
        "payments-deployer",
        "AzureADMyOrg",
        Some("CI"),
        who,
        now,
    )
    .unwrap();
    let pending_detail = identities::identity_detail(conn, key, &mc.tenant.id, &sp, now).unwrap();
    let queued = outbox::list(conn, key).unwrap();
    for item in &queued {
        let outcome = Outcome {
            status: OutboxStatus::Pushed,
            message: None,
            remote: None,
            change: item.change.clone(),
        };
        outbox::settle(
            conn,
            key,
            item.id,
            &outcome,
            "app 11111111-2222-3333-4444-555555555555",
            now,
        )
        .unwrap();
    }
    let pushed_items = outbox::list(conn, key).unwrap();
    let Change::AddSecret { secret: s, .. } = &secret.change else {
        unreachable!()
    };
    let push = PushOutcome {
        pushed: pushed_items.len() as u32,
        failed: 0,
        conflicts: 0,
        waiting: 0,
        items: pushed_items,
        new_secrets: vec![NewSecretView {
            owner_id: app.clone(),
            owner_display_name: secret.target_display_name.clone(),
            key_id: s.key_id.clone(),
            display_name: s.display_name.clone(),
            end_date_time: s.end_date_time.map(clock::rfc3339),
            secret_text: "Mock~secret~value~shown~once~0123456789".into(),
        }],
        secrets_waiting: 0,
        stopped: None,
    };
    let audit = outbox::audit_trail(conn, key).unwrap();
    let v = json!({
        "spId": sp,
        "applicationId": app,
        "previews": previews,
        "queued": {
            "federatedCredential": value(&fic),
            "secret": value(&secret),
            "disabled": value(&disabled),
            "created": value(&created),
        },
        "errors": {
            "badName": case(json!({}), bad_name)["error"].clone(),
            "secretTooLong": case(json!({}), too_long)["error"].clone(),
        },
        "pendingDetail": value(&pending_detail),
        "outbox": value(&queued),
        "push": value(&push),
        "audit": value(&audit),
    });
    // Local ids are random: fixed ones stand in for them.
    let mut text = v.to_string();
    let mut locals: Vec<String> = Vec::new();
    for item in &queued {
        match &item.change {
            Change::CreateApplication { application: a } => locals.extend([
                a.id.clone(),
                a.app_id.clone(),
                a.service_principal_id.clone(),
            ]),
            Change::AddFederatedCredential { credential, .. } => locals.push(credential.id.clone()),
            Change::AddSecret { secret, .. } => locals.push(secret.key_id.clone()),
            _ => {}
        }
    }
    for (i, id) in locals.iter().enumerate() {
        text = text.replace(
            id.as_str(),
            &format!("00000000-0000-4000-8000-{:012}", i + 1),
        );
    }
    serde_json::from_str(&text).unwrap()
}

/// Every fixture file, by name, as committed.
fn generate(dir: &Path) -> BTreeMap<String, String> {
    let as_of = clock::parse_as_of(AS_OF).unwrap();
    let demo = Cache::demo(dir, as_of);
    let sparse = demo.sparse(dir);
    let hostile = list(&demo, HOSTILE_DISPLAY_NAME, None).unwrap().rows[0]
        .id
        .clone();
    let files = [
        ("identities", identities(&demo)),
        ("dashboard", dashboards(&demo)),
        ("recommendations", recommendations(&demo, &sparse)),
        ("risk", risk(&demo, &sparse, dir)),
        ("licensing", licensing(&demo, &sparse, dir)),
        ("reports", reports(&demo, &hostile)),
        ("connections", connections(&demo, dir)),
        ("manage", manage(&demo, dir)),
        ("conditionalAccess", ca::conditional_access(&demo, dir)),
        ("accessReviews", reviews::access_reviews(&demo, dir)),
    ];
    files
        .into_iter()
        .map(|(name, mut v)| {
            let note = json!(
                "Generated by src-tauri/src/mock_fixtures.rs: do not edit. Regenerate with `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop mock_fixtures`."
            );
            v.as_object_mut().unwrap().insert("_generated".into(), note);
            let mut text = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
            let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
            v.serialize(&mut ser).unwrap();
            text.push(b'\n');
            (format!("{name}.json"), String::from_utf8(text).unwrap())
        })
        .collect()
}

/// The committed fixtures must be what the commands answer today. Set STEWARD_UPDATE_FIXTURES=1
/// to rewrite them after changing a command, a view or the demo.
#[test]
fn mock_fixtures_are_fresh() {
    let work = std::env::temp_dir().join(format!("steward-fixtures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let fresh = generate(&work);
    let _ = std::fs::remove_dir_all(&work);
    let dir = fixtures_dir();
    let committed: BTreeMap<String, String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".json"))
                .map(|name| {
                    let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
                    (name, text)
                })
                .collect()
        })
        .unwrap_or_default();
    if std::env::var_os("STEWARD_UPDATE_FIXTURES").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        for (name, text) in &fresh {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let stale: Vec<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|n| fresh.get(*n) != committed.get(*n))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/testing/fixtures is stale ({stale:?}): run `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop mock_fixtures` and commit the result"
    );
}
