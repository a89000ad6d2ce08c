//! Importing a parsed file: into a new playlist or appended to one you may add to, in one write
//! (nothing is written when the import stops), with a report of what happened to every line.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    export::ExportFormat,
    import::{ParsedFile, Rejected},
};
use crate::{
    error::ApiError,
    ids, limits,
    matching::{model::MatchStatus, reason::MatchReason},
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        add::{look_up, plan_add, AddContext, CleanTrack, OnDuplicate, SameTrack},
        dto::PlaylistSummaryDto,
        history,
        model::{Item, Playlist, Visibility, POSITION_GAP},
        service::{parse_description, parse_name},
        write,
    },
    users::model::User,
};

/// Most rejected lines listed in a report (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 1000;

/// Parameters of an import.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `csv`, `m3u8` (also M3U), `xspf` or `jspf`; default: from `Content-Type`, else recognised
    /// from the body.
    pub format: Option<ExportFormat>,
    /// Name of the new playlist (default: the file's, else "Imported playlist").
    pub name: Option<String>,
    /// Description of the new playlist (default: the file's).
    pub description: Option<String>,
    /// Visibility of the new playlist (default `private`).
    pub visibility: Option<Visibility>,
    /// Tracks already in the playlist or earlier in the file: `skip` (default, counted as
    /// duplicates), `allow`, or `reject` (409, nothing imported).
    pub on_duplicate: Option<OnDuplicate>,
    /// CSV only: `present` (default; the first row must name an artist and a title column) or
    /// `none` (no header row: every row is artist, title[, album]).
    pub header: Option<super::import::CsvHeader>,
}

/// How many lines went where.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportCounts {
    /// Tracks read from the file (added + duplicates + rejected).
    pub read: usize,
    /// Items added.
    pub added: usize,
    /// Tracks left out as already present.
    pub duplicates: usize,
    /// Added items matched to a canonical track.
    pub matched: usize,
    /// Added items waiting for your review (`GET /v1/playlists/{id}/review`).
    pub review: usize,
    /// Added items with no good candidate.
    pub unmatched: usize,
    /// Added items not looked up yet (matching continues in the background).
    pub pending: usize,
    /// Added items not matched because matching is off on this server (no Last.fm key).
    #[serde(default)]
    pub off: usize,
    /// Lines that could not become a track.
    pub rejected: usize,
}

/// The answer to an import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// The playlist after the import.
    pub playlist: PlaylistSummaryDto,
    /// How many lines went where.
    pub counts: ImportCounts,
    /// Why added items are not matched: each reason once, with how many items it holds for.
    #[serde(default)]
    pub not_matched: Vec<ReasonCount>,
    /// The lines left out and why (the first 1,000).
    pub rejected: Vec<Rejected>,
}

/// One reason items are not matched, and how many.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonCount {
    /// The reason (as on each item's `match.reason`).
    #[serde(flatten)]
    pub reason: MatchReason,
    /// Items it holds for.
    pub items: usize,
}

/// Each reason among `added` once (in order of first appearance), with its count.
fn reasons(added: &[Arc<Item>]) -> Vec<ReasonCount> {
    let mut out: Vec<ReasonCount> = Vec::new();
    for reason in added.iter().filter_map(|i| i.matching.as_ref()?.reason.as_ref()) {
        match out.iter_mut().find(|r| r.reason.code == reason.code) {
            Some(r) => r.items += 1,
            None => out.push(ReasonCount { reason: reason.clone(), items: 1 }),
        }
    }
    out
}

