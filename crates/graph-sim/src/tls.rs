//! The simulator's https mode: a certificate made at start for `127.0.0.1` and `localhost`,
//! signed by a certificate authority made with it, so a test can hand Steward that authority
//! (through `SSL_CERT_FILE`, as an admin's machine trusts a corporate one) and reach the
//! simulator over TLS as it reaches Graph. Each connection is accepted here and served by the
//! same router as plain http.

use std::sync::Arc;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// A certificate authority and the loopback server certificate it signed, made at start.
pub struct Certificates {
    /// The authority's certificate (PEM): what a client trusts.
    pub ca_pem: String,
    server: rustls::ServerConfig,
}

fn failed(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("the simulator's certificate: {e}"))
}

impl Certificates {
    pub fn generate() -> std::io::Result<Certificates> {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
        let ca_key = KeyPair::generate().map_err(failed)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "graph-sim test authority");
        let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let key = KeyPair::generate().map_err(failed)?;
        let leaf = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .map_err(failed)?
            .signed_by(&key, &issuer)
            .map_err(failed)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(failed)?
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone(), ca_cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .map_err(failed)?;
        Ok(Certificates {
            ca_pem: ca_cert.pem(),
            server,
        })
    }
}

/// Serves `app` over TLS on `listener` until `stop` resolves.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    certificates: &Certificates,
    stop: impl std::future::Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(Arc::new(certificates.server.clone()));
    let app = app.layer(axum::middleware::from_fn(mark_https));
    tokio::pin!(stop);
    loop {
        let (tcp, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => continue,
            },
            () = &mut stop => return,
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            // A client that gives up on the handshake (one that does not trust the authority)
            // ends its own connection; nothing to report.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app))
                .await;
        });
    }
}

/// Tells the handlers that write absolute links (`@odata.nextLink`, delta links, the device
/// login page) that this request came over https.
async fn mark_https(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    request.headers_mut().insert(
        crate::paging::SCHEME_HEADER,
        axum::http::HeaderValue::from_static("https"),
    );
    next.run(request).await
}
