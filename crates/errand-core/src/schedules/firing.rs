//! Firing: every `schedules.tick_interval_ms` each worker process looks for schedules with
//! a tick due. A fire is a row of `schedule_fires` keyed by schedule and tick, inserted in
//! the transaction that makes its task or message, with the schedule's row locked: a tick
//! fires once however many processes see it. Ticks missed while no worker ran follow the
//! schedule's `missed` policy; `overlap` decides what a fire does while the last fire's task
//! is still active.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::{FireOutcome, Missed, Overlap, Schedule, Target};
use super::store::COLUMNS;
use super::timing::Timing;
use crate::core::Core;
use crate::error::{Coded, Fault};
use crate::queues::messages;
use crate::queues::model::PostMessage;
use crate::tasks::model::{CreateTask, IfNotExists};

/// Ticks looked at in one round of one schedule at most (a long downtime of a per-second
/// schedule is counted up to this, not walked to the end).
const MAX_TICKS_WALKED: usize = 10_000;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    pub fires: u64,
    pub missed: u64,
}

pub struct Scheduler {
    pub core: Core,
}

/// What one fire made.
struct Made {
    outcome: FireOutcome,
    task: Option<Uuid>,
    message: Option<Uuid>,
    error: Option<Value>,
}

impl Made {
    fn only(outcome: FireOutcome) -> Self {
        Self {
            outcome,
            task: None,
            message: None,
            error: None,
        }
    }

    fn failed(error: Value) -> Self {
        Self {
            error: Some(error),
            ..Self::only(FireOutcome::Failed)
        }
    }
}

