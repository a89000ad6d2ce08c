//! Import through HTTP: every format and the exporters' CSV dialects, format detection, the
//! report with physical line numbers, bad input (nothing left behind), size limit, idempotency,
//! appending with access rules, and export → import round trips.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::helpers::{assert_error, Backend, TestApp, TestUser};

/// POSTs a file to `path` as `user` with an optional content type.
pub async fn post_file(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut r = app.as_user(user, Method::POST, path).body(body);
    if let Some(t) = content_type {
        r = r.header(header::CONTENT_TYPE, t);
    }
    r.send().await.unwrap()
}

/// Imports a file into a new playlist, expecting 201; returns the report.
pub async fn import_ok(app: &TestApp, user: &TestUser, query: &str, content_type: Option<&str>, body: &[u8]) -> Value {
    let r = post_file(app, user, &format!("/v1/playlists/import{query}"), content_type, body.to_vec()).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn names(playlist: &Value) -> Vec<(String, String)> {
    playlist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["artist"].as_str().unwrap().to_owned(), i["title"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, t)| ((*a).to_owned(), (*t).to_owned())).collect()
}

async fn playlist_count(app: &TestApp, user: &TestUser) -> usize {
    app.get_json(user, "/v1/playlists?limit=100").await["playlists"].as_array().unwrap().len()
}

/// A file to import: what it is, its media type, its bytes and the (artist, title) it holds.
type Case<'a> = (&'a str, Option<&'a str>, Vec<u8>, Vec<(&'a str, &'a str)>);

async fn every_format_and_dialect_imports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let utf16: Vec<u8> =
        "\u{feff}Artist\tTitle\r\nSigur Rós\tHoppípolla\r\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let cases: Vec<Case> = vec![
        (
            "exportify",
            Some("text/csv"),
            b"Track URI,Track Name,Artist Name(s),Album Name,Track Duration (ms),ISRC\n\
              spotify:track:4uLU6hMCjMI75M1A2tKUQC,Never Gonna Give You Up,Rick Astley,Whenever You Need Somebody,213573,GBARL9300135\n"
                .to_vec(),
            vec![("Rick Astley", "Never Gonna Give You Up")],
        ),
        (
            "tunemymusic",
            None,
            b"Track name,Artist name,Album,Playlist name,Type,ISRC\nHey Ya!,Outkast,Speakerboxxx,Road trip,Playlist,USAR10300924\n".to_vec(),
            vec![("Outkast", "Hey Ya!")],
        ),
        ("soundiiz", Some("application/x-www-form-urlencoded"), b"title;artist;album;isrc\nJolene;Dolly Parton;Jolene;USRC17300366\n".to_vec(), vec![("Dolly Parton", "Jolene")]),
        ("plain, said to have no header", None, b"\xEF\xBB\xBFQueen,Bohemian Rhapsody,A Night at the Opera\nA-ha,Take On Me\n".to_vec(), vec![("Queen", "Bohemian Rhapsody"), ("A-ha", "Take On Me")]),
        ("excel utf-16", Some("text/csv"), utf16, vec![("Sigur Rós", "Hoppípolla")]),
        (
            "m3u8",
            Some("audio/x-mpegurl"),
            "#EXTM3U\n#PLAYLIST:Night drive\n#EXTINF:320,Daft Punk - One More Time\nhttps://www.deezer.com/track/3135556\nC:\\Music\\Portishead - Glory Box.mp3\n/srv/music/Massive%20Attack%20-%20Teardrop.flac\n".as_bytes().to_vec(),
            vec![("Daft Punk", "One More Time"), ("Portishead", "Glory Box"), ("Massive Attack", "Teardrop")],
        ),
        (
            "xspf",
            Some("application/xspf+xml"),
            b"<?xml version=\"1.0\"?><playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><title>VLC list</title><trackList>\
              <track><location>file:///x.mp3</location><creator>Bj&#246;rk</creator><title>Army of Me</title><duration>234000</duration></track>\
              </trackList></playlist>".to_vec(),
            vec![("Björk", "Army of Me")],
        ),
        (
            "xspf without namespace",
            None,
            b"<playlist version=\"1\"><trackList><track><creator>Pixies</creator><title>Where Is My Mind?</title></track></trackList></playlist>".to_vec(),
            vec![("Pixies", "Where Is My Mind?")],
        ),
        (
            "listenbrainz jspf",
            Some("application/jspf+json"),
            br#"{"playlist": {"title": "Weekly Exploration", "creator": "listenbrainz", "track": [
                {"title": "Teardrop", "creator": "Massive Attack", "identifier": ["https://musicbrainz.org/recording/7dd2ba38-c2a4-4a4a-9d2b-1b8b1b1d6d5d"],
                 "extension": {"https://musicbrainz.org/doc/jspf#track": {"artist_identifiers": []}}}]}}"#.to_vec(),
            vec![("Massive Attack", "Teardrop")],
        ),
    ];
    for (what, content_type, body, expected) in cases {
        let query = if what.contains("no header") { "?header=none" } else { "" };
        let report = import_ok(&app, &alice, query, content_type, &body).await;
        assert_eq!(report["counts"]["added"], expected.len(), "{what}: {report}");
        let id = report["playlist"]["id"].as_str().unwrap();
        let playlist = app.get_playlist(&alice, id).await;
        assert_eq!(names(&playlist), pairs(&expected), "{what}");
        match what {
            "exportify" => {
                let item = &playlist["items"][0];
                assert_eq!((item["duration_ms"].as_u64(), item["isrc"].as_str()), (Some(213573), Some("GBARL9300135")));
                assert_eq!(item["links"]["spotify"], "spotify:track:4uLU6hMCjMI75M1A2tKUQC");
            }
            "tunemymusic" => assert_eq!(playlist["name"], "Road trip", "the name comes from the file"),
            "m3u8" => {
                assert_eq!(playlist["name"], "Night drive");
                assert_eq!(playlist["items"][0]["duration_ms"], 320000);
            }
            "listenbrainz jspf" => {
                assert_eq!(playlist["name"], "Weekly Exploration");
                assert_eq!(playlist["items"][0]["mbid"], "7dd2ba38-c2a4-4a4a-9d2b-1b8b1b1d6d5d");
            }
            _ => {}
        }
    }
    // The query overrides the file's name; ?format= overrides a wrong Content-Type.
    let report = import_ok(
        &app,
        &alice,
        "?format=csv&name=Mine&visibility=unlisted",
        Some("application/json"),
        b"artist,title\nA,B\n",
    )
    .await;
    assert_eq!(
        (report["playlist"]["name"].as_str(), report["playlist"]["visibility"].as_str()),
        (Some("Mine"), Some("unlisted"))
    );
}

