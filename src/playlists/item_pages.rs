//! Pages of a playlist's items, with keyset cursors.
//!
//! A cursor holds the position (the sparse sort key, not an index) of the last item of the page
//! it ends. The next page starts at the first item positioned after it, wherever that is now:
//! paging stays correct while others add, remove and move items elsewhere, and costs a binary
//! search, not a scan.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use super::{dto::ItemDto, model::Item};
use crate::{error::ApiError, limits};

/// One page: the items and the cursor of the next page (none on the last).
pub struct Page {
    /// Items in playlist order.
    pub items: Vec<ItemDto>,
    /// Pass as `cursor` for the next page.
    pub next_cursor: Option<String>,
}

/// The page of at most `limit` items after `cursor` (from the start without one).
pub fn page(items: &[Arc<Item>], cursor: Option<&str>, limit: usize) -> Result<Page, ApiError> {
    let start = match cursor {
        None => 0,
        Some(raw) => start_after(items, &decode(raw)?),
    };
    Ok(page_from(items, start, limit))
}

/// The first page of at most `limit` items.
pub fn first_page(items: &[Arc<Item>], limit: usize) -> Page {
    page_from(items, 0, limit)
}

fn page_from(items: &[Arc<Item>], start: usize, limit: usize) -> Page {
    let end = start.saturating_add(limit).min(items.len());
    let slice = items.get(start..end).unwrap_or_default();
    let next_cursor = match slice.last() {
        Some(last) if end < items.len() => Some(URL_SAFE_NO_PAD.encode(format!("k{}", last.pos))),
        _ => None,
    };
    Page { items: slice.iter().map(|i| ItemDto::from(&**i)).collect(), next_cursor }
}

/// Validates `items_limit` of a playlist read (1–1,000, default 100).
pub fn embedded_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    crate::http::extract::bounded_limit(
        "items_limit",
        limit,
        limits::EMBEDDED_ITEMS_DEFAULT,
        limits::EMBEDDED_ITEMS_MAX,
    )
}

/// Where a page continues.
enum Anchor {
    /// After the item at this position.
    Key(i64),
    /// After this item, which was at index `position` (exclusive end) when the cursor was made
    /// (cursors issued before positions).
    After { item_id: String, position: usize },
    /// At this index (the first cursors, offsets).
    Offset(usize),
}

fn start_after(items: &[Arc<Item>], anchor: &Anchor) -> usize {
    match anchor {
        Anchor::Key(pos) => items.partition_point(|i| i.pos <= *pos),
        Anchor::After { item_id, position } => {
            items.iter().position(|i| &i.item_id == item_id).map_or((*position).min(items.len()), |at| at + 1)
        }
        Anchor::Offset(n) => (*n).min(items.len()),
    }
}

fn decode(raw: &str) -> Result<Anchor, ApiError> {
    let invalid = || ApiError::bad_request("invalid_cursor", "cursor is not one this service issued");
    let text = URL_SAFE_NO_PAD.decode(raw).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(invalid)?;
    if let Some(pos) = text.strip_prefix('k') {
        return pos.parse().map(Anchor::Key).map_err(|_| invalid());
    }
    if let Some(rest) = text.strip_prefix('a') {
        let (position, item_id) = rest.split_once(':').ok_or_else(invalid)?;
        let position = position.parse().map_err(|_| invalid())?;
        if item_id.is_empty() {
            return Err(invalid());
        }
        return Ok(Anchor::After { item_id: item_id.to_owned(), position });
    }
    text.strip_prefix('o').and_then(|n| n.parse().ok()).map(Anchor::Offset).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{playlists::model::POSITION_GAP, tracks::model::Enrichment};

    fn items(ids: &[(&str, i64)]) -> Vec<Arc<Item>> {
        ids.iter()
            .map(|(id, n)| {
                Arc::new(Item {
                    item_id: (*id).to_owned(),
                    pos: n * POSITION_GAP,
                    artist: "a".into(),
                    title: (*id).to_owned(),
                    album: None,
                    added_by: "u".into(),
                    added_at: Utc::now(),
                    track_key: (*id).to_owned(),
                    enrichment: Enrichment::Unenriched,
                    meta: None,
                    duration_ms: None,
                    mbid: None,
                    isrc: None,
                    links: Vec::new(),
                    matching: None,
                    featured_artists: Vec::new(),
                    image: None,
                })
            })
            .collect()
    }

    fn ids(p: &Page) -> Vec<String> {
        p.items.iter().map(|i| i.item_id.clone()).collect()
    }

    #[test]
    fn pages_continue_after_their_last_item_while_others_insert_before_it() {
        let mut list = items(&[("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)]);
        let first = page(&list, None, 2).unwrap();
        assert_eq!(ids(&first), ["a", "b"]);
        list.splice(0..0, items(&[("x", -2), ("y", -1)]));
        let second = page(&list, first.next_cursor.as_deref(), 2).unwrap();
        assert_eq!(ids(&second), ["c", "d"], "no item seen twice, none skipped");
        let third = page(&list, second.next_cursor.as_deref(), 2).unwrap();
        assert_eq!((ids(&third), third.next_cursor), (vec!["e".to_owned()], None));
    }

    #[test]
    fn a_removed_anchor_still_continues_after_its_position_and_garbage_is_refused() {
        let mut list = items(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        let first = page(&list, None, 2).unwrap();
        list.remove(1);
        assert_eq!(ids(&page(&list, first.next_cursor.as_deref(), 2).unwrap()), ["c", "d"]);
        assert!(page(&list, Some("not a cursor!"), 2).is_err());
        assert!(page(&list, Some(&URL_SAFE_NO_PAD.encode("a1:")), 2).is_err());
        assert!(page(&list, Some(&URL_SAFE_NO_PAD.encode("kx")), 2).is_err());
        let old = URL_SAFE_NO_PAD.encode("o1");
        assert_eq!(ids(&page(&list, Some(&old), 5).unwrap()), ["c", "d"], "offset cursors still work");
        let older = URL_SAFE_NO_PAD.encode("a1:a");
        assert_eq!(ids(&page(&list, Some(&older), 5).unwrap()), ["c", "d"], "item cursors still work");
    }
}
