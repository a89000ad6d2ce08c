//! The web app's history page, on both stores: who did what, and an earlier version restored (a
//! stale restore refused).

use crate::{
    helpers::{Backend, TestApp},
    web_browser::{version_of, Browser},
};

async fn an_earlier_version_comes_back_from_the_history_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("ida").await;
    let id = app.playlist(&owner, serde_json::json!({"name": "First name"})).await;
    app.add(&owner, &id, &[("Air", "La femme d'argent"), ("Daft Punk", "Digital Love")]).await;
    let mut browser = Browser::new(&app);
    browser.cookie = Some(format!("sharify_session={}", owner.token));
    let (_, page) = browser.page(&format!("/app/playlists/{id}")).await;
    let r = browser
        .post(&format!("/app/playlists/{id}/rename"), &[("version", &version_of(&page)), ("name", "Second")])
        .await;
    assert_eq!(r.status(), 303);
    let (status, html) = browser.page(&format!("/app/playlists/{id}/history")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<td>3</td>") && html.contains("changed name"), "the rename is the newest: {html}");
    assert!(html.contains("2 added"), "the tracks added: {html}");
    assert!(html.contains("aria-label=\"Restore version 2\""));
    let stale = version_of(&html);
    let r = browser.post(&format!("/app/playlists/{id}/restore"), &[("version", &stale), ("to", "2")]).await;
    assert_eq!(r.status(), 303);
    let (_, page) = browser.page(&format!("/app/playlists/{id}")).await;
    assert!(page.contains("<bdi>First name</bdi>"), "version 2's name is back");
    // The same form again (the page as it was) is refused: the playlist moved on.
    let r = browser.post(&format!("/app/playlists/{id}/restore"), &[("version", &stale), ("to", "1")]).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("nothing was restored") && html.contains("<td>4</td>"), "{html}");
    let (_, page) = browser.page(&format!("/app/playlists/{id}")).await;
    assert_eq!(page.matches("data-item=").count(), 2, "still the two tracks");
}

crate::on_both_backends!(an_earlier_version_comes_back_from_the_history_page);
