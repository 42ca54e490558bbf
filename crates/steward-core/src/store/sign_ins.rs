//! `sign_ins` and the nine roll-ups kept in step with it, so that no screen scans the log:
//! `sign_in_days` (per tenant and day), `sign_in_activity` (per identity: first, last and last
//! successful sign-in, counts), `credential_activity` (per key id), `resource_activity` (per
//! resource), `failure_codes` (per identity and AADSTS code), `failure_days` (per day and code),
//! `sign_in_features` (per identity and distinct country, IP address, resource, credential type
//! and key id), `credential_failure_hours` (invalid-credential failures per identity and hour)
//! and `sp_sign_in_days` (per identity and day).
//!
//! Rows are keyed by (tenant, created, id) so that time-ordered ingest appends; repeated strings
//! go through the `strings` dictionary. Re-ingesting a sign-in already held is a no-op, and the
//! roll-ups count each sign-in once.

use foldhash::{HashMap, HashMapExt};

use rusqlite::{params, Connection, OptionalExtension};

use super::strings::Interner;
use super::TenantKey;
use crate::clock::{day_of_ms, from_ms, to_ms};
use crate::model::SignIn;
use crate::Result;

mod identity;
use identity::in_snapshot;
pub use identity::{count_for_sp, list_for_sp_where, list_recent_for_sp, newest_sp_name, sp_days};

/// Writes sign-ins of one tenant, keeping the roll-ups in step. Call [`SignInWriter::flush`]
/// before committing the transaction the rows were written in.
pub struct SignInWriter {
    tenant: TenantKey,
    interner: Interner,
    days: HashMap<i64, (i64, i64)>,
    activity: HashMap<String, Activity>,
    /// Per credential key id: (last used, last success, count).
    credentials: HashMap<String, (i64, Option<i64>, i64)>,
    /// Per resource service principal: (last used, count).
    resources: HashMap<String, (i64, i64)>,
    /// Per (service principal, AADSTS code): (count, first, last).
    failures: HashMap<(String, i64), (i64, i64, i64)>,
    /// Per (day, AADSTS code): count.
    failure_days: HashMap<(i64, i64), i64>,
    /// Per (feature kind, service principal, value): what `sign_in_features` keeps.
    features: HashMap<(u8, String, String), Feature>,
    /// Per (service principal, hour): invalid-credential failures.
    failure_hours: HashMap<(String, i64), i64>,
    /// Per (service principal, day): (successes, failures).
    sp_days: HashMap<(String, i64), (i64, i64)>,
}

/// Kinds of `sign_in_features` rows.
pub mod feature {
    pub const IP: u8 = 1;
    pub const RESOURCE: u8 = 2;
    pub const CREDENTIAL_TYPE: u8 = 3;
    pub const KEY_ID: u8 = 4;
}

/// AADSTS codes of a wrong or expired client secret: what an invalid-credential burst counts.
pub const INVALID_CREDENTIAL_CODES: [i64; 2] = [7000215, 7000222];

const HOUR_MS: i64 = 3_600_000;

struct Feature {
    label: Option<String>,
    first: i64,
    last: i64,
    count: i64,
}

#[derive(Default, Clone, Copy)]
struct Activity {
    first_any: i64,
    last_any: i64,
    last_success: Option<i64>,
    total: i64,
    failures: i64,
}

impl SignInWriter {
    pub fn new(tenant: TenantKey) -> SignInWriter {
        SignInWriter {
            tenant,
            interner: Interner::default(),
            days: HashMap::new(),
            activity: HashMap::new(),
            credentials: HashMap::new(),
            resources: HashMap::new(),
            failures: HashMap::new(),
            failure_days: HashMap::new(),
            features: HashMap::new(),
            failure_hours: HashMap::new(),
            sp_days: HashMap::new(),
        }
    }

