//! CSV with a header row and RFC 4180 quoting (the `csv` crate), one row per item.

use super::export::TrackOut;

/// The columns, in order.
pub const COLUMNS: [&str; 9] =
    ["artist", "title", "album", "duration_ms", "mbid", "isrc", "links", "lastfm_url", "item_id"];

fn row(fields: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The header row.
pub fn head() -> String {
    row(&COLUMNS)
}

/// A block of rows.
pub fn tracks<'a>(tracks: impl Iterator<Item = TrackOut<'a>>) -> String {
    tracks
        .map(|t| {
            let duration = t.duration_ms.map(|d| d.to_string()).unwrap_or_default();
            row(&[
                t.artist,
                t.title,
                t.album.unwrap_or_default(),
                &duration,
                t.mbid.unwrap_or_default(),
                t.isrc.unwrap_or_default(),
                &t.links.join(" "),
                t.lastfm_url.unwrap_or_default(),
                &t.item.item_id,
            ])
        })
        .collect()
}
