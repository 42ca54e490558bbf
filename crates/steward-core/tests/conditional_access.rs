//! Conditional access offline, on a hand-built tenant with known answers: a replay blocks exactly
//! the sign-ins from outside an excluded named range, leaves out failures before conditional
//! access, and counts apart what the cache cannot decide; risk conditions follow Identity
//! Protection's history; what-if explains every policy.

mod fixture;
use fixture::*;

use steward_core::conditional_access::{
    self as ca, replay::period_bound, Condition, Outcome, ReplayWindow, WorkloadPolicy,
};
use steward_core::dataset::Dataset;
use steward_core::model::*;
use steward_core::store::risk as risk_store;

const OFFICE: &str = "b57cebae-59eb-5d36-87a1-edf4c487356f";
const OUTSIDE: &str = "198.51.100.7";

fn tenant() -> Fx {
    let mut f = Fx::new();
    f.app("billing", -300, true, |_| {});
    f.app("inventory", -300, true, |_| {});
    f.app("payroll", -300, true, |_| {});
    f.sp("mi-build", -300, |sp| {
        sp.service_principal_type = "ManagedIdentity".into();
    });
    f.sp("sp-exchange", -300, |sp| {
        sp.app_owner_organization_id = Some(MICROSOFT.into());
    });
    risk_store::upsert_named_location(
        &f.conn,
        f.key,
        &NamedLocation {
            id: OFFICE.into(),
            display_name: "Oficina València".into(),
            kind: "ip".into(),
            is_trusted: true,
            ip_ranges: vec!["203.0.113.0/25".into(), "2001:db8:4a7::/48".into()],
            countries_and_regions: vec![],
            include_unknown_countries_and_regions: false,
        },
    )
    .unwrap();
    f.mark_read(&[Dataset::NamedLocations, Dataset::ServicePrincipals]);
    f
}

/// A sign-in `hours` after the start of day `day` (relative to the fixture's as-of).
fn sign_in(f: &mut Fx, sp: &str, day: i64, hours: i64, ip: Option<&str>, code: i64) {
    f.n += 1;
    let s = SignIn {
        id: format!("00000000-0000-4000-8000-{:012x}", f.n),
        created_date_time: days(day) + chrono::Duration::hours(hours),
        sign_in_event_type: if sp.starts_with("mi-") {
            "managedIdentity"
        } else {
            "servicePrincipal"
        }
        .into(),
        service_principal_id: sp.into(),
        service_principal_name: Some(sp.into()),
        app_id: None,
        resource_id: None,
        resource_service_principal_id: None,
        resource_display_name: Some("Microsoft Graph".into()),
        ip_address: ip.map(Into::into),
        city: None,
        state: None,
        country_or_region: Some("ES".into()),
        error_code: code,
        failure_reason: None,
        client_credential_type: Some("clientSecret".into()),
        service_principal_credential_key_id: None,
        service_principal_credential_thumbprint: None,
        federated_credential_id: None,
        conditional_access_status: Some(
            if code == 53003 {
                "failure"
            } else {
                "notApplied"
            }
            .into(),
        ),
    };
    f.writer.insert(&f.conn, &s).unwrap();
    f.writer.flush(&f.conn).unwrap();
}

fn location_policy() -> WorkloadPolicy {
    WorkloadPolicy::from_graph(&serde_json::json!({
        "displayName": "Block outside the office",
        "state": "enabledForReportingButNotEnforced",
        "conditions": {
            "users": {"includeUsers": ["None"]},
            "applications": {"includeApplications": ["All"]},
            "clientApplications": {
                "includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                "excludeServicePrincipals": ["sp-payroll"]
            },
            "locations": {"includeLocations": ["All"], "excludeLocations": [OFFICE]}
        },
        "grantControls": {"operator": "OR", "builtInControls": ["block"]}
    }))
    .unwrap()
}

fn window(from: i64, to: i64) -> ReplayWindow {
    ReplayWindow {
        from: days(from),
        to: days(to) - chrono::Duration::milliseconds(1),
        list_limit: 100,
    }
}

