//! What every check reads besides its own query: the tenant, the as-of instant, how far the
//! usage evidence reaches, and the tenant-wide lookups (owners, applications and service
//! principals by appId), each read once when first asked.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::resources::date;
use crate::clock::DAY_MS;
use crate::dataset::Dataset;
use crate::store::TenantKey;
use crate::Result;

pub(super) struct Ctx<'c> {
    pub(super) conn: &'c Connection,
    pub(super) key: TenantKey,
    pub(super) as_of: i64,
    /// The oldest cached sign-in.
    pub(super) history_from: Option<i64>,
    pub(super) activity_report: bool,
    pub(super) credential_report: bool,
    /// appId → (object id, name) of the tenant's active applications, read once when first asked.
    pub(super) apps_by_app_id: std::cell::OnceCell<HashMap<String, (String, String)>>,
    /// appId → object id of its active service principal, as looked up so far.
    pub(super) sps_by_app_id: std::cell::RefCell<HashMap<String, Option<String>>>,
    /// object id → its owners as (name, whether a user), sorted by name, read once when first
    /// asked.
    pub(super) owners_by_object: std::cell::OnceCell<HashMap<String, Vec<(String, bool)>>>,
}

impl<'c> Ctx<'c> {
    pub(super) fn new(conn: &'c Connection, key: TenantKey, as_of: i64) -> Result<Ctx<'c>> {
        Ok(Ctx {
            conn,
            key,
            as_of,
            history_from: crate::store::sign_ins::history_from(conn, key)?,
            activity_report: crate::store::datasets::read_at(
                conn,
                key,
                Dataset::ServicePrincipalSignInActivities,
            )?
            .is_some(),
            credential_report: crate::store::datasets::read_at(
                conn,
                key,
                Dataset::AppCredentialSignInActivities,
            )?
            .is_some(),
            apps_by_app_id: std::cell::OnceCell::new(),
            sps_by_app_id: std::cell::RefCell::new(HashMap::new()),
            owners_by_object: std::cell::OnceCell::new(),
        })
    }
}

impl Ctx<'_> {
    /// Whether usage evidence covers `[as_of - days, as_of]`.
    pub(super) fn covers(&self, days: i64, credential: bool) -> bool {
        let report = if credential {
            self.credential_report
        } else {
            self.activity_report
        };
        report
            || self
                .history_from
                .is_some_and(|f| f <= self.as_of - days * DAY_MS)
    }

    pub(super) fn not_enough_history(&self, days: i64, credential: bool) -> String {
        let report = if credential {
            Dataset::AppCredentialSignInActivities
        } else {
            Dataset::ServicePrincipalSignInActivities
        };
        match self.history_from {
            Some(f) => format!(
                "Not enough history: the cache holds sign-ins from {} only ({} days before the as-of date), and Graph's {report} report is not synced. A verdict needs {days} days; sync that report or wait for more history.",
                date(f),
                (self.as_of - f).div_euclid(DAY_MS)
            ),
            None => format!(
                "Not enough history: the cache holds no sign-ins for this tenant and Graph's {report} report is not synced. Sync sign-ins and that report to judge use."
            ),
        }
    }

