//! A small music world the Last.fm fake can answer from, for the scheduled jobs: artists (with
//! listeners, top tracks and similar artists) and users' scrobbles. Bodies are our own, in the
//! shapes of the recorded ones (`artist.search`, `artist.getTopTracks`, `artist.getSimilar`,
//! `user.getRecentTracks` with `from`/`to` and pages, error 17 for a private history).
#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::{json, Value};

/// One artist.
#[derive(Clone, Debug)]
pub struct Artist {
    pub name: String,
    pub listeners: u64,
    pub top: Vec<String>,
    pub similar: Vec<String>,
}

/// One scrobble: Unix time, artist, title.
pub type Scrobble = (i64, String, String);

/// The world.
#[derive(Clone, Debug, Default)]
pub struct World {
    pub artists: Vec<Artist>,
    /// Scrobbles by username, any order.
    pub scrobbles: HashMap<String, Vec<Scrobble>>,
    /// Users whose history is private (error 17).
    pub private: Vec<String>,
    /// A track each user is playing now (the extra "now playing" item).
    pub now_playing: HashMap<String, (String, String)>,
}

impl World {
    /// An artist with `n` top tracks named "<Name> Song 1…n".
    pub fn artist(name: &str, listeners: u64, n: usize, similar: &[&str]) -> Artist {
        Artist {
            name: name.into(),
            listeners,
            top: (1..=n).map(|i| format!("{name} Song {i}")).collect(),
            similar: similar.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn find(&self, name: &str) -> Option<&Artist> {
        self.artists.iter().find(|a| a.name.eq_ignore_ascii_case(name.trim()))
    }

    /// `artist.search`: artists sharing a word (or a 4-letter stem) with the query, most listened
    /// first, as Last.fm's search does roughly.
    pub fn search(&self, query: &str) -> Value {
        let words: Vec<String> = query.to_lowercase().split_whitespace().map(str::to_owned).collect();
        let stem = |w: &str| w.chars().take(4).collect::<String>();
        let mut hits: Vec<&Artist> = self
            .artists
            .iter()
            .filter(|a| {
                let name = a.name.to_lowercase();
                words.iter().any(|w| w.len() > 2 && name.split_whitespace().any(|n| n == w || stem(n) == stem(w)))
            })
            .collect();
        hits.sort_by_key(|a| std::cmp::Reverse(a.listeners));
        let list: Vec<Value> = hits
            .iter()
            .take(5)
            .map(|a| json!({"name": a.name, "listeners": a.listeners.to_string(), "mbid": "", "url": url(&a.name), "streamable": "0", "image": []}))
            .collect();
        json!({"results": {"opensearch:Query": {"#text": "", "role": "request", "searchTerms": query, "startPage": "1"},
            "opensearch:totalResults": list.len().to_string(), "opensearch:startIndex": "0", "opensearch:itemsPerPage": "30",
            "artistmatches": {"artist": list}, "@attr": {"for": query}}})
    }

    /// `artist.getTopTracks`, or error 6 for an unknown artist.
    pub fn top_tracks(&self, artist: &str, limit: usize) -> Option<Value> {
        let a = self.find(artist)?;
        let tracks: Vec<Value> = a
            .top
            .iter()
            .take(limit)
            .enumerate()
            .map(|(i, t)| json!({"name": t, "playcount": "1000", "listeners": "100", "mbid": "", "url": url(t), "streamable": "0",
                "artist": {"name": a.name, "mbid": "", "url": url(&a.name)}, "image": [], "@attr": {"rank": (i + 1).to_string()}}))
            .collect();
        Some(
            json!({"toptracks": {"track": tracks, "@attr": {"artist": a.name, "page": "1", "perPage": limit.to_string(),
            "totalPages": "1", "total": a.top.len().to_string()}}}),
        )
    }

    /// `artist.getSimilar`, or error 6 for an unknown artist.
    pub fn similar(&self, artist: &str, limit: usize) -> Option<Value> {
        let a = self.find(artist)?;
        let list: Vec<Value> = a
            .similar
            .iter()
            .take(limit)
            .map(|s| json!({"name": s, "mbid": "", "match": "0.9", "url": url(s), "image": [], "streamable": "0"}))
            .collect();
        Some(json!({"similarartists": {"artist": list, "@attr": {"artist": a.name}}}))
    }

    /// `user.getRecentTracks` (200 a page, newest first, `from`/`to` inclusive), error 17 for a
    /// private history, error 6 for an unknown user.
    pub fn recent(
        &self,
        user: &str,
        from: Option<i64>,
        to: Option<i64>,
        page: usize,
        limit: usize,
    ) -> Result<Value, u32> {
        if self.private.iter().any(|p| p.eq_ignore_ascii_case(user)) {
            return Err(17);
        }
        let all = self.scrobbles.get(user).ok_or(6u32)?;
        let mut plays: Vec<&Scrobble> =
            all.iter().filter(|s| from.is_none_or(|f| s.0 >= f) && to.is_none_or(|t| s.0 <= t)).collect();
        plays.sort_by_key(|s| std::cmp::Reverse(s.0));
        let limit = limit.clamp(1, 200);
        let total_pages = plays.len().div_ceil(limit).max(1);
        let mut tracks: Vec<Value> = plays
            .iter()
            .skip((page - 1) * limit)
            .take(limit)
            .map(|(at, artist, title)| {
                json!({"artist": {"mbid": "", "#text": artist}, "streamable": "0", "image": [], "mbid": "",
                "album": {"mbid": "", "#text": ""}, "name": title, "url": url(title),
                "date": {"uts": at.to_string(), "#text": "01 Jan 2026, 00:00"}})
            })
            .collect();
        if page == 1 {
            if let Some((artist, title)) = self.now_playing.get(user) {
                tracks.insert(
                    0,
                    json!({"@attr": {"nowplaying": "true"}, "artist": {"mbid": "", "#text": artist}, "streamable": "0",
                    "image": [], "mbid": "", "album": {"mbid": "", "#text": ""}, "name": title, "url": url(title)}),
                );
            }
        }
        Ok(json!({"recenttracks": {"track": tracks, "@attr": {"user": user, "totalPages": total_pages.to_string(),
            "page": page.to_string(), "perPage": limit.to_string(), "total": plays.len().to_string()}}}))
    }
}

fn url(name: &str) -> String {
    format!("https://www.last.fm/music/{}", name.replace(' ', "+"))
}
