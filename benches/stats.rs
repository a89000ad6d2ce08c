//! Listening-stats benchmark (issue 16): imports 100,000 listens for one user (two years of
//! plays, 2,000 tracks by 200 artists, in batches of 200 as the Last.fm import writes them), then
//! answers each stats period, best of 5. Target: every period under 200 ms on the embedded store.
//! With SHARIFY_TEST_MONGO_URI set it runs on that MongoDB too, with 20,000 listens: the wire
//! double is an in-memory Python server, not a speed reference (100,000 take it minutes to
//! import and its largest reads time out); its figures are reported, not judged.
//!
//! Run: `cargo bench --bench stats`

use std::{sync::Arc, time::Instant};

use chrono::{Duration, Utc};
use sharify::{
    app::AppState,
    config::Config,
    listens::{
        model::Listen,
        stats::{self, Period},
    },
    playlists::normalize::track_key,
    storage::{embedded::EmbeddedStore, mongo::MongoStore, Store},
    users::model::User,
};

const LISTENS: usize = 100_000;
const BATCH: usize = 200;
const TARGET_MS: f64 = 200.0;

fn listens(count: usize) -> Vec<Listen> {
    let now = Utc::now();
    (0..count)
        .map(|n| {
            let track = (n * 7919) % 2_000;
            let (artist, title) = (format!("Artist {}", track % 200), format!("Song {track}"));
            Listen {
                at: now - Duration::seconds((n as i64) * 630),
                track_key: track_key(&artist, &title),
                artist,
                title,
                album: None,
                source: "lastfm".into(),
            }
        })
        .collect()
}

async fn run(label: &str, store: Arc<dyn Store>, count: usize, judged: bool) -> bool {
    store.migrate().await.unwrap();
    let user = User {
        id: sharify::ids::new_id(),
        username: "bench".into(),
        display_name: "bench".into(),
        password_hash: String::new(),
        created_at: Utc::now(),
        deleted_at: None,
        timezone: "Europe/Paris".into(),
    };
    let state = AppState::new(Config::default(), store);
    let all = listens(count);
    let started = Instant::now();
    let mut written = 0;
    for batch in all.chunks(BATCH) {
        written += state.store.add_listens(&user.id, batch, 600).await.unwrap();
    }
    let import = started.elapsed();
    assert_eq!(written as usize, count, "every listen stored once");
    println!(
        "{label}: imported {count} listens in {:.1} s ({:.0}/s)",
        import.as_secs_f64(),
        count as f64 / import.as_secs_f64()
    );
    let mut ok = true;
    for period in [Period::Week, Period::Month, Period::Quarter, Period::Year, Period::All] {
        let mut best = f64::MAX;
        let mut listened = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let s = stats::compute(state.store.as_ref(), &user, period).await.unwrap();
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            listened = s.listens;
        }
        let verdict = if !judged {
            "reported"
        } else if best < TARGET_MS {
            "ok"
        } else {
            ok = false;
            "MISSED"
        };
        println!("{label}: stats {period:?}: {listened} listens in {best:.1} ms (target < {TARGET_MS} ms) {verdict}");
    }
    ok
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let embedded: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let ok = run("embedded", embedded, LISTENS, true).await;
        if let Ok(uri) = std::env::var("SHARIFY_TEST_MONGO_URI") {
            let database = format!("bench_{}", sharify::ids::new_id());
            let mongo = Arc::new(MongoStore::connect(&uri, &database).await.unwrap());
            run("mongo double", mongo.clone(), 20_000, false).await;
            mongo.drop_database().await.unwrap();
        }
        assert!(ok, "a stats period missed its target");
    });
}