    fn feature(&mut self, sp: &str, kind: u8, value: Option<&str>, label: Option<&str>, at: i64) {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return;
        };
        let key = (kind, sp.to_string(), value.to_string());
        let f = self.features.entry(key).or_insert_with(|| Feature {
            label: None,
            first: at,
            last: at,
            count: 0,
        });
        f.first = f.first.min(at);
        if at >= f.last || f.label.is_none() {
            f.label = label.map(str::to_string);
        }
        f.last = f.last.max(at);
        f.count += 1;
    }

    /// Inserts one sign-in; returns false when the cache already held it.
    pub fn insert(&mut self, conn: &Connection, s: &SignIn) -> Result<bool> {
        let i = &mut self.interner;
        let created = to_ms(s.created_date_time);
        let event_type = i64::from(s.sign_in_event_type == "managedIdentity");
        let sp = i.intern(conn, &s.service_principal_id)?;
        let values = params![
            self.tenant.0,
            created,
            guid_bytes(&s.id),
            event_type,
            sp,
            i.intern_opt(conn, s.service_principal_name.as_deref())?,
            i.intern_opt(conn, s.app_id.as_deref())?,
            i.intern_opt(conn, s.resource_id.as_deref())?,
            i.intern_opt(conn, s.resource_service_principal_id.as_deref())?,
            i.intern_opt(conn, s.resource_display_name.as_deref())?,
            i.intern_opt(conn, s.ip_address.as_deref())?,
            i.intern_opt(conn, s.city.as_deref())?,
            i.intern_opt(conn, s.state.as_deref())?,
            i.intern_opt(conn, s.country_or_region.as_deref())?,
            s.error_code,
            i.intern_opt(conn, s.failure_reason.as_deref())?,
            i.intern_opt(conn, s.client_credential_type.as_deref())?,
            i.intern_opt(conn, s.service_principal_credential_key_id.as_deref())?,
            i.intern_opt(conn, s.service_principal_credential_thumbprint.as_deref())?,
            i.intern_opt(conn, s.federated_credential_id.as_deref())?,
            i.intern_opt(conn, s.conditional_access_status.as_deref())?,
        ];
        let inserted = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO sign_ins (tenant, created, id, event_type, sp, sp_name, app,
                     resource_app, resource_sp, resource_name, ip, city, state, country, error_code,
                     failure_reason, credential_type, key_id, thumbprint, federated_id, ca_status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21)",
            )?
            .execute(values)?
            == 1;
        if inserted {
            let success = s.error_code == 0;
            let day = self.days.entry(day_of_ms(created)).or_default();
            if success {
                day.0 += 1;
            } else {
                day.1 += 1;
            }
            let a = match self.activity.get_mut(s.service_principal_id.as_str()) {
                Some(a) => a,
                None => self
                    .activity
                    .entry(s.service_principal_id.clone())
                    .or_insert(Activity {
                        first_any: created,
                        ..Activity::default()
                    }),
            };
            a.first_any = a.first_any.min(created);
            a.last_any = a.last_any.max(created);
            a.total += 1;
            if success {
                a.last_success = Some(a.last_success.map_or(created, |l| l.max(created)));
            } else {
                a.failures += 1;
                let f = self
                    .failures
                    .entry((s.service_principal_id.clone(), s.error_code))
                    .or_insert((0, created, created));
                f.0 += 1;
                f.1 = f.1.min(created);
                f.2 = f.2.max(created);
                *self
                    .failure_days
                    .entry((day_of_ms(created), s.error_code))
                    .or_default() += 1;
                if INVALID_CREDENTIAL_CODES.contains(&s.error_code) {
                    *self
                        .failure_hours
                        .entry((s.service_principal_id.clone(), created.div_euclid(HOUR_MS)))
                        .or_default() += 1;
                }
            }
            let d = self
                .sp_days
                .entry((s.service_principal_id.clone(), day_of_ms(created)))
                .or_default();
            if success {
                d.0 += 1;
            } else {
                d.1 += 1;
            }
            let sp = s.service_principal_id.as_str();
            let country = s.country_or_region.as_deref();
            self.feature(sp, feature::IP, s.ip_address.as_deref(), country, created);
            self.feature(
                sp,
                feature::RESOURCE,
                s.resource_id.as_deref(),
                s.resource_display_name.as_deref(),
                created,
            );
            self.feature(
                sp,
                feature::CREDENTIAL_TYPE,
                s.client_credential_type.as_deref(),
                None,
                created,
            );
            self.feature(
                sp,
                feature::KEY_ID,
                s.service_principal_credential_key_id.as_deref(),
                None,
                created,
            );
            // A federated credential's sign-ins count for its id too, so that the detail view
            // can say when each was last used.
            let key_id = s.service_principal_credential_key_id.as_deref();
            let federated = s
                .federated_credential_id
                .as_deref()
                .filter(|f| Some(*f) != key_id);
            for key in key_id.into_iter().chain(federated) {
                let c = match self.credentials.get_mut(key) {
                    Some(c) => c,
                    None => self
                        .credentials
                        .entry(key.to_string())
                        .or_insert((created, None, 0)),
                };
                c.0 = c.0.max(created);
                c.2 += 1;
                if success {
                    c.1 = Some(c.1.map_or(created, |l| l.max(created)));
                }
            }
            if let Some(res) = s.resource_service_principal_id.as_deref() {
                let r = match self.resources.get_mut(res) {
                    Some(r) => r,
                    None => self
                        .resources
                        .entry(res.to_string())
                        .or_insert((created, 0)),
                };
                r.0 = r.0.max(created);
                r.1 += 1;
            }
        }
        Ok(inserted)
    }

    /// Adds the counts gathered since the last flush to the roll-up tables.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut days = conn.prepare_cached(
            "INSERT INTO sign_in_days (tenant, day, success, failure) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant, day) DO UPDATE SET success = success + excluded.success,
                 failure = failure + excluded.failure",
        )?;
        for (day, (ok, failed)) in sorted(&mut self.days) {
            days.execute(params![self.tenant.0, day, ok, failed])?;
        }
        let mut activity = conn.prepare_cached(
            "INSERT INTO sign_in_activity (tenant, sp_id, last_any, last_success, total, failures,
                 first_any)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (tenant, sp_id) DO UPDATE SET
                 last_any = max(last_any, excluded.last_any),
                 first_any = min(coalesce(first_any, excluded.first_any), excluded.first_any),
                 last_success = CASE WHEN last_success IS NULL THEN excluded.last_success
                     WHEN excluded.last_success IS NULL THEN last_success
                     ELSE max(last_success, excluded.last_success) END,
                 total = total + excluded.total, failures = failures + excluded.failures",
        )?;
        for (sp, a) in sorted(&mut self.activity) {
            activity.execute(params![
                self.tenant.0,
                sp,
                a.last_any,
                a.last_success,
                a.total,
                a.failures,
                a.first_any
            ])?;
        }
        let mut credentials = conn.prepare_cached(
            "INSERT INTO credential_activity (tenant, key_id, last_used, last_success, total)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tenant, key_id) DO UPDATE SET
                 last_used = max(last_used, excluded.last_used),
                 last_success = CASE WHEN last_success IS NULL THEN excluded.last_success
                     WHEN excluded.last_success IS NULL THEN last_success
                     ELSE max(last_success, excluded.last_success) END,
                 total = total + excluded.total",
        )?;
        for (key, (last, ok, n)) in sorted(&mut self.credentials) {
            credentials.execute(params![self.tenant.0, key, last, ok, n])?;
        }
        let mut resources = conn.prepare_cached(
            "INSERT INTO resource_activity (tenant, sp_id, last_used, total) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant, sp_id) DO UPDATE SET
                 last_used = max(last_used, excluded.last_used), total = total + excluded.total",
        )?;
        for (sp, (last, n)) in sorted(&mut self.resources) {
            resources.execute(params![self.tenant.0, sp, last, n])?;
        }
        let mut failures = conn.prepare_cached(
            "INSERT INTO failure_codes (tenant, sp_id, error_code, count, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (tenant, sp_id, error_code) DO UPDATE SET
                 count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen)",
        )?;
        for ((sp, code), (n, first, last)) in sorted(&mut self.failures) {
            failures.execute(params![self.tenant.0, sp, code, n, first, last])?;
        }
        let mut failure_days = conn.prepare_cached(
            "INSERT INTO failure_days (tenant, day, error_code, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant, day, error_code) DO UPDATE SET count = count + excluded.count",
        )?;
        for ((day, code), n) in sorted(&mut self.failure_days) {
            failure_days.execute(params![self.tenant.0, day, code, n])?;
        }
        // first_seen is left out of the upsert's SET so that the index on it is rewritten only
        // by the second statement, and only when a value turns out to be older than known.
        let mut features = conn.prepare_cached(
            "INSERT INTO sign_in_features (tenant, kind, sp_id, value, label, first_seen, last_seen,
                 count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (tenant, kind, sp_id, value) DO UPDATE SET
                 label = CASE WHEN excluded.last_seen >= last_seen OR label IS NULL
                     THEN coalesce(excluded.label, label) ELSE label END,
                 last_seen = max(last_seen, excluded.last_seen), count = count + excluded.count
             RETURNING first_seen",
        )?;
        let mut earlier = conn.prepare_cached(
            "UPDATE sign_in_features SET first_seen = ?5
             WHERE tenant = ?1 AND kind = ?2 AND sp_id = ?3 AND value = ?4 AND first_seen > ?5",
        )?;
        for ((kind, sp, value), f) in sorted(&mut self.features) {
            let known_first: i64 = features.query_row(
                params![
                    self.tenant.0,
                    kind,
                    sp,
                    value,
                    f.label,
                    f.first,
                    f.last,
                    f.count
                ],
                |r| r.get(0),
            )?;
            if known_first > f.first {
                earlier.execute(params![self.tenant.0, kind, sp, value, f.first])?;
            }
        }
        let mut hours = conn.prepare_cached(
            "INSERT INTO credential_failure_hours (tenant, sp_id, hour, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tenant, sp_id, hour) DO UPDATE SET count = count + excluded.count",
        )?;
        for ((sp, hour), n) in sorted(&mut self.failure_hours) {
            hours.execute(params![self.tenant.0, sp, hour, n])?;
        }
        let mut sp_days = conn.prepare_cached(
            "INSERT INTO sp_sign_in_days (tenant, day, sp_id, success, failure)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tenant, sp_id, day) DO UPDATE SET success = success + excluded.success,
                 failure = failure + excluded.failure",
        )?;
        for ((sp, day), (ok, failed)) in sorted(&mut self.sp_days) {
            sp_days.execute(params![self.tenant.0, day, sp, ok, failed])?;
        }
        Ok(())
    }
}

