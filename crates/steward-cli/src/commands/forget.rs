//! `steward forget`: removes a kept client secret and admin sign-in from the OS keyring.

use std::io::Write;

use steward_graph::connect::{self, Stores};
use steward_graph::secrets;

use crate::ForgetArgs;

/// Forgets what the OS keyring keeps for a tenant and client id.
pub(crate) fn run(out: &mut impl Write, args: ForgetArgs) -> anyhow::Result<()> {
    let ForgetArgs {
        tenant,
        client_id,
        authority_url,
    } = args;
    // Only the address's host matters here: forgetting sends nothing anywhere.
    let authority = connect::Authority::parse(&authority_url)?;
    let store = secrets::from_env();
    let stores = Stores {
        kept: Some(store.as_ref()),
        session: None,
    };
    let place = store.describe();
    let gone = connect::forget(stores, &authority, &tenant, &client_id)?;
    if gone.admin_sign_in {
        writeln!(
            out,
            "Removed the admin sign-in for {client_id} in tenant {tenant} from {place}."
        )?;
    }
    if gone.secret {
        writeln!(
            out,
            "Removed the client secret of {client_id} in tenant {tenant} from {place}."
        )?;
    } else {
        writeln!(
            out,
            "No client secret of {client_id} in tenant {tenant} is kept in {place}."
        )?;
    }
    Ok(())
}
