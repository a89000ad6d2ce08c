//! Fault injection: MongoDB connections cut and restored mid-load through a TCP proxy, and the
//! service killed and restarted mid-load on the embedded store. No acknowledged write is lost or
//! half-done; readiness follows the store and recovers without a restart.

use std::{
    net::SocketAddr,
    process::Stdio,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::Client;
use serde_json::{json, Value};
use sharify::{
    app::Server,
    config::{Config, Secret},
    storage::{mongo::MongoStore, Store},
};
use tokio::{net::TcpListener, task::AbortHandle};

use crate::helpers::{eventually, free_port, http_client, mongo_uri, sharify_binary};

/// A TCP proxy that can cut every connection and refuse new ones, then let them through again.
struct FaultProxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl FaultProxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (up2, conns2) = (up.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                conns2.lock().unwrap().push(task.abort_handle());
            }
        });
        Self { addr, up, connections }
    }

    /// Closes every connection and refuses new ones.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for c in self.connections.lock().unwrap().drain(..) {
            c.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `host:port` of the MongoDB test server (after any `user:password@`).
fn mongo_target() -> String {
    let uri = mongo_uri();
    let rest = uri.trim_start_matches("mongodb://");
    let hosts = rest.split(['/', '?']).next().unwrap();
    hosts.rsplit('@').next().unwrap().to_owned()
}

/// The test server's URI with its credentials and options, pointed at `addr` instead, giving up
/// on server selection after 2 s.
fn mongo_uri_via(addr: SocketAddr) -> String {
    fast_selection(&mongo_uri().replacen(&mongo_target(), &addr.to_string(), 1))
}

/// `uri`, giving up on server selection after 2 s (a retried write may wait twice).
pub fn fast_selection(uri: &str) -> String {
    let uri = if uri.contains('?') {
        uri.to_owned()
    } else if uri.ends_with('/') {
        format!("{uri}?")
    } else {
        format!("{uri}/?")
    };
    format!("{uri}{}serverSelectionTimeoutMS=2000", if uri.ends_with('?') { "" } else { "&" })
}

/// Signs a user up and in on the service at `base` and creates a playlist: (token, playlist id).
pub async fn signed_in_with_playlist(client: &Client, base: &str) -> (String, String) {
    let body = json!({"username": "loader", "password": "correct horse battery", "display_name": "L"});
    assert_eq!(client.post(format!("{base}/v1/users")).json(&body).send().await.unwrap().status(), 201);
    let login = client
        .post(format!("{base}/v1/auth/tokens"))
        .json(&json!({"username": "loader", "password": "correct horse battery"}));
    let token = login.send().await.unwrap().json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let r = client.post(format!("{base}/v1/playlists")).bearer_auth(&token).json(&json!({"name": "load"}));
    let id = r.send().await.unwrap().json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    (token, id)
}

