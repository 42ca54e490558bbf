//! `steward sync`: reads a tenant from Microsoft Graph into the cache, and finds, keeps or
//! refuses the client secret (or admin sign-in) it signs in with.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use rusqlite::Connection;
use steward_core::clock;
use steward_graph::connect::{self, ConnectError, Credential, Settled, Stores};
use steward_graph::secrets;

use super::sign_in::delegated_sign_in;
use crate::output::{self, sync_spinner};
use crate::{Endpoints, SyncArgs};

/// Syncs a tenant from Graph and prints the summary.
pub(crate) fn run(conn: &Connection, out: &mut impl Write, args: SyncArgs) -> anyhow::Result<()> {
    let SyncArgs {
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
        datasets,
        sign_in_days,
        concurrency,
        json,
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
    let mut opts = connected.options.clone();
    opts.datasets = datasets;
    opts.sign_in_days = sign_in_days;
    opts.concurrency = concurrency.into();
    let bar = sync_spinner();
    let started = std::time::Instant::now();
    let mut meter = steward_graph::sync::Meter::default();
    let result = runtime.block_on(steward_graph::sync::sync(
        conn,
        &opts,
        clock::now(),
        &mut |p| {
            let pace = meter.observe(p);
            let left = pace
                .eta_secs
                .map(|s| format!(", {}", steward_graph::sync::eta_text(s)))
                .unwrap_or_default();
            let of = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
            bar.set_message(format!(
                "{}: {}{of} read ({:.0}/s{left})",
                p.dataset.name(),
                p.items,
                pace.per_sec
            ));
            bar.tick();
        },
    ));
    bar.finish_and_clear();
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
    let summary = result?;
    if json {
        output::write_json(out, &summary)?;
    } else {
        writeln!(
            out,
            "Synced tenant \"{}\" ({}) in {:.1} s ({} requests retried):",
            summary.tenant_name,
            summary.tenant_id,
            started.elapsed().as_secs_f64(),
            summary.retries
        )?;
        for d in &summary.datasets {
            writeln!(
                out,
                "  {:<32} {:<13} {:<6} {:>9} items {:>6} pages {:>6} removed{}",
                d.dataset.name(),
                d.status,
                d.mode,
                d.items,
                d.pages,
                d.removed,
                d.detail
                    .as_deref()
                    .map(|x| format!("  ({x})"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
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