    /// The rows `sql` selects for the tenant bound to `?1`: an object's (id, appId, name) and one
    /// more column of the check's own.
    pub(super) fn objects<T: rusqlite::types::FromSql>(
        &self,
        sql: &str,
    ) -> Result<Vec<(String, String, String, T)>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map([self.key.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Why a check that reads `needs` cannot be judged on this cache, when one of them is not
    /// in it (never read, refused by Graph, or a sync round left unfinished); `None` when all are.
    pub(super) fn missing_data(&self, needs: &[Dataset]) -> Result<Option<String>> {
        use crate::dataset::DatasetState;
        let mut missing = Vec::new();
        for &d in needs {
            match crate::store::datasets::state(self.conn, self.key, d)? {
                Some((DatasetState::Ok, _)) => {}
                Some((DatasetState::NotAvailable, detail)) => missing.push(format!(
                    "Graph refused {d} at the last sync ({})",
                    detail.as_deref().unwrap_or("no reason given")
                )),
                Some((DatasetState::InProgress, _)) => {
                    missing.push(format!("{d} is only partly synced (a sync round is open)"))
                }
                None => missing.push(format!("{d} was never synced or imported")),
            }
        }
        Ok((!missing.is_empty()).then(|| {
            format!(
                "Not determined: {}. Sync the tenant with the permissions it lacks, or import those datasets, then look again; until then a finding may be missing.",
                missing.join("; ")
            )
        }))
    }

    /// The owners of an object as (name, whether a user), by name. The first call reads every
    /// owner of the tenant in one scan: the enrichment and the Tier-0 checks ask for thousands.
    fn owner_list(&self, object_id: &str) -> Result<&[(String, bool)]> {
        if self.owners_by_object.get().is_none() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT object_id, display_name, owner_type = 'user' FROM owners
                 WHERE tenant = ?1 AND relation = 'owner'
                 ORDER BY object_id, display_name, owner_id",
            )?;
            let mut map: HashMap<String, Vec<(String, bool)>> = HashMap::new();
            let mut rows = stmt.query([self.key.0])?;
            while let Some(r) = rows.next()? {
                map.entry(r.get(0)?)
                    .or_default()
                    .push((r.get(1)?, r.get(2)?));
            }
            let _ = self.owners_by_object.set(map);
        }
        Ok(self
            .owners_by_object
            .get()
            .and_then(|m| m.get(object_id))
            .map_or(&[], Vec::as_slice))
    }

    /// The owners of an object, by name.
    pub(super) fn owners(&self, object_id: &str) -> Result<Vec<String>> {
        Ok(self
            .owner_list(object_id)?
            .iter()
            .map(|(name, _)| name.clone())
            .collect())
    }

    /// The users among the owners of an object, by name.
    pub(super) fn user_owners(&self, object_id: &str) -> Result<Vec<String>> {
        Ok(self
            .owner_list(object_id)?
            .iter()
            .filter(|(_, user)| *user)
            .map(|(name, _)| name.clone())
            .collect())
    }

    /// The own-tenant application behind an appId: (object id, display name). The first call
    /// reads every active application in one scan; checks ask for many.
    pub(super) fn application_of(&self, app_id: &str) -> Result<Option<(String, String)>> {
        if self.apps_by_app_id.get().is_none() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT app_id, id, display_name FROM applications
                 WHERE tenant = ?1 AND deleted IS NULL ORDER BY id DESC",
            )?;
            let mut map = HashMap::new();
            let mut rows = stmt.query([self.key.0])?;
            while let Some(r) = rows.next()? {
                // Ordered so that the lowest object id wins where an appId repeats.
                map.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
            }
            let _ = self.apps_by_app_id.set(map);
        }
        Ok(self
            .apps_by_app_id
            .get()
            .and_then(|m| m.get(app_id))
            .cloned())
    }

    /// The active service principal of an appId in this tenant, memoised: the enrichment asks
    /// for a few thousand, far fewer than a tenant holds.
    pub(super) fn service_principal_of(&self, app_id: &str) -> Result<Option<String>> {
        if let Some(v) = self.sps_by_app_id.borrow().get(app_id) {
            return Ok(v.clone());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM service_principals WHERE tenant = ?1 AND app_id = ?2
             AND deleted IS NULL ORDER BY id LIMIT 1",
        )?;
        let v: Option<String> = stmt
            .query_row(params![self.key.0, app_id], |r| r.get(0))
            .optional()?;
        self.sps_by_app_id
            .borrow_mut()
            .insert(app_id.to_string(), v.clone());
        Ok(v)
    }
}

/// The latest of several optional instants, ignoring any after `as_of`'s knowledge is moot:
/// roll-ups keep the latest use overall, so a use after `as_of` still proves the object alive.
pub(super) fn latest(values: &[Option<i64>]) -> Option<i64> {
    values.iter().flatten().copied().max()
}
