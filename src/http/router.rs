//! Builds the whole router (used by production and tests alike).

use std::time::Duration;

use axum::{
    extract::{DefaultBodyLimit, MatchedPath, Request},
    middleware, Extension, Router,
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use super::{errors, health, openapi, rate_limit};
use crate::{app::AppState, auth, formats, legacy, matching, playlists, sharing, tracks, users};

/// Every feature's routes with their OpenAPI operations (one source for both).
pub fn api_routes(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(users::routes::router())
        .merge(auth::routes::router())
        .merge(playlists::routes::router())
        .merge(playlists::items_routes::router())
        .merge(formats::routes::router())
        .merge(formats::import_routes::router())
        .merge(formats::import_runs::router())
        .merge(matching::routes::router())
        .merge(crate::connections::routes::router())
        .merge(crate::push::routes::router())
        .merge(crate::schedules::routes::router())
        .merge(crate::jobs::routes::router())
        .merge(crate::listens::routes::router())
        .merge(crate::notifications::routes::router())
        .merge(crate::upstreams::routes::router())
        .merge(tracks::routes::router())
        .merge(sharing::collaborators_routes::router())
        .merge(sharing::links_routes::router())
        .merge(sharing::sync_routes::router())
        .merge(sharing::history_routes::router())
        .merge(sharing::changes_routes::router())
        .merge(crate::webhooks::routes::router())
        .merge(crate::library::routes::router())
        .merge(crate::organise::routes::router())
        .merge(sharing::page::router())
        .merge(health::router())
        .merge(openapi::router())
        .merge(super::api_docs::router())
        .merge(legacy::routes::router(state.clone()))
}

/// The application: routes, fallback and the middleware stack.
pub fn build_router(state: AppState) -> Router {
    let (routes, doc) = api_routes(&state).split_for_parts();
    let metrics = state.metrics.clone();
    let limits = rate_limit::AnonymousLimits {
        limiter: state.anonymous_limiter.clone(),
        trusted_proxies: state.trusted_proxies.clone(),
    };
    let body_limit = state.config.http.body_limit_bytes;
    let timeout = Duration::from_secs(state.config.http.request_timeout_secs);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
            let headers = request.headers();
            let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            let user_agent = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("");
            let (trace_id, span_id) = crate::telemetry::trace_ids(headers);
            tracing::info_span!(
                "request",
                http.method = %request.method(),
                http.route = route,
                http.user_agent = user_agent,
                http.protocol = ?request.version(),
                request_id,
                trace_id = trace_id.as_deref(),
                span_id = span_id.as_deref(),
            )
        })
        .on_request(())
        .on_response(|response: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
            tracing::info!(
                http.status = response.status().as_u16(),
                http.latency_s = latency.as_secs_f64(),
                "request completed"
            );
        });
    let openapi_json = openapi::OpenApiJson::new(&doc);
    routes.merge(crate::web::router()).fallback(errors::route_not_found).with_state(state).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(trace)
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(middleware::from_fn_with_state(metrics, crate::metrics::track_requests))
            .layer(middleware::from_fn(errors::render_errors))
            .layer(middleware::from_fn_with_state(limits, rate_limit::limit_and_report))
            .layer(CatchPanicLayer::custom(errors::panic_response))
            .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
            .layer(Extension(super::api_docs::ApiDocsHtml::new(openapi_json.0.clone())))
            .layer(Extension(openapi_json))
            .layer(DefaultBodyLimit::max(body_limit)),
    )
}
