//! Importing plays: Last.fm scrobbles of the linked username (every page the first time, oldest
//! first, then only what is newer than the newest stored), and the linked Spotify account's
//! recently played (its last 50 only, so poll it). Stored de-duplicated, also across sources.

use std::collections::BTreeMap;

use chrono::Utc;

pub use super::deps::ListenDeps;
use super::model::Listen;
use crate::{
    connections::{self, spotify_api::SpotifyUser},
    error::ApiError,
    lastfm::LastfmError,
    platforms::Platform,
    playlists::normalize::track_key,
    schedules::params::ListenSource,
    tracks::{
        charged::{LastfmShare, Patience},
        service::TrackQuery,
    },
    users::model::User,
};

/// Two sources' reports of one play are this close (seconds): Spotify reports when a play ended
/// (`played_at`), Last.fm when it started.
pub const SAME_PLAY_WINDOW_SECS: i64 = 600;
/// Pages of 200 scrobbles read per run at most (the next run goes on from there).
const MAX_PAGES: u32 = 250;
/// New tracks looked up on Last.fm per run, so stats have their tags.
const LOOKUPS_PER_RUN: usize = 100;

fn listen(at: chrono::DateTime<Utc>, artist: String, title: String, album: Option<String>, source: &str) -> Listen {
    Listen { track_key: track_key(&artist, &title), at, artist, title, album, source: source.to_owned() }
}

/// The Last.fm username linked to `user`, or what to do.
async fn lastfm_username(state: &dyn ListenDeps, user: &User) -> Result<String, ApiError> {
    connections::load(state, &user.id, Platform::Lastfm).await?.and_then(|c| c.account_id).ok_or_else(|| {
        ApiError::invalid(
            "lastfm_not_linked",
            "link your Last.fm username first: PUT /v1/connections/lastfm {\"username\": …}",
        )
    })
}

fn lastfm_refusal(username: &str, e: LastfmError) -> ApiError {
    match e {
        LastfmError::Api { code: 17, .. } => ApiError::invalid(
            "lastfm_history_private",
            format!(
                "Last.fm user {username} hides their listening history: turn off \"Hide recent listening information\" \
                 in Last.fm's privacy settings, then run this again"
            ),
        ),
        LastfmError::NotFound(_) | LastfmError::Api { code: 6, .. } => ApiError::invalid(
            "lastfm_user_not_found",
            format!("Last.fm has no user {username}; link the right username"),
        ),
        e => e.into(),
    }
}

/// Imports `user`'s plays from `source`; returns counts (`listens` read, `written` stored).
pub async fn run(
    state: &dyn ListenDeps,
    user: &User,
    source: ListenSource,
    patience: Patience,
) -> Result<BTreeMap<String, u64>, ApiError> {
    let (read, written) = match source {
        ListenSource::Lastfm => from_lastfm(state, user, patience).await?,
        ListenSource::Spotify => from_spotify(state, user).await?,
    };
    Ok(BTreeMap::from([("listens".to_owned(), read), ("written".to_owned(), written)]))
}

async fn from_lastfm(state: &dyn ListenDeps, user: &User, patience: Patience) -> Result<(u64, u64), ApiError> {
    let username = lastfm_username(state, user).await?;
    let lastfm = LastfmShare::new(state.tracks(), state.upstream_budget(), &user.id, patience)?;
    let from = state.store().latest_listen(&user.id, "lastfm").await?.map(|t| t.timestamp() + 1);
    // The plays up to now, fixed: newer scrobbles during the run cannot shift the pages.
    let to = Utc::now().timestamp();
    let first = lastfm
        .paid()
        .await?
        .recent_tracks_between(&username, from, to, 1)
        .await
        .map_err(|e| lastfm_refusal(&username, e))?;
    let pages = first.total_pages.clamp(1, MAX_PAGES);
    let (mut read, mut written) = (0, 0);
    let mut fresh_keys: Vec<TrackQuery> = Vec::new();
    // Oldest page first: a run that stops half-way resumes from the newest play it stored.
    for page in (1..=pages).rev() {
        let items = if page == 1 {
            first.items.clone()
        } else {
            lastfm
                .paid()
                .await?
                .recent_tracks_between(&username, from, to, page)
                .await
                .map_err(|e| lastfm_refusal(&username, e))?
                .items
        };
        // The "now playing" item has no time and is not a listen.
        let listens: Vec<Listen> = items
            .into_iter()
            .filter(|t| !t.now_playing)
            .filter_map(|t| Some(listen(t.played_at?, t.artist, t.name, t.album, "lastfm")))
            .collect();
        read += listens.len() as u64;
        written += state.store().add_listens(&user.id, &listens, SAME_PLAY_WINDOW_SECS).await?;
        for l in &listens {
            if fresh_keys.len() < LOOKUPS_PER_RUN && !fresh_keys.iter().any(|q| q.key == l.track_key) {
                fresh_keys.push(TrackQuery {
                    key: l.track_key.clone(),
                    artist: l.artist.clone(),
                    title: l.title.clone(),
                });
            }
        }
    }
    // Tags for the stats: looked up (cache first) within the usual budget.
    crate::tracks::enrich::lookup_within_budget(state, &fresh_keys).await;
    Ok((read, written))
}

async fn from_spotify(state: &dyn ListenDeps, user: &User) -> Result<(u64, u64), ApiError> {
    let after = state.store().latest_listen(&user.id, "spotify").await?.map(|t| t.timestamp_millis());
    let plays = SpotifyUser::new(state, &user.id).recently_played(after).await?;
    let listens: Vec<Listen> =
        plays.into_iter().map(|p| listen(p.played_at, p.artist, p.title, p.album, "spotify")).collect();
    let written = state.store().add_listens(&user.id, &listens, SAME_PLAY_WINDOW_SECS).await?;
    Ok((listens.len() as u64, written))
}
