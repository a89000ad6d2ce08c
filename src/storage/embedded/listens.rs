//! Listening history in SQLite (`listens`, keyed by user, time and track).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_sqlite::rusqlite::{params, Connection, OptionalExtension};

use super::{sql_err, EmbeddedStore};
use crate::{
    listens::model::{new_plays, Listen, ListenStore},
    storage::StoreResult,
};

fn read_between(c: &Connection, user: &str, from_us: i64, to_us: i64) -> StoreResult<Vec<Listen>> {
    let mut st = c
        .prepare_cached(
            "SELECT at_us, artist, title, album, track_key, source FROM listens
             WHERE user_id = ?1 AND at_us >= ?2 AND at_us <= ?3 ORDER BY at_us",
        )
        .map_err(sql_err)?;
    let rows = st
        .query_map(params![user, from_us, to_us], |r| {
            Ok(Listen {
                at: DateTime::from_timestamp_micros(r.get(0)?).unwrap_or_default(),
                artist: r.get(1)?,
                title: r.get(2)?,
                album: r.get(3)?,
                track_key: r.get(4)?,
                source: r.get(5)?,
            })
        })
        .map_err(sql_err)?;
    rows.map(|r| r.map_err(sql_err)).collect()
}

#[async_trait]
impl ListenStore for EmbeddedStore {
    async fn add_listens(&self, user: &str, listens: &[Listen], window_secs: i64) -> StoreResult<u64> {
        let (Some(first), Some(last)) = (listens.iter().map(|l| l.at).min(), listens.iter().map(|l| l.at).max()) else {
            return Ok(0);
        };
        let (user, listens) = (user.to_owned(), listens.to_vec());
        let margin = window_secs * 1_000_000;
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let stored = read_between(&tx, &user, first.timestamp_micros() - margin, last.timestamp_micros() + margin)?;
            let fresh = new_plays(&stored, &listens, window_secs);
            {
                let mut st = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO listens (user_id, at_us, track_key, source, artist, title, album)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )
                    .map_err(sql_err)?;
                for l in &fresh {
                    st.execute(params![
                        user,
                        l.at.timestamp_micros(),
                        l.track_key,
                        l.source,
                        l.artist,
                        l.title,
                        l.album
                    ])
                    .map_err(sql_err)?;
                }
            }
            tx.commit().map_err(sql_err)?;
            Ok(fresh.len() as u64)
        })
        .await
    }

    async fn listens_since(&self, user: &str, from: Option<DateTime<Utc>>) -> StoreResult<Vec<Listen>> {
        let user = user.to_owned();
        let from = from.map_or(i64::MIN, |t| t.timestamp_micros());
        self.with_conn(move |c| read_between(c, &user, from, i64::MAX)).await
    }

    async fn latest_listen(&self, user: &str, source: &str) -> StoreResult<Option<DateTime<Utc>>> {
        let (user, source) = (user.to_owned(), source.to_owned());
        self.with_conn(move |c| {
            let at: Option<Option<i64>> = c
                .query_row(
                    "SELECT MAX(at_us) FROM listens WHERE user_id = ?1 AND source = ?2",
                    params![user, source],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            Ok(at.flatten().and_then(DateTime::from_timestamp_micros))
        })
        .await
    }

    async fn delete_listens_of(&self, user: &str) -> StoreResult<()> {
        let user = user.to_owned();
        self.with_conn(move |c| {
            c.execute("DELETE FROM listens WHERE user_id = ?1", [user]).map(|_| ()).map_err(sql_err)
        })
        .await
    }
}
