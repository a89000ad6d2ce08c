//! `/v1/playlists/{id}/share-links…` (owner) and `/v1/shared/{token}…` (link holders).

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::links::{self, CreatedShareLink, NewShareLink, ShareLinkDto};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::PageErrors,
        api_errors::{JsonBodyErrors, NeedsAuth, PlaylistErrors},
        extract::{ApiJson, ApiPath, ApiQuery},
    },
    playlists::{
        dto::{ItemDto, OwnerDto, PlaylistSummaryDto},
        item_pages::{self, embedded_limit},
        model::{Access, Role, Visibility},
    },
};

/// A playlist opened through a link.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SharedPlaylist {
    /// The role the link grants on join.
    pub role: Role,
    /// The playlist.
    pub playlist: SharedPlaylistView,
}

/// A playlist as a link shows it. Its id is shown only when the playlist is public: an id opens
/// an unlisted playlist to anyone, so a link must not hand it out, or revoking the link would not
/// end the access it gave.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SharedPlaylistView {
    /// Id, for public playlists only.
    pub id: Option<String>,
    /// Owner.
    pub owner: OwnerDto,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Visibility.
    pub visibility: Visibility,
    /// Version.
    pub version: u64,
    /// Number of items.
    pub item_count: usize,
    /// A page of items, in order.
    pub items: Vec<ItemDto>,
    /// Pass as `cursor` to this route for the next page.
    pub items_next_cursor: Option<String>,
}

/// The result of joining.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Joined {
    /// The playlist joined.
    pub playlist_id: String,
    /// The caller's role now (`owner` for the owner).
    pub role: String,
}

/// The links of a playlist.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShareLinks {
    /// Oldest first; tokens are never shown again.
    pub links: Vec<ShareLinkDto>,
}

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_link, list_links))
        .routes(routes!(revoke_link))
        .routes(routes!(open_shared))
        .routes(routes!(join_shared))
}

/// Create a share link (owner only). The token is in this answer only.
#[utoipa::path(post, path = "/v1/playlists/{id}/share-links", tag = "sharing", request_body = NewShareLink,
    params(("id" = String, Path, description = "Playlist id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The link and its token", body = CreatedShareLink), JsonBodyErrors, NeedsAuth, PlaylistErrors))]
async fn create_link(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<NewShareLink>,
) -> Result<(StatusCode, Json<CreatedShareLink>), ApiError> {
    let base = public_base(&state.config.http.public_url, &headers);
    Ok((StatusCode::CREATED, Json(links::create(&state, &caller.user, &id, body, &base).await?)))
}

/// Where people reach the service: `http.public_url`, else the request's own `Host` over http
/// (a `Host` that is not a plain host name and port gives relative addresses).
pub fn public_base(configured: &str, headers: &axum::http::HeaderMap) -> String {
    if !configured.trim().is_empty() {
        return configured.trim().trim_end_matches('/').to_owned();
    }
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let plain =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if plain {
        format!("http://{host}")
    } else {
        String::new()
    }
}

/// List share links with their visit and use counts (owner only; no tokens).
#[utoipa::path(get, path = "/v1/playlists/{id}/share-links", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The links", body = ShareLinks), NeedsAuth, PlaylistErrors))]
async fn list_links(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ShareLinks>, ApiError> {
    Ok(Json(ShareLinks { links: links::list(&state, &caller.user, &id).await? }))
}

/// Revoke a share link at once (owner only).
#[utoipa::path(delete, path = "/v1/playlists/{id}/share-links/{link_id}", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("link_id" = String, Path, description = "Link id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Revoked"), NeedsAuth, PlaylistErrors))]
async fn revoke_link(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, link_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    links::revoke(&state, &caller.user, &id, &link_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which items of a shared playlist to embed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SharedQuery {
    /// Items per page, 1–1,000 (default 100).
    pub items_limit: Option<u32>,
    /// `items_next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Read the playlist a link opens (no account needed), a page of items at a time.
#[utoipa::path(get, path = "/v1/shared/{token}", tag = "sharing",
    params(("token" = String, Path, description = "Share token"), SharedQuery),
    responses(
        (status = 200, description = "The playlist", body = SharedPlaylist),
        (status = 404, description = "Unknown, expired, revoked or used-up link (`share_link_not_found`)", body = ErrorEnvelope),
        PageErrors))]
async fn open_shared(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiQuery(query): ApiQuery<SharedQuery>,
) -> Result<Json<SharedPlaylist>, ApiError> {
    let limit = embedded_limit(query.items_limit)?;
    let (link, playlist) = links::open(&state, &token).await?;
    // Someone holding only a link pages through this same route (`cursor`), not the items routes.
    let page = item_pages::page(&playlist.items, query.cursor.as_deref(), limit)?;
    let summary = PlaylistSummaryDto::from(&playlist.meta);
    let playlist = SharedPlaylistView {
        id: (summary.visibility == Visibility::Public).then_some(summary.id),
        owner: summary.owner,
        name: summary.name,
        description: summary.description,
        visibility: summary.visibility,
        version: summary.version,
        item_count: summary.item_count,
        items: page.items,
        items_next_cursor: page.next_cursor,
    };
    Ok(Json(SharedPlaylist { role: link.role, playlist }))
}

/// Join the playlist with the link's role (signed in).
#[utoipa::path(post, path = "/v1/shared/{token}/join", tag = "sharing",
    params(("token" = String, Path, description = "Share token")),
    security(("bearer" = []), ("basic" = [])),
    responses(
        (status = 200, description = "Joined (or already a member with that role or more)", body = Joined),
        (status = 404, description = "Unknown, expired, revoked or used-up link", body = ErrorEnvelope),
        NeedsAuth))]
async fn join_shared(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Joined>, ApiError> {
    let (playlist_id, access) = links::join(&state, &caller.user, &token).await?;
    let role = match access {
        Access::Owner => "owner".to_owned(),
        Access::Collaborator(role) => {
            serde_json::to_value(role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
        }
        Access::Stranger => "none".to_owned(),
    };
    Ok(Json(Joined { playlist_id, role }))
}
