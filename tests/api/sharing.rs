//! Sharing: roles in practice, sync, fork, history and restore, concurrent editors, listings and
//! the per-user rate limit (share links: `share_links.rs`).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn share(app: &TestApp, owner: &TestUser, id: &str, who: &TestUser, role: &str) {
    let path = format!("/v1/playlists/{id}/collaborators/{}", who.username);
    let r = app.as_user(owner, Method::PUT, &path).json(&json!({ "role": role })).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

fn titles(p: &Value) -> Vec<String> {
    p["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
}

async fn contributors_remove_only_their_own_items_and_removed_members_lose_access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, carol) = (app.user("owner").await, app.user("carol").await);
    let id = app.playlist(&owner, json!({"name": "shared"})).await;
    app.add(&owner, &id, &[("a", "owner's")]).await;
    share(&app, &owner, &id, &carol, "contributor").await;
    let mine = app.add(&carol, &id, &[("a", "carol's")]).await["added"][0]["item_id"].as_str().unwrap().to_owned();
    let p = app.get_playlist(&carol, &id).await;
    let theirs = p["items"][0]["item_id"].as_str().unwrap().to_owned();
    let r = app.as_user(&carol, Method::DELETE, &format!("/v1/playlists/{id}/items/{theirs}")).send().await.unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app.as_user(&carol, Method::DELETE, &format!("/v1/playlists/{id}/items/{mine}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    // Shared playlists show up in the member's listing.
    let shared: Value =
        app.as_user(&carol, Method::GET, "/v1/playlists?scope=shared").send().await.unwrap().json().await.unwrap();
    assert_eq!(shared["playlists"][0]["id"], id.as_str());
    let owned: Value =
        app.as_user(&carol, Method::GET, "/v1/playlists?scope=owned").send().await.unwrap().json().await.unwrap();
    assert_eq!(owned["playlists"], json!([]));
    // Removed: access ends at once.
    let r =
        app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/collaborators/carol")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_error(
        app.as_user(&carol, Method::GET, &format!("/v1/playlists/{id}")).send().await.unwrap(),
        404,
        "playlist_not_found",
    )
    .await;
    let all: Value =
        app.as_user(&carol, Method::GET, "/v1/playlists?scope=all").send().await.unwrap().json().await.unwrap();
    assert_eq!(all["playlists"], json!([]));
}

