//! Steward's core: everything Steward knows about a tenant's workload identities, with no
//! desktop dependency.
//!
//! It owns the domain model (shaped like Microsoft Graph's objects), the SQLite cache that holds
//! one or more tenants, the deterministic demo-tenant generator, and the read-side views and
//! charts that the CLI and the desktop window both show. The desktop app (`src-tauri`) and the
//! CLI (`steward-cli`) are thin shells over this crate; it must never depend on Tauri, GTK or
//! WebKit (the test command checks `cargo tree`).

pub mod access_reviews;
pub mod chart;
pub mod clock;
pub mod conditional_access;
pub mod dashboard;
pub mod dataset;
pub mod demo;
mod error;
pub mod expiry;
pub mod identities;
pub mod licensing;
pub mod manage;
pub mod model;
pub mod overview;
pub mod recommendations;
pub mod risk;
pub mod store;

pub use error::{chain_text, what_to_do, Error, Result};
