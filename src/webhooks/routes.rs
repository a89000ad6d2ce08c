//! `/v1/playlists/{id}/webhooks`: subscribe a URL to a playlist's changes (owner and editors).

use axum::{extract::State, http::StatusCode, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{signing, target, Delivery, DeliveryState, HookSecret, Webhook, EVENTS};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::{JsonBodyErrors, NeedsAuth},
        extract::{ApiJson, ApiPath},
    },
    ids,
    playlists::{access::Action, write},
};

/// Hooks a playlist may have.
const HOOKS_PER_PLAYLIST: usize = 10;
/// How long a rotated-out secret still signs.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_hook, list_hooks))
        .routes(routes!(get_hook, delete_hook))
        .routes(routes!(rotate_secret))
        .routes(routes!(list_deliveries))
}

/// A new hook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHook {
    /// An https:// URL at a public address.
    pub url: String,
    /// Event names (`items.added`, …) or `*`.
    pub events: Vec<String>,
}

/// A hook as shown (its secret only when created or rotated).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HookDto {
    /// Its id.
    pub id: String,
    /// Where events go.
    pub url: String,
    /// The events it gets.
    pub events: Vec<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The signing secret: shown once, keep it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Where deliveries stand; `disabled` says why it stopped.
    pub delivery: DeliveryState,
}

fn dto(hook: &Webhook, delivery: DeliveryState, secret: Option<String>) -> HookDto {
    HookDto {
        id: hook.id.clone(),
        url: hook.url.clone(),
        events: hook.events.clone(),
        created_at: hook.created_at,
        secret,
        delivery,
    }
}

/// A playlist's hooks.
#[derive(Debug, Serialize, ToSchema)]
pub struct HookList {
    /// Oldest first.
    pub webhooks: Vec<HookDto>,
}

/// A new secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedSecret {
    /// The new secret (shown once).
    pub secret: String,
    /// Until when the previous one still signs too.
    pub previous_valid_until: DateTime<Utc>,
}

/// A hook's latest deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    /// Newest first (a week is kept).
    pub deliveries: Vec<Delivery>,
}

async fn editable(state: &AppState, caller: &AuthUser, id: &str) -> Result<(), ApiError> {
    write::load(state, Some(&caller.user), id, Action::Edit).await.map(|_| ())
}

/// Subscribes a URL to this playlist's change events (owner and editors). The answer carries the
/// signing secret, once. Deliveries are signed as Standard Webhooks prescribes (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`); see the README for how a receiver verifies.
#[utoipa::path(post, path = "/v1/playlists/{id}/webhooks", tag = "sharing", request_body = NewHook,
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 201, description = "The hook, with its secret", body = HookDto), JsonBodyErrors, NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist", body = ErrorEnvelope),
        (status = 409, description = "The playlist has the most hooks allowed", body = ErrorEnvelope)))]
async fn create_hook(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<NewHook>,
) -> Result<(StatusCode, Json<HookDto>), ApiError> {
    let playlist = write::load(&state, Some(&caller.user), &id, Action::Edit).await?;
    if body.events.is_empty()
        || body.events.len() > 20
        || !body.events.iter().all(|e| e == "*" || EVENTS.contains(&e.as_str()))
    {
        return Err(ApiError::invalid(
            "invalid_events",
            format!("events must be some of {} or \"*\"", EVENTS.join(", ")),
        ));
    }
    let url = target::check(&body.url, state.config.webhooks.allow_insecure_targets).await?;
    if super::of_playlist(&state, &id).await?.len() >= HOOKS_PER_PLAYLIST {
        return Err(ApiError::conflict(
            "too_many_webhooks",
            format!("a playlist has at most {HOOKS_PER_PLAYLIST} webhooks"),
        ));
    }
    let secret = signing::new_secret();
    let hook = Webhook {
        id: ids::new_id(),
        playlist_id: id,
        url: url.to_string(),
        events: body.events,
        created_by: caller.user.id.clone(),
        created_at: Utc::now(),
        secrets: vec![HookSecret { secret: secret.clone(), sealed: None, valid_until: None }],
    };
    // Events from the next change on.
    let start = DeliveryState { version: playlist.meta.version, ..DeliveryState::default() };
    super::save_state(&state, &hook, &start).await?;
    super::save(&state, &hook).await?;
    Ok((StatusCode::CREATED, Json(dto(&hook, start, Some(secret)))))
}

