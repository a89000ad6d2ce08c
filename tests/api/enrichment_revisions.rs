//! Enrichment results change the body (so the ETag) but are not user changes: the version stays,
//! `If-Match` with the earlier ETag still succeeds, and history records nothing for them.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    helpers::{eventually, states, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::{FakeLastfm, Fault},
};

async fn read(app: &TestApp, user: &TestUser, id: &str, if_none_match: Option<&str>) -> (u16, String, Option<Value>) {
    let mut request = app.as_user(user, Method::GET, &format!("/v1/playlists/{id}"));
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let tag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
    let body = if status == 200 { Some(r.json().await.unwrap()) } else { None };
    (status, tag, body)
}

async fn enrichment_moves_the_etag_but_not_the_version_history_or_if_match(backend: Backend) {
    let fake = FakeLastfm::start().await;
    fake.set_fault(Fault::Html);
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "late metadata"})).await;
    let tracks =
        json!({"tracks": [{"artist": "Late Artist", "title": "one"}, {"artist": "Late Artist", "title": "two"}]});
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&tracks).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (_, pending_tag, body) = read(&app, &alice, &id, None).await;
    let body = body.unwrap();
    assert_eq!((pending_tag.as_str(), body["version"].as_u64()), ("\"2\"", Some(2)));
    assert!(states(&body).iter().all(|s| s == "pending"));

    fake.set_fault(Fault::None);
    let (enriched_tag, body) = eventually(20, "items enriched", || async {
        let (_, tag, body) = read(&app, &alice, &id, None).await;
        let body = body.unwrap();
        states(&body).iter().all(|s| s == "enriched").then_some((tag, body))
    })
    .await;
    assert_ne!(enriched_tag, pending_tag, "the body changed, so the ETag did");
    assert_eq!(body["version"], 2, "enrichment is not a user change");
    assert_eq!(read(&app, &alice, &id, Some(&pending_tag)).await.0, 200, "an old copy is not current");
    assert_eq!(read(&app, &alice, &id, Some(&enriched_tag)).await.0, 304);

    let r = app
        .as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
        .header(header::IF_MATCH, &pending_tag)
        .json(&json!({"name": "renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "If-Match compares versions only: enrichment never causes a 412");
    let r = app
        .as_user(&alice, Method::PATCH, &format!("/v1/playlists/{id}"))
        .header(header::IF_MATCH, &enriched_tag)
        .json(&json!({"name": "again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412, "a version behind is still a lost update");

    let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/history")).send().await.unwrap();
    let history: Value = r.json().await.unwrap();
    let ops: Vec<&str> = history["entries"].as_array().unwrap().iter().map(|e| e["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["update", "add_items", "create"], "no history entry for enrichment");
}

/// Last.fm slow, failing with 5xx, or rate-limiting (429 / code 29): adds still succeed at once
/// with the items pending, and they end enriched once Last.fm is back.
async fn adds_succeed_through_every_lastfm_fault_and_items_finish_later(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_lastfm(c, &fake);
        c.lastfm.enrich_budget_ms = 200;
    })
    .await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "faulty"})).await;
    let faults =
        [(Some(Fault::Hang), 0), (Some(Fault::Http500), 0), (Some(Fault::Always { code: 29 }), 0), (None, 3000)];
    for (n, (fault, latency_ms)) in faults.into_iter().enumerate() {
        fake.set_fault(fault.unwrap_or(Fault::None));
        fake.set_latency(std::time::Duration::from_millis(latency_ms));
        let tracks = json!({"tracks": [{"artist": format!("Fault Artist {n}"), "title": "song"}]});
        let started = std::time::Instant::now();
        let r =
            app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&tracks).send().await.unwrap();
        assert_eq!(r.status(), 200, "fault {n}: the write succeeds");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "fault {n}: within the enrichment budget");
        let added: Value = r.json().await.unwrap();
        assert_eq!(added["added"][0]["enrichment"], "pending", "fault {n}");
    }
    fake.set_fault(Fault::None);
    fake.set_latency(std::time::Duration::ZERO);
    eventually(30, "every item enriched once Last.fm is back", || async {
        let p = app.get_playlist(&alice, &id).await;
        states(&p).iter().all(|s| s == "enriched").then_some(())
    })
    .await;
}

crate::on_both_backends!(
    enrichment_moves_the_etag_but_not_the_version_history_or_if_match,
    adds_succeed_through_every_lastfm_fault_and_items_finish_later,
);
