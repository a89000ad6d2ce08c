//! The words library search looks in, folded by the app exactly as a query is ([`fold_words`]:
//! lower case, accents off, split on anything not a letter or digit), so every engine finds the
//! same whole words whether or not its text index ignores diacritics.
//!
//! - A playlist's name and description: `search_words` on the playlist document (small; the
//!   `playlist_text` index).
//! - Its items: one small document per item in `library_words` (`p` playlist, `k` track key,
//!   `w` words; the `library_text` index), not inside the playlist. An engine that re-indexes a
//!   whole document on every update (DocumentDB stores each as one PostgreSQL row: a text index
//!   over a 10,000-item array made each add take 3 s) then pays for the items a change touches.
//!
//! `library_words` follows each change after its commit, as the history collection does: the
//! commit sets `words_pending` in the same atomic update, and it is cleared once the words follow.
//! Whatever a crash leaves pending, [`MongoStore::repair_words`] (the search-index maintenance
//! pass, every few seconds) rebuilds from the playlist itself. Search checks every hit against
//! the items, so a word left over never shows.

use std::sync::Arc;

use mongodb::bson::{doc, Document};

use super::{all_docs, bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    library::terms::fold_words,
    playlists::{
        edit::ItemOp,
        model::{Item, Playlist, PlaylistMeta},
    },
    storage::StoreResult,
};

/// The field of a playlist document with its name's and description's words.
pub const PLAYLIST_FIELD: &str = "search_words";
/// Set on a playlist whose item words have not followed its last change yet.
pub const PENDING_FIELD: &str = "words_pending";
/// The collection of item words.
pub const COLLECTION: &str = "library_words";

/// The folded words of a playlist's name and description, space-separated.
pub fn playlist_words(meta: &PlaylistMeta) -> String {
    fold_words(&format!("{} {}", meta.name, meta.description)).join(" ")
}

/// The folded words of an item, space-separated.
pub fn item_words(item: &Item) -> String {
    fold_words(&format!("{} {} {}", item.artist, item.title, item.album.as_deref().unwrap_or(""))).join(" ")
}

fn word_document(playlist_id: &str, item: &Item) -> Document {
    doc! {"_id": format!("{playlist_id}:{}", item.item_id), "p": playlist_id, "k": &item.track_key, "w": item_words(item)}
}

/// Whether `ops` change what items say (a move does not).
pub fn changes_words(ops: &[ItemOp]) -> bool {
    ops.iter().any(|op| !matches!(op, ItemOp::Reposition { .. } | ItemOp::Reorder { .. }))
}

