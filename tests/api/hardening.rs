//! Bounded cost per request: password hashing, sign-ups, and no work before authorisation.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, use_fake_lastfm, Backend, TestApp},
    lastfm_fake::FakeLastfm,
};

const PASSWORD: &str = "correct horse battery";

async fn hashing_beyond_its_slots_answers_503_with_retry_after_and_locks_no_one_out(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.auth.hash_concurrency = 1;
        c.auth.hash_queue_ms = 1;
        c.auth.max_failures_per_user = 8;
    })
    .await;
    let alice = app.user("alice").await;
    // Eight wrong guesses at once: those that get no hashing slot must not count as failures.
    let logins = (0..8).map(|_| {
        app.request(Method::POST, "/v1/auth/tokens")
            .json(&json!({"username": "alice", "password": "wrong guess!"}))
            .send()
    });
    let answers = futures::future::join_all(logins).await;
    let mut busy = 0;
    for r in answers {
        let r = r.unwrap();
        if r.status() == 503 {
            assert!(r.headers().contains_key(header::RETRY_AFTER), "503 says when to come back");
            assert_error(r, 503, "unavailable").await;
            busy += 1;
        }
    }
    assert!(busy >= 1, "eight hashes at once with one slot and no queue: some must be refused");
    let r =
        app.request(Method::POST, "/v1/auth/tokens").json(&json!({"username": "alice", "password": alice.password}));
    assert_eq!(r.send().await.unwrap().status(), 201, "refused attempts did not count as failures (8 would lock)");
}

async fn sign_ups_are_limited_per_client_address(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.auth.signups_per_hour_per_ip = 2).await;
    let sign_up = |name: &str| {
        app.request(Method::POST, "/v1/users")
            .json(&json!({"username": name, "password": PASSWORD, "display_name": name}))
    };
    assert_eq!(sign_up("first").send().await.unwrap().status(), 201);
    assert_eq!(sign_up("second").send().await.unwrap().status(), 201);
    let r = sign_up("third").send().await.unwrap();
    assert!(r.headers().contains_key(header::RETRY_AFTER));
    assert_error(r, 429, "too_many_requests").await;
}

async fn adding_to_a_playlist_one_may_not_change_costs_no_lookup(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let (alice, mallory) = (app.user("alice").await, app.user("mallory").await);
    let private = app.playlist(&alice, json!({"name": "mine"})).await;
    let viewer_only = app.playlist(&alice, json!({"name": "public", "visibility": "public"})).await;
    let tracks: Vec<Value> = (0..50).map(|i| json!({"artist": "Spam", "title": format!("track {i}")})).collect();
    for (id, status) in [(&private, 404), (&viewer_only, 403)] {
        let r = app
            .as_user(&mallory, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": tracks}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status);
    }
    assert_eq!(fake.calls("track.getInfo"), 0, "refused adds looked nothing up");
}

crate::on_both_backends!(
    hashing_beyond_its_slots_answers_503_with_retry_after_and_locks_no_one_out,
    sign_ups_are_limited_per_client_address,
    adding_to_a_playlist_one_may_not_change_costs_no_lookup,
);
