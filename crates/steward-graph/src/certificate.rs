//! App-only sign-in with a certificate: a client assertion (RFC 7523), a JWT signed with the
//! app's RSA private key whose header names the certificate by its SHA-1 thumbprint (`x5t`), as
//! Microsoft Entra expects in place of a client secret.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sha1::{Digest, Sha1};

/// A certificate and its private key, read from one PEM file. The key stays in memory only.
#[derive(Clone)]
pub struct ClientCertificate {
    key: jsonwebtoken::EncodingKey,
    /// base64url of the certificate's SHA-1 digest: the JWT header's `x5t`.
    x5t: String,
    /// The thumbprint as the Entra admin center shows it (hex, upper case).
    pub thumbprint: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("thumbprint", &self.thumbprint)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// The PEM blocks of `text`: (label, the block's text including its armour).
fn pem_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = after[..label_end].to_string();
        let end_marker = format!("-----END {label}-----");
        let Some(end) = rest[start..].find(&end_marker) else {
            break;
        };
        let block_end = start + end + end_marker.len();
        out.push((label, rest[start..block_end].to_string()));
        rest = &rest[block_end..];
    }
    out
}

/// The DER bytes inside one PEM block.
fn pem_body(block: &str) -> Option<Vec<u8>> {
    let body: String = block
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':'))
        .map(str::trim)
        .collect();
    STANDARD.decode(body).ok()
}

impl ClientCertificate {
    /// Reads a PEM file holding the private key (PKCS#8 `PRIVATE KEY` or PKCS#1
    /// `RSA PRIVATE KEY`) and the certificate, in either order.
    pub fn from_pem(text: &str) -> Result<ClientCertificate, String> {
        let blocks = pem_blocks(text);
        let cert = blocks
            .iter()
            .find(|(l, _)| l == "CERTIFICATE")
            .ok_or("the PEM file holds no certificate (-----BEGIN CERTIFICATE-----); put the certificate you uploaded to the app registration in the same file as its private key")?;
        let key = blocks
            .iter()
            .find(|(l, _)| l == "PRIVATE KEY" || l == "RSA PRIVATE KEY")
            .ok_or(if blocks.iter().any(|(l, _)| l.contains("ENCRYPTED")) {
                "the private key is encrypted; export it without a passphrase (for example `openssl pkey -in key.pem -out plain.pem`) and keep that file where only you can read it"
            } else {
                "the PEM file holds no private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----); put the certificate's private key in the same file"
            })?;
        let der = pem_body(&cert.1).ok_or("the certificate in the PEM file is not valid base64")?;
        let digest = Sha1::digest(&der);
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(key.1.as_bytes()).map_err(|e| {
            format!("the private key could not be read as an RSA key ({e}); Microsoft Entra signs in apps with RSA certificates only")
        })?;
        Ok(ClientCertificate {
            key,
            x5t: URL_SAFE_NO_PAD.encode(digest),
            thumbprint: digest.iter().map(|b| format!("{b:02X}")).collect(),
        })
    }

    /// A client assertion for the token endpoint `audience`, valid for ten minutes from `now`
    /// (seconds since the Unix epoch).
    pub fn assertion(&self, client_id: &str, audience: &str, now: i64) -> Result<String, String> {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.x5t = Some(self.x5t.clone());
        // Unique per assertion: the time, this process and a counter, digested.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let jti = Sha1::digest(format!("{nanos}/{}/{n}", std::process::id()));
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": jti[..16].iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "nbf": now - 60,
            "iat": now,
            "exp": now + 600,
        });
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| format!("the client assertion could not be signed ({e})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = include_str!("../../../tests/fixtures/certificate/steward-test.pem");

    #[test]
    fn a_key_and_certificate_file_signs_an_assertion_naming_the_certificate() {
        let c = ClientCertificate::from_pem(PEM).unwrap();
        assert_eq!(c.thumbprint.len(), 40);
        let jwt = c
            .assertion("client", "https://login/t/oauth2/v2.0/token", 1_800_000_000)
            .unwrap();
        let header = jsonwebtoken::decode_header(&jwt).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        assert_eq!(header.x5t.as_deref(), Some(c.x5t.as_str()));
        let text = format!("{c:?}");
        assert!(
            !text.contains("PRIVATE"),
            "the key is never printed: {text}"
        );
    }

    #[test]
    fn files_without_a_certificate_or_key_say_what_to_put_in_them() {
        let cert_only: String = pem_blocks(PEM)
            .into_iter()
            .filter(|(l, _)| l == "CERTIFICATE")
            .map(|(_, b)| b)
            .collect();
        let e = ClientCertificate::from_pem(&cert_only).unwrap_err();
        assert!(e.contains("no private key"), "{e}");
        let e = ClientCertificate::from_pem("not a pem").unwrap_err();
        assert!(e.contains("no certificate"), "{e}");
    }
}
