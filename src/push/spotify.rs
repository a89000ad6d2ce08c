//! A push to Spotify: matched items become track URIs (their Spotify link, else a catalog search
//! by ISRC or name, cached); the copy is created, appended to or mirrored 100 tracks a call, in
//! order; the copy and what was pushed are remembered.

use chrono::Utc;

use super::PushDeps;
use super::{
    copy_of,
    plan::{changes_since, classify, difference, mirror_of, missing_from, target_id, Reasons},
    NotPushed, PlatformCopy, PushMode, PushReport, PushRequest, Pushed,
};
use crate::{
    connections::{
        spotify_api::{RemoteCopy, SpotifyUser},
        tokens::spotify_token,
    },
    error::ApiError,
    platforms::{track_links::pages_on, Platform},
    playlists::model::Playlist,
};

/// Catalog searches one push may make (the rest are searched by later pushes or in the background).
const SEARCHES_PER_PUSH: usize = 300;

/// `spotify:track:{id}` from a track's page (`https://open.spotify.com/track/{id}?si=…`).
fn uri_of(link: &str) -> Option<String> {
    if link.starts_with("spotify:track:") {
        return Some(link.to_owned());
    }
    let url = url::Url::parse(link).ok()?;
    let mut path = url.path_segments()?.filter(|s| !s.is_empty() && !s.starts_with("intl-"));
    match (path.next(), path.next()) {
        (Some("track"), Some(id)) if id.len() == 22 && id.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Some(format!("spotify:track:{id}"))
        }
        _ => None,
    }
}

/// The playlist as URIs in order, with the items that have none and why.
async fn wanted(state: &dyn PushDeps, playlist: &Playlist) -> Result<(Vec<Pushed>, Vec<NotPushed>), ApiError> {
    let pages = pages_on(state, Platform::Spotify, playlist, SEARCHES_PER_PUSH, None).await?;
    let reasons = Reasons {
        bad_link: "its Spotify link is not a track link",
        no_hit: "Spotify's catalog has no sure match for it",
        not_searched: "not searched on Spotify yet (a push searches at most 300): push again later",
    };
    Ok(classify(playlist, &pages, uri_of, &reasons))
}

/// Pushes `playlist` to the caller's Spotify account as `request` says.
pub async fn push(
    state: &dyn PushDeps,
    user_id: &str,
    playlist: &Playlist,
    request: &PushRequest,
) -> Result<PushReport, ApiError> {
    let asked = target_id(&request.target, Platform::Spotify, |id| {
        id.len() == 22 && id.chars().all(|c| c.is_ascii_alphanumeric())
    })?;
    spotify_token(state, user_id, None).await?; // linked and usable, before any work
    let remembered = copy_of(state, &playlist.meta.id, user_id, Platform::Spotify).await?;
    let target = asked.clone().or_else(|| remembered.as_ref().and_then(|c| c.copy.id.clone()));
    let (wanted, not_found) = wanted(state, playlist).await?;
    let mut session = SpotifyUser::new(state, user_id);
    let current: Option<RemoteCopy> = match &target {
        Some(id) => match session.read(id).await {
            Ok(copy) => Some(copy),
            // The remembered copy was deleted on Spotify: a new one is made.
            Err(e) if e.code == "spotify_playlist_not_found" && asked.is_none() => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let target = current.as_ref().map(|c| c.id.clone()).or(asked.clone());
    let previous = remembered.filter(|r| r.copy.id == target);
    let changes = match (&current, &previous) {
        (Some(now), Some(before)) if now.snapshot_id != before.copy.snapshot_id => {
            changes_since(&now.uris, &before.pushed_uris)
        }
        _ => None,
    };
    let present = current.as_ref().map(|c| c.uris.clone()).unwrap_or_default();
    let (added, already_there, removed, final_uris) = match request.mode {
        PushMode::Add => {
            let (add, there) = missing_from(&wanted, &present);
            let mut after = present.clone();
            after.extend(add.iter().map(|p| p.uri.clone()));
            (add, there, Vec::new(), after)
        }
        PushMode::Mirror => {
            let after = mirror_of(&wanted, changes.as_ref(), request, Platform::Spotify)?;
            let (add, there) = missing_from(&wanted, &present);
            (add, there, difference(&present, &after), after)
        }
    };
    let mut copy = PlatformCopy {
        platform: Platform::Spotify,
        id: target.clone(),
        url: current.as_ref().and_then(|c| c.url.clone()),
        snapshot_id: current.as_ref().and_then(|c| c.snapshot_id.clone()),
        pushed_at: previous.as_ref().and_then(|p| p.copy.pushed_at),
    };
    let created = target.is_none();
    if !request.dry_run {
        let id = match &target {
            Some(id) => id.clone(),
            None => {
                let made = session.create(&playlist.meta.name, &playlist.meta.description).await?;
                copy.url = made.url;
                copy.snapshot_id = made.snapshot_id;
                made.id
            }
        };
        let snapshot = if final_uris == present {
            None // already equal: nothing to send
        } else if request.mode == PushMode::Mirror && !present.is_empty() {
            session.replace(&id, &final_uris).await?
        } else {
            let new: Vec<String> = added.iter().map(|p| p.uri.clone()).collect();
            session.append(&id, &new).await?
        };
        copy.id = Some(id);
        copy.snapshot_id = snapshot.or(copy.snapshot_id);
        copy.pushed_at = Some(Utc::now());
        super::record_push(state, playlist, user_id, &copy, final_uris).await?;
    }
    Ok(PushReport {
        mode: request.mode,
        dry_run: request.dry_run,
        created,
        target: copy,
        added,
        removed,
        already_there,
        not_found,
        platform_changes: changes,
        calls: session.calls,
        cost_units: None,
        units_left: None,
    })
}
