//! Webhook delivery benchmark (issue 17): 1,000 changes to a playlist with a hook, delivered to a
//! local receiver; prints the delivery lag (receipt minus the change's time, p50 and p99) and how
//! much slower the 1,000 writes were than the same writes to a playlist without a hook (target:
//! at most 10%), on the embedded store, over real HTTP.
//!
//! Run: `cargo bench --bench webhooks`

#[path = "../tests/api/webhook_receiver.rs"]
mod webhook_receiver;

use std::{sync::Arc, time::Instant};

use serde_json::{json, Value};
use sharify::{
    app::Server,
    config::Config,
    storage::{embedded::EmbeddedStore, Store},
};

/// Changes made (BENCH_CHANGES overrides, for a quick look).
fn changes() -> usize {
    std::env::var("BENCH_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000)
}

async fn adds(client: &reqwest::Client, base: &str, token: &str, id: &str, label: &str) -> f64 {
    let started = Instant::now();
    for n in 0..changes() {
        let body = json!({"tracks": [{"artist": format!("{label} artist {n}"), "title": format!("song {n}")}]});
        let r =
            client.post(format!("{base}/v1/playlists/{id}/items")).bearer_auth(token).json(&body).send().await.unwrap();
        assert!(r.status().is_success());
    }
    let took = started.elapsed().as_secs_f64();
    eprintln!("webhooks: {} writes to {label}: {took:.2} s", changes());
    took
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let mut config = Config::default();
        config.http.bind = "127.0.0.1:0".parse().unwrap();
        config.admin.bind = "127.0.0.1:0".parse().unwrap();
        config.store.data_dir = dir.path().to_owned();
        config.deezer.enabled = false;
        config.ratelimit.per_minute = 100_000_000;
        config.ratelimit.burst = 10_000_000;
        config.webhooks.allow_insecure_targets = true;
        config.log.level = "warn".into();
        let server = Server::bind_with_store(config, store).await.unwrap();
        let base = format!("http://{}", server.local_addr().unwrap());
        tokio::spawn(server.run(std::future::pending()));
        sharify::tls::install_crypto_provider();
        let client = reqwest::Client::new();
        let password = "bench-correct-horse-battery";
        let r = client.post(format!("{base}/v1/users")).json(&json!({"username": "bench", "password": password, "display_name": "b"}))
            .send().await.unwrap();
        assert_eq!(r.status(), 201);
        let token: Value = client.post(format!("{base}/v1/auth/tokens")).json(&json!({"username": "bench", "password": password}))
            .send().await.unwrap().json().await.unwrap();
        let token = token["token"].as_str().unwrap().to_owned();
        let create = |name: &str| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            let name = name.to_owned();
            async move {
                let v: Value = client.post(format!("{base}/v1/playlists")).bearer_auth(&token).json(&json!({"name": name}))
                    .send().await.unwrap().json().await.unwrap();
                v["id"].as_str().unwrap().to_owned()
            }
        };
        let (plain, hooked, plain_again) = (create("plain").await, create("hooked").await, create("plain again").await);
        let receiver = webhook_receiver::Receiver::start().await;
        let r = client.post(format!("{base}/v1/playlists/{hooked}/webhooks")).bearer_auth(&token)
            .json(&json!({"url": receiver.url, "events": ["items.added"]})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        // Each to a fresh playlist: without a hook, with one (delivered meanwhile), without again
        // once every delivery is done; the writes without a hook bracket those with one.
        let before = adds(&client, &base, &token, &plain, "a").await;
        let with = adds(&client, &base, &token, &hooked, "b").await;
        let deadline = Instant::now() + std::time::Duration::from_secs(300);
        let count = changes();
        while receiver.acknowledged().len() < count {
            assert!(Instant::now() < deadline, "every change delivered within 5 minutes");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let after = adds(&client, &base, &token, &plain_again, "c").await;
        let mut lags: Vec<f64> = receiver
            .acknowledged()
            .iter()
            .map(|r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                let at: chrono::DateTime<chrono::Utc> = body["timestamp"].as_str().unwrap().parse().unwrap();
                (r.arrived - at).num_microseconds().unwrap_or(0) as f64 / 1000.0
            })
            .collect();
        lags.sort_by(f64::total_cmp);
        let without = (before + after) / 2.0;
        let overhead = (with / without - 1.0) * 100.0;
        println!("webhooks: {count} changes delivered, {} acknowledged once each", receiver.acknowledged().len());
        println!("webhooks: delivery lag p50 {:.1} ms, p99 {:.1} ms", percentile(&lags, 0.5), percentile(&lags, 0.99));
        println!(
            "webhooks: {count} writes with a hook {with:.2} s, without {without:.2} s (before {before:.2}, after {after:.2}): {overhead:+.1}% (target <= +10%) {}",
            if overhead <= 10.0 { "ok" } else { "MISSED" }
        );
    });
}
