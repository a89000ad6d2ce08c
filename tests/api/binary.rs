//! The real `sharify` binary: help text, config errors, migrate, and serving on a real port.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use sharify::config::{Config, CONFIG_KEYS};

fn sharify() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sharify"));
    for (key, _) in std::env::vars() {
        if key.starts_with("SHARIFY_") {
            c.env_remove(key);
        }
    }
    c
}

#[test]
fn help_explains_every_config_key() {
    let out = sharify().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for key in CONFIG_KEYS {
        assert!(text.contains(key.env), "--help lacks {}", key.env);
    }
    for word in ["serve", "migrate", "--config", "SHARIFY_CONFIG"] {
        assert!(text.contains(word), "--help lacks {word}");
    }
    let timeout = text.lines().find(|l| l.contains("SHARIFY_HTTP__REQUEST_TIMEOUT_SECS")).unwrap();
    assert!(timeout.contains("408"), "a timed-out request answers 408, as the code does: {timeout}");
}

#[test]
fn documented_defaults_match_the_config() {
    let c = Config::default();
    let default_of = |env: &str| CONFIG_KEYS.iter().find(|k| k.env == env).unwrap().default;
    assert_eq!(c.http.bind.to_string(), default_of("SHARIFY_HTTP__BIND"));
    assert_eq!(c.store.data_dir.to_str().unwrap(), default_of("SHARIFY_STORE__DATA_DIR"));
    assert_eq!(c.mongo.database, default_of("SHARIFY_MONGO__DATABASE"));
    assert_eq!(c.http.body_limit_bytes.to_string(), default_of("SHARIFY_HTTP__BODY_LIMIT_BYTES"));
    assert_eq!(c.auth.token_ttl_days.to_string(), default_of("SHARIFY_AUTH__TOKEN_TTL_DAYS"));
    assert_eq!(c.ratelimit.sync_ms.to_string(), default_of("SHARIFY_RATELIMIT__SYNC_MS"));
    assert_eq!(c.auth.signups_per_hour_per_ip.to_string(), default_of("SHARIFY_AUTH__SIGNUPS_PER_HOUR_PER_IP"));
}

#[test]
fn a_bad_value_stops_startup_naming_the_key() {
    let out = sharify().env("SHARIFY_HTTP__BIND", "not-an-address").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("http.bind") && err.contains("SHARIFY_HTTP__BIND"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sharify.toml");
    std::fs::write(&file, "[auth]\ntoken_ttl_dayz = 3\n").unwrap();
    let out = sharify().arg("--config").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("token_ttl_dayz") && err.contains("sharify.toml") && !err.contains("SHARIFY_"), "{err}");
    let out = sharify().arg("--config").arg(dir.path().join("absent.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("absent.toml") && err.contains("cannot read"), "{err}");
}

#[test]
fn pretty_logs_carry_no_colour_codes_when_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = sharify()
        .arg("migrate")
        .env("SHARIFY_STORE__DATA_DIR", dir.path())
        .env("SHARIFY_LOG__FORMAT", "pretty")
        .env("SHARIFY_LOG__LEVEL", "debug")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.is_empty(), "something was logged");
    assert!(!err.contains('\u{1b}'), "no escape codes in a pipe: {err:?}");
}

#[test]
fn migrate_creates_the_store_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let out = sharify().arg("migrate").env("SHARIFY_STORE__DATA_DIR", &data).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(data.join(sharify::storage::embedded::DB_FILE).exists());
}

