//! Keyed records in MongoDB (`records`): `_id` is kind and key, a TTL index drops expired ones
//! (and reads ignore those the TTL monitor has not reached yet).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};

use super::{is_duplicate_key, mongo_err, playlists::regex_escape, MongoStore};
use crate::storage::{
    records::{RecordKey, RecordStore},
    StoreResult,
};

fn id(kind: &str, key: &str) -> String {
    format!("{kind}\u{1f}{key}")
}

fn when(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

/// Matches records that have not expired.
fn live() -> Document {
    doc! {"$or": [{"expires_at": Bson::Null}, {"expires_at": {"$gt": when(Utc::now())}}]}
}

#[async_trait]
impl RecordStore for MongoStore {
    async fn claim_record(
        &self,
        at: RecordKey<'_>,
        value: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let _id = id(at.kind, at.key);
        // Replace only an expired record; a live one makes the upsert collide on `_id`.
        let expired = doc! {"_id": &_id, "expires_at": {"$lte": when(Utc::now())}};
        let record = doc! {"$set": {"owner": at.owner, "value": value, "expires_at": when(expires_at)}};
        match self.records().update_one(expired, record).upsert(true).await {
            Ok(_) => Ok(None),
            Err(e) if is_duplicate_key(&e) => {
                let found = self.records().find_one(doc! {"_id": &_id}).await.map_err(mongo_err)?;
                Ok(Some(found.and_then(|d| d.get_str("value").ok().map(str::to_owned)).unwrap_or_default()))
            }
            Err(e) => Err(mongo_err(e)),
        }
    }

    async fn put_record(&self, at: RecordKey<'_>, value: &str, expires_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        let expires = expires_at.map_or(Bson::Null, |t| Bson::DateTime(when(t)));
        self.records()
            .replace_one(
                doc! {"_id": id(at.kind, at.key)},
                doc! {"owner": at.owner, "value": value, "expires_at": expires},
            )
            .upsert(true)
            .await
            .map(|_| ())
            .map_err(mongo_err)
    }

    async fn records(&self, kind: &str, keys: &[String]) -> StoreResult<Vec<(String, String)>> {
        let ids: Vec<String> = keys.iter().map(|k| id(kind, k)).collect();
        let filter = doc! {"_id": {"$in": ids}, "$and": [live()]};
        let found: Vec<Document> =
            self.records().find(filter).await.map_err(mongo_err)?.try_collect().await.map_err(mongo_err)?;
        let prefix = id(kind, "");
        Ok(found
            .into_iter()
            .filter_map(|d| {
                let key = d.get_str("_id").ok()?.strip_prefix(&prefix)?.to_owned();
                Some((key, d.get_str("value").ok()?.to_owned()))
            })
            .collect())
    }

    async fn record_keys(&self, kind: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<String>> {
        let prefix = id(kind, "");
        let mut filter = doc! {"_id": {"$regex": format!("^{}", regex_escape(&prefix))}, "$and": [live()]};
        if let Some(after) = after {
            filter.insert("$and", vec![live(), doc! {"_id": {"$gt": id(kind, after)}}]);
        }
        let found: Vec<Document> = self
            .records()
            .find(filter)
            .sort(doc! {"_id": 1})
            .limit(limit as i64)
            .projection(doc! {"_id": 1})
            .await
            .map_err(mongo_err)?
            .try_collect()
            .await
            .map_err(mongo_err)?;
        Ok(found.iter().filter_map(|d| Some(d.get_str("_id").ok()?.strip_prefix(&prefix)?.to_owned())).collect())
    }

    async fn delete_record(&self, kind: &str, key: &str) -> StoreResult<()> {
        self.records().delete_one(doc! {"_id": id(kind, key)}).await.map(|_| ()).map_err(mongo_err)
    }

    async fn delete_record_if(&self, kind: &str, key: &str, value: &str) -> StoreResult<bool> {
        let r = self.records().delete_one(doc! {"_id": id(kind, key), "value": value}).await.map_err(mongo_err)?;
        Ok(r.deleted_count > 0)
    }

    async fn replace_record_if(&self, kind: &str, key: &str, expected: &str, value: &str) -> StoreResult<bool> {
        let filter = doc! {"_id": id(kind, key), "value": expected};
        let r = self.records().update_one(filter, doc! {"$set": {"value": value}}).await.map_err(mongo_err)?;
        Ok(r.matched_count > 0)
    }

    async fn purge_expired_records(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        // The TTL index does this too, within a minute or so; this makes it exact.
        let r = self.records().delete_many(doc! {"expires_at": {"$lte": when(now)}}).await.map_err(mongo_err)?;
        Ok(r.deleted_count)
    }

    async fn delete_records_of(&self, owner: &str) -> StoreResult<()> {
        self.records().delete_many(doc! {"owner": owner}).await.map(|_| ()).map_err(mongo_err)
    }
}
