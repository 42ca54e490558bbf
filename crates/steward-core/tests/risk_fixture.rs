//! A hand-built tenant with known answers for the Risk page: each local signal fires exactly on
//! the identity built to trigger it, the baseline and window edges fall on the documented side,
//! and the admin's decisions and Identity Protection's data come back as recorded. Fixed instants.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use steward_core::clock::parse_as_of;
use steward_core::model::*;
use steward_core::risk::{self, RiskAction, RiskLevel, RiskSettings, SignalKind, SignalState};
use steward_core::store::sign_ins::SignInWriter;
use steward_core::store::{
    applications, open_in_memory, risk as risk_store, service_principals, tenants, TenantKey,
};

const HOME: &str = "11111111-1111-4111-8111-111111111111";
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const VAULT: &str = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093";

fn as_of() -> DateTime<Utc> {
    parse_as_of("2026-06-01T00:00:00Z").unwrap()
}

/// `as_of` plus a (usually negative) number of hours.
fn hours(h: i64) -> DateTime<Utc> {
    as_of() + Duration::hours(h)
}

struct Use<'a> {
    country: &'a str,
    ip: &'a str,
    resource: &'a str,
    credential: &'a str,
    key: Option<&'a str>,
    code: i64,
}

const USUAL: Use<'static> = Use {
    country: "NL",
    ip: "20.1.2.3",
    resource: GRAPH,
    credential: "clientSecret",
    key: Some("key-usual"),
    code: 0,
};

struct Fx {
    conn: Connection,
    key: TenantKey,
    writer: SignInWriter,
    n: u32,
}

impl Fx {
    fn new() -> Fx {
        let conn = open_in_memory().unwrap();
        let key = tenants::upsert_tenant(
            &conn,
            &Tenant {
                id: HOME.into(),
                display_name: "Fixture".into(),
                default_domain: None,
                is_demo: false,
                data_as_of: Some(as_of()),
            },
            false,
        )
        .unwrap();
        Fx {
            conn,
            key,
            writer: SignInWriter::new(key),
            n: 0,
        }
    }

    /// An own app `id` with its service principal `sp-<id>`, holding the given secrets.
    fn app(&mut self, id: &str, secrets: &[&str]) {
        let app = Application {
            id: id.into(),
            app_id: format!("appid-{id}"),
            display_name: id.into(),
            sign_in_audience: Some("AzureADMyOrg".into()),
            publisher_domain: None,
            created_date_time: Some(hours(-24 * 400)),
            deleted_date_time: None,
            disabled_by_microsoft_status: None,
            password_credentials: secrets
                .iter()
                .map(|k| PasswordCredential {
                    key_id: (*k).into(),
                    display_name: None,
                    hint: None,
                    start_date_time: Some(hours(-24 * 100)),
                    end_date_time: Some(hours(24 * 100)),
                })
                .collect(),
            key_credentials: vec![],
            federated_identity_credentials: vec![],
            redirect_uris: Some(vec![]),
            instance_lock: Some(false),
            agent_blueprint: false,
            notes: None,
            tags: vec![],
        };
        applications::upsert_application(&self.conn, self.key, &app).unwrap();
        let sp = ServicePrincipal {
            id: format!("sp-{id}"),
            app_id: app.app_id.clone(),
            display_name: id.into(),
            app_display_name: None,
            service_principal_type: "Application".into(),
            app_owner_organization_id: Some(HOME.into()),
            account_enabled: true,
            sign_in_audience: Some("AzureADMyOrg".into()),
            created_date_time: Some(hours(-24 * 400)),
            deleted_date_time: None,
            tags: vec![],
            alternative_names: vec![],
            agent_identity_blueprint_id: None,
            disabled_by_microsoft_status: None,
            password_credentials: vec![],
            key_credentials: vec![],
            app_role_assignment_required: Some(true),
            reply_urls: Some(vec![]),
            agent_blueprint_principal: false,
        };
        service_principals::upsert_service_principal(&self.conn, self.key, HOME, &sp).unwrap();
    }

    fn sign_in(&mut self, sp: &str, at: DateTime<Utc>, u: &Use<'_>) {
        self.n += 1;
        let s = SignIn {
            id: format!("00000000-0000-4000-8000-{:012x}", self.n),
            created_date_time: at,
            sign_in_event_type: "servicePrincipal".into(),
            service_principal_id: sp.into(),
            service_principal_name: Some(sp.into()),
            app_id: None,
            resource_id: Some(u.resource.into()),
            resource_service_principal_id: None,
            resource_display_name: Some(
                if u.resource == GRAPH {
                    "Microsoft Graph"
                } else {
                    "Azure Key Vault"
                }
                .into(),
            ),
            ip_address: Some(u.ip.into()),
            city: None,
            state: None,
            country_or_region: Some(u.country.into()),
            error_code: u.code,
            failure_reason: None,
            client_credential_type: Some(u.credential.into()),
            service_principal_credential_key_id: u.key.map(Into::into),
            service_principal_credential_thumbprint: None,
            federated_credential_id: None,
            conditional_access_status: Some("notApplied".into()),
        };
        self.writer.insert(&self.conn, &s).unwrap();
    }

