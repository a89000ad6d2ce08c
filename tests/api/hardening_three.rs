//! Hardening II (issue 29), continued: Last.fm calls charged to whoever causes them, library
//! search that looks only at the caller's library, OAuth links bound to the browser that began
//! them, per-user platform quotas, sealed webhook secrets and schedules users may not abuse.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, Backend, TestApp, TestUser},
    jobs_common::{app_with_world, schedule},
};

/// Waits, when the current minute is nearly over, for the next one to begin, so a test that
/// counts a per-minute share sees one window throughout.
async fn a_fresh_minute() {
    let into = chrono::Utc::now().timestamp() % 60;
    if into > 40 {
        tokio::time::sleep(std::time::Duration::from_secs((60 - into) as u64 + 1)).await;
    }
}

async fn generate(app: &TestApp, user: &TestUser, artists: &[&str]) -> (u16, Value) {
    let body = json!({"name": "Mix", "artists": artists, "tracks_per_artist": 2});
    let r = app.as_user(user, Method::POST, "/v1/playlists/generate").json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn generate_and_its_schedules_are_paid_from_the_callers_lastfm_share(backend: Backend) {
    let (app, lastfm) = app_with_world(backend, |c| c.lastfm.per_user_per_minute = 6).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    a_fresh_minute().await;
    // One artist: a search and its top tracks, 2 of alice's 6.
    let (status, out) = generate(&app, &alice, &["Radiohead"]).await;
    assert_eq!(status, 201, "{out}");
    // (The items' own lookups go through the track cache, not the share.)
    let direct = || lastfm.calls("artist.search") + lastfm.calls("artist.getTopTracks");
    assert_eq!(direct(), 2, "a search and a top-tracks call");
    // Three artists need up to 6: more than the 4 left, refused before any call.
    let (status, out) = generate(&app, &alice, &["Radiohead", "Portishead", "Tom Petty"]).await;
    assert_eq!(status, 429, "{out}");
    assert!(out["error"]["message"].as_str().unwrap().contains("4 of your share of 6"), "{out}");
    // Four artists need 8: more than a whole share, so no wait would help.
    let (status, out) = generate(&app, &alice, &["A", "B", "C", "D"]).await;
    assert_eq!(status, 422, "{out}");
    assert_eq!(out["error"]["code"], "too_many_lookups", "{out}");
    assert!(out["error"]["message"].as_str().unwrap().contains("schedule"), "{out}");
    assert_eq!(direct(), 2, "refusals cost Last.fm nothing");
    // A schedule run by alice pays from her share too: two artists take her last 4.
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "generate", "params": {"name": "Weekly", "artists": ["Portishead", "Tom Petty"],
            "tracks_per_artist": 1}, "interval_secs": 86_400}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    let run = crate::jobs_common::run_now(&app, &alice, id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let search = |who: &TestUser| app.as_user(who, Method::GET, "/v1/tracks/search?q=massive&limit=5").send();
    assert_error(search(&alice).await.unwrap(), 429, "too_many_requests").await;
    // And a run now with the share spent fails with the reason instead of waiting.
    let run = crate::jobs_common::run_now(&app, &alice, id).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(run["error"].as_str().unwrap().contains("share"), "{run}");
    assert_eq!(search(&bob).await.unwrap().status(), 200, "bob's share is his own");
}

/// Starts a Spotify link as `user`: the state, the code the platform returns, and the cookie.
async fn begin_link(
    app: &TestApp,
    fake: &crate::platform_fakes::FakePlatforms,
    user: &TestUser,
) -> (String, String, String) {
    let r = app.as_user(user, Method::POST, "/v1/connections/spotify").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let body: Value = r.json().await.unwrap();
    let url = url::Url::parse(body["authorize_url"].as_str().unwrap()).unwrap();
    let challenge = url.query_pairs().find(|(k, _)| k == "code_challenge").unwrap().1.into_owned();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    (body["state"].as_str().unwrap().to_owned(), fake.consent(&challenge), cookie)
}

async fn a_link_address_sent_to_someone_else_cannot_link_their_account_to_the_sender(backend: Backend) {
    let fake = crate::platform_fakes::FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| crate::spotify_link::configure(c, &fake)).await;
    let (mallory, victim) = (app.user("mallory").await, app.user("victim").await);
    let (state, code, cookie) = begin_link(&app, &fake, &mallory).await;
    let path = format!("/v1/connections/spotify/callback?code={code}&state={state}");
    // The victim's browser returns from Spotify with no cookie and no token: nothing is linked;
    // the page names the sharify account that started and asks for its password.
    let page = app.request(Method::GET, &path).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("form-action 'self'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("started by sharify user <strong><bdi>mallory</bdi>"), "{html}");
    assert!(html.contains("type=\"password\""), "{html}");
    assert_error(app.request(Method::GET, &path).send().await.unwrap(), 401, "link_needs_sign_in").await;
    // A wrong cookie vouches for nothing either.
    let wrong = app.request(Method::GET, &path).header("cookie", "sharify_link=forged").send().await.unwrap();
    assert_error(wrong, 401, "link_needs_sign_in").await;
    assert_eq!(app.get_json(&mallory, "/v1/connections").await["connections"], json!([]), "nothing linked");
    // Signing in on that page as anyone but the starter is refused; the wrong password too.
    let form = |who: &TestUser, password: &str| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &state)
            .append_pair("code", &code)
            .append_pair("username", &who.username)
            .append_pair("password", password)
            .finish();
        app.request(Method::POST, "/v1/connections/spotify/callback")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    assert_error(form(&victim, &victim.password).await.unwrap(), 403, "forbidden").await;
    assert_error(form(&mallory, "not-her-password").await.unwrap(), 401, "unauthorized").await;
    // The starter's own browser (its cookie) finishes it, and the page names both accounts.
    let page =
        app.request(Method::GET, &path).header("accept", "text/html").header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Fake Listener") && html.contains("<bdi data-sharify-user>mallory</bdi>"), "{html}");
    assert_eq!(app.get_json(&mallory, "/v1/connections").await["connections"][0]["status"], "active");
    // And a starter who began with curl finishes in any browser with the password.
    let (state, code, _) = begin_link(&app, &fake, &victim).await;
    let body = format!("state={state}&code={code}&username=victim&password={}", victim.password);
    let r = app
        .request(Method::POST, "/v1/connections/spotify/callback")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("<bdi data-sharify-user>victim</bdi>"));
}