async fn the_report_counts_every_line_by_its_physical_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let csv = "artist,title,album\n\
               Band,\"Two\nLines\",LP\n\
               ,No artist,\n\
               Band,\"Two\nLines\",again\n\
               Other,Song,\n\
               Solo,,\n";
    let report = import_ok(&app, &alice, "?name=Report", Some("text/csv"), csv.as_bytes()).await;
    let counts = &report["counts"];
    assert_eq!(
        (counts["read"].as_u64(), counts["added"].as_u64(), counts["duplicates"].as_u64(), counts["rejected"].as_u64()),
        (Some(5), Some(2), Some(1), Some(2)),
        "{report}"
    );
    assert_eq!(
        (counts["unmatched"].as_u64(), counts["off"].as_u64()),
        (Some(0), Some(2)),
        "no Last.fm configured: matching is off, said plainly"
    );
    assert_eq!(report["not_matched"][0]["code"], "enrichment_off");
    let playlist = app.get_playlist(&alice, report["playlist"]["id"].as_str().unwrap()).await;
    assert_eq!(
        names(&playlist),
        pairs(&[("Band", "Two Lines"), ("Other", "Song")]),
        "a line break in a cell is a space"
    );
    assert_eq!(report["rejected"], json!([{"line": 4, "reason": "no artist"}, {"line": 8, "reason": "no title"}]));
}

