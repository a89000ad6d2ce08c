//! Linking a Spotify account against the fake accounts service: the PKCE flow end to end, a
//! single-use state bound to its user, tokens sealed at rest and re-sealed by key rotation, one
//! refresh for many concurrent requests, a revoked link marked broken, Spotify's plain-text
//! refusals explained, and importing your own playlists and Liked Songs with the link.

use base64::{engine::general_purpose::STANDARD, Engine};
use reqwest::Method;
use serde_json::{json, Value};
use sharify::{
    config::{Config, ConnectionsConfig, Secret},
    connections::{cipher::TokenCipher, keys},
};

use crate::{
    helpers::{assert_error, Backend, TestApp, TestUser},
    platform_fakes::{FakePlatforms, SPOTIFY_DUAL},
    platforms::use_fake_platforms,
    search_fakes,
};

const REDIRECT: &str = "http://127.0.0.1:8888/v1/connections/spotify/callback";

fn key_text(byte: u8) -> String {
    STANDARD.encode([byte; 32])
}

pub(crate) fn configure(c: &mut Config, fake: &FakePlatforms) {
    use_fake_platforms(c, fake);
    c.spotify.accounts_url = format!("{}/spotify/accounts", fake.base);
    c.spotify.client_id = Some(Secret::new(search_fakes::SPOTIFY_CLIENT_ID));
    c.spotify.client_secret = Some(Secret::new(search_fakes::SPOTIFY_CLIENT_SECRET));
    c.spotify.redirect_uri = Some(REDIRECT.into());
    c.connections.token_key = Some(Secret::new(key_text(7)));
    c.spotify.requests_per_second = 1000;
}

/// Starts linking as `user`: the authorize address's query and the state.
async fn start(app: &TestApp, user: &TestUser) -> (std::collections::HashMap<String, String>, String) {
    let r = app.as_user(user, Method::POST, "/v1/connections/spotify").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let url = url::Url::parse(body["authorize_url"].as_str().unwrap()).unwrap();
    assert!(url.path().ends_with("/spotify/accounts/authorize"), "{url}");
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    (query, body["state"].as_str().unwrap().to_owned())
}

/// The platform's return, as the user who started (their token vouches for them).
async fn callback(app: &TestApp, user: &TestUser, code: &str, state: &str) -> reqwest::Response {
    let path = format!("/v1/connections/spotify/callback?code={code}&state={state}");
    app.as_user(user, Method::GET, &path).send().await.unwrap()
}

