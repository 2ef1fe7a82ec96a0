//! Schedules and their fires as the API shows them, and the bodies that make and change
//! them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::page::named_page;

/// What a fire makes: a task of a runner, or a message on a queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Target {
    Runner(RunnerTarget),
    Queue(QueueTarget),
}

/// A task of `runner` with these `arguments`, on `thread` if given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunnerTarget {
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub runner: String,
    /// Must satisfy the runner's input schema (checked when the schedule is saved, and at
    /// each fire).
    #[serde(default = "empty_object")]
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub arguments: Value,
    /// A thread id or key each task continues (made on the first fire if it is a new key).
    #[schema(min_length = 1, max_length = 255)]
    pub thread: Option<String>,
}

/// A message with this `payload` on `queue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueTarget {
    #[schema(pattern = r"^[a-z0-9][a-z0-9_-]{0,62}$")]
    pub queue: String,
    #[serde(default = "empty_object")]
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub payload: Value,
    #[schema(min_length = 1, max_length = 255)]
    pub concurrency_key: Option<String>,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// What happens to ticks missed while no worker ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Missed {
    /// Only the latest missed tick fires, if it is less than a minute late; the rest are
    /// counted in `missed_ticks`.
    #[default]
    Skip,
    /// Each missed tick fires, oldest first, up to `catch_up_max` of them.
    CatchUp,
}

/// What a fire does while the previous fire's task is still active (runner targets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// Start another task regardless.
    #[default]
    Allow,
    /// Make no task; the fire is recorded as `skipped`.
    Skip,
    /// Hold the fire (`waiting`) and start its task when the previous one ends (at most 10
    /// fires wait; more are skipped).
    Enqueue,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident = $s:literal),+ }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                match s.as_str() { $($s => Ok(Self::$v),)+ other => Err(format!("unknown {other:?}")) }
            }
        }
    };
}
str_enum!(Missed { Skip = "skip", CatchUp = "catch_up" });
str_enum!(Overlap { Allow = "allow", Skip = "skip", Enqueue = "enqueue" });

/// A schedule.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Schedule {
    pub id: Uuid,
    /// A label of your choosing.
    pub name: Option<String>,
    #[schema(example = "0 9 * * 1-5")]
    pub cron: String,
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    #[sqlx(json)]
    pub target: Target,
    pub enabled: bool,
    /// No fire after this.
    pub end_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub missed: Missed,
    pub catch_up_max: i32,
    #[sqlx(try_from = "String")]
    pub overlap: Overlap,
    /// The next tick; `null` when disabled or past `end_at`.
    pub next_fire_at: Option<DateTime<Utc>>,
    pub last_fire_at: Option<DateTime<Utc>>,
    /// Ticks skipped because no worker ran then (`missed: skip`, or beyond `catch_up_max`).
    pub missed_ticks: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

named_page!(SchedulePage = CursorPage<Schedule>, about: Some("One page of schedules, newest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// What came of one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FireOutcome {
    /// A task was started (`task_id`).
    Task,
    /// A message was posted (`message_id`).
    Message,
    /// The previous fire's task was still active (`overlap: skip`).
    Skipped,
    /// Held until the previous fire's task ends (`overlap: enqueue`).
    Waiting,
    /// The target refused it (`error` says why): a runner gone, arguments that no longer
    /// fit, a full project.
    Failed,
}
str_enum!(FireOutcome { Task = "task", Message = "message", Skipped = "skipped", Waiting = "waiting", Failed = "failed" });

/// One tick of a schedule and what it made.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct ScheduleFire {
    /// The tick, as the expression names it.
    pub fire_at: DateTime<Utc>,
    /// When it was fired (later than `fire_at` when caught up or held).
    pub fired_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub outcome: FireOutcome,
    pub task_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    #[schema(schema_with = crate::wire_schema::any_value)]
    pub error: Option<Value>,
}

named_page!(FirePage = CursorPage<ScheduleFire>, about: Some("One page of a schedule's fires, newest first."), cursor: Some("Pass as `cursor` for the next page; `null` on the last."));

/// Body of `POST /v1/schedules`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Five fields (minute hour day-of-month month day-of-week) or six with seconds first.
    #[schema(example = "*/2 * * * * *", min_length = 1, max_length = 200)]
    pub cron: String,
    /// An IANA time zone; default `UTC`.
    #[schema(example = "Europe/Paris", min_length = 1, max_length = 64)]
    pub timezone: Option<String>,
    pub target: Target,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// No fire after this; a time to come (a past one is refused: nothing would fire).
    pub end_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub missed: Missed,
    /// Missed ticks `catch_up` fires at most after a downtime (default 10).
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub catch_up_max: Option<u32>,
    #[serde(default)]
    pub overlap: Overlap,
}

fn yes() -> bool {
    true
}

/// Body of `PATCH /v1/schedules/{id}`: what it names changes; the next tick is computed
/// again from now.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleChange {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub cron: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub timezone: Option<String>,
    pub target: Option<Target>,
    pub enabled: Option<bool>,
    /// A time to come, or `null` to remove the end.
    #[serde(default, deserialize_with = "crate::json::present")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub end_at: Option<Option<DateTime<Utc>>>,
    pub missed: Option<Missed>,
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::json::optional_whole_u32")]
    pub catch_up_max: Option<u32>,
    pub overlap: Option<Overlap>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScheduleQuery {
    /// Page size, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
}
