//! Library search in MongoDB. The `library_text` text index over the words the app folded into
//! each document (`search_words` of the name and description, `words` of each item; see
//! `search_words`) picks the candidate playlists with `$text`: every query word as a phrase, so
//! all must be present as whole words, any case or accent. The exact matches inside them are
//! then found with the same word rules as the embedded store. `$text` needs a text index, which
//! MongoDB 4.4+, Atlas and DocumentDB have; a server without one answers an error (see the
//! README's MongoDB section).

use std::{collections::BTreeMap, sync::Arc};

use mongodb::bson::{self, doc, Document};

use super::{
    all_docs, bson_err,
    library::scope_filter,
    search_words::{ITEM_FIELD, PLAYLIST_FIELD},
    MongoStore,
};
use crate::{
    library::{store::TrackHit, terms::SearchTerms},
    playlists::model::{Item, ListCursor, ListScope, PlaylistMeta},
    storage::StoreResult,
};

/// The text index behind library search.
pub(super) fn text_index() -> mongodb::IndexModel {
    let keys = doc! {PLAYLIST_FIELD: "text", format!("items.{ITEM_FIELD}"): "text"};
    let options = mongodb::options::IndexOptions::builder()
        .name("library_text".to_owned())
        .default_language("none".to_owned())
        .build();
    mongodb::IndexModel::builder().keys(keys).options(options).build()
}

/// Most playlists one search reads (the most recently updated that match): a bound on its cost
/// whatever the library's size.
pub const MAX_CANDIDATES: i64 = 1_000;

impl MongoStore {
    /// The user's playlists that may match `terms` (at most [`MAX_CANDIDATES`], newest first),
    /// with `projection`.
    async fn candidates(&self, user_id: &str, terms: &SearchTerms, projection: Document) -> StoreResult<Vec<Document>> {
        let member = scope_filter(user_id, ListScope::All);
        let text = doc! {"$and": [member, {"$text": {"$search": terms.text_search()}}]};
        let playlists = self.playlists();
        let newest = doc! {"updated_us": -1, "_id": -1};
        all_docs(playlists.find(text).projection(projection).sort(newest).limit(MAX_CANDIDATES)).await
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
        let mut metas: Vec<PlaylistMeta> = Vec::new();
        for d in self.candidates(user_id, terms, projection.clone()).await? {
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
        let projection = doc! {"_id": 1, "items": 1};
        let mut tracks: BTreeMap<String, Vec<TrackHit>> = BTreeMap::new();
        for d in self.candidates(user_id, terms, projection).await? {
            let playlist_id = d.get_str("_id").map_err(bson_err)?.to_owned();
            let items = d.get_array("items").map(|a| a.as_slice()).unwrap_or_default();
            for raw in items {
                // The stored words and key first: only the items that match are decoded.
                let Some(stored) = raw.as_document() else { continue };
                let key = stored.get_str("track_key").unwrap_or("");
                if key <= after.unwrap_or("") || stored.get_str(ITEM_FIELD).is_ok_and(|w| !terms.matches(&[w])) {
                    continue;
                }
                let item: Item = bson::from_document(stored.clone()).map_err(bson_err)?;
                let album = item.album.as_deref().unwrap_or("");
                if !terms.matches(&[&item.artist, &item.title, album]) {
                    continue;
                }
                let hit = TrackHit {
                    track_key: item.track_key.clone(),
                    playlist_id: playlist_id.clone(),
                    item: Arc::new(item),
                };
                tracks.entry(hit.track_key.clone()).or_default().push(hit);
            }
        }
        let mut hits: Vec<TrackHit> = tracks.into_values().take(limit).flatten().collect();
        hits.sort_by(|a, b| {
            (&a.track_key, &a.playlist_id, a.item.pos).cmp(&(&b.track_key, &b.playlist_id, b.item.pos))
        });
        Ok(hits)
    }
}
