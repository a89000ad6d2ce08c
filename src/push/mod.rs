//! Pushing a playlist out to the caller's own platform account: create a copy, add what it
//! lacks, or mirror it exactly. The copy is remembered per playlist, user and platform
//! (platform id, snapshot and what was pushed), so a second push changes nothing and a mirror
//! notices changes made on the platform since.

pub mod plan;
pub mod routes;
pub mod runs;
pub mod spotify;
pub mod youtube;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    connections::deps::ConnectionDeps, error::ApiError, platforms::Platform, playlists::deps::PlaylistDeps,
    storage::records::RecordKey,
};

/// What pushing needs: the playlist services (to read the playlist and remember its copies) and
/// the caller's linked accounts.
pub trait PushDeps: PlaylistDeps + ConnectionDeps {}

impl<T: PlaylistDeps + ConnectionDeps + ?Sized> PushDeps for T {}

/// Records kind of remembered copies.
const KIND: &str = "platform_copy";

/// How a push treats what is already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PushMode {
    /// Add the tracks the copy lacks, at the end, in playlist order; remove nothing.
    #[default]
    Add,
    /// Make the copy exactly this playlist, in order.
    Mirror,
}

/// What to push where.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// `spotify` (YouTube pushes are not offered yet).
    pub platform: Platform,
    /// `new` (the remembered copy, else a new private playlist) or a platform playlist id of yours.
    #[serde(default = "new_target")]
    pub target: String,
    /// `add` (default) or `mirror`.
    #[serde(default)]
    pub mode: PushMode,
    /// Report what would happen; change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Mirror even though the copy changed on the platform since the last push (dropping those changes).
    #[serde(default)]
    pub force: bool,
    /// Mirror, keeping tracks added on the platform since the last push (at the end).
    #[serde(default)]
    pub keep_platform_additions: bool,
}

fn new_target() -> String {
    "new".into()
}

/// A track pushed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Pushed {
    /// The item.
    pub item_id: String,
    /// The track on the platform.
    pub uri: String,
}

/// An item not pushed, and why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotPushed {
    /// The item.
    pub item_id: String,
    /// Artist.
    pub artist: String,
    /// Title.
    pub title: String,
    /// Why.
    pub reason: String,
}

/// Changes made on the platform since the last push.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PlatformChanges {
    /// Track URIs added there.
    pub added: Vec<String>,
    /// Track URIs removed there.
    pub removed: Vec<String>,
}

/// A playlist's copy on a platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlatformCopy {
    /// The platform.
    pub platform: Platform,
    /// The platform playlist's id (absent in a dry run that would create one).
    pub id: Option<String>,
    /// Its page.
    pub url: Option<String>,
    /// The platform's version of it after the push (Spotify's `snapshot_id`).
    pub snapshot_id: Option<String>,
    /// When it was last pushed.
    pub pushed_at: Option<DateTime<Utc>>,
}

/// A remembered copy: what the API shows, and the track URIs it held after the last push.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredCopy {
    /// The copy.
    #[serde(flatten)]
    pub copy: PlatformCopy,
    /// Its track URIs after the last push, in order (to tell changes made on the platform).
    #[serde(default)]
    pub pushed_uris: Vec<String>,
}

/// What a push did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushReport {
    /// `add` or `mirror`.
    pub mode: PushMode,
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// Whether the copy was created by this push.
    pub created: bool,
    /// The copy.
    pub target: PlatformCopy,
    /// Tracks added, in order.
    pub added: Vec<Pushed>,
    /// Track URIs removed from the copy (mirror).
    pub removed: Vec<String>,
    /// Items already in the copy.
    pub already_there: Vec<String>,
    /// Items not pushed, and why.
    pub not_found: Vec<NotPushed>,
    /// Changes made on the platform since the last push, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_changes: Option<PlatformChanges>,
    /// Calls made to the platform.
    pub calls: usize,
    /// YouTube: the quota units this push spends (or would, in a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_units: Option<i64>,
    /// YouTube: today's units left after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units_left: Option<i64>,
}

/// The caller's copies of a playlist.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CopyList {
    /// One per platform pushed to.
    pub copies: Vec<PlatformCopy>,
}

fn key(playlist_id: &str, user_id: &str, platform: Platform) -> String {
    format!("{playlist_id}\u{1e}{user_id}\u{1e}{}", crate::connections::platform_name(platform))
}

