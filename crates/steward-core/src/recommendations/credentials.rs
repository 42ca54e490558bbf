//! The tenant's credentials as the credential checks need them: each with its holder and its
//! last use from the cached log and Graph's credential report, read once per run.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::context::Ctx;
use crate::Result;

/// One credential as the rules need it.
pub(super) struct Cred {
    pub(super) owner_id: String,
    pub(super) owner_type: String,
    pub(super) key_id: String,
    pub(super) credential_type: String,
    pub(super) name: Option<String>,
    pub(super) thumbprint: Option<String>,
    pub(super) usage: Option<String>,
    pub(super) start: Option<i64>,
    pub(super) end: Option<i64>,
    pub(super) owner_name: String,
    pub(super) app_id: Option<String>,
    /// For a service principal's credential: its ownership class and kind.
    pub(super) sp_ownership: Option<String>,
    pub(super) sp_kind: Option<String>,
    pub(super) last_used: Option<i64>,
    pub(super) graph_last_used: Option<i64>,
}

/// Every credential on an active object, with its holder and last use. The holders' names and
/// the two last-use sources are read by sequential scans into maps: one B-tree lookup per
/// credential per source cost more than the whole scan on a large tenant.
pub(super) fn load_credentials(ctx: &Ctx<'_>) -> Result<Vec<Cred>> {
    let conn = ctx.conn;
    let key = ctx.key.0;
    let mut used: HashMap<String, i64> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT key_id, last_used FROM credential_activity WHERE tenant = ?1")?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        used.insert(r.get(0)?, r.get(1)?);
    }
    let mut reported: HashMap<String, i64> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, last_sign_in FROM credential_sign_in_activities
         WHERE tenant = ?1 AND last_sign_in IS NOT NULL",
    )?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        reported.insert(r.get(0)?, r.get(1)?);
    }
    let mut apps: HashMap<String, (String, String)> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, display_name, app_id FROM applications WHERE tenant = ?1")?;
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        apps.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    type SpFacts = (String, String, Option<String>, Option<String>);
    let mut sps: HashMap<String, Option<SpFacts>> = HashMap::new();
    let mut sp_stmt = conn.prepare_cached(
        "SELECT display_name, app_id, ownership, kind FROM service_principals
         WHERE tenant = ?1 AND id = ?2",
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT owner_id, owner_type, key_id, credential_type, display_name, thumbprint, usage,
                start_time, end_time
         FROM credentials WHERE tenant = ?1 AND owner_deleted = 0",
    )?;
    let mut rows = stmt.query([key])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let owner_id: String = r.get(0)?;
        let owner_type: String = r.get(1)?;
        let key_id: String = r.get(2)?;
        let (owner_name, app_id, sp_ownership, sp_kind) = if owner_type == "application" {
            match apps.get(&owner_id) {
                Some((name, app_id)) => (name.clone(), Some(app_id.clone()), None, None),
                None => (owner_id.clone(), None, None, None),
            }
        } else {
            if !sps.contains_key(&owner_id) {
                let facts = sp_stmt
                    .query_row(params![key, owner_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?;
                sps.insert(owner_id.clone(), facts);
            }
            match &sps[&owner_id] {
                Some((name, app_id, ownership, kind)) => (
                    name.clone(),
                    Some(app_id.clone()),
                    ownership.clone(),
                    kind.clone(),
                ),
                None => (owner_id.clone(), None, None, None),
            }
        };
        out.push(Cred {
            last_used: used.get(&key_id).copied(),
            graph_last_used: reported.get(&key_id).copied(),
            owner_id,
            owner_type,
            key_id,
            credential_type: r.get(3)?,
            name: r.get(4)?,
            thumbprint: r.get(5)?,
            usage: r.get(6)?,
            start: r.get(7)?,
            end: r.get(8)?,
            owner_name,
            app_id,
            sp_ownership,
            sp_kind,
        });
    }
    Ok(out)
}

impl Cred {
    pub(super) fn valid_at(&self, t: i64) -> bool {
        self.end.is_none_or(|e| e > t)
    }

    /// A SAML token-signing certificate (and its verify twin) lives on the SP by design.
    pub(super) fn is_saml_signing(&self, all_on_owner: &[&Cred]) -> bool {
        self.usage.as_deref() == Some("Sign")
            || (self.credential_type == "certificate"
                && self.thumbprint.is_some()
                && all_on_owner
                    .iter()
                    .any(|o| o.usage.as_deref() == Some("Sign") && o.thumbprint == self.thumbprint))
    }
}

/// The tenant's credentials with each holder's, read once per run and shared by every check
/// (the checks run on two threads).
pub(super) struct Creds<'a> {
    pub(super) all: &'a [Cred],
    /// Holder's object id → its credentials, in the order of `all`.
    pub(super) by_owner: HashMap<&'a str, Vec<&'a Cred>>,
}

impl<'a> Creds<'a> {
    pub(super) fn new(all: &'a [Cred]) -> Creds<'a> {
        let mut by_owner: HashMap<&str, Vec<&Cred>> = HashMap::new();
        for c in all {
            by_owner.entry(c.owner_id.as_str()).or_default().push(c);
        }
        Creds { all, by_owner }
    }
}
