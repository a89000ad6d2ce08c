//! Helpers for the scheduled-jobs tests: an app whose Last.fm is the fake with a small world,
//! schedule creation, running one now.
#![allow(dead_code)]

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{json, Value};
use sharify::config::Config;

use crate::{
    helpers::{use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::FakeLastfm,
    lastfm_world::World,
};

/// Artists of the test world: a band with a long name, typo targets, similar artists.
pub fn world() -> World {
    World {
        artists: vec![
            World::artist("Bruce Springsteen", 5_000_000, 12, &["Tom Petty", "John Mellencamp"]),
            World::artist("Bruce Springsteen & The E Street Band", 300_000, 3, &[]),
            World::artist("Radiohead", 7_000_000, 12, &["Thom Yorke", "Portishead"]),
            World::artist("Tom Petty", 3_000_000, 12, &["Bruce Springsteen"]),
            World::artist("John Mellencamp", 1_000_000, 12, &[]),
            World::artist("Thom Yorke", 1_500_000, 12, &["Radiohead"]),
            World::artist("Portishead", 2_500_000, 12, &["Massive Attack"]),
            World::artist("Massive Attack", 2_800_000, 12, &["Portishead"]),
        ],
        scrobbles: HashMap::new(),
        private: vec!["hiddenhistory".into()],
        now_playing: HashMap::new(),
    }
}

/// Scheduler settings for tests: short intervals allowed, quick ticks, short leases.
pub fn quick_jobs(c: &mut Config) {
    c.jobs.min_interval_secs = 1;
    c.jobs.tick_secs = 1;
    c.jobs.lease_secs = 3;
}

/// An app on `backend` with the Last.fm fake answering from `world()`.
pub async fn app_with_world(backend: Backend, tweak: impl FnOnce(&mut Config)) -> (TestApp, FakeLastfm) {
    let lastfm = FakeLastfm::start().await;
    lastfm.set_world(world());
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_lastfm(c, &lastfm);
        tweak(c);
    })
    .await;
    (app, lastfm)
}

/// Creates a schedule; returns its JSON (201 asserted).
pub async fn schedule(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let r = app.as_user(user, Method::POST, "/v1/schedules").json(&body).send().await.unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// Runs a schedule now, once `jobs.min_interval_secs` has passed since its last run (polled);
/// returns the run (200 asserted).
pub async fn run_now(app: &TestApp, user: &TestUser, id: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let r = app.as_user(user, Method::POST, &format!("/v1/schedules/{id}/run")).send().await.unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        if status == 429 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        }
        assert_eq!(status, 200, "{body}");
        return body;
    }
}

/// Links `username` as the user's Last.fm account.
pub async fn link_lastfm(app: &TestApp, user: &TestUser, username: &str) {
    let r = app
        .as_user(user, Method::PUT, "/v1/connections/lastfm")
        .json(&json!({"username": username}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// (artist, title) of each item.
pub fn tracks_of(playlist: &Value) -> Vec<(String, String)> {
    playlist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["artist"].as_str().unwrap().to_owned(), i["title"].as_str().unwrap().to_owned()))
        .collect()
}
