//! Long platform work is a run, not a request (issue 30, item 10): a push that cannot finish
//! within `jobs.request_wait_ms` answers 202 with a run to follow, goes on, keeps every catalog
//! search as it makes it, and a second push searches nothing again.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{eventually, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::FakeLastfm,
    platform_fakes::FakePlatforms,
    spotify_link::{configure, link},
};

const TRACKS: usize = 20;

/// A playlist of `TRACKS` matched tracks without Spotify links: each needs a catalog search.
async fn unlinked(app: &TestApp, user: &TestUser) -> String {
    let mut csv = String::from("artist,title\n");
    for n in 0..TRACKS {
        csv.push_str(&format!("Band {n},Song {n}\n"));
    }
    let r = app.as_user(user, Method::POST, "/v1/playlists/import?format=csv").body(csv).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["playlist"]["id"].as_str().unwrap().to_owned();
    eventually(20, "every item matched", || async {
        let p = app.get_playlist(user, &id).await;
        p["items"].as_array().unwrap().iter().all(|i| i["match"]["status"] == "matched").then_some(())
    })
    .await;
    id
}

/// Starts a push, which must answer 202 with its run; returns the run's address.
async fn push_started(app: &TestApp, user: &TestUser, id: &str) -> String {
    let r = app
        .as_user(user, Method::POST, &format!("/v1/playlists/{id}/push"))
        .json(&json!({"platform": "spotify"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let run: Value = r.json().await.unwrap();
    assert_eq!(run["status"], "running");
    assert_eq!(location, format!("/v1/push-runs/{}", run["id"].as_str().unwrap()));
    location
}

/// Follows the run at `location` (a push's or an import's) until it ends, polling within the
/// per-user rate limit.
pub(crate) async fn finished(app: &TestApp, user: &TestUser, location: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let run = app.get_json(user, location).await;
        if run["status"] != "running" {
            return run;
        }
        assert!(std::time::Instant::now() < deadline, "the run did not finish: {run}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Spotify catalog searches saved (other platforms' link searches run in the background too).
async fn cached_searches(app: &TestApp) -> usize {
    let keys = app.store.store.record_keys("platform_link", None, 1000).await.unwrap();
    keys.iter().filter(|k| k.starts_with("spotify")).count()
}

async fn a_push_longer_than_the_wait_is_a_run_that_keeps_its_searches_as_it_goes(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
        c.spotify.requests_per_second = 4; // 20 searches: about 5 s at Spotify's pace here
        c.jobs.request_wait_ms = 0; // answer at once
        c.jobs.in_process = false; // no background link searches: the push makes every one
    })
    .await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let id = unlinked(&app, &alice).await;

    let location = push_started(&app, &alice, &id).await;
    // While it runs, what it searched is already saved, and the run says how far it got.
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let midway = loop {
        let run = app.get_json(&alice, &location).await;
        let kept = cached_searches(&app).await;
        let searched = run["searched"].as_u64().unwrap_or(0) as usize;
        seen.push((run["status"].to_string(), searched, kept));
        if run["status"] == "running" && searched > 0 && kept > 0 && kept < TRACKS {
            break kept;
        }
        assert!(
            std::time::Instant::now() < deadline && run["status"] == "running",
            "progress saved while running: {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await; // polls within the rate limit
    };
    assert!(midway < TRACKS);
    // A second push meanwhile is refused, naming the run to follow.
    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/push"))
        .json(&json!({"platform": "spotify"}))
        .send()
        .await
        .unwrap();
    let body = crate::helpers::assert_error(r, 409, "push_running").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("/v1/push-runs/"), "{body}");

    let run = finished(&app, &alice, &location).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["searched"], TRACKS);
    assert_eq!(run["report"]["created"], true, "{run}");
    assert_eq!(cached_searches(&app).await, TRACKS, "every search kept");
    assert_eq!(fake.calls("/spotify/v1/search"), TRACKS, "each track searched once");

    // Pushing again searches nothing again.
    let again = finished(&app, &alice, &push_started(&app, &alice, &id).await).await;
    assert_eq!(again["status"], "succeeded", "{again}");
    assert_eq!(fake.calls("/spotify/v1/search"), TRACKS, "the searches were kept");
    // Runs are their starter's alone.
    let bob = app.user("bob").await;
    let r = app.as_user(&bob, Method::GET, &location).send().await.unwrap();
    crate::helpers::assert_error(r, 404, "push_run_not_found").await;
}

/// A run whose process stopped (no progress saved for a while) reads as `interrupted`.
async fn a_run_whose_process_stopped_is_interrupted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let user_id = app.get_json(&alice, "/v1/me").await["id"].as_str().unwrap().to_owned();
    let stale = chrono::Utc::now() - chrono::TimeDelta::minutes(1);
    let run = json!({"id": "r1", "playlist_id": "p1", "status": "running", "searched": 7,
        "started_at": stale, "updated_at": stale});
    let key = format!("{user_id}\u{1e}r1");
    let at = sharify::storage::records::RecordKey { kind: "push_run", owner: &user_id, key: &key };
    app.store.store.put_record(at, &run.to_string(), None).await.unwrap();
    let seen = app.get_json(&alice, "/v1/push-runs/r1").await;
    assert_eq!(seen["status"], "interrupted", "{seen}");
    assert_eq!(seen["searched"], 7);
}

crate::on_both_backends!(
    a_push_longer_than_the_wait_is_a_run_that_keeps_its_searches_as_it_goes,
    a_run_whose_process_stopped_is_interrupted,
);
