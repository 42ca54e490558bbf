//! One module per `steward` command: each takes the parsed arguments, calls the core and prints.
//! What they share, reading `--as-of`, is here.

use steward_core::clock;

pub(crate) mod ca;
pub(crate) mod connect;
pub(crate) mod dashboard;
pub(crate) mod demo;
pub(crate) mod federated_credential;
pub(crate) mod forget;
pub(crate) mod identities;
pub(crate) mod identity;
pub(crate) mod import;
pub(crate) mod licenses;
pub(crate) mod objects;
pub(crate) mod outbox;
pub(crate) mod overview;
pub(crate) mod push;
pub(crate) mod recommendations;
pub(crate) mod report;
pub(crate) mod review;
pub(crate) mod risk;
pub(crate) mod sign_in;
pub(crate) mod sync;
pub(crate) mod tenants;

/// `--as-of`, or now.
pub(crate) fn parse_as_of(as_of: Option<String>) -> anyhow::Result<steward_core::clock::DateTime> {
    match as_of {
        Some(s) => clock::parse_as_of(&s).map_err(|e| anyhow::anyhow!("--as-of: {e}")),
        None => Ok(clock::now()),
    }
}

/// Who makes a change from this command line, for the audit trail: the OS account.
pub(crate) fn local_actor() -> String {
    let user = steward_core::manage::os_user();
    format!("{user} (steward CLI)")
}
