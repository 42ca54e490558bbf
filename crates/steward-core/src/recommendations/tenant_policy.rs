//! Tenant-wide checks on the app and consent policies: user consent, users registering apps, the
//! admin consent workflow and its pending requests, and the default app management policy. Each
//! impacts the policy itself (one resource), not every identity it governs.

use serde_json::Value;

use super::context::Ctx;
use super::resources::ev;
use super::{Evidence, ImpactedResource};
use crate::dataset::Dataset;
use crate::store::policies::list_policies;
use crate::Result;

/// The user-consent policies accepted: verified publishers' low-risk permissions (what the
/// baselines ask for), and Microsoft's managed recommendation, which is at least as strict.
pub const USER_CONSENT_ACCEPTED: [&str; 2] = [
    "ManagePermissionGrantsForSelf.microsoft-user-default-low",
    "ManagePermissionGrantsForSelf.microsoft-user-default-recommended",
];
/// The longest client secret and certificate lifetimes an app management policy should allow
/// (ScubaGear MS.AAD.5.6 and 5.7).
pub const POLICY_SECRET_MAX_DAYS: f64 = 180.0;
pub const POLICY_CERTIFICATE_MAX_DAYS: f64 = 365.0;

const CONSENT_SETTINGS_URL: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ConsentPoliciesMenuBlade/~/UserSettings";
const ADMIN_CONSENT_URL: &str = "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ConsentPoliciesMenuBlade/~/AdminConsentSettings";
const CONSENT_REQUESTS_URL: &str = "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AccessRequests";
const USER_SETTINGS_URL: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/UserSettings";

/// The cached objects of one policy dataset, parsed (an unreadable one is left out: it was
/// written by this build from Graph's JSON, so it cannot be).
fn documents(ctx: &Ctx<'_>, kind: Dataset) -> Result<Vec<(String, Value)>> {
    Ok(list_policies(ctx.conn, ctx.key, kind)?
        .into_iter()
        .filter_map(|p| serde_json::from_str(&p.json).ok().map(|v| (p.id, v)))
        .collect())
}

/// A tenant policy as an impacted resource.
fn policy(id: &str, name: &str, url: &str, evidence: Vec<Evidence>) -> ImpactedResource {
    ImpactedResource {
        id: id.into(),
        resource_type: "policy".into(),
        display_name: name.into(),
        app_id: None,
        service_principal_id: None,
        credential_key_id: None,
        evidence,
        owners: Vec::new(),
        portal_url: url.into(),
    }
}

fn strings<'v>(v: &'v Value, pointer: &str) -> Vec<&'v str> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The consent policy a user-consent assignment names (`ManagePermissionGrantsForSelf.{id}`,
/// which Graph's documentation also writes with a lower-case `m`), or `None` for another kind.
fn self_consent_policy(assigned: &str) -> Option<&str> {
    const PREFIX: &str = "managepermissiongrantsforself.";
    let head = assigned.get(..PREFIX.len())?;
    head.eq_ignore_ascii_case(PREFIX)
        .then(|| &assigned[PREFIX.len()..])
}

/// What a user-consent policy lets users do, in the admin's words.
fn consent_meaning(policy: &str) -> String {
    match self_consent_policy(policy) {
        Some("microsoft-user-default-legacy") => {
            "microsoft-user-default-legacy: users consent to any app, from any publisher, for any permission that needs no admin".into()
        }
        Some("microsoft-user-default-low") => "microsoft-user-default-low".into(),
        Some(other) => format!("{other}: a custom consent policy"),
        None => policy.into(),
    }
}

