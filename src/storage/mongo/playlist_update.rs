//! How a playlist change becomes one conditional MongoDB update of the playlist document.
//!
//! The playlist stays one document (MongoDB has no multi-document atomicity without replica-set
//! transactions), changed with update operators instead of being replaced: `$push` for inserted
//! items, `$pull` for removed ones, `$set` on the matched element for a move or an edit, and a
//! whole-array `$set` only for changes those cannot express in one update (mixed operations,
//! restores, renumbering). The history entry rides in the same update (`recent_history`, a short
//! array capped with `$slice`), so a change and its restore point are one atomic write.

use mongodb::bson::{self, doc, Bson, Document};

use super::{bson_err, search_words};
use crate::{
    playlists::{edit::ItemOp, history::HistoryEntry, model::Revision, store::Commit},
    storage::StoreResult,
};

/// How many recent history entries the playlist document itself keeps (the history collection
/// has them all; these only bridge a crash between the commit and the copy to it).
pub const RECENT_HISTORY: i32 = 8;
/// Largest history entry the playlist document carries (8 of them stay well inside the room
/// `limits::PLAYLIST_MAX_BYTES` leaves under MongoDB's 16 MiB).
const RECENT_DELTA_MAX_BYTES: usize = 256 * 1024;

/// The filter matching the playlist at `expected` (documents written before enrichment had a
/// counter have no `enrichment_gen`, which matches 0).
pub fn at_revision(id: &str, expected: Revision) -> Document {
    let gen = if expected.enrichment_gen == 0 {
        doc! {"$in": [0_i64, Bson::Null]}
    } else {
        doc! {"$eq": expected.enrichment_gen as i64}
    };
    doc! {"_id": id, "version": expected.version as i64, "enrichment_gen": gen}
}

/// The stored form of a history entry (keyed by playlist and version).
pub fn history_document(entry: &HistoryEntry) -> StoreResult<Document> {
    let mut d = bson::to_document(entry).map_err(bson_err)?;
    d.insert("_id", format!("{}:{}", entry.playlist_id, entry.version));
    d.insert("version", entry.version as i64);
    let bytes = bson::to_vec(&d).map_or(0, |v| v.len());
    d.insert("bytes", bytes as i64);
    Ok(d)
}

/// The filter and update that apply `commit`.
pub fn update_for(commit: &Commit<'_>) -> StoreResult<(Document, Document)> {
    let meta = commit.meta;
    let mut filter = at_revision(&meta.id, commit.expected);
    let mut set = bson::to_document(meta).map_err(bson_err)?;
    set.insert("updated_us", meta.updated_at.timestamp_micros());
    set.insert("version", meta.version as i64);
    set.insert("enrichment_gen", meta.enrichment_gen as i64);
    set.insert(search_words::PLAYLIST_FIELD, search_words::playlist_words(meta));
    if search_words::changes_words(commit.ops) {
        // Cleared once the item words in `library_words` follow (see `search_words`).
        set.insert(search_words::PENDING_FIELD, true);
    }
    // The in-document copy leaves out the checkpoint (it can be as large as the playlist) and a
    // delta too large to carry (kept in the history collection only).
    let mut recent = history_document(&HistoryEntry { snapshot: None, ..commit.history.clone() })?;
    if bson::to_vec(&recent).map_or(usize::MAX, |v| v.len()) > RECENT_DELTA_MAX_BYTES {
        recent = history_document(&HistoryEntry { snapshot: None, delta: None, ..commit.history.clone() })?;
    }
    let mut push = doc! {"recent_history": {"$each": [recent], "$slice": -RECENT_HISTORY}};
    let mut update = Document::new();
    match item_change(commit.ops) {
        ItemChange::None => {}
        ItemChange::Push(items) => {
            push.insert("items", doc! {"$each": items_bson(items)?});
        }
        ItemChange::Pull(ids) => {
            update.insert("$pull", doc! {"items": {"item_id": {"$in": ids}}});
        }
        ItemChange::SetOne { item_id, field, value } => {
            filter.insert("items.item_id", item_id);
            set.insert(field, value);
        }
        ItemChange::Whole => {
            set.insert("items", items_bson(commit.items.iter())?);
        }
    }
    update.insert("$set", set);
    update.insert("$push", push);
    Ok((filter, update))
}

/// The update operators a list of item operations needs.
enum ItemChange<'a> {
    None,
    Push(Vec<&'a std::sync::Arc<crate::playlists::model::Item>>),
    Pull(Vec<&'a str>),
    SetOne { item_id: &'a str, field: &'static str, value: Bson },
    Whole,
}

fn item_change(ops: &[ItemOp]) -> ItemChange<'_> {
    if ops.is_empty() {
        return ItemChange::None;
    }
    if ops.iter().all(|op| matches!(op, ItemOp::Insert { .. })) {
        let items = ops.iter().flat_map(|op| match op {
            ItemOp::Insert { items } => items.iter(),
            _ => [].iter(),
        });
        return ItemChange::Push(items.collect());
    }
    if ops.iter().all(|op| matches!(op, ItemOp::Remove { .. })) {
        let ids = ops.iter().flat_map(|op| match op {
            ItemOp::Remove { item_ids } => item_ids.iter().map(String::as_str).collect::<Vec<_>>(),
            _ => Vec::new(),
        });
        return ItemChange::Pull(ids.collect());
    }
    match ops {
        [ItemOp::Reposition { item_id, pos }] => {
            ItemChange::SetOne { item_id, field: "items.$.pos", value: Bson::Int64(*pos) }
        }
        [ItemOp::Update { items }] if items.len() == 1 => match bson::to_bson(&*items[0]) {
            Ok(value) => ItemChange::SetOne { item_id: &items[0].item_id, field: "items.$", value },
            Err(_) => ItemChange::Whole,
        },
        _ => ItemChange::Whole,
    }
}

fn items_bson<'a>(
    items: impl IntoIterator<Item = &'a std::sync::Arc<crate::playlists::model::Item>>,
) -> StoreResult<Bson> {
    items.into_iter().map(|i| bson::to_bson(&**i).map_err(bson_err)).collect::<StoreResult<Vec<_>>>().map(Bson::Array)
}
