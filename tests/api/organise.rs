//! Bulk item edits, sort and de-duplicate: each one change (one version, history, change
//! events), `If-Match`, access rules (contributors remove only what they added), bad input
//! changing nothing; what the store keeps is read back through a second server on the same store.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    folders::call,
    helpers::{assert_error, http_client, Backend, TestApp, TestUser},
};

/// Item ids and titles, in order, as the store has them (a second server, its own caches).
async fn stored_titles(app: &TestApp, user: &TestUser, id: &str) -> Vec<String> {
    let (base, stop) = app.replica(|_| {}).await;
    let r = http_client().get(format!("{base}/v1/playlists/{id}/items?limit=100")).bearer_auth(&user.token).send();
    let page: Value = r.await.unwrap().json().await.unwrap();
    let _ = stop.send(());
    page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
}

async fn item_ids(app: &TestApp, user: &TestUser, id: &str) -> Vec<String> {
    let p = app.get_playlist(user, id).await;
    p["items"].as_array().unwrap().iter().map(|i| i["item_id"].as_str().unwrap().to_owned()).collect()
}

async fn with_tracks(app: &TestApp, owner: &TestUser, tracks: Value) -> String {
    let id = app.playlist(owner, json!({"name": "Mix"})).await;
    let (status, body) = call(
        app,
        owner,
        Method::POST,
        &format!("/v1/playlists/{id}/items"),
        json!({"tracks": tracks, "on_duplicate": "allow"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    id
}

async fn share(app: &TestApp, owner: &TestUser, id: &str, user: &str, role: &str) {
    let r = app.as_user(owner, Method::PUT, &format!("/v1/playlists/{id}/collaborators/{user}"));
    assert!(r.json(&json!({ "role": role })).send().await.unwrap().status().is_success());
}

async fn last_change(app: &TestApp, user: &TestUser, id: &str, since: u64) -> Value {
    let page = app.get_json(user, &format!("/v1/playlists/{id}/changes?since={since}")).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1, "one change: {page}");
    page["changes"][0].clone()
}

async fn bulk_remove_and_move_are_one_change_each(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, helper) = (app.user("owner").await, app.user("helper").await);
    let titles = ["a", "b", "c", "d", "e"];
    let id =
        with_tracks(&app, &owner, json!(titles.iter().map(|t| json!({"artist": "X", "title": t})).collect::<Vec<_>>()))
            .await;
    let ids = item_ids(&app, &owner, &id).await;
    let path = format!("/v1/playlists/{id}/items/bulk");

    // Move e and a (in that order) before c: one version, one change with both moves.
    let (status, body) =
        call(&app, &owner, Method::POST, &path, json!({"move": [ids[4], ids[0]], "before": ids[2]})).await;
    assert_eq!((status, body["version"].as_u64(), body["moved"].as_u64()), (200, Some(3), Some(2)), "{body}");
    assert_eq!(stored_titles(&app, &owner, &id).await, ["b", "e", "a", "c", "d"]);
    let change = last_change(&app, &owner, &id, 2).await;
    assert_eq!(change["events"].as_array().unwrap().iter().filter(|e| e["type"] == "items.moved").count(), 2);
    // To the end.
    call(&app, &owner, Method::POST, &path, json!({"move": [ids[1]]})).await;
    assert_eq!(stored_titles(&app, &owner, &id).await, ["e", "a", "c", "d", "b"]);

    // Remove two at once, with the current If-Match.
    let r =
        app.as_user(&owner, Method::POST, &path).header("If-Match", "\"4\"").json(&json!({"remove": [ids[2], ids[3]]}));
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"5\"");
    assert_eq!(stored_titles(&app, &owner, &id).await, ["e", "a", "b"]);
    assert_eq!(last_change(&app, &owner, &id, 4).await["events"][0]["item_ids"], json!([ids[2], ids[3]]));

    // A stale If-Match, unknown ids, repeats, both or neither: 4xx, nothing changes.
    let r = app.as_user(&owner, Method::POST, &path).header("If-Match", "\"4\"").json(&json!({"remove": [ids[0]]}));
    assert_error(r.send().await.unwrap(), 412, "version_mismatch").await;
    for (body, status, code) in [
        (json!({"remove": [ids[0], "nope"]}), 404, "item_not_found"),
        (json!({"move": [ids[0]], "before": "nope"}), 404, "item_not_found"),
        (json!({"remove": [ids[0], ids[0]]}), 422, "invalid_items"),
        (json!({"remove": []}), 422, "invalid_items"),
        (json!({"remove": [ids[0]], "move": [ids[1]]}), 422, "invalid_items"),
        (json!({}), 422, "invalid_items"),
        (json!({"remove": [ids[0]], "before": ids[1]}), 422, "invalid_items"),
        (json!({"move": [ids[0]], "before": ids[0]}), 422, "invalid_position"),
    ] {
        let r = app.as_user(&owner, Method::POST, &path).json(&body).send().await.unwrap();
        assert_error(r, status, code).await;
    }
    assert_eq!(app.get_playlist(&owner, &id).await["version"], 5);

    // A contributor removes what they added, not the rest; a viewer nothing; nor moves.
    share(&app, &owner, &id, "helper", "contributor").await;
    let added = app.add(&helper, &id, &[("H", "mine")]).await;
    let mine = added["added"][0]["item_id"].as_str().unwrap().to_owned();
    let r = app.as_user(&helper, Method::POST, &path).json(&json!({"remove": [mine, ids[0]]}));
    assert_error(r.send().await.unwrap(), 403, "forbidden").await;
    let r = app.as_user(&helper, Method::POST, &path).json(&json!({"move": [ids[0]]}));
    assert_error(r.send().await.unwrap(), 403, "forbidden").await;
    let (status, _) = call(&app, &helper, Method::POST, &path, json!({"remove": [mine]})).await;
    assert_eq!(status, 200);
    assert_eq!(stored_titles(&app, &owner, &id).await, ["e", "a", "b"]);
    let stranger = app.user("stranger").await;
    let r = app.as_user(&stranger, Method::POST, &path).json(&json!({"remove": [ids[0]]}));
    assert_error(r.send().await.unwrap(), 404, "playlist_not_found").await;
}

