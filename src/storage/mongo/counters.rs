//! Shared counters, leases and the replica registry in MongoDB: atomic `$inc` per counter
//! (expiring with its window through a TTL index), leases taken by a conditional upsert.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::{
    bson::{self, doc, Document},
    options::ReturnDocument,
};

use super::{is_duplicate_key, mongo_err, MongoStore};
use crate::{
    quotas::store::{CounterAdd, CounterStore},
    storage::StoreResult,
};

fn when(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

#[async_trait]
impl CounterStore for MongoStore {
    async fn add_to_counters(&self, adds: &[CounterAdd]) -> StoreResult<Vec<i64>> {
        let mut totals = Vec::with_capacity(adds.len());
        for add in adds {
            let after = self
                .counters()
                .find_one_and_update(
                    doc! {"_id": &add.key},
                    doc! {"$inc": {"n": add.delta}, "$setOnInsert": {"expires_at": when(add.expires_at)}},
                )
                .upsert(true)
                .return_document(ReturnDocument::After)
                .await
                .map_err(mongo_err)?;
            let n = after.as_ref().and_then(|d| d.get_i64("n").ok().or_else(|| d.get_i32("n").ok().map(i64::from)));
            totals.push(n.unwrap_or(add.delta));
        }
        Ok(totals)
    }

    async fn take_lease(&self, name: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool> {
        let free_or_mine = doc! {"_id": name, "$or": [{"holder": holder}, {"until": {"$lt": when(Utc::now())}}]};
        let take = doc! {"$set": {"holder": holder, "until": when(until)}};
        match self.leases().update_one(free_or_mine, take).upsert(true).await {
            Ok(_) => Ok(true),
            Err(e) if is_duplicate_key(&e) => Ok(false),
            Err(e) => Err(mongo_err(e)),
        }
    }

    async fn heartbeat(&self, replica: &str, until: DateTime<Utc>) -> StoreResult<u64> {
        self.replicas()
            .update_one(doc! {"_id": replica}, doc! {"$set": {"until": when(until)}})
            .upsert(true)
            .await
            .map_err(mongo_err)?;
        let alive: Vec<Document> = self
            .replicas()
            .find(doc! {"until": {"$gt": when(Utc::now())}})
            .projection(doc! {"_id": 1})
            .await
            .map_err(mongo_err)?
            .try_collect()
            .await
            .map_err(mongo_err)?;
        Ok(alive.len() as u64)
    }
}
