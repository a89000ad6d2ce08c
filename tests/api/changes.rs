//! The change feed: each kind of change appears after `since`, in order, paged; access-related
//! events only for owners and editors; a `since` older than the feed keeps gets 410 with the
//! oldest version still there.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn changes(app: &TestApp, user: &TestUser, id: &str, query: &str) -> Value {
    app.get_json(user, &format!("/v1/playlists/{id}/changes?{query}")).await
}

fn kinds(page: &Value) -> Vec<(u64, Vec<String>)> {
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let events =
                c["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
            (c["version"].as_u64().unwrap(), events)
        })
        .collect()
}

async fn send(app: &TestApp, user: &TestUser, method: Method, path: &str, body: Value) {
    let r = app.as_user(user, method, path).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.text().await.unwrap());
}

async fn every_kind_of_change_is_in_the_feed_in_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, viewer) = (app.user("owner").await, app.user("viewer").await);
    let id = app.playlist(&owner, json!({"name": "Feed"})).await;
    let added = app.add(&owner, &id, &[("A", "one"), ("B", "two"), ("C", "three")]).await;
    let item = |i: usize| added["added"][i]["item_id"].as_str().unwrap().to_owned();
    send(&app, &owner, Method::POST, &format!("/v1/playlists/{id}/items/{}/move", item(0)), json!({"position": 2}))
        .await;
    let r = app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/items/{}", item(1))).send().await.unwrap();
    assert!(r.status().is_success());
    send(&app, &owner, Method::PATCH, &format!("/v1/playlists/{id}"), json!({"name": "Feed 2"})).await;
    send(&app, &owner, Method::PUT, &format!("/v1/playlists/{id}/collaborators/viewer"), json!({"role": "viewer"}))
        .await;
    send(&app, &owner, Method::PATCH, &format!("/v1/playlists/{id}"), json!({"visibility": "unlisted"})).await;
    send(&app, &owner, Method::POST, &format!("/v1/playlists/{id}/restore"), json!({"version": 2})).await;

    let all = changes(&app, &owner, &id, "since=0").await;
    let expected: Vec<(u64, Vec<&str>)> = vec![
        (1, vec!["playlist.created"]),
        (2, vec!["items.added"]),
        (3, vec!["items.moved"]),
        (4, vec!["items.removed"]),
        (5, vec!["playlist.updated"]),
        (6, vec!["collaborators.changed"]),
        (7, vec!["visibility.changed"]),
        (8, vec!["playlist.restored", "playlist.updated"]),
    ];
    let expected: Vec<(u64, Vec<String>)> =
        expected.into_iter().map(|(v, k)| (v, k.into_iter().map(str::to_owned).collect())).collect();
    assert_eq!(kinds(&all), expected, "{all}");
    assert_eq!(all["version"], 8);
    assert_eq!(all["next_since"], Value::Null);
    assert_eq!(all["changes"][1]["events"][0]["item_ids"].as_array().unwrap().len(), 3);
    assert_eq!(all["changes"][2]["events"][0]["item_ids"], json!([item(0)]));
    assert_eq!(all["changes"][3]["events"][0]["item_ids"], json!([item(1)]));
    assert_eq!(all["changes"][4]["events"][0]["fields"], json!(["name"]));
    assert_eq!(all["changes"][1]["actor"], "owner");
    assert_eq!(all["changes"][1]["op"], "add_items");

    // A viewer reads the same versions without the access-related events.
    let seen = changes(&app, &viewer, &id, "since=0").await;
    let theirs: Vec<Vec<String>> = kinds(&seen).into_iter().map(|(_, k)| k).collect();
    assert_eq!(theirs[5], Vec::<String>::new(), "{seen}");
    assert_eq!(theirs[6], Vec::<String>::new());
    assert_eq!(theirs[1], vec!["items.added".to_owned()]);

    // Paged, from where the client is.
    let page = changes(&app, &owner, &id, "since=3&limit=2").await;
    assert_eq!(kinds(&page).iter().map(|(v, _)| *v).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(page["next_since"], 5);
    let rest = changes(&app, &owner, &id, "since=5").await;
    assert_eq!(kinds(&rest).iter().map(|(v, _)| *v).collect::<Vec<_>>(), [6, 7, 8]);
    let none = changes(&app, &owner, &id, "since=8").await;
    assert_eq!((none["changes"].clone(), none["version"].clone()), (json!([]), json!(8)));

    // A mirror replaces the whole list: its counts say what came and went.
    let source = app.playlist(&owner, json!({"name": "Source"})).await;
    app.add(&owner, &source, &[("D", "four")]).await;
    send(&app, &owner, Method::POST, &format!("/v1/playlists/{id}/sync"), json!({"source": source, "mode": "mirror"}))
        .await;
    let mirrored = changes(&app, &owner, &id, "since=8").await;
    let event = &mirrored["changes"][0]["events"][0];
    assert_eq!(
        (event["type"].clone(), event["added"].clone(), event["removed"].clone()),
        (json!("items.replaced"), json!(1), json!(3)),
        "{mirrored}"
    );

    // A match decision is `items.matched`.
    let item = app.get_playlist(&owner, &id).await["items"][0]["item_id"].as_str().unwrap().to_owned();
    send(&app, &owner, Method::POST, &format!("/v1/playlists/{id}/items/{item}/match"), json!({"reject": true})).await;
    let matched = changes(&app, &owner, &id, "since=9").await;
    assert_eq!(matched["changes"][0]["events"][0]["type"], "items.matched", "{matched}");
    assert_eq!(matched["changes"][0]["events"][0]["item_ids"], json!([item]));

    // Bad input; strangers see nothing.
    let r = app.as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/changes")).send().await.unwrap();
    assert_error(r, 400, "invalid_query").await;
    let r =
        app.as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/changes?since=0&limit=0")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    // Anyone may read an unlisted playlist by its id, and so its feed, without access events.
    let stranger = app.user("stranger").await;
    let theirs = changes(&app, &stranger, &id, "since=5").await;
    assert_eq!(kinds(&theirs)[0].1, Vec::<String>::new(), "{theirs}");
    let private = app.playlist(&owner, json!({"name": "Private"})).await;
    let r =
        app.as_user(&stranger, Method::GET, &format!("/v1/playlists/{private}/changes?since=0")).send().await.unwrap();
    assert_error(r, 404, "playlist_not_found").await;
}

