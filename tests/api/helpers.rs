//! The test harness: a real server on a real port, on either backend, plus request helpers.

use std::{
    io::Write,
    net::SocketAddr,
    sync::{Arc, Mutex, OnceLock},
};

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};
use sharify::{
    app::Server,
    config::{Config, Secret},
    storage::{embedded::EmbeddedStore, mongo::MongoStore, Store},
};
use tokio::sync::oneshot;

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Mongo,
}

/// The MongoDB URI for tests; the Mongo half of the suite is compiled only when it is set.
pub fn mongo_uri() -> String {
    std::env::var("SHARIFY_TEST_MONGO_URI")
        .expect("SHARIFY_TEST_MONGO_URI must be set at run time as it was at build time")
}

/// A store of the given kind in a fresh temp dir or a fresh Mongo database, dropped afterwards.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub data_dir: tempfile::TempDir,
    pub mongo_db: Option<String>,
}

impl TestStore {
    pub async fn new(backend: Backend) -> Self {
        let data_dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Embedded => {
                let store = Arc::new(EmbeddedStore::open(data_dir.path()).unwrap());
                store.migrate().await.unwrap();
                Self { store, data_dir, mongo_db: None }
            }
            Backend::Mongo => {
                let db = format!("sharify_test_{}", uuid_like());
                let store = Arc::new(MongoStore::connect(&mongo_uri(), &db).await.unwrap());
                store.migrate().await.unwrap();
                Self { store, data_dir, mongo_db: Some(db) }
            }
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(db) = self.mongo_db.take() {
            // Drop the throwaway database on a separate runtime (Drop cannot await).
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(store) = MongoStore::connect(&mongo_uri(), &db).await {
                        let _ = store.drop_database().await;
                    }
                });
            })
            .join();
        }
    }
}

fn uuid_like() -> String {
    sharify::ids::new_id()
}

/// A running sharify on 127.0.0.1 with its own store.
pub struct TestApp {
    pub addr: SocketAddr,
    pub admin_addr: SocketAddr,
    pub metrics: sharify::metrics::Metrics,
    pub client: Client,
    pub store: TestStore,
    _stop: oneshot::Sender<()>,
}

