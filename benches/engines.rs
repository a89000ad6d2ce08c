//! The same workloads on each store, through the real HTTP server (issue 28): the embedded store
//! and, when `SHARIFY_BENCH_MONGO_URI` names one, a MongoDB-compatible server (DocumentDB here:
//! `../shared/tools/documentdb/start DIR`). One run each, printed as a table:
//! - GET of a 100-item playlist, 64 clients for 5 s: requests a second and p99;
//! - adding one item to a playlist of 100 and of 10,000 items: p50 of 40 adds, and their ratio;
//! - importing a 10,000-track CSV file as a new playlist;
//! - library search over 1,000 playlists holding 100,000 items (one artist's whole name): p50 of 20;
//! - 64 writers adding 10 items each to one playlist at once: every add kept, adds a second.
//!
//! Run: `SHARIFY_BENCH_MONGO_URI='mongodb://…' cargo bench --bench engines`

mod common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::Client;
use serde_json::{json, Value};
use sharify::{
    config::Secret,
    playlists::{
        history,
        model::{Item, Playlist, Visibility, POSITION_GAP},
    },
    storage::{embedded::EmbeddedStore, mongo::MongoStore, Store},
    users::model::User,
};

/// One engine's figures, in the order of [`ROWS`].
type Figures = Vec<String>;

const ROWS: [&str; 8] = [
    "GET 100-item playlist, 64 clients: req/s",
    "GET 100-item playlist, 64 clients: p99 ms",
    "add 1 item at 100 items: p50 ms",
    "add 1 item at 9,950 items (a playlist holds 10,000): p50 ms",
    "ratio 9,950 / 100",
    "import 10,000-track CSV: s",
    "library search over 100,000 items: p50 ms",
    "64 writers × 10 adds on one playlist: adds/s (lost)",
];

struct Bench {
    base: String,
    client: Client,
    token: String,
    owner: User,
    store: Arc<dyn Store>,
}

fn pct(mut ms: Vec<f64>, p: f64) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() - 1) as f64 * p).round() as usize]
}

fn track(n: usize) -> (String, String) {
    (format!("Artist{} Band", n % 3_000), format!("Song {n} of the night"))
}

fn playlist(owner: &User, name: String, items: usize, from: usize) -> Playlist {
    let mut p = Playlist::new(sharify::ids::new_id(), owner, name, String::new(), Visibility::Private);
    p.items = (0..items)
        .map(|k| {
            let (artist, title) = track(from + k);
            let mut item = Item::new(artist, title, &owner.id);
            item.pos = (k as i64 + 1) * POSITION_GAP;
            Arc::new(item)
        })
        .collect();
    p.sync_derived();
    p
}

impl Bench {
    async fn start(store: Arc<dyn Store>, mongo: Option<&str>) -> Self {
        let common::Served { base, client, token } =
            common::serve(store.clone(), |c| c.mongo.uri = mongo.map(Secret::new)).await;
        let owner = store.user_by_username("bench").await.unwrap().unwrap();
        Self { base, client, token, owner, store }
    }

    async fn insert(&self, p: &Playlist) {
        let entry = history::entry(None, &p.meta, &[], &p.items, Some(&self.owner), "create");
        self.store.insert_playlist(p, &entry).await.unwrap();
    }

    async fn add(&self, id: &str, title: &str) -> reqwest::StatusCode {
        let body = json!({"tracks": [{"artist": "Bench", "title": title}], "on_duplicate": "allow"});
        let url = format!("{}/v1/playlists/{id}/items", self.base);
        self.client.post(url).bearer_auth(&self.token).json(&body).send().await.unwrap().status()
    }

