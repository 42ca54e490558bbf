//! Every timestamp form Graph and its tools write (RFC 3339 with any fraction, short offsets,
//! bare dates, PowerShell's `/Date(…)/`): any text is a time or none, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = steward_graph::json::parse_time(text);
});