    /// `n` usual sign-ins spread evenly from `from_h` to `to_h` hours (relative to as_of).
    fn habit(&mut self, sp: &str, n: i64, from_h: i64, to_h: i64, u: &Use<'_>) {
        for i in 0..n {
            let h = from_h + (to_h - from_h) * i / (n - 1).max(1);
            self.sign_in(sp, hours(h), u);
        }
    }

    /// An identity with a 30-day baseline of 20 usual sign-ins, ending 10 days before as_of.
    fn baseline(&mut self, id: &str, u: &Use<'_>) -> String {
        let sp = format!("sp-{id}");
        self.habit(&sp, 20, -24 * 40, -24 * 10, u);
        sp
    }

    fn done(mut self) -> Fx {
        self.writer.flush(&self.conn).unwrap();
        self
    }
}

fn fixture() -> Fx {
    let mut f = Fx::new();
    for id in [
        "steady",
        "new-country",
        "new-range",
        "new-resource",
        "new-cred-type",
        "rotated",
        "young",
        "sparse",
        "edge-in",
        "edge-out",
        "burst",
        "below-burst",
        "spread-failures",
    ] {
        f.app(id, &["key-usual", "key-rotated"]);
    }
    risk_store::upsert_named_location(
        &f.conn,
        f.key,
        &NamedLocation {
            id: "loc-corp".into(),
            display_name: "Corporate network".into(),
            kind: "ip".into(),
            is_trusted: true,
            ip_ranges: vec!["20.0.0.0/8".into()],
            countries_and_regions: vec![],
            include_unknown_countries_and_regions: false,
        },
    )
    .unwrap();
    risk_store::upsert_named_location(
        &f.conn,
        f.key,
        &NamedLocation {
            id: "loc-home".into(),
            display_name: "Home countries".into(),
            kind: "country".into(),
            is_trusted: false,
            ip_ranges: vec![],
            countries_and_regions: vec!["NL".into()],
            include_unknown_countries_and_regions: false,
        },
    )
    .unwrap();

    // Nothing unusual: sign-ins every day up to yesterday, all from the usual place.
    let sp = f.baseline("steady", &USUAL);
    f.habit(&sp, 10, -24 * 9, -24, &USUAL);

    // Brazil, from an address outside every named location, two days ago.
    let sp = f.baseline("new-country", &USUAL);
    let brazil = Use {
        country: "BR",
        ip: "191.233.5.6",
        ..USUAL
    };
    f.habit(&sp, 3, -48, -46, &brazil);

    // Same country, a new /24 inside the corporate range.
    let sp = f.baseline("new-range", &USUAL);
    f.sign_in(
        &sp,
        hours(-72),
        &Use {
            ip: "20.9.9.9",
            ..USUAL
        },
    );

    let sp = f.baseline("new-resource", &USUAL);
    f.sign_in(
        &sp,
        hours(-24),
        &Use {
            resource: VAULT,
            ..USUAL
        },
    );

    // Always a certificate; then a client secret Steward does not hold.
    let cert = Use {
        credential: "certificate",
        key: Some("key-usual"),
        ..USUAL
    };
    let sp = f.baseline("new-cred-type", &cert);
    f.sign_in(
        &sp,
        hours(-50),
        &Use {
            credential: "clientSecret",
            key: Some("key-unknown"),
            ..USUAL
        },
    );

    // A planned rotation: the new secret is on the app.
    let sp = f.baseline("rotated", &USUAL);
    f.sign_in(
        &sp,
        hours(-30),
        &Use {
            key: Some("key-rotated"),
            ..USUAL
        },
    );

    let german = Use {
        country: "DE",
        ip: "20.1.2.88",
        ..USUAL
    };
    // Baseline too short: first seen 40 hours ago, then something new 10 hours ago.
    f.habit("sp-young", 12, -40, -20, &USUAL);
    f.sign_in("sp-young", hours(-10), &german);

    // Baseline too thin: 5 sign-ins in 30 days.
    f.habit("sp-sparse", 5, -24 * 40, -24 * 10, &USUAL);
    f.sign_in("sp-sparse", hours(-10), &german);

    // The 7-day window's edges: 6 days 23 hours ago is in, 7 days 1 hour ago is out. (A country
    // is known through the addresses seen in it, so the French sign-ins come from their own
    // address, in the usual /24.)
    let french = Use {
        country: "FR",
        ip: "20.1.2.77",
        ..USUAL
    };
    let sp = f.baseline("edge-in", &USUAL);
    f.sign_in(&sp, hours(-(24 * 7) + 1), &french);
    let sp = f.baseline("edge-out", &USUAL);
    f.sign_in(&sp, hours(-(24 * 7) - 1), &french);

    // Twelve wrong secrets within one hour; nine; and twelve spread over twelve hours.
    let wrong = Use {
        code: 7000215,
        ..USUAL
    };
    let sp = f.baseline("burst", &USUAL);
    for i in 0..12 {
        f.sign_in(&sp, hours(-30) + Duration::minutes(4 * i), &wrong);
    }
    let sp = f.baseline("below-burst", &USUAL);
    for i in 0..9 {
        f.sign_in(&sp, hours(-30) + Duration::minutes(4 * i), &wrong);
    }
    let sp = f.baseline("spread-failures", &USUAL);
    for i in 0..12 {
        f.sign_in(&sp, hours(-40 + i), &wrong);
    }
    f.done()
}

