//! `GET /v1/me/notifications`, `DELETE /v1/me/notifications/{id}`.

use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Notification;
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{api_errors::NeedsAuth, extract::ApiPath},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_notifications)).routes(routes!(dismiss_notification))
}

/// Your notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    /// Newest first.
    pub notifications: Vec<Notification>,
}

/// What needs your attention: schedules that paused themselves, linked accounts that stopped
/// working. Each stays until dismissed.
#[utoipa::path(get, path = "/v1/me/notifications", tag = "users", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your notifications", body = NotificationList), NeedsAuth))]
async fn list_notifications(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<Json<NotificationList>, ApiError> {
    Ok(Json(NotificationList { notifications: super::list(state.store.as_ref(), &caller.user.id).await? }))
}

/// Dismisses a notification.
#[utoipa::path(delete, path = "/v1/me/notifications/{id}", tag = "users", security(("bearer" = []), ("basic" = [])),
    params(("id" = String, Path, description = "The notification's id")),
    responses((status = 204, description = "Dismissed"), NeedsAuth,
        (status = 404, description = "No such notification", body = ErrorEnvelope)))]
async fn dismiss_notification(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    super::dismiss(state.store.as_ref(), &caller.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
