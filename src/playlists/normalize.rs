//! Track identity for duplicate detection: NFKC, case-folded, whitespace collapsed.

use unicode_normalization::UnicodeNormalization;

/// Normalises one field: NFKC, full case folding, NFKC again, whitespace runs → one space, trimmed.
pub fn normalize_field(s: &str) -> String {
    let folded = caseless::default_case_fold_str(&s.nfkc().collect::<String>());
    folded.nfkc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The duplicate-detection key of a track: normalised artist and title.
pub fn track_key(artist: &str, title: &str) -> String {
    format!("{}\u{1f}{}", normalize_field(artist), normalize_field(title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_for_case_width_and_spacing_variants() {
        assert_eq!(track_key("Björk", "Army of Me"), track_key("  BJÖRK ", "army  of\tme"));
        assert_eq!(track_key("ＡＢＢＡ", "Waterloo"), track_key("abba", "WATERLOO"));
        assert_eq!(track_key("Die Ärzte", "Straße"), track_key("die ärzte", "STRASSE"));
        assert_eq!(track_key("Bjo\u{308}rk", "x"), track_key("Björk", "x"));
    }

    #[test]
    fn artist_and_title_do_not_bleed_into_each_other() {
        assert_ne!(track_key("a b", "c"), track_key("a", "b c"));
    }
}
