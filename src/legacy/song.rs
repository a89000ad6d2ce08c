//! `GET /song {track, artist}`: the track as Last.fm describes it, `album` and `wiki` exactly as
//! Last.fm returns them (`{}` when absent).

use serde_json::{json, Value};

use super::{
    respond::{LegacyBody, LegacyError},
    song_id,
};
use crate::{app::AppState, error::ApiError, lastfm::LastfmError};

/// Looks a song up on Last.fm.
pub async fn show(state: &AppState, user_id: &str, body: &LegacyBody) -> Result<Value, LegacyError> {
    let (track, artist) = (body.field("track"), body.field("artist"));
    if track.trim().is_empty() || artist.trim().is_empty() {
        return Err(LegacyError::bad_request("track, artist should be non-empty"));
    }
    let question = format!("song\u{1f}{artist}\u{1f}{track}");
    if let Some(answer) = state.upstream_budget.cached(&question) {
        return Ok(Value::clone(&answer));
    }
    let client = state.tracks.client().map_err(ApiError::from)?;
    state.upstream_budget.take(user_id)?;
    let (info, raw) = match client.track_info_raw(&artist, &track).await {
        Ok(found) => found,
        Err(LastfmError::NotFound(message)) => return Err(LegacyError::bad_request(message)),
        Err(e) => return Err(ApiError::from(e).into()),
    };
    let part = |key: &str| raw.get(key).cloned().unwrap_or_else(|| json!({}));
    let answer = json!({
        "_id": song_id(&artist, &track),
        "track": info.name,
        "artist": info.artist,
        "album": part("album"),
        "wiki": part("wiki"),
    });
    state.upstream_budget.remember(question, answer.clone());
    Ok(answer)
}
