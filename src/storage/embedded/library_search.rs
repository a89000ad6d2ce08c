//! Track search over a user's library: the matching tracks first (by key, one page), then the
//! matching items of those tracks. What it costs follows the caller's own library: a library of
//! up to [`SCAN_UP_TO`] items is read and matched here (nothing of other users' items is
//! touched, an empty library costs one count), a larger one asks the FTS5 item index, whose
//! matches across all libraries are then narrowed to the caller's.

use std::{collections::BTreeSet, sync::Arc};

use deadpool_sqlite::rusqlite::{params, Connection};

use super::{json_err, sql_err};
use crate::{
    library::{store::TrackHit, terms::SearchTerms},
    playlists::model::Item,
    storage::StoreResult,
};

/// Largest library (in items) searched by reading it rather than through the shared index.
pub(super) const SCAN_UP_TO: i64 = 20_000;

/// The playlists in user ?1's library (owned or shared with them).
const LIBRARY: &str = "lib(id) AS (SELECT id FROM playlists WHERE owner_id = ?1
                                   UNION SELECT playlist_id FROM playlist_members WHERE user_id = ?1)";

/// Every item of the first `limit` tracks after `after` whose text matches `terms`, in user's
/// library.
pub(super) fn track_hits(
    c: &Connection,
    user: &str,
    terms: &SearchTerms,
    after: &str,
    limit: usize,
) -> StoreResult<Vec<TrackHit>> {
    let size: i64 = c
        .prepare_cached(&format!(
            "WITH {LIBRARY} SELECT count(*) FROM lib JOIN item_search_rows r ON r.playlist_id = lib.id"
        ))
        .and_then(|mut st| st.query_row([user], |r| r.get(0)))
        .map_err(sql_err)?;
    match size {
        0 => Ok(Vec::new()),
        1..=SCAN_UP_TO => scanned_hits(c, user, terms, after, limit),
        _ => indexed_hits(c, user, &terms.fts_query(), after, limit),
    }
}

/// [`track_hits`] by reading the library's indexed text and matching it here.
pub(super) fn scanned_hits(
    c: &Connection,
    user: &str,
    terms: &SearchTerms,
    after: &str,
    limit: usize,
) -> StoreResult<Vec<TrackHit>> {
    let mut matched: Vec<(String, i64)> = Vec::new();
    {
        let sql = format!(
            "WITH {LIBRARY}
             SELECT r.track_key, r.id, s.artist, s.title, s.album FROM lib
             JOIN item_search_rows r ON r.playlist_id = lib.id
             JOIN item_search s ON s.rowid = r.id
             WHERE r.track_key > ?2"
        );
        let mut st = c.prepare_cached(&sql).map_err(sql_err)?;
        let mut rows = st.query(params![user, after]).map_err(sql_err)?;
        while let Some(row) = rows.next().map_err(sql_err)? {
            let text = |i: usize| row.get::<_, Option<String>>(i).map(Option::unwrap_or_default);
            let (artist, title, album) =
                (text(2).map_err(sql_err)?, text(3).map_err(sql_err)?, text(4).map_err(sql_err)?);
            if terms.matches(&[&artist, &title, &album]) {
                matched.push((row.get(0).map_err(sql_err)?, row.get(1).map_err(sql_err)?));
            }
        }
    }
    let keys: BTreeSet<&str> = matched.iter().map(|(k, _)| k.as_str()).collect();
    let Some(last) = keys.iter().nth(limit.saturating_sub(1)).or(keys.last()) else { return Ok(Vec::new()) };
    let rows: Vec<i64> = matched.iter().filter(|(k, _)| k.as_str() <= *last).map(|(_, id)| *id).collect();
    let sql = "SELECT r.track_key, r.playlist_id, i.pos, i.doc FROM item_search_rows r
               JOIN playlist_items i ON i.playlist_id = r.playlist_id AND i.item_id = r.item_id
               WHERE r.id IN (SELECT value FROM json_each(?1))
               ORDER BY r.track_key, r.playlist_id, i.pos";
    let ids = serde_json::to_string(&rows).map_err(json_err)?;
    let mut st = c.prepare_cached(sql).map_err(sql_err)?;
    let rows = st.query_map([ids], hit_row).map_err(sql_err)?;
    rows.map(|row| to_hit(row.map_err(sql_err)?)).collect()
}

type HitRow = (String, String, i64, String);

fn hit_row(r: &deadpool_sqlite::rusqlite::Row<'_>) -> deadpool_sqlite::rusqlite::Result<HitRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_hit((track_key, playlist_id, pos, doc): HitRow) -> StoreResult<TrackHit> {
    let item: Item = serde_json::from_str(&doc).map_err(json_err)?;
    Ok(TrackHit { track_key, playlist_id, item: Arc::new(Item { pos, ..item }) })
}

/// [`track_hits`] through the FTS5 index (`query` in its syntax), for large libraries.
pub(super) fn indexed_hits(
    c: &Connection,
    user: &str,
    query: &str,
    after: &str,
    limit: usize,
) -> StoreResult<Vec<TrackHit>> {
    let keys: Vec<String> = {
        let sql = format!(
            "WITH {LIBRARY}
             SELECT DISTINCT r.track_key FROM item_search s JOIN item_search_rows r ON r.id = s.rowid
             WHERE item_search MATCH ?2 AND r.track_key > ?3 AND r.playlist_id IN lib
             ORDER BY r.track_key LIMIT ?4"
        );
        let mut st = c.prepare_cached(&sql).map_err(sql_err)?;
        let rows = st.query_map(params![user, query, after, limit as i64], |r| r.get(0)).map_err(sql_err)?;
        rows.collect::<Result<_, _>>().map_err(sql_err)?
    };
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "WITH {LIBRARY}
         SELECT r.track_key, r.playlist_id, i.pos, i.doc FROM item_search_rows r
         JOIN playlist_items i ON i.playlist_id = r.playlist_id AND i.item_id = r.item_id
         WHERE r.track_key IN (SELECT value FROM json_each(?2)) AND r.playlist_id IN lib
           AND r.id IN (SELECT rowid FROM item_search WHERE item_search MATCH ?3)
         ORDER BY r.track_key, r.playlist_id, i.pos"
    );
    let keys = serde_json::to_string(&keys).map_err(json_err)?;
    let mut st = c.prepare_cached(&sql).map_err(sql_err)?;
    let rows = st.query_map(params![user, keys, query], hit_row).map_err(sql_err)?;
    rows.map(|row| to_hit(row.map_err(sql_err)?)).collect()
}