fn found(r: &risk::RiskReport) -> BTreeSet<(String, String)> {
    r.signals
        .iter()
        .map(|s| (s.kind.as_str().to_string(), s.sp_id.clone()))
        .collect()
}

fn pair(kind: SignalKind, sp: &str) -> (String, String) {
    (kind.as_str().to_string(), sp.to_string())
}

#[test]
fn each_local_signal_fires_exactly_where_the_fixture_put_it() {
    let f = fixture();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    let want: BTreeSet<_> = [
        pair(SignalKind::NewCountry, "sp-new-country"),
        pair(SignalKind::NewIpRange, "sp-new-country"),
        pair(SignalKind::OutsideNamedLocations, "sp-new-country"),
        pair(SignalKind::NewIpRange, "sp-new-range"),
        pair(SignalKind::NewResource, "sp-new-resource"),
        pair(SignalKind::NewCredentialType, "sp-new-cred-type"),
        pair(SignalKind::NewKeyId, "sp-new-cred-type"),
        pair(SignalKind::NewKeyId, "sp-rotated"),
        pair(SignalKind::NewCountry, "sp-edge-in"),
        pair(SignalKind::InvalidCredentialBurst, "sp-burst"),
    ]
    .into_iter()
    .collect();
    assert_eq!(found(&r), want);
    assert!(r.unavailable.is_empty(), "named locations are cached");

    let get = |kind: SignalKind, sp: &str| {
        r.signals
            .iter()
            .find(|s| s.kind == kind && s.sp_id == sp)
            .unwrap()
    };
    let country = get(SignalKind::NewCountry, "sp-new-country");
    assert_eq!(country.value, "BR");
    assert_eq!(country.sign_in_count, 3);
    assert_eq!(country.detected_at, "2026-05-30T00:00:00Z");
    assert_eq!(country.display_name, "new-country");
    assert!(country
        .evidence
        .iter()
        .any(|e| e.label == "Baseline" && e.value.starts_with("20 sign-ins")));
    assert_eq!(
        get(SignalKind::NewIpRange, "sp-new-range").value,
        "20.9.9.0/24"
    );
    assert_eq!(
        get(SignalKind::NewKeyId, "sp-new-cred-type").level,
        RiskLevel::High,
        "a key Steward does not hold is high"
    );
    assert_eq!(
        get(SignalKind::NewKeyId, "sp-rotated").level,
        RiskLevel::Low,
        "a rotation to a held key is low"
    );
    let burst = get(SignalKind::InvalidCredentialBurst, "sp-burst");
    assert_eq!(burst.sign_in_count, 12);
    assert_eq!(burst.level, RiskLevel::Medium);

    // The identities behind the levels: high beats lower signals of the same identity.
    let high = r
        .by_level
        .iter()
        .find(|l| l.level == RiskLevel::High)
        .unwrap();
    assert_eq!(high.identities, 1);
    let medium = r
        .by_level
        .iter()
        .find(|l| l.level == RiskLevel::Medium)
        .unwrap();
    assert_eq!(medium.identities, 3, "new-country, edge-in, burst");
}

