//! The simulator's shared state: the tenant's cache connection, issued tokens, the fault
//! generator, the token buckets, and the change log that `/_sim/…` writes and delta rounds read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use steward_core::store::TenantKey;

use crate::config::SimConfig;
use crate::faults::Family;

pub(crate) struct Inner {
    pub(crate) conn: Connection,
    pub(crate) key: TenantKey,
    pub(crate) tenant_id: String,
    pub(crate) tenant_name: String,
    pub(crate) default_domain: Option<String>,
    /// When the simulated tenant was generated.
    pub(crate) as_of: DateTime<Utc>,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) tokens: HashMap<String, Instant>,
    pub(crate) issued: u64,
    pub(crate) requests: u64,
    /// Changes made through `/_sim/…`, in order: what delta rounds report.
    pub(crate) changes: Vec<Change>,
    pub(crate) seq: u64,
    /// Delta links of an earlier epoch are expired (`/_sim/expireDeltaTokens`).
    pub(crate) delta_epoch: u64,
    /// Token buckets of the families under `Limits`: (tokens left, last refill).
    pub(crate) buckets: HashMap<Family, (f64, Instant)>,
    /// What the admitted requests of each family cost under `Limits`, in all: what the
    /// throttling floor of a run is computed from ([`crate::faults::throttle_floor`]).
    pub(crate) spent: HashMap<Family, f64>,
    /// Requests answered 429 by the limits.
    pub(crate) limited: u64,
    /// Authorization codes issued by `/authorize`: code → (PKCE challenge, redirect URI).
    pub(crate) codes: HashMap<String, (String, String)>,
    /// Device codes: device code → (user code, approved by the simulated admin).
    pub(crate) device_codes: HashMap<String, (String, bool)>,
    /// Refresh tokens that are still valid (each is used once: Entra rotates them).
    pub(crate) refresh_tokens: std::collections::HashSet<String>,
    /// Writes Graph applied (created, changed or deleted something), whatever became of their
    /// answers.
    pub(crate) writes: u64,
    /// Answers still to lose (`Faults::lose_write_answers`).
    pub(crate) answers_to_lose: u32,
    /// Applications created by `uniqueName`: the name → the object id.
    pub(crate) unique_names: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    Added,
    /// Only the display name changed: a delta round sends the id and that property alone, as
    /// Graph may.
    Renamed,
    Deleted,
}

#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub(crate) seq: u64,
    pub(crate) collection: &'static str,
    pub(crate) id: String,
    pub(crate) kind: ChangeKind,
}

#[derive(Clone)]
pub(crate) struct Sim {
    pub(crate) config: Arc<SimConfig>,
    pub(crate) inner: Arc<Mutex<Inner>>,
    /// `$batch` requests being answered now, and the most there have been at once.
    pub(crate) batches: Arc<(
        std::sync::atomic::AtomicUsize,
        std::sync::atomic::AtomicUsize,
    )>,
}

pub(crate) fn record(inner: &mut Inner, collection: &'static str, id: &str, kind: ChangeKind) {
    inner.seq += 1;
    let seq = inner.seq;
    inner.changes.push(Change {
        seq,
        collection,
        id: id.to_string(),
        kind,
    });
}

/// A new object id from the simulator's seeded generator, shaped like Graph's (a version 4 GUID).
pub(crate) fn new_guid(rng: &mut ChaCha8Rng) -> String {
    use rand::Rng;
    let b: [u8; 16] = rng.random();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0xfff,
        u16::from_be_bytes([b[8], b[9]]) & 0xfff,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}