/// Empties a roll-up's counts in the order of its table's primary key: consecutive upserts then
/// land on the same or the next B-tree page instead of anywhere in the table.
fn sorted<K: Ord + std::hash::Hash, V>(map: &mut HashMap<K, V>) -> Vec<(K, V)> {
    let mut v: Vec<(K, V)> = map.drain().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// A GUID as its 16 bytes; anything else (hostile or unusual ids) as its UTF-8 text.
pub fn guid_bytes(id: &str) -> Vec<u8> {
    let hex: Vec<u8> = id.bytes().filter(|b| *b != b'-').collect();
    if id.len() == 36 && hex.len() == 32 && hex.iter().all(u8::is_ascii_hexdigit) {
        hex.chunks(2)
            .map(|p| {
                let s = std::str::from_utf8(p).unwrap_or("00");
                u8::from_str_radix(s, 16).unwrap_or(0)
            })
            .collect()
    } else {
        id.as_bytes().to_vec()
    }
}

/// The inverse of [`guid_bytes`].
pub fn guid_string(bytes: &[u8]) -> String {
    match <[u8; 16]>::try_from(bytes) {
        Ok(b) => crate::model::guid_text(u128::from_be_bytes(b)),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Success and failure counts per UTC day, for days `from..=to` that have any sign-in.
pub fn list_days(
    conn: &Connection,
    tenant: TenantKey,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, success, failure FROM sign_in_days
         WHERE tenant = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
    )?;
    let rows = stmt
        .query_map(params![tenant.0, from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The oldest cached sign-in of a tenant (ms): how far back the log's evidence reaches.
pub fn history_from(conn: &Connection, tenant: TenantKey) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT min(created) FROM sign_ins WHERE tenant = ?1")?
        .query_row([tenant.0], |r| r.get(0))?)
}

pub fn count_sign_ins(conn: &Connection, tenant: TenantKey) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(success + failure), 0) FROM sign_in_days WHERE tenant = ?1",
        [tenant.0],
        |r| r.get(0),
    )?)
}

