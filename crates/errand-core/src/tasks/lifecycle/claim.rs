//! Claiming: a worker takes runnable tasks with `FOR UPDATE SKIP LOCKED` and starts their
//! next attempt (`queued` → `running`), logging `task.started` (or `task.resumed`, for a
//! task going on after a pause) in the same statement, announced after it (`Claimed::notes`).

use std::time::Duration;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::events::announce::Note;
use crate::events::{Notes, kind};
use crate::tasks::model::Task;
use crate::tasks::store::{COLUMNS, TaskRow};

/// Which tasks a claim takes.
#[derive(Debug, Clone, Copy)]
pub enum Pick {
    /// Up to this many runnable tasks, lowest `rank_at` first (due time less the priority's
    /// lead, see the priority migration): the fast claim, right while one
    /// project has queued tasks and no project's running tasks are limited.
    Oldest(i64),
    /// Up to this many runnable tasks, fairly across projects (see `FAIR`); a project at
    /// its running limit gives none. `max_running` is the limit of projects without their
    /// own (0: none).
    Fair { limit: i64, max_running: u32 },
    /// This task, if queued, whenever it is due (`errand run` runs its own task).
    Task(Uuid),
}

/// Runnable rows of each project with any, at most its allowance. Each row's turn is its
/// project's running tasks plus its rank in the project, and the claim takes the lowest
/// turns: a project with fewer tasks running goes first, so one project's backlog cannot
/// starve another's tasks. A project's running count is read in the claim's snapshot:
/// claims of one worker process never overlap, and two processes claiming in the same
/// instant can together pass a project's limit by at most one claim of the other.
const FAIR: &str = "
    RECURSIVE active(project_id) AS (
        -- The projects with queued tasks: a skip scan of `tasks_runnable_by_project`, one
        -- index probe per project rather than a read of the whole queue.
        (SELECT project_id FROM tasks WHERE status = 'queued' AND NOT waits_turn
         ORDER BY project_id LIMIT 1)
        UNION ALL
        SELECT (SELECT t.project_id FROM tasks t
                WHERE t.status = 'queued' AND NOT t.waits_turn AND t.project_id > a.project_id
                ORDER BY t.project_id LIMIT 1)
        FROM active a WHERE a.project_id IS NOT NULL),
    picked AS (
        SELECT c.id, c.resuming, c.rank_at, l.running
            + row_number() OVER (PARTITION BY p.id ORDER BY c.rank_at, c.id) AS turn
        FROM active a
        JOIN projects p ON p.id = a.project_id
        CROSS JOIN LATERAL (
            -- OFFSET 0 keeps the count from being re-run for every row it is used in.
            SELECT coalesce(p.max_running_tasks, $5) AS cap,
                (SELECT count(*) FROM tasks r
                 WHERE r.project_id = p.id AND r.status = 'running') AS running
            OFFSET 0) l
        CROSS JOIN LATERAL (
            SELECT t.id, t.resuming, t.rank_at FROM tasks t
            WHERE t.project_id = p.id AND t.status = 'queued' AND NOT t.waits_turn
              AND NOT t.cancel_requested
              AND {HAS_ATTEMPT} AND t.run_after <= now()
              AND (t.thread_id IS NULL OR {THREAD_TURN})
            ORDER BY t.rank_at, t.id
            LIMIT CASE WHEN l.cap = 0 THEN $1 ELSE greatest(0, least($1, l.cap - l.running)) END
            FOR UPDATE OF t SKIP LOCKED) c),
    next AS (SELECT id, resuming FROM picked ORDER BY turn, rank_at, id LIMIT $1)";

/// A queued task may run: it has an attempt left, or it goes on with its current one.
const HAS_ATTEMPT: &str = "(t.attempts < t.max_attempts OR t.resuming)";

/// A thread runs one task at a time, in the order they were submitted: a task on a thread
/// is runnable only when no other task of the thread runs or waits for input, and none
/// submitted before it is still queued. (Of two tasks of a thread, a claim can take only
/// the older, so concurrent claims never start both.) Tasks behind others carry
/// `waits_turn` and are not even looked at (`turns`); this check, over the index of
/// threads' unsettled tasks, is what keeps the order should a flag be wrong.
const THREAD_TURN: &str = "NOT EXISTS (
    SELECT 1 FROM tasks o WHERE o.thread_id = t.thread_id
      AND o.status IN ('queued', 'running', 'input_required', 'waiting') AND o.id <> t.id
      AND (o.status <> 'queued' OR o.id < t.id))";

/// The oldest due tasks, whatever their project.
const OLDEST: &str = "
    next AS (
        SELECT id, resuming FROM tasks t
        WHERE status = 'queued' AND NOT waits_turn AND NOT cancel_requested AND {HAS_ATTEMPT}
          AND run_after <= now() AND $4::uuid IS NULL AND $5::int IS NOT NULL
          AND (t.thread_id IS NULL OR {THREAD_TURN})
        ORDER BY rank_at, id
        LIMIT $1
        FOR UPDATE SKIP LOCKED)";

/// One task by id.
const ONE: &str = "
    next AS (
        SELECT id, resuming FROM tasks t
        WHERE status = 'queued' AND NOT cancel_requested AND {HAS_ATTEMPT}
          AND id = $4 AND $5::int IS NOT NULL
        LIMIT $1
        FOR UPDATE SKIP LOCKED)";

