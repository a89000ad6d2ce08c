//! Fan-out enrichment benchmark against the Last.fm-shaped fake (50 ms latency per call):
//! 100 cold tracks, fan-out vs. one-at-a-time, and under a 50/s rate limit. Prints figures.
//!
//! Run: `cargo bench --bench enrichment`

#[path = "../tests/api/lastfm_fake.rs"]
mod lastfm_fake;
#[path = "../tests/api/lastfm_world.rs"]
mod lastfm_world;

use std::{sync::Arc, time::Duration};

use lastfm_fake::{FakeLastfm, FAKE_KEY};
use sharify::{
    config::{LastfmConfig, Secret},
    lastfm::LastfmClient,
    storage::{embedded::EmbeddedStore, Store},
    tracks::service::{Outcome, TrackQuery, TrackService},
};

const TRACKS: usize = 100;
const LATENCY: Duration = Duration::from_millis(50);

/// Enriches `TRACKS` cold tracks with a fresh service and store; returns the wall time.
async fn run(fake: &FakeLastfm, label: &str, tweak: impl FnOnce(&mut LastfmConfig)) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
    store.migrate().await.unwrap();
    let mut config = LastfmConfig {
        api_key: Some(Secret::new(FAKE_KEY)),
        base_url: fake.base_url.clone(),
        rate_per_sec: 1_000_000.0,
        burst: 1_000,
        ..LastfmConfig::default()
    };
    tweak(&mut config);
    let metrics = sharify::metrics::Metrics::new();
    let client = LastfmClient::from_config(&config, metrics.clone()).unwrap();
    let service = Arc::new(TrackService::new(client, store, &config, metrics));
    let queries: Vec<TrackQuery> =
        (0..TRACKS).map(|i| TrackQuery::new(&format!("{label} artist {i}"), &format!("song {i}"))).collect();
    let started = tokio::time::Instant::now();
    let outcomes = service.lookup_within(&queries, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    assert!(outcomes.values().all(|o| matches!(o, Outcome::Done(_))), "every lookup resolved");
    elapsed
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let fake = FakeLastfm::start().await;
        fake.set_latency(LATENCY);
        let in_flight = LastfmConfig::default().max_in_flight;
        let ideal = LATENCY * TRACKS.div_ceil(in_flight) as u32;

        let fan_out = run(&fake, "fanout", |_| {}).await;
        let serial = run(&fake, "serial", |c| c.max_in_flight = 1).await;
        let limited = run(&fake, "limited", |c| {
            c.rate_per_sec = 50.0;
            c.burst = LastfmConfig::default().burst;
        })
        .await;
        let limited_ideal = Duration::from_secs_f64(TRACKS as f64 / 50.0);

        println!("enrichment of {TRACKS} cold tracks, fake Last.fm at {} ms per call", LATENCY.as_millis());
        let r1 = fan_out.as_secs_f64() / ideal.as_secs_f64();
        println!(
            "fan-out ({in_flight} in flight, no rate limit): {:.0} ms; ideal ceil({TRACKS}/{in_flight}) x 50 ms = {:.0} ms; ratio {r1:.2} (target <= 1.30) {}",
            ms(fan_out),
            ms(ideal),
            verdict(r1 <= 1.30)
        );
        let speedup = serial.as_secs_f64() / fan_out.as_secs_f64();
        println!(
            "one at a time: {:.0} ms; fan-out is {speedup:.1}x faster (target >= 6x) {}",
            ms(serial),
            verdict(speedup >= 6.0)
        );
        let r3 = limited.as_secs_f64() / limited_ideal.as_secs_f64();
        println!(
            "rate limit 50/s (burst {}): {:.0} ms; ideal {TRACKS}/50 s = {:.0} ms; ratio {r3:.2} (target <= 1.15) {}",
            LastfmConfig::default().burst,
            ms(limited),
            ms(limited_ideal),
            verdict(r3 <= 1.15)
        );
    });
}
