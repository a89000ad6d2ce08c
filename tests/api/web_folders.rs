//! The web app's folders and tags, on both stores: a tree made, renamed, moved and deleted; a
//! playlist filed with tags and found by folder and by tag.

use crate::{
    helpers::{Backend, TestApp},
    web_browser::Browser,
};

/// The id in the `Location` of a 303 to `/app?folder=…`.
fn folder_of(location: &str) -> String {
    location.strip_prefix("/app?folder=").expect("to the folder").to_owned()
}

async fn folders_and_tags_file_and_find_playlists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.user("hal").await;
    let id = app.playlist(&owner, serde_json::json!({"name": "Coast road"})).await;
    let mut browser = Browser::new(&app);
    browser.cookie = Some(format!("sharify_session={}", owner.token));
    browser.page("/app").await;
    let r = browser.post("/app/folders", &[("name", "Trips"), ("parent", "")]).await;
    assert_eq!(r.status(), 303);
    let trips = folder_of(r.headers()["location"].to_str().unwrap());
    let r = browser.post("/app/folders", &[("name", "Summer"), ("parent", &trips)]).await;
    let summer = folder_of(r.headers()["location"].to_str().unwrap());
    let (_, html) = browser.page(&format!("/app?folder={summer}")).await;
    assert!(html.contains("<bdi>Folder Trips / Summer</bdi>"), "the folder's whole path: {html}");
    assert!(html.contains("None here yet"));
    // File the playlist in Summer with two tags.
    let (_, page) = browser.page(&format!("/app/playlists/{id}")).await;
    assert!(page.contains(&format!("<option value=\"{summer}\">Trips / Summer</option>")), "{page}");
    let r =
        browser.post(&format!("/app/playlists/{id}/file"), &[("folder", &summer), ("tags", "road, #Summer ")]).await;
    assert_eq!(r.status(), 303);
    let (_, page) = browser.page(&format!("/app/playlists/{id}")).await;
    assert!(page.contains(&format!("<option value=\"{summer}\" selected>")), "filed there");
    for path in [format!("/app?folder={summer}"), "/app?tag=road".to_owned()] {
        let (_, html) = browser.page(&path).await;
        assert!(html.contains("<bdi>Coast road</bdi>"), "{path} lists it: {html}");
    }
    let (_, parent) = browser.page(&format!("/app?folder={trips}")).await;
    assert!(!parent.contains("<bdi>Coast road</bdi>"), "a folder lists what is filed in it, as the API does");
    let (_, all) = browser.page("/app").await;
    assert!(all.contains("in <bdi>Trips / Summer</bdi>") && all.contains("#<bdi>road</bdi>"), "{all}");
    assert!(all.contains("href=\"/app?tag=summer\""), "tags are kept in one form: {all}");
    let (_, none) = browser.page("/app?tag=jazz").await;
    assert!(!none.contains("Coast road"));
    // Rename and move Summer to the top; then delete it: the playlist goes up to the top too.
    browser.page(&format!("/app?folder={summer}")).await;
    let r = browser.post(&format!("/app/folders/{summer}"), &[("name", "Summer 2026"), ("parent", "")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = browser.page("/app").await;
    assert!(html.contains("<bdi>Summer 2026</bdi>") && !html.contains("Trips / Summer"), "{html}");
    let r = browser.post(&format!("/app/folders/{summer}/delete"), &[]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = browser.page("/app").await;
    assert!(!html.contains("Summer 2026") && html.contains("<bdi>Coast road</bdi>"), "no playlist is deleted");
    // Bad input is a page that says why, and changes nothing.
    let r = browser.post("/app/folders", &[("name", ""), ("parent", "")]).await;
    assert!(r.status().is_client_error());
    let r = browser.post(&format!("/app/playlists/{id}/file"), &[("folder", "no-such-folder"), ("tags", "")]).await;
    assert!(r.status().is_client_error());
}

crate::on_both_backends!(folders_and_tags_file_and_find_playlists);
