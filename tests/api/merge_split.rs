//! Merge and split: new private playlists of the caller from playlists they may read, the
//! sources untouched, lineage recorded (sources that are not private, or the caller's own);
//! bad input (an empty merge, unknown or unreadable sources, a split without a size) refused.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    folders::call,
    helpers::{assert_error, Backend, TestApp},
};

fn titles(playlist: &Value) -> Vec<String> {
    playlist["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
}

async fn merge_copies_items_once_and_records_lineage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let mine = app.playlist(&alice, json!({"name": "Mine"})).await;
    app.add(&alice, &mine, &[("Air", "La femme d'argent"), ("Moby", "Porcelain")]).await;
    let theirs = app.playlist(&bob, json!({"name": "Theirs"})).await;
    app.add(&bob, &theirs, &[("MOBY", "porcelain"), ("Zero 7", "Destiny")]).await;
    let r = app.as_user(&bob, Method::PUT, &format!("/v1/playlists/{theirs}/collaborators/alice"));
    assert!(r.json(&json!({"role": "viewer"})).send().await.unwrap().status().is_success());
    let public = app.playlist(&bob, json!({"name": "Public", "visibility": "public"})).await;
    app.add(&bob, &public, &[("Bonobo", "Kerala")]).await;
    let before = app.get_playlist(&bob, &theirs).await;

    let (status, merged) =
        call(&app, &alice, Method::POST, "/v1/playlists/merge", json!({"sources": [mine, theirs, public]})).await;
    assert_eq!(status, 201, "{merged}");
    assert_eq!(titles(&merged), ["La femme d'argent", "Porcelain", "Destiny", "Kerala"], "the repeat left out");
    assert_eq!(merged["name"], "Mine + Theirs + Public");
    assert_eq!((merged["owner"]["username"].as_str(), merged["visibility"].as_str()), (Some("alice"), Some("private")));
    let lineage: Vec<&str> =
        merged["merged_from"].as_array().unwrap().iter().map(|s| s["playlist_id"].as_str().unwrap()).collect();
    assert_eq!(lineage, [mine.as_str(), public.as_str()], "Bob's private playlist's id is not recorded");
    let source_ids: Vec<&str> =
        before["items"].as_array().unwrap().iter().map(|i| i["item_id"].as_str().unwrap()).collect();
    assert!(
        merged["items"].as_array().unwrap().iter().all(|i| !source_ids.contains(&i["item_id"].as_str().unwrap())),
        "new item ids"
    );
    let after = app.get_playlist(&bob, &theirs).await;
    assert_eq!(
        (after["version"].clone(), titles(&after)),
        (before["version"].clone(), titles(&before)),
        "sources untouched"
    );
    let history = app.get_json(&alice, &format!("/v1/playlists/{}/history", merged["id"].as_str().unwrap())).await;
    assert_eq!(history["entries"][0]["op"], "merge", "{history}");

    let (status, all) = call(
        &app,
        &alice,
        Method::POST,
        "/v1/playlists/merge",
        json!({"sources": [mine, theirs], "name": "Everything", "dedupe": false}),
    )
    .await;
    assert_eq!((status, titles(&all).len(), all["name"].as_str()), (201, 4, Some("Everything")));

    let carol_private = {
        let carol = app.user("carol").await;
        app.playlist(&carol, json!({"name": "Carol's"})).await
    };
    for (body, status, code) in [
        (json!({"sources": []}), 422, "invalid_sources"),
        (json!({"sources": [mine]}), 422, "invalid_sources"),
        (json!({"sources": [mine, mine]}), 422, "invalid_sources"),
        (json!({"sources": [mine, "00000000000000000000000000000000"]}), 404, "playlist_not_found"),
        (json!({"sources": [mine, carol_private]}), 404, "playlist_not_found"),
        (json!({"sources": [mine, theirs], "name": ""}), 422, "invalid_name"),
    ] {
        let r = app.as_user(&alice, Method::POST, "/v1/playlists/merge").json(&body).send().await.unwrap();
        assert_error(r, status, code).await;
    }
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/merge").json(&json!({"source": [mine, theirs]}));
    assert_eq!(r.send().await.unwrap().status(), 422, "unknown fields are refused");
    let listed = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(listed["playlists"].as_array().unwrap().len(), 3, "failed merges created nothing");
}

