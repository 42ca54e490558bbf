//! The dashboard on the Overview page: KPI tiles and charts over a time range, each chart drawn
//! by plotters into SVG (the same code the reports use) and given with the table behind it. A
//! pure function of the cache, the range and `as_of`; every figure comes from a roll-up.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::chart::{self, Series, HIGH, LOW, MEDIUM, SERIES_COUNT, SERIES_FAILURE, SERIES_SUCCESS};
use crate::clock::{day_of_ms, rfc3339, to_ms, DAY_MS};
use crate::model::{aadsts_meaning, Tenant};
use crate::overview::{self, Overview};
use crate::recommendations::{self, Priority, RecommendationSettings, RecommendationStatus};
use crate::risk::{self, RiskLevel, RiskSettings};
use crate::store::TenantKey;
use crate::{licensing, Error, Result};

/// The ranges the time-range control offers, in days ending at `as_of`.
pub const RANGES: [i64; 4] = [7, 30, 60, 90];
/// How far ahead the expiry chart looks.
pub const EXPIRY_HORIZON_DAYS: i64 = 90;
/// Bars in the top-N charts.
pub const TOP: usize = 10;

/// How a KPI's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum KpiUnit {
    Count,
    UsdPerMonth,
    Percent,
}

/// Whether a KPI asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Tone {
    Neutral,
    Warning,
    Danger,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    pub key: String,
    pub label: String,
    pub value: f64,
    pub unit: KpiUnit,
    pub detail: String,
    pub tone: Tone,
}

/// The numbers behind a chart, for its table view and for exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChartTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DashboardChart {
    pub key: String,
    pub title: String,
    pub description: String,
    pub svg: String,
    pub table: ChartTable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Inventory counts and credential expiry (the skeleton's overview figures).
    pub summary: Overview,
    pub as_of: String,
    /// First instant of the range (RFC 3339).
    pub from: String,
    pub days: i64,
    pub kpis: Vec<Kpi>,
    pub charts: Vec<DashboardChart>,
}

