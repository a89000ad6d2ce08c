//! What a library search looks for: the query's words, folded the way the indexes fold text
//! (lower case, diacritics off), each matching a word of the text that starts with it.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use crate::error::ApiError;

/// Longest query, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// Most words a query may have.
const MAX_WORDS: usize = 10;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// Folded words, each at least one character; all must match.
    pub words: Vec<String>,
}

/// The words of `text`, folded: split on anything not a letter or digit, lower-cased, marks
/// (accents) removed.
pub fn fold_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

impl SearchTerms {
    /// Parses `q`: 1-200 characters holding 1-10 words.
    pub fn parse(q: Option<&str>) -> Result<Self, ApiError> {
        let q = q.unwrap_or("").trim();
        if q.is_empty() {
            return Err(ApiError::bad_request("invalid_query", "q is required: the words to look for"));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("q must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let mut words = fold_words(q);
        words.dedup();
        if words.is_empty() {
            return Err(ApiError::bad_request("invalid_query", "q holds no letters or digits to look for"));
        }
        if words.len() > MAX_WORDS {
            return Err(ApiError::bad_request("invalid_query", format!("q may hold at most {MAX_WORDS} words")));
        }
        Ok(Self { words })
    }

    /// Whether every word starts a word of one of `texts` (all of them together).
    pub fn matches(&self, texts: &[&str]) -> bool {
        let words: Vec<String> = texts.iter().flat_map(|t| fold_words(t)).collect();
        self.words.iter().all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
    }

    /// The SQLite FTS5 query: every word as a quoted prefix (the words hold only letters and
    /// digits, so quoting is enough to keep FTS syntax out).
    pub fn fts_query(&self) -> String {
        self.words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ")
    }

    /// The MongoDB `$text` search string: every word as a phrase, so all must be present.
    pub fn text_search(&self) -> String {
        self.words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_case_and_accents_and_match_as_prefixes() {
        let terms = SearchTerms::parse(Some("  BEYONCE  hal")).unwrap();
        assert_eq!(terms.words, ["beyonce", "hal"]);
        assert!(terms.matches(&["Beyoncé", "Halo"]));
        assert!(!terms.matches(&["Beyoncé", "Crazy in Love"]));
        assert_eq!(terms.fts_query(), "\"beyonce\"* \"hal\"*");
        assert_eq!(terms.text_search(), "\"beyonce\" \"hal\"");
    }

    #[test]
    fn empty_punctuation_only_and_long_queries_are_refused() {
        let eleven: String = (0..11).map(|n| format!("w{n} ")).collect();
        for q in [None, Some(""), Some(" - ! "), Some(eleven.as_str())] {
            assert_eq!(SearchTerms::parse(q).unwrap_err().code, "invalid_query", "{q:?}");
        }
        assert!(SearchTerms::parse(Some(&"x".repeat(201))).is_err());
        assert!(SearchTerms::parse(Some("\"*) OR x")).is_ok(), "FTS syntax is only text");
    }
}
