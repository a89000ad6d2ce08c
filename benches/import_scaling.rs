//! Import cost grows with the file, not its square (issue 29): for each format, a file of 5,000
//! and of 10,000 tracks imported through the real HTTP server (embedded store, no Last.fm), and
//! a 40,000-track file refused. Targets: 10,000 at most 2× the time of 5,000; refusing 40,000
//! at most 2× the time of importing 10,000. Median of 5 runs (3 for the refusal), one process.
//!
//! Run: `cargo bench --bench import_scaling`

mod common;

use std::{sync::Arc, time::Instant};

use serde_json::{json, Value};
use sharify::storage::{embedded::EmbeddedStore, Store};

fn file(format: &str, n: usize) -> String {
    let tracks = (0..n).map(|i| (format!("Artist {} & Co", i % 700), format!("Title number {i} (live)")));
    match format {
        "csv" => std::iter::once("Track Name,Artist Name(s),Album Name\n".to_owned())
            .chain(tracks.map(|(a, t)| format!("{t},{a},Album\n")))
            .collect(),
        "m3u" => std::iter::once("#EXTM3U\n".to_owned())
            .chain(tracks.enumerate().map(|(i, (a, t))| format!("#EXTINF:200,{a} - {t}\n/music/{i}.mp3\n")))
            .collect(),
        "jspf" => {
            let items: Vec<String> =
                tracks.map(|(a, t)| json!({"creator": a, "title": t, "duration": 200_000}).to_string()).collect();
            format!("{{\"playlist\": {{\"title\": \"x\", \"track\": [\n{}\n]}}}}", items.join(",\n"))
        }
        _ => {
            let items: String = tracks
                .map(|(a, t)| (a.replace('&', "&amp;"), t))
                .map(|(a, t)| {
                    format!("  <track><creator>{a}</creator><title>{t}</title><duration>200000</duration></track>\n")
                })
                .collect();
            format!("<?xml version=\"1.0\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>\n{items}</trackList></playlist>\n")
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
        let common::Served { base, client, token } =
            common::serve(store, |c| c.import.max_bytes = 64 * 1024 * 1024).await;
        let import = |body: String| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            async move {
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/v1/playlists/import"))
                    .bearer_auth(&token)
                    .header("content-type", "text/plain")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                let body: Value = r.json().await.unwrap();
                (t.elapsed().as_secs_f64() * 1000.0, status, body)
            }
        };
        let mut ok = true;
        println!("| format | 5,000 ms | 10,000 ms | ratio (≤ 2) | refuse 40,000 ms | ÷ 10,000 (≤ 2) |");
        println!("|---|---:|---:|---:|---:|---:|");
        for format in ["csv", "m3u", "jspf", "xspf"] {
            let mut ms: Vec<f64> = Vec::new();
            // Interleaved, so both sizes meet a store of the same size (earlier imports stay).
            let mut runs = [Vec::new(), Vec::new()];
            for _ in 0..5 {
                for (slot, n) in [5_000, 10_000].into_iter().enumerate() {
                    let (took, status, body) = import(file(format, n)).await;
                    assert_eq!(status, 201, "{format} {n}: {body}");
                    assert_eq!(body["counts"]["added"], n, "{format} {n}");
                    runs[slot].push(took);
                }
            }
            ms.extend(runs.map(median));
            let mut runs = Vec::new();
            for _ in 0..3 {
                let (took, status, body) = import(file(format, 40_000)).await;
                assert_eq!((status, body["error"]["code"].as_str()), (422, Some("playlist_full")), "{format}: {body}");
                runs.push(took);
            }
            let refuse = median(runs);
            let (ratio, refuse_ratio) = (ms[1] / ms[0], refuse / ms[1]);
            ok &= ratio <= 2.0 && refuse_ratio <= 2.0;
            println!("| {format} | {:.0} | {:.0} | {ratio:.2} | {refuse:.0} | {refuse_ratio:.2} |", ms[0], ms[1]);
        }
        assert!(ok, "a target was missed");
    });
}
