//! An import by link that outlasts `jobs.request_wait_ms` is a run (issue 30, item 10): 202 with
//! the run to follow, which ends with the import report, or with the error the import would have
//! answered.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, Backend, TestApp, TestUser},
    platform_fakes::FakePlatforms,
    platforms::use_fake_platforms,
    push_runs::finished,
};

/// Starts an import by link, which must answer 202; returns the run's address.
async fn started(app: &TestApp, user: &TestUser, path: &str, url: &str) -> String {
    let r = app.as_user(user, Method::POST, path).json(&json!({ "url": url })).send().await.unwrap();
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let run: Value = r.json().await.unwrap();
    assert_eq!(run["status"], "running", "{run}");
    assert_eq!(location, format!("/v1/import-runs/{}", run["id"].as_str().unwrap()));
    location
}

async fn an_import_by_link_past_the_wait_is_a_run_that_ends_with_its_report(backend: Backend) {
    let fake = FakePlatforms::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        use_fake_platforms(c, &fake);
        c.jobs.request_wait_ms = 0; // answer at once
    })
    .await;
    let alice = app.user("alice").await;
    let location = started(&app, &alice, "/v1/playlists/import", "https://www.deezer.com/playlist/9200461").await;
    let run = finished(&app, &alice, &location).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["report"]["counts"]["added"], 102, "{run}");
    let id = run["report"]["playlist"]["id"].as_str().unwrap();
    assert_eq!(app.get_playlist(&alice, id).await["item_count"], 102);

    // Appending by link to a playlist: the run names it.
    let into = app.playlist(&alice, json!({"name": "mine"})).await;
    let path = format!("/v1/playlists/{into}/import");
    let location = started(&app, &alice, &path, "https://www.deezer.com/playlist/908622995").await;
    let run = finished(&app, &alice, &location).await;
    assert_eq!(
        (run["status"].as_str(), run["playlist_id"].as_str()),
        (Some("succeeded"), Some(into.as_str())),
        "{run}"
    );
    assert_eq!(app.get_playlist(&alice, &into).await["item_count"], 60);

    // A link that fails fails the run with the error the import would have answered.
    let location = started(&app, &alice, "/v1/playlists/import", "https://www.deezer.com/playlist/1").await;
    let run = finished(&app, &alice, &location).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        (run["error"]["status"].as_u64(), run["error"]["code"].as_str()),
        (Some(422), Some("platform_playlist_not_found"))
    );
    // Runs are their starter's alone.
    let bob = app.user("bob").await;
    assert_error(app.as_user(&bob, Method::GET, &location).send().await.unwrap(), 404, "import_run_not_found").await;
}

crate::on_both_backends!(an_import_by_link_past_the_wait_is_a_run_that_ends_with_its_report);
