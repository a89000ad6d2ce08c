//! Playlist history in MongoDB: one document per version, `_id` = `"{playlist}:{version}"`.

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    playlists::history::{HistoryEntry, HistoryStore, Snapshot},
    storage::StoreResult,
};

#[async_trait]
impl HistoryStore for MongoStore {
    async fn record_version(&self, entry: &HistoryEntry) -> StoreResult<()> {
        let mut d = bson::to_document(entry).map_err(bson_err)?;
        d.insert("_id", format!("{}:{}", entry.playlist_id, entry.version));
        d.insert("version", entry.version as i64);
        match self.history().insert_one(d).await {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => Ok(()),
            Err(e) => Err(mongo_err(e)),
        }
    }

    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        let mut filter = doc! {"playlist_id": playlist_id};
        if let Some(v) = before {
            filter.insert("version", doc! {"$lt": v as i64});
        }
        let cursor = self
            .history()
            .find(filter)
            .sort(doc! {"version": -1})
            .limit(limit as i64)
            .projection(doc! {"snapshot": 0})
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }

    async fn snapshot(&self, playlist_id: &str, version: u64) -> StoreResult<Option<Snapshot>> {
        let found = self
            .history()
            .find_one(doc! {"_id": format!("{playlist_id}:{version}")})
            .projection(doc! {"snapshot": 1})
            .await
            .map_err(mongo_err)?;
        match found.and_then(|d| d.get_document("snapshot").ok().cloned()) {
            Some(s) => bson::from_document(s).map(Some).map_err(bson_err),
            None => Ok(None),
        }
    }

    async fn prune_snapshots(&self, playlist_id: &str, version: u64) -> StoreResult<()> {
        let filter =
            doc! {"playlist_id": playlist_id, "version": {"$lte": version as i64}, "snapshot": {"$exists": true}};
        self.history().update_many(filter, doc! {"$unset": {"snapshot": ""}}).await.map(|_| ()).map_err(mongo_err)
    }

    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()> {
        self.history().delete_many(doc! {"playlist_id": playlist_id}).await.map(|_| ()).map_err(mongo_err)
    }
}
