//! Track search over a user's library with the FTS5 item index: the matching tracks first (by
//! key, one page), then the matching items of those tracks.

use std::sync::Arc;

use deadpool_sqlite::rusqlite::{params, Connection};

use super::{json_err, sql_err};
use crate::{library::store::TrackHit, playlists::model::Item, storage::StoreResult};

/// The playlists in user ?1's library (owned or shared with them).
const LIBRARY: &str = "lib(id) AS (SELECT id FROM playlists WHERE owner_id = ?1
                                   UNION SELECT playlist_id FROM playlist_members WHERE user_id = ?1)";

/// Every item of the first `limit` tracks after `after` whose text matches `query` (FTS5
/// syntax), in user's library.
pub(super) fn track_hits(
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
    let rows = st
        .query_map(params![user, keys, query], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
        })
        .map_err(sql_err)?;
    rows.map(|row| {
        let (track_key, playlist_id, pos, doc) = row.map_err(sql_err)?;
        let item: Item = serde_json::from_str(&doc).map_err(json_err)?;
        Ok(TrackHit { track_key, playlist_id, item: Arc::new(Item { pos, ..item }) })
    })
    .collect()
}
