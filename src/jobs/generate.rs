//! `generate`: a playlist from artists (messy names resolved by fuzzy matching), a Last.fm tag,
//! upcoming shows near a place (SeatGeek), or your own top tracks of a period; top tracks per
//! artist, optionally widened by similar artists, de-duplicated and interleaved so no artist
//! fills the top. Re-running into the same playlist mirrors (replaces the items), in history.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    artists::{self, Resolution},
    seatgeek::{self, Show, ShowsQuery},
    write_tracks::{self, Written},
};
use crate::{
    error::ApiError,
    jobs::job_deps::JobDeps,
    listens::stats::{self, Period},
    playlists::{dto::NewPlaylist, model::Visibility, normalize::track_key, service, track_input::CleanTrack},
    sharing::sync::SyncMode,
    tracks::charged::{LastfmShare, Patience},
    users::model::User,
};

/// Most artist names in one request (shows included).
const MAX_ARTISTS: usize = 50;

/// Your top tracks of a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopTracksSource {
    /// `7d`, `1m`, `3m`, `12m` or `all` (your imported listens).
    pub period: Period,
}

/// What to generate from: exactly one of `artists`, `tag`, `shows`, `top_tracks`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    /// The playlist's name.
    pub name: String,
    /// Artist names, as messy as you have them.
    pub artists: Option<Vec<String>>,
    /// A Last.fm tag (`shoegaze`, `argentina`).
    pub tag: Option<String>,
    /// Upcoming concerts near a place (SeatGeek: mainly the US and Canada).
    pub shows: Option<ShowsQuery>,
    /// Your own top tracks.
    pub top_tracks: Option<TopTracksSource>,
    /// Top tracks taken per artist (1-50, default 10).
    pub tracks_per_artist: Option<u32>,
    /// Similar artists added per artist (0-10, default 0).
    pub similar_artists: Option<u32>,
    /// Regenerate into this playlist of yours (its items are replaced) instead of a new one.
    pub playlist_id: Option<String>,
}

impl GenerateRequest {
    /// Checks the request; the error says what is wrong.
    pub fn check(&self) -> Result<(), ApiError> {
        service::parse_name(&self.name)?;
        let sources = [self.artists.is_some(), self.tag.is_some(), self.shows.is_some(), self.top_tracks.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(ApiError::invalid("invalid_generate", "give exactly one of artists, tag, shows, top_tracks"));
        }
        if let Some(a) = &self.artists {
            if a.is_empty() || a.len() > MAX_ARTISTS || a.iter().any(|n| n.trim().is_empty() || n.len() > 200) {
                return Err(ApiError::invalid("invalid_generate", format!("artists must be 1-{MAX_ARTISTS} names")));
            }
        }
        if self.tag.as_deref().is_some_and(|t| t.trim().is_empty() || t.len() > 100) {
            return Err(ApiError::invalid("invalid_generate", "tag must be 1-100 characters"));
        }
        if let Some(s) = &self.shows {
            s.check()?;
        }
        if self.tracks_per_artist.is_some_and(|n| !(1..=50).contains(&n)) {
            return Err(ApiError::invalid("invalid_generate", "tracks_per_artist must be 1-50"));
        }
        if self.similar_artists.is_some_and(|n| n > 10) {
            return Err(ApiError::invalid("invalid_generate", "similar_artists must be 0-10"));
        }
        Ok(())
    }

    /// Most Last.fm lookups generating from `artists` names costs: a search each, the similar
    /// artists of each and the top tracks of every artist taken.
    fn lookups_for(&self, artists: usize) -> u64 {
        let similar = u64::from(self.similar_artists.unwrap_or(0));
        let per_artist = 1 + u64::from(similar > 0) + (1 + similar);
        artists as u64 * per_artist
    }
}

/// What a generation did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GenerateReport {
    /// Each input artist name (or show performer), what it resolved to and how surely.
    pub artists: Vec<Resolution>,
    /// The shows read (for `shows`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shows: Option<Vec<Show>>,
    /// Tracks in the playlist after.
    pub tracks: usize,
    /// Items added, removed, and kept.
    pub added: u64,
    /// Items removed (a regeneration).
    pub removed: u64,
    /// Items kept.
    pub unchanged: u64,
    /// Anything to know (no shows found, an empty tag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Interleaves per-artist lists round-robin, dropping tracks already taken.
pub(crate) fn interleave(lists: Vec<Vec<(String, String)>>) -> Vec<(String, String)> {
    let mut queues: Vec<VecDeque<(String, String)>> = lists.into_iter().map(VecDeque::from).collect();
    let (mut out, mut seen) = (Vec::new(), HashSet::new());
    while queues.iter().any(|q| !q.is_empty()) {
        for q in &mut queues {
            if let Some((artist, title)) = q.pop_front() {
                if seen.insert(track_key(&artist, &title)) {
                    out.push((artist, title));
                }
            }
        }
    }
    out
}

/// Groups tracks by artist in first-seen order, for interleaving.
fn by_artist(tracks: Vec<(String, String)>) -> Vec<Vec<(String, String)>> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (artist, title) in tracks {
        let key = crate::matching::names::artist(&artist);
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push((artist, title));
    }
    order.into_iter().filter_map(|k| groups.remove(&k)).collect()
}

