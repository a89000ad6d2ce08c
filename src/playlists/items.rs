//! Item operations: add a batch (with duplicate policy), list, remove and move by item id.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    access::{access, allows, Action},
    dto::ItemDto,
    edit::Edit,
    model::{Item, Playlist, Revision},
    normalize::track_key,
    write::{self, load},
};
use crate::{
    app::AppState,
    error::ApiError,
    ids, limits,
    tracks::{
        enrich,
        model::Enrichment,
        service::{Outcome, TrackQuery},
    },
    users::model::User,
};

/// A track as the client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInput {
    /// Artist name.
    pub artist: String,
    /// Track title.
    pub title: String,
    /// Album, optional.
    pub album: Option<String>,
}

/// What to do with a track already in the playlist (or earlier in the same batch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnDuplicate {
    /// Leave it out and report it as skipped (default).
    #[default]
    Skip,
    /// Add it anyway.
    Allow,
    /// Reject the whole batch with 409.
    Reject,
}

/// Add-items request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddItems {
    /// 1–500 tracks.
    pub tracks: Vec<TrackInput>,
    /// Index to insert at (0 = first); default: the end.
    pub position: Option<usize>,
    /// Duplicate policy.
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
}

/// A track left out of an add.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkippedTrack {
    /// Index in the request's `tracks`.
    pub index: usize,
    /// Artist as sent.
    pub artist: String,
    /// Title as sent.
    pub title: String,
    /// Why: `duplicate`.
    pub reason: String,
}

/// Result of an add.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddItemsResponse {
    /// Items added, in playlist order.
    pub added: Vec<ItemDto>,
    /// Tracks left out.
    pub skipped: Vec<SkippedTrack>,
    /// Playlist version after the add.
    pub version: u64,
}

/// Move request: the item's index after the move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveItem {
    /// Target index, 0-based.
    pub position: usize,
}

/// A page of items.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemPage {
    /// Items in playlist order.
    pub items: Vec<ItemDto>,
    /// Cursor for the next page, absent on the last.
    pub next_cursor: Option<String>,
    /// Playlist version the page was read at.
    pub version: u64,
    /// The revision the page was read at (its ETag).
    #[serde(skip)]
    pub revision: Revision,
}

fn clean_field(raw: &str, field: &str) -> Result<String, ApiError> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > limits::TRACK_FIELD_MAX_CHARS || value.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            "invalid_track",
            format!("{field} must be 1-{} printable characters", limits::TRACK_FIELD_MAX_CHARS),
        ));
    }
    Ok(value.to_owned())
}

/// Validated new items, before ids and duplicate policy are applied.
struct CleanTrack {
    artist: String,
    title: String,
    album: Option<String>,
    key: String,
}

fn clean_tracks(tracks: &[TrackInput]) -> Result<Vec<CleanTrack>, ApiError> {
    if tracks.is_empty() || tracks.len() > limits::ITEMS_BATCH_MAX {
        return Err(ApiError::invalid("invalid_batch", format!("send 1-{} tracks", limits::ITEMS_BATCH_MAX)));
    }
    tracks
        .iter()
        .map(|t| {
            let artist = clean_field(&t.artist, "artist")?;
            let title = clean_field(&t.title, "title")?;
            let album = t.album.as_deref().map(|a| clean_field(a, "album")).transpose()?;
            Ok(CleanTrack { key: track_key(&artist, &title), artist, title, album })
        })
        .collect()
}

/// How two tracks are judged to be the same for duplicate detection.
#[derive(Clone, Copy)]
pub enum SameTrack {
    /// Normalised artist + title (NFKC, case-folded, whitespace collapsed): the API's rule.
    Normalised,
    /// Equal keys computed from the names as given (the legacy API's song ids).
    ByKey(fn(artist: &str, title: &str) -> String),
}

