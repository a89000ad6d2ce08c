//! The share page: `GET /s/{token}` (a share link) and `GET /p/{id}` (public or unlisted
//! playlists) as HTML that works without JavaScript, on a phone, with everything escaped
//! (askama escapes all interpolations) and a strict Content-Security-Policy; plus JSPF downloads.

use askama::Template;
use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use std::sync::Arc;

pub use super::page_view::{page, NotFoundPage, OpenLink, SharePage, TrackRow, PAGE_ROWS};
use super::{
    links,
    page_cache::{PageKind, RenderedPage},
};
use crate::{
    app::AppState,
    formats::jspf,
    http::{
        conditional::{self, CachePolicy},
        errors::KeepBody,
        extract::ApiPath,
    },
    ids,
    playlists::model::{Playlist, Visibility},
};

/// The page's CSP: no scripts at all, styles only from us, images over HTTPS.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLESHEET: &str = include_str!("../../static/share.css");

/// A 200 (or 304) answer of a rendered page: its strong `ETag` is a hash of the bytes, so a
/// 304 is always right.
fn page_answer(request: &HeaderMap, kind: PageKind, page: &RenderedPage) -> Response {
    let content_type = match kind {
        PageKind::Html => "text/html; charset=utf-8",
        PageKind::Jspf => "application/jspf+json",
    };
    let mut response = conditional::respond(request, &page.etag, page.policy, content_type, page.body.clone());
    secure(&mut response);
    if kind == PageKind::Jspf {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"playlist.jspf\""));
    }
    response
}

/// Adds the headers every share-page answer carries.
/// The headers every HTML page of ours carries (strict CSP, no sniffing, no referrer).
pub(crate) fn secure(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

fn not_found() -> Response {
    let body = NotFoundPage.render().unwrap_or_default();
    let mut response =
        (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    secure(&mut response);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response.extensions_mut().insert(KeepBody);
    response
}

/// Who may cache a page reached by id: shared caches only for public playlists.
fn policy_by_id(playlist: &Playlist) -> CachePolicy {
    if playlist.meta.visibility == Visibility::Public {
        CachePolicy::PublicShort
    } else {
        CachePolicy::Private
    }
}

/// The display name of the playlist's owner (their username when the account is gone).
pub async fn owner_name(state: &AppState, playlist: &Playlist) -> String {
    match state.store.user_by_id(&playlist.meta.owner_id).await {
        Ok(Some(user)) => user.display_name,
        _ => playlist.meta.owner_username.clone(),
    }
}

/// Renders `playlist` as `kind`, with links under `base`.
async fn render(
    state: &AppState,
    kind: PageKind,
    policy: CachePolicy,
    playlist: &Playlist,
    base: &str,
) -> Result<RenderedPage, askama::Error> {
    let owner = owner_name(state, playlist).await;
    let body = match kind {
        PageKind::Html => {
            // By id, the export route serves the other formats to anyone who may read the page.
            let others = match base.strip_prefix("/p/") {
                Some(id) => [("XSPF", "xspf"), ("M3U8", "m3u8"), ("CSV", "csv")]
                    .into_iter()
                    .map(|(label, format)| OpenLink {
                        label,
                        href: format!("/v1/playlists/{id}/export?format={format}"),
                    })
                    .collect(),
                None => Vec::new(),
            };
            page(playlist, owner, format!("{base}/playlist.jspf"), others).render()?
        }
        PageKind::Jspf => jspf::to_jspf(playlist, &owner, base).to_string(),
    };
    Ok(RenderedPage::new(body, policy))
}

/// The answer for a share link's page.
async fn by_link(state: &AppState, token: &str, kind: PageKind, request: &HeaderMap) -> Response {
    let Ok((_, playlist)) = links::open(state, token).await else { return not_found() };
    match render(state, kind, CachePolicy::Private, &playlist, &format!("/s/{token}")).await {
        Ok(page) => page_answer(request, kind, &page),
        Err(e) => crate::error::ApiError::internal(e).into_response(),
    }
}

/// The answer for a public or unlisted playlist's page, rendered once per version.
async fn by_id_page(state: &AppState, id: &str, kind: PageKind, request: &HeaderMap) -> Response {
    if !ids::looks_like_id(id) {
        return not_found();
    }
    let Ok(Some(revision)) = state.store.playlist_revision(id).await else { return not_found() };
    if let Some(page) = state.share_pages.get(id, kind, revision) {
        return page_answer(request, kind, &page);
    }
    let Some(playlist) = by_id(state, id).await else { return not_found() };
    let policy = policy_by_id(&playlist);
    match render(state, kind, policy, &playlist, &format!("/p/{id}")).await {
        Ok(page) => {
            let page = Arc::new(page);
            state.share_pages.insert(id, kind, playlist.meta.revision(), page.clone());
            page_answer(request, kind, &page)
        }
        Err(e) => crate::error::ApiError::internal(e).into_response(),
    }
}

/// A playlist readable by its id without an account: public or unlisted.
async fn by_id(state: &AppState, id: &str) -> Option<Arc<Playlist>> {
    crate::playlists::write::current(state, id).await.ok().filter(|p| p.meta.visibility != Visibility::Private)
}

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(shared_page))
        .routes(routes!(shared_jspf))
        .routes(routes!(public_page))
        .routes(routes!(public_jspf))
        .routes(routes!(stylesheet))
}

