//! The legacy API: the old contract (statuses and messages) bullet by bullet, a scripted old-client
//! session, and the same account and playlists through `/v1` afterwards.

use reqwest::{header::HeaderMap, Method};
use serde_json::{json, Value};
use sharify::legacy::{playlist_id, song_id};

use crate::{
    helpers::{use_fake_lastfm, Backend, TestApp},
    lastfm_fake::FakeLastfm,
};

/// A legacy call: method, path, optional Basic credentials, JSON body.
struct Legacy<'a> {
    app: &'a TestApp,
    auth: Option<(&'a str, &'a str)>,
}

struct Answer {
    status: u16,
    text: String,
    headers: HeaderMap,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }
}

impl Legacy<'_> {
    async fn call(&self, method: Method, path: &str, body: Value) -> Answer {
        let mut r = self.app.request(method, path).json(&body);
        if let Some((u, p)) = self.auth {
            r = r.basic_auth(u, Some(p));
        }
        let r = r.send().await.unwrap();
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        Answer { status, headers, text: r.text().await.unwrap() }
    }
}

/// Asserts status and exact plain-text body.
fn expect(a: &Answer, status: u16, text: &str) {
    assert_eq!((a.status, a.text.as_str()), (status, text));
    if status >= 400 {
        assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    }
}

const USER: &str = "johnsmith1";
const PASS: &str = "Passw0rd12";

async fn app_with_lastfm() -> (TestApp, FakeLastfm) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    (app, fake)
}

