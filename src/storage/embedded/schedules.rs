//! Schedules (`schedules`, the lease in its own columns) and runs (`schedule_runs`) in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_sqlite::rusqlite::{params, OptionalExtension};

use super::{find_doc, json_err, sql_err, EmbeddedStore};
use crate::{
    schedules::{
        model::{Run, Schedule},
        store::{Claim, ScheduleStore},
    },
    storage::StoreResult,
};

/// Runs kept per schedule.
const RUNS_KEPT: i64 = 100;

fn us(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_micros())
}

#[async_trait]
impl ScheduleStore for EmbeddedStore {
    async fn insert_schedule(&self, s: &Schedule) -> StoreResult<()> {
        let doc = serde_json::to_string(s).map_err(json_err)?;
        let s = s.clone();
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO schedules (id, owner_id, enabled, next_run_us, rev, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![s.id, s.owner_id, s.enabled, us(s.next_run_at), s.rev as i64, doc],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn replace_schedule(&self, s: &Schedule, expected_rev: u64) -> StoreResult<bool> {
        let doc = serde_json::to_string(s).map_err(json_err)?;
        let s = s.clone();
        self.with_conn(move |c| {
            c.execute(
                "UPDATE schedules SET enabled = ?2, next_run_us = ?3, rev = ?4, doc = ?5 WHERE id = ?1 AND rev = ?6",
                params![s.id, s.enabled, us(s.next_run_at), s.rev as i64, doc, expected_rev as i64],
            )
            .map(|n| n == 1)
            .map_err(sql_err)
        })
        .await
    }

    async fn schedule(&self, id: &str) -> StoreResult<Option<Schedule>> {
        let id = id.to_owned();
        self.with_conn(move |c| find_doc(c, "SELECT doc FROM schedules WHERE id = ?1", id)).await
    }

    async fn schedules_of(&self, owner: &str) -> StoreResult<Vec<Schedule>> {
        let owner = owner.to_owned();
        self.with_conn(move |c| {
            let mut st = c.prepare_cached("SELECT doc FROM schedules WHERE owner_id = ?1").map_err(sql_err)?;
            let docs = st.query_map([owner], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            let mut out: Vec<Schedule> = docs
                .map(|d| serde_json::from_str(&d.map_err(sql_err)?).map_err(json_err))
                .collect::<StoreResult<_>>()?;
            out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
            Ok(out)
        })
        .await
    }

    async fn all_schedules(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Schedule>> {
        let after = after.unwrap_or_default().to_owned();
        self.with_conn(move |c| {
            let mut st =
                c.prepare_cached("SELECT doc FROM schedules WHERE id > ?1 ORDER BY id LIMIT ?2").map_err(sql_err)?;
            let docs = st.query_map(params![after, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            docs.map(|d| serde_json::from_str(&d.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }

    async fn delete_schedule(&self, id: &str) -> StoreResult<bool> {
        let id = id.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            let n = tx.execute("DELETE FROM schedules WHERE id = ?1", [&id]).map_err(sql_err)?;
            tx.execute("DELETE FROM schedule_runs WHERE schedule_id = ?1", [&id]).map_err(sql_err)?;
            tx.commit().map_err(sql_err)?;
            Ok(n == 1)
        })
        .await
    }

    async fn delete_schedules_of(&self, owner: &str) -> StoreResult<()> {
        let owner = owner.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute(
                "DELETE FROM schedule_runs WHERE schedule_id IN (SELECT id FROM schedules WHERE owner_id = ?1)",
                [&owner],
            )
            .map_err(sql_err)?;
            tx.execute("DELETE FROM schedules WHERE owner_id = ?1", [&owner]).map_err(sql_err)?;
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn due_schedules(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<String>> {
        let now = now.timestamp_micros();
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT id FROM schedules WHERE enabled = 1 AND next_run_us <= ?1
                       AND (lease_until_us IS NULL OR lease_until_us < ?1)
                     ORDER BY next_run_us LIMIT ?2",
                )
                .map_err(sql_err)?;
            let ids = st.query_map(params![now, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            ids.map(|r| r.map_err(sql_err)).collect()
        })
        .await
    }

    async fn claim_schedule(&self, claim: Claim<'_>) -> StoreResult<Option<Schedule>> {
        let (id, holder) = (claim.id.to_owned(), claim.holder.to_owned());
        let (now, until, due_only) = (claim.now.timestamp_micros(), claim.until.timestamp_micros(), claim.due_only);
        self.with_conn(move |c| {
            let doc: Option<String> = c
                .query_row(
                    "UPDATE schedules SET lease_holder = ?2, lease_until_us = ?3
                     WHERE id = ?1 AND (lease_until_us IS NULL OR lease_until_us < ?4)
                       AND (?5 = 0 OR (enabled = 1 AND next_run_us <= ?4))
                     RETURNING doc",
                    params![id, holder, until, now, due_only],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            doc.map(|d| serde_json::from_str(&d).map_err(json_err)).transpose()
        })
        .await
    }

    async fn renew_schedule_lease(&self, id: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool> {
        let (id, holder) = (id.to_owned(), holder.to_owned());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE schedules SET lease_until_us = ?3 WHERE id = ?1 AND lease_holder = ?2",
                params![id, holder, until.timestamp_micros()],
            )
            .map(|n| n == 1)
            .map_err(sql_err)
        })
        .await
    }

    async fn release_schedule_lease(&self, id: &str, holder: &str) -> StoreResult<()> {
        let (id, holder) = (id.to_owned(), holder.to_owned());
        self.with_conn(move |c| {
            c.execute(
                "UPDATE schedules SET lease_holder = NULL, lease_until_us = NULL WHERE id = ?1 AND lease_holder = ?2",
                params![id, holder],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
        .await
    }

    async fn put_run(&self, run: &Run) -> StoreResult<()> {
        let doc = serde_json::to_string(run).map_err(json_err)?;
        let (schedule, id, started) = (run.schedule_id.clone(), run.id.clone(), run.started_at.timestamp_micros());
        self.with_conn(move |c| {
            let tx = c.transaction().map_err(sql_err)?;
            tx.execute(
                "INSERT OR REPLACE INTO schedule_runs (schedule_id, run_id, started_us, doc) VALUES (?1, ?2, ?3, ?4)",
                params![schedule, id, started, doc],
            )
            .map_err(sql_err)?;
            tx.execute(
                "DELETE FROM schedule_runs WHERE schedule_id = ?1 AND run_id NOT IN
                   (SELECT run_id FROM schedule_runs WHERE schedule_id = ?1 ORDER BY started_us DESC LIMIT ?2)",
                params![schedule, RUNS_KEPT],
            )
            .map_err(sql_err)?;
            tx.commit().map_err(sql_err)
        })
        .await
    }

    async fn runs(&self, schedule_id: &str, limit: usize) -> StoreResult<Vec<Run>> {
        let id = schedule_id.to_owned();
        self.with_conn(move |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT doc FROM schedule_runs WHERE schedule_id = ?1 ORDER BY started_us DESC, run_id DESC LIMIT ?2",
                )
                .map_err(sql_err)?;
            let docs = st.query_map(params![id, limit as i64], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            docs.map(|d| serde_json::from_str(&d.map_err(sql_err)?).map_err(json_err)).collect()
        })
        .await
    }
}
