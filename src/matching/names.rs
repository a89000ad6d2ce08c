//! How names are compared: folded to ASCII words (diacritics dropped, other scripts
//! transliterated), `&`/`+` read as "and", punctuation dropped, a leading "The" ignored; titles
//! lose their featured artists and version suffixes ("Remastered 2011", "(Live)", "- Radio Edit"),
//! and the suffixes that change what the recording *is* are kept aside as its kind.

use std::collections::BTreeSet;

/// What kind of recording a title names, when it is not the plain studio track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A live recording.
    Live,
    /// An acoustic or unplugged version.
    Acoustic,
    /// A karaoke or backing track.
    Karaoke,
    /// An instrumental.
    Instrumental,
    /// A remix.
    Remix,
    /// A demo or alternate take.
    Demo,
    /// A cover or tribute.
    Cover,
}

/// Words that mark a suffix as a version note; with their kind when they change the recording.
const VERSION_WORDS: &[(&str, Option<Kind>)] = &[
    ("live", Some(Kind::Live)),
    ("concert", Some(Kind::Live)),
    ("bbc session", Some(Kind::Live)),
    ("acoustic", Some(Kind::Acoustic)),
    ("unplugged", Some(Kind::Acoustic)),
    ("karaoke", Some(Kind::Karaoke)),
    ("backing track", Some(Kind::Karaoke)),
    ("made famous by", Some(Kind::Karaoke)),
    ("originally performed by", Some(Kind::Karaoke)),
    ("in the style of", Some(Kind::Karaoke)),
    ("instrumental", Some(Kind::Instrumental)),
    ("a cappella", Some(Kind::Instrumental)),
    ("acapella", Some(Kind::Instrumental)),
    ("remix", Some(Kind::Remix)),
    ("mix", Some(Kind::Remix)),
    ("rmx", Some(Kind::Remix)),
    ("dub", Some(Kind::Remix)),
    ("demo", Some(Kind::Demo)),
    ("alternate take", Some(Kind::Demo)),
    ("rehearsal", Some(Kind::Demo)),
    ("cover", Some(Kind::Cover)),
    ("tribute", Some(Kind::Cover)),
    ("remaster", None),
    ("remastered", None),
    ("radio edit", None),
    ("edit", None),
    ("version", None),
    ("single", None),
    ("mono", None),
    ("stereo", None),
    ("explicit", None),
    ("clean", None),
    ("deluxe", None),
    ("bonus track", None),
    ("from", None),
    ("soundtrack", None),
    ("ost", None),
    ("anniversary", None),
    ("expanded", None),
];

/// Markers that introduce featured artists.
const FEATURING: &[&str] = &["feat", "ft", "featuring", "with"];

/// A title taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The core title, folded ([`fold`]).
    pub core: String,
    /// The kinds its version notes name (empty for the plain track).
    pub kinds: BTreeSet<Kind>,
}

/// Folds a name to comparable ASCII words: transliterated, lower case, `&`/`+` → "and",
/// punctuation dropped, whitespace collapsed.
pub fn fold(s: &str) -> String {
    let ascii = if s.is_ascii() { s.to_ascii_lowercase() } else { deunicode::deunicode(s).to_lowercase() };
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        match c {
            '&' | '+' => out.push_str(" and "),
            '\'' | '\u{2019}' | '.' => {} // "don't" = "dont", "a.b.c." = "abc"
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a leading "the" (and a trailing ", the" as in "Beatles, The").
fn without_the(folded: &str) -> &str {
    let s = folded.strip_prefix("the ").unwrap_or(folded);
    s.strip_suffix(" the").unwrap_or(s)
}

/// The version kinds a (folded) note names, or `None` when it is not a version note.
fn version_note(note: &str) -> Option<BTreeSet<Kind>> {
    let padded = format!(" {note} ");
    let mut found = false;
    let mut kinds = BTreeSet::new();
    for (word, kind) in VERSION_WORDS {
        if padded.contains(&format!(" {word} ")) {
            found = true;
            kinds.extend(*kind);
        }
    }
    // A bare year ("2011") or "feat. …" is a note too.
    let year = note.split_whitespace().any(|w| w.len() == 4 && w.starts_with(['1', '2']) && w.parse::<u16>().is_ok());
    let featuring = FEATURING.iter().any(|f| note.starts_with(&format!("{f} ")));
    (found || year || featuring).then_some(kinds)
}

/// Removes the bracketed notes of `raw` that are version notes (returning their kinds); other
/// brackets stay as text, in place.
fn brackets(raw: &str) -> (String, BTreeSet<Kind>) {
    let (mut out, mut kinds, mut current, mut depth) = (String::new(), BTreeSet::new(), String::new(), 0usize);
    for c in raw.chars() {
        match c {
            '(' | '[' | '{' => {
                if depth == 0 {
                    current.clear();
                } else {
                    current.push(' ');
                }
                depth += 1;
            }
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    match version_note(&fold(&current)) {
                        Some(k) => kinds.extend(k),
                        None => out.push_str(&current),
                    }
                    out.push(' ');
                }
            }
            c if depth > 0 => current.push(c),
            c => out.push(c),
        }
    }
    if depth > 0 {
        out.push_str(&current); // an unclosed bracket is text
    }
    (out, kinds)
}

