//! The sync's sign-in against the Graph simulator: a certificate signs in instead of a secret
//! (and one the app has not registered is refused), a wrong secret fails with the AADSTS reason
//! and is never echoed, and an unreachable sign-in endpoint is no refusal.

use graph_sim::Faults;
use steward_core::store;
use steward_graph::sync::sync;

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/certificate")
            .join(name),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_signs_in_instead_of_a_secret_and_an_unregistered_one_is_refused() {
    let registered = graph_sim::SimCertificate {
        certificate_pem: fixture("cert.pem"),
        public_key_pem: fixture("public-key.pem"),
    };
    let sim = start_with(small_pages(), 40, 500, Some(registered)).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut opts = options(&sim);
    opts.client_secret = String::new();
    opts.certificate = Some(
        steward_graph::certificate::ClientCertificate::from_pem(&fixture("steward-test.pem"))
            .unwrap(),
    );
    sync(
        &conn,
        &opts,
        as_of() + chrono::Duration::hours(1),
        &mut |_| {},
    )
    .await
    .expect("the certificate signs in");
    let want = sim_snapshot(&sim);
    let got = snapshot(&conn);
    assert!(want == got, "{}", diff(&want, &got));
    sim.running.shutdown().await;

    // The same certificate against an app that has none registered: Entra's AADSTS700027.
    let sim = start_with(small_pages(), 10, 10, None).await;
    let mut opts2 = options(&sim);
    opts2.client_secret = String::new();
    opts2.certificate = opts.certificate.clone();
    let conn = store::open(&dir.path().join("other.db")).unwrap();
    let e = sync(&conn, &opts2, as_of(), &mut |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("AADSTS700027"), "{e}");
    assert!(
        e.contains("certificate"),
        "the error says what to check: {e}"
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_fails_with_the_aadsts_reason_and_never_echoes_the_secret() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    o.client_secret = "wrong-secret-value-123".into();
    let err = sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("AADSTS7000215"), "{message}");
    assert!(
        !message.contains("wrong-secret-value-123"),
        "the secret is never in a message"
    );
    assert!(
        !format!("{o:?}").contains("wrong-secret"),
        "nor in debug output"
    );
    sim.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_sign_in_endpoint_is_no_refusal() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let mut o = options(&sim);
    // A port nothing listens on: as if the machine were offline.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    o.authority_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    o.max_attempts = 2;
    let err = sync(&conn, &o, as_of(), &mut |_| {}).await.unwrap_err();
    assert!(
        matches!(err, steward_graph::sync::SyncError::SignInUnanswered { .. }),
        "not a refusal, so a kept sign-in or secret is not forgotten: {err}"
    );
    assert!(err.to_string().contains("Check the network"), "{err}");
    sim.running.shutdown().await;
}
