//! Share links: a random token (128 bits, URL-safe) shown once and stored only as a SHA-256 hash.
//! Holders read the playlist without an account, or join it with the link's role. Expired,
//! revoked and used-up links all answer the same 404.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chrono::{DateTime, Duration, Utc};
use rand::{rngs::OsRng, RngCore};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::collaborators::grant_within;
pub use super::link_store::{ShareLink, ShareLinkStore};
use crate::{
    auth::tokens::hash_token,
    error::ApiError,
    ids,
    playlists::deps::PlaylistDeps,
    playlists::{
        access::{access, Action},
        model::{Access, Playlist, Role},
        write::{self, load},
    },
    users::model::User,
};

/// What share links need: the playlist services and the share-link visits not yet stored.
pub trait SharingDeps: PlaylistDeps {
    /// Share-link visits not yet added to the store.
    fn visits(&self) -> &super::visits::VisitCounts;
}

/// Longest link lifetime, in seconds (one year).
const MAX_EXPIRES_IN: u64 = 366 * 24 * 3600;

/// Request to create a link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShareLink {
    /// `viewer` or `contributor`.
    pub role: Role,
    /// Lifetime in seconds (60 to one year); none = no expiry.
    pub expires_in: Option<u64>,
    /// How many people may join with it; none = unlimited.
    pub max_uses: Option<u32>,
}

/// A new link, with its token (shown only here, once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedShareLink {
    /// Id used to list and revoke it.
    pub link_id: String,
    /// The secret token.
    pub token: String,
    /// The share page, as people paste it: `{http.public_url}/s/{token}`.
    pub url: String,
    /// The JSON API for holders (`{http.public_url}/v1/shared/{token}`).
    pub api_url: String,
    /// Role granted on join.
    pub role: Role,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Join limit.
    pub max_uses: Option<u32>,
}

/// A link as the owner sees it (no token).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShareLinkDto {
    /// Id.
    pub link_id: String,
    /// Role granted on join.
    pub role: Role,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Join limit.
    pub max_uses: Option<u32>,
    /// Joins so far.
    pub uses: u32,
    /// Reads so far.
    pub visits: u64,
    /// `active`, `expired`, `used_up` or `revoked`.
    pub state: String,
}

