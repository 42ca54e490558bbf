//! Steward's side of Microsoft Graph, kept apart from the core so that the core never learns
//! Graph's wire quirks (PowerShell's PascalCase, seven fractional digits, `-8:00` offsets):
//!
//! - `wire` and `json`: Graph's wire format, each item turned into Steward's model;
//! - `import`: the offline import of Graph JSON exports, which the CLI and the desktop app share;
//! - `sync`: the resumable sync of a tenant over HTTP (app-only with a client secret or a
//!   certificate, or delegated), committing each page with its position;
//! - `connect`: how a sync reaches a tenant (which credential, what is kept once it signs in),
//!   one policy for the CLI and the window;
//! - `endpoints`: where credentials may go (Microsoft's clouds, loopback for the simulator, a
//!   host the admin confirmed) and the sign-in host a kept credential is bound to;
//! - `certificate`: the client assertion for certificate sign-in;
//! - `delegated`: the admin's sign-in in the browser (or by device code) for a delegated sync;
//! - `secrets`: the OS keyring, where client secrets (and the admin's refresh token) are kept
//!   between syncs.
//!
//! Import and sync write through the same store functions as the demo generator.

pub mod certificate;
pub mod connect;
pub mod delegated;
pub mod endpoints;
mod error;
pub mod import;
pub mod json;
pub mod secrets;
pub mod sync;
pub mod wire;

pub use error::{Error, Result};
pub use import::{import, import_with, ArchiveProgress, ImportOptions, ImportSummary, Skipped};
pub use wire::Dataset;
