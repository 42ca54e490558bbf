//! Where credentials go, through the real binary: an https simulator reached through the OS
//! trust store (`SSL_CERT_FILE`, as a machine trusts a TLS-inspecting proxy's authority) and
//! through an https proxy on loopback (`HTTPS_PROXY`, `NO_PROXY`); a sign-in host that is not a
//! Microsoft cloud's refused until named; a kept secret bound to its sign-in host in the real
//! Secret Service.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

use common::{SimTenant, CLIENT};

/// The proxy and trust variables a test sets itself: none is inherited from the machine.
const NETWORK_ENV: [&str; 9] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_DIR",
];

struct Fixture {
    dir: tempfile::TempDir,
    sim: SimTenant,
    /// The simulator's certificate authority, as a PEM file (empty for plain http).
    ca: PathBuf,
    secret: &'static str,
}

impl Fixture {
    /// A small tenant on an https simulator (or a plain http one).
    fn start(https: bool, secret: &'static str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let sim = if https {
            SimTenant::start_tls(dir.path(), 4, 30, 300, secret)
        } else {
            SimTenant::start(dir.path(), 4, 30, 300, secret, graph_sim::Faults::default())
        };
        let ca = dir.path().join("sim-ca.pem");
        std::fs::write(&ca, sim.ca_pem.clone().unwrap_or_default()).unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        Fixture {
            dir,
            sim,
            ca,
            secret,
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `host:port` of the simulator: what an admin confirms.
    fn host(&self) -> String {
        let url = &self.sim.url;
        url.split_once("://")
            .map_or(url.as_str(), |(_, host)| host)
            .to_string()
    }

    /// `steward sync` against the simulator, with `extra` arguments and environment.
    fn sync(&self, extra: &[&str], env: &[(&str, &str)], secret: Option<&str>) -> Output {
        let url = &self.sim.url;
        let mut args = vec![
            "sync",
            "--tenant",
            &self.sim.id,
            "--client-id",
            CLIENT,
            "--graph-url",
            url,
            "--authority-url",
            url,
        ];
        args.extend_from_slice(extra);
        self.run(&args, env, secret)
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)], secret: Option<&str>) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
        c.arg("--db")
            .arg(self.data().join("cache.db"))
            .args(args)
            .env_remove("STEWARD_DB")
            .env_remove("STEWARD_CLIENT_SECRET")
            .env_remove("SSL_CERT_FILE")
            .stdin(std::process::Stdio::null());
        for name in NETWORK_ENV {
            c.env_remove(name);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        if let Some(s) = secret {
            c.env("STEWARD_CLIENT_SECRET", s);
        }
        c.output().unwrap()
    }

    /// No file in the data folder holds the secret.
    fn assert_no_secret_on_disk(&self) {
        for entry in std::fs::read_dir(self.data()).unwrap() {
            let p = entry.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes
                    .windows(self.secret.len())
                    .any(|w| w == self.secret.as_bytes()),
                "{} holds the secret",
                p.display()
            );
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// An https proxy on loopback: answers `CONNECT host:port` and relays the bytes, recording each
/// target it was asked for.
async fn connect_proxy(seen: Arc<Mutex<Vec<String>>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    match client.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let mut words = head.split_whitespace();
                let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                        .await;
                    return;
                };
                seen.lock().unwrap().push(target.to_string());
                let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    addr
}