/// The columns and joins every read of whole sign-ins uses; `?SP` is replaced by the parameter
/// that carries the service principal's id as text.
const SIGN_IN_SELECT: &str = "SELECT s.id, s.created, s.event_type, ?SP, spn.value, app.value,
        ra.value, rs.value, rn.value, ip.value, city.value, st.value, co.value, s.error_code,
        fr.value, ct.value, k.value, th.value, f.value, ca.value
     FROM sign_ins s INDEXED BY sign_ins_by_day_sp
     LEFT JOIN strings spn ON spn.id = s.sp_name
     LEFT JOIN strings app ON app.id = s.app
     LEFT JOIN strings ra ON ra.id = s.resource_app
     LEFT JOIN strings rs ON rs.id = s.resource_sp
     LEFT JOIN strings rn ON rn.id = s.resource_name
     LEFT JOIN strings ip ON ip.id = s.ip
     LEFT JOIN strings city ON city.id = s.city
     LEFT JOIN strings st ON st.id = s.state
     LEFT JOIN strings co ON co.id = s.country
     LEFT JOIN strings fr ON fr.id = s.failure_reason
     LEFT JOIN strings ct ON ct.id = s.credential_type
     LEFT JOIN strings k ON k.id = s.key_id
     LEFT JOIN strings th ON th.id = s.thumbprint
     LEFT JOIN strings f ON f.id = s.federated_id
     LEFT JOIN strings ca ON ca.id = s.ca_status";

