//! Organising from the web app, as a browser does it: sort, remove repeats (a preview that
//! removes nothing, then the removal it showed; a stale preview refused), split by artist,
//! merge, search the library, delete a playlist (only when confirmed) and the account (only with
//! the password; the session ends).

use crate::{
    helpers::{Backend, TestApp},
    web_browser::{item_ids, version_of, Browser},
};

const PASSWORD: &str = "a long enough password";
const MIX: &str = "artist,title\nRadiohead,Karma Police\nBjörk,Jóga\nAir,La Femme d'Argent\nBjörk,Hyperballad\n";

fn titles(html: &str) -> Vec<String> {
    html.split("<p class=\"title\"><span class=\"number\">")
        .skip(1)
        .map(|s| {
            let at = s.find("<bdi>").unwrap() + 5;
            s[at..at + s[at..].find("</bdi>").unwrap()].to_owned()
        })
        .collect()
}

async fn sort_repeats_split_merge_search_delete(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = Browser::new(&app);
    b.sign_up("tove", PASSWORD).await;
    let path = b.import_csv("Mix.csv", MIX).await;
    let (_, html) = b.page(&format!("{path}/organise")).await;
    let version = version_of(&html);
    // Sort by title.
    let r = b.post(&format!("{path}/sort"), &[("version", &version), ("by", "title"), ("order", "asc")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.page(&path).await;
    assert_eq!(titles(&html), ["Hyperballad", "Jóga", "Karma Police", "La Femme d&#39;Argent"]);
    // Merge with another playlist into a new one, repeats kept.
    let other = b.import_csv("Chill.csv", "artist,title\nAir,Cherry Blossom Girl\nBjörk,Jóga\n").await;
    let other_id = other.trim_start_matches("/app/playlists/").to_owned();
    b.page(&format!("{path}/organise")).await;
    let r = b.post(&format!("{path}/merge"), &[("with", &other_id), ("name", "Both")]).await;
    assert_eq!(r.status(), 303);
    let both = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = b.page(&both).await;
    assert!(html.contains("<bdi>Both</bdi>") && item_ids(&html).len() == 6, "4 + 2, Jóga twice: {html}");
    let r = b.post(&format!("{path}/merge"), &[("name", "Alone")]).await;
    assert_eq!(r.status(), 422, "a merge needs another playlist");
    // Repeats: the preview removes nothing.
    let (_, html) = b.page(&format!("{both}/organise")).await;
    let version = version_of(&html);
    let form = [("version", version.as_str()), ("by", "text"), ("keep", "first"), ("preview", "1")];
    let preview = b.post(&format!("{both}/dedupe"), &form).await.text().await.unwrap();
    assert!(preview.contains("1 repeats would go") && preview.contains("data-preview"), "{preview}");
    assert!(preview.split("data-preview").nth(1).unwrap().contains("Björk – Jóga"), "{preview}");
    assert_eq!(item_ids(&b.page(&both).await.1).len(), 6, "a preview removes nothing");
    // Someone changes it meanwhile: the preview's removal is refused.
    let stale = version_of(&preview);
    let (_, html) = b.page(&both).await;
    let r = b.post(&format!("{both}/rename"), &[("version", &version_of(&html)), ("name", "Both 2")]).await;
    assert_eq!(r.status(), 303);
    let r = b.post(&format!("{both}/dedupe"), &[("version", &stale), ("by", "text"), ("keep", "first")]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(item_ids(&b.page(&both).await.1).len(), 6, "nothing removed by a stale form");
    let (_, html) = b.page(&format!("{both}/organise")).await;
    let form = [("version", version_of(&html)), ("by", "text".into()), ("keep", "first".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post(&format!("{both}/dedupe"), &form).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("1 repeats removed; 5 tracks left"));
    // Split by artist: three new playlists, this one kept.
    let html = b.post(&format!("{path}/split"), &[("by", "artist"), ("size", "")]).await.text().await.unwrap();
    let made = html.split("data-created").nth(1).unwrap();
    assert!(html.contains("3 new playlists made") && made.matches("<li><a href=").count() == 3, "{html}");
    let r = b.post(&format!("{path}/split"), &[("by", "size"), ("size", "zero")]).await;
    assert_eq!(r.status(), 422, "a size that is not a number is refused on the page");
    // Search finds tracks and the playlists holding them.
    let (_, html) = b.page("/app/search?q=joga").await;
    let tracks = html.split("data-found-tracks").nth(1).unwrap();
    assert!(tracks.contains("Björk – Jóga") && tracks.contains("Mix") && tracks.contains("Both 2"), "{html}");
    let (_, html) = b.page("/app/search?q=chill").await;
    assert!(html.split("data-found-playlists").nth(1).unwrap().contains("<bdi>Chill</bdi>"));
    let (status, _) = b.page(&format!("/app/search?q={}", "x".repeat(300))).await;
    assert_eq!(status, 400, "an overlong query is refused on the page");
    // Delete: only when confirmed.
    let (_, html) = b.page(&format!("{path}/organise")).await;
    let version = version_of(&html);
    let r = b.post(&format!("{path}/delete"), &[("version", &version)]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(b.page(&path).await.0, 200, "not deleted without the tick");
    let r = b.post(&format!("{path}/delete"), &[("version", &version), ("confirm", "1")]).await;
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/app"));
    assert_eq!(b.page(&path).await.0, 404);
}

async fn deleting_the_account_needs_the_password_and_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = Browser::new(&app);
    b.sign_up("ulla", PASSWORD).await;
    let path = b.import_csv("Mine.csv", "artist,title\nAir,Playground Love\n").await;
    b.page("/app/account").await;
    let r = b.post("/app/account/delete", &[("password", "not the password"), ("confirm", "1")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("not your password"));
    let r = b.post("/app/account/delete", &[("password", PASSWORD)]).await;
    assert_eq!(r.status(), 422, "not without the tick");
    assert_eq!(b.page(&path).await.0, 200, "nothing deleted yet");
    let r = b.post("/app/account/delete", &[("password", PASSWORD), ("confirm", "1")]).await;
    assert_eq!(r.status(), 303);
    assert!(b.cookie.is_none(), "the session cookie is cleared");
    let mut again = Browser::new(&app);
    assert_eq!(again.sign_in("ulla", PASSWORD).await.status(), 401, "the account is gone");
}

crate::on_both_backends!(
    sort_repeats_split_merge_search_delete,
    deleting_the_account_needs_the_password_and_ends_the_session
);
