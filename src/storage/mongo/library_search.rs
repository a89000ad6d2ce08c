//! Library search in MongoDB, on the words the app folds (see `search_words`): playlists by the
//! `library_text` index over their `search_words`, tracks by the `words_text` index over
//! `library_words` (one small document per item). `$text` takes the query's longest word (whole
//! word, any case or accent); every other word must start a word of the same document, checked in
//! the same query (engines differ on several `$text` phrases: MongoDB wants all, DocumentDB any).
//! The hits are then checked against the items themselves with the embedded store's word rules,
//! so a word the index still holds for a removed item never shows.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use mongodb::bson::{self, doc, Document};

use super::{
    all_docs, bson_err,
    library::scope_filter,
    mongo_err,
    playlists::regex_escape,
    search_words::{COLLECTION, PLAYLIST_FIELD},
    MongoStore,
};
use crate::{
    library::{store::TrackHit, terms::SearchTerms},
    playlists::model::{Item, ListCursor, ListScope, PlaylistMeta},
    storage::StoreResult,
};

/// Most playlists one playlist search reads (the most recently updated that match), and most
/// item words one track search reads: bounds on a search's cost whatever the library's size.
pub const MAX_CANDIDATES: i64 = 1_000;
const MAX_WORD_HITS: i64 = 5_000;

fn text_index(keys: Document, name: &str) -> mongodb::IndexModel {
    let options =
        mongodb::options::IndexOptions::builder().name(name.to_owned()).default_language("none".to_owned()).build();
    mongodb::IndexModel::builder().keys(keys).options(options).build()
}

/// The text index of playlist names and descriptions.
pub(super) fn playlist_text_index() -> mongodb::IndexModel {
    text_index(doc! {PLAYLIST_FIELD: "text"}, "library_text")
}

/// The text index of item words.
pub(super) fn words_text_index() -> mongodb::IndexModel {
    text_index(doc! {"w": "text"}, "words_text")
}

/// The filter "`field` holds every query word": `$text` on the longest, a word-start pattern
/// for each other one.
fn words_filter(terms: &SearchTerms, field: &str) -> Document {
    let longest = terms.words.iter().max_by_key(|w| w.chars().count()).cloned().unwrap_or_default();
    let others: Vec<Document> = terms
        .words
        .iter()
        .filter(|w| **w != longest)
        .map(|w| doc! {field: {"$regex": format!("(^| ){}", regex_escape(w))}})
        .collect();
    let mut filter = doc! {"$text": {"$search": longest}};
    if !others.is_empty() {
        filter.insert("$and", others);
    }
    filter
}

impl MongoStore {
    /// The ids of the playlists in the user's library.
    async fn library_ids(&self, user_id: &str) -> StoreResult<Vec<String>> {
        let playlists = self.playlists();
        let find = playlists.find(scope_filter(user_id, ListScope::All)).projection(doc! {"_id": 1});
        Ok(all_docs(find).await?.iter().filter_map(|d| d.get_str("_id").ok().map(str::to_owned)).collect())
    }

    pub(super) async fn search_playlists_in(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        also: &[String],
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        let projection = doc! {"items": 0, "recent_history": 0};
        let text = doc! {"$and": [scope_filter(user_id, ListScope::All), words_filter(terms, PLAYLIST_FIELD)]};
        let (playlists, newest) = (self.playlists(), doc! {"updated_us": -1, "_id": -1});
        let found = playlists.find(text).projection(projection.clone()).sort(newest).limit(MAX_CANDIDATES);
        let mut metas: Vec<PlaylistMeta> = Vec::new();
        for d in all_docs(found).await? {
            let meta: PlaylistMeta = bson::from_document(d).map_err(bson_err)?;
            if terms.matches(&[&meta.name, &meta.description]) {
                metas.push(meta);
            }
        }
        if !also.is_empty() {
            let filter = doc! {"$and": [scope_filter(user_id, ListScope::All), {"_id": {"$in": also}}]};
            for d in all_docs(self.playlists().find(filter).projection(projection)).await? {
                let meta: PlaylistMeta = bson::from_document(d).map_err(bson_err)?;
                if !metas.iter().any(|m| m.id == meta.id) {
                    metas.push(meta);
                }
            }
        }
        let key = |m: &PlaylistMeta| (m.updated_at.timestamp_micros(), m.id.clone());
        metas.sort_by_key(|m| std::cmp::Reverse(key(m)));
        if let Some(c) = after {
            metas.retain(|m| key(m) < (c.updated_us, c.id.clone()));
        }
        metas.truncate(limit);
        Ok(metas)
    }

