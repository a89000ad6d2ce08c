//! `discover`: weekly discovery that no platform can take away. From the artists you play most
//! (your imported listens, else your latest Last.fm scrobbles), their similar artists' top tracks
//! that you have never played, interleaved, into one playlist refreshed each run.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, Utc};

use super::write_tracks::{self, Written};
use crate::{
    connections,
    error::ApiError,
    jobs::job_deps::JobDeps,
    matching::names,
    platforms::Platform,
    playlists::normalize::track_key,
    schedules::{model::Schedule, params::DiscoverParams},
    sharing::sync::SyncMode,
    tracks::charged::{LastfmShare, Patience},
    users::model::User,
};

/// Your most played artists used as seeds.
const SEEDS: usize = 5;
/// Similar artists asked per seed.
const SIMILAR_PER_SEED: u32 = 6;
/// Top tracks read per similar artist.
const TRACKS_PER_ARTIST: u32 = 5;

/// Runs a `discover` schedule.
pub async fn run(
    state: &dyn JobDeps,
    user: &User,
    schedule: &Schedule,
    params: DiscoverParams,
    patience: Patience,
) -> Result<BTreeMap<String, u64>, ApiError> {
    let username =
        connections::load(state, &user.id, Platform::Lastfm).await?.and_then(|c| c.account_id).ok_or_else(|| {
            ApiError::invalid(
                "lastfm_not_linked",
                "discover needs your Last.fm username: PUT /v1/connections/lastfm {\"username\": …}",
            )
        })?;
    let lastfm = LastfmShare::new(state.tracks(), state.upstream_budget(), &user.id, patience)?;
    let mut plays: Vec<(String, String)> = state
        .store()
        .listens_since(&user.id, Some(Utc::now() - Duration::days(91)))
        .await?
        .into_iter()
        .map(|l| (l.artist, l.title))
        .collect();
    if plays.is_empty() {
        let recent = lastfm.paid().await?.recent_tracks(&username, 200, 1).await?;
        plays = recent.items.into_iter().filter(|t| !t.now_playing).map(|t| (t.artist, t.name)).collect();
    }
    let heard: HashSet<String> = state
        .store()
        .listens_since(&user.id, None)
        .await?
        .iter()
        .map(|l| l.track_key.clone())
        .chain(plays.iter().map(|(a, t)| track_key(a, t)))
        .collect();
    let mut by_artist: HashMap<String, (usize, String)> = HashMap::new();
    for (artist, _) in &plays {
        by_artist.entry(names::artist(artist)).or_insert((0, artist.clone())).0 += 1;
    }
    let mut seeds: Vec<(usize, String)> = by_artist.into_values().collect();
    seeds.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let seeds: Vec<String> = seeds.into_iter().take(SEEDS).map(|(_, a)| a).collect();
    let seed_keys: HashSet<String> = seeds.iter().map(|a| names::artist(a)).collect();
    let mut lists: Vec<Vec<(String, String)>> = Vec::new();
    let mut seen_artists: HashSet<String> = seed_keys.clone();
    for seed in &seeds {
        for similar in lastfm.paid().await?.similar_artists(seed, SIMILAR_PER_SEED).await? {
            if !seen_artists.insert(names::artist(&similar.name)) {
                continue;
            }
            let top = lastfm.paid().await?.artist_top_tracks(&similar.name, TRACKS_PER_ARTIST).await?;
            lists.push(
                top.items
                    .into_iter()
                    .map(|t| (t.artist, t.name))
                    .filter(|(a, t)| !heard.contains(&track_key(a, t)))
                    .collect(),
            );
        }
    }
    let wanted = params.tracks.unwrap_or(30) as usize;
    let picked: Vec<(String, String)> = super::generate::interleave(lists).into_iter().take(wanted).collect();
    let tracks = write_tracks::clean(picked);
    let name = params.name.clone().unwrap_or_else(|| "Discover weekly (sharify)".to_owned());
    let id = write_tracks::job_playlist(state, user, &schedule.id, &name).await?;
    let Written { added, removed, unchanged } =
        write_tracks::into_playlist(state, user, &id, &tracks, SyncMode::Mirror, "discover").await?;
    Ok(BTreeMap::from([
        ("seeds".to_owned(), seeds.len() as u64),
        ("tracks".to_owned(), tracks.len() as u64),
        ("added".to_owned(), added),
        ("removed".to_owned(), removed),
        ("unchanged".to_owned(), unchanged),
        ("written".to_owned(), added + removed),
    ]))
}
