//! Platform links found in the background, added to items in place, and the owner's platform
//! copies set on the playlist: in one transaction, each
//! item whose track is still the one searched for gets the links it lacks; the enrichment
//! generation moves (so cached copies and ETags change), the version does not.

use deadpool_sqlite::rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{json_err, playlist_rows::revision, sql_err, EmbeddedStore};
use crate::{
    playlists::{
        model::{CopyLink, Revision},
        store::LinkUpdate,
    },
    storage::{StoreError, StoreResult},
};

impl EmbeddedStore {
    /// See [`crate::playlists::store::PlaylistStore::add_item_links`].
    pub(super) async fn add_links(&self, id: &str, updates: &[LinkUpdate]) -> StoreResult<(Revision, usize)> {
        let (id, updates) = (id.to_owned(), updates.to_vec());
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let mut changed = 0usize;
            {
                let mut read = tx
                    .prepare_cached("SELECT doc FROM playlist_items WHERE playlist_id = ?1 AND item_id = ?2")
                    .map_err(sql_err)?;
                let mut write = tx
                    .prepare_cached("UPDATE playlist_items SET doc = ?3 WHERE playlist_id = ?1 AND item_id = ?2")
                    .map_err(sql_err)?;
                for update in &updates {
                    let Some(doc) = read
                        .query_row(params![id, update.item_id], |r| r.get::<_, String>(0))
                        .optional()
                        .map_err(sql_err)?
                    else {
                        continue; // removed meanwhile
                    };
                    let mut doc: Value = serde_json::from_str(&doc).map_err(json_err)?;
                    if doc.get("track_key").and_then(Value::as_str) != Some(update.track_key.as_str()) {
                        continue; // now names another track
                    }
                    let links = doc
                        .as_object_mut()
                        .ok_or_else(|| StoreError::Backend("an item row is not a JSON object".into()))?
                        .entry("links")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    let Some(links) = links.as_array_mut() else { continue };
                    let before = links.len();
                    for link in &update.links {
                        if !links.iter().any(|l| l.as_str() == Some(link)) {
                            links.push(Value::String(link.clone()));
                        }
                    }
                    if links.len() > before {
                        let doc = serde_json::to_string(&doc).map_err(json_err)?;
                        changed += write.execute(params![id, update.item_id, doc]).map_err(sql_err)?;
                    }
                }
            }
            if changed > 0 {
                tx.execute(
                    "UPDATE playlists SET enrichment_gen = enrichment_gen + ?2,
                     meta = json_set(meta, '$.enrichment_gen', enrichment_gen + ?2) WHERE id = ?1",
                    params![id, changed as i64],
                )
                .map_err(sql_err)?;
            }
            let now = revision(&tx, &id)?.ok_or(StoreError::NotFound)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&id, Some(now));
            Ok((now, changed))
        })
        .await
    }

    /// See [`crate::playlists::store::PlaylistStore::set_copies`].
    pub(super) async fn put_copies(&self, id: &str, copies: &[CopyLink]) -> StoreResult<Revision> {
        let id = id.to_owned();
        let copies = serde_json::to_string(copies).map_err(json_err)?;
        let versions = self.versions.clone();
        versions.writing();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let changed = tx
                .execute(
                    "UPDATE playlists SET enrichment_gen = enrichment_gen + 1,
                     meta = json_set(meta, '$.copies', json(?2), '$.enrichment_gen', enrichment_gen + 1) WHERE id = ?1",
                    params![id, copies],
                )
                .map_err(sql_err)?;
            if changed != 1 {
                versions.forget(&id);
                return Err(StoreError::NotFound);
            }
            let now = revision(&tx, &id)?.ok_or(StoreError::NotFound)?;
            tx.commit().map_err(sql_err)?;
            versions.wrote(&id, Some(now));
            Ok(now)
        })
        .await
    }
}
