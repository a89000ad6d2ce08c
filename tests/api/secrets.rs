//! Secret resolution: environment first, then files or Secret Manager (a local fake speaking its
//! REST/JSON wire format); missing, denied and unreadable secrets stop startup naming the secret,
//! never a value.

use std::{collections::HashMap, process::Stdio, sync::Arc, time::Duration};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::get,
    Json, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use serde_json::json;
use sharify::{
    config::{Config, Secret, SecretsSource},
    secrets::{resolve, SecretError},
};

use crate::helpers::{eventually, free_port, sharify_binary};

const MONGO: &str = "mongodb://user:s3cr3t-pw@mongo.internal:27017/";
const LASTFM: &str = "lfm-key-0123456789abcdef";

/// A fake Secret Manager: `GET /v1/projects/{p}/secrets/{s}/versions/{v}:access`.
struct FakeSecretManager {
    values: HashMap<String, String>,
    denied: Vec<String>,
}

async fn access(
    State(fake): State<Arc<FakeSecretManager>>,
    Path(rest): Path<String>,
    headers: HeaderMap,
) -> impl IntoResponse {
    assert!(!headers.contains_key("authorization"), "anonymous credentials send no token");
    let resource = rest.strip_suffix(":access").unwrap_or(&rest);
    let parts: Vec<&str> = resource.split('/').collect();
    let (project, secret) = (parts[1], parts[3]);
    if fake.denied.iter().any(|d| d == secret) {
        let body = json!({"error": {"code": 403, "message": format!("Permission 'secretmanager.versions.access' denied for resource '{resource}'"), "status": "PERMISSION_DENIED"}});
        return (StatusCode::FORBIDDEN, Json(body));
    }
    match fake.values.get(&format!("{project}/{secret}")) {
        Some(v) => (StatusCode::OK, Json(json!({"name": resource, "payload": {"data": STANDARD.encode(v)}}))),
        None => {
            let body = json!({"error": {"code": 404, "message": format!("Secret [{resource}] not found or has no versions."), "status": "NOT_FOUND"}});
            (StatusCode::NOT_FOUND, Json(body))
        }
    }
}

