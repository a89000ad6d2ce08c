//! Playlists in MongoDB: one document each, changed by conditional updates with operators (see
//! `playlist_update`), never replaced.

use std::sync::Arc;

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{
    bson_err, is_duplicate_key, mongo_err,
    playlist_update::{history_document, update_for},
    search_words::{self, WordsChange},
    MongoStore,
};
use crate::{
    playlists::{
        history::{keep_from, HistoryEntry},
        model::{CopyLink, Item, ListCursor, ListScope, Playlist, PlaylistMeta, Revision},
        store::{Commit, LinkUpdate, PlaylistStore},
    },
    storage::{StoreError, StoreResult},
};

fn to_document(p: &Playlist) -> StoreResult<Document> {
    let mut p = p.clone();
    p.sync_derived();
    let mut d = bson::to_document(&p).map_err(bson_err)?;
    d.insert("_id", &p.meta.id);
    d.insert("updated_us", p.meta.updated_at.timestamp_micros());
    d.insert("version", p.meta.version as i64);
    d.insert("enrichment_gen", p.meta.enrichment_gen as i64);
    d.insert(search_words::PLAYLIST_FIELD, search_words::playlist_words(&p.meta));
    d.insert(search_words::PENDING_FIELD, true);
    Ok(d)
}

fn number(d: &Document, key: &str) -> u64 {
    d.get_i64(key).ok().or_else(|| d.get_i32(key).ok().map(i64::from)).unwrap_or(0) as u64
}

fn revision_of(d: &Document) -> Revision {
    Revision { version: number(d, "version"), enrichment_gen: number(d, "enrichment_gen") }
}

