//! Schedules: created, read, changed and deleted through the API, checked per kind; run now and
//! on their own; their runs listed; three failures in a row pause one and tell its owner.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    helpers::{assert_error, eventually, Backend, TestApp},
    jobs_common::{app_with_world, link_lastfm, quick_jobs, run_now, schedule},
};

async fn schedules_are_checked_owned_and_editable(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let source = app.playlist(&alice, json!({"name": "Source"})).await;
    let body = json!({"kind": "sync", "params": {"source": source, "destination": {"snapshot": {"name_template": "Backup {iso_week}"}}},
        "cron": "0 6 * * 1", "timezone": "Europe/Paris"});
    let created = schedule(&app, &alice, body).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["kind"], "sync");
    assert_eq!(created["timezone"], "Europe/Paris");
    assert_eq!(created["enabled"], true);
    let next: chrono::DateTime<chrono::Utc> = created["next_run_at"].as_str().unwrap().parse().unwrap();
    let paris = next.with_timezone(&chrono_tz::Europe::Paris);
    use chrono::{Datelike, Timelike};
    assert_eq!(
        (paris.weekday(), paris.hour(), paris.minute()),
        (chrono::Weekday::Mon, 6, 0),
        "next run is Monday 06:00 in Paris"
    );

    // Bad input: each a clear 422.
    let bad = [
        (
            json!({"kind": "sync", "params": {"source": source, "destination": source}, "cron": "61 * * * *"}),
            "invalid_cron",
        ),
        (
            json!({"kind": "sync", "params": {"source": source, "destination": source}, "cron": "0 6 * * 1", "timezone": "Mars/Base"}),
            "invalid_timezone",
        ),
        (json!({"kind": "sync", "params": {"source": source, "destination": source}}), "invalid_schedule"),
        (
            json!({"kind": "sync", "params": {"source": source, "destination": source}, "interval_secs": 0}),
            "invalid_interval",
        ),
        (json!({"kind": "sync", "params": {"source": source}, "interval_secs": 3600}), "invalid_params"),
        (json!({"kind": "listens", "params": {"source": "myspace"}, "interval_secs": 3600}), "invalid_params"),
        (
            json!({"kind": "sync", "params": {"source": "https://open.spotify.com/playlist/37i9dQZEVXcJZyENOWUFo7",
            "destination": source}, "cron": "@weekly"}),
            "spotify_algorithmic_playlist",
        ),
        (
            json!({"kind": "sync", "params": {"source": source, "destination": {"snapshot": {"name_template": "Backup {week}"}}},
            "interval_secs": 3600}),
            "invalid_params",
        ),
        (
            json!({"kind": "generate", "params": {"name": "Mix", "artists": ["A"], "tag": "rock"}, "interval_secs": 3600}),
            "invalid_generate",
        ),
    ];
    for (body, code) in bad {
        let r = app.as_user(&alice, Method::POST, "/v1/schedules").json(&body).send().await.unwrap();
        let err = assert_error(r, 422, code).await;
        if code == "spotify_algorithmic_playlist" {
            assert!(err["error"]["message"].as_str().unwrap().contains("discover"), "points to the alternative: {err}");
        }
    }
    let r = app.as_user(&alice, Method::POST, "/v1/schedules").json(&json!({"kind": "mine"})).send().await.unwrap();
    assert_eq!(r.status(), 422);

    // Bob sees none of it.
    for (method, path) in [
        (Method::GET, format!("/v1/schedules/{id}")),
        (Method::POST, format!("/v1/schedules/{id}/run")),
        (Method::GET, format!("/v1/schedules/{id}/runs")),
        (Method::DELETE, format!("/v1/schedules/{id}")),
    ] {
        let r = app.as_user(&bob, method, &path).send().await.unwrap();
        assert_error(r, 404, "schedule_not_found").await;
    }
    assert_eq!(app.get_json(&bob, "/v1/schedules").await["schedules"], json!([]));

    // Disabled: no next run; switched to an interval; enabled again.
    let patch = |body: Value| app.as_user(&alice, Method::PATCH, &format!("/v1/schedules/{id}")).json(&body).send();
    let off: Value = patch(json!({"enabled": false})).await.unwrap().json().await.unwrap();
    assert_eq!((off["enabled"].clone(), off["next_run_at"].clone()), (json!(false), Value::Null));
    let every: Value = patch(json!({"interval_secs": 7200, "enabled": true})).await.unwrap().json().await.unwrap();
    assert_eq!((every["interval_secs"].clone(), every["cron"].clone()), (json!(7200), Value::Null));
    let next: chrono::DateTime<chrono::Utc> = every["next_run_at"].as_str().unwrap().parse().unwrap();
    assert!((next - chrono::Utc::now()).num_seconds() > 7100, "{every}");
    assert_error(patch(json!({"cron": "nope"})).await.unwrap(), 422, "invalid_cron").await;
    assert_eq!(app.get_json(&alice, "/v1/schedules").await["schedules"].as_array().unwrap().len(), 1);

    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/schedules/{id}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_error(
        app.as_user(&alice, Method::GET, &format!("/v1/schedules/{id}")).send().await.unwrap(),
        404,
        "schedule_not_found",
    )
    .await;
}

