//! `/playlist` (PUT create, GET show, POST add/delete a song, DELETE) on the caller's playlists,
//! found by exact name (the oldest when several share it).

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{
    playlist_id,
    respond::{LegacyBody, LegacyError},
    song_id,
};
use crate::{
    app::AppState,
    error::ApiError,
    lastfm::LastfmError,
    playlists::{
        dto::NewPlaylist,
        items::{self, AddItems, OnDuplicate, SameTrack, TrackInput},
        model::Visibility,
        service,
    },
    tracks::service::Lookup,
    users::model::User,
};

const NAME_EMPTY: &str = "name should be non-empty";
const INVALID_NAME: &str = "Invalid Playlist name";

/// Current-API validation failures (422) are 400s in the old API.
fn legacy(e: ApiError) -> LegacyError {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        LegacyError::bad_request(e.message)
    } else {
        e.into()
    }
}

fn name_of(body: &LegacyBody) -> Result<String, LegacyError> {
    let name = body.field("name").trim().to_owned();
    if name.is_empty() {
        return Err(LegacyError::bad_request(NAME_EMPTY));
    }
    Ok(name)
}

async fn find(state: &AppState, user: &User, name: &str) -> Result<Option<String>, LegacyError> {
    Ok(state.store.playlist_ids_named(&user.id, name).await.map_err(ApiError::from)?.into_iter().next())
}

/// `PUT /playlist {name}`.
pub async fn create(state: &AppState, user: &User, body: &LegacyBody) -> Result<(), LegacyError> {
    let name = name_of(body)?;
    if find(state, user, &name).await?.is_some() {
        return Err(LegacyError::conflict("Playlist already exists"));
    }
    let input = NewPlaylist { name, description: String::new(), visibility: Visibility::Private };
    service::create(state, user, input).await.map_err(legacy)?;
    Ok(())
}

/// `GET /playlist {name}`: `{"_id", "name", "songs": [[song_id, track, artist], …]}` with
/// Last.fm's spelling of track and artist, in the order they were added.
pub async fn show(state: &AppState, user: &User, body: &LegacyBody) -> Result<Value, LegacyError> {
    let name = name_of(body)?;
    let id = find(state, user, &name).await?.ok_or_else(|| LegacyError::bad_request("Playlist doesn't exist"))?;
    let playlist = service::get(state, Some(user), &id).await.map_err(legacy)?;
    let songs: Vec<Value> = playlist
        .items
        .iter()
        .map(|i| {
            let (track, artist) = match &i.meta {
                Some(m) => (m.title.as_str(), m.artist.as_str()),
                None => (i.title.as_str(), i.artist.as_str()),
            };
            json!([song_id(&i.artist, &i.title), track, artist])
        })
        .collect();
    Ok(json!({"_id": playlist_id(&playlist.meta.name), "name": playlist.meta.name, "songs": songs}))
}

/// `POST /playlist {name, track, artist, op_type}`: ADD or DELETE one song.
pub async fn edit(state: &AppState, user: &User, body: &LegacyBody) -> Result<(), LegacyError> {
    let (name, track, artist, op) =
        (body.field("name"), body.field("track"), body.field("artist"), body.field("op_type"));
    if [&name, &track, &artist, &op].iter().any(|f| f.trim().is_empty()) {
        return Err(LegacyError::bad_request("name, track, artist, op_type should be non-empty"));
    }
    let add = match op.to_uppercase().as_str() {
        "ADD" => true,
        "DELETE" => false,
        _ => return Err(LegacyError::bad_request("op_type should be ADD or DELETE")),
    };
    match state.tracks.lookup(&artist, &track).await {
        Ok(Lookup::Found(..)) => {}
        Ok(Lookup::NotFound(_)) => return Err(LegacyError::bad_request("Track not found")),
        Err(LastfmError::NotFound(message)) => return Err(LegacyError::bad_request(message)),
        Err(e) => return Err(ApiError::from(e).into()),
    }
    let id = find(state, user, name.trim()).await?.ok_or_else(|| LegacyError::bad_request(INVALID_NAME))?;
    if add {
        let request = AddItems {
            tracks: vec![TrackInput::named(&artist, &track)],
            position: None,
            on_duplicate: OnDuplicate::Reject,
        };
        return match items::add_with(state, user, &id, None, request, SameTrack::ByKey(song_id)).await {
            Ok(_) => Ok(()),
            Err(e) if e.code == "duplicate_track" => Err(LegacyError::conflict("Song already exists in playlist")),
            Err(e) => Err(legacy(e)),
        };
    }
    let missing = || LegacyError::bad_request("Song doesn't exist in playlist");
    let wanted = song_id(artist.trim(), track.trim());
    let playlist = service::get(state, Some(user), &id).await.map_err(legacy)?;
    let item = playlist.items.iter().find(|i| song_id(&i.artist, &i.title) == wanted).ok_or_else(missing)?;
    match items::remove(state, user, &id, &item.item_id, None).await {
        Ok(_) => Ok(()),
        Err(e) if e.code == "item_not_found" => Err(missing()),
        Err(e) => Err(legacy(e)),
    }
}

/// `DELETE /playlist {name}`.
pub async fn delete(state: &AppState, user: &User, body: &LegacyBody) -> Result<(), LegacyError> {
    let name = name_of(body)?;
    let id = find(state, user, &name).await?.ok_or_else(|| LegacyError::bad_request(INVALID_NAME))?;
    service::delete(state, user, &id, None).await.map_err(legacy)
}