/// A signed-up user with a token.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: String,
    pub username: String,
    pub password: String,
    pub token: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        init_log_capture();
        let store = TestStore::new(backend).await;
        let mut config = Config::default();
        config.http.bind = "127.0.0.1:0".parse().unwrap();
        config.admin.bind = "127.0.0.1:0".parse().unwrap();
        config.store.data_dir = store.data_dir.path().to_owned();
        // Deezer is on by default and would be searched for every matched track: tests that
        // want it point it at the fake (`use_fake_platforms`).
        config.deezer.enabled = false;
        // Tests run a schedule several times in a row (production: 60 s between runs).
        config.jobs.min_interval_secs = 1;
        if backend == Backend::Mongo {
            config.mongo.uri = Some(Secret::new(mongo_uri()));
        }
        tweak(&mut config);
        let server = Server::bind_with_store(config, store.store.clone()).await.unwrap();
        let addr = server.local_addr().unwrap();
        let metrics = server.state().metrics.clone();
        let admin_addr = server.admin_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        Self { addr, admin_addr, metrics, client: http_client(), store, _stop: stop }
    }

    /// Another service on this app's store, configured by `tweak` (as a second replica is):
    /// its base URL, and the switch that stops it when dropped.
    pub async fn replica(&self, tweak: impl FnOnce(&mut Config)) -> (String, oneshot::Sender<()>) {
        let mut config = Config::default();
        config.http.bind = "127.0.0.1:0".parse().unwrap();
        config.admin.bind = "127.0.0.1:0".parse().unwrap();
        let dir = tempfile::tempdir().unwrap().keep();
        config.store.data_dir = dir;
        config.deezer.enabled = false;
        tweak(&mut config);
        let server = Server::bind_with_store(config, self.store.store.clone()).await.unwrap();
        let base = format!("http://{}", server.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        (base, stop)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Signs up `username` with a strong password and gets a token.
    pub async fn user(&self, username: &str) -> TestUser {
        let password = format!("{username}-correct-horse-battery");
        let r = self
            .request(Method::POST, "/v1/users")
            .json(&json!({"username": username, "password": password, "display_name": username}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "sign-up of {username}: {}", r.text().await.unwrap());
        let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let r = self
            .request(Method::POST, "/v1/auth/tokens")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        TestUser { id, username: username.to_owned(), password, token }
    }

    /// A request authenticated with the user's bearer token.
    pub fn as_user(&self, user: &TestUser, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&user.token)
    }

    /// Creates a playlist and returns its id.
    pub async fn playlist(&self, owner: &TestUser, body: Value) -> String {
        let r = self.as_user(owner, Method::POST, "/v1/playlists").json(&body).send().await.unwrap();
        assert_eq!(r.status(), 201);
        r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
    }

    /// Adds tracks `(artist, title)` and returns the response body.
    pub async fn add(&self, user: &TestUser, playlist: &str, tracks: &[(&str, &str)]) -> Value {
        let tracks: Vec<Value> = tracks.iter().map(|(a, t)| json!({"artist": a, "title": t})).collect();
        let r = self
            .as_user(user, Method::POST, &format!("/v1/playlists/{playlist}/items"))
            .json(&json!({ "tracks": tracks }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    /// Reads a playlist as its owner.
    pub async fn get_playlist(&self, user: &TestUser, playlist: &str) -> Value {
        self.get_json(user, &format!("/v1/playlists/{playlist}")).await
    }

    /// A GET as `user` that must answer 200, as JSON.
    pub async fn get_json(&self, user: &TestUser, path: &str) -> Value {
        let r = self.as_user(user, Method::GET, path).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }
}

/// Asserts the response has `status` and the JSON error body with `code`; returns the body.
pub async fn assert_error(r: Response, status: u16, code: &str) -> Value {
    let got = r.status().as_u16();
    let request_id = r.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("error body is not JSON: {text}"));
    assert_eq!(body["error"]["code"], code, "body: {text}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "body: {text}");
    assert_eq!(body["error"]["request_id"].as_str(), request_id.as_deref(), "request id echoed");
    body
}

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures every log line (sharify at trace, the rest at debug) for the whole test process.
pub fn init_log_capture() {
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter("sharify=trace,tower_http=trace,axum=trace,debug")
            .with_writer(move || Capture(writer.clone()))
            .try_init();
        buf
    });
}

/// Everything logged so far in this test process.
pub fn captured_logs() -> String {
    LOGS.get().map(|b| String::from_utf8_lossy(&b.lock().unwrap()).into_owned()).unwrap_or_default()
}

/// Generates one test per backend for each `async fn name(backend: Backend)` listed.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Embedded).await
                }
            )*
        }
        mod mongo {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                #[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Mongo).await
                }
            )*
        }
    };
}

/// Points the app at a fake Last.fm with test-friendly timings (fast retries, short cool-down,
/// quick pending retries, a rate limit high enough not to matter unless a test sets one).
pub fn use_fake_lastfm(c: &mut Config, fake: &crate::lastfm_fake::FakeLastfm) {
    c.lastfm.api_key = Some(Secret::new(crate::lastfm_fake::FAKE_KEY));
    c.lastfm.base_url = fake.base_url.clone();
    c.lastfm.retry_base_ms = 5;
    c.lastfm.breaker_cooldown_ms = 200;
    c.lastfm.pending_retry_ms = 100;
    c.lastfm.rate_per_sec = 1000.0;
    c.lastfm.burst = 100;
    c.lastfm.timeout_ms = 2000;
}

/// Polls `check` every 25 ms until it returns `Some`, or panics after `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {secs}s waiting for: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// The enrichment states of a playlist's items, in order.
pub fn states(playlist: &Value) -> Vec<String> {
    playlist["items"].as_array().unwrap().iter().map(|i| i["enrichment"].as_str().unwrap().to_owned()).collect()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real binary with a clean environment, serving on 127.0.0.1:`port` with its store in `dir`
/// (admin port ephemeral); add env vars and spawn.
pub fn sharify_binary(dir: &std::path::Path, port: u16) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sharify"));
    command
        .env_clear()
        .env("SHARIFY_HTTP__BIND", format!("127.0.0.1:{port}"))
        .env("SHARIFY_ADMIN__BIND", "127.0.0.1:0")
        .env("SHARIFY_STORE__DATA_DIR", dir)
        .env("SHARIFY_DEEZER__ENABLED", "false");
    command
}

/// An HTTP client for tests (the process's TLS provider installed first, as the service does).
pub fn http_client() -> Client {
    sharify::tls::install_crypto_provider();
    Client::new()
}
