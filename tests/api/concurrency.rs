//! Concurrent writers: nothing lost without `If-Match`, 412 (and no change) with a stale one.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp};

async fn sixty_four_concurrent_adds_all_land(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "busy"})).await;
    let before = app.get_playlist(&alice, &id).await["version"].as_u64().unwrap();
    let adds = (0..64).map(|i| {
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": [{"artist": "artist", "title": format!("track {i}")}]}))
            .send()
    });
    for r in futures::future::join_all(adds).await {
        assert_eq!(r.unwrap().status(), 200);
    }
    let p = app.get_playlist(&alice, &id).await;
    let mut titles: Vec<String> =
        p["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().into()).collect();
    titles.sort();
    let mut expected: Vec<String> = (0..64).map(|i| format!("track {i}")).collect();
    expected.sort();
    assert_eq!(titles, expected);
    assert_eq!(p["version"].as_u64().unwrap(), before + 64);
}

async fn stale_if_match_gets_412_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "v"})).await;
    app.add(&alice, &id, &[("a", "1")]).await;
    let before = app.get_playlist(&alice, &id).await;
    let item_id = before["items"][0]["item_id"].as_str().unwrap().to_owned();
    let stale = "\"1\"";
    let attempts = [
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": [{"artist": "b", "title": "2"}]})),
        app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}")).json(&json!({"name": "changed"})),
        app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{item_id}")),
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items/{item_id}/move"))
            .json(&json!({"position": 0})),
        app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}")),
    ];
    for request in attempts {
        assert_error(request.header("if-match", stale).send().await.unwrap(), 412, "version_mismatch").await;
    }
    assert_eq!(app.get_playlist(&alice, &id).await, before);
    let r = app
        .as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
        .header("if-match", "W/\"2\"")
        .json(&json!({"name": "fresh"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["etag"], "\"3\"");
}

async fn two_writers_with_the_same_if_match_one_wins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "race"})).await;
    let writes = ["left", "right"].map(|name| {
        app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
            .header("if-match", "\"1\"")
            .json(&json!({ "name": name }))
            .send()
    });
    let [a, b] = writes;
    let (a, b) = tokio::join!(a, b);
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    let p: Value = app.get_playlist(&alice, &id).await;
    assert_eq!(p["version"], 2);
}

async fn concurrent_adds_and_removes_all_land(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "mixed"})).await;
    let seeded: Vec<(String, String)> = (0..16).map(|i| ("old".to_owned(), format!("o{i}"))).collect();
    let refs: Vec<(&str, &str)> = seeded.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
    let out = app.add(&alice, &id, &refs).await;
    let old_ids: Vec<String> =
        out["added"].as_array().unwrap().iter().map(|i| i["item_id"].as_str().unwrap().into()).collect();
    let removes = old_ids
        .iter()
        .map(|item| app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{item}")).send());
    let adds = (0..16).map(|i| {
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": [{"artist": "new", "title": format!("n{i}")}]}))
            .send()
    });
    let (removed, added) = tokio::join!(futures::future::join_all(removes), futures::future::join_all(adds));
    assert!(removed.into_iter().all(|r| r.unwrap().status() == 204));
    assert!(added.into_iter().all(|r| r.unwrap().status() == 200));
    let p = app.get_playlist(&alice, &id).await;
    let items = p["items"].as_array().unwrap();
    assert_eq!(items.len(), 16);
    assert!(items.iter().all(|i| i["artist"] == "new"));
    assert_eq!(p["version"], 2 + 32);
}

crate::on_both_backends!(
    sixty_four_concurrent_adds_all_land,
    stale_if_match_gets_412_and_changes_nothing,
    two_writers_with_the_same_if_match_one_wins,
    concurrent_adds_and_removes_all_land,
);
