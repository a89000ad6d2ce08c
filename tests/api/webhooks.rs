//! Webhooks against a local receiver: each event acknowledged once per hook, in order, with the
//! same `webhook-id` on every attempt (after 500s too); signatures verify as a receiver checks
//! them; rotation signs with both secrets; forbidden targets refused; owners and editors only.

use reqwest::Method;
use serde_json::{json, Value};
use sharify::webhooks::signing::verify;

use crate::{
    helpers::{assert_error, eventually, Backend, TestApp, TestUser},
    webhook_receiver::Receiver,
};

async fn hook(app: &TestApp, user: &TestUser, id: &str, url: &str, events: Value) -> Value {
    let r = app
        .as_user(user, Method::POST, &format!("/v1/playlists/{id}/webhooks"))
        .json(&json!({"url": url, "events": events}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

fn insecure(c: &mut sharify::config::Config) {
    c.webhooks.allow_insecure_targets = true;
    c.webhooks.retry_base_secs = 1;
}

fn event_type(r: &crate::webhook_receiver::Received) -> String {
    serde_json::from_slice::<Value>(&r.body).unwrap()["type"].as_str().unwrap().to_owned()
}

async fn each_event_is_acknowledged_once_in_order_and_signed(backend: Backend) {
    let app = TestApp::spawn_with(backend, insecure).await;
    let owner = app.user("owner").await;
    let receiver = Receiver::start().await;
    let id = app.playlist(&owner, json!({"name": "Hooked"})).await;
    let created = hook(&app, &owner, &id, &receiver.url, json!(["*"])).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let added = app.add(&owner, &id, &[("A", "one"), ("B", "two")]).await;
    let first = added["added"][0]["item_id"].as_str().unwrap().to_owned();
    let r = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/items/{first}/move"))
        .json(&json!({"position": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"name": "Hooked 2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got = eventually(20, "three events acknowledged", || async {
        let got = receiver.acknowledged();
        (got.len() >= 3).then_some(got)
    })
    .await;
    let types: Vec<String> = got.iter().map(event_type).collect();
    assert_eq!(types, ["items.added", "items.moved", "playlist.updated"]);
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "a webhook-id per event");
    let now = chrono::Utc::now().timestamp();
    for r in &got {
        assert!(verify(&secret, &r.id, r.timestamp, &r.body, &r.signature, now), "signature verifies: {r:?}");
        assert!(!verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &r.id, r.timestamp, &r.body, &r.signature, now));
    }
    // The README's receiver code accepts them too (and refuses a tampered body).
    let dir = tempfile::tempdir().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/webhooks/verify.py");
    for (body, valid) in [(got[0].body.clone(), true), (b"{\"tampered\": true}".to_vec(), false)] {
        let path = dir.path().join("body.json");
        std::fs::write(&path, &body).unwrap();
        let status = std::process::Command::new("python3")
            .arg(&script)
            .args([&secret, &got[0].id, &got[0].timestamp.to_string(), &got[0].signature])
            .arg(&path)
            .status()
            .unwrap();
        assert_eq!(status.success(), valid, "the documented receiver's verdict");
    }
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["data"]["playlist_id"], id.as_str());
    assert_eq!(body["data"]["item_ids"].as_array().unwrap().len(), 2);
    // Nothing is sent twice once acknowledged.
    let r = app
        .as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"description": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    eventually(20, "the fourth event", || async { (receiver.received().len() >= 4).then_some(()) }).await;
    assert_eq!(receiver.received().len(), 4, "each event once");
    let hooks = app.get_json(&owner, &format!("/v1/playlists/{id}/webhooks")).await;
    assert!(hooks["webhooks"][0].get("secret").is_none(), "the secret is shown once: {hooks}");
}

async fn retries_reuse_the_webhook_id_and_rotation_signs_with_both(backend: Backend) {
    let app = TestApp::spawn_with(backend, insecure).await;
    let owner = app.user("owner").await;
    let receiver = Receiver::start().await;
    let id = app.playlist(&owner, json!({"name": "Flaky"})).await;
    let created = hook(&app, &owner, &id, &receiver.url, json!(["items.added"])).await;
    let (hook_id, old) = (created["id"].as_str().unwrap().to_owned(), created["secret"].as_str().unwrap().to_owned());
    receiver.fail_next(2);
    app.add(&owner, &id, &[("A", "one")]).await;
    let got = eventually(30, "acknowledged after two 500s", || async {
        let got = receiver.received();
        got.iter().any(|r| r.answered == 200).then_some(got)
    })
    .await;
    assert_eq!(got.iter().map(|r| r.answered).collect::<Vec<_>>(), [500, 500, 200], "{got:?}");
    assert!(got.iter().all(|r| r.id == got[0].id), "the same webhook-id on every attempt");
    // The success is recorded as its pass ends, just after the receiver answered.
    let deliveries = eventually(10, "the success recorded", || async {
        let d = app.get_json(&owner, &format!("/v1/playlists/{id}/webhooks/{hook_id}/deliveries")).await;
        (d["deliveries"].as_array().unwrap().len() >= 3).then_some(d)
    })
    .await;
    let statuses: Vec<&str> =
        deliveries["deliveries"].as_array().unwrap().iter().map(|d| d["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["delivered", "failed", "failed"], "{deliveries}");
    assert_eq!(deliveries["deliveries"][2]["http_status"], 500);

    // Rotation: the next delivery carries a signature by each secret.
    let rotated: Value = app
        .as_user(&owner, Method::POST, &format!("/v1/playlists/{id}/webhooks/{hook_id}/rotate-secret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    app.add(&owner, &id, &[("B", "two")]).await;
    let last = eventually(20, "the next event", || async {
        let acked = receiver.acknowledged();
        (acked.len() >= 2).then(|| acked[1].clone())
    })
    .await;
    let now = chrono::Utc::now().timestamp();
    assert_eq!(last.signature.split(' ').count(), 2, "{}", last.signature);
    assert!(verify(&new, &last.id, last.timestamp, &last.body, &last.signature, now));
    assert!(verify(&old, &last.id, last.timestamp, &last.body, &last.signature, now));
    // Deleting the hook stops deliveries.
    let r =
        app.as_user(&owner, Method::DELETE, &format!("/v1/playlists/{id}/webhooks/{hook_id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.as_user(&owner, Method::GET, &format!("/v1/playlists/{id}/webhooks/{hook_id}")).send().await.unwrap();
    assert_error(r, 404, "webhook_not_found").await;
}

async fn forbidden_targets_and_callers_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, viewer) = (app.user("owner").await, app.user("viewer").await);
    let id = app.playlist(&owner, json!({"name": "Guarded"})).await;
    let r = app
        .as_user(&owner, Method::PUT, &format!("/v1/playlists/{id}/collaborators/viewer"))
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let create = |user: &TestUser, url: &str, events: Value| {
        app.as_user(user, Method::POST, &format!("/v1/playlists/{id}/webhooks"))
            .json(&json!({"url": url, "events": events}))
            .send()
    };
    for url in [
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://localhost/hook",
        "https://192.168.0.10/x",
        "https://[::ffff:127.0.0.1]/x",
    ] {
        let body = assert_error(create(&owner, url, json!(["*"])).await.unwrap(), 422, "forbidden_target").await;
        assert!(body["error"]["message"].as_str().unwrap().contains("public"), "{body}");
    }
    assert_error(create(&owner, "http://example.com/hook", json!(["*"])).await.unwrap(), 422, "forbidden_target").await;
    assert_error(create(&owner, "not a url", json!(["*"])).await.unwrap(), 422, "invalid_url").await;
    assert_error(
        create(&owner, "https://93.184.216.34/hook", json!(["items.exploded"])).await.unwrap(),
        422,
        "invalid_events",
    )
    .await;
    assert_error(create(&viewer, "https://93.184.216.34/hook", json!(["*"])).await.unwrap(), 403, "forbidden").await;
    let r = app.as_user(&viewer, Method::GET, &format!("/v1/playlists/{id}/webhooks")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // A public address is accepted (nothing is sent until a change).
    let r = create(&owner, "https://93.184.216.34/hook", json!(["items.added"])).await.unwrap();
    assert_eq!(r.status(), 201);
}

async fn a_hook_failing_past_the_limit_is_disabled_and_says_why(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        insecure(c);
        c.webhooks.give_up_hours = 0;
    })
    .await;
    let owner = app.user("owner").await;
    let receiver = Receiver::start().await;
    receiver.fail_next(1000);
    let id = app.playlist(&owner, json!({"name": "Down"})).await;
    let created = hook(&app, &owner, &id, &receiver.url, json!(["*"])).await;
    let hook_id = created["id"].as_str().unwrap();
    app.add(&owner, &id, &[("A", "one")]).await;
    let shown = eventually(30, "the hook disabled", || async {
        let shown = app.get_json(&owner, &format!("/v1/playlists/{id}/webhooks/{hook_id}")).await;
        shown["delivery"]["disabled"].is_string().then_some(shown)
    })
    .await;
    let why = shown["delivery"]["disabled"].as_str().unwrap();
    assert!(why.contains("500"), "says why: {shown}");
    let tries = receiver.received().len();
    assert!(tries >= 2, "retried before giving up: {tries}");
    app.add(&owner, &id, &[("B", "two")]).await;
    let r = app
        .as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A disabled hook gets nothing more; the next hook of the playlist is unaffected.
    let other = Receiver::start().await;
    hook(&app, &owner, &id, &other.url, json!(["playlist.updated"])).await;
    let r = app
        .as_user(&owner, Method::PATCH, &format!("/v1/playlists/{id}"))
        .json(&json!({"name": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    eventually(20, "the other hook's event", || async { (!other.acknowledged().is_empty()).then_some(()) }).await;
    assert_eq!(receiver.received().len(), tries, "nothing more to the disabled hook");
}

crate::on_both_backends!(
    a_hook_failing_past_the_limit_is_disabled_and_says_why,
    each_event_is_acknowledged_once_in_order_and_signed,
    retries_reuse_the_webhook_id_and_rotation_signs_with_both,
    forbidden_targets_and_callers_are_refused,
);
