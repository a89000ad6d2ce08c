//! `GET /v1/me/export`: everything a user has, in one zip: each playlist they own as JSPF and
//! CSV, and a JSON of their account, their collaborations and their settings. The zip is written
//! one playlist at a time into an unnamed temp file (gone when closed) and streamed from it, so
//! memory holds one playlist at most, however many the account has.

use std::io::Write;

use serde_json::json;
use zip::{write::SimpleFileOptions, CompressionMethod, ZipWriter};

use crate::{
    error::ApiError,
    formats::{
        csv_format,
        export::{file_name, ExportFormat, TrackOut},
        jspf,
    },
    playlists::deps::PlaylistDeps,
    playlists::model::{ListCursor, ListScope, Playlist, PlaylistMeta},
    users::model::User,
};

/// Every playlist `user` is a member of in `scope`, a page at a time.
async fn all_playlists(state: &dyn PlaylistDeps, user: &User, scope: ListScope) -> Result<Vec<PlaylistMeta>, ApiError> {
    let mut all = Vec::new();
    let mut after: Option<ListCursor> = None;
    loop {
        let page = state.store().playlists_for_member(&user.id, scope, after.as_ref(), 100).await?;
        let Some(last) = page.last() else { break };
        after = Some(ListCursor { updated_us: last.updated_at.timestamp_micros(), id: last.id.clone() });
        let full = page.len() == 100;
        all.extend(page);
        if !full {
            break;
        }
    }
    Ok(all)
}

/// Items written to an entry at a time: a document is never whole in memory.
const BLOCK: usize = 500;

/// The zip being written.
type Archive = ZipWriter<std::fs::File>;

fn start(zip: &mut Archive, name: &str) -> Result<(), ApiError> {
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file(name, options).map_err(ApiError::internal)
}

fn add(zip: &mut Archive, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
    start(zip, name)?;
    zip.write_all(bytes).map_err(ApiError::internal)
}

/// The playlist's JSPF and CSV entries, written a block of items at a time.
fn add_playlist(zip: &mut Archive, playlist: &Playlist, owner_name: &str) -> Result<(), ApiError> {
    let stem = file_name(&playlist.meta.name, ExportFormat::Csv);
    let stem = stem.trim_end_matches(".csv");
    let id = &playlist.meta.id;
    let write = |zip: &mut Archive, text: &str| zip.write_all(text.as_bytes()).map_err(ApiError::internal);
    start(zip, &format!("playlists/{stem} ({id}).jspf"))?;
    write(zip, &jspf::head(playlist, owner_name, &format!("/p/{id}")))?;
    for (n, block) in playlist.items.chunks(BLOCK).enumerate() {
        write(zip, &jspf::tracks(block.iter().map(|i| TrackOut::of(i)), n == 0))?;
    }
    write(zip, jspf::END)?;
    start(zip, &format!("playlists/{stem} ({id}).csv"))?;
    write(zip, &csv_format::head())?;
    for block in playlist.items.chunks(BLOCK) {
        write(zip, &csv_format::tracks(block.iter().map(|i| TrackOut::of(i))))?;
    }
    Ok(())
}

/// Runs `write` on the archive on a blocking thread (compressing is CPU work) and hands it back.
async fn on_archive(
    zip: Archive,
    write: impl FnOnce(&mut Archive) -> Result<(), ApiError> + Send + 'static,
) -> Result<Archive, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut zip = zip;
        write(&mut zip).map(|()| zip)
    })
    .await
    .map_err(ApiError::internal)?
}

/// The zip of `user`'s data, in a temp file read from its start, and its length.
pub async fn archive(state: &dyn PlaylistDeps, user: &User) -> Result<(std::fs::File, u64), ApiError> {
    let owned = all_playlists(state, user, ListScope::Owned).await?;
    let shared = all_playlists(state, user, ListScope::Shared).await?;
    let collaborations: Vec<_> = shared
        .iter()
        .map(|m| {
            let role = m.collaborators.iter().find(|c| c.user_id == user.id).map(|c| c.role);
            json!({"playlist_id": m.id, "name": m.name, "owner": m.owner_username, "role": role})
        })
        .collect();
    let owned_list: Vec<_> = owned
        .iter()
        .map(|m| json!({"id": m.id, "name": m.name, "visibility": m.visibility, "items": m.item_count, "version": m.version}))
        .collect();
    let account = json!({
        "exported_at": crate::ids::now(),
        "account": {"id": user.id, "username": user.username, "display_name": user.display_name, "created_at": user.created_at},
        "playlists": owned_list,
        "collaborations": collaborations,
        "settings": {},
    });
    let account = serde_json::to_vec_pretty(&account).map_err(ApiError::internal)?;
    let file = tempfile::tempfile().map_err(ApiError::internal)?;
    let mut zip = on_archive(ZipWriter::new(file), move |zip| add(zip, "account.json", &account)).await?;
    for meta in owned {
        let Some(playlist) = state.store().playlist(&meta.id).await? else { continue }; // deleted meanwhile
        let owner_name = user.display_name.clone();
        zip = on_archive(zip, move |zip| add_playlist(zip, &playlist, &owner_name)).await?;
    }
    tokio::task::spawn_blocking(move || {
        use std::io::{Seek, SeekFrom};
        let mut file = zip.finish().map_err(ApiError::internal)?;
        let length = file.stream_position().map_err(ApiError::internal)?;
        file.seek(SeekFrom::Start(0)).map_err(ApiError::internal)?;
        Ok((file, length))
    })
    .await
    .map_err(ApiError::internal)?
}