/// `authorizationPolicy` lets users consent beyond verified publishers' low-risk permissions.
pub(super) fn user_consent_allowed(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for (id, v) in documents(ctx, Dataset::AuthorizationPolicy)? {
        let assigned = strings(
            &v,
            "/defaultUserRolePermissions/permissionGrantPoliciesAssigned",
        );
        let beyond: Vec<String> = assigned
            .iter()
            .filter(|p| {
                self_consent_policy(p).is_some()
                    && !USER_CONSENT_ACCEPTED
                        .iter()
                        .any(|a| p.eq_ignore_ascii_case(a))
            })
            .map(|p| consent_meaning(p))
            .collect();
        if !beyond.is_empty() {
            out.push(policy(
                &id,
                "Authorization policy: user consent",
                CONSENT_SETTINGS_URL,
                vec![
                    ev("Users may consent under", beyond.join("; ")),
                    ev(
                        "Accepted",
                        "no user consent, microsoft-user-default-low (verified publishers, low-risk permissions) or Microsoft's managed microsoft-user-default-recommended",
                    ),
                ],
            ));
        }
    }
    Ok(out)
}

/// `authorizationPolicy` lets every user register applications.
pub(super) fn users_can_register_apps(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for (id, v) in documents(ctx, Dataset::AuthorizationPolicy)? {
        if v.pointer("/defaultUserRolePermissions/allowedToCreateApps") == Some(&Value::Bool(true))
        {
            out.push(policy(
                &id,
                "Authorization policy: app registration by users",
                USER_SETTINGS_URL,
                vec![ev(
                    "Users can register applications",
                    "yes (defaultUserRolePermissions.allowedToCreateApps)",
                )],
            ));
        }
    }
    Ok(out)
}

/// The admin consent workflow is off, or on without anyone to review requests.
pub(super) fn admin_consent_workflow_disabled(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for (id, v) in documents(ctx, Dataset::AdminConsentRequestPolicy)? {
        let enabled = v.get("isEnabled") == Some(&Value::Bool(true));
        let reviewers = v
            .get("reviewers")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let finding = if !enabled {
            "off: users who may not consent are refused, with no way to ask an admin"
        } else if reviewers == 0 {
            "on, but no reviewer is named: requests reach nobody"
        } else {
            continue;
        };
        out.push(policy(
            &id,
            "Admin consent request policy",
            ADMIN_CONSENT_URL,
            vec![ev("Admin consent workflow", finding)],
        ));
    }
    Ok(out)
}

/// Admin-consent requests still waiting for a decision.
pub(super) fn pending_consent_requests(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let mut out = Vec::new();
    for (id, v) in documents(ctx, Dataset::AppConsentRequests)? {
        let scopes: Vec<&str> = v
            .get("pendingScopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.get("displayName").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if scopes.is_empty() {
            continue;
        }
        let app_id = v.get("appId").and_then(Value::as_str).unwrap_or_default();
        let name = v
            .get("appDisplayName")
            .and_then(Value::as_str)
            .unwrap_or(app_id);
        let mut evidence = vec![ev("Permissions requested", scopes.join(", "))];
        if let Some(t) = v.get("consentType").and_then(Value::as_str) {
            evidence.push(ev("Consent type", t));
        }
        let mut r = policy(&id, name, CONSENT_REQUESTS_URL, evidence);
        r.resource_type = "consentRequest".into();
        r.app_id = (!app_id.is_empty()).then(|| app_id.to_string());
        out.push(r);
    }
    Ok(out)
}

/// Days in an ISO 8601 duration as Graph writes lifetimes (`P90D`, `P1Y`, `P4DT12H`); a year is
/// 365 days and a month 30.
pub fn duration_days(s: &str) -> Option<f64> {
    let rest = s.trim().strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut days = 0.0;
    for (part, units) in [
        (
            date,
            &[('Y', 365.0), ('M', 30.0), ('W', 7.0), ('D', 1.0)][..],
        ),
        (
            time,
            &[
                ('H', 1.0 / 24.0),
                ('M', 1.0 / 1440.0),
                ('S', 1.0 / 86_400.0),
            ][..],
        ),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let (_, per) = units.iter().find(|(u, _)| *u == c)?;
                days += number.parse::<f64>().ok()? * per;
                number.clear();
            }
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(days)
}

