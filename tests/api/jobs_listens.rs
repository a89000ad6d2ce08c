//! Listening history: Last.fm scrobbles imported (every page, oldest first, the "now playing"
//! item left out, then only what is newer), Spotify's recently played (the recorded body), one
//! play seen by both counted once; stats per period in the user's time zone; discovery from
//! similar artists, leaving out what was heard.

use chrono::Utc;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, use_fake_lastfm, Backend, TestApp},
    jobs_common::{link_lastfm, run_now, schedule, tracks_of, world},
    lastfm_fake::FakeLastfm,
    lastfm_world::Scrobble,
    platform_fakes::FakePlatforms,
    spotify_link::{configure, link},
};

/// 450 scrobbles over the last 60 days (three pages of 200), newest an hour ago: Radiohead most,
/// then Portishead, then one Tom Petty song; and Muse's "Resistance" on 26 May 2017 at 23:43
/// (the start of a play Spotify's recorded body reports at its end, 23:46:34).
fn scrobbles() -> Vec<Scrobble> {
    // Whole hours, so two calls a moment apart give the same times.
    let now = Utc::now().timestamp() / 3600 * 3600;
    let mut out = Vec::new();
    for n in 0..450i64 {
        let at = now - 3600 - n * 3 * 3600;
        let (artist, title) = match n % 9 {
            0..=4 => ("Radiohead", format!("Radiohead Song {}", n % 3 + 1)),
            5..=7 => ("Portishead", "Portishead Song 1".to_owned()),
            _ => ("Tom Petty", "Tom Petty Song 1".to_owned()),
        };
        out.push((at, artist.to_owned(), title));
    }
    out.push((1_495_842_180, "Muse".into(), "Resistance".into()));
    out
}

async fn app(backend: Backend, platforms: Option<&FakePlatforms>) -> (TestApp, FakeLastfm) {
    let lastfm = FakeLastfm::start().await;
    let mut w = world();
    w.scrobbles.insert("nightowl".into(), scrobbles());
    w.now_playing.insert("nightowl".into(), ("Massive Attack".into(), "Now Playing Song".into()));
    w.scrobbles.insert("quietone".into(), Vec::new());
    lastfm.set_world(w);
    let app = TestApp::spawn_with(backend, |c| {
        if let Some(p) = platforms {
            configure(c, p);
        }
        use_fake_lastfm(c, &lastfm);
    })
    .await;
    (app, lastfm)
}

