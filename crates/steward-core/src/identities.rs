//! The Identities views: a paged, filtered list of service principals for the window, the full
//! JSON inventory for the CLI, and one identity's detail.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Row, ToSql};
use serde::{Deserialize, Serialize};

use crate::clock::{rfc3339, rfc3339_ms, to_ms};
use crate::model::{
    is_high_risk_permission, CredentialType, IdentityKind, OwnerRelation, Ownership,
};
use crate::overview::EXPIRY_WINDOW_DAYS;
use crate::store::{
    app_role_assignments, applications, credentials, directory_roles, federated_credentials,
    governance, owners, service_principals, sign_ins, TenantKey,
};
use crate::{Error, Result};

/// The most rows one page may ask for.
pub const MAX_PAGE: i64 = 1000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IdentityQuery {
    /// Case-insensitive part of the display name, or the start of the object id or app id.
    pub search: String,
    pub kind: Option<IdentityKind>,
    pub ownership: Option<Ownership>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IdentityRow {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub kind: IdentityKind,
    pub service_principal_type: String,
    pub ownership: Ownership,
    pub account_enabled: bool,
    pub secret_count: i64,
    pub certificate_count: i64,
    pub federated_count: i64,
    pub last_sign_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IdentityPage {
    pub total: i64,
    pub offset: i64,
    pub rows: Vec<IdentityRow>,
}

/// The columns of an identity row; `a` is the backing application in this tenant, if any.
const ROW_SELECT: &str = "
    SELECT sp.id, sp.app_id, sp.display_name, sp.kind, sp.service_principal_type, sp.ownership,
           sp.account_enabled,
           (SELECT count(*) FROM credentials c WHERE c.tenant = sp.tenant
                AND c.owner_id IN (sp.id, a.id) AND c.credential_type = 'secret'),
           (SELECT count(*) FROM credentials c WHERE c.tenant = sp.tenant
                AND c.owner_id IN (sp.id, a.id) AND c.credential_type = 'certificate'),
           (SELECT count(*) FROM federated_credentials f WHERE f.tenant = sp.tenant
                AND f.application_id = a.id),
           act.last_any, act.last_success,
           sp.app_display_name, sp.app_owner_organization_id, sp.sign_in_audience, sp.created,
           sp.tags, sp.alternative_names
    FROM service_principals sp
    LEFT JOIN applications a INDEXED BY applications_by_app_id
        ON a.tenant = sp.tenant AND a.app_id = sp.app_id AND a.deleted IS NULL
    LEFT JOIN sign_in_activity act ON act.tenant = sp.tenant AND act.sp_id = sp.id";

fn row_from(r: &Row<'_>) -> rusqlite::Result<IdentityRow> {
    let kind: String = r.get(3)?;
    let ownership: String = r.get(5)?;
    Ok(IdentityRow {
        id: r.get(0)?,
        app_id: r.get(1)?,
        display_name: r.get(2)?,
        kind: IdentityKind::parse(&kind).unwrap_or(IdentityKind::Application),
        service_principal_type: r.get(4)?,
        ownership: Ownership::parse(&ownership).unwrap_or(Ownership::NotApplicable),
        account_enabled: r.get(6)?,
        secret_count: r.get(7)?,
        certificate_count: r.get(8)?,
        federated_count: r.get(9)?,
        last_sign_in: r.get::<_, Option<i64>>(10)?.map(rfc3339_ms),
    })
}

/// Escapes LIKE's wildcards so a search for `50%_off` means those characters.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of a tenant's active service principals, sorted by display name then id.
pub fn list_identities(
    conn: &Connection,
    key: TenantKey,
    q: &IdentityQuery,
) -> Result<IdentityPage> {
    if q.limit < 0 || q.offset < 0 {
        return Err(Error::InvalidInput(
            "offset and limit must not be negative".into(),
        ));
    }
    let limit = q.limit.min(MAX_PAGE);
    let mut filter = String::from(" WHERE sp.tenant = ?1 AND sp.deleted IS NULL");
    let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(key.0)];
    let search = q.search.trim();
    if !search.is_empty() {
        let n = args.len();
        filter.push_str(&format!(
            " AND (sp.display_name LIKE ?{a} ESCAPE '\\' OR sp.id LIKE ?{b} ESCAPE '\\' OR sp.app_id LIKE ?{b} ESCAPE '\\')",
            a = n + 1,
            b = n + 2
        ));
        let e = like_escape(search);
        args.push(Box::new(format!("%{e}%")));
        args.push(Box::new(format!("{e}%")));
    }
    if let Some(k) = q.kind {
        args.push(Box::new(k.as_str()));
        filter.push_str(&format!(" AND sp.kind = ?{}", args.len()));
    }
    if let Some(o) = q.ownership {
        args.push(Box::new(o.as_str()));
        filter.push_str(&format!(" AND sp.ownership = ?{}", args.len()));
    }
    let refs: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM service_principals sp{filter}"),
        refs.as_slice(),
        |r| r.get(0),
    )?;
    // Page the keys first through the name index, then fetch the expensive columns for the page.
    let sql = format!(
        "{ROW_SELECT} WHERE (sp.tenant, sp.id) IN (
             SELECT sp.tenant, sp.id FROM service_principals sp{filter}
             ORDER BY sp.display_name COLLATE NOCASE, sp.id LIMIT {limit} OFFSET {offset})
         ORDER BY sp.display_name COLLATE NOCASE, sp.id",
        offset = q.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(refs.as_slice(), row_from)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(IdentityPage {
        total,
        offset: q.offset,
        rows,
    })
}

