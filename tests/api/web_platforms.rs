//! The web app's linked accounts, push and stats pages, as a browser uses them (plain HTTP, no
//! redirects followed): link Spotify through its consent page (fake) and the API's callback with
//! the starting browser's cookie, push a playlist with a dry run first (nothing written) and
//! then for real, import plays and see them drawn, unlink; and a server with no Spotify app
//! says so instead of offering a button that cannot work.

use reqwest::{header, Method};

use crate::{
    helpers::{eventually, use_fake_lastfm, Backend, TestApp},
    lastfm_fake::FakeLastfm,
    platform_fakes::FakePlatforms,
    spotify_link::configure,
    web_browser::Browser,
};

const PASSWORD: &str = "a long enough password";

fn track_id(n: usize) -> String {
    format!("{:0>22}", format!("W{n}"))
}

/// Two tracks Spotify has (by link) and one it does not.
fn csv() -> String {
    format!(
        "artist,title,spotify url\nBand One,Song One,https://open.spotify.com/track/{}\n\
         Band Two,Song Two,https://open.spotify.com/track/{}\nNobody Known,Nothing Here,\n",
        track_id(1),
        track_id(2)
    )
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("{start} in {html}")) + start.len();
    &html[at..at + html[at..].find(end).unwrap()]
}

/// Links Spotify as `browser` does: the app sends it to the consent page, Agree sends it to the
/// API's callback, which the link cookie vouches for.
pub async fn link_spotify(app: &TestApp, fake: &FakePlatforms, browser: &mut Browser) -> String {
    browser.page("/app/platforms").await;
    let r = browser.post("/app/platforms/spotify/link", &[]).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with(&format!("{}/spotify/accounts/authorize?", fake.base)), "{to}");
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/v1/connections/") && cookie.contains("HttpOnly"), "{cookie}");
    let consent = reqwest::get(&to).await.unwrap().text().await.unwrap();
    let agree = between(&consent, "id=\"agree\" href=\"", "\"").replace("&amp;", "&");
    let back = url::Url::parse(&agree).unwrap();
    let path = format!("{}?{}", back.path(), back.query().unwrap());
    let link_cookie = cookie.split(';').next().unwrap();
    let r = reqwest::Client::new()
        .get(app.url(&path))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, link_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

async fn link_push_and_stats(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
    })
    .await;
    let mut browser = Browser::new(&app);
    browser.sign_up("pia", PASSWORD).await;
    let (_, html) = browser.page("/app/platforms").await;
    assert!(html.contains("action=\"/app/platforms/spotify/link\"") && html.contains("Link Last.fm"), "{html}");
    let (_, html) = browser.page("/app/stats").await;
    assert!(html.contains("Link Last.fm or Spotify") && !html.contains("Import plays from"), "no source yet");

    let r = browser.request(Method::GET, "/app/platforms").send().await.unwrap();
    let policy = r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(
        policy.contains(&format!("form-action 'self' {};", fake.base)),
        "the link form may lead to Spotify's consent page, and nowhere else: {policy}"
    );
    let r = browser.request(Method::GET, "/app/stats").send().await.unwrap();
    assert!(r.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("form-action 'self';"));
    let linked = link_spotify(&app, &fake, &mut browser).await;
    assert!(linked.contains("is now linked") && linked.contains("href=\"/app/platforms\""), "{linked}");
    let (_, html) = browser.page("/app/platforms").await;
    let spotify = between(&html, "data-platform=\"spotify\"", "</section>");
    assert!(spotify.contains("<strong>Linked</strong> as"), "{spotify}");

    // A playlist with two tracks on Spotify and one not.
    browser.page("/app").await;
    let part = reqwest::multipart::Part::text(csv()).file_name("Gym.csv").mime_str("text/csv").unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", browser.csrf.clone()).part("file", part);
    let r = browser.request(Method::POST, "/app/import").multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let html = r.text().await.unwrap();
    let path = format!("/app/playlists/{}", between(&html, "href=\"/app/playlists/", "\""));
    let token = browser.cookie.clone().unwrap().trim_start_matches("sharify_session=").to_owned();
    let api_path = path.replace("/app/", "/v1/");
    eventually(20, "every item looked up", || async {
        let r = app.request(Method::GET, &api_path).bearer_auth(&token).send().await.unwrap();
        let p: serde_json::Value = r.json().await.unwrap();
        p["items"].as_array().unwrap().iter().all(|i| i["match"]["status"] != "pending").then_some(())
    })
    .await;

    // The push page offers the linked account; the preview writes nothing.
    let (_, html) = browser.page(&format!("{path}/push")).await;
    assert!(html.contains("value=\"spotify|new\""), "{html}");
    let choice = [("destination", "spotify|new"), ("mode", "add")];
    let r = browser.post(&format!("{path}/push"), &[choice[0], choice[1], ("dry_run", "1")]).await;
    assert_eq!(r.status(), 200);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("data-dry-run") && preview.contains("A new private playlist would be created"));
    assert_eq!(between(&preview, "data-added>", "<"), "2", "{preview}");
    assert_eq!(between(&preview, "data-not-found>", "<"), "1");
    assert!(preview.contains("Nobody Known – Nothing Here"), "what is not found is named");
    assert!(preview.contains("Band One – Song One"), "what would be added is named");
    assert_eq!(fake.item_writes(), 0, "a dry run writes nothing on Spotify");
    // Push now, from the preview's form.
    assert!(preview.contains(">Push now<"));
    let r = browser.post(&format!("{path}/push"), &choice).await;
    assert_eq!(r.status(), 200);
    let pushed = r.text().await.unwrap();
    assert!(pushed.contains("Pushed to Spotify") && !pushed.contains("data-dry-run"), "{pushed}");
    assert_eq!(between(&pushed, "data-added>", "<"), "2");
    assert_eq!(fake.item_writes(), 1, "the push wrote the two tracks in one call");
    let (_, html) = browser.page(&format!("{path}/push")).await;
    assert!(html.contains("your copy of this playlist (pushed before)"), "the copy is remembered");

    // Plays from Spotify, drawn.
    let (_, html) = browser.page("/app/stats").await;
    assert!(html.contains("Import plays from Spotify now"));
    let r = browser.post("/app/stats/import", &[("source", "spotify")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("read 20 plays, 20 of them new"), "{html}");
    let (_, html) = browser.page("/app/stats?period=all").await;
    assert_eq!(between(&html, "data-listens>", "<"), "20", "the recorded 20 plays (from 2017)");
    let clock = between(&html, "data-chart=\"clock\"", "</svg>");
    assert_eq!(clock.matches("<rect class=\"cell").count(), 168, "24 hours × 7 days");
    assert!(clock.contains("Busiest: "), "the picture is described in words");
    assert!(html.contains("data-chart=\"artists\"") && html.contains("data-chart=\"time\""));
    assert!(html.contains("<table class=\"clock-table\">"), "and its numbers are a table");
    let (_, html) = browser.page("/app/schedules").await;
    assert!(html.contains("Import plays from Spotify") && html.contains("every hour"), "{html}");

    // Unlinking says what Spotify itself keeps.
    let r = browser.post("/app/platforms/spotify/unlink", &[]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("spotify.com/account/apps"), "{html}");
    let (_, html) = browser.page(&format!("{path}/push")).await;
    assert!(html.contains("Nothing to push to"), "{html}");
}

