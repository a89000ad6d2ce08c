//! The web app over HTTP, on both stores: sessions, forms, CSRF refusal, stale edits, headers.

use reqwest::{header, Method};
use serde_json::Value;

use crate::{
    helpers::{Backend, TestApp},
    web_browser::{item_ids, version_of, Browser},
};

const PASSWORD: &str = "a-long-enough-passphrase";
const CSV: &str = "artist,title\nRadiohead,Karma Police\nBjörk,Jóga\nMassive Attack,Teardrop\n";

/// Imports `CSV` through the import form as `name`.csv; returns the new playlist's page path.
async fn import_csv(app: &TestApp, browser: &mut Browser, file_name: &str) -> String {
    browser.page("/app").await;
    let part = reqwest::multipart::Part::text(CSV).file_name(file_name.to_owned()).mime_str("text/csv").unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", browser.csrf.clone()).part("file", part);
    let r = browser.request(Method::POST, "/app/import").multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let html = r.text().await.unwrap();
    assert!(html.contains("<dt>Tracks added</dt><dd>3</dd>"), "the report counts the tracks: {html}");
    let at = html.find("href=\"/app/playlists/").unwrap() + 6;
    let _ = app;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn a_person_signs_up_imports_reorders_and_shares(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new(&app);
    let r = browser.request(Method::GET, "/").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/app"));
    let r = browser.request(Method::GET, "/app").send().await.unwrap();
    assert_eq!(r.headers()["location"], "/app/sign-in", "signed out, the library asks to sign in");
    let r = browser.post("/app/sign-up", &[("username", "ana"), ("display_name", "Ana"), ("password", PASSWORD)]).await;
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not Secure when the service is served over plain http");
    let (status, html) = browser.page("/app").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your library") && html.contains("None yet"), "{html}");

    let path = import_csv(&app, &mut browser, "Road trip.csv").await;
    let (_, html) = browser.page(&path).await;
    assert!(html.contains("<bdi>Road trip</bdi>"), "the file's name names the playlist");
    let ids = item_ids(&html);
    assert_eq!(ids.len(), 3);
    // Reorder with the keyboard's way: the third track's "Up" form.
    let version = version_of(&html);
    let r = browser.post(&format!("{path}/items/{}/move", ids[2]), &[("version", &version), ("to", "1")]).await;
    let back = format!("{path}#item-{}", ids[2]);
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, back.as_str()));
    let (_, html) = browser.page(&path).await;
    assert_eq!(item_ids(&html), vec![ids[0].clone(), ids[2].clone(), ids[1].clone()], "moved up one place");
    // Add one, remove one.
    let version = version_of(&html);
    let r = browser
        .post(&format!("{path}/tracks"), &[("version", &version), ("artist", "Portishead"), ("title", "Roads")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = browser.page(&path).await;
    assert!(html.contains("<bdi>Roads</bdi>") && item_ids(&html).len() == 4);
    let r = browser.post(&format!("{path}/items/{}/remove", ids[0]), &[("version", &version_of(&html))]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = browser.page(&path).await;
    assert!(!item_ids(&html).contains(&ids[0]));
    // Share a link for a viewer; someone without an account opens it.
    let r = browser.post(&format!("{path}/links"), &[("role", "viewer")]).await;
    assert_eq!(r.status(), 201);
    let html = r.text().await.unwrap();
    let at = html.find("/s/").expect("the new link is shown");
    let token: String = html[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
    let stranger = Browser::new(&app);
    let r = stranger.request(Method::GET, &format!("/s/{token}")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Roads"), "the viewer sees the playlist as it is now");
    // The library lists it.
    let (_, html) = browser.page("/app").await;
    assert!(html.contains("Road trip") && html.contains("3 tracks"), "{html}");
    // Everything, to take away.
    let r = browser.request(Method::GET, "/app/account/export").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()[header::CONTENT_TYPE].to_str().unwrap()), (200, "application/zip"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "a zip");
}

async fn forms_from_other_sites_and_without_the_token_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new(&app);
    browser.sign_up("bob", PASSWORD).await;
    let path = import_csv(&app, &mut browser, "mix.csv").await;
    let (_, html) = browser.page(&path).await;
    let version = version_of(&html);
    let form = format!("csrf={}&version={version}&name=Hijacked", browser.csrf);
    let cookie = browser.cookie.clone().unwrap();
    let url = app.url(&format!("{path}/rename"));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let send = |site: Option<&'static str>, origin: Option<&'static str>, body: String| {
        let mut r = client
            .post(&url)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(s) = site {
            r = r.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        r.send()
    };
    for (site, origin) in [(Some("cross-site"), None), (Some("same-site"), None), (None, Some("https://evil.example"))]
    {
        let r = send(site, origin, form.clone()).await.unwrap();
        assert_eq!(r.status(), 403, "{site:?} {origin:?}");
        assert!(r.text().await.unwrap().contains("another site"));
    }
    let wrong = format!("csrf={}&version={version}&name=Hijacked", "0".repeat(64));
    let r = send(Some("same-origin"), None, wrong).await.unwrap();
    assert_eq!(r.status(), 403, "a form without this session's token");
    let (_, html) = browser.page(&path).await;
    assert!(!html.contains("Hijacked") && version_of(&html) == version, "nothing changed");
    // The right form from the page itself is applied.
    let r = send(Some("same-origin"), None, form).await.unwrap();
    assert_eq!(r.status(), 303);
}

async fn a_stale_edit_is_refused_with_the_current_playlist_and_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut first = Browser::new(&app);
    first.sign_up("cyd", PASSWORD).await;
    let path = import_csv(&app, &mut first, "shared.csv").await;
    let mut second = Browser::new(&app);
    assert_eq!(second.sign_in("cyd", PASSWORD).await.status(), 303);
    let (_, seen_by_second) = second.page(&path).await;
    let (_, html) = first.page(&path).await;
    let r = first.post(&format!("{path}/rename"), &[("version", &version_of(&html)), ("name", "First's name")]).await;
    assert_eq!(r.status(), 303);
    // The second tab still shows the old version.
    let stale = version_of(&seen_by_second);
    let r = second.post(&format!("{path}/rename"), &[("version", &stale), ("name", "Second's name")]).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("changed this playlist while you were looking"), "{html}");
    assert!(html.contains("<bdi>First&#39;s name</bdi>") || html.contains("<bdi>First&#x27;s name</bdi>"), "{html}");
    assert!(html.contains("value=\"Second&#39;s name\"") || html.contains("value=\"Second&#x27;s name\""), "kept");
    let r =
        second.post(&format!("{path}/tracks"), &[("version", &stale), ("artist", "Air"), ("title", "La femme")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("value=\"La femme\""), "the track typed is kept too");
}

async fn a_password_change_ends_the_other_sessions_and_signing_out_ends_this_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut laptop = Browser::new(&app);
    laptop.sign_up("dee", PASSWORD).await;
    let mut phone = Browser::new(&app);
    let r = phone.sign_in("dee", "wrong-password-here").await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("do not match") && html.contains("value=\"dee\""), "the username is kept: {html}");
    assert_eq!(phone.sign_in("dee", PASSWORD).await.status(), 303);
    assert_eq!(phone.page("/app").await.0, 200);
    laptop.page("/app/account").await;
    let new = "another-long-passphrase";
    let r = laptop.post("/app/account/password", &[("current_password", PASSWORD), ("new_password", new)]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("1 other sessions"));
    let r = phone.request(Method::GET, "/app").send().await.unwrap();
    assert_eq!(r.headers()["location"], "/app/sign-in", "the phone's session ended");
    assert_eq!(laptop.page("/app").await.0, 200, "this one goes on");
    let old_cookie = laptop.cookie.clone();
    laptop.page("/app").await;
    let r = laptop.post("/app/sign-out", &[]).await;
    assert_eq!(r.status(), 303);
    assert!(laptop.cookie.is_none(), "the cookie is cleared");
    laptop.cookie = old_cookie;
    let r = laptop.request(Method::GET, "/app").send().await.unwrap();
    assert_eq!(r.headers()["location"], "/app/sign-in", "and the session is revoked, not only forgotten");
}

