//! `GET /v1/me/export`: a zip of everything the user has, and nothing secret.

use std::io::Read;

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp};

async fn the_export_holds_every_owned_playlist_and_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let mix = app.playlist(&alice, json!({"name": "Mix / 1"})).await;
    app.add(&alice, &mix, &[("Queen", "Bohemian Rhapsody"), ("Quote \"Band\", Inc.", "Comma, title")]).await;
    let empty = app.playlist(&alice, json!({"name": "Empty"})).await;
    let theirs = app.playlist(&bob, json!({"name": "Bob's"})).await;
    let share = app
        .as_user(&bob, Method::PUT, &format!("/v1/playlists/{theirs}/collaborators/alice"))
        .json(&json!({"role": "contributor"}));
    assert_eq!(share.send().await.unwrap().status(), 200);

    let r = app.as_user(&alice, Method::GET, "/v1/me/export").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/zip");
    assert_eq!(r.headers()[header::CONTENT_DISPOSITION], "attachment; filename=\"sharify-alice.zip\"");
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "account.json".to_owned(),
            format!("playlists/Empty ({empty}).csv"),
            format!("playlists/Empty ({empty}).jspf"),
            format!("playlists/Mix _ 1 ({mix}).csv"),
            format!("playlists/Mix _ 1 ({mix}).jspf"),
        ]
    );
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    };
    let account: Value = serde_json::from_str(&read("account.json")).unwrap();
    assert_eq!(account["account"]["username"], "alice");
    assert_eq!(
        account["collaborations"],
        json!([{"playlist_id": theirs, "name": "Bob's", "owner": "bob", "role": "contributor"}])
    );
    assert_eq!(account["playlists"].as_array().unwrap().len(), 2);
    let all_text = format!("{account}");
    assert!(!all_text.contains("password") && !all_text.contains("argon2"), "no secret leaves");
    let jspf: Value = serde_json::from_str(&read(&format!("playlists/Mix _ 1 ({mix}).jspf"))).unwrap();
    assert_eq!(jspf["playlist"]["track"].as_array().unwrap().len(), 2);
    let csv = read(&format!("playlists/Mix _ 1 ({mix}).csv"));
    assert!(csv.contains("\"Quote \"\"Band\"\", Inc.\",\"Comma, title\""), "{csv}");
    assert_error(app.request(Method::GET, "/v1/me/export").send().await.unwrap(), 401, "unauthorized").await;
}

crate::on_both_backends!(the_export_holds_every_owned_playlist_and_the_account);
