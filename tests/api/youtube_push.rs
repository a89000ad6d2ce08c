//! Linking a YouTube channel (Google OAuth with PKCE) and pushing to it within the day's quota:
//! the cost is stated, a push does what the budget allows and says what waits for tomorrow, a
//! second push adds nothing, a mirror removes what should not be there, unlinking revokes.

use base64::{engine::general_purpose::STANDARD, Engine};
use reqwest::Method;
use serde_json::{json, Value};
use sharify::config::{Config, Secret};

use crate::{
    helpers::{assert_error, eventually, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::FakeLastfm,
    platform_fakes::FakePlatforms,
    platforms::use_fake_platforms,
    youtube_account_fake::{GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET},
};

fn configure(c: &mut Config, fake: &FakePlatforms, lastfm: &FakeLastfm, daily_units: u32) {
    use_fake_platforms(c, fake);
    use_fake_lastfm(c, lastfm);
    let y = &mut c.youtube;
    y.client_id = Some(GOOGLE_CLIENT_ID.into());
    y.client_secret = Some(Secret::new(GOOGLE_CLIENT_SECRET));
    y.redirect_uri = Some("https://sharify.example/v1/connections/youtube/callback".into());
    y.oauth_url = format!("{}/google/auth", fake.base);
    y.token_url = format!("{}/google/token", fake.base);
    y.revoke_url = format!("{}/google/revoke", fake.base);
    y.daily_quota_units = daily_units;
    c.connections.token_key = Some(Secret::new(STANDARD.encode([5u8; 32])));
}

async fn link(app: &TestApp, fake: &FakePlatforms, user: &TestUser) -> Value {
    let r = app.as_user(user, Method::POST, "/v1/connections/youtube").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let start: Value = r.json().await.unwrap();
    let url = url::Url::parse(start["authorize_url"].as_str().unwrap()).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!((q["access_type"].as_str(), q["prompt"].as_str()), ("offline", "consent"), "a refresh token is asked");
    assert_eq!(q["scope"], "https://www.googleapis.com/auth/youtube");
    let code = fake.google_consent(&q["code_challenge"]);
    let path = format!("/v1/connections/youtube/callback?code={code}&state={}", start["state"].as_str().unwrap());
    let r = app.as_user(user, Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// A playlist of `n` tracks with YouTube links and one without, all matched.
async fn playlist_with_videos(app: &TestApp, user: &TestUser, n: usize, tag: &str) -> String {
    let mut csv = String::from("artist,title,youtube url\n");
    for k in 0..n {
        csv.push_str(&format!("{tag} Band {k},Song {k},https://www.youtube.com/watch?v={}\n", video(tag, k)));
    }
    csv.push_str(&format!("{tag} Nobody,No Video,\n"));
    let r = app.as_user(user, Method::POST, "/v1/playlists/import?format=csv").body(csv).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["playlist"]["id"].as_str().unwrap().to_owned();
    eventually(20, "every item matched", || async {
        let p = app.get_playlist(user, &id).await;
        p["items"].as_array().unwrap().iter().all(|i| i["match"]["status"] == "matched").then_some(())
    })
    .await;
    id
}

fn video(tag: &str, k: usize) -> String {
    format!("{}{k:08}", &tag[..3])
}

async fn push(app: &TestApp, user: &TestUser, id: &str, body: Value) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/playlists/{id}/push")).json(&body).send().await.unwrap()
}

async fn pushed(app: &TestApp, user: &TestUser, id: &str, body: Value) -> Value {
    let r = push(app, user, id, body).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn push_to_youtube_states_its_cost_and_keeps_the_budget(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake, &lastfm, 460)).await;
    let alice = app.user("alice").await;
    let id = playlist_with_videos(&app, &alice, 3, "abc").await;
    let body = json!({"platform": "youtube"});
    assert_error(push(&app, &alice, &id, body.clone()).await, 409, "youtube_not_linked").await;
    let linked = link(&app, &fake, &alice).await; // 1 unit: the channel
    assert_eq!(linked["display_name"], "Fake Channel");

    // The dry run searches the track without a video (100 units), so the real push need not.
    let dry = pushed(&app, &alice, &id, json!({"platform": "youtube", "dry_run": true})).await;
    assert_eq!((dry["cost_units"].as_i64(), dry["units_left"].as_i64()), (Some(300), Some(359)), "{dry}");
    assert_eq!(fake.channel_writes(), 0, "a dry run writes nothing");
    let report = pushed(&app, &alice, &id, body.clone()).await;
    assert_eq!((report["created"].as_bool(), report["cost_units"].as_i64()), (Some(true), Some(200)));
    assert_eq!(report["units_left"], 159);
    assert!(report["not_found"][0]["reason"].as_str().unwrap().contains("found no video"), "{report}");
    let copy = report["target"]["id"].as_str().unwrap().to_owned();
    assert_eq!(fake.channel_videos(&copy), (0..3).map(|k| video("abc", k)).collect::<Vec<_>>());
    let again = pushed(&app, &alice, &id, body.clone()).await;
    assert_eq!((again["added"].as_array().unwrap().len(), again["cost_units"].as_i64()), (0, Some(0)));
    assert_eq!(fake.channel_writes(), 4, "a second push writes nothing");

    // 158 units left: a new copy (50) and two of three tracks (100); the third waits.
    let other = playlist_with_videos(&app, &alice, 3, "xyz").await;
    let partial = pushed(&app, &alice, &other, body.clone()).await;
    assert_eq!(partial["added"].as_array().unwrap().len(), 2, "{partial}");
    let waits = partial["not_found"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["reason"].as_str().unwrap().contains("over today's YouTube quota"))
        .count();
    assert_eq!(waits, 1);
    // 7 units left: the rest does not fit today, and the answer says when to come back.
    let r = push(&app, &alice, &other, body).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));

    // Unlinking (here, or by deleting the account) revokes the token at Google.
    let r = app.as_user(&alice, Method::DELETE, "/v1/connections/youtube").send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(fake.google_revoked()[0].starts_with("1//fake-google-refresh"), "the refresh token is revoked");
    link(&app, &fake, &alice).await;
    let r =
        app.as_user(&alice, Method::DELETE, "/v1/me").json(&json!({"password": alice.password})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(fake.google_revoked().len(), 2, "deleting the account revokes too");
}