async fn scrobbles_are_imported_once_and_then_incrementally(backend: Backend) {
    let (app, lastfm) = app(backend, None).await;
    let alice = app.user("alice").await;
    let s =
        schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 3600})).await;
    let id = s["id"].as_str().unwrap();
    let r = run_now(&app, &alice, id).await;
    assert_eq!(r["status"], "failed");
    assert!(r["error"].as_str().unwrap().contains("link your Last.fm"), "{r}");
    link_lastfm(&app, &alice, "nightowl").await;
    let calls = lastfm.calls("user.getRecentTracks");
    let first = run_now(&app, &alice, id).await;
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(
        (first["counts"]["listens"].clone(), first["counts"]["written"].clone()),
        (json!(451), json!(451)),
        "every page, without the now-playing item: {first}"
    );
    assert_eq!(lastfm.calls("user.getRecentTracks") - calls, 3, "three pages of 200");
    let again = run_now(&app, &alice, id).await;
    assert_eq!(
        (again["counts"]["listens"].clone(), again["counts"]["written"].clone()),
        (json!(0), json!(0)),
        "then only what is newer: {again}"
    );

    // A new scrobble is picked up alone.
    let mut w = world();
    let mut s2 = scrobbles();
    s2.push((Utc::now().timestamp() - 60, "Massive Attack".into(), "Massive Attack Song 1".into()));
    w.scrobbles.insert("nightowl".into(), s2);
    lastfm.set_world(w);
    let later = run_now(&app, &alice, id).await;
    assert_eq!(later["counts"]["written"], 1, "{later}");

    // Stats.
    let week = app.get_json(&alice, "/v1/me/stats?period=7d").await;
    assert_eq!(week["listens"], 57, "56 scrobbles in the last 7 days and the new one: {week}");
    let all = app.get_json(&alice, "/v1/me/stats?period=all").await;
    assert_eq!(all["listens"], 452);
    assert_eq!(all["unique_artists"], 5, "{all}");
    assert_eq!(all["unique_tracks"], 7, "{all}");
    assert_eq!(all["top_artists"][0], json!({"artist": "Radiohead", "listens": 250}), "{all}");
    assert_eq!(all["top_tracks"][0]["artist"], "Portishead", "one Portishead song played 150 times: {all}");
    assert_eq!(all["top_tracks"][0]["listens"], 150);
    let by_hour = all["by_hour"].as_array().unwrap();
    assert_eq!(by_hour.len(), 24);
    assert_eq!(by_hour.iter().map(|h| h.as_u64().unwrap()).sum::<u64>(), 452);
    assert!(all["top_tags"].is_array());
    // The clock follows the user's time zone.
    let r =
        app.as_user(&alice, Method::PATCH, "/v1/me").json(&json!({"timezone": "Asia/Kolkata"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let shifted = app.get_json(&alice, "/v1/me/stats?period=all").await;
    assert_eq!(shifted["timezone"], "Asia/Kolkata");
    let rotate = |v: &Value, by: usize| -> Vec<u64> {
        let h: Vec<u64> = v["by_hour"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
        (0..24).map(|i| h[(i + by) % 24]).collect()
    };
    // India is UTC+5:30: each half hour of the fake's scrobble times moves five or six hours.
    assert_ne!(rotate(&shifted, 0), rotate(&all, 0), "by_hour moved with the time zone");
    let r = app.as_user(&alice, Method::GET, "/v1/me/stats?period=5y").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let empty = app.get_json(&app.user("bob").await, "/v1/me/stats").await;
    assert_eq!((empty["listens"].clone(), empty["top_tracks"].clone()), (json!(0), json!([])));

    // "My top tracks" as a playlist.
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/generate")
        .json(&json!({"name": "My month", "top_tracks": {"period": "1m"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let out: Value = r.json().await.unwrap();
    assert_eq!(tracks_of(&out["playlist"])[0], ("Portishead".into(), "Portishead Song 1".into()), "{out}");
}

async fn spotify_plays_and_scrobbles_of_one_play_count_once(backend: Backend) {
    let platforms = FakePlatforms::start().await;
    let (app, _lastfm) = app(backend, Some(&platforms)).await;
    let alice = app.user("alice").await;
    link(&app, &platforms, &alice).await;
    link_lastfm(&app, &alice, "nightowl").await;
    let lastfm =
        schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 3600})).await;
    let spotify = schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "spotify"}})).await;
    assert_eq!(spotify["interval_secs"], 3600, "polled hourly by default: {spotify}");
    run_now(&app, &alice, lastfm["id"].as_str().unwrap()).await;
    let run = run_now(&app, &alice, spotify["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["counts"]["listens"], 20, "the recorded 20 plays: {run}");
    assert_eq!(run["counts"]["written"], 19, "Muse's Resistance was already scrobbled: {run}");
    let again = run_now(&app, &alice, spotify["id"].as_str().unwrap()).await;
    assert_eq!(
        (again["counts"]["listens"].clone(), again["counts"]["written"].clone()),
        (json!(0), json!(0)),
        "polled from the newest play on: {again}"
    );
    let all = app.get_json(&alice, "/v1/me/stats?period=all").await;
    assert_eq!(all["listens"], 451 + 19, "{all}");
}

async fn discovery_brings_unheard_tracks_of_similar_artists(backend: Backend) {
    let (app, lastfm) = app(backend, None).await;
    let alice = app.user("alice").await;
    let s = schedule(&app, &alice, json!({"kind": "discover", "params": {"tracks": 10}, "cron": "0 7 * * 1"})).await;
    let id = s["id"].as_str().unwrap();
    let r = run_now(&app, &alice, id).await;
    assert!(r["error"].as_str().unwrap().contains("Last.fm username"), "{r}");
    link_lastfm(&app, &alice, "nightowl").await;
    let run = run_now(&app, &alice, id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["counts"]["tracks"], 10, "{run}");
    let lists = app.get_json(&alice, "/v1/playlists").await["playlists"].clone();
    let pid = lists[0]["id"].as_str().unwrap();
    let tracks = tracks_of(&app.get_playlist(&alice, pid).await);
    let heard = ["Radiohead Song 1", "Radiohead Song 2", "Radiohead Song 3", "Portishead Song 1", "Tom Petty Song 1"];
    assert!(tracks.iter().all(|(_, t)| !heard.contains(&t.as_str())), "nothing already heard: {tracks:?}");
    let artists: std::collections::BTreeSet<&str> = tracks.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        artists.into_iter().collect::<Vec<_>>(),
        ["Bruce Springsteen", "Massive Attack", "Thom Yorke"],
        "the seeds' similar artists, not the seeds: {tracks:?}"
    );
    let again = run_now(&app, &alice, id).await;
    assert_eq!((again["counts"]["added"].clone(), again["counts"]["removed"].clone()), (json!(0), json!(0)), "{again}");
    assert_eq!(app.get_json(&alice, "/v1/playlists").await["playlists"].as_array().unwrap().len(), 1);

    // Last.fm failing: the run fails with why, and the playlist keeps its tracks.
    lastfm.set_fault(crate::lastfm_fake::Fault::Http500);
    let failed = run_now(&app, &alice, id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(failed["error"].as_str().unwrap().contains("Last.fm"), "{failed}");
    assert_eq!(tracks_of(&app.get_playlist(&alice, pid).await).len(), 10, "untouched");
    lastfm.set_fault(crate::lastfm_fake::Fault::None);

    // Someone who has listened to nothing: an empty playlist, not an error.
    let bob = app.user("bob").await;
    link_lastfm(&app, &bob, "quietone").await;
    let s = schedule(&app, &bob, json!({"kind": "discover", "cron": "0 7 * * 1"})).await;
    let run = run_now(&app, &bob, s["id"].as_str().unwrap()).await;
    assert_eq!((run["status"].clone(), run["counts"]["tracks"].clone()), (json!("succeeded"), json!(0)), "{run}");
}

async fn a_private_history_is_a_clear_failure(backend: Backend) {
    let (app, lastfm) = app(backend, None).await;
    let mut w = world();
    w.scrobbles.insert("hiddenhistory".into(), Vec::new());
    lastfm.set_world(w);
    let alice = app.user("alice").await;
    link_lastfm(&app, &alice, "hiddenhistory").await;
    let s =
        schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 3600})).await;
    let run = run_now(&app, &alice, s["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "failed");
    assert!(run["error"].as_str().unwrap().contains("hides their listening history"), "{run}");
    let r = app.as_user(&alice, Method::GET, "/v1/me/stats?period=7d&x=1").send().await.unwrap();
    assert_error(r, 400, "invalid_query").await;
}

crate::on_both_backends!(
    scrobbles_are_imported_once_and_then_incrementally,
    spotify_plays_and_scrobbles_of_one_play_count_once,
    discovery_brings_unheard_tracks_of_similar_artists,
    a_private_history_is_a_clear_failure,
);
