//! `/healthz` (process alive) and `/readyz` (store reachable within 1 s, not shutting down; the
//! upstreams that are degraded or off as detail).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{
    extract::{FromRef, State},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{ApiError, ErrorEnvelope},
    storage::Store,
    upstreams::Condition,
};

/// What readiness looks at (taken from the application state with `FromRef`, so the probes do
/// not depend on the application module).
#[derive(Clone)]
pub struct Readiness {
    /// Set once shutdown begins.
    pub shutting_down: Arc<AtomicBool>,
    /// The store to ping.
    pub store: Arc<dyn Store>,
    /// The upstreams' states, reported as detail (they never make the service unready).
    pub upstreams: crate::upstreams::UpstreamReport,
}

/// Time the store has to answer a readiness ping.
pub const READY_BUDGET: Duration = Duration::from_secs(1);

/// Probe answer.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ProbeStatus {
    /// `ok` or `ready`.
    pub status: String,
    /// Readiness only: upstreams that are degraded or not configured (the service stays ready
    /// without them; what needs them waits or says why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstreams: Vec<crate::upstreams::UpstreamState>,
}

/// Routes of this feature.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Readiness: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

/// The probes as a plain router (for the admin listener).
pub fn probe_routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    Readiness: FromRef<S>,
{
    axum::Router::new().route("/healthz", axum::routing::get(healthz)).route("/readyz", axum::routing::get(readyz))
}

/// Liveness: the process is serving.
#[utoipa::path(get, path = "/healthz", tag = "probes", responses((status = 200, description = "Alive", body = ProbeStatus)))]
async fn healthz() -> Json<ProbeStatus> {
    Json(ProbeStatus { status: "ok".into(), upstreams: Vec::new() })
}

/// Readiness: the store answers within 1 s and the process is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "probes", responses(
    (status = 200, description = "Ready", body = ProbeStatus),
    (status = 503, description = "Not ready", body = ErrorEnvelope)))]
async fn readyz(State(state): State<Readiness>) -> Result<Json<ProbeStatus>, ApiError> {
    if state.shutting_down.load(Ordering::Relaxed) {
        return Err(ApiError::unavailable("shutting down"));
    }
    match tokio::time::timeout(READY_BUDGET, state.store.ping()).await {
        Ok(Ok(())) => {
            let upstreams = (state.upstreams)().into_iter().filter(|u| u.state != Condition::Ok).collect();
            Ok(Json(ProbeStatus { status: "ready".into(), upstreams }))
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: store ping failed");
            Err(ApiError::unavailable("store unreachable"))
        }
        Err(_) => Err(ApiError::unavailable("store did not answer within 1 s")),
    }
}
