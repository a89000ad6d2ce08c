//! Export as JSPF, XSPF, M3U8 and CSV: media types, file names, validators, every field we know,
//! awkward names kept exact, access as for reading.

use reqwest::{header, Method};
use serde_json::{json, Value};

use crate::{
    helpers::{eventually, states, use_fake_lastfm, Backend, TestApp, TestUser},
    lastfm_fake::{FakeLastfm, Fault},
};

const AWKWARD: [(&str, &str); 3] = [
    ("Marble Coast", "Tidal Lines"),
    ("Quote \"Band\", Inc.", "#1 - Comma, Semicolon; - dash"),
    ("فرقة العاصفة 🎸", "Ünïcödé – “curly” & <xml>"),
];

async fn export(app: &TestApp, who: Option<&TestUser>, id: &str, format: &str) -> reqwest::Response {
    let path = format!("/v1/playlists/{id}/export?format={format}");
    match who {
        Some(user) => app.as_user(user, Method::GET, &path),
        None => app.request(Method::GET, &path),
    }
    .send()
    .await
    .unwrap()
}

async fn every_format_carries_every_field_with_the_right_media_type(backend: Backend) {
    let fake = FakeLastfm::start().await;
    let app = TestApp::spawn_with(backend, |c| use_fake_lastfm(c, &fake)).await;
    let alice = app.user("alice").await;
    let id = app.playlist(&alice, json!({"name": "Road \"trip\" / 2026", "visibility": "public"})).await;
    // The first track is known to Last.fm (duration, MBID, page); the awkward ones are not, so
    // they go out exactly as they were added.
    for (n, (artist, title)) in AWKWARD.iter().enumerate() {
        if n == 1 {
            fake.set_fault(Fault::Always { code: 6 });
        }
        let track = json!({"tracks": [{"artist": artist, "title": title, "album": "An, Album"}]});
        let r = app.as_user(&alice, Method::POST, &format!("/v1/playlists/{id}/items")).json(&track);
        assert_eq!(r.send().await.unwrap().status(), 200);
        if n == 0 {
            eventually(20, "the known track is enriched", || async {
                let p = app.get_playlist(&alice, &id).await;
                (states(&p) == ["enriched"]).then_some(())
            })
            .await;
        }
    }

    for (format, media) in [
        ("jspf", "application/jspf+json"),
        ("xspf", "application/xspf+xml"),
        ("m3u8", "audio/x-mpegurl"),
        ("csv", "text/csv; charset=utf-8"),
    ] {
        let r = export(&app, Some(&alice), &id, format).await;
        assert_eq!(r.status(), 200, "{format}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], media);
        let disposition = r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_owned();
        assert!(
            disposition.starts_with(&format!("attachment; filename=\"Road _trip_ _ 2026.{format}\"")),
            "{disposition}"
        );
        let tag = r.headers()[header::ETAG].to_str().unwrap().to_owned();
        let text = r.text().await.unwrap();
        check(format, &text);
        let again = app
            .as_user(&alice, Method::GET, &format!("/v1/playlists/{id}/export?format={format}"))
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{format}");
    }
    assert_eq!(export(&app, None, &id, "csv").await.status(), 200, "public: anyone may export");
    let r = export(&app, Some(&alice), &id, "mp3").await;
    assert_eq!(r.status(), 400);
}

fn check(format: &str, text: &str) {
    match format {
        "jspf" => {
            let doc: Value = serde_json::from_str(text).expect("valid JSON");
            let tracks = doc["playlist"]["track"].as_array().unwrap();
            assert_eq!(tracks.len(), 3);
            assert_eq!(
                tracks[0]["identifier"][0],
                "https://musicbrainz.org/recording/0b8e90e9-f646-6d5f-dae8-5d0928398f9f"
            );
            assert_eq!(tracks[0]["duration"], 243000);
            let ours = &tracks[1]["extension"]["https://sharify.dev/jspf"];
            assert_eq!(
                (ours["artist_as_added"].as_str(), ours["title_as_added"].as_str()),
                (Some(AWKWARD[1].0), Some(AWKWARD[1].1))
            );
            assert_eq!(tracks[2]["album"], "An, Album");
        }
        "xspf" => {
            let mut reader = quick_xml::Reader::from_str(text);
            let mut tracks = 0;
            loop {
                match reader.read_event().expect("well-formed XML") {
                    quick_xml::events::Event::Start(e) if e.name().0 == "track" => tracks += 1,
                    quick_xml::events::Event::Eof => break,
                    _ => {}
                }
            }
            assert!(text.contains("<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">"));
            assert_eq!(tracks, 3);
            assert!(text.contains("<title>Ünïcödé – “curly” &amp; &lt;xml&gt;</title>"), "escaped, not lost");
            assert!(text.contains("<duration>243000</duration>"));
            assert_valid_xspf(text);
        }
        "m3u8" => {
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines[0], "#EXTM3U");
            assert_eq!(lines[1], "#PLAYLIST:Road \"trip\" / 2026");
            let extinf: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("#EXTINF:")).collect();
            assert_eq!(extinf.len(), 3);
            assert!(lines[extinf[0]].starts_with("#EXTINF:243,Marble Coast - Tidal Lines"), "{}", lines[extinf[0]]);
            for i in extinf {
                let uri = lines[i + 1..].iter().find(|l| !l.starts_with('#')).unwrap();
                assert!(uri.starts_with("https://"), "every entry has a URI line: {uri}");
            }
        }
        "csv" => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
            assert_eq!(&header[..2], ["artist", "title"]);
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(rows.len(), 3);
            assert_eq!((&rows[1][0], &rows[1][1]), (AWKWARD[1].0, AWKWARD[1].1), "quotes and commas survive exactly");
            assert_eq!(&rows[2][0], AWKWARD[2].0);
            assert_eq!(&rows[0][3], "243000");
        }
        _ => unreachable!(),
    }
}

async fn export_follows_the_read_rules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (alice, mallory) = (app.user("alice").await, app.user("mallory").await);
    let id = app.playlist(&alice, json!({"name": "secret"})).await;
    assert_eq!(export(&app, Some(&mallory), &id, "jspf").await.status(), 404);
    assert_eq!(export(&app, None, &id, "jspf").await.status(), 404);
    assert_eq!(export(&app, Some(&alice), &id, "jspf").await.status(), 200);
}

crate::on_both_backends!(every_format_carries_every_field_with_the_right_media_type, export_follows_the_read_rules);

/// Validates an XSPF document against the XSPF version 1 schema with xmllint (libxml2). Without
/// xmllint it fails naming the package, unless `tools/test.sh` found it missing and reports the
/// check as skipped (`SHARIFY_TEST_SKIP_XMLLINT`).
pub fn assert_valid_xspf(text: &str) {
    if std::env::var_os("SHARIFY_TEST_SKIP_XMLLINT").is_some() {
        eprintln!("XSPF schema check skipped: xmllint is not installed (tools/test.sh reports it)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xspf");
    std::fs::write(&file, text).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/xspf/xspf-1.xsd");
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(&file)
        .output()
        .expect("xmllint runs (apt-get install libxml2-utils; .ci/run installs it)");
    assert!(out.status.success(), "the export is not valid XSPF: {}", String::from_utf8_lossy(&out.stderr));
}