/// Validates every track of the file; returns the clean ones and adds the others to `rejected`.
fn clean(file: ParsedFile) -> (Vec<CleanTrack>, Vec<Rejected>) {
    let mut rejected = file.rejected;
    let mut tracks = Vec::with_capacity(file.tracks.len());
    for (line, mut input) in file.tracks {
        // A line break or tab inside a cell is layout, not part of a name.
        for field in [&mut input.artist, &mut input.title] {
            if field.contains(['\n', '\r', '\t']) {
                *field = field.split_whitespace().collect::<Vec<_>>().join(" ");
            }
        }
        if let Some(album) = input.album.as_mut().filter(|a| a.contains(['\n', '\r', '\t'])) {
            *album = album.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        // "Main feat. Guest" in one field: the main artist drives matching and search links.
        // (A file that also lists them elsewhere, like our own JSPF, keeps that list.)
        let (main, featured) = super::artists::split_featuring(&input.artist);
        if !featured.is_empty() {
            input.artist = main;
            if input.featured_artists.is_empty() {
                input.featured_artists = featured;
            }
        }
        match CleanTrack::from_input(&input) {
            Ok(t) => tracks.push(t),
            Err(e) => rejected.push(Rejected { line, reason: e.message }),
        }
    }
    rejected.sort_by_key(|r| r.line);
    (tracks, rejected)
}

/// The file's clean tracks and its rejections; an error when no track is usable or there are
/// more than a playlist holds (before any lookup or write).
fn usable(file: ParsedFile) -> Result<(Vec<CleanTrack>, Vec<Rejected>), ApiError> {
    let (tracks, rejected) = clean(file);
    if tracks.is_empty() {
        return Err(nothing_to_import(&rejected));
    }
    if tracks.len() > limits::ITEMS_PER_PLAYLIST_MAX {
        return Err(too_many(tracks.len()));
    }
    Ok((tracks, rejected))
}

fn report(playlist: &Playlist, added: &[Arc<Item>], duplicates: usize, rejected: Vec<Rejected>) -> ImportReport {
    let status = |s: MatchStatus| added.iter().filter(|i| i.matching.as_ref().is_some_and(|m| m.status == s)).count();
    let counts = ImportCounts {
        read: added.len() + duplicates + rejected.len(),
        added: added.len(),
        duplicates,
        matched: status(MatchStatus::Matched),
        review: status(MatchStatus::Review),
        unmatched: status(MatchStatus::Unmatched),
        pending: status(MatchStatus::Pending),
        off: status(MatchStatus::Off),
        rejected: rejected.len(),
    };
    let rejected = rejected.into_iter().take(MAX_LISTED_REJECTIONS).collect();
    ImportReport { playlist: (&playlist.meta).into(), counts, not_matched: reasons(added), rejected }
}

fn nothing_to_import(rejected: &[Rejected]) -> ApiError {
    let first = rejected.first().map(|r| format!(" (line {}: {})", r.line, r.reason)).unwrap_or_default();
    ApiError::invalid("no_importable_tracks", format!("no line of the file could become a track{first}"))
}

fn too_many(n: usize) -> ApiError {
    ApiError::invalid(
        "playlist_full",
        format!("the file has {n} tracks; a playlist holds at most {}", limits::ITEMS_PER_PLAYLIST_MAX),
    )
}

/// Imports `file` into a new playlist owned by `caller`.
pub async fn import_new(
    state: &dyn AddDeps,
    caller: &User,
    file: ParsedFile,
    query: &ImportQuery,
) -> Result<(Arc<Playlist>, ImportReport), ApiError> {
    let name = query.name.clone().or_else(|| file.name.clone()).unwrap_or_else(|| "Imported playlist".into());
    let name = parse_name(&name.chars().take(limits::PLAYLIST_NAME_CHARS.end().to_owned()).collect::<String>())?;
    let description = query.description.clone().or_else(|| file.description.clone()).unwrap_or_default();
    let description =
        parse_description(&description.chars().take(limits::PLAYLIST_DESCRIPTION_MAX_CHARS).collect::<String>())?;
    let source_url = file.source_url.clone();
    let image = file.image.clone().filter(|i| crate::playlists::track_input::is_image_address(i));
    let (tracks, rejected) = usable(file)?;
    let looked_up = look_up(state, caller, &tracks).await?;
    let policy = query.on_duplicate.unwrap_or_default();
    let context = AddContext { policy, same: SameTrack::Normalised, caller_id: &caller.id, looked_up: &looked_up };
    let (items, skipped) = plan_add(&[], &tracks, &context)?;
    let mut playlist = Playlist::new(ids::new_id(), caller, name, description, query.visibility.unwrap_or_default());
    playlist.meta.source_url = source_url;
    playlist.meta.image = image;
    playlist.items =
        items.into_iter().zip(1..).map(|(item, n)| Arc::new(Item { pos: n * POSITION_GAP, ..item })).collect();
    let bytes: usize = playlist.items.iter().map(|i| serde_json::to_vec(&**i).map_or(0, |v| v.len())).sum();
    if bytes > limits::PLAYLIST_MAX_BYTES {
        return Err(ApiError::invalid(
            "playlist_too_large",
            format!("the imported playlist would take {bytes} bytes; at most {} fit", limits::PLAYLIST_MAX_BYTES),
        ));
    }
    playlist.sync_derived();
    let entry = history::entry(None, &playlist.meta, &[], &playlist.items, Some(caller), "import");
    state.store().insert_playlist(&playlist, &entry).await?;
    crate::jobs::items_added(state, &playlist.meta).await;
    let report = report(&playlist, &playlist.items, skipped.len(), rejected);
    Ok((Arc::new(playlist), report))
}

/// Appends `file` to playlist `id` (contributor or better).
pub async fn import_into(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    file: ParsedFile,
    query: &ImportQuery,
) -> Result<(Arc<Playlist>, ImportReport), ApiError> {
    let (tracks, rejected) = usable(file)?;
    let looked_up = look_up(state, caller, &tracks).await?;
    let policy = query.on_duplicate.unwrap_or_default();
    let (playlist, (added, duplicates)) = write::modify(state, caller, id, if_match, Action::AddItems, "import", |p| {
        let context = AddContext { policy, same: SameTrack::Normalised, caller_id: &caller.id, looked_up: &looked_up };
        let (items, skipped) = plan_add(p.items(), &tracks, &context)?;
        if p.items().len() + items.len() > limits::ITEMS_PER_PLAYLIST_MAX {
            return Err(too_many(p.items().len() + items.len()));
        }
        let (at, count) = (p.items().len(), items.len());
        p.insert(at, items);
        Ok((p.items()[at..at + count].to_vec(), skipped.len()))
    })
    .await?;
    crate::jobs::items_added(state, &playlist.meta).await;
    let report = report(&playlist, &added, duplicates, rejected);
    Ok((playlist, report))
}
