//! The share page: escaping, CSP, JSPF, and a real headless-Chromium load.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp, TestUser};

const XSS: &str = "<script>alert(1)</script>";

/// A playlist with an XSS attempt in a track, a description and a name, and a share token.
async fn shared_playlist(app: &TestApp, owner: &TestUser) -> (String, String) {
    let id = app.playlist(owner, json!({"name": "Mix \"<b>bold</b>\"", "description": format!("desc {XSS}")})).await;
    app.add(owner, &id, &[(XSS, XSS), ("Björk", "Army of Me"), ("ABBA", "SOS")]).await;
    let r = app
        .as_user(owner, Method::POST, &format!("/v1/playlists/{id}/share-links"))
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    (id, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_share_page_escapes_everything_and_sends_a_strict_csp() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let owner = app.user("owner").await;
    let (id, token) = shared_playlist(&app, &owner).await;
    let r = app.request(Method::GET, &format!("/s/{token}")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src") && !csp.contains("unsafe"), "{csp}");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script"), "no script element at all");
    let escaped = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;alert(1)&#60;/script&#62;"];
    assert!(escaped.iter().any(|e| html.contains(e)), "the track name is escaped text");
    assert!(!html.contains("<b>bold</b>"));
    assert_eq!(html.matches("data-track-row").count(), 3);
    for service in [
        "open.spotify.com/search/",
        "music.youtube.com/search?q=",
        "music.apple.com/search?term=",
        "deezer.com/search/",
        "last.fm/music/",
    ] {
        assert!(html.contains(service), "{service}");
    }
    assert!(html.contains(&format!("/s/{token}/playlist.jspf")));
    assert!(html.contains("A playlist by <bdi>owner</bdi>") && html.contains("3 tracks"));
    // JSPF download.
    let r = app.request(Method::GET, &format!("/s/{token}/playlist.jspf")).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let jspf: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(jspf["playlist"]["track"].as_array().unwrap().len(), 3);
    assert_eq!(jspf["playlist"]["track"][0]["title"], XSS);
    // /p/{id} only for public and unlisted playlists.
    assert_eq!(app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().status(), 404);
    app.as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"visibility": "public"}))
        .send()
        .await
        .unwrap();
    let public = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap();
    assert_eq!(public.status(), 200);
    let public = public.text().await.unwrap();
    for format in ["xspf", "m3u8", "csv"] {
        let link = format!("/v1/playlists/{id}/export?format={format}");
        assert!(public.contains(&link), "the public page links its {format} export");
        assert_eq!(app.request(Method::GET, &link).send().await.unwrap().status(), 200, "and anyone may follow it");
    }
    assert!(html.matches("/export?format=").count() == 0, "a share link's page does not reveal the playlist id");
    // A bad token gets the HTML not-found page, not JSON.
    let r = app.request(Method::GET, "/s/nope").send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("not available"));
}

/// Loads `url` in headless Chromium (tools/browser/check-page.mjs) and returns what it saw.
pub(crate) async fn in_browser(url: &str) -> Value {
    let chromium = std::env::var("SHARIFY_TEST_BROWSER").expect("SHARIFY_TEST_BROWSER names Chromium");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/browser/check-page.mjs");
    let out = tokio::process::Command::new("node")
        .args(["--experimental-websocket", "--no-warnings", script, url, &chromium])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "browser check failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(browser_tests), ignore = "SHARIFY_TEST_BROWSER is not set: headless-Chromium test skipped")]
async fn the_share_page_works_in_headless_chromium_on_a_phone_without_running_scripts() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let owner = app.user("owner").await;
    let (_, token) = shared_playlist(&app, &owner).await;
    let report = in_browser(&app.url(&format!("/s/{token}"))).await;
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{report}");
    assert!(rows.iter().all(|r| r["visible"] == true && r["height"].as_f64().unwrap() > 20.0), "{report}");
    assert!(rows[0]["text"].as_str().unwrap().contains(XSS), "the payload shows as text: {report}");
    assert_eq!(report["scripts"], 0);
    assert_eq!(report["dialogs"], json!([]), "no script ran");
    assert_eq!(report["overflowsPhone"], false, "fits a 390 px wide phone");
    assert_eq!(report["stylesheetApplied"], true, "the stylesheet loads under the CSP");
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(browser_tests), ignore = "SHARIFY_TEST_BROWSER is not set: headless-Chromium test skipped")]
async fn platform_buttons_open_each_track_where_it_is_known() {
    let fake = crate::platform_fakes::FakePlatforms::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| crate::platforms::use_fake_platforms(c, &fake)).await;
    let owner = app.user("owner").await;
    let source = "https://www.deezer.com/playlist/908622995";
    let r = app.as_user(&owner, Method::POST, "/v1/playlists/import?visibility=public").json(&json!({"url": source}));
    let report: Value = r.send().await.unwrap().json().await.unwrap();
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    let first = app.get_playlist(&owner, &id).await["items"][0].clone();
    let page = in_browser(&app.url(&format!("/p/{id}"))).await;
    assert_eq!(page["openPlaylist"], source, "the whole playlist opens where it came from");
    let buttons = page["rows"][0]["buttons"].as_array().unwrap();
    let href =
        |label: &str| buttons.iter().find(|b| b["label"] == label).map(|b| b["href"].as_str().unwrap().to_owned());
    assert_eq!(href("Deezer"), first["links"]["deezer"].as_str().map(str::to_owned), "the track's own Deezer page");
    assert!(href("Spotify").unwrap().starts_with("https://open.spotify.com/search/"), "elsewhere, a search for it");
    assert!(href("Apple Music").unwrap().starts_with("https://music.apple.com/search?term="));
    assert!(buttons.iter().all(|b| b["visible"] == true), "{buttons:?}");
}
