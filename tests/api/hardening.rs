//! Bounded cost per request: password hashing, sign-ups, and no work before authorisation.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, eventually, use_fake_lastfm, Backend, TestApp},
    lastfm_fake::FakeLastfm,
};

const PASSWORD: &str = "correct horse battery";

async fn hashing_beyond_its_slots_answers_503_with_retry_after_and_locks_no_one_out(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.auth.hash_concurrency = 1;
        c.auth.hash_queue_ms = 1;
        c.auth.max_failures_per_user = 8;
    })
    .await;
    let alice = app.user("alice").await;
    // Eight wrong guesses at once: those that get no hashing slot must not count as failures.
    let logins = (0..8).map(|_| {
        app.request(Method::POST, "/v1/auth/tokens")
            .json(&json!({"username": "alice", "password": "wrong guess!"}))
            .send()
    });
    let answers = futures::future::join_all(logins).await;
    let mut busy = 0;
    for r in answers {
        let r = r.unwrap();
        if r.status() == 503 {
            assert!(r.headers().contains_key(header::RETRY_AFTER), "503 says when to come back");
            assert_error(r, 503, "unavailable").await;
            busy += 1;
        }
    }
    assert!(busy >= 1, "eight hashes at once with one slot and no queue: some must be refused");
    let r =
        app.request(Method::POST, "/v1/auth/tokens").json(&json!({"username": "alice", "password": alice.password}));
    assert_eq!(r.send().await.unwrap().status(), 201, "refused attempts did not count as failures (8 would lock)");
}

async fn sign_ups_are_limited_per_client_address(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.auth.signups_per_hour_per_ip = 2).await;
    let sign_up = |name: &str| {
        app.request(Method::POST, "/v1/users")
            .json(&json!({"username": name, "password": PASSWORD, "display_name": name}))
    };
    assert_eq!(sign_up("first").send().await.unwrap().status(), 201);
    assert_eq!(sign_up("second").send().await.unwrap().status(), 201);
    let r = sign_up("third").send().await.unwrap();
    assert!(r.headers().contains_key(header::RETRY_AFTER));
    assert_error(r, 429, "too_many_requests").await;
}

async fn adding_to_a_playlist_one_may_not_change_costs_no_lookup(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let (alice, mallory) = (app.user("alice").await, app.user("mallory").await);
    let private = app.playlist(&alice, json!({"name": "mine"})).await;
    let viewer_only = app.playlist(&alice, json!({"name": "public", "visibility": "public"})).await;
    let tracks: Vec<Value> = (0..50).map(|i| json!({"artist": "Spam", "title": format!("track {i}")})).collect();
    for (id, status) in [(&private, 404), (&viewer_only, 403)] {
        let r = app
            .as_user(&mallory, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": tracks}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status);
    }
    assert_eq!(fake.calls("track.getInfo"), 0, "refused adds looked nothing up");
}

async fn a_playlist_too_large_for_any_store_is_refused_up_front_and_stays_usable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "huge"})).await;
    let long = "x".repeat(490);
    let mut accepted = 0;
    let refused = loop {
        let tracks: Vec<Value> = (0..500)
            .map(|i| json!({"artist": format!("{long}{i}"), "title": format!("{long}{accepted}"), "album": long}))
            .collect();
        let r = app
            .as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items"))
            .json(&json!({"tracks": tracks, "on_duplicate": "allow"}))
            .send()
            .await
            .unwrap();
        if r.status() != 200 {
            break r;
        }
        accepted += 500;
        assert!(accepted < 10_000, "the size limit comes before the item limit for items this large");
    };
    assert_error(refused, 422, "playlist_too_large").await;
    let p = app.get_playlist(&alice, &id).await;
    assert_eq!(p["item_count"], accepted, "nothing of the refused batch was stored");
    let first = p["items"][0]["item_id"].as_str().unwrap();
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{first}")).send().await.unwrap();
    assert_eq!(r.status(), 204, "shrinking is always allowed");
    let r = app.as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}")).json(&json!({"name": "still fine"}));
    assert_eq!(r.send().await.unwrap().status(), 200);
}

async fn requests_without_credentials_are_limited_per_address(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.ratelimit.anonymous_per_minute = 1;
        c.ratelimit.anonymous_burst = 5;
    })
    .await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "popular", "visibility": "public"})).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let r = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().contains_key(header::RETRY_AFTER) && r.headers().contains_key("ratelimit-limit"));
            assert_error(r, 429, "too_many_requests").await;
            break;
        }
        assert!(r.headers().contains_key("ratelimit-remaining"), "anonymous answers carry the quota");
    }
    // sign-up and login of alice took 2 of the 5 (no credentials either).
    assert_eq!(statuses, [200, 200, 200, 429]);
    assert_eq!(app.request(Method::GET, "/healthz").send().await.unwrap().status(), 200, "probes are exempt");
    let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 200, "signed-in callers have their own quota");
}

