//! `steward sign-in`: signs an admin in (browser or device code) and keeps the sign-in in the OS
//! keyring; `steward sync --delegated` signs in the same way when nothing is kept.

use std::io::Write;

use steward_graph::connect::{self, AdminKept, Stores};
use steward_graph::secrets;

use crate::{Endpoints, SignInArgs};

/// Signs an admin in and keeps the sign-in.
pub(crate) fn run(out: &mut impl Write, args: SignInArgs) -> anyhow::Result<()> {
    let SignInArgs {
        tenant,
        client_id,
        device_code,
        endpoints:
            Endpoints {
                graph_url,
                authority_url,
                trust_authority_host,
            },
    } = args;
    let authority = connect::Authority::checked(&authority_url, trust_authority_host.as_deref())?;
    let graph_url = steward_graph::endpoints::graph(&graph_url)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tokens = delegated_sign_in(
        &runtime,
        &authority,
        &graph_url,
        &tenant,
        &client_id,
        device_code,
    )?;
    let store = secrets::from_env();
    let stores = Stores {
        kept: Some(store.as_ref()),
        session: None,
    };
    match connect::keep_admin_sign_in(
        stores,
        &authority,
        &tenant,
        &client_id,
        &tokens.refresh_token,
    ) {
        Ok(AdminKept::Kept(place)) => writeln!(
            out,
            "The admin sign-in is kept in {place}: `steward sync --tenant {tenant} --client-id {client_id} --delegated` uses it."
        )?,
        // The CLI has no session store: the sign-in was kept nowhere.
        Ok(AdminKept::ForSession(e)) => anyhow::bail!(
            "signed in, but {e}: nothing was kept. `steward sync --delegated` signs in each time instead"
        ),
        Err(e) => anyhow::bail!(
            "signed in, but {e}: nothing was kept. `steward sync --delegated` signs in each time instead"
        ),
    }
    Ok(())
}

/// Signs an admin in interactively: the browser flow (the system browser opens at Entra's sign-in
/// page unless STEWARD_NO_BROWSER is set; the address is printed either way) or the device code
/// flow. Instructions go to standard error.
pub(super) fn delegated_sign_in(
    runtime: &tokio::runtime::Runtime,
    authority: &connect::Authority,
    graph: &str,
    tenant: &str,
    client_id: &str,
    device_code: bool,
) -> anyhow::Result<steward_graph::delegated::Tokens> {
    use steward_graph::delegated;
    let tokens = if device_code {
        runtime.block_on(delegated::sign_in_device(
            authority,
            graph,
            tenant,
            client_id,
            |_, _, message| eprintln!("{message}"),
        ))?
    } else {
        runtime.block_on(delegated::sign_in_browser(
            authority,
            graph,
            tenant,
            client_id,
            std::time::Duration::from_secs(300),
            |url| {
                eprintln!("Sign in to the tenant in your browser: {url}");
                if std::env::var_os("STEWARD_NO_BROWSER").is_none() && webbrowser::open(url).is_err() {
                    eprintln!("(no browser could be opened here: open the address above yourself, or use --device-code)");
                }
            },
        ))?
    };
    eprintln!("Signed in.");
    Ok(tokens)
}
