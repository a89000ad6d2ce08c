//! `POST /v1/playlists/generate` and `generate` schedules: messy artist names resolved with their
//! confidence, top tracks interleaved, similar artists, a tag, shows near a place (the SeatGeek
//! fake), regeneration that mirrors, empty results and upstream failures.

use reqwest::Method;
use serde_json::{json, Value};
use sharify::config::Secret;

use crate::{
    helpers::{assert_error, Backend},
    jobs_common::{app_with_world, run_now, schedule, tracks_of},
    lastfm_fake::Fault,
    seatgeek_fake::{FakeSeatgeek, CLIENT_ID},
};

async fn generate(app: &crate::helpers::TestApp, user: &crate::helpers::TestUser, body: Value) -> (u16, Value) {
    let r = app.as_user(user, Method::POST, "/v1/playlists/generate").json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn messy_artist_names_resolve_with_their_confidence(backend: Backend) {
    let (app, lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    let body = json!({"name": "Road trip", "artists": ["Bruce Springsteen & the E Street Band", "radiohed", "Zzyzx Qwv"],
        "tracks_per_artist": 3});
    let (status, out) = generate(&app, &alice, body).await;
    assert_eq!(status, 201, "{out}");
    let report = &out["report"]["artists"];
    assert_eq!(report[0]["input"], "Bruce Springsteen & the E Street Band");
    assert!(report[0]["resolved"].as_str().unwrap().starts_with("Bruce Springsteen"), "{report}");
    assert!(report[0]["confidence"].as_f64().unwrap() >= 0.8, "{report}");
    assert_eq!(report[1]["resolved"], "Radiohead", "a typo resolves: {report}");
    let typo = report[1]["confidence"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&typo), "less sure than an exact name: {report}");
    assert_eq!(report[2]["resolved"], Value::Null, "an unknown name resolves to nothing: {report}");
    let tracks = tracks_of(&out["playlist"]);
    assert_eq!(tracks.len(), 6, "three top tracks of each resolved artist: {tracks:?}");
    // Interleaved: no artist fills the top.
    assert_ne!(tracks[0].0, tracks[1].0, "{tracks:?}");
    assert_eq!(out["report"]["tracks"], 6);

    // Similar artists widen it; re-running into the same playlist mirrors and is in history.
    let id = out["playlist"]["id"].as_str().unwrap().to_owned();
    let again = json!({"name": "Road trip", "artists": ["Radiohead"], "tracks_per_artist": 2, "similar_artists": 2,
        "playlist_id": id});
    let (status, out) = generate(&app, &alice, again.clone()).await;
    assert_eq!(status, 201, "{out}");
    let tracks = tracks_of(&out["playlist"]);
    let artists: std::collections::BTreeSet<&str> = tracks.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(artists.into_iter().collect::<Vec<_>>(), ["Portishead", "Radiohead", "Thom Yorke"], "{tracks:?}");
    assert_eq!(out["report"]["removed"], 4, "Radiohead Song 1 and 2 are kept: {out}");
    let (_, same) = generate(&app, &alice, again).await;
    assert_eq!(
        (same["report"]["added"].clone(), same["report"]["removed"].clone()),
        (json!(0), json!(0)),
        "a re-run changes nothing"
    );
    let history = app.get_json(&alice, &format!("/v1/playlists/{id}/history")).await;
    assert!(history.to_string().contains("generate"), "regeneration is in history: {history}");

    // Bad input and upstream failure.
    let (status, out) = generate(&app, &alice, json!({"name": "x", "artists": []})).await;
    assert_eq!((status, out["error"]["code"].clone()), (422, json!("invalid_generate")));
    let (status, _) = generate(&app, &alice, json!({"name": "x", "tag": "rock", "artists": ["A"]})).await;
    assert_eq!(status, 422);
    lastfm.set_fault(Fault::Http500);
    let (status, out) = generate(&app, &alice, json!({"name": "x", "artists": ["Radiohead"]})).await;
    assert_eq!((status, out["error"]["code"].clone()), (503, json!("enrichment_unavailable")), "{out}");
    let before = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(before["playlists"].as_array().unwrap().len(), 1, "a failed generation creates nothing");
}

async fn a_tag_or_nothing(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    let (status, out) = generate(&app, &alice, json!({"name": "Argentina", "tag": "argentina"})).await;
    assert_eq!(status, 201, "{out}");
    let tracks = tracks_of(&out["playlist"]);
    assert!(!tracks.is_empty());
    let (status, out) = generate(&app, &alice, json!({"name": "Nothing", "tag": "nonexistent"})).await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["playlist"]["items"], json!([]));
    assert!(out["report"]["note"].as_str().unwrap().contains("no tracks tagged"), "{out}");
}