async fn fake_secret_manager(denied: &[&str]) -> String {
    let values = HashMap::from([
        ("proj/mongo-uri".to_owned(), MONGO.to_owned()),
        ("proj/lastfm-api-key".to_owned(), format!("{LASTFM}\n")),
    ]);
    let fake = Arc::new(FakeSecretManager { values, denied: denied.iter().map(|s| s.to_string()).collect() });
    let app = Router::new().route("/v1/{*rest}", get(access)).with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn gcp_config(endpoint: &str, load: &str) -> Config {
    let mut c = Config::default();
    c.secrets.source = SecretsSource::Gcp;
    c.secrets.load = load.into();
    c.secrets.gcp_project = Some("proj".into());
    c.secrets.gcp_endpoint = Some(endpoint.into());
    c
}

fn assert_no_values(text: &str) {
    assert!(
        !text.contains(MONGO) && !text.contains("s3cr3t-pw") && !text.contains(LASTFM),
        "a secret value leaked: {text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_come_from_files_and_missing_or_unreadable_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mongo-uri"), format!("{MONGO}\n")).unwrap();
    let mut c = Config::default();
    c.secrets.source = SecretsSource::Files;
    c.secrets.dir = dir.path().to_owned();
    c.secrets.load = "mongo-uri, lastfm-api-key".into();
    let e = resolve(&mut c.clone()).await.unwrap_err();
    assert_eq!(e, SecretError::NotFound("lastfm-api-key".into()));
    std::fs::create_dir(dir.path().join("lastfm-api-key")).unwrap();
    let e = resolve(&mut c.clone()).await.unwrap_err();
    assert!(matches!(&e, SecretError::Unreadable { name, .. } if name == "lastfm-api-key"), "{e}");
    std::fs::remove_dir(dir.path().join("lastfm-api-key")).unwrap();
    std::fs::write(dir.path().join("lastfm-api-key"), LASTFM).unwrap();
    let loaded = resolve(&mut c).await.unwrap();
    assert_eq!(loaded, ["mongo-uri", "lastfm-api-key"]);
    assert_eq!(c.mongo.uri.as_ref().map(Secret::expose), Some(MONGO));
    assert_eq!(c.lastfm.api_key.as_ref().map(Secret::expose), Some(LASTFM));
    assert_no_values(&format!("{c:?}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn values_set_in_the_environment_win_and_unknown_names_are_refused() {
    let mut c = Config::default();
    c.secrets.source = SecretsSource::Files;
    c.secrets.dir = "/nonexistent".into();
    c.secrets.load = "mongo-uri".into();
    c.mongo.uri = Some(Secret::new("mongodb://from-env/"));
    assert_eq!(resolve(&mut c).await.unwrap(), Vec::<String>::new());
    assert_eq!(c.mongo.uri.unwrap().expose(), "mongodb://from-env/");
    let mut c = Config::default();
    c.secrets.load = "signing-key".into();
    assert_eq!(resolve(&mut c).await.unwrap_err(), SecretError::Unknown("signing-key".into()));
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_manager_values_not_found_and_permission_denied() {
    let endpoint = fake_secret_manager(&["lastfm-api-key"]).await;
    let mut c = gcp_config(&endpoint, "mongo-uri");
    assert_eq!(resolve(&mut c).await.unwrap(), ["mongo-uri"]);
    assert_eq!(c.mongo.uri.as_ref().map(Secret::expose), Some(MONGO));
    let e = resolve(&mut gcp_config(&endpoint, "mongo-uri,lastfm-api-key")).await.unwrap_err();
    assert_eq!(e, SecretError::PermissionDenied("lastfm-api-key".into()));
    assert_eq!(e.to_string(), "permission denied reading secret `lastfm-api-key`");
    let mut c = gcp_config(&endpoint, "mongo-uri");
    c.secrets.gcp_project = Some("other-project".into());
    let e = resolve(&mut c).await.unwrap_err();
    assert_eq!(e, SecretError::NotFound("mongo-uri".into()));
    let endpoint = fake_secret_manager(&[]).await;
    let mut c = gcp_config(&endpoint, "lastfm-api-key");
    resolve(&mut c).await.unwrap();
    assert_eq!(c.lastfm.api_key.unwrap().expose(), LASTFM, "trailing newline trimmed");
}

async fn run_binary(endpoint: &str, load: &str, wait_ready: bool) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = sharify_binary(dir.path(), port)
        .env("SHARIFY_SECRETS__SOURCE", "gcp")
        .env("SHARIFY_SECRETS__GCP_PROJECT", "proj")
        .env("SHARIFY_SECRETS__GCP_ENDPOINT", endpoint)
        .env("SHARIFY_SECRETS__LOAD", load)
        .env("SHARIFY_LOG__FORMAT", "json")
        .env("SHARIFY_LOG__LEVEL", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap().to_string();
    if wait_ready {
        let url = format!("http://127.0.0.1:{port}/readyz");
        eventually(30, "the binary is ready", || async {
            crate::helpers::http_client().get(&url).send().await.ok().filter(|r| r.status() == 200).map(|_| ())
        })
        .await;
        std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    }
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await.unwrap().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_binary_loads_secrets_before_serving_and_stops_on_a_missing_one() {
    let endpoint = fake_secret_manager(&[]).await;
    let (code, logs) = run_binary(&endpoint, "lastfm-api-key", true).await;
    assert_eq!(code, Some(0));
    assert!(logs.contains("secrets loaded") && logs.contains("lastfm-api-key"), "{logs}");
    assert_no_values(&logs);
    let (code, logs) = run_binary(&endpoint, "lastfm-api-key,mongo-uri-missing", false).await;
    assert_eq!(code, Some(2));
    assert!(logs.contains("unknown secret `mongo-uri-missing`"), "{logs}");
    let endpoint = fake_secret_manager(&["mongo-uri"]).await;
    let (code, logs) = run_binary(&endpoint, "lastfm-api-key,mongo-uri", false).await;
    assert_eq!(code, Some(2));
    assert!(logs.contains("permission denied reading secret `mongo-uri`"), "{logs}");
    assert_no_values(&logs);
}
