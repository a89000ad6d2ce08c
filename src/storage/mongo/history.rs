//! Playlist history in MongoDB: one document per version in `playlist_history`
//! (`_id` = `"{playlist}:{version}"`), plus the last few entries inside the playlist document
//! itself, written atomically with each change. Reads merge both and file any entry the
//! collection is missing (a crash between a commit and its copy), so no restore point is lost.

use std::collections::BTreeMap;

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};

use super::{bson_err, mongo_err, MongoStore};
use crate::{
    playlists::history::{HistoryEntry, HistoryStore},
    storage::StoreResult,
};

impl MongoStore {
    /// The entries kept in the playlist document, filed into the collection if missing there.
    async fn recent_history(&self, playlist_id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let found = self
            .playlists()
            .find_one(doc! {"_id": playlist_id})
            .projection(doc! {"_id": 0, "recent_history": 1})
            .await
            .map_err(mongo_err)?;
        let docs = found.and_then(|d| d.get_array("recent_history").ok().cloned()).unwrap_or_default();
        let mut entries = Vec::with_capacity(docs.len());
        for d in docs {
            let Some(d) = d.as_document() else { continue };
            let entry: HistoryEntry = bson::from_document(d.clone()).map_err(bson_err)?;
            self.file_history(&entry, u64::MAX).await?;
            entries.push(entry);
        }
        Ok(entries)
    }

    async fn history_entries(&self, filter: Document, sort: i32, limit: Option<i64>) -> StoreResult<Vec<HistoryEntry>> {
        let collection = self.history();
        let mut find = collection.find(filter).sort(doc! {"version": sort});
        if let Some(limit) = limit {
            find = find.limit(limit);
        }
        let docs: Vec<Document> = find.await.map_err(mongo_err)?.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }
}

#[async_trait]
impl HistoryStore for MongoStore {
    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        let recent = self.recent_history(playlist_id).await?;
        let mut filter = doc! {"playlist_id": playlist_id};
        if let Some(v) = before {
            filter.insert("version", doc! {"$lt": v as i64});
        }
        let filed = self.history_entries(filter, -1, Some(limit as i64)).await?;
        let mut by_version: BTreeMap<u64, HistoryEntry> = filed.into_iter().map(|e| (e.version, e)).collect();
        for e in recent.into_iter().filter(|e| before.is_none_or(|b| e.version < b)) {
            by_version.entry(e.version).or_insert(e);
        }
        Ok(by_version
            .into_values()
            .rev()
            .take(limit)
            .map(|e| HistoryEntry { delta: None, snapshot: None, ..e })
            .collect())
    }

    async fn restore_chain(&self, playlist_id: &str, version: u64) -> StoreResult<Vec<HistoryEntry>> {
        let recent = self.recent_history(playlist_id).await?;
        let checkpoint = self
            .history_entries(
                doc! {"playlist_id": playlist_id, "version": {"$lte": version as i64}, "snapshot": {"$exists": true}},
                -1,
                Some(1),
            )
            .await?;
        let Some(from) = checkpoint.first().map(|e| e.version) else { return Ok(Vec::new()) };
        let range = doc! {"playlist_id": playlist_id, "version": {"$gte": from as i64, "$lte": version as i64}};
        let mut chain: BTreeMap<u64, HistoryEntry> =
            self.history_entries(range, 1, None).await?.into_iter().map(|e| (e.version, e)).collect();
        for e in recent.into_iter().filter(|e| (from..=version).contains(&e.version)) {
            chain.entry(e.version).or_insert(e);
        }
        Ok(chain.into_values().collect())
    }

    async fn changes_after(&self, playlist_id: &str, since: u64, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        let recent = self.recent_history(playlist_id).await?;
        let filter = doc! {"playlist_id": playlist_id, "version": {"$gt": since as i64}};
        let mut by_version: BTreeMap<u64, HistoryEntry> =
            self.history_entries(filter, 1, Some(limit as i64)).await?.into_iter().map(|e| (e.version, e)).collect();
        for e in recent.into_iter().filter(|e| e.version > since) {
            by_version.entry(e.version).or_insert(e);
        }
        Ok(by_version.into_values().take(limit).map(|e| HistoryEntry { snapshot: None, ..e }).collect())
    }

    async fn oldest_change(&self, playlist_id: &str) -> StoreResult<u64> {
        // Entries still in the playlist document keep their change; filing may lag, so those
        // count too.
        let recent = self.recent_history(playlist_id).await?;
        let filter = doc! {"playlist_id": playlist_id, "version": {"$gt": 1}, "delta": Bson::Null};
        let dropped = self.history_entries(filter, -1, Some(1)).await?;
        let dropped =
            dropped.first().map(|e| e.version).filter(|v| !recent.iter().any(|r| r.version == *v && r.delta.is_some()));
        // No older than the oldest entry left (a history over its byte budget loses whole entries).
        let first = self.history_entries(doc! {"playlist_id": playlist_id}, 1, Some(1)).await?;
        let first = first.first().map(|e| e.version).into_iter().chain(recent.iter().map(|e| e.version)).min();
        Ok(dropped.map_or(1, |v| v + 1).max(first.unwrap_or(1)))
    }

    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()> {
        self.history().delete_many(doc! {"playlist_id": playlist_id}).await.map(|_| ()).map_err(mongo_err)
    }
}
