//! CSV with a header row and RFC 4180 quoting (the `csv` crate), one row per item.

use super::export::TrackOut;

/// The columns, in order.
pub const COLUMNS: [&str; 11] = [
    "artist",
    "title",
    "album",
    "duration_ms",
    "mbid",
    "isrc",
    "links",
    "lastfm_url",
    "item_id",
    "featured_artists",
    "image",
];

/// What makes a spreadsheet read a cell as a formula (OWASP's CSV-injection list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_formula(s: &str) -> bool {
    s.starts_with(FORMULA_STARTS)
}

/// Whether a cell, past any leading `'`s, starts a formula: those get one more `'` on the way
/// out and lose one on the way in, so every value comes back exactly as it was written.
fn guarded(s: &str) -> bool {
    starts_formula(s.trim_start_matches('\''))
}

/// A cell a spreadsheet shows as text: one that would start a formula gets a leading `'`.
pub fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if guarded(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Undoes [`formula_safe`] on a cell read back.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if guarded(rest) => rest,
        _ => s,
    }
}

fn row(fields: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(fields.iter().map(|f| formula_safe(f).into_owned()));
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
                &t.featured.join("; "),
                t.image.unwrap_or_default(),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_read_back_exactly() {
        for value in
            ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-M-", "@SUM(1)", "'=1", "''+x", "Plain", "'quoted"]
        {
            let cell = formula_safe(value);
            assert!(!starts_formula(&cell), "{value:?} is inert as {cell:?}");
            assert_eq!(unguard(&cell), value, "{value:?} comes back");
        }
        assert_eq!(formula_safe("Plain"), "Plain");
        assert_eq!(
            head(),
            "artist,title,album,duration_ms,mbid,isrc,links,lastfm_url,item_id,featured_artists,image\n"
        );
    }
}
