//! Operations: the metrics endpoint on the admin port, and draining on SIGTERM (real binary).

use std::{
    collections::HashMap,
    process::Stdio,
    time::{Duration, Instant},
};

use reqwest::Method;
use serde_json::json;

use crate::{
    helpers::{eventually, free_port, sharify_binary, use_fake_lastfm, Backend, TestApp},
    lastfm_fake::{FakeLastfm, FAKE_KEY},
};

/// Parses the Prometheus text format into `name{labels}` → value.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let r = crate::helpers::http_client().get(format!("http://{}/metrics", app.admin_addr)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    parse(&r.text().await.unwrap())
}

fn value(m: &HashMap<String, f64>, series: &str) -> f64 {
    m.get(series).copied().unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_on_the_admin_port_move_with_traffic() {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(Backend::Embedded, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let before = scrape(&app).await;
    let id = app.playlist(&alice, json!({"name": "m"})).await;
    app.add(&alice, &id, &[("a", "b"), ("c", "d")]).await;
    app.add(&alice, &id, &[("a", "b")]).await;
    app.get_playlist(&alice, &id).await;
    app.request(Method::GET, "/nope").send().await.unwrap();
    let after = scrape(&app).await;
    let get_playlist = r#"http_requests_total{method="GET",route="/v1/playlists/{id}",status="200"}"#;
    assert_eq!(value(&after, get_playlist) - value(&before, get_playlist), 1.0);
    let unmatched = r#"http_requests_total{method="GET",route="unmatched",status="404"}"#;
    assert_eq!(value(&after, unmatched), 1.0, "raw paths never become labels");
    assert!(
        value(&after, r#"http_request_duration_seconds_count{method="POST",route="/v1/playlists/{id}/items"}"#) >= 2.0
    );
    assert_eq!(value(&after, r#"lastfm_calls_total{method="track.getInfo",outcome="ok"}"#), 2.0);
    assert_eq!(value(&after, r#"track_cache_lookups_total{result="miss"}"#), 2.0);
    assert_eq!(value(&after, r#"track_cache_lookups_total{result="memory_hit"}"#), 1.0);
    assert!(value(&after, r#"enrichment_duration_seconds_count{outcome="complete"}"#) >= 2.0);
    assert_eq!(
        value(&after, r#"store_operation_duration_seconds_count{backend="embedded",operation="commit"}"#),
        1.0,
        "the duplicate-only add wrote nothing"
    );
    assert_eq!(value(&after, &format!(r#"sharify_build_info{{version="{}"}}"#, env!("CARGO_PKG_VERSION"))), 1.0);
    assert!(value(&after, "process_resident_memory_bytes") > 0.0);
    // The public port does not serve metrics.
    assert_eq!(app.request(Method::GET, "/metrics").send().await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_drains_in_flight_requests_and_exits_zero() {
    let fake = FakeLastfm::start().await;
    fake.set_latency(Duration::from_millis(1500));
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = sharify_binary(dir.path(), port)
        .env("SHARIFY_LASTFM__API_KEY", FAKE_KEY)
        .env("SHARIFY_LASTFM__BASE_URL", &fake.base_url)
        .env("SHARIFY_LASTFM__ENRICH_BUDGET_MS", "10000")
        .env("SHARIFY_SHUTDOWN__DELAY_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = crate::helpers::http_client();
    eventually(30, "the binary answers /readyz", || async {
        client.get(format!("{base}/readyz")).send().await.ok().filter(|r| r.status() == 200).map(|_| ())
    })
    .await;
    let body = json!({"username": "slowpoke", "password": "correct horse battery", "display_name": "S"});
    assert_eq!(client.post(format!("{base}/v1/users")).json(&body).send().await.unwrap().status(), 201);
    // A slow request: the lookup waits 1.5 s on Last.fm.
    let slow = tokio::spawn({
        let (client, base) = (client.clone(), base.clone());
        async move {
            client
                .get(format!("{base}/v1/tracks/lookup?artist=Slow&title=Song"))
                .basic_auth("slowpoke", Some("correct horse battery"))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    });
    eventually(10, "the slow request reached Last.fm", || async { (fake.calls("track.getInfo") == 1).then_some(()) })
        .await;
    let pid = child.id().unwrap().to_string();
    let sent_at = Instant::now();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    // During the delay the listener still answers: not ready (as soon as the signal is handled,
    // well within the delay), but alive.
    eventually(1, "readiness goes false", || async {
        let ready = client.get(format!("{base}/readyz")).send().await.ok()?;
        (ready.status() == 503).then_some(())
    })
    .await;
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(slow.await.unwrap().unwrap(), 200, "the in-flight request completed");
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait()).await.expect("the process exits").unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(sent_at.elapsed() < Duration::from_secs(15));
    assert!(client.get(format!("{base}/healthz")).send().await.is_err(), "the listener is closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn production_logs_are_json_lines_with_cloud_logging_fields() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = sharify_binary(dir.path(), port)
        .env("SHARIFY_LOG__FORMAT", "json")
        .env("SHARIFY_LOG__GCP_PROJECT", "sharify-prod")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = crate::helpers::http_client();
    eventually(30, "the binary answers", || async {
        client.get(format!("{base}/healthz")).send().await.ok().map(|_| ())
    })
    .await;
    let r = client
        .get(format!("{base}/v1/me"))
        .header("x-cloud-trace-context", "105445aa7843bc8bf206b12000100000/1;o=1")
        .header("user-agent", "log-test/1.0")
        .send()
        .await
        .unwrap();
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(r.status(), 401);
    client
        .get(format!("{base}/healthz"))
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .send()
        .await
        .unwrap();
    std::process::Command::new("kill").args(["-TERM", &child.id().unwrap().to_string()]).status().unwrap();
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output()).await.unwrap().unwrap();
    let text = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    assert!(lines.iter().all(|l| l["severity"].is_string() && l["message"].is_string() && l["time"].is_string()));
    assert!(lines.iter().any(|l| l["message"] == "sharify listening"));
    let me = lines
        .iter()
        .find(|l| l["message"] == "request completed" && l["httpRequest"]["requestUrl"] == "/v1/me")
        .unwrap_or_else(|| panic!("no request log for /v1/me in:\n{text}"));
    assert_eq!(me["severity"], "INFO");
    assert_eq!((&me["httpRequest"]["requestMethod"], &me["httpRequest"]["status"]), (&json!("GET"), &json!(401)));
    assert_eq!(me["httpRequest"]["userAgent"], "log-test/1.0");
    assert!(me["httpRequest"]["latency"].as_str().unwrap().ends_with('s'));
    assert_eq!(me["logging.googleapis.com/trace"], "projects/sharify-prod/traces/105445aa7843bc8bf206b12000100000");
    assert_eq!(me["request_id"], request_id.as_str());
    let health = lines.iter().rev().find(|l| l["httpRequest"]["requestUrl"] == "/healthz").unwrap();
    assert_eq!(health["logging.googleapis.com/trace"], "projects/sharify-prod/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(health["logging.googleapis.com/spanId"], "00f067aa0ba902b7");
}