#[test]
fn the_sign_ins_behind_a_signal_are_exactly_those_that_triggered_it() {
    let f = fixture();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    for (kind, sp, n) in [
        (SignalKind::NewCountry, "sp-new-country", 3),
        (SignalKind::OutsideNamedLocations, "sp-new-country", 3),
        (SignalKind::NewResource, "sp-new-resource", 1),
        (SignalKind::InvalidCredentialBurst, "sp-burst", 12),
    ] {
        let s = r
            .signals
            .iter()
            .find(|s| s.kind == kind && s.sp_id == sp)
            .unwrap();
        let rows = risk::sign_ins_for(&f.conn, f.key, &s.sign_ins, 100).unwrap();
        assert_eq!(rows.len(), n, "{kind:?} of {sp}");
        if kind == SignalKind::NewCountry {
            assert!(rows.iter().all(|x| x.country.as_deref() == Some("BR")));
        }
        if kind == SignalKind::InvalidCredentialBurst {
            assert!(rows.iter().all(|x| x.error_code == 7000215));
        }
    }
}

#[test]
fn a_narrower_window_or_a_higher_threshold_drops_signals() {
    let f = fixture();
    let narrow = RiskSettings {
        window_days: 2,
        burst_threshold: 13,
        ..RiskSettings::default()
    };
    let r = risk::risk_report(&f.conn, f.key, as_of(), &narrow).unwrap();
    let kinds = found(&r);
    assert!(!kinds.contains(&pair(SignalKind::NewCountry, "sp-edge-in")));
    assert!(
        !kinds.contains(&pair(SignalKind::NewIpRange, "sp-new-range")),
        "72 h ago"
    );
    assert!(!kinds.contains(&pair(SignalKind::InvalidCredentialBurst, "sp-burst")));
    assert!(kinds.contains(&pair(SignalKind::NewResource, "sp-new-resource")));
    // As of a day before the Brazilian sign-ins, nothing about them is known yet.
    let earlier = risk::risk_report(
        &f.conn,
        f.key,
        as_of() - Duration::days(3),
        &RiskSettings::default(),
    )
    .unwrap();
    assert!(!found(&earlier).contains(&pair(SignalKind::NewCountry, "sp-new-country")));
    assert!(risk::risk_report(
        &f.conn,
        f.key,
        as_of(),
        &RiskSettings {
            window_days: 0,
            ..RiskSettings::default()
        }
    )
    .is_err());
}

#[test]
fn without_named_locations_that_signal_is_unavailable_not_silent() {
    let f = fixture();
    f.conn.execute("DELETE FROM named_locations", []).unwrap();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    assert!(!r
        .signals
        .iter()
        .any(|s| s.kind == SignalKind::OutsideNamedLocations));
    assert_eq!(r.unavailable.len(), 1);
    assert!(r.unavailable[0].value.contains("named locations"));
}

