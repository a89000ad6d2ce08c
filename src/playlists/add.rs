//! Adding tracks: validation, lookups within the budget, remembered match decisions, the
//! duplicate policy, and one atomic write.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::track_input::{is_link, CleanTrack, TrackInput, MAX_LINKS};
use super::{
    access::Action,
    deps::AddDeps,
    dto::ItemDto,
    model::{Item, Playlist},
    write::{self, load},
};
use crate::{
    config::MatchingConfig,
    error::ApiError,
    limits,
    matching::decisions::{self, Decision},
    tracks::{
        enrich,
        service::{Outcome, TrackQuery},
    },
    users::model::User,
};

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

fn clean_tracks(tracks: &[TrackInput]) -> Result<Vec<CleanTrack>, ApiError> {
    if tracks.is_empty() || tracks.len() > limits::ITEMS_BATCH_MAX {
        return Err(ApiError::invalid("invalid_batch", format!("send 1-{} tracks", limits::ITEMS_BATCH_MAX)));
    }
    tracks.iter().map(CleanTrack::from_input).collect()
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
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: AddItems,
) -> Result<(Arc<Playlist>, AddItemsResponse), ApiError> {
    add_with(state, caller, id, if_match, request, SameTrack::Normalised).await
}

/// Adds a batch of tracks atomically, judging duplicates by `same`.
pub async fn add_with(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: AddItems,
    same: SameTrack,
) -> Result<(Arc<Playlist>, AddItemsResponse), ApiError> {
    let tracks = clean_tracks(&request.tracks)?;
    // Access first: a caller who may not add learns nothing and costs no lookup.
    load(state, Some(caller), id, Action::AddItems).await?;
    let looked_up = look_up(state, caller, &tracks).await?;
    let (playlist, (added, skipped)) = write::modify(state, caller, id, if_match, Action::AddItems, "add_items", |p| {
        let context = AddContext { policy: request.on_duplicate, same, caller_id: &caller.id, looked_up: &looked_up };
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
    crate::jobs::items_added(state, &playlist.meta).await;
    let version = playlist.meta.version;
    Ok((playlist, AddItemsResponse { added, skipped, version }))
}

/// What the lookups before a write found: Last.fm outcomes and your remembered decisions.
pub struct LookedUp {
    outcomes: HashMap<String, Outcome>,
    decisions: HashMap<String, Decision>,
    enabled: bool,
    thresholds: MatchingConfig,
}

/// Looks `tracks` up (within the enrichment budget) and reads `caller`'s remembered decisions
/// for them, before the write, so cached answers cost one write.
pub async fn look_up(state: &dyn AddDeps, caller: &User, tracks: &[CleanTrack]) -> Result<LookedUp, ApiError> {
    let queries: Vec<TrackQuery> = tracks
        .iter()
        .map(|t| TrackQuery { key: t.key.clone(), artist: t.artist.clone(), title: t.title.clone() })
        .collect();
    let decisions =
        decisions::remembered(state.store().as_ref(), &caller.id, tracks.iter().map(|t| t.key.as_str())).await?;
    let outcomes = enrich::lookup_within_budget(state, &queries).await;
    Ok(LookedUp { outcomes, decisions, enabled: state.tracks().enabled(), thresholds: state.config().matching.clone() })
}

impl LookedUp {
    /// A new item for `t`, enriched and matched as far as the lookups went.
    pub fn item(&self, t: &CleanTrack, caller_id: &str) -> Item {
        let mut item = Item::new(t.artist.clone(), t.title.clone(), caller_id);
        item.track_key = t.key.clone();
        item.album = t.album.clone();
        item.duration_ms = t.duration_ms;
        item.mbid = t.mbid.clone();
        item.isrc = t.isrc.clone();
        item.links = t.links.clone();
        item.featured_artists = t.featured_artists.clone();
        item.image = t.image.clone();
        enrich::settle(&mut item, self.outcomes.get(&t.key), self.enabled, &self.thresholds);
        if let Some(decision) = self.decisions.get(&t.key) {
            decisions::apply(&mut item, decision);
        }
        item
    }
}

/// What `plan_add` needs besides the playlist and the tracks.
pub struct AddContext<'a> {
    /// The duplicate policy.
    pub policy: OnDuplicate,
    /// How duplicates are recognised.
    pub same: SameTrack,
    /// Who adds.
    pub caller_id: &'a str,
    /// The lookups made before the write.
    pub looked_up: &'a LookedUp,
}

/// The items to add and the tracks left out as duplicates (409 under `reject`).
pub fn plan_add(
    existing: &[Arc<Item>],
    tracks: &[CleanTrack],
    ctx: &AddContext<'_>,
) -> Result<(Vec<Item>, Vec<SkippedTrack>), ApiError> {
    let policy = ctx.policy;
    let mut seen: HashSet<String> = match policy {
        OnDuplicate::Allow => HashSet::new(),
        _ => existing.iter().map(|i| ctx.same.item_key(i)).collect(),
    };
    let (mut items, mut skipped) = (Vec::new(), Vec::new());
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
            _ => items.push(ctx.looked_up.item(t, ctx.caller_id)),
        }
    }
    Ok((items, skipped))
}