#[test]
fn a_replay_blocks_exactly_the_sign_ins_from_outside_the_excluded_range() {
    let mut f = tenant();
    // billing, day -3: three from the office (IPv4), one from the office over IPv6.
    for h in 1..=3 {
        sign_in(&mut f, "sp-billing", -3, h, Some("203.0.113.20"), 0);
    }
    sign_in(&mut f, "sp-billing", -3, 4, Some("2001:db8:4a7:1::9"), 0);
    // billing, day -2: two from outside, one from outside over IPv6, one conditional access
    // already blocked, and one failed client authentication (never reached conditional access).
    sign_in(&mut f, "sp-billing", -2, 1, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-billing", -2, 2, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-billing", -2, 3, Some("2001:db8:4a8::1"), 0);
    sign_in(&mut f, "sp-billing", -2, 4, Some(OUTSIDE), 53003);
    sign_in(&mut f, "sp-billing", -2, 5, Some(OUTSIDE), 7000215);
    // The office range is a /25: .200 is outside it.
    sign_in(&mut f, "sp-inventory", -1, 1, Some("203.0.113.200"), 0);
    sign_in(&mut f, "sp-inventory", -1, 2, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-inventory", -1, 3, None, 0);
    sign_in(&mut f, "sp-inventory", -1, 4, Some(OUTSIDE), 7000222);
    // Excluded, a managed identity, Microsoft's app, and one the cache does not hold.
    sign_in(&mut f, "sp-payroll", -1, 5, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-payroll", -1, 6, Some(OUTSIDE), 0);
    sign_in(&mut f, "mi-build", -1, 7, Some(OUTSIDE), 0);
    sign_in(&mut f, "mi-build", -1, 8, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-exchange", -1, 9, Some(OUTSIDE), 0);
    sign_in(&mut f, "sp-ghost", -1, 10, Some(OUTSIDE), 0);
    // Outside the replayed period.
    sign_in(&mut f, "sp-billing", -5, 1, Some(OUTSIDE), 0);

    let r = ca::replay(&f.conn, f.key, &location_policy(), window(-3, 0)).unwrap();
    assert_eq!(r.sign_ins_read, 19);
    assert_eq!(r.stopped_before_conditional_access, 2);
    assert_eq!(r.reached_conditional_access, 17);
    assert_eq!(r.blocked_sign_ins, 6);
    let ids: Vec<(&str, i64)> = r
        .identities
        .iter()
        .map(|i| (i.id.as_str(), i.blocked_sign_ins))
        .collect();
    assert_eq!(ids, [("sp-billing", 4), ("sp-inventory", 2)]);
    let per_day: Vec<(&str, i64)> = r
        .per_day
        .iter()
        .map(|d| (d.date.as_str(), d.blocked_sign_ins))
        .collect();
    assert_eq!(
        per_day,
        [("2026-05-29", 0), ("2026-05-30", 4), ("2026-05-31", 2)]
    );
    let undetermined: Vec<(&str, i64)> = r
        .undetermined
        .iter()
        .map(|u| (u.reason.as_str(), u.sign_ins))
        .collect();
    assert_eq!(
        undetermined,
        [
            (
                "The service principal is not in the cache (deleted, or not synced)",
                1
            ),
            ("The sign-in has no IP address", 1),
        ]
    );
    let not_blocked: Vec<(Condition, i64)> = r
        .not_blocked
        .iter()
        .map(|n| (n.condition, n.sign_ins))
        .collect();
    assert_eq!(
        not_blocked,
        [
            (Condition::Exclusion, 2),
            (Condition::Eligibility, 3),
            (Condition::Location, 4),
        ]
    );
    // The blocked sign-ins listed, oldest first, the one conditional access blocked among them.
    assert_eq!(r.sign_ins.len(), 6);
    assert!(r
        .sign_ins
        .windows(2)
        .all(|w| w[0].created_date_time <= w[1].created_date_time));
    assert_eq!(
        r.sign_ins.iter().filter(|s| s.error_code == 53003).count(),
        1
    );
    assert!(r.log_covers_period);

    // A list limit cuts the list, not the counts.
    let mut w = window(-3, 0);
    w.list_limit = 2;
    let cut = ca::replay(&f.conn, f.key, &location_policy(), w).unwrap();
    assert_eq!((cut.sign_ins.len(), cut.blocked_sign_ins), (2, 6));

    // A period the log does not reach back to says so.
    let early = ca::replay(&f.conn, f.key, &location_policy(), window(-30, 0)).unwrap();
    assert!(!early.log_covers_period);
    assert_eq!(early.per_day.len(), 30);
    // A period that ends before it starts, or is too long, is refused with what to do.
    let err = ca::replay(&f.conn, f.key, &location_policy(), window(0, -3)).unwrap_err();
    assert!(err.to_string().contains("swap --from and --to"), "{err}");
    assert!(ca::replay(&f.conn, f.key, &location_policy(), window(-4000, 0)).is_err());
}

#[test]
fn risk_conditions_follow_identity_protections_history() {
    let mut f = tenant();
    let mut policy = location_policy();
    policy.locations = None;
    policy.risk_levels = vec!["high".into()];
    for day in [-4, -2, -1] {
        sign_in(&mut f, "sp-billing", day, 12, Some(OUTSIDE), 0);
        sign_in(&mut f, "sp-inventory", day, 12, Some(OUTSIDE), 0);
    }
    // Without Identity Protection's data, no risk can be told.
    let r = ca::replay(&f.conn, f.key, &policy, window(-5, 0)).unwrap();
    assert_eq!(r.blocked_sign_ins, 0);
    assert_eq!(r.undetermined.len(), 1);
    assert_eq!(r.undetermined[0].sign_ins, 6);
    assert!(r.undetermined[0]
        .reason
        .contains("sync risky service principals"));

    // billing turned high on day -3 and was dismissed on day -1 at 06:00; inventory was never
    // at risk.
    f.mark_read(&[Dataset::RiskyServicePrincipals]);
    for (id, at, level, state) in [
        ("h1", days(-3), "high", "atRisk"),
        (
            "h2",
            days(-1) + chrono::Duration::hours(6),
            "none",
            "dismissed",
        ),
    ] {
        risk_store::upsert_history_item(
            &f.conn,
            f.key,
            &RiskyServicePrincipalHistoryItem {
                id: id.into(),
                service_principal_id: "sp-billing".into(),
                risk_level: level.into(),
                risk_state: state.into(),
                risk_detail: "none".into(),
                risk_last_updated_date_time: at,
                initiated_by: None,
            },
        )
        .unwrap();
    }
    let r = ca::replay(&f.conn, f.key, &policy, window(-5, 0)).unwrap();
    // Day -4 is before billing's history begins; day -2 it was high; day -1 noon, dismissed.
    assert_eq!(r.blocked_sign_ins, 1);
    assert_eq!(r.identities[0].id, "sp-billing");
    assert_eq!(r.per_day.iter().map(|d| d.blocked_sign_ins).sum::<i64>(), 1);
    assert_eq!(r.undetermined.len(), 1);
    assert_eq!(r.undetermined[0].sign_ins, 1);
    assert!(r.undetermined[0].reason.contains("No risk history"));
    assert_eq!(r.not_blocked.len(), 1);
    assert_eq!(
        (r.not_blocked[0].condition, r.not_blocked[0].sign_ins),
        (Condition::Risk, 4)
    );
}

#[test]
fn what_if_explains_every_policy_and_the_condition_that_rules_each_out() {
    let f = tenant();
    let graph = serde_json::to_string(&location_policy().to_graph()).unwrap();
    let mut with_id = serde_json::from_str::<serde_json::Value>(&graph).unwrap();
    with_id["id"] = "p-office".into();
    let users = serde_json::json!({
        "id": "p-users", "displayName": "MFA for admins", "state": "enabled",
        "conditions": {"users": {"includeRoles": ["62e90394-69f5-4237-9190-012177145e10"]},
                       "applications": {"includeApplications": ["All"]}},
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}
    });
    for v in [&with_id, &users] {
        steward_core::store::governance::upsert_ca_policy(
            &f.conn,
            f.key,
            &ConditionalAccessPolicy::from_graph(v).unwrap(),
        )
        .unwrap();
    }
    let outside = ca::what_if(&f.conn, f.key, "appid-billing", OUTSIDE, None).unwrap();
    assert_eq!(outside.service_principal_id, "sp-billing", "found by appId");
    assert!(!outside.blocked, "the policy is report-only");
    assert!(outside.report_only_blocks);
    assert_eq!(outside.policies[0].id, "p-office");
    assert_eq!(outside.policies[0].outcome, Outcome::Applies);
    assert_eq!(outside.policies[1].outcome, Outcome::DoesNotApply);
    assert!(outside.policies[1]
        .reason
        .as_deref()
        .unwrap()
        .contains("assigns users"));

    let inside = ca::what_if(&f.conn, f.key, "sp-billing", "203.0.113.9", Some("high")).unwrap();
    let p = &inside.policies.iter().find(|p| p.id == "p-office").unwrap();
    assert_eq!(p.outcome, Outcome::DoesNotApply);
    assert_eq!(p.ruled_out_by, Some(Condition::Location));
    assert!(p.reason.as_deref().unwrap().contains("Oficina València"));
    assert_eq!(
        p.checks.len(),
        6,
        "every condition is answered: {:?}",
        p.checks
    );

    let mi = ca::what_if(&f.conn, f.key, "mi-build", OUTSIDE, None).unwrap();
    let p = mi.policies.iter().find(|p| p.id == "p-office").unwrap();
    assert_eq!(p.ruled_out_by, Some(Condition::Eligibility));

    for (sp, ip, risk, says) in [
        ("nobody", OUTSIDE, None, "no service principal"),
        ("sp-billing", "not-an-ip", None, "not an IP address"),
        (
            "sp-billing",
            OUTSIDE,
            Some("severe"),
            "use none, low, medium or high",
        ),
    ] {
        let err = ca::what_if(&f.conn, f.key, sp, ip, risk).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }

    // The overview lists the workload policy with its names resolved, and the users' apart.
    let o = ca::overview(&f.conn, f.key).unwrap();
    assert_eq!(o.workload_policies.len(), 1);
    assert_eq!(o.other_policies.len(), 1);
    let w = &o.workload_policies[0];
    assert!(w.includes_all);
    assert_eq!(w.excluded[0].display_name.as_deref(), Some("sp-payroll"));
    assert_eq!(w.locations_excluded[0].display_name, "Oficina València");
    assert_eq!(o.named_locations[0].used_by, ["Block outside the office"]);
}

#[test]
fn period_bounds_take_whole_days_or_instants() {
    assert_eq!(
        period_bound("2026-05-01", false).unwrap().to_rfc3339(),
        "2026-05-01T00:00:00+00:00"
    );
    assert_eq!(
        period_bound("2026-05-01", true)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "2026-05-01T23:59:59.999Z"
    );
    assert!(period_bound("May 1st", false).is_err());
}

#[test]
fn authoring_refuses_the_targets_entra_refuses_and_queues_a_valid_policy_shown_at_once() {
    use steward_core::conditional_access::Included;
    use steward_core::manage::conditional_access as authoring;
    let f = tenant();
    for (target, says) in [
        ("mi-build", "managed identities are not covered"),
        ("sp-exchange", "microsoft first-party apps"),
        ("nobody", "No service principal nobody in the cache"),
    ] {
        let mut p = location_policy();
        p.include = Included::Selected(vec![target.into()]);
        let e = authoring::save_policy(&f.conn, f.key, p, "admin", as_of()).unwrap_err();
        assert!(e.to_string().contains(says), "{target}: {e}");
    }
    let mut p = location_policy();
    p.include = Included::Selected(vec!["sp-billing".into()]);
    let item = authoring::save_policy(&f.conn, f.key, p, "admin", as_of()).unwrap();
    assert_eq!(item.action, "createConditionalAccessPolicy");
    let o = ca::overview(&f.conn, f.key).unwrap();
    assert_eq!(o.workload_policies.len(), 1);
    assert_eq!(o.workload_policies[0].state_label, "Report-only");
    assert_eq!(
        o.workload_policies[0].included[0].display_name.as_deref(),
        Some("sp-billing")
    );
    // The office location is used now: Entra would refuse to delete it.
    let e = authoring::delete_named_location(&f.conn, f.key, OFFICE, "admin", as_of()).unwrap_err();
    assert!(
        e.to_string().contains("remove it from that policy first"),
        "{e}"
    );
}