/// Links `user`'s Spotify account through the whole flow.
pub(crate) async fn link(app: &TestApp, fake: &FakePlatforms, user: &TestUser) -> Value {
    let (query, state) = start(app, user).await;
    let code = fake.consent(&query["code_challenge"]);
    let r = callback(app, user, &code, &state).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn the_whole_link_flow_with_a_single_use_state(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake)).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let (query, state) = start(&app, &alice).await;
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["redirect_uri"], REDIRECT);
    assert_eq!(query["client_id"], search_fakes::SPOTIFY_CLIENT_ID);
    assert!(query["scope"].contains("playlist-modify-private"), "{query:?}");
    assert_eq!(query["state"], state);
    // Bob cannot finish Alice's attempt, and trying does not spend it.
    let code = fake.consent(&query["code_challenge"]);
    let path = format!("/v1/connections/spotify/callback?code={code}&state={state}");
    let r = app.as_user(&bob, Method::GET, &path).send().await.unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = callback(&app, &alice, &code, &state).await;
    assert_eq!(r.status(), 200);
    let linked: Value = r.json().await.unwrap();
    // A browser arriving from Spotify gets a page naming both accounts (Bob links his own
    // account to see it; the cookie his start set vouches for his browser).
    let r = app.as_user(&bob, Method::POST, "/v1/connections/spotify").send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let bobs: Value = r.json().await.unwrap();
    let bobs_url = url::Url::parse(bobs["authorize_url"].as_str().unwrap()).unwrap();
    let challenge = bobs_url.query_pairs().find(|(k, _)| k == "code_challenge").unwrap().1.into_owned();
    let code_for_bob = fake.consent(&challenge);
    let page = app
        .request(
            Method::GET,
            &format!("/v1/connections/spotify/callback?code={code_for_bob}&state={}", bobs["state"].as_str().unwrap()),
        )
        .header("accept", "text/html,application/xhtml+xml")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("default-src"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Your Spotify account is linked") && html.contains("Fake Listener"), "{html}");
    assert!(html.contains("<bdi data-sharify-user>bob</bdi>"), "the sharify account is named: {html}");
    assert_eq!((linked["account_id"].as_str(), linked["status"].as_str()), (Some("acct-7f3a"), Some("active")));
    // Used once: a replay is refused, as is a state nobody issued.
    assert_error(callback(&app, &alice, &code, &state).await, 400, "invalid_state").await;
    assert_error(callback(&app, &alice, "x", "made-up").await, 400, "invalid_state").await;
    // Listed, never with a token; stored sealed.
    let listed = app.get_json(&alice, "/v1/connections").await;
    assert_eq!(listed["connections"][0]["platform"], "spotify");
    assert!(!listed.to_string().contains("fake-access") && !listed.to_string().contains("fake-refresh"));
    let key = format!("{}\u{1e}spotify", alice_id(&app, &alice).await);
    let stored = app.store.store.records("connection", std::slice::from_ref(&key)).await.unwrap();
    let raw = &stored[0].1;
    assert!(raw.contains("\"kid\"") && !raw.contains("fake-access") && !raw.contains("fake-refresh"), "{raw}");
    assert_eq!(app.get_json(&bob, "/v1/connections").await["connections"][0]["platform"], "spotify", "Bob's own");
    // Declining on Spotify's page links nothing.
    let (_, state) = start(&app, &bob).await;
    let r = app
        .request(Method::GET, &format!("/v1/connections/spotify/callback?error=access_denied&state={state}"))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "link_declined").await;

    // Key rotation re-seals every token with the new key; the old one may then go.
    let rotated = TokenCipher::from_config(&ConnectionsConfig {
        token_key: Some(Secret::new(key_text(9))),
        previous_token_keys: Some(Secret::new(key_text(7))),
    })
    .unwrap()
    .unwrap();
    let done = keys::rotate(&*app.store.store, &rotated).await.unwrap();
    assert_eq!((done.resealed, done.current), (2, 0), "Alice's and Bob's");
    assert_eq!(keys::rotate(&*app.store.store, &rotated).await.unwrap().resealed, 0, "nothing left to re-seal");
    let stored = app.store.store.records("connection", std::slice::from_ref(&key)).await.unwrap();
    let sealed: Value = serde_json::from_str(&stored[0].1).unwrap();
    assert_eq!(sealed["tokens"]["kid"], rotated.current_kid());
    let only_new = TokenCipher::from_config(&ConnectionsConfig {
        token_key: Some(Secret::new(key_text(9))),
        ..Default::default()
    })
    .unwrap()
    .unwrap();
    let sealed = serde_json::from_value(sealed["tokens"].clone()).unwrap();
    assert!(String::from_utf8(only_new.open(&sealed, &format!("connection\u{1e}{key}")).unwrap())
        .unwrap()
        .contains("fake-access"));

    // Unlinking forgets it; a Spotify link then needs the account again.
    let r = app.as_user(&alice, Method::DELETE, "/v1/connections/spotify").send().await.unwrap();
    assert_eq!(r.status(), 204);
    let url = format!("https://open.spotify.com/playlist/{SPOTIFY_DUAL}");
    let r = app.as_user(&alice, Method::POST, "/v1/playlists/import").json(&json!({"url": url})).send().await.unwrap();
    assert_error(r, 422, "spotify_account_required").await;
}

async fn alice_id(app: &TestApp, user: &TestUser) -> String {
    app.get_json(user, "/v1/me").await["id"].as_str().unwrap().to_owned()
}

