//! One identity's sign-ins. The log's per-identity index is filed by UTC day first
//! (`sign_ins_by_day_sp`, migration 0014) so that a commit's writes stay among one day's
//! entries; these readers therefore visit the days on which the identity signed in, as
//! `sp_sign_in_days` lists them, with one query per day, in one snapshot.

use rusqlite::{params, Connection};

use super::{sign_in_from_row, string_id, TenantKey, SIGN_IN_SELECT};
use crate::clock::day_of_ms;
use crate::model::SignIn;
use crate::Result;

/// Runs `read` in one snapshot of the cache: the per-identity readers make one query per day
/// and read `sp_sign_in_days` first, and a sync committing meanwhile must not show them half of
/// its commit. Inside a caller's transaction, that transaction is the snapshot.
pub(super) fn in_snapshot<T>(conn: &Connection, read: impl FnOnce() -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        return read();
    }
    let tx = conn.unchecked_transaction()?;
    let out = read()?;
    tx.commit()?;
    Ok(out)
}

/// The days (UTC, as `sign_ins.day` counts them) on which one service principal signed in, with
/// its sign-ins that day, for sign-ins created in `from..=to` (ms); oldest first, or newest
/// first. Read from `sp_sign_in_days`, which [`SignInWriter`] keeps in step with the log: the
/// per-identity index is filed by day (`sign_ins_by_day_sp`), so reading one identity's
/// sign-ins means visiting its days.
pub fn sp_days(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    from: i64,
    to: i64,
    newest_first: bool,
) -> Result<Vec<(i64, i64)>> {
    let sql = if newest_first {
        "SELECT day, success + failure FROM sp_sign_in_days
         WHERE tenant = ?1 AND sp_id = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day DESC"
    } else {
        "SELECT day, success + failure FROM sp_sign_in_days
         WHERE tenant = ?1 AND sp_id = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY day"
    };
    let days = conn
        .prepare_cached(sql)?
        .query_map(
            params![tenant.0, sp_id, day_of_ms(from), day_of_ms(to)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(days)
}

/// How many sign-ins of one service principal were created in `from..to` (ms, `to` excluded),
/// counted up to `cap`: whole days from `sp_sign_in_days`, the days at either end from the log.
pub fn count_for_sp(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    from: i64,
    to: i64,
    cap: i64,
) -> Result<i64> {
    if to <= from {
        return Ok(0);
    }
    in_snapshot(conn, || {
        let Some(sp) = string_id(conn, sp_id)? else {
            return Ok(0);
        };
        let mut n = 0;
        for (day, count) in sp_days(conn, tenant, sp_id, from, to - 1, false)? {
            let start = day.saturating_mul(crate::clock::DAY_MS);
            let whole = start >= from
                && start
                    .checked_add(crate::clock::DAY_MS)
                    .is_some_and(|end| end <= to);
            n += if whole {
                count
            } else {
                conn.prepare_cached(
                    "SELECT count(*) FROM (SELECT 1 FROM sign_ins INDEXED BY sign_ins_by_day_sp
                     WHERE tenant = ?1 AND day = ?2 AND sp = ?3 AND created >= ?4 AND created < ?5
                     LIMIT ?6)",
                )?
                .query_row(params![tenant.0, day, sp, from, to, cap - n], |r| {
                    r.get::<_, i64>(0)
                })?
            };
            if n >= cap {
                return Ok(cap);
            }
        }
        Ok(n)
    })
}

/// The service principal's name as its newest sign-in that carried one gave it.
pub fn newest_sp_name(conn: &Connection, tenant: TenantKey, sp_id: &str) -> Result<Option<String>> {
    let newest = list_for_sp_where(
        conn,
        tenant,
        sp_id,
        i64::MIN,
        i64::MAX,
        "spn.value IS NOT NULL",
        "",
        1,
        true,
    )?;
    Ok(newest
        .into_iter()
        .next()
        .and_then(|s| s.service_principal_name))
}

/// The newest `limit` sign-ins of one service principal, newest first.
pub fn list_recent_for_sp(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    limit: i64,
) -> Result<Vec<SignIn>> {
    list_for_sp_where(
        conn,
        tenant,
        sp_id,
        i64::MIN,
        i64::MAX,
        "1",
        "",
        limit,
        true,
    )
}

/// Sign-ins of one service principal created in `from..=to` (ms) that also satisfy `condition`,
/// an SQL expression over the aliases of [`SIGN_IN_SELECT`] that may use `?6` (bound to `arg`);
/// oldest first (newest first when `newest_first`), at most `limit` (a negative `limit`: all,
/// as SQL's `LIMIT` reads it). Only Steward's own code builds `condition`.
#[allow(clippy::too_many_arguments)]
pub fn list_for_sp_where(
    conn: &Connection,
    tenant: TenantKey,
    sp_id: &str,
    from: i64,
    to: i64,
    condition: &str,
    arg: &str,
    limit: i64,
    newest_first: bool,
) -> Result<Vec<SignIn>> {
    let limit = if limit < 0 { i64::MAX } else { limit };
    in_snapshot(conn, || {
        let Some(sp) = string_id(conn, sp_id)? else {
            return Ok(Vec::new());
        };
        // The index is named so that the planner never walks the whole log in time order.
        let order = if newest_first {
            "s.created DESC, s.id DESC"
        } else {
            "s.created, s.id"
        };
        let sql = format!(
            "{} WHERE s.tenant = ?1 AND s.day = ?8 AND s.sp = ?2 AND s.created >= ?3
               AND s.created <= ?4 AND ({condition})
             ORDER BY {order} LIMIT ?5",
            SIGN_IN_SELECT.replace("?SP", "?7"),
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = Vec::new();
        for (day, _) in sp_days(conn, tenant, sp_id, from, to, newest_first)? {
            let left = limit - rows.len() as i64;
            if left <= 0 {
                break;
            }
            let found = stmt
                .query_map(
                    params![tenant.0, sp, from, to, left, arg, sp_id, day],
                    sign_in_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.extend(found);
        }
        Ok(rows)
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sign_in, test_tenant};
    use super::super::{for_each_in_range, SignInWriter};
    use super::*;
    use crate::clock::{parse_as_of, to_ms};
    use crate::store::open_in_memory;

    /// The per-identity readers visit the identity's days (the index is filed by day): what they
    /// return must be what a plain scan of the log gives, across midnights, before 1970, at
    /// range edges on a day's first millisecond, and under limits and caps.
    #[test]
    fn one_identitys_sign_ins_read_day_by_day_equal_a_scan_of_the_log() {
        let conn = open_in_memory().unwrap();
        let key = test_tenant(&conn);
        let mut w = SignInWriter::new(key);
        let times = [
            "1969-12-30T12:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "1970-01-01T00:00:00Z",
            "2026-03-01T00:00:00Z",
            "2026-03-01T23:59:59.999Z",
            "2026-03-02T00:00:00Z",
            "2026-03-02T08:30:00Z",
            "2026-03-02T08:30:00Z",
            "2026-03-05T17:00:00Z",
        ];
        for (i, at) in times.iter().enumerate() {
            for (sp, name) in [("sp-1", "daemon"), ("sp-2", "other")] {
                let mut s = sign_in(
                    &format!("{sp}-{i}"),
                    at,
                    if i % 3 == 0 { 7000215 } else { 0 },
                );
                s.service_principal_id = sp.into();
                s.service_principal_name = Some(format!("{name} {i}"));
                w.insert(&conn, &s).unwrap();
            }
        }
        w.flush(&conn).unwrap();
        let scan = |from: i64, to: i64| -> Vec<SignIn> {
            let mut all = Vec::new();
            for_each_in_range(&conn, key, from, to, None, |s| {
                if s.service_principal_id == "sp-1" {
                    all.push(s);
                }
                Ok(())
            })
            .unwrap();
            all
        };
        let ms = |at: &str| to_ms(parse_as_of(at).unwrap());
        let everything = scan(i64::MIN, i64::MAX);
        assert_eq!(everything.len(), times.len());

        let mut newest = everything.clone();
        newest.reverse();
        for limit in [1, 2, 4, 9, 20] {
            let got = list_recent_for_sp(&conn, key, "sp-1", limit).unwrap();
            assert_eq!(
                got,
                newest[..newest.len().min(limit as usize)],
                "newest {limit}"
            );
        }
        assert_eq!(
            newest_sp_name(&conn, key, "sp-1").unwrap().as_deref(),
            Some("daemon 8")
        );
        assert_eq!(newest_sp_name(&conn, key, "nobody").unwrap(), None);

        let edges = [
            i64::MIN,
            ms("1969-12-31T00:00:00Z"),
            ms("1969-12-31T23:59:59.999Z"),
            0,
            ms("2026-03-01T00:00:00Z"),
            ms("2026-03-01T12:00:00Z"),
            ms("2026-03-02T00:00:00Z"),
            ms("2026-03-02T08:30:00Z"),
            ms("2026-03-06T00:00:00Z"),
            i64::MAX,
        ];
        for &from in &edges {
            for &to in &edges {
                let within: Vec<SignIn> = everything
                    .iter()
                    .filter(|s| (from..=to).contains(&to_ms(s.created_date_time)))
                    .cloned()
                    .collect();
                let mut each = Vec::new();
                for_each_in_range(&conn, key, from, to, Some("sp-1"), |s| {
                    each.push(s);
                    Ok(())
                })
                .unwrap();
                assert_eq!(each, within, "range {from}..={to}");
                assert_eq!(
                    scan(from, to),
                    within,
                    "the tenant's whole log, {from}..={to}"
                );
                let first_two = list_for_sp_where(
                    &conn,
                    key,
                    "sp-1",
                    from,
                    to,
                    "s.error_code = 0",
                    "",
                    2,
                    false,
                )
                .unwrap();
                let expected: Vec<SignIn> = within
                    .iter()
                    .filter(|s| s.error_code == 0)
                    .take(2)
                    .cloned()
                    .collect();
                assert_eq!(first_two, expected, "oldest two successes, {from}..={to}");
                let before_to = everything
                    .iter()
                    .filter(|s| (from..to).contains(&to_ms(s.created_date_time)))
                    .count() as i64;
                for cap in [1, 3, 100] {
                    assert_eq!(
                        count_for_sp(&conn, key, "sp-1", from, to, cap).unwrap(),
                        before_to.min(cap),
                        "count {from}..{to} capped at {cap}"
                    );
                }
            }
        }
    }

    /// A cache written before migration 0014 (the index by identity, and `sp_sign_in_days`
    /// back-filled by migration 0003 with days rounded toward zero) opens migrated: the readers
    /// find every sign-in, the one made before 1970 on its own day.
    #[test]
    fn a_cache_from_before_the_day_index_migrates_and_reads_every_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v13.db");
        let times = [
            "1969-12-31T12:00:00Z",
            "1970-01-01T06:00:00Z",
            "2026-03-01T09:00:00Z",
            "2026-03-04T10:00:00Z",
        ];
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &crate::store::MIGRATIONS[..13] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch("PRAGMA user_version = 13").unwrap();
            let key = test_tenant(&conn);
            let mut w = SignInWriter::new(key);
            for (i, at) in times.iter().enumerate() {
                w.insert(&conn, &sign_in(&format!("s{i}"), at, 0)).unwrap();
            }
            w.flush(&conn).unwrap();
            // What migration 0003's back-fill wrote for the sign-in of 1969: day 0.
            conn.execute_batch(
                "UPDATE sp_sign_in_days SET success = success + 1 WHERE day = 0;
                 DELETE FROM sp_sign_in_days WHERE day = -1;",
            )
            .unwrap();
        }
        let conn = crate::store::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::store::SCHEMA_VERSION);
        let key = TenantKey(
            conn.query_row("SELECT key FROM tenants WHERE id = 't'", [], |r| r.get(0))
                .unwrap(),
        );
        let days = sp_days(&conn, key, "sp-1", i64::MIN, i64::MAX, false).unwrap();
        assert_eq!(days, vec![(-1, 1), (0, 1), (20513, 1), (20516, 1)]);
        let recent = list_recent_for_sp(&conn, key, "sp-1", 10).unwrap();
        let ids: Vec<&str> = recent.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s3", "s2", "s1", "s0"]);
        assert_eq!(
            count_for_sp(&conn, key, "sp-1", i64::MIN, i64::MAX, 100).unwrap(),
            4
        );
    }
}
