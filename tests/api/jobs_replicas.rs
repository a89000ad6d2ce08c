//! Background work across processes: two real service processes on one MongoDB (the wire double;
//! the embedded store serves one process) start each due run exactly once; a holder killed
//! mid-run is taken over when its lease expires, with no effect doubled; a webhook delivery cut
//! short by a killed process is finished by the other, under the same `webhook-id`. And `sharify
//! jobs run-due` as a Kubernetes CronJob runs it, exiting non-zero when a run fails.

use std::process::Stdio;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    helpers::{eventually, free_port, http_client, mongo_uri, sharify_binary},
    jobs_common::world,
    lastfm_fake::{FakeLastfm, FAKE_KEY},
};

/// One service process on the shared database, with quick scheduler settings.
struct Process {
    base: String,
    child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl Process {
    /// A process on the shared MongoDB database, with quick scheduler settings.
    async fn start(database: &str, lastfm: &FakeLastfm) -> Self {
        let env = [
            ("SHARIFY_MONGO__URI", mongo_uri()),
            ("SHARIFY_MONGO__DATABASE", database.to_owned()),
            ("SHARIFY_LASTFM__API_KEY", FAKE_KEY.to_owned()),
            ("SHARIFY_LASTFM__BASE_URL", lastfm.base_url.clone()),
            ("SHARIFY_LASTFM__TIMEOUT_MS", "600000".to_owned()),
            ("SHARIFY_JOBS__TICK_SECS", "1".to_owned()),
            ("SHARIFY_JOBS__LEASE_SECS", "3".to_owned()),
            ("SHARIFY_JOBS__MIN_INTERVAL_SECS", "1".to_owned()),
        ];
        Self::spawn(&env).await
    }

    /// The binary with `env` on top of the defaults (embedded store in its own directory), ready.
    async fn spawn(env: &[(&str, String)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (port, admin) = (free_port(), free_port());
        let mut command = sharify_binary(dir.path(), port);
        command.env("SHARIFY_ADMIN__BIND", format!("127.0.0.1:{admin}")).env("SHARIFY_LOG__LEVEL", "warn");
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.stdout(Stdio::null()).stderr(Stdio::null()).kill_on_drop(true).spawn().unwrap();
        let client = http_client();
        let admin_url = format!("http://127.0.0.1:{admin}/readyz");
        eventually(30, "the process is ready", || async {
            let r = client.get(&admin_url).send().await.ok()?;
            (r.status() == StatusCode::OK).then_some(())
        })
        .await;
        Self { base: format!("http://127.0.0.1:{port}"), child, _dir: dir }
    }
}

/// Signs up and returns a token.
async fn token(base: &str, username: &str) -> String {
    let client = http_client();
    let password = format!("{username}-correct-horse-battery");
    let r = client
        .post(format!("{base}/v1/users"))
        .json(&json!({"username": username, "password": password, "display_name": username}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = client
        .post(format!("{base}/v1/auth/tokens"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn call(base: &str, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let mut r = http_client().request(method, format!("{base}{path}")).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn two_processes_start_each_due_run_exactly_once() {
    let database = format!("jobs_{}", sharify::ids::new_id());
    let lastfm = FakeLastfm::start().await;
    lastfm.set_world(world());
    let (a, b) = (Process::start(&database, &lastfm).await, Process::start(&database, &lastfm).await);
    let alice = token(&a.base, "alice").await;
    let dest = call(&a.base, &alice, Method::POST, "/v1/playlists", Some(json!({"name": "Top"}))).await;
    let dest = dest["id"].as_str().unwrap().to_owned();
    // Each execution reads the Last.fm chart once: the fake counts executions.
    let s = call(
        &a.base,
        &alice,
        Method::POST,
        "/v1/schedules",
        Some(json!({"kind": "sync", "interval_secs": 1,
        "params": {"source": {"lastfm": "testuser", "tracks": "top"}, "destination": dest, "mode": "add"}})),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    eventually(60, "eight finished runs", || async {
        let runs = call(&b.base, &alice, Method::GET, &format!("/v1/schedules/{id}/runs?limit=100"), None).await
            ["runs"]
            .clone();
        let done = runs.as_array().unwrap().iter().filter(|r| r["status"] != "running").count();
        (done >= 8).then_some(())
    })
    .await;
    call(&a.base, &alice, Method::PATCH, &format!("/v1/schedules/{id}"), Some(json!({"enabled": false}))).await;
    let runs = eventually(10, "no run in progress", || async {
        let runs = call(&b.base, &alice, Method::GET, &format!("/v1/schedules/{id}/runs?limit=100"), None).await
            ["runs"]
            .clone();
        runs.as_array().unwrap().iter().all(|r| r["status"] != "running").then_some(runs)
    })
    .await;
    let list = runs.as_array().unwrap();
    let mut periods: Vec<&str> = list.iter().map(|r| r["period"].as_str().unwrap()).collect();
    let total = periods.len();
    periods.sort_unstable();
    periods.dedup();
    assert_eq!(periods.len(), total, "no due run started twice: {runs}");
    assert!(list.iter().all(|r| r["status"] == "succeeded"), "{runs}");
    assert_eq!(lastfm.calls("user.getWeeklyTrackChart"), total, "one execution per run, {total} runs");
    let holders: std::collections::BTreeSet<&str> = list.iter().map(|r| r["holder"].as_str().unwrap()).collect();
    assert!(!holders.is_empty());
    let items = call(&a.base, &alice, Method::GET, &format!("/v1/playlists/{dest}"), None).await["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 2, "the chart's two tracks, once: {items}");
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn a_killed_holders_run_is_taken_over_without_a_doubled_effect() {
    let database = format!("jobs_{}", sharify::ids::new_id());
    let lastfm = FakeLastfm::start().await;
    lastfm.set_world(world());
    let mut a = Process::start(&database, &lastfm).await;
    let alice = token(&a.base, "alice").await;
    lastfm.hang_next(1);
    let s = call(
        &a.base,
        &alice,
        Method::POST,
        "/v1/schedules",
        Some(json!({"kind": "sync", "interval_secs": 1,
        "params": {"source": {"lastfm": "testuser", "tracks": "top"},
                   "destination": {"snapshot": {"name_template": "Chart {date}"}}}})),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    // A claims the run and hangs on Last.fm, renewing its lease.
    eventually(20, "A's run waiting on Last.fm", || async {
        (lastfm.calls("user.getWeeklyTrackChart") == 1).then_some(())
    })
    .await;
    let b = Process::start(&database, &lastfm).await;
    let held = call(&b.base, &alice, Method::GET, &format!("/v1/schedules/{id}/runs"), None).await["runs"].clone();
    assert_eq!(held[0]["status"], "running", "{held}");
    let period = held[0]["period"].as_str().unwrap().to_owned();
    assert_eq!(lastfm.calls("user.getWeeklyTrackChart"), 1, "B has not run what A holds");
    a.child.kill().await.unwrap();
    let runs = eventually(30, "B took the run over", || async {
        let runs = call(&b.base, &alice, Method::GET, &format!("/v1/schedules/{id}/runs?limit=100"), None).await
            ["runs"]
            .clone();
        runs.as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "succeeded" && r["period"] == period.as_str())
            .then_some(runs)
    })
    .await;
    let abandoned = runs.as_array().unwrap().iter().find(|r| r["status"] == "failed").unwrap();
    assert_eq!(abandoned["period"], period.as_str(), "{runs}");
    assert!(abandoned["error"].as_str().unwrap().contains("taken over"), "{runs}");
    // Let B run it a few more times, then stop it: one snapshot, its two tracks once.
    eventually(30, "two more runs", || async {
        let runs = call(&b.base, &alice, Method::GET, &format!("/v1/schedules/{id}/runs?limit=100"), None).await
            ["runs"]
            .clone();
        (runs.as_array().unwrap().iter().filter(|r| r["status"] == "succeeded").count() >= 3).then_some(())
    })
    .await;
    call(&b.base, &alice, Method::PATCH, &format!("/v1/schedules/{id}"), Some(json!({"enabled": false}))).await;
    let lists = call(&b.base, &alice, Method::GET, "/v1/playlists", None).await["playlists"].clone();
    assert_eq!(lists.as_array().unwrap().len(), 1, "one snapshot: {lists}");
    let pid = lists[0]["id"].as_str().unwrap();
    let items = call(&b.base, &alice, Method::GET, &format!("/v1/playlists/{pid}"), None).await["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 2, "no track twice: {items}");
}

/// `sharify jobs …` on the embedded store of a stopped service, as a CronJob runs it.
fn jobs_cli(dir: &std::path::Path, lastfm: &FakeLastfm, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sharify"))
        .env_clear()
        .env("SHARIFY_STORE__DATA_DIR", dir)
        .env("SHARIFY_DEEZER__ENABLED", "false")
        .env("SHARIFY_LASTFM__API_KEY", FAKE_KEY)
        .env("SHARIFY_LASTFM__BASE_URL", &lastfm.base_url)
        .env("SHARIFY_LOG__LEVEL", "warn")
        .arg("jobs")
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn jobs_run_due_runs_what_is_due_and_fails_loudly() {
    let lastfm = FakeLastfm::start().await;
    lastfm.set_world(world());
    let mut server = Process::spawn(&[
        ("SHARIFY_JOBS__IN_PROCESS", "false".to_owned()),
        ("SHARIFY_JOBS__MIN_INTERVAL_SECS", "1".to_owned()),
    ])
    .await;
    let base = server.base.clone();
    let alice = token(&base, "alice").await;
    let source =
        call(&base, &alice, Method::POST, "/v1/playlists", Some(json!({"name": "Source"}))).await["id"].clone();
    let source = source.as_str().unwrap();
    call(
        &base,
        &alice,
        Method::POST,
        &format!("/v1/playlists/{source}/items"),
        Some(json!({"tracks": [{"artist": "Radiohead", "title": "Radiohead Song 1"}]})),
    )
    .await;
    let good = call(
        &base,
        &alice,
        Method::POST,
        "/v1/schedules",
        Some(json!({"kind": "sync", "interval_secs": 1,
        "params": {"source": source, "destination": {"snapshot": {"name_template": "Copy {date}"}}}})),
    )
    .await;
    let good = good["id"].as_str().unwrap().to_owned();
    let failing = call(
        &base,
        &alice,
        Method::POST,
        "/v1/schedules",
        Some(json!({"kind": "listens", "interval_secs": 1,
        "params": {"source": "lastfm"}})),
    )
    .await;
    let failing = failing["id"].as_str().unwrap().to_owned();
    // The service ran nothing itself (jobs.in_process=false).
    let runs = call(&base, &alice, Method::GET, &format!("/v1/schedules/{good}/runs"), None).await;
    assert_eq!(runs["runs"], json!([]));
    server.child.kill().await.unwrap();
    let dir = &server._dir;
    // Run it as a CronJob would, until each schedule has come due once; every invocation's exit
    // status follows its runs (non-zero when one failed).
    let (mut good_ran, mut failing_ran) = (false, false);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(good_ran && failing_ran) {
        assert!(std::time::Instant::now() < deadline, "both schedules came due within 30 s");
        let out = jobs_cli(dir.path(), &lastfm, &["run-due"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(stdout.contains("background passes"), "{stdout}");
        let failed_here = stdout.contains(&format!("{failing} "));
        assert_eq!(out.status.success(), !failed_here, "exit status follows the runs: {stdout}");
        if failed_here {
            assert!(stdout.contains("link your Last.fm"), "the failure says why: {stdout}");
            failing_ran = true;
        }
        if stdout.contains(&format!("{good} ")) {
            assert!(stdout.lines().any(|l| l.starts_with(&good) && l.contains("succeeded")), "{stdout}");
            good_ran = true;
        }
    }
    let list = jobs_cli(dir.path(), &lastfm, &["list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success() && listed.contains("2 schedule(s)") && listed.contains("every 1s"), "{listed}");
    assert!(listed.contains(&good) && listed.contains(&failing), "{listed}");
    let once = jobs_cli(dir.path(), &lastfm, &["run", &good]);
    assert!(once.status.success(), "{}", String::from_utf8_lossy(&once.stdout));
    let history = jobs_cli(dir.path(), &lastfm, &["history", &good]);
    let shown = String::from_utf8_lossy(&history.stdout);
    assert!(history.status.success() && shown.contains("succeeded"), "{shown}");
    let missing = jobs_cli(dir.path(), &lastfm, &["run", "nope"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no schedule nope"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn a_delivery_cut_short_by_a_killed_process_is_finished_by_another() {
    let database = format!("hooks_{}", sharify::ids::new_id());
    let receiver = crate::webhook_receiver::Receiver::start().await;
    let env = |db: &str| {
        vec![
            ("SHARIFY_MONGO__URI", mongo_uri()),
            ("SHARIFY_MONGO__DATABASE", db.to_owned()),
            ("SHARIFY_WEBHOOKS__ALLOW_INSECURE_TARGETS", "true".to_owned()),
            ("SHARIFY_WEBHOOKS__TIMEOUT_SECS", "1".to_owned()),
            ("SHARIFY_WEBHOOKS__RETRY_BASE_SECS", "1".to_owned()),
        ]
    };
    let mut a = Process::spawn(&env(&database)).await;
    let owner = token(&a.base, "owner").await;
    let id = call(&a.base, &owner, Method::POST, "/v1/playlists", Some(json!({"name": "Hooked"}))).await["id"].clone();
    let id = id.as_str().unwrap().to_owned();
    call(
        &a.base,
        &owner,
        Method::POST,
        &format!("/v1/playlists/{id}/webhooks"),
        Some(json!({"url": receiver.url, "events": ["*"]})),
    )
    .await;
    // A is sending the first event when it dies: the receiver saw it and never answered.
    receiver.hang_next(1);
    call(
        &a.base,
        &owner,
        Method::POST,
        &format!("/v1/playlists/{id}/items"),
        Some(json!({"tracks": [{"artist": "A", "title": "one"}]})),
    )
    .await;
    eventually(20, "A's delivery in flight", || async { (!receiver.received().is_empty()).then_some(()) }).await;
    a.child.kill().await.unwrap();
    let b = Process::spawn(&env(&database)).await;
    call(&b.base, &owner, Method::PATCH, &format!("/v1/playlists/{id}"), Some(json!({"name": "Hooked 2"}))).await;
    let acked = eventually(30, "both events acknowledged", || async {
        let acked = receiver.acknowledged();
        (acked.len() >= 2).then_some(acked)
    })
    .await;
    let first = receiver.received()[0].clone();
    assert_eq!(acked[0].id, first.id, "the repeat carries the same webhook-id");
    let types: Vec<String> = acked
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["items.added", "playlist.updated"], "nothing lost, in order");
    let ids: std::collections::BTreeSet<&str> = acked.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), acked.len(), "each event acknowledged once");
}
