//! Folders and placements in MongoDB: one `folder_trees` document per user (compare-and-swap on
//! `rev`) and one `placements` document per (user, playlist). Library search is in
//! `library_search`.

use async_trait::async_trait;
use mongodb::bson::{self, doc, Document};

use super::{all_docs, bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    library::{
        model::{FolderTree, Placement, PlacementChange},
        store::{LibraryStore, TrackHit},
        terms::SearchTerms,
    },
    playlists::model::{ListCursor, ListScope, PlaylistMeta},
    storage::{StoreError, StoreResult},
};

fn placement_id(user_id: &str, playlist_id: &str) -> String {
    format!("{user_id}:{playlist_id}")
}

fn placements_of(docs: Vec<Document>) -> StoreResult<Vec<Placement>> {
    docs.into_iter().map(|d| bson::from_document(d).map_err(bson_err)).collect()
}

fn playlist_ids(docs: Vec<Document>) -> Vec<String> {
    docs.iter().filter_map(|d| d.get_str("playlist_id").ok().map(str::to_owned)).collect()
}

/// The filter "in user's library, in `scope`".
pub(super) fn scope_filter(user_id: &str, scope: ListScope) -> Document {
    match scope {
        ListScope::Owned => doc! {"owner_id": user_id},
        ListScope::Shared => doc! {"member_ids": user_id, "owner_id": {"$ne": user_id}},
        ListScope::All => doc! {"member_ids": user_id},
    }
}

#[async_trait]
impl LibraryStore for MongoStore {
    async fn folder_tree(&self, user_id: &str) -> StoreResult<FolderTree> {
        match self.folder_trees().find_one(doc! {"_id": user_id}).await.map_err(mongo_err)? {
            Some(d) => bson::from_document(d).map_err(bson_err),
            None => Ok(FolderTree::empty(user_id)),
        }
    }

    async fn save_folder_tree(&self, tree: &FolderTree, expected_rev: u64) -> StoreResult<()> {
        let mut d = bson::to_document(tree).map_err(bson_err)?;
        d.insert("_id", &tree.user_id);
        d.insert("rev", tree.rev as i64);
        let stored = if expected_rev == 0 {
            match self.folder_trees().insert_one(d).await {
                Ok(_) => true,
                Err(e) if is_duplicate_key(&e) => false,
                Err(e) => return Err(mongo_err(e)),
            }
        } else {
            let filter = doc! {"_id": &tree.user_id, "rev": expected_rev as i64};
            self.folder_trees().replace_one(filter, d).await.map_err(mongo_err)?.matched_count == 1
        };
        if stored {
            return Ok(());
        }
        let current = self.folder_tree(&tree.user_id).await?.rev;
        Err(StoreError::VersionMismatch { current })
    }

    async fn placements(&self, user_id: &str, playlist_ids: &[String]) -> StoreResult<Vec<Placement>> {
        let filter = doc! {"user_id": user_id, "playlist_id": {"$in": playlist_ids}};
        placements_of(all_docs(self.placements().find(filter)).await?)
    }

    async fn all_placements(&self, user_id: &str) -> StoreResult<Vec<Placement>> {
        placements_of(all_docs(self.placements().find(doc! {"user_id": user_id})).await?)
    }

    async fn update_placement(
        &self,
        user_id: &str,
        playlist_id: &str,
        change: &PlacementChange,
    ) -> StoreResult<Placement> {
        let id = placement_id(user_id, playlist_id);
        let mut set = doc! {"user_id": user_id, "playlist_id": playlist_id};
        let mut on_insert = Document::new();
        match &change.folder {
            Some(folder) => set.insert("folder", folder.as_deref()),
            None => on_insert.insert("folder", None::<String>),
        };
        match &change.tags {
            Some(tags) => set.insert("tags", tags.clone()),
            None => on_insert.insert("tags", Vec::<String>::new()),
        };
        let mut update = doc! {"$set": set};
        if !on_insert.is_empty() {
            update.insert("$setOnInsert", on_insert);
        }
        let after = self
            .placements()
            .find_one_and_update(doc! {"_id": &id}, update)
            .upsert(true)
            .return_document(mongodb::options::ReturnDocument::After)
            .await
            .map_err(mongo_err)?
            .ok_or(StoreError::NotFound)?;
        let placement: Placement = bson::from_document(after).map_err(bson_err)?;
        if placement.is_empty() {
            let empty = doc! {"_id": &id, "folder": null, "tags": {"$size": 0}};
            self.placements().delete_one(empty).await.map_err(mongo_err)?;
        }
        Ok(placement)
    }

    async fn filed_in(&self, user_id: &str, folders: &[String]) -> StoreResult<Vec<String>> {
        let filter = doc! {"user_id": user_id, "folder": {"$in": folders}};
        Ok(playlist_ids(all_docs(self.placements().find(filter).projection(doc! {"playlist_id": 1})).await?))
    }

    async fn tagged(&self, user_id: &str, tag: &str) -> StoreResult<Vec<String>> {
        let filter = doc! {"user_id": user_id, "tags": tag};
        Ok(playlist_ids(all_docs(self.placements().find(filter).projection(doc! {"playlist_id": 1})).await?))
    }

    async fn refile(&self, user_id: &str, from: &str, to: Option<&str>) -> StoreResult<u64> {
        let filter = doc! {"user_id": user_id, "folder": from};
        let moved = self.placements().update_many(filter, doc! {"$set": {"folder": to}}).await.map_err(mongo_err)?;
        self.placements()
            .delete_many(doc! {"user_id": user_id, "folder": null, "tags": {"$size": 0}})
            .await
            .map_err(mongo_err)?;
        Ok(moved.modified_count)
    }

    async fn delete_placements_of_playlist(&self, playlist_id: &str) -> StoreResult<()> {
        self.placements().delete_many(doc! {"playlist_id": playlist_id}).await.map_err(mongo_err)?;
        Ok(())
    }

    async fn delete_library_of(&self, user_id: &str) -> StoreResult<()> {
        self.placements().delete_many(doc! {"user_id": user_id}).await.map_err(mongo_err)?;
        self.folder_trees().delete_one(doc! {"_id": user_id}).await.map_err(mongo_err)?;
        Ok(())
    }

    async fn member_playlists_among(
        &self,
        user_id: &str,
        scope: ListScope,
        ids: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let filter = doc! {"$and": [scope_filter(user_id, scope), {"_id": {"$in": ids}}]};
        self.list(filter, after, limit).await
    }

    async fn search_playlists(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        also: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        self.search_playlists_in(user_id, terms, also, after, limit).await
    }

    async fn search_tracks(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<TrackHit>> {
        self.search_tracks_in(user_id, terms, after, limit).await
    }

    async fn compact_search_index(&self, limit: usize) -> StoreResult<usize> {
        // Item words a crash (or an older sharify) left behind their playlists.
        self.repair_words(limit).await
    }
}