async fn a_youtube_mirror_removes_what_should_not_be_there(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake, &lastfm, 10_000)).await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let id = playlist_with_videos(&app, &alice, 3, "mir").await;
    let copy =
        pushed(&app, &alice, &id, json!({"platform": "youtube"})).await["target"]["id"].as_str().unwrap().to_owned();
    let first = app.get_playlist(&alice, &id).await["items"][0]["item_id"].as_str().unwrap().to_owned();
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{first}")).send().await.unwrap();
    assert!(r.status().is_success());
    let mirrored = pushed(&app, &alice, &id, json!({"platform": "youtube", "mode": "mirror"})).await;
    assert_eq!((mirrored["removed"].as_array().unwrap().len(), mirrored["cost_units"].as_i64()), (1, Some(50)));
    assert_eq!(fake.channel_videos(&copy), vec![video("mir", 1), video("mir", 2)]);
}

async fn a_track_without_a_video_is_searched_once(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| configure(c, &fake, &lastfm, 10_000)).await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let tracks = [("Rick Astley", "Never Gonna Give You Up"), ("Nobody Known", "Nothing Here")];
    let id = app.playlist(&alice, json!({"name": "Searched"})).await;
    app.add(&alice, &id, &tracks).await;
    let report = pushed(&app, &alice, &id, json!({"platform": "youtube"})).await;
    assert_eq!(report["added"][0]["uri"], "dQw4w9WgXcQ", "the official video, not the cover: {report}");
    assert_eq!(report["cost_units"], 300, "two searches, a new playlist and one insert: {report}");
    assert!(report["not_found"][0]["reason"].as_str().unwrap().contains("found no video"), "{report}");
    let other = app.playlist(&alice, json!({"name": "Again"})).await;
    app.add(&alice, &other, &tracks).await;
    let again = pushed(&app, &alice, &other, json!({"platform": "youtube"})).await;
    assert_eq!(again["cost_units"], 100, "answers cached: a new playlist and one insert only");
    assert_eq!(fake.calls("/youtube/v3/search"), 2);
}

crate::on_both_backends!(
    push_to_youtube_states_its_cost_and_keeps_the_budget,
    a_youtube_mirror_removes_what_should_not_be_there,
    a_track_without_a_video_is_searched_once,
);
