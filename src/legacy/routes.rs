//! The legacy routes, documented (as deprecated) in the OpenAPI document.

use axum::{extract::State, http::StatusCode, middleware, Json};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    playlist,
    respond::{mark_deprecated, LegacyBody, LegacyError, LegacyUser},
    signup, song,
};
use crate::app::AppState;

/// `PUT /sign-up` body.
#[derive(Deserialize, ToSchema)]
pub struct LegacySignUp {
    /// `^[A-Za-z][A-Za-z0-9_]{7,29}$`
    pub username: String,
    /// 8–32 characters with a digit, a lowercase and an uppercase letter.
    pub password: String,
    /// Display name.
    pub name: String,
}

/// A body naming a playlist.
#[derive(Deserialize, ToSchema)]
pub struct LegacyPlaylistName {
    /// Exact playlist name.
    pub name: String,
}

/// `POST /playlist` body.
#[derive(Deserialize, ToSchema)]
pub struct LegacyPlaylistEdit {
    /// Exact playlist name.
    pub name: String,
    /// Track title.
    pub track: String,
    /// Artist.
    pub artist: String,
    /// `ADD` or `DELETE` (any case).
    pub op_type: String,
}

/// `GET /song` body.
#[derive(Deserialize, ToSchema)]
pub struct LegacySong {
    /// Track title.
    pub track: String,
    /// Artist.
    pub artist: String,
}

/// The legacy routes, each answer marked deprecated and counted.
#[allow(deprecated)] // the handlers are deprecated on purpose (that marks them in the OpenAPI document)
pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(put_playlist, get_playlist, post_playlist, delete_playlist))
        .routes(routes!(get_song))
        .route_layer(middleware::from_fn_with_state(state, mark_deprecated))
}

/// Legacy sign-up. Use `POST /v1/users`.
#[utoipa::path(put, path = "/sign-up", tag = "legacy", request_body = LegacySignUp, responses(
    (status = 200, description = "Signed up (empty body)"),
    (status = 400, description = "`Username, password and name should be non-empty`, `Invalid Username` or `Invalid Password`", body = String, content_type = "text/plain"),
    (status = 409, description = "`Username already exists`", body = String, content_type = "text/plain")))]
#[deprecated]
async fn sign_up(
    State(state): State<AppState>,
    addr: crate::auth::extractor::ClientAddr,
    body: LegacyBody,
) -> Result<StatusCode, LegacyError> {
    signup::sign_up(&state, &body, addr.0.as_deref()).await.map(|()| StatusCode::OK)
}

/// Legacy create playlist. Use `POST /v1/playlists`.
#[utoipa::path(put, path = "/playlist", tag = "legacy", request_body = LegacyPlaylistName, security(("basic" = [])), responses(
    (status = 200, description = "Created (empty body)"),
    (status = 400, description = "`name should be non-empty`", body = String, content_type = "text/plain"),
    (status = 401, description = "Missing or wrong credentials", body = String, content_type = "text/plain"),
    (status = 409, description = "`Playlist already exists`", body = String, content_type = "text/plain")))]
#[deprecated]
async fn put_playlist(
    State(state): State<AppState>,
    user: LegacyUser,
    body: LegacyBody,
) -> Result<StatusCode, LegacyError> {
    playlist::create(&state, &user.0.user, &body).await.map(|()| StatusCode::OK)
}

/// Legacy read playlist. Use `GET /v1/playlists/{id}`.
#[utoipa::path(get, path = "/playlist", tag = "legacy", request_body = LegacyPlaylistName, security(("basic" = [])), responses(
    (status = 200, description = "`{\"_id\", \"name\", \"songs\": [[song_id, track, artist], …]}`", body = Object),
    (status = 400, description = "`name should be non-empty` or `Playlist doesn't exist`", body = String, content_type = "text/plain"),
    (status = 401, description = "Missing or wrong credentials", body = String, content_type = "text/plain")))]
#[deprecated]
async fn get_playlist(
    State(state): State<AppState>,
    user: LegacyUser,
    body: LegacyBody,
) -> Result<Json<Value>, LegacyError> {
    playlist::show(&state, &user.0.user, &body).await.map(Json)
}

/// Legacy add or delete a song. Use `POST /v1/playlists/{id}/items` and `DELETE …/items/{item_id}`.
#[utoipa::path(post, path = "/playlist", tag = "legacy", request_body = LegacyPlaylistEdit, security(("basic" = [])), responses(
    (status = 200, description = "Done (empty body)"),
    (status = 400, description = "Empty fields, bad op_type, Last.fm's message (e.g. `Track not found`), `Invalid Playlist name` or `Song doesn't exist in playlist`", body = String, content_type = "text/plain"),
    (status = 401, description = "Missing or wrong credentials", body = String, content_type = "text/plain"),
    (status = 409, description = "`Song already exists in playlist`", body = String, content_type = "text/plain"),
    (status = 503, description = "Last.fm unavailable or not configured", body = String, content_type = "text/plain")))]
#[deprecated]
async fn post_playlist(
    State(state): State<AppState>,
    user: LegacyUser,
    body: LegacyBody,
) -> Result<StatusCode, LegacyError> {
    playlist::edit(&state, &user.0.user, &body).await.map(|()| StatusCode::OK)
}

/// Legacy delete playlist. Use `DELETE /v1/playlists/{id}`.
#[utoipa::path(delete, path = "/playlist", tag = "legacy", request_body = LegacyPlaylistName, security(("basic" = [])), responses(
    (status = 200, description = "Deleted (empty body)"),
    (status = 400, description = "`name should be non-empty` or `Invalid Playlist name`", body = String, content_type = "text/plain"),
    (status = 401, description = "Missing or wrong credentials", body = String, content_type = "text/plain")))]
#[deprecated]
async fn delete_playlist(
    State(state): State<AppState>,
    user: LegacyUser,
    body: LegacyBody,
) -> Result<StatusCode, LegacyError> {
    playlist::delete(&state, &user.0.user, &body).await.map(|()| StatusCode::OK)
}

/// Legacy song lookup. Use `GET /v1/tracks/lookup`.
#[utoipa::path(get, path = "/song", tag = "legacy", request_body = LegacySong, security(("basic" = [])), responses(
    (status = 200, description = "`{\"_id\", \"track\", \"artist\", \"album\", \"wiki\"}`", body = Object),
    (status = 400, description = "`track, artist should be non-empty` or Last.fm's message", body = String, content_type = "text/plain"),
    (status = 401, description = "Missing or wrong credentials", body = String, content_type = "text/plain"),
    (status = 503, description = "Last.fm unavailable or not configured", body = String, content_type = "text/plain")))]
#[deprecated]
async fn get_song(
    State(state): State<AppState>,
    user: LegacyUser,
    body: LegacyBody,
) -> Result<Json<Value>, LegacyError> {
    song::show(&state, &user.0.user.id, &body).await.map(Json)
}
