//! As users found it (issue 30): real files and platforms behave as their documents say, and the
//! service says why.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{helpers::Backend, helpers::TestApp, platform_fakes::FakePlatforms};

async fn a_spotify_playlist_served_in_pages_smaller_than_its_first_arrives_whole(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| crate::spotify_link::configure(c, &fake)).await;
    let alice = app.user("alice").await;
    crate::spotify_link::link(&app, &fake, &alice).await;
    // 250 entries: the playlist object embeds 100, `/items` serves at most 50 a page whatever
    // `limit` its `next` link asks for (Spotify documents a maximum, never a page size).
    let uris: Vec<String> = (0..250).map(|n| format!("spotify:track:{n:022}")).collect();
    fake.own_playlist("0000000000000000Big250", &uris.iter().map(String::as_str).collect::<Vec<_>>());
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import")
        .json(&json!({"url": "spotify:playlist:0000000000000000Big250"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["read"], 250, "every entry read: {}", report["counts"]);
    assert_eq!(report["playlist"]["item_count"], 250, "every entry kept");
    let id = report["playlist"]["id"].as_str().unwrap();
    let jspf = app.get_json(&alice, &format!("/v1/playlists/{id}/export?format=jspf")).await;
    let titles: Vec<&str> =
        jspf["playlist"]["track"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    let expected: Vec<&str> = uris.iter().map(String::as_str).collect();
    assert_eq!(titles, expected, "in Spotify's order, none twice");
}

async fn a_spotify_link_with_the_app_configured_but_no_account_linked_says_to_link(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| crate::spotify_link::configure(c, &fake)).await;
    let alice = app.user("alice").await;
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import")
        .json(&json!({"url": "spotify:playlist:0000000000000000Big250"}))
        .send()
        .await
        .unwrap();
    let body = crate::helpers::assert_error(r, 422, "spotify_account_required").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("POST /v1/connections/spotify"), "{body}");
    // And following that advice works here.
    let r = app.as_user(&alice, Method::POST, "/v1/connections/spotify").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

async fn right_to_left_overrides_in_names_stay_inside_them_on_the_share_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let spoof = "evil \u{202E}override";
    let id = app.playlist(&alice, json!({"name": spoof, "visibility": "public"})).await;
    app.add(&alice, &id, &[(spoof, spoof)]).await;
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    // Each name is isolated (<bdi>, or FSI…PDI in the title bar), so an override inside it
    // cannot reorder the text around it.
    assert!(html.contains(&format!("<title>&#x2068;{spoof}&#x2069; · sharify</title>")), "{html}");
    assert!(html.contains(&format!("<h1 dir=\"auto\"><bdi>{spoof}</bdi></h1>")), "{html}");
    assert!(html.contains(&format!("<p class=\"artist\" dir=\"auto\"><bdi>{spoof}</bdi></p>")), "{html}");
    assert!(html.contains(&format!("</span> <bdi>{spoof}</bdi></p>")), "the track's title: {html}");
}

async fn an_exportify_track_uri_opens_its_own_spotify_page_from_the_share_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let csv = "\"Track URI\",\"Track Name\",\"Artist Name(s)\",\"Album Name\",\"Track Duration (ms)\"\n\
               \"spotify:track:4uLU6hMCjMI75M1A2tKUQC\",\"Never Gonna Give You Up\",\"Rick Astley\",\"Whenever\",\"213573\"\n";
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import?name=Exportify&visibility=public")
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    let id = report["playlist"]["id"].as_str().unwrap();
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("href=\"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC\""), "its own track: {html}");
    assert!(!html.contains("open.spotify.com/search/"), "not a search: {html}");
}

async fn the_share_page_shows_the_durations_and_covers_the_file_gave(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let xspf = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/files/spotify-exporter.xspf")).unwrap();
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import?format=xspf&visibility=public")
        .body(xspf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    let id = report["playlist"]["id"].as_str().unwrap();
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    // No Last.fm here: what the file says is all there is.
    assert!(html.contains("3 tracks · 10 min"), "the total of the file's durations: {html}");
    for time in ["4:03", "3:21", "3:07"] {
        assert!(html.contains(&format!("<span class=\"duration\">{time}</span>")), "{time}: {html}");
    }
    assert!(
        html.contains("src=\"https://i.scdn.example/image/ab67616d00001e02tidallines\""),
        "the file's cover: {html}"
    );
    assert_eq!(html.matches("class=\"art placeholder\"").count(), 1, "only the track without one: {html}");
    assert!(html.contains("href=\"https://open.spotify.com/track/6fGhIjKlMnOpQrStUvWxY6\""), "its own track: {html}");
}

async fn exportify_artists_joined_by_semicolons_become_a_main_artist_and_featured_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/files/exportify-2026.csv")).unwrap();
    let r = app
        .as_user(&alice, Method::POST, "/v1/playlists/import?visibility=public")
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    let id = report["playlist"]["id"].as_str().unwrap();
    let playlist = app.get_json(&alice, &format!("/v1/playlists/{id}")).await;
    let first = &playlist["items"][0];
    assert_eq!(
        (first["artist"].as_str(), &first["featured_artists"]),
        (Some("Sereia Urbana"), &json!(["Glass Harbour"]))
    );
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("music.youtube.com/search?q=Sereia+Urbana+Lanternas"),
        "the main artist drives search: {html}"
    );
    assert!(!html.contains("%3B"), "no joined artists in any link: {html}");
    assert!(html.contains("<bdi>Sereia Urbana feat. Glass Harbour</bdi>"), "the page shows the whole credit: {html}");
}

/// A Last.fm link is never shown as checked when it was not (issue 31).
async fn a_lastfm_link_that_could_not_be_checked_says_so(backend: Backend) {
    let link = |app: &TestApp, user: &crate::helpers::TestUser| {
        app.as_user(user, Method::PUT, "/v1/connections/lastfm").json(&json!({"username": "nightowl"})).send()
    };
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let linked: Value = link(&app, &alice).await.unwrap().json().await.unwrap();
    assert!(
        linked["message"].as_str().unwrap_or("").starts_with("not checked: this server has no Last.fm key"),
        "{linked}"
    );
    // A key, but Last.fm does not answer.
    let app = TestApp::spawn_with(backend, |c| {
        c.lastfm.api_key = Some(sharify::config::Secret::new("k"));
        c.lastfm.base_url = "http://127.0.0.1:9/2.0/".into();
    })
    .await;
    let alice = app.user("alice").await;
    let linked: Value = link(&app, &alice).await.unwrap().json().await.unwrap();
    assert!(linked["message"].as_str().unwrap_or("").starts_with("not checked: Last.fm did not answer"), "{linked}");
    let listed = app.get_json(&alice, "/v1/connections").await;
    assert!(listed.to_string().contains("not checked"), "the listing says so too: {listed}");
}

crate::on_both_backends!(
    a_lastfm_link_that_could_not_be_checked_says_so,
    exportify_artists_joined_by_semicolons_become_a_main_artist_and_featured_ones,
    the_share_page_shows_the_durations_and_covers_the_file_gave,
    an_exportify_track_uri_opens_its_own_spotify_page_from_the_share_page,
    right_to_left_overrides_in_names_stay_inside_them_on_the_share_page,
    a_spotify_playlist_served_in_pages_smaller_than_its_first_arrives_whole,
    a_spotify_link_with_the_app_configured_but_no_account_linked_says_to_link,
);