/// `user`'s remembered copy of `playlist` on `platform`.
pub async fn copy_of(
    state: &dyn PushDeps,
    playlist_id: &str,
    user_id: &str,
    platform: Platform,
) -> Result<Option<StoredCopy>, ApiError> {
    let found = state.store().records(KIND, &[key(playlist_id, user_id, platform)]).await?;
    Ok(found.into_iter().next().and_then(|(_, v)| serde_json::from_str(&v).ok()))
}

/// Records a push that changed the copy: remembers it (with the URIs it now holds) for `user_id`
/// and, for the owner, shows it on the playlist.
pub async fn record_push(
    state: &dyn PushDeps,
    playlist: &crate::playlists::model::Playlist,
    user_id: &str,
    copy: &PlatformCopy,
    pushed_uris: Vec<String>,
) -> Result<(), ApiError> {
    remember(state, &playlist.meta.id, user_id, &StoredCopy { copy: copy.clone(), pushed_uris }).await?;
    show_on_playlist(state, playlist, user_id, copy).await
}

/// Remembers `copy`.
async fn remember(state: &dyn PushDeps, playlist_id: &str, user_id: &str, copy: &StoredCopy) -> Result<(), ApiError> {
    let value = serde_json::to_string(copy).map_err(ApiError::internal)?;
    let key = key(playlist_id, user_id, copy.copy.platform);
    state.store().put_record(RecordKey { kind: KIND, owner: user_id, key: &key }, &value, None).await?;
    Ok(())
}

/// All of `user`'s copies of `playlist`.
pub async fn copies(state: &dyn PushDeps, playlist_id: &str, user_id: &str) -> Result<Vec<PlatformCopy>, ApiError> {
    let keys: Vec<String> =
        [Platform::Spotify, Platform::Youtube].iter().map(|p| key(playlist_id, user_id, *p)).collect();
    let found = state.store().records(KIND, &keys).await?;
    Ok(found.into_iter().filter_map(|(_, v)| serde_json::from_str::<StoredCopy>(&v).ok()).map(|s| s.copy).collect())
}

/// Shows the owner's copy on the playlist itself (and so on its share page); others' copies are
/// theirs alone (`GET /v1/playlists/{id}/copies`).
async fn show_on_playlist(
    state: &dyn PushDeps,
    playlist: &crate::playlists::model::Playlist,
    user_id: &str,
    copy: &PlatformCopy,
) -> Result<(), ApiError> {
    let Some(url) = copy.url.clone().filter(|_| user_id == playlist.meta.owner_id) else { return Ok(()) };
    let mut copies: Vec<crate::playlists::model::CopyLink> =
        playlist.meta.copies.iter().filter(|c| c.platform != copy.platform).cloned().collect();
    copies.push(crate::playlists::model::CopyLink { platform: copy.platform, url });
    copies.sort_by_key(|c| crate::connections::platform_name(c.platform));
    if copies == playlist.meta.copies {
        return Ok(());
    }
    crate::playlists::background::save_copies(state, &playlist.meta.id, &copies).await
}

/// A scheduled push (a `sync` job's `push_to`): mirrors `playlist_id` to `user_id`'s remembered
/// copy on `platform` (a new private one the first time), keeping tracks added on the platform;
/// returns how many tracks were added there.
pub async fn push_for_job(
    state: &dyn PushDeps,
    user: &crate::users::model::User,
    playlist_id: &str,
    platform: Platform,
) -> Result<u64, ApiError> {
    let playlist =
        crate::playlists::write::load(state, Some(user), playlist_id, crate::playlists::access::Action::Read).await?;
    let request = PushRequest {
        platform,
        target: new_target(),
        mode: PushMode::Mirror,
        dry_run: false,
        force: false,
        keep_platform_additions: true,
    };
    let report = match platform {
        Platform::Spotify => spotify::push(state, &user.id, &playlist, &request).await?,
        Platform::Youtube => youtube::push(state, &user.id, &playlist, &request).await?,
        other => {
            return Err(ApiError::invalid(
                "push_not_supported",
                format!("pushing to {} is not offered; push to spotify or youtube", other.label()),
            ))
        }
    };
    Ok(report.added.len() as u64)
}
