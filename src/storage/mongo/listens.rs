//! Listening history in MongoDB (`listens`): `_id` is user, time and track, so a play is stored
//! once; an index on (user, time) serves the stats periods.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mongodb::{
    bson::{doc, Bson, Document},
    error::ErrorKind,
};

use super::{all_docs, bson_err, mongo_err, MongoStore};
use crate::{
    listens::model::{new_plays, Listen, ListenStore},
    storage::StoreResult,
};

impl MongoStore {
    fn listens(&self) -> mongodb::Collection<Document> {
        self.db.collection("listens")
    }

    async fn listens_between(&self, user: &str, from_us: i64, to_us: i64) -> StoreResult<Vec<Listen>> {
        let found = all_docs(
            self.listens()
                .find(doc! {"user_id": user, "at_us": {"$gte": from_us, "$lte": to_us}})
                .sort(doc! {"at_us": 1}),
        )
        .await?;
        found.iter().map(listen_of).collect()
    }
}

fn listen_of(d: &Document) -> StoreResult<Listen> {
    let text = |k: &str| d.get_str(k).map(str::to_owned).map_err(bson_err);
    Ok(Listen {
        at: DateTime::from_timestamp_micros(d.get_i64("at_us").map_err(bson_err)?).unwrap_or_default(),
        artist: text("artist")?,
        title: text("title")?,
        album: d.get_str("album").ok().map(str::to_owned),
        track_key: text("track_key")?,
        source: text("source")?,
    })
}

#[async_trait]
impl ListenStore for MongoStore {
    async fn add_listens(&self, user: &str, listens: &[Listen], window_secs: i64) -> StoreResult<u64> {
        let (Some(first), Some(last)) = (listens.iter().map(|l| l.at).min(), listens.iter().map(|l| l.at).max()) else {
            return Ok(0);
        };
        let margin = window_secs * 1_000_000;
        let stored =
            self.listens_between(user, first.timestamp_micros() - margin, last.timestamp_micros() + margin).await?;
        let fresh = new_plays(&stored, listens, window_secs);
        if fresh.is_empty() {
            return Ok(0);
        }
        let docs = fresh.iter().map(|l| {
            let at = l.at.timestamp_micros();
            doc! {
                "_id": format!("{user}\u{1f}{at}\u{1f}{}", l.track_key),
                "user_id": user, "at_us": at, "track_key": &l.track_key, "source": &l.source,
                "artist": &l.artist, "title": &l.title, "album": l.album.clone().map_or(Bson::Null, Bson::String),
            }
        });
        match self.listens().insert_many(docs).ordered(false).await {
            Ok(r) => Ok(r.inserted_ids.len() as u64),
            // Stored meanwhile by another import: the same play, kept once.
            Err(e) => match &*e.kind {
                ErrorKind::InsertMany(m)
                    if m.write_concern_error.is_none()
                        && m.write_errors.as_ref().is_some_and(|w| w.iter().all(|w| w.code == 11000)) =>
                {
                    let failed = m.write_errors.as_ref().map_or(0, Vec::len);
                    Ok((fresh.len() - failed) as u64)
                }
                _ => Err(mongo_err(e)),
            },
        }
    }

    async fn listens_since(&self, user: &str, from: Option<DateTime<Utc>>) -> StoreResult<Vec<Listen>> {
        self.listens_between(user, from.map_or(i64::MIN, |t| t.timestamp_micros()), i64::MAX).await
    }

    async fn latest_listen(&self, user: &str, source: &str) -> StoreResult<Option<DateTime<Utc>>> {
        let newest = self
            .listens()
            .find_one(doc! {"user_id": user, "source": source})
            .sort(doc! {"at_us": -1})
            .await
            .map_err(mongo_err)?;
        Ok(newest.and_then(|d| d.get_i64("at_us").ok()).and_then(DateTime::from_timestamp_micros))
    }

    async fn delete_listens_of(&self, user: &str) -> StoreResult<()> {
        self.listens().delete_many(doc! {"user_id": user}).await.map(|_| ()).map_err(mongo_err)
    }
}
