//! Accounts, tokens, Basic auth, throttling, and secrets never stored or logged in plain form.

use reqwest::Method;
use serde_json::{json, Value};
use sharify::auth::tokens::hash_token;

use crate::helpers::{assert_error, captured_logs, Backend, TestApp};

async fn sign_up(app: &TestApp, body: Value) -> reqwest::Response {
    app.request(Method::POST, "/v1/users").json(&body).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_validates_username_password_and_display_name() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let ok_pw = "a long unusual phrase";
    for (username, password, display, code) in [
        ("ab", ok_pw, "A", "invalid_username"),
        ("has space", ok_pw, "A", "invalid_username"),
        (&*"x".repeat(33), ok_pw, "A", "invalid_username"),
        ("alice", "short", "A", "weak_password"),
        ("alice", "password123", "A", "weak_password"),
        ("alice", "1234567890", "A", "weak_password"),
        ("alice", ok_pw, "   ", "invalid_display_name"),
    ] {
        let r = sign_up(&app, json!({"username": username, "password": password, "display_name": display})).await;
        assert_error(r, 422, code).await;
    }
    let r = sign_up(&app, json!({"username": "Alice.B-1_", "password": ok_pw, "display_name": " Alice "})).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["username"].as_str(), body["display_name"].as_str()), (Some("Alice.B-1_"), Some("Alice")));
    assert!(body.get("password_hash").is_none() && body.get("password").is_none());
    let r = sign_up(&app, json!({"username": "alice.b-1_", "password": ok_pw, "display_name": "x"})).await;
    assert_error(r, 409, "username_taken").await;
}

async fn tokens_and_basic_auth_identify_the_caller_and_revoke_works(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let me: Value = app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap().json().await.unwrap();
    assert_eq!(me["id"], alice.id.as_str());
    let basic = app.request(Method::GET, "/v1/me").basic_auth("ALICE", Some(&alice.password)).send().await.unwrap();
    assert_eq!(basic.status(), 200);
    let r = app
        .request(Method::DELETE, "/v1/auth/tokens/current")
        .basic_auth("alice", Some(&alice.password))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "no_token").await;
    let r = app.as_user(&alice, Method::DELETE, "/v1/auth/tokens/current").send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
}

crate::on_both_backends!(tokens_and_basic_auth_identify_the_caller_and_revoke_works, secrets_are_stored_hashed);

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let app = TestApp::spawn(Backend::Embedded).await;
    app.user("alice").await;
    let mut bodies = vec![];
    for (username, password) in [("alice", "wrong password!!"), ("nobody", "wrong password!!")] {
        let r = app
            .request(Method::POST, "/v1/auth/tokens")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        let challenge = r.headers().get("www-authenticate").unwrap().to_str().unwrap().to_owned();
        assert!(challenge.contains("Bearer") && challenge.contains("Basic"), "{challenge}");
        let body = assert_error(r, 401, "unauthorized").await;
        bodies.push(body["error"]["message"].clone());
    }
    assert_eq!(bodies[0], bodies[1]);
    let r = app.request(Method::GET, "/v1/me").send().await.unwrap();
    assert!(r.headers().contains_key("www-authenticate"));
    assert_error(r, 401, "unauthorized").await;
    let r = app.request(Method::GET, "/v1/me").header("authorization", "Bearer shf_forged").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = app.request(Method::GET, "/v1/me").header("authorization", "Basic !!!").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_logins_are_throttled_per_username_and_per_address() {
    let app = TestApp::spawn_with(Backend::Embedded, |c| {
        c.auth.max_failures_per_user = 3;
        c.auth.max_failures_per_ip = 6;
    })
    .await;
    let alice = app.user("alice").await;
    let login = |username: &str, password: &str| {
        app.request(Method::POST, "/v1/auth/tokens").json(&json!({"username": username, "password": password})).send()
    };
    for _ in 0..3 {
        assert_eq!(login("alice", "not her password").await.unwrap().status(), 401);
    }
    // Locked: even the right password is refused until the window passes.
    let r = login("alice", &alice.password).await.unwrap();
    let retry_after: u64 = r.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    assert_error(r, 429, "too_many_requests").await;
    // Basic auth goes through the same throttle.
    let r = app.request(Method::GET, "/v1/me").basic_auth("alice", Some(&alice.password)).send().await.unwrap();
    assert_eq!(r.status(), 429);
    // Unknown usernames count too; then the address itself is locked for everyone.
    for name in ["ghost1", "ghost2", "ghost3"] {
        assert_eq!(login(name, "whatever password").await.unwrap().status(), 401);
    }
    assert_eq!(login("ghost4", "whatever password").await.unwrap().status(), 429);
    // Bearer tokens are not affected by login throttling.
    assert_eq!(app.as_user(&alice, Method::GET, "/v1/me").send().await.unwrap().status(), 200);
}

async fn secrets_are_stored_hashed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let stored = app.store.store.user_by_username("alice").await.unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", stored.password_hash);
    assert!(!stored.password_hash.contains(&alice.password));
    let record = app.store.store.token_by_hash(&hash_token(&alice.token)).await.unwrap().expect("stored by hash");
    assert_eq!(record.user_id, alice.id);
    assert!(app.store.store.token_by_hash(&alice.token).await.unwrap().is_none());
    if backend == Backend::Embedded {
        let mut raw = Vec::new();
        for entry in std::fs::read_dir(app.store.data_dir.path()).unwrap() {
            raw.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.contains("alice"), "the database files were read");
        assert!(!raw.contains(&alice.password) && !raw.contains(&alice.token));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_or_token_appears_in_logs() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let alice = app.user("alice").await;
    let wrong = "a wrong password 8c1f";
    app.request(Method::POST, "/v1/auth/tokens")
        .json(&json!({"username": "alice", "password": wrong}))
        .send()
        .await
        .unwrap();
    app.request(Method::GET, "/v1/me").basic_auth("alice", Some(&alice.password)).send().await.unwrap();
    let id = app.playlist(&alice, json!({"name": "logged"})).await;
    app.add(&alice, &id, &[("A", "B")]).await;
    app.as_user(&alice, Method::DELETE, "/v1/auth/tokens/current").send().await.unwrap();
    let logs = captured_logs();
    assert!(logs.contains("login_failed") && logs.contains("/v1/playlists/{id}/items"), "logs were captured");
    for secret in [alice.password.as_str(), alice.token.as_str(), wrong, &alice.token[4..]] {
        assert!(!logs.contains(secret), "secret leaked into logs: {secret}");
    }
}