async fn split_by_size_and_by_artist(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let id = app.playlist(&alice, json!({"name": "Big"})).await;
    app.add(
        &alice,
        &id,
        &[
            ("Massive Attack", "Angel"),
            ("Portishead", "Roads"),
            ("Massive Attack feat. Tracey Thorn", "Protection"),
            ("Tricky", "Hell Is Round the Corner"),
            ("Portishead", "Glory Box"),
        ],
    )
    .await;
    let path = format!("/v1/playlists/{id}/split");
    let (status, parts) = call(&app, &alice, Method::POST, &path, json!({"by": "size", "size": 2})).await;
    assert_eq!(status, 201, "{parts}");
    let names: Vec<&str> = parts["playlists"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Big (1/3)", "Big (2/3)", "Big (3/3)"]);
    let third = app.get_playlist(&alice, parts["playlists"][2]["id"].as_str().unwrap()).await;
    assert_eq!(titles(&third), ["Glory Box"]);
    assert_eq!(third["forked_from"]["playlist_id"], id.as_str());

    let (_, by_artist) = call(&app, &alice, Method::POST, &path, json!({"by": "artist"})).await;
    let parts: Vec<(String, Vec<String>)> =
        futures::future::join_all(by_artist["playlists"].as_array().unwrap().iter().map(|p| {
            let (app, alice) = (&app, &alice);
            async move {
                let got = app.get_playlist(alice, p["id"].as_str().unwrap()).await;
                (got["name"].as_str().unwrap().to_owned(), titles(&got))
            }
        }))
        .await;
    assert_eq!(
        parts,
        [
            ("Big — Massive Attack".to_owned(), vec!["Angel".to_owned(), "Protection".to_owned()]),
            ("Big — Portishead".to_owned(), vec!["Roads".to_owned(), "Glory Box".to_owned()]),
            ("Big — Tricky".to_owned(), vec!["Hell Is Round the Corner".to_owned()]),
        ]
    );
    assert_eq!(app.get_playlist(&alice, &id).await["version"], 2, "the source is untouched");

    // A reader may split a shared playlist into playlists of their own; a stranger may not.
    let r = app.as_user(&alice, Method::PUT, &format!("/v1/playlists/{id}/collaborators/bob"));
    assert!(r.json(&json!({"role": "viewer"})).send().await.unwrap().status().is_success());
    let (status, bobs) = call(&app, &bob, Method::POST, &path, json!({"by": "size", "size": 5})).await;
    assert_eq!((status, bobs["playlists"][0]["owner"]["username"].as_str()), (201, Some("bob")));
    assert!(bobs["playlists"][0]["forked_from"].is_null(), "Alice's private playlist's id is not recorded for Bob");
    let carol = app.user("carol").await;
    let r = app.as_user(&carol, Method::POST, &path).json(&json!({"by": "artist"}));
    assert_error(r.send().await.unwrap(), 404, "playlist_not_found").await;
    for body in [json!({"by": "size"}), json!({"by": "size", "size": 0}), json!({"by": "artist", "size": 2})] {
        let r = app.as_user(&alice, Method::POST, &path).json(&body).send().await.unwrap();
        assert_error(r, 422, "invalid_split").await;
    }
    let r = app.as_user(&alice, Method::POST, &path).json(&json!({"by": "genre"})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let r = app.as_user(&alice, Method::POST, &path).json(&json!({"by": "size", "size": 1})).send().await.unwrap();
    assert_eq!(r.status(), 201, "five parts of one");
}

crate::on_both_backends!(merge_copies_items_once_and_records_lineage, split_by_size_and_by_artist);
