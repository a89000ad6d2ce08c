//! Library search in MongoDB. The `library_text` text index (names, descriptions, item artists,
//! titles and albums; no language, so no stemming or stop words) picks the candidate playlists
//! with `$text` (every word, whole words, any case or accent); the exact matches inside them are
//! then found with the same word rules as the embedded store. A server without text search
//! (FerretDB, or the test double) answers `$text` with an error: the search then reads the
//! user's playlists instead, and says so once in the log.

use std::{
    collections::BTreeMap,
    sync::{atomic::AtomicBool, Arc},
};

use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{all_docs, bson_err, library::scope_filter, mongo_err, MongoStore};
use crate::{
    library::{store::TrackHit, terms::SearchTerms},
    playlists::model::{Item, ListCursor, ListScope, PlaylistMeta},
    storage::StoreResult,
};

static WARNED: AtomicBool = AtomicBool::new(false);

/// Whether an error says the server cannot run `$text` (no text index, or no text search).
fn lacks_text_search(e: &mongodb::error::Error) -> bool {
    let code = match &*e.kind {
        mongodb::error::ErrorKind::Command(c) => c.code,
        _ => return false,
    };
    let message = e.to_string().to_lowercase();
    matches!(code, 27 | 115 | 238) || (message.contains("$text") && message.contains("not implemented"))
}

/// The text index behind library search.
pub(super) fn text_index() -> mongodb::IndexModel {
    let keys = doc! {"name": "text", "description": "text", "items.artist": "text", "items.title": "text", "items.album": "text"};
    let weights = doc! {"name": 5, "description": 2, "items.artist": 3, "items.title": 3, "items.album": 1};
    let options = mongodb::options::IndexOptions::builder()
        .name("library_text".to_owned())
        .default_language("none".to_owned())
        .weights(weights)
        .build();
    mongodb::IndexModel::builder().keys(keys).options(options).build()
}

impl MongoStore {
    /// The user's playlists that may match `terms`, with `projection`.
    async fn candidates(&self, user_id: &str, terms: &SearchTerms, projection: Document) -> StoreResult<Vec<Document>> {
        let member = scope_filter(user_id, ListScope::All);
        let text = doc! {"$and": [member.clone(), {"$text": {"$search": terms.text_search()}}]};
        match self.playlists().find(text).projection(projection.clone()).await {
            Ok(cursor) => cursor.try_collect().await.map_err(mongo_err),
            Err(e) if lacks_text_search(&e) => {
                if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    tracing::warn!(error = %e, "this MongoDB server cannot run $text; library search reads each user's playlists instead");
                }
                all_docs(self.playlists().find(member).projection(projection)).await
            }
            Err(e) => Err(mongo_err(e)),
        }
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
                let item: Item = bson::from_bson(raw.clone()).map_err(bson_err)?;
                let album = item.album.as_deref().unwrap_or("");
                if item.track_key.as_str() <= after.unwrap_or("") || !terms.matches(&[&item.artist, &item.title, album])
                {
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