async fn one_users_youtube_imports_leave_everyone_elses_share_alone(backend: Backend) {
    let fake = crate::platform_fakes::FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        crate::platforms::use_fake_platforms(c, &fake);
        c.youtube.daily_quota_units = 10;
        c.youtube.user_daily_quota_units = 2;
    })
    .await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let url = format!("https://www.youtube.com/playlist?list={}", crate::platform_fakes::YOUTUBE_PLAYLIST);
    let import =
        |who: &TestUser| app.as_user(who, Method::POST, "/v1/playlists/import").json(&json!({ "url": url })).send();
    assert_eq!(import(&alice).await.unwrap().status(), 201, "2 pages, 2 units: alice's whole share");
    let refused = import(&alice).await.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("your share of today's (2)"), "{body}");
    assert_eq!(import(&bob).await.unwrap().status(), 201, "bob's share is untouched");
    assert_eq!(fake.calls("/youtube/"), 4, "the refusal asked YouTube nothing");
}

async fn webhook_secrets_are_sealed_at_rest_and_sealed_again_by_key_rotation(backend: Backend) {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use sharify::{
        config::{ConnectionsConfig, Secret},
        connections::{cipher::TokenCipher, keys},
        storage::records::RecordKey,
    };
    let key = |byte: u8| STANDARD.encode([byte; 32]);
    let app = TestApp::spawn_with(backend, |c| {
        c.webhooks.allow_insecure_targets = true;
        c.connections.token_key = Some(Secret::new(key(5)));
    })
    .await;
    let owner = app.user("owner").await;
    let receiver = crate::webhook_receiver::Receiver::start().await;
    let id = app.playlist(&owner, json!({"name": "Hooked"})).await;
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/webhooks"))
        .json(&json!({"url": receiver.url, "events": ["*"]}))
        .send()
        .await
        .unwrap();
    let created: Value = r.json().await.unwrap();
    let (hook_id, secret) = (created["id"].as_str().unwrap(), created["secret"].as_str().unwrap().to_owned());
    let record_key = format!("{id}\u{1e}{hook_id}");
    let raw = || async {
        let found = app.store.store.records("webhook", std::slice::from_ref(&record_key)).await.unwrap();
        serde_json::from_str::<Value>(&found[0].1).unwrap()
    };
    let stored = raw().await;
    assert!(!stored.to_string().contains(&secret["whsec_".len()..]), "not kept as given: {stored}");
    assert!(stored["secrets"][0]["sealed"]["bound"] == true, "{stored}");
    // Deliveries are still signed with it.
    app.add(&owner, &id, &[("A", "one")]).await;
    let got = crate::helpers::eventually(20, "a delivery", || async { receiver.acknowledged().first().cloned() }).await;
    let now = chrono::Utc::now().timestamp();
    assert!(sharify::webhooks::signing::verify(&secret, &got.id, got.timestamp, &got.body, &got.signature, now));
    // A hook stored before a key was set (its secret as given) and this one: rotation seals both.
    let legacy = json!({"id": "h-old", "playlist_id": id, "url": receiver.url, "events": ["*"], "created_by": "x",
        "created_at": "2026-01-01T00:00:00Z", "secrets": [{"secret": "whsec_bGVnYWN5LXNlY3JldC1ieXRlcyEh", "valid_until": null}]});
    let legacy_key = format!("{id}\u{1e}h-old");
    let at = RecordKey { kind: "webhook", owner: "x", key: &legacy_key };
    app.store.store.put_record(at, &legacy.to_string(), None).await.unwrap();
    let rotated = TokenCipher::from_config(&ConnectionsConfig {
        token_key: Some(Secret::new(key(6))),
        previous_token_keys: Some(Secret::new(key(5))),
    })
    .unwrap()
    .unwrap();
    let done = keys::rotate(&*app.store.store, &rotated).await.unwrap();
    assert_eq!(done.resealed, 2, "{done:?}");
    let stored = raw().await;
    assert_eq!(stored["secrets"][0]["sealed"]["kid"], rotated.current_kid());
    let sealed = serde_json::from_value(stored["secrets"][0]["sealed"].clone()).unwrap();
    let opened = rotated.open(&sealed, &format!("webhook\u{1e}{record_key}")).unwrap();
    assert_eq!(String::from_utf8(opened).unwrap(), secret, "the same secret, sealed with the new key");
    let found = app.store.store.records("webhook", std::slice::from_ref(&legacy_key)).await.unwrap();
    assert!(!found[0].1.contains("bGVnYWN5"), "the old hook's secret is sealed now: {}", found[0].1);
    assert_eq!(keys::rotate(&*app.store.store, &rotated).await.unwrap().resealed, 0, "nothing left to seal");
}

