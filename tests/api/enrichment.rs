//! Last.fm enrichment against the fake: retries, outages, coalescing, caching, the rate limiter,
//! the breaker, and running without an API key.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, eventually, states, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::{FakeLastfm, Fault},
};

fn tracks(prefix: &str, n: usize) -> Value {
    json!({"tracks": (0..n).map(|i| json!({"artist": format!("{prefix} artist {i}"), "title": format!("song {i}")})).collect::<Vec<_>>()})
}

async fn add(app: &TestApp, user: &TestUser, id: &str, body: &Value) -> Value {
    let r = app.as_user(user, Method::POST, &format!("/v1/playlists/{id}/items")).json(body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn all_enriched(app: &TestApp, user: &TestUser, id: &str, n: usize) -> Value {
    eventually(20, "every item enriched", || async {
        let p = app.get_playlist(user, id).await;
        (states(&p).len() == n && states(&p).iter().all(|s| s == "enriched")).then_some(p)
    })
    .await
}

async fn fifty_tracks_end_enriched_when_a_third_of_calls_fail(backend: Backend) {
    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::EveryNth { n: 3, code: 16 });
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "flaky"})).await;
    add(&app, &alice, &id, &tracks("flaky", 50)).await;
    let p = all_enriched(&app, &alice, &id, 50).await;
    assert!(fake.calls("track.getInfo") > 50, "failed calls were retried");
    assert!(p["items"].as_array().unwrap().iter().all(|i| i["meta"]["title"].is_string()));
}

