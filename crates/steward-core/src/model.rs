//! The domain model of a tenant's workload identities, following Microsoft Graph's shapes
//! (field names as Graph spells them when serialised), plus Steward's derived classifications.
//!
//! Instants are `DateTime<Utc>`; Graph's GUIDs stay strings, exactly as the tenant wrote them.
//! One module per family of objects; everything is re-exported here, so callers name
//! `model::ServicePrincipal` whatever file holds it.

mod activity;
mod classify;
mod directory;
mod governance;
mod permissions;
mod protection;
mod reports;

pub use activity::*;
pub use classify::*;
pub use directory::*;
pub use governance::*;
pub use permissions::*;
pub use protection::*;
pub use reports::*;