#[test]
fn a_sync_reaches_https_graph_through_the_os_trust_store_and_an_https_proxy_and_honours_no_proxy() {
    let f = Fixture::start(true, "Tls-Test-Secret~1234567890");
    let ca = f.ca.display().to_string();
    let host = f.host();
    let trust = ["--trust-authority-host", host.as_str()];
    let no_store = ("STEWARD_SECRET_STORE", "none");

    // Without the authority in the trust store the handshake fails, with advice.
    let untrusted = f.sync(&trust, &[no_store], Some(f.secret));
    assert!(!untrusted.status.success());
    let said = text(&untrusted);
    assert!(said.contains("certificate"), "{said}");
    assert!(
        said.contains("trust store"),
        "the error says what to do: {said}"
    );

    // Trusted through SSL_CERT_FILE (the OS trust store's override) and relayed by a proxy.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let proxy = f.sim.block_on(connect_proxy(seen.clone()));
    let proxy_url = format!("http://{proxy}");
    let through = f.sync(
        &trust,
        &[
            no_store,
            ("SSL_CERT_FILE", &ca),
            ("HTTPS_PROXY", &proxy_url),
        ],
        Some(f.secret),
    );
    assert!(through.status.success(), "{}", text(&through));
    let targets = seen.lock().unwrap().clone();
    assert!(
        !targets.is_empty() && targets.iter().all(|t| *t == host),
        "every connection went through the proxy to the simulator: {targets:?}"
    );

    // NO_PROXY names the simulator: the proxy (now a dead port) is not used.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let direct = f.sync(
        &trust,
        &[
            no_store,
            ("SSL_CERT_FILE", &ca),
            ("HTTPS_PROXY", &dead_url),
            ("NO_PROXY", "127.0.0.1"),
        ],
        Some(f.secret),
    );
    assert!(direct.status.success(), "{}", text(&direct));
    let before = seen.lock().unwrap().len();
    assert_eq!(before, targets.len(), "the proxy saw nothing more");

    // A sign-in host that is not a Microsoft cloud's is refused until named, before any
    // request: the proxy sees nothing.
    let unnamed = f.sync(
        &[],
        &[
            no_store,
            ("SSL_CERT_FILE", &ca),
            ("HTTPS_PROXY", &proxy_url),
        ],
        Some(f.secret),
    );
    assert!(!unnamed.status.success());
    let said = text(&unnamed);
    assert!(
        said.contains(&format!("--trust-authority-host {host}")),
        "{said}"
    );
    assert_eq!(seen.lock().unwrap().len(), before, "nothing was sent");
    f.assert_no_secret_on_disk();
}

/// Runs against the real Secret Service: `scripts/test.sh` starts gnome-keyring in a private
/// D-Bus session (`dbus-run-session`) and runs this test there.
#[test]
#[ignore = "needs a Secret Service; scripts/test.sh runs it under dbus-run-session with gnome-keyring"]
fn a_secret_is_kept_in_the_secret_service_bound_to_its_https_sign_in_host_and_forgotten_on_request()
{
    // Plain http to this machine: the secret signs in, and nothing is kept in the keyring.
    let plain = Fixture::start(false, "Keyring-Test-Secret~9876543210");
    let first = plain.sync(&[], &[], Some(plain.secret));
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("plain http"), "{}", text(&first));
    let again = plain.sync(&[], &[], None);
    assert!(
        !again.status.success(),
        "nothing was kept: {}",
        text(&again)
    );
    plain.assert_no_secret_on_disk();
    drop(plain);

    // https to a host the admin named: kept, used next time, for that host only.
    let f = Fixture::start(true, "Keyring-Test-Secret~9876543210");
    let ca = f.ca.display().to_string();
    let host = f.host();
    let trust = ["--trust-authority-host", host.as_str()];
    let env = [("SSL_CERT_FILE", ca.as_str())];
    let kept = f.sync(&trust, &env, Some(f.secret));
    assert!(kept.status.success(), "{}", text(&kept));
    assert!(
        text(&kept).contains("kept in the OS keyring"),
        "{}",
        text(&kept)
    );
    let second = f.sync(&trust, &env, None);
    assert!(
        second.status.success(),
        "the kept secret is used: {}",
        text(&second)
    );
    f.assert_no_secret_on_disk();
    // The same tenant and client id at the global cloud finds nothing kept: `forget` there
    // removes nothing, and the host's own secret stays.
    let tenant = f.sim.id.clone();
    let forget_args = |authority: &str| {
        vec![
            "forget".to_string(),
            "--tenant".into(),
            tenant.clone(),
            "--client-id".into(),
            CLIENT.into(),
            "--authority-url".into(),
            authority.into(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        f.run(&args, &env, None)
    };
    let global = run(forget_args("https://login.microsoftonline.com"));
    assert!(
        text(&global).contains("No client secret"),
        "{}",
        text(&global)
    );
    let forget = run(forget_args(&f.sim.url));
    assert!(text(&forget).contains("Removed"), "{}", text(&forget));
    let third = f.sync(&trust, &env, None);
    assert!(!third.status.success());
    assert!(
        text(&third).contains("no client secret"),
        "{}",
        text(&third)
    );
}
