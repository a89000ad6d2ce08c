//! Files as other tools write them (issue 30): what an import cannot read is refused, with where
//! and why, and what it can read keeps every identifier, duration and artist.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn import(app: &TestApp, user: &TestUser, query: &str, body: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/playlists/import{query}"))
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn a_csv_of_unknown_columns_creates_nothing_unless_told_it_has_no_header(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    for unknown in ["foo,bar,baz\n1,2,3\n", "Band,Song\nOther,Tune\n"] {
        let body = assert_error(import(&app, &alice, "", unknown).await, 422, "unrecognised_columns").await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("?header=none"), "says how to import a headerless file: {message}");
    }
    let listed = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(listed["playlists"].as_array().map(Vec::len), Some(0), "nothing created: {listed}");
    // Said so: every row is artist, title[, album].
    let r = import(&app, &alice, "?header=none", "Band,Song\nOther,Tune,Album\n").await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["added"], 2, "{report}");
    let bad = app.as_user(&alice, Method::POST, "/v1/playlists/import?header=maybe").send().await.unwrap();
    assert_eq!(bad.status(), 400, "an unknown header mode is the caller's error");
}

crate::on_both_backends!(a_csv_of_unknown_columns_creates_nothing_unless_told_it_has_no_header);