async fn signed_up(app: &TestApp) -> Legacy<'_> {
    let anon = Legacy { app, auth: None };
    let a = anon.call(Method::PUT, "/sign-up", json!({"username": USER, "password": PASS, "name": "John"})).await;
    expect(&a, 200, "");
    Legacy { app, auth: Some((USER, PASS)) }
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_follows_the_old_rules_and_messages_and_the_password_policy() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let anon = Legacy { app: &app, auth: None };
    let empty = "Username, password and name should be non-empty";
    for body in [
        json!({"password": PASS, "name": "J"}),
        json!({"username": USER, "password": "", "name": "J"}),
        json!({"username": USER, "password": PASS}),
        json!({}),
    ] {
        expect(&anon.call(Method::PUT, "/sign-up", body).await, 400, empty);
    }
    expect(
        &anon.call(Method::PUT, "/sign-up", json!({"username": "john", "password": "weak", "name": "J"})).await,
        400,
        "Invalid Username",
    );
    expect(
        &anon.call(Method::PUT, "/sign-up", json!({"username": "1johnsmith", "password": PASS, "name": "J"})).await,
        400,
        "Invalid Username",
    );
    for weak in ["password1", "PASSWORD1", "Password", "Pa1", "Aa1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"] {
        expect(
            &anon.call(Method::PUT, "/sign-up", json!({"username": USER, "password": weak, "name": "J"})).await,
            400,
            "Invalid Password",
        );
    }
    expect(
        &anon.call(Method::PUT, "/sign-up", json!({"username": USER, "password": PASS, "name": "John"})).await,
        200,
        "",
    );
    // Taken in any case.
    expect(
        &anon.call(Method::PUT, "/sign-up", json!({"username": "JOHNSMITH1", "password": PASS, "name": "J"})).await,
        409,
        "Username already exists",
    );
    // Unlike the old service, a request that could never create an account learns nothing about
    // which usernames exist: invalid inputs are refused first.
    app.user("takenname1").await;
    expect(
        &anon.call(Method::PUT, "/sign-up", json!({"username": "takenname1", "password": "x", "name": "J"})).await,
        400,
        "Invalid Password",
    );
    // The service's own password rules apply too (a common password passes the old ones).
    expect(
        &anon
            .call(Method::PUT, "/sign-up", json!({"username": "newperson1", "password": "Password123", "name": "J"}))
            .await,
        400,
        "Invalid Password",
    );
    // The account works on the new API, with an argon2id hash.
    let r = app
        .request(Method::POST, "/v1/auth/tokens")
        .json(&json!({"username": USER, "password": PASS}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let stored = app.store.store.user_by_username(USER).await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
}

#[tokio::test(flavor = "multi_thread")]
async fn playlist_routes_require_basic_auth() {
    let (app, _fake) = app_with_lastfm().await;
    signed_up(&app).await;
    for (auth, message) in
        [(None, "Authentication required"), (Some((USER, "Wrong-pass1")), "Invalid username or password")]
    {
        let l = Legacy { app: &app, auth };
        for (method, path) in [
            (Method::PUT, "/playlist"),
            (Method::GET, "/playlist"),
            (Method::POST, "/playlist"),
            (Method::DELETE, "/playlist"),
            (Method::GET, "/song"),
        ] {
            let a =
                l.call(method.clone(), path, json!({"name": "x", "track": "t", "artist": "a", "op_type": "ADD"})).await;
            expect(&a, 401, message);
            assert_eq!(a.headers["www-authenticate"], "Basic realm=\"sharify\"", "{method} {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn put_playlist_creates_once() {
    let (app, _fake) = app_with_lastfm().await;
    let l = signed_up(&app).await;
    expect(&l.call(Method::PUT, "/playlist", json!({"name": ""})).await, 400, "name should be non-empty");
    expect(&l.call(Method::PUT, "/playlist", json!({})).await, 400, "name should be non-empty");
    expect(&l.call(Method::PUT, "/playlist", json!({"name": "Road trip"})).await, 200, "");
    expect(&l.call(Method::PUT, "/playlist", json!({"name": "Road trip"})).await, 409, "Playlist already exists");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_playlist_lists_songs_with_lastfm_names_in_added_order() {
    let (app, _fake) = app_with_lastfm().await;
    let l = signed_up(&app).await;
    expect(&l.call(Method::GET, "/playlist", json!({"name": ""})).await, 400, "name should be non-empty");
    expect(&l.call(Method::GET, "/playlist", json!({"name": "Nope"})).await, 400, "Playlist doesn't exist");
    l.call(Method::PUT, "/playlist", json!({"name": "Mix"})).await;
    for (track, artist) in [("one step closer", "linkin park"), ("veridis quo", "daft punk")] {
        let a = l
            .call(Method::POST, "/playlist", json!({"name": "Mix", "track": track, "artist": artist, "op_type": "ADD"}))
            .await;
        expect(&a, 200, "");
    }
    let a = l.call(Method::GET, "/playlist", json!({"name": "Mix"})).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"_id": playlist_id("Mix"), "name": "Mix", "songs": [
            [song_id("linkin park", "one step closer"), "One Step Closer", "Linkin Park"],
            [song_id("daft punk", "veridis quo"), "Veridis Quo", "Daft Punk"],
        ]})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn post_playlist_adds_and_deletes_songs_with_the_old_checks() {
    let (app, _fake) = app_with_lastfm().await;
    let l = signed_up(&app).await;
    l.call(Method::PUT, "/playlist", json!({"name": "Mix"})).await;
    let post = |body: Value| l.call(Method::POST, "/playlist", body);
    let empty = "name, track, artist, op_type should be non-empty";
    expect(&post(json!({"name": "Mix", "track": "t", "artist": "a"})).await, 400, empty);
    expect(&post(json!({"name": "", "track": "t", "artist": "a", "op_type": "ADD"})).await, 400, empty);
    expect(
        &post(json!({"name": "Mix", "track": "t", "artist": "a", "op_type": "REMOVE"})).await,
        400,
        "op_type should be ADD or DELETE",
    );
    expect(
        &post(json!({"name": "Mix", "track": "t", "artist": "Unknown Band", "op_type": "ADD"})).await,
        400,
        "Track not found",
    );
    expect(
        &post(json!({"name": "Nope", "track": "Numb", "artist": "Linkin Park", "op_type": "ADD"})).await,
        400,
        "Invalid Playlist name",
    );
    expect(&post(json!({"name": "Mix", "track": "Numb", "artist": "Linkin Park", "op_type": "add"})).await, 200, "");
    expect(
        &post(json!({"name": "Mix", "track": "Numb", "artist": "Linkin Park", "op_type": "ADD"})).await,
        409,
        "Song already exists in playlist",
    );
    expect(
        &post(json!({"name": "Mix", "track": "Faint", "artist": "Linkin Park", "op_type": "DELETE"})).await,
        400,
        "Song doesn't exist in playlist",
    );
    expect(&post(json!({"name": "Mix", "track": "Numb", "artist": "Linkin Park", "op_type": "Delete"})).await, 200, "");
    expect(
        &post(json!({"name": "Mix", "track": "Numb", "artist": "Linkin Park", "op_type": "DELETE"})).await,
        400,
        "Song doesn't exist in playlist",
    );
    assert_eq!(l.call(Method::GET, "/playlist", json!({"name": "Mix"})).await.json()["songs"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_playlist_removes_it() {
    let (app, _fake) = app_with_lastfm().await;
    let l = signed_up(&app).await;
    expect(&l.call(Method::DELETE, "/playlist", json!({"name": ""})).await, 400, "name should be non-empty");
    expect(&l.call(Method::DELETE, "/playlist", json!({"name": "Nope"})).await, 400, "Invalid Playlist name");
    l.call(Method::PUT, "/playlist", json!({"name": "Gone"})).await;
    expect(&l.call(Method::DELETE, "/playlist", json!({"name": "Gone"})).await, 200, "");
    expect(&l.call(Method::GET, "/playlist", json!({"name": "Gone"})).await, 400, "Playlist doesn't exist");
}

#[tokio::test(flavor = "multi_thread")]
async fn song_returns_lastfm_album_and_wiki_as_is() {
    let (app, _fake) = app_with_lastfm().await;
    let l = signed_up(&app).await;
    expect(
        &l.call(Method::GET, "/song", json!({"track": "", "artist": "a"})).await,
        400,
        "track, artist should be non-empty",
    );
    expect(
        &l.call(Method::GET, "/song", json!({"track": "x", "artist": "Unknown Band"})).await,
        400,
        "Track not found",
    );
    let a = l.call(Method::GET, "/song", json!({"track": "tidal lines", "artist": "marble coast"})).await;
    assert_eq!(a.status, 200);
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::lastfm_recorded::recorded_dir().join("track.getInfo__marble-coast-tidal-lines.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let body = a.json();
    assert_eq!(body["_id"], song_id("marble coast", "tidal lines"));
    assert_eq!((&body["track"], &body["artist"]), (&json!("Tidal Lines"), &json!("Marble Coast")));
    assert_eq!(body["album"], recorded["track"]["album"]);
    assert_eq!(body["wiki"], recorded["track"]["wiki"]);
    let a = l.call(Method::GET, "/song", json!({"track": "Plain", "artist": "No Album Band"})).await;
    assert_eq!((&a.json()["album"], &a.json()["wiki"]), (&json!({}), &json!({})));
}

/// A typical old client session, scripted end to end, then the same data through /v1.
#[tokio::test(flavor = "multi_thread")]
async fn an_old_client_session_works_end_to_end_and_the_data_is_usable_through_v1() {
    let (app, _fake) = app_with_lastfm().await;
    let anon = Legacy { app: &app, auth: None };
    let l = Legacy { app: &app, auth: Some((USER, PASS)) };
    let steps: Vec<(Method, &str, Value, u16, Option<&str>)> = vec![
        (Method::PUT, "/sign-up", json!({"username": USER, "password": PASS, "name": "John Smith"}), 200, Some("")),
        (Method::PUT, "/playlist", json!({"name": "Gym"}), 200, Some("")),
        (Method::PUT, "/playlist", json!({"name": "Chill"}), 200, Some("")),
        (
            Method::POST,
            "/playlist",
            json!({"name": "Gym", "track": "Numb", "artist": "Linkin Park", "op_type": "ADD"}),
            200,
            Some(""),
        ),
        (
            Method::POST,
            "/playlist",
            json!({"name": "Gym", "track": "Faint", "artist": "Linkin Park", "op_type": "ADD"}),
            200,
            Some(""),
        ),
        (
            Method::POST,
            "/playlist",
            json!({"name": "Gym", "track": "Numb", "artist": "Linkin Park", "op_type": "ADD"}),
            409,
            Some("Song already exists in playlist"),
        ),
        (
            Method::POST,
            "/playlist",
            json!({"name": "Gym", "track": "Faint", "artist": "Linkin Park", "op_type": "DELETE"}),
            200,
            Some(""),
        ),
        (Method::GET, "/playlist", json!({"name": "Gym"}), 200, None),
        (Method::DELETE, "/playlist", json!({"name": "Chill"}), 200, Some("")),
        (Method::GET, "/song", json!({"track": "Numb", "artist": "Linkin Park"}), 200, None),
        (Method::GET, "/song", json!({"track": "Nothing", "artist": "Unknown Artist"}), 400, Some("Track not found")),
    ];
    for (i, (method, path, body, status, text)) in steps.into_iter().enumerate() {
        let caller = if path == "/sign-up" { &anon } else { &l };
        let a = caller.call(method.clone(), path, body).await;
        assert_eq!(a.status, status, "step {i}: {method} {path}: {}", a.text);
        if let Some(text) = text {
            assert_eq!(a.text, text, "step {i}");
        }
        assert_eq!(a.headers["deprecation"], "@1795305600", "step {i}");
        assert!(a.headers["link"].to_str().unwrap().contains("rel=\"deprecation\""), "step {i}");
        if (method.clone(), path) == (Method::GET, "/playlist") {
            assert_eq!(a.json()["songs"], json!([[song_id("Linkin Park", "Numb"), "Numb", "Linkin Park"]]));
        }
        if (method, path, status) == (Method::GET, "/song", 200) {
            assert_eq!(
                (&a.json()["track"], &a.json()["_id"]),
                (&json!("Numb"), &json!(song_id("Linkin Park", "Numb")))
            );
        }
    }
    // The same account and playlists through /v1.
    let r = app.request(Method::GET, "/v1/playlists").basic_auth(USER, Some(PASS)).send().await.unwrap();
    let page: Value = r.json().await.unwrap();
    let names: Vec<&str> = page["playlists"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Gym"]);
    let id = page["playlists"][0]["id"].as_str().unwrap();
    let p: Value = app
        .request(Method::GET, &format!("/v1/playlists/{id}"))
        .basic_auth(USER, Some(PASS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["items"][0]["enrichment"], "enriched");
    // And a playlist made through /v1 is visible to the legacy API.
    let r = app
        .request(Method::POST, "/v1/playlists")
        .basic_auth(USER, Some(PASS))
        .json(&json!({"name": "From v1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(l.call(Method::GET, "/playlist", json!({"name": "From v1"})).await.status, 200);
    let metrics = app.metrics.render();
    assert!(metrics.contains("legacy_requests_total{route=\"POST /playlist\"} 4"), "{metrics}");
    assert!(metrics.contains("legacy_requests_total{route=\"PUT /sign-up\"} 1"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_routes_are_documented_as_deprecated() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    for (path, method) in [
        ("/sign-up", "put"),
        ("/playlist", "put"),
        ("/playlist", "get"),
        ("/playlist", "post"),
        ("/playlist", "delete"),
        ("/song", "get"),
    ] {
        assert_eq!(doc["paths"][path][method]["deprecated"], true, "{method} {path}");
    }
    assert!(doc["paths"]["/v1/playlists"]["get"].get("deprecated").is_none());
}
