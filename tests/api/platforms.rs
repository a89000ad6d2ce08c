//! Import by link against the platform fakes: every page read, what was skipped reported, each
//! platform's errors turned into clear answers with nothing written, idempotency, and the
//! Spotify read path with both response shapes.

use reqwest::Method;
use serde_json::{json, Value};
use sharify::{config::Secret, platforms::spotify::Spotify};

use crate::{
    helpers::{assert_error, Backend, TestApp, TestUser},
    platform_fakes::{self as fakes, FakePlatforms},
};

/// Points the app at the fakes (Deezer on, YouTube with the fake's key).
pub fn use_fake_platforms(c: &mut sharify::config::Config, fake: &FakePlatforms) {
    c.deezer.enabled = true;
    c.deezer.base_url = format!("{}/deezer", fake.base);
    c.deezer.quota_wait_ms = 20;
    c.youtube.base_url = format!("{}/youtube/v3", fake.base);
    c.youtube.api_key = Some(Secret::new(fakes::YOUTUBE_KEY));
    c.spotify.base_url = format!("{}/spotify/v1", fake.base);
    c.applemusic.base_url = format!("{}/applemusic/v1", fake.base);
    c.applemusic.team_id = Some(fakes::APPLE_TEAM.into());
    c.applemusic.key_id = Some(fakes::APPLE_KEY_ID.into());
    c.applemusic.private_key = Some(Secret::new(fakes::apple_private_key()));
}

async fn import_link(app: &TestApp, user: &TestUser, url: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, "/v1/playlists/import").json(&json!({ "url": url })).send().await.unwrap()
}

async fn playlists(app: &TestApp, user: &TestUser) -> usize {
    app.get_json(user, "/v1/playlists?limit=100").await["playlists"].as_array().unwrap().len()
}

async fn a_deezer_link_brings_every_page_once(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    fake.deezer_quota_errors(1); // Deezer's quota error (HTTP 200, code 4) is waited out
    let send = || {
        app.as_user(&alice, Method::POST, "/v1/playlists/import")
            .header("Idempotency-Key", "deezer-102")
            .json(&json!({"url": "https://www.deezer.com/fr/playlist/9200461?utm_source=share"}))
            .send()
    };
    let r = send().await.unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["counts"]["read"].as_u64(), report["counts"]["added"].as_u64()),
        (Some(102), Some(102)),
        "{report}"
    );
    assert_eq!(report["playlist"]["name"], "A hundred and two");
    let id = report["playlist"]["id"].as_str().unwrap();
    let playlist = app.get_json(&alice, &format!("/v1/playlists/{id}?items_limit=1000")).await;
    let items = playlist["items"].as_array().unwrap();
    assert_eq!(items.len(), 102);
    assert_eq!(items[101]["title"], "Generated Track 101", "in the playlist's order");
    assert!(items[0]["links"]["deezer"].as_str().unwrap().starts_with("https://www.deezer.com/track/"));
    assert!(items[0]["duration_ms"].as_u64().is_some());
    let calls = fake.calls("/deezer/");
    let again = send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(fake.calls("/deezer/"), calls, "a replay asks Deezer nothing");
    assert_eq!(playlists(&app, &alice).await, 1);

    // The recorded 60-track playlist: its name and description come along.
    let r = import_link(&app, &alice, "https://www.deezer.com/playlist/908622995").await;
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["counts"]["added"].as_u64(), report["playlist"]["name"].as_str()),
        (Some(60), Some("Bain moussant"))
    );
    // No such playlist: Deezer's error 800 (HTTP 200) is a clear 422 and nothing is created.
    assert_error(
        import_link(&app, &alice, "https://www.deezer.com/playlist/1").await,
        422,
        "platform_playlist_not_found",
    )
    .await;
    assert_eq!(playlists(&app, &alice).await, 2);
}

async fn a_youtube_link_reads_page_after_page_within_the_quota(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    let url = format!("https://music.youtube.com/playlist?list={}&si=abc", fakes::YOUTUBE_PLAYLIST);
    let r = import_link(&app, &alice, &url).await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["read"], 13, "both pages: {report}");
    assert_eq!(fake.calls("/youtube/"), 2);
    // YouTube's own quota error: a 429 saying when to come back, and nothing written.
    fake.youtube_quota_errors(1);
    let r = import_link(&app, &alice, &url).await;
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, 429, "too_many_requests").await;
    assert_eq!(playlists(&app, &alice).await, 1);
    assert_error(
        import_link(&app, &alice, "https://www.youtube.com/playlist?list=PLnope").await,
        422,
        "platform_playlist_not_found",
    )
    .await;
}

async fn youtube_is_refused_before_the_daily_budget_is_passed(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_platforms(c, &fake);
        c.youtube.daily_quota_units = 2;
    })
    .await;
    let alice = app.user("alice").await;
    let url = format!("https://www.youtube.com/playlist?list={}", fakes::YOUTUBE_PLAYLIST);
    assert_eq!(import_link(&app, &alice, &url).await.status(), 201, "2 pages, 2 units: within the budget");
    let r = import_link(&app, &alice, &url).await;
    assert_error(r, 429, "too_many_requests").await;
    assert_eq!(fake.calls("/youtube/"), 2, "refused before asking YouTube");
}