impl SameTrack {
    fn item_key(self, item: &Item) -> String {
        match self {
            Self::Normalised => item.track_key.clone(),
            Self::ByKey(key) => key(&item.artist, &item.title),
        }
    }
    fn track_key(self, track: &CleanTrack) -> String {
        match self {
            Self::Normalised => track.key.clone(),
            Self::ByKey(key) => key(&track.artist, &track.title),
        }
    }
}

/// Adds a batch of tracks atomically.
pub async fn add(
    state: &AppState,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: AddItems,
) -> Result<(Arc<Playlist>, AddItemsResponse), ApiError> {
    add_with(state, caller, id, if_match, request, SameTrack::Normalised).await
}

/// Adds a batch of tracks atomically, judging duplicates by `same`.
pub async fn add_with(
    state: &AppState,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: AddItems,
    same: SameTrack,
) -> Result<(Arc<Playlist>, AddItemsResponse), ApiError> {
    let tracks = clean_tracks(&request.tracks)?;
    // Access first: a caller who may not add learns nothing and costs no lookup.
    load(state, Some(caller), id, Action::AddItems).await?;
    // Look the tracks up before the write (within the budget), so cached ones cost one write.
    let queries: Vec<TrackQuery> = tracks
        .iter()
        .map(|t| TrackQuery { key: t.key.clone(), artist: t.artist.clone(), title: t.title.clone() })
        .collect();
    let outcomes = enrich::lookup_within_budget(state, &queries).await;
    let enabled = state.tracks.enabled();
    let (playlist, (added, skipped)) = write::modify(state, caller, id, if_match, Action::AddItems, "add_items", |p| {
        let context =
            AddContext { policy: request.on_duplicate, same, caller_id: &caller.id, outcomes: &outcomes, enabled };
        let (new_items, skipped) = plan_add(p.items(), &tracks, &context)?;
        if p.items().len() + new_items.len() > limits::ITEMS_PER_PLAYLIST_MAX {
            return Err(ApiError::invalid(
                "playlist_full",
                format!("a playlist holds at most {} items", limits::ITEMS_PER_PLAYLIST_MAX),
            ));
        }
        let at = request.position.unwrap_or(p.items().len());
        if at > p.items().len() {
            return Err(ApiError::invalid("invalid_position", format!("position must be 0-{}", p.items().len())));
        }
        let count = new_items.len();
        p.insert(at, new_items);
        let added = p.items()[at..at + count].iter().map(|i| ItemDto::from(&**i)).collect::<Vec<_>>();
        Ok((added, skipped))
    })
    .await?;
    if playlist.meta.pending_items > 0 {
        state.enrichment_wakeup.notify_one();
    }
    let version = playlist.meta.version;
    Ok((playlist, AddItemsResponse { added, skipped, version }))
}

/// What `plan_add` needs besides the playlist and the tracks.
struct AddContext<'a> {
    policy: OnDuplicate,
    same: SameTrack,
    caller_id: &'a str,
    outcomes: &'a HashMap<String, Outcome>,
    enabled: bool,
}

fn plan_add(
    existing: &[Arc<Item>],
    tracks: &[CleanTrack],
    ctx: &AddContext<'_>,
) -> Result<(Vec<Item>, Vec<SkippedTrack>), ApiError> {
    let (policy, caller_id, outcomes, enabled) = (ctx.policy, ctx.caller_id, ctx.outcomes, ctx.enabled);
    let mut seen: HashSet<String> = match policy {
        OnDuplicate::Allow => HashSet::new(),
        _ => existing.iter().map(|i| ctx.same.item_key(i)).collect(),
    };
    let (mut items, mut skipped) = (Vec::new(), Vec::new());
    let now = ids::now();
    for (index, t) in tracks.iter().enumerate() {
        let duplicate = !seen.insert(ctx.same.track_key(t));
        match policy {
            OnDuplicate::Reject if duplicate => {
                return Err(ApiError::conflict(
                    "duplicate_track",
                    format!("track {index} ({} - {}) is already in the playlist", t.artist, t.title),
                ));
            }
            OnDuplicate::Skip if duplicate => skipped.push(SkippedTrack {
                index,
                artist: t.artist.clone(),
                title: t.title.clone(),
                reason: "duplicate".into(),
            }),
            _ => items.push({
                let (enrichment, meta) = enrich::initial_state(outcomes.get(&t.key), enabled);
                Item {
                    item_id: ids::new_id(),
                    pos: 0,
                    artist: t.artist.clone(),
                    title: t.title.clone(),
                    album: t.album.clone(),
                    added_by: caller_id.to_owned(),
                    added_at: now,
                    track_key: t.key.clone(),
                    enrichment,
                    meta,
                }
            }),
        }
    }
    Ok((items, skipped))
}

