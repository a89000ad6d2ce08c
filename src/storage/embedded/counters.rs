//! Shared counters on the embedded store: it serves one process, so they live in memory (the
//! reconciliation loop does not even run here; this keeps the contract whole).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::EmbeddedStore;
use crate::{
    quotas::store::{CounterAdd, CounterStore},
    storage::StoreResult,
};

#[async_trait]
impl CounterStore for EmbeddedStore {
    async fn add_to_counters(&self, adds: &[CounterAdd]) -> StoreResult<Vec<i64>> {
        let mut counters = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Utc::now();
        counters.retain(|_, (_, expires): &mut (i64, DateTime<Utc>)| *expires > now);
        Ok(adds
            .iter()
            .map(|add| {
                let (total, _) = counters.entry(add.key.clone()).or_insert((0, add.expires_at));
                *total += add.delta;
                *total
            })
            .collect())
    }

    async fn take_lease(&self, _name: &str, _holder: &str, _until: DateTime<Utc>) -> StoreResult<bool> {
        Ok(true)
    }

    async fn heartbeat(&self, _replica: &str, _until: DateTime<Utc>) -> StoreResult<u64> {
        Ok(1)
    }
}

/// The in-memory counters: total and expiry by key.
pub(super) type Counters = std::sync::Mutex<HashMap<String, (i64, DateTime<Utc>)>>;
