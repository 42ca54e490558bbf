//! Where a tenant's client secret is kept between syncs: the OS keyring (the Secret Service over
//! D-Bus on Linux, the Keychain on macOS, the Credential Manager on Windows), never SQLite, a
//! file or a log. Where the OS has no secret store — a headless server without a Secret Service
//! — nothing is stored, the caller says so, and the secret is asked for again next time.

use std::collections::HashMap;
use std::sync::Mutex;

/// The keyring service name Steward's entries are filed under.
pub const SERVICE: &str = "steward";

/// The keyring account of one app registration in one tenant, before it is bound to a sign-in
/// host: [`crate::endpoints::Authority::secret_account`] is the account a credential is kept under.
pub fn account(tenant_id: &str, client_id: &str) -> String {
    format!(
        "{}/{}",
        tenant_id.trim().to_ascii_lowercase(),
        client_id.trim().to_ascii_lowercase()
    )
}

#[derive(Debug, thiserror::Error)]
pub enum SecretStoreError {
    /// No secret store is reachable: nothing can be kept.
    #[error("no OS secret store is reachable here ({0}); on Linux that is a Secret Service such as GNOME Keyring or KWallet, reached over D-Bus")]
    Unavailable(String),
    #[error("the OS secret store refused: {0}")]
    Failed(String),
}

/// A place for secrets, one per tenant and client id.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretStoreError>;
    /// Removes the secret; whether there was one.
    fn delete(&self, account: &str) -> Result<bool, SecretStoreError>;
    /// Where secrets go, for messages ("the OS keyring").
    fn describe(&self) -> &'static str;
    /// Whether what is kept here outlives the process (the OS keyring does; memory does not).
    fn persists(&self) -> bool;
}

/// The OS keyring through the `keyring` crate.
pub struct OsKeyring;

fn classify(e: keyring::Error) -> SecretStoreError {
    match e {
        keyring::Error::NoStorageAccess(inner) => SecretStoreError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            // D-Bus without a Secret Service answers "not provided by any .service files" or
            // cannot connect at all: the machine has no store rather than a failing one.
            let lower = text.to_lowercase();
            if lower.contains("dbus")
                || lower.contains("d-bus")
                || lower.contains("service files")
                || lower.contains("no such")
                || lower.contains("connect")
            {
                SecretStoreError::Unavailable(text)
            } else {
                SecretStoreError::Failed(text)
            }
        }
        other => SecretStoreError::Failed(other.to_string()),
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(classify)?;
        match entry.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        keyring::Entry::new(SERVICE, account)
            .and_then(|e| e.set_password(secret))
            .map_err(classify)
    }

    fn delete(&self, account: &str) -> Result<bool, SecretStoreError> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(classify)?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }

    fn describe(&self) -> &'static str {
        "the OS keyring"
    }

    fn persists(&self) -> bool {
        true
    }
}

/// Secrets held in this process's memory only: for tests, and for `STEWARD_SECRET_STORE=memory`
/// (the secret lasts until the program ends).
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretStoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(account)
            .cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretStoreError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<bool, SecretStoreError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(account)
            .is_some())
    }

    fn describe(&self) -> &'static str {
        "this session's memory"
    }

    fn persists(&self) -> bool {
        false
    }
}

/// A store that has nowhere to keep anything, as on a server without a Secret Service.
pub struct NoStore(pub String);

impl SecretStore for NoStore {
    fn get(&self, _: &str) -> Result<Option<String>, SecretStoreError> {
        Err(SecretStoreError::Unavailable(self.0.clone()))
    }

    fn set(&self, _: &str, _: &str) -> Result<(), SecretStoreError> {
        Err(SecretStoreError::Unavailable(self.0.clone()))
    }

    fn delete(&self, _: &str) -> Result<bool, SecretStoreError> {
        Err(SecretStoreError::Unavailable(self.0.clone()))
    }

    fn describe(&self) -> &'static str {
        "no secret store"
    }

    fn persists(&self) -> bool {
        false
    }
}

/// The store `STEWARD_SECRET_STORE` names: `os` (the default), `memory`, or `none`.
pub fn from_env() -> Box<dyn SecretStore> {
    match std::env::var("STEWARD_SECRET_STORE").as_deref() {
        Ok("memory") => Box::new(MemoryStore::default()),
        Ok("none") => Box::new(NoStore("STEWARD_SECRET_STORE=none".into())),
        _ => os_store(),
    }
}

/// Whether Steward is built with a real keyring backend for this platform: the Secret Service on
/// Linux and the BSDs, the Keychain on macOS, the Credential Manager on Windows.
pub const HAS_OS_STORE: bool = cfg!(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
));

/// The OS keyring where Steward has a backend for it. Elsewhere the keyring crate falls back to
/// a mock that accepts a secret and forgets it, so nothing is claimed kept there.
fn os_store() -> Box<dyn SecretStore> {
    if HAS_OS_STORE {
        Box::new(OsKeyring)
    } else {
        Box::new(NoStore(
            "Steward has no OS secret store for this platform".into(),
        ))
    }
}

/// Where a sync's secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// Given for this run (a prompt, standard input, a file, the environment, the window).
    Given,
    /// Read from the store.
    Stored,
}

/// The secret to use: the one given, else the stored one. `Ok(None)` when neither exists; the
/// store's unavailability is not an error here (the caller asks for the secret instead).
pub fn resolve(
    store: &dyn SecretStore,
    account: &str,
    given: Option<String>,
) -> Option<(String, SecretSource)> {
    if let Some(s) = given.filter(|s| !s.is_empty()) {
        return Some((s, SecretSource::Given));
    }
    match store.get(account) {
        Ok(Some(s)) if !s.is_empty() => Some((s, SecretSource::Stored)),
        _ => None,
    }
}

/// What to tell the user when a secret could not be kept.
pub fn not_kept(e: &SecretStoreError) -> String {
    format!("{e}. The secret was not stored: give it again next time")
}

/// Keeps a secret that signed in successfully; what to tell the user.
pub fn remember(
    store: &dyn SecretStore,
    account: &str,
    secret: &str,
) -> Result<String, SecretStoreError> {
    store.set(account, secret)?;
    Ok(format!(
        "The client secret is kept in {} for the next sync of this tenant.",
        store.describe()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_secret_wins_and_a_stored_one_is_used_when_none_is_given() {
        let store = MemoryStore::default();
        assert_eq!(resolve(&store, &account("T", "C"), None), None);
        remember(&store, &account("T", "C"), "stored-one").unwrap();
        assert_eq!(
            resolve(&store, &account("t", "c"), None),
            Some(("stored-one".into(), SecretSource::Stored)),
            "accounts ignore case"
        );
        assert_eq!(
            resolve(&store, &account("T", "C"), Some("given".into())),
            Some(("given".into(), SecretSource::Given))
        );
        assert!(store.delete(&account("T", "C")).unwrap());
        assert_eq!(resolve(&store, &account("T", "C"), None), None);
    }

    #[test]
    fn the_os_store_is_the_keyring_only_where_a_real_backend_is_built_in() {
        // This test runs on Linux, macOS or Windows: each has a backend (the features in the
        // workspace's keyring dependency), so the default store is the OS keyring.
        assert_eq!(os_store().describe(), "the OS keyring");
    }

    #[test]
    fn without_a_store_nothing_is_kept_and_the_message_says_to_give_it_again() {
        let store = NoStore("no D-Bus session".into());
        assert_eq!(resolve(&store, &account("T", "C"), None), None);
        let e = remember(&store, &account("T", "C"), "s").unwrap_err();
        assert!(not_kept(&e).contains("give it again next time"), "{e}");
    }
}
