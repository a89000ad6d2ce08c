//! Timing of the record store's operations.

use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::InstrumentedStore;
use crate::storage::{
    records::{RecordKey, RecordStore},
    StoreResult,
};

#[async_trait]
impl RecordStore for InstrumentedStore {
    async fn claim_record(
        &self,
        at: RecordKey<'_>,
        value: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        timed!(self.claim_record(at, value, expires_at))
    }
    async fn put_record(&self, at: RecordKey<'_>, value: &str, expires_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        timed!(self.put_record(at, value, expires_at))
    }
    async fn records(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<(String, String)>> {
        timed!(self.records(kind, keys))
    }
    async fn record_keys(&self, kind: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<String>> {
        timed!(self.record_keys(kind, after, limit))
    }

    async fn delete_record(&self, kind: &str, key: &str) -> StoreResult<()> {
        timed!(self.delete_record(kind, key))
    }
    async fn delete_record_if(&self, kind: &str, key: &str, value: &str) -> StoreResult<bool> {
        timed!(self.delete_record_if(kind, key, value))
    }
    async fn replace_record_if(&self, kind: &str, key: &str, expected: &str, value: &str) -> StoreResult<bool> {
        timed!(self.replace_record_if(kind, key, expected, value))
    }
    async fn delete_records_of(&self, owner: &str) -> StoreResult<()> {
        timed!(self.delete_records_of(owner))
    }
    async fn purge_expired_records(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        timed!(self.purge_expired_records(now))
    }
}
