//! A certificate file as an admin gives it (PEM with the certificate and its private key, in any
//! order): any text is a certificate or an error saying what is wrong, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = steward_graph::certificate::ClientCertificate::from_pem(text);
});
