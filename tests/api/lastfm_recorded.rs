//! Every Last.fm response body in tests/data/lastfm (recordings and our own bodies of the same
//! shape; see its SOURCES.md) decodes into the right typed result or the right typed error.

use std::path::PathBuf;

use sharify::lastfm::{decode, LastfmError};

/// What a recording must decode to.
#[derive(Debug)]
enum Expect {
    /// A result with this many items (1 for single objects).
    Items(usize),
    /// `NotFound`.
    NotFound,
    /// `Api { code }`.
    Code(u32),
}
use Expect::*;

const TABLE: &[(&str, Expect)] = &[
    ("any__error10-invalid-api-key", Code(10)),
    ("any__error26-api-key-suspended-403", Code(26)),
    ("any__error29-rate-limit-exceeded", Code(29)),
    ("any__error3-invalid-method", Code(3)),
    ("any__error6-page-param-out-of-bounds", Code(6)),
    ("artist.getInfo__error6-artist-not-found-404", NotFound),
    ("artist.getInfo__error6-artist-not-found-with-links", NotFound),
    ("artist.getInfo__glass-harbour-lang-pt", Items(1)),
    ("artist.getInfo__north-pier-with-username", Items(1)),
    ("artist.getInfo__sereia-urbana-no-bio-in-requested-lang", Items(1)),
    ("artist.getInfo__unknown-placeholder-artist", Items(1)),
    ("artist.getSimilar__amon-amarth", Items(10)),
    ("artist.getSimilar__glass-harbour-limit2", Items(2)),
    ("artist.getSimilar__unknown-placeholder-artist-empty", Items(0)),
    ("artist.getTopTracks__amon-amarth-limit15", Items(15)),
    ("artist.getTopTracks__glass-harbour-limit2", Items(2)),
    ("artist.getTopTracks__low-tide-radio-50-missing-some-mbid-keys", Items(50)),
    ("artist.getTopTracks__unknown-placeholder-artist-missing-mbid-keys", Items(50)),
    ("artist.search__amon-amarth", Items(30)),
    ("artist.search__glass-harbour-trimmed", Items(1)),
    ("artist.search__no-results", Items(0)),
    ("artist.search__velvet-moth-limit12", Items(12)),
    ("tag.getTopTracks__argentina", Items(50)),
    ("tag.getTopTracks__nonexistent-tag-empty", Items(0)),
    ("track.getInfo__error6-track-not-found", NotFound),
    ("track.getInfo__marble-coast-tidal-lines", Items(1)),
    ("track.getInfo__marble-coast-tidal-lines-with-username", Items(1)),
    ("track.getInfo__nonexistent-track-stub-200", NotFound),
    ("track.getSimilar__kvelertak-empty-result", Items(0)),
    ("track.getSimilar__nonexistent-empty-result", Items(0)),
    ("track.search__kvelertak-streamable-FIXME", Items(30)),
    ("track.search__no-results", Items(0)),
    ("user.getLovedTracks__error6-user-not-found-404", NotFound),
    ("user.getLovedTracks__testuser-limit1", Items(1)),
    ("user.getRecentTracks__empty-legacy-format-2014", Items(0)),
    ("user.getRecentTracks__error17-hidden-history-403", Code(17)),
    ("user.getRecentTracks__error17-login-required", Code(17)),
    ("user.getRecentTracks__error6-missing-user-param", Code(6)),
    ("user.getRecentTracks__error6-user-not-found-404", NotFound),
    ("user.getRecentTracks__error6-user-not-found-compact", NotFound),
    ("user.getRecentTracks__nightowl-nowplaying-51-items", Items(51)),
    ("user.getRecentTracks__quietlistener-limit50-2024", Items(50)),
    ("user.getRecentTracks__rj-limit1-single-object-2014", Items(1)),
    ("user.getRecentTracks__testuser-limit1", Items(1)),
    ("user.getRecentTracks__testuser-limit1-extended-nowplaying", Items(2)),
    ("user.getWeeklyTrackChart__rj-2018-week", Items(90)),
    ("user.getWeeklyTrackChart__testuser-limit2", Items(2)),
];

/// Where the Last.fm response bodies live.
pub fn recorded_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/lastfm")
}

/// The HTTP status a recording was served with (named in the file name, else 200).
fn status_of(name: &str) -> u16 {
    ["403", "404", "429", "500"].iter().find(|s| name.ends_with(*s)).map_or(200, |s| s.parse().unwrap())
}

/// Decodes `body` as the response of `method`, reduced to an item count.
fn decode_as(method: &str, status: u16, body: &[u8]) -> Result<usize, LastfmError> {
    Ok(match method {
        "track.getInfo" => decode::track_info(status, body).map(|_| 1)?,
        "track.search" => decode::track_search(status, body)?.items.len(),
        "track.getSimilar" => decode::similar_tracks(status, body)?.len(),
        "artist.getInfo" => decode::artist_info(status, body).map(|_| 1)?,
        "artist.search" => decode::artist_search(status, body)?.items.len(),
        "artist.getTopTracks" => decode::artist_top_tracks(status, body)?.items.len(),
        "artist.getSimilar" => decode::similar_artists(status, body)?.len(),
        "tag.getTopTracks" => decode::tag_top_tracks(status, body)?.items.len(),
        "user.getRecentTracks" => decode::recent_tracks(status, body)?.items.len(),
        "user.getWeeklyTrackChart" => decode::weekly_track_chart(status, body)?.items.len(),
        "user.getLovedTracks" => decode::loved_tracks(status, body)?.items.len(),
        // Error bodies are the same for every method: decode as the commonest one.
        "any" => decode::track_info(status, body).map(|_| 1)?,
        other => panic!("no decoder for {other}"),
    })
}

