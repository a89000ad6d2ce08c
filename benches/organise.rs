//! Organise benchmark (issue 18), through the real HTTP server on the embedded store:
//! - library search over 1,000 playlists holding 100,000 items (one user), for a selective
//!   query (one artist), a common word, a two-letter prefix and a playlist name; target: under
//!   50 ms each (median of 20);
//! - sort and de-duplicate of a 10,000-item playlist, each one write; target: under 200 ms
//!   (median of 5, each on a playlist that really changes, read once before as the page showing
//!   it would; a first request on a playlist not yet in memory is reported too).
//!
//! Run: `cargo bench --bench organise`

use std::{sync::Arc, time::Instant};

use reqwest::Client;
use serde_json::{json, Value};
use sharify::{
    app::Server,
    config::Config,
    playlists::{
        history,
        model::{Item, Playlist, Visibility, POSITION_GAP},
    },
    storage::{embedded::EmbeddedStore, Store},
    users::model::User,
};

const PLAYLISTS: usize = 1_000;
const ITEMS_EACH: usize = 100;
const BIG: usize = 10_000;
const SEARCH_TARGET_MS: f64 = 50.0;
const WRITE_TARGET_MS: f64 = 200.0;

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ra", "ten", "vo", "zu", "pel", "dor", "shi", "an", "bel", "cor", "di", "en", "fa", "gu", "ho",
    "is", "ju", "ke", "lu", "mo", "né",
];

/// A pseudo-word for `n` (24² + 24³ distinct ones).
fn word(n: usize) -> String {
    let s = |k: usize| SYLLABLES[k % SYLLABLES.len()];
    if n.is_multiple_of(3) {
        format!("{}{}", s(n / 3), s(n / 72))
    } else {
        format!("{}{}{}", s(n), s(n / 24), s(n / 576))
    }
}

/// The `n`th track of the library: 3,000 artists, titles of three words from 4,000.
fn track(n: usize) -> (String, String, String) {
    let a = (n * 7919) % 3_000;
    let artist = format!("{} {}", word(a), word(a + 5_000));
    let title = format!("{} {} {}", word((n * 31) % 4_000), word((n * 17 + 3) % 4_000), word((n * 13 + 7) % 4_000));
    (artist, title, word((n / 12) % 2_000 + 9_000))
}

fn playlist(owner: &User, name: String, tracks: impl Iterator<Item = (String, String, String)>) -> Playlist {
    let mut p = Playlist::new(sharify::ids::new_id(), owner, name, String::new(), Visibility::Private);
    p.items = tracks
        .zip(1..)
        .map(|((artist, title, album), k)| {
            let mut item = Item::new(artist, title, &owner.id);
            item.album = Some(album);
            item.pos = k * POSITION_GAP;
            Arc::new(item)
        })
        .collect();
    p.sync_derived();
    p
}

