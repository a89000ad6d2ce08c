//! The authorization matrix: every route × {anonymous, stranger, owner}, on private and unlisted
//! playlists, with the expected status in each cell. Checked against the OpenAPI route list.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp, TestUser};

#[derive(Clone, Copy, Debug)]
enum Actor {
    Anonymous,
    Stranger,
    Owner,
}

struct Row {
    method: Method,
    path: &'static str,
    query: &'static str,
    body: Option<fn() -> Value>,
    /// Expected status for anonymous, stranger, owner.
    expect: [u16; 3],
}

fn row(method: Method, path: &'static str, body: Option<fn() -> Value>, expect: [u16; 3]) -> Row {
    Row { method, path, query: "", body, expect }
}

fn rows(visibility: &str) -> Vec<Row> {
    let private = visibility == "private";
    // On a private playlist a stranger cannot read it (404); on an unlisted one they can read (403 on writes).
    let (read, write) = if private { ([404, 404, 200], 404) } else { ([200, 200, 200], 403) };
    vec![
        row(
            Method::POST,
            "/v1/users",
            Some(|| json!({"username": sharify::ids::new_id(), "password": "matrix password 1", "display_name": "m"})),
            [201, 201, 201],
        ),
        row(
            Method::POST,
            "/v1/auth/tokens",
            Some(|| json!({"username": "owner", "password": "owner-correct-horse-battery"})),
            [201, 201, 201],
        ),
        row(Method::DELETE, "/v1/auth/tokens/current", None, [401, 204, 204]),
        row(Method::GET, "/v1/me", None, [401, 200, 200]),
        row(Method::POST, "/v1/playlists", Some(|| json!({"name": "new"})), [401, 201, 201]),
        row(Method::GET, "/v1/playlists", None, [401, 200, 200]),
        row(Method::GET, "/v1/playlists/public", None, [200, 200, 200]),
        row(Method::GET, "/v1/playlists/{id}", None, read),
        row(Method::PATCH, "/v1/playlists/{id}", Some(|| json!({"name": "renamed"})), [401, write, 200]),
        row(Method::DELETE, "/v1/playlists/{id}", None, [401, write, 204]),
        row(
            Method::POST,
            "/v1/playlists/{id}/items",
            Some(|| json!({"tracks": [{"artist": "x", "title": "y"}]})),
            [401, write, 200],
        ),
        row(Method::GET, "/v1/playlists/{id}/items", None, read),
        row(Method::DELETE, "/v1/playlists/{id}/items/{item_id}", None, [401, write, 204]),
        row(
            Method::POST,
            "/v1/playlists/{id}/items/{item_id}/move",
            Some(|| json!({"position": 0})),
            [401, write, 200],
        ),
        row(Method::POST, "/v1/playlists/{id}/items/refresh", None, [401, write, 503]),
        // No Last.fm key in this app: signed-in callers get 503 enrichment_unavailable.
        Row { query: "?artist=a&title=b", ..row(Method::GET, "/v1/tracks/lookup", None, [401, 503, 503]) },
        Row { query: "?q=abc", ..row(Method::GET, "/v1/tracks/search", None, [401, 503, 503]) },
        // Legacy API: Basic or Bearer; a stranger has no playlist of that name (400, the old message).
        row(
            Method::PUT,
            "/sign-up",
            Some(
                || json!({"username": format!("u{}", &sharify::ids::new_id()[..16]), "password": "Passw0rd1", "name": "m"}),
            ),
            [200, 200, 200],
        ),
        row(Method::PUT, "/playlist", Some(|| json!({"name": "legacy new"})), [401, 200, 200]),
        row(Method::GET, "/playlist", Some(|| json!({"name": "matrix"})), [401, 400, 200]),
        row(
            Method::POST,
            "/playlist",
            Some(|| json!({"name": "matrix", "track": "t", "artist": "a", "op_type": "ADD"})),
            [401, 503, 503],
        ),
        row(Method::DELETE, "/playlist", Some(|| json!({"name": "matrix"})), [401, 400, 200]),
        row(Method::GET, "/song", Some(|| json!({"track": "t", "artist": "a"})), [401, 503, 503]),
        row(Method::GET, "/healthz", None, [200, 200, 200]),
        row(Method::GET, "/readyz", None, [200, 200, 200]),
        row(Method::GET, "/openapi.json", None, [200, 200, 200]),
    ]
}

async fn fresh_token(app: &TestApp, user: &TestUser) -> String {
    let r = app
        .request(Method::POST, "/v1/auth/tokens")
        .json(&json!({"username": user.username, "password": user.password}))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn run_matrix(backend: Backend, visibility: &str) {
    let app = TestApp::spawn(backend).await;
    let (owner, stranger) = (app.user("owner").await, app.user("stranger").await);
    let mut failures = vec![];
    for row in rows(visibility) {
        for (actor, expected) in [Actor::Anonymous, Actor::Stranger, Actor::Owner].into_iter().zip(row.expect) {
            // A fresh playlist (with one item) and fresh tokens per cell: cells never affect each other.
            let id = app.playlist(&owner, json!({"name": "matrix", "visibility": visibility})).await;
            let added = app.add(&owner, &id, &[("a", "b")]).await;
            let item_id = added["added"][0]["item_id"].as_str().unwrap().to_owned();
            let path = format!("{}{}", row.path.replace("{id}", &id).replace("{item_id}", &item_id), row.query);
            let mut request = app.request(row.method.clone(), &path);
            match actor {
                Actor::Anonymous => {}
                Actor::Stranger => request = request.bearer_auth(fresh_token(&app, &stranger).await),
                Actor::Owner => request = request.bearer_auth(fresh_token(&app, &owner).await),
            }
            if let Some(body) = row.body {
                request = request.json(&body());
            }
            let got = request.send().await.unwrap().status().as_u16();
            if got != expected {
                failures.push(format!("{} {} as {actor:?}: expected {expected}, got {got}", row.method, row.path));
            }
        }
    }
    assert!(failures.is_empty(), "authorization matrix ({visibility}) failures:\n{}", failures.join("\n"));
}

async fn matrix_on_private_playlists(backend: Backend) {
    run_matrix(backend, "private").await;
}

async fn matrix_on_unlisted_playlists(backend: Backend) {
    run_matrix(backend, "unlisted").await;
}

crate::on_both_backends!(matrix_on_private_playlists, matrix_on_unlisted_playlists);

#[tokio::test(flavor = "multi_thread")]
async fn matrix_covers_every_documented_route() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    let in_matrix: BTreeSet<String> = rows("private").iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(documented, in_matrix);
}