async fn links_that_cannot_be_imported_say_why(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_platforms(c, &fake);
        c.youtube.api_key = None;
        c.applemusic.private_key = None;
    })
    .await;
    let alice = app.user("alice").await;
    for (url, status, code) in [
        // No Spotify app here: linking could not help, so no advice to link (issue 30, item 8).
        ("https://open.spotify.com/intl-de/playlist/37i9dQZF1DXcBWIGoYBM5M?si=x", 503, "platform_not_configured"),
        ("spotify:playlist:37i9dQZF1DXcBWIGoYBM5M", 503, "platform_not_configured"),
        ("https://deezer.page.link/abc", 422, "short_link"),
        ("https://soundcloud.com/a/sets/b", 422, "unsupported_link"),
        ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", 422, "unsupported_link"),
        ("https://www.youtube.com/playlist?list=PLx", 503, "platform_not_configured"),
        ("https://music.apple.com/us/playlist/x/pl.u-76oNkGxIv9vP1z", 503, "platform_not_configured"),
    ] {
        let body = assert_error(import_link(&app, &alice, url).await, status, code).await;
        if code == "platform_not_configured" && url.contains("spotify") {
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("CSV") && !message.contains("POST /v1/connections"),
                "what to do instead: {message}"
            );
        }
    }
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/import").json(&json!({"url": 42})).send().await.unwrap();
    assert_error(r, 422, "invalid_link").await;
    assert_eq!(fake.calls("/"), 0, "no platform was asked");
    assert_eq!(playlists(&app, &alice).await, 0);
    let ready = app.client.get(format!("http://{}/readyz", app.admin_addr)).send().await.unwrap();
    assert_eq!(ready.status(), 200, "a platform without credentials does not make the service unready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spotify_read_path_takes_every_shape_and_says_why_it_cannot() {
    let fake = FakePlatforms::start().await;
    let spotify = Spotify::new(&format!("{}/spotify/v1", fake.base)).unwrap();
    fake.spotify_429s(2); // Retry-After is honoured, then the read goes on
    let legacy = spotify.playlist_with_token("token", fakes::SPOTIFY_LEGACY).await.unwrap();
    assert_eq!(legacy.tracks.len() + legacy.skipped.len(), 244, "three pages followed by their next links");
    assert!(legacy.skipped.iter().any(|s| s.reason.contains("local file")), "{:?}", legacy.skipped);
    assert_eq!(legacy.tracks.last().unwrap().1.isrc.as_deref(), Some("USAAA0000243"));
    let times = fake.call_times("/spotify/");
    assert!(times[2].duration_since(times[1]).as_millis() >= 900, "waited for Retry-After: 1");

    let dual = spotify.playlist_with_token("token", fakes::SPOTIFY_DUAL).await.unwrap();
    assert_eq!(dual.tracks.len(), 1);
    let episodes = spotify.playlist_with_token("token", fakes::SPOTIFY_EPISODES).await.unwrap();
    assert_eq!((episodes.tracks.len(), episodes.skipped.len()), (2, 2));
    assert!(episodes.skipped.iter().all(|s| s.reason == "a podcast episode"));

    let code = |e: sharify::platforms::PlatformError| sharify::error::ApiError::from(e).code.to_string();
    let err = spotify.playlist_with_token("token", fakes::SPOTIFY_NOT_OURS).await.unwrap_err();
    assert_eq!(code(err), "spotify_playlist_not_readable");
    let err = spotify.playlist_with_token("token", fakes::SPOTIFY_ALGORITHMIC).await.unwrap_err();
    assert_eq!(code(err), "spotify_algorithmic_playlist");
    let err = spotify.playlist_with_token("token", "0000000000000000000000").await.unwrap_err();
    assert_eq!(code(err), "platform_playlist_not_found");
}

async fn an_apple_music_link_reads_every_page_with_a_signed_developer_token(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    let r =
        import_link(&app, &alice, "https://music.apple.com/us/playlist/the-hits/pl.acc464c750b94302b8806e5fcbe56e17")
            .await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["added"], 1, "{report}");
    let id = report["playlist"]["id"].as_str().unwrap();
    let item = &app.get_playlist(&alice, id).await["items"][0];
    assert_eq!((item["artist"].as_str(), item["isrc"].as_str()), (Some("Janet Jackson"), Some("USVI29700014")));
    // A shared library playlist of 230 songs, over three pages by Apple's relative next links.
    let r = import_link(&app, &alice, "https://music.apple.com/fr/playlist/mine/pl.u-threepages").await;
    let report: Value = r.json().await.unwrap();
    assert_eq!(
        (report["counts"]["read"].as_u64(), report["counts"]["rejected"].as_u64()),
        (Some(230), Some(1)),
        "{report}"
    );
    assert_eq!(report["rejected"][0]["reason"], "not a song (a music video or an unavailable item)");
    assert_eq!(fake.calls("/applemusic/"), 4, "every call carried a token the fake verified");
}

crate::on_both_backends!(
    an_apple_music_link_reads_every_page_with_a_signed_developer_token,
    a_deezer_link_brings_every_page_once,
    a_youtube_link_reads_page_after_page_within_the_quota,
    youtube_is_refused_before_the_daily_budget_is_passed,
    links_that_cannot_be_imported_say_why,
);