impl From<&ShareLink> for ShareLinkDto {
    fn from(l: &ShareLink) -> Self {
        Self {
            link_id: l.link_id.clone(),
            role: l.role,
            created_at: l.created_at,
            expires_at: l.expires_at,
            max_uses: l.max_uses,
            uses: l.uses,
            visits: l.visits,
            state: l.state(Utc::now()).to_owned(),
        }
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("share_link_not_found", "this link does not exist, has expired, was revoked or is used up")
}

/// Creates a link (owner only).
pub async fn create(
    state: &dyn SharingDeps,
    caller: &User,
    id: &str,
    req: NewShareLink,
    base: &str,
) -> Result<CreatedShareLink, ApiError> {
    load(state, Some(caller), id, Action::Manage).await?;
    if req.role > Role::Contributor {
        return Err(ApiError::invalid("invalid_role", "a share link grants `viewer` or `contributor`"));
    }
    if req.expires_in.is_some_and(|s| !(60..=MAX_EXPIRES_IN).contains(&s)) {
        return Err(ApiError::invalid("invalid_expiry", "expires_in must be between 60 seconds and one year"));
    }
    if req.max_uses == Some(0) {
        return Err(ApiError::invalid("invalid_max_uses", "max_uses must be at least 1"));
    }
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = ids::now();
    let link = ShareLink {
        link_id: ids::new_id(),
        playlist_id: id.to_owned(),
        token_hash: hash_token(&token),
        role: req.role,
        created_by: caller.id.clone(),
        created_at: now,
        expires_at: req.expires_in.map(|s| now + Duration::seconds(s as i64)),
        max_uses: req.max_uses,
        uses: 0,
        visits: 0,
        revoked: false,
    };
    state.store().insert_link(&link).await?;
    Ok(CreatedShareLink {
        link_id: link.link_id,
        url: format!("{base}/s/{token}"),
        api_url: format!("{base}/v1/shared/{token}"),
        token,
        role: link.role,
        expires_at: link.expires_at,
        max_uses: link.max_uses,
    })
}

/// Lists a playlist's links (owner only).
pub async fn list(state: &dyn SharingDeps, caller: &User, id: &str) -> Result<Vec<ShareLinkDto>, ApiError> {
    load(state, Some(caller), id, Action::Manage).await?;
    let mut links: Vec<ShareLinkDto> = state.store().links_for(id).await?.iter().map(ShareLinkDto::from).collect();
    for link in &mut links {
        // Visits this replica has not written yet count too.
        link.visits += state.visits().pending(&link.link_id);
    }
    Ok(links)
}

/// Revokes a link at once (owner only).
pub async fn revoke(state: &dyn SharingDeps, caller: &User, id: &str, link_id: &str) -> Result<(), ApiError> {
    load(state, Some(caller), id, Action::Manage).await?;
    if !state.store().revoke_link(id, link_id).await? {
        return Err(ApiError::not_found("link_not_found", "no such share link"));
    }
    Ok(())
}

/// Finds an active link and its playlist; every failure is the same 404.
async fn active(state: &dyn SharingDeps, token: &str) -> Result<(ShareLink, Playlist), ApiError> {
    if token.is_empty() || token.len() > 128 {
        return Err(not_found());
    }
    let link = state.store().link_by_token(&hash_token(token)).await?.ok_or_else(not_found)?;
    if link.state(Utc::now()) != "active" {
        return Err(not_found());
    }
    let playlist = state.store().playlist(&link.playlist_id).await?.ok_or_else(not_found)?;
    Ok((link, playlist))
}

/// Reads the playlist a link opens (no account needed); counts the visit.
pub async fn open(state: &dyn SharingDeps, token: &str) -> Result<(ShareLink, Playlist), ApiError> {
    let (link, playlist) = active(state, token).await?;
    state.visits().count(&link.link_id);
    Ok((link, playlist))
}

/// A join that granted nothing does not use the link up.
async fn give_back_use(state: &dyn SharingDeps, link: &ShareLink) {
    if let Err(e) = state.store().return_link_use(&link.link_id).await {
        tracing::warn!(error = %e, "a share-link use was not given back");
    }
}

/// Makes the caller a collaborator with the link's role (never lowering a role they have).
pub async fn join(state: &dyn SharingDeps, caller: &User, token: &str) -> Result<(String, Access), ApiError> {
    let (link, playlist) = active(state, token).await?;
    let current = access(&playlist.meta, Some(caller));
    let already = match current {
        Access::Owner => true,
        Access::Collaborator(role) => role >= link.role,
        Access::Stranger => false,
    };
    if already {
        return Ok((playlist.meta.id, current));
    }
    if !state.store().use_link(&link.link_id, link.max_uses).await? {
        return Err(not_found());
    }
    let max = state.config().sharing.max_collaborators;
    let joined = write::modify_as(state, caller, &link.playlist_id, "join", |p| {
        // Decided on the state being changed: a role is never lowered, even by a race.
        match access(&p.meta, Some(caller)) {
            Access::Owner => Ok(false),
            Access::Collaborator(role) if role >= link.role => Ok(false),
            _ => grant_within(&mut p.meta, caller, link.role, max),
        }
    })
    .await;
    let playlist = match joined {
        Ok((playlist, true)) => playlist,
        Ok((playlist, false)) => {
            give_back_use(state, &link).await;
            playlist
        }
        Err(e) => {
            give_back_use(state, &link).await;
            return Err(e);
        }
    };
    Ok((playlist.meta.id.clone(), access(&playlist.meta, Some(caller))))
}