/// One page of a playlist's items.
pub async fn list(
    state: &AppState,
    caller: Option<&User>,
    id: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<ItemPage, ApiError> {
    let playlist = load(state, caller, id, Action::Read).await?;
    let page = super::item_pages::page(&playlist.items, cursor, limit)?;
    Ok(ItemPage {
        items: page.items,
        next_cursor: page.next_cursor,
        version: playlist.meta.version,
        revision: playlist.meta.revision(),
    })
}

fn position_of(p: &Edit, item_id: &str) -> Result<usize, ApiError> {
    p.index_of(item_id).ok_or_else(|| ApiError::not_found("item_not_found", "no such item in this playlist"))
}

/// Removes one item by id (contributors only the items they added).
pub async fn remove(
    state: &AppState,
    caller: &User,
    id: &str,
    item_id: &str,
    if_match: Option<u64>,
) -> Result<Arc<Playlist>, ApiError> {
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::AddItems, "remove_item", |p| {
        let at = position_of(p, item_id)?;
        if p.items()[at].added_by != caller.id && !allows(access(&p.meta, Some(caller)), Action::Edit) {
            return Err(ApiError::forbidden("contributors may remove only the items they added"));
        }
        p.remove(at);
        Ok(())
    })
    .await?;
    Ok(playlist)
}

/// Moves one item (by id) to `position` in the resulting order.
pub async fn move_to(
    state: &AppState,
    caller: &User,
    id: &str,
    item_id: &str,
    position: usize,
    if_match: Option<u64>,
) -> Result<Arc<Playlist>, ApiError> {
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Edit, "move_item", |p| {
        let from = position_of(p, item_id)?;
        if position >= p.items().len() {
            return Err(ApiError::invalid("invalid_position", format!("position must be 0-{}", p.items().len() - 1)));
        }
        p.move_item(from, position);
        Ok(())
    })
    .await?;
    Ok(playlist)
}

/// Result of a refresh request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RefreshResponse {
    /// Items queued for enrichment.
    pub pending: usize,
    /// Playlist version after queueing them.
    pub version: u64,
    /// The revision after queueing them (its ETag).
    #[serde(skip)]
    pub revision: Revision,
}

/// Queues every item for re-enrichment; the background job resolves them (cache or Last.fm).
pub async fn refresh(
    state: &AppState,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
) -> Result<RefreshResponse, ApiError> {
    // Authorize first, so a caller who may not read the playlist learns nothing else.
    load(state, Some(caller), id, Action::Edit).await?;
    if !state.tracks.enabled() {
        return Err(crate::lastfm::LastfmError::NotConfigured.into());
    }
    let (playlist, ()) = write::modify(state, caller, id, if_match, Action::Edit, "refresh", |p| {
        for at in 0..p.items().len() {
            p.update(at, |item| item.enrichment = Enrichment::Pending);
        }
        Ok(())
    })
    .await?;
    state.enrichment_wakeup.notify_one();
    Ok(RefreshResponse {
        pending: playlist.meta.pending_items,
        version: playlist.meta.version,
        revision: playlist.meta.revision(),
    })
}
