//! Adding and changing many tracks from the web app: find a track on Last.fm (fake) and add it
//! from the results; tick tracks and remove them or move them to the top or the end together,
//! as one change; a stale bulk form refused with nothing changed; without Last.fm the find page
//! says so.

use crate::{
    helpers::{use_fake_lastfm, Backend, TestApp},
    lastfm_fake::FakeLastfm,
    web_browser::{item_ids, version_of, Browser},
};

const PASSWORD: &str = "a long enough password";
const FIVE: &str = "artist,title\nA1,One\nA2,Two\nA3,Three\nA4,Four\nA5,Five\n";

fn bulk(version: &str, action: &'static str, items: &[&str]) -> Vec<(&'static str, String)> {
    let mut form = vec![("version", version.to_owned()), ("action", action.to_owned())];
    form.extend(items.iter().map(|i| ("item", (*i).to_owned())));
    form
}

async fn post_bulk(b: &mut Browser, path: &str, form: &[(&'static str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(&format!("{path}/items/bulk"), &fields).await
}

async fn find_add_and_bulk_changes(backend: Backend) {
    let lastfm = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &lastfm)).await;
    let mut b = Browser::new(&app);
    b.sign_up("yara", PASSWORD).await;
    let path = b.import_csv("Five.csv", FIVE).await;
    // Find on Last.fm, add the second hit.
    let (status, html) = b.page(&format!("{path}/find?q=kvelertak")).await;
    assert_eq!(status, 200);
    let hits = html.split("data-hits").nth(1).expect("hits listed");
    let start = hits.find("aria-label=\"Add ").unwrap() + 16;
    let label = &hits[start..start + hits[start..].find('"').unwrap()];
    let (title, artist) = label.split_once(" by ").unwrap();
    let r = b
        .post(&format!("{path}/tracks"), &[("version", &version_of(&html)), ("artist", artist), ("title", title)])
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.page(&path).await;
    let ids = item_ids(&html);
    assert_eq!(ids.len(), 6, "the found track is added");
    assert!(html.contains(&format!("<bdi>{title}</bdi>")), "{html}");

    // Tick Four and Two: to the top, in playlist order.
    let moved = bulk(&version_of(&html), "top", &[&ids[3], &ids[1]]);
    assert_eq!(post_bulk(&mut b, &path, &moved).await.status(), 303);
    let (_, html) = b.page(&path).await;
    let now = item_ids(&html);
    assert_eq!(&now[..2], &[ids[3].clone(), ids[1].clone()], "moved together, in the order ticked");
    // To the end.
    let to_end = bulk(&version_of(&html), "end", &[&ids[0]]);
    assert_eq!(post_bulk(&mut b, &path, &to_end).await.status(), 303);
    let (_, html) = b.page(&path).await;
    assert_eq!(item_ids(&html).last(), Some(&ids[0]));
    // A stale form (the version before the last change) changes nothing.
    let before_last = (version_of(&html).parse::<u64>().unwrap() - 1).to_string();
    let stale = post_bulk(&mut b, &path, &bulk(&before_last, "remove", &[&ids[2]])).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(item_ids(&b.page(&path).await.1).len(), 6);
    // Nothing ticked: said, nothing done.
    let (_, html) = b.page(&path).await;
    let r = post_bulk(&mut b, &path, &bulk(&version_of(&html), "remove", &[])).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("tick the tracks"));
    // Remove three at once.
    let r = post_bulk(&mut b, &path, &bulk(&version_of(&html), "remove", &[&ids[2], &ids[4], &ids[5]])).await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.page(&path).await;
    assert_eq!(item_ids(&html), [ids[3].clone(), ids[1].clone(), ids[0].clone()]);
    // Not items of this playlist: refused.
    let r = post_bulk(&mut b, &path, &bulk(&version_of(&html), "remove", &["not-an-item"])).await;
    assert_eq!(r.status(), 404);
}

async fn without_lastfm_the_find_page_says_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = Browser::new(&app);
    b.sign_up("zeno", PASSWORD).await;
    let path = b.import_csv("One.csv", "artist,title\nAir,Alone in Kyoto\n").await;
    let (status, html) = b.page(&format!("{path}/find?q=air")).await;
    assert_eq!(status, 503);
    assert!(html.contains("Last.fm could not be searched"), "{html}");
    let (status, html) = b.page(&format!("{path}/find")).await;
    assert_eq!(status, 200, "the empty form");
    assert!(!html.contains("data-hits"));
}

