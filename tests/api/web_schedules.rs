//! The web app's schedules page, as a browser uses it: a schedule made from the human form (a
//! preset and a time zone, described back in words), run now and its run listed, paused and
//! resumed, deleted; bad choices refused on the page with nothing saved; a schedule that keeps
//! failing pauses itself and the notification is shown until dismissed.

use reqwest::header;

use crate::{
    helpers::{eventually, use_fake_lastfm, Backend, TestApp},
    jobs_common::world,
    lastfm_fake::FakeLastfm,
    web_browser::Browser,
};

const PASSWORD: &str = "a long enough password";

fn schedule_ids(html: &str) -> Vec<String> {
    html.split("data-schedule=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_owned()).collect()
}

async fn make_run_pause_and_delete(backend: Backend) {
    let lastfm = FakeLastfm::start().await;
    let mut w = world();
    let now = chrono::Utc::now().timestamp() / 3600 * 3600;
    let plays = (0..30i64).map(|n| (now - 3600 * (n + 1), "Radiohead".to_owned(), format!("Song {}", n % 4))).collect();
    w.scrobbles.insert("nightowl".into(), plays);
    lastfm.set_world(w);
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &lastfm)).await;
    let mut browser = Browser::new(&app);
    browser.sign_up("rosa", PASSWORD).await;
    let (_, html) = browser.page("/app/schedules").await;
    assert!(html.contains("No schedules yet"));
    let weekly = [("kind", "listens"), ("source", "lastfm"), ("every", "weekly"), ("hour", "7")];
    let r = browser
        .post("/app/schedules", &[weekly[0], weekly[1], weekly[2], weekly[3], ("timezone", "Europe/Paris")])
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("scheduled: Import plays from Last.fm"), "{html}");
    assert!(html.contains("Mondays at 07:00 (Europe/Paris)"), "the preset, said back in words: {html}");
    let id = schedule_ids(&html).pop().unwrap();

    // Refused choices change nothing.
    for bad in [
        vec![("kind", "listens"), ("source", "lastfm"), ("every", "yearly")],
        vec![("kind", "reindex"), ("every", "daily")],
        vec![("kind", "listens"), ("source", "lastfm"), ("every", "daily"), ("timezone", "Mars/Olympus")],
        vec![("kind", "sync"), ("every", "daily"), ("link", "not a link")],
    ] {
        let r = browser.post("/app/schedules", &bad).await;
        assert_eq!(r.status(), 422, "{bad:?}");
        let html = r.text().await.unwrap();
        assert!(html.contains("Not done:"), "{html}");
        assert_eq!(schedule_ids(&html), std::slice::from_ref(&id), "nothing saved for {bad:?}");
    }

    // Run now: Last.fm is not linked yet, so it fails and says why.
    let r = browser.post(&format!("/app/schedules/{id}/run"), &[]).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("link your Last.fm username first"), "{html}");
    browser.page("/app/platforms").await;
    assert_eq!(browser.post("/app/platforms/lastfm", &[("username", "nightowl")]).await.status(), 200);
    let html = eventually(10, "a second run after the minimum gap", || {
        let mut b = Browser::new(&app);
        b.cookie = browser.cookie.clone();
        b.csrf = browser.csrf.clone();
        let id = id.clone();
        async move {
            let html = b.post(&format!("/app/schedules/{id}/run"), &[]).await.text().await.unwrap();
            html.contains("ran:").then_some(html)
        }
    })
    .await;
    assert!(html.contains("listens 30, written 30"), "{html}");
    let (_, runs) = browser.page(&format!("/app/schedules/{id}")).await;
    assert!(runs.contains("succeeded") && runs.contains("<strong>failed</strong>"), "both runs are listed: {runs}");
    let (_, stats) = browser.page("/app/stats").await;
    assert_eq!(stats.split("data-listens>").nth(1).unwrap().split('<').next().unwrap(), "30");

    // Pause, resume, delete.
    let html = browser.post(&format!("/app/schedules/{id}/pause"), &[]).await.text().await.unwrap();
    assert!(html.contains("<strong>paused</strong>") && html.contains(">Resume<"), "{html}");
    let html = browser.post(&format!("/app/schedules/{id}/resume"), &[]).await.text().await.unwrap();
    assert!(html.contains(", next ") && html.contains(">Pause<"), "{html}");
    let html = browser.post(&format!("/app/schedules/{id}/delete"), &[]).await.text().await.unwrap();
    assert!(html.contains("No schedules yet"), "{html}");
    assert_eq!(browser.page(&format!("/app/schedules/{id}")).await.0, 404);
}

async fn a_failing_schedule_pauses_and_the_notification_can_be_dismissed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new(&app);
    browser.sign_up("sami", PASSWORD).await;
    browser.page("/app/schedules").await;
    let r = browser.post("/app/schedules", &[("kind", "listens"), ("source", "lastfm"), ("every", "hourly")]).await;
    let id = schedule_ids(&r.text().await.unwrap()).pop().unwrap();
    let html = eventually(15, "three failures in a row pause it", || {
        let mut b = Browser::new(&app);
        b.cookie = browser.cookie.clone();
        b.csrf = browser.csrf.clone();
        let id = id.clone();
        async move {
            let html = b.post(&format!("/app/schedules/{id}/run"), &[]).await.text().await.unwrap();
            html.contains("Paused itself").then_some(html)
        }
    })
    .await;
    assert!(html.contains("Needs your attention") && html.contains("data-notification"), "{html}");
    assert!(html.contains("(Resume it below)") && !html.contains("PATCH /v1/"), "the advice fits the page: {html}");
    let at = html.find("/app/notifications/").unwrap();
    let action = &html[at..at + html[at..].find('"').unwrap()];
    // From another site: refused, and still there.
    let r = browser
        .request(reqwest::Method::POST, action)
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("csrf={}", browser.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, html) = browser.page("/app/schedules").await;
    assert!(html.contains("data-notification"));
    assert_eq!(browser.post(action, &[]).await.status(), 303);
    let (_, html) = browser.page("/app/schedules").await;
    assert!(
        !html.contains("data-notification") && html.contains("Paused itself"),
        "dismissed; the schedule stays paused"
    );
}

crate::on_both_backends!(make_run_pause_and_delete, a_failing_schedule_pauses_and_the_notification_can_be_dismissed);