/// Polls `/readyz` on `port` until it answers or 30 s pass; returns the status seen.
fn wait_ready(port: u16) -> Option<u16> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = format!("http://127.0.0.1:{port}/readyz");
        let got = rt
            .block_on(async { crate::helpers::http_client().get(url).send().await.ok().map(|r| r.status().as_u16()) });
        if got.is_some() || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn binary_serves_on_the_configured_port_with_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let file = dir.path().join("sharify.toml");
    let data = dir.path().join("d");
    std::fs::write(&file, format!("[http]\nbind = \"127.0.0.1:{port}\"\n[store]\ndata_dir = \"{}\"\n", data.display()))
        .unwrap();
    // The admin port too is its own: the default 9090 belongs to the no-configuration test.
    let mut child = sharify()
        .env("SHARIFY_CONFIG", &file)
        .env("SHARIFY_ADMIN__BIND", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let answer = wait_ready(port);
    // While it serves, a second process on the same data directory is refused at start.
    let second = sharify().arg("migrate").env("SHARIFY_STORE__DATA_DIR", &data).output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answer, Some(200));
    assert!(data.join(sharify::storage::embedded::DB_FILE).exists());
    assert!(!second.status.success(), "a second process must not share the embedded store");
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("in use by another sharify process"), "{err}");
}

/// The README's quick start: no configuration at all serves on port 8080 with the store in ./data.
#[test]
fn with_no_configuration_it_serves_on_8080_with_the_store_in_dot_data() {
    for port in [8080, 9090] {
        assert!(
            std::net::TcpListener::bind(("0.0.0.0", port)).is_ok(),
            "port {port} (the default API and admin ports) is busy: stop whatever listens there (another sharify?) and rerun"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = sharify().current_dir(dir.path()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let answer = wait_ready(8080);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answer, Some(200));
    assert!(dir.path().join("data").join(sharify::storage::embedded::DB_FILE).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_rotate_reseals_stored_tokens_with_the_current_key() {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use sharify::{
        config::{ConnectionsConfig, Secret},
        connections::cipher::TokenCipher,
        storage::{
            embedded::EmbeddedStore,
            records::{RecordKey, RecordStore},
            Store,
        },
    };
    let (old, new) = (STANDARD.encode([3u8; 32]), STANDARD.encode([4u8; 32]));
    let cipher = |current: &str, previous: Option<&str>| {
        let config =
            ConnectionsConfig { token_key: Some(Secret::new(current)), previous_token_keys: previous.map(Secret::new) };
        TokenCipher::from_config(&config).unwrap().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let key = "u1\u{1e}spotify";
    {
        let store = EmbeddedStore::open(dir.path()).unwrap();
        store.migrate().await.unwrap();
        // Sealed as before binding existed: no associated data.
        let mut sealed = cipher(&old, None).seal(b"{\"access_token\":\"a\",\"refresh_token\":\"r\"}", "").unwrap();
        sealed.bound = false;
        let connection = serde_json::json!({"platform": "spotify", "status": "active", "account_id": null,
            "display_name": null, "access_expires_at": null, "linked_at": "2026-01-01T00:00:00Z", "message": null,
            "tokens": sealed});
        let at = RecordKey { kind: "connection", owner: "u1", key };
        store.put_record(at, &connection.to_string(), None).await.unwrap();
    }
    let run = || {
        sharify()
            .args(["keys", "rotate"])
            .env("SHARIFY_STORE__DATA_DIR", dir.path())
            .env("SHARIFY_CONNECTIONS__TOKEN_KEY", &new)
            .env("SHARIFY_CONNECTIONS__PREVIOUS_TOKEN_KEYS", &old)
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-encrypted 1 record(s)"));
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let stored = store.records("connection", &[key.to_owned()]).await.unwrap();
    let sealed =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(&stored[0].1).unwrap()["tokens"].clone())
            .unwrap();
    assert!(
        cipher(&new, None).open(&sealed, "connection\u{1e}u1\u{1e}spotify").is_ok(),
        "readable with the new key alone, bound"
    );
    assert!(cipher(&new, None).open(&sealed, "connection\u{1e}u2\u{1e}spotify").is_err(), "to its own record");
    drop(store);
    let out = run();
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-encrypted 0 record(s)"), "nothing left to do");
}