/// Top tracks of each resolved artist (and of their similar artists), per artist.
async fn artist_tracks(
    lastfm: &LastfmShare<'_>,
    names: &[String],
    per_artist: u32,
    similar: u32,
) -> Result<Vec<Vec<(String, String)>>, ApiError> {
    let mut artists: Vec<String> = Vec::new();
    for name in names {
        if !artists.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            artists.push(name.clone());
        }
    }
    if similar > 0 {
        for name in artists.clone() {
            for hit in lastfm.paid().await?.similar_artists(&name, similar).await? {
                if !artists.iter().any(|a| a.eq_ignore_ascii_case(&hit.name)) && artists.len() < MAX_ARTISTS * 4 {
                    artists.push(hit.name);
                }
            }
        }
    }
    let mut lists = Vec::new();
    for artist in artists {
        let top = lastfm.paid().await?.artist_top_tracks(&artist, per_artist).await?;
        lists.push(top.items.into_iter().take(per_artist as usize).map(|t| (t.artist, t.name)).collect());
    }
    Ok(lists)
}

/// Resolves `inputs`, in order; unresolved ones are reported with null.
async fn resolve_all(
    state: &dyn JobDeps,
    lastfm: &LastfmShare<'_>,
    inputs: &[String],
) -> Result<Vec<Resolution>, ApiError> {
    let mut out = Vec::new();
    for input in inputs.iter().take(MAX_ARTISTS) {
        out.push(artists::resolve(lastfm, input, state.config().jobs.artist_match_threshold).await?);
    }
    Ok(out)
}

/// The tracks a request names, and its report so far.
async fn gather(
    state: &dyn JobDeps,
    user: &User,
    req: &GenerateRequest,
    patience: Patience,
) -> Result<(Vec<(String, String)>, GenerateReport), ApiError> {
    let share = || LastfmShare::new(state.tracks(), state.upstream_budget(), &user.id, patience);
    let per_artist = req.tracks_per_artist.unwrap_or(10);
    let similar = req.similar_artists.unwrap_or(0);
    let mut report =
        GenerateReport { artists: Vec::new(), shows: None, tracks: 0, added: 0, removed: 0, unchanged: 0, note: None };
    let tracks = if let Some(inputs) = &req.artists {
        let lastfm = share()?;
        lastfm.afford(req.lookups_for(inputs.len()), "this generate")?;
        report.artists = resolve_all(state, &lastfm, inputs).await?;
        let names: Vec<String> = report.artists.iter().filter_map(|r| r.resolved.clone()).collect();
        interleave(artist_tracks(&lastfm, &names, per_artist, similar).await?)
    } else if let Some(tag) = &req.tag {
        let hits = share()?.paid().await?.tag_top_tracks(tag.trim(), 100).await?;
        if hits.items.is_empty() {
            report.note = Some(format!("Last.fm has no tracks tagged {:?}", tag.trim()));
        }
        interleave(by_artist(hits.items.into_iter().map(|t| (t.artist, t.name)).collect()))
    } else if let Some(q) = &req.shows {
        let shows = seatgeek::upcoming(&state.config().seatgeek, q).await?;
        let mut performers: Vec<String> = Vec::new();
        for show in &shows {
            let acts = show.headliners.iter().chain(if q.headliners_only { [].iter() } else { show.support.iter() });
            for act in acts {
                if !performers.iter().any(|p| p.eq_ignore_ascii_case(act)) {
                    performers.push(act.clone());
                }
            }
        }
        if shows.is_empty() {
            report.note =
                Some("SeatGeek lists no concerts there in those dates (it covers mainly the US and Canada)".into());
        }
        let lastfm = share()?;
        performers.truncate(MAX_ARTISTS);
        lastfm.afford(req.lookups_for(performers.len()), "this generate (the shows' performers)")?;
        report.artists = resolve_all(state, &lastfm, &performers).await?;
        report.shows = Some(shows);
        let names: Vec<String> = report.artists.iter().filter_map(|r| r.resolved.clone()).collect();
        interleave(artist_tracks(&lastfm, &names, per_artist, similar).await?)
    } else if let Some(top) = &req.top_tracks {
        let s = stats::compute(state.store().as_ref(), user, top.period).await?;
        if s.top_tracks.is_empty() {
            report.note = Some("no listens in that period: import them with a listens schedule first".into());
        }
        s.top_tracks.into_iter().map(|t| (t.artist, t.title)).collect()
    } else {
        Vec::new()
    };
    Ok((tracks, report))
}

/// Generates (or regenerates into `req.playlist_id`, or into `into` when a schedule remembers
/// its playlist) a playlist for `user`, its Last.fm calls paid from `user`'s share (a request
/// is refused when the share cannot pay, a schedule waits for it); returns the playlist id and
/// the report.
pub async fn generate(
    state: &dyn JobDeps,
    user: &User,
    req: &GenerateRequest,
    into: Option<String>,
    patience: Patience,
) -> Result<(String, GenerateReport), ApiError> {
    req.check()?;
    let (pairs, mut report) = gather(state, user, req, patience).await?;
    let tracks: Vec<CleanTrack> = write_tracks::clean(pairs);
    let id = match req.playlist_id.clone().or(into) {
        Some(id) => id,
        None => {
            let new =
                NewPlaylist { name: req.name.clone(), description: String::new(), visibility: Visibility::Private };
            service::create(state, user, new).await?.meta.id.clone()
        }
    };
    let Written { added, removed, unchanged } =
        write_tracks::into_playlist(state, user, &id, &tracks, SyncMode::Mirror, "generate").await?;
    report.tracks = tracks.len();
    (report.added, report.removed, report.unchanged) = (added, removed, unchanged);
    Ok((id, report))
}