    async fn get_load(&self, id: &str) -> (f64, f64) {
        let url = format!("{}/v1/playlists/{id}", self.base);
        let until = Instant::now() + Duration::from_secs(5);
        let started = Instant::now();
        let clients: Vec<_> = (0..64)
            .map(|_| {
                let (client, url, token) = (self.client.clone(), url.clone(), self.token.clone());
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    while Instant::now() < until {
                        let t = Instant::now();
                        let r = client.get(&url).bearer_auth(&token).send().await.unwrap();
                        assert!(r.status().is_success());
                        r.bytes().await.unwrap();
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    times
                })
            })
            .collect();
        let mut all = Vec::new();
        for c in clients {
            all.extend(c.await.unwrap());
        }
        (all.len() as f64 / started.elapsed().as_secs_f64(), pct(all, 0.99))
    }

    async fn add_p50(&self, items: usize) -> f64 {
        let p = playlist(&self.owner, format!("at {items}"), items, 0);
        self.insert(&p).await;
        self.add(&p.meta.id, "warm-up").await;
        let mut times = Vec::new();
        for n in 0..40 {
            let t = Instant::now();
            assert!(self.add(&p.meta.id, &format!("one more {n}")).await.is_success());
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        pct(times, 0.5)
    }

    async fn run(&self) -> Figures {
        let mut out = Figures::new();
        let hundred = playlist(&self.owner, "hundred".into(), 100, 0);
        self.insert(&hundred).await;
        let (rps, p99) = self.get_load(&hundred.meta.id).await;
        out.push(format!("{rps:.0}"));
        out.push(format!("{p99:.1}"));
        let (small, large) = (self.add_p50(100).await, self.add_p50(9_950).await);
        out.extend([format!("{small:.2}"), format!("{large:.2}"), format!("{:.1}x", large / small)]);

        let mut csv = String::from("Track Name,Artist Name(s),Album Name\n");
        for n in 0..10_000 {
            let (artist, title) = track(500_000 + n);
            csv.push_str(&format!("{title},{artist},Album {}\n", n / 12));
        }
        let t = Instant::now();
        let r = self
            .client
            .post(format!("{}/v1/playlists/import?name=Imported", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "import: {}", r.status());
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["counts"]["added"], 10_000);
        out.push(format!("{:.2}", t.elapsed().as_secs_f64()));

        for n in 0..1_000 {
            self.insert(&playlist(&self.owner, format!("library {n}"), 100, n * 100)).await;
        }
        let url = format!("{}/v1/library/search?q=artist1234%20band&limit=20", self.base);
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let body: Value =
                self.client.get(&url).bearer_auth(&self.token).send().await.unwrap().json().await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(!body["tracks"].as_array().unwrap().is_empty(), "the artist's tracks are found");
        }
        out.push(format!("{:.1}", pct(times, 0.5)));

        let target = playlist(&self.owner, "contended".into(), 0, 0);
        self.insert(&target).await;
        let t = Instant::now();
        let writers: Vec<_> = (0..64)
            .map(|w| {
                let (client, base, token, id) =
                    (self.client.clone(), self.base.clone(), self.token.clone(), target.meta.id.clone());
                tokio::spawn(async move {
                    for n in 0..10 {
                        let body =
                            json!({"tracks": [{"artist": "W", "title": format!("{w}-{n}")}], "on_duplicate": "allow"});
                        let r = client.post(format!("{base}/v1/playlists/{id}/items")).bearer_auth(&token).json(&body);
                        assert!(r.send().await.unwrap().status().is_success());
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        let secs = t.elapsed().as_secs_f64();
        let stored = self.store.playlist(&target.meta.id).await.unwrap().unwrap().items.len();
        out.push(format!("{:.0} ({} lost)", 640.0 / secs, 640 - stored));
        out
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut columns: Vec<(String, Figures)> = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let embedded: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        columns.push(("embedded".into(), Bench::start(embedded, None).await.run().await));
        if let Ok(uri) = std::env::var("SHARIFY_BENCH_MONGO_URI") {
            let database = format!("bench_{}", sharify::ids::new_id());
            let mongo = Arc::new(MongoStore::connect(&uri, &database).await.unwrap());
            let figures = Bench::start(mongo.clone(), Some(&uri)).await.run().await;
            mongo.drop_database().await.unwrap();
            columns.push(("MongoDB store".into(), figures));
        } else {
            println!("SHARIFY_BENCH_MONGO_URI is not set: the embedded store only");
        }
        println!("| workload | {} |", columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(" | "));
        println!("|---|{}", "---:|".repeat(columns.len()));
        for (i, row) in ROWS.iter().enumerate() {
            println!("| {row} | {} |", columns.iter().map(|c| c.1[i].as_str()).collect::<Vec<_>>().join(" | "));
        }
    });
}
