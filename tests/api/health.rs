//! Probes: `/healthz` always answers; `/readyz` answers 503 within its budget when the store is down.

use std::{sync::Arc, time::Instant};

use axum::body::Body;
use reqwest::Method;
use sharify::{app::AppState, config::Config, http::build_router, storage::mongo::MongoStore};
use tower::ServiceExt;

use crate::helpers::{assert_error, Backend, TestApp};

#[tokio::test(flavor = "multi_thread")]
async fn probes_answer_when_the_store_is_up() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let r = app.request(Method::GET, "/healthz").send().await.unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    let r = app.request(Method::GET, "/readyz").send().await.unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

#[tokio::test(flavor = "multi_thread")]
async fn readyz_is_503_within_its_budget_when_the_store_is_unreachable() {
    // Nothing listens on port 1: the driver's server selection would take 5 s, readiness gives it 1 s.
    let store = MongoStore::connect("mongodb://127.0.0.1:1/?directConnection=true", "down").await.unwrap();
    let router = build_router(AppState::new(Config::default(), Arc::new(store)));
    let started = Instant::now();
    let request = axum::http::Request::get("/readyz").body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 503);
    assert!(elapsed.as_secs_f64() < 3.0, "readiness must give up after about 1 s, took {elapsed:?}");
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "unavailable");
    let request = axum::http::Request::get("/healthz").body(Body::empty()).unwrap();
    assert_eq!(router.oneshot(request).await.unwrap().status(), 200, "liveness does not depend on the store");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_path_parameters_get_a_json_400() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let r = app.as_user(&alice, Method::GET, "/v1/playlists/%FF%FE").send().await.unwrap();
    assert_error(r, 400, "invalid_path").await;
}