#[test]
fn decisions_cover_earlier_signals_and_identity_protection_rows_follow_graph() {
    let f = fixture();
    risk_store::upsert_risky_service_principal(
        &f.conn,
        f.key,
        &RiskyServicePrincipal {
            id: "sp-new-country".into(),
            app_id: Some("appid-new-country".into()),
            display_name: Some("new-country".into()),
            service_principal_type: Some("Application".into()),
            is_enabled: Some(true),
            is_processing: Some(false),
            risk_level: "medium".into(),
            risk_state: "atRisk".into(),
            risk_detail: "none".into(),
            risk_last_updated_date_time: Some(hours(-40)),
        },
    )
    .unwrap();
    risk_store::upsert_detection(
        &f.conn,
        f.key,
        &ServicePrincipalRiskDetection {
            id: "det-1".into(),
            service_principal_id: "sp-new-country".into(),
            service_principal_display_name: Some("new-country".into()),
            app_id: None,
            risk_event_type: "suspiciousSignins".into(),
            risk_state: "atRisk".into(),
            risk_level: "medium".into(),
            risk_detail: "none".into(),
            source: Some("identityProtection".into()),
            detection_timing_type: Some("offline".into()),
            activity: Some("signin".into()),
            ip_address: Some("191.233.5.6".into()),
            location: Some(SignInLocation {
                city: Some("Sao Paulo".into()),
                state: None,
                country_or_region: Some("BR".into()),
            }),
            activity_date_time: Some(hours(-48)),
            detected_date_time: Some(hours(-40)),
            last_updated_date_time: Some(hours(-40)),
            key_ids: vec!["key-usual".into()],
            request_id: None,
            correlation_id: None,
            additional_info: None,
        },
    )
    .unwrap();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    assert_eq!(r.risky_identities.len(), 1);
    let ri = &r.risky_identities[0];
    assert_eq!(ri.detections.len(), 1);
    assert_eq!(ri.detections[0].location.as_deref(), Some("Sao Paulo, BR"));
    assert!(ri.pending_action.is_none());

    // Dismissed now: every earlier signal of that identity is dismissed, others stay active.
    risk::act(
        &f.conn,
        f.key,
        &["sp-new-country".to_string()],
        RiskAction::Dismiss,
        as_of(),
    )
    .unwrap();
    risk::act(
        &f.conn,
        f.key,
        &["sp-burst".to_string()],
        RiskAction::Remediated,
        as_of(),
    )
    .unwrap();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    for s in &r.signals {
        let want = match s.sp_id.as_str() {
            "sp-new-country" => SignalState::Dismissed,
            "sp-burst" => SignalState::Remediated,
            _ => SignalState::Active,
        };
        assert_eq!(s.state, want, "{} of {}", s.kind.as_str(), s.sp_id);
    }
    let ri = &r.risky_identities[0];
    assert_eq!(ri.risk_state, "dismissed");
    assert_eq!(ri.risk_level, "none");
    assert_eq!(ri.risk_detail, "adminDismissedAllRiskForServicePrincipal");
    assert_eq!(ri.pending_action, Some(RiskAction::Dismiss));
    assert_eq!(ri.history.len(), 1, "the local decision is in the history");
    // Active signals sort first.
    let first_closed = r
        .signals
        .iter()
        .position(|s| s.state != SignalState::Active)
        .unwrap();
    assert!(r.signals[first_closed..]
        .iter()
        .all(|s| s.state != SignalState::Active));

    // Confirmed compromised later: the newest decision wins.
    risk::act(
        &f.conn,
        f.key,
        &["sp-new-country".to_string()],
        RiskAction::ConfirmCompromised,
        as_of() + Duration::minutes(5),
    )
    .unwrap();
    let r = risk::risk_report(&f.conn, f.key, as_of(), &RiskSettings::default()).unwrap();
    let ri = &r.risky_identities[0];
    assert_eq!(ri.risk_state, "confirmedCompromised");
    assert_eq!(ri.risk_level, "high");
    assert!(r
        .signals
        .iter()
        .filter(|s| s.sp_id == "sp-new-country")
        .all(|s| s.state == SignalState::ConfirmedCompromised));
    assert!(risk::act(&f.conn, f.key, &[], RiskAction::Dismiss, as_of()).is_err());
}

#[test]
fn the_migration_backfill_builds_the_same_roll_ups_as_ingest() {
    let f = fixture();
    let snapshot = |conn: &Connection| -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT sp_id, kind, value, coalesce(label, ''), first_seen, last_seen, count FROM sign_in_features ORDER BY 1, 2, 3",
            "SELECT sp_id, hour, count FROM credential_failure_hours ORDER BY 1, 2",
            "SELECT day, sp_id, success, failure FROM sp_sign_in_days ORDER BY 1, 2",
            "SELECT sp_id, first_any FROM sign_in_activity ORDER BY 1",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            out.extend(rows);
        }
        out
    };
    let ingested = snapshot(&f.conn);
    assert!(ingested.len() > 50);
    // Rebuild the roll-ups with the migration's back-fill statements from the raw sign-ins.
    let sql = include_str!("../migrations/0003_risk.sql");
    let backfill: String = sql
        .split(';')
        .filter(|s| s.contains("INSERT INTO") || s.contains("UPDATE sign_in_activity"))
        .map(|s| format!("{s};"))
        .collect();
    f.conn
        .execute_batch(
            "DELETE FROM sign_in_features; DELETE FROM credential_failure_hours;
             DELETE FROM sp_sign_in_days; UPDATE sign_in_activity SET first_any = NULL;",
        )
        .unwrap();
    f.conn.execute_batch(&backfill).unwrap();
    assert_eq!(snapshot(&f.conn), ingested);
}

#[test]
fn settings_out_of_range_are_refused_with_the_range_not_a_panic() {
    let f = fixture();
    for bad in [
        RiskSettings {
            window_days: i64::MAX,
            ..RiskSettings::default()
        },
        RiskSettings {
            baseline_max_days: i64::MAX,
            ..RiskSettings::default()
        },
        RiskSettings {
            baseline_min_days: 30,
            baseline_max_days: 10,
            ..RiskSettings::default()
        },
        RiskSettings {
            burst_threshold: 0,
            ..RiskSettings::default()
        },
    ] {
        let e = risk::risk_report(&f.conn, f.key, as_of(), &bad).unwrap_err();
        assert!(
            e.to_string().contains("choose values in those ranges"),
            "{e}"
        );
    }
}
