//! Signing in to a tenant's Graph for `steward sync` and `steward push`: the client secret,
//! certificate or admin sign-in resolved (and asked for on a terminal), the run made, and what
//! signed in kept (or what was refused forgotten) afterwards.

use std::io::IsTerminal;
use std::path::PathBuf;

use steward_graph::connect::{self, ConnectError, Credential, Settled, Stores};
use steward_graph::secrets;
use steward_graph::sync::{SyncOptions, SyncResult};

use super::sign_in::delegated_sign_in;
use crate::{ConnectArgs, Endpoints};

/// Signs in as `args` says, runs `run` with the sign-in's options on a runtime of its own, then
/// keeps what signed in. The run's result, with its error as the CLI says it.
pub(crate) fn with_graph<T>(
    args: ConnectArgs,
    run: impl FnOnce(&tokio::runtime::Runtime, SyncOptions) -> SyncResult<T>,
) -> anyhow::Result<T> {
    let ConnectArgs {
        tenant,
        client_id,
        client_secret_file,
        client_secret_stdin,
        no_keyring,
        certificate,
        delegated,
        device_code,
        endpoints:
            Endpoints {
                graph_url,
                authority_url,
                trust_authority_host,
            },
    } = args;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // With --no-keyring nothing is read from or kept in the OS keyring.
    let store = (!no_keyring).then(secrets::from_env);
    let stores = Stores {
        kept: store.as_deref(),
        session: None,
    };
    let connection = |credential| connect::Connection {
        tenant_id: tenant.clone(),
        client_id: client_id.clone(),
        credential,
        graph_url: Some(graph_url.clone()),
        authority_url: Some(authority_url.clone()),
        trusted_authority_host: trust_authority_host.clone(),
    };
    let credential = match (&certificate, delegated) {
        (Some(path), _) => {
            Credential::Certificate(connect::read_certificate(&path.display().to_string())?)
        }
        (None, true) => Credential::Admin {
            refresh_token: None,
        },
        (None, false) => Credential::Secret {
            given: given_client_secret(client_secret_file.as_ref(), client_secret_stdin)?,
            keep: true,
        },
    };
    let connected = match connection(credential).resolve(stores) {
        Ok(c) => c,
        // Nothing kept: sign the admin in now, or ask for the secret on a terminal.
        Err(ConnectError::NoAdminSignIn) => {
            let authority =
                connect::Authority::checked(&authority_url, trust_authority_host.as_deref())?;
            let tokens = delegated_sign_in(
                &runtime,
                &authority,
                &graph_url,
                &tenant,
                &client_id,
                device_code,
            )?;
            connection(Credential::Admin {
                refresh_token: Some(tokens.refresh_token),
            })
            .resolve(stores)?
        }
        Err(ConnectError::NoSecret(_)) if std::io::stdin().is_terminal() => {
            connection(Credential::Secret {
                given: Some(prompt_client_secret()?),
                keep: true,
            })
            .resolve(stores)?
        }
        Err(e @ ConnectError::NoSecret(_)) => anyhow::bail!(
            "{e} with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET"
        ),
        Err(e) => return Err(e.into()),
    };
    let result = run(&runtime, connected.options.clone());
    match connected.settle(&result, stores) {
        Settled::Nothing | Settled::AdminSignInKept => {}
        Settled::SecretKept(note) => eprintln!("{note}"),
        Settled::SecretNotKept(note) | Settled::AdminSignInNotKept(note) => {
            eprintln!("note: {note}")
        }
        Settled::KeptSecretRefused(store) => eprintln!(
            "note: the secret kept in {store} was refused; give the current one with --client-secret-file, --client-secret-stdin or STEWARD_CLIENT_SECRET (it replaces the kept one), or remove it with `steward forget`"
        ),
        Settled::AdminSignInEnded => eprintln!(
            "note: the kept admin sign-in has ended; run `steward sign-in` (or `steward sync --delegated`) to sign in again"
        ),
    }
    Ok(result?)
}

/// The client secret given for this run: from a file, standard input or STEWARD_CLIENT_SECRET —
/// never from the command line, where it would land in shell history and process lists.
fn given_client_secret(file: Option<&PathBuf>, stdin: bool) -> anyhow::Result<Option<String>> {
    let first_line = |s: String| s.lines().next().unwrap_or("").trim().to_string();
    let secret = if let Some(f) = file {
        first_line(std::fs::read_to_string(f).map_err(|e| {
            anyhow::anyhow!("could not read the client secret from {}: {e}", f.display())
        })?)
    } else if stdin {
        let mut s = String::new();
        std::io::stdin().read_line(&mut s)?;
        first_line(s)
    } else if let Ok(s) = std::env::var("STEWARD_CLIENT_SECRET") {
        first_line(s)
    } else {
        return Ok(None);
    };
    if secret.is_empty() {
        anyhow::bail!("the client secret is empty; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET");
    }
    Ok(Some(secret))
}

/// Asks for the client secret on the terminal, without echoing it.
fn prompt_client_secret() -> anyhow::Result<String> {
    let s = rpassword::prompt_password("Client secret (not shown): ")?
        .trim()
        .to_string();
    if s.is_empty() {
        anyhow::bail!("the client secret is empty; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET");
    }
    Ok(s)
}