async fn a_due_schedule_runs_on_its_own_once_per_period(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, quick_jobs).await;
    let alice = app.user("alice").await;
    let source = app.playlist(&alice, json!({"name": "Source"})).await;
    app.add(&alice, &source, &[("Radiohead", "Radiohead Song 1"), ("Portishead", "Portishead Song 2")]).await;
    let dest = app.playlist(&alice, json!({"name": "Backup"})).await;
    let s = schedule(
        &app,
        &alice,
        json!({"kind": "sync", "params": {"source": source, "destination": dest, "mode": "add"},
        "interval_secs": 1}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    let runs = eventually(20, "three runs on their own", || async {
        let runs = app.get_json(&alice, &format!("/v1/schedules/{id}/runs")).await["runs"].clone();
        let done = runs.as_array().unwrap().iter().filter(|r| r["status"] == "succeeded").count();
        (done >= 3).then_some(runs)
    })
    .await;
    let periods: Vec<&str> = runs.as_array().unwrap().iter().map(|r| r["period"].as_str().unwrap()).collect();
    let mut unique = periods.clone();
    unique.dedup();
    assert_eq!(unique.len(), periods.len(), "each period ran once: {runs}");
    // Adding is idempotent: the destination has the two tracks once.
    let items = app.get_playlist(&alice, &dest).await["items"].as_array().unwrap().len();
    assert_eq!(items, 2);
    let first = &runs[runs.as_array().unwrap().len() - 1];
    assert_eq!(first["counts"]["added"], 2, "{first}");
    assert_eq!(runs[0]["counts"]["added"], 0, "later runs add nothing: {runs}");
    let shown = app.get_json(&alice, &format!("/v1/schedules/{id}")).await;
    assert_eq!(shown["last_run"]["status"], "succeeded", "{shown}");
    let metrics =
        app.client.get(format!("http://{}/metrics", app.admin_addr)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("job_runs_total{kind=\"sync\",outcome=\"succeeded\"}"), "per-kind run metric");
    assert!(metrics.contains("job_run_duration_seconds_count{kind=\"sync\"}"));
}

async fn three_failures_pause_a_schedule_and_tell_its_owner(backend: Backend) {
    let (app, _lastfm) = app_with_world(backend, |_| {}).await;
    let alice = app.user("alice").await;
    // Listening history of a Last.fm user who hides it: each run fails with what to do.
    let mut world = crate::jobs_common::world();
    world.scrobbles.insert("hiddenhistory".into(), Vec::new());
    _lastfm.set_world(world);
    link_lastfm(&app, &alice, "hiddenhistory").await;
    let s =
        schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 3600})).await;
    let id = s["id"].as_str().unwrap();
    for n in 1..=3 {
        let run = run_now(&app, &alice, id).await;
        assert_eq!(run["status"], "failed", "{run}");
        assert!(run["error"].as_str().unwrap().contains("privacy settings"), "says what to do: {run}");
        assert!(run["finished_at"].is_string());
        let shown = app.get_json(&alice, &format!("/v1/schedules/{id}")).await;
        assert_eq!(shown["failures_in_row"], n);
        assert_eq!(shown["enabled"], n < 3, "paused after the third: {shown}");
    }
    let shown = app.get_json(&alice, &format!("/v1/schedules/{id}")).await;
    assert!(shown["paused_reason"].as_str().unwrap().contains("3 failed runs"), "{shown}");
    assert_eq!(shown["next_run_at"], Value::Null);
    let notes = app.get_json(&alice, "/v1/me/notifications").await["notifications"].clone();
    assert_eq!(notes.as_array().unwrap().len(), 1, "{notes}");
    assert_eq!(notes[0]["kind"], "schedule_paused");
    assert_eq!(notes[0]["schedule_id"], id);
    // Enabling it again clears the pause; dismissing the notification removes it.
    let on: Value = app
        .as_user(&alice, Method::PATCH, &format!("/v1/schedules/{id}"))
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((on["failures_in_row"].clone(), on["paused_reason"].clone()), (json!(0), Value::Null));
    let note = notes[0]["id"].as_str().unwrap();
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/me/notifications/{note}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(app.get_json(&alice, "/v1/me/notifications").await["notifications"], json!([]));
    let r = app.as_user(&alice, Method::DELETE, &format!("/v1/me/notifications/{note}")).send().await.unwrap();
    assert_error(r, 404, "notification_not_found").await;
    let runs = app.get_json(&alice, &format!("/v1/schedules/{id}/runs?limit=2")).await["runs"].clone();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    let r = app.as_user(&alice, Method::GET, &format!("/v1/schedules/{id}/runs?limit=0")).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

async fn deleting_the_account_deletes_its_schedules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let s = schedule(&app, &alice, json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 86400}))
        .await;
    let id = s["id"].as_str().unwrap().to_owned();
    let r =
        app.as_user(&alice, Method::DELETE, "/v1/me").json(&json!({"password": alice.password})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    assert!(app.store.store.schedule(&id).await.unwrap().is_none(), "the schedule went with the account");
}

crate::on_both_backends!(
    schedules_are_checked_owned_and_editable,
    a_due_schedule_runs_on_its_own_once_per_period,
    three_failures_pause_a_schedule_and_tell_its_owner,
    deleting_the_account_deletes_its_schedules,
);
