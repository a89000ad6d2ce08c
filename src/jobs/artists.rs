//! Resolving messy artist names ("Bruce Springsteen & the E Street Band", "Radiohed") to Last.fm
//! artists: candidates from `artist.search`, scored by a partial ratio (the shorter folded name
//! against the best-matching stretch of the longer, strsim's normalised Damerau-Levenshtein,
//! word order ignored), kept at `jobs.artist_match_threshold` or above.

use serde::Serialize;
use strsim::normalized_damerau_levenshtein;
use utoipa::ToSchema;

use crate::{error::ApiError, matching::names, tracks::charged::LastfmShare};

/// Candidates asked of Last.fm per name.
const CANDIDATES: u32 = 5;

/// What one input name resolved to.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Resolution {
    /// The name as given.
    pub input: String,
    /// The Last.fm artist it resolved to, or null.
    pub resolved: Option<String>,
    /// How sure (0-1, two decimals).
    pub confidence: f64,
}

/// Similarity of two names, 0-1: the shorter folded name against the best window of the longer
/// (so "bruce springsteen" fully matches "bruce springsteen and the e street band"), or the
/// whole-name similarity when one is much shorter (a lone "the" must not match everything).
pub fn partial_ratio(a: &str, b: &str) -> f64 {
    let (a, b) = (names::artist(a), names::artist(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let whole = normalized_damerau_levenshtein(&a, &b);
    let (short, long): (Vec<char>, Vec<char>) = if a.len() <= b.len() {
        (a.chars().collect(), b.chars().collect())
    } else {
        (b.chars().collect(), a.chars().collect())
    };
    if short.len() * 5 < long.len() * 2 {
        return whole;
    }
    let short: String = short.iter().collect();
    let best = (0..=long.len() - short.chars().count())
        .map(|i| {
            let window: String = long[i..i + short.chars().count()].iter().collect();
            normalized_damerau_levenshtein(&short, &window)
        })
        .fold(0.0, f64::max);
    best.max(whole)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Resolves `input` with Last.fm's artist search, paid from `lastfm` (a failed call is the
/// caller's error; no candidate good enough resolves to null).
pub async fn resolve(lastfm: &LastfmShare<'_>, input: &str, threshold: f64) -> Result<Resolution, ApiError> {
    let cleaned = input.trim();
    if names::artist(cleaned).is_empty() {
        return Ok(Resolution { input: input.to_owned(), resolved: None, confidence: 0.0 });
    }
    let hits = lastfm.paid().await?.artist_search(cleaned, CANDIDATES).await?;
    let best = hits
        .items
        .iter()
        .map(|hit| (partial_ratio(cleaned, &hit.name), hit))
        // The first (most listened) of equally good candidates wins.
        .fold(None::<(f64, &crate::lastfm::types::ArtistHit)>, |best, (score, hit)| match best {
            Some((s, _)) if s >= score => best,
            _ => Some((score, hit)),
        });
    Ok(match best {
        Some((score, hit)) if score >= threshold => {
            Resolution { input: input.to_owned(), resolved: Some(hit.name.clone()), confidence: round2(score) }
        }
        Some((score, _)) => Resolution { input: input.to_owned(), resolved: None, confidence: round2(score) },
        None => Resolution { input: input.to_owned(), resolved: None, confidence: 0.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::partial_ratio;

    #[test]
    fn partial_ratio_forgives_bands_typos_and_case() {
        assert!(partial_ratio("Bruce Springsteen & the E Street Band", "Bruce Springsteen") >= 0.99);
        assert!(partial_ratio("Bruse Springsten", "Bruce Springsteen") >= 0.8);
        assert!(partial_ratio("radiohed", "Radiohead") >= 0.8);
        assert!(partial_ratio("Beyonce", "Beyoncé") >= 0.99);
        assert!(partial_ratio("The", "The Beatles") < 0.8);
        assert!(partial_ratio("Metallica", "Megadeth") < 0.8);
    }
}