async fn an_outage_never_fails_the_add_and_pending_items_finish_later(backend: Backend) {
    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::Html);
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "outage"})).await;
    let out = add(&app, &alice, &id, &tracks("outage", 10)).await;
    let added = out["added"].as_array().unwrap();
    assert_eq!(added.len(), 10);
    assert!(added.iter().all(|i| i["enrichment"] == "pending"), "{out}");
    fake.set_fault(Fault::None);
    let p = all_enriched(&app, &alice, &id, 10).await;
    assert_eq!(p["items"][0]["meta"]["artist"], "Outage Artist 0", "canonical names from Last.fm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_lookups_of_one_uncached_track_make_one_upstream_call() {
    let fake = FakeLastfm::start().await;
    fake.set_latency(Duration::from_millis(300));
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let lookups = (0..50)
        .map(|_| app.as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=Daft%20Punk&title=Veridis%20Quo").send());
    let mut bodies: Vec<Value> = vec![];
    for r in futures::future::join_all(lookups).await {
        let r = r.unwrap();
        assert_eq!(r.status(), 200);
        bodies.push(r.json().await.unwrap());
    }
    assert!(bodies.iter().all(|b| b == &bodies[0] && b["title"] == "Veridis Quo"));
    assert_eq!(fake.calls("track.getInfo"), 1);
}

async fn readding_cached_tracks_makes_no_upstream_calls(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let first = app.playlist(&alice, json!({"name": "first"})).await;
    add(&app, &alice, &first, &tracks("cached", 100)).await;
    all_enriched(&app, &alice, &first, 100).await;
    let calls = fake.calls("track.getInfo");
    assert_eq!(calls, 100);
    let second = app.playlist(&alice, json!({"name": "second"})).await;
    let out = add(&app, &alice, &second, &tracks("cached", 100)).await;
    assert!(out["added"].as_array().unwrap().iter().all(|i| i["enrichment"] == "enriched"));
    assert_eq!(fake.calls("track.getInfo"), calls, "no upstream call for cached tracks");
}

crate::on_both_backends!(
    fifty_tracks_end_enriched_when_a_third_of_calls_fail,
    an_outage_never_fails_the_add_and_pending_items_finish_later,
    readding_cached_tracks_makes_no_upstream_calls,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_rate_limiter_holds_across_a_burst_of_cold_lookups() {
    let fake = FakeLastfm::start().await;
    let (rate, burst) = (20.0, 5);
    let app = TestApp::spawn_with(Backend::Embedded, |c| {
        use_fake_lastfm(c, &fake);
        c.lastfm.rate_per_sec = rate;
        c.lastfm.burst = burst;
        c.lastfm.enrich_budget_ms = 30_000;
    })
    .await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "limited"})).await;
    add(&app, &alice, &id, &tracks("limited", 100)).await;
    all_enriched(&app, &alice, &id, 100).await;
    let times = fake.call_times();
    assert_eq!(times.len(), 100);
    let max_in_any_second = times
        .iter()
        .map(|start| {
            times.iter().filter(|t| **t >= *start && t.duration_since(*start) < Duration::from_secs(1)).count()
        })
        .max()
        .unwrap();
    assert!(max_in_any_second <= rate as usize + burst as usize, "{max_in_any_second} calls in one second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn track_metadata_is_complete_and_autocorrected_names_share_the_cache() {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let r = app
        .as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=marble%20coast&title=tidal%20lines")
        .send()
        .await
        .unwrap();
    let meta: Value = r.json().await.unwrap();
    assert_eq!((&meta["artist"], &meta["title"]), (&json!("Marble Coast"), &json!("Tidal Lines")));
    assert_eq!(meta["duration_ms"], 243_000);
    assert_eq!(meta["album"], "Lanterns Over Water (Live)");
    assert_eq!(meta["mbid"].as_str().map(str::len), Some(36));
    assert!(meta["url"].as_str().unwrap().starts_with("https://www.last.fm/music/Marble+Coast"));
    assert!(meta["image"].as_str().unwrap().contains("300x300"));
    assert!(meta["listeners"].is_u64() && meta["playcount"].is_u64() && meta["enriched_at"].is_string());
    assert_eq!(meta["tags"].as_array().unwrap().len(), 5);
    // The canonical spelling was cached too: no new call.
    let r = app
        .as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=Marble%20Coast&title=Tidal%20Lines")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(fake.calls("track.getInfo"), 1);
    // Generated tracks keep at most five tags.
    let r = app.as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=a&title=b").send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["tags"].as_array().unwrap().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unknown_tracks_are_404_and_marked_not_found_on_items() {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    for q in ["artist=Unknown%20Band&title=x", "artist=Fake%20Artist&title=Fake%20Track"] {
        let r = app.as_user(&alice, Method::GET, &format!("/v1/tracks/lookup?{q}")).send().await.unwrap();
        assert_error(r, 404, "track_not_found").await;
    }
    let id = app.playlist(&alice, json!({"name": "nf"})).await;
    let out = add(
        &app,
        &alice,
        &id,
        &json!({"tracks": [{"artist": "Unknown Band", "title": "x"}, {"artist": "Known", "title": "y"}]}),
    )
    .await;
    let got: Vec<&str> = out["added"].as_array().unwrap().iter().map(|i| i["enrichment"].as_str().unwrap()).collect();
    assert_eq!(got, ["not_found", "enriched"]);
    assert_eq!(fake.calls("track.getInfo"), 3, "the not-found answer was cached");
    let r = app.as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=&title=x").send().await.unwrap();
    assert_error(r, 400, "invalid_query").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_breaker_stops_calls_after_repeated_failures_and_permanent_errors_are_not_retried() {
    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::Http500);
    let app = TestApp::spawn_with(Backend::Embedded, |c| {
        use_fake_lastfm(c, &fake);
        c.lastfm.breaker_failures = 3;
        c.lastfm.breaker_cooldown_ms = 60_000;
    })
    .await;
    let alice = app.user("alice").await;
    for i in 0..5 {
        let r =
            app.as_user(&alice, Method::GET, &format!("/v1/tracks/lookup?artist=a{i}&title=b")).send().await.unwrap();
        assert_error(r, 503, "enrichment_unavailable").await;
    }
    assert_eq!(fake.total_calls(), 3, "3 attempts, then the open breaker refuses without calling");

    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::Always { code: 26 });
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    for i in 0..3 {
        let r =
            app.as_user(&alice, Method::GET, &format!("/v1/tracks/lookup?artist=x{i}&title=y")).send().await.unwrap();
        assert_error(r, 503, "enrichment_unavailable").await;
    }
    assert_eq!(fake.total_calls(), 3, "a suspended key is not retried");
    let logs = crate::helpers::captured_logs();
    assert_eq!(logs.matches("LAST.FM REJECTS THE API KEY").count(), 1, "logged once, loudly");
    assert!(!logs.contains(crate::lastfm_fake::FAKE_KEY), "the API key never reaches the logs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_an_api_key_items_are_unenriched_and_lookups_503() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "plain"})).await;
    let out = add(&app, &alice, &id, &tracks("plain", 3)).await;
    assert!(out["added"].as_array().unwrap().iter().all(|i| i["enrichment"] == "unenriched" && i["meta"].is_null()));
    let r = app.as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=a&title=b").send().await.unwrap();
    assert_error(r, 503, "enrichment_unavailable").await;
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items/refresh")).send().await.unwrap();
    assert_error(r, 503, "enrichment_unavailable").await;
    assert_eq!(app.request(Method::GET, "/readyz").send().await.unwrap().status(), 200);
    assert!(crate::helpers::captured_logs().contains("no Last.fm API key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_entries_are_served_then_refreshed_in_the_background() {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let key = sharify::playlists::normalize::track_key("Old Band", "Old Song");
    let stale_at = sharify::ids::now() - chrono::Duration::days(40);
    let mut meta: sharify::tracks::model::TrackMeta = serde_json::from_value(json!({
        "artist": "Old Band", "title": "Old Song", "album": null, "duration_ms": null, "mbid": null, "url": null,
        "tags": [], "listeners": 1, "playcount": 1, "image": null, "enriched_at": stale_at}))
    .unwrap();
    meta.listeners = Some(1);
    let entry = sharify::tracks::model::CachedTrack {
        key: key.clone(),
        meta: Some(meta),
        alternatives: vec![],
        fetched_at: stale_at,
    };
    app.store.store.put_cached_track(std::slice::from_ref(&key), &entry).await.unwrap();
    let r =
        app.as_user(&alice, Method::GET, "/v1/tracks/lookup?artist=Old%20Band&title=Old%20Song").send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["listeners"], 1, "the stale entry is served at once");
    eventually(10, "the stale entry refreshed", || async {
        let got = app.store.store.cached_tracks(std::slice::from_ref(&key)).await.unwrap();
        got.first().and_then(|c| c.meta.as_ref()).is_some_and(|m| m.listeners == Some(12345)).then_some(())
    })
    .await;
    assert_eq!(fake.calls("track.getInfo"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_requeues_items_and_search_returns_hits() {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "refresh"})).await;
    add(&app, &alice, &id, &tracks("refresh", 3)).await;
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items/refresh")).send().await.unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap()["pending"], 3);
    all_enriched(&app, &alice, &id, 3).await;
    let r = app.as_user(&alice, Method::GET, "/v1/tracks/search?q=kvelertak&limit=5").send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert!(!body["tracks"].as_array().unwrap().is_empty() && body["total"].as_u64().unwrap() > 0, "{body}");
    let r = app.as_user(&alice, Method::GET, "/v1/tracks/search?q=x&limit=500").send().await.unwrap();
    assert_error(r, 400, "invalid_query").await;
}
