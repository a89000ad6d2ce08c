//! Sync ("back up my weekly playlist"): `add` appends the source's tracks the destination lacks;
//! `mirror` makes the destination's items equal to the source's, in order, keeping the items it
//! can reuse. Tracks are matched on normalised artist + title. Running it twice changes nothing.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::Arc,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    ids, limits,
    playlists::deps::PlaylistDeps,
    playlists::{
        access::Action,
        model::Item,
        write::{self, load},
    },
    users::model::User,
};

/// How to sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// Append what the destination lacks.
    Add,
    /// Make the destination equal to the source, in order.
    Mirror,
}

/// Sync request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// The source playlist's id (you must be able to read it).
    pub source: String,
    /// `add` or `mirror`.
    pub mode: SyncMode,
    /// Report the plan without writing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a sync did (or would do).
#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SyncReport {
    /// Items added to the destination.
    pub added: usize,
    /// Items removed from it.
    pub removed: usize,
    /// Source tracks the destination already had.
    pub unchanged: usize,
    /// True when nothing was written.
    pub dry_run: bool,
    /// The destination's version afterwards.
    pub version: u64,
}

/// The destination's items after the sync, and the counts.
pub fn plan(
    dest: &[Arc<Item>],
    source: &[Arc<Item>],
    mode: SyncMode,
    caller_id: &str,
) -> (Vec<Item>, usize, usize, usize) {
    let now = ids::now();
    let copy = |s: &Item| Item { item_id: ids::new_id(), added_by: caller_id.to_owned(), added_at: now, ..s.clone() };
    let dest: Vec<&Item> = dest.iter().map(|i| &**i).collect();
    let source: Vec<&Item> = source.iter().map(|i| &**i).collect();
    let (mut added, mut unchanged) = (0, 0);
    match mode {
        SyncMode::Add => {
            let mut have: HashSet<&str> = dest.iter().map(|i| i.track_key.as_str()).collect();
            let mut result: Vec<Item> = dest.iter().copied().cloned().collect();
            for s in source {
                if have.insert(s.track_key.as_str()) {
                    result.push(copy(s));
                    added += 1;
                } else {
                    unchanged += 1;
                }
            }
            (result, added, 0, unchanged)
        }
        SyncMode::Mirror => {
            let mut pool: HashMap<&str, VecDeque<&Item>> = HashMap::new();
            for d in dest.iter().copied() {
                pool.entry(d.track_key.as_str()).or_default().push_back(d);
            }
            let mut result = Vec::with_capacity(source.len());
            for s in source.iter().copied() {
                match pool.get_mut(s.track_key.as_str()).and_then(VecDeque::pop_front) {
                    Some(kept) => {
                        result.push(kept.clone());
                        unchanged += 1;
                    }
                    None => {
                        result.push(copy(s));
                        added += 1;
                    }
                }
            }
            let removed = pool.values().map(VecDeque::len).sum();
            (result, added, removed, unchanged)
        }
    }
}

/// Syncs `dest` from the request's source.
pub async fn sync(
    state: &dyn PlaylistDeps,
    caller: &User,
    dest: &str,
    req: SyncRequest,
    if_match: Option<u64>,
) -> Result<SyncReport, ApiError> {
    let source = load(state, Some(caller), &req.source, Action::Read).await.map_err(|e| {
        if e.status.as_u16() == 404 {
            ApiError::not_found("source_not_found", "no such source playlist")
        } else {
            e
        }
    })?;
    let action = match req.mode {
        SyncMode::Add => Action::AddItems,
        SyncMode::Mirror => Action::Edit,
    };
    if req.dry_run {
        let current = load(state, Some(caller), dest, action).await?;
        let (_, added, removed, unchanged) = plan(&current.items, &source.items, req.mode, &caller.id);
        return Ok(SyncReport { added, removed, unchanged, dry_run: true, version: current.meta.version });
    }
    let (playlist, (added, removed, unchanged)) = write::modify(state, caller, dest, if_match, action, "sync", |p| {
        let (items, added, removed, unchanged) = plan(p.items(), &source.items, req.mode, &caller.id);
        if items.len() > limits::ITEMS_PER_PLAYLIST_MAX {
            return Err(ApiError::invalid(
                "playlist_full",
                format!("a playlist holds at most {} items", limits::ITEMS_PER_PLAYLIST_MAX),
            ));
        }
        let changed =
            items.len() != p.items().len() || items.iter().zip(p.items()).any(|(a, b)| a.item_id != b.item_id);
        match req.mode {
            // Adding appends: only the new items are written.
            SyncMode::Add => {
                let end = p.items().len();
                p.insert(end, items.into_iter().skip(end).collect());
            }
            SyncMode::Mirror if changed => p.replace_all(items),
            SyncMode::Mirror => {}
        }
        Ok((added, removed, unchanged))
    })
    .await?;
    Ok(SyncReport { added, removed, unchanged, dry_run: false, version: playlist.meta.version })
}
