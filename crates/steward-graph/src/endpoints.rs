//! Where Steward may send a credential. A client secret, a certificate's signed assertion or an
//! admin's refresh token goes only to a Microsoft cloud's sign-in address over https, to this
//! machine over plain http (the Graph simulator), or to another https host the admin confirmed by
//! name. A credential kept between runs is bound to the sign-in host it was kept for: it is never
//! read for another host, and nothing is kept in the OS keyring for a loopback address.

use url::Url;

use crate::secrets::SecretStore;

/// Microsoft Graph's address in the global cloud (national clouds and the simulator differ).
pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com";
/// Entra's sign-in address in the global cloud.
pub const DEFAULT_AUTHORITY_URL: &str = "https://login.microsoftonline.com";

/// The sign-in hosts of Microsoft's clouds, and the cloud each belongs to. Credentials go to these
/// without asking.
pub const MICROSOFT_AUTHORITIES: [(&str, &str); 4] = [
    ("login.microsoftonline.com", "the global cloud"),
    ("login.microsoftonline.us", "the US Government cloud"),
    (
        "login.partner.microsoftonline.cn",
        "the China cloud (21Vianet)",
    ),
    ("login.chinacloudapi.cn", "the China cloud (21Vianet)"),
];

/// Why an address may receive credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// A Microsoft cloud's sign-in host (the cloud's name).
    Microsoft(&'static str),
    /// Plain http to this machine: the Graph simulator, for tests and demonstrations.
    Loopback,
    /// Another https host: only once the admin confirmed it by name.
    Other,
}

/// A checked sign-in address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// The address without a trailing slash.
    url: String,
    /// `host` or `host:port`, lower case: what the admin confirms and what kept credentials
    /// are bound to.
    host: String,
    trust: Trust,
}