fn sign_in_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SignIn> {
    Ok(SignIn {
        id: guid_string(&r.get::<_, Vec<u8>>(0)?),
        created_date_time: from_ms(r.get(1)?),
        sign_in_event_type: if r.get::<_, i64>(2)? == 1 {
            "managedIdentity".into()
        } else {
            "servicePrincipal".into()
        },
        service_principal_id: r.get(3)?,
        service_principal_name: r.get(4)?,
        app_id: r.get(5)?,
        resource_id: r.get(6)?,
        resource_service_principal_id: r.get(7)?,
        resource_display_name: r.get(8)?,
        ip_address: r.get(9)?,
        city: r.get(10)?,
        state: r.get(11)?,
        country_or_region: r.get(12)?,
        error_code: r.get(13)?,
        failure_reason: r.get(14)?,
        client_credential_type: r.get(15)?,
        service_principal_credential_key_id: r.get(16)?,
        service_principal_credential_thumbprint: r.get(17)?,
        federated_credential_id: r.get(18)?,
        conditional_access_status: r.get(19)?,
    })
}

fn string_id(conn: &Connection, value: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM strings WHERE value = ?1")?
        .query_row([value], |r| r.get(0))
        .optional()?)
}

/// A sign-in from a row of `RAW_COLUMNS`, its interned strings resolved through `text`.
fn raw_sign_in(
    r: &rusqlite::Row<'_>,
    text: &mut impl FnMut(Option<i64>) -> Result<Option<String>>,
) -> Result<SignIn> {
    Ok(SignIn {
        id: guid_string(&r.get::<_, Vec<u8>>(0)?),
        created_date_time: from_ms(r.get(1)?),
        sign_in_event_type: if r.get::<_, i64>(2)? == 1 {
            "managedIdentity".into()
        } else {
            "servicePrincipal".into()
        },
        service_principal_id: text(r.get(3)?)?.unwrap_or_default(),
        service_principal_name: text(r.get(4)?)?,
        app_id: text(r.get(5)?)?,
        resource_id: text(r.get(6)?)?,
        resource_service_principal_id: text(r.get(7)?)?,
        resource_display_name: text(r.get(8)?)?,
        ip_address: text(r.get(9)?)?,
        city: text(r.get(10)?)?,
        state: text(r.get(11)?)?,
        country_or_region: text(r.get(12)?)?,
        error_code: r.get(13)?,
        failure_reason: text(r.get(14)?)?,
        client_credential_type: text(r.get(15)?)?,
        service_principal_credential_key_id: text(r.get(16)?)?,
        service_principal_credential_thumbprint: text(r.get(17)?)?,
        federated_credential_id: text(r.get(18)?)?,
        conditional_access_status: text(r.get(19)?)?,
    })
}

