//! Account lifecycle: changing the password revokes other tokens; deleting the account removes
//! its playlists and memberships and keeps its username from being taken.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn login(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.request(Method::POST, "/v1/auth/tokens")
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.request(Method::GET, "/v1/me").bearer_auth(token).send().await.unwrap().status().as_u16()
}

async fn a_password_change_revokes_every_other_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let other: Value = login(&app, "alice", &alice.password).await.json().await.unwrap();
    let other = other["token"].as_str().unwrap().to_owned();
    assert_eq!(me_status(&app, &other).await, 200);
    let change = |current: &str, new: &str| {
        app.as_user(&alice, Method::POST, "/v1/me/password")
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    assert_error(change("not my password", "a brand new passphrase").await.unwrap(), 401, "unauthorized").await;
    assert_error(change(&alice.password, "short").await.unwrap(), 422, "weak_password").await;
    let r = change(&alice.password, "a brand new passphrase").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["revoked_tokens"], 1);
    assert_eq!(me_status(&app, &other).await, 401, "the other token stopped working at once");
    assert_eq!(me_status(&app, &alice.token).await, 200, "the token that made the change stays");
    assert_eq!(login(&app, "alice", &alice.password).await.status(), 401);
    assert_eq!(login(&app, "alice", "a brand new passphrase").await.status(), 201);
}

async fn share(app: &TestApp, owner: &TestUser, id: &str, who: &str, role: &str) {
    let path = format!("/v1/playlists/{id}/collaborators/{who}");
    let r = app.as_user(owner, Method::PUT, &path).json(&json!({ "role": role })).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

async fn deleting_an_account_removes_its_playlists_and_memberships_and_holds_its_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let hers = app.playlist(&alice, json!({"name": "hers", "visibility": "public"})).await;
    share(&app, &alice, &hers, "bob", "editor").await;
    let r = app
        .as_user(&alice, Method::POST, &format!("/v1/playlists/{hers}/share-links"))
        .json(&json!({"role": "viewer"}));
    let link: Value = r.send().await.unwrap().json().await.unwrap();
    let r = app.as_user(&bob, Method::POST, &format!("/v1/playlists/{hers}/fork")).send().await.unwrap();
    let fork = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let his = app.playlist(&bob, json!({"name": "his"})).await;
    share(&app, &bob, &his, "alice", "contributor").await;

    let delete =
        |password: &str| app.as_user(&alice, Method::DELETE, "/v1/me").json(&json!({"password": password})).send();
    assert_error(delete("wrong password!").await.unwrap(), 401, "unauthorized").await;
    assert_eq!(delete(&alice.password).await.unwrap().status(), 204);

    assert_eq!(me_status(&app, &alice.token).await, 401, "her tokens are gone");
    assert_eq!(login(&app, "alice", &alice.password).await.status(), 401);
    let r = app.as_user(&bob, Method::GET, &format!("/v1/playlists/{hers}")).send().await.unwrap();
    assert_eq!(r.status(), 404, "her playlists are deleted, collaborators included");
    let token = link["token"].as_str().unwrap();
    assert_eq!(app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap().status(), 404);
    let members = app.get_json(&bob, &format!("/v1/playlists/{his}/collaborators")).await;
    assert!(members["collaborators"].as_array().unwrap().is_empty(), "she left what was shared with her: {members}");
    assert_eq!(app.get_playlist(&bob, &fork).await["owner"]["username"], "bob", "forks others made stay theirs");
    let again = app.request(Method::POST, "/v1/users").json(&json!({
        "username": "Alice", "password": "another fine passphrase", "display_name": "Not Alice"
    }));
    assert_error(again.send().await.unwrap(), 409, "username_taken").await;
}

async fn a_user_sets_a_time_zone_and_a_display_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    assert_eq!(app.get_json(&alice, "/v1/me").await["timezone"], "UTC", "until set");
    let patch = |body: Value| app.as_user(&alice, Method::PATCH, "/v1/me").json(&body).send();
    let r = patch(json!({"timezone": "Europe/Paris", "display_name": "Alice P."})).await.unwrap();
    assert_eq!(r.status(), 200);
    let me = app.get_json(&alice, "/v1/me").await;
    assert_eq!((me["timezone"].as_str(), me["display_name"].as_str()), (Some("Europe/Paris"), Some("Alice P.")));
    let body = assert_error(patch(json!({"timezone": "Mars/Olympus"})).await.unwrap(), 422, "invalid_timezone").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("IANA"), "{body}");
    assert_error(patch(json!({"display_name": ""})).await.unwrap(), 422, "invalid_display_name").await;
    assert_error(patch(json!({"time_zone": "UTC"})).await.unwrap(), 422, "invalid_body").await;
    assert_eq!(app.get_json(&alice, "/v1/me").await["timezone"], "Europe/Paris", "refused changes change nothing");
    // The password still works after the change (the account was read afresh, not from a cache).
    assert_eq!(login(&app, "alice", &alice.password).await.status(), 201);
}

crate::on_both_backends!(
    a_password_change_revokes_every_other_token,
    deleting_an_account_removes_its_playlists_and_memberships_and_holds_its_name,
    a_user_sets_a_time_zone_and_a_display_name,
);
