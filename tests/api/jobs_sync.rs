//! `sync` schedules: a playlist backed up into a dated snapshot made once per period however
//! often the job runs; a Last.fm user's loved tracks into a playlist (add, then nothing twice);
//! a mirror; the pushed copy; a gone source; and `reindex` refreshing stale cache entries.

use reqwest::Method;
use serde_json::json;

use crate::{
    helpers::{use_fake_lastfm, Backend, TestApp},
    jobs_common::{app_with_world, run_now, schedule, tracks_of},
    lastfm_fake::FakeLastfm,
    platform_fakes::FakePlatforms,
    spotify_link::{configure, link},
};

async fn a_snapshot_is_made_once_per_period(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    let source = app.playlist(&alice, json!({"name": "Daily drive"})).await;
    app.add(&alice, &source, &[("Radiohead", "Radiohead Song 1"), ("Portishead", "Portishead Song 1")]).await;
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "sync", "cron": "0 6 * * 1", "timezone": "UTC",
        "params": {"source": source, "destination": {"snapshot": {"name_template": "Weekly backup {iso_week}"}}}}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    let first = run_now(&app, &alice, id).await;
    assert_eq!((first["status"].clone(), first["counts"]["added"].clone()), (json!("succeeded"), json!(2)), "{first}");
    app.add(&alice, &source, &[("Tom Petty", "Tom Petty Song 1")]).await;
    let second = run_now(&app, &alice, id).await;
    assert_eq!(second["counts"]["added"], 1, "the same period's snapshot is brought up to date: {second}");
    let lists = app.get_json(&alice, "/v1/playlists").await["playlists"].clone();
    let names: Vec<&str> = lists.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let week = chrono::Utc::now().iso_week();
    use chrono::Datelike;
    let expected = format!("Weekly backup {}-W{:02}", week.year(), week.week());
    assert_eq!(names.iter().filter(|n| **n == expected).count(), 1, "one snapshot for the week: {names:?}");
    let snapshot = lists.as_array().unwrap().iter().find(|p| p["name"] == expected.as_str()).unwrap();
    let snap = app.get_playlist(&alice, snapshot["id"].as_str().unwrap()).await;
    assert_eq!(tracks_of(&snap).len(), 3);
    assert_eq!(snap["visibility"], "private");
    // A deleted source fails the run with what happened.
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{source}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let gone = run_now(&app, &alice, id).await;
    assert_eq!(gone["status"], "failed");
    assert!(gone["error"].as_str().unwrap().contains("source playlist is gone"), "{gone}");
}

async fn loved_tracks_are_added_once_and_mirrors_follow(backend: Backend) {
    let lastfm = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &lastfm)).await;
    let alice = app.user("alice").await;
    let dest = app.playlist(&alice, json!({"name": "Loved"})).await;
    app.add(&alice, &dest, &[("Someone Else", "Already Here")]).await;
    let add = schedule(
        &app,
        &alice,
        json!({"kind": "sync", "interval_secs": 86400,
        "params": {"source": {"lastfm": "testuser", "tracks": "loved"}, "destination": dest, "mode": "add"}}),
    )
    .await;
    let first = run_now(&app, &alice, add["id"].as_str().unwrap()).await;
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(first["counts"]["added"], 1, "the recorded loved track: {first}");
    let again = run_now(&app, &alice, add["id"].as_str().unwrap()).await;
    assert_eq!(again["counts"]["added"], 0, "nothing added twice: {again}");
    assert_eq!(tracks_of(&app.get_playlist(&alice, &dest).await).len(), 2);
    let mirror = schedule(
        &app,
        &alice,
        json!({"kind": "sync", "interval_secs": 86400,
        "params": {"source": {"lastfm": "testuser", "tracks": "loved"}, "destination": dest, "mode": "mirror"}}),
    )
    .await;
    let m = run_now(&app, &alice, mirror["id"].as_str().unwrap()).await;
    assert_eq!((m["counts"]["removed"].clone(), m["counts"]["added"].clone()), (json!(1), json!(0)), "{m}");
    assert_eq!(tracks_of(&app.get_playlist(&alice, &dest).await).len(), 1);
    // Last.fm failing: the run fails with why, and the playlist is untouched.
    lastfm.set_fault(crate::lastfm_fake::Fault::Http500);
    let failed = run_now(&app, &alice, mirror["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(failed["error"].as_str().unwrap().contains("Last.fm is unavailable"), "{failed}");
    assert_eq!(tracks_of(&app.get_playlist(&alice, &dest).await).len(), 1);
    lastfm.set_fault(crate::lastfm_fake::Fault::None);
    // Bob may not write into Alice's playlist.
    let bob = app.user("bob").await;
    let theirs = schedule(
        &app,
        &bob,
        json!({"kind": "sync", "interval_secs": 86400,
        "params": {"source": {"lastfm": "testuser", "tracks": "top"}, "destination": dest}}),
    )
    .await;
    let refused = run_now(&app, &bob, theirs["id"].as_str().unwrap()).await;
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(tracks_of(&app.get_playlist(&alice, &dest).await).len(), 1, "untouched");
}

async fn a_backup_can_be_pushed_to_spotify(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
    })
    .await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let source = app.playlist(&alice, json!({"name": "Mine"})).await;
    let csv = "artist,title,spotify url\nBand 1,Song 1,https://open.spotify.com/track/0000000000000000000T01\n";
    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{source}/import?format=csv"))
        .body(csv)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "sync", "cron": "@weekly", "params": {"source": source,
        "destination": {"snapshot": {"name_template": "Backup {date}"}}, "push_to": "spotify"}}),
    )
    .await;
    let run = run_now(&app, &alice, s["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert!(run["counts"].get("pushed").is_some(), "{run}");
    assert_eq!(fake.calls("POST /spotify/v1/me/playlists"), 1, "one copy created on Spotify");
    let again = run_now(&app, &alice, s["id"].as_str().unwrap()).await;
    assert_eq!(again["counts"]["pushed"], 0, "{again}");
    assert_eq!(fake.calls("POST /spotify/v1/me/playlists"), 1, "the same copy the second time");
}

async fn reindex_refreshes_stale_cache_entries(backend: Backend) {
    let (app, lastfm) = app_with_world(backend, |c| {
        c.lastfm.found_ttl_days = 0;
        crate::jobs_common::quick_jobs(c);
        c.jobs.reindex_every_secs = 1;
    })
    .await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Cached"})).await;
    app.add(&alice, &id, &[("Cher", "Believe"), ("Blur", "Song 2")]).await;
    let before = lastfm.calls("track.getInfo");
    // The operator's re-index (here every second) refreshes both entries past their freshness.
    crate::helpers::eventually(20, "both entries refreshed", || async {
        (lastfm.calls("track.getInfo") >= before + 2).then_some(())
    })
    .await;
    // It is not a user's schedule to make: it works for everyone.
    let r = app
        .as_user(&alice, Method::POST, "/v1/schedules")
        .json(&json!({"kind": "reindex", "params": {"budget": 2000}, "interval_secs": 86400}))
        .send()
        .await
        .unwrap();
    crate::helpers::assert_error(r, 422, "operator_job").await;
}

crate::on_both_backends!(
    a_snapshot_is_made_once_per_period,
    loved_tracks_are_added_once_and_mirrors_follow,
    a_backup_can_be_pushed_to_spotify,
    reindex_refreshes_stale_cache_entries,
);