async fn a_server_without_a_spotify_app_says_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new(&app);
    browser.sign_up("quinn", PASSWORD).await;
    let (_, html) = browser.page("/app/platforms").await;
    let spotify = between(&html, "data-platform=\"spotify\"", "</section>");
    assert!(spotify.contains("data-unavailable") && !spotify.contains("<button"), "{spotify}");
    let r = browser.post("/app/platforms/spotify/link", &[]).await;
    assert_eq!(r.status(), 503);
    assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("Not done:"), "an answer on the page, not JSON");
    let r = browser.post("/app/platforms/applemusic/link", &[]).await;
    assert_eq!(r.status(), 404);
    let r = browser.post("/app/platforms/lastfm", &[("username", "x")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("2-15 characters"));
    let r = browser.post("/app/platforms/lastfm", &[("username", "nightowl")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Last.fm user nightowl is linked") && html.contains("not checked"), "{html}");
}

/// A push that outlasts the request goes on in the background: the browser is sent to its run's
/// page, which refreshes itself while it runs and shows the report once done; another person
/// cannot open it.
async fn a_long_push_is_followed_on_its_page(backend: Backend) {
    let (fake, lastfm) = (FakePlatforms::start().await, FakeLastfm::start().await);
    let app = TestApp::spawn_with(backend, |c| {
        configure(c, &fake);
        use_fake_lastfm(c, &lastfm);
        c.jobs.request_wait_ms = 0; // every push answers at once, as a run
    })
    .await;
    let mut browser = Browser::new(&app);
    browser.sign_up("rhea", PASSWORD).await;
    link_spotify(&app, &fake, &mut browser).await;
    let path = browser.import_csv("Run.csv", &csv()).await;
    browser.page(&format!("{path}/push")).await;
    let r = browser.post(&format!("{path}/push"), &[("destination", "spotify|new"), ("mode", "add")]).await;
    assert_eq!(r.status(), 303);
    let run = r.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(run.starts_with("/app/push-runs/"), "{run}");
    let html = eventually(20, "the push finishes", || {
        let mut b = Browser::new(&app);
        b.cookie = browser.cookie.clone();
        let run = run.clone();
        async move {
            let (_, html) = b.page(&run).await;
            if html.contains("Pushing") {
                assert!(html.contains("<meta http-equiv=\"refresh\""), "a running push's page refreshes itself");
            }
            html.contains("<h1>Pushed</h1>").then_some(html)
        }
    })
    .await;
    assert_eq!(between(&html, "data-added>", "<"), "2", "{html}");
    assert!(!html.contains("http-equiv=\"refresh\""), "a finished run's page stays put");
    let mut other = Browser::new(&app);
    other.sign_up("sven", PASSWORD).await;
    assert_eq!(other.page(&run).await.0, 404, "someone else's run is not theirs to see");
}

crate::on_both_backends!(
    link_push_and_stats,
    a_server_without_a_spotify_app_says_so,
    a_long_push_is_followed_on_its_page
);
