//! What the store provides for shared limits: counters, leases and a replica registry.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store_error::StoreResult;

/// One increment of a shared counter.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterAdd {
    /// The counter (name, key and window).
    pub key: String,
    /// What to add (negative to give back).
    pub delta: i64,
    /// When the counter may be forgotten (the end of its window).
    pub expires_at: DateTime<Utc>,
}

/// Shared counters, leases and the replica registry.
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// Adds each delta atomically (creating missing counters) and returns the totals after, in order.
    async fn add_to_counters(&self, adds: &[CounterAdd]) -> StoreResult<Vec<i64>>;
    /// Takes or renews the lease `name` for `holder` until `until`, if it is free, expired or
    /// already `holder`'s; true when `holder` holds it now.
    async fn take_lease(&self, name: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool>;
    /// Records `replica` as alive until `until`; returns how many replicas are alive now.
    async fn heartbeat(&self, replica: &str, until: DateTime<Utc>) -> StoreResult<u64>;
}