async fn your_playlists_and_liked_songs_import_with_the_link(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake)).await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let listed = app.get_json(&alice, "/v1/connections/spotify/playlists").await;
    let importable: Vec<(String, bool)> = listed["playlists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["importable"].as_bool().unwrap()))
        .collect();
    let expected = [("Mine", true), ("Together", true), ("Followed", false)].map(|(n, i)| (n.to_owned(), i));
    assert_eq!(importable, expected, "both pages, followed ones marked");
    let import =
        |url: String| app.as_user(&alice, Method::POST, "/v1/playlists/import").json(&json!({"url": url})).send();
    let r = import("https://open.spotify.com/collection/tracks".into()).await.unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["read"], 60, "{report}");
    assert_eq!(report["playlist"]["name"], "Liked Songs");
    let r = import(format!("spotify:playlist:{SPOTIFY_DUAL}")).await.unwrap();
    assert_eq!(r.status(), 201, "your own playlist, read with your token");
}

async fn one_refresh_for_many_requests_and_a_revoked_link_breaks(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake)).await;
    let alice = app.user("alice").await;
    fake.grant_lifetime(30); // inside the refresh margin: the next use refreshes
    link(&app, &fake, &alice).await;
    fake.grant_lifetime(3600);
    let calls = (0..50).map(|_| app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send());
    let statuses: Vec<u16> =
        futures::future::join_all(calls).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(fake.refresh_calls(), 1, "50 concurrent requests, one refresh (the recorded answer)");
    // Spotify refuses the access token: refreshed once more, and the call goes through.
    fake.expire_access_tokens();
    let r = app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(fake.refresh_calls(), 2, "the rotated refresh token was kept and used");
    // Consent withdrawn: the link is broken, with what to do.
    fake.revoke_refresh_tokens();
    fake.expire_access_tokens();
    let r = app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send().await.unwrap();
    let body = assert_error(r, 409, "spotify_link_broken").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("link your Spotify account again"), "{body}");
    let listed = app.get_json(&alice, "/v1/connections").await;
    assert_eq!(listed["connections"][0]["status"], "broken");
}

async fn replicas_refresh_once_between_them(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake)).await;
    let (other, _stop) = app.replica(|c| configure(c, &fake)).await;
    let alice = app.user("alice").await;
    fake.grant_lifetime(30);
    link(&app, &fake, &alice).await;
    fake.grant_lifetime(3600);
    let calls = (0..40).map(|n| {
        let base = if n % 2 == 0 { format!("http://{}", app.addr) } else { other.clone() };
        app.client.get(format!("{base}/v1/connections/spotify/playlists")).bearer_auth(&alice.token).send()
    });
    let statuses: Vec<u16> =
        futures::future::join_all(calls).await.into_iter().map(|r| r.unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(fake.refresh_calls(), 1, "two replicas, 40 requests, one refresh");
    let logs = crate::helpers::captured_logs();
    assert!(!logs.contains("fake-access") && !logs.contains("fake-refresh"), "no token in the logs");
}

async fn spotify_refusals_in_plain_text_are_explained(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake)).await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    for (text, code) in [
        ("User not registered in the Developer Dashboard", "spotify_user_not_registered"),
        (
            "Active premium subscription required for the owner of the app. When the subscription status changes, it can take a few hours before requests are allowed again.",
            "spotify_premium_required",
        ),
        ("Insufficient client scope", "spotify_scope_missing"),
    ] {
        fake.forbid_me(Some(text));
        let r = app.as_user(&alice, Method::GET, "/v1/connections/spotify/playlists").send().await.unwrap();
        assert_error(r, 422, code).await;
    }
    fake.forbid_me(None);
    // Linking is refused clearly when the server cannot seal tokens.
    let bare = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        c.connections.token_key = None;
    })
    .await;
    let bob = bare.user("bob").await;
    let r = bare.as_user(&bob, Method::POST, "/v1/connections/spotify").send().await.unwrap();
    let body = assert_error(r, 503, "linking_not_configured").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("SHARIFY_CONNECTIONS__TOKEN_KEY"), "{body}");
}

crate::on_both_backends!(
    the_whole_link_flow_with_a_single_use_state,
    your_playlists_and_liked_songs_import_with_the_link,
    one_refresh_for_many_requests_and_a_revoked_link_breaks,
    spotify_refusals_in_plain_text_are_explained,
    replicas_refresh_once_between_them,
);
