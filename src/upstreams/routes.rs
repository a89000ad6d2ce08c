//! `GET /v1/status`: how the upstreams are doing, for signed-in users.

use axum::{extract::State, Json};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::UpstreamState;
use crate::{app::AppState, auth::AuthUser, error::ApiError, http::api_errors::NeedsAuth};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status))
}

/// The service's status as it concerns you.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceStatus {
    /// `ok` when every configured upstream answers, else `degraded`.
    pub status: String,
    /// Each upstream and how it is doing.
    pub upstreams: Vec<UpstreamState>,
}

/// Which upstream services answer: Last.fm's outages (since when) or that it is not configured.
#[utoipa::path(get, path = "/v1/status", tag = "users", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "How the upstreams are doing", body = ServiceStatus), NeedsAuth))]
async fn status(State(state): State<AppState>, _caller: AuthUser) -> Result<Json<ServiceStatus>, ApiError> {
    let upstreams = (super::report(state.tracks.clone()))();
    let degraded = upstreams.iter().any(|u| u.state == super::Condition::Degraded);
    Ok(Json(ServiceStatus { status: if degraded { "degraded" } else { "ok" }.into(), upstreams }))
}
