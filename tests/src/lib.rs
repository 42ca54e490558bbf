//! Shared fixtures for Steward's end-to-end tests (see `e2e/`).
