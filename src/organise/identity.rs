//! When two items are the same recording: the same ISRC, the same MusicBrainz id (theirs or
//! their confident match's), or the same canonical track (the confident match's, else their own
//! names, folded and with version notes such as "live" or "remix" kept apart), unless their
//! ISRCs say they are different recordings.

use std::collections::{HashMap, HashSet};

use crate::{
    matching::{model::MatchStatus, names},
    playlists::model::Item,
};

/// Why an item was judged a duplicate of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameBecause {
    /// The same ISRC.
    Isrc,
    /// The same MusicBrainz recording id.
    Mbid,
    /// The same canonical track (matched, or the same names once folded).
    Track,
    /// The same artist and title, spelled alike (case, width and spacing aside).
    Text,
}

impl SameBecause {
    /// The reason as the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Isrc => "isrc",
            Self::Mbid => "mbid",
            Self::Track => "track",
            Self::Text => "text",
        }
    }
}

fn isrc(item: &Item) -> Option<String> {
    let raw: String = item.isrc.as_deref()?.chars().filter(char::is_ascii_alphanumeric).collect();
    (raw.len() == 12).then(|| raw.to_ascii_uppercase())
}

fn mbids(item: &Item) -> Vec<String> {
    let matched = item.matching.as_ref().filter(|m| m.status == MatchStatus::Matched).and_then(|m| m.track.as_ref());
    [item.mbid.as_deref(), matched.and_then(|t| t.mbid.as_deref()), item.trusted_meta().and_then(|m| m.mbid.as_deref())]
        .into_iter()
        .flatten()
        .filter(|m| !m.trim().is_empty())
        .map(|m| m.trim().to_ascii_lowercase())
        .collect()
}

fn canonical_track(item: &Item) -> String {
    let matched = item.matching.as_ref().filter(|m| m.status == MatchStatus::Matched).and_then(|m| m.track.as_ref());
    let (artist, title) = match matched {
        Some(t) => (t.artist.as_str(), t.title.as_str()),
        None => (item.artist.as_str(), item.title.as_str()),
    };
    let title = names::title(title);
    let kinds: Vec<String> = title.kinds.iter().map(|k| format!("{k:?}")).collect();
    format!("{}\u{1f}{}\u{1f}{}", names::main_artist(artist), title.core, kinds.join(","))
}

/// For each item, the index of the earlier item it repeats (and why), or `None` for a first
/// occurrence. `by_text` compares spelling only (normalised artist and title).
pub fn repeats(items: &[&Item], by_text: bool) -> Vec<Option<(usize, SameBecause)>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut isrcs_of: Vec<HashSet<String>> = Vec::with_capacity(items.len());
    let mut out = Vec::with_capacity(items.len());
    for (at, item) in items.iter().enumerate() {
        let mut keys: Vec<(String, SameBecause)> = Vec::new();
        if by_text {
            keys.push((format!("text:{}", item.track_key), SameBecause::Text));
        } else {
            keys.extend(isrc(item).map(|i| (format!("isrc:{i}"), SameBecause::Isrc)));
            keys.extend(mbids(item).into_iter().map(|m| (format!("mbid:{m}"), SameBecause::Mbid)));
            keys.push((format!("track:{}", canonical_track(item)), SameBecause::Track));
        }
        let own_isrc = if by_text { None } else { isrc(item) };
        // The first earlier item sharing a key whose recording does not conflict (by ISRC).
        let found = keys.iter().find_map(|(key, why)| {
            let first = *seen.get(key)?;
            let conflict =
                own_isrc.as_ref().is_some_and(|i| !isrcs_of[first].is_empty() && !isrcs_of[first].contains(i));
            (!conflict).then_some((first, *why))
        });
        let group = found.map_or(at, |(first, _)| first);
        for (key, _) in &keys {
            seen.entry(key.clone()).or_insert(group);
        }
        isrcs_of.push(HashSet::new());
        if let Some(i) = own_isrc {
            isrcs_of[group].insert(i);
        }
        out.push(found);
    }
    out
}
