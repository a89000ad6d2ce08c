//! Items: batches, duplicate policies, positions, listing, moves and removals by id, limits.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn add_raw(app: &TestApp, user: &TestUser, id: &str, body: Value) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/playlists/{id}/items")).json(&body).send().await.unwrap()
}

fn titles(playlist: &Value) -> Vec<String> {
    playlist["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
}

async fn duplicates_are_skipped_allowed_or_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "dups"})).await;
    let out =
        app.add(&alice, &id, &[("Björk", "Army of Me"), ("ＢＪＯ\u{308}ＲＫ", "army   of ME"), ("ABBA", "SOS")]).await;
    assert_eq!(out["added"].as_array().unwrap().len(), 2);
    assert_eq!(
        out["skipped"],
        json!([{"index": 1, "artist": "ＢＪＯ\u{308}ＲＫ", "title": "army   of ME", "reason": "duplicate"}])
    );
    assert_eq!(out["version"], 2);
    let added = &out["added"][0];
    assert!(added["item_id"].as_str().is_some_and(|s| s.len() == 32));
    assert_eq!(added["added_by"], alice.id.as_str());
    assert!(added["added_at"].is_string());

    let r = add_raw(&app, &alice, &id, json!({"tracks": [{"artist": "New", "title": "One"}, {"artist": "abba", "title": "sos"}], "on_duplicate": "reject"})).await;
    assert_error(r, 409, "duplicate_track").await;
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!((titles(&p), &p["version"]), (vec!["Army of Me".to_owned(), "SOS".to_owned()], &json!(2)));

    let r = add_raw(
        &app,
        &alice,
        &id,
        json!({"tracks": [{"artist": "abba", "title": "sos", "album": "Hits"}], "on_duplicate": "allow"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!(titles(&p), vec!["Army of Me", "SOS", "sos"]);
    assert_eq!(p["items"][2]["album"], "Hits");
    // Everything skipped: nothing written, version unchanged.
    let out = app.add(&alice, &id, &[("ABBA", "SOS")]).await;
    assert_eq!((out["added"].as_array().unwrap().len(), &out["version"]), (0, &json!(3)));
}

async fn positions_moves_and_removals_use_item_ids(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "order"})).await;
    app.add(&alice, &id, &[("a", "1"), ("a", "2"), ("a", "3")]).await;
    let r = add_raw(&app, &alice, &id, json!({"tracks": [{"artist": "a", "title": "0"}], "position": 0})).await;
    assert_eq!(r.status(), 200);
    let r = add_raw(&app, &alice, &id, json!({"tracks": [{"artist": "a", "title": "9"}], "position": 99})).await;
    assert_error(r, 422, "invalid_position").await;
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!(titles(&p), vec!["0", "1", "2", "3"]);
    let item = |i: usize| p["items"][i]["item_id"].as_str().unwrap().to_owned();

    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items/{}/move", item(0)))
        .json(&json!({"position": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(titles(&r.json().await.unwrap()), vec!["1", "2", "3", "0"]);
    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items/{}/move", item(1)))
        .json(&json!({"position": 4}))
        .send()
        .await
        .unwrap();
    assert_error(r, 422, "invalid_position").await;

    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{}", item(2))).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{}", item(2))).send().await.unwrap();
    assert_error(r, 404, "item_not_found").await;
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!(
        (titles(&p), &p["version"], &p["item_count"]),
        (vec!["1".to_owned(), "3".to_owned(), "0".to_owned()], &json!(5), &json!(3))
    );
}

async fn items_page_with_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "pages"})).await;
    let tracks: Vec<(String, String)> = (0..7).map(|i| ("artist".to_owned(), format!("t{i}"))).collect();
    let refs: Vec<(&str, &str)> = tracks.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
    app.add(&alice, &id, &refs).await;
    let (mut seen, mut path) = (vec![], format!("/v1/playlists/{id}/items?limit=3"));
    loop {
        let page: Value = app.as_user(&alice, Method::GET, &path).send().await.unwrap().json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/playlists/{id}/items?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).map(|i| format!("t{i}")).collect::<Vec<_>>());
}

crate::on_both_backends!(
    duplicates_are_skipped_allowed_or_rejected,
    positions_moves_and_removals_use_item_ids,
    items_page_with_cursor
);

#[tokio::test(flavor = "multi_thread")]
async fn batch_size_fields_and_playlist_capacity_are_enforced() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "full"})).await;
    let batch = |from: usize, n: usize| -> Value {
        json!({"tracks": (from..from + n).map(|i| json!({"artist": "a", "title": format!("t{i}")})).collect::<Vec<_>>()})
    };
    assert_error(add_raw(&app, &alice, &id, json!({"tracks": []})).await, 422, "invalid_batch").await;
    assert_error(add_raw(&app, &alice, &id, batch(0, 501)).await, 422, "invalid_batch").await;
    for bad in [
        json!({"artist": "", "title": "x"}),
        json!({"artist": "a", "title": "x\u{0}"}),
        json!({"artist": "a", "title": "x".repeat(501)}),
    ] {
        assert_error(add_raw(&app, &alice, &id, json!({"tracks": [bad]})).await, 422, "invalid_track").await;
    }
    assert_error(add_raw(&app, &alice, &id, json!({"tracks": [{"artist": "a"}]})).await, 422, "invalid_body").await;
    for chunk in 0..20 {
        assert_eq!(add_raw(&app, &alice, &id, batch(chunk * 500, 500)).await.status(), 200);
    }
    assert_error(add_raw(&app, &alice, &id, batch(10_000, 1)).await, 422, "playlist_full").await;
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!((&p["item_count"], &p["version"]), (&json!(10_000), &json!(21)));
}
