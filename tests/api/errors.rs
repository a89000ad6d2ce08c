//! Every error path answers the one JSON error body with the request id; bad input never panics.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_error, Backend, TestApp};

#[tokio::test(flavor = "multi_thread")]
async fn malformed_bodies_get_clear_json_errors() {
    let app = TestApp::spawn_with(Backend::Embedded, |c| c.http.body_limit_bytes = 64 * 1024).await;
    let alice = app.user("alice").await;
    let post = |body: Vec<u8>, content_type: Option<&str>| {
        let mut r = app.as_user(&alice, Method::POST, "/v1/playlists").body(body);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        r.send()
    };
    let json_ct = Some("application/json");
    assert_error(post(b"{\"name\": ".to_vec(), json_ct).await.unwrap(), 400, "malformed_json").await;
    assert_error(post(b"".to_vec(), json_ct).await.unwrap(), 400, "malformed_json").await;
    assert_error(post(b"[1,2]".to_vec(), json_ct).await.unwrap(), 422, "invalid_body").await;
    assert_error(post(b"{\"name\": \"\xff\xfe\"}".to_vec(), json_ct).await.unwrap(), 400, "malformed_json").await;
    assert_error(post(b"{\"name\": \"ok\"}".to_vec(), None).await.unwrap(), 415, "unsupported_media_type").await;
    assert_error(
        post(b"name=ok".to_vec(), Some("application/x-www-form-urlencoded")).await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    let huge = serde_json::to_vec(&json!({"name": "x", "description": "y".repeat(100 * 1024)})).unwrap();
    assert_error(post(huge, json_ct).await.unwrap(), 413, "payload_too_large").await;
    let body = assert_error(
        post(b"{\"name\": \"x\", \"colour\": \"red\"}".to_vec(), json_ct).await.unwrap(),
        422,
        "invalid_body",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("unknown field `colour`"), "{body}");
    let body = assert_error(post(b"{\"name\": 12}".to_vec(), json_ct).await.unwrap(), 422, "invalid_body").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("invalid type"), "{body}");
    let id = app.playlist(&alice, json!({"name": "p"})).await;
    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items"))
        .json(&json!({"tracks": [{"artist": "a", "title": "b"}], "position": 1e30}))
        .send()
        .await
        .unwrap();
    assert_error(r, 422, "invalid_body").await;
    let listed: serde_json::Value =
        app.as_user(&alice, Method::GET, "/v1/playlists").send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["playlists"].as_array().unwrap().len(), 1, "no bad request stored anything");
}

#[tokio::test(flavor = "multi_thread")]
async fn absurd_pagination_and_bad_parameters_are_rejected() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "p"})).await;
    for query in [
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=99999999999999999999999",
        "limit=abc",
        "limit=1.5",
        "cursor=%%%",
        "cursor=bm9wZQ",
        "limit=",
    ] {
        let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists?{query}")).send().await.unwrap();
        let code = if query.starts_with("cursor") { "invalid_cursor" } else { "invalid_query" };
        assert_error(r, 400, code).await;
        let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/items?{query}")).send().await.unwrap();
        assert_error(r, 400, code).await;
    }
    let r = app
        .as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/items?cursor=bzE4NDQ2NzQ0MDczNzA5NTUxNjE1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an offset past the end is an empty page, not a panic");
    for bad in ["not-an-id", "%00", "..%2F..", &"a".repeat(5000)] {
        let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{bad}")).send().await.unwrap();
        assert_error(r, 404, "playlist_not_found").await;
    }
    let r = app
        .as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
        .header("if-match", "banana")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_if_match").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_methods_get_json_errors_and_request_ids_propagate() {
    let app = TestApp::spawn(Backend::Embedded).await;
    assert_error(app.request(Method::GET, "/nope").send().await.unwrap(), 404, "route_not_found").await;
    assert_error(app.request(Method::GET, "/v1/playlists/a/b/c/d").send().await.unwrap(), 404, "route_not_found").await;
    let r = app.request(Method::PUT, "/v1/me").send().await.unwrap();
    assert_error(r, 405, "method_not_allowed").await;
    let r = app.request(Method::GET, "/v1/me").header("x-request-id", "trace-me-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-123");
    let body = assert_error(r, 401, "unauthorized").await;
    assert_eq!(body["error"]["request_id"], "trace-me-123");
}
