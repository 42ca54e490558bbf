//! Every credential of a tenant with its expiry, last use and owners, sorted by urgency: what the
//! credential-expiry report lists and admins feed into their own ticket systems.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::clock::to_ms;
use crate::recommendations::{app_url, sp_url};
use crate::store::TenantKey;
use crate::Result;

const DAY_MS: i64 = 86_400_000;

/// How urgent a credential's expiry is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Urgency {
    /// Expired, yet something signed in with it after its end or within the last 30 days: a
    /// workload is failing now.
    ExpiredInUse,
    /// Expires within 30 days.
    Expiring30,
    /// Expires in 31 to 90 days.
    Expiring90,
    /// Expired and not used since: a leftover to remove.
    Expired,
    /// Valid for more than 90 days.
    Valid,
    /// No end date.
    NoExpiry,
}

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Urgency::ExpiredInUse => "Expired, still in use",
            Urgency::Expiring30 => "Expires within 30 days",
            Urgency::Expiring90 => "Expires in 31–90 days",
            Urgency::Expired => "Expired",
            Urgency::Valid => "Valid beyond 90 days",
            Urgency::NoExpiry => "No end date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialExpiry {
    pub urgency: Urgency,
    /// `application` or `servicePrincipal`: the object that holds the credential.
    pub holder_type: String,
    pub holder_id: String,
    pub display_name: String,
    pub app_id: Option<String>,
    /// `secret` or `certificate`.
    pub credential_type: String,
    pub credential_name: Option<String>,
    pub key_id: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Whole days from `as_of` to the end (negative once expired).
    pub days_left: Option<i64>,
    /// The latest use known: the cached sign-in log or Graph's usage report.
    pub last_used: Option<i64>,
    pub owners: Vec<String>,
    pub portal_url: String,
}

/// Every credential on an active application or service principal, most urgent first (within a
/// band: soonest end first; expired ones most recently expired first).
pub fn credential_expiry(
    conn: &Connection,
    key: TenantKey,
    as_of: DateTime<Utc>,
) -> Result<Vec<CredentialExpiry>> {
    let now = to_ms(as_of);
    let mut used: HashMap<String, i64> = HashMap::new();
    for sql in [
        "SELECT key_id, last_used FROM credential_activity WHERE tenant = ?1",
        "SELECT key_id, last_sign_in FROM credential_sign_in_activities
         WHERE tenant = ?1 AND last_sign_in IS NOT NULL",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([key.0])?;
        while let Some(r) = rows.next()? {
            let k: String = r.get(0)?;
            let at: i64 = r.get(1)?;
            let e = used.entry(k).or_insert(at);
            *e = (*e).max(at);
        }
    }
    let mut owners: HashMap<String, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT object_id, display_name FROM owners WHERE tenant = ?1 ORDER BY object_id, display_name",
    )?;
    let mut rows = stmt.query([key.0])?;
    while let Some(r) = rows.next()? {
        owners.entry(r.get(0)?).or_default().push(r.get(1)?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.owner_type, c.owner_id, coalesce(a.display_name, sp.display_name, c.owner_id),
                coalesce(a.app_id, sp.app_id), c.credential_type, c.display_name, c.key_id,
                c.start_time, c.end_time
         FROM credentials c
         LEFT JOIN applications a ON c.owner_type = 'application'
             AND a.tenant = c.tenant AND a.id = c.owner_id
         LEFT JOIN service_principals sp ON c.owner_type = 'servicePrincipal'
             AND sp.tenant = c.tenant AND sp.id = c.owner_id
         WHERE c.tenant = ?1 AND c.owner_deleted = 0",
    )?;
    let mut rows = stmt.query([key.0])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let holder_type: String = r.get(0)?;
        let holder_id: String = r.get(1)?;
        let app_id: Option<String> = r.get(3)?;
        let key_id: String = r.get(6)?;
        let end: Option<i64> = r.get(8)?;
        let last_used = used.get(&key_id).copied();
        let urgency = match end {
            None => Urgency::NoExpiry,
            Some(e) if e <= now => {
                if last_used.is_some_and(|u| u > e || u > now - 30 * DAY_MS) {
                    Urgency::ExpiredInUse
                } else {
                    Urgency::Expired
                }
            }
            Some(e) if e <= now + 30 * DAY_MS => Urgency::Expiring30,
            Some(e) if e <= now + 90 * DAY_MS => Urgency::Expiring90,
            Some(_) => Urgency::Valid,
        };
        let app = app_id.as_deref().unwrap_or_default();
        let portal_url = if holder_type == "application" {
            app_url(app)
        } else {
            sp_url(&holder_id, app)
        };
        out.push(CredentialExpiry {
            urgency,
            owners: owners.get(&holder_id).cloned().unwrap_or_default(),
            holder_type,
            display_name: r.get(2)?,
            app_id,
            credential_type: r.get(4)?,
            credential_name: r.get(5)?,
            key_id,
            start: r.get(7)?,
            end,
            days_left: end.map(|e| (e - now).div_euclid(DAY_MS)),
            last_used,
            portal_url,
            holder_id,
        });
    }
    out.sort_by(|a, b| {
        let end_order = match a.urgency {
            Urgency::Expired | Urgency::ExpiredInUse => b.end.cmp(&a.end),
            _ => a.end.cmp(&b.end),
        };
        a.urgency
            .cmp(&b.urgency)
            .then(end_order)
            .then_with(|| a.display_name.cmp(&b.display_name))
            .then_with(|| a.key_id.cmp(&b.key_id))
    });
    Ok(out)
}
