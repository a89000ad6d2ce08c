//! Two service processes on one MongoDB (the test server): the per-user request limit, the
//! failed-login throttle, the sign-up throttle and the background jobs hold across replicas.

use std::process::Stdio;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{eventually, free_port, http_client, mongo_uri, sharify_binary};

/// One replica: the real binary with its own ports.
struct Replica {
    base: String,
    admin: String,
    _child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl Replica {
    async fn start(database: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (port, admin) = (free_port(), free_port());
        let child = sharify_binary(dir.path(), port)
            .env("SHARIFY_ADMIN__BIND", format!("127.0.0.1:{admin}"))
            .env("SHARIFY_MONGO__URI", mongo_uri())
            .env("SHARIFY_MONGO__DATABASE", database)
            .env("SHARIFY_RATELIMIT__PER_MINUTE", "1")
            .env("SHARIFY_RATELIMIT__BURST", "10")
            .env("SHARIFY_RATELIMIT__SYNC_MS", "50")
            .env("SHARIFY_AUTH__MAX_FAILURES_PER_USER", "3")
            .env("SHARIFY_AUTH__SIGNUPS_PER_HOUR_PER_IP", "3")
            .env("SHARIFY_LASTFM__PENDING_RETRY_MS", "100")
            .env("SHARIFY_LOG__LEVEL", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let replica = Self {
            base: format!("http://127.0.0.1:{port}"),
            admin: format!("http://127.0.0.1:{admin}"),
            _child: child,
            _dir: dir,
        };
        let client = http_client();
        eventually(30, "the replica is ready", || async {
            let r = client.get(format!("{}/readyz", replica.admin)).send().await.ok()?;
            (r.status() == StatusCode::OK).then_some(())
        })
        .await;
        replica
    }

    async fn metric(&self, client: &Client, series: &str) -> f64 {
        let text = client.get(format!("{}/metrics", self.admin)).send().await.unwrap().text().await.unwrap();
        text.lines().filter_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok())).next().unwrap_or(0.0)
    }

    /// Waits until this replica has reconciled twice more (so it sent its counts and learned
    /// everyone's).
    async fn synced(&self, client: &Client) {
        let start = self.metric(client, "shared_limit_syncs_total").await;
        eventually(10, "two more reconciliations", || async {
            (self.metric(client, "shared_limit_syncs_total").await >= start + 2.0).then_some(())
        })
        .await;
    }

    async fn call(
        &self,
        client: &Client,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> StatusCode {
        let mut request = client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status()
    }
}

/// Waits, if needed, until at least 15 s remain in the current minute (the request window).
async fn not_near_a_minute_boundary() {
    eventually(20, "a fresh minute", || async { (chrono::Utc::now().timestamp() % 60 < 45).then_some(()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn limits_throttles_and_jobs_hold_across_two_replicas() {
    let database = format!("replicas_{}", sharify::ids::new_id());
    let (a, b) = (Replica::start(&database).await, Replica::start(&database).await);
    let client = http_client();
    let password = "correct horse battery";
    let sign_up = |name: &str| json!({"username": name, "password": password, "display_name": name});

    // Sign-ups: 3 per address per hour across both.
    assert_eq!(a.call(&client, Method::POST, "/v1/users", None, Some(sign_up("alice"))).await, StatusCode::CREATED);
    assert_eq!(a.call(&client, Method::POST, "/v1/users", None, Some(sign_up("bob"))).await, StatusCode::CREATED);
    a.synced(&client).await;
    b.synced(&client).await;
    assert_eq!(b.call(&client, Method::POST, "/v1/users", None, Some(sign_up("carol"))).await, StatusCode::CREATED);
    assert_eq!(
        b.call(&client, Method::POST, "/v1/users", None, Some(sign_up("dave"))).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth sign-up from one address, counted across replicas"
    );

    // Requests: per_minute + burst = 11 a minute for a user across both (10 a replica locally).
    let r = client
        .post(format!("{}/v1/auth/tokens", a.base))
        .json(&json!({"username": "alice", "password": password}))
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    // Each replica decides from what it knew at its last reconciliation: b has seen the user once,
    // so it reconciles the user's count from then on.
    not_near_a_minute_boundary().await;
    assert_eq!(b.call(&client, Method::GET, "/v1/me", Some(&token), None).await, StatusCode::OK);
    b.synced(&client).await;
    for _ in 0..5 {
        assert_eq!(a.call(&client, Method::GET, "/v1/me", Some(&token), None).await, StatusCode::OK);
    }
    a.synced(&client).await;
    b.synced(&client).await;
    let mut allowed_on_b = 0;
    for _ in 0..10 {
        if b.call(&client, Method::GET, "/v1/me", Some(&token), None).await == StatusCode::OK {
            allowed_on_b += 1;
        }
    }
    assert_eq!(allowed_on_b, 5, "b admits what is left of the shared 11 (1 + 5 used), not its own 10");

    // Failed logins: 3 on one replica lock the account on the other, correct password or not.
    for _ in 0..3 {
        let wrong = json!({"username": "bob", "password": "wrong password!"});
        assert_eq!(a.call(&client, Method::POST, "/v1/auth/tokens", None, Some(wrong)).await, StatusCode::UNAUTHORIZED);
    }
    a.synced(&client).await;
    b.synced(&client).await;
    let right = json!({"username": "bob", "password": password});
    assert_eq!(
        b.call(&client, Method::POST, "/v1/auth/tokens", None, Some(right)).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Jobs: exactly one replica runs the pending-enrichment job; both know there are two.
    eventually(10, "one job leader and two live replicas", || async {
        let leaders = a.metric(&client, "job_leader{job=\"pending_enrichment\"}").await
            + b.metric(&client, "job_leader{job=\"pending_enrichment\"}").await;
        let alive = (a.metric(&client, "replicas_alive").await, b.metric(&client, "replicas_alive").await);
        (leaders == 1.0 && alive == (2.0, 2.0)).then_some(())
    })
    .await;
}
