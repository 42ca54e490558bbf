//! Graph's wire format: which dataset a response holds, and each item turned into Steward's
//! model. Unknown fields are ignored; missing optional ones are `None`; a field of the wrong type
//! or a missing required one is an error naming the field.
//!
//! One module per family of Graph objects; every reader is re-exported here (`wire::application`).

mod activity;
mod directory;
mod governance;
mod insights;
mod recognise;
mod sign_in_page;

pub use activity::*;
pub use directory::*;
pub use governance::*;
pub use insights::*;
pub use recognise::*;
pub use sign_in_page::*;

pub use steward_core::dataset::Dataset;
