//! Checks on applications' and service principals' own settings: redirect URIs open to abuse,
//! multitenant apps without the instance property lock, apps that do not require assignment,
//! and guests among the owners. A row written before these settings were read (NULL) is not
//! determined, never passed.

use std::collections::HashMap;

use super::context::Ctx;
use super::resources::{date, ev};
use super::ImpactedResource;
use crate::Result;

/// Shared hosting domains where a name freed by its owner can be claimed by anyone, so a redirect
/// URI under one can end up delivering tokens to an attacker.
pub const SHARED_HOST_DOMAINS: &[&str] = &[
    "azurewebsites.net",
    "cloudapp.net",
    "cloudapp.azure.com",
    "trafficmanager.net",
    "azureedge.net",
    "blob.core.windows.net",
    "azurestaticapps.net",
    "herokuapp.com",
];

/// Microsoft's first-party tools that can act on the whole tenant for whoever signs in to them
/// (Maester MT.1186): (appId, name).
pub const MICROSOFT_ADMIN_TOOLS: &[(&str, &str)] = &[
    (
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        "Microsoft Azure CLI",
    ),
    (
        "1950a258-227b-4e31-a9cf-717495945fc2",
        "Microsoft Azure PowerShell",
    ),
    (
        "14d82eec-204b-4c2f-b7e8-296a70dab67e",
        "Microsoft Graph Command Line Tools",
    ),
    ("de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer"),
    (
        "1b730954-1685-4b74-9bfd-dac224a7b894",
        "Azure Active Directory PowerShell",
    ),
];

/// A web address's scheme and host (lower case, without port or brackets); `None` for a custom
/// scheme (msal…://auth, ms-app://), which is a native app's own and not a web address.
fn scheme_and_host(uri: &str) -> Option<(&str, String)> {
    let (scheme, rest) = uri.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .trim_start_matches('[');
    let host = host
        .split_once(']')
        .map_or_else(|| host.split(':').next().unwrap_or_default(), |(h, _)| h)
        .to_ascii_lowercase();
    Some((scheme, host))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "127.0.0.1" || host == "::1"
}

/// Why a redirect URI is unsafe, or `None` when it is not.
pub fn redirect_uri_problem(uri: &str) -> Option<String> {
    if uri.contains('*') {
        return Some("a wildcard: any matching host receives the tokens".into());
    }
    let (scheme, host) = scheme_and_host(uri)?;
    if host.is_empty() {
        return Some("not a valid address".into());
    }
    if scheme.eq_ignore_ascii_case("http") && !is_loopback(&host) {
        return Some("plain http: tokens and codes travel unencrypted".into());
    }
    SHARED_HOST_DOMAINS
        .iter()
        .find(|d| host == **d || host.ends_with(&format!(".{d}")))
        .map(|d| {
            format!("under the shared host {d}: if the name is ever freed, anyone can claim it")
        })
}

/// The host name of a web redirect URI that DNS can be asked about: http or https, no
/// wildcard, not loopback and not an IP address.
pub fn redirect_host(uri: &str) -> Option<String> {
    if uri.contains('*') {
        return None;
    }
    let (scheme, host) = scheme_and_host(uri)?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && !host.is_empty() && !is_loopback(&host) && host.parse::<std::net::IpAddr>().is_err())
        .then_some(host)
}

/// Why a redirect URI of an own app is unsafe: [`redirect_uri_problem`], or its host did not
/// resolve when a sync looked it up (`dangling`: host → when).
pub fn own_redirect_uri_problem(uri: &str, dangling: &HashMap<String, i64>) -> Option<String> {
    redirect_uri_problem(uri).or_else(|| {
        let host = redirect_host(uri)?;
        dangling.get(&host).map(|at| {
            format!(
                "{host} did not resolve when looked up on {}: a dangling domain whoever registers or claims it can use to receive the tokens",
                date(*at)
            )
        })
    })
}

fn uri_findings(uris: &[String], dangling: &HashMap<String, i64>) -> Vec<String> {
    uris.iter()
        .filter_map(|u| own_redirect_uri_problem(u, dangling).map(|why| format!("{u}: {why}")))
        .collect()
}

