//! The report as every format sees it: a title block, then sections of text, KPI tiles, a chart
//! and a table. Builders (`build.rs`) fill it from the core's views; writers (`html.rs`,
//! `pdf.rs`, `xlsx.rs`, `csv_out.rs`, `json_out.rs`) render it. Large tables are not held in
//! memory: their rows are produced by a query while the writer runs.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use steward_core::store::TenantKey;

use crate::Result;

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    Overview,
    CredentialExpiry,
    Recommendations,
    Risk,
    Licenses,
    Inventory,
    SignIns,
    Audit,
    AccessReview,
}

impl ReportKind {
    pub const ALL: [ReportKind; 9] = [
        ReportKind::Overview,
        ReportKind::CredentialExpiry,
        ReportKind::Recommendations,
        ReportKind::Risk,
        ReportKind::Licenses,
        ReportKind::Inventory,
        ReportKind::SignIns,
        ReportKind::Audit,
        ReportKind::AccessReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Overview => "overview",
            ReportKind::CredentialExpiry => "credential-expiry",
            ReportKind::Recommendations => "recommendations",
            ReportKind::Risk => "risk",
            ReportKind::Licenses => "licenses",
            ReportKind::Inventory => "inventory",
            ReportKind::SignIns => "sign-ins",
            ReportKind::Audit => "audit",
            ReportKind::AccessReview => "access-review",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Overview => "Executive overview",
            ReportKind::CredentialExpiry => "Credential expiry",
            ReportKind::Recommendations => "App-health recommendations",
            ReportKind::Risk => "Risky workload identities",
            ReportKind::Licenses => "Workload ID Premium license estimate",
            ReportKind::Inventory => "Workload identity inventory",
            ReportKind::SignIns => "Sign-in extract",
            ReportKind::Audit => "Changes made in Steward and their audit trail",
            ReportKind::AccessReview => "Access review evidence",
        }
    }

    /// Inventory and sign-in extracts are table-sized: no PDF for them.
    pub fn formats(self) -> &'static [Format] {
        match self {
            ReportKind::Inventory | ReportKind::SignIns => {
                &[Format::Html, Format::Xlsx, Format::Csv, Format::Json]
            }
            _ => &Format::ALL,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Pdf,
    Xlsx,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Html,
        Format::Pdf,
        Format::Xlsx,
        Format::Csv,
        Format::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What a column holds, which decides how each format writes its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Integer,
    Number,
    /// An amount of money in the report's currency.
    Money,
    /// A fraction shown as a percentage (0.25 → 25 %).
    Percent,
    /// An instant (UTC), written as a date and time.
    DateTime,
    /// A calendar day (UTC).
    Date,
    Bool,
    /// A link to the Entra admin center; the cell's text is the URL.
    Link,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// JSON key and CSV header.
    pub key: String,
    /// What people read (HTML, PDF, XLSX).
    pub header: String,
    pub kind: ColumnKind,
    /// Relative width: PDF and XLSX column widths derive from it.
    pub width: f32,
}

pub fn col(key: &str, header: &str, kind: ColumnKind, width: f32) -> Column {
    Column {
        key: key.into(),
        header: header.into(),
        kind,
        width,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    /// Milliseconds since the epoch (UTC): a `DateTime` or `Date` column.
    Time(i64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    pub fn opt_time(ms: Option<i64>) -> Cell {
        ms.map_or(Cell::Empty, Cell::Time)
    }

    pub fn opt_int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Int)
    }

    pub fn opt_num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }
}

/// Rows produced while the writer runs, one at a time, so that ten million sign-ins never sit
/// in memory. `each` returns an error to stop early (a cancelled export).
pub trait RowSource: Send + Sync {
    /// How many rows there will be, when cheaply known (for progress).
    fn estimate(&self, conn: &Connection) -> Result<Option<u64>>;
    fn for_each(
        &self,
        conn: &Connection,
        each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    ) -> Result<()>;
}

pub enum Rows {
    Inline(Vec<Vec<Cell>>),
    Query(Box<dyn RowSource>),
}

pub struct Table {
    /// Sheet name (XLSX, at most 31 characters) and JSON key.
    pub key: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Rows,
}

impl Table {
    pub fn new(key: &str, title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            key: key.into(),
            title: title.into(),
            columns,
            rows: Rows::Inline(Vec::new()),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width of {}", self.key);
        if let Rows::Inline(rows) = &mut self.rows {
            rows.push(row);
        }
    }

    /// Calls `each` for every row, inline or queried.
    pub fn for_each_row(
        &self,
        conn: &Connection,
        each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    ) -> Result<()> {
        match &self.rows {
            Rows::Inline(rows) => {
                for r in rows {
                    each(r.clone())?;
                }
                Ok(())
            }
            Rows::Query(q) => q.for_each(conn, each),
        }
    }

    pub fn row_estimate(&self, conn: &Connection) -> Result<Option<u64>> {
        match &self.rows {
            Rows::Inline(rows) => Ok(Some(rows.len() as u64)),
            Rows::Query(q) => q.estimate(conn),
        }
    }
}

/// A headline figure.
#[derive(Debug, Clone)]
pub struct Kpi {
    pub label: String,
    pub value: String,
    pub detail: String,
    /// Asks for attention (drawn in the warning colour).
    pub alert: bool,
}

/// The planner's model for the spreadsheet: XLSX writes it with live formulas so a meeting can
/// change the price and growth in Excel; the other formats show the computed table.
#[derive(Debug, Clone)]
pub struct PlannerModel {
    pub price: f64,
    pub currency: String,
    pub growth_pct: f64,
    /// Scenario name and its identity count (`None` when the basis cannot be computed).
    pub scenarios: Vec<(String, Option<i64>)>,
    /// For each of the 36 months: the share of the month inside the free trial (0–1).
    pub free_share: Vec<f64>,
    /// The first day of month 1 (ms).
    pub start: i64,
}

pub struct Section {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub kpis: Vec<Kpi>,
    /// An SVG drawn by the core's charts (plotters escapes the labels it draws).
    pub chart: Option<String>,
    pub table: Option<Table>,
    pub planner: Option<PlannerModel>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            paragraphs: Vec::new(),
            kpis: Vec::new(),
            chart: None,
            table: None,
            planner: None,
        }
    }

    pub fn text(mut self, p: impl Into<String>) -> Section {
        self.paragraphs.push(p.into());
        self
    }

    pub fn with_table(mut self, t: Table) -> Section {
        self.table = Some(t);
        self
    }
}

pub struct Report {
    pub kind: ReportKind,
    pub title: String,
    pub tenant_key: TenantKey,
    pub tenant_id: String,
    pub tenant_name: String,
    pub as_of: DateTime<Utc>,
    /// The period the figures cover, when the report has one (ms).
    pub period: Option<(i64, i64)>,
    /// Extra facts for the title page: filter, window, settings.
    pub facts: Vec<(String, String)>,
    pub sections: Vec<Section>,
    /// The table CSV writes (CSV holds one table); the others go to XLSX, JSON and HTML.
    pub primary: String,
    /// "Steward 0.1.0".
    pub generator: String,
}

impl Report {
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().filter_map(|s| s.table.as_ref())
    }

    pub fn primary_table(&self) -> Option<&Table> {
        self.tables()
            .find(|t| t.key == self.primary)
            .or_else(|| self.tables().next())
    }
}
