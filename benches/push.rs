//! Push resource test (issue 29): the worst legal pushes to Spotify, through the real HTTP server
//! on the embedded store, against the test harness's Spotify-shaped fakes (accounts, catalog
//! search, playlist writes) in this process, with an account linked by the real PKCE flow:
//! - a 10,000-item playlist whose items all hold their Spotify link: one new playlist and 100
//!   additions of 100;
//! - a 10,000-item playlist with no links: the push makes at most 300 catalog searches (the bound)
//!   and lists the rest as not searched yet.
//!
//! Reported for each: wall time, the process's CPU time (server, fakes and client together: an
//! upper bound of the service's) and the peak resident memory over the figure before it (VmHWM,
//! reset before each push).
//!
//! Run: `cargo bench --bench push`
#![allow(dead_code, unused_imports)]

#[path = "../tests/api/apple_fake.rs"]
mod apple_fake;
#[path = "../tests/api/deezer_fake.rs"]
mod deezer_fake;
#[path = "../tests/api/platform_fakes.rs"]
mod platform_fakes;
#[path = "../tests/api/search_fakes.rs"]
mod search_fakes;
#[path = "../tests/api/spotify_accounts_fake.rs"]
mod spotify_accounts_fake;
#[path = "../tests/api/spotify_consent_fake.rs"]
mod spotify_consent_fake;
#[path = "../tests/api/spotify_write_fake.rs"]
mod spotify_write_fake;
#[path = "../tests/api/youtube_account_fake.rs"]
mod youtube_account_fake;

mod common;

use std::{sync::Arc, time::Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};
use sharify::{
    config::Secret,
    matching::model::{Candidate, DecidedBy, MatchStatus, TrackMatch},
    playlists::{
        history,
        model::{Item, Playlist, Visibility, POSITION_GAP},
    },
    storage::{embedded::EmbeddedStore, Store},
};

/// Items a playlist holds (the limit; `PUSH_BENCH_ITEMS` changes it to see how the cost scales).
fn items() -> usize {
    std::env::var("PUSH_BENCH_ITEMS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn cpu_ms() -> f64 {
    let mut usage = unsafe { std::mem::zeroed::<libc::rusage>() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let fake = platform_fakes::FakePlatforms::start().await;
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let served = common::serve(store.clone(), |c| {
            c.spotify.base_url = format!("{}/spotify/v1", fake.base);
            c.spotify.accounts_url = format!("{}/spotify/accounts", fake.base);
            c.spotify.client_id = Some(Secret::new(search_fakes::SPOTIFY_CLIENT_ID));
            c.spotify.client_secret = Some(Secret::new(search_fakes::SPOTIFY_CLIENT_SECRET));
            c.spotify.redirect_uri = Some("http://127.0.0.1:8888/v1/connections/spotify/callback".into());
            c.spotify.requests_per_second = 1000; // the bound under test is the count, not the pace
            c.connections.token_key = Some(Secret::new(STANDARD.encode([7u8; 32])));
            c.jobs.in_process = false; // no background link search
            c.jobs.request_wait_ms = 600_000;
            c.http.request_timeout_secs = 900;
        })
        .await;
        let (base, client, token) = (&served.base, &served.client, &served.token);
        // Link Spotify through the PKCE flow.
        let started: Value = client
            .post(format!("{base}/v1/connections/spotify"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let url = url::Url::parse(started["authorize_url"].as_str().unwrap()).unwrap();
        let challenge = url.query_pairs().find(|(k, _)| k == "code_challenge").unwrap().1.into_owned();
        let code = fake.consent(&challenge);
        let state = started["state"].as_str().unwrap();
        let r = client
            .get(format!("{base}/v1/connections/spotify/callback?code={code}&state={state}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "linked");
        let me: Value =
            client.get(format!("{base}/v1/me")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let owner = store.user_by_id(me["id"].as_str().unwrap()).await.unwrap().unwrap();

        println!("push to Spotify, {} items, worst legal input (embedded store, fakes in process)", items());
        println!("| case | status | wall | process CPU | peak RSS growth | what it did |");
        println!("|---|---|---|---|---|---|");
        for (case, linked) in
            [("every item linked: 100 additions of 100", true), ("no item linked: 300 searches", false)]
        {
            let mut p = Playlist::new(
                sharify::ids::new_id(),
                &owner,
                format!("push {linked}"),
                String::new(),
                Visibility::Private,
            );
            p.items = (0..items())
                .map(|n| {
                    let mut item = Item::new(format!("Band {n}"), format!("Song {n}"), &owner.id);
                    let track = Candidate {
                        artist: item.artist.clone(),
                        title: item.title.clone(),
                        album: None,
                        duration_ms: None,
                        mbid: None,
                        url: None,
                        confidence: 1.0,
                    };
                    item.matching = Some(TrackMatch {
                        status: MatchStatus::Matched,
                        reason: None,
                        confidence: 1.0,
                        track: Some(track),
                        candidates: vec![],
                        decided_by: DecidedBy::Auto,
                    });
                    if linked {
                        item.links = vec![format!("spotify:track:{n:022}")];
                    }
                    item.pos = (n as i64 + 1) * POSITION_GAP;
                    Arc::new(item)
                })
                .collect();
            p.sync_derived();
            let entry = history::entry(None, &p.meta, &[], &p.items, Some(&owner), "create");
            store.insert_playlist(&p, &entry).await.unwrap();
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let (rss_before, cpu_before, t0) = (status_kib("VmRSS"), cpu_ms(), Instant::now());
            let r = client
                .post(format!("{base}/v1/playlists/{}/push", p.meta.id))
                .bearer_auth(token)
                .json(&json!({"platform": "spotify"}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let report: Value = r.json().await.unwrap();
            let (wall, cpu) = (t0.elapsed().as_millis(), cpu_ms() - cpu_before);
            let peak = status_kib("VmHWM").saturating_sub(rss_before) as f64 / 1024.0;
            let did = format!(
                "{} added, {} not pushed (first: {})",
                report["added"].as_array().map_or(0, Vec::len),
                report["not_found"].as_array().map_or(0, Vec::len),
                report["not_found"][0]["reason"].as_str().unwrap_or("-")
            );
            println!("| {case} | {status} | {wall} ms | {cpu:.0} ms | +{peak:.1} MiB | {did} |");
            assert!(status.is_success(), "{report}");
        }
        println!("Spotify searches made in all: {}", fake.calls("/spotify/v1/search"));
    });
}
