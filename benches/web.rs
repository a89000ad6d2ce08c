//! Web app pages (issue 32): each page's HTML through the real HTTP server on the embedded store,
//! signed in by the session cookie, for a 100-item playlist (the target: < 20 ms p50) and for the
//! worst legal one (10,000 items); the stats page over 100,000 plays, the schedules page with the
//! most schedules allowed (50), search over 10,100 tracks. Also the CSS + JS a page loads (the
//! target: < 100 KB).
//!
//! Run: `cargo bench --bench web`
mod common;

use std::{sync::Arc, time::Instant};

use serde_json::{json, Value};
use sharify::storage::{embedded::EmbeddedStore, Store};

const ROUNDS: usize = 200;

/// Creates a playlist of `n` tracks through the API; returns its id.
async fn playlist(served: &common::Served, n: usize) -> String {
    let auth = format!("Bearer {}", served.token);
    let created: Value = served
        .client
        .post(format!("{}/v1/playlists", served.base))
        .header("authorization", &auth)
        .json(&json!({"name": format!("{n} tracks")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let tracks: Vec<Value> = chunk
            .iter()
            .map(|i| json!({"artist": format!("Artist {i}"), "title": format!("Title {i}"), "album": "Album"}))
            .collect();
        let r = served
            .client
            .post(format!("{}/v1/playlists/{id}/items", served.base))
            .header("authorization", &auth)
            .json(&json!({"tracks": tracks}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    id
}

/// p50 and p95 (ms) of `ROUNDS` GETs of `path` (signed in: with the session cookie), and the
/// body's size.
async fn measure(served: &common::Served, path: &str, signed_in: bool) -> (f64, f64, usize) {
    let cookie = if signed_in { format!("sharify_session={}", served.token) } else { String::new() };
    let mut times = Vec::with_capacity(ROUNDS);
    let mut size = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut request = served.client.get(format!("{}{path}", served.base)).header("cookie", &cookie);
        if signed_in && path.starts_with("/v1/") {
            request = request.bearer_auth(&served.token);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        size = r.bytes().await.unwrap().len();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[ROUNDS / 2], times[ROUNDS * 95 / 100], size)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let served = common::serve(store.clone(), |c| {
            // The sign-in page meets the per-address limit; signed-in pages the per-user one.
            c.ratelimit.per_minute = 100_000_000;
            c.ratelimit.burst = 10_000_000;
            c.ratelimit.anonymous_per_minute = 100_000_000;
            c.ratelimit.anonymous_burst = 10_000_000;
        })
        .await;
        let hundred = playlist(&served, 100).await;
        let most = playlist(&served, 10_000).await;
        let auth = format!("Bearer {}", served.token);
        let me: Value = served
            .client
            .get(format!("{}/v1/me", served.base))
            .header("authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let user_id = me["id"].as_str().unwrap().to_owned();
        // 100,000 plays over three years, 3,000 tracks by 300 artists.
        let now = chrono::Utc::now();
        let plays: Vec<sharify::listens::model::Listen> = (0..100_000i64)
            .map(|n| {
                let (artist, title) = (format!("Artist {}", n % 300), format!("Song {}", n % 3000));
                sharify::listens::model::Listen {
                    at: now - chrono::Duration::minutes(n * 15),
                    track_key: sharify::playlists::normalize::track_key(&artist, &title),
                    artist,
                    title,
                    album: None,
                    source: "lastfm".into(),
                }
            })
            .collect();
        store.add_listens(&user_id, &plays, 600).await.unwrap();
        for n in 0..50 {
            let body =
                json!({"kind": "listens", "params": {"source": "lastfm"}, "cron": format!("{} 6 * * *", n % 60)});
            let r = served
                .client
                .post(format!("{}/v1/schedules", served.base))
                .header("authorization", &auth)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        }
        println!("| page | p50 ms | p95 ms | HTML bytes |\n|---|---|---|---|");
        for (label, path, signed_in) in [
            ("sign-in", "/app/sign-in".to_owned(), false),
            ("library (2 playlists)", "/app".to_owned(), true),
            ("account", "/app/account".to_owned(), true),
            ("playlist, 100 items", format!("/app/playlists/{hundred}"), true),
            ("playlist, 10,000 items (the limit; its first 200)", format!("/app/playlists/{most}"), true),
            ("playlist, 10,000 items, its last page", format!("/app/playlists/{most}?from=9800"), true),
            ("sharing, 100 items", format!("/app/playlists/{hundred}/sharing"), true),
            ("organise, 100 items", format!("/app/playlists/{hundred}/organise"), true),
            ("organise, 10,000 items", format!("/app/playlists/{most}/organise"), true),
            ("push (no account linked), 10,000 items", format!("/app/playlists/{most}/push"), true),
            ("history, 10,000 items (101 versions)", format!("/app/playlists/{most}/history"), true),
            ("find a track (the form)", format!("/app/playlists/{hundred}/find"), true),
            ("search, 10,100 tracks: \"title\" (50 + 50 shown)", "/app/search?q=title".to_owned(), true),
            ("linked accounts", "/app/platforms".to_owned(), true),
            ("schedules (50, the most allowed)", "/app/schedules".to_owned(), true),
            ("stats, 30 days of 100,000 plays", "/app/stats".to_owned(), true),
            ("stats, all 100,000 plays (3 years)", "/app/stats?period=all".to_owned(), true),
            ("(the API's stats of all 100,000 plays, for comparison)", "/v1/me/stats?period=all".to_owned(), true),
            (
                "(the API's search for \"title\", for comparison)",
                "/v1/library/search?q=title&limit=50".to_owned(),
                true,
            ),
        ] {
            let (p50, p95, size) = measure(&served, &path, signed_in).await;
            println!("| {label} | {p50:.2} | {p95:.2} | {size} |");
        }
        let page =
            served.client.get(format!("{}/app/sign-in", served.base)).send().await.unwrap().text().await.unwrap();
        let mut assets = 0;
        for needle in ["<link rel=\"stylesheet\" href=\"", "<script src=\""] {
            let at = page.find(needle).unwrap() + needle.len();
            let path = &page[at..at + page[at..].find('"').unwrap()];
            assets +=
                served.client.get(format!("{}{path}", served.base)).send().await.unwrap().bytes().await.unwrap().len();
        }
        println!("\nCSS + JS a page loads: {assets} bytes (target < 102,400)");
    });
}
