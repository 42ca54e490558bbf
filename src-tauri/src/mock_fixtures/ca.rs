//! The Conditional access page's fixtures, on a copy of the demo tenant: the overview, what-if
//! for the cases the UI's tests pick, a replay of the report-only location policy over the 30
//! days before as-of, the problems of the new-policy dialog's drafts, and the items queued by
//! saving a policy and a named location. Local ids are random: fixed ones stand in for them.

use std::path::Path;

use chrono::Duration;
use serde_json::{json, Value};
use steward_core::conditional_access::{
    self as ca, Included, Locations, PolicyState, ReplayWindow, WorkloadPolicy,
};
use steward_core::manage::conditional_access as authoring;
use steward_core::model::NamedLocation;

use super::{case, value, Cache, CHART_PLACEHOLDER};
use crate::conditional_access::ReplayView;

/// The name the tests type into the new-policy dialog, and the location dialog's.
pub(super) const NEW_POLICY: &str = "Block apps outside trusted networks";
const NEW_LOCATION: &str = "Build agents";

/// The new-policy dialog's draft: report-only, every service principal, any location but the
/// trusted ones.
pub(super) fn draft(name: &str) -> WorkloadPolicy {
    WorkloadPolicy {
        id: None,
        display_name: name.into(),
        state: PolicyState::ReportOnly,
        include: Included::AllInTenant,
        exclude: vec![],
        filter: None,
        locations: Some(Locations {
            include: vec!["All".into()],
            exclude: vec!["AllTrusted".into()],
        }),
        risk_levels: vec![],
    }
}

fn location(name: &str, ranges: &[&str]) -> NamedLocation {
    NamedLocation {
        id: String::new(),
        display_name: name.into(),
        kind: "ip".into(),
        is_trusted: true,
        ip_ranges: ranges.iter().map(|r| r.to_string()).collect(),
        countries_and_regions: vec![],
        include_unknown_countries_and_regions: false,
    }
}

pub(super) fn conditional_access(c: &Cache, dir: &Path) -> Value {
    let cc = c.copy(dir, "ca");
    let (conn, key, now) = (&cc.conn, cc.key, cc.as_of);
    let who = "admin (Steward window)";
    let overview = ca::overview(conn, key).unwrap();
    // An app of this tenant, which the policies cover.
    let own: String = conn
        .query_row(
            "SELECT id FROM service_principals WHERE tenant = ?1 AND ownership = 'ownSingleTenant'
             AND kind = 'application' AND deleted IS NULL ORDER BY display_name, id LIMIT 1",
            [key.0],
            |r| r.get(0),
        )
        .unwrap();
    let what_if: Vec<Value> = [
        (own.as_str(), "192.0.2.10", Some("high")),
        (own.as_str(), "20.50.1.1", None),
        (own.as_str(), "not-an-address", None),
    ]
    .into_iter()
    .map(|(sp, ip, risk)| {
        case(
            json!({"sp": sp, "ip": ip, "risk": risk}),
            ca::what_if(conn, key, sp, ip, risk),
        )
    })
    .collect();
    let to = now.date_naive();
    let from = to - Duration::days(29);
    let replays: Vec<Value> = overview
        .workload_policies
        .iter()
        .filter_map(|p| p.policy.clone())
        .chain([draft(NEW_POLICY)])
        .map(|policy| {
            let (a, b) = ca::replay::whole_days(from, to);
            let answer = ca::replay(
                conn,
                key,
                &policy,
                ReplayWindow {
                    from: a,
                    to: b,
                    list_limit: 200,
                },
            )
            .map(|replay| ReplayView {
                replay,
                chart: CHART_PLACEHOLDER.into(),
            });
            case(
                json!({"policy": policy, "from": from.to_string(), "to": to.to_string()}),
                answer,
            )
        })
        .collect();
    let problems: Vec<Value> = [draft(""), draft(NEW_POLICY)]
        .into_iter()
        .map(|d| {
            case(
                json!({"draft": d}),
                authoring::policy_problems(conn, key, &d),
            )
        })
        .collect();
    let saved = authoring::save_policy(conn, key, draft(NEW_POLICY), who, now).unwrap();
    let locations = [
        location(NEW_LOCATION, &["203.0.113.0/24"]),
        location(NEW_LOCATION, &["203.0.113.7"]),
    ];
    let location_problems: Vec<Value> = locations
        .iter()
        .map(|l| {
            case(
                json!({"location": l}),
                authoring::location_problems(conn, key, l),
            )
        })
        .collect();
    let saved_location =
        authoring::save_named_location(conn, key, locations[0].clone(), who, now).unwrap();
    let v = json!({
        "ownSp": own,
        "overview": value(&overview),
        "whatIf": what_if,
        "replay": replays,
        "problems": problems,
        "saved": value(&saved),
        "locationProblems": location_problems,
        "savedLocation": value(&saved_location),
    });
    let mut text = v.to_string();
    for (i, id) in [&saved.target_id, &saved_location.target_id]
        .into_iter()
        .enumerate()
    {
        text = text.replace(
            id.as_str(),
            &format!("00000000-0000-4000-8000-{:012}", 100 + i),
        );
    }
    serde_json::from_str(&text).unwrap()
}
