//! The sync's typed fast path for sign-in pages: any bytes either fail to parse or give sign-ins
//! (or an error naming the field), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(page) = serde_json::from_slice::<steward_graph::wire::SignInPage>(bytes) {
        for w in page.value {
            let _ = w.into_sign_in();
        }
    }
});
