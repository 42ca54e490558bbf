//! End-to-end tests through the real window: tauri-driver starts WebKitWebDriver, which starts
//! `steward-desktop` on a temporary cache made by `steward demo`. Each test checks what an admin
//! sees against the SQLite file itself and saves a screenshot under `target/e2e-screenshots/`.

mod access_reviews;
mod accessibility;
mod conditional_access;
mod connections;
mod dark;
mod harness;
mod hostile;
mod identities;
mod import;
mod insights;
mod keyboard;
mod manage;
mod overview;
mod reports;
mod window;
