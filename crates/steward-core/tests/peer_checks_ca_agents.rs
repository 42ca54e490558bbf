//! The conditional access coverage checks (docs/peer-checks.md §1) and the Entra Agent ID
//! governance check (§ agents) on hand-built tenants: each fires where a policy, an owner or a
//! sponsor is missing or an object was left behind, is quiet where all is in order, and is not
//! determined until its data is cached.

#[path = "fixture.rs"]
mod fixture;
use fixture::*;
use serde_json::{json, Value};
use steward_core::dataset::Dataset;
use steward_core::model::ConditionalAccessPolicy;
use steward_core::recommendations::Recommendation;

const RISKY: &str = "conditionalAccessBlocksRiskyIdentitiesMissing";
const OUTSIDE: &str = "credentialsOutsideLocationPolicy";

fn of<'r>(list: &'r [Recommendation], kind: &str) -> &'r Recommendation {
    list.iter()
        .find(|r| r.recommendation_type == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

fn ids(r: &Recommendation) -> Vec<&str> {
    let mut v: Vec<&str> = r.impacted.iter().map(|i| i.id.as_str()).collect();
    v.sort();
    v
}

fn evidence(r: &Recommendation, id: &str, label: &str) -> String {
    r.impacted
        .iter()
        .chain(&r.undetermined)
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} is not listed"))
        .evidence
        .iter()
        .find(|e| e.label == label)
        .unwrap_or_else(|| panic!("{id} has no {label}"))
        .value
        .clone()
}

/// A workload-identity policy as Graph returns it: block, all cloud apps, with `conditions`
/// merged over the defaults.
fn policy(f: &Fx, id: &str, name: &str, state: &str, conditions: Value) {
    let mut c = json!({
        "users": {"includeUsers": ["None"]},
        "applications": {"includeApplications": ["All"]},
        "clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                               "excludeServicePrincipals": []},
        "servicePrincipalRiskLevels": [],
        "locations": null,
    });
    for (k, v) in conditions.as_object().unwrap() {
        c[k] = v.clone();
    }
    put(
        f,
        json!({"id": id, "displayName": name, "state": state, "conditions": c,
               "grantControls": {"operator": "OR", "builtInControls": ["block"]}}),
    );
}

fn put(f: &Fx, v: Value) {
    steward_core::store::governance::upsert_ca_policy(
        &f.conn,
        f.key,
        &ConditionalAccessPolicy::from_graph(&v).unwrap(),
    )
    .unwrap();
}

fn tenant() -> Fx {
    let mut f = Fx::new();
    // Own apps with a valid secret, one with an expired secret only, one without credentials.
    for id in ["billing", "payroll", "reports", "filtered"] {
        let k = format!("key-{id}");
        f.app(id, -300, true, |a| {
            a.password_credentials = vec![secret(&k, -10, 100)]
        });
    }
    f.app("cert-only", -300, true, |a| {
        a.key_credentials = vec![cert("cert-1", -10, 100, "Verify")]
    });
    f.app("expired", -300, true, |a| {
        a.password_credentials = vec![secret("old", -300, -5)]
    });
    f.app("bare", -300, true, |_| {});
    // A credential on the service principal itself counts too.
    f.app("sp-held", -300, true, |_| {});
    f.sp("sp-sp-held", -300, |sp| {
        sp.app_id = "appid-sp-held".into();
        sp.app_owner_organization_id = Some(HOME.into());
        sp.password_credentials = vec![secret("sp-key", -10, 100)];
    });
    // Not coverable: a managed identity with a credential, another organisation's app.
    f.sp("mi-build", -300, |sp| {
        sp.service_principal_type = "ManagedIdentity".into();
        sp.key_credentials = vec![cert("mi-cert", -10, 100, "Verify")];
    });
    f.sp("sp-vendor", -300, |sp| {
        sp.app_owner_organization_id = Some(VENDOR.into());
        sp.password_credentials = vec![secret("vendor-key", -10, 100)];
    });
    f
}

