//! Pushing playlists to a linked Spotify account against the fakes: a 250-track playlist created
//! and filled in order in 3 add calls, a second push adding nothing, a mirror replacing in 3
//! calls, a change made on Spotify noticed and refused without `force` or
//! `keep_platform_additions`, and each refusal a clear JSON error.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, eventually, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::FakeLastfm,
    platform_fakes::{FakePlatforms, SPOTIFY_NOT_OURS},
    spotify_link::{configure, link},
};

fn track_id(n: usize) -> String {
    format!("{:0>22}", format!("T{n}"))
}

/// A playlist of 250 tracks with Spotify links and one Spotify does not have, all matched.
async fn imported(app: &TestApp, user: &TestUser) -> String {
    let mut csv = String::from("artist,title,spotify url\n");
    for n in 0..250 {
        csv.push_str(&format!("Band {n},Song {n},https://open.spotify.com/track/{}\n", track_id(n)));
    }
    csv.push_str("Nobody Known,Nothing Here,\n");
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

async fn push(app: &TestApp, user: &TestUser, id: &str, body: Value) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/playlists/{id}/push")).json(&body).send().await.unwrap()
}

async fn pushed(app: &TestApp, user: &TestUser, id: &str, body: Value) -> Value {
    let r = push(app, user, id, body).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn uris(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("spotify:track:{}", track_id(n))).collect()
}

async fn push_new_then_add_then_mirror_in_order(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
    })
    .await;
    let alice = app.user("alice").await;
    link(&app, &fake, &alice).await;
    let id = imported(&app, &alice).await;

    let before = app.get_playlist(&alice, &id).await;
    let report = pushed(&app, &alice, &id, json!({"platform": "spotify"})).await;
    assert_eq!(report["created"], true);
    assert_eq!(report["added"].as_array().unwrap().len(), 250);
    assert_eq!(report["not_found"][0]["reason"], "Spotify's catalog has no sure match for it", "{report}");
    let copy = report["target"]["id"].as_str().unwrap().to_owned();
    assert_eq!(fake.item_writes(), 3, "250 tracks in 3 add calls of at most 100");
    // The owner's copy shows on the playlist and its share page, without a new version.
    let shown = app.get_playlist(&alice, &id).await;
    let url = format!("https://open.spotify.com/playlist/{copy}");
    assert_eq!(shown["copies"], json!([{"platform": "spotify", "url": url}]));
    assert_eq!(shown["version"], before["version"], "a push is not a change of the playlist");
    let r = app
        .as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"visibility": "public"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let page = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("href=\"{url}\"")) && page.contains("Open the whole playlist on Spotify"), "{page}");
    assert_eq!(fake.list_uris(&copy), uris(0..250), "in playlist order");

    // Again: the remembered copy already has everything.
    let again = pushed(&app, &alice, &id, json!({"platform": "spotify"})).await;
    assert_eq!((again["created"].as_bool(), again["added"].as_array().unwrap().len()), (Some(false), 0));
    assert_eq!(again["already_there"].as_array().unwrap().len(), 250);
    assert_eq!(fake.item_writes(), 3, "a second push writes nothing");
    let copies = app.get_json(&alice, &format!("/v1/playlists/{id}/copies")).await;
    assert_eq!(copies["copies"][0]["id"], copy.as_str());

    // Mirror after removing the first track here: a dry run says so and changes nothing.
    let first = app.get_playlist(&alice, &id).await["items"][0]["item_id"].as_str().unwrap().to_owned();
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/playlists/{id}/items/{first}")).send().await.unwrap();
    assert!(r.status().is_success());
    let dry = pushed(&app, &alice, &id, json!({"platform": "spotify", "mode": "mirror", "dry_run": true})).await;
    assert_eq!(dry["removed"], json!(uris(0..1)));
    assert_eq!(fake.item_writes(), 3);
    let mirrored = pushed(&app, &alice, &id, json!({"platform": "spotify", "mode": "mirror"})).await;
    assert_eq!(mirrored["removed"], json!(uris(0..1)));
    assert_eq!(fake.list_uris(&copy), uris(1..250));
    assert_eq!(fake.item_writes(), 6, "a 249-track mirror: one replace and two appends");

    // Someone adds a track on Spotify: a mirror would drop it, so it asks first.
    let theirs = "spotify:track:AddedOnSpotifyItself00";
    fake.add_on_spotify(&copy, theirs);
    let body = json!({"platform": "spotify", "mode": "mirror"});
    assert_error(push(&app, &alice, &id, body).await, 409, "platform_copy_changed").await;
    let dry = pushed(&app, &alice, &id, json!({"platform": "spotify", "mode": "mirror", "dry_run": true})).await;
    assert_eq!(dry["platform_changes"]["added"], json!([theirs]));
    let kept =
        pushed(&app, &alice, &id, json!({"platform": "spotify", "mode": "mirror", "keep_platform_additions": true}))
            .await;
    assert!(kept["removed"].as_array().unwrap().is_empty(), "{kept}");
    let mut expected = uris(1..250);
    expected.push(theirs.to_owned());
    assert_eq!(fake.list_uris(&copy), expected, "kept at the end");
    let settled = pushed(&app, &alice, &id, json!({"platform": "spotify", "mode": "add"})).await;
    assert!(settled["platform_changes"].is_null(), "the last push is the new reference: {settled}");
}