async fn sort_orders_every_way_and_shuffles_reproducibly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, viewer) = (app.user("owner").await, app.user("viewer").await);
    let id = with_tracks(
        &app,
        &owner,
        json!([
            {"artist": "The Zombies", "title": "Time of the Season", "album": "Odessey and Oracle", "duration_ms": 214000},
            {"artist": "ABBA", "title": "Waterloo", "duration_ms": 168000},
            {"artist": "Massive Attack", "title": "Angel", "album": "Mezzanine"},
            {"artist": "Björk", "title": "Joga", "album": "Homogenic", "duration_ms": 305000}
        ]),
    )
    .await;
    share(&app, &owner, &id, "viewer", "viewer").await;
    let path = format!("/v1/playlists/{id}/sort");
    let sort = |body: Value| {
        let (app, owner, path) = (&app, &owner, path.clone());
        async move {
            let (status, result) = call(app, owner, Method::POST, &path, body).await;
            assert_eq!(status, 200, "{result}");
            result
        }
    };
    sort(json!({"by": "artist"})).await;
    assert_eq!(
        stored_titles(&app, &owner, &id).await,
        ["Waterloo", "Joga", "Angel", "Time of the Season"],
        "\"The\" ignored"
    );
    sort(json!({"by": "artist", "order": "desc"})).await;
    assert_eq!(stored_titles(&app, &owner, &id).await, ["Time of the Season", "Angel", "Joga", "Waterloo"]);
    sort(json!({"by": "title"})).await;
    assert_eq!(stored_titles(&app, &owner, &id).await, ["Angel", "Joga", "Time of the Season", "Waterloo"]);
    sort(json!({"by": "album", "order": "desc"})).await;
    assert_eq!(
        stored_titles(&app, &owner, &id).await,
        ["Time of the Season", "Angel", "Joga", "Waterloo"],
        "no album last"
    );
    sort(json!({"by": "duration"})).await;
    assert_eq!(stored_titles(&app, &owner, &id).await, ["Waterloo", "Time of the Season", "Joga", "Angel"]);
    sort(json!({"by": "added_at", "order": "desc"})).await;
    let before = app.get_playlist(&owner, &id).await["version"].as_u64().unwrap();
    let same = sort(json!({"by": "added_at", "order": "desc"})).await;
    assert_eq!(
        (same["changed"].as_bool(), same["version"].as_u64()),
        (Some(false), Some(before)),
        "already so: no change"
    );
    let change = last_change(&app, &owner, &id, before - 1).await;
    assert_eq!(change["op"], "sort");
    assert_eq!(change["events"][0]["type"], "items.moved");

    let shuffled = sort(json!({"by": "random", "seed": 42})).await;
    assert_eq!(shuffled["seed"], 42);
    let first = stored_titles(&app, &owner, &id).await;
    sort(json!({"by": "title"})).await;
    sort(json!({"by": "random", "seed": 42})).await;
    assert_eq!(stored_titles(&app, &owner, &id).await, first, "the same seed, the same order");
    assert!(sort(json!({"by": "random"})).await["seed"].is_u64(), "a fresh seed is returned");

    for body in
        [json!({"by": "colour"}), json!({"by": "title", "order": "up"}), json!({}), json!({"by": "title", "seed": 1})]
    {
        let r = app.as_user(&owner, Method::POST, &path).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 422, "{body}");
    }
    let r = app.as_user(&viewer, Method::POST, &path).json(&json!({"by": "title"}));
    assert_error(r.send().await.unwrap(), 403, "forbidden").await;
    let r = app.as_user(&owner, Method::POST, &path).header("If-Match", "\"1\"").json(&json!({"by": "artist"}));
    assert_error(r.send().await.unwrap(), 412, "version_mismatch").await;
}

