//! Builds each report from the core's views. Everything here is a function of the cache, the
//! request and `as_of`; nothing reads the clock.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use steward_core::chart::{self, HIGH, LOW, MEDIUM};
use steward_core::clock::{parse_as_of, rfc3339, to_ms};
use steward_core::dashboard::{self, KpiUnit, Tone};
use steward_core::expiry::{self, Urgency};
use steward_core::identities::{self, IdentityRecord};
use steward_core::licensing;
use steward_core::recommendations::{self, RecommendationSettings};
use steward_core::risk::{self, RiskSettings};
use steward_core::store::{sign_ins, tenants, TenantKey};

use crate::ir::{
    col, Cell, ColumnKind as K, Kpi, PlannerModel, Report, ReportKind, RowSource, Rows, Section,
    Table,
};
use crate::text::{money, thousands};
use crate::{Error, Result};

mod access_review;
mod audit;
mod extracts;
mod insights;
mod summary;

const DAY_MS: i64 = 86_400_000;

/// What to report on.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReportRequest {
    pub kind: ReportKind,
    /// The tenant id (default: the only tenant in the cache).
    pub tenant: Option<String>,
    /// The instant the report is computed for; every date in the file derives from it.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub as_of: DateTime<Utc>,
    /// Start of the period (overview: the dashboard's range; sign-ins: the extract's start).
    /// Default: 30 days before `as_of`.
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub from: Option<DateTime<Utc>>,
    /// End of the sign-in extract (default: `as_of`).
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub to: Option<DateTime<Utc>>,
    /// Only this service principal's sign-ins (object id).
    pub sp: Option<String>,
    /// The access review whose evidence to write (default: the newest).
    #[serde(default)]
    pub review: Option<String>,
}

impl ReportRequest {
    pub fn new(kind: ReportKind, as_of: DateTime<Utc>) -> ReportRequest {
        ReportRequest {
            kind,
            tenant: None,
            as_of,
            from: None,
            to: None,
            sp: None,
            review: None,
        }
    }
}

/// Builds the report `request` asks for.
pub fn build(conn: &Connection, request: &ReportRequest) -> Result<Report> {
    let (key, tenant) = tenants::resolve_tenant(conn, request.tenant.as_deref())?;
    let as_of = request.as_of;
    let from = request.from.unwrap_or(as_of - Duration::days(30));
    let mut report = Report {
        kind: request.kind,
        title: request.kind.title().into(),
        tenant_key: key,
        tenant_id: tenant.id.clone(),
        tenant_name: tenant.display_name.clone(),
        as_of,
        period: None,
        facts: Vec::new(),
        sections: Vec::new(),
        primary: String::new(),
        generator: crate::generator(),
    };
    if let Some(d) = &tenant.default_domain {
        report.facts.push(("Default domain".into(), d.clone()));
    }
    if let Some(t) = tenant.data_as_of {
        report
            .facts
            .push(("Data read from Entra".into(), crate::text::as_of_text(t)));
    }
    match request.kind {
        ReportKind::Overview => summary::overview(conn, key, &tenant, from, &mut report)?,
        ReportKind::CredentialExpiry => summary::credential_expiry(conn, key, &mut report)?,
        ReportKind::Recommendations => insights::recommendations(conn, key, &mut report)?,
        ReportKind::Risk => insights::risk(conn, key, &mut report)?,
        ReportKind::Licenses => insights::licenses(conn, key, &mut report)?,
        ReportKind::Inventory => extracts::inventory(conn, key, &mut report)?,
        ReportKind::SignIns => {
            let to = request.to.unwrap_or(as_of);
            extracts::sign_in_extract(conn, key, from, to, request.sp.clone(), &mut report)?
        }
        ReportKind::Audit => audit::audit(conn, key, &mut report)?,
        ReportKind::AccessReview => {
            access_review::access_review(conn, key, request.review.as_deref(), &mut report)?
        }
    }
    Ok(report)
}

/// An RFC 3339 string from a view back to milliseconds.
fn ms(s: &str) -> Option<i64> {
    parse_as_of(s).ok().map(to_ms)
}

fn opt_ms(s: Option<&String>) -> Cell {
    Cell::opt_time(s.and_then(|s| ms(s)))
}

/// A chart's table as typed cells: a column whose every value is a number is numeric.
fn chart_table(key: &str, title: &str, t: &dashboard::ChartTable) -> Table {
    let numeric: Vec<bool> = (0..t.columns.len())
        .map(|i| {
            i > 0
                && !t.rows.is_empty()
                && t.rows
                    .iter()
                    .all(|r| r.get(i).is_some_and(|v| v.trim().parse::<f64>().is_ok()))
        })
        .collect();
    let columns = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key: String = c
                .split_whitespace()
                .enumerate()
                .map(|(j, w)| {
                    let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
                    if j == 0 {
                        w.to_lowercase()
                    } else {
                        let mut cs = w.chars();
                        cs.next()
                            .map(|f| f.to_uppercase().collect::<String>() + cs.as_str())
                            .unwrap_or_default()
                    }
                })
                .collect();
            let kind = if numeric[i] { K::Number } else { K::Text };
            col(&key, c, kind, if numeric[i] { 1.0 } else { 2.5 })
        })
        .collect();
    let mut table = Table::new(key, title, columns);
    for r in &t.rows {
        table.push(
            r.iter()
                .enumerate()
                .map(|(i, v)| {
                    if numeric[i] {
                        let n: f64 = v.trim().parse().unwrap_or(0.0);
                        if n.fract() == 0.0 && n.abs() < 9e15 {
                            Cell::Int(n as i64)
                        } else {
                            Cell::Num(n)
                        }
                    } else {
                        Cell::text(v)
                    }
                })
                .collect(),
        );
    }
    table
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
