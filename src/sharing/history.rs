//! A playlist's history (who did what and when) and bringing an earlier version back: the API's
//! and the web app's one path.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    playlists::{
        access::Action,
        deps::PlaylistDeps,
        history::{self, ChangeSummary, RESTORABLE_VERSIONS},
        model::{Item, Playlist},
        write::{self, load},
    },
    users::model::User,
};

/// One history entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntryDto {
    /// The version the write produced.
    pub version: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (username; `sharify` for background enrichment).
    pub actor: String,
    /// The operation, e.g. `add_items`, `update`, `restore`.
    pub op: String,
    /// What changed.
    pub summary: ChangeSummary,
}

/// A page of history, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    /// Entries, newest first.
    pub entries: Vec<HistoryEntryDto>,
    /// Pass as `before` for the next page.
    pub next_before: Option<u64>,
}

/// `limit` entries of playlist `id`'s history below version `before`, newest first (anyone who
/// may read the playlist).
pub async fn page(
    state: &dyn PlaylistDeps,
    caller: Option<&User>,
    id: &str,
    before: Option<u64>,
    limit: usize,
) -> Result<HistoryPage, ApiError> {
    load(state, caller, id, Action::Read).await?;
    let mut rows = state.store().history(id, before, limit + 1).await?;
    let next_before = (rows.len() > limit).then(|| {
        rows.truncate(limit);
        rows.last().map(|e| e.version)
    });
    let entries = rows
        .into_iter()
        .map(|e| HistoryEntryDto { version: e.version, at: e.at, actor: e.actor, op: e.op, summary: e.summary })
        .collect();
    Ok(HistoryPage { entries, next_before: next_before.flatten() })
}

/// Brings back the items, name and description of `version` as a new version (editors and up).
pub async fn restore(
    state: &dyn PlaylistDeps,
    caller: &User,
    id: &str,
    version: u64,
    if_match: Option<u64>,
) -> Result<Arc<Playlist>, ApiError> {
    load(state, Some(caller), id, Action::Edit).await?;
    let chain = state.store().restore_chain(id, version).await?;
    let snapshot = history::rebuild(&chain, version).ok_or_else(|| {
        ApiError::not_found(
            "version_not_found",
            format!("version {version} is not restorable (the last {RESTORABLE_VERSIONS} versions are kept)"),
        )
    })?;
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Edit, "restore", |p| {
        p.meta.name.clone_from(&snapshot.name);
        p.meta.description.clone_from(&snapshot.description);
        let same_items = p.items().len() == snapshot.items.len()
            && p.items().iter().zip(&snapshot.items).all(|(a, b)| a.item_id == b.item_id);
        if !same_items {
            // Items still present keep what enrichment learned since; others come back as they were.
            let now: HashMap<&str, &Arc<Item>> = p.items().iter().map(|i| (i.item_id.as_str(), i)).collect();
            let items: Vec<Item> = snapshot
                .items
                .iter()
                .map(|old| Item::clone(now.get(old.item_id.as_str()).copied().unwrap_or(old)))
                .collect();
            p.replace_all(items);
        }
        Ok(())
    })
    .await?;
    Ok(playlist)
}