async fn share_link_visits_are_counted_without_a_write_each(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "shared"})).await;
    let r =
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/share-links")).json(&json!({"role": "viewer"}));
    let token = r.send().await.unwrap().json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    for _ in 0..20 {
        assert_eq!(app.request(Method::GET, &format!("/v1/shared/{token}")).send().await.unwrap().status(), 200);
    }
    let listed = || async {
        let links = app.get_json(&alice, &format!("/v1/playlists/{id}/share-links")).await;
        links["links"][0]["visits"].as_u64().unwrap()
    };
    assert_eq!(listed().await, 20, "the owner sees every visit at once");
    let backend_name = app.store.store.backend_name();
    let writes = || app.metrics.store_duration.with_label_values(&["count_visits", backend_name]).get_sample_count();
    // The write's timing is recorded just after the store answers: wait for both.
    eventually(15, "the visits reach the store", || async {
        let stored = app.store.store.links_for(&id).await.unwrap();
        (stored[0].visits == 20 && writes() >= 1).then_some(())
    })
    .await;
    let writes = writes();
    assert!((1..=2).contains(&writes), "20 visits, {writes} writes");
    assert_eq!(listed().await, 20);
}

async fn anonymous_views_are_paged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "long"})).await;
    for batch in 0..2 {
        let n = if batch == 0 { 500 } else { 100 };
        let tracks: Vec<Value> = (0..n).map(|i| json!({"artist": "A", "title": format!("t{batch}-{i}")})).collect();
        let r =
            app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&json!({"tracks": tracks}));
        assert_eq!(r.send().await.unwrap().status(), 200);
    }
    let r =
        app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/share-links")).json(&json!({"role": "viewer"}));
    let token = r.send().await.unwrap().json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (mut seen, mut cursor) = (0, None::<String>);
    loop {
        let mut path = format!("/v1/shared/{token}?items_limit=250");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app.request(Method::GET, &path).send().await.unwrap().json().await.unwrap();
        let items = page["playlist"]["items"].as_array().unwrap().len();
        assert!(items <= 250);
        seen += items;
        match page["playlist"]["items_next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, 600, "every item, a page at a time");
    let html = app.request(Method::GET, &format!("/s/{token}")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("data-track-row").count(), 500, "the page shows at most 500 tracks");
    assert!(html.contains("100 more tracks"), "and says how many more the JSPF has");
    let jspf: Value =
        app.request(Method::GET, &format!("/s/{token}/playlist.jspf")).send().await.unwrap().json().await.unwrap();
    assert_eq!(jspf["playlist"]["track"].as_array().unwrap().len(), 600, "the JSPF is complete");
}

async fn each_user_has_a_share_of_direct_lastfm_calls_and_repeats_are_free(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_lastfm(c, &fake);
        c.lastfm.per_user_per_minute = 2;
    })
    .await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let search = |who: &crate::helpers::TestUser, q: &str| {
        app.as_user(who, Method::GET, &format!("/v1/tracks/search?q={q}&limit=5")).send()
    };
    assert_eq!(search(&alice, "kvelertak").await.unwrap().status(), 200);
    assert_eq!(search(&alice, "Kvelertak").await.unwrap().status(), 200, "the same question, answered from memory");
    assert_eq!(search(&alice, "mastodon").await.unwrap().status(), 200);
    let spent = search(&alice, "gojira").await.unwrap();
    assert!(spent.headers().contains_key(header::RETRY_AFTER));
    assert_error(spent, 429, "too_many_requests").await;
    assert_eq!(search(&alice, "kvelertak").await.unwrap().status(), 200, "cached answers still work");
    assert_eq!(search(&bob, "gojira").await.unwrap().status(), 200, "another user has their own share");
    assert_eq!(fake.calls("track.search"), 3);
}

crate::on_both_backends!(
    each_user_has_a_share_of_direct_lastfm_calls_and_repeats_are_free,
    anonymous_views_are_paged,
    share_link_visits_are_counted_without_a_write_each,
    requests_without_credentials_are_limited_per_address,
    a_playlist_too_large_for_any_store_is_refused_up_front_and_stays_usable,
    hashing_beyond_its_slots_answers_503_with_retry_after_and_locks_no_one_out,
    sign_ups_are_limited_per_client_address,
    adding_to_a_playlist_one_may_not_change_costs_no_lookup,
);
