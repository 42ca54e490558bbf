//! Connecting to a tenant, one policy for the CLI and the window: which credential a sync signs
//! in with (a client secret given now or kept in the OS keyring, a certificate, an admin's kept
//! sign-in), and what is kept once it has signed in — a secret only after it signed in and only
//! when the admin asked, an admin's sign-in always replaced by the refresh token Entra rotated,
//! and forgotten when Entra refused it. Secrets pass through here in memory only.

use std::sync::{Arc, Mutex};

use crate::certificate::ClientCertificate;
pub use crate::endpoints::{Authority, EndpointError, DEFAULT_AUTHORITY_URL, DEFAULT_GRAPH_URL};
use crate::secrets::{self, SecretSource, SecretStore};
use crate::sync::{SyncError, SyncOptions};

/// How a sync signs in.
pub enum Credential {
    /// As the app, with a client secret: the one given for this run, or else the one kept for
    /// this tenant and client id. `keep` asks to keep a given secret once it has signed in.
    Secret { given: Option<String>, keep: bool },
    /// As the app, with a certificate and its private key (a PEM file's text).
    Certificate(ClientCertificate),
    /// As an admin, with a sign-in (a refresh token) just made, or else the one kept.
    Admin { refresh_token: Option<String> },
}

/// Where kept secrets live. `kept` is `None` where the admin asked to keep nothing
/// (`--no-keyring`); `session` keeps admin sign-ins for the running process where the OS has no
/// keyring (the window).
#[derive(Clone, Copy)]
pub struct Stores<'a> {
    pub kept: Option<&'a dyn SecretStore>,
    pub session: Option<&'a dyn SecretStore>,
}

impl<'a> Stores<'a> {
    /// The stores a credential for `authority` may be read from or kept in: no OS keyring for
    /// plain http to this machine.
    pub fn for_authority(self, authority: &Authority) -> Stores<'a> {
        let allowed = |s: Option<&'a dyn SecretStore>| s.filter(|s| authority.may_keep_in(*s));
        Stores {
            kept: allowed(self.kept),
            session: allowed(self.session),
        }
    }

    /// The kept store when `authority` may not use it (the OS keyring, for loopback http).
    pub fn keyring_refused(self, authority: &Authority) -> Option<&'a dyn SecretStore> {
        self.kept.filter(|s| !authority.may_keep_in(*s))
    }
}

