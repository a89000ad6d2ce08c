//! A push to YouTube: matched items become videos, by their YouTube link, else by a search (100
//! quota units each, at most 20 a push, cached like the other platforms' answers). Every insert
//! and delete costs 50 units, so the push states its cost and does what today's budget allows;
//! pushing again later continues where it stopped (a push never adds what is already there). A
//! mirror removes what should not be there and appends what is missing; it does not reorder (50
//! units a move).

use chrono::Utc;

use super::PushDeps;
use super::{
    copy_of,
    plan::{changes_since, classify, difference, mirror_of, missing_from, target_id, Reasons},
    NotPushed, PlatformCopy, PushMode, PushReport, PushRequest, Pushed,
};
use crate::{
    connections::{
        tokens::access_token,
        youtube_api::{units_left, YoutubeSearch, YoutubeUser, SEARCH_UNITS, WRITE_UNITS},
    },
    error::ApiError,
    platforms::{track_links::pages_on, Platform},
    playlists::model::Playlist,
};

/// The video id of a YouTube link (`watch?v=`, `youtu.be/`, `music.youtube.com/watch?v=`).
fn video_of(link: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    let id = match url.host_str()? {
        "youtu.be" => url.path().trim_start_matches('/').to_owned(),
        _ => url.query_pairs().find(|(k, _)| k == "v").map(|(_, v)| v.into_owned())?,
    };
    (id.len() == 11 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')).then_some(id)
}

/// Searches one push may make: each costs 100 units, and the video found 50 more to insert.
const MAX_SEARCHES: i64 = 20;

/// The playlist as videos in order (the item's YouTube link, else a search within `left` units),
/// with the items that have none and why.
async fn wanted(
    state: &dyn PushDeps,
    user_id: &str,
    playlist: &Playlist,
    left: i64,
) -> Result<(Vec<Pushed>, Vec<NotPushed>, i64), ApiError> {
    let budget = ((left - WRITE_UNITS) / (SEARCH_UNITS + WRITE_UNITS)).clamp(0, MAX_SEARCHES) as usize;
    let search = YoutubeSearch::new(state, user_id);
    let pages = pages_on(state, Platform::Youtube, playlist, budget, Some(&search)).await?;
    let reasons = Reasons {
        bad_link: "its YouTube link is not a video link",
        no_hit: "YouTube's search found no video the matcher is sure of",
        not_searched: "not searched on YouTube yet (a search costs 100 of the day's quota units): push again tomorrow \
                       to continue, or add the video's link to the item",
    };
    let (pushed, missing) = classify(playlist, &pages, video_of, &reasons);
    Ok((pushed, missing, search.spent.load(std::sync::atomic::Ordering::Relaxed)))
}

/// Pushes `playlist` to the caller's YouTube channel as `request` says, within today's quota.
pub async fn push(
    state: &dyn PushDeps,
    user_id: &str,
    playlist: &Playlist,
    request: &PushRequest,
) -> Result<PushReport, ApiError> {
    let asked = target_id(&request.target, Platform::Youtube, |id| {
        (2..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })?;
    access_token(state, user_id, Platform::Youtube, None).await?; // linked, before any work
    let remembered = copy_of(state, &playlist.meta.id, user_id, Platform::Youtube).await?;
    let mut target = asked.clone().or_else(|| remembered.as_ref().and_then(|c| c.copy.id.clone()));
    let (wanted, mut not_found, search_units) =
        wanted(state, user_id, playlist, units_left(state, user_id).await?).await?;
    let mut session = YoutubeUser::new(state, user_id);
    let current: Vec<(String, String)> = match &target {
        Some(id) => match session.items(id).await {
            Ok(items) => items,
            Err(e) if e.code == "youtube_playlist_not_found" && asked.is_none() => {
                target = None; // the remembered copy was deleted: a new one is made
                Vec::new()
            }
            Err(e) => return Err(e),
        },
        None => Vec::new(),
    };
    let present: Vec<String> = current.iter().map(|(_, v)| v.clone()).collect();
    let previous = remembered.filter(|r| r.copy.id == target);
    let changes = previous.as_ref().and_then(|before| changes_since(&present, &before.pushed_uris));
    let (mut added, already_there) = missing_from(&wanted, &present);
    let mut removed: Vec<String> = Vec::new();
    if request.mode == PushMode::Mirror {
        removed = difference(&present, &mirror_of(&wanted, changes.as_ref(), request, Platform::Youtube)?);
    }
    // What today's budget allows: creating, removing, then as many inserts as fit.
    let left = units_left(state, user_id).await?;
    let fixed = if target.is_none() { WRITE_UNITS } else { 0 } + WRITE_UNITS * removed.len() as i64;
    let fit = usize::try_from(((left - fixed) / WRITE_UNITS).max(0)).unwrap_or(0);
    if fixed > left || (fit == 0 && !added.is_empty()) {
        return Err(ApiError::too_many_requests(
            crate::platforms::youtube::secs_to_reset(),
            format!(
                "this push needs at least {} YouTube quota units and {left} are left today: try again after midnight \
                 Pacific time",
                fixed + WRITE_UNITS * i64::from(!added.is_empty())
            ),
        ));
    }
    for late in added.split_off(fit.min(added.len())) {
        let item = playlist.items.iter().find(|i| i.item_id == late.item_id);
        not_found.push(NotPushed {
            item_id: late.item_id.clone(),
            artist: item.map(|i| i.artist.clone()).unwrap_or_default(),
            title: item.map(|i| i.title.clone()).unwrap_or_default(),
            reason: "over today's YouTube quota (50 units a track): push again after midnight Pacific time to \
                     continue"
                .into(),
        });
    }
    let cost = search_units + fixed + WRITE_UNITS * added.len() as i64;
    let created = target.is_none();
    let mut remaining = current.clone();
    if !request.dry_run {
        let id = match &target {
            Some(id) => id.clone(),
            None => session.create(&playlist.meta.name, &playlist.meta.description).await?,
        };
        for uri in &removed {
            if let Some(at) = remaining.iter().position(|(_, v)| v == uri) {
                let (item_id, _) = remaining.remove(at);
                session.delete(&item_id).await?;
            }
        }
        for p in &added {
            session.insert(&id, &p.uri).await?;
            remaining.push((String::new(), p.uri.clone()));
        }
        target = Some(id);
    }
    let after: Vec<String> = remaining.into_iter().map(|(_, v)| v).collect();
    let copy = PlatformCopy {
        platform: Platform::Youtube,
        url: target.as_ref().map(|id| format!("https://www.youtube.com/playlist?list={id}")),
        id: target,
        snapshot_id: None,
        pushed_at: Some(Utc::now()),
    };
    if !request.dry_run {
        super::record_push(state, playlist, user_id, &copy, after).await?;
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
        cost_units: Some(cost),
        units_left: Some(units_left(state, user_id).await?),
    })
}
