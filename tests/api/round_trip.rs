//! Property tests: export then import gives back every field each format can carry, over awkward
//! names (quotes, commas, semicolons, line breaks, `#`, `-`, `<&>`, right-to-left text, emoji).

use std::sync::Arc;

use futures::StreamExt;
use proptest::prelude::*;
use sharify::{
    formats::{
        export::{stream_body, ExportFormat, ExportHead},
        import,
    },
    ids,
    playlists::model::{Item, Playlist, Visibility, POSITION_GAP},
    users::model::User,
};

/// A name: awkward characters anywhere but at its ends (names are trimmed when added).
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,;\"'#&<>\\-é\u{05d0}\u{0627}\u{0644}🎸\n]{0,18}".prop_map(|middle| format!("x{middle}y"))
}

#[derive(Debug, Clone)]
struct Track {
    artist: String,
    title: String,
    album: Option<String>,
    duration_ms: Option<u64>,
    isrc: Option<String>,
    mbid: Option<String>,
    link: Option<String>,
    featured: Vec<String>,
    image: Option<String>,
}

/// A featured artist's name: anything but the separators of artist lists (`,` `;`).
fn featured_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"'#&<>\\-é\u{05d0}🎸]{0,10}".prop_map(|middle| format!("f{middle}z"))
}

/// The artist as an import reads it: the main artist and the featured ones, whether the file
/// lists them apart or joins them in a credit ("Main feat. A, B").
fn artists_of(got: &sharify::playlists::add::TrackInput) -> (String, Vec<String>) {
    let (main, from_credit) = sharify::formats::artists::split_featuring(&got.artist);
    let featured = if got.featured_artists.is_empty() { from_credit } else { got.featured_artists.clone() };
    (main, featured)
}

/// No accidental "feat." in a generated main artist: it would be read as a credit.
fn plain_artist() -> impl Strategy<Value = String> {
    name().prop_filter("no featuring marker", |a| {
        sharify::formats::artists::split_featuring(&a.replace('\n', " ")).1.is_empty()
    })
}

fn track() -> impl Strategy<Value = Track> {
    (
        plain_artist(),
        name(),
        proptest::option::of(name()),
        proptest::option::of(1_000u64..3_600_000),
        proptest::option::of("[A-Z]{2}[A-Z0-9]{3}[0-9]{7}"),
        proptest::option::of(any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string())),
        proptest::option::of("[a-zA-Z0-9]{22}".prop_map(|id| format!("https://open.spotify.com/track/{id}"))),
        proptest::collection::vec(featured_name(), 0..3),
        proptest::option::of("[a-z0-9]{1,12}".prop_map(|f| format!("https://img.example/{f}.jpg"))),
    )
        .prop_map(|(artist, title, album, duration_ms, isrc, mbid, link, featured, image)| Track {
            artist,
            title,
            album,
            duration_ms,
            isrc,
            mbid,
            link,
            featured,
            image,
        })
}

fn playlist(tracks: &[Track]) -> Arc<Playlist> {
    let owner = User {
        id: "u".into(),
        username: "owner".into(),
        display_name: "Owner".into(),
        password_hash: String::new(),
        created_at: ids::now(),
        deleted_at: None,
        timezone: "UTC".into(),
    };
    let mut p = Playlist::new(ids::new_id(), &owner, "A \"list\", #1 - 🎸".into(), "d".into(), Visibility::Private);
    p.items = tracks
        .iter()
        .zip(1..)
        .map(|(t, n)| {
            let mut item = Item::new(t.artist.clone(), t.title.clone(), "u");
            item.pos = n * POSITION_GAP;
            item.album = t.album.clone();
            item.duration_ms = t.duration_ms;
            item.isrc = t.isrc.clone();
            item.mbid = t.mbid.clone();
            item.links = t.link.iter().cloned().collect();
            item.featured_artists = t.featured.clone();
            item.image = t.image.clone();
            Arc::new(item)
        })
        .collect();
    p.sync_derived();
    Arc::new(p)
}

