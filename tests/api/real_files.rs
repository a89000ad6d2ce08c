//! Files as other tools write them (issue 30): what an import cannot read is refused, with where
//! and why, and what it can read keeps every identifier, duration and artist.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

async fn import(app: &TestApp, user: &TestUser, query: &str, body: &str) -> reqwest::Response {
    app.as_user(user, Method::POST, &format!("/v1/playlists/import{query}"))
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn a_csv_of_unknown_columns_creates_nothing_unless_told_it_has_no_header(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    for unknown in ["foo,bar,baz\n1,2,3\n", "Band,Song\nOther,Tune\n"] {
        let body = assert_error(import(&app, &alice, "", unknown).await, 422, "unrecognised_columns").await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("?header=none"), "says how to import a headerless file: {message}");
    }
    let listed = app.get_json(&alice, "/v1/playlists").await;
    assert_eq!(listed["playlists"].as_array().map(Vec::len), Some(0), "nothing created: {listed}");
    // Said so: every row is artist, title[, album].
    let r = import(&app, &alice, "?header=none", "Band,Song\nOther,Tune,Album\n").await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["counts"]["added"], 2, "{report}");
    let bad = app.as_user(&alice, Method::POST, "/v1/playlists/import?header=maybe").send().await.unwrap();
    assert_eq!(bad.status(), 400, "an unknown header mode is the caller's error");
}

/// What an item keeps of its file: artists, duration, identifiers, links, cover.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    artist: String,
    featured: Value,
    title: String,
    duration_ms: Value,
    isrc: Value,
    mbid: Value,
    links: Value,
    image: Value,
}

fn kept(item: &Value) -> Kept {
    let mut links = item["links"].clone();
    if let Some(o) = links.as_object_mut() {
        o.remove("lastfm"); // from a match, not from the file
    }
    Kept {
        artist: item["artist"].as_str().unwrap().to_owned(),
        featured: item.get("featured_artists").cloned().unwrap_or(Value::Array(vec![])),
        title: item["title"].as_str().unwrap().to_owned(),
        duration_ms: item["duration_ms"].clone(),
        isrc: item["isrc"].clone(),
        mbid: item["mbid"].clone(),
        links,
        image: item.get("image").cloned().unwrap_or(Value::Null),
    }
}