/// One element of `steward identities --json`: Graph's field names plus Steward's derived ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityRecord {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub app_display_name: Option<String>,
    pub service_principal_type: String,
    pub account_enabled: bool,
    pub app_owner_organization_id: Option<String>,
    pub sign_in_audience: Option<String>,
    pub created_date_time: Option<String>,
    pub tags: Vec<String>,
    pub alternative_names: Vec<String>,
    pub kind: IdentityKind,
    pub ownership: Ownership,
    pub credential_counts: CredentialCounts,
    pub last_sign_in_date_time: Option<String>,
    pub last_successful_sign_in_date_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialCounts {
    pub secrets: i64,
    pub certificates: i64,
    pub federated: i64,
}

/// Every active service principal of the tenant (optionally of one kind), sorted by id, handed
/// to `each` one at a time so that 110,000 identities never sit in memory together.
pub fn for_each_identity_record(
    conn: &Connection,
    key: TenantKey,
    kind: Option<IdentityKind>,
    mut each: impl FnMut(IdentityRecord) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "{ROW_SELECT} WHERE sp.tenant = ?1 AND sp.deleted IS NULL AND (?2 IS NULL OR sp.kind = ?2)
         ORDER BY sp.id"
    ))?;
    let mut rows = stmt.query(params![key.0, kind.map(IdentityKind::as_str)])?;
    while let Some(r) = rows.next()? {
        let row = row_from(r)?;
        let record = IdentityRecord {
            id: row.id,
            app_id: row.app_id,
            display_name: row.display_name,
            app_display_name: r.get(12)?,
            service_principal_type: row.service_principal_type,
            account_enabled: row.account_enabled,
            app_owner_organization_id: r.get(13)?,
            sign_in_audience: r.get(14)?,
            created_date_time: r.get::<_, Option<i64>>(15)?.map(rfc3339_ms),
            tags: crate::store::parse_json_list(&r.get::<_, String>(16)?),
            alternative_names: crate::store::parse_json_list(&r.get::<_, String>(17)?),
            kind: row.kind,
            ownership: row.ownership,
            credential_counts: CredentialCounts {
                secrets: row.secret_count,
                certificates: row.certificate_count,
                federated: row.federated_count,
            },
            last_sign_in_date_time: row.last_sign_in,
            last_successful_sign_in_date_time: r.get::<_, Option<i64>>(11)?.map(rfc3339_ms),
        };
        each(record)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSummary {
    pub id: String,
    pub display_name: String,
    pub sign_in_audience: Option<String>,
    pub created_date_time: Option<String>,
    /// Every redirect URI, each with what makes it unsafe; `None` when the cache did not read them.
    pub redirect_uris: Option<Vec<RedirectUriView>>,
    /// The app instance property lock; `None` when not read.
    pub instance_lock: Option<bool>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
}

/// A redirect or reply URI and, when it is unsafe, why (the `unsafeRedirectUri` check's words).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RedirectUriView {
    pub uri: String,
    pub problem: Option<String>,
}