/// The columns `raw_sign_in` reads, strings as their ids.
const RAW_COLUMNS: &str = "s.id, s.created, s.event_type, s.sp, s.sp_name, s.app, s.resource_app,
    s.resource_sp, s.resource_name, s.ip, s.city, s.state, s.country, s.error_code,
    s.failure_reason, s.credential_type, s.key_id, s.thumbprint, s.federated_id, s.ca_status";

/// Resolves interned strings through a cache that is emptied when it grows past a bound.
struct StringCache<'c> {
    lookup: rusqlite::CachedStatement<'c>,
    cache: HashMap<i64, std::rc::Rc<str>>,
}

impl<'c> StringCache<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        Ok(StringCache {
            lookup: conn.prepare_cached("SELECT value FROM strings WHERE id = ?1")?,
            cache: HashMap::new(),
        })
    }

    fn get(&mut self, id: Option<i64>) -> Result<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        if let Some(v) = self.cache.get(&id) {
            return Ok(Some(v.to_string()));
        }
        let v: Option<String> = self.lookup.query_row([id], |r| r.get(0)).optional()?;
        if let Some(v) = &v {
            if self.cache.len() >= 500_000 {
                self.cache.clear();
            }
            self.cache.insert(id, v.as_str().into());
        }
        Ok(v)
    }
}

/// Where a sign-in stands in the log's order: its creation (ms) and its stored id.
pub type SignInPosition = (i64, Vec<u8>);

/// One page of a tenant's sign-ins created in `from..=to` (ms), newest first as Graph lists them,
/// starting after `before` (the (created, raw id) of the last row of the previous page).
pub fn page_newest_first(
    conn: &Connection,
    tenant: TenantKey,
    from: i64,
    to: i64,
    before: Option<SignInPosition>,
    limit: i64,
) -> Result<Vec<(SignIn, SignInPosition)>> {
    let (b_created, b_id) = before.unwrap_or((i64::MAX, Vec::new()));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RAW_COLUMNS} FROM sign_ins s
         WHERE s.tenant = ?1 AND s.created >= ?2 AND s.created <= ?3
           AND (s.created < ?4 OR (s.created = ?4 AND s.id < ?5))
         ORDER BY s.created DESC, s.id DESC LIMIT ?6"
    ))?;
    let mut strings = StringCache::new(conn)?;
    let mut rows = stmt.query(params![tenant.0, from, to, b_created, b_id, limit])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let position = (r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(0)?);
        out.push((raw_sign_in(r, &mut |id| strings.get(id))?, position));
    }
    Ok(out)
}

/// Every sign-in of a tenant created in `from..=to` (ms), optionally of one service principal,
/// oldest first, handed to `each` one at a time: an export of ten million sign-ins holds one
/// row at a time. Interned strings are resolved through a cache that is emptied when it grows
/// past a bound, so memory stays bounded whatever the log's size.
pub fn for_each_in_range(
    conn: &Connection,
    tenant: TenantKey,
    from: i64,
    to: i64,
    sp_id: Option<&str>,
    mut each: impl FnMut(SignIn) -> Result<()>,
) -> Result<()> {
    in_snapshot(conn, || {
        let mut strings = StringCache::new(conn)?;
        let Some(sp_id) = sp_id else {
            let mut stmt = conn.prepare(&format!(
                "SELECT {RAW_COLUMNS} FROM sign_ins s
                 WHERE s.tenant = ?1 AND s.created >= ?2 AND s.created <= ?3
                 ORDER BY s.created, s.id"
            ))?;
            let mut rows = stmt.query(params![tenant.0, from, to])?;
            while let Some(r) = rows.next()? {
                each(raw_sign_in(r, &mut |id| strings.get(id))?)?;
            }
            return Ok(());
        };
        let Some(sp) = string_id(conn, sp_id)? else {
            return Ok(());
        };
        // One identity's sign-ins, day by day (the index is filed by day).
        let mut stmt = conn.prepare(&format!(
            "SELECT {RAW_COLUMNS} FROM sign_ins s INDEXED BY sign_ins_by_day_sp
             WHERE s.tenant = ?1 AND s.day = ?5 AND s.sp = ?4 AND s.created >= ?2
               AND s.created <= ?3
             ORDER BY s.created, s.id"
        ))?;
        for (day, _) in sp_days(conn, tenant, sp_id, from, to, false)? {
            let mut rows = stmt.query(params![tenant.0, from, to, sp, day])?;
            while let Some(r) = rows.next()? {
                each(raw_sign_in(r, &mut |id| strings.get(id))?)?;
            }
        }
        Ok(())
    })
}

