//! Delegated admin sign-in against the Graph simulator over real HTTP: the authorization code
//! flow with PKCE through a loopback redirect (the test plays the browser), the device code flow
//! (the test plays the admin entering the code), and a sync that signs in with the refresh
//! token, which Entra rotates.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_sim::{Faults, Running, SimConfig};
use steward_core::demo::DemoOptions;
use steward_core::store;
use steward_graph::delegated::{sign_in_browser, sign_in_device};
use steward_graph::endpoints::Authority;
use steward_graph::sync::{sync, SyncOptions};

const CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";

async fn start(dir: &tempfile::TempDir) -> Running {
    graph_sim::start(
        SimConfig {
            demo: DemoOptions {
                seed: 12,
                service_principals: 30,
                sign_ins: 300,
                as_of: steward_core::clock::parse_as_of("2026-11-01").unwrap(),
            },
            client_id: CLIENT_ID.into(),
            client_secret: "unused-here".into(),
            client_certificate: None,
            token_lifetime: Duration::from_secs(3600),
            faults: Faults::default(),
            db: dir.path().join("sim.db"),
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .unwrap()
}

fn delegated_options(sim: &Running, refresh: &Arc<Mutex<String>>) -> SyncOptions {
    let mut o = SyncOptions::new(&sim.tenant_id, CLIENT_ID, "");
    o.graph_url = sim.url();
    o.authority_url = sim.url();
    o.refresh_token = Some(refresh.clone());
    o.sign_in_days = 90;
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_flow_signs_in_through_a_loopback_redirect_and_the_sync_rotates_the_refresh_token(
) {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&dir).await;
    let browser_page = Arc::new(Mutex::new(String::new()));
    let page = browser_page.clone();
    let browser = Arc::new(Mutex::new(None));
    let browser_task = browser.clone();
    let tokens = sign_in_browser(
        &Authority::checked(&sim.url(), None).unwrap(),
        &sim.url(),
        &sim.tenant_id,
        CLIENT_ID,
        Duration::from_secs(30),
        move |url| {
            // The system browser: the sign-in page sends it to Steward's loopback redirect.
            let url = url.to_string();
            assert!(url.contains("code_challenge_method=S256"), "PKCE: {url}");
            *browser_task.lock().unwrap() = Some(tokio::spawn(async move {
                let http = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                let r = http.get(&url).send().await.unwrap();
                let back = r.headers()["location"].to_str().unwrap().to_string();
                assert!(back.starts_with("http://localhost:"), "{back}");
                let text = http.get(&back).send().await.unwrap().text().await.unwrap();
                *page.lock().unwrap() = text;
            }));
        },
    )
    .await
    .expect("signed in");
    // The browser may still be reading the page Steward answered with.
    let task = browser
        .lock()
        .unwrap()
        .take()
        .expect("the browser was opened");
    task.await.expect("the browser's requests");
    assert!(browser_page
        .lock()
        .unwrap()
        .contains("Signed in to Steward"));
    let first = tokens.refresh_token.clone();
    let refresh = Arc::new(Mutex::new(first.clone()));
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let summary = sync(
        &conn,
        &delegated_options(&sim, &refresh),
        steward_core::clock::parse_as_of("2026-11-01T01:00:00Z").unwrap(),
        &mut |_| {},
    )
    .await
    .expect("the delegated sync reads the tenant");
    assert_eq!(summary.tenant_id, sim.tenant_id);
    let rotated = refresh.lock().unwrap().clone();
    assert_ne!(
        rotated, first,
        "Entra's rotated refresh token replaces the used one"
    );

    // The used refresh token no longer signs in; the error says to sign in again.
    let stale = Arc::new(Mutex::new(first));
    let e = sync(
        &conn,
        &delegated_options(&sim, &stale),
        steward_core::clock::parse_as_of("2026-11-01T02:00:00Z").unwrap(),
        &mut |_| {},
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("sign in again"), "{e}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_code_flow_signs_in_once_the_admin_enters_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&dir).await;
    let shown = Arc::new(Mutex::new(String::new()));
    let seen = shown.clone();
    let tokens = sign_in_device(
        &Authority::checked(&sim.url(), None).unwrap(),
        &sim.url(),
        &sim.tenant_id,
        CLIENT_ID,
        move |uri, code, message| {
            *seen.lock().unwrap() = message.to_string();
            let target = format!("{uri}?code={code}");
            // The admin, on another device, a moment later.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                reqwest::get(target).await.unwrap();
            });
        },
    )
    .await
    .expect("signed in with the device code");
    assert!(shown.lock().unwrap().contains("enter the code"));
    let refresh = Arc::new(Mutex::new(tokens.refresh_token));
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    sync(
        &conn,
        &delegated_options(&sim, &refresh),
        steward_core::clock::parse_as_of("2026-11-01T01:00:00Z").unwrap(),
        &mut |_| {},
    )
    .await
    .expect("the delegated sync reads the tenant");
    sim.shutdown().await;
}