crate::on_both_backends!(
    a_person_signs_up_imports_reorders_and_shares,
    forms_from_other_sites_and_without_the_token_are_refused,
    a_stale_edit_is_refused_with_the_current_playlist_and_kept,
    a_password_change_ends_the_other_sessions_and_signing_out_ends_this_one,
);

#[tokio::test(flavor = "multi_thread")]
async fn a_long_playlist_is_shown_in_pages_of_200() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let owner = app.user("fay").await;
    let id = app.playlist(&owner, serde_json::json!({"name": "Long"})).await;
    let names: Vec<(String, String)> = (0..250).map(|i| (format!("Artist {i}"), format!("Song {i}"))).collect();
    let pairs: Vec<(&str, &str)> = names.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
    app.add(&owner, &id, &pairs).await;
    let mut browser = Browser::new(&app);
    browser.cookie = Some(format!("sharify_session={}", owner.token));
    let (_, first) = browser.page(&format!("/app/playlists/{id}")).await;
    assert_eq!(item_ids(&first).len(), 200);
    assert!(first.contains("250 tracks") && !first.contains("Earlier tracks"));
    let later = format!("/app/playlists/{id}?from=200");
    assert!(first.contains(&format!("href=\"{later}\"")), "a link to the rest");
    let (_, rest) = browser.page(&later).await;
    assert_eq!(item_ids(&rest).len(), 50);
    assert!(rest.contains("<span class=\"number\">201.</span>") && rest.contains("Earlier tracks"));
    assert!(!rest.contains("aria-label=\"Move Song 249 down\""), "the last track cannot go further down");
    let (_, clamped) = browser.page(&format!("/app/playlists/{id}?from=99999")).await;
    assert_eq!(item_ids(&clamped).len(), 50, "past the end shows the last page");
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_are_strict_and_their_assets_small_and_immutable() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let mut browser = Browser::new(&app);
    let r = browser.request(Method::GET, "/app/sign-in").send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe"), "no inline script or style: {csp}");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains(" style=") && !html.contains("://"),
        "nothing inline or external"
    );
    browser.sign_up("eve", PASSWORD).await;
    let (_, html) = browser.page("/app").await;
    let mut total = 0;
    for needle in ["<link rel=\"stylesheet\" href=\"", "<script src=\""] {
        let at = html.find(needle).unwrap() + needle.len();
        let asset = &html[at..at + html[at..].find('"').unwrap()];
        assert!(asset.starts_with("/assets/"), "{asset}");
        let r = browser.request(Method::GET, asset).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
        total += r.bytes().await.unwrap().len();
    }
    assert!(total < 100 * 1024, "a page loads {total} bytes of CSS and JS");
    let r = browser.request(Method::GET, "/assets/app.000000000000.css").send().await.unwrap();
    assert_eq!(r.status(), 404, "an old build's name is not served as if it were this one");
    let body: Value = app.request(Method::GET, "/v1/nothing-here").send().await.unwrap().json().await.unwrap();
    assert_eq!(body["error"]["code"], "route_not_found", "the API's own 404 is unchanged");
}