async fn sync_is_idempotent_and_mirror_reproduces_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let source = app.playlist(&owner, json!({"name": "weekly"})).await;
    app.add(&owner, &source, &[("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]).await;
    let dest = app.playlist(&owner, json!({"name": "backup"})).await;
    app.add(&owner, &dest, &[("c", "C"), ("x", "X"), ("a", "A")]).await;
    let sync = |mode: &str, dry_run: bool| {
        app.as_user(&owner, Method::POST, &format!("/v1/playlists/{dest}/sync"))
            .json(&json!({"source": source, "mode": mode, "dry_run": dry_run}))
            .send()
    };
    let plan: Value = sync("mirror", true).await.unwrap().json().await.unwrap();
    assert_eq!(
        (&plan["added"], &plan["removed"], &plan["unchanged"], &plan["dry_run"]),
        (&json!(2), &json!(1), &json!(2), &json!(true))
    );
    assert_eq!(titles(&app.get_playlist(&owner, &dest).await), ["C", "X", "A"], "a dry run writes nothing");
    let done: Value = sync("mirror", false).await.unwrap().json().await.unwrap();
    assert_eq!((&done["added"], &done["removed"], &done["unchanged"]), (&json!(2), &json!(1), &json!(2)));
    let mirrored = app.get_playlist(&owner, &dest).await;
    assert_eq!(titles(&mirrored), titles(&app.get_playlist(&owner, &source).await), "mirror reproduces order exactly");
    let again: Value = sync("mirror", false).await.unwrap().json().await.unwrap();
    assert_eq!((&again["added"], &again["removed"], &again["unchanged"]), (&json!(0), &json!(0), &json!(4)));
    assert_eq!(app.get_playlist(&owner, &dest).await["version"], mirrored["version"], "the second run changed nothing");
    // Add mode.
    let other = app.playlist(&owner, json!({"name": "adds"})).await;
    app.add(&owner, &other, &[("b", "B"), ("z", "Z")]).await;
    let first: Value = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{other}/sync"))
        .json(&json!({"source": source, "mode": "add"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((&first["added"], &first["unchanged"]), (&json!(3), &json!(1)));
    let second: Value = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{other}/sync"))
        .json(&json!({"source": source, "mode": "add"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((&second["added"], &second["removed"]), (&json!(0), &json!(0)));
    assert_eq!(titles(&app.get_playlist(&owner, &other).await), ["B", "Z", "A", "C", "D"]);
}

async fn restoring_version_n_brings_back_exactly_its_items_and_metadata(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let id = app.playlist(&owner, json!({"name": "v1 name", "description": "v1 desc"})).await;
    app.add(&owner, &id, &[("a", "1"), ("a", "2"), ("a", "3")]).await;
    let v2 = app.get_playlist(&owner, &id).await;
    assert_eq!(v2["version"], 2);
    app.as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"name": "renamed", "description": "new"}))
        .send()
        .await
        .unwrap();
    let first = v2["items"][0]["item_id"].as_str().unwrap();
    app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/items/{first}")).send().await.unwrap();
    app.add(&owner, &id, &[("b", "4")]).await;
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/restore"))
        .json(&json!({"version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let restored: Value = r.json().await.unwrap();
    assert_eq!(restored["items"], v2["items"], "exactly version 2's items, ids included");
    assert_eq!((&restored["name"], &restored["description"]), (&v2["name"], &v2["description"]));
    assert_eq!(restored["version"], 6, "a restore is a new version");
    let history: Value = app
        .as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/history?limit=4"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops: Vec<&str> = history["entries"].as_array().unwrap().iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["restore", "add_items", "remove_item", "update"]);
    assert!(history["entries"].as_array().unwrap().iter().all(|e| e["actor"] == "owner"));
    let before = history["next_before"].as_u64().unwrap();
    let older: Value = app
        .as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/history?before={before}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops: Vec<&str> = older["entries"].as_array().unwrap().iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["add_items", "create"]);
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/restore"))
        .json(&json!({"version": 99}))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, "version_not_found").await;
}

async fn concurrent_editors_never_overwrite_each_other(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, ed1, ed2) = (app.user("owner").await, app.user("editor1").await, app.user("editor2").await);
    let id = app.playlist(&owner, json!({"name": "race"})).await;
    share(&app, &owner, &id, &ed1, "editor").await;
    share(&app, &owner, &id, &ed2, "editor").await;
    let version = app.get_playlist(&owner, &id).await["version"].as_u64().unwrap();
    let patch = |who: &TestUser, name: &str| {
        app.as_user(who, Method::PATCH, &format!("/v1/playlists/{id}"))
            .header("if-match", format!("\"{version}\""))
            .json(&json!({ "name": name }))
            .send()
    };
    let (a, b) = tokio::join!(patch(&ed1, "left"), patch(&ed2, "right"));
    let mut got = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    got.sort();
    assert_eq!(got, [200, 412], "the loser gets 412, never a silent overwrite");
    // Without If-Match, concurrent adds and removes by both editors all land.
    let seeded = app.add(&owner, &id, &[("s", "1"), ("s", "2"), ("s", "3"), ("s", "4")]).await;
    let ids: Vec<String> =
        seeded["added"].as_array().unwrap().iter().map(|i| i["item_id"].as_str().unwrap().to_owned()).collect();
    let removes = ids.iter().enumerate().map(|(i, item)| {
        let who = if i % 2 == 0 { &ed1 } else { &ed2 };
        app.as_user(who, Method::DELETE, &format!("/v1/playlists/{id}/items/{item}")).send()
    });
    let adds = (0..8).map(|i| {
        let who = if i % 2 == 0 { &ed1 } else { &ed2 };
        app.as_user(who, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": [{"artist": "n", "title": format!("{i}")}]}))
            .send()
    });
    let (removed, added) = tokio::join!(futures::future::join_all(removes), futures::future::join_all(adds));
    assert!(removed.into_iter().all(|r| r.unwrap().status() == 204));
    assert!(added.into_iter().all(|r| r.unwrap().status() == 200));
    let p = app.get_playlist(&owner, &id).await;
    assert_eq!(p["items"].as_array().unwrap().len(), 8);
    assert!(p["items"].as_array().unwrap().iter().all(|i| i["artist"] == "n"));
}

async fn public_search_finds_public_playlists_only_in_update_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("owner").await;
    let mut public = vec![];
    for (name, vis) in [
        ("Summer Hits", "public"),
        ("summer chill", "public"),
        ("Summer secret", "private"),
        ("Summer link", "unlisted"),
        ("Winter", "public"),
    ] {
        let id = app.playlist(&owner, json!({"name": name, "description": "songs", "visibility": vis})).await;
        if vis == "public" {
            public.push((name, id));
        }
    }
    let found: Value =
        app.request(Method::GET, "/v1/playlists/public?q=SUMMER").send().await.unwrap().json().await.unwrap();
    let names: Vec<&str> = found["playlists"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["summer chill", "Summer Hits"], "public only, newest first, any case");
    let page: Value =
        app.request(Method::GET, "/v1/playlists/public?limit=2").send().await.unwrap().json().await.unwrap();
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .request(Method::GET, &format!("/v1/playlists/public?limit=2&cursor={cursor}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["playlists"].as_array().unwrap().len() + rest["playlists"].as_array().unwrap().len(), 3);
    let odd: Value = app.request(Method::GET, "/v1/playlists/public?q=.*(").send().await.unwrap().json().await.unwrap();
    assert_eq!(odd["playlists"], json!([]), "the query is literal text, not a pattern");
    // A control character (a NUL, which MongoDB refuses in a pattern) is a clear 400, never a 500.
    let r = app.request(Method::GET, "/v1/playlists/public?q=%C2%A3%00%C2%A4").send().await.unwrap();
    crate::helpers::assert_error(r, 400, "invalid_query").await;
}

async fn forks_record_their_source_and_transfers_keep_the_old_owner_as_editor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, fan) = (app.user("owner").await, app.user("fan").await);
    let id = app.playlist(&owner, json!({"name": "original", "visibility": "unlisted"})).await;
    app.add(&owner, &id, &[("a", "1"), ("b", "2")]).await;
    let r = app.as_user(&fan, Method::POST, &format!("/v1/playlists/{id}/fork")).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let fork: Value = r.json().await.unwrap();
    assert_eq!((&fork["owner"]["username"], &fork["visibility"]), (&json!("fan"), &json!("private")));
    assert_eq!(fork["forked_from"], json!({"playlist_id": id, "version": 2}));
    assert_eq!(titles(&fork), ["1", "2"]);
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/transfer"))
        .json(&json!({"username": "fan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["owner"]["username"], "fan");
    let members: Value = app
        .as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/collaborators"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(members["owner"], "fan");
    assert_eq!(members["collaborators"][0]["username"], "owner");
    assert_eq!(members["collaborators"][0]["role"], "editor");
    let r = app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}")).send().await.unwrap();
    assert_error(r, 403, "forbidden").await;
}

crate::on_both_backends!(
    contributors_remove_only_their_own_items_and_removed_members_lose_access,
    sync_is_idempotent_and_mirror_reproduces_order,
    restoring_version_n_brings_back_exactly_its_items_and_metadata,
    concurrent_editors_never_overwrite_each_other,
    public_search_finds_public_playlists_only_in_update_order,
    forks_record_their_source_and_transfers_keep_the_old_owner_as_editor,
);

#[tokio::test(flavor = "multi_thread")]
async fn authenticated_routes_carry_rate_limit_headers_and_429_beyond() {
    let app = TestApp::spawn_with(Backend::Embedded, |c| {
        c.ratelimit.per_minute = 60;
        c.ratelimit.burst = 3;
    })
    .await;
    let alice = app.user("alice").await;
    let mut remaining = vec![];
    for _ in 0..3 {
        let r = app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["ratelimit-limit"], "3");
        assert!(r.headers().contains_key("ratelimit-reset"));
        remaining.push(r.headers()["ratelimit-remaining"].to_str().unwrap().parse::<u32>().unwrap());
    }
    assert_eq!(remaining, [2, 1, 0]);
    let r = app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap();
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(r.headers()["ratelimit-remaining"], "0");
    assert_error(r, 429, "too_many_requests").await;
    // Per user: someone else is unaffected; anonymous routes carry no quota headers.
    let bob = app.user("bob").await;
    assert_eq!(app.as_user(&bob, Method::GET, "/v1/me").send().await.unwrap().status(), 200);
    let r = app.request(Method::GET, "/healthz").send().await.unwrap();
    assert!(!r.headers().contains_key("ratelimit-limit"));
}
