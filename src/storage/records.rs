//! Small keyed records that belong to a user and may expire: idempotency keys (the first answer
//! to a request) and remembered match decisions. One table or collection for both, by `kind`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store_error::StoreResult;

/// Where a record lives: its kind, its owner and its key (unique per kind).
#[derive(Debug, Clone, Copy)]
pub struct RecordKey<'a> {
    /// What the record is (`idempotency`, `match_decision`).
    pub kind: &'a str,
    /// The user it belongs to (deleted with them).
    pub owner: &'a str,
    /// Its key within the kind (includes the owner, so owners never share a record).
    pub key: &'a str,
}

/// Keyed, optionally expiring records; an expired record reads as absent.
#[async_trait]
pub trait RecordStore: Send + Sync {
    /// Stores `value` under `at` unless a live record is there; returns that record's value
    /// when there is one (and then writes nothing).
    async fn claim_record(
        &self,
        at: RecordKey<'_>,
        value: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Option<String>>;
    /// Stores `value` under `at`, replacing any record there.
    async fn put_record(&self, at: RecordKey<'_>, value: &str, expires_at: Option<DateTime<Utc>>) -> StoreResult<()>;
    /// The live records of `kind` among `keys`, as `(key, value)`.
    async fn records(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<(String, String)>>;
    /// Keys of up to `limit` live records of `kind` after `after` (a work queue's entries, or
    /// every record of a kind page by page), in key order.
    async fn record_keys(&self, kind: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<String>>;
    /// Removes the record at `kind`/`key`, if any.
    async fn delete_record(&self, kind: &str, key: &str) -> StoreResult<()>;
    /// Removes the record at `kind`/`key` only while it holds `value` (a lease let go of by its
    /// holder alone, never by one whose lease expired and was taken over); true when it did.
    async fn delete_record_if(&self, kind: &str, key: &str, value: &str) -> StoreResult<bool>;
    /// Replaces the value of the record at `kind`/`key` only while it holds `expected` (a write
    /// that must not overwrite one made since it read); true when it did.
    async fn replace_record_if(&self, kind: &str, key: &str, expected: &str, value: &str) -> StoreResult<bool>;
    /// Removes every record `owner` has (account deletion).
    async fn delete_records_of(&self, owner: &str) -> StoreResult<()>;
    /// Removes the records that expired before `now`; returns how many.
    async fn purge_expired_records(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