/// What a change does to a playlist's item words.
pub enum WordsChange<'a> {
    /// These items are new.
    Add(Vec<&'a Arc<Item>>),
    /// These items changed (their words are written again).
    Replace(Vec<&'a Arc<Item>>),
    /// These items are gone.
    Remove(Vec<&'a str>),
    /// The playlist's items are now these, whatever they were.
    All(&'a [Arc<Item>]),
}

impl<'a> WordsChange<'a> {
    /// The words change of a commit of `ops` leaving `items`: only the items the operations
    /// name, unless they mix kinds or replace the whole list.
    pub fn of(ops: &'a [ItemOp], items: &'a [Arc<Item>]) -> Self {
        let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        for op in ops {
            match op {
                ItemOp::Insert { items } => added.extend(items.iter()),
                ItemOp::Remove { item_ids } => removed.extend(item_ids.iter().map(String::as_str)),
                ItemOp::Update { items } => changed.extend(items.iter()),
                ItemOp::Reposition { .. } | ItemOp::Reorder { .. } => {}
                _ => return Self::All(items),
            }
        }
        match (added.is_empty(), removed.is_empty(), changed.is_empty()) {
            (_, true, true) => Self::Add(added),
            (true, false, true) => Self::Remove(removed),
            (true, true, false) => Self::Replace(changed),
            _ => Self::All(items),
        }
    }
}

impl MongoStore {
    fn words(&self) -> mongodb::Collection<Document> {
        self.db.collection(COLLECTION)
    }

    async fn add_words(&self, docs: Vec<Document>) -> StoreResult<()> {
        if docs.is_empty() {
            return Ok(());
        }
        match self.words().insert_many(docs).ordered(false).await {
            Ok(_) => Ok(()),
            // Already there (a repair raced this write): the same words.
            Err(e) if is_duplicate_key(&e) || e.to_string().contains("E11000") => Ok(()),
            Err(e) => Err(mongo_err(e)),
        }
    }

    async fn apply_words(&self, playlist_id: &str, change: &WordsChange<'_>) -> StoreResult<()> {
        match change {
            WordsChange::Add(items) => {
                self.add_words(items.iter().map(|i| word_document(playlist_id, i)).collect()).await
            }
            WordsChange::Replace(items) => {
                let ids: Vec<String> = items.iter().map(|i| format!("{playlist_id}:{}", i.item_id)).collect();
                self.words().delete_many(doc! {"_id": {"$in": ids}}).await.map_err(mongo_err)?;
                self.add_words(items.iter().map(|i| word_document(playlist_id, i)).collect()).await
            }
            WordsChange::Remove(ids) => {
                let ids: Vec<String> = ids.iter().map(|i| format!("{playlist_id}:{i}")).collect();
                self.words().delete_many(doc! {"_id": {"$in": ids}}).await.map(|_| ()).map_err(mongo_err)
            }
            WordsChange::All(items) => {
                self.words().delete_many(doc! {"p": playlist_id}).await.map_err(mongo_err)?;
                self.add_words(items.iter().map(|i| word_document(playlist_id, i)).collect()).await
            }
        }
    }

    /// Makes the item words follow a committed change to `version` (a failure is left to the
    /// repair pass, never to the writer: the change itself is saved).
    pub(super) async fn follow_words(&self, playlist_id: &str, version: u64, change: WordsChange<'_>) {
        let done = match self.apply_words(playlist_id, &change).await {
            Ok(()) => {
                let same = doc! {"_id": playlist_id, "version": version as i64};
                self.playlists().update_one(same, doc! {"$unset": {PENDING_FIELD: ""}}).await.map_err(mongo_err)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, playlist = %playlist_id, "library search words not updated yet (repaired later)");
        }
    }

    /// Drops a deleted playlist's item words.
    pub(super) async fn forget_words(&self, playlist_id: &str) -> StoreResult<()> {
        self.words().delete_many(doc! {"p": playlist_id}).await.map(|_| ()).map_err(mongo_err)
    }

    /// Rebuilds the words of up to `limit` playlists left pending (a crash between a change and
    /// its words, or playlists written before words existed); answers how many.
    pub(super) async fn repair_words(&self, limit: usize) -> StoreResult<usize> {
        let playlists = self.playlists();
        let pending = playlists.find(doc! {PENDING_FIELD: true}).projection(doc! {"_id": 1}).limit(limit as i64);
        let ids = all_docs(pending).await?;
        let mut repaired = 0;
        for id in ids.iter().filter_map(|d| d.get_str("_id").ok()) {
            let found = playlists.find_one(doc! {"_id": id}).projection(doc! {"recent_history": 0});
            let Some(d) = found.await.map_err(mongo_err)? else { continue };
            let playlist: Playlist = mongodb::bson::from_document(d).map_err(bson_err)?;
            let words = playlist_words(&playlist.meta);
            let same = doc! {"_id": id, "version": playlist.meta.version as i64};
            self.playlists().update_one(same, doc! {"$set": {PLAYLIST_FIELD: words}}).await.map_err(mongo_err)?;
            self.follow_words(id, playlist.meta.version, WordsChange::All(&playlist.items)).await;
            repaired += 1;
        }
        Ok(repaired)
    }

    /// Once per database: marks every playlist written before this store kept item words, so
    /// the repair pass gives them their words.
    pub(super) async fn mark_unindexed_playlists(&self) -> StoreResult<()> {
        const MARKER: &str = "library_words_v1";
        let migrations = self.db.collection::<Document>("migrations");
        if migrations.find_one(doc! {"_id": MARKER}).await.map_err(mongo_err)?.is_some() {
            return Ok(());
        }
        let old = doc! {PLAYLIST_FIELD: {"$exists": false}};
        let marked =
            self.playlists().update_many(old, doc! {"$set": {PENDING_FIELD: true}}).await.map_err(mongo_err)?;
        if marked.modified_count > 0 {
            tracing::info!(playlists = marked.modified_count, "playlists queued for library search words");
        }
        match migrations.insert_one(doc! {"_id": MARKER, "at": mongodb::bson::DateTime::now()}).await {
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
        let d = word_document("p1", &item);
        assert_eq!(d.get_str("w").unwrap(), "beyonce halo live i am sasha fierce");
        assert_eq!(d.get_str("_id").unwrap(), format!("p1:{}", item.item_id));
    }

    #[test]
    fn a_change_touches_only_the_words_of_the_items_it_names() {
        let (a, b) =
            (Arc::new(Item::new("A".into(), "one".into(), "u")), Arc::new(Item::new("B".into(), "two".into(), "u")));
        let all = [a.clone(), b.clone()];
        let update = [ItemOp::Update { items: vec![b.clone()] }];
        assert!(matches!(WordsChange::of(&update, &all), WordsChange::Replace(v) if v.len() == 1));
        let insert = [ItemOp::Insert { items: vec![a.clone()] }, ItemOp::Insert { items: vec![b.clone()] }];
        assert!(matches!(WordsChange::of(&insert, &all), WordsChange::Add(v) if v.len() == 2));
        let mixed = [ItemOp::Insert { items: vec![a.clone()] }, ItemOp::Remove { item_ids: vec![b.item_id.clone()] }];
        assert!(matches!(WordsChange::of(&mixed, &all), WordsChange::All(_)));
    }

    #[test]
    fn moves_change_no_words() {
        assert!(!changes_words(&[ItemOp::Reposition { item_id: "a".into(), pos: 1 }]));
        assert!(changes_words(&[ItemOp::Remove { item_ids: vec!["a".into()] }]));
    }
}
