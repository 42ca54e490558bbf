//! A certificate file an admin uploads to an app registration: its public part only, read so
//! that the thumbprint, subject and validity can be shown before anything is saved.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha1::{Digest, Sha1};

/// What a certificate file says, and the certificate as Graph stores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CertificatePreview {
    /// SHA-1 of the certificate, hex, upper case: as the Entra admin center shows it.
    pub thumbprint: String,
    pub subject: String,
    pub issuer: String,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub not_before: DateTime<Utc>,
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub not_after: DateTime<Utc>,
    /// The certificate (DER), base64: `keyCredential.key`.
    #[serde(skip)]
    pub key: String,
}

/// Reads a `.cer`, `.crt` or `.pem` file: one X.509 certificate, DER or PEM. A file that holds a
/// private key is refused: Entra needs the public part only, and Steward never keeps a key.
pub fn read(bytes: &[u8]) -> Result<CertificatePreview, String> {
    let text = std::str::from_utf8(bytes).ok();
    if text.is_some_and(|t| t.contains("PRIVATE KEY-----")) {
        return Err("the file holds a private key: export the certificate alone (public key only, e.g. `openssl x509 -in cert.pem -out public.cer`) and choose that file".into());
    }
    let der = match text.filter(|t| t.contains("-----BEGIN CERTIFICATE-----")) {
        Some(t) => {
            let start = t.find("-----BEGIN CERTIFICATE-----").unwrap_or(0) + 27;
            let end = t[start..].find("-----END CERTIFICATE-----").ok_or(
                "the PEM certificate has no END line: the file is cut short; export it again",
            )?;
            let body: String = t[start..start + end].split_whitespace().collect();
            STANDARD.decode(body).map_err(|e| {
                format!("the PEM certificate is not valid base64 ({e}); export it again")
            })?
        }
        None => bytes.to_vec(),
    };
    let (rest, cert) = x509_parser::parse_x509_certificate(&der).map_err(|e| {
        format!("the file is not an X.509 certificate ({e}); choose a .cer, .crt or .pem file holding one")
    })?;
    if !rest.is_empty() {
        return Err("the file holds more than one certificate: choose a file with one".into());
    }
    let time = |t: x509_parser::time::ASN1Time| {
        DateTime::<Utc>::from_timestamp(t.timestamp(), 0).unwrap_or_default()
    };
    Ok(CertificatePreview {
        thumbprint: Sha1::digest(&der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect(),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        key: STANDARD.encode(&der),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = include_str!("../../../../tests/fixtures/certificate/steward-test.pem");

    fn cert_only() -> String {
        let start = PEM.find("-----BEGIN CERTIFICATE-----").unwrap();
        let end = PEM.find("-----END CERTIFICATE-----").unwrap() + 25;
        PEM[start..end].to_string()
    }

    #[test]
    fn a_certificate_is_read_as_pem_and_as_der_with_the_same_thumbprint() {
        let pem = read(cert_only().as_bytes()).unwrap();
        assert_eq!(pem.thumbprint.len(), 40);
        assert!(pem.not_before < pem.not_after);
        assert!(!pem.subject.is_empty());
        let der = STANDARD.decode(&pem.key).unwrap();
        let again = read(&der).unwrap();
        assert_eq!(again.thumbprint, pem.thumbprint);
        assert_eq!(again.subject, pem.subject);
    }

    #[test]
    fn a_private_key_or_anything_else_is_refused_saying_what_to_choose() {
        let e = read(PEM.as_bytes()).unwrap_err();
        assert!(e.contains("private key"), "{e}");
        let e = read(b"hello").unwrap_err();
        assert!(e.contains("not an X.509 certificate"), "{e}");
        let cut = &cert_only()[..200];
        let e = read(cut.as_bytes()).unwrap_err();
        assert!(e.contains("cut short"), "{e}");
    }
}