/// The URIs with what is unsafe in each; `dangling` (host → when it did not resolve) applies to
/// an own app's redirect URIs, empty for reply URLs.
fn uri_views(
    uris: Option<Vec<String>>,
    dangling: &std::collections::HashMap<String, i64>,
) -> Option<Vec<RedirectUriView>> {
    uris.map(|list| {
        list.into_iter()
            .map(|uri| RedirectUriView {
                problem: crate::recommendations::own_redirect_uri_problem(&uri, dangling),
                uri,
            })
            .collect()
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OwnerView {
    pub id: String,
    pub display_name: String,
    /// `user`, `servicePrincipal` or `group`; sponsors of agent identities read `sponsor (user)`.
    #[serde(rename = "type")]
    pub owner_type: String,
    /// A user's `userType` (`Member` or `Guest`), when read.
    pub user_type: Option<String>,
    /// What it owns: the service principal or its application.
    pub object_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CredentialStatus {
    Expired,
    ExpiringSoon,
    Valid,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CredentialView {
    /// `application` or `servicePrincipal`: which object holds it.
    pub source: String,
    pub credential_type: CredentialType,
    pub key_id: String,
    pub display_name: Option<String>,
    pub hint: Option<String>,
    pub thumbprint: Option<String>,
    pub start_date_time: Option<String>,
    pub end_date_time: Option<String>,
    pub status: CredentialStatus,
    pub days_left: Option<i64>,
    /// The last cached sign-in with this key.
    pub last_used: Option<String>,
    /// A change to it (its addition) is in the outbox, not yet in Entra.
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredentialView {
    pub id: String,
    pub name: String,
    pub issuer: String,
    pub subject: Option<String>,
    pub audiences: Vec<String>,
    pub description: Option<String>,
    /// The last cached sign-in through this credential.
    pub last_used: Option<String>,
    /// A change to it is in the outbox, not yet in Entra.
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppRoleView {
    /// The assignment's id (what removing it names).
    pub id: String,
    /// The resource's service principal (object id).
    pub resource_id: String,
    pub resource_display_name: String,
    pub app_role_id: String,
    /// The permission's value (`Application.ReadWrite.All`), or its app role id when unknown.
    pub permission: String,
    pub created_date_time: Option<String>,
    pub high_risk: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRoleView {
    pub role_name: String,
    pub role_template_id: String,
    pub privileged: bool,
    pub assignment_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignInRow {
    pub id: String,
    pub created_date_time: String,
    pub resource_display_name: Option<String>,
    pub ip_address: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub error_code: i64,
    pub failure_reason: Option<String>,
    pub client_credential_type: Option<String>,
    pub credential_key_id: Option<String>,
    pub conditional_access_status: Option<String>,
}

impl From<crate::model::SignIn> for SignInRow {
    fn from(s: crate::model::SignIn) -> SignInRow {
        SignInRow {
            id: s.id,
            created_date_time: rfc3339(s.created_date_time),
            resource_display_name: s.resource_display_name,
            ip_address: s.ip_address,
            country: s.country_or_region,
            city: s.city,
            error_code: s.error_code,
            failure_reason: s.failure_reason,
            client_credential_type: s.client_credential_type,
            credential_key_id: s.service_principal_credential_key_id,
            conditional_access_status: s.conditional_access_status,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IdentityDetail {
    pub row: IdentityRow,
    pub app_display_name: Option<String>,
    pub app_owner_organization_id: Option<String>,
    pub sign_in_audience: Option<String>,
    pub created_date_time: Option<String>,
    pub deleted_date_time: Option<String>,
    pub tags: Vec<String>,
    pub alternative_names: Vec<String>,
    /// `appRoleAssignmentRequired`; `None` when the cache did not read it.
    pub app_role_assignment_required: Option<bool>,
    /// `replyUrls`, each with what makes it unsafe; `None` when not read.
    pub reply_urls: Option<Vec<RedirectUriView>>,
    pub application: Option<ApplicationSummary>,
    pub owners: Vec<OwnerView>,
    pub credentials: Vec<CredentialView>,
    pub federated_credentials: Vec<FederatedCredentialView>,
    pub app_role_assignments: Vec<AppRoleView>,
    pub directory_roles: Vec<DirectoryRoleView>,
    /// Delegated permissions granted to this client (`oauth2PermissionGrants`).
    pub delegated_grants: Vec<DelegatedGrantView>,
    /// App-management audit events on the service principal or its application, newest first.
    pub changes: Vec<ChangeView>,
    pub recent_sign_ins: Vec<SignInRow>,
    /// Changes made in Steward to this service principal or its application that Graph does
    /// not have yet, oldest first.
    pub pending_changes: Vec<crate::store::outbox::OutboxItem>,
    pub as_of: String,
}

/// Delegated permissions an API granted this client: for every user, or for one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DelegatedGrantView {
    /// The API's service principal (object id).
    pub resource_id: String,
    pub resource_display_name: String,
    /// `AllPrincipals` (admin consent for everyone) or `Principal` (one user).
    pub consent_type: String,
    pub principal_id: Option<String>,
    pub scopes: Vec<String>,
}

/// One app-management audit event: who did what, and which properties changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChangeView {
    pub at: String,
    pub activity: String,
    /// `application` or `servicePrincipal`: which object of the identity it touched.
    pub target: String,
    pub initiated_by: Option<String>,
    pub result: Option<String>,
    /// "Property: old → new" for the properties the event says changed.
    pub details: Vec<String>,
}

/// How many audit events the detail view shows.
pub const RECENT_CHANGES: usize = 50;

/// What an audit event changed, for people: added and removed credentials named from
/// `KeyDescription` ("Added secret “ci” (key 0b6f1c2d…)"), other properties as "Property: old →
/// new". Graph's bookkeeping (`Included Updated Properties`, `TargetId.…`) is left out.
fn change_details(modified: &str) -> Vec<String> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(modified)
    else {
        return Vec::new();
    };
    let text = |v: Option<&serde_json::Value>| -> String {
        match v {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.chars().take(200).collect(),
            _ => "—".into(),
        }
    };
    let mut out = Vec::new();
    for m in &items {
        let Some(name) = m.get("displayName").and_then(|n| n.as_str()) else {
            continue;
        };
        if name == "Included Updated Properties" || name.starts_with("TargetId.") {
            continue;
        }
        if name == "KeyDescription" {
            let old = key_descriptions(m.get("oldValue"));
            let new = key_descriptions(m.get("newValue"));
            for k in new.iter().filter(|k| !old.contains(k)) {
                out.push(format!("Added {k}"));
            }
            for k in old.iter().filter(|k| !new.contains(k)) {
                out.push(format!("Removed {k}"));
            }
            continue;
        }
        out.push(format!(
            "{name}: {} → {}",
            text(m.get("oldValue")),
            text(m.get("newValue"))
        ));
    }
    out
}

/// The credentials a `KeyDescription` value lists (a JSON string holding a JSON array of
/// `[KeyIdentifier=…,KeyType=Password,KeyUsage=Verify,DisplayName=…]`), as "secret “name” (key
/// 0b6f1c2d…)".
fn key_descriptions(v: Option<&serde_json::Value>) -> Vec<String> {
    let Some(serde_json::Value::String(s)) = v else {
        return Vec::new();
    };
    let entries: Vec<String> = serde_json::from_str(s).unwrap_or_default();
    entries
        .iter()
        .map(|e| {
            let field = |k: &str| {
                e.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .find_map(|p| p.trim().strip_prefix(k)?.strip_prefix('='))
                    .unwrap_or("")
                    .to_string()
            };
            let kind = match field("KeyType").as_str() {
                "Password" => "secret",
                "AsymmetricX509Cert" | "X509CertAndPassword" => "certificate",
                "" => "credential",
                _ => "key",
            };
            let key: String = field("KeyIdentifier").chars().take(8).collect();
            let name = field("DisplayName");
            match (name.is_empty(), key.is_empty()) {
                (false, false) => format!("{kind} “{name}” (key {key}…)"),
                (false, true) => format!("{kind} “{name}”"),
                (true, false) => format!("{kind} (key {key}…)"),
                (true, true) => kind.to_string(),
            }
        })
        .collect()
}

/// How many sign-ins the detail view shows.
pub const RECENT_SIGN_INS: i64 = 50;

/// Everything Steward holds about one service principal, as it stands at `as_of`.
pub fn identity_detail(
    conn: &Connection,
    key: TenantKey,
    tenant_id: &str,
    id: &str,
    as_of: DateTime<Utc>,
) -> Result<IdentityDetail> {
    let unknown = || Error::UnknownServicePrincipal {
        tenant: tenant_id.into(),
        id: id.into(),
    };
    let sp = service_principals::get_service_principal(conn, key, id)?.ok_or_else(unknown)?;
    let row = conn.query_row(
        &format!("{ROW_SELECT} WHERE sp.tenant = ?1 AND sp.id = ?2"),
        params![key.0, id],
        row_from,
    )?;
    let app = applications::get_application_by_app_id(conn, key, &sp.app_id)?;
    let mut holders: Vec<&str> = vec![&sp.id];
    if let Some(a) = &app {
        holders.push(&a.id);
    }
    let now = to_ms(as_of);
    let soon = to_ms(as_of + Duration::days(EXPIRY_WINDOW_DAYS));
    let pending_changes: Vec<crate::store::outbox::OutboxItem> =
        crate::store::outbox::unpushed(conn, key)?
            .into_iter()
            .filter(|i| holders.contains(&i.target_id.as_str()))
            .collect();
    let pending_keys: Vec<&str> = pending_changes
        .iter()
        .filter_map(|i| match &i.change {
            crate::manage::Change::AddSecret { secret, .. } => Some(secret.key_id.as_str()),
            crate::manage::Change::AddCertificate { certificate, .. } => {
                Some(certificate.key_id.as_str())
            }
            _ => i.change.credential_name(),
        })
        .collect();
    let stored = credentials::list_for_owners(conn, key, &holders)?;
    let fics = match &app {
        Some(a) => federated_credentials::list_for_application(conn, key, &a.id)?,
        None => Vec::new(),
    };
    let ids: Vec<&str> = stored
        .iter()
        .map(|c| c.key_id.as_str())
        .chain(fics.iter().map(|f| f.id.as_str()))
        .collect();
    let last_uses = credentials::last_uses(conn, key, &ids)?;
    let last_use = |k: &str| {
        last_uses
            .get(k)
            .map(|ms| rfc3339(crate::clock::from_ms(*ms)))
    };
    let credentials = stored
        .into_iter()
        .map(|c| {
            let end = c.end.map(to_ms);
            let status = match end {
                Some(e) if e <= now => CredentialStatus::Expired,
                Some(e) if e <= soon => CredentialStatus::ExpiringSoon,
                _ => CredentialStatus::Valid,
            };
            CredentialView {
                source: c.owner_type,
                credential_type: CredentialType::parse(&c.credential_type),
                display_name: c.display_name,
                hint: c.hint,
                thumbprint: c.thumbprint,
                start_date_time: c.start.map(rfc3339),
                end_date_time: c.end.map(rfc3339),
                status,
                days_left: end.map(|e| (e - now).div_euclid(86_400_000)),
                last_used: last_use(&c.key_id),
                pending: pending_keys.contains(&c.key_id.as_str()),
                key_id: c.key_id,
            }
        })
        .collect();
    let federated_credentials = fics
        .into_iter()
        .map(|f| FederatedCredentialView {
            last_used: last_use(&f.id),
            pending: pending_keys.contains(&f.name.as_str()),
            id: f.id,
            name: f.name,
            issuer: f.issuer,
            subject: f.subject,
            audiences: f.audiences,
            description: f.description,
        })
        .collect();
    let owners = owners::list_for_objects(conn, key, &holders)?
        .into_iter()
        .map(|o| OwnerView {
            object_id: o.object_id,
            id: o.owner_id,
            display_name: o.display_name,
            owner_type: match o.relation {
                OwnerRelation::Owner => o.owner_type,
                OwnerRelation::Sponsor => format!("sponsor ({})", o.owner_type),
            },
            user_type: o.user_type,
        })
        .collect();
    let app_role_assignments = app_role_assignments::list_for_principal(conn, key, &sp.id)?
        .into_iter()
        .map(|a| {
            let permission = a.permission.unwrap_or_else(|| a.app_role_id.clone());
            AppRoleView {
                high_risk: is_high_risk_permission(&permission),
                id: a.id,
                resource_id: a.resource_id,
                resource_display_name: a.resource_display_name,
                app_role_id: a.app_role_id,
                permission,
                created_date_time: a.created_date_time.map(rfc3339),
            }
        })
        .collect();
    let directory_roles = directory_roles::list_for_principal(conn, key, &sp.id)?
        .into_iter()
        .map(|r| DirectoryRoleView {
            role_name: r.role_display_name,
            role_template_id: r.role_definition_id,
            privileged: r.is_privileged,
            assignment_type: r.assignment_type,
        })
        .collect();
    let mut delegated_grants = Vec::new();
    for g in governance::list_grants_for_client(conn, key, &sp.id)? {
        let resource_display_name =
            match service_principals::get_service_principal(conn, key, &g.resource_id)? {
                Some(r) => r.display_name,
                None => g.resource_id.clone(),
            };
        delegated_grants.push(DelegatedGrantView {
            resource_id: g.resource_id,
            resource_display_name,
            consent_type: g.consent_type,
            principal_id: g.principal_id,
            scopes: g.scope.split_whitespace().map(str::to_string).collect(),
        });
    }
    let mut changes: Vec<(i64, ChangeView)> = Vec::new();
    for (object, target) in [
        (Some(sp.id.as_str()), "servicePrincipal"),
        (app.as_ref().map(|a| a.id.as_str()), "application"),
    ] {
        let Some(object) = object else { continue };
        for a in governance::list_audits(conn, key, i64::MIN, now, Some(object))? {
            let at = to_ms(a.activity_date_time);
            changes.push((
                at,
                ChangeView {
                    at: rfc3339(a.activity_date_time),
                    activity: a.activity,
                    target: target.into(),
                    initiated_by: a.initiated_by,
                    result: a.result,
                    details: change_details(&a.modified),
                },
            ));
        }
    }
    changes.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.activity.cmp(&b.1.activity)));
    let changes = changes
        .into_iter()
        .take(RECENT_CHANGES)
        .map(|(_, c)| c)
        .collect();
    let recent_sign_ins = sign_ins::list_recent_for_sp(conn, key, &sp.id, RECENT_SIGN_INS)?
        .into_iter()
        .map(SignInRow::from)
        .collect();
    let dangling = crate::store::redirect_domains::dangling(conn, key)?;
    Ok(IdentityDetail {
        row,
        app_display_name: sp.app_display_name,
        app_owner_organization_id: sp.app_owner_organization_id,
        sign_in_audience: sp.sign_in_audience,
        created_date_time: sp.created_date_time.map(rfc3339),
        deleted_date_time: sp.deleted_date_time.map(rfc3339),
        tags: sp.tags,
        alternative_names: sp.alternative_names,
        app_role_assignment_required: sp.app_role_assignment_required,
        reply_urls: uri_views(sp.reply_urls, &Default::default()),
        application: app.map(|a| ApplicationSummary {
            id: a.id,
            display_name: a.display_name,
            sign_in_audience: a.sign_in_audience,
            created_date_time: a.created_date_time.map(rfc3339),
            redirect_uris: uri_views(a.redirect_uris, &dangling),
            instance_lock: a.instance_lock,
            notes: a.notes,
            tags: a.tags,
        }),
        owners,
        credentials,
        federated_credentials,
        app_role_assignments,
        directory_roles,
        delegated_grants,
        changes,
        recent_sign_ins,
        pending_changes,
        as_of: rfc3339(as_of),
    })
}

#[cfg(test)]
mod change_tests {
    use super::*;

    #[test]
    fn an_audit_events_key_changes_read_as_added_and_removed_credentials() {
        // The shape of Graph's directoryAudit `modifiedProperties` for a removed secret.
        let modified = r#"[
            {"displayName": "KeyDescription",
             "oldValue": "[\"[KeyIdentifier=e8c54fd1-4282-5e35-8890-15177d7d8adb,KeyType=Password,KeyUsage=Verify,DisplayName=sync-temp]\"]",
             "newValue": "[]"},
            {"displayName": "Included Updated Properties", "oldValue": null, "newValue": "\"KeyDescription\""},
            {"displayName": "TargetId.ServicePrincipalNames", "oldValue": null, "newValue": "\"api://x\""},
            {"displayName": "AppAddress", "oldValue": "a", "newValue": "b"}
        ]"#;
        assert_eq!(
            change_details(modified),
            vec![
                "Removed secret “sync-temp” (key e8c54fd1…)".to_string(),
                "AppAddress: a → b".to_string(),
            ]
        );
        assert!(change_details("not json").is_empty());
    }
}
