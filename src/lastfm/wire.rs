//! Last.fm's JSON as it really arrives, and the helpers that absorb its quirks: numbers as strings,
//! one object where a list is expected, `#text` values, `""` meaning "none".

use serde::{de::DeserializeOwned, Deserialize, Deserializer};
use serde_json::Value;

/// A string or number as `u64`; `""`, `"0"`-like junk and absent → `None`.
pub fn num<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A string or number as `f64`.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A string where `""` means absent.
pub fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.and_then(|v| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }))
}

/// `"1"`/`"true"` → true, `"0"`/`"false"` → false.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => match s.as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_u64() == Some(1)),
        _ => None,
    })
}

/// A list that may arrive as an array, a single bare object, or not at all.
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => {
            items.into_iter().map(serde_json::from_value).collect::<Result<_, _>>().map_err(serde::de::Error::custom)?
        }
        Some(v @ Value::Object(_)) => vec![serde_json::from_value(v).map_err(serde::de::Error::custom)?],
        _ => Vec::new(),
    })
}

/// An image list entry.
#[derive(Deserialize)]
pub struct Image {
    #[serde(rename = "#text", default)]
    url: String,
    #[serde(default)]
    size: String,
}

/// The largest non-empty image URL.
pub fn largest(images: &[Image]) -> Option<String> {
    let rank = |s: &str| ["small", "medium", "large", "extralarge", "mega"].iter().position(|x| *x == s);
    images
        .iter()
        .filter(|i| !i.url.trim().is_empty())
        .max_by_key(|i| rank(&i.size).map_or(0, |r| r + 1))
        .map(|i| i.url.clone())
}

/// An artist reference in any of its shapes: a bare name, `{name, mbid, url}` or `{"#text", mbid}`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum ArtistRef {
    /// A bare name (track.search, album.artist).
    Name(String),
    /// An object.
    Object {
        #[serde(default, deserialize_with = "opt_str")]
        name: Option<String>,
        #[serde(rename = "#text", default, deserialize_with = "opt_str")]
        text: Option<String>,
        #[serde(default, deserialize_with = "opt_str")]
        mbid: Option<String>,
    },
}

impl ArtistRef {
    /// The artist's name.
    pub fn name(&self) -> String {
        match self {
            Self::Name(n) => n.clone(),
            Self::Object { name, text, .. } => name.clone().or_else(|| text.clone()).unwrap_or_default(),
        }
    }
    /// The artist's MusicBrainz id.
    pub fn mbid(&self) -> Option<String> {
        match self {
            Self::Name(_) => None,
            Self::Object { mbid, .. } => mbid.clone(),
        }
    }
}

/// A `{"#text": …}` value (album in recent tracks).
#[derive(Deserialize)]
pub struct Text {
    #[serde(rename = "#text", default, deserialize_with = "opt_str")]
    pub text: Option<String>,
}

/// `{"uts": "…", "#text": "…"}`.
#[derive(Deserialize)]
pub struct Date {
    #[serde(default, deserialize_with = "num")]
    pub uts: Option<u64>,
}

impl Date {
    /// As a UTC timestamp.
    pub fn at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.uts.and_then(|s| chrono::DateTime::from_timestamp(s as i64, 0))
    }
}

/// Pagination `@attr`, all strings.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PageAttr {
    #[serde(default, deserialize_with = "num")]
    pub page: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    pub per_page: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    pub total_pages: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    pub total: Option<u64>,
}

/// `@attr` of a list item: rank or now-playing.
#[derive(Deserialize, Default)]
pub struct ItemAttr {
    #[serde(default, deserialize_with = "num")]
    pub rank: Option<u64>,
    #[serde(default, deserialize_with = "flag")]
    pub nowplaying: Option<bool>,
}

/// `{"tag": [...]}` with `{name, url}` entries.
#[derive(Deserialize, Default)]
pub struct Tags {
    #[serde(default, deserialize_with = "list")]
    pub tag: Vec<NamedEntry>,
}

/// Anything with a `name`.
#[derive(Deserialize)]
pub struct NamedEntry {
    #[serde(default)]
    pub name: String,
}

/// Wiki / bio.
#[derive(Deserialize)]
pub struct WikiWire {
    #[serde(default, deserialize_with = "opt_str")]
    pub published: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    pub content: Option<String>,
}

impl WikiWire {
    /// `None` for Last.fm's "no bio" marker (published 01 Jan 1970 and no content).
    pub fn into_wiki(self) -> Option<super::types::Wiki> {
        let empty = self.content.is_none() && self.summary.as_deref().is_none_or(|s| s.trim_start().starts_with("<a "));
        let epoch = self.published.as_deref().is_some_and(|p| p.starts_with("01 Jan 1970"));
        (!(empty || epoch && self.content.is_none())).then_some(super::types::Wiki {
            published: self.published,
            summary: self.summary,
            content: self.content,
        })
    }
}

/// A list item shared by search, top tracks, similar, tag charts and the weekly chart.
#[derive(Deserialize)]
pub struct TrackItem {
    #[serde(default)]
    pub name: String,
    pub artist: Option<ArtistRef>,
    #[serde(default, deserialize_with = "opt_str")]
    pub mbid: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "num")]
    pub listeners: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    pub playcount: Option<u64>,
    #[serde(default, deserialize_with = "num")]
    pub duration: Option<u64>,
    #[serde(default, rename = "match", deserialize_with = "float")]
    pub match_score: Option<f64>,
    #[serde(default, deserialize_with = "list")]
    pub image: Vec<Image>,
    #[serde(rename = "@attr", default)]
    pub attr: Option<ItemAttr>,
}

impl TrackItem {
    /// Converts, with the duration unit this method uses (1 = ms already, 1000 = seconds).
    pub fn into_hit(self, duration_factor: u64) -> super::types::TrackHit {
        super::types::TrackHit {
            artist: self.artist.as_ref().map(ArtistRef::name).unwrap_or_default(),
            mbid: self.mbid,
            url: self.url,
            listeners: self.listeners,
            playcount: self.playcount,
            duration_ms: self.duration.filter(|d| *d > 0).map(|d| d * duration_factor),
            image: largest(&self.image),
            rank: self.attr.and_then(|a| a.rank).map(|r| r as u32),
            match_score: self.match_score,
            name: self.name,
        }
    }
}

/// An artist list item (search, similar).
#[derive(Deserialize)]
pub struct ArtistItem {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "opt_str")]
    pub mbid: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "num")]
    pub listeners: Option<u64>,
    #[serde(default, rename = "match", deserialize_with = "float")]
    pub match_score: Option<f64>,
    #[serde(default, deserialize_with = "list")]
    pub image: Vec<Image>,
}

impl From<ArtistItem> for super::types::ArtistHit {
    fn from(a: ArtistItem) -> Self {
        Self {
            image: largest(&a.image),
            name: a.name,
            mbid: a.mbid,
            url: a.url,
            listeners: a.listeners,
            match_score: a.match_score,
        }
    }
}

/// Builds a `Page` from items and pagination attributes.
pub fn page<T>(items: Vec<T>, attr: &PageAttr) -> super::types::Page<T> {
    let total = attr.total.unwrap_or(items.len() as u64);
    super::types::Page {
        page: attr.page.unwrap_or(1) as u32,
        per_page: attr.per_page.unwrap_or(items.len() as u64) as u32,
        total_pages: attr.total_pages.unwrap_or(1) as u32,
        total,
        items,
    }
}