fn table(columns: &[&str], rows: Vec<Vec<String>>) -> ChartTable {
    ChartTable {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// Computes the dashboard for the `days` ending at `as_of`.
pub fn dashboard(
    conn: &Connection,
    key: TenantKey,
    tenant: &Tenant,
    as_of: DateTime<Utc>,
    days: i64,
) -> Result<Dashboard> {
    if !(1..=366).contains(&days) {
        return Err(Error::InvalidInput(format!(
            "a dashboard range of {days} days is not offered: pick 1 to 366 days (the window offers 7, 30, 60 and 90)"
        )));
    }
    let summary = overview::overview(conn, key, tenant, as_of)?;
    let now = to_ms(as_of);
    let last_day = day_of_ms(now);
    let first_day = last_day - (days - 1);
    let mut charts = Vec::new();

    // Sign-ins per day by result.
    let per_day = overview::daily_sign_ins(conn, key, first_day, last_day)?;
    let total: i64 = per_day.iter().map(|d| d.success + d.failure).sum();
    let failed: i64 = per_day.iter().map(|d| d.failure).sum();
    charts.push(DashboardChart {
        key: "signInsPerDay".into(),
        title: "Sign-ins per day".into(),
        description: "Service-principal and managed-identity sign-ins in the cache, by result."
            .into(),
        svg: chart::sign_ins_per_day(&per_day)?,
        table: table(
            &["Day", "Success", "Failure"],
            per_day
                .iter()
                .map(|d| vec![d.day.clone(), d.success.to_string(), d.failure.to_string()])
                .collect(),
        ),
    });

    // Top failure codes.
    let codes = top_failure_codes(conn, key, first_day, last_day)?;
    charts.push(DashboardChart {
        key: "topFailureCodes".into(),
        title: "Top failure codes".into(),
        description: "AADSTS error codes of failed sign-ins in the range, with what they mean."
            .into(),
        svg: chart::horizontal_bars(
            &codes
                .iter()
                .map(|(c, _)| format!("AADSTS{c}"))
                .collect::<Vec<_>>(),
            &codes.iter().map(|(_, n)| vec![*n]).collect::<Vec<_>>(),
            &[Series {
                name: "Failures",
                color: HIGH,
            }],
        )?,
        table: table(
            &["Code", "Meaning", "Failures"],
            codes
                .iter()
                .map(|(c, n)| {
                    vec![
                        format!("AADSTS{c}"),
                        aadsts_meaning(*c).into(),
                        n.to_string(),
                    ]
                })
                .collect(),
        ),
    });

    // Top identities by sign-ins.
    let top = top_identities(conn, key, first_day, last_day)?;
    charts.push(DashboardChart {
        key: "topIdentities".into(),
        title: "Top identities by sign-ins".into(),
        description: format!("The {TOP} identities with the most sign-ins in the range."),
        svg: chart::horizontal_bars(
            &top.iter().map(|t| t.1.clone()).collect::<Vec<_>>(),
            &top.iter().map(|t| vec![t.2, t.3]).collect::<Vec<_>>(),
            &[SERIES_SUCCESS, SERIES_FAILURE],
        )?,
        table: table(
            &["Identity", "Object id", "Success", "Failure"],
            top.iter()
                .map(|t| vec![t.1.clone(), t.0.clone(), t.2.to_string(), t.3.to_string()])
                .collect(),
        ),
    });

    // Identities by kind and ownership.
    let kinds: Vec<_> = summary.by_kind.iter().filter(|k| k.count > 0).collect();
    let owners: Vec<_> = summary
        .by_ownership
        .iter()
        .filter(|k| k.count > 0)
        .collect();
    let mut labels: Vec<String> = kinds.iter().map(|k| k.label.clone()).collect();
    labels.extend(owners.iter().map(|o| format!("Owner: {}", o.label)));
    let mut values: Vec<Vec<i64>> = kinds.iter().map(|k| vec![k.count]).collect();
    values.extend(owners.iter().map(|o| vec![o.count]));
    let mut rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|k| vec!["Kind".into(), k.label.clone(), k.count.to_string()])
        .collect();
    rows.extend(
        owners
            .iter()
            .map(|o| vec!["Ownership".into(), o.label.clone(), o.count.to_string()]),
    );
    charts.push(DashboardChart {
        key: "identitiesByKind".into(),
        title: "Identities by kind and ownership".into(),
        description: "Active service principals (soft-deleted ones excluded).".into(),
        svg: chart::horizontal_bars(&labels, &values, &[SERIES_COUNT])?,
        table: table(&["Grouping", "Group", "Identities"], rows),
    });

    // Credentials expiring over the next 90 days, per week.
    let weeks = expiring_per_week(conn, key, now)?;
    let week_labels: Vec<String> = (0..weeks.len())
        .map(|w| {
            (as_of + Duration::days(7 * w as i64))
                .format("%m-%d")
                .to_string()
        })
        .collect();
    charts.push(DashboardChart {
        key: "expiringCredentials".into(),
        title: "Credentials expiring in the next 90 days".into(),
        description: "Secrets and certificates on active objects, by the week they expire (weeks start at the as-of day).".into(),
        svg: chart::column_bars(&week_labels, &weeks, &[MEDIUM])?,
        table: table(
            &["Week from", "Expiring"],
            weeks
                .iter()
                .enumerate()
                .map(|(w, n)| {
                    vec![
                        (as_of + Duration::days(7 * w as i64)).format("%Y-%m-%d").to_string(),
                        n.to_string(),
                    ]
                })
                .collect(),
        ),
    });

    // Recommendations by priority (active ones with impacted resources).
    let recs = recommendations::recommendations(
        conn,
        key,
        &tenant.id,
        as_of,
        &RecommendationSettings::default(),
        Some(0),
    )?;
    let prios = [Priority::High, Priority::Medium, Priority::Low];
    let mut by_prio = [0i64; 3];
    let mut impacted = [0i64; 3];
    for r in recs
        .recommendations
        .iter()
        .filter(|r| r.status == RecommendationStatus::Active && r.impacted_total > 0)
    {
        let i = prios.iter().position(|p| *p == r.priority).unwrap_or(2);
        by_prio[i] += 1;
        impacted[i] += r.impacted_total;
    }
    let prio_labels: Vec<String> = ["High", "Medium", "Low"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    charts.push(DashboardChart {
        key: "recommendationsByPriority".into(),
        title: "Recommendations by priority".into(),
        description: "Active recommendations with at least one impacted resource.".into(),
        svg: chart::column_bars(&prio_labels, &by_prio, &[HIGH, MEDIUM, LOW])?,
        table: table(
            &["Priority", "Recommendations", "Impacted resources"],
            (0..3)
                .map(|i| {
                    vec![
                        prio_labels[i].clone(),
                        by_prio[i].to_string(),
                        impacted[i].to_string(),
                    ]
                })
                .collect(),
        ),
    });

    // Risk by level.
    let risk = risk::risk_report(conn, key, as_of, &RiskSettings::default())?;
    let levels = [RiskLevel::High, RiskLevel::Medium, RiskLevel::Low];
    let level_counts: Vec<i64> = levels
        .iter()
        .map(|l| {
            risk.by_level
                .iter()
                .find(|c| c.level == *l)
                .map_or(0, |c| c.identities)
        })
        .collect();
    charts.push(DashboardChart {
        key: "riskByLevel".into(),
        title: "Risky identities by level".into(),
        description: "Identities at risk by their highest open level: Identity Protection's and Steward's signals of the last 7 days.".into(),
        svg: chart::column_bars(&prio_labels, &level_counts, &[HIGH, MEDIUM, LOW])?,
        table: table(
            &["Level", "Identities", "From Identity Protection", "From Steward's signals"],
            risk.by_level
                .iter()
                .map(|c| {
                    vec![
                        c.level.as_str().to_string(),
                        c.identities.to_string(),
                        c.from_identity_protection.to_string(),
                        c.from_signals.to_string(),
                    ]
                })
                .collect(),
        ),
    });

    // License buckets.
    let estimate = licensing::estimate(conn, key, &tenant.id, as_of)?;
    let buckets: Vec<_> = estimate
        .bucket_details
        .iter()
        .filter(|b| b.total > 0)
        .collect();
    charts.push(DashboardChart {
        key: "licenseBuckets".into(),
        title: "Workload ID Premium license buckets".into(),
        description: "Identities per counting bucket; only counted buckets are billable.".into(),
        svg: chart::horizontal_bars(
            &buckets
                .iter()
                .map(|b| {
                    format!(
                        "{}{}",
                        b.label,
                        if b.counted { "" } else { " (not counted)" }
                    )
                })
                .collect::<Vec<_>>(),
            &buckets.iter().map(|b| vec![b.total]).collect::<Vec<_>>(),
            &[SERIES_COUNT],
        )?,
        table: table(
            &["Bucket", "Counted", "Identities", "Of which disabled"],
            buckets
                .iter()
                .map(|b| {
                    vec![
                        b.label.clone(),
                        if b.counted { "yes" } else { "no" }.into(),
                        b.total.to_string(),
                        b.disabled.to_string(),
                    ]
                })
                .collect(),
        ),
    });

    let high_recs = by_prio[0];
    let at_risk = level_counts.iter().sum::<i64>();
    let kpis = vec![
        Kpi {
            key: "identities".into(),
            label: "Workload identities".into(),
            value: summary.total_service_principals as f64,
            unit: KpiUnit::Count,
            detail: format!("{} disabled", summary.disabled_service_principals),
            tone: Tone::Neutral,
        },
        Kpi {
            key: "signIns".into(),
            label: format!("Sign-ins, last {days} days"),
            value: total as f64,
            unit: KpiUnit::Count,
            detail: format!("{failed} failed"),
            tone: Tone::Neutral,
        },
        Kpi {
            key: "failureRate".into(),
            label: "Failure rate".into(),
            value: if total == 0 {
                0.0
            } else {
                failed as f64 * 100.0 / total as f64
            },
            unit: KpiUnit::Percent,
            detail: format!("of {total} sign-ins"),
            tone: if total > 0 && failed * 10 > total {
                Tone::Warning
            } else {
                Tone::Neutral
            },
        },
        Kpi {
            key: "expiring30d".into(),
            label: "Credentials expiring in 30 days".into(),
            value: summary.credentials_expiring30d as f64,
            unit: KpiUnit::Count,
            detail: format!("{} already expired", summary.credentials_expired),
            tone: if summary.credentials_expiring30d > 0 {
                Tone::Warning
            } else {
                Tone::Neutral
            },
        },
        Kpi {
            key: "highRecommendations".into(),
            label: "High-priority recommendations".into(),
            value: high_recs as f64,
            unit: KpiUnit::Count,
            detail: format!("{} impacted resources", impacted[0]),
            tone: if high_recs > 0 {
                Tone::Danger
            } else {
                Tone::Neutral
            },
        },
        Kpi {
            key: "riskyIdentities".into(),
            label: "Identities at risk".into(),
            value: at_risk as f64,
            unit: KpiUnit::Count,
            detail: format!("{} high", level_counts[0]),
            tone: if level_counts[0] > 0 {
                Tone::Danger
            } else if at_risk > 0 {
                Tone::Warning
            } else {
                Tone::Neutral
            },
        },
        Kpi {
            key: "billable".into(),
            label: "Billable identities (full coverage)".into(),
            value: estimate.billable_identities as f64,
            unit: KpiUnit::Count,
            detail: match estimate.unused_billable {
                Some(n) => format!("{n} unused in 90 days"),
                None => "usage history too short to tell unused ones".into(),
            },
            tone: Tone::Neutral,
        },
        Kpi {
            key: "monthlyCost".into(),
            label: "Workload ID Premium at list price".into(),
            value: estimate.monthly_cost_usd,
            unit: KpiUnit::UsdPerMonth,
            detail: "$3 per identity per month".into(),
            tone: Tone::Neutral,
        },
    ];
    Ok(Dashboard {
        summary,
        as_of: rfc3339(as_of),
        from: rfc3339(crate::clock::from_ms(first_day * DAY_MS)),
        days,
        kpis,
        charts,
    })
}

fn top_failure_codes(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT error_code, sum(count) AS n FROM failure_days
         WHERE tenant = ?1 AND day BETWEEN ?2 AND ?3
         GROUP BY error_code ORDER BY n DESC, error_code LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(params![key.0, from, to, 8], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// (id, name, successes, failures) of the busiest identities in days `from..=to`, ties broken by
/// id. Exact without summing every identity: candidates come in order of their all-time total,
/// which bounds their count in any range, and the walk stops once no candidate left can reach
/// the top.
fn top_identities(
    conn: &Connection,
    key: TenantKey,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, i64, i64)>> {
    let mut candidates = conn.prepare_cached(
        "SELECT sp_id, total FROM sign_in_activity INDEXED BY sign_in_activity_by_total
         WHERE tenant = ?1 ORDER BY total DESC",
    )?;
    let mut in_range = conn.prepare_cached(
        "SELECT coalesce(sum(success), 0), coalesce(sum(failure), 0) FROM sp_sign_in_days
         WHERE tenant = ?1 AND sp_id = ?2 AND day BETWEEN ?3 AND ?4",
    )?;
    let mut best: Vec<(String, i64, i64)> = Vec::new();
    let mut rows = candidates.query([key.0])?;
    while let Some(r) = rows.next()? {
        let total: i64 = r.get(1)?;
        if best.len() == TOP && total < best[TOP - 1].1 + best[TOP - 1].2 {
            break;
        }
        let sp: String = r.get(0)?;
        let (ok, failed): (i64, i64) =
            in_range.query_row(params![key.0, sp, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if ok + failed == 0 {
            continue;
        }
        best.push((sp, ok, failed));
        best.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
        best.truncate(TOP);
    }
    let mut name = conn.prepare_cached(
        "SELECT display_name FROM service_principals WHERE tenant = ?1 AND id = ?2",
    )?;
    let mut out = Vec::new();
    for (id, ok, failed) in best {
        let n: Option<String> = name
            .query_row(params![key.0, id], |r| r.get(0))
            .optional()?;
        out.push((id.clone(), n.unwrap_or(id), ok, failed));
    }
    Ok(out)
}

/// Credentials on active objects ending in each of the 13 weeks after `now` (ms).
fn expiring_per_week(conn: &Connection, key: TenantKey, now: i64) -> Result<Vec<i64>> {
    let horizon = now + EXPIRY_HORIZON_DAYS * DAY_MS;
    let mut stmt = conn.prepare_cached(
        "SELECT (end_time - ?2) / ?4, count(*) FROM credentials INDEXED BY credentials_by_end
         WHERE tenant = ?1 AND owner_deleted = 0 AND end_time > ?2 AND end_time <= ?3
         GROUP BY 1",
    )?;
    let weeks = (EXPIRY_HORIZON_DAYS + 6) / 7;
    let mut out = vec![0i64; weeks as usize];
    let rows = stmt
        .query_map(params![key.0, now, horizon, 7 * DAY_MS], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (w, n) in rows {
        if let Some(slot) = out.get_mut(w.clamp(0, weeks - 1) as usize) {
            *slot += n;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_as_of;
    use crate::demo::{write_demo, DemoOptions};
    use crate::store::{open_in_memory, tenants};

    fn demo() -> (Connection, TenantKey, Tenant, DateTime<Utc>) {
        let as_of = parse_as_of("2026-03-01T12:00:00Z").unwrap();
        let conn = open_in_memory().unwrap();
        write_demo(
            &conn,
            &DemoOptions {
                seed: 7,
                service_principals: 300,
                sign_ins: 20_000,
                as_of,
            },
            &mut |_, _, _| {},
        )
        .unwrap();
        let (key, t) = tenants::resolve_tenant(&conn, None).unwrap();
        (conn, key, t, as_of)
    }

    fn q(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> i64 {
        conn.query_row(sql, p, |r| r.get(0)).unwrap()
    }

    fn chart<'a>(d: &'a Dashboard, key: &str) -> &'a DashboardChart {
        d.charts.iter().find(|c| c.key == key).unwrap()
    }

    #[test]
    fn every_figure_matches_a_plain_count_of_the_raw_rows() {
        let (conn, key, t, as_of) = demo();
        let d = dashboard(&conn, key, &t, as_of, 7).unwrap();
        assert_eq!(d.charts.len(), 8);
        for c in &d.charts {
            assert!(c.svg.starts_with("<svg"), "{} is an SVG", c.key);
            assert!(!c.svg.contains("<script"));
            assert!(c
                .table
                .rows
                .iter()
                .all(|r| r.len() == c.table.columns.len()));
        }
        let now = to_ms(as_of);
        let from = (day_of_ms(now) - 6) * DAY_MS;
        let raw = q(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE tenant = ?1 AND created >= ?2 AND created < ?3",
            params![key.0, from, (day_of_ms(now) + 1) * DAY_MS],
        );
        let kpi = |k: &str| d.kpis.iter().find(|x| x.key == k).unwrap().value;
        assert_eq!(kpi("signIns") as i64, raw);
        assert_eq!(chart(&d, "signInsPerDay").table.rows.len(), 7);

        // The busiest identity's count, straight from the log.
        let top = &chart(&d, "topIdentities").table.rows[0];
        let sp_count = q(
            &conn,
            "SELECT count(*) FROM sign_ins s JOIN strings sp ON sp.id = s.sp
             WHERE s.tenant = ?1 AND sp.value = ?2 AND s.created >= ?3 AND s.created < ?4",
            params![key.0, top[1], from, (day_of_ms(now) + 1) * DAY_MS],
        );
        let shown: i64 = top[2].parse::<i64>().unwrap() + top[3].parse::<i64>().unwrap();
        assert_eq!(shown, sp_count);

        // The pruned walk gives exactly the top of a full aggregation.
        let mut brute = conn
            .prepare(
                "SELECT sp_id FROM sp_sign_in_days WHERE tenant = ?1 AND day BETWEEN ?2 AND ?3
                 GROUP BY sp_id ORDER BY sum(success + failure) DESC, sp_id LIMIT 10",
            )
            .unwrap();
        let want: Vec<String> = brute
            .query_map(params![key.0, day_of_ms(now) - 6, day_of_ms(now)], |r| {
                r.get(0)
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let got: Vec<String> = chart(&d, "topIdentities")
            .table
            .rows
            .iter()
            .map(|r| r[1].clone())
            .collect();
        assert_eq!(got, want);

        let codes = &chart(&d, "topFailureCodes").table.rows;
        let code: i64 = codes[0][0].trim_start_matches("AADSTS").parse().unwrap();
        let n = q(
            &conn,
            "SELECT count(*) FROM sign_ins WHERE tenant = ?1 AND error_code = ?2
             AND created >= ?3 AND created < ?4",
            params![key.0, code, from, (day_of_ms(now) + 1) * DAY_MS],
        );
        assert_eq!(codes[0][2], n.to_string());
        assert_ne!(codes[0][1], "", "each code says what it means");

        let expiring: i64 = chart(&d, "expiringCredentials")
            .table
            .rows
            .iter()
            .map(|r| r[1].parse::<i64>().unwrap())
            .sum();
        let want = q(
            &conn,
            "SELECT count(*) FROM credentials WHERE tenant = ?1 AND owner_deleted = 0
             AND end_time > ?2 AND end_time <= ?3",
            params![key.0, now, now + EXPIRY_HORIZON_DAYS * DAY_MS],
        );
        assert_eq!(expiring, want);
        assert_eq!(
            kpi("identities") as i64,
            q(
                &conn,
                "SELECT count(*) FROM service_principals WHERE deleted IS NULL",
                []
            )
        );
    }

    #[test]
    fn a_wider_range_holds_more_sign_ins_and_bad_ranges_are_refused() {
        let (conn, key, t, as_of) = demo();
        let week = dashboard(&conn, key, &t, as_of, 7).unwrap();
        let month = dashboard(&conn, key, &t, as_of, 30).unwrap();
        let total = |d: &Dashboard| d.kpis.iter().find(|k| k.key == "signIns").unwrap().value;
        assert!(total(&month) > total(&week));
        assert_eq!(month.days, 30);
        assert!(dashboard(&conn, key, &t, as_of, 0).is_err());
        assert!(dashboard(&conn, key, &t, as_of, 400).is_err());
        assert_eq!(
            dashboard(&conn, key, &t, as_of, 30).unwrap(),
            month,
            "the same cache and as-of give the same dashboard"
        );
    }
}
