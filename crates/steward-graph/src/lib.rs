//! Steward's side of Microsoft Graph: Graph's wire format and the offline import of Graph JSON
//! exports, written through the same store functions the demo generator (and, next, the sync)
//! use. It exists apart from the core so that the core never learns Graph's wire quirks
//! (PowerShell's PascalCase, seven fractional digits, `-8:00` offsets) and the CLI and the
//! desktop app share one import path.

pub mod certificate;
pub mod connect;
pub mod delegated;
mod error;
pub mod import;
pub mod json;
pub mod secrets;
pub mod sync;
pub mod wire;

pub use error::{Error, Result};
pub use import::{import, ImportOptions, ImportSummary};
pub use wire::Dataset;