async fn shows_near_a_place_become_a_playlist(backend: Backend) {
    let seatgeek = FakeSeatgeek::start().await;
    let base = seatgeek.base_url.clone();
    let (app, _lastfm) = app_with_world(backend, |c| {
        c.seatgeek.base_url = base;
        c.seatgeek.client_id = Some(Secret::new(CLIENT_ID));
    })
    .await;
    let alice = app.user("alice").await;
    let body = json!({"name": "Portland shows", "shows": {"city": "Portland", "state": "OR", "from": "2026-12-01", "to": "2027-03-01"},
        "tracks_per_artist": 2});
    let (status, out) = generate(&app, &alice, body).await;
    assert_eq!(status, 201, "{out}");
    let shows = out["report"]["shows"].as_array().unwrap();
    assert_eq!(shows.len(), 3, "both pages read: {out}");
    assert_eq!(shows[0]["headliners"], json!(["Bruce Springsteen & The E Street Band"]));
    assert_eq!(shows[0]["support"], json!(["Tom Petty"]));
    let resolved: Vec<Value> =
        out["report"]["artists"].as_array().unwrap().iter().map(|a| a["resolved"].clone()).collect();
    assert!(resolved.contains(&json!("Radiohead")) && resolved.contains(&json!("Tom Petty")), "{resolved:?}");
    assert!(resolved.contains(&Value::Null), "the unknown act is reported unresolved: {resolved:?}");
    assert_eq!(tracks_of(&out["playlist"]).len(), 6, "{out}");
    let q = &seatgeek.queries()[0];
    assert_eq!(
        (q["venue.city"].as_str(), q["venue.state"].as_str(), q["taxonomies.name"].as_str()),
        ("Portland", "OR", "concert")
    );
    assert_eq!(q["datetime_utc.gte"], "2026-12-01");

    // By coordinates, headliners only.
    let by_point = json!({"name": "Near me", "shows": {"lat": 45.52, "lon": -122.68, "within_km": 40, "headliners_only": true},
        "tracks_per_artist": 1});
    let (status, out) = generate(&app, &alice, by_point).await;
    assert_eq!(status, 201, "{out}");
    assert!(!out["report"]["artists"].to_string().contains("Tom Petty"), "no supporting acts: {out}");
    assert_eq!(seatgeek.queries().last().unwrap()["range"], "40km");

    // Nowhere SeatGeek covers: an empty playlist that says why.
    let (status, out) = generate(&app, &alice, json!({"name": "Lyon", "shows": {"city": "Lyon"}})).await;
    assert_eq!(status, 201);
    assert!(out["report"]["note"].as_str().unwrap().contains("US and Canada"), "{out}");
    // Bad place; SeatGeek failing.
    let (status, _) = generate(&app, &alice, json!({"name": "x", "shows": {"lat": 100.0, "lon": 0.0}})).await;
    assert_eq!(status, 422);
    seatgeek.set_failing(true);
    let (status, out) = generate(&app, &alice, json!({"name": "x", "shows": {"city": "Portland"}})).await;
    assert_eq!((status, out["error"]["code"].clone()), (502, json!("shows_unavailable")), "{out}");
}

async fn shows_need_a_seatgeek_client_id(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/generate")
        .json(&json!({"name": "x", "shows": {"city": "Portland"}}))
        .send()
        .await
        .unwrap();
    assert_error(r, 503, "platform_not_configured").await;
}

async fn a_generate_schedule_refreshes_one_playlist(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "generate", "params": {"name": "Weekly mix", "artists": ["Portishead"],
        "tracks_per_artist": 4}, "cron": "@weekly"}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    let first = run_now(&app, &alice, id).await;
    assert_eq!((first["status"].clone(), first["counts"]["added"].clone()), (json!("succeeded"), json!(4)), "{first}");
    let second = run_now(&app, &alice, id).await;
    assert_eq!(
        (second["counts"]["added"].clone(), second["counts"]["removed"].clone()),
        (json!(0), json!(0)),
        "{second}"
    );
    let lists = app.get_json(&alice, "/v1/playlists").await["playlists"].clone();
    assert_eq!(lists.as_array().unwrap().len(), 1, "one playlist, refreshed: {lists}");
    assert_eq!(lists[0]["name"], "Weekly mix");
}

crate::on_both_backends!(
    messy_artist_names_resolve_with_their_confidence,
    a_tag_or_nothing,
    shows_near_a_place_become_a_playlist,
    shows_need_a_seatgeek_client_id,
    a_generate_schedule_refreshes_one_playlist,
);