/// Imports `body` as a new playlist; returns its id and what its items kept.
async fn import_kept(app: &TestApp, user: &TestUser, format: &str, body: Vec<u8>) -> (String, Vec<Kept>) {
    let r = app
        .as_user(user, Method::POST, &format!("/v1/playlists/import?format={format}&on_duplicate=allow"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let report: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{format}: {report}");
    assert_eq!(report["counts"]["rejected"], 0, "{format}: {report}");
    let id = report["playlist"]["id"].as_str().unwrap().to_owned();
    let playlist = app.get_json(user, &format!("/v1/playlists/{id}")).await;
    (id, playlist["items"].as_array().unwrap().iter().map(kept).collect())
}

/// What M3U can carry: the artists and title on `#EXTINF`, whole seconds, one link.
fn as_m3u_keeps(k: &Kept) -> Kept {
    let seconds = k.duration_ms.as_u64().map(|ms| ms.div_ceil(1000) * 1000);
    Kept {
        duration_ms: seconds.map_or(Value::Null, Value::from),
        isrc: Value::Null,
        mbid: Value::Null,
        image: Value::Null,
        links: Value::Null,
        ..k.clone()
    }
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/files/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn files_other_tools_write_survive_every_export_and_reimport(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    for (name, format) in [
        ("exportify-2026.csv", "csv"),
        ("spotify-exporter.xspf", "xspf"),
        ("android-player.m3u", "m3u8"),
        ("listenbrainz.jspf", "jspf"),
        ("tunemymusic.csv", "csv"),
    ] {
        let (id, original) = import_kept(&app, &alice, format, file(name)).await;
        assert!(original.len() >= 2, "{name}: {original:?}");
        for again in ["jspf", "xspf", "csv", "m3u8"] {
            let r = app.as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/export?format={again}")).send().await;
            let exported = r.unwrap().bytes().await.unwrap().to_vec();
            let (_, back) = import_kept(&app, &alice, again, exported).await;
            if again == "m3u8" {
                let m3u_links: Vec<Value> = back.iter().map(|k| k.links.clone()).collect();
                let back: Vec<Kept> = back.iter().map(|k| Kept { links: Value::Null, ..k.clone() }).collect();
                assert_eq!(back, original.iter().map(as_m3u_keeps).collect::<Vec<_>>(), "{name} → {again}");
                for (links, want) in m3u_links.iter().zip(&original) {
                    let first = |l: &Value| l.as_object().and_then(|o| o.values().next().cloned());
                    assert_eq!(first(links).is_some(), first(&want.links).is_some(), "{name} → m3u8: one link kept");
                }
            } else {
                assert_eq!(back, original, "{name} → {again}: every identifier, duration and artist kept");
            }
        }
    }
}

async fn what_each_real_file_holds_is_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let (_, exportify) = import_kept(&app, &alice, "csv", file("exportify-2026.csv")).await;
    assert_eq!(exportify.len(), 3);
    assert_eq!(
        (exportify[0].artist.as_str(), &exportify[0].featured),
        ("Sereia Urbana", &serde_json::json!(["Glass Harbour"]))
    );
    assert_eq!(exportify[2].featured, serde_json::json!(["Velvet Moth", "Marble Coast"]), "every ; split");
    assert_eq!(exportify[0].duration_ms, 214320);
    assert_eq!(exportify[0].links["spotify"], "spotify:track:1aBcDeFgHiJkLmNoPqRsT1");
    let (_, xspf) = import_kept(&app, &alice, "xspf", file("spotify-exporter.xspf")).await;
    assert_eq!(xspf[0].image, "https://i.scdn.example/image/ab67616d00001e02tidallines");
    assert_eq!((xspf[1].artist.as_str(), &xspf[1].featured), ("Glass Harbour", &serde_json::json!(["Sereia Urbana"])));
    assert_eq!(xspf[2].isrc, "PTA122400017", "urn:isrc: with dashes");
    let (_, m3u) = import_kept(&app, &alice, "m3u8", file("android-player.m3u")).await;
    assert_eq!((m3u[0].artist.as_str(), m3u[0].title.as_str()), ("坂本 龍一", "夜の海"));
    assert_eq!(m3u[1].artist, "Ελένη Καραΐνδρου");
    assert_eq!((m3u[2].artist.as_str(), &m3u[2].featured), ("宇多田ヒカル", &serde_json::json!(["小袋成彬"])));
    let (_, jspf) = import_kept(&app, &alice, "jspf", file("listenbrainz.jspf")).await;
    assert_eq!(jspf[0].mbid, "8f3471b5-7e6a-48da-86a9-c1c07a0f47ae");
    assert_eq!((jspf[0].artist.as_str(), &jspf[0].featured), ("Sereia Urbana", &serde_json::json!(["Glass Harbour"])));
    // TuneMyMusic joins artists with ", ": split, but never inside a name that holds a comma.
    let (_, tmm) = import_kept(&app, &alice, "csv", file("tunemymusic.csv")).await;
    let credits: Vec<(&str, &Value)> = tmm.iter().map(|k| (k.artist.as_str(), &k.featured)).collect();
    assert_eq!(credits[0], ("Ferncliff", &serde_json::json!(["Ada Moreno"])));
    assert_eq!(credits[1], ("Tyler, The Creator", &serde_json::json!(["Jun Okada"])));
    assert_eq!(credits[2], ("Crosby, Stills, Nash & Young", &serde_json::json!([])));
    assert_eq!(tmm[0].title, "Lights Out, Words Gone", "titles are never split");
    assert_eq!(
        (tmm[3].isrc.as_str(), tmm[3].links["spotify"].as_str()),
        (Some("KRA301600399"), Some("spotify:track:03fJMuDIkVNcAtNVqxmyVW"))
    );
    // Elsewhere a comma in an artist column is part of the name.
    let plain = b"artist,title\n\"Ferncliff, Ada Moreno\",Lights Out\n".to_vec();
    let (_, plain) = import_kept(&app, &alice, "csv", plain).await;
    assert_eq!((plain[0].artist.as_str(), &plain[0].featured), ("Ferncliff, Ada Moreno", &serde_json::json!([])));
}

crate::on_both_backends!(
    a_csv_of_unknown_columns_creates_nothing_unless_told_it_has_no_header,
    files_other_tools_write_survive_every_export_and_reimport,
    what_each_real_file_holds_is_read,
);
