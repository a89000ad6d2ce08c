//! Share links: revoke, expiry and use limits stop them at once; tokens are never stored or logged.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, captured_logs, Backend, TestApp, TestUser};

async fn link(app: &TestApp, owner: &TestUser, id: &str, body: Value) -> (String, String) {
    let r =
        app.as_user(owner, Method::POST, &format!("/v1/playlists/{id}/share-links")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    (v["token"].as_str().unwrap().to_owned(), v["link_id"].as_str().unwrap().to_owned())
}

async fn links_stop_at_once_when_revoked_expired_or_used_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, dan, erin) = (app.user("owner").await, app.user("dan").await, app.user("erin").await);
    let id = app.playlist(&owner, json!({"name": "linked"})).await;
    let (token, link_id) =
        link(&app, &owner, &id, json!({"role": "contributor", "max_uses": 1, "expires_in": 3600})).await;
    assert!(token.len() >= 22, "at least 128 bits, URL-safe");
    let r = app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap();
    let shared: Value = r.json().await.unwrap();
    assert_eq!(shared["playlist"]["name"], "linked");
    assert_eq!(shared["playlist"]["id"], Value::Null, "a link never hands out a private playlist's id");
    let joined: Value = app
        .as_user(&dan, Method::POST, &format!("/v1/shared/{token}/join"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(joined["role"], "contributor");
    assert_eq!(app.add(&dan, &id, &[("x", "y")]).await["added"].as_array().unwrap().len(), 1);
    // Used up: the same 404 for reading and joining.
    assert_error(
        app.as_user(&erin, Method::POST, &format!("/v1/shared/{token}/join")).send().await.unwrap(),
        404,
        "share_link_not_found",
    )
    .await;
    assert_error(
        app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap(),
        404,
        "share_link_not_found",
    )
    .await;
    let list: Value = app
        .as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/share-links"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&list["links"][0]["uses"], &list["links"][0]["visits"], &list["links"][0]["state"]),
        (&json!(1), &json!(1), &json!("used_up"))
    );
    assert!(!list.to_string().contains(&token), "listings never show tokens");
    // Revoked: stops at once.
    let (token, link_id2) = link(&app, &owner, &id, json!({"role": "viewer"})).await;
    assert_eq!(app.request(Method::GET, &format!("/s/{token}")).send().await.unwrap().status(), 200);
    let r = app
        .as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/share-links/{link_id2}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_error(
        app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap(),
        404,
        "share_link_not_found",
    )
    .await;
    assert_eq!(app.request(Method::GET, &format!("/s/{token}")).send().await.unwrap().status(), 404);
    assert_error(
        app.as_user(&erin, Method::POST, &format!("/v1/shared/{token}/join")).send().await.unwrap(),
        404,
        "share_link_not_found",
    )
    .await;
    // Expired: stored with an expiry in the past.
    let mut expired = app.store.store.links_for(&id).await.unwrap().into_iter().find(|l| l.link_id == link_id).unwrap();
    let past_token = sharify::ids::new_id();
    expired.link_id = sharify::ids::new_id();
    expired.token_hash = sharify::auth::tokens::hash_token(&past_token);
    expired.uses = 0;
    expired.expires_at = Some(sharify::ids::now() - chrono::Duration::seconds(1));
    app.store.store.insert_link(&expired).await.unwrap();
    assert_error(
        app.request(Method::GET, &format!("/v1/shared/{past_token}")).send().await.unwrap(),
        404,
        "share_link_not_found",
    )
    .await;
    // Invalid requests.
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/share-links"))
        .json(&json!({"role": "editor"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 422, "invalid_role").await;
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/share-links"))
        .json(&json!({"role": "viewer", "expires_in": 5}))
        .send()
        .await
        .unwrap();
    assert_error(r, 422, "invalid_expiry").await;
}

async fn share_tokens_are_never_stored_or_logged_in_plain_form(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, dan) = (app.user("owner").await, app.user("dan").await);
    let id = app.playlist(&owner, json!({"name": "secret"})).await;
    let (token, _) = link(&app, &owner, &id, json!({"role": "viewer"})).await;
    app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap();
    app.request(Method::GET, &format!("/s/{token}")).send().await.unwrap();
    app.request(Method::GET, &format!("/s/{token}/playlist.jspf")).send().await.unwrap();
    app.as_user(&dan, Method::POST, &format!("/v1/shared/{token}/join")).send().await.unwrap();
    let stored = app.store.store.links_for(&id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!serde_json::to_string(&stored).unwrap().contains(&token));
    assert_eq!(stored[0].token_hash, sharify::auth::tokens::hash_token(&token));
    if backend == Backend::Embedded {
        let mut raw = Vec::new();
        for entry in std::fs::read_dir(app.store.data_dir.path()).unwrap() {
            raw.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        assert!(!String::from_utf8_lossy(&raw).contains(&token), "no plain token in the database files");
    }
    let logs = captured_logs();
    assert!(logs.contains("/v1/shared/{token}"), "requests were logged by route template");
    assert!(!logs.contains(&token), "no plain token in the logs");
}

/// A viewer link to a new playlist "Pasted" of `owner`: the creation answer.
async fn viewer_link_to_a_new_playlist(app: &TestApp, owner: &TestUser) -> Value {
    let id = app.playlist(owner, json!({"name": "Pasted"})).await;
    let path = format!("/v1/playlists/{id}/share-links");
    let r = app.as_user(owner, Method::POST, &path).json(&json!({"role": "viewer"})).send();
    r.await.unwrap().json().await.unwrap()
}

/// A link's `url` is what people paste: absolute, under `http.public_url`, else where the
/// request came; and it opens the share page.
async fn a_links_url_is_absolute_and_opens_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let created = viewer_link_to_a_new_playlist(&app, &owner).await;
    let token = created["token"].as_str().unwrap();
    assert_eq!(created["url"], app.url(&format!("/s/{token}")), "{created}");
    assert_eq!(created["api_url"], app.url(&format!("/v1/shared/{token}")));
    let page = reqwest::get(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Pasted"));

    let app = TestApp::spawn_with(backend, |c| c.http.public_url = "https://sharify.example.com/".into()).await;
    let owner = app.user("owner").await;
    let created = viewer_link_to_a_new_playlist(&app, &owner).await;
    let token = created["token"].as_str().unwrap();
    assert_eq!(created["url"], format!("https://sharify.example.com/s/{token}"));
}

crate::on_both_backends!(
    a_links_url_is_absolute_and_opens_the_page,
    links_stop_at_once_when_revoked_expired_or_used_up,
    share_tokens_are_never_stored_or_logged_in_plain_form,
);