#[test]
fn both_checks_are_not_determined_until_the_policies_are_cached() {
    let f = tenant();
    let list = report(&f);
    for kind in [RISKY, OUTSIDE] {
        let r = of(&list, kind);
        assert_eq!(r.impacted_total, 0, "{kind}");
        let why = r.missing_data.as_deref().expect("not determined");
        assert!(
            why.contains("conditionalAccessPolicies was never synced or imported"),
            "{why}"
        );
    }
    assert_eq!(
        of(&list, RISKY).peer_checks,
        ["ZTA 21883", "ZTA 61012", "MT.1181", "ScubaGear MS.AAD.9.1"]
    );
    assert_eq!(of(&list, OUTSIDE).peer_checks, ["ZTA 21884"]);
}

#[test]
fn risky_identities_need_an_enabled_high_risk_block_for_service_principals_and_agents() {
    let mut f = tenant();
    f.mark_read(&[Dataset::ConditionalAccessPolicies]);
    // No policy at all: the tenant's policies are the one impacted resource.
    let list = report(&f);
    let r = of(&list, RISKY);
    assert!(r.missing_data.is_none());
    assert_eq!(ids(r), ["conditionalAccessPolicies"]);
    assert_eq!(
        evidence(r, "conditionalAccessPolicies", "Service principals"),
        "no enabled policy blocks the tenant's service principals at high risk"
    );
    assert!(evidence(r, "conditionalAccessPolicies", "Agent identities")
        .starts_with("none in the cache"));

    // Near misses are named with what each lacks; none of them counts.
    policy(
        &f,
        "p1",
        "Risky SPs (trial)",
        "enabledForReportingButNotEnforced",
        json!({"servicePrincipalRiskLevels": ["high"]}),
    );
    policy(
        &f,
        "p2",
        "Medium only",
        "enabled",
        json!({"servicePrincipalRiskLevels": ["medium"]}),
    );
    policy(
        &f,
        "p3",
        "Billing only",
        "enabled",
        json!({
        "servicePrincipalRiskLevels": ["high"],
        "clientApplications": {"includeServicePrincipals": ["sp-billing"]}}),
    );
    let r = report(&f);
    let r = of(&r, RISKY);
    assert_eq!(r.impacted_total, 1);
    let short = evidence(
        r,
        "conditionalAccessPolicies",
        "Risk policies that fall short",
    );
    assert!(
        short.contains("“Risky SPs (trial)”: report-only: it blocks nothing"),
        "{short}"
    );
    assert!(
        short.contains("“Medium only”: it blocks at medium risk, not high"),
        "{short}"
    );
    assert!(
        short.contains("“Billing only”: it selects 1 service principal, not all"),
        "{short}"
    );

    // An enabled policy on all service principals at high risk settles it; exclusions are named.
    policy(
        &f,
        "p4",
        "Block risky SPs",
        "enabled",
        json!({
        "servicePrincipalRiskLevels": ["medium", "high"],
        "clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                               "excludeServicePrincipals": ["sp-payroll"]}}),
    );
    assert_eq!(of(&report(&f), RISKY).impacted_total, 0);

    // An agent identity makes the agent half count: a service-principal policy does not cover it.
    f.sp("sp-agent", -30, |sp| {
        sp.service_principal_type = "ServiceIdentity".into();
        sp.agent_identity_blueprint_id = Some("blueprint-1".into());
    });
    let list = report(&f);
    let r = of(&list, RISKY);
    assert_eq!(
        ids(r),
        ["conditionalAccessPolicies"],
        "an agent and no agent policy"
    );
    assert_eq!(
        evidence(r, "conditionalAccessPolicies", "Service principals"),
        "blocked at high risk by “Block risky SPs” (1 excluded)"
    );
    assert_eq!(
        evidence(r, "conditionalAccessPolicies", "Agent identities"),
        "1 in the cache; no enabled policy blocks them at high agent risk"
    );

    // Graph beta's agent fields: all agent identities, agent risk high, block.
    policy(
        &f,
        "p5",
        "Block risky agents",
        "enabled",
        json!({
        "clientApplications": {"includeAgentIdServicePrincipals": ["All"]},
        "agentIdRiskLevels": "high"}),
    );
    assert_eq!(of(&report(&f), RISKY).impacted_total, 0);
}

#[test]
fn own_service_principals_with_credentials_need_an_enabled_location_policy() {
    let mut f = tenant();
    f.mark_read(&[Dataset::ConditionalAccessPolicies]);
    let list = report(&f);
    let r = of(&list, OUTSIDE);
    assert_eq!(
        ids(r),
        ["sp-billing", "sp-cert-only", "sp-filtered", "sp-payroll", "sp-reports", "sp-sp-held"],
        "valid secrets or certificates on the app or the SP; not expired ones, not managed identities or other organisations' apps"
    );
    assert_eq!(
        evidence(r, "sp-cert-only", "Valid credentials"),
        "1 certificate"
    );
    assert_eq!(
        evidence(r, "sp-billing", "Location policies"),
        "none in the tenant"
    );

    let outside_office = json!({"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]});
    // Enabled for every SP but payroll; report-only for reports; a filter for "filtered".
    policy(
        &f,
        "loc",
        "Block outside the office",
        "enabled",
        json!({
        "locations": outside_office,
        "clientApplications": {"includeServicePrincipals": ["ServicePrincipalsInMyTenant"],
                               "excludeServicePrincipals": ["sp-payroll", "sp-reports", "sp-filtered"]}}),
    );
    policy(
        &f,
        "trial",
        "Reports from the office (trial)",
        "enabledForReportingButNotEnforced",
        json!({
        "locations": outside_office,
        "clientApplications": {"includeServicePrincipals": ["sp-reports"]}}),
    );
    policy(
        &f,
        "attr",
        "Tagged workloads",
        "enabled",
        json!({
        "locations": outside_office,
        "clientApplications": {"includeServicePrincipals": ["sp-filtered"],
            "servicePrincipalFilter": {"mode": "include",
                "rule": "CustomSecurityAttribute.Workload.Tier -eq \"prod\""}}}),
    );
    let list = report(&f);
    let r = of(&list, OUTSIDE);
    assert_eq!(ids(r), ["sp-payroll", "sp-reports"]);
    let why = evidence(r, "sp-reports", "Location policies");
    assert!(
        why.contains("“Block outside the office”: excludes it"),
        "{why}"
    );
    assert!(
        why.contains("“Reports from the office (trial)”: report-only: it blocks nothing"),
        "{why}"
    );
    assert!(
        why.contains("“Tagged workloads”: selects other service principals"),
        "{why}"
    );
    // Whether the filter picks it cannot be decided offline: undetermined, with the reason.
    assert_eq!(r.undetermined_total, 1);
    assert_eq!(r.undetermined[0].id, "sp-filtered");
    assert!(r
        .undetermined_reason
        .as_deref()
        .unwrap()
        .contains("custom security attributes"));
}

// agentBlueprintUngoverned lives here too: the Entra Agent ID checks beside the agent CA half.

const UNGOVERNED: &str = "agentBlueprintUngoverned";

fn problems(r: &Recommendation, id: &str) -> String {
    evidence(r, id, "Problems")
}

/// A blueprint `bp-<n>` (application) with its principal `sp-bp-<n>`, both under appId
/// `appid-bp-<n>`, sponsored and owned when `governed`.
fn blueprint(f: &mut Fx, n: &str, governed: bool) {
    let id = format!("bp-{n}");
    f.app(&id, -200, governed, |a| a.agent_blueprint = true);
    // `Fx::app` made the principal; mark it as the blueprint's.
    f.sp(&format!("sp-{id}"), -200, |sp| {
        sp.app_id = format!("appid-{id}");
        sp.app_owner_organization_id = Some(HOME.into());
        sp.agent_blueprint_principal = true;
        sp.app_role_assignment_required = Some(governed);
    });
    if governed {
        f.owner(&id, steward_core::model::OwnerRelation::Sponsor);
        f.owner(
            &format!("sp-{id}"),
            steward_core::model::OwnerRelation::Sponsor,
        );
        f.owner(
            &format!("sp-{id}"),
            steward_core::model::OwnerRelation::Owner,
        );
    }
}

fn agent(f: &mut Fx, id: &str, blueprint: Option<&str>, owned: bool, enabled: bool) {
    f.sp(id, -30, |sp| {
        sp.service_principal_type = "ServiceIdentity".into();
        sp.agent_identity_blueprint_id = blueprint.map(|b| format!("appid-bp-{b}"));
        sp.account_enabled = enabled;
    });
    f.owner(id, steward_core::model::OwnerRelation::Sponsor);
    if owned {
        f.owner(id, steward_core::model::OwnerRelation::Owner);
    }
}

#[test]
fn agent_blueprints_and_agents_nobody_answers_for_or_left_behind_are_listed() {
    let mut f = Fx::new();
    blueprint(&mut f, "good", true);
    blueprint(&mut f, "bare", false);
    // A principal whose blueprint was deleted: only the principal is left.
    blueprint(&mut f, "gone", true);
    steward_core::store::applications::delete_application(&f.conn, f.key, "bp-gone").unwrap();
    agent(&mut f, "agent-ok", Some("good"), true, true);
    agent(&mut f, "agent-unowned", Some("good"), false, true);
    agent(&mut f, "agent-disabled", Some("bare"), true, false);
    agent(&mut f, "agent-orphan", Some("deleted-long-ago"), true, true);
    agent(&mut f, "agent-unknown", None, true, true);
    f.mark_read(&[Dataset::Owners, Dataset::Sponsors]);

    let list = report(&f);
    let r = of(&list, UNGOVERNED);
    assert!(r.missing_data.is_none(), "{:?}", r.missing_data);
    assert_eq!(
        ids(r),
        [
            "agent-disabled",
            "agent-orphan",
            "agent-unknown",
            "agent-unowned",
            "bp-bare",
            "sp-bp-bare",
            "sp-bp-gone"
        ],
        "the governed blueprint, its principal and the agent made from it are not listed"
    );
    assert_eq!(problems(r, "bp-bare"), "no sponsor · no owner");
    assert_eq!(evidence(r, "bp-bare", "Object"), "Agent identity blueprint");
    assert_eq!(problems(r, "sp-bp-bare"), "no sponsor · no owner");
    assert_eq!(
        problems(r, "sp-bp-gone"),
        "its blueprint (appId appid-bp-gone) is no longer in the tenant"
    );
    assert_eq!(problems(r, "agent-unowned"), "no owner");
    assert_eq!(
        problems(r, "agent-disabled"),
        "disabled, and left in the directory"
    );
    assert_eq!(
        problems(r, "agent-orphan"),
        "no blueprint principal with appId appid-bp-deleted-long-ago in the tenant"
    );
    assert_eq!(problems(r, "agent-unknown"), "no blueprint recorded");
    assert_eq!(
        r.peer_checks,
        ["ZTA 61014", "MT.1204", "MT.1205", "MT.1200", "MT.1203"]
    );
    // A blueprint principal that does not require assignment (MT.1212); the governed one does.
    let assignment = of(&list, "assignmentNotRequired");
    assert_eq!(ids(assignment), ["sp-bp-bare"]);
    assert!(evidence(assignment, "sp-bp-bare", "Why it matters").contains("blueprint's principal"));
    // Sponsors are agentWithoutSponsor's: every agent here has one.
    assert_eq!(of(&list, "agentWithoutSponsor").impacted_total, 0);
}

#[test]
fn agent_governance_is_not_determined_until_owners_and_sponsors_are_read() {
    let mut f = Fx::new();
    blueprint(&mut f, "bare", false);
    f.mark_read(&[Dataset::Owners]);
    let list = report(&f);
    let r = of(&list, UNGOVERNED);
    let why = r.missing_data.as_deref().expect("not determined");
    assert!(
        why.contains("sponsors was never synced or imported"),
        "{why}"
    );
}