/// An address Steward will not send credentials to; each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("the {what} `{url}` is not a web address ({reason}); leave it empty for the global cloud, or give one such as {example}")]
    NotAnAddress {
        what: &'static str,
        url: String,
        reason: String,
        example: &'static str,
    },
    #[error("the {what} `{url}` does not use https: credentials and tokens go over https only (plain http only to this machine, for the Graph simulator); give the https address")]
    NotHttps { what: &'static str, url: String },
    #[error("the {what} `{url}` holds a user name or password: give the address alone")]
    HasUserInfo { what: &'static str, url: String },
    #[error("{host} is not the sign-in address of a Microsoft cloud (global, US Government, China), and Steward would send it the client secret or the admin's sign-in. Only if it is your organisation's own sign-in endpoint, confirm it by name: --trust-authority-host {host} on the command line, or tick \"I trust {host}\" under Advanced in the window")]
    Untrusted { host: String },
}

fn parse(
    what: &'static str,
    example: &'static str,
    given: &str,
) -> Result<(Url, String), EndpointError> {
    let trimmed = given.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|e| EndpointError::NotAnAddress {
        what,
        url: given.trim().into(),
        reason: e.to_string(),
        example,
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointError::HasUserInfo {
            what,
            url: redact_user_info(&url),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(EndpointError::NotAnAddress {
            what,
            url: trimmed.into(),
            reason: "it has a query or a fragment".into(),
            example,
        });
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(EndpointError::NotAnAddress {
            what,
            url: trimmed.into(),
            reason: "it names no host".into(),
            example,
        });
    };
    let host = match url.port() {
        Some(port) => format!("{}:{port}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        _ => {
            return Err(EndpointError::NotHttps {
                what,
                url: trimmed.into(),
            })
        }
    }
    Ok((url, host))
}

fn redact_user_info(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Graph's address, checked: https, or plain http to this machine (the simulator). Returned
/// without a trailing slash.
pub fn graph(given: &str) -> Result<String, EndpointError> {
    let given = if given.trim().is_empty() {
        DEFAULT_GRAPH_URL
    } else {
        given
    };
    parse("Graph address", "https://graph.microsoft.us", given)?;
    Ok(given.trim().trim_end_matches('/').into())
}

impl Authority {
    /// Reads a sign-in address (empty for the global cloud's) and says how far it is trusted;
    /// [`Authority::confirm`] then refuses an unknown host the admin did not name.
    pub fn parse(given: &str) -> Result<Authority, EndpointError> {
        let given = if given.trim().is_empty() {
            DEFAULT_AUTHORITY_URL
        } else {
            given
        };
        let (url, host) = parse("sign-in address", "https://login.microsoftonline.us", given)?;
        let trust = if url.scheme() == "http" {
            Trust::Loopback
        } else {
            match MICROSOFT_AUTHORITIES
                .iter()
                .find(|(known, _)| *known == host)
            {
                Some((_, cloud)) => Trust::Microsoft(cloud),
                None => Trust::Other,
            }
        };
        Ok(Authority {
            url: given.trim().trim_end_matches('/').into(),
            host,
            trust,
        })
    }

    /// This authority if credentials may go to it: a Microsoft cloud, loopback, or the host the
    /// admin confirmed (`confirmed`, compared without regard to case).
    pub fn confirm(self, confirmed: Option<&str>) -> Result<Authority, EndpointError> {
        let named = confirmed
            .map(str::trim)
            .is_some_and(|c| c.eq_ignore_ascii_case(&self.host));
        match self.trust {
            Trust::Other if !named => Err(EndpointError::Untrusted { host: self.host }),
            _ => Ok(self),
        }
    }

    /// Parses and confirms in one step.
    pub fn checked(given: &str, confirmed: Option<&str>) -> Result<Authority, EndpointError> {
        Authority::parse(given)?.confirm(confirmed)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// `host` or `host:port`, lower case.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn trust(&self) -> Trust {
        self.trust
    }

    /// Whether a credential for this authority may be read from or kept in `store`: never in a
    /// store that outlives the process (the OS keyring) for plain http to this machine, where
    /// anything listening on the port would receive it.
    pub fn may_keep_in(&self, store: &dyn SecretStore) -> bool {
        self.trust != Trust::Loopback || !store.persists()
    }

    /// Why `place` (a store [`Authority::may_keep_in`] refuses) keeps nothing for this authority.
    pub fn not_kept_here(&self, place: &str) -> String {
        format!(
            "nothing is kept in {place} for {}, a sign-in address on this machine over plain http",
            self.host
        )
    }

    /// The keyring account of this authority's client secret for one app registration. The
    /// global cloud's accounts are `tenant/client`, as they were before kept credentials were
    /// bound to a host, so secrets kept then go on working there and nowhere else; every other
    /// host's carry it (`tenant/client@host`).
    pub fn secret_account(&self, tenant_id: &str, client_id: &str) -> String {
        let base = crate::secrets::account(tenant_id, client_id);
        if self.host == MICROSOFT_AUTHORITIES[0].0 {
            base
        } else {
            format!("{base}@{}", self.host)
        }
    }

    /// The keyring account of an admin's kept sign-in (a refresh token) at this authority.
    pub fn admin_account(&self, tenant_id: &str, client_id: &str) -> String {
        format!("{}#delegated", self.secret_account(tenant_id, client_id))
    }
}

impl Default for Authority {
    /// The global cloud's sign-in address.
    fn default() -> Authority {
        Authority {
            url: DEFAULT_AUTHORITY_URL.into(),
            host: MICROSOFT_AUTHORITIES[0].0.into(),
            trust: Trust::Microsoft(MICROSOFT_AUTHORITIES[0].1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{MemoryStore, OsKeyring};

    #[test]
    fn microsoft_clouds_pass_and_loopback_http_passes_but_other_hosts_need_their_name() {
        let global = Authority::checked("", None).unwrap();
        assert_eq!(global, Authority::default());
        assert_eq!(global.url(), DEFAULT_AUTHORITY_URL);
        let gov = Authority::checked(" https://LOGIN.microsoftonline.us/ ", None).unwrap();
        assert_eq!(gov.trust(), Trust::Microsoft("the US Government cloud"));
        assert_eq!(gov.url(), "https://LOGIN.microsoftonline.us");
        let sim = Authority::checked("http://127.0.0.1:8080", None).unwrap();
        assert_eq!(
            (sim.trust(), sim.host()),
            (Trust::Loopback, "127.0.0.1:8080")
        );
        assert_eq!(
            Authority::checked("http://[::1]:9", None).unwrap().trust(),
            Trust::Loopback
        );
        let e = Authority::checked("https://login.evil.example/", None).unwrap_err();
        assert_eq!(
            e,
            EndpointError::Untrusted {
                host: "login.evil.example".into()
            }
        );
        assert!(e
            .to_string()
            .contains("--trust-authority-host login.evil.example"));
        // Confirming another host does not confirm this one.
        assert!(Authority::checked("https://login.evil.example", Some("other.example")).is_err());
        let own = Authority::checked(
            "https://Sts.Contoso.example:8443",
            Some("sts.contoso.example:8443"),
        )
        .unwrap();
        assert_eq!(
            (own.trust(), own.host()),
            (Trust::Other, "sts.contoso.example:8443")
        );
        // https on loopback is not the simulator's plain http: it needs confirming like any host.
        assert!(Authority::checked("https://127.0.0.1:8443", None).is_err());
    }

    #[test]
    fn plain_http_elsewhere_user_info_and_non_addresses_are_refused_with_advice() {
        for (given, says) in [
            ("http://login.microsoftonline.com", "does not use https"),
            ("http://10.0.0.5:8080", "does not use https"),
            ("ftp://127.0.0.1", "does not use https"),
            ("file:///etc/passwd", "names no host"),
            ("login.microsoftonline.com", "not a web address"),
            (
                "https://user:pw@login.microsoftonline.com",
                "user name or password",
            ),
            ("https://login.microsoftonline.com/?x=1", "query"),
        ] {
            let e = Authority::parse(given).unwrap_err().to_string();
            assert!(e.contains(says), "{given}: {e}");
            assert!(!e.contains("pw@"), "the password is not echoed: {e}");
        }
        assert!(graph("http://graph.example").is_err());
        assert_eq!(graph("").unwrap(), DEFAULT_GRAPH_URL);
        assert_eq!(graph("http://localhost:9/").unwrap(), "http://localhost:9");
    }

    #[test]
    fn kept_credentials_are_bound_to_their_host_and_never_kept_for_loopback_in_the_keyring() {
        let global = Authority::default();
        let gov = Authority::checked("https://login.microsoftonline.us", None).unwrap();
        let sim = Authority::checked("http://127.0.0.1:9", None).unwrap();
        assert_eq!(global.secret_account("T", "C"), "t/c", "as before binding");
        assert_eq!(gov.secret_account("T", "C"), "t/c@login.microsoftonline.us");
        assert_eq!(sim.admin_account("T", "C"), "t/c@127.0.0.1:9#delegated");
        assert!(global.may_keep_in(&OsKeyring));
        assert!(!sim.may_keep_in(&OsKeyring));
        assert!(sim.may_keep_in(&MemoryStore::default()));
    }
}
