//! Web app pages (issue 32): each page's HTML through the real HTTP server on the embedded store,
//! signed in by the session cookie, for a 100-item playlist (the target: < 20 ms p50) and for the
//! worst legal one (10,000 items). Also the CSS + JS a page loads (the target: < 100 KB).
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
        let r = served.client.get(format!("{}{path}", served.base)).header("cookie", &cookie).send().await.unwrap();
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
        let served = common::serve(store, |c| {
            // Pages carry a cookie, not an Authorization header: the per-address limit applies too.
            c.ratelimit.anonymous_per_minute = 100_000_000;
            c.ratelimit.anonymous_burst = 10_000_000;
        })
        .await;
        let hundred = playlist(&served, 100).await;
        let most = playlist(&served, 10_000).await;
        println!("| page | p50 ms | p95 ms | HTML bytes |\n|---|---|---|---|");
        for (label, path, signed_in) in [
            ("sign-in", "/app/sign-in".to_owned(), false),
            ("library (2 playlists)", "/app".to_owned(), true),
            ("account", "/app/account".to_owned(), true),
            ("playlist, 100 items", format!("/app/playlists/{hundred}"), true),
            ("playlist, 10,000 items (the limit; its first 200)", format!("/app/playlists/{most}"), true),
            ("playlist, 10,000 items, its last page", format!("/app/playlists/{most}?from=9800"), true),
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