async fn run_now_waits_for_the_schedules_minimum_interval(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |c| c.jobs.min_interval_secs = 3600).await;
    let alice = app.user("alice").await;
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "generate", "params": {"name": "Mix", "tag": "rock"}, "interval_secs": 86_400}),
    )
    .await;
    let run = |id: String| app.as_user(&alice, Method::POST, &format!("/v1/schedules/{id}/run")).send();
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(run(id.clone()).await.unwrap().status(), 200);
    let again = run(id.clone()).await.unwrap();
    let retry: u64 = again.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3500..=3600).contains(&retry), "until an hour after the last run began: {retry}");
    assert_error(again, 429, "too_many_requests").await;
    let runs = app.get_json(&alice, &format!("/v1/schedules/{id}/runs")).await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 1, "the refused run-now ran nothing");
}

async fn a_refresh_that_fails_upstream_is_sent_once_and_keeps_the_link(backend: Backend) {
    let fake = crate::platform_fakes::FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| crate::spotify_link::configure(c, &fake)).await;
    let alice = app.user("alice").await;
    crate::spotify_link::link(&app, &fake, &alice).await;
    fake.expire_access_tokens();
    fake.refresh_outages(5);
    // A refresh may have rotated the refresh token even when its answer was lost: sending it
    // again could break the link, so a 5xx is not retried; the caller hears to try later.
    let r = app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send().await.unwrap();
    assert!(r.status().is_server_error(), "{}", r.status());
    assert_eq!(fake.refresh_calls(), 1, "one refresh POST, not retried");
    let listed = app.get_json(&alice, "/v1/connections").await;
    assert_eq!(listed["connections"][0]["status"], "active", "the link is not broken: {listed}");
    fake.refresh_outages(0);
    let r = app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send().await.unwrap();
    assert_eq!(r.status(), 200, "the next request refreshes");
    assert_eq!(fake.refresh_calls(), 2);
}

crate::on_both_backends!(
    a_refresh_that_fails_upstream_is_sent_once_and_keeps_the_link,
    run_now_waits_for_the_schedules_minimum_interval,
    webhook_secrets_are_sealed_at_rest_and_sealed_again_by_key_rotation,
    one_users_youtube_imports_leave_everyone_elses_share_alone,
    generate_and_its_schedules_are_paid_from_the_callers_lastfm_share,
    a_link_address_sent_to_someone_else_cannot_link_their_account_to_the_sender,
);