/// How many sign-ins `for_each_in_range` would hand over for the whole tenant, from the daily
/// roll-up (days overlapping the range count whole): an estimate for progress bars.
pub fn estimate_in_range(conn: &Connection, tenant: TenantKey, from: i64, to: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(success + failure), 0) FROM sign_in_days
         WHERE tenant = ?1 AND day BETWEEN ?2 AND ?3",
        params![tenant.0, day_of_ms(from), day_of_ms(to)],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::model::Tenant;
    use crate::store::{open_in_memory, tenants};

    /// An empty tenant "t" in `conn`.
    pub(super) fn test_tenant(conn: &Connection) -> TenantKey {
        let t = Tenant {
            id: "t".into(),
            display_name: "T".into(),
            default_domain: None,
            is_demo: false,
            data_as_of: None,
        };
        tenants::upsert_tenant(conn, &t, false).unwrap()
    }

    pub(super) fn sign_in(id: &str, at: &str, code: i64) -> SignIn {
        SignIn {
            id: id.into(),
            created_date_time: parse_as_of(at).unwrap(),
            sign_in_event_type: "servicePrincipal".into(),
            service_principal_id: "sp-1".into(),
            service_principal_name: Some("daemon".into()),
            app_id: Some("app-1".into()),
            resource_id: None,
            resource_service_principal_id: None,
            resource_display_name: Some("Microsoft Graph".into()),
            ip_address: Some("20.1.2.3".into()),
            city: None,
            state: None,
            country_or_region: Some("NL".into()),
            error_code: code,
            failure_reason: None,
            client_credential_type: Some("clientSecret".into()),
            service_principal_credential_key_id: None,
            service_principal_credential_thumbprint: None,
            federated_credential_id: None,
            conditional_access_status: Some("notApplied".into()),
        }
    }

    #[test]
    fn guids_pack_into_16_bytes_and_other_ids_survive_as_text() {
        let g = "66ea54eb-6301-4ee5-be62-ff5a759b8100";
        assert_eq!(guid_bytes(g).len(), 16);
        assert_eq!(guid_string(&guid_bytes(g)), g);
        assert_eq!(guid_string(&guid_bytes("not-a-guid")), "not-a-guid");
    }

    #[test]
    fn a_sign_in_ingested_twice_is_stored_and_counted_once() {
        let conn = open_in_memory().unwrap();
        let key = test_tenant(&conn);
        let mut w = SignInWriter::new(key);
        let a = sign_in(
            "66ea54eb-6301-4ee5-be62-ff5a759b8100",
            "2026-03-01T09:00:00Z",
            0,
        );
        let b = sign_in(
            "66ea54eb-6301-4ee5-be62-ff5a759b8101",
            "2026-03-01T10:00:00Z",
            7000215,
        );
        assert!(w.insert(&conn, &a).unwrap());
        assert!(w.insert(&conn, &b).unwrap());
        assert!(!w.insert(&conn, &a).unwrap(), "the duplicate is ignored");
        w.flush(&conn).unwrap();
        let day = day_of_ms(to_ms(a.created_date_time));
        assert_eq!(list_days(&conn, key, day, day).unwrap(), vec![(day, 1, 1)]);
        let recent = list_recent_for_sp(&conn, key, "sp-1", 10).unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0], b, "newest first, every field read back");
        let (last_any, last_success, total): (i64, i64, i64) = conn
            .query_row(
                "SELECT last_any, last_success, total FROM sign_in_activity WHERE sp_id = 'sp-1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(last_any, to_ms(b.created_date_time));
        assert_eq!(last_success, to_ms(a.created_date_time));
        assert_eq!(total, 2);
    }
}
