//! Writes a job's tracks into a playlist: add what is missing, or mirror (make the playlist's
//! items equal to the tracks, in order, keeping items it can reuse). Running it twice with the
//! same tracks changes nothing, so every job that writes through here is idempotent.

use std::sync::Arc;

use crate::{
    error::ApiError,
    jobs::job_deps::JobDeps,
    limits,
    playlists::{
        access::Action,
        add::look_up,
        dto::NewPlaylist,
        model::{Item, Visibility},
        service,
        track_input::{CleanTrack, TrackInput},
        write,
    },
    sharing::sync::{plan, SyncMode},
    storage::records::RecordKey,
    users::model::User,
};

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Items added.
    pub added: u64,
    /// Items removed (mirror).
    pub removed: u64,
    /// Tracks the playlist already had.
    pub unchanged: u64,
}

/// Clean tracks from (artist, title) pairs; a pair that is not a valid track is dropped.
pub fn clean(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<CleanTrack> {
    pairs
        .into_iter()
        .filter_map(|(artist, title)| CleanTrack::from_input(&TrackInput::named(&artist, &title)).ok())
        .collect()
}

/// Writes `tracks` into `playlist_id` as `owner` (who must be allowed to), recorded in history as
/// `op`; at most the playlist limit of them.
pub async fn into_playlist(
    state: &dyn JobDeps,
    owner: &User,
    playlist_id: &str,
    tracks: &[CleanTrack],
    mode: SyncMode,
    op: &'static str,
) -> Result<Written, ApiError> {
    let tracks = &tracks[..tracks.len().min(limits::ITEMS_PER_PLAYLIST_MAX)];
    let action = if mode == SyncMode::Mirror { Action::Edit } else { Action::AddItems };
    write::load(state, Some(owner), playlist_id, action).await?;
    let looked_up = look_up(state, owner, tracks).await?;
    let source: Vec<Arc<Item>> = tracks.iter().map(|t| Arc::new(looked_up.item(t, &owner.id))).collect();
    let (playlist, written) = write::modify(state, owner, playlist_id, None, action, op, |p| {
        let (items, added, removed, unchanged) = plan(p.items(), &source, mode, &owner.id);
        if items.len() > limits::ITEMS_PER_PLAYLIST_MAX {
            return Err(ApiError::invalid(
                "playlist_full",
                format!("a playlist holds at most {} items", limits::ITEMS_PER_PLAYLIST_MAX),
            ));
        }
        let changed =
            items.len() != p.items().len() || items.iter().zip(p.items()).any(|(a, b)| a.item_id != b.item_id);
        match mode {
            SyncMode::Add => {
                let end = p.items().len();
                p.insert(end, items.into_iter().skip(end).collect());
            }
            SyncMode::Mirror if changed => p.replace_all(items),
            SyncMode::Mirror => {}
        }
        Ok(Written { added: added as u64, removed: removed as u64, unchanged: unchanged as u64 })
    })
    .await?;
    if written.added > 0 {
        super::items_added(state, &playlist.meta).await;
    }
    Ok(written)
}

/// Records kind: the playlist a job writes to, by job and name.
const JOB_PLAYLIST: &str = "job_playlist";

/// The playlist a job keeps under `key` (a schedule and a snapshot name, say), created the first
/// time as a private playlist named `name`. Its id is claimed before it is created, so a run
/// repeated after its process died finds the same playlist, and one the user deleted is made again.
pub async fn job_playlist(state: &dyn JobDeps, owner: &User, key: &str, name: &str) -> Result<String, ApiError> {
    let at = RecordKey { kind: JOB_PLAYLIST, owner: &owner.id, key };
    let fresh = crate::ids::new_id();
    let far = chrono::Utc::now() + chrono::Duration::days(3650);
    let id = state.store().claim_record(at, &fresh, far).await?.unwrap_or(fresh);
    let new = NewPlaylist { name: name.to_owned(), description: String::new(), visibility: Visibility::Private };
    match service::create_with_id(state, owner, new, id.clone()).await {
        Ok(_) => Ok(id),
        Err(e) if e.status.as_u16() == 409 => Ok(id), // made by an earlier run
        Err(e) => Err(e),
    }
}