/// This playlist's hooks (owner and editors).
#[utoipa::path(get, path = "/v1/playlists/{id}/webhooks", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Its hooks", body = HookList), NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist", body = ErrorEnvelope)))]
async fn list_hooks(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<HookList>, ApiError> {
    editable(&state, &caller, &id).await?;
    let mut webhooks = Vec::new();
    for hook in super::of_playlist(&state, &id).await? {
        let st = super::state_of(&state, &hook.id).await?;
        webhooks.push(dto(&hook, st, None));
    }
    Ok(Json(HookList { webhooks }))
}

/// One hook and where its deliveries stand.
#[utoipa::path(get, path = "/v1/playlists/{id}/webhooks/{hook_id}", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("hook_id" = String, Path, description = "Hook id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The hook", body = HookDto), NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist or hook", body = ErrorEnvelope)))]
async fn get_hook(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, hook_id)): ApiPath<(String, String)>,
) -> Result<Json<HookDto>, ApiError> {
    editable(&state, &caller, &id).await?;
    let hook = super::get(&state, &id, &hook_id).await?;
    Ok(Json(dto(&hook, super::state_of(&state, &hook.id).await?, None)))
}

/// Deletes a hook: nothing more is sent to it.
#[utoipa::path(delete, path = "/v1/playlists/{id}/webhooks/{hook_id}", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("hook_id" = String, Path, description = "Hook id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 204, description = "Deleted"), NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist or hook", body = ErrorEnvelope)))]
async fn delete_hook(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, hook_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    editable(&state, &caller, &id).await?;
    let hook = super::get(&state, &id, &hook_id).await?;
    super::delete(&state, &hook).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new signing secret; for 24 hours deliveries carry a signature by each, so receivers can
/// switch without losing one.
#[utoipa::path(post, path = "/v1/playlists/{id}/webhooks/{hook_id}/rotate-secret", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("hook_id" = String, Path, description = "Hook id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The new secret", body = RotatedSecret), NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist or hook", body = ErrorEnvelope)))]
async fn rotate_secret(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, hook_id)): ApiPath<(String, String)>,
) -> Result<Json<RotatedSecret>, ApiError> {
    editable(&state, &caller, &id).await?;
    let mut hook = super::get(&state, &id, &hook_id).await?;
    let until = Utc::now() + chrono::Duration::hours(ROTATION_OVERLAP_HOURS);
    let secret = signing::new_secret();
    let previous =
        hook.secrets.first().map(|s| HookSecret { secret: s.secret.clone(), sealed: None, valid_until: Some(until) });
    hook.secrets = std::iter::once(HookSecret { secret: secret.clone(), sealed: None, valid_until: None })
        .chain(previous)
        .collect();
    super::save(&state, &hook).await?;
    Ok(Json(RotatedSecret { secret, previous_valid_until: until }))
}

/// A hook's latest delivery attempts: event, `webhook-id`, attempt, status, error.
#[utoipa::path(get, path = "/v1/playlists/{id}/webhooks/{hook_id}/deliveries", tag = "sharing",
    params(("id" = String, Path, description = "Playlist id"), ("hook_id" = String, Path, description = "Hook id")),
    security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Newest first", body = DeliveryList), NeedsAuth,
        (status = 403, description = "Only owners and editors manage hooks", body = ErrorEnvelope),
        (status = 404, description = "No such playlist or hook", body = ErrorEnvelope)))]
async fn list_deliveries(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath((id, hook_id)): ApiPath<(String, String)>,
) -> Result<Json<DeliveryList>, ApiError> {
    editable(&state, &caller, &id).await?;
    let hook = super::get(&state, &id, &hook_id).await?;
    Ok(Json(DeliveryList { deliveries: super::deliveries(&state, &hook.id, 100).await? }))
}
