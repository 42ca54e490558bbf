//! `steward forget`: removes a kept client secret and admin sign-in from the OS keyring.

use std::io::Write;

use steward_graph::secrets;

use crate::ForgetArgs;

/// Forgets what the OS keyring keeps for a tenant and client id.
pub(crate) fn run(out: &mut impl Write, args: ForgetArgs) -> anyhow::Result<()> {
    let ForgetArgs { tenant, client_id } = args;
    let store = secrets::from_env();
    let admin = store
        .delete(&steward_graph::delegated::account(&tenant, &client_id))
        .unwrap_or(false);
    if admin {
        writeln!(
            out,
            "Removed the admin sign-in for {client_id} in tenant {tenant} from {}.",
            store.describe()
        )?;
    }
    if store.delete(&secrets::account(&tenant, &client_id))? {
        writeln!(
            out,
            "Removed the client secret of {client_id} in tenant {tenant} from {}.",
            store.describe()
        )?;
    } else {
        writeln!(
            out,
            "No client secret of {client_id} in tenant {tenant} is kept in {}.",
            store.describe()
        )?;
    }
    Ok(())
}