    pub(super) async fn search_tracks_in(
        &self,
        user_id: &str,
        terms: &SearchTerms,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<TrackHit>> {
        let library = self.library_ids(user_id).await?;
        if library.is_empty() {
            return Ok(Vec::new());
        }
        let mut filter = words_filter(terms, "w");
        filter.insert("p", doc! {"$in": library});
        filter.insert("k", doc! {"$gt": after.unwrap_or("")});
        let words = self.db.collection::<Document>(COLLECTION);
        let found = words.find(filter).projection(doc! {"p": 1, "k": 1}).sort(doc! {"k": 1}).limit(MAX_WORD_HITS);
        // The first `limit` track keys, and where their items are.
        let mut keys: Vec<String> = Vec::new();
        let mut wanted: HashMap<String, Vec<String>> = HashMap::new();
        for d in all_docs(found).await? {
            let (Ok(id), Ok(playlist), Ok(key)) = (d.get_str("_id"), d.get_str("p"), d.get_str("k")) else { continue };
            if keys.last().map(String::as_str) != Some(key) {
                if keys.len() == limit {
                    break;
                }
                keys.push(key.to_owned());
            }
            let item_id = id.split_once(':').map_or(id, |(_, item)| item);
            wanted.entry(playlist.to_owned()).or_default().push(item_id.to_owned());
        }
        let mut tracks: BTreeMap<String, Vec<TrackHit>> = BTreeMap::new();
        for (playlist_id, items) in self.items_among(&wanted).await? {
            for item in items {
                let album = item.album.as_deref().unwrap_or("");
                if keys.binary_search(&item.track_key).is_err() || !terms.matches(&[&item.artist, &item.title, album]) {
                    continue;
                }
                let hit = TrackHit { track_key: item.track_key.clone(), playlist_id: playlist_id.clone(), item };
                tracks.entry(hit.track_key.clone()).or_default().push(hit);
            }
        }
        let mut hits: Vec<TrackHit> = tracks.into_values().flatten().collect();
        hits.sort_by(|a, b| {
            (&a.track_key, &a.playlist_id, a.item.pos).cmp(&(&b.track_key, &b.playlist_id, b.item.pos))
        });
        Ok(hits)
    }

    /// The items `wanted` names, per playlist: only those are sent and decoded.
    async fn items_among(&self, wanted: &HashMap<String, Vec<String>>) -> StoreResult<Vec<(String, Vec<Arc<Item>>)>> {
        let mut out = Vec::with_capacity(wanted.len());
        for (playlist_id, ids) in wanted {
            let pipeline = vec![
                doc! {"$match": {"_id": playlist_id}},
                doc! {"$project": {"items": {"$filter": {"input": "$items", "cond": {"$in": ["$$this.item_id", ids]}}}}},
            ];
            let mut cursor = self.playlists().aggregate(pipeline).await.map_err(mongo_err)?;
            use futures::TryStreamExt;
            while let Some(d) = cursor.try_next().await.map_err(mongo_err)? {
                let items = d.get_array("items").map(|a| a.as_slice()).unwrap_or_default();
                let items = items
                    .iter()
                    .map(|raw| bson::from_bson::<Item>(raw.clone()).map(Arc::new).map_err(bson_err))
                    .collect::<StoreResult<Vec<_>>>()?;
                out.push((playlist_id.clone(), items));
            }
        }
        Ok(out)
    }
}
