//! Extended M3U, UTF-8 (`.m3u8`): `#EXTM3U`, `#PLAYLIST:<name>`, then per track
//! `#EXTINF:<seconds>,<artist> - <title>` and always a URI line (the Last.fm page, else a search).

use super::export::TrackOut;
use crate::playlists::model::Playlist;

/// Line breaks would end a directive early: they become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect()
}

/// The header.
pub fn head(playlist: &Playlist) -> String {
    format!("#EXTM3U\n#PLAYLIST:{}\n", one_line(&playlist.meta.name))
}

/// A block of entries.
pub fn tracks<'a>(tracks: impl Iterator<Item = TrackOut<'a>>) -> String {
    let mut out = String::new();
    for t in tracks {
        let seconds = t.duration_ms.map_or(-1, |ms| i64::try_from(ms.div_ceil(1000)).unwrap_or(-1));
        out.push_str(&format!("#EXTINF:{seconds},{} - {}\n", one_line(&t.credit()), one_line(t.title)));
        if let Some(album) = t.album {
            out.push_str(&format!("#EXTALB:{}\n", one_line(album)));
        }
        out.push_str(&t.best_url());
        out.push('\n');
    }
    out
}
