//! The folded words the `library_text` index holds. Each playlist document carries
//! `search_words` (its name and description) and each item `words` (artist, title, album),
//! folded by the app exactly as the query is ([`fold_words`]: lower case, accents off, split on
//! anything not a letter or digit). So `$text` finds the same whole words on every engine, with
//! or without diacritic-insensitive text indexes (MongoDB's v3 index folds accents, DocumentDB's
//! does not), and the index needs no language or custom weights.

use std::sync::Arc;

use mongodb::bson::{self, doc, Bson, Document};

use super::{all_docs, bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    library::terms::fold_words,
    playlists::model::{Item, Playlist, PlaylistMeta},
    storage::StoreResult,
};

/// The field of a playlist document with its name's and description's words.
pub const PLAYLIST_FIELD: &str = "search_words";
/// The field of an item with its artist's, title's and album's words.
pub const ITEM_FIELD: &str = "words";

/// The folded words of a playlist's name and description, space-separated.
pub fn playlist_words(meta: &PlaylistMeta) -> String {
    fold_words(&format!("{} {}", meta.name, meta.description)).join(" ")
}

/// The folded words of an item, space-separated.
pub fn item_words(item: &Item) -> String {
    fold_words(&format!("{} {} {}", item.artist, item.title, item.album.as_deref().unwrap_or(""))).join(" ")
}

/// An item as stored: its fields and its words.
pub fn item_bson(item: &Item) -> StoreResult<Bson> {
    let mut d = bson::to_document(item).map_err(bson_err)?;
    d.insert(ITEM_FIELD, item_words(item));
    Ok(Bson::Document(d))
}

/// Items as stored, in order.
pub fn items_bson<'a>(items: impl IntoIterator<Item = &'a Arc<Item>>) -> StoreResult<Bson> {
    items.into_iter().map(|i| item_bson(i)).collect::<StoreResult<Vec<_>>>().map(Bson::Array)
}

/// The marker of the one-time backfill below, in the `migrations` collection.
const BACKFILL: &str = "search_words_v1";

impl MongoStore {
    /// Adds the folded words to playlists written before they existed (once per database; a
    /// playlist changed meanwhile is left to its next write, which sets them).
    pub(super) async fn backfill_search_words(&self) -> StoreResult<()> {
        let migrations = self.db.collection::<Document>("migrations");
        if migrations.find_one(doc! {"_id": BACKFILL}).await.map_err(mongo_err)?.is_some() {
            return Ok(());
        }
        let old = doc! {PLAYLIST_FIELD: {"$exists": false}};
        let ids = all_docs(self.playlists().find(old).projection(doc! {"_id": 1})).await?;
        let mut filled = 0u64;
        for id in ids.iter().filter_map(|d| d.get_str("_id").ok()) {
            let Some(d) = self.playlists().find_one(doc! {"_id": id}).await.map_err(mongo_err)? else { continue };
            let playlist: Playlist = bson::from_document(d.clone()).map_err(bson_err)?;
            let same = doc! {"_id": id, "version": d.get("version").cloned().unwrap_or(Bson::Null)};
            let set = doc! {"$set": {PLAYLIST_FIELD: playlist_words(&playlist.meta), "items": items_bson(playlist.items.iter())?}};
            filled += self.playlists().update_one(same, set).await.map_err(mongo_err)?.modified_count;
        }
        if filled > 0 {
            tracing::info!(playlists = filled, "library search words added to playlists written before them");
        }
        let done = doc! {"_id": BACKFILL, "at": bson::DateTime::now()};
        match migrations.insert_one(done).await {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => Ok(()),
            Err(e) => Err(mongo_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_like_queries() {
        let mut item = Item::new("Beyoncé".into(), "Halo (Live)".into(), "u");
        item.album = Some("I Am… Sasha Fierce".into());
        assert_eq!(item_words(&item), "beyonce halo live i am sasha fierce");
        let bson = item_bson(&item).unwrap();
        assert_eq!(bson.as_document().unwrap().get_str(ITEM_FIELD).unwrap(), "beyonce halo live i am sasha fierce");
    }
}
