//! Each job kind's parameters, checked when a schedule is saved.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::JobKind;
use crate::{error::ApiError, jobs::generate::GenerateRequest, platforms::Platform, sharing::sync::SyncMode};

/// Where `sync` reads from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(untagged)]
pub enum SyncSource {
    /// A sharify playlist id, or a platform playlist link (Spotify with your linked account,
    /// Deezer, YouTube, Apple Music; `https://open.spotify.com/collection/tracks` is your Liked Songs).
    Playlist(String),
    /// A Last.fm user's loved tracks (`loved`) or this week's top tracks (`top`).
    Lastfm {
        /// The Last.fm username.
        lastfm: String,
        /// `loved` or `top`.
        tracks: LastfmTracks,
    },
}

/// Which of a Last.fm user's tracks.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LastfmTracks {
    /// Their loved tracks (newest first).
    Loved,
    /// Their top tracks of the last week.
    Top,
}

/// Where `sync` writes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(untagged)]
pub enum Destination {
    /// One of your playlists (by id), synced with `mode`.
    Playlist(String),
    /// A new playlist per period, named by a template, created once per period.
    Snapshot {
        /// The snapshot's naming.
        snapshot: SnapshotNaming,
    },
}

/// How snapshots are named: `{date}` (2026-11-30), `{iso_week}` (2026-W49), `{month}`
/// (2026-11) and `{year}`, in the schedule's time zone. The period is what the name changes with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SnapshotNaming {
    /// E.g. `"Weekly backup {iso_week}"`.
    pub name_template: String,
}

/// `sync` parameters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncParams {
    /// What to copy.
    pub source: SyncSource,
    /// Where to.
    pub destination: Destination,
    /// `add` (append what is missing) or `mirror` (make equal); snapshots are always mirrored.
    #[serde(default = "add_mode")]
    pub mode: SyncMode,
    /// Also push the result to your linked account on this platform (a mirror of the copy).
    #[serde(default)]
    pub push_to: Option<Platform>,
}

fn add_mode() -> SyncMode {
    SyncMode::Add
}

/// `listens` parameters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListensParams {
    /// `lastfm` (your linked Last.fm username's scrobbles) or `spotify` (your linked account's
    /// last 50 plays: poll it hourly).
    pub source: ListenSource,
}

/// Where listens come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ListenSource {
    /// Last.fm scrobbles.
    Lastfm,
    /// Spotify recently played.
    Spotify,
}

/// `discover` parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DiscoverParams {
    /// The playlist's name (`Discover {iso_week}` by default; one playlist, refreshed).
    pub name: Option<String>,
    /// How many tracks (default 30, at most 100).
    pub tracks: Option<u32>,
}

/// Why a `reindex` schedule is refused: it works for everyone, so the operator runs it.
pub fn operator_job() -> ApiError {
    ApiError::invalid(
        "operator_job",
        "reindex refreshes the track cache for everyone, so the operator runs it (jobs.reindex_every_secs, \
         jobs.reindex_budget), not a user's schedule",
    )
}

fn parse<T: serde::de::DeserializeOwned>(kind: JobKind, params: &serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(params.clone())
        .map_err(|e| ApiError::invalid("invalid_params", format!("params of a {} schedule: {e}", kind.as_str())))
}

/// Checks `params` for `kind` (unknown fields refused); the error says what is wrong.
pub fn check(kind: JobKind, params: &serde_json::Value) -> Result<(), ApiError> {
    match kind {
        JobKind::Sync => {
            let p: SyncParams = parse(kind, params)?;
            if let SyncSource::Playlist(link) = &p.source {
                crate::jobs::sync::refuse_unreadable(link)?;
            }
            if let Destination::Snapshot { snapshot } = &p.destination {
                crate::jobs::sync::check_template(&snapshot.name_template)?;
            }
            Ok(())
        }
        JobKind::Generate => parse::<GenerateRequest>(kind, params)?.check(),
        JobKind::Listens => parse::<ListensParams>(kind, params).map(|_| ()),
        JobKind::Discover => {
            let p: DiscoverParams = parse(kind, params)?;
            match p.tracks {
                Some(n) if !(1..=100).contains(&n) => Err(ApiError::invalid("invalid_params", "tracks must be 1-100")),
                _ => Ok(()),
            }
        }
        JobKind::Reindex => Err(operator_job()),
    }
}

/// Typed parameters of a stored schedule (checked when saved).
pub fn typed<T: serde::de::DeserializeOwned>(kind: JobKind, params: &serde_json::Value) -> Result<T, ApiError> {
    parse(kind, params)
}
