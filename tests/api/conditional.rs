//! Conditional GETs, prebuilt bodies and cached credentials: faster answers, never stale ones.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp};

async fn conditional_get_answers_304_until_the_playlist_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Road trip"})).await;
    app.add(&alice, &id, &[("ABBA", "SOS")]).await;
    let path = format!("/v1/playlists/{id}");

    let r = app.as_user(&alice, Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let tag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-cache", "authenticated answers are private");
    let first: Value = r.json().await.unwrap();

    let r = app.as_user(&alice, Method::GET, &path).header(header::IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()[header::ETAG], tag.as_str());
    assert!(r.bytes().await.unwrap().is_empty(), "a 304 has no body");
    let r = app.as_user(&alice, Method::GET, &path).header(header::IF_NONE_MATCH, "\"999\"").send().await.unwrap();
    assert_eq!(r.status(), 200, "another ETag gets the body");

    // A change (through any write path) gives a new ETag and the new content at once.
    app.add(&alice, &id, &[("Björk", "Army of Me")]).await;
    let r = app.as_user(&alice, Method::GET, &path).header(header::IF_NONE_MATCH, &tag).send().await.unwrap();
    assert_eq!(r.status(), 200, "the old ETag is stale after a write");
    assert_ne!(r.headers()[header::ETAG], tag.as_str());
    let now: Value = r.json().await.unwrap();
    assert_eq!((first["item_count"].as_u64(), now["item_count"].as_u64()), (Some(1), Some(2)));
    assert_eq!(now["items"].as_array().unwrap().len(), 2);
}