/// What a claim took, and whether more than one project had queued tasks (read from two
/// probes of an index; then the next claim should be fair). The `task.started` events are
/// not announced yet: the caller hands `notes` to the `Announcer` once the claim has
/// committed.
pub struct Claimed {
    pub tasks: Vec<Task>,
    pub several_projects: bool,
    pub notes: Notes,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    #[sqlx(flatten)]
    task: TaskRow,
    several_projects: bool,
    event_seq: i64,
    thread_log: Option<Uuid>,
    thread_seq: Option<i64>,
}

/// Starts the next attempt of the picked tasks (`attempts + 1`, `task.started`), or goes on
/// with the current one of a resuming task (`task.resumed`): `running`, a lease for `owner`
/// until `lease` from now, and the event.
pub async fn claim(
    conn: &mut PgConnection,
    pick: Pick,
    owner: &str,
    lease: Duration,
) -> sqlx::Result<Claimed> {
    let (limit, only, max_running, next) = match pick {
        Pick::Oldest(limit) => (limit, None, 0, OLDEST),
        Pick::Fair { limit, max_running } => (limit, None, max_running, FAIR),
        Pick::Task(id) => (1, Some(id), 0, ONE),
    };
    let rows: Vec<ClaimedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH {},
         claimed AS (
            UPDATE tasks t SET status = 'running',
                attempts = t.attempts + CASE WHEN next.resuming THEN 0 ELSE 1 END,
                resuming = false, waits_turn = false,
                started_at = CASE WHEN next.resuming THEN coalesce(t.started_at, now())
                    ELSE now() END, finished_at = NULL, updated_at = now(),
                lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
                last_event_seq = t.last_event_seq + 1
            FROM next WHERE t.id = next.id
            RETURNING t.*, next.resuming AS resumed),
         -- Tasks on a thread number the event in the thread's log too (one task per thread).
         th AS (
            UPDATE threads h SET last_event_seq = h.last_event_seq + 1
            FROM claimed c WHERE h.id = c.thread_id
            RETURNING h.id, h.last_event_seq),
         logged AS (
            INSERT INTO task_events (task_id, seq, type, data, thread_id, thread_seq)
            SELECT c.id, c.last_event_seq,
                CASE WHEN c.resumed THEN '{resumed}' ELSE '{started}' END,
                jsonb_build_object('attempt', c.attempts), th.id, th.last_event_seq
            FROM claimed c LEFT JOIN th ON th.id = c.thread_id)
         SELECT {COLUMNS}, resumed, last_event_seq AS event_seq, thread_log, thread_seq, (
            (SELECT project_id FROM tasks WHERE status = 'queued' AND NOT waits_turn
             ORDER BY project_id LIMIT 1)
            <> (SELECT project_id FROM tasks WHERE status = 'queued' AND NOT waits_turn
                ORDER BY project_id DESC LIMIT 1)
         ) IS TRUE AS several_projects
         FROM (SELECT c.*, th.id AS thread_log, th.last_event_seq AS thread_seq
               FROM claimed c LEFT JOIN th ON th.id = c.thread_id) claimed",
        next.replace("{THREAD_TURN}", THREAD_TURN)
            .replace("{HAS_ATTEMPT}", HAS_ATTEMPT),
        started = kind::STARTED,
        resumed = kind::RESUMED,
    )))
    .bind(limit)
    .bind(owner)
    .bind(lease.as_secs_f64())
    .bind(only)
    .bind(i32::try_from(max_running).unwrap_or(i32::MAX))
    .fetch_all(conn)
    .await?;
    let several_projects = rows.first().is_some_and(|r| r.several_projects);
    let mut notes = Notes::default();
    let mut tasks = Vec::with_capacity(rows.len());
    for row in rows {
        let task = Task::try_from(row.task)?;
        notes.push(Note {
            task_id: task.id,
            seq: row.event_seq,
            end: false,
            thread: row.thread_log.zip(row.thread_seq),
            wake: false,
        });
        tasks.push(task);
    }
    Ok(Claimed {
        tasks,
        several_projects,
        notes,
    })
}

/// Gives back a task this worker claimed but never started (it closed first): `queued`
/// again with the attempt count it had (a resumed task resuming again), no lease, and a
/// `task.queued` event; `false` when it is no longer this claim's (fenced on the owner and
/// the attempt). Giving it back costs no attempt, unlike a lease left to expire.
pub async fn unclaim(conn: &mut PgConnection, owner: &str, task: &Task) -> sqlx::Result<bool> {
    let back: Option<i32> = sqlx::query_scalar(
        "UPDATE tasks SET status = 'queued',
            attempts = attempts - CASE WHEN $4 THEN 0 ELSE 1 END, resuming = $4,
            lease_owner = NULL, lease_expires_at = NULL, run_after = now(), updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND status = 'running'
         RETURNING attempts",
    )
    .bind(task.id)
    .bind(owner)
    .bind(task.attempts)
    .bind(task.resumed)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(attempts) = back else {
        return Ok(false);
    };
    let next = if task.resumed { attempts } else { attempts + 1 };
    let queued = crate::tasks::queued::Queued {
        attempt: next,
        ..Default::default()
    };
    crate::events::append(conn, task.id, kind::QUEUED, &queued.data()).await?;
    Ok(true)
}