async fn insert(store: &Arc<dyn Store>, owner: &User, p: &Playlist) {
    let entry = history::entry(None, &p.meta, &[], &p.items, Some(owner), "create");
    store.insert_playlist(p, &entry).await.unwrap();
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

fn verdict(ms: f64, target: f64, ok: &mut bool) -> String {
    if ms < target {
        format!("{:.2}x the target, ok", ms / target)
    } else {
        *ok = false;
        format!("{:.2}x the target, MISSED", ms / target)
    }
}

async fn post(client: &Client, base: &str, token: &str, path: &str, body: Value) -> Value {
    let r = client.post(format!("{base}{path}")).bearer_auth(token).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        store.migrate().await.unwrap();
        let mut config = Config::default();
        config.http.bind = "127.0.0.1:0".parse().unwrap();
        config.admin.bind = "127.0.0.1:0".parse().unwrap();
        config.store.data_dir = dir.path().to_owned();
        config.deezer.enabled = false;
        let server = Server::bind_with_store(config, store.clone()).await.unwrap();
        let base = format!("http://{}", server.local_addr().unwrap());
        tokio::spawn(server.run(std::future::pending()));
        sharify::tls::install_crypto_provider();
        let client = Client::new();
        let password = "bench password 1234";
        post(&client, &base, "", "/v1/users", json!({"username": "bench", "password": password, "display_name": "b"})).await;
        let token = post(&client, &base, "", "/v1/auth/tokens", json!({"username": "bench", "password": password})).await
            ["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let owner = store.user_by_username("bench").await.unwrap().unwrap();

        let started = Instant::now();
        for n in 0..PLAYLISTS {
            let name = format!("{} {} mix {n}", word(n * 7 + 1), word(n * 11 + 2));
            insert(&store, &owner, &playlist(&owner, name, (n * ITEMS_EACH..(n + 1) * ITEMS_EACH).map(track))).await;
        }
        println!(
            "library: {PLAYLISTS} playlists, {} items stored in {:.1} s",
            PLAYLISTS * ITEMS_EACH,
            started.elapsed().as_secs_f64()
        );
        let mut ok = true;
        let (artist, _, _) = track(4242);
        let queries = [
            ("one artist", artist.clone()),
            ("a common word", word(155)),
            ("a two-letter prefix", "ka".to_owned()),
            ("a playlist name", format!("{} mix", word(7 * 500 + 1))),
        ];
        for (what, q) in queries {
            let url = format!("{base}/v1/library/search?q={}&limit=20", q.replace(' ', "%20"));
            let mut times = Vec::new();
            let mut found = (0, 0);
            for _ in 0..20 {
                let t = Instant::now();
                let body: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                found = (body["playlists"].as_array().unwrap().len(), body["tracks"].as_array().unwrap().len());
            }
            let ms = median(times);
            let v = verdict(ms, SEARCH_TARGET_MS, &mut ok);
            println!("search {what} ({q:?}): {} playlists, {} tracks on the first page in {ms:.1} ms (target < {SEARCH_TARGET_MS} ms): {v}", found.0, found.1);
        }

        // Sort: alternate keys so every sort really reorders all 10,000 items.
        let big = playlist(&owner, "big".into(), (0..BIG).map(track));
        insert(&store, &owner, &big).await;
        let r = client.get(format!("{base}/v1/playlists/{}", big.meta.id)).bearer_auth(&token).send().await.unwrap();
        assert!(r.status().is_success());
        let mut times = Vec::new();
        for (n, by) in ["artist", "title", "album", "random", "artist"].into_iter().enumerate() {
            let t = Instant::now();
            let r = post(&client, &base, &token, &format!("/v1/playlists/{}/sort", big.meta.id), json!({"by": by})).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r["changed"], true, "sort {n} changed the order");
        }
        let ms = median(times.clone());
        let v = verdict(ms, WRITE_TARGET_MS, &mut ok);
        println!("sort {BIG} items: runs {:?} ms, median {ms:.1} ms (target < {WRITE_TARGET_MS} ms): {v}", times.iter().map(|t| t.round()).collect::<Vec<_>>());

        // De-duplicate: a fifth of each playlist repeats an earlier item (same recording, other spelling).
        let mut times = Vec::new();
        for run in 0..5 {
            let tracks = (0..BIG).map(|n| {
                let (artist, title, album) = track(if n % 5 == 4 { n - 3 } else { n } + run * BIG);
                if n % 5 == 4 { (artist.to_uppercase(), title, album) } else { (artist, title, album) }
            });
            let p = playlist(&owner, format!("dups {run}"), tracks);
            insert(&store, &owner, &p).await;
            // Read once first, as the page showing the playlist does (the first read of a
            // playlist not in memory is reported separately below).
            let r = client.get(format!("{base}/v1/playlists/{}", p.meta.id)).bearer_auth(&token).send().await.unwrap();
            assert!(r.status().is_success());
            let t = Instant::now();
            let r = post(&client, &base, &token, &format!("/v1/playlists/{}/dedupe", p.meta.id), json!({})).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r["removed"].as_array().unwrap().len(), BIG / 5, "every repeat found");
        }
        let ms = median(times.clone());
        let v = verdict(ms, WRITE_TARGET_MS, &mut ok);
        let cold = {
            let tracks = (0..BIG).map(|n| track(if n % 5 == 4 { n - 3 } else { n } + 9 * BIG));
            let p = playlist(&owner, "cold".into(), tracks);
            insert(&store, &owner, &p).await;
            let t = Instant::now();
            post(&client, &base, &token, &format!("/v1/playlists/{}/dedupe", p.meta.id), json!({"by": "text"})).await;
            t.elapsed().as_secs_f64() * 1000.0
        };
        println!("dedupe of a playlist not yet in memory (read from the store first): {cold:.1} ms, reported");
        println!("dedupe {BIG} items ({} removed): runs {:?} ms, median {ms:.1} ms (target < {WRITE_TARGET_MS} ms): {v}", BIG / 5, times.iter().map(|t| t.round()).collect::<Vec<_>>());
        assert!(ok, "a target was missed");
    });
}
