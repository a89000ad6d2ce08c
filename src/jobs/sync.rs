//! `sync`: back up a source (a sharify playlist, a platform playlist link, a Last.fm user's loved
//! or top tracks) into one of your playlists (add or mirror) or into a dated snapshot, created
//! once per period however often the job runs; optionally push the result to a linked account.

use std::collections::BTreeMap;

use chrono::{Datelike, Utc};

use super::write_tracks::{self, Written};
use crate::{
    error::ApiError,
    ids,
    jobs::job_deps::JobDeps,
    platforms::{links, Platform},
    playlists::{
        access::Action,
        track_input::{CleanTrack, TrackInput},
        write,
    },
    schedules::{
        model::{Schedule, Timing},
        params::{Destination, LastfmTracks, SyncParams, SyncSource},
    },
    sharing::sync::SyncMode,
    tracks::charged::{LastfmShare, Patience},
    users::model::User,
};

/// Placeholders a snapshot name may use.
const PLACEHOLDERS: [&str; 4] = ["{date}", "{iso_week}", "{month}", "{year}"];

/// Refuses a source no app can read: Spotify's own and personalised playlists (Discover Weekly,
/// Release Radar, editorial ones, ids starting `37i9`) have been closed to apps since November 2024.
pub fn refuse_unreadable(source: &str) -> Result<(), ApiError> {
    if ids::looks_like_id(source) {
        return Ok(());
    }
    let link = links::parse(source)?;
    if link.platform == Platform::Spotify && link.id.starts_with("37i9") {
        return Err(ApiError::invalid(
            "spotify_algorithmic_playlist",
            "Spotify no longer lets apps read its own and personalised playlists (Discover Weekly, Release Radar, \
             editorial); back up one of your own playlists instead, or schedule a `discover` job: sharify's own \
             weekly discovery from your Last.fm listening",
        ));
    }
    Ok(())
}

/// Checks a snapshot name template.
pub fn check_template(template: &str) -> Result<(), ApiError> {
    let mut rest = template.to_owned();
    for p in PLACEHOLDERS {
        rest = rest.replace(p, "");
    }
    if template.trim().is_empty() || template.chars().count() > 150 || rest.contains('{') || rest.contains('}') {
        return Err(ApiError::invalid(
            "invalid_params",
            "name_template must be 1-150 characters; it may use {date}, {iso_week}, {month} and {year}",
        ));
    }
    Ok(())
}

/// The snapshot name for now in `zone`.
pub fn snapshot_name(template: &str, zone: &str) -> String {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let now = Utc::now().with_timezone(&zone);
    let week = now.iso_week();
    template
        .replace("{date}", &now.format("%Y-%m-%d").to_string())
        .replace("{iso_week}", &format!("{}-W{:02}", week.year(), week.week()))
        .replace("{month}", &now.format("%Y-%m").to_string())
        .replace("{year}", &now.format("%Y").to_string())
}

/// The source's tracks, as `user` may read them.
async fn source_tracks(
    state: &dyn JobDeps,
    user: &User,
    source: &SyncSource,
    patience: Patience,
) -> Result<Vec<CleanTrack>, ApiError> {
    let share = || LastfmShare::new(state.tracks(), state.upstream_budget(), &user.id, patience);
    let pairs: Vec<TrackInput> = match source {
        SyncSource::Playlist(id) if ids::looks_like_id(id) => {
            let playlist = write::load(state, Some(user), id, Action::Read).await.map_err(|e| {
                if e.status.as_u16() == 404 {
                    ApiError::invalid("source_not_found", "the source playlist is gone, or you can no longer read it")
                } else {
                    e
                }
            })?;
            playlist
                .items
                .iter()
                .map(|i| TrackInput { album: i.album.clone(), ..TrackInput::named(&i.artist, &i.title) })
                .collect()
        }
        SyncSource::Playlist(link) => {
            refuse_unreadable(link)?;
            let file = crate::connections::spotify_playlists::fetch_link(state, &user.id, link).await?;
            file.tracks.into_iter().map(|(_, t)| t).collect()
        }
        SyncSource::Lastfm { lastfm, tracks: LastfmTracks::Loved } => {
            let share = share()?;
            let mut out = Vec::new();
            for page in 1..=5 {
                let loved = share.paid().await?.loved_tracks(lastfm, 200, page).await?;
                out.extend(loved.items.iter().map(|t| TrackInput::named(&t.artist, &t.name)));
                if page >= loved.total_pages || loved.items.len() < 200 {
                    break;
                }
            }
            out
        }
        SyncSource::Lastfm { lastfm, tracks: LastfmTracks::Top } => {
            let chart = share()?.paid().await?.weekly_track_chart(lastfm).await?;
            chart.items.iter().map(|t| TrackInput::named(&t.artist, &t.name)).collect()
        }
    };
    let tracks = pairs.iter().filter_map(|t| CleanTrack::from_input(t).ok());
    Ok(match source {
        // A playlist may hold a track twice on purpose; a Last.fm list never does.
        SyncSource::Playlist(_) => tracks.collect(),
        SyncSource::Lastfm { .. } => {
            let mut seen = std::collections::HashSet::new();
            tracks.filter(|t| seen.insert(t.key().to_owned())).collect()
        }
    })
}

/// Runs a `sync` schedule.
pub async fn run(
    state: &dyn JobDeps,
    user: &User,
    schedule: &Schedule,
    params: SyncParams,
    patience: Patience,
) -> Result<BTreeMap<String, u64>, ApiError> {
    let tracks = source_tracks(state, user, &params.source, patience).await?;
    let (dest, mode) = match &params.destination {
        Destination::Playlist(id) => (id.clone(), params.mode),
        Destination::Snapshot { snapshot: naming } => {
            let zone = match &schedule.timing {
                Timing::Cron { timezone, .. } => timezone.clone(),
                Timing::Interval { .. } => user.timezone.clone(),
            };
            let name = snapshot_name(&naming.name_template, &zone);
            (
                write_tracks::job_playlist(state, user, &format!("{}\u{1e}{name}", schedule.id), &name).await?,
                SyncMode::Mirror,
            )
        }
    };
    let Written { added, removed, unchanged } =
        write_tracks::into_playlist(state, user, &dest, &tracks, mode, "sync").await?;
    let mut counts = BTreeMap::from([
        ("tracks".to_owned(), tracks.len() as u64),
        ("added".to_owned(), added),
        ("removed".to_owned(), removed),
        ("unchanged".to_owned(), unchanged),
        ("written".to_owned(), added + removed),
    ]);
    if let Some(platform) = params.push_to {
        let report = crate::push::push_for_job(state, user, &dest, platform).await?;
        counts.insert("pushed".to_owned(), report);
    }
    Ok(counts)
}
