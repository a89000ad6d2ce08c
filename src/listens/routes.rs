//! `GET /v1/me/stats`.

use axum::{extract::State, Json};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::stats::{self, Period, Stats};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{api_errors::NeedsAuth, extract::ApiQuery},
};

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_stats))
}

/// Which period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// `7d`, `1m`, `3m`, `12m` or `all` (default `1m`).
    #[param(value_type = Option<String>)]
    pub period: Option<Period>,
}

/// Your listening stats from the listens you imported (a `listens` schedule): plays, unique
/// tracks and artists, top tracks, artists and tags, and plays by hour in your time zone.
#[utoipa::path(get, path = "/v1/me/stats", tag = "users", params(StatsQuery), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Your stats", body = Stats), NeedsAuth,
        (status = 400, description = "Unknown period", body = ErrorEnvelope)))]
async fn my_stats(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    Ok(Json(stats::compute(state.store.as_ref(), &caller.user, q.period.unwrap_or(Period::Month)).await?))
}
