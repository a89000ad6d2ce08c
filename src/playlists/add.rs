//! Adding tracks: validation, lookups within the budget, remembered match decisions, the
//! duplicate policy, and one atomic write.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    access::Action,
    dto::ItemDto,
    model::{Item, Playlist},
    normalize::track_key,
    write::{self, load},
};
use crate::{
    app::AppState,
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
    /// Duration in milliseconds, optional (helps matching).
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, optional (a match is certain when Last.fm confirms it).
    #[serde(default)]
    pub mbid: Option<String>,
    /// ISRC, optional.
    #[serde(default)]
    pub isrc: Option<String>,
    /// Links to the track on music platforms (http(s) or `spotify:` URIs), at most 10.
    #[serde(default)]
    pub links: Vec<String>,
}

impl TrackInput {
    /// A track with just its names.
    pub fn named(artist: &str, title: &str) -> Self {
        Self {
            artist: artist.to_owned(),
            title: title.to_owned(),
            album: None,
            duration_ms: None,
            mbid: None,
            isrc: None,
            links: Vec::new(),
        }
    }
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

/// Most platform links kept per track.
pub const MAX_LINKS: usize = 10;

fn clean_id(raw: Option<&str>, field: &str, valid: fn(&str) -> bool) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if valid(v) => Ok(Some(v.to_owned())),
        Some(_) => Err(ApiError::invalid("invalid_track", format!("{field} is not valid"))),
    }
}

fn is_mbid(v: &str) -> bool {
    uuid::Uuid::parse_str(v).is_ok()
}

fn is_isrc(v: &str) -> bool {
    v.len() == 12 && v.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A platform or web link: http(s) or a `spotify:` URI, printable, at most 500 characters.
pub fn is_link(v: &str) -> bool {
    v.len() <= 500
        && !v.chars().any(|c| c.is_control() || c.is_whitespace())
        && (v.starts_with("https://") || v.starts_with("http://") || v.starts_with("spotify:"))
}

/// A validated track, ready to become an item.
#[derive(Debug, Clone)]
pub struct CleanTrack {
    artist: String,
    title: String,
    album: Option<String>,
    duration_ms: Option<u64>,
    mbid: Option<String>,
    isrc: Option<String>,
    links: Vec<String>,
    key: String,
}

impl CleanTrack {
    /// Validates one track; the error says which field is wrong.
    pub fn from_input(t: &TrackInput) -> Result<Self, ApiError> {
        let artist = clean_field(&t.artist, "artist")?;
        let title = clean_field(&t.title, "title")?;
        let album =
            t.album.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(|a| clean_field(a, "album")).transpose()?;
        if t.links.len() > MAX_LINKS || !t.links.iter().all(|l| is_link(l)) {
            return Err(ApiError::invalid(
                "invalid_track",
                format!("links must be at most {MAX_LINKS} http(s) or spotify: URIs of at most 500 characters"),
            ));
        }
        Ok(Self {
            key: track_key(&artist, &title),
            artist,
            title,
            album,
            duration_ms: t.duration_ms.filter(|ms| *ms > 0 && *ms < 24 * 3600 * 1000),
            mbid: clean_id(t.mbid.as_deref(), "mbid", is_mbid)?,
            isrc: clean_id(t.isrc.as_deref(), "isrc", is_isrc)?.map(|i| i.to_ascii_uppercase()),
            links: t.links.clone(),
        })
    }

    /// The duplicate-detection key.
    pub fn key(&self) -> &str {
        &self.key
    }
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
    if playlist.meta.pending_items > 0 {
        state.enrichment_wakeup.notify_one();
    }
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
pub async fn look_up(state: &AppState, caller: &User, tracks: &[CleanTrack]) -> Result<LookedUp, ApiError> {
    let queries: Vec<TrackQuery> = tracks
        .iter()
        .map(|t| TrackQuery { key: t.key.clone(), artist: t.artist.clone(), title: t.title.clone() })
        .collect();
    let decisions = decisions::remembered(state, &caller.id, tracks.iter().map(|t| t.key.as_str())).await?;
    let outcomes = enrich::lookup_within_budget(state, &queries).await;
    Ok(LookedUp { outcomes, decisions, enabled: state.tracks.enabled(), thresholds: state.config.matching.clone() })
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