/// Escapes `s` so a `$regex` matches it literally (a plain substring, as SQLite's `instr`).
pub(super) fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\^$.|?*+()[]{}-/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl MongoStore {
    /// A keyset-paginated listing: `filter`, then newest update first, then id descending.
    pub(super) async fn list(
        &self,
        mut filter: Document,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        if let Some(c) = after {
            let page = doc! {"$or": [{"updated_us": {"$lt": c.updated_us}}, {"updated_us": c.updated_us, "_id": {"$lt": &c.id}}]};
            filter = doc! {"$and": [filter, page]};
        }
        let cursor = self
            .playlists()
            .find(filter)
            .sort(doc! {"updated_us": -1, "_id": -1})
            .limit(limit as i64)
            .projection(doc! {"items": 0, "recent_history": 0})
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }

    async fn lost_race(&self, id: &str, expected: Option<Revision>) -> StoreError {
        match self.revision(id).await {
            Ok(Some(now)) if expected.is_some_and(|e| e.version == now.version) => StoreError::Stale,
            Ok(Some(now)) => StoreError::VersionMismatch { current: now.version },
            Ok(None) => StoreError::NotFound,
            Err(e) => e,
        }
    }

    async fn revision(&self, id: &str) -> StoreResult<Option<Revision>> {
        let found = self
            .playlists()
            .find_one(doc! {"_id": id})
            .projection(doc! {"_id": 0, "version": 1, "enrichment_gen": 1})
            .await
            .map_err(mongo_err)?;
        Ok(found.as_ref().map(revision_of))
    }

    /// Copies a committed change's history entry to the history collection (idempotent) and
    /// drops payloads no longer needed to restore the last versions.
    pub(super) async fn file_history(&self, entry: &HistoryEntry, budget: u64) -> StoreResult<()> {
        match self.history().insert_one(history_document(entry)?).await {
            Ok(_) => {}
            Err(e) if is_duplicate_key(&e) => {}
            Err(e) => return Err(mongo_err(e)),
        }
        if entry.version.is_multiple_of(10) {
            let keep = keep_from(entry.version) as i64;
            let newest = self
                .history()
                .find_one(
                    doc! {"playlist_id": &entry.playlist_id, "version": {"$lte": keep}, "snapshot": {"$exists": true}},
                )
                .sort(doc! {"version": -1})
                .projection(doc! {"version": 1})
                .await
                .map_err(mongo_err)?;
            if let Some(checkpoint) = newest.map(|d| number(&d, "version") as i64) {
                let old = doc! {"playlist_id": &entry.playlist_id, "version": {"$lt": checkpoint}};
                let drop = doc! {"$unset": {"snapshot": "", "delta": ""}};
                self.history().update_many(old, drop).await.map_err(mongo_err)?;
                self.trim_history_to_budget(&entry.playlist_id, checkpoint, budget).await?;
            }
        }
        Ok(())
    }

    /// Deletes the oldest entries before `keep` (the checkpoint the kept versions start from) while the playlist's history is over `budget`
    /// bytes (counting newest first, so the entries that must stay are counted first).
    async fn trim_history_to_budget(&self, playlist_id: &str, keep: i64, budget: u64) -> StoreResult<()> {
        let sizes: Vec<Document> = self
            .history()
            .find(doc! {"playlist_id": playlist_id})
            .sort(doc! {"version": -1})
            .projection(doc! {"version": 1, "bytes": 1})
            .await
            .map_err(mongo_err)?
            .try_collect()
            .await
            .map_err(mongo_err)?;
        let mut total = 0u64;
        let over = sizes.iter().find_map(|d| {
            total += number(d, "bytes");
            (total > budget).then(|| number(d, "version") as i64)
        });
        if let Some(cut) = over {
            let old = doc! {"playlist_id": playlist_id, "version": {"$lt": keep, "$lte": cut}};
            self.history().delete_many(old).await.map_err(mongo_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl PlaylistStore for MongoStore {
    async fn insert_playlist(&self, playlist: &Playlist, history: &HistoryEntry) -> StoreResult<()> {
        let mut d = to_document(playlist)?;
        d.insert("recent_history", vec![history_document(&HistoryEntry { snapshot: None, ..history.clone() })?]);
        self.playlists().insert_one(d).await.map_err(|e| {
            if is_duplicate_key(&e) {
                StoreError::Conflict("playlist")
            } else {
                mongo_err(e)
            }
        })?;
        if let Err(e) = self.file_history(history, u64::MAX).await {
            tracing::warn!(error = %e, playlist = %history.playlist_id, "history entry not filed yet (kept in the playlist)");
        }
        self.follow_words(&playlist.meta.id, playlist.meta.version, WordsChange::All(&playlist.items)).await;
        Ok(())
    }

    async fn playlist_revision(&self, id: &str) -> StoreResult<Option<Revision>> {
        self.revision(id).await
    }

    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>> {
        let found = self
            .playlists()
            .find_one(doc! {"_id": id})
            .projection(doc! {"recent_history": 0})
            .await
            .map_err(mongo_err)?;
        let Some(d) = found else { return Ok(None) };
        let mut playlist: Playlist = bson::from_document(d).map_err(bson_err)?;
        // `$push` appends; the order is the positions' (stable, for documents without them).
        playlist.items.sort_by_key(|i| i.pos);
        Ok(Some(playlist))
    }

    async fn commit(&self, commit: Commit<'_>) -> StoreResult<()> {
        let (filter, update) = update_for(&commit)?;
        let r = self.playlists().update_one(filter, update).await.map_err(mongo_err)?;
        if r.matched_count != 1 {
            return Err(self.lost_race(&commit.meta.id, Some(commit.expected)).await);
        }
        if let Err(e) = self.file_history(commit.history, commit.history_budget).await {
            tracing::warn!(error = %e, playlist = %commit.meta.id, "history entry not filed yet (kept in the playlist)");
        }
        if search_words::changes_words(commit.ops) {
            let change = WordsChange::of(commit.ops, commit.items);
            self.follow_words(&commit.meta.id, commit.meta.version, change).await;
        }
        Ok(())
    }

    async fn apply_enrichment(&self, id: &str, items: &[Arc<Item>]) -> StoreResult<(Revision, usize)> {
        let mut changed = 0;
        for item in items {
            let filter = doc! {"_id": id, "items": {"$elemMatch": {"item_id": &item.item_id, "enrichment": "pending"}}};
            let set = doc! {
                "items.$.enrichment": bson::to_bson(&item.enrichment).map_err(bson_err)?,
                "items.$.meta": bson::to_bson(&item.meta).map_err(bson_err)?,
                "items.$.match": bson::to_bson(&item.matching).map_err(bson_err)?,
            };
            // An item may change while still pending (why it waits): then it still counts.
            let resolves = item.enrichment != crate::tracks::model::Enrichment::Pending;
            let update = doc! {"$set": set, "$inc": {"pending_items": -i64::from(resolves), "enrichment_gen": 1_i64}};
            changed += self.playlists().update_one(filter, update).await.map_err(mongo_err)?.modified_count as usize;
        }
        let now = self.revision(id).await?.ok_or(StoreError::NotFound)?;
        Ok((now, changed))
    }

    async fn add_item_links(&self, id: &str, updates: &[LinkUpdate]) -> StoreResult<(Revision, usize)> {
        let mut changed = 0;
        for u in updates {
            // Only an item still naming the same track and lacking every one of these links
            // (the links searched for are those of platforms it had no link for).
            let item = doc! {"item_id": &u.item_id, "track_key": &u.track_key, "links": {"$nin": &u.links}};
            let filter = doc! {"_id": id, "items": {"$elemMatch": item}};
            let update = doc! {
                "$addToSet": {"items.$.links": {"$each": &u.links}},
                "$inc": {"enrichment_gen": 1_i64},
            };
            changed += self.playlists().update_one(filter, update).await.map_err(mongo_err)?.modified_count as usize;
        }
        let now = self.revision(id).await?.ok_or(StoreError::NotFound)?;
        Ok((now, changed))
    }

    async fn set_copies(&self, id: &str, copies: &[CopyLink]) -> StoreResult<Revision> {
        let update =
            doc! {"$set": {"copies": bson::to_bson(copies).map_err(bson_err)?}, "$inc": {"enrichment_gen": 1_i64}};
        let r = self.playlists().update_one(doc! {"_id": id}, update).await.map_err(mongo_err)?;
        if r.matched_count != 1 {
            return Err(StoreError::NotFound);
        }
        self.revision(id).await?.ok_or(StoreError::NotFound)
    }

    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()> {
        let mut filter = doc! {"_id": id};
        if let Some(v) = expected_version {
            filter.insert("version", v as i64);
        }
        let r = self.playlists().delete_one(filter).await.map_err(mongo_err)?;
        if r.deleted_count != 1 {
            return Err(self.lost_race(id, None).await);
        }
        self.history().delete_many(doc! {"playlist_id": id}).await.map_err(mongo_err)?;
        self.forget_words(id).await
    }

    async fn playlists_for_member(
        &self,
        user_id: &str,
        scope: ListScope,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let filter = match scope {
            ListScope::Owned => doc! {"owner_id": user_id},
            ListScope::Shared => doc! {"member_ids": user_id, "owner_id": {"$ne": user_id}},
            ListScope::All => doc! {"$or": [{"owner_id": user_id}, {"member_ids": user_id}]},
        };
        self.list(filter, after, limit).await
    }

    async fn public_playlists(
        &self,
        query: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let mut filter = doc! {"visibility": "public"};
        if let Some(q) = query {
            filter.insert("search_text", doc! {"$regex": regex_escape(q)});
        }
        self.list(filter, after, limit).await
    }

    async fn playlists_with_pending(&self, limit: usize) -> StoreResult<Vec<String>> {
        let cursor = self
            .playlists()
            .find(doc! {"pending_items": {"$gt": 0}})
            .sort(doc! {"updated_us": 1})
            .limit(limit as i64)
            .projection(doc! {"_id": 1})
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| d.get_str("_id").map(str::to_owned).map_err(bson_err)).collect()
    }

    async fn playlist_ids_named(&self, owner_id: &str, name: &str) -> StoreResult<Vec<String>> {
        let cursor = self
            .playlists()
            .find(doc! {"owner_id": owner_id, "name": name})
            .sort(doc! {"_id": 1})
            .projection(doc! {"_id": 1})
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| d.get_str("_id").map(str::to_owned).map_err(bson_err)).collect()
    }
}