#[test]
fn every_recorded_response_decodes_as_expected() {
    let mut files: Vec<String> = std::fs::read_dir(recorded_dir())
        .expect("tests/data/lastfm is in the repository")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .collect();
    files.sort();
    let mut listed: Vec<String> = TABLE.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "every recording is listed in the table, and only those");
    let mut failures = vec![];
    for (name, expect) in TABLE {
        let body = std::fs::read(recorded_dir().join(format!("{name}.json"))).unwrap();
        let method = name.split("__").next().unwrap();
        let got = decode_as(method, status_of(name), &body);
        let ok = match (expect, &got) {
            (Items(n), Ok(m)) => n == m,
            (NotFound, Err(LastfmError::NotFound(_))) => true,
            (Code(c), Err(LastfmError::Api { code, .. })) => c == code,
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(recorded_dir().join(format!("{name}.json"))).unwrap()
}

#[test]
fn track_info_fields_are_typed() {
    let t = decode::track_info(200, &read("track.getInfo__marble-coast-tidal-lines-with-username")).unwrap();
    assert_eq!((t.name.as_str(), t.artist.as_str()), ("Tidal Lines", "Marble Coast"));
    assert_eq!((t.duration_ms, t.listeners, t.playcount), (Some(243_000), Some(482_113), Some(3_907_251)));
    assert!(t.mbid.as_deref().is_some_and(|m| m.len() == 36), "the track mbid is kept");
    let album = t.album.unwrap();
    assert_eq!(album.title, "Lanterns Over Water (Live)");
    assert!(album.image.unwrap().contains("/300x300/"), "the largest image is chosen");
    assert_eq!(t.tags.len(), 5);
    assert!(t.wiki.is_some() && t.user_playcount.is_some() && t.user_loved.is_some());
}

#[test]
fn list_quirks_are_absorbed() {
    let r = decode::recent_tracks(200, &read("user.getRecentTracks__rj-limit1-single-object-2014")).unwrap();
    assert_eq!(r.items.len(), 1, "a single bare object is a one-item list");
    assert!(r.items[0].played_at.is_some() && !r.items[0].now_playing);
    let r = decode::recent_tracks(200, &read("user.getRecentTracks__testuser-limit1-extended-nowplaying")).unwrap();
    assert!(r.items[0].now_playing && r.items[0].played_at.is_none() && r.items[0].loved.is_some());
    assert_eq!(r.per_page, 1, "perPage still reports the requested limit");
    let r = decode::recent_tracks(200, &read("user.getRecentTracks__empty-legacy-format-2014")).unwrap();
    assert_eq!((r.items.len(), r.total), (0, 0));
    let top =
        decode::artist_top_tracks(200, &read("artist.getTopTracks__unknown-placeholder-artist-missing-mbid-keys"))
            .unwrap();
    assert_eq!(top.items.iter().filter(|t| t.mbid.is_none()).count(), 48, "absent mbid keys are None");
    assert!(top.items.iter().all(|t| t.playcount.is_some() && t.rank.is_some()));
    let similar = decode::similar_artists(200, &read("artist.getSimilar__glass-harbour-limit2")).unwrap();
    assert!(similar[0].match_score.is_some_and(|m| m > 0.0), "string match scores parse");
    let search = decode::track_search(200, &read("track.search__kvelertak-streamable-FIXME")).unwrap();
    assert!(search.items.iter().all(|t| t.artist == "Kvelertak" || !t.artist.is_empty()));
    assert_eq!(search.page, 1);
    let tag = decode::tag_top_tracks(200, &read("tag.getTopTracks__argentina")).unwrap();
    assert!(tag.items.iter().any(|t| t.duration_ms.is_some_and(|d| d % 1000 == 0)), "seconds become ms");
    let info = decode::artist_info(200, &read("artist.getInfo__sereia-urbana-no-bio-in-requested-lang")).unwrap();
    assert!(info.bio.is_none(), "the 1970 no-bio marker is no bio");
}

#[test]
fn outages_and_errors_are_classified_for_retry() {
    let html = b"<html><body>502 Bad Gateway</body></html>";
    let e = decode::track_info(502, html).unwrap_err();
    assert!(matches!(e, LastfmError::Outage { status: 502, .. }) && e.is_retryable());
    let e = decode::track_info(200, html).unwrap_err();
    assert!(matches!(e, LastfmError::Outage { .. }), "HTML even with 200 is an outage");
    for (name, retry) in [
        ("any__error29-rate-limit-exceeded", true),
        ("any__error10-invalid-api-key", false),
        ("any__error26-api-key-suspended-403", false),
    ] {
        assert_eq!(decode::track_info(403, &read(name)).unwrap_err().is_retryable(), retry, "{name}");
    }
    let e = decode::track_info(500, br#"{"message":"Operation failed","error":8}"#).unwrap_err();
    assert!(e.is_retryable());
    assert!(matches!(decode::track_info(200, b"{\"track\": 5}").unwrap_err(), LastfmError::Decode(_)));
}