/// What goes wrong before the sync starts; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("give the tenant id and the client (application) id")]
    MissingIds,
    #[error(
        "no client secret is kept in {0} for this tenant and client id: give the client secret"
    )]
    NoSecret(&'static str),
    #[error("no admin is signed in for this tenant and client id: sign in first")]
    NoAdminSignIn,
    #[error("could not read the certificate {path}: {message}; check the path and that the file holds the certificate and its private key in PEM")]
    Certificate { path: String, message: String },
    /// The Graph or sign-in address may not receive credentials.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

/// A tenant to reach and how.
pub struct Connection {
    pub tenant_id: String,
    pub client_id: String,
    pub credential: Credential,
    /// `None` or empty for [`DEFAULT_GRAPH_URL`].
    pub graph_url: Option<String>,
    /// `None` or empty for [`DEFAULT_AUTHORITY_URL`].
    pub authority_url: Option<String>,
    /// The sign-in host (`host` or `host:port`) the admin confirmed, where the authority is not
    /// a Microsoft cloud's.
    pub trusted_authority_host: Option<String>,
}

/// Reads a PEM file holding a certificate and its private key.
pub fn read_certificate(path: &str) -> Result<ClientCertificate, ConnectError> {
    let failed = |message: String| ConnectError::Certificate {
        path: path.into(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    ClientCertificate::from_pem(&text).map_err(failed)
}

/// A connection resolved into the sync's options, with what to keep after it signs in.
pub struct Connected {
    pub options: SyncOptions,
    /// Where the secret came from (`Stored` for a certificate or an admin sign-in too).
    pub source: SecretSource,
    /// The sign-in address, checked; what is kept is bound to its host.
    pub authority: Authority,
    keep_secret: bool,
    by_secret: bool,
}

/// What became of the credential once the sync or the connection test had signed in, or not;
/// the front end says it in its own words where it has some to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Nothing to keep or tell.
    Nothing,
    /// The given secret signed in and is now kept; the text says where.
    SecretKept(String),
    /// The given secret signed in, but the store could not keep it; the text says why.
    SecretNotKept(String),
    /// The secret kept in this store was refused: it was probably rotated.
    KeptSecretRefused(&'static str),
    /// The admin's sign-in was renewed and kept (in the session store where the OS has none).
    AdminSignInKept,
    /// The admin's sign-in signed in, but the renewed one could not be kept; the text says why.
    AdminSignInNotKept(String),
    /// Entra refused the admin's sign-in: it was forgotten, the admin must sign in again.
    AdminSignInEnded,
}

impl Connection {
    /// The sync's options for this connection, with the secret given or else the kept one.
    pub fn resolve(&self, stores: Stores<'_>) -> Result<Connected, ConnectError> {
        let (tenant, client) = (self.tenant_id.trim(), self.client_id.trim());
        if tenant.is_empty() || client.is_empty() {
            return Err(ConnectError::MissingIds);
        }
        let graph_url = crate::endpoints::graph(self.graph_url.as_deref().unwrap_or(""))?;
        let authority = Authority::checked(
            self.authority_url.as_deref().unwrap_or(""),
            self.trusted_authority_host.as_deref(),
        )?;
        let stores = stores.for_authority(&authority);
        let (mut options, source, keep_secret, by_secret) = match &self.credential {
            Credential::Admin { refresh_token } => {
                let account = authority.admin_account(tenant, client);
                let kept = || {
                    [stores.kept, stores.session]
                        .into_iter()
                        .flatten()
                        .find_map(|s| s.get(&account).ok().flatten())
                };
                let token = refresh_token
                    .clone()
                    .filter(|t| !t.is_empty())
                    .or_else(kept)
                    .ok_or(ConnectError::NoAdminSignIn)?;
                let mut o = SyncOptions::new(tenant, client, "");
                o.refresh_token = Some(Arc::new(Mutex::new(token)));
                (o, SecretSource::Stored, false, false)
            }
            Credential::Certificate(cert) => {
                let mut o = SyncOptions::new(tenant, client, "");
                o.certificate = Some(cert.clone());
                (o, SecretSource::Stored, false, false)
            }
            Credential::Secret { given, keep } => {
                let given = given.clone().filter(|s| !s.is_empty());
                let found = match stores.kept {
                    Some(store) => {
                        secrets::resolve(store, &authority.secret_account(tenant, client), given)
                    }
                    None => given.map(|s| (s, SecretSource::Given)),
                };
                let Some((secret, source)) = found else {
                    let store = stores.kept.map_or("the OS keyring", |s| s.describe());
                    return Err(ConnectError::NoSecret(store));
                };
                let o = SyncOptions::new(tenant, client, &secret);
                (o, source, *keep && source == SecretSource::Given, true)
            }
        };
        options.graph_url = graph_url;
        options.authority_url = authority.url().into();
        Ok(Connected {
            options,
            source,
            authority,
            keep_secret,
            by_secret,
        })
    }
}

impl Connected {
    /// After a sync or a connection test: keeps a given secret that signed in (when asked),
    /// keeps the refresh token Entra rotated in place of the used one — in the session store
    /// where the OS has no keyring — and forgets an admin sign-in Entra refused. A secret that
    /// signed in is kept even when the sync failed later on.
    pub fn settle<T>(&self, result: &Result<T, SyncError>, stores: Stores<'_>) -> Settled {
        // Only Entra's refusal says the credential is wrong; no answer at all (offline) says
        // nothing, so nothing is kept or forgotten.
        if matches!(
            result,
            Err(SyncError::SignInUnanswered { .. } | SyncError::UntrustedCertificate { .. })
        ) {
            return Settled::Nothing;
        }
        let signed_in = !matches!(result, Err(SyncError::SignIn { .. }));
        let o = &self.options;
        let refused = stores.keyring_refused(&self.authority);
        let stores = stores.for_authority(&self.authority);
        if o.refresh_token.is_some() {
            let account = self.authority.admin_account(&o.tenant_id, &o.client_id);
            let keep = |store: &dyn SecretStore| {
                crate::delegated::keep_rotated(store, &account, o, signed_in)
            };
            let mut outcome = stores.kept.map_or(Ok(()), keep);
            // Where the OS keyring could not keep it, the session store does; a refused
            // sign-in is forgotten in both.
            if outcome.is_err() || !signed_in {
                if let Some(session) = stores.session {
                    let in_session = keep(session);
                    if signed_in {
                        outcome = in_session;
                    }
                }
            }
            return match (signed_in, outcome) {
                (false, _) => Settled::AdminSignInEnded,
                (true, Ok(())) => Settled::AdminSignInKept,
                (true, Err(e)) => {
                    Settled::AdminSignInNotKept(secrets::not_kept(&e).replace("secret", "sign-in"))
                }
            };
        }
        if !self.by_secret {
            return Settled::Nothing;
        }
        if let (Some(refused), true, true) = (refused, self.keep_secret, signed_in) {
            return Settled::SecretNotKept(format!(
                "{}. The secret was not stored: give it again next time",
                self.authority.not_kept_here(refused.describe())
            ));
        }
        match (stores.kept, self.source, signed_in) {
            (Some(store), SecretSource::Given, true) if self.keep_secret => {
                let account = self.authority.secret_account(&o.tenant_id, &o.client_id);
                match secrets::remember(store, &account, &o.client_secret) {
                    Ok(note) => Settled::SecretKept(note),
                    Err(e) => Settled::SecretNotKept(secrets::not_kept(&e)),
                }
            }
            (Some(store), SecretSource::Stored, false) => {
                Settled::KeptSecretRefused(store.describe())
            }
            _ => Settled::Nothing,
        }
    }
}

/// Where an admin's new sign-in was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminKept {
    /// In the OS keyring (its description), for the next syncs.
    Kept(&'static str),
    /// The OS keyring could not keep it (why); the session store keeps it for this run.
    ForSession(String),
}

/// Keeps an admin's new sign-in (its refresh token) at `authority` in the OS keyring, or else in
/// the session store; an error says why neither could keep it.
pub fn keep_admin_sign_in(
    stores: Stores<'_>,
    authority: &Authority,
    tenant_id: &str,
    client_id: &str,
    refresh_token: &str,
) -> Result<AdminKept, secrets::SecretStoreError> {
    let account = authority.admin_account(tenant_id, client_id);
    let refused = stores.keyring_refused(authority);
    let stores = stores.for_authority(authority);
    let kept = match stores.kept {
        Some(store) => store
            .set(&account, refresh_token)
            .map(|()| store.describe()),
        None => Err(secrets::SecretStoreError::Unavailable(refused.map_or_else(
            || "keeping was turned off".into(),
            |s| authority.not_kept_here(s.describe()),
        ))),
    };
    match (kept, stores.session) {
        (Ok(place), _) => Ok(AdminKept::Kept(place)),
        (Err(e), Some(session)) => {
            session.set(&account, refresh_token)?;
            Ok(AdminKept::ForSession(e.to_string()))
        }
        (Err(e), None) => Err(e),
    }
}

/// What [`forget`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    pub secret: bool,
    pub admin_sign_in: bool,
}

/// Removes the client secret and the admin sign-in kept for this tenant and client id at
/// `authority`, from the OS keyring and the session store. An error means the keyring could not
/// be asked, and the secret may still be there.
pub fn forget(
    stores: Stores<'_>,
    authority: &Authority,
    tenant_id: &str,
    client_id: &str,
) -> Result<Forgotten, secrets::SecretStoreError> {
    let admin = authority.admin_account(tenant_id, client_id);
    if let Some(session) = stores.session {
        let _ = session.delete(&admin);
    }
    let Some(store) = stores.kept else {
        return Ok(Forgotten {
            secret: false,
            admin_sign_in: false,
        });
    };
    let admin_sign_in = store.delete(&admin).unwrap_or(false);
    let secret = store.delete(&authority.secret_account(tenant_id, client_id))?;
    Ok(Forgotten {
        secret,
        admin_sign_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, NoStore, SecretStoreError};

    /// The simulator's address in these tests.
    const SIM: &str = "http://127.0.0.1:9";

    fn sim() -> Authority {
        Authority::checked(SIM, None).unwrap()
    }

    /// A store that outlives the process, as the OS keyring does.
    #[derive(Default)]
    struct Persisting(MemoryStore);

    impl SecretStore for Persisting {
        fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError> {
            self.0.get(account)
        }
        fn set(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
            self.0.set(account, secret)
        }
        fn delete(&self, account: &str) -> Result<bool, SecretStoreError> {
            self.0.delete(account)
        }
        fn describe(&self) -> &'static str {
            "the OS keyring"
        }
        fn persists(&self) -> bool {
            true
        }
    }

    fn secret(given: Option<&str>, keep: bool) -> Connection {
        Connection {
            tenant_id: " T ".into(),
            client_id: "C".into(),
            credential: Credential::Secret {
                given: given.map(Into::into),
                keep,
            },
            graph_url: Some("  ".into()),
            authority_url: Some(SIM.into()),
            trusted_authority_host: None,
        }
    }

    fn refused() -> Result<(), SyncError> {
        Err(SyncError::SignIn {
            tenant: "T".into(),
            message: "AADSTS7000215: invalid client secret".into(),
        })
    }

    #[test]
    fn a_given_secret_is_kept_only_after_it_signed_in_and_only_when_asked() {
        let store = MemoryStore::default();
        let stores = Stores {
            kept: Some(&store),
            session: None,
        };
        let c = secret(Some("s1"), true).resolve(stores).unwrap();
        assert_eq!(c.options.tenant_id, "T", "ids are trimmed");
        assert_eq!(
            c.options.graph_url, DEFAULT_GRAPH_URL,
            "a blank URL is the default"
        );
        assert_eq!(c.options.authority_url, SIM);
        let account = sim().secret_account("T", "C");
        assert_eq!(c.settle(&refused(), stores), Settled::Nothing);
        assert_eq!(store.get(&account).unwrap(), None);
        let not_asked = secret(Some("s1"), false).resolve(stores).unwrap();
        assert_eq!(not_asked.settle(&Ok(()), stores), Settled::Nothing);
        assert_eq!(store.get(&account).unwrap(), None);
        assert!(matches!(c.settle(&Ok(()), stores), Settled::SecretKept(_)));
        let next = secret(None, true).resolve(stores).unwrap();
        assert_eq!(
            next.options.client_secret, "s1",
            "the next run uses the kept one"
        );
        assert_eq!(next.source, SecretSource::Stored);
        assert_eq!(
            next.settle(&refused(), stores),
            Settled::KeptSecretRefused("this session's memory"),
            "a refused kept secret is reported, not silently kept"
        );
    }

    #[test]
    fn an_admin_sign_in_is_kept_for_the_session_where_the_os_has_no_keyring_and_forget_removes_both(
    ) {
        let none = NoStore("no D-Bus".into());
        let session = MemoryStore::default();
        let stores = Stores {
            kept: Some(&none),
            session: Some(&session),
        };
        match keep_admin_sign_in(stores, &sim(), "T", "C", "r1").unwrap() {
            AdminKept::ForSession(why) => assert!(why.contains("no D-Bus"), "{why}"),
            other => panic!("expected ForSession, got {other:?}"),
        }
        let os = MemoryStore::default();
        let both = Stores {
            kept: Some(&os),
            session: Some(&session),
        };
        assert_eq!(
            keep_admin_sign_in(both, &sim(), "T", "C", "r2").unwrap(),
            AdminKept::Kept("this session's memory")
        );
        secrets::remember(&os, &sim().secret_account("T", "C"), "s").unwrap();
        assert_eq!(
            forget(both, &sim(), "T", "C").unwrap(),
            Forgotten {
                secret: true,
                admin_sign_in: true
            }
        );
        let account = sim().admin_account("T", "C");
        assert_eq!(session.get(&account).unwrap(), None);
        assert_eq!(os.get(&account).unwrap(), None);
    }

    #[test]
    fn without_a_secret_or_a_store_the_error_says_to_give_one() {
        let e = secret(None, true)
            .resolve(Stores {
                kept: None,
                session: None,
            })
            .err()
            .unwrap();
        assert!(e.to_string().contains("give the client secret"), "{e}");
        let none = NoStore("no D-Bus".into());
        let stores = Stores {
            kept: Some(&none),
            session: None,
        };
        let c = secret(Some("s"), true).resolve(stores).unwrap();
        match c.settle(&Ok(()), stores) {
            Settled::SecretNotKept(note) => assert!(note.contains("give it again"), "{note}"),
            other => panic!("expected SecretNotKept, got {other:?}"),
        }
    }

    #[test]
    fn an_admin_sign_in_is_renewed_in_the_session_where_the_os_has_no_keyring_and_forgotten_when_refused(
    ) {
        let none = NoStore("no D-Bus".into());
        let session = MemoryStore::default();
        let stores = Stores {
            kept: Some(&none),
            session: Some(&session),
        };
        let admin = |token: Option<&str>| Connection {
            tenant_id: "T".into(),
            client_id: "C".into(),
            credential: Credential::Admin {
                refresh_token: token.map(Into::into),
            },
            graph_url: None,
            authority_url: None,
            trusted_authority_host: None,
        };
        assert!(matches!(
            admin(None).resolve(stores),
            Err(ConnectError::NoAdminSignIn)
        ));
        let c = admin(Some("r1")).resolve(stores).unwrap();
        *c.options.refresh_token.as_ref().unwrap().lock().unwrap() = "r2".into();
        assert_eq!(c.settle(&Ok(()), stores), Settled::AdminSignInKept);
        let account = Authority::default().admin_account("T", "C");
        assert_eq!(session.get(&account).unwrap().as_deref(), Some("r2"));
        let again = admin(None).resolve(stores).unwrap();
        assert_eq!(
            *again
                .options
                .refresh_token
                .as_ref()
                .unwrap()
                .lock()
                .unwrap(),
            "r2",
            "the next sync uses the rotated token"
        );
        let offline: Result<(), SyncError> = Err(SyncError::SignInUnanswered {
            tenant: "T".into(),
            message: "error sending request".into(),
        });
        assert_eq!(
            again.settle(&offline, stores),
            Settled::Nothing,
            "no answer from Entra is no reason to sign the admin out"
        );
        assert_eq!(session.get(&account).unwrap().as_deref(), Some("r2"));
        assert_eq!(again.settle(&refused(), stores), Settled::AdminSignInEnded);
        assert_eq!(
            session.get(&account).unwrap(),
            None,
            "a refused sign-in is forgotten"
        );
    }

    fn at(authority: &str, trusted: Option<&str>, given: Option<&str>) -> Connection {
        Connection {
            authority_url: Some(authority.into()),
            trusted_authority_host: trusted.map(Into::into),
            ..secret(given, true)
        }
    }

    #[test]
    fn a_kept_secret_goes_only_to_the_sign_in_host_it_was_kept_for() {
        let keyring = Persisting::default();
        let stores = Stores {
            kept: Some(&keyring),
            session: None,
        };
        let gov = "https://login.microsoftonline.us";
        let c = at(gov, None, Some("gov-secret")).resolve(stores).unwrap();
        assert!(matches!(c.settle(&Ok(()), stores), Settled::SecretKept(_)));
        let again = at(gov, None, None).resolve(stores).unwrap();
        assert_eq!(again.options.client_secret, "gov-secret");
        // The same tenant and client id at another host finds nothing kept: it must be given.
        for elsewhere in [
            at("", None, None),
            at(
                "https://sts.contoso.example",
                Some("sts.contoso.example"),
                None,
            ),
        ] {
            assert!(matches!(
                elsewhere.resolve(stores),
                Err(ConnectError::NoSecret(_))
            ));
        }
        // An unknown host is refused before any store is asked, unless confirmed by name.
        let e = at("https://login.evil.example", None, Some("s"))
            .resolve(stores)
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains("--trust-authority-host login.evil.example"),
            "{e}"
        );
        assert!(
            at(
                "http://login.evil.example",
                Some("login.evil.example"),
                Some("s")
            )
            .resolve(stores)
            .is_err(),
            "plain http elsewhere than loopback is refused even when named"
        );
    }

    #[test]
    fn nothing_is_read_from_or_kept_in_the_os_keyring_for_loopback_http() {
        let keyring = Persisting::default();
        keyring
            .set(&sim().secret_account("T", "C"), "planted")
            .unwrap();
        let stores = Stores {
            kept: Some(&keyring),
            session: None,
        };
        assert!(
            matches!(
                secret(None, true).resolve(stores),
                Err(ConnectError::NoSecret(_))
            ),
            "a secret in the keyring is not read for loopback"
        );
        let c = secret(Some("given"), true).resolve(stores).unwrap();
        match c.settle(&Ok(()), stores) {
            Settled::SecretNotKept(note) => assert!(note.contains("plain http"), "{note}"),
            other => panic!("expected SecretNotKept, got {other:?}"),
        }
        assert_eq!(
            keyring
                .get(&sim().secret_account("T", "C"))
                .unwrap()
                .as_deref(),
            Some("planted"),
            "the given secret was not kept"
        );
        match keep_admin_sign_in(stores, &sim(), "T", "C", "r") {
            Err(e) => assert!(e.to_string().contains("plain http"), "{e}"),
            Ok(kept) => panic!("kept for loopback: {kept:?}"),
        }
        assert_eq!(keyring.get(&sim().admin_account("T", "C")).unwrap(), None);
    }
}