async fn dedupe_by_recording_and_by_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, viewer) = (app.user("owner").await, app.user("viewer").await);
    let id = with_tracks(
        &app,
        &owner,
        json!([
            {"artist": "Radiohead", "title": "Creep", "isrc": "GBAYE9200070"},
            {"artist": "radiohead", "title": "CREEP"},
            {"artist": "Radiohead", "title": "Creep (Acoustic)"},
            {"artist": "Radiohead", "title": "Creep", "isrc": "GBAYE9200999"},
            {"artist": "The Beatles", "title": "Yesterday"},
            {"artist": "Beatles", "title": "Yesterday - Remastered 2009"},
            {"artist": "Daft Punk", "title": "One More Time", "isrc": "GBDUW0000059"},
            {"artist": "Daft Punk", "title": "One More Time (Radio Edit)", "isrc": "GBDUW0000059"}
        ]),
    )
    .await;
    share(&app, &owner, &id, "viewer", "viewer").await;
    let ids = item_ids(&app, &owner, &id).await;
    let path = format!("/v1/playlists/{id}/dedupe");
    let removed = |r: &Value| -> Vec<(String, String, String)> {
        r["removed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let at = |v: &Value| ids.iter().position(|i| i == v.as_str().unwrap()).unwrap().to_string();
                (at(&d["item_id"]), at(&d["duplicate_of"]), d["reason"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    let s = |v: [(&str, &str, &str); 3]| v.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned())).to_vec();

    // A dry run (a viewer may ask) answers and changes nothing.
    let (status, dry) = call(&app, &viewer, Method::POST, &path, json!({"dry_run": true})).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(removed(&dry), s([("1", "0", "track"), ("5", "4", "track"), ("7", "6", "isrc")]), "{dry}");
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["version"].as_u64(), dry["item_count"].as_u64()),
        (Some(true), Some(3), Some(5))
    );
    let (_, text) =
        call(&app, &viewer, Method::POST, &path, json!({"dry_run": true, "by": "text", "keep": "last"})).await;
    assert_eq!(
        text["removed"].as_array().unwrap().iter().map(|d| d["item_id"].as_str().unwrap()).collect::<Vec<_>>(),
        [ids[0].as_str(), ids[1].as_str()],
        "by spelling, keeping the last Creep"
    );
    assert_eq!(text["removed"][0]["duplicate_of"], ids[3].as_str());
    let r = app.as_user(&viewer, Method::POST, &path).json(&json!({}));
    assert_error(r.send().await.unwrap(), 403, "forbidden").await;

    // The real thing: one version, the items gone from the store, the change in the feed.
    let (status, done) = call(&app, &owner, Method::POST, &path, json!({"by": "recording", "keep": "first"})).await;
    assert_eq!((status, done["version"].as_u64(), done["item_count"].as_u64()), (200, Some(4), Some(5)), "{done}");
    assert_eq!(
        stored_titles(&app, &owner, &id).await,
        ["Creep", "Creep (Acoustic)", "Creep", "Yesterday", "One More Time"]
    );
    assert_eq!(last_change(&app, &owner, &id, 3).await["events"][0]["type"], "items.removed");
    let (_, again) = call(&app, &owner, Method::POST, &path, json!({})).await;
    assert_eq!(
        (again["removed"].as_array().unwrap().len(), again["version"].as_u64()),
        (0, Some(4)),
        "nothing left to do"
    );
    let r = app.as_user(&owner, Method::POST, &path).json(&json!({"by": "spelling"})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let r = app.as_user(&owner, Method::POST, &path).header("If-Match", "\"3\"").json(&json!({"dry_run": true}));
    assert_error(r.send().await.unwrap(), 412, "version_mismatch").await;
}

crate::on_both_backends!(
    bulk_remove_and_move_are_one_change_each,
    sort_orders_every_way_and_shuffles_reproducibly,
    dedupe_by_recording_and_by_text,
);