impl Scheduler {
    /// One round: every due schedule, then held fires whose turn came.
    pub async fn round(&self) -> Result<Fired, Fault> {
        let due: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM schedules WHERE enabled AND next_fire_at <= now()
             ORDER BY next_fire_at LIMIT 100",
        )
        .fetch_all(&self.core.pool)
        .await?;
        let mut done = Fired::default();
        for id in due {
            let (fires, missed) = self.fire_due(id).await?;
            done.fires += fires;
            done.missed += missed;
        }
        let held: Vec<Uuid> = sqlx::query_scalar(
            "SELECT DISTINCT schedule_id FROM schedule_fires WHERE outcome = 'waiting' LIMIT 100",
        )
        .fetch_all(&self.core.pool)
        .await?;
        for id in held {
            done.fires += self.release_held(id).await?;
        }
        Ok(done)
    }

    /// Fires schedule `id`'s due ticks (none when another process holds it): the fires and
    /// the ticks missed.
    async fn fire_due(&self, id: Uuid) -> Result<(u64, u64), Fault> {
        let mut tx = self.core.pool.begin().await?;
        let schedule = sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedules
             WHERE id = $1 AND enabled AND next_fire_at <= now() FOR UPDATE SKIP LOCKED"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(schedule) = schedule else {
            return Ok((0, 0));
        };
        let project = self.project_of(&mut tx, id).await?;
        let now = Utc::now();
        let Ok(timing) = Timing::parse(&schedule.cron, &schedule.timezone) else {
            // Saved valid; a zone database that lost the zone stops it rather than spin.
            tracing::warn!(schedule = %id, "schedule no longer parses; it stops firing");
            stop(&mut tx, id).await?;
            tx.commit().await?;
            return Ok((0, 0));
        };
        let (ticks, missed) = self.due_ticks(&schedule, &timing, now);
        let mut fired = 0;
        for tick in &ticks {
            if self.fire(&mut tx, &schedule, project, *tick).await? {
                fired += 1;
            }
        }
        let next = timing
            .next_after(now)
            .filter(|next| schedule.end_at.is_none_or(|end| *next <= end));
        sqlx::query(
            "UPDATE schedules SET next_fire_at = $2,
                 last_fire_at = coalesce($3, last_fire_at),
                 missed_ticks = missed_ticks + $4, updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(next)
        .bind(ticks.last())
        .bind(i64::try_from(missed).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((fired, missed))
    }

    async fn project_of(
        &self,
        tx: &mut PgConnection,
        id: Uuid,
    ) -> sqlx::Result<crate::projects::ProjectId> {
        sqlx::query_scalar("SELECT project_id FROM schedules WHERE id = $1")
            .bind(id)
            .fetch_one(tx)
            .await
    }

    /// The ticks from `next_fire_at` to `now` (and `end_at`) to fire under the schedule's
    /// `missed` policy, and how many more are skipped.
    fn due_ticks(
        &self,
        schedule: &Schedule,
        timing: &Timing,
        now: DateTime<Utc>,
    ) -> (Vec<DateTime<Utc>>, u64) {
        let last = schedule.end_at.map_or(now, |end| end.min(now));
        let mut due = Vec::new();
        let mut tick = schedule.next_fire_at;
        while let Some(t) = tick.filter(|t| *t <= last) {
            if due.len() >= MAX_TICKS_WALKED {
                break;
            }
            due.push(t);
            tick = timing.next_after(t);
        }
        let total = due.len() as u64;
        let fire: Vec<DateTime<Utc>> = match schedule.missed {
            Missed::Skip => {
                let grace =
                    TimeDelta::seconds(i64::from(self.core.schedules.misfire_grace_seconds));
                due.last()
                    .copied()
                    .filter(|t| now - *t <= grace)
                    .into_iter()
                    .collect()
            }
            Missed::CatchUp => {
                let max = usize::try_from(schedule.catch_up_max).unwrap_or(1);
                due.into_iter().take(max).collect()
            }
        };
        (fire.clone(), total - fire.len() as u64)
    }

    /// Fires `tick` of `schedule`: `false` when it was fired already.
    async fn fire(
        &self,
        tx: &mut PgConnection,
        schedule: &Schedule,
        project: crate::projects::ProjectId,
        tick: DateTime<Utc>,
    ) -> Result<bool, Fault> {
        let claimed = sqlx::query(
            "INSERT INTO schedule_fires (schedule_id, project_id, fire_at, outcome)
             VALUES ($1, $2, $3, 'waiting') ON CONFLICT DO NOTHING",
        )
        .bind(schedule.id)
        .bind(project)
        .bind(tick)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(false);
        }
        let made = match &schedule.target {
            Target::Queue(_) => self.make(tx, schedule, project).await?,
            Target::Runner(_) => match schedule.overlap {
                Overlap::Allow => self.make(tx, schedule, project).await?,
                overlap => {
                    self.overlapping(tx, schedule, project, overlap, tick)
                        .await?
                }
            },
        };
        record(tx, schedule.id, project, tick, &made).await?;
        let meters = &self.core.meters;
        let name = meters.project_name(&mut *tx, project).await?;
        meters.schedule_fire(&name, made.outcome.as_str());
        Ok(true)
    }

    /// A fire under `overlap: skip` or `enqueue`: made now if nothing of the schedule is
    /// active (or held before it), else skipped or held.
    async fn overlapping(
        &self,
        tx: &mut PgConnection,
        schedule: &Schedule,
        project: crate::projects::ProjectId,
        overlap: Overlap,
        tick: DateTime<Utc>,
    ) -> Result<Made, Fault> {
        let (active, held): (bool, i64) = sqlx::query_as(concat!(
            "SELECT EXISTS (SELECT 1 FROM schedule_fires f JOIN tasks t ON t.id = f.task_id
                 WHERE f.schedule_id = $1 AND t.status IN ",
            crate::active_statuses!(),
            "), (SELECT count(*) FROM schedule_fires
                 WHERE schedule_id = $1 AND outcome = 'waiting' AND fire_at <> $2)"
        ))
        .bind(schedule.id)
        .bind(tick)
        .fetch_one(&mut *tx)
        .await?;
        let max_held = i64::from(self.core.schedules.max_waiting_fires);
        Ok(match (overlap, active || held > 0) {
            (_, false) => self.make(tx, schedule, project).await?,
            (Overlap::Enqueue, true) if held < max_held => Made::only(FireOutcome::Waiting),
            _ => Made::only(FireOutcome::Skipped),
        })
    }

    /// Starts the oldest held fire of schedule `id` once nothing of it is active.
    async fn release_held(&self, id: Uuid) -> Result<u64, Fault> {
        let mut tx = self.core.pool.begin().await?;
        let schedule = sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM schedules WHERE id = $1 FOR UPDATE SKIP LOCKED"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(schedule) = schedule else {
            return Ok(0);
        };
        let active: bool = sqlx::query_scalar(concat!(
            "SELECT EXISTS (SELECT 1 FROM schedule_fires f JOIN tasks t ON t.id = f.task_id
                 WHERE f.schedule_id = $1 AND t.status IN ",
            crate::active_statuses!(),
            ")"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let oldest: Option<DateTime<Utc>> = sqlx::query_scalar(
            "SELECT min(fire_at) FROM schedule_fires WHERE schedule_id = $1 AND outcome = 'waiting'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let Some(tick) = oldest.filter(|_| !active) else {
            return Ok(0);
        };
        let project = self.project_of(&mut tx, id).await?;
        let made = self.make(&mut tx, &schedule, project).await?;
        record(&mut tx, id, project, tick, &made).await?;
        tx.commit().await?;
        Ok(1)
    }

    /// Makes the schedule's task or message, in a savepoint of `tx`: a refusal is a failed
    /// fire and leaves nothing half written.
    async fn make(
        &self,
        tx: &mut PgConnection,
        schedule: &Schedule,
        project: crate::projects::ProjectId,
    ) -> Result<Made, Fault> {
        let mut one = sqlx::Connection::begin(&mut *tx).await?;
        let made = match &schedule.target {
            Target::Queue(q) => {
                let body = PostMessage {
                    payload: q.payload.clone(),
                    run_after: None,
                    concurrency_key: q.concurrency_key.clone(),
                    priority: None,
                };
                match messages::post_on(&mut one, &self.core, project, &q.queue, &body, None).await
                {
                    Ok((message, _)) => Ok(Made {
                        message: Some(message.id),
                        ..Made::only(FireOutcome::Message)
                    }),
                    Err(crate::queues::QueueError::Fault(f)) => return Err(f),
                    Err(e) => Err(refusal(&e)),
                }
            }
            Target::Runner(r) => {
                let found = crate::runners::store::get(&mut *one, project, &r.runner).await?;
                match found {
                    None => Err(json!({"code": "runner_not_found",
                        "message": format!("no runner named {:?}", r.runner)})),
                    Some(runner) => {
                        let body = CreateTask {
                            arguments: r.arguments.clone(),
                            thread: r.thread.clone(),
                            if_not_exists: r.thread.as_ref().map(|_| IfNotExists::Create),
                            ..CreateTask::default()
                        };
                        let submitter = self.core.submitter(project);
                        match submitter.submit_on(&mut one, runner, body).await {
                            Ok(task) => Ok(Made {
                                task: Some(task.id),
                                ..Made::only(FireOutcome::Task)
                            }),
                            Err(crate::tasks::errors::SubmitError::Fault(f)) => return Err(f),
                            Err(e) => Err(refusal(&e)),
                        }
                    }
                }
            }
        };
        match made {
            Ok(made) => {
                one.commit().await?;
                Ok(made)
            }
            Err(error) => {
                one.rollback().await?;
                Ok(Made::failed(error))
            }
        }
    }
}