/// The share page of a share link (HTML).
#[utoipa::path(get, path = "/s/{token}", tag = "sharing", params(("token" = String, Path, description = "Share token")),
    responses((status = 200, description = "The page", content_type = "text/html"),
              (status = 404, description = "Unknown, expired, revoked or used-up link", content_type = "text/html")))]
async fn shared_page(State(state): State<AppState>, ApiPath(token): ApiPath<String>, request: HeaderMap) -> Response {
    by_link(&state, &token, PageKind::Html, &request).await
}

/// The playlist of a share link as JSPF.
#[utoipa::path(get, path = "/s/{token}/playlist.jspf", tag = "sharing", params(("token" = String, Path, description = "Share token")),
    responses((status = 200, description = "JSPF", content_type = "application/jspf+json"),
              (status = 404, description = "Unknown, expired, revoked or used-up link", content_type = "text/html")))]
async fn shared_jspf(State(state): State<AppState>, ApiPath(token): ApiPath<String>, request: HeaderMap) -> Response {
    by_link(&state, &token, PageKind::Jspf, &request).await
}

/// The page of a public or unlisted playlist (HTML).
#[utoipa::path(get, path = "/p/{id}", tag = "sharing", params(("id" = String, Path, description = "Playlist id")),
    responses((status = 200, description = "The page", content_type = "text/html"),
              (status = 404, description = "No such public or unlisted playlist", content_type = "text/html")))]
async fn public_page(State(state): State<AppState>, ApiPath(id): ApiPath<String>, request: HeaderMap) -> Response {
    by_id_page(&state, &id, PageKind::Html, &request).await
}

/// A public or unlisted playlist as JSPF.
#[utoipa::path(get, path = "/p/{id}/playlist.jspf", tag = "sharing", params(("id" = String, Path, description = "Playlist id")),
    responses((status = 200, description = "JSPF", content_type = "application/jspf+json"),
              (status = 404, description = "No such public or unlisted playlist", content_type = "text/html")))]
async fn public_jspf(State(state): State<AppState>, ApiPath(id): ApiPath<String>, request: HeaderMap) -> Response {
    by_id_page(&state, &id, PageKind::Jspf, &request).await
}

/// The share page's stylesheet.
#[utoipa::path(get, path = "/static/share.css", tag = "sharing", responses((status = 200, description = "CSS", content_type = "text/css")))]
async fn stylesheet() -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