/// Own applications' redirect URIs and other tenants' service principals' reply URLs (not
/// Microsoft's) that are unsafe. Returns (impacted, undetermined).
pub(super) fn unsafe_redirect_uris(
    ctx: &Ctx<'_>,
) -> Result<(Vec<ImpactedResource>, Vec<ImpactedResource>)> {
    let (mut found, mut unknown) = (Vec::new(), Vec::new());
    let dangling = crate::store::redirect_domains::dangling(ctx.conn, ctx.key)?;
    let rows = ctx.objects::<Option<String>>(
        "SELECT id, app_id, display_name, redirect_uris FROM applications
         WHERE tenant = ?1 AND deleted IS NULL ORDER BY id",
    )?;
    for (id, app_id, name, uris) in rows {
        let Some(uris) = uris else {
            unknown.push(ctx.application_resource(&id, &app_id, &name, Vec::new())?);
            continue;
        };
        let problems = uri_findings(&crate::store::parse_json_list(&uris), &dangling);
        if !problems.is_empty() {
            found.push(ctx.application_resource(
                &id,
                &app_id,
                &name,
                vec![ev("Unsafe redirect URIs", problems.join("; "))],
            )?);
        }
    }
    let rows = ctx.objects::<Option<String>>(
        "SELECT id, app_id, display_name, reply_urls FROM service_principals
         WHERE tenant = ?1 AND deleted IS NULL AND ownership = 'external' ORDER BY id",
    )?;
    for (id, app_id, name, uris) in rows {
        let Some(uris) = uris else {
            unknown.push(ctx.sp_resource(&id, &app_id, &name, Vec::new())?);
            continue;
        };
        let problems = uri_findings(&crate::store::parse_json_list(&uris), &HashMap::new());
        if !problems.is_empty() {
            found.push(ctx.sp_resource(
                &id,
                &app_id,
                &name,
                vec![
                    ev("Unsafe reply URLs", problems.join("; ")),
                    ev("Publisher", "another tenant: ask the vendor to fix it"),
                ],
            )?);
        }
    }
    Ok((found, unknown))
}

/// Own multitenant applications whose instances' properties other tenants can change.
pub(super) fn instance_lock_missing(
    ctx: &Ctx<'_>,
) -> Result<(Vec<ImpactedResource>, Vec<ImpactedResource>)> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT id, app_id, display_name, sign_in_audience, instance_lock FROM applications
         WHERE tenant = ?1 AND deleted IS NULL AND sign_in_audience IN
             ('AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount')
             AND (instance_lock IS NULL OR instance_lock = 0)
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<bool>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut found, mut unknown) = (Vec::new(), Vec::new());
    for (id, app_id, name, audience, lock) in rows {
        let evidence = vec![
            ev("Audience", audience),
            ev("App instance property lock", "off"),
        ];
        match lock {
            Some(_) => found.push(ctx.application_resource(&id, &app_id, &name, evidence)?),
            None => unknown.push(ctx.application_resource(&id, &app_id, &name, Vec::new())?),
        }
    }
    Ok((found, unknown))
}

/// Enabled service principals that let any user of the tenant sign in without an assignment:
/// other tenants' apps, and Microsoft's admin tools.
pub(super) fn assignment_not_required(
    ctx: &Ctx<'_>,
) -> Result<(Vec<ImpactedResource>, Vec<ImpactedResource>)> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT id, app_id, display_name, ownership, assignment_required, agent_blueprint_principal
         FROM service_principals
         WHERE tenant = ?1 AND deleted IS NULL AND account_enabled = 1
             AND (kind = 'application' AND ownership IN ('external', 'microsoft')
                  OR agent_blueprint_principal = 1)
             AND (assignment_required IS NULL OR assignment_required = 0)
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<bool>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut found, mut unknown) = (Vec::new(), Vec::new());
    for (id, app_id, name, ownership, required, blueprint_principal) in rows {
        let tool = MICROSOFT_ADMIN_TOOLS
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(&app_id));
        if ownership == "microsoft" && tool.is_none() && !blueprint_principal {
            continue;
        }
        let why = match tool {
            _ if blueprint_principal => "an agent identity blueprint's principal: any user or app in the tenant can get a token for the roles the blueprint's agents expose".to_string(),
            Some((_, t)) => {
                format!("{t}: whoever signs in can manage the tenant as far as their roles allow")
            }
            None => "another tenant's app: every user of the tenant can sign in and consent to it"
                .into(),
        };
        let evidence = vec![ev("Assignment required", "no"), ev("Why it matters", why)];
        match required {
            Some(_) => found.push(ctx.sp_resource(&id, &app_id, &name, evidence)?),
            None => unknown.push(ctx.sp_resource(&id, &app_id, &name, Vec::new())?),
        }
    }
    Ok((found, unknown))
}

