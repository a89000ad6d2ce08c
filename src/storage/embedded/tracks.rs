//! The track cache in SQLite.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::params;

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    storage::StoreResult,
    tracks::{model::CachedTrack, store::TrackCacheStore},
};

#[async_trait]
impl TrackCacheStore for EmbeddedStore {
    async fn cached_tracks(&self, keys: &[String]) -> StoreResult<Vec<CachedTrack>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys = keys.to_vec();
        self.with_conn(move |c| {
            // One statement for the whole batch: a JSON array parameter expanded by json_each.
            let list = serde_json::to_string(&keys).map_err(json_err)?;
            let mut stmt = c
                .prepare_cached("SELECT doc FROM track_cache WHERE key IN (SELECT value FROM json_each(?1))")
                .map_err(sql_err)?;
            let rows = stmt.query_map([list], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| serde_json::from_str(&r.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }

    async fn put_cached_track(&self, keys: &[String], entry: &CachedTrack) -> StoreResult<()> {
        let docs: Vec<(String, String)> = keys
            .iter()
            .map(|k| {
                let doc = CachedTrack { key: k.clone(), ..entry.clone() };
                serde_json::to_string(&doc).map(|d| (k.clone(), d)).map_err(json_err)
            })
            .collect::<StoreResult<_>>()?;
        let fetched = entry.fetched_at.timestamp_micros();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            for (key, doc) in docs {
                tx.execute(
                    "INSERT INTO track_cache (key, fetched_us, doc) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET fetched_us = excluded.fetched_us, doc = excluded.doc",
                    params![key, fetched, doc],
                )
                .map_err(sql_err)?;
            }
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn touch_cached_tracks(&self, keys: &[String], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        let list = serde_json::to_string(keys).map_err(json_err)?;
        let at = at.timestamp_micros();
        self.with_conn(move |c| {
            c.execute(
                "UPDATE track_cache SET accessed_us = ?1 WHERE key IN (SELECT value FROM json_each(?2))",
                params![at, list],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn stale_cached_tracks(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> StoreResult<Vec<CachedTrack>> {
        let before = before.timestamp_micros();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT doc FROM track_cache WHERE fetched_us < ?1
                     ORDER BY accessed_us IS NULL, accessed_us DESC, fetched_us LIMIT ?2",
                )
                .map_err(sql_err)?;
            let rows = stmt.query_map(params![before, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            rows.map(|r| serde_json::from_str(&r.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }
}
