//! Keyed records in SQLite (`records` table); expired rows read as absent and are replaced.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_sqlite::rusqlite::{params, OptionalExtension};

use super::{sql_err, EmbeddedStore};
use crate::storage::{
    records::{RecordKey, RecordStore},
    StoreResult,
};

fn micros(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_micros())
}

#[async_trait]
impl RecordStore for EmbeddedStore {
    async fn claim_record(
        &self,
        at: RecordKey<'_>,
        value: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let (kind, owner, key, value) = (at.kind.to_owned(), at.owner.to_owned(), at.key.to_owned(), value.to_owned());
        let now = Utc::now().timestamp_micros();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let live: Option<String> = tx
                .query_row(
                    "SELECT value FROM records WHERE kind = ?1 AND key = ?2 AND (expires_us IS NULL OR expires_us > ?3)",
                    params![kind, key, now],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            if live.is_none() {
                tx.execute(
                    "INSERT OR REPLACE INTO records (kind, key, owner, value, expires_us) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![kind, key, owner, value, expires_at.timestamp_micros()],
                )
                .map_err(sql_err)?;
            }
            tx.commit().map_err(sql_err)?;
            Ok(live)
        })
        .await
    }

    async fn put_record(&self, at: RecordKey<'_>, value: &str, expires_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        let (kind, owner, key, value) = (at.kind.to_owned(), at.owner.to_owned(), at.key.to_owned(), value.to_owned());
        self.with_conn(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO records (kind, key, owner, value, expires_us) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind, key, owner, value, micros(expires_at)],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn records(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<(String, String)>> {
        let (kind, keys) = (kind.to_owned(), keys.to_vec());
        let now = Utc::now().timestamp_micros();
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT key, value FROM records WHERE kind = ?1 AND key = ?2 AND (expires_us IS NULL OR expires_us > ?3)",
                )
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for key in keys {
                if let Some(row) = st
                    .query_row(params![kind, key, now], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
                    .map_err(sql_err)?
                {
                    out.push(row);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn record_keys(&self, kind: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<String>> {
        let (kind, after) = (kind.to_owned(), after.unwrap_or_default().to_owned());
        let now = Utc::now().timestamp_micros();
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT key FROM records WHERE kind = ?1 AND key > ?2 AND (expires_us IS NULL OR expires_us > ?3)
                     ORDER BY key LIMIT ?4",
                )
                .map_err(sql_err)?;
            let rows =
                st.query_map(params![kind, after, now, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| r.map_err(sql_err)).collect()
        })
        .await
    }

    async fn delete_record(&self, kind: &str, key: &str) -> StoreResult<()> {
        let (kind, key) = (kind.to_owned(), key.to_owned());
        self.with_conn(move |c| {
            c.execute("DELETE FROM records WHERE kind = ?1 AND key = ?2", params![kind, key])
                .map(|_| ())
                .map_err(sql_err)
        })
        .await
    }

    async fn delete_record_if(&self, kind: &str, key: &str, value: &str) -> StoreResult<bool> {
        let (kind, key, value) = (kind.to_owned(), key.to_owned(), value.to_owned());
        self.with_conn(move |c| {
            c.execute("DELETE FROM records WHERE kind = ?1 AND key = ?2 AND value = ?3", params![kind, key, value])
                .map(|n| n > 0)
                .map_err(sql_err)
        })
        .await
    }

    async fn replace_record_if(&self, kind: &str, key: &str, expected: &str, value: &str) -> StoreResult<bool> {
        let (kind, key, expected, value) = (kind.to_owned(), key.to_owned(), expected.to_owned(), value.to_owned());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE records SET value = ?4 WHERE kind = ?1 AND key = ?2 AND value = ?3",
                params![kind, key, expected, value],
            )
            .map(|n| n > 0)
            .map_err(sql_err)
        })
        .await
    }

    async fn purge_expired_records(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let now = now.timestamp_micros();
        self.with_conn(move |c| {
            c.execute("DELETE FROM records WHERE expires_us IS NOT NULL AND expires_us <= ?1", [now])
                .map(|n| n as u64)
                .map_err(sql_err)
        })
        .await
    }

    async fn delete_records_of(&self, owner: &str) -> StoreResult<()> {
        let owner = owner.to_owned();
        self.with_conn(move |c| c.execute("DELETE FROM records WHERE owner = ?1", [owner]).map(|_| ()).map_err(sql_err))
            .await
    }
}