/// An enabled restriction of `kind` among `list` (a restriction without `state` predates the
/// property and is in force), with its `maxLifetime` in days when it has one.
fn restriction(list: Option<&Value>, kind: &str) -> Option<Option<f64>> {
    list?
        .as_array()?
        .iter()
        .find(|r| {
            r.get("restrictionType").and_then(Value::as_str) == Some(kind)
                && r.get("state").and_then(Value::as_str) != Some("disabled")
        })
        .map(|r| {
            r.get("maxLifetime")
                .and_then(Value::as_str)
                .and_then(duration_days)
        })
}

/// The tenant's default app management policy: off, or without the restrictions the baselines
/// ask for (no new secrets; secrets at most 180 days; certificates at most 365 days).
pub(super) fn app_management_policy_weak(ctx: &Ctx<'_>) -> Result<Vec<ImpactedResource>> {
    let custom = match ctx.missing_data(&[Dataset::AppManagementPolicies])? {
        Some(_) => "not read (sync them to see which apps are covered)".to_string(),
        None => format!(
            "{} enabled (each applies only to the apps assigned to it)",
            documents(ctx, Dataset::AppManagementPolicies)?
                .iter()
                .filter(|(_, v)| v.get("isEnabled") == Some(&Value::Bool(true)))
                .count()
        ),
    };
    let mut out = Vec::new();
    for (id, v) in documents(ctx, Dataset::DefaultAppManagementPolicy)? {
        let mut gaps = Vec::new();
        if v.get("isEnabled") != Some(&Value::Bool(true)) {
            gaps.push("the policy is disabled: none of its restrictions apply".to_string());
        }
        let secrets = v.pointer("/applicationRestrictions/passwordCredentials");
        let keys = v.pointer("/applicationRestrictions/keyCredentials");
        if restriction(secrets, "passwordAddition").is_none() {
            gaps.push(
                "client secrets can still be added to apps (no passwordAddition restriction)"
                    .into(),
            );
        }
        match restriction(secrets, "passwordLifetime") {
            Some(Some(d)) if d <= POLICY_SECRET_MAX_DAYS => {}
            Some(Some(d)) => gaps.push(format!(
                "secrets may live {d:.0} days (more than {POLICY_SECRET_MAX_DAYS:.0})"
            )),
            _ => gaps.push(format!(
                "no limit on a secret's lifetime (passwordLifetime of at most {POLICY_SECRET_MAX_DAYS:.0} days)"
            )),
        }
        match restriction(keys, "asymmetricKeyLifetime") {
            Some(Some(d)) if d <= POLICY_CERTIFICATE_MAX_DAYS => {}
            Some(Some(d)) => gaps.push(format!(
                "certificates may live {d:.0} days (more than {POLICY_CERTIFICATE_MAX_DAYS:.0})"
            )),
            _ => gaps.push(format!(
                "no limit on a certificate's lifetime (asymmetricKeyLifetime of at most {POLICY_CERTIFICATE_MAX_DAYS:.0} days)"
            )),
        }
        if gaps.is_empty() {
            continue;
        }
        let mut evidence: Vec<Evidence> = gaps.iter().map(|g| ev("Gap", g.as_str())).collect();
        evidence.push(ev("Custom app management policies", custom.as_str()));
        // The default policy has no page of its own in the admin center: Graph sets it.
        out.push(policy(&id, "Default app management policy", "", evidence));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_graph_writes_them() {
        assert_eq!(duration_days("P90D"), Some(90.0));
        assert_eq!(duration_days("P1Y"), Some(365.0));
        assert_eq!(duration_days("P2W"), Some(14.0));
        assert_eq!(duration_days("P4DT12H"), Some(4.5));
        assert_eq!(duration_days("PT36H"), Some(1.5));
        assert_eq!(duration_days("90 days"), None);
        assert_eq!(duration_days("P9X"), None);
        assert_eq!(duration_days("P90"), None);
    }
}
