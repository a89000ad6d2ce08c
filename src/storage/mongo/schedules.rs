//! Schedules (`schedules`: indexed fields, the lease, and the document as JSON) and their runs
//! (`schedule_runs`) in MongoDB. Every claim, renewal and release is one atomic update.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mongodb::bson::{self, doc, Bson, Document};

use super::{all_docs, bson_err, mongo_err, MongoStore};
use crate::{
    schedules::{
        model::{Run, Schedule},
        store::{Claim, ScheduleStore},
    },
    storage::StoreResult,
};

/// Runs kept per schedule.
const RUNS_KEPT: i64 = 100;

fn when(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

fn fields(s: &Schedule) -> StoreResult<Document> {
    Ok(doc! {
        "owner_id": &s.owner_id,
        "enabled": s.enabled,
        "next_run_at": s.next_run_at.map_or(Bson::Null, |t| Bson::DateTime(when(t))),
        "rev": s.rev as i64,
        "doc": serde_json::to_string(s).map_err(bson_err)?,
    })
}

fn schedule_of(d: &Document) -> StoreResult<Schedule> {
    serde_json::from_str(d.get_str("doc").map_err(bson_err)?).map_err(bson_err)
}

/// Matches a lease that is free or expired at `now`.
fn unleased(now: DateTime<Utc>) -> Document {
    doc! {"$or": [{"lease_until": Bson::Null}, {"lease_until": {"$lt": when(now)}}]}
}

impl MongoStore {
    fn schedules(&self) -> mongodb::Collection<Document> {
        self.db.collection("schedules")
    }
    fn schedule_runs(&self) -> mongodb::Collection<Document> {
        self.db.collection("schedule_runs")
    }
}

#[async_trait]
impl ScheduleStore for MongoStore {
    async fn insert_schedule(&self, s: &Schedule) -> StoreResult<()> {
        let mut d = fields(s)?;
        d.insert("_id", &s.id);
        d.insert("lease_until", Bson::Null);
        self.schedules().insert_one(d).await.map(|_| ()).map_err(mongo_err)
    }

    async fn replace_schedule(&self, s: &Schedule, expected_rev: u64) -> StoreResult<bool> {
        let filter = doc! {"_id": &s.id, "rev": expected_rev as i64};
        let r = self.schedules().update_one(filter, doc! {"$set": fields(s)?}).await.map_err(mongo_err)?;
        Ok(r.matched_count == 1)
    }

    async fn schedule(&self, id: &str) -> StoreResult<Option<Schedule>> {
        let found = self.schedules().find_one(doc! {"_id": id}).await.map_err(mongo_err)?;
        found.as_ref().map(schedule_of).transpose()
    }

    async fn schedules_of(&self, owner: &str) -> StoreResult<Vec<Schedule>> {
        let found = all_docs(self.schedules().find(doc! {"owner_id": owner})).await?;
        let mut out = found.iter().map(schedule_of).collect::<StoreResult<Vec<_>>>()?;
        out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    async fn all_schedules(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Schedule>> {
        let found = all_docs(
            self.schedules()
                .find(doc! {"_id": {"$gt": after.unwrap_or_default()}})
                .sort(doc! {"_id": 1})
                .limit(limit as i64),
        )
        .await?;
        found.iter().map(schedule_of).collect()
    }

    async fn delete_schedule(&self, id: &str) -> StoreResult<bool> {
        let r = self.schedules().delete_one(doc! {"_id": id}).await.map_err(mongo_err)?;
        self.schedule_runs().delete_many(doc! {"schedule_id": id}).await.map_err(mongo_err)?;
        Ok(r.deleted_count == 1)
    }

    async fn delete_schedules_of(&self, owner: &str) -> StoreResult<()> {
        for s in self.schedules_of(owner).await? {
            self.delete_schedule(&s.id).await?;
        }
        Ok(())
    }

    async fn due_schedules(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<String>> {
        let filter = doc! {"enabled": true, "next_run_at": {"$lte": when(now)}, "$and": [unleased(now)]};
        let found = all_docs(
            self.schedules().find(filter).sort(doc! {"next_run_at": 1}).limit(limit as i64).projection(doc! {"_id": 1}),
        )
        .await?;
        Ok(found.iter().filter_map(|d| d.get_str("_id").ok().map(str::to_owned)).collect())
    }

    async fn claim_schedule(&self, claim: Claim<'_>) -> StoreResult<Option<Schedule>> {
        let mut filter = doc! {"_id": claim.id, "$and": [unleased(claim.now)]};
        if claim.due_only {
            filter.insert("enabled", true);
            filter.insert("next_run_at", doc! {"$lte": when(claim.now)});
        }
        let take = doc! {"$set": {"lease_holder": claim.holder, "lease_until": when(claim.until)}};
        let before = self.schedules().find_one_and_update(filter, take).await.map_err(mongo_err)?;
        before.as_ref().map(schedule_of).transpose()
    }

    async fn renew_schedule_lease(&self, id: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool> {
        let r = self
            .schedules()
            .update_one(doc! {"_id": id, "lease_holder": holder}, doc! {"$set": {"lease_until": when(until)}})
            .await
            .map_err(mongo_err)?;
        Ok(r.matched_count == 1)
    }

    async fn release_schedule_lease(&self, id: &str, holder: &str) -> StoreResult<()> {
        self.schedules()
            .update_one(
                doc! {"_id": id, "lease_holder": holder},
                doc! {"$set": {"lease_holder": Bson::Null, "lease_until": Bson::Null}},
            )
            .await
            .map(|_| ())
            .map_err(mongo_err)
    }

    async fn put_run(&self, run: &Run) -> StoreResult<()> {
        let d = doc! {
            "schedule_id": &run.schedule_id,
            "started_at": when(run.started_at),
            "doc": serde_json::to_string(run).map_err(bson_err)?,
        };
        self.schedule_runs().replace_one(doc! {"_id": &run.id}, d).upsert(true).await.map_err(mongo_err)?;
        let old = all_docs(
            self.schedule_runs()
                .find(doc! {"schedule_id": &run.schedule_id})
                .sort(doc! {"started_at": -1, "_id": -1})
                .skip(RUNS_KEPT as u64)
                .projection(doc! {"_id": 1}),
        )
        .await?;
        if !old.is_empty() {
            let ids: Vec<Bson> = old.iter().filter_map(|d| d.get("_id").cloned()).collect();
            self.schedule_runs().delete_many(doc! {"_id": {"$in": ids}}).await.map_err(mongo_err)?;
        }
        Ok(())
    }

    async fn runs(&self, schedule_id: &str, limit: usize) -> StoreResult<Vec<Run>> {
        let found = all_docs(
            self.schedule_runs()
                .find(doc! {"schedule_id": schedule_id})
                .sort(doc! {"started_at": -1, "_id": -1})
                .limit(limit as i64),
        )
        .await?;
        found.iter().map(|d| serde_json::from_str(d.get_str("doc").map_err(bson_err)?).map_err(bson_err)).collect()
    }
}
