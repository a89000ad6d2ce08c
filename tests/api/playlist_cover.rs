//! A playlist's own cover (issue 30, item 2): read from the file or platform it came from, kept
//! through every export that has room for it, set and cleared by its editors, shown on its page.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, Backend, TestApp},
    platform_fakes::FakePlatforms,
    platforms::use_fake_platforms,
};

const COVER: &str = "https://i.scdn.example/image/ab67616d00001e02playlistcover";

async fn a_files_cover_is_kept_shown_and_exported(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let xspf = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/files/spotify-exporter.xspf")).unwrap();
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/import?format=xspf&visibility=public").body(xspf).send();
    let report: Value = r.await.unwrap().json().await.unwrap();
    assert_eq!(report["playlist"]["image"], COVER, "{report}");
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("<img class=\"cover\" src=\"{COVER}\"")), "{html}");
    assert!(html.contains(&format!("<meta property=\"og:image\" content=\"{COVER}\">")), "{html}");
    // Exported and read back by both formats that have room for it.
    for format in ["jspf", "xspf"] {
        let body = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/export?format={format}")).send();
        let body = body.await.unwrap().bytes().await.unwrap();
        if format == "xspf" {
            crate::export::assert_valid_xspf(std::str::from_utf8(&body).unwrap());
        }
        let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/import?format={format}")).body(body).send();
        let back: Value = r.await.unwrap().json().await.unwrap();
        assert_eq!(back["playlist"]["image"], COVER, "{format}: {back}");
    }
    // A fork keeps it.
    let fork: Value = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/fork"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fork["image"], COVER, "{fork}");
}

async fn editors_set_and_clear_the_cover(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Covered"})).await;
    let patch = |body: Value| app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}")).json(&body).send();
    let r = patch(json!({"image": "https://img.example/a.jpg"})).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.get_playlist(&alice, &id).await["image"], "https://img.example/a.jpg");
    for bad in ["http://img.example/a.jpg", "javascript:alert(1)", "https://img.example/a b.jpg", ""] {
        assert_error(patch(json!({ "image": bad })).await.unwrap(), 422, "invalid_image").await;
    }
    assert_eq!(app.get_playlist(&alice, &id).await["image"], "https://img.example/a.jpg", "refusals change nothing");
    let r = patch(json!({"image": null})).await.unwrap();
    assert_eq!(r.status(), 200);
    let after = app.get_playlist(&alice, &id).await;
    assert!(after.get("image").is_none(), "cleared in the store too: {after}");
    // Another field's change leaves it alone.
    patch(json!({"image": "https://img.example/b.jpg"})).await.unwrap();
    patch(json!({"name": "Renamed"})).await.unwrap();
    assert_eq!(app.get_playlist(&alice, &id).await["image"], "https://img.example/b.jpg");
}

async fn platform_playlists_bring_their_cover(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_platforms(c, &fake)).await;
    let alice = app.user("alice").await;
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import")
        .json(&json!({"url": "https://www.deezer.com/playlist/908622995"}))
        .send()
        .await
        .unwrap();
    let report: Value = r.json().await.unwrap();
    let image = report["playlist"]["image"].as_str().unwrap_or_default();
    assert!(
        image.starts_with("https://cdns-images.dzcdn.net/images/playlist/") && image.contains("1000x1000"),
        "{report}"
    );
}

crate::on_both_backends!(
    a_files_cover_is_kept_shown_and_exported,
    editors_set_and_clear_the_cover,
    platform_playlists_bring_their_cover,
);
