//! Sharing edge cases: forks of private playlists, joins that must not lower roles or use links
//! up for nothing, the collaborator cap, and `If-Match` on delete.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn link(app: &TestApp, owner: &TestUser, id: &str, body: Value) -> String {
    let r = app.as_user(owner, Method::POST, &format!("/v1/playlists/{id}/share-links")).json(&body).send();
    let v: Value = r.await.unwrap().json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

async fn join(app: &TestApp, who: &TestUser, token: &str) -> reqwest::Response {
    app.as_user(who, Method::POST, &format!("/v1/shared/{token}/join")).send().await.unwrap()
}

async fn grant(app: &TestApp, owner: &TestUser, id: &str, who: &str, role: &str) -> reqwest::Response {
    let path = format!("/v1/playlists/{id}/collaborators/{who}");
    app.as_user(owner, Method::PUT, &path).json(&json!({ "role": role })).send().await.unwrap()
}

async fn joins_never_lower_a_role_nor_use_a_link_up_for_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, ed, dan, erin) =
        (app.user("owner").await, app.user("eddie").await, app.user("dan").await, app.user("erin").await);
    let id = app.playlist(&owner, json!({"name": "shared"})).await;
    assert_eq!(grant(&app, &owner, &id, "eddie", "editor").await.status(), 200);
    let token = link(&app, &owner, &id, json!({"role": "viewer", "max_uses": 1})).await;
    let r = join(&app, &ed, &token).await;
    assert_eq!(r.json::<Value>().await.unwrap()["role"], "editor", "an editor stays an editor");
    let r = join(&app, &dan, &token).await;
    assert_eq!(r.json::<Value>().await.unwrap()["role"], "viewer", "the editor's visit did not use the link up");
    assert_eq!(join(&app, &erin, &token).await.status(), 404, "now it is used up");
}

async fn the_collaborator_cap_holds_for_grants_and_links(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.sharing.max_collaborators = 2).await;
    let owner = app.user("owner").await;
    let (a, b, c) = (app.user("aaa").await, app.user("bbb").await, app.user("ccc").await);
    let id = app.playlist(&owner, json!({"name": "small"})).await;
    assert_eq!(grant(&app, &owner, &id, "aaa", "viewer").await.status(), 200);
    let token = link(&app, &owner, &id, json!({"role": "viewer", "max_uses": 1})).await;
    assert_eq!(join(&app, &b, &token).await.status(), 200);
    assert_error(grant(&app, &owner, &id, "ccc", "viewer").await, 409, "too_many_collaborators").await;
    assert_eq!(grant(&app, &owner, &id, "aaa", "editor").await.status(), 200, "changing a role is not adding");
    let r = app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/collaborators/bbb")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let token = link(&app, &owner, &id, json!({"role": "viewer", "max_uses": 1})).await;
    assert_eq!(grant(&app, &owner, &id, "ccc", "viewer").await.status(), 200);
    assert_error(join(&app, &b, &token).await, 409, "too_many_collaborators").await;
    let r = app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/collaborators/ccc")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(join(&app, &b, &token).await.status(), 200, "the refused join did not use the link up");
    let _ = (a, c);
}

async fn forks_of_private_playlists_do_not_reveal_the_source(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, fan) = (app.user("owner").await, app.user("fan").await);
    let id = app.playlist(&owner, json!({"name": "secret"})).await;
    assert_eq!(grant(&app, &owner, &id, "fan", "viewer").await.status(), 200);
    let r = app.as_user(&fan, Method::POST, &format!("/v1/playlists/{id}/fork")).send().await.unwrap();
    let fork: Value = r.json().await.unwrap();
    assert_eq!(fork["forked_from"], Value::Null, "{fork}");
}

async fn delete_honours_if_match(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let id = app.playlist(&owner, json!({"name": "to go"})).await;
    app.add(&owner, &id, &[("a", "b")]).await;
    let delete = |tag: &'static str| {
        app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}")).header(header::IF_MATCH, tag).send()
    };
    assert_error(delete("\"1\"").await.unwrap(), 412, "version_mismatch").await;
    assert_eq!(delete("\"2\"").await.unwrap().status(), 204);
}

async fn revoking_a_link_to_an_unlisted_playlist_ends_the_access_it_gave(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let id = app.playlist(&owner, json!({"name": "unlisted", "visibility": "unlisted"})).await;
    let r =
        app.as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/share-links")).json(&json!({"role": "viewer"}));
    let created: Value = r.send().await.unwrap().json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    let mut seen = String::new();
    for path in [format!("/v1/shared/{token}"), format!("/s/{token}"), format!("/s/{token}/playlist.jspf")] {
        let r = app.request(Method::GET, &path).send().await.unwrap();
        assert_eq!(r.status(), 200);
        seen.push_str(&r.text().await.unwrap());
    }
    assert!(!seen.contains(&id), "what the link shows never includes the playlist id");
    let link_id = created["link_id"].as_str().unwrap();
    let r =
        app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/share-links/{link_id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap().status(), 404);
}

crate::on_both_backends!(
    revoking_a_link_to_an_unlisted_playlist_ends_the_access_it_gave,
    joins_never_lower_a_role_nor_use_a_link_up_for_nothing,
    the_collaborator_cap_holds_for_grants_and_links,
    forks_of_private_playlists_do_not_reveal_the_source,
    delete_honours_if_match,
);
