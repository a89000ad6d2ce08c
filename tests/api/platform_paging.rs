//! Imports read every page by what the platform serves, never by an assumed page size, and a
//! track the platform counted but never served is a report line, never silence (issue 30, item 9).

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{Backend, TestApp},
    platform_fakes::FakePlatforms,
    platforms::use_fake_platforms,
};

async fn import_deezer(app: &TestApp, user: &crate::helpers::TestUser) -> Value {
    let r = app
        .as_user(user, Method::POST, "/v1/playlists/import")
        .json(&json!({"url": "https://www.deezer.com/playlist/9200461"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn a_deezer_playlist_served_in_pages_of_25_arrives_whole(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    // Deezer's default page is 25 and its largest `limit` is undocumented: it may serve fewer
    // than the 100 asked for.
    fake.deezer_page_cap(25);
    let report = import_deezer(&app, &alice).await;
    assert_eq!(report["counts"]["read"], 102, "every track read: {}", report["counts"]);
    assert_eq!(report["playlist"]["item_count"], 102);
    let id = report["playlist"]["id"].as_str().unwrap();
    let playlist = app.get_json(&alice, &format!("/v1/playlists/{id}?items_limit=1000")).await;
    let titles: Vec<&str> =
        playlist["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    let unique: std::collections::BTreeSet<&&str> = titles.iter().collect();
    assert_eq!(unique.len(), 102, "none twice");
    assert_eq!(titles[101], "Generated Track 101", "in Deezer's order");
    assert_eq!(fake.calls("/deezer/playlist/9200461/tracks"), 5, "25 a page: five pages, each once");
}

async fn tracks_deezer_counted_but_never_served_are_reported(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    fake.deezer_uncounted(3);
    let report = import_deezer(&app, &alice).await;
    assert_eq!(report["playlist"]["item_count"], 102, "{}", report["counts"]);
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 3, "{report}");
    assert_eq!(rejected[0]["line"], 103);
    assert!(rejected[0]["reason"].as_str().unwrap().contains("did not serve"), "{report}");
}

async fn youtube_entries_counted_but_not_listed_are_reported(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    fake.youtube_uncounted(2);
    let url = format!("https://www.youtube.com/playlist?list={}", crate::platform_fakes::YOUTUBE_PLAYLIST);
    let r =
        app.as_user(&alice, Method::POST, "/v1/playlists/import").json(&json!({ "url": url })).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["added"], 13, "{report}");
    let told = report["rejected"].as_array().unwrap().iter().find(|r| r["line"] == 14).cloned().unwrap_or_default();
    assert!(told["reason"].as_str().unwrap_or("").contains("counts 15 entries"), "{report}");
}

crate::on_both_backends!(
    youtube_entries_counted_but_not_listed_are_reported,
    a_deezer_playlist_served_in_pages_of_25_arrives_whole,
    tracks_deezer_counted_but_never_served_are_reported,
);