/// The status of a GET, if anything answered.
pub async fn status(client: &Client, url: &str) -> Option<u16> {
    client.get(url).send().await.ok().map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn mongodb_cut_and_restored_mid_load_loses_no_acknowledged_write() {
    let proxy = Arc::new(FaultProxy::start(mongo_target()).await);
    let (cut, restore) = (proxy.clone(), proxy.clone());
    store_outage_mid_load(
        mongo_uri_via(proxy.addr),
        Box::pin(async move { cut.cut() }),
        Box::pin(async move { restore.restore() }),
    )
    .await;
}

/// A step of an outage scenario.
pub type Step = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Four writers add tracks to one playlist on a service using the MongoDB store at `uri`; `cut`
/// takes the store away mid-load and `restore` brings it back. Readiness and writes must turn
/// 503 fast, recover without a restart, and every acknowledged add must be there, nothing
/// half-done.
pub async fn store_outage_mid_load(uri: String, cut: Step, restore: Step) {
    let database = format!("faults_{}", sharify::ids::new_id());
    let store: Arc<dyn Store> = Arc::new(MongoStore::connect(&uri, &database).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.http.bind = "127.0.0.1:0".parse().unwrap();
    config.admin.bind = "127.0.0.1:0".parse().unwrap();
    config.store.data_dir = dir.path().to_owned();
    config.mongo.uri = Some(Secret::new(uri));
    let server = Server::bind_with_store(config, store).await.unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    let ready = format!("http://{}/readyz", server.admin_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    let client = http_client();
    let (token, id) = signed_in_with_playlist(&client, &base).await;

    // Writers add tracks one at a time and remember what was acknowledged.
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let failures: Arc<Mutex<Vec<(u16, Duration)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (client, base, token, id) = (client.clone(), base.clone(), token.clone(), id.clone());
            let (acknowledged, failures, stop) = (acknowledged.clone(), failures.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let title = format!("w{w}-{n}");
                    n += 1;
                    let started = Instant::now();
                    let r = client
                        .post(format!("{base}/v1/playlists/{id}/items"))
                        .bearer_auth(&token)
                        .json(&json!({"tracks": [{"artist": "Load", "title": title}], "on_duplicate": "allow"}))
                        .send()
                        .await;
                    match r.map(|r| r.status().as_u16()) {
                        Ok(200) => acknowledged.lock().unwrap().push(title),
                        Ok(code) => failures.lock().unwrap().push((code, started.elapsed())),
                        Err(_) => failures.lock().unwrap().push((0, started.elapsed())),
                    }
                }
            })
        })
        .collect();
    eventually(10, "writes flow", || async { (acknowledged.lock().unwrap().len() >= 20).then_some(()) }).await;

    cut.await;
    let cut_at = Instant::now();
    eventually(5, "/readyz turns false within 5 s", || async {
        (status(&client, &ready).await == Some(503)).then_some(())
    })
    .await;
    assert!(cut_at.elapsed() < Duration::from_secs(5));
    eventually(10, "writes fail with 503 while the store is away", || async {
        failures.lock().unwrap().iter().any(|(code, _)| *code == 503).then_some(())
    })
    .await;
    let during = acknowledged.lock().unwrap().len();

    restore.await;
    eventually(30, "/readyz recovers without a restart", || async {
        (status(&client, &ready).await == Some(200)).then_some(())
    })
    .await;
    eventually(30, "writes flow again", || async { (acknowledged.lock().unwrap().len() >= during + 20).then_some(()) })
        .await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }

    let failures = failures.lock().unwrap().clone();
    assert!(failures.iter().all(|(code, _)| *code == 503), "only 503s while the store was away: {failures:?}");
    assert!(failures.iter().all(|(_, took)| *took < Duration::from_secs(10)), "they failed fast: {failures:?}");
    let mut titles = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/playlists/{id}/items?limit=100");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client.get(url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        titles.extend(page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    for title in &acknowledged {
        assert!(titles.contains(title), "acknowledged add {title} is in the playlist");
    }
    let p: Value =
        client.get(format!("{base}/v1/playlists/{id}")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        p["item_count"].as_u64().unwrap() as usize,
        titles.len(),
        "the count matches the items: nothing half-done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_mid_load_on_the_embedded_store_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = http_client();
    let start = || {
        sharify_binary(dir.path(), port).stdout(Stdio::null()).stderr(Stdio::null()).kill_on_drop(true).spawn().unwrap()
    };
    let mut child = start();
    eventually(30, "the service answers", || async { status(&client, &format!("{base}/healthz")).await }).await;
    let (token, id) = signed_in_with_playlist(&client, &base).await;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (client, base, token, id, acknowledged) =
                (client.clone(), base.clone(), token.clone(), id.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let title = format!("w{w}-{n}");
                    let r = client
                        .post(format!("{base}/v1/playlists/{id}/items"))
                        .bearer_auth(&token)
                        .json(&json!({"tracks": [{"artist": "Load", "title": title}], "on_duplicate": "allow"}))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status() == 200 => acknowledged.lock().unwrap().push(title),
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    eventually(10, "writes flow", || async { (acknowledged.lock().unwrap().len() >= 50).then_some(()) }).await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let _restarted = start();
    eventually(30, "the service is back", || async {
        status(&client, &format!("{base}/readyz")).await.filter(|s| *s == 200)
    })
    .await;
    let r = client.get(format!("{base}/v1/playlists/{id}?items_limit=1000")).bearer_auth(&token).send().await.unwrap();
    let p: Value = r.json().await.unwrap();
    let titles: Vec<&str> = p["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    for title in &acknowledged {
        assert!(titles.contains(&title.as_str()), "acknowledged add {title} survived the kill");
    }
    assert_eq!(p["item_count"].as_u64().unwrap() as usize, titles.len(), "nothing half-done");
}