/// A refused fire's error, as its row keeps it.
fn refusal(e: &(impl Coded + ToString)) -> Value {
    json!({"code": e.code().as_str(), "message": e.to_string(), "errors": e.violations()})
}

/// Records what the fire at `tick` made and, unless it is held, announces it
/// (`schedule.fired`) in the same transaction.
async fn record(
    tx: &mut PgConnection,
    schedule: Uuid,
    project: crate::projects::ProjectId,
    tick: DateTime<Utc>,
    made: &Made,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE schedule_fires SET outcome = $3, task_id = $4, message_id = $5, error = $6,
             fired_at = now()
         WHERE schedule_id = $1 AND fire_at = $2",
    )
    .bind(schedule)
    .bind(tick)
    .bind(made.outcome.as_str())
    .bind(made.task)
    .bind(made.message)
    .bind(&made.error)
    .execute(&mut *tx)
    .await?;
    if made.outcome != FireOutcome::Waiting {
        let data = json!({"schedule_id": schedule, "fire_at": tick,
            "outcome": made.outcome.as_str(), "task_id": made.task,
            "message_id": made.message, "error": made.error});
        crate::webhooks::outbox::announce(tx, project, "schedule.fired", &data).await?;
    }
    Ok(())
}

async fn stop(tx: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE schedules SET next_fire_at = NULL, updated_at = now() WHERE id = $1")
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}
