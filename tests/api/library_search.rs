//! Library search: your playlists (owned and shared with you) by name, description and your
//! tags; the tracks in them by artist, title and album, grouped, with the playlists holding each;
//! case- and accent-insensitive; paged; kept in step with every write; never others' playlists.
//! Queries use whole words, which MongoDB's text index and the embedded FTS5 index both match.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    folders::call,
    helpers::{assert_error, Backend, TestApp, TestUser},
};

async fn search(app: &TestApp, user: &TestUser, query: &str) -> Value {
    app.get_json(user, &format!("/v1/library/search?{query}")).await
}

fn names(found: &Value) -> Vec<String> {
    found["playlists"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

/// Each found track as "artist - title: playlist names (item count)".
fn tracks(found: &Value) -> Vec<String> {
    found["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let places: Vec<String> = t["playlists"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| format!("{} ({})", p["name"].as_str().unwrap(), p["item_ids"].as_array().unwrap().len()))
                .collect();
            format!(
                "{} - {}: {}",
                t["track"]["artist"].as_str().unwrap(),
                t["track"]["title"].as_str().unwrap(),
                places.join(", ")
            )
        })
        .collect()
}

async fn add_tracks(app: &TestApp, user: &TestUser, id: &str, tracks: Value) -> Value {
    let (status, body) = call(
        app,
        user,
        Method::POST,
        &format!("/v1/playlists/{id}/items"),
        json!({"tracks": tracks, "on_duplicate": "allow"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn search_finds_playlists_and_tracks_across_the_library_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let road = app.playlist(&alice, json!({"name": "Road Trip", "description": "songs for the long drive"})).await;
    let chill = app.playlist(&alice, json!({"name": "Chill"})).await;
    let bobs = app.playlist(&bob, json!({"name": "Bob private halo"})).await;
    let shared = app.playlist(&bob, json!({"name": "Bob shares"})).await;
    let r = app.as_user(&bob, Method::PUT, &format!("/v1/playlists/{shared}/collaborators/alice"));
    assert!(r.json(&json!({"role": "viewer"})).send().await.unwrap().status().is_success());
    add_tracks(
        &app,
        &alice,
        &road,
        json!([
            {"artist": "Beyoncé", "title": "Halo"},
            {"artist": "Björk", "title": "Army of Me"},
            {"artist": "Daft Punk", "title": "One More Time", "album": "Discovery"},
            {"artist": "beyonce", "title": "HALO"}
        ]),
    )
    .await;
    add_tracks(&app, &alice, &chill, json!([{"artist": "Beyoncé", "title": "Halo"}])).await;
    add_tracks(&app, &bob, &bobs, json!([{"artist": "Beyoncé", "title": "Halo"}])).await;
    add_tracks(&app, &bob, &shared, json!([{"artist": "Beyoncé", "title": "Crazy in Love"}])).await;
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{chill}"), json!({"tags": ["Evening"]})).await;

    // Tracks, accent- and case-insensitive, grouped with every playlist of yours holding them.
    let found = search(&app, &alice, "q=BEYONCE").await;
    assert_eq!(
        tracks(&found),
        [
            "beyonce - HALO: Road Trip (1)",
            "Beyoncé - Crazy in Love: Bob shares (1)",
            "Beyoncé - Halo: Chill (1), Road Trip (1)"
        ],
        "Bob's private playlist never shows"
    );
    assert_eq!(names(&found), Vec::<String>::new(), "no playlist is named so");
    assert_eq!(tracks(&search(&app, &alice, "q=bjork%20army").await), ["Björk - Army of Me: Road Trip (1)"]);
    assert_eq!(tracks(&search(&app, &alice, "q=discovery").await), ["Daft Punk - One More Time: Road Trip (1)"]);
    assert_eq!(search(&app, &alice, "q=bjork%20halo").await["tracks"], json!([]), "every word must match one track");
    // Playlists by name, description and your tags (Bob's tags are his).
    assert_eq!(names(&search(&app, &alice, "q=drive").await), ["Road Trip"]);
    assert_eq!(names(&search(&app, &alice, "q=halo").await), Vec::<String>::new());
    assert_eq!(names(&search(&app, &bob, "q=halo").await), ["Bob private halo"]);
    let evening = search(&app, &alice, "q=evening").await;
    assert_eq!(names(&evening), ["Chill"]);
    assert_eq!(evening["playlists"][0]["placement"]["tags"], json!(["evening"]));
    assert_eq!(search(&app, &bob, "q=evening").await["playlists"], json!([]));
    assert_eq!(names(&search(&app, &alice, "q=shares&in=playlists").await), ["Bob shares"]);
    assert_eq!(search(&app, &alice, "q=halo&in=playlists").await["tracks"], json!([]));
    assert_eq!(search(&app, &alice, "q=road&in=tracks").await["playlists"], json!([]));

    // The index follows writes: a removed item, a renamed playlist, a playlist no longer shared.
    let road_items = app.get_playlist(&alice, &road).await["items"].clone();
    let bjork = road_items[1]["item_id"].as_str().unwrap();
    app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{road}/items/{bjork}")).send().await.unwrap();
    assert_eq!(search(&app, &alice, "q=bjork").await["tracks"], json!([]));
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{road}"), json!({"name": "Highway"})).await;
    assert_eq!(search(&app, &alice, "q=road&in=playlists").await["playlists"], json!([]));
    assert_eq!(names(&search(&app, &alice, "q=highway").await), ["Highway"]);
    app.as_user(&bob, Method::DELETE, &format!("/v1/playlists/{shared}/collaborators/alice")).send().await.unwrap();
    assert_eq!(search(&app, &alice, "q=crazy").await["tracks"], json!([]));
}

async fn search_pages_and_refuses_bad_queries(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = app.playlist(&alice, json!({"name": format!("Mix {n}")})).await;
        add_tracks(&app, &alice, &id, json!([{"artist": "Mixer", "title": format!("Song {n}")}])).await;
        ids.push(id);
    }
    let mut seen_tracks = Vec::new();
    let mut seen_playlists = Vec::new();
    let first = search(&app, &alice, "q=mix&limit=2").await;
    seen_playlists.extend(names(&first));
    let mut cursor = first["playlists_next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = search(&app, &alice, &format!("q=mix&limit=2&cursor={c}")).await;
        assert_eq!(page["tracks"], json!([]), "a playlists cursor continues only the playlists");
        seen_playlists.extend(names(&page));
        cursor = page["playlists_next_cursor"].as_str().map(str::to_owned);
    }
    let page = search(&app, &alice, "q=mixer&limit=2").await;
    seen_tracks.extend(tracks(&page));
    let mut cursor = page["tracks_next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let page = search(&app, &alice, &format!("q=mixer&limit=2&cursor={c}")).await;
        seen_tracks.extend(tracks(&page));
        cursor = page["tracks_next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen_playlists, ["Mix 2", "Mix 1", "Mix 0"], "most recently updated first, each once");
    assert_eq!(seen_tracks, ["Mixer - Song 0: Mix 0 (1)", "Mixer - Song 1: Mix 1 (1)", "Mixer - Song 2: Mix 2 (1)"]);

    for (query, status, code) in [
        ("", 400, "invalid_query"),
        ("q=%20%2D%20", 400, "invalid_query"),
        ("q=mix&limit=0", 400, "invalid_query"),
        ("q=mix&limit=101", 400, "invalid_query"),
        ("q=mix&cursor=bm9wZQ", 400, "invalid_cursor"),
        ("q=mix&cursor=%%%", 400, "invalid_cursor"),
    ] {
        let r = app.as_user(&alice, Method::GET, &format!("/v1/library/search?{query}")).send().await.unwrap();
        assert_error(r, status, code).await;
    }
    let r = app.as_user(&alice, Method::GET, "/v1/library/search?q=x&in=everything").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = app.request(Method::GET, "/v1/library/search?q=mix").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    // FTS syntax in a query is only text.
    assert_eq!(search(&app, &alice, "q=%22mix%22%20OR%20NEAR(").await["tracks"], json!([]));
}

crate::on_both_backends!(
    search_finds_playlists_and_tracks_across_the_library_only,
    search_pages_and_refuses_bad_queries
);