/// Applications and service principals owned by a guest user; those with a user owner whose
/// `userType` was never read (and no guest among the others) are not determined.
pub(super) fn guest_owners(
    ctx: &Ctx<'_>,
) -> Result<(Vec<ImpactedResource>, Vec<ImpactedResource>)> {
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT o.object_id, o.display_name, o.user_type, a.app_id, a.display_name, s.app_id,
                s.display_name
         FROM owners o
         LEFT JOIN applications a ON a.tenant = o.tenant AND a.id = o.object_id AND a.deleted IS NULL
         LEFT JOIN service_principals s ON s.tenant = o.tenant AND s.id = o.object_id
             AND s.deleted IS NULL
         WHERE o.tenant = ?1 AND o.relation = 'owner' AND o.owner_type = 'user'
             AND (o.user_type IS NULL OR lower(o.user_type) = 'guest')
         ORDER BY o.object_id, o.display_name",
    )?;
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows = stmt
        .query_map([ctx.key.0], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    /// An owned object: its guests, whether an owner's type is unread, and what it is.
    struct Owned {
        guests: Vec<String>,
        unread: bool,
        is_app: bool,
        app_id: String,
        name: String,
    }
    let mut by_object: std::collections::BTreeMap<String, Owned> =
        std::collections::BTreeMap::new();
    for (object, owner, user_type, app_id, app_name, sp_app_id, sp_name) in rows {
        let (is_app, app_id, name) = match (app_id, app_name, sp_app_id, sp_name) {
            (Some(a), Some(n), _, _) => (true, a, n),
            (_, _, Some(a), Some(n)) => (false, a, n),
            _ => continue,
        };
        let entry = by_object.entry(object).or_insert_with(|| Owned {
            guests: Vec::new(),
            unread: false,
            is_app,
            app_id,
            name,
        });
        match user_type {
            Some(_) => entry.guests.push(owner),
            None => entry.unread = true,
        }
    }
    let (mut found, mut unknown) = (Vec::new(), Vec::new());
    for (id, o) in by_object {
        let (list, evidence) = if !o.guests.is_empty() {
            (&mut found, vec![ev("Guest owners", o.guests.join(", "))])
        } else if o.unread {
            (&mut unknown, Vec::new())
        } else {
            continue;
        };
        list.push(if o.is_app {
            ctx.application_resource(&id, &o.app_id, &o.name, evidence)?
        } else {
            ctx.sp_resource(&id, &o.app_id, &o.name, evidence)?
        });
    }
    Ok((found, unknown))
}

#[cfg(test)]
mod tests {
    use super::{own_redirect_uri_problem, redirect_host, redirect_uri_problem};
    use std::collections::HashMap;

    #[test]
    fn redirect_uris_are_judged_by_scheme_host_and_wildcard() {
        for safe in [
            "https://app.contoso.com/signin-oidc",
            "http://localhost:5000/callback",
            "http://127.0.0.1/cb",
            "http://[::1]:8080/cb",
            "msal1234://auth",
            "https://contoso.com/azurewebsites.net/x",
        ] {
            assert_eq!(redirect_uri_problem(safe), None, "{safe}");
        }
        for (bad, why) in [
            ("http://app.contoso.com/cb", "plain http"),
            ("https://*.contoso.com/cb", "wildcard"),
            (
                "https://payroll.azurewebsites.net/.auth",
                "azurewebsites.net",
            ),
            ("https://PAYROLL.CloudApp.Azure.com/", "cloudapp.azure.com"),
            (
                "https://user@x.trafficmanager.net:443/",
                "trafficmanager.net",
            ),
            ("https:///nohost", "not a valid address"),
        ] {
            let got = redirect_uri_problem(bad).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }
    }

    #[test]
    fn only_web_hosts_are_looked_up_and_a_dangling_one_is_named_with_its_date() {
        assert_eq!(
            redirect_host("https://App.Contoso.com:8443/cb?x=1").as_deref(),
            Some("app.contoso.com")
        );
        for none in [
            "http://localhost:5000/cb",
            "https://127.0.0.1/cb",
            "https://[::1]/cb",
            "https://*.contoso.com/cb",
            "msal00000000-0000-0000-0000-000000000000://auth",
            "https:///nohost",
        ] {
            assert_eq!(redirect_host(none), None, "{none}");
        }
        let dangling = HashMap::from([("old.contoso.com".to_string(), 0i64)]);
        let why = own_redirect_uri_problem("https://old.contoso.com/cb", &dangling).unwrap();
        assert!(
            why.starts_with("old.contoso.com did not resolve when looked up on 1970-01-01"),
            "{why}"
        );
        assert_eq!(
            own_redirect_uri_problem("https://new.contoso.com/cb", &dangling),
            None
        );
        // The other problems come first.
        assert!(
            own_redirect_uri_problem("http://old.contoso.com/cb", &dangling)
                .unwrap()
                .starts_with("plain http")
        );
    }
}
