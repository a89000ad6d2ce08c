//! Playlist CRUD, listing, validation, visibility and `If-Match`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp};

async fn create_read_patch_delete_round_trip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists")
        .json(&json!({"name": "  Road trip ", "description": "for the drive"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let created: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/v1/playlists/{}", created["id"].as_str().unwrap()));
    assert_eq!(
        (&created["name"], &created["visibility"], &created["version"], &created["owner"]["username"]),
        (&json!("Road trip"), &json!("private"), &json!(1), &json!("alice"))
    );
    let fetched: Value = app.as_user(&alice, Method::GET, &location).send().await.unwrap().json().await.unwrap();
    assert_eq!(fetched, created);

    let r = app.as_user(&alice, Method::PATCH, &location).json(&json!({"name": "Renamed"})).send().await.unwrap();
    assert_eq!(r.headers()["etag"], "\"2\"");
    let patched: Value = r.json().await.unwrap();
    assert_eq!(
        (&patched["name"], &patched["version"], &patched["description"]),
        (&json!("Renamed"), &json!(2), &json!("for the drive"))
    );
    // A patch that changes nothing keeps the version.
    let same: Value = app
        .as_user(&alice, Method::PATCH, &location)
        .json(&json!({"name": "Renamed"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(same["version"], 2);

    let r = app.as_user(&alice, Method::DELETE, &location).header("if-match", "\"1\"").send().await.unwrap();
    assert_error(r, 412, "version_mismatch").await;
    let r = app.as_user(&alice, Method::DELETE, &location).header("if-match", "\"2\"").send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_error(app.as_user(&alice, Method::GET, &location).send().await.unwrap(), 404, "playlist_not_found").await;
    assert_error(app.as_user(&alice, Method::DELETE, &location).send().await.unwrap(), 404, "playlist_not_found").await;
}

async fn listing_shows_only_own_playlists_newest_first_with_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let mut ids = vec![];
    for i in 0..5 {
        ids.push(app.playlist(&alice, json!({"name": format!("p{i}")})).await);
    }
    app.playlist(&bob, json!({"name": "bob's"})).await;
    // Touching p1 makes it the most recently updated.
    app.add(&alice, &ids[1], &[("A", "B")]).await;
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/playlists?limit=2&cursor={c}"),
            None => "/v1/playlists?limit=2".into(),
        };
        let page: Value = app.as_user(&alice, Method::GET, &path).send().await.unwrap().json().await.unwrap();
        let rows = page["playlists"].as_array().unwrap();
        assert!(rows.len() <= 2 && rows.iter().all(|p| p.get("items").is_none()));
        seen.extend(rows.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected = vec![ids[1].clone(), ids[4].clone(), ids[3].clone(), ids[2].clone(), ids[0].clone()];
    assert_eq!(seen, expected);
}

crate::on_both_backends!(
    create_read_patch_delete_round_trip,
    listing_shows_only_own_playlists_newest_first_with_cursor,
    visibility_controls_who_reads_and_nobody_else_writes,
);

#[tokio::test(flavor = "multi_thread")]
async fn playlist_fields_are_validated() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    for (body, status, code) in [
        (json!({"name": ""}), 422, "invalid_name"),
        (json!({"name": "   "}), 422, "invalid_name"),
        (json!({"name": "x".repeat(201)}), 422, "invalid_name"),
        (json!({"name": "ok", "description": "d".repeat(2001)}), 422, "invalid_description"),
        (json!({"name": "ok", "visibility": "secret"}), 422, "invalid_body"),
        (json!({"name": 5}), 422, "invalid_body"),
        (json!({}), 422, "invalid_body"),
    ] {
        let r = app.as_user(&alice, Method::POST, "/v1/playlists").json(&body).send().await.unwrap();
        assert_error(r, status, code).await;
    }
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists")
        .json(&json!({"name": "ü".repeat(200)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "200 multi-byte characters fit");
    let listed: Value = app.as_user(&alice, Method::GET, "/v1/playlists").send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["playlists"].as_array().unwrap().len(), 1, "nothing invalid was stored");
}

async fn visibility_controls_who_reads_and_nobody_else_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let id = app.playlist(&alice, json!({"name": "mine"})).await;
    let path = format!("/v1/playlists/{id}");
    assert_error(app.as_user(&bob, Method::GET, &path).send().await.unwrap(), 404, "playlist_not_found").await;
    assert_error(app.request(Method::GET, &path).send().await.unwrap(), 404, "playlist_not_found").await;
    let r = app.as_user(&alice, Method::PATCH, &path).json(&json!({"visibility": "unlisted"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(app.as_user(&bob, Method::GET, &path).send().await.unwrap().status(), 200);
    assert_eq!(app.request(Method::GET, &path).send().await.unwrap().status(), 200);
    let r = app.as_user(&bob, Method::PATCH, &path).json(&json!({"name": "hijacked"})).send().await.unwrap();
    assert_error(r, 403, "forbidden").await;
    assert_eq!(app.get_playlist(&alice, &id).await["name"], "mine");
}
