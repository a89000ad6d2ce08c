//! The web app's review queue, on both stores: doubtful matches with their candidates, decided
//! one by one (a stale decision refused) or all above a confidence.

use reqwest::Method;
use serde_json::Value;

use crate::{
    helpers::{use_fake_lastfm, Backend, TestApp},
    import::import_ok,
    lastfm_fake::{Catalog, FakeLastfm},
    web_browser::Browser,
};

/// Last.fm's answers for live versions: each a doubtful match of the studio track.
pub(crate) fn catalog() -> Catalog {
    [
        (("Queen", "Bohemian Rhapsody (Live Aid 1985)"), ("Queen", "Bohemian Rhapsody", 354_000)),
        (("Karaoke Stars", "Jolene (Karaoke Version)"), ("Dolly Parton", "Jolene", 162_000)),
        (("Nirvana", "Come As You Are (Live)"), ("Nirvana", "Come as You Are", 219_000)),
    ]
    .into_iter()
    .map(|((a, t), (ca, ct, ms))| ((a.to_owned(), t.to_owned()), (ca.to_owned(), ct.to_owned(), Some(ms))))
    .collect()
}

const FILE: &str = "artist,title\nQueen,Bohemian Rhapsody (Live Aid 1985)\nNirvana,Come As You Are (Live)\n";

async fn doubtful_matches_are_decided_in_the_review_page(backend: Backend) {
    let fake = FakeLastfm::start().await;
    fake.set_catalog(catalog());
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let owner = app.user("gus").await;
    let report = import_ok(&app, &owner, "?name=Live", Some("text/csv"), FILE.as_bytes()).await;
    assert_eq!(report["counts"]["review"], 2, "{report}");
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&app);
    browser.cookie = Some(format!("sharify_session={}", owner.token));
    let (_, playlist) = browser.page(&format!("/app/playlists/{id}")).await;
    assert!(playlist.contains(&format!("href=\"/app/playlists/{id}/review\"")), "the playlist page leads to the queue");
    assert!(playlist.contains("Review 2 doubtful matches"));
    assert!(
        playlist.contains("choose one or reject them on the review page") && !playlist.contains("GET /v1/"),
        "a person is pointed to the page, not an API route"
    );
    let (status, html) = browser.page(&format!("/app/playlists/{id}/review")).await;
    assert_eq!(status, 200);
    assert!(html.contains("2 tracks wait"), "{html}");
    assert!(html.contains("You had: <bdi>Bohemian Rhapsody (Live Aid 1985) — Queen</bdi>"), "{html}");
    assert!(
        html.contains("<bdi>Bohemian Rhapsody — Queen · ") && html.contains(" · 5:54</bdi>"),
        "the candidate beside it"
    );
    assert!(html.contains("(60% sure)"), "with how sure it is");
    let first = html.split("/review/").nth(2).unwrap();
    let item = &first[..first.find('"').unwrap()];
    let version = {
        let at = html.find("name=\"version\" value=\"").unwrap() + 22;
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    };
    // Keep the first as given (none of the candidates).
    let path = format!("/app/playlists/{id}/review/{item}");
    let r = browser.post(&path, &[("version", &version), ("choice", "reject")]).await;
    assert_eq!(r.status(), 303);
    // A decision made on the page as it was before is refused, and the queue shown as it is now.
    let r = browser.post(&path, &[("version", &version), ("choice", "0")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("1 track waits"));
    // The rest: everything at least 1% sure.
    browser.page(&format!("/app/playlists/{id}/review")).await;
    let r = browser.post(&format!("/app/playlists/{id}/review/accept"), &[("min", "1")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("accepted the best candidate of 1 items") && html.contains("Nothing waits"), "{html}");
    let items: Value = app.get_json(&owner, &format!("/v1/playlists/{id}")).await;
    let states: Vec<&str> =
        items["items"].as_array().unwrap().iter().map(|i| i["match"]["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["unmatched", "matched"], "one kept as given, one matched");
    assert_eq!(items["items"][1]["match"]["decided_by"], "user");
    let r = browser.request(Method::GET, &format!("/app/playlists/{id}/review")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

crate::on_both_backends!(doubtful_matches_are_decided_in_the_review_page);