/// While Last.fm is slow, the import report and the playlist page say how many tracks are still
/// being looked up (the page's script reloads it meanwhile); once found, the notice is gone.
async fn tracks_still_being_looked_up_are_counted_until_found(backend: Backend) {
    let lastfm = FakeLastfm::start().await;
    lastfm.set_fault(crate::lastfm_fake::Fault::Hang);
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &lastfm)).await;
    let mut b = Browser::new(&app);
    b.sign_up("olga", PASSWORD).await;
    b.page("/app").await;
    let part = reqwest::multipart::Part::text(FIVE).file_name("Slow.csv");
    let form = reqwest::multipart::Form::new().text("csrf", b.csrf.clone()).part("file", part);
    let r = b.request(reqwest::Method::POST, "/app/import").multipart(form).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Still being looked up</dt><dd data-pending>5<"), "{html}");
    let at = html.find("href=\"/app/playlists/").unwrap() + 6;
    let path = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let (_, html) = b.page(&path).await;
    assert!(html.contains("data-pending=\"5\"") && html.contains("Still looking up 5 tracks"), "{html}");
    lastfm.set_fault(crate::lastfm_fake::Fault::None);
    crate::helpers::eventually(30, "every track looked up", || {
        let mut again = Browser::new(&app);
        again.cookie = b.cookie.clone();
        let path = path.clone();
        async move { (!again.page(&path).await.1.contains("data-pending")).then_some(()) }
    })
    .await;
}

crate::on_both_backends!(
    find_add_and_bulk_changes,
    without_lastfm_the_find_page_says_so,
    tracks_still_being_looked_up_are_counted_until_found
);

/// A household behind one address: signed-in pages count against each person's own quota, not
/// the per-address one for requests without credentials (which the sign-in form still meets).
async fn signed_in_pages_meet_the_per_user_limit_not_the_per_address_one(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.ratelimit.anonymous_per_minute = 1;
        c.ratelimit.anonymous_burst = 4;
    })
    .await;
    let mut b = Browser::new(&app);
    b.sign_up("ines", PASSWORD).await; // the sign-up form: 1 of the 4
    for n in 0..12 {
        let (status, _) = b.page("/app").await;
        assert_eq!(status, 200, "signed-in page {n}");
    }
    let r = b.request(reqwest::Method::GET, "/app").send().await.unwrap();
    assert!(r.headers().contains_key("ratelimit-remaining"), "the per-user quota is reported");
    let mut stranger = Browser::new(&app);
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..4 {
            out.push(stranger.page("/app/sign-in").await.0);
        }
        out
    };
    assert_eq!(statuses, [200, 200, 200, 429], "the sign-in page is limited per address");
    // A made-up session cookie buys nothing on the sign-in form.
    stranger.cookie = Some("sharify_session=made-up".into());
    assert_eq!(stranger.page("/app/sign-in").await.0, 429);
}

/// A library of 205 playlists: 200 on the first page, the rest one link away; a made-up cursor
/// is refused on the page.
async fn a_big_library_pages_through_every_playlist(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = Browser::new(&app);
    b.sign_up("pavel", PASSWORD).await;
    let token = b.cookie.clone().unwrap().trim_start_matches("sharify_session=").to_owned();
    for n in 0..205 {
        let r = app
            .request(reqwest::Method::POST, "/v1/playlists")
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": format!("List {n:03}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let (_, html) = b.page("/app").await;
    let listed = |html: &str| html.matches("<li><a href=\"/app/playlists/").count();
    assert_eq!(listed(&html), 200);
    assert!(html.contains("<bdi>List 204</bdi>") && !html.contains("<bdi>List 004</bdi>"), "newest first");
    let at =
        html.find("data-more").map(|_| html.find("<a href=\"/app?after=").unwrap() + 9).expect("a link to the rest");
    let more = html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&");
    let (status, html) = b.page(&more).await;
    assert_eq!(status, 200);
    assert_eq!(listed(&html), 5, "{more}");
    assert!(html.contains("<bdi>List 000</bdi>") && !html.contains("data-more"));
    assert_eq!(b.page("/app?after=not-a-cursor").await.0, 400);
}

/// A form that does not decode (a field missing or malformed, as a hand-edited or outdated page
/// sends) gets a page saying so, not the API's JSON; nothing changes.
async fn a_form_that_does_not_decode_gets_a_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = Browser::new(&app);
    b.sign_up("quim", PASSWORD).await;
    let path = b.import_csv("Two.csv", "artist,title\nAir,Kelly Watch the Stars\nAir,Talisman\n").await;
    b.page(&path).await;
    for fields in [vec![("name", "No version")], vec![("version", "seven"), ("name", "Bad version")]] {
        let r = b.post(&format!("{path}/rename"), &fields).await;
        assert_eq!(r.status(), 422, "{fields:?}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.contains("this form could not be read") && html.contains("version"), "{html}");
    }
    let (_, html) = b.page(&path).await;
    assert!(html.contains("<bdi>Two</bdi>"), "the name did not change");
}

/// Embedded store only: what they show does not depend on the store.
mod embedded_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn signed_in_pages_meet_the_per_user_limit_not_the_per_address_one() {
        super::signed_in_pages_meet_the_per_user_limit_not_the_per_address_one(crate::helpers::Backend::Embedded).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_form_that_does_not_decode_gets_a_page() {
        super::a_form_that_does_not_decode_gets_a_page(crate::helpers::Backend::Embedded).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_big_library_pages_through_every_playlist() {
        super::a_big_library_pages_through_every_playlist(crate::helpers::Backend::Embedded).await
    }
}
