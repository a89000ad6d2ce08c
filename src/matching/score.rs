//! The confidence (0..1) that a candidate is the track a line means. See the README's
//! "How tracks are matched" for the algorithm in words.

use strsim::normalized_damerau_levenshtein;

use super::names::{self, Title};

/// What is known about one side of a comparison.
#[derive(Debug, Clone, Default)]
pub struct TrackFacts<'a> {
    /// Artist credit as written.
    pub artist: &'a str,
    /// Title as written.
    pub title: &'a str,
    /// Duration in milliseconds, when known.
    pub duration_ms: Option<u64>,
    /// MusicBrainz recording id, when known.
    pub mbid: Option<&'a str>,
    /// ISRC, when known.
    pub isrc: Option<&'a str>,
}

/// Most a candidate can score when its kind (live, karaoke, remix, …) differs: at most "review".
const DIFFERENT_KIND_CAP: f64 = 0.6;

/// Similarity of two folded strings, tolerant of typos and of word order.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split_whitespace().collect();
        words.sort_unstable();
        words.join(" ")
    };
    let compact = |s: &str| s.replace(' ', "");
    normalized_damerau_levenshtein(a, b)
        .max(normalized_damerau_levenshtein(&sorted(a), &sorted(b)))
        .max(normalized_damerau_levenshtein(&compact(a), &compact(b)))
}

fn artist_similarity(a: &str, b: &str) -> f64 {
    let whole = similarity(&names::artist(a), &names::artist(b));
    let main = similarity(&names::main_artist(a), &names::main_artist(b));
    whole.max(main)
}

fn title_similarity(a: &Title, b: &Title) -> f64 {
    similarity(&a.core, &b.core)
}

/// How far apart two durations are allowed to be before they count against a match.
fn duration_factor(a: Option<u64>, b: Option<u64>) -> f64 {
    let (Some(a), Some(b)) = (a, b) else { return 1.0 };
    if a == 0 || b == 0 {
        return 1.0;
    }
    match a.abs_diff(b) / 1000 {
        0..=7 => 1.0,
        8..=20 => 0.95,
        21..=60 => 0.85,
        _ => 0.7,
    }
}

/// The confidence that `candidate` is the track `line` names.
pub fn confidence(line: &TrackFacts<'_>, candidate: &TrackFacts<'_>) -> f64 {
    let same_id = |a: Option<&str>, b: Option<&str>| matches!((a, b), (Some(a), Some(b)) if !a.is_empty() && a.eq_ignore_ascii_case(b));
    if same_id(line.mbid, candidate.mbid) || same_id(line.isrc, candidate.isrc) {
        return 1.0;
    }
    let (line_title, candidate_title) = (names::title(line.title), names::title(candidate.title));
    let artist = artist_similarity(line.artist, candidate.artist);
    let title = title_similarity(&line_title, &candidate_title);
    let mut score = artist.powf(0.4) * title.powf(0.6) * duration_factor(line.duration_ms, candidate.duration_ms);
    if line_title.kinds != candidate_title.kinds {
        score = score.min(DIFFERENT_KIND_CAP);
    }
    (score * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(artist: &'a str, title: &'a str) -> TrackFacts<'a> {
        TrackFacts { artist, title, ..TrackFacts::default() }
    }

    #[test]
    fn messy_spellings_of_the_same_track_score_high() {
        let plain = facts("The Beatles", "Let It Be");
        assert_eq!(confidence(&facts("beatles", "let it be - remastered 2009"), &plain), 1.0);
        assert!(confidence(&facts("The Beatels", "Let it Bee"), &plain) > 0.85);
        assert!(confidence(&facts("Beyonce", "Halo"), &facts("Beyoncé", "Halo")) > 0.99);
    }

    #[test]
    fn other_versions_and_covers_do_not_score_high() {
        let plain = facts("Queen", "Bohemian Rhapsody");
        assert!(confidence(&facts("Queen", "Bohemian Rhapsody (Live Aid 1985)"), &plain) <= DIFFERENT_KIND_CAP);
        assert!(confidence(&facts("Karaoke Hits", "Bohemian Rhapsody (Karaoke Version)"), &plain) < 0.6);
        assert!(confidence(&facts("Panic! At The Disco", "Bohemian Rhapsody"), &plain) < 0.85);
    }

    #[test]
    fn shared_ids_are_certain_and_durations_count() {
        let a = TrackFacts { mbid: Some("abc"), ..facts("x", "y") };
        assert_eq!(confidence(&a, &TrackFacts { mbid: Some("ABC"), ..facts("z", "w") }), 1.0);
        let long = TrackFacts { duration_ms: Some(400_000), ..facts("A", "B") };
        let short = TrackFacts { duration_ms: Some(200_000), ..facts("A", "B") };
        assert!(confidence(&long, &short) < 0.85);
    }
}
