//! `steward sync`: reads a tenant from Microsoft Graph into the cache, and finds, keeps or
//! refuses the client secret (or admin sign-in) it signs in with.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use rusqlite::Connection;
use steward_core::clock;
use steward_graph::secrets::{self, SecretSource, SecretStore};

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
        endpoints: Endpoints {
            graph_url,
            authority_url,
        },
        datasets,
        sign_in_days,
        concurrency,
        json,
    } = args;
    let cert = match &certificate {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("could not read the certificate {}: {e}", path.display())
            })?;
            Some(
                steward_graph::certificate::ClientCertificate::from_pem(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
            )
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // With a certificate or an admin sign-in there is no secret to ask for or keep.
    let store = (!no_keyring).then(secrets::from_env);
    let admin_account = steward_graph::delegated::account(&tenant, &client_id);
    let refresh = if delegated {
        let kept = store
            .as_ref()
            .and_then(|st| st.get(&admin_account).ok().flatten());
        let token = match kept {
            Some(t) => t,
            None => {
                delegated_sign_in(
                    &runtime,
                    &authority_url,
                    &graph_url,
                    &tenant,
                    &client_id,
                    device_code,
                )?
                .refresh_token
            }
        };
        Some(std::sync::Arc::new(std::sync::Mutex::new(token)))
    } else {
        None
    };
    let (secret, source) = match (&cert, &refresh) {
        (Some(_), _) | (_, Some(_)) => (String::new(), SecretSource::Stored),
        (None, None) => client_secret(
            store.as_deref(),
            &tenant,
            &client_id,
            client_secret_file.as_ref(),
            client_secret_stdin,
        )?,
    };
    let mut opts = steward_graph::sync::SyncOptions::new(&tenant, &client_id, &secret);
    let by_secret = cert.is_none() && refresh.is_none();
    opts.certificate = cert;
    opts.refresh_token = refresh.clone();
    opts.graph_url = graph_url;
    opts.authority_url = authority_url;
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
    let signed_in = !matches!(result, Err(steward_graph::sync::SyncError::SignIn { .. }));
    if let (Some(_), Some(st)) = (&refresh, &store) {
        // Entra rotated the refresh token: the newest replaces the kept one.
        let kept = steward_graph::delegated::keep_rotated(st.as_ref(), &opts, signed_in);
        if !signed_in {
            eprintln!("note: the kept admin sign-in has ended; run `steward sign-in` (or `steward sync --delegated`) to sign in again");
        } else if let Err(e) = kept {
            eprintln!(
                "note: {}",
                secrets::not_kept(&e).replace("secret", "sign-in")
            );
        }
    }
    match (&store, source, signed_in && by_secret) {
        // A secret that signed in is kept for next time.
        (Some(st), SecretSource::Given, true) => {
            match secrets::remember(st.as_ref(), &tenant, &client_id, &secret) {
                Ok(note) => eprintln!("{note}"),
                Err(e) => eprintln!("note: {}", secrets::not_kept(&e)),
            }
        }
        (Some(st), SecretSource::Stored, false) if by_secret => eprintln!(
            "note: the secret kept in {} was refused; give the current one with --client-secret-file, --client-secret-stdin or STEWARD_CLIENT_SECRET (it replaces the kept one), or remove it with `steward forget`",
            st.describe()
        ),
        _ => {}
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

/// The secret for a sync: the one given, else the one kept in the keyring, else a prompt.
fn client_secret(
    store: Option<&dyn SecretStore>,
    tenant: &str,
    client_id: &str,
    file: Option<&PathBuf>,
    stdin: bool,
) -> anyhow::Result<(String, SecretSource)> {
    let given = given_client_secret(file, stdin)?;
    if let Some(found) = store.and_then(|st| secrets::resolve(st, tenant, client_id, given.clone()))
    {
        return Ok(found);
    }
    if let Some(g) = given {
        return Ok((g, SecretSource::Given));
    }
    if std::io::stdin().is_terminal() {
        let s = rpassword::prompt_password("Client secret (not shown): ")?
            .trim()
            .to_string();
        if s.is_empty() {
            anyhow::bail!("the client secret is empty; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET");
        }
        return Ok((s, SecretSource::Given));
    }
    anyhow::bail!("no client secret: none is kept in the OS keyring for this tenant and client id; give it with --client-secret-file FILE, --client-secret-stdin or STEWARD_CLIENT_SECRET")
}
