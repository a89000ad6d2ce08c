//! What the HTTP benchmarks share: the real server on a given store, with rate limits out of the
//! way, and a signed-up, signed-in user "bench".

use std::sync::Arc;

use reqwest::Client;
use serde_json::{json, Value};
use sharify::{app::Server, config::Config, storage::Store};

/// A running server and a signed-in client of it.
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client with room for many connections.
    pub client: Client,
    /// The bench user's bearer token.
    pub token: String,
}

/// Serves `store` (migrated first) on loopback with `tweak`ed settings; signs "bench" up and in.
pub async fn serve(store: Arc<dyn Store>, tweak: impl FnOnce(&mut Config)) -> Served {
    store.migrate().await.unwrap();
    let mut config = Config::default();
    config.http.bind = "127.0.0.1:0".parse().unwrap();
    config.admin.bind = "127.0.0.1:0".parse().unwrap();
    config.store.data_dir = tempfile::tempdir().unwrap().keep();
    config.deezer.enabled = false;
    config.ratelimit.per_minute = 100_000_000;
    config.ratelimit.burst = 10_000_000;
    tweak(&mut config);
    let server = Server::bind_with_store(config, store).await.unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    sharify::tls::install_crypto_provider();
    let client = Client::builder().pool_max_idle_per_host(128).build().unwrap();
    let password = "bench password 1234";
    let user = json!({"username": "bench", "password": password, "display_name": "b"});
    assert!(client.post(format!("{base}/v1/users")).json(&user).send().await.unwrap().status().is_success());
    let login = json!({"username": "bench", "password": password});
    let r: Value =
        client.post(format!("{base}/v1/auth/tokens")).json(&login).send().await.unwrap().json().await.unwrap();
    let token = r["token"].as_str().unwrap().to_owned();
    Served { base, client, token }
}
