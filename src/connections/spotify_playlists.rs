//! The linked Spotify account's playlists: listing them (owned and followed, every page, each
//! marked importable or not) and importing one by link or id, or the Liked Songs, with the
//! user's token (refreshed once and retried when Spotify refuses it).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{load, spotify_account, tokens::spotify_token};
use crate::{
    connections::deps::ConnectionDeps,
    error::ApiError,
    formats::import::ParsedFile,
    platforms::{
        import::parsed,
        links::{self, SPOTIFY_LIKED},
        Platform, PlatformError, RemotePlaylist,
    },
};

/// Pages of the playlist listing followed at most (50 each).
const MAX_PAGES: usize = 40;

/// One of your Spotify playlists.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpotifyPlaylist {
    /// Spotify's id (import it with `{"url": "spotify:playlist:<id>"}`).
    pub id: String,
    /// Name.
    pub name: String,
    /// The owner's display name or id.
    pub owner: Option<String>,
    /// Tracks in it, as Spotify counts them.
    pub total: Option<u64>,
    /// Whether sharify can read its tracks: you own it or it is collaborative.
    pub importable: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
    /// Its page on Spotify.
    pub url: Option<String>,
}

/// Your Spotify playlists.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpotifyPlaylists {
    /// Owned and followed, in Spotify's order.
    pub playlists: Vec<SpotifyPlaylist>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    items: Vec<serde_json::Value>,
    next: Option<String>,
}

/// GETs `url` with `user_id`'s token, refreshing once if Spotify refuses it.
async fn get_as(state: &dyn ConnectionDeps, user_id: &str, url: &str) -> Result<Vec<u8>, ApiError> {
    let spotify = spotify_account::spotify(state)?;
    let token = spotify_token(state, user_id, None).await?;
    match spotify.get(url, &token, "").await {
        Err(PlatformError::Refused { code: "spotify_token_expired", .. }) => {
            let token = spotify_token(state, user_id, Some(&token)).await?;
            Ok(spotify.get(url, &token, "").await?)
        }
        other => Ok(other?),
    }
}

fn entry(v: &serde_json::Value, me: Option<&str>) -> Option<SpotifyPlaylist> {
    let text = |v: Option<&serde_json::Value>| v.and_then(|x| x.as_str()).map(str::to_owned);
    let owner = v.get("owner");
    let owner_id = text(owner.and_then(|o| o.get("id")));
    let collaborative = v.get("collaborative").and_then(serde_json::Value::as_bool) == Some(true);
    let importable = collaborative || (owner_id.is_some() && owner_id.as_deref() == me);
    let counted = v.get("items").or_else(|| v.get("tracks"));
    Some(SpotifyPlaylist {
        id: text(v.get("id"))?,
        name: text(v.get("name")).unwrap_or_default(),
        owner: text(owner.and_then(|o| o.get("display_name"))).or(owner_id),
        total: counted.and_then(|t| t.get("total")).and_then(serde_json::Value::as_u64),
        why_not: (!importable).then(|| {
            "you follow this playlist but neither own it nor collaborate on it, so Spotify does not let apps read \
             its tracks: copy it into a playlist of your own first"
                .to_owned()
        }),
        importable,
        url: text(v.get("external_urls").and_then(|u| u.get("spotify"))),
    })
}

/// Your Spotify playlists, every page.
pub async fn list(state: &dyn ConnectionDeps, user_id: &str) -> Result<SpotifyPlaylists, ApiError> {
    let connection = load(state, user_id, Platform::Spotify).await?.ok_or_else(super::tokens::not_linked)?;
    let me = connection.user_id.clone();
    let base = state.config().spotify.base_url.trim_end_matches('/').to_owned();
    let mut url = Some(format!("{base}/me/playlists?limit=50&offset=0"));
    let mut playlists = Vec::new();
    for _ in 0..MAX_PAGES {
        let Some(at) = url.take() else { break };
        let page: Page = serde_json::from_slice(&get_as(state, user_id, &at).await?)
            .map_err(|e| ApiError::from(PlatformError::upstream(Platform::Spotify, e.to_string())))?;
        playlists.extend(page.items.iter().filter_map(|v| entry(v, me.as_deref())));
        url = page.next.filter(|n| n.starts_with(&format!("{base}/")));
    }
    Ok(SpotifyPlaylists { playlists })
}

/// Reads a Spotify playlist (or the Liked Songs) with `user_id`'s token.
async fn read(state: &dyn ConnectionDeps, user_id: &str, id: &str) -> Result<RemotePlaylist, ApiError> {
    let spotify = spotify_account::spotify(state)?;
    // Reading needs a linked account, and linking needs this server's Spotify app and token key:
    // without them, advice to link would only lead to another refusal.
    if super::oauth::provider(state, Platform::Spotify).is_err() || state.token_cipher().is_none() {
        return Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "platform_not_configured",
            "Spotify import is not configured on this server: Spotify lets apps read only the playlists of a linked \
             account, and linking needs the server's Spotify app (SHARIFY_SPOTIFY__CLIENT_ID, __CLIENT_SECRET, \
             __REDIRECT_URI) and a token key (SHARIFY_CONNECTIONS__TOKEN_KEY); meanwhile, export the playlist as a \
             file (Exportify's CSV, for one) and import that",
        ));
    }
    let token = spotify_token(state, user_id, None).await.map_err(|e| {
        if e.code == "spotify_not_linked" {
            ApiError::invalid("spotify_account_required", crate::platforms::spotify::NEEDS_ACCOUNT)
        } else {
            e
        }
    })?;
    let once = |token: String| async move {
        if id == SPOTIFY_LIKED {
            spotify.liked_with_token(&token).await
        } else {
            spotify.playlist_with_token(&token, id).await
        }
    };
    match once(token.clone()).await {
        Err(PlatformError::Refused { code: "spotify_token_expired", .. }) => {
            let token = spotify_token(state, user_id, Some(&token)).await?;
            Ok(once(token).await?)
        }
        other => Ok(other?),
    }
}

/// The playlist a pasted link names, every page: Spotify links with the caller's linked
/// account, other platforms through their connectors.
pub async fn fetch_link(state: &dyn ConnectionDeps, user_id: &str, link: &str) -> Result<ParsedFile, ApiError> {
    let parsed_link = links::parse(link)?;
    if parsed_link.platform != Platform::Spotify {
        return state.platforms().fetch(link, user_id).await;
    }
    let remote = read(state, user_id, &parsed_link.id).await?;
    let mut file = parsed(remote);
    if parsed_link.id != SPOTIFY_LIKED {
        file.source_url = Some(link.trim().to_owned());
    }
    Ok(file)
}
