//! The track cache in MongoDB: one document per key (`_id`), upserted.

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{bson_err, mongo_err, MongoStore};
use crate::{
    storage::StoreResult,
    tracks::{model::CachedTrack, store::TrackCacheStore},
};

#[async_trait]
impl TrackCacheStore for MongoStore {
    async fn cached_tracks(&self, keys: &[String]) -> StoreResult<Vec<CachedTrack>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let cursor = self.track_cache().find(doc! {"_id": {"$in": keys}}).await.map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }

    async fn put_cached_track(&self, keys: &[String], entry: &CachedTrack) -> StoreResult<()> {
        for key in keys {
            let mut d = bson::to_document(&CachedTrack { key: key.clone(), ..entry.clone() }).map_err(bson_err)?;
            d.insert("_id", key);
            d.insert("fetched_us", entry.fetched_at.timestamp_micros());
            self.track_cache().replace_one(doc! {"_id": key}, d).upsert(true).await.map_err(mongo_err)?;
        }
        Ok(())
    }

    async fn touch_cached_tracks(&self, keys: &[String], at: chrono::DateTime<chrono::Utc>) -> StoreResult<()> {
        if keys.is_empty() {
            return Ok(());
        }
        self.track_cache()
            .update_many(doc! {"_id": {"$in": keys}}, doc! {"$set": {"accessed_us": at.timestamp_micros()}})
            .await
            .map(|_| ())
            .map_err(mongo_err)
    }

    async fn stale_cached_tracks(
        &self,
        before: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> StoreResult<Vec<CachedTrack>> {
        let cursor = self
            .track_cache()
            .find(doc! {"fetched_us": {"$lt": before.timestamp_micros()}})
            .sort(doc! {"accessed_us": -1, "fetched_us": 1})
            .limit(limit as i64)
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }
}
