//! Every item says how it was matched or why not (issue 30, item 1): with no Last.fm key, with
//! Last.fm unreachable (and back), in the API, the import report, `/readyz` and `GET /v1/status`.

use reqwest::Method;
use serde_json::Value;

use crate::{
    helpers::{captured_logs, eventually, init_log_capture, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::{FakeLastfm, Fault},
};

const CSV: &str = "artist,title\nDaft Punk,One More Time\nPortishead,Glory Box\nMassive Attack,Teardrop\n";

async fn import(app: &TestApp, user: &TestUser) -> Value {
    let r = app
        .as_user(user, Method::POST, "/v1/playlists/import?name=Mix&visibility=public")
        .header("content-type", "text/csv")
        .body(CSV)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

fn reasons(playlist: &Value) -> Vec<(String, String)> {
    playlist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let m = &i["match"];
            (m["status"].as_str().unwrap_or("-").to_owned(), m["reason"]["code"].as_str().unwrap_or("-").to_owned())
        })
        .collect()
}

async fn readiness(app: &TestApp) -> Value {
    let r = app.request(Method::GET, "/readyz").send().await.unwrap();
    assert_eq!(r.status(), 200, "the service works without Last.fm: ready");
    r.json().await.unwrap()
}

async fn with_no_lastfm_key_every_item_says_matching_is_off(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let report = import(&app, &alice).await;
    assert_eq!((report["counts"]["off"].as_u64(), report["counts"]["unmatched"].as_u64()), (Some(3), Some(0)));
    assert_eq!(report["not_matched"][0]["code"], "enrichment_off", "{report}");
    assert_eq!(report["not_matched"][0]["items"], 3);
    assert!(report["not_matched"][0]["message"].as_str().unwrap().contains("SHARIFY_LASTFM__API_KEY"));
    let id = report["playlist"]["id"].as_str().unwrap();
    let playlist = app.get_json(&alice, &format!("/v1/playlists/{id}")).await;
    assert_eq!(reasons(&playlist), vec![("off".to_owned(), "enrichment_off".to_owned()); 3]);
    let jspf = app.get_json(&alice, &format!("/v1/playlists/{id}/export?format=jspf")).await;
    let ours = &jspf["playlist"]["track"][0]["extension"]["https://sharify.dev/jspf"];
    assert_eq!(ours["match"]["reason"], "enrichment_off", "the export says why too: {ours}");
    let html = app.request(Method::GET, &format!("/p/{id}")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("not matched: this server has no Last.fm key").count(), 3, "{html}");
    let ready = readiness(&app).await;
    assert_eq!(
        (ready["upstreams"][0]["name"].as_str(), ready["upstreams"][0]["state"].as_str()),
        (Some("lastfm"), Some("off"))
    );
    let status = app.get_json(&alice, "/v1/status").await;
    assert_eq!(status["upstreams"][0]["state"], "off", "{status}");
    let r = app.request(Method::GET, "/v1/status").send().await.unwrap();
    assert_eq!(r.status(), 401, "for signed-in users");
}

async fn an_unreachable_lastfm_leaves_items_pending_saying_since_when_then_they_match(backend: Backend) {
    init_log_capture();
    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::Http500);
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_lastfm(c, &fake);
        c.lastfm.breaker_failures = 2;
        c.lastfm.breaker_cooldown_ms = 100;
        c.lastfm.pending_notify_after_secs = 0;
    })
    .await;
    let alice = app.user("alice").await;
    let report = import(&app, &alice).await;
    assert_eq!(report["counts"]["pending"], 3, "{report}");
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    // The background job retries; the items come to say Last.fm is down, and since when.
    let playlist = eventually(10, "every item says upstream_unavailable", || async {
        let p = app.get_json(&alice, &format!("/v1/playlists/{id}")).await;
        reasons(&p).iter().all(|(s, c)| s == "pending" && c == "upstream_unavailable").then_some(p)
    })
    .await;
    let reason = &playlist["items"][0]["match"]["reason"];
    assert!(
        reason["since"].is_string() && reason["message"].as_str().unwrap().contains("Last.fm has not answered since")
    );
    let status = app.get_json(&alice, "/v1/status").await;
    assert_eq!(
        (status["status"].as_str(), status["upstreams"][0]["state"].as_str()),
        (Some("degraded"), Some("degraded"))
    );
    assert_eq!(readiness(&app).await["upstreams"][0]["state"], "degraded");
    let told = eventually(10, "the owner is notified of the wait", || async {
        let n = app.get_json(&alice, "/v1/me/notifications").await;
        n["notifications"].as_array().unwrap().iter().find(|n| n["kind"] == "enrichment_delayed").cloned()
    })
    .await;
    assert_eq!(told["playlist_id"].as_str(), Some(id.as_str()));
    assert!(told["message"].as_str().unwrap().contains("3 items"), "{told}");
    assert!(captured_logs().contains("Last.fm is not answering"), "the outage is logged when it starts");

    fake.set_fault(Fault::None);
    eventually(15, "the items are looked up once Last.fm answers", || async {
        let p = app.get_json(&alice, &format!("/v1/playlists/{id}")).await;
        reasons(&p).iter().all(|(s, _)| s != "pending").then_some(())
    })
    .await;
    assert_eq!(app.get_json(&alice, "/v1/status").await["upstreams"][0]["state"], "ok");
    assert!(readiness(&app).await.get("upstreams").is_none(), "nothing degraded, nothing to say");
    assert!(captured_logs().contains("Last.fm answers again"), "and when it ends");
    let n = app.get_json(&alice, "/v1/me/notifications").await;
    assert_eq!(n["notifications"].as_array().unwrap().len(), 1, "told once, not at every pass: {n}");
}

crate::on_both_backends!(
    with_no_lastfm_key_every_item_says_matching_is_off,
    an_unreachable_lastfm_leaves_items_pending_saying_since_when_then_they_match,
);