fn export(p: &Arc<Playlist>, format: ExportFormat) -> Vec<u8> {
    let head = ExportHead { creator: "Owner".into(), location: "/p/x".into() };
    let stream = stream_body(p.clone(), head, format);
    let blocks = futures::executor::block_on(stream.collect::<Vec<_>>());
    blocks.into_iter().flat_map(|b| b.unwrap().to_vec()).collect()
}

/// What M3U can carry of a name: one line.
fn one_line(s: &str) -> String {
    s.replace('\n', " ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn jspf_xspf_and_csv_carry_every_field(tracks in proptest::collection::vec(track(), 1..6)) {
        let p = playlist(&tracks);
        for format in [ExportFormat::Jspf, ExportFormat::Xspf, ExportFormat::Csv] {
            let file = import::parse(&export(&p, format), Some(format), None, Default::default()).unwrap();
            prop_assert!(file.rejected.is_empty(), "{format:?}: {:?}", file.rejected);
            prop_assert_eq!(file.tracks.len(), tracks.len());
            for ((_, got), want) in file.tracks.iter().zip(&tracks) {
                prop_assert_eq!(artists_of(got), (want.artist.clone(), want.featured.clone()), "{:?}", format);
                prop_assert_eq!(&got.image, &want.image, "{:?}", format);
                prop_assert_eq!(&got.title, &want.title, "{:?}", format);
                prop_assert_eq!(&got.album, &want.album, "{:?}", format);
                prop_assert_eq!(got.duration_ms, want.duration_ms, "{:?}", format);
                prop_assert_eq!(&got.mbid, &want.mbid, "{:?}", format);
                prop_assert_eq!(&got.isrc, &want.isrc, "{:?}", format);
                prop_assert_eq!(got.links.first(), want.link.as_ref(), "{:?}", format);
            }
            if format != ExportFormat::Csv {
                prop_assert_eq!(file.name.as_deref(), Some(p.meta.name.as_str()));
            }
        }
    }

    #[test]
    fn m3u8_carries_names_album_seconds_and_a_link(tracks in proptest::collection::vec(track(), 1..6)) {
        // An artist with " - " in it (once on one line) cannot be told from its title in `#EXTINF`.
        let tracks: Vec<Track> = tracks
            .into_iter()
            .map(|t| {
                let mut artist = one_line(&t.artist);
                while artist.contains(" - ") {
                    artist = artist.replace(" - ", " -");
                }
                let featured = t.featured.iter().map(|f| one_line(f).replace(" - ", " -")).collect();
                Track { artist, featured, ..t }
            })
            .collect();
        let p = playlist(&tracks);
        let file = import::parse(&export(&p, ExportFormat::M3u8), Some(ExportFormat::M3u8), None, Default::default()).unwrap();
        prop_assert!(file.rejected.is_empty(), "{:?}", file.rejected);
        prop_assert_eq!(file.tracks.len(), tracks.len());
        for ((_, got), want) in file.tracks.iter().zip(&tracks) {
            let want_featured: Vec<String> = want.featured.iter().map(|f| one_line(f).trim().to_owned()).collect();
            prop_assert_eq!(artists_of(got), (one_line(&want.artist).trim().to_owned(), want_featured));
            prop_assert_eq!(got.title.clone(), one_line(&want.title).trim().to_owned());
            prop_assert_eq!(got.album.clone(), want.album.as_deref().map(|a| one_line(a).trim().to_owned()));
            prop_assert_eq!(got.duration_ms, want.duration_ms.map(|ms| ms.div_ceil(1000) * 1000));
            prop_assert_eq!(got.links.first(), want.link.as_ref());
        }
        prop_assert_eq!(file.name.as_deref(), Some(p.meta.name.as_str()));
    }
}
