//! Hardening II (issue 29): what the review of the newer features found, each on both stores.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, eventually, Backend, TestApp, TestUser},
    webhook_receiver::Receiver,
};

async fn import_csv(app: &TestApp, user: &TestUser, name: &str, body: String) -> Value {
    let r = app
        .as_user(user, Method::POST, &format!("/v1/playlists/import?name={name}"))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn a_merge_of_sources_too_large_together_is_refused_as_they_load(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for part in 0..2 {
        let csv: String = std::iter::once("artist,title\n".to_owned())
            .chain((0..6_000).map(|n| format!("Artist {part},Song {n}\n")))
            .collect();
        ids.push(
            import_csv(&app, &alice, &format!("big{part}"), csv).await["playlist"]["id"].as_str().unwrap().to_owned(),
        );
    }
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/merge");
    let r = r.json(&json!({"sources": ids, "dedupe": false})).send().await.unwrap();
    let body = assert_error(r, 422, "playlist_too_large").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("together"), "{body}");
    let listed = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(listed["playlists"].as_array().unwrap().len(), 2, "nothing created");
}

async fn csv_exports_never_hand_a_spreadsheet_a_formula(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "sheet", "visibility": "public"})).await;
    let tracks = json!([
        {"artist": "=HYPERLINK(\"http://evil.example\",\"click\")", "title": "+cmd|' /C calc'!A0"},
        {"artist": "-M-", "title": "@SUM(A1)"},
    ]);
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&json!({"tracks": tracks}));
    assert_eq!(r.send().await.unwrap().status(), 200);
    let csv = app.request(Method::GET, &format!("/v1/playlists/{id}/export?format=csv")).send().await.unwrap();
    let csv = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for row in reader.records() {
        for cell in row.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a live formula: {cell:?} in {csv}");
        }
    }
    // Imported back, the names are as they were.
    let again = import_csv(&app, &alice, "again", csv).await;
    let p = app.get_playlist(&alice, again["playlist"]["id"].as_str().unwrap()).await;
    let artists: Vec<&str> = p["items"].as_array().unwrap().iter().map(|i| i["artist"].as_str().unwrap()).collect();
    assert_eq!(artists, ["=HYPERLINK(\"http://evil.example\",\"click\")", "-M-"]);
}

async fn a_removed_editors_hook_stops_at_once_and_shows_as_suspended(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.webhooks.allow_insecure_targets = true).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let id = app.playlist(&alice, json!({"name": "Shared"})).await;
    let r = app.as_user(&alice, Method::PUT, &format!("/v1/playlists/{id}/collaborators/bob"));
    assert!(r.json(&json!({"role": "editor"})).send().await.unwrap().status().is_success());
    let receiver = Receiver::start().await;
    let r = app.as_user(&bob, Method::POST, &format!("/v1/playlists/{id}/webhooks"));
    let created: Value =
        r.json(&json!({"url": receiver.url, "events": ["*"]})).send().await.unwrap().json().await.unwrap();
    let hook_id = created["id"].as_str().unwrap().to_owned();
    app.add(&alice, &id, &[("A", "while bob edits")]).await;
    eventually(20, "bob's hook delivers while he is an editor", || async {
        (!receiver.acknowledged().is_empty()).then_some(())
    })
    .await;
    let before = receiver.received().len();

    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/collaborators/bob"));
    assert!(r.send().await.unwrap().status().is_success());
    app.add(&alice, &id, &[("B", "after bob left")]).await;
    let shown = eventually(20, "alice sees bob's hook suspended", || async {
        let shown = app.get_json(&alice, &format!("/v1/playlists/{id}/webhooks/{hook_id}")).await;
        shown["delivery"]["disabled"].as_str().is_some_and(|d| d.starts_with("suspended")).then_some(shown)
    })
    .await;
    assert!(shown["delivery"]["disabled"].as_str().unwrap().contains("no longer"), "{shown}");
    // Another hook of the playlist still delivers the later event, so a pass has run past it.
    let other = Receiver::start().await;
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/webhooks"));
    assert_eq!(r.json(&json!({"url": other.url, "events": ["*"]})).send().await.unwrap().status(), 201);
    app.add(&alice, &id, &[("C", "later")]).await;
    eventually(20, "the owner's hook delivers", || async { (!other.acknowledged().is_empty()).then_some(()) }).await;
    assert_eq!(receiver.received().len(), before, "nothing reached the removed editor's receiver");
}

async fn any_authorization_header_buys_no_way_past_the_address_limit(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.ratelimit.anonymous_per_minute = 1;
        c.ratelimit.anonymous_burst = 5;
    })
    .await;
    let alice = app.user("alice").await; // sign-up and login: 2 of the 5
    let id = app.playlist(&alice, json!({"name": "open", "visibility": "public"})).await;
    let mut statuses = Vec::new();
    for header in ["Bearer x", "Basic !", "Bearer y", "Bearer z"] {
        let r = app.request(Method::GET, &format!("/p/{id}")).header("authorization", header).send().await.unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429], "a made-up header is no credential where none is checked");
    let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 200, "real credentials on a route that checks them: the user's own quota");
}

async fn a_slow_receiver_holds_up_only_its_own_hook(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.webhooks.allow_insecure_targets = true;
        c.webhooks.timeout_secs = 8;
    })
    .await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let slow = Receiver::start().await;
    slow.hang_next(3);
    for n in 0..3 {
        let id = app.playlist(&alice, json!({"name": format!("slow {n}")})).await;
        let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/webhooks"));
        assert_eq!(r.json(&json!({"url": slow.url, "events": ["*"]})).send().await.unwrap().status(), 201);
        app.add(&alice, &id, &[("Slow", "event")]).await;
    }
    eventually(10, "the slow receiver is being called", || async { (!slow.received().is_empty()).then_some(()) }).await;
    let fast = Receiver::start().await;
    let id = app.playlist(&bob, json!({"name": "fast"})).await;
    let r = app.as_user(&bob, Method::POST, &format!("/v1/playlists/{id}/webhooks"));
    assert_eq!(r.json(&json!({"url": fast.url, "events": ["*"]})).send().await.unwrap().status(), 201);
    app.add(&bob, &id, &[("Fast", "event")]).await;
    // One after the other, it would wait out three 8 s timeouts first.
    eventually(6, "another tenant's receiver gets its event meanwhile", || async {
        (!fast.acknowledged().is_empty()).then_some(())
    })
    .await;
}

crate::on_both_backends!(
    a_slow_receiver_holds_up_only_its_own_hook,
    any_authorization_header_buys_no_way_past_the_address_limit,
    a_removed_editors_hook_stops_at_once_and_shows_as_suspended,
    a_merge_of_sources_too_large_together_is_refused_as_they_load,
    csv_exports_never_hand_a_spreadsheet_a_formula,
);
