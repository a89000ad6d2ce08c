//! Share links in SQLite: static fields as JSON, counters and the revoked flag as columns.

use async_trait::async_trait;
use deadpool_sqlite::rusqlite::{params, OptionalExtension, Row};

use super::{json_err, sql_err, EmbeddedStore};
use crate::{
    sharing::link_store::{ShareLink, ShareLinkStore},
    storage::{StoreError, StoreResult},
};

const COLUMNS: &str = "doc, uses, visits, revoked";

fn from_row(r: &Row<'_>) -> deadpool_sqlite::rusqlite::Result<(String, i64, i64, bool)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_link((doc, uses, visits, revoked): (String, i64, i64, bool)) -> StoreResult<ShareLink> {
    let link: ShareLink = serde_json::from_str(&doc).map_err(json_err)?;
    Ok(ShareLink { uses: uses as u32, visits: visits as u64, revoked, ..link })
}

#[async_trait]
impl ShareLinkStore for EmbeddedStore {
    async fn insert_link(&self, link: &ShareLink) -> StoreResult<()> {
        let doc = serde_json::to_string(link).map_err(json_err)?;
        let l = link.clone();
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO share_links (link_id, playlist_id, token_hash, uses, visits, revoked, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![l.link_id, l.playlist_id, l.token_hash, l.uses, l.visits as i64, l.revoked, doc],
            )
            .map(|_| ())
            .map_err(|e| match e.sqlite_error_code() {
                Some(deadpool_sqlite::rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict("share link"),
                _ => sql_err(e),
            })
        })
        .await
    }

    async fn links_for(&self, playlist_id: &str) -> StoreResult<Vec<ShareLink>> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            let sql = format!("SELECT {COLUMNS} FROM share_links WHERE playlist_id = ?1 ORDER BY link_id");
            let mut stmt = c.prepare_cached(&sql).map_err(sql_err)?;
            let rows = stmt.query_map([id], from_row).map_err(sql_err)?;
            rows.map(|r| to_link(r.map_err(sql_err)?)).collect()
        })
        .await
    }

    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareLink>> {
        let hash = token_hash.to_owned();
        self.with_conn(move |c| {
            let sql = format!("SELECT {COLUMNS} FROM share_links WHERE token_hash = ?1");
            c.query_row(&sql, [hash], from_row).optional().map_err(sql_err)?.map(to_link).transpose()
        })
        .await
    }

    async fn revoke_link(&self, playlist_id: &str, link_id: &str) -> StoreResult<bool> {
        let (pid, lid) = (playlist_id.to_owned(), link_id.to_owned());
        self.with_conn(move |c| {
            c.execute("UPDATE share_links SET revoked = 1 WHERE playlist_id = ?1 AND link_id = ?2", params![pid, lid])
                .map(|n| n == 1)
                .map_err(sql_err)
        })
        .await
    }

    async fn count_visits(&self, link_id: &str, visits: u64) -> StoreResult<()> {
        let id = link_id.to_owned();
        self.with_conn(move |c| {
            c.execute("UPDATE share_links SET visits = visits + ?2 WHERE link_id = ?1", params![id, visits as i64])
                .map(|_| ())
                .map_err(sql_err)
        })
        .await
    }

    async fn use_link(&self, link_id: &str, max_uses: Option<u32>) -> StoreResult<bool> {
        let id = link_id.to_owned();
        let max = max_uses.map_or(i64::MAX, i64::from);
        self.with_conn(move |c| {
            c.execute(
                "UPDATE share_links SET uses = uses + 1 WHERE link_id = ?1 AND revoked = 0 AND uses < ?2",
                params![id, max],
            )
            .map(|n| n == 1)
            .map_err(sql_err)
        })
        .await
    }

    async fn return_link_use(&self, link_id: &str) -> StoreResult<()> {
        let id = link_id.to_owned();
        self.with_conn(move |c| {
            c.execute("UPDATE share_links SET uses = max(uses - 1, 0) WHERE link_id = ?1", [id])
                .map(|_| ())
                .map_err(sql_err)
        })
        .await
    }

    async fn delete_links_for(&self, playlist_id: &str) -> StoreResult<()> {
        let id = playlist_id.to_owned();
        self.with_conn(move |c| {
            c.execute("DELETE FROM share_links WHERE playlist_id = ?1", [id]).map(|_| ()).map_err(sql_err)
        })
        .await
    }
}
