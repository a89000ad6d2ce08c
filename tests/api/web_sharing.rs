//! Sharing from the web app, as browsers do it: grant a collaborator a role and change it, an
//! unknown name refused on the page, share links with a lifetime and a cap listed with their
//! joins and visits and revoked (the link then opens nothing), a copy of one's own, leaving.

use reqwest::Method;

use crate::{
    helpers::{Backend, TestApp},
    web_browser::{version_of, Browser},
};

const PASSWORD: &str = "a long enough password";

async fn collaborators_links_copies_and_leaving(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mut owner, mut guest) = (Browser::new(&app), Browser::new(&app));
    owner.sign_up("wren", PASSWORD).await;
    guest.sign_up("xavi", PASSWORD).await;
    let path = owner.import_csv("Party.csv", "artist,title\nAir,Sexy Boy\nDaft Punk,Da Funk\n").await;
    let sharing = format!("{path}/sharing");
    let (_, html) = owner.page(&sharing).await;
    assert!(html.contains("Nobody else shares it"));
    let r = owner
        .post(
            &format!("{path}/collaborators"),
            &[("version", &version_of(&html)), ("username", "nobody-here"), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("no such user"), "said on the sharing page");
    let (_, html) = owner.page(&sharing).await;
    let r = owner
        .post(
            &format!("{path}/collaborators"),
            &[("version", &version_of(&html)), ("username", "xavi"), ("role", "contributor")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("xavi is now a contributor") && html.contains("data-collaborator=\"xavi\""), "{html}");
    let r = owner
        .post(
            &format!("{path}/collaborators"),
            &[("version", &version_of(&html)), ("username", "xavi"), ("role", "editor")],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("xavi is now an editor"), "{html}");
    let row = html.split("data-collaborator=\"xavi\"").nth(1).unwrap();
    assert!(row.contains("<option value=\"editor\" selected>"), "the role shown is the new one: {row}");
    // The guest sees it, without the owner's link controls.
    let (status, html) = guest.page(&sharing).await;
    assert_eq!(status, 200);
    assert!(!html.contains("Share links") && html.contains(">Leave<"), "{html}");

    // A link for a viewer, 7 days, at most 2 joins.
    let r = owner.post(&format!("{path}/links/new"), &[("role", "viewer"), ("days", "7"), ("max_uses", "2")]).await;
    let html = r.text().await.unwrap();
    let at = html.find("/s/").expect("the link is shown once");
    let token: String = html[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c)).collect();
    let row = html.split("<tr data-link=").nth(1).unwrap();
    assert!(row.contains("<td>viewer</td>") && row.contains("0 of 2") && row.contains("active"), "{row}");
    assert!(!row.contains("never"), "it expires: {row}");
    let stranger = Browser::new(&app);
    assert_eq!(stranger.request(Method::GET, &format!("/s/{token}")).send().await.unwrap().status(), 200);
    let r = owner.post(&format!("{path}/links/new"), &[("role", "viewer"), ("max_uses", "many")]).await;
    assert_eq!(r.status(), 422, "a cap that is not a number");
    let (_, html) = owner.page(&sharing).await;
    let link_id = html.split("<tr data-link=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = owner.post(&format!("{path}/links/{link_id}/revoke"), &[]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("the link is revoked") && html.contains("<td>revoked</td>"), "{html}");
    assert_eq!(stranger.request(Method::GET, &format!("/s/{token}")).send().await.unwrap().status(), 404);

    // Handing it over needs the tick; then the guest owns it and the owner is an editor.
    let (_, html) = owner.page(&sharing).await;
    let form = [("version", version_of(&html)), ("username", "xavi".to_owned())];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(owner.post(&format!("{path}/transfer"), &fields).await.status(), 422, "not without the tick");
    let mut ticked = fields.clone();
    ticked.push(("confirm", "1"));
    let html = owner.post(&format!("{path}/transfer"), &ticked).await.text().await.unwrap();
    assert!(html.contains("xavi owns it now") && html.contains("Owner: <strong><bdi>xavi</bdi>"), "{html}");
    assert!(html.contains("data-collaborator=\"wren\"") && !html.contains("Hand it over"), "{html}");
    // And back, from the new owner's page.
    let (_, html) = guest.page(&sharing).await;
    let form = [("version", version_of(&html)), ("username", "wren".to_owned()), ("confirm", "1".to_owned())];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(guest.post(&format!("{path}/transfer"), &fields).await.text().await.unwrap().contains("wren owns it now"));

    // A copy of one's own, then leaving.
    guest.page(&sharing).await;
    let r = guest.post(&format!("{path}/fork"), &[]).await;
    assert_eq!(r.status(), 303);
    let copy = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = guest.page(&copy).await;
    assert!(html.contains("A playlist by <bdi>xavi</bdi>") && html.contains("2 tracks"), "{html}");
    let (_, html) = guest.page(&sharing).await;
    let r = guest.post(&format!("{path}/collaborators/xavi/remove"), &[("version", &version_of(&html))]).await;
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/app"));
    assert_eq!(guest.page(&path).await.0, 404, "no longer shared with them");
    let (_, html) = owner.page(&sharing).await;
    assert!(html.contains("Nobody else shares it"));
}

crate::on_both_backends!(collaborators_links_copies_and_leaving);