async fn a_since_older_than_the_feed_keeps_is_410_with_the_oldest_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let id = app.playlist(&owner, json!({"name": "Long"})).await;
    // 160 versions: the feed keeps at least the last 100 (changes are dropped from the checkpoint
    // before those, every 50 versions).
    for n in 0..159 {
        let r = app
            .as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
            .json(&json!({"description": format!("v{n}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = app.as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/changes?since=0")).send().await.unwrap();
    let err = assert_error(r, 410, "changes_expired").await;
    let oldest = err["error"]["oldest_version"].as_u64().unwrap();
    assert!((1..=60).contains(&oldest), "at least the last 100 versions are kept: {err}");
    let from_oldest = changes(&app, &owner, &id, &format!("since={oldest}")).await;
    assert_eq!(from_oldest["changes"][0]["version"], oldest + 1, "{from_oldest}");
    let mut versions = 0;
    let mut since = oldest;
    loop {
        let page = changes(&app, &owner, &id, &format!("since={since}")).await;
        versions += page["changes"].as_array().unwrap().len();
        match page["next_since"].as_u64() {
            Some(next) => since = next,
            None => break,
        }
    }
    assert_eq!(versions as u64, 160 - oldest, "every kept version, once");
    let recent = changes(&app, &owner, &id, "since=60").await;
    assert_eq!(recent["changes"][0]["events"][0]["type"], "playlist.updated");
    assert_eq!(recent["changes"][0]["events"][0]["fields"], json!(["description"]));
}

crate::on_both_backends!(
    every_kind_of_change_is_in_the_feed_in_order,
    a_since_older_than_the_feed_keeps_is_410_with_the_oldest_version,
);
