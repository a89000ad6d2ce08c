//! Per-track platform links found in the background: a matched track gets its Spotify, Deezer and
//! Apple Music pages from each platform's catalog search (against the fakes), without a new
//! version; the answers, misses included, are cached so the same track is never searched twice;
//! an unmatched track is never searched; an ISRC is looked up exactly.

use reqwest::Method;
use serde_json::{json, Value};
use sharify::config::{Config, Secret};

use crate::{
    helpers::{eventually, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::{Catalog, FakeLastfm},
    platform_fakes::FakePlatforms,
    platforms::use_fake_platforms,
    search_fakes::{self as search, APPLE_URL, DEEZER_URL, SPOTIFY_URL},
};

/// Every searching platform on, against the fakes, with Last.fm's fake for matching.
fn configure(c: &mut Config, platforms: &FakePlatforms, lastfm: &FakeLastfm) {
    use_fake_platforms(c, platforms);
    use_fake_lastfm(c, lastfm);
    c.spotify.accounts_url = format!("{}/spotify/accounts", platforms.base);
    c.spotify.client_id = Some(Secret::new(search::SPOTIFY_CLIENT_ID));
    c.spotify.client_secret = Some(Secret::new(search::SPOTIFY_CLIENT_SECRET));
}

async fn lastfm_knowing_rick() -> FakeLastfm {
    let lastfm = FakeLastfm::start().await;
    let mut catalog = Catalog::new();
    catalog.insert(
        ("rick astley".into(), "never gonna give you up".into()),
        ("Rick Astley".into(), "Never Gonna Give You Up".into(), Some(213_000)),
    );
    lastfm.set_catalog(catalog);
    lastfm
}

const SEARCHES: [&str; 3] = ["/spotify/v1/search", "/deezer/search/track", "/applemusic/v1/catalog/us/search"];

fn search_calls(fake: &FakePlatforms) -> Vec<usize> {
    SEARCHES.iter().map(|p| fake.calls(p)).collect()
}

/// Adds the tracks to a new playlist and waits until its first item has all three links.
async fn linked_playlist(app: &TestApp, user: &TestUser, tracks: &[(&str, &str)]) -> (String, Value, u64) {
    let id = app.playlist(user, json!({"name": "Linked"})).await;
    let added = app.add(user, &id, tracks).await;
    let version = added["version"].as_u64().unwrap();
    let playlist = eventually(10, "the first item's platform links", || async {
        let p = app.get_playlist(user, &id).await;
        let links = &p["items"][0]["links"];
        (links["spotify"].is_string() && links["deezer"].is_string() && links["applemusic"].is_string()).then_some(p)
    })
    .await;
    (id, playlist, version)
}

async fn matched_tracks_get_their_pages_on_each_platform_once(backend: Backend) {
    let (platforms, lastfm) = (FakePlatforms::start().await, lastfm_knowing_rick().await);
    let app = TestApp::spawn_with(backend, |c| configure(c, &platforms, &lastfm)).await;
    let alice = app.user("alice").await;
    let tracks = [("Rick Astley", "Never Gonna Give You Up"), ("Nobody Known", "Nothing Here")];
    let (id, playlist, version) = linked_playlist(&app, &alice, &tracks).await;
    let first = &playlist["items"][0];
    assert_eq!(first["match"]["status"], "matched");
    assert_eq!(first["links"]["spotify"], SPOTIFY_URL, "Rick Astley's hit, not a cover with the same title");
    assert_eq!(first["links"]["deezer"], DEEZER_URL);
    assert_eq!(first["links"]["applemusic"], APPLE_URL);
    assert_eq!(playlist["version"].as_u64(), Some(version), "links are not a user change");
    assert_eq!(fake_token_calls(&platforms), 1, "one app token for every Spotify search");
    // The other track is matched too (Last.fm's fake knows any name) but no platform has it.
    let second = &playlist["items"][1];
    assert_eq!(second["match"]["status"], "matched");
    for platform in ["spotify", "deezer", "applemusic"] {
        assert!(second["links"][platform].is_null(), "{platform}: {second}");
    }
    let after_first = search_calls(&platforms);
    assert!(after_first.iter().all(|n| *n >= 2), "each platform searched for both tracks: {after_first:?}");
    // The export carries the links too.
    let export = app
        .as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/export?format=jspf"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(export.contains(SPOTIFY_URL) && export.contains(DEEZER_URL), "{export}");

    // The same tracks elsewhere: answered from the cache, hits and misses alike.
    let bob = app.user("bob").await;
    let (_, again, _) = linked_playlist(&app, &bob, &tracks).await;
    assert_eq!(again["items"][0]["links"]["spotify"], SPOTIFY_URL);
    assert_eq!(search_calls(&platforms), after_first, "no platform was asked again");
}

fn fake_token_calls(fake: &FakePlatforms) -> usize {
    fake.calls("/spotify/accounts/api/token")
}

async fn an_isrc_is_looked_up_exactly_and_unmatched_lines_are_not_searched(backend: Backend) {
    let (platforms, lastfm) = (FakePlatforms::start().await, lastfm_knowing_rick().await);
    let app = TestApp::spawn_with(backend, |c| configure(c, &platforms, &lastfm)).await;
    let alice = app.user("alice").await;
    let csv = "artist,title,isrc\nRick Astley,Never Gonna Give You Up,GBARL9300135\n";
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/import?format=csv").body(csv).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    let playlist = eventually(10, "links from the ISRC", || async {
        let p = app.get_playlist(&alice, &id).await;
        p["items"][0]["links"]["applemusic"].is_string().then_some(p)
    })
    .await;
    assert_eq!(playlist["items"][0]["isrc"], "GBARL9300135", "{playlist}");
    assert_eq!(platforms.calls("/deezer/track/isrc:GBARL9300135"), 1, "Deezer's exact ISRC look-up");
    assert_eq!(platforms.calls("/applemusic/v1/catalog/us/songs"), 1, "Apple's ISRC filter");
    assert_eq!(platforms.calls("/deezer/search/track"), 0, "no text search when the ISRC answers");

    // A line Last.fm cannot place stays unmatched and costs no platform call.
    lastfm.set_fault(crate::lastfm_fake::Fault::Always { code: 6 });
    let before = search_calls(&platforms);
    let other = app.playlist(&alice, json!({"name": "Unknown"})).await;
    let added = app.add(&alice, &other, &[("Zzyzx Unknown", "Qwxv")]).await;
    assert_ne!(added["added"][0]["match"]["status"], "matched", "{added}");
    // A queued playlist with nothing matched is taken off the queue without a search; wait
    // for a later playlist's links to be sure the pass has run.
    lastfm.set_fault(crate::lastfm_fake::Fault::None);
    linked_playlist(&app, &alice, &[("Rick Astley", "Never Gonna Give You Up")]).await;
    let expected: Vec<usize> = before.iter().map(|n| n + 1).collect();
    assert_eq!(
        search_calls(&platforms),
        expected,
        "one search a platform for the named track, none for the unmatched line"
    );
}

crate::on_both_backends!(
    matched_tracks_get_their_pages_on_each_platform_once,
    an_isrc_is_looked_up_exactly_and_unmatched_lines_are_not_searched,
);