async fn push_refusals_are_clear(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
    })
    .await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Short"})).await;
    app.add(&alice, &id, &[("Rick Astley", "Never Gonna Give You Up")]).await;
    assert_error(push(&app, &alice, &id, json!({"platform": "spotify"})).await, 409, "spotify_not_linked").await;
    link(&app, &fake, &alice).await;
    let body = json!({"platform": "spotify", "target": SPOTIFY_NOT_OURS});
    assert_error(push(&app, &alice, &id, body).await, 422, "spotify_forbidden").await;
    let body = json!({"platform": "spotify", "target": "not an id"});
    assert_error(push(&app, &alice, &id, body).await, 422, "invalid_target").await;
    let body = json!({"platform": "deezer"});
    let refused = assert_error(push(&app, &alice, &id, body).await, 422, "push_not_supported").await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("since 2024"), "{refused}");
    let body = json!({"platform": "spotify", "mode": "sideways"});
    assert_eq!(push(&app, &alice, &id, body).await.status(), 422, "an unknown mode");
    // Found by catalog search (no link known): pushed; the next push reads the copy first.
    let first = pushed(&app, &alice, &id, json!({"platform": "spotify"})).await;
    assert_eq!(first["added"][0]["uri"], "spotify:track:4PTG3Z6ehGkBFwjybzWkR8", "{first}");
    // Spotify's quota (2026) is a 429 for the caller; a rate-limit 429 is waited out.
    fake.spotify_quota_exceeded(1);
    let r = push(&app, &alice, &id, json!({"platform": "spotify"})).await;
    let body = assert_error(r, 429, "too_many_requests").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("quota"), "{body}");
    fake.spotify_429s(1);
    assert_eq!(push(&app, &alice, &id, json!({"platform": "spotify"})).await.status(), 200, "Retry-After honoured");
    // An app given only the pre-2026 endpoints: `/tracks` is used instead of `/items`.
    fake.spotify_legacy_endpoints();
    let second = app.playlist(&alice, json!({"name": "Legacy"})).await;
    app.add(&alice, &second, &[("Rick Astley", "Never Gonna Give You Up")]).await;
    let report = pushed(&app, &alice, &second, json!({"platform": "spotify"})).await;
    assert!(report["calls"].as_u64().unwrap() >= 1, "{report}");
    // Pushing to a playlist of yours made on Spotify: only what it lacks is added.
    fake.own_playlist("0000000000000000Mine01", &["spotify:track:4PTG3Z6ehGkBFwjybzWkR8"]);
    let report = pushed(&app, &alice, &id, json!({"platform": "spotify", "target": "0000000000000000Mine01"})).await;
    assert_eq!(report["already_there"].as_array().unwrap().len() + report["added"].as_array().unwrap().len(), 1);
}

crate::on_both_backends!(push_new_then_add_then_mirror_in_order, push_refusals_are_clear);
