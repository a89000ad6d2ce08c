//! SIGTERM under load: every request the service accepted completes.

use std::{
    process::Stdio,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use serde_json::json;

use crate::{
    faults::{signed_in_with_playlist, status},
    helpers::{eventually, free_port, http_client, sharify_binary},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_fails_no_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = sharify_binary(dir.path(), port)
        .env("SHARIFY_SHUTDOWN__DELAY_SECS", "1")
        .env("SHARIFY_RATELIMIT__PER_MINUTE", "100000000")
        .env("SHARIFY_RATELIMIT__BURST", "10000000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let client = http_client();
    eventually(30, "the service answers", || async { status(&client, &format!("{base}/healthz")).await }).await;
    let (token, id) = signed_in_with_playlist(&client, &base).await;
    // A new connection per request: a refused connection then means "after the listener closed",
    // never a request the service had accepted.
    let fresh = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let failed: Arc<Mutex<Vec<String>>> = Arc::default();
    // Like a load balancer: new requests stop once readiness turns false.
    let stop = Arc::new(AtomicBool::new(false));
    let loads: Vec<_> = (0..8)
        .map(|n| {
            let (client, base, token, id) = (fresh.clone(), base.clone(), token.clone(), id.clone());
            let (served, failed, stop) = (served.clone(), failed.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let request = if n % 2 == 0 {
                        client.get(format!("{base}/v1/playlists/{id}")).bearer_auth(&token)
                    } else {
                        let title = format!("t{n}-{}", served.load(Ordering::SeqCst));
                        client
                            .post(format!("{base}/v1/playlists/{id}/items"))
                            .bearer_auth(&token)
                            .json(&json!({"tracks": [{"artist": "Load", "title": title}], "on_duplicate": "allow"}))
                    };
                    match request.send().await {
                        Ok(r) if r.status().is_success() => {
                            served.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(r) => failed.lock().unwrap().push(format!("status {}", r.status())),
                        Err(e) => failed.lock().unwrap().push(format!("{e:?}")),
                    }
                }
            })
        })
        .collect();
    eventually(10, "load flows", || async { (served.load(Ordering::SeqCst) >= 100).then_some(()) }).await;
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    eventually(1, "readiness turns false", || async {
        (status(&client, &format!("{base}/readyz")).await == Some(503)).then_some(())
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    for load in loads {
        load.await.unwrap();
    }
    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait()).await.expect("the process exits").unwrap();
    assert_eq!(exit.code(), Some(0));
    let failed = failed.lock().unwrap().clone();
    assert!(failed.is_empty(), "no request the service accepted failed: {failed:?}");
}