async fn bad_files_get_clear_errors_and_leave_nothing_behind(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.import.max_bytes = 2048).await;
    let alice = app.user("alice").await;
    let path = "/v1/playlists/import";
    let cases: Vec<(Option<&str>, Vec<u8>, u16, &str)> = vec![
        (Some("text/csv"), b"".to_vec(), 422, "empty_file"),
        (None, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0".to_vec(), 422, "not_a_text_file"),
        (
            Some("application/xspf+xml"),
            b"<playlist>\n  <trackList>\n    <track><title>x</titel>".to_vec(),
            422,
            "malformed_xml",
        ),
        (Some("application/jspf+json"), b"{\"playlist\": {\"track\": [}".to_vec(), 422, "malformed_json"),
        (None, b"<html><body>hello</body></html>".to_vec(), 422, "not_a_playlist"),
        (Some("text/csv"), b"when,where,why,who\n1,2,3,4\n".to_vec(), 422, "unrecognised_columns"),
        (Some("text/csv"), b"artist,title\n,\n,x\n".to_vec(), 422, "no_importable_tracks"),
        (Some("image/png"), b"artist,title\nA,B\n".to_vec(), 415, "unsupported_media_type"),
        (Some("text/csv"), "artist,title\n".repeat(200).into_bytes(), 413, "file_too_large"),
    ];
    for (content_type, body, status, code) in cases {
        let error = assert_error(post_file(&app, &alice, path, content_type, body).await, status, code).await;
        if code == "malformed_xml" {
            assert!(error["error"]["message"].as_str().unwrap().contains("line 3"), "{error}");
        }
    }
    // Streamed without a length, the limit still holds once that many bytes arrived.
    let status = chunked_upload_status(&app, &alice, path).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status:?}");
    assert_eq!(playlist_count(&app, &alice).await, 0, "no failed import created a playlist");
    assert_error(
        app.request(Method::POST, path).body("artist,title\nA,B\n").send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;
}

/// Sends 200 chunks of 13 bytes (2,600 bytes) with `Transfer-Encoding: chunked` (no length) and returns the
/// status line.
async fn chunked_upload_status(app: &TestApp, user: &TestUser, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: text/csv\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        user.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..200 {
        // The server may answer and close before every chunk is sent.
        if stream.write_all(b"d\r\nartist,title\n\r\n").await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

async fn an_idempotency_key_returns_the_first_answer_and_writes_nothing_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let send = |key: &'static str, body: &'static str| {
        app.as_user(&alice, Method::POST, "/v1/playlists/import?name=Once")
            .header("Idempotency-Key", key)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(body)
            .send()
    };
    let first = send("import-1", "artist,title\nA,B\n").await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("import-1", "artist,title\nA,B\n").await.unwrap();
    assert_eq!((again.status().as_u16(), again.headers()["idempotent-replayed"].to_str().unwrap()), (201, "true"));
    assert_eq!(again.json::<Value>().await.unwrap(), first, "the very same report");
    assert_eq!(playlist_count(&app, &alice).await, 1);
    assert_error(send("import-1", "artist,title\nC,D\n").await.unwrap(), 422, "idempotency_key_reused").await;
    // A failed attempt does not use the key up.
    assert_error(send("import-2", "").await.unwrap(), 422, "empty_file").await;
    assert_eq!(send("import-2", "artist,title\nE,F\n").await.unwrap().status(), 201);
    // Another user's same key is theirs alone.
    let bob = app.user("bob").await;
    let r = app
        .as_user(&bob, Method::POST, "/v1/playlists/import")
        .header("Idempotency-Key", "import-1")
        .body("artist,title\nA,B\n");
    assert_eq!(r.send().await.unwrap().status(), 201);
    // POST /v1/playlists takes a key too.
    let create = || {
        app.as_user(&alice, Method::POST, "/v1/playlists")
            .header("Idempotency-Key", "create-1")
            .json(&json!({"name": "Made once"}))
            .send()
    };
    let (a, b) = (create().await.unwrap(), create().await.unwrap());
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::CREATED, reqwest::StatusCode::CREATED));
    assert_eq!(a.headers()[header::LOCATION], b.headers()[header::LOCATION]);
    assert_eq!(playlist_count(&app, &alice).await, 3);
    let bad =
        app.as_user(&alice, Method::POST, "/v1/playlists").header("Idempotency-Key", "").json(&json!({"name": "x"}));
    assert_error(bad.send().await.unwrap(), 400, "invalid_idempotency_key").await;
}