async fn a_reused_body_never_bypasses_an_access_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let id = app.playlist(&alice, json!({"name": "Shared", "visibility": "public"})).await;
    let path = format!("/v1/playlists/{id}");
    assert_eq!(app.request(Method::GET, &path).send().await.unwrap().status(), 200, "public: anyone reads");
    let grant = format!("/v1/playlists/{id}/collaborators/bob");
    let r = app.as_user(&alice, Method::PUT, &grant).json(&json!({"role": "viewer"})).send().await.unwrap();
    assert!(r.status().is_success());
    let r = app.as_user(&alice, Method::PATCH, &path).json(&json!({"visibility": "private"})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_error(app.request(Method::GET, &path).send().await.unwrap(), 404, "playlist_not_found").await;
    assert_eq!(app.as_user(&bob, Method::GET, &path).send().await.unwrap().status(), 200, "bob is a viewer");
    let r = app.as_user(&alice, Method::DELETE, &grant).send().await.unwrap();
    assert!(r.status().is_success());
    assert_error(app.as_user(&bob, Method::GET, &path).send().await.unwrap(), 404, "playlist_not_found").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_token_stops_working_at_once_on_the_replica_that_revoked_it() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    for _ in 0..2 {
        assert_eq!(app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap().status(), 200);
    }
    let r = app.as_user(&alice, Method::DELETE, "/v1/auth/tokens/current").send().await.unwrap();
    assert!(r.status().is_success());
    assert_error(app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap(), 401, "unauthorized").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cached_basic_credentials_accept_only_the_exact_password() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    for _ in 0..3 {
        let r = app.request(Method::GET, "/v1/me").basic_auth(&alice.username, Some(&alice.password)).send().await;
        assert_eq!(r.unwrap().status(), 200);
    }
    for wrong in [format!("{}x", alice.password), alice.password[..alice.password.len() - 1].to_owned()] {
        let r = app.request(Method::GET, "/v1/me").basic_auth(&alice.username, Some(&wrong)).send().await.unwrap();
        assert_error(r, 401, "unauthorized").await;
    }
    let r = app.request(Method::GET, "/v1/me").basic_auth("bob", Some(&alice.password)).send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn items_pages_and_share_pages_answer_304_with_the_right_cache_policy() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let public = app.playlist(&alice, json!({"name": "Open", "visibility": "public"})).await;
    let unlisted = app.playlist(&alice, json!({"name": "Quiet", "visibility": "unlisted"})).await;
    for path in [format!("/v1/playlists/{public}/items"), format!("/p/{public}"), format!("/p/{public}/playlist.jspf")]
    {
        let r = app.as_user(&alice, Method::GET, &path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let tag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
        let r = app.as_user(&alice, Method::GET, &path).header(header::IF_NONE_MATCH, &tag).send().await.unwrap();
        assert_eq!(r.status(), 304, "{path}");
    }
    let r = app.request(Method::GET, &format!("/p/{public}")).send().await.unwrap();
    assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=60, stale-while-revalidate=300");
    let r = app.request(Method::GET, &format!("/p/{unlisted}")).send().await.unwrap();
    assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-cache", "only public pages may be shared-cached");
    let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{public}/items")).send().await.unwrap();
    assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-cache");
}

async fn a_playlist_read_embeds_the_first_page_and_the_cursor_continues_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Long"})).await;
    let tracks: Vec<Value> = (0..250).map(|i| json!({"artist": "A", "title": format!("T{i:03}")})).collect();
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&json!({"tracks": tracks}));
    assert_eq!(r.send().await.unwrap().status(), 200);

    let body = app.get_playlist(&alice, &id).await;
    assert_eq!((body["item_count"].as_u64(), body["items"].as_array().unwrap().len()), (Some(250), 100));
    let mut titles: Vec<String> = body["items"].as_array().unwrap().iter().map(|i| i["title"].to_string()).collect();
    // Someone inserts at the top while we page: the rest still follows on exactly.
    let top = json!({"tracks": [{"artist": "B", "title": "New first"}], "position": 0});
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&top);
    assert_eq!(r.send().await.unwrap().status(), 200);
    let mut cursor = body["items_next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let path = format!("/v1/playlists/{id}/items?limit=100&cursor={c}");
        let page: Value = app.as_user(&alice, Method::GET, &path).send().await.unwrap().json().await.unwrap();
        titles.extend(page["items"].as_array().unwrap().iter().map(|i| i["title"].to_string()));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = (0..250).map(|i| format!("\"T{i:03}\"")).collect();
    assert_eq!(titles, expected, "every item once, in order, none skipped or repeated");

    let all = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}?items_limit=1000")).send().await.unwrap();
    let all: Value = all.json().await.unwrap();
    assert_eq!((all["items"].as_array().unwrap().len(), &all["items_next_cursor"]), (251, &Value::Null));
    for bad in ["0", "1001", "x"] {
        let r =
            app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}?items_limit={bad}")).send().await.unwrap();
        assert_eq!(r.status(), 400, "items_limit={bad}");
    }
}

async fn a_public_page_rendered_once_shows_every_change_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "First name", "visibility": "public"})).await;
    let page = |path: String| {
        let app = &app;
        async move {
            let r = app.request(Method::GET, &path).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    for _ in 0..2 {
        assert!(page(format!("/p/{id}")).await.1.contains("First name"));
        assert!(page(format!("/p/{id}/playlist.jspf")).await.1.contains("First name"));
    }
    let rename = json!({"name": "Second name"});
    let r = app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}")).json(&rename).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (status, html) = page(format!("/p/{id}")).await;
    assert!(status == 200 && html.contains("Second name") && !html.contains("First name"), "{html}");
    assert!(page(format!("/p/{id}/playlist.jspf")).await.1.contains("Second name"));
    app.add(&alice, &id, &[("Björk", "Army of Me")]).await;
    assert!(page(format!("/p/{id}")).await.1.contains("Army of Me"), "new items show at once");
    let private = json!({"visibility": "private"});
    let r = app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}")).json(&private).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(page(format!("/p/{id}")).await.0, 404, "a playlist made private is gone from its page at once");
    assert_eq!(page(format!("/p/{id}/playlist.jspf")).await.0, 404);
}

crate::on_both_backends!(
    a_public_page_rendered_once_shows_every_change_at_once,
    conditional_get_answers_304_until_the_playlist_changes,
    a_reused_body_never_bypasses_an_access_change,
    a_playlist_read_embeds_the_first_page_and_the_cursor_continues_it,
);