/// Takes a title apart: bracketed notes, dash suffixes and "feat." tails that are version notes
/// come off (their kinds kept); other brackets stay as text.
pub fn title(raw: &str) -> Title {
    let (outside, mut kinds) = brackets(raw);
    // Dash suffixes: "Title - Remastered 2011", "Title – Live at Wembley".
    let mut main = outside.replace(['\u{2013}', '\u{2014}'], "-");
    while let Some(at) = main.rfind(" - ") {
        let folded = fold(&main[at + 3..]);
        match version_note(&folded) {
            Some(k) => {
                kinds.extend(k);
                main.truncate(at);
            }
            None => break,
        }
    }
    let mut core = fold(&main);
    // "Title feat. X" without brackets.
    for marker in FEATURING.iter().filter(|m| **m != "with") {
        if let Some(at) = core.find(&format!(" {marker} ")) {
            core.truncate(at);
        }
    }
    Title { core: without_the(&core).to_owned(), kinds }
}

/// The main artist (before "feat.", "ft.", "featuring", ",", "&", "x", "and", "with"), folded.
pub fn main_artist(raw: &str) -> String {
    let folded = artist(raw);
    let mut cut = folded.len();
    for marker in ["feat", "ft", "featuring", "with", "x", "and", "vs"] {
        if let Some(at) = folded.find(&format!(" {marker} ")) {
            cut = cut.min(at);
        }
    }
    folded[..cut].to_owned()
}

/// The whole artist credit, folded, without a leading "The" and without "feat." tails.
pub fn artist(raw: &str) -> String {
    let folded = fold(&brackets(raw).0);
    // "Beatles, The" folds to "beatles the".
    without_the(folded.trim()).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_suffixes_come_off_and_kinds_stay() {
        assert_eq!(title("Let It Be - Remastered 2009"), Title { core: "let it be".into(), kinds: BTreeSet::new() });
        assert_eq!(title("Let It Be (Live)").kinds, BTreeSet::from([Kind::Live]));
        assert_eq!(title("Hey Ya! [Radio Edit]").core, "hey ya");
        assert_eq!(title("Song (feat. Someone Else)").core, "song");
        assert_eq!(title("Song ft. Someone").core, "song");
        assert_eq!(title("(Don't Fear) The Reaper").core, "dont fear the reaper");
        assert_eq!(title("Let It Go (From \"Frozen\")").core, "let it go");
        assert_eq!(title("Bohemian Rhapsody (Karaoke Version)").kinds, BTreeSet::from([Kind::Karaoke]));
        assert_eq!(title("Song - Part 2").core, "song part 2");
    }

    #[test]
    fn artists_fold_the_and_features() {
        assert_eq!(artist("The Beatles"), "beatles");
        assert_eq!(artist("Beatles, The"), "beatles");
        assert_eq!(artist("Simon & Garfunkel"), "simon and garfunkel");
        assert_eq!(artist("Beyoncé"), "beyonce");
        assert_eq!(main_artist("Daft Punk feat. Pharrell Williams"), "daft punk");
        assert_eq!(fold("Кино"), "kino");
    }
}