async fn appending_follows_the_roles_and_if_match(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, viewer, contributor, stranger) =
        (app.user("owner").await, app.user("viewer").await, app.user("contributor").await, app.user("stranger").await);
    let id = app.playlist(&owner, json!({"name": "Shared"})).await;
    app.add(&owner, &id, &[("A", "One")]).await;
    for (who, role) in [(&viewer, "viewer"), (&contributor, "contributor")] {
        let path = format!("/v1/playlists/{id}/collaborators/{}", who.username);
        assert_eq!(
            app.as_user(&owner, Method::PUT, &path).json(&json!({ "role": role })).send().await.unwrap().status(),
            200
        );
    }
    let path = format!("/v1/playlists/{id}/import");
    let file = b"artist,title\nA,One\nB,Two\n".to_vec();
    assert_error(post_file(&app, &stranger, &path, Some("text/csv"), file.clone()).await, 404, "playlist_not_found")
        .await;
    assert_error(post_file(&app, &viewer, &path, Some("text/csv"), file.clone()).await, 403, "forbidden").await;
    let export =
        app.as_user(&viewer, Method::GET, &format!("/v1/playlists/{id}/export?format=csv")).send().await.unwrap();
    assert_eq!(export.status(), 200, "a viewer may export");
    let stale = app
        .as_user(&contributor, Method::POST, &path)
        .header(header::IF_MATCH, "\"1\"")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(file.clone());
    assert_error(stale.send().await.unwrap(), 412, "version_mismatch").await;
    let r = post_file(&app, &contributor, &path, Some("text/csv"), file).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!((report["counts"]["added"].as_u64(), report["counts"]["duplicates"].as_u64()), (Some(1), Some(1)));
    let playlist = app.get_playlist(&owner, &id).await;
    assert_eq!(names(&playlist), pairs(&[("A", "One"), ("B", "Two")]));
    assert_eq!(playlist["items"][1]["added_by"], contributor.id.as_str());
    let history = app.get_json(&owner, &format!("/v1/playlists/{id}/history?limit=1")).await;
    assert_eq!(history["entries"][0]["op"], "import", "an import is one change in the history");
    // Appending with an Idempotency-Key: a retry answers the first report and appends nothing.
    let append = || {
        app.as_user(&owner, Method::POST, &format!("{path}?on_duplicate=allow"))
            .header("Idempotency-Key", "append-1")
            .body("artist,title\nC,Three\n")
            .send()
    };
    let (first, again) = (append().await.unwrap(), append().await.unwrap());
    assert_eq!((first.status().as_u16(), again.status().as_u16()), (200, 200));
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(first.json::<Value>().await.unwrap(), again.json::<Value>().await.unwrap());
    assert_eq!(app.get_playlist(&owner, &id).await["item_count"], 3, "appended once");
}

async fn every_format_survives_export_then_import(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.user("alice").await;
    let tracks = json!({"tracks": [
        {"artist": "Quote \"Band\", Inc.", "title": "#1 - Comma, Semicolon; - dash", "album": "An, Album", "duration_ms": 201000,
         "isrc": "USRC17607839", "mbid": "0b8e90e9-f646-4d5f-9ae8-5d0928398f9f", "links": ["https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"]},
        {"artist": "فرقة العاصفة 🎸", "title": "Ünïcödé – “curly” & <xml>"},
    ]});
    let id = app.playlist(&alice, json!({"name": "Round trip"})).await;
    let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&tracks).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let original = app.get_playlist(&alice, &id).await;
    for format in ["jspf", "xspf", "m3u8", "csv"] {
        let file = app
            .as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/export?format={format}"))
            .send()
            .await
            .unwrap();
        let media = file.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        let body = file.bytes().await.unwrap();
        let report = import_ok(&app, &alice, "", Some(&media), &body).await;
        let copy = app.get_playlist(&alice, report["playlist"]["id"].as_str().unwrap()).await;
        assert_eq!(names(&copy), names(&original), "{format}");
        if format != "csv" {
            assert_eq!(copy["name"], "Round trip", "{format} carries the name");
        }
        let (a, b) = (&original["items"][0], &copy["items"][0]);
        assert_eq!(a["album"], b["album"], "{format}");
        assert_eq!(a["links"], b["links"], "{format}");
        if format != "m3u8" {
            for field in ["duration_ms", "mbid"] {
                assert_eq!(a[field], b[field], "{format} {field}");
            }
        } else {
            assert_eq!(b["duration_ms"], 201000, "M3U carries whole seconds");
        }
        if format == "csv" || format == "jspf" || format == "xspf" {
            assert_eq!(a["isrc"], b["isrc"], "{format} isrc");
        }
    }
}

crate::on_both_backends!(
    every_format_and_dialect_imports,
    the_report_counts_every_line_by_its_physical_number,
    bad_files_get_clear_errors_and_leave_nothing_behind,
    an_idempotency_key_returns_the_first_answer_and_writes_nothing_again,
    appending_follows_the_roles_and_if_match,
    every_format_survives_export_then_import,
);
