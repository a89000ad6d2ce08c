//! Playlists in MongoDB: one document each, CAS via `replace_one({_id, version})`.

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    playlists::{
        model::{ListCursor, ListScope, Playlist, PlaylistMeta},
        store::PlaylistStore,
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
    Ok(d)
}

/// Escapes `s` so a `$regex` matches it literally (a plain substring, as SQLite's `instr`).
fn regex_escape(s: &str) -> String {
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
    async fn list(
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
            .projection(doc! {"items": 0})
            .await
            .map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
    }

    async fn lost_race(&self, id: &str) -> StoreError {
        let projection = doc! {"version": 1};
        match self.playlists().find_one(doc! {"_id": id}).projection(projection).await {
            Ok(Some(d)) => match d.get_i64("version").or_else(|_| d.get_i32("version").map(i64::from)) {
                Ok(v) => StoreError::VersionMismatch { current: v as u64 },
                Err(e) => bson_err(e),
            },
            Ok(None) => StoreError::NotFound,
            Err(e) => mongo_err(e),
        }
    }
}

#[async_trait]
impl PlaylistStore for MongoStore {
    async fn insert_playlist(&self, playlist: &Playlist) -> StoreResult<()> {
        self.playlists().insert_one(to_document(playlist)?).await.map(|_| ()).map_err(|e| {
            if is_duplicate_key(&e) {
                StoreError::Conflict("playlist")
            } else {
                mongo_err(e)
            }
        })
    }

    async fn playlist_version(&self, id: &str) -> StoreResult<Option<u64>> {
        let found = self
            .playlists()
            .find_one(doc! {"_id": id})
            .projection(doc! {"_id": 0, "version": 1})
            .await
            .map_err(mongo_err)?;
        Ok(found
            .and_then(|d| d.get_i64("version").ok().or_else(|| d.get_i32("version").ok().map(i64::from)))
            .map(|v| v as u64))
    }

    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>> {
        let found = self.playlists().find_one(doc! {"_id": id}).await.map_err(mongo_err)?;
        found.map(|d| bson::from_document(d).map_err(bson_err)).transpose()
    }

    async fn replace_playlist(&self, playlist: &Playlist, expected_version: u64) -> StoreResult<()> {
        let filter = doc! {"_id": &playlist.meta.id, "version": expected_version as i64};
        let r = self.playlists().replace_one(filter, to_document(playlist)?).await.map_err(mongo_err)?;
        if r.matched_count == 1 {
            Ok(())
        } else {
            Err(self.lost_race(&playlist.meta.id).await)
        }
    }

    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()> {
        let mut filter = doc! {"_id": id};
        if let Some(v) = expected_version {
            filter.insert("version", v as i64);
        }
        let r = self.playlists().delete_one(filter).await.map_err(mongo_err)?;
        if r.deleted_count == 1 {
            Ok(())
        } else {
            Err(self.lost_race(id).await)
        }
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
