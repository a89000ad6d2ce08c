//! Folders and tags: a tree per user (at most 5 deep, no cycles), playlists filed per user
//! (a collaborator files a shared playlist in their own folders), deleting a folder moves its
//! contents to its parent, tags normalised and listed, `GET /v1/playlists?folder=&tag=`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

pub async fn call(app: &TestApp, user: &TestUser, method: Method, path: &str, body: Value) -> (u16, Value) {
    let r = app.as_user(user, method, path).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn folder(app: &TestApp, user: &TestUser, name: &str, parent: Option<&str>) -> String {
    let (status, body) = call(app, user, Method::POST, "/v1/folders", json!({"name": name, "parent": parent})).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        page["playlists"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn folders_nest_five_deep_without_cycles(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let mut chain = vec![folder(&app, &alice, "Music", None).await];
    for depth in 2..=5 {
        let parent = chain.last().unwrap().clone();
        chain.push(folder(&app, &alice, &format!("Level {depth}"), Some(&parent)).await);
    }
    let r = app.as_user(&alice, Method::POST, "/v1/folders").json(&json!({"name": "Six", "parent": chain[4]})).send();
    assert_error(r.await.unwrap(), 422, "folder_too_deep").await;
    let got = app.get_json(&alice, &format!("/v1/folders/{}", chain[4])).await;
    assert_eq!(got["depth"], 5);
    assert_eq!(got["path"], json!(["Music", "Level 2", "Level 3", "Level 4", "Level 5"]));

    // Moving a folder into its own subtree (or itself) is a cycle.
    for target in [&chain[0], &chain[2]] {
        let r =
            app.as_user(&alice, Method::PATCH, &format!("/v1/folders/{}", chain[0])).json(&json!({"parent": target}));
        assert_error(r.send().await.unwrap(), 422, "folder_cycle").await;
    }
    // A subtree moved under another folder may not end up too deep.
    let other = folder(&app, &alice, "Other", None).await;
    let under_other = folder(&app, &alice, "Under other", Some(&other)).await;
    let r =
        app.as_user(&alice, Method::PATCH, &format!("/v1/folders/{}", chain[1])).json(&json!({"parent": under_other}));
    assert_error(r.send().await.unwrap(), 422, "folder_too_deep").await;
    let r =
        app.as_user(&alice, Method::PATCH, &format!("/v1/folders/{}", chain[2])).json(&json!({"parent": under_other}));
    assert_eq!(r.send().await.unwrap().status(), 200, "a three-level subtree fits under depth 2");
    let r = app.as_user(&alice, Method::PATCH, &format!("/v1/folders/{}", chain[2])).json(&json!({"parent": chain[1]}));
    assert_eq!(r.send().await.unwrap().status(), 200, "and back");
    // Moving to the top level and renaming works; siblings' names are unique (any case).
    let (status, moved) = call(
        &app,
        &alice,
        Method::PATCH,
        &format!("/v1/folders/{}", chain[3]),
        json!({"parent": null, "name": "Deep cuts"}),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!((moved["depth"].as_u64(), moved["parent"].clone()), (Some(1), Value::Null));
    let r = app.as_user(&alice, Method::POST, "/v1/folders").json(&json!({"name": "deep CUTS"}));
    assert_error(r.send().await.unwrap(), 409, "folder_exists").await;

    // Bad input: unknown parent, unknown folder, empty name, unknown field.
    let r = app.as_user(&alice, Method::POST, "/v1/folders").json(&json!({"name": "x", "parent": "nope"}));
    assert_error(r.send().await.unwrap(), 404, "folder_not_found").await;
    let r = app.as_user(&alice, Method::PATCH, "/v1/folders/nope").json(&json!({"name": "x"}));
    assert_error(r.send().await.unwrap(), 404, "folder_not_found").await;
    let r = app.as_user(&alice, Method::POST, "/v1/folders").json(&json!({"name": "  "}));
    assert_error(r.send().await.unwrap(), 422, "invalid_name").await;
    let r = app.as_user(&alice, Method::POST, "/v1/folders").json(&json!({"name": "x", "colour": "red"}));
    assert_eq!(r.send().await.unwrap().status(), 422);

    // Folders are private: another user sees none of them.
    let bob = app.user("bob").await;
    assert_eq!(app.get_json(&bob, "/v1/folders").await["folders"], json!([]));
    let r = app.as_user(&bob, Method::GET, &format!("/v1/folders/{}", chain[0])).send().await.unwrap();
    assert_error(r, 404, "folder_not_found").await;
    let listed = app.get_json(&alice, "/v1/folders").await;
    assert_eq!(listed["folders"].as_array().unwrap().len(), 7);
    assert_eq!(listed["folders"][0]["name"], "Deep cuts", "parents first, siblings by name");
}

async fn playlists_are_filed_per_user_and_deleting_a_folder_keeps_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let road = app.playlist(&alice, json!({"name": "Road trip"})).await;
    let chill = app.playlist(&alice, json!({"name": "Chill"})).await;
    let r = app.as_user(&alice, Method::PUT, &format!("/v1/playlists/{road}/collaborators/bob"));
    assert!(r.json(&json!({"role": "viewer"})).send().await.unwrap().status().is_success());
    let top = folder(&app, &alice, "Trips", None).await;
    let inner = folder(&app, &alice, "Summer", Some(&top)).await;

    let version = app.get_playlist(&alice, &road).await["version"].clone();
    let (status, body) =
        call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{road}"), json!({"folder": inner})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["placement"]["folder"], inner.as_str());
    assert_eq!(body["version"], version, "filing is not a change of the playlist");
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{chill}"), json!({"folder": top})).await;
    assert_eq!(ids(&app.get_json(&alice, &format!("/v1/playlists?folder={inner}")).await), vec![road.clone()]);
    assert_eq!(ids(&app.get_json(&alice, &format!("/v1/playlists?folder={top}")).await), vec![chill.clone()]);

    // Bob, a viewer, files the shared playlist in his own folder; Alice's filing is unchanged.
    let bobs = folder(&app, &bob, "From friends", None).await;
    let (status, body) =
        call(&app, &bob, Method::PATCH, &format!("/v1/playlists/{road}"), json!({"folder": bobs})).await;
    assert_eq!(status, 200, "a viewer may file: {body}");
    assert_eq!(ids(&app.get_json(&bob, &format!("/v1/playlists?folder={bobs}")).await), vec![road.clone()]);
    let listed = app.get_json(&alice, &format!("/v1/playlists?folder={inner}")).await;
    assert_eq!(listed["playlists"][0]["placement"]["folder"], inner.as_str());
    // Bob cannot use Alice's folder, nor rename her playlist.
    let r = app.as_user(&bob, Method::PATCH, &format!("/v1/playlists/{road}")).json(&json!({"folder": inner}));
    assert_error(r.send().await.unwrap(), 404, "folder_not_found").await;
    let r = app.as_user(&bob, Method::PATCH, &format!("/v1/playlists/{road}")).json(&json!({"name": "mine"}));
    assert_error(r.send().await.unwrap(), 403, "forbidden").await;
    // A stranger's filing of a private playlist is 404, of a playlist not theirs 403.
    let carol = app.user("carol").await;
    let r = app.as_user(&carol, Method::PATCH, &format!("/v1/playlists/{chill}")).json(&json!({"tags": ["x"]}));
    assert_error(r.send().await.unwrap(), 404, "playlist_not_found").await;

    // Deleting "Summer" moves its playlist to "Trips"; no playlist is deleted.
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/folders/{inner}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let in_top = app.get_json(&alice, &format!("/v1/playlists?folder={top}")).await;
    assert_eq!(ids(&in_top), sorted(vec![road.clone(), chill.clone()]));
    let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists?folder={inner}")).send().await.unwrap();
    assert_error(r, 404, "folder_not_found").await;
    // Deleting the top folder leaves both unfiled, and both still exist.
    app.as_user(&alice, Method::DELETE, &format!("/v1/folders/{top}")).send().await.unwrap();
    let all = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(ids(&all), sorted(vec![road.clone(), chill.clone()]));
    assert!(all["playlists"].as_array().unwrap().iter().all(|p| p["placement"]["folder"].is_null()));
    // Out of a folder with null; If-Match still guards a filing.
    let r = app.as_user(&bob, Method::PATCH, &format!("/v1/playlists/{road}")).header("If-Match", "\"7\"");
    assert_error(r.json(&json!({"folder": null})).send().await.unwrap(), 412, "version_mismatch").await;
    let (status, body) =
        call(&app, &bob, Method::PATCH, &format!("/v1/playlists/{road}"), json!({"folder": null})).await;
    assert_eq!((status, body["placement"]["folder"].clone()), (200, Value::Null));
}

async fn tags_are_normalised_listed_and_filter_listings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let a = app.playlist(&alice, json!({"name": "A"})).await;
    let b = app.playlist(&alice, json!({"name": "B"})).await;
    let (status, body) = call(
        &app,
        &alice,
        Method::PATCH,
        &format!("/v1/playlists/{a}"),
        json!({"tags": ["#Road Trip ", "road  trip", "Chill"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["placement"]["tags"], json!(["road trip", "chill"]));
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{b}"), json!({"tags": ["chill"], "name": "B2"})).await;
    assert_eq!(app.get_playlist(&alice, &b).await["name"], "B2", "a name and tags in one PATCH");
    let chill = app.get_json(&alice, "/v1/playlists?tag=CHILL").await;
    assert_eq!(ids(&chill), sorted(vec![a.clone(), b.clone()]));
    assert_eq!(ids(&app.get_json(&alice, "/v1/playlists?tag=%23road%20trip").await), vec![a.clone()]);
    let tags = app.get_json(&alice, "/v1/tags").await;
    assert_eq!(tags["tags"], json!([{"tag": "chill", "playlists": 2}, {"tag": "road trip", "playlists": 1}]));

    // Folder and tag together narrow each other.
    let f = folder(&app, &alice, "F", None).await;
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{b}"), json!({"folder": f})).await;
    assert_eq!(ids(&app.get_json(&alice, &format!("/v1/playlists?folder={f}&tag=chill")).await), vec![b.clone()]);
    assert_eq!(
        app.get_json(&alice, &format!("/v1/playlists?folder={f}&tag=road%20trip")).await["playlists"],
        json!([])
    );

    // At most 20 tags; bad tags change nothing, not even the name sent with them.
    let many: Vec<String> = (0..21).map(|n| format!("t{n}")).collect();
    let r =
        app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{a}")).json(&json!({"tags": many, "name": "no"}));
    assert_error(r.send().await.unwrap(), 422, "too_many_tags").await;
    let r = app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{a}")).json(&json!({"tags": ["#"]}));
    assert_error(r.send().await.unwrap(), 422, "invalid_tag").await;
    assert_eq!(app.get_playlist(&alice, &a).await["name"], "A");
    let r = app.as_user(&alice, Method::GET, "/v1/playlists?tag=%20").send().await.unwrap();
    assert_error(r, 400, "invalid_tag").await;
    // Clearing the tags.
    call(&app, &alice, Method::PATCH, &format!("/v1/playlists/{a}"), json!({"tags": []})).await;
    assert_eq!(ids(&app.get_json(&alice, "/v1/playlists?tag=chill").await), vec![b.clone()]);
    // A deleted playlist leaves no tag behind.
    app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{b}")).send().await.unwrap();
    assert_eq!(app.get_json(&alice, "/v1/tags").await["tags"], json!([]));
}

crate::on_both_backends!(
    folders_nest_five_deep_without_cycles,
    playlists_are_filed_per_user_and_deleting_a_folder_keeps_them,
    tags_are_normalised_listed_and_filter_listings,
);
