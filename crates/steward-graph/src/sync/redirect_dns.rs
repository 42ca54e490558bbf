//! Dangling redirect domains: when asked to, a sync looks up the host of every redirect URI of
//! the tenant's own applications and records whether it still resolves, so that the
//! `unsafeRedirectUri` check can judge offline. The lookup goes through a [`Resolve`]: the OS
//! resolver for the admin ([`SystemResolver`]), a stub in tests. Nothing is sent to the tenant.

use std::sync::Arc;

use rusqlite::Connection;
use serde::Serialize;
use steward_core::store::{redirect_domains, TenantKey};

use super::state::in_tx;
use super::SyncResult;

/// What a resolver answered for one host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It has an address.
    Resolves,
    /// The resolver says the name has no address (NXDOMAIN or no records): dangling.
    NoSuchName,
    /// The resolver could not answer (no network, a timeout, a server failure), with why: the
    /// host keeps its earlier verdict.
    Unknown(String),
}

/// Looks a host name up. Blocking: the sync calls it off the async threads.
pub trait Resolve: Send + Sync {
    fn resolve(&self, host: &str) -> Resolution;
}

/// The operating system's resolver (`getaddrinfo`), as every other program on the machine uses it.
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str) -> Resolution {
        use dns_lookup::LookupErrorKind;
        match dns_lookup::lookup_host(host) {
            Ok(mut addrs) => match addrs.next() {
                Some(_) => Resolution::Resolves,
                None => Resolution::NoSuchName,
            },
            Err(e) => match e.kind() {
                LookupErrorKind::NoName | LookupErrorKind::NoData => Resolution::NoSuchName,
                _ => Resolution::Unknown(std::io::Error::from(e).to_string()),
            },
        }
    }
}

/// What the lookups found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectDomainsReport {
    /// Distinct hosts looked up.
    pub hosts: u64,
    /// Hosts that no longer resolve.
    pub dangling: u64,
    /// Hosts the resolver could not answer for (they keep their earlier verdict).
    pub unanswered: u64,
    /// Why the first unanswered one was not answered.
    pub detail: Option<String>,
}

impl RedirectDomainsReport {
    /// The report in a sentence, with what to do next.
    pub fn line(&self) -> String {
        let mut s = format!(
            "Redirect domains: {} looked up, {} no longer resolve{}",
            self.hosts,
            self.dangling,
            if self.dangling > 0 {
                " (named under the recommendation 'Remove unsafe redirect URIs')"
            } else {
                ""
            }
        );
        if self.unanswered > 0 {
            s.push_str(&format!(
                "; {} could not be answered and keep their earlier verdict ({}): check this machine's network and DNS, then sync again",
                self.unanswered,
                self.detail.as_deref().unwrap_or("no reason given")
            ));
        }
        s
    }
}

/// How many lookups run at once.
const LANES: usize = 8;

/// Looks up every redirect host of the tenant's own applications and records the answers.
pub(super) async fn check_redirect_domains(
    conn: &Connection,
    key: TenantKey,
    resolver: Arc<dyn Resolve>,
    now_ms: i64,
) -> SyncResult<RedirectDomainsReport> {
    let hosts = redirect_domains::own_redirect_hosts(conn, key)?;
    let mut report = RedirectDomainsReport {
        hosts: hosts.len() as u64,
        ..Default::default()
    };
    let mut found = Vec::with_capacity(hosts.len());
    for chunk in hosts.chunks(LANES) {
        let lookups: Vec<_> = chunk
            .iter()
            .map(|h| {
                let (r, h) = (resolver.clone(), h.clone());
                tokio::task::spawn_blocking(move || {
                    let answer = r.resolve(&h);
                    (h, answer)
                })
            })
            .collect();
        for l in lookups {
            let (host, answer) = l.await.map_err(|e| super::SyncError::Unexpected {
                url: "DNS".into(),
                message: format!("a redirect domain lookup failed ({e}); run sync again"),
            })?;
            match answer {
                Resolution::Resolves => found.push((host, true)),
                Resolution::NoSuchName => {
                    report.dangling += 1;
                    found.push((host, false));
                }
                Resolution::Unknown(why) => {
                    report.unanswered += 1;
                    report.detail.get_or_insert(format!("{host}: {why}"));
                }
            }
        }
    }
    in_tx(conn, || {
        Ok(redirect_domains::record(conn, key, &hosts, &found, now_ms)?)
    })?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_resolver_answers_for_the_machine_itself_without_the_network() {
        // "localhost" resolves from the hosts file: no query leaves the machine.
        assert_eq!(SystemResolver.resolve("localhost"), Resolution::Resolves);
    }
}
